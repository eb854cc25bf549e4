"""统计表: the three fixed-format tables a district sends upward, from the catalog.

- 在职党员到社区报到: one row per unit (应报到 / 已报到 / 报到率), ``view_unit_reporting``
  (the population of the rule ``unit_reporting_low``);
- 两新组织"两个覆盖": per street and kind, 单独建 / 联合建 / 选派指导员 / 有党员 / 未覆盖,
  ``view_two_new_coverage`` (the population of the KPI ``two_new_org_coverage``);
- 城市基层党建基本情况: per street, communities, organizations by form, members by category,
  agreements, joint meetings, part-time members, ``view_street_basics``.

Each table is plain rows plus a totals row (the sum of the rows; a rate from the summed
counts); :func:`export_xlsx` lays them out as district forms (:mod:`orgnet.forms`).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from orgnet.model import UnitKind
from orgnet.queries import catalog

#: the forms of coverage of a two-new organization, in the order the view decides them
COVERAGE_FORMS: tuple[str, ...] = ("own", "joint", "instructor", "members", "uncovered")
COVERAGE_ZH = {"own": "单独建", "joint": "联合建", "instructor": "选派指导员", "members": "有党员未建组织",
               "uncovered": "未覆盖"}
TWO_NEW = (UnitKind.private_enterprise.value, UnitKind.social_org.value)
#: the columns of 城市基层党建基本情况, in order (measures of ``view_street_basics``)
BASICS: tuple[str, ...] = ("communities", "org_committee", "org_general_branch", "org_branch", "org_group",
                           "members_in_service", "members_retired", "members_floating", "members_other",
                           "agreements", "meetings_street", "meetings_community", "part_time_members")
MEETING_WINDOW_MONTHS = 12
NO_STREET = "（未归属街道）"


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def unit_reporting(store: Any, *, as_of: str, street_id: str | None = None, graph: str | None = None) -> dict[str, Any]:
    """{rows: [street, community, unit, unit_kind, due, reported, rate], totals}."""
    rows = [{**r, "due": int(r["due"]), "reported": int(r["reported"]),
             "rate": _rate(int(r["reported"]), int(r["due"]))}
            for r in catalog.run(store, "view_unit_reporting", {"as_of": as_of, "street_id": street_id}, graph=graph)]
    due, rep = sum(r["due"] for r in rows), sum(r["reported"] for r in rows)
    return {"rows": rows, "totals": {"due": due, "reported": rep, "rate": _rate(rep, due)}}


def two_new_coverage(store: Any, *, as_of: str, street_id: str | None = None, graph: str | None = None) -> dict[str, Any]:
    """{rows: per (street, kind): the count of each coverage form, covered, total, rate; totals}."""
    acc: dict[tuple, dict[str, Any]] = {}
    for r in catalog.run(store, "view_two_new_coverage", {"as_of": as_of, "street_id": street_id}, graph=graph):
        key = (r["street_id"] or "", r["unit_kind"])
        row = acc.setdefault(key, {"street_id": r["street_id"], "street": r["street"] or NO_STREET,
                                   "unit_kind": r["unit_kind"], **{f: 0 for f in COVERAGE_FORMS}})
        row[r["form"]] += int(r["n"])
    rows = [_coverage_totals(acc[k]) for k in sorted(acc, key=lambda k: (k[0] == "", k[0], TWO_NEW.index(k[1])))]
    totals = _coverage_totals({f: sum(r[f] for r in rows) for f in COVERAGE_FORMS})
    return {"rows": rows, "totals": totals}


def _coverage_totals(row: dict[str, Any]) -> dict[str, Any]:
    covered = sum(row[f] for f in COVERAGE_FORMS if f != "uncovered")
    total = covered + row["uncovered"]
    return {**row, "covered": covered, "total": total, "rate": _rate(covered, total)}


def street_basics(store: Any, *, as_of: str, street_id: str | None = None, graph: str | None = None) -> dict[str, Any]:
    """{rows: per street the :data:`BASICS` counts and members_total; totals}."""
    from orgnet.analysis.linkage import months_before

    params = {"as_of": as_of, "since": months_before(as_of, MEETING_WINDOW_MONTHS), "street_id": street_id}
    acc: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in catalog.run(store, "view_street_basics", params, graph=graph):
        row = acc[r["street_id"]]
        row.setdefault("street_id", r["street_id"])
        row.setdefault("street", r["street"])
        if r["measure"] in BASICS:
            row[r["measure"]] = row.get(r["measure"], 0) + int(r["n"])
    rows = []
    for sid in sorted(acc):
        row = {**{m: 0 for m in BASICS}, **acc[sid]}
        row["members_total"] = sum(row[m] for m in BASICS if m.startswith("members_"))
        rows.append(row)
    totals = {m: sum(r[m] for r in rows) for m in (*BASICS, "members_total")}
    return {"rows": rows, "totals": totals}


def tables(store: Any, *, as_of: str, street_id: str | None = None, graph: str | None = None) -> dict[str, Any]:
    """The three tables of one snapshot (within a street when given, or the account's scope)."""
    kw = {"as_of": as_of, "street_id": street_id, "graph": graph}
    return {"unit_reporting": unit_reporting(store, **kw), "two_new": two_new_coverage(store, **kw),
            "basics": street_basics(store, **kw)}


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def export_xlsx(data: dict[str, Any], path: str | Path, *, unit: str, as_of: str) -> Path:
    """The 统计表 workbook: three sheets, each a district form (title, 填报单位, 统计日期,
    merged headers, rows, 合计)."""
    from openpyxl import Workbook

    from orgnet.forms import write_form
    from orgnet.model import kind_member

    def kind_zh(k: str | None) -> str:
        m = kind_member(k) if k else None
        return m.zh if m is not None else (k or "")

    wb = Workbook()
    ws = wb.active
    ws.title = "在职党员到社区报到"
    t = data["unit_reporting"]
    write_form(ws, title="在职党员到社区报到情况统计表", unit=unit, date=as_of,
               groups=[("序号", []), ("单位", ["所在街道", "所在社区", "单位名称", "单位类型"]),
                       ("在职党员到居住地社区报到", ["应报到（人）", "已报到（人）", "报到率"])],
               rows=[[i, r["street"], r["community"], r["unit"], kind_zh(r["unit_kind"]), r["due"], r["reported"],
                      _pct(r["rate"])] for i, r in enumerate(t["rows"], 1)],
               totals=["合计", "", "", f"{len(t['rows'])}个单位", "", t["totals"]["due"], t["totals"]["reported"],
                       _pct(t["totals"]["rate"])])
    ws = wb.create_sheet("两新组织两个覆盖")
    t = data["two_new"]
    forms = [f for f in COVERAGE_FORMS if f != "uncovered"]
    write_form(ws, title="两新组织“两个覆盖”情况统计表", unit=unit, date=as_of,
               groups=[("街道", []), ("类型", []), ("总数（个）", []),
                       ("已覆盖（个）", [COVERAGE_ZH[f] for f in forms] + ["小计"]),
                       ("未覆盖（个）", []), ("覆盖率", [])],
               rows=[[r["street"], kind_zh(r["unit_kind"]), r["total"], *[r[f] for f in forms], r["covered"],
                      r["uncovered"], _pct(r["rate"])] for r in t["rows"]],
               totals=["合计", "", t["totals"]["total"], *[t["totals"][f] for f in forms], t["totals"]["covered"],
                       t["totals"]["uncovered"], _pct(t["totals"]["rate"])],
               note="已覆盖：有本单位党组织（单独建）、纳入联合党支部（联合建）、选派党建指导员，或仅有党员在此工作（有党员未建组织），每个组织只计一次。")
    ws = wb.create_sheet("城市基层党建基本情况")
    t = data["basics"]
    write_form(ws, title="城市基层党建基本情况统计表", unit=unit, date=as_of,
               groups=[("街道", []), ("社区（个）", []), ("党组织（个）", ["党委", "党总支", "党支部", "党小组"]),
                       ("党员（人）", ["合计", "在职", "离退休", "流动", "其他"]), ("共建协议（份）", []),
                       ("联席会议（次，近12个月）", ["街道级", "社区级"]), ("兼职委员（人）", [])],
               rows=[[r["street"], *[r[c] for c in _basics_order()]] for r in t["rows"]],
               totals=["合计", *[t["totals"][c] for c in _basics_order()]])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _basics_order() -> list[str]:
    """The basics' columns as the form prints them (members: total first)."""
    return ["communities", "org_committee", "org_general_branch", "org_branch", "org_group", "members_total",
            "members_in_service", "members_retired", "members_floating", "members_other", "agreements",
            "meetings_street", "meetings_community", "part_time_members"]


__all__ = ["tables", "unit_reporting", "two_new_coverage", "street_basics", "export_xlsx", "COVERAGE_FORMS", "BASICS"]
