"""统计表 (the yearly statistics sent upward): the three upward tables against an independent oracle on
both engines, against `orgnet kpis` / `orgnet gaps` of the same snapshot, and the workbook's
district forms (merged headers, totals equal to the sum of the rows) opened with openpyxl."""

from __future__ import annotations

import pytest

import oracle_tables as OT

AS_OF = "2025-06-30"


@pytest.fixture(scope="module")
def weicheng_tables(loaded):
    from orgnet.queries.tables import tables

    graph, g = loaded("weicheng-0")
    return loaded.store, graph, g, tables(loaded.store, as_of=AS_OF, graph=graph)


def test_unit_reporting_equals_oracle_and_the_rule(weicheng_tables):
    from orgnet.queries.gaps import gap_records

    store, graph, g, data = weicheng_tables
    got = {r["unit_id"]: {k: r[k] for k in ("street_id", "community_id", "due", "reported")}
           for r in data["unit_reporting"]["rows"]}
    assert got == OT.unit_reporting(g) and len(got) > 20
    t = data["unit_reporting"]["totals"]
    assert (t["due"], t["reported"]) == (sum(r["due"] for r in got.values()), sum(r["reported"] for r in got.values()))
    low = {r["id"] for r in gap_records(store, ["unit_reporting_low"], as_of=AS_OF, graph=graph)}
    assert low == {u for u, r in got.items() if r["reported"] * 100 < r["due"] * 80} and low


def test_two_new_coverage_equals_oracle_the_kpi_and_the_rule(weicheng_tables):
    from orgnet.queries.gaps import gap_records
    from orgnet.queries.kpis import kpi_table
    from orgnet.queries.tables import COVERAGE_FORMS

    store, graph, g, data = weicheng_tables
    got = {(r["street_id"], r["unit_kind"]): {f: r[f] for f in COVERAGE_FORMS if r[f]} for r in data["two_new"]["rows"]}
    assert got == {k: dict(v) for k, v in OT.two_new(g, AS_OF).items()}
    assert all(sum(r[f] for f in COVERAGE_FORMS) == r["total"] for r in data["two_new"]["rows"])
    assert {f for r in data["two_new"]["rows"] for f in COVERAGE_FORMS if r[f]} == set(COVERAGE_FORMS)
    kpi = kpi_table(store, as_of=AS_OF, graph=graph, scopes=("overall",), kpis=["two_new_org_coverage"]).iloc[0]
    t = data["two_new"]["totals"]
    assert (t["covered"], t["total"]) == (kpi["numerator"], kpi["denominator"])
    uncovered = gap_records(store, ["two_new_org_uncovered"], as_of=AS_OF, graph=graph)
    assert len(uncovered) == sum(r["uncovered"] for r in data["two_new"]["rows"] if r["street_id"])


def test_street_basics_equal_oracle_and_the_kpi(weicheng_tables):
    from orgnet.queries.kpis import kpi_table
    from orgnet.queries.tables import BASICS

    store, graph, g, data = weicheng_tables
    want = OT.basics(g, AS_OF)
    got = {r["street_id"]: r for r in data["basics"]["rows"]}
    assert set(got) == set(want) and len(got) == 4
    for s, row in want.items():
        assert {m: got[s][m] for m in BASICS} == {m: row.get(m, 0) for m in BASICS}, s
    for m in BASICS:  # every column holds something at weicheng
        assert data["basics"]["totals"][m] == sum(r[m] for r in data["basics"]["rows"]) > 0, m
    kpi = kpi_table(store, as_of=AS_OF, graph=graph, scopes=("overall",), kpis=["community_org_coverage"]).iloc[0]
    assert data["basics"]["totals"]["communities"] == kpi["denominator"]


def _body(ws, form):
    return list(ws.iter_rows(min_row=form + 1, max_row=ws.max_row, values_only=True))


def test_workbook_forms(weicheng_tables, tmp_path):
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from orgnet.forms import HEADER_ROW
    from orgnet.queries.tables import export_xlsx

    store, graph, g, data = weicheng_tables
    out = export_xlsx(data, tmp_path / "统计表.xlsx", unit="潍城区委组织部", as_of=AS_OF)
    wb = load_workbook(out)
    assert wb.sheetnames == ["在职党员到社区报到", "两新组织两个覆盖", "城市基层党建基本情况"]
    for ws in wb:
        assert ws["A2"].value == "填报单位：潍城区委组织部" and any(
            c.value == f"统计日期：{AS_OF}" for c in ws[2])
        assert f"A1:{get_column_letter(ws.max_column)}1" in {str(m) for m in ws.merged_cells.ranges}
    ws = wb["在职党员到社区报到"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A3:A4", "B3:E3", "F3:H3"} <= merged and ws["F4"].value == "应报到（人）"
    rows = _body(ws, HEADER_ROW)
    assert rows[-1][0] == "合计" and len(rows) == len(data["unit_reporting"]["rows"]) + 1
    assert rows[-1][5] == sum(r[5] for r in rows[:-1]) and rows[-1][6] == sum(r[6] for r in rows[:-1])
    ws = wb["两新组织两个覆盖"]
    assert {"D3:H3", "A3:A4", "I3:I4"} <= {str(m) for m in ws.merged_cells.ranges}
    rows = [r for r in _body(ws, HEADER_ROW) if r[2] is not None]
    total = next(r for r in rows if r[0] == "合计")
    body = [r for r in rows if r[0] != "合计"]
    for c in range(2, 9):
        assert total[c] == sum(r[c] for r in body)
    assert all(r[2] == r[7] + r[8] for r in rows)  # 总数 = 已覆盖小计 + 未覆盖
    ws = wb["城市基层党建基本情况"]
    assert {"C3:F3", "G3:K3", "M3:N3", "B3:B4"} <= {str(m) for m in ws.merged_cells.ranges}
    rows = _body(ws, HEADER_ROW)
    assert rows[-1][0] == "合计" and len(rows) == 5
    for c in range(1, ws.max_column):
        assert rows[-1][c] == sum(r[c] for r in rows[:-1])
    assert all(r[6] == sum(r[7:11]) for r in rows)  # 党员合计 = the four categories


def test_tables_of_a_street_account(weicheng_tables):
    """A street's scoped store sees its own street's rows only, equal to the district's rows of it."""
    from orgnet.access.scoped import ScopedStore
    from orgnet.queries.scope import Scope
    from orgnet.queries.tables import tables

    store, graph, g, data = weicheng_tables
    street = data["basics"]["rows"][1]["street_id"]
    mine = tables(ScopedStore(store, Scope(street_id=street)), as_of=AS_OF, graph=graph)
    assert [r["street_id"] for r in mine["basics"]["rows"]] == [street]
    assert mine["basics"]["rows"][0] == data["basics"]["rows"][1]
    assert {r["street_id"] for r in mine["unit_reporting"]["rows"]} == {street}
    assert mine["unit_reporting"]["rows"] == [r for r in data["unit_reporting"]["rows"] if r["street_id"] == street]
    assert {r["street_id"] for r in mine["two_new"]["rows"]} == {street}
