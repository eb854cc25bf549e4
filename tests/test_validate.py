"""Validation that loses nothing: every rejection kind, cascades, accounting, write-back, CLI."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from helpers_loaders import check_accounting, good_tables, write_csv, write_xlsx
from orgnet.cli import main
from orgnet.errors import InputError
from orgnet.model import TABLES, MemberStatus
from orgnet.loaders.report import format_summary, write_rejects
from orgnet.loaders.validate import ValidationResult, validate_path

DATA_BAD = Path(__file__).parent / "data" / "bad"

Tables = dict[str, list[dict[str, Any]]]


def run(tmp_path: Path, change: Callable[[Tables], None]) -> ValidationResult:
    tables = good_tables()
    change(tables)
    result = validate_path(write_csv(tmp_path / "d", tables))
    check_accounting(result)
    return result


def errors(result: ValidationResult) -> list[tuple[str, int, str]]:
    return [(e.table, e.row, e.column) for e in result.report.errors]


def only_error(result: ValidationResult) -> Any:
    assert len(result.report.errors) == 1, result.report.errors
    return result.report.errors[0]


# ---------------------------------------------------------------------------
# cell-level rejections
# ---------------------------------------------------------------------------


def test_required_value_missing(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["members"][2].update(name="  "))
    e = only_error(r)
    assert (e.table, e.row, e.column) == ("members", 4, "name")
    assert e.reason == "缺少必填值 / required value missing"


def test_invalid_enum_lists_choices(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["members"][2].update(status="党员"))
    e = only_error(r)
    assert e.column == "status" and e.value == "党员"
    assert MemberStatus.choices() in e.reason and "取值无效" in e.reason


@pytest.mark.parametrize("value", ["2024-02-30", "next week", "3/1/2024"])
def test_bad_date(tmp_path: Path, value: str) -> None:
    e = only_error(run(tmp_path, lambda t: t["members"][2].update(reported_on=value)))
    assert (e.table, e.column, e.value) == ("members", "reported_on", value)
    assert "日期" in e.reason and "date" in e.reason


@pytest.mark.parametrize("table,column,value", [("members", "birth_year", "1980年"),
                                                ("units", "staff", "12.5"),
                                                ("units", "resident", "maybe")])
def test_bad_int_and_bool(tmp_path: Path, table: str, column: str, value: str) -> None:
    e = only_error(run(tmp_path, lambda t: t[table][-1].update({column: value})))
    assert (e.table, e.column, e.value) == (table, column, value)


def test_several_errors_one_row_counted_once(tmp_path: Path) -> None:
    def change(t: Tables) -> None:
        t["members"][2].update(name="", status="x", category="y", birth_year="z")

    r = run(tmp_path, change)
    assert errors(r) == [("members", 4, c) for c in ("name", "status", "category", "birth_year")]
    assert r.report.tables["members"].rejected == 1 and r.report.rejected == 1


# ---------------------------------------------------------------------------
# dataset-level rejections
# ---------------------------------------------------------------------------


def test_duplicate_id_within_table_first_stays(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["members"].append(dict(t["members"][2], name="重复")))
    e = only_error(r)
    assert (e.table, e.row, e.column, e.value) == ("members", 5, "id", "M3")
    assert "members 第4行" in e.reason and "members row 4" in e.reason
    assert [m["name"] for m in r.dataset.tables["members"] if m["id"] == "M3"] == ["王芳"]


def test_duplicate_id_across_tables(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["members"][2].update(id="U3"))
    e = only_error(r)
    assert (e.table, e.column, e.value) == ("members", "id", "U3")
    assert "units 第4行" in e.reason


def test_reference_missing(tmp_path: Path) -> None:
    e = only_error(run(tmp_path, lambda t: t["members"][2].update(org_id="P99")))
    assert (e.column, e.value) == ("org_id", "P99")
    assert e.reason == ("引用的编号 P99 不存在 (应为党组织) / references P99, which does not exist "
                        "(expected a party org)")


def test_reference_wrong_kind(tmp_path: Path) -> None:
    e = only_error(run(tmp_path, lambda t: t["members"][2].update(org_id="U1")))
    assert e.reason == "U1 是单位，应为党组织 / U1 is a unit, expected a party org"


def test_reference_wrong_area_level(tmp_path: Path) -> None:
    e = only_error(run(tmp_path, lambda t: t["units"][3].update(area_id="G1")))
    assert (e.table, e.column, e.value) == ("units", "area_id", "G1")
    assert "G1 is a grid area, expected a community area or building area" in e.reason


def test_reference_in_list(tmp_path: Path) -> None:
    e = only_error(run(tmp_path, lambda t: t["units"][3].update(serves_area_ids="K1;C1")))
    assert (e.column, e.value) == ("serves_area_ids", "C1")


@pytest.mark.parametrize("row,parent,needle", [
    (2, "D1", "a community's parent must be a street"),  # C1 under the district
    (0, "S1", "a district has no parent area"),
    (4, None, "a grid needs a parent_id"),
    (7, "C1", "a building's parent must be a grid or compound"),
])
def test_area_parent_level(tmp_path: Path, row: int, parent: str | None, needle: str) -> None:
    def change(t: Tables) -> None:
        t["areas"][row]["parent_id"] = parent

    r = run(tmp_path, change)
    first = r.report.errors[0]
    assert (first.table, first.row, first.column) == ("areas", row + 2, "parent_id")
    assert needle in first.reason


def test_street_without_parent_is_fine(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["areas"][1].update(parent_id=None))
    assert r.report.rejected == 0


def test_building_compound_in_other_community(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["areas"][7].update(compound_id="K2"))
    e = r.report.errors[0]
    assert r.report.tables["areas"].rejected == 1
    assert (e.table, e.row, e.column, e.value) == ("areas", 9, "compound_id", "K2")
    assert "K2" in e.reason and "C2" in e.reason and "C1" in e.reason


def test_compound_id_must_be_a_compound_and_only_on_buildings(tmp_path: Path) -> None:
    def change(t: Tables) -> None:
        t["areas"][7]["compound_id"] = "G1"
        t["areas"][4]["compound_id"] = "K1"

    r = run(tmp_path, change)
    reasons = {(e.row, e.column): e.reason for e in r.report.errors}
    assert "only a building has a compound_id" in reasons[(6, "compound_id")]
    assert "expected a compound area" in reasons[(9, "compound_id")]


def test_party_org_cycle_rejects_every_row_on_it(tmp_path: Path) -> None:
    def change(t: Tables) -> None:
        t["party_orgs"][1]["parent_id"] = "P4"  # P2 → P4 → P2; P3 hangs below P2

    r = run(tmp_path, change)
    cycle = [e for e in r.report.errors if "cycle" in e.reason]
    assert {(e.row, e.value) for e in cycle} == {(3, "P4"), (5, "P2")}
    assert "P2 → P4 → P2" in cycle[0].reason or "P4 → P2 → P4" in cycle[0].reason
    assert "上级关系成环" in cycle[0].reason
    assert r.report.tables["party_orgs"].rejected == 3  # P2, P4 and P3 (cascade)


def test_self_parent_is_a_cycle(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["party_orgs"][0].update(parent_id="P1"))
    assert any("parent cycle: P1 → P1" in e.reason for e in r.report.errors)
    assert r.report.tables["party_orgs"].accepted == 0


def test_area_cycle(tmp_path: Path) -> None:
    def change(t: Tables) -> None:
        t["areas"][4]["parent_id"] = "K1"  # G1 → K1 → C1 ...
        t["areas"][5]["parent_id"] = "G1"  # K1 → G1: a cycle (and wrong levels)

    r = run(tmp_path, change)
    cycle = {e.row for e in r.report.errors if "parent cycle" in e.reason}
    assert cycle == {6, 7}


def test_several_units_only_for_joint_branch(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["party_orgs"][2].update(unit_ids="U1;U4"))
    e = r.report.errors[0]
    assert r.report.tables["party_orgs"].rejected == 1
    assert (e.table, e.column, e.value) == ("party_orgs", "unit_ids", "U1;U4")
    assert "joint branch" in e.reason and "联合党支部" in e.reason


def test_cascade_reaches_fixpoint(tmp_path: Path) -> None:
    # a bad grid → building B1 → unit U2 (in B1) → joint branch P4 (in U2);
    # B1 → member M1 (lives in B1) → role, service
    r = run(tmp_path, lambda t: t["areas"][4].update(level="村委"))
    rejected = {(e.table, e.row) for e in r.report.errors}
    assert rejected == {("areas", 6), ("areas", 9), ("units", 3), ("party_orgs", 5),
                        ("members", 2), ("roles", 2), ("services", 2)}
    by = {(e.table, e.row): e for e in r.report.errors}
    assert by[("members", 2)].reason == (
        "引用的楼栋 B1 已被拒绝 (areas 第9行) / references building area B1, "
        "which was rejected (areas row 9)")
    assert "member M1, which was rejected (members row 2)" in by[("roles", 2)].reason


def test_cascade_through_party_org_chain_out_of_order(tmp_path: Path) -> None:
    def change(t: Tables) -> None:
        orgs = t["party_orgs"]
        orgs.reverse()  # children before parents in the file
        orgs[-1]["kind"] = "nonsense"  # P1, the root, is rejected

    r = run(tmp_path, change)
    assert r.report.tables["party_orgs"].accepted == 0
    assert "references party org P1, which was rejected (party_orgs row 5)" in next(
        e.reason for e in r.report.errors if e.table == "party_orgs" and e.value == "P1")
    assert r.report.tables["members"].rejected == 2  # M1 (P3) and M2 (P2); M3 has no org


def test_references_to_units_resolved_after_reading_all(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["units"][1].update(kind="??"))
    assert {(e.table, e.row) for e in r.report.errors} == {("units", 3), ("party_orgs", 5)}


def test_report_to_dict_shape(tmp_path: Path) -> None:
    r = run(tmp_path, lambda t: t["members"][2].update(status="x"))
    d = r.report.to_dict()
    assert set(d) == {"tables", "errors", "withheld", "allowed", "derived"} and set(d["tables"]) == set(TABLES)
    assert d["withheld"] == d["allowed"] == []  # personal columns (none here): test_privacy.py
    assert all(set(c) == {"read", "accepted", "rejected"} for c in d["tables"].values())
    assert d["errors"] == [{"table": "members", "row": 4, "column": "status", "value": "x",
                            "reason": d["errors"][0]["reason"]}]
    json.dumps(d, ensure_ascii=False)
    text = format_summary(r.report)
    assert "members" in text and "rejected" in text and "第4行" in text


def test_crafted_bad_folder() -> None:
    r = validate_path(DATA_BAD / "mixed")
    check_accounting(r)
    kinds = {e.reason.split(" / ")[1].split(" ")[0] for e in r.report.errors}
    assert r.report.rejected >= 5 and len(kinds) >= 4
    assert r.report.tables["areas"].accepted >= 4


# ---------------------------------------------------------------------------
# write-back
# ---------------------------------------------------------------------------


def _read_csv(path: Path, encoding: str) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.reader(f))


def test_rejects_round_trip_gb18030(tmp_path: Path) -> None:
    tables = good_tables()
    tables["members"][2]["status"] = "党员"
    tables["members"][1]["birth_year"] = "一九五六"
    src = write_csv(tmp_path / "in", tables, zh=True, encoding="gb18030")
    first = validate_path(src)
    assert first.report.tables["members"].rejected == 2
    files = write_rejects(first, tmp_path / "rej")
    assert [f.name for f in files] == ["members.csv"]
    rows = _read_csv(files[0], "gb18030")  # GB18030 in, GB18030 out
    original = _read_csv(src / "members.csv", "gb18030")
    assert rows[0] == original[0] + ["_reason"]
    assert [r[:-1] for r in rows[1:]] == [original[2], original[3]]
    assert "出生年份" not in rows[1][-1] and "birth_year" in rows[1][-1]
    # the user fixes the rejects file and appends the fixed rows to the accepted ones
    rows[1][10], rows[2][2] = "1956", "正式"
    fixed = tmp_path / "fixed"
    shutil.copytree(src, fixed)
    kept = [original[0], original[1]] + rows[1:]
    with (fixed / "members.csv").open("w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows(kept)
    second = validate_path(fixed)
    check_accounting(second)
    assert second.report.rejected == 0
    assert {m["id"] for m in second.dataset.tables["members"]} == {"M1", "M2", "M3"}


def test_rejects_round_trip_xlsx(tmp_path: Path) -> None:
    tables = good_tables()
    tables["units"][2]["kind"] = "公司"
    tables["units"][2]["staff"] = 5.0
    book = write_xlsx(tmp_path / "book.xlsx", tables)
    first = validate_path(book)
    assert first.report.tables["units"].rejected == 1
    assert first.report.tables["party_orgs"].rejected == 1  # P4 is based in U3
    files = write_rejects(first, tmp_path / "rej")
    assert [f.name for f in files] == ["book.xlsx"]
    wb = openpyxl.load_workbook(files[0])
    assert sorted(wb.sheetnames) == sorted(["单位", "党组织"])
    rows = list(wb["单位"].iter_rows(values_only=True))
    assert list(rows[0]) == [c.zh for c in TABLES["units"].columns] + ["_reason"]
    assert rows[1][0] == "U3" and rows[1][2] == "公司" and rows[1][6] == 5
    # fix in place and paste back into the original workbook
    orig = openpyxl.load_workbook(book)
    orig["单位"]["C4"] = "社会组织"
    orig.save(book)
    second = validate_path(book)
    check_accounting(second)
    assert second.report.rejected == 0


def test_write_rejects_refuses_input_folder(tmp_path: Path) -> None:
    tables = good_tables()
    tables["members"][2]["status"] = "x"
    src = write_csv(tmp_path / "in", tables)
    with pytest.raises(InputError):
        write_rejects(validate_path(src), src)


def test_write_rejects_nothing_when_clean(tmp_path: Path) -> None:
    assert write_rejects(validate_path(write_csv(tmp_path / "in", good_tables())),
                         tmp_path / "rej") == []


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------


def _exit_code(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


def test_cli_exit_codes_and_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_csv(tmp_path / "good", good_tables())
    assert _exit_code(["validate", str(good)]) == 0
    assert "areas" in capsys.readouterr().out
    tables = good_tables()
    tables["members"][2]["status"] = "x"
    bad = write_csv(tmp_path / "bad", tables)
    report = tmp_path / "r.json"
    assert _exit_code(["validate", str(bad), "--report", str(report),
                       "--rejects", str(tmp_path / "rej")]) == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["tables"]["members"] == {"read": 3, "accepted": 2, "rejected": 1}
    assert (tmp_path / "rej" / "members.csv").exists()
    assert _exit_code(["validate", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err
    (bad / "members.csv").unlink()
    assert _exit_code(["validate", str(bad)]) == 2


def test_dataset_table_one_reference_date(tmp_path):
    """The dataset table records the reference date; a second row is rejected, saying why."""
    def two_dates(t: Tables) -> None:
        t["dataset"] = [{"as_of": "2026-06-30", "title": "甲"}, {"as_of": "2025-12-31", "title": "乙"}]
    result = run(tmp_path, two_dates)
    e = only_error(result)
    assert (e.table, e.row, e.column) == ("dataset", 3, "as_of")
    assert "一行" in e.reason and "one row" in e.reason
    assert result.dataset.as_of == "2026-06-30"
    assert run(tmp_path / "none", lambda t: None).dataset.as_of is None
