"""Sample map inputs for the viz tests: a linkage map and an org tree with Chinese names.

Deterministic (random.Random(0)); independent of the database and the loaders.
"""

from __future__ import annotations

import random

COMMUNITIES = ["锦华社区", "望江社区", "水井坊社区", "红星社区", "东湖社区", "莲桂社区", "双桥社区", "合江亭社区"]
UNIT_STEMS = [
    ("agency", ["区税务局第二分局", "街道综合执法中队", "区市场监管所", "区人社局服务中心"]),
    ("institution", ["锦江小学", "社区卫生服务中心", "区图书馆分馆", "第七中学", "妇幼保健院"]),
    ("state_enterprise", ["国网供电所", "中国移动营业厅", "农业银行支行", "自来水公司营业所", "邮政支局"]),
    ("private_enterprise", ["蜀锦科技有限公司", "天府物流公司", "川味餐饮集团", "启航教育培训", "锦程律师事务所",
                            "云数网络科技", "老字号茶馆", "新希望超市"]),
    ("social_org", ["阳光志愿者协会", "银龄互助会", "青少年成长中心", "邻里调解工作室"]),
    ("property_company", ["万科物业", "龙湖物业服务", "长城物业"]),
    ("owners_committee", ["锦华苑业委会", "望江花园业委会"]),
    ("police", ["东光派出所", "水井坊警务室"]),
]


def linkage_sample(n_units: int = 46, seed: int = 0):
    """(communities, units, ties) rows for ``linkage_map_html``."""
    rnd = random.Random(seed)
    communities = [{"id": f"C{i + 1:02d}", "name": name, "street": "S1" if i < 4 else "S2",
                    "title": {"街道": "督院街街道" if i < 4 else "书院街街道", "驻区单位": 0}}
                   for i, name in enumerate(COMMUNITIES)]
    units, ties = [], []
    pool = [(kind, stem) for kind, stems in UNIT_STEMS for stem in stems]
    for j in range(n_units):
        kind, stem = pool[j % len(pool)]
        home = communities[rnd.randrange(len(communities))]
        uid = f"U{j + 1:03d}"
        name = stem if j < len(pool) else f"{stem}（{j // len(pool) + 1}号）"
        units.append({"id": uid, "name": name, "kind": kind, "community_id": home["id"],
                      "title": {"职工人数": rnd.randrange(8, 400)}})
        score = round(rnd.choice([0, 8, 15, 22, 35, 42, 55, 63, 78, 91]) + rnd.random() * 4, 1)
        ch = {"agreements": int(score > 50), "part_time_members": int(score > 60),
              "reported_members": rnd.randrange(0, 6), "matched_resources": rnd.randrange(0, 3)}
        ties.append({"community_id": home["id"], "unit_id": uid, "score": score, "channels": ch})
        if rnd.random() < 0.18:
            other = communities[rnd.randrange(len(communities))]
            if other["id"] != home["id"]:
                ties.append({"community_id": other["id"], "unit_id": uid,
                             "score": round(rnd.choice([5, 12, 33, 48]) + rnd.random(), 1)})
    return communities, units, ties


def org_tree_sample(n_communities: int = 4, seed: int = 0):
    """Nodes for ``org_tree_html``: street committee → community committees → grid and
    compound branches → building groups, with some uncovered grids, compounds, buildings."""
    rnd = random.Random(seed)
    nodes = [{"id": "O-S1", "label": "督院街街道党工委", "kind": "street_committee", "parent": None,
              "title": {"党员": 1260}}]
    for i in range(n_communities):
        cname = COMMUNITIES[i]
        cid = f"O-C{i + 1}"
        nodes.append({"id": cid, "label": f"{cname}党委", "kind": "community_committee", "parent": "O-S1",
                      "title": {"党员": rnd.randrange(80, 300), "网格": 3}})
        for g in range(1, 4):
            if rnd.random() < 0.2:
                nodes.append({"id": f"A-G{i + 1}{g}", "label": f"{cname[:2]}第{g}网格", "kind": "Grid",
                              "parent": cid, "uncovered": True})
                continue
            gid = f"O-G{i + 1}{g}"
            nodes.append({"id": gid, "label": f"{cname[:2]}第{g}网格党支部", "kind": "grid_branch", "parent": cid})
            for b in range(1, rnd.randrange(2, 4)):
                if rnd.random() < 0.25:
                    nodes.append({"id": f"A-B{i + 1}{g}{b}", "label": f"{b}号楼", "kind": "Building",
                                  "parent": gid, "uncovered": True})
                else:
                    nodes.append({"id": f"O-B{i + 1}{g}{b}", "label": f"{b}号楼党小组", "kind": "building_group",
                                  "parent": gid})
        for k, cp in enumerate(["花园", "苑"]):
            label = f"{cname[:2]}{cp}"
            if rnd.random() < 0.3:
                nodes.append({"id": f"A-P{i + 1}{k}", "label": label, "kind": "Compound", "parent": cid,
                              "uncovered": True})
            else:
                nodes.append({"id": f"O-P{i + 1}{k}", "label": f"{label}小区党支部", "kind": "compound_branch",
                              "parent": cid})
    return nodes
