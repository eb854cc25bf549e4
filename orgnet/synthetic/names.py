"""Name pools for the synthetic generator: realistic Chinese place, unit and person names.

Everything here is a constant tuple (never a set), so picking from it with a seeded
``random.Random`` is deterministic.
"""

from __future__ import annotations

import random
from bisect import bisect

# --- people -----------------------------------------------------------------

#: common surnames, most frequent first (weights below follow the order)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
SURNAME_WEIGHTS = tuple(1.0 / (1 + i * 0.08) for i in range(len(SURNAMES)))
#: given-name characters by birth cohort (a name of 1950 is not a name of 2000):
#: (first year of the cohort, male chars, female chars, male middle chars, female middle chars)
NAME_COHORTS = (
    (0, "福贵山林生成忠德海平明华军国树宝", "英兰珍芳秀凤梅霞桂莲琴淑玉", "建国振永树德玉宝长福", "秀桂淑凤玉兰素"),
    (1960, "伟强军勇明华平东斌刚峰建林涛红", "丽红艳燕霞敏静萍玲梅娟芳英", "建志国文晓卫海永春", "丽秀春红晓海雪"),
    (1980, "伟磊涛鹏超杰亮斌飞波鑫辉凯俊峰", "丹婷娜倩静敏晶洁琳莉颖燕蕾", "晓小海俊文志金", "晓小雪佳丽金海"),
    (1995, "浩宇轩博睿泽然杰阳昊晨鑫帆航", "欣怡涵萱琪雨梦佳璐悦彤婷", "梓子嘉一宇俊浩", "梓子思嘉雨一欣诗"),
)


class PersonNames:
    """Deterministic person names: surname + one or two given characters of the person's
    birth cohort (``NAME_COHORTS``)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._cum = []
        total = 0.0
        for w in SURNAME_WEIGHTS:
            total += w
            self._cum.append(total)
        self._total = total

    def name(self, male: bool, birth_year: int = 1985) -> str:
        rng = self.rng
        # inverse CDF on the cumulative weights (what random.choices does)
        surname = SURNAMES[bisect(self._cum, rng.random() * self._total)]
        cohort = next(c for c in reversed(NAME_COHORTS) if birth_year >= c[0])
        pool = cohort[1] if male else cohort[2]
        if rng.random() < 0.35:
            return surname + rng.choice(pool)
        return surname + rng.choice(cohort[3] if male else cohort[4]) + rng.choice(pool)


# --- places -----------------------------------------------------------------

WEICHENG_STREETS = ("城关街道", "南关街道", "西关街道", "北关街道")
WEICHENG_COMMUNITIES = ("月河", "胜利西", "西市场", "曹家巷", "十笏园", "向阳", "和平", "福寿")
QINDU_STREETS = ("人民路街道", "西兰路街道", "吴家堡街道", "渭阳西路街道", "陈杨寨街道",
                 "古渡街道", "沣东街道", "钓台街道", "马泉街道")
CHENGDU_DISTRICTS = ("锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区",
                     "新都区", "温江区", "双流区", "郫都区")
CHENGDU_STREETS = (
    "春熙路", "书院街", "合江亭", "水井坊", "牛市口", "督院街", "盐市口", "东华门", "少城",
    "草市街", "西御河", "府南", "光华", "金沙", "黄田坝", "苏坡", "文家", "草堂", "西安路",
    "驷马桥", "荷花池", "茶店子", "抚琴", "营门口", "金泉", "九里堤", "五块石", "天回镇",
    "浆洗街", "望江路", "玉林", "跳伞塔", "火车南站", "簇桥", "红牌楼", "晋阳", "机投桥",
    "华兴", "猛追湾", "双桥子", "府青路", "二仙桥", "跳蹬河", "万年场", "龙潭", "保和",
    "青龙", "白莲池", "龙泉", "大面", "十陵", "同安", "大弯", "弥牟", "新都", "大丰", "三河",
    "柳城", "涌泉", "公平", "东升", "西航港", "九江", "华阳", "郫筒", "犀浦", "红光",
)
PLACE_A = ("东", "西", "南", "北", "新", "龙", "凤", "金", "玉", "青", "红", "桂", "锦", "华",
           "文", "兴", "和", "安", "宁", "福", "春", "秋", "长", "永", "康", "乐", "光", "明",
           "建", "胜", "利", "民", "平", "泰", "祥", "瑞", "丰", "清", "翠", "梅")
PLACE_B = ("城", "江", "河", "湖", "山", "园", "桥", "林", "泉", "苑", "门", "坊", "溪", "塘",
           "湾", "岭", "坡", "台", "亭", "庄", "寺", "巷", "街", "路", "院", "峰", "湖", "源",
           "阳", "华")
COMPOUND_SUFFIXES = ("小区", "花园", "家园", "苑", "新村", "嘉园", "华庭", "公寓", "小区", "小区")
BRAND = ("鑫源", "恒泰", "华盛", "宏达", "瑞丰", "博远", "金诺", "天成", "中和", "汇通", "兴业",
         "永安", "嘉禾", "信诚", "万达", "德润", "宏图", "锦程", "东方", "蓝天", "明远", "顺达",
         "益民", "海川", "卓越", "正泰", "佳美", "福瑞", "长青", "新元")
INDUSTRY = ("科技", "商贸", "餐饮管理", "建筑工程", "信息技术", "医药连锁", "文化传媒", "电子",
            "教育咨询", "物流", "装饰工程", "家政服务", "机械制造", "食品", "广告")
AGENCY_BUREAUS = ("教育局", "卫生健康局", "市场监督管理局", "住房和城乡建设局", "民政局",
                  "人力资源和社会保障局", "司法局", "城市管理局", "自然资源局", "生态环境局",
                  "交通运输局", "应急管理局", "统计局", "水利局", "文化和旅游局", "退役军人事务局")
STREET_OFFICES = ("司法所", "市场监管所", "财政所", "城管执法中队")

#: name templates of the units of each kind (``UnitKind`` value), with their plausible staff
#: range and a relative weight: ``(template, staff_lo, staff_hi, weight)``. Placeholders:
#: {c} city (short), {d} district, {s} street (short), {p} a place name, {b} a brand, {i} an
#: industry, {n} a number. A template without {p}, {b} or {n} names one unit per district (or
#: per street with {s}); names are unique within a district (the generator draws again).
UNIT_TEMPLATES: dict[str, tuple[tuple[str, int, int, float], ...]] = {
    "agency": tuple(("{c}市{d}" + b, 30, 120, 1.0) for b in AGENCY_BUREAUS)
    + tuple(("{d}{s}" + o, 5, 25, 2.0) for o in STREET_OFFICES)
    + (("国家税务总局{c}市{d}税务局{s}税务所", 10, 40, 2.0),),
    "institution": (
        ("{c}市第{n}中学", 80, 250, 3.0), ("{d}{p}小学", 40, 120, 5.0), ("{p}幼儿园", 15, 60, 5.0),
        ("{s}社区卫生服务中心", 25, 80, 3.0), ("{d}实验小学", 80, 160, 0.5),
        ("{d}人民医院", 400, 1500, 0.5), ("{d}中医医院", 200, 600, 0.5),
        ("{d}妇幼保健院", 100, 400, 0.5), ("{d}职业教育中心", 60, 200, 0.5),
        ("{d}图书馆", 15, 50, 0.5), ("{d}文化馆", 15, 40, 0.5),
        ("{d}疾病预防控制中心", 50, 150, 0.5)),
    "state_enterprise": (
        ("中国移动{d}分公司{p}营业厅", 6, 20, 2.0), ("中国工商银行{c}{p}支行", 15, 45, 2.0),
        ("中国建设银行{c}{p}支行", 15, 45, 2.0), ("中国邮政{c}{p}邮政支局", 5, 15, 2.0),
        ("国网{c}供电公司{s}供电所", 20, 60, 1.0), ("{c}水务集团{p}营业所", 8, 25, 1.0),
        ("{c}公交集团第{n}分公司", 150, 600, 0.3), ("{c}燃气有限公司{p}服务站", 6, 20, 1.0),
        ("中国石化{c}{p}加油站", 8, 20, 1.0), ("中国电信{d}分公司{p}营业部", 8, 30, 1.0)),
    "social_org": (
        ("{c}{b}社会工作服务中心", 5, 30, 1.0), ("{s}志愿者协会", 3, 12, 1.0),
        ("{b}养老服务中心", 8, 40, 1.0), ("{d}{s}商会", 3, 10, 1.0), ("{b}公益服务中心", 3, 15, 1.0),
        ("{s}书画协会", 3, 8, 1.0), ("{b}青少年服务中心", 4, 20, 1.0), ("{s}老年协会", 3, 8, 1.0)),
    "other": (("{p}农贸市场", 10, 50, 1.0), ("{p}商务楼宇", 5, 20, 1.0), ("{p}综合市场", 10, 50, 1.0),
              ("{b}文化广场管理处", 5, 20, 1.0)),
}
#: names of property companies
PROPERTY_NAMES = ("{c}{b}物业服务有限公司", "{c}{b}物业管理有限公司", "{c}{b}物业服务集团有限公司")
#: staff of private enterprises: (lo, hi, weight) brackets, most of them small
PRIVATE_STAFF = ((5, 20, 0.6), (20, 100, 0.3), (100, 400, 0.1))
#: staff of the units the generator names itself: property company (per compound served: lo,
#: hi added per compound), owners' committee, residents' committee, police post, police station
PROPERTY_STAFF = (6, 12)
OWNERS_STAFF = (5, 11)
RESIDENTS_STAFF = (5, 12)
POLICE_POST_STAFF = (3, 8)
POLICE_STATION_STAFF = (40, 120)
#: a 街道办事处 (the street's own office, where the street committee's cadres work)
STREET_OFFICE_STAFF = (60, 120)

#: the province of each preset's city ({v} in ``KEY_UNITS``)
PROVINCES = {"咸阳市": "陕西省", "潍坊市": "山东省", "成都市": "四川省"}
#: 中省市单位 a district hosts (003 stresses them): ``(template, kind, affiliation, staff_lo,
#: staff_hi, weight)``; {v} is the province, the other placeholders as in ``UNIT_TEMPLATES``
KEY_UNITS: tuple[tuple[str, str, str, int, int, float], ...] = (
    ("国网{c}供电公司{d}供电中心", "state_enterprise", "central", 120, 400, 1.0),
    ("中国移动{c}分公司{d}区域中心", "state_enterprise", "central", 100, 300, 1.0),
    ("中国人寿保险股份有限公司{c}{d}支公司", "state_enterprise", "central", 60, 200, 1.0),
    ("中铁{n}局集团{c}{p}工程有限公司", "state_enterprise", "central", 300, 1200, 0.5),
    ("国家统计局{c}调查队", "agency", "central", 40, 80, 0.3),
    ("{v}{c}公路管理局", "agency", "province", 80, 200, 0.4),
    ("{v}{p}职业技术学院", "institution", "province", 300, 900, 0.8),
    ("{v}人民医院{c}分院", "institution", "province", 400, 1200, 0.3),
    ("{v}交通建设集团{c}{p}分公司", "state_enterprise", "province", 100, 400, 0.8),
    ("{c}市中心医院", "institution", "city", 800, 2000, 0.3),
    ("{c}市{p}中学", "institution", "city", 150, 300, 1.0),
    ("{c}市{p}实验学校", "institution", "city", 100, 250, 1.0),
    ("{c}市城市建设投资集团有限公司", "state_enterprise", "city", 200, 600, 0.3),
    ("{c}市{d}{p}城市管理执法大队", "agency", "city", 60, 150, 0.6),
)
#: where a floating member's 组织关系 is held outside the district (组织关系所在地)
OUTSIDE_PLACES = ("甘肃省天水市", "河南省南阳市", "四川省南充市", "陕西省渭南市", "山西省运城市",
                  "湖北省襄阳市", "安徽省阜阳市", "河北省邯郸市", "山东省临沂市", "重庆市万州区",
                  "贵州省遵义市", "湖南省邵阳市")
OUTSIDE_ORGS = ("村党支部", "社区党委", "镇党委", "公司党支部", "流动党员党支部")

# --- lists, topics ----------------------------------------------------------

NEED_CATEGORIES = ("助老助残", "环境整治", "文化活动", "医疗健康", "法律咨询", "就业创业",
                   "教育辅导", "治安巡逻", "物业管理", "帮困救助")
NEED_TITLES = {
    "助老助残": ("独居老人助餐服务", "老年人上门理发", "残疾人康复器材"),
    "环境整治": ("楼道杂物清理", "背街小巷路面整修", "垃圾分类设施更新"),
    "文化活动": ("社区文艺汇演场地", "书法培训老师", "广场舞音响设备"),
    "医疗健康": ("老年人免费体检", "慢病健康讲座", "义诊进社区"),
    "法律咨询": ("法律咨询进社区", "邻里纠纷调解", "反诈宣传讲座"),
    "就业创业": ("失业人员技能培训", "招聘信息发布", "创业指导"),
    "教育辅导": ("四点半课堂志愿老师", "暑期托管", "留守儿童学业辅导"),
    "治安巡逻": ("夜间治安巡逻", "监控探头加装", "消防安全检查"),
    "物业管理": ("老旧小区物业托管", "停车位规划", "电梯加装协调"),
    "帮困救助": ("困难家庭慰问", "助学帮扶", "冬季送温暖"),
}
RESOURCE_TITLES = {
    "助老助残": ("老年助餐配送", "助老志愿服务队"),
    "环境整治": ("环卫车辆支持", "绿化养护队伍"),
    "文化活动": ("会议室和活动场地开放", "文艺演出队"),
    "医疗健康": ("医护人员义诊", "健康讲座专家"),
    "法律咨询": ("律师志愿服务", "普法宣传队"),
    "就业创业": ("就业岗位提供", "职业技能培训"),
    "教育辅导": ("教师志愿辅导", "图书捐赠"),
    "治安巡逻": ("民警联防巡逻", "安保力量支持"),
    "物业管理": ("物业管理咨询", "维修技术人员"),
    "帮困救助": ("慰问物资捐赠", "帮扶资金"),
}
WISHES = ("为独居老人送一桶油一袋米", "一台助听器", "儿童课外读物一套", "一辆儿童自行车",
          "一台电饭煲", "冬季棉被一床", "一副老花镜", "学习用品一套", "一个书包", "轮椅一台")
POSTS = ("文明交通劝导岗", "垃圾分类引导岗", "社区治安巡逻岗", "四点半课堂辅导岗",
         "老年人智能手机教学岗", "楼道清洁岗", "疫苗接种引导岗", "政策宣讲岗", "便民服务岗")
MEETING_TOPICS = ("老旧小区改造", "共驻共建项目对接", "需求清单与资源清单对接", "文明城市创建",
                  "安全生产和消防检查", "困难群众帮扶", "物业管理问题协商", "双报到工作推进",
                  "年度党建工作述职", "志愿服务活动安排", "环境卫生整治", "矛盾纠纷排查化解")

CN_DIGITS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 35 → 三十五 (n < 100); larger numbers stay digits."""
    if n <= 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + CN_DIGITS[n - 10]
    if n < 100:
        tens, ones = divmod(n, 10)
        return CN_DIGITS[tens] + "十" + (CN_DIGITS[ones] if ones else "")
    return str(n)


def place_pool() -> list[str]:
    """Every two-character place name of PLACE_A × PLACE_B (deterministic order, no duplicates)."""
    out: list[str] = []
    seen: dict[str, None] = {}
    for a in PLACE_A:
        for b in PLACE_B:
            name = a + b
            if name not in seen:
                seen[name] = None
                out.append(name)
    return out
