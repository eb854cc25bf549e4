"""The model's enumerations: each a :class:`ZhEnum` whose members carry their English
identifier, Chinese name and accepted aliases, with the few facts that go with them (the
levels an area's parent may have, the form an organization of a kind has).

Part of :mod:`orgnet.model`, which re-exports every name here: import them from there.
"""

from __future__ import annotations

from enum import Enum


class ZhEnum(str, Enum):
    """A string enum whose members carry a Chinese name and accepted aliases.

    Define members as ``name = ("identifier", "中文", "alias1", ...)``.
    """

    zh: str
    aliases: tuple[str, ...]

    def __new__(cls, value: str, zh: str, *aliases: str) -> "ZhEnum":
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh
        obj.aliases = aliases
        return obj

    def __str__(self) -> str:
        return self.value

    @classmethod
    def lookup(cls) -> dict[str, "ZhEnum"]:
        """Every accepted spelling (identifier, Chinese, aliases; lower-cased) → member."""
        table: dict[str, ZhEnum] = {}
        for m in cls:
            for key in (m.value, m.zh, *m.aliases):
                table[key.strip().lower()] = m
        return table

    @classmethod
    def parse(cls, text: str) -> "ZhEnum":
        """Parse an English identifier or Chinese term; raise ValueError listing the choices."""
        key = str(text).strip().lower()
        found = _LOOKUPS.setdefault(cls, cls.lookup()).get(key)
        if found is None:
            raise ValueError(f"{text!r} is not one of {cls.choices()}")
        return found

    @classmethod
    def choices(cls) -> str:
        """Human list of the accepted values, e.g. ``formal (正式), probationary (预备)``."""
        return ", ".join(f"{m.value} ({m.zh})" for m in cls)


_LOOKUPS: dict[type, dict[str, ZhEnum]] = {}


class AreaLevel(ZhEnum):
    district = ("district", "区", "区县", "县")
    street = ("street", "街道", "乡镇", "镇", "乡")
    community = ("community", "社区", "村")
    grid = ("grid", "网格")
    compound = ("compound", "小区", "院落")
    building = ("building", "楼栋", "楼宇")


#: the level an area's parent must have (a building's parent is its grid, or a compound)
AREA_PARENT_LEVELS: dict[AreaLevel, tuple[AreaLevel, ...]] = {
    AreaLevel.district: (),
    AreaLevel.street: (AreaLevel.district,),
    AreaLevel.community: (AreaLevel.street,),
    AreaLevel.grid: (AreaLevel.community,),
    AreaLevel.compound: (AreaLevel.community,),
    AreaLevel.building: (AreaLevel.grid, AreaLevel.compound),
}


class OrgKind(ZhEnum):
    street_committee = ("street_committee", "街道党工委", "街道党委", "乡镇党委")
    community_committee = ("community_committee", "社区党委", "社区党总支", "社区党支部")
    grid_branch = ("grid_branch", "网格党支部")
    compound_branch = ("compound_branch", "小区党支部", "院落党支部")
    building_group = ("building_group", "楼栋党小组", "楼宇党小组")
    unit_org = ("unit_org", "单位党组织", "单位党支部", "单位党委")
    joint_branch = ("joint_branch", "联合党支部")
    floating_org = ("floating_org", "流动党员党组织", "流动党员党支部")


class OrgForm(ZhEnum):
    """组织形式: what an organization is by the 党章 and the 支部工作条例 (its size decides it:
    a 党支部 up to 50 members, a 党总支 from 50, a 党委 from 100); a 党小组 sits inside a branch."""

    committee = ("committee", "党委", "基层党委", "党工委", "党的基层委员会")
    general_branch = ("general_branch", "党总支", "总支")
    branch = ("branch", "党支部", "支部")
    group = ("group", "党小组", "小组")


#: the form an organization of a kind has when neither its ``form`` nor its name says
#: (``derive_form``): a street working committee is a committee, a building group a group
KIND_FORMS: dict["OrgKind", OrgForm] = {}

#: name endings that say the form, longest first (…党工委 and …党委 before …委)
_FORM_SUFFIXES: tuple[tuple[str, OrgForm], ...] = (
    ("党小组", OrgForm.group), ("党总支", OrgForm.general_branch), ("党支部", OrgForm.branch),
    ("党工委", OrgForm.committee), ("党委", OrgForm.committee), ("总支", OrgForm.general_branch),
    ("支部", OrgForm.branch), ("小组", OrgForm.group),
)


def derive_form(kind: str, name: str | None) -> OrgForm:
    """The form of an organization whose ``form`` cell is empty: from its name's ending
    (…党委 / …党总支 / …党支部 / …党小组), else from its kind.

    >>> derive_form("community_committee", "东风社区党总支").value, derive_form("building_group", "1号楼").value
    ('general_branch', 'group')
    """
    text = (name or "").strip()
    for suffix, form in _FORM_SUFFIXES:
        if text.endswith(suffix):
            return form
    return KIND_FORMS[OrgKind(kind)]


KIND_FORMS.update({
    OrgKind.street_committee: OrgForm.committee,
    OrgKind.community_committee: OrgForm.committee,
    OrgKind.grid_branch: OrgForm.branch,
    OrgKind.compound_branch: OrgForm.branch,
    OrgKind.building_group: OrgForm.group,
    OrgKind.unit_org: OrgForm.branch,
    OrgKind.joint_branch: OrgForm.branch,
    OrgKind.floating_org: OrgForm.branch,
})


class UnitKind(ZhEnum):
    agency = ("agency", "机关")
    institution = ("institution", "事业单位")
    state_enterprise = ("state_enterprise", "国有企业", "国企")
    private_enterprise = ("private_enterprise", "非公企业", "非公有制企业", "民营企业")
    social_org = ("social_org", "社会组织")
    property_company = ("property_company", "物业公司", "物业")
    owners_committee = ("owners_committee", "业主委员会", "业委会")
    residents_committee = ("residents_committee", "居委会", "居民委员会")
    police = ("police", "派出所", "警务室")
    other = ("other", "其他")


class Affiliation(ZhEnum):
    """隶属层级: the level of government or ownership a unit answers to (中省市单位 are the
    representative units a street committee takes in, 003)."""

    central = ("central", "中央", "中直", "中央单位", "中央驻地单位")
    province = ("province", "省", "省属", "省级", "省直")
    city = ("city", "市", "市属", "市级", "市直")
    district = ("district", "区", "区属", "区级", "区直", "县", "县属")
    street = ("street", "街道", "街道属", "乡镇")
    none = ("none", "无", "不适用")


#: 两新组织: new economic and social organizations
TWO_NEW_KINDS: tuple[UnitKind, ...] = (UnitKind.private_enterprise, UnitKind.social_org)

#: state organs and state enterprises: the generator seats some of them on the street working
#: committee (街道大工委, 000); which units a rule expects there is the policy's
#: (``representative_staff`` in orgnet/policy.toml, key units, 中省市 units)
LARGE_UNIT_KINDS: tuple[UnitKind, ...] = (UnitKind.agency, UnitKind.state_enterprise)


class MemberStatus(ZhEnum):
    formal = ("formal", "正式", "正式党员")
    probationary = ("probationary", "预备", "预备党员")


class MemberCategory(ZhEnum):
    in_service = ("in_service", "在职", "在职党员")
    retired = ("retired", "离退休", "退休", "离退休党员")
    floating = ("floating", "流动", "流动党员")
    other = ("other", "其他")


class Role(ZhEnum):
    secretary = ("secretary", "书记")
    deputy_secretary = ("deputy_secretary", "副书记")
    committee_member = ("committee_member", "委员")
    part_time_member = ("part_time_member", "兼职委员")
    group_leader = ("group_leader", "党小组长")
    instructor = ("instructor", "党建指导员")
    grid_manager = ("grid_manager", "网格员")
    liaison = ("liaison", "联络员")
    #: a 业委会's or 居委会's chair and vice chair (交叉任职 / 一肩挑 are read from these roles)
    chair = ("chair", "主任")
    vice_chair = ("vice_chair", "副主任")


class AgreementStatus(ZhEnum):
    active = ("active", "生效", "有效")
    expired = ("expired", "到期", "已到期")
    terminated = ("terminated", "终止", "已终止")


class Side(ZhEnum):
    community = ("community", "社区方", "社区")
    unit = ("unit", "单位方", "单位")
    other = ("other", "其他")


class NeedStatus(ZhEnum):
    open = ("open", "待对接", "未解决")
    closed = ("closed", "已解决", "已对接")


class ServiceType(ZhEnum):
    wish = ("wish", "微心愿")
    post = ("post", "志愿岗位", "志愿服务岗位")


class EvaluationGrade(ZhEnum):
    """评价等次 of a co-building evaluation: the four grades street offices publish (a 百分制
    score, when one is kept, goes in ``evaluations.score``)."""

    excellent = ("excellent", "优秀")
    good = ("good", "良好", "较好")
    fair = ("fair", "一般", "合格", "基本合格")
    poor = ("poor", "较差", "差", "不合格")


#: 共驻共建责任双向评价 (000): an active agreement counts as evaluated when either side evaluated
#: the other within this many months up to ``as_of`` (after the same day ``EVALUATION_WINDOW_MONTHS``
#: months earlier, up to and including ``as_of``). Rules take only as_of, street_id, community_id,
#: so ``agreement_without_evaluation.cypher`` and ``kpi_agreement_evaluated.cypher`` spell it as
#: "one year before"; tests/test_evaluations.py holds them to this value.
EVALUATION_WINDOW_MONTHS = 12


class MeetingLevel(ZhEnum):
    street = ("street", "街道")
    community = ("community", "社区")
