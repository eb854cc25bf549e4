"""Reading datasets: CSV and xlsx, encodings, English/Chinese headers, cell forms, InputError."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from helpers_loaders import good_tables, headers, write_csv, write_xlsx
from orgnet.errors import InputError
from orgnet.model import TABLES
from orgnet.loaders.cells import CellError, parse_bool, parse_date, parse_id, parse_int, parse_refs
from orgnet.loaders.read import read_dataset
from orgnet.loaders.validate import validate_path


def _strip_row(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "_row"}


def _rows(result, table: str) -> list[dict]:
    return [_strip_row(r) for r in result.dataset.tables[table]]


def test_good_csv_is_fully_accepted_and_typed(tmp_path: Path) -> None:
    result = validate_path(write_csv(tmp_path / "d", good_tables()))
    assert result.report.rejected == 0
    m1 = result.dataset.tables["members"][0]
    assert m1["birth_year"] == 1980 and m1["reported_on"] == "2023-01-02"
    assert m1["status"] == "formal" and m1["_row"] == 2 and m1["_extra"] == {}
    m3 = result.dataset.tables["members"][2]
    assert m3["org_id"] is None and m3["birth_year"] is None and m3["_row"] == 4
    units = {u["id"]: u for u in result.dataset.tables["units"]}
    assert units["U1"]["resident"] is True and units["U1"]["staff"] == 30
    assert units["U1"]["serves_area_ids"] == [] and units["U4"]["serves_area_ids"] == ["K1"]
    orgs = {o["id"]: o for o in result.dataset.tables["party_orgs"]}
    assert orgs["P4"]["unit_ids"] == ["U2", "U3"]
    for table, rows in result.dataset.tables.items():
        for row in rows:
            assert set(row) == {c.name for c in TABLES[table].columns} | {"_row", "_extra"}


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-8"])
def test_chinese_headers_and_names_any_encoding(tmp_path: Path, encoding: str) -> None:
    english = validate_path(write_csv(tmp_path / "en", good_tables()))
    chinese = validate_path(write_csv(tmp_path / "zh", good_tables(), zh=True, zh_names=True,
                                      encoding=encoding))
    assert chinese.report.rejected == 0
    for table in TABLES:
        assert _rows(chinese, table) == _rows(english, table)
    raw = read_dataset(tmp_path / "zh")
    expected = "utf-8" if encoding == "utf-8" else ("utf-8-sig" if encoding == "utf-8-sig"
                                                    else "gb18030")
    assert raw.tables["members"].source.encoding == expected


def test_gb18030_bytes_really_are_not_utf8(tmp_path: Path) -> None:
    write_csv(tmp_path / "d", good_tables(), zh=True, encoding="gb18030")
    data = (tmp_path / "d" / "members.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert validate_path(tmp_path / "d").report.rejected == 0


def test_headers_case_and_space_insensitive_and_chinese_enums(tmp_path: Path) -> None:
    d = write_csv(tmp_path / "d", good_tables())
    path = d / "members.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[0] = text[0].replace("id,name,status", " ID , Name ,STATUS").replace("org_id", "组织关系 所在党组织")
    text[1] = text[1].replace("formal,in_service", "正式党员, 在职 ")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = validate_path(d)
    assert result.report.rejected == 0
    m1 = result.dataset.tables["members"][0]
    assert (m1["status"], m1["category"], m1["org_id"]) == ("formal", "in_service", "P3")


def test_cell_forms(tmp_path: Path) -> None:
    tables = good_tables()
    tables["areas"][0]["id"] = "Ｄ１"  # full-width → D1
    tables["areas"][1]["parent_id"] = " D1 "
    tables["members"][0].update(reported_on="2023年1月2日", birth_year="１９８０", id="1001.0")
    tables["members"][1].update(reported_on="2023/1/2", birth_year="1956.0", id="１００２")
    tables["units"][0].update(resident="是", staff="1,200")
    tables["units"][1].update(resident="N")
    tables["units"][2].update(resident="1")
    tables["party_orgs"][3]["unit_ids"] = "U2；U3; "
    tables["roles"][0]["member_id"] = "1001"
    tables["services"][0]["claimed_by"] = "1001"
    result = validate_path(write_csv(tmp_path / "d", tables))
    assert result.report.rejected == 0, result.report.errors
    ds = result.dataset.tables
    assert ds["areas"][0]["id"] == "D1"
    assert [m["id"] for m in ds["members"]][:2] == ["1001", "1002"]
    assert ds["members"][0]["reported_on"] == ds["members"][1]["reported_on"] == "2023-01-02"
    assert ds["members"][0]["birth_year"] == 1980 and ds["members"][1]["birth_year"] == 1956
    assert [u["resident"] for u in ds["units"]] == [True, False, True, None]
    assert ds["units"][0]["staff"] == 1200
    assert ds["party_orgs"][3]["unit_ids"] == ["U2", "U3"]


def test_extra_columns_kept_and_reason_column_ignored(tmp_path: Path) -> None:
    d = write_csv(tmp_path / "d", good_tables())
    path = d / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",办公楼层,,_reason"  # (a personal column would be withheld: test_privacy.py)
    lines[1] += ",3楼,备注,old reason"
    lines[2] += ",,,x"
    lines[3] += ",,,,surplus"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate_path(d)
    assert result.report.rejected == 0
    extras = [u["_extra"] for u in result.dataset.tables["units"]]
    n = len(TABLES["units"].columns)  # the header-less cells are named by their position
    assert extras == [{"办公楼层": "3楼", f"column{n + 2}": "备注"}, {}, {f"column{n + 4}": "surplus"}, {}]


def test_xlsx_chinese_sheets_excel_cells(tmp_path: Path) -> None:
    tables = good_tables()
    tables["members"][0].update(id=1001.0, reported_on=dt.datetime(2023, 1, 2, 0, 0),
                                birth_year=1980.0)
    tables["members"][1].update(id=1002, reported_on=dt.date(2023, 1, 3))
    tables["roles"][0]["member_id"] = 1001.0
    tables["services"][0]["claimed_by"] = "1001"
    tables["units"][0].update(resident=True, staff=30.0)
    tables["units"][1].update(resident=0)
    result = validate_path(write_xlsx(tmp_path / "book.xlsx", tables))
    assert result.report.rejected == 0, result.report.errors
    ms = result.dataset.tables["members"]
    assert (ms[0]["id"], ms[0]["reported_on"], ms[0]["birth_year"]) == ("1001", "2023-01-02", 1980)
    assert (ms[1]["id"], ms[1]["reported_on"]) == ("1002", "2023-01-03")
    assert result.dataset.tables["units"][0]["staff"] == 30
    assert [u["resident"] for u in result.dataset.tables["units"]][:2] == [True, False]
    assert result.dataset.tables["roles"][0]["member_id"] == "1001"


def test_xlsx_english_sheets_row_numbers_skip_gaps(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", good_tables(), zh=False)
    wb = openpyxl.load_workbook(path)
    wb["members"].insert_rows(3)  # a blank row 3: M2 moves to sheet row 4
    wb.save(path)
    result = validate_path(path)
    assert [m["_row"] for m in result.dataset.tables["members"]] == [2, 4, 5]


def test_folder_with_one_workbook_is_read(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    write_xlsx(tmp_path / "d" / "book.xlsx", good_tables())
    assert validate_path(tmp_path / "d").report.rejected == 0


def test_tab_separated_csv(tmp_path: Path) -> None:
    d = write_csv(tmp_path / "d", good_tables())
    path = d / "units.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")
    assert validate_path(d).report.rejected == 0


# ---------------------------------------------------------------------------
# InputError
# ---------------------------------------------------------------------------


def test_missing_required_table_names_both_languages(tmp_path: Path) -> None:
    tables = good_tables()
    del tables["members"]
    with pytest.raises(InputError, match=r"members\.csv / 党员"):
        validate_path(write_csv(tmp_path / "d", tables))


def test_missing_required_column_names_file_and_headers(tmp_path: Path) -> None:
    d = write_csv(tmp_path / "d", good_tables(), zh=True)
    path = d / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("党员状态", "状况")
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as e:
        validate_path(d)
    assert "members.csv" in str(e.value) and "status / 党员状态" in str(e.value)
    assert "org_id / 组织关系所在党组织" in str(e.value)  # the expected headers, both languages


def test_missing_column_in_xlsx_names_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", good_tables())
    wb = openpyxl.load_workbook(path)
    wb["单位"]["D1"] = "where"
    wb.save(path)
    with pytest.raises(InputError, match=r"book\.xlsx\[单位\].*area_id / 所在区域"):
        validate_path(path)


@pytest.mark.parametrize("case", ["nonexistent", "not_a_dataset", "bad_xlsx", "undecodable",
                                  "duplicate_column", "empty_file", "table_twice"])
def test_unreadable_inputs_raise_input_error(tmp_path: Path, case: str) -> None:
    d = write_csv(tmp_path / "d", good_tables())
    target: Path = d
    if case == "nonexistent":
        target = tmp_path / "nope"
    elif case == "not_a_dataset":
        target = d / "areas.csv"
    elif case == "bad_xlsx":
        target = tmp_path / "x.xlsx"
        target.write_bytes(b"PK\x03\x04 not really a zip")
    elif case == "undecodable":
        (d / "units.csv").write_bytes(b"id,name\n\xff\xfe\x80\x81\xff,\x80\n")
    elif case == "duplicate_column":
        (d / "units.csv").write_text("id,name,kind,area_id,编号\n", encoding="utf-8")
    elif case == "empty_file":
        (d / "areas.csv").write_bytes(b"")
    elif case == "table_twice":
        (d / "区域.csv").write_text("id,name,level\n", encoding="utf-8")
    with pytest.raises(InputError):
        validate_path(target)


# ---------------------------------------------------------------------------
# cell parsers
# ---------------------------------------------------------------------------


def test_cell_parsers() -> None:
    assert parse_id("  A-01 ") == "A-01" and parse_id(1001.0) == "1001" and parse_id(7) == "7"
    assert parse_id("ＡＢ１２") == "AB12" and parse_id("12.00") == "12" and parse_id("1.5") == "1.5"
    assert parse_int("１２") == 12 and parse_int(3.0) == 3 and parse_int("-4") == -4
    assert parse_date("2024-3-1") == "2024-03-01" and parse_date("2024.03.01") == "2024-03-01"
    assert parse_date("2024-03-01 00:00:00") == "2024-03-01"
    assert parse_date(dt.datetime(2024, 3, 1, 12)) == "2024-03-01"
    assert parse_bool("TRUE") and not parse_bool("否") and parse_bool(1) and not parse_bool("n")
    assert parse_refs("a；b;;a") == ["a", "b"] and parse_refs(5.0) == ["5"]
    for bad, fn in [("1.5", parse_int), ("x", parse_int), ("2024-02-30", parse_date),
                    ("03/01/2024", parse_date), ("maybe", parse_bool), (True, parse_id)]:
        with pytest.raises(CellError):
            fn(bad)


def test_headers_helper_matches_model() -> None:
    assert headers("members", zh=True)[4] == TABLES["members"].column("org_id").zh
    assert codecs.lookup("gb18030")  # the codec write-back relies on exists


def test_empty_optional_table_has_no_rows(tmp_path: Path) -> None:
    d = write_csv(tmp_path / "d", {t: r for t, r in good_tables().items()
                                   if t in ("areas", "party_orgs", "units", "members")})
    (d / "matches.csv").write_bytes(b"")
    (d / "roles.csv").write_text("\n\n", encoding="utf-8")
    result = validate_path(d)
    assert result.report.rejected == 0
    assert result.report.tables["matches"].read == 0 and result.report.tables["matches"].present
