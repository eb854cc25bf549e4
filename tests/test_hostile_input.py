"""Hostile and broken input: bombs refused fast, nothing silently lost.

Row bombs, cell bombs, zip bombs and oversized files are refused before parsing with an
InputTooLarge naming the limit (Chinese first); a stray quote in a CSV rejects its physical
line and the lines it swallowed are read as rows of their own; legacy encodings that cannot
be told apart are refused naming the candidates; implausible numbers, dates and huge cells
reject their row with file, row, column, value and reason.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from helpers_loaders import check_accounting, good_tables, headers, write_csv, write_xlsx
from orgnet.errors import InputError, InputTooLarge
from orgnet.loaders.read import read_dataset, temporary_upload_dir, unpack_upload
from orgnet.loaders.validate import validate_path


def _problems(result, table: str) -> list:
    return [e for e in result.report.errors if e.table == table]


# ---------------------------------------------------------------------------
# bombs and caps
# ---------------------------------------------------------------------------


def _rewrite_members_sheet(book: Path, sheet_xml: bytes | None = None,
                           shared: bytes | None = None) -> Path:
    """Replace the members sheet (English sheet names: sheet4) or the shared strings."""
    out = book.with_name("bomb-" + book.name)
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                       compresslevel=9) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if sheet_xml is not None and info.filename == "xl/worksheets/sheet4.xml":
                data = sheet_xml
            if shared is not None and info.filename == "xl/sharedStrings.xml":
                data = shared
            zout.writestr(info.filename, data)
    return out


def _sheet(rows: int, dimension: str | None) -> bytes:
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
            b'.org/spreadsheetml/2006/main">')
    if dimension:
        head += f'<dimension ref="{dimension}"/>'.encode()
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in headers("members"))
    body = f'<sheetData><row r="1">{cells}</row>'.encode()
    body += b'<row><c t="inlineStr"><is><t>M</t></is></c></row>' * rows
    return head + body + b"</sheetData></worksheet>"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "book.xlsx", good_tables(), zh=False)


def test_zip_bomb_cell_in_xlsx_refused_fast(book: Path) -> None:
    sheet = _sheet(1, None).replace(b"<t>M</t>", b"<t>" + b"a" * 40_000_000 + b"</t>")
    bomb = _rewrite_members_sheet(book, sheet_xml=sheet)
    assert bomb.stat().st_size < 1_000_000
    t = time.process_time()  # CPU time: the work done, not how busy a shared machine is
    with pytest.raises(InputTooLarge, match=r"压缩比异常.*ORGNET_MAX_ZIP_RATIO"):
        validate_path(bomb)
    assert time.process_time() - t < 5


def test_total_unzipped_size_refused(book: Path, monkeypatch) -> None:
    monkeypatch.setenv("ORGNET_MAX_UNZIPPED_MB", "1")
    monkeypatch.setenv("ORGNET_MAX_ZIP_RATIO", "100000")
    bomb = _rewrite_members_sheet(book, sheet_xml=_sheet(60_000, None))
    with pytest.raises(InputTooLarge, match=r"解压后超过 1 MB"):
        read_dataset(bomb)


def test_sheet_dimension_over_row_cap_refused(book: Path, monkeypatch) -> None:
    monkeypatch.setenv("ORGNET_MAX_ROWS", "100")
    bomb = _rewrite_members_sheet(book, sheet_xml=_sheet(3, "A1:D20000000"))
    with pytest.raises(InputTooLarge, match=r"行数超过上限 100 行.*ORGNET_MAX_ROWS"):
        read_dataset(bomb)


def test_rows_beyond_cap_without_dimension_refused(book: Path, monkeypatch) -> None:
    monkeypatch.setenv("ORGNET_MAX_ROWS", "50")
    bomb = _rewrite_members_sheet(book, sheet_xml=_sheet(51, None))
    with pytest.raises(InputTooLarge, match=r"sheet4.xml\]: 行数超过上限 50 行"):
        read_dataset(bomb)
    ok = _rewrite_members_sheet(book, sheet_xml=_sheet(49, None))
    assert len(read_dataset(ok).tables["members"].rows) == 49


def test_csv_line_count_and_file_size_caps(tmp_path: Path, monkeypatch) -> None:
    folder = write_csv(tmp_path / "d", good_tables())
    with (folder / "members.csv").open("a", encoding="utf-8") as f:
        f.write("M9,x,formal,retired\n" * 30_000)
    monkeypatch.setenv("ORGNET_MAX_ROWS", "20000")
    with pytest.raises(InputTooLarge, match=r"members\.csv: 行数超过上限 20,000 行"):
        read_dataset(folder)
    monkeypatch.setenv("ORGNET_MAX_ROWS", "1000000")
    monkeypatch.setenv("ORGNET_MAX_FILE_MB", "0")
    with pytest.raises(Exception, match=r"ORGNET_MAX_FILE_MB"):
        read_dataset(folder)  # (0 is not a valid limit: the setting itself is refused)
    monkeypatch.setenv("ORGNET_MAX_FILE_MB", "1")
    assert (folder / "members.csv").stat().st_size < 2**20  # 30,000 short lines
    with (folder / "members.csv").open("a", encoding="utf-8") as f:
        f.write("M9,x,formal,retired\n" * 30_000)
    with pytest.raises(InputTooLarge, match=r"文件过大.*上限为 1 MB"):
        read_dataset(folder)


def test_long_cells_reject_their_row(tmp_path: Path) -> None:
    tables = good_tables()
    tables["units"][1]["name"] = "单" * 10_001
    tables["units"][2]["name"] = "x" * 1_500_000  # beyond the CSV field limit
    result = validate_path(write_csv(tmp_path / "d", tables))
    check_accounting(result)
    units = _problems(result, "units")
    by_row = {e.row: e for e in units}
    assert by_row[3].column == "name" and "单元格过长：10,001 个字符，上限 10,000" in by_row[3].reason
    assert len(by_row[3].value) <= 200
    assert "第4行有单元格超过" in by_row[4].reason
    assert result.report.tables["units"].rejected == 2
    # the other rows of the file are still read
    assert result.report.tables["units"].accepted == 2


def test_thirty_million_character_name_not_loaded(tmp_path: Path) -> None:
    tables = good_tables()
    tables["units"][3]["name"] = "x" * 30_000_000
    t = time.process_time()  # CPU time (13.7 s of wall time at load 8 on 2 cores failed a wall budget)
    result = validate_path(write_csv(tmp_path / "d", tables))
    assert time.process_time() - t < 10
    assert "U4" not in {u["id"] for u in result.dataset.tables["units"]}
    assert [e.row for e in _problems(result, "units")] == [5]
    check_accounting(result)


# ---------------------------------------------------------------------------
# uploads
# ---------------------------------------------------------------------------


def test_upload_dir_is_removed_even_on_error(tmp_path: Path) -> None:
    with temporary_upload_dir() as tmp:
        assert tmp.name.startswith("orgnet-import-") and tmp.is_dir()
        kept = tmp
    assert not kept.exists()
    with pytest.raises(InputError):
        with temporary_upload_dir() as tmp:
            kept = tmp
            unpack_upload("notes.txt", b"x", tmp)
    assert not kept.exists()


def test_upload_zip_bomb_refused_and_zip_unpacked_safely(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("members.csv", b"id,name\n" + b"M1,x\n" * 4_000_000)
    with temporary_upload_dir() as tmp:
        with pytest.raises(InputTooLarge, match="疑似压缩炸弹"):
            unpack_upload("ledgers.zip", buf.getvalue(), tmp)
    folder = write_csv(tmp_path / "d", good_tables())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in folder.iterdir():
            z.write(f, arcname=f"../../evil/{f.name}")
    with temporary_upload_dir() as tmp:
        path = unpack_upload("ledgers.zip", buf.getvalue(), tmp)
        assert path.parent == tmp and validate_path(path).report.rejected == 0
        assert not (tmp.parent / "evil").exists()


# ---------------------------------------------------------------------------
# malformed CSV: a stray quote
# ---------------------------------------------------------------------------


def _units_with_stray_quote(tmp_path: Path) -> Path:
    tables = good_tables()
    base = tables["units"][0]
    tables["units"] = [dict(base, id=f"U{i}", name=f"单位{i}") for i in range(1, 98)]
    tables["units"][1]["kind"] = "private_enterprise"
    members = []
    for i in range(1, 98):
        members.append({"id": f"MM{i}", "name": f"党员{i}", "status": "formal",
                        "category": "in_service", "unit_id": f"U{i}"})
    tables["members"] = members
    tables["roles"] = []
    tables["resources"] = [{"id": "R1", "unit_id": "U1", "title": "x"}]
    tables["services"] = []
    folder = write_csv(tmp_path / "d", tables)
    path = folder / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 98
    lines[3] = lines[3].replace("单位3", '"单位3', 1)  # physical line 4
    path.write_text("".join(lines), encoding="utf-8")
    return folder


def test_stray_quote_rejects_its_line_only(tmp_path: Path) -> None:
    result = validate_path(_units_with_stray_quote(tmp_path))
    check_accounting(result)
    units = result.report.tables["units"]
    assert (units.read, units.accepted, units.rejected) == (97, 96, 1)  # physical data lines
    [problem] = _problems(result, "units")
    assert problem.row == 4 and problem.column == "name"
    assert "第4行的引号没有配对" in problem.reason and "第4行到第98行" in problem.reason
    members = result.report.tables["members"]
    assert (members.read, members.rejected) == (97, 1)  # only the member of U3 cascades


def test_stray_quote_closed_later_and_multiline_cells(tmp_path: Path) -> None:
    folder = write_csv(tmp_path / "d", good_tables())
    path = folder / "units.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # a legitimate quoted cell over two lines (no row inside it) stays one row
    lines[2] = lines[2].replace("蜀味餐饮公司", '"蜀味\n餐饮公司"', 1)
    path.write_text("".join(lines), encoding="utf-8")
    result = validate_path(folder)
    assert result.report.rejected == 0
    names = {u["id"]: u["name"] for u in result.dataset.tables["units"]}
    assert names["U2"] == "蜀味\n餐饮公司"


# ---------------------------------------------------------------------------
# encodings
# ---------------------------------------------------------------------------


def _units_in(tmp_path: Path, names: list[str], encoding: str) -> Path:
    """The good dataset in UTF-8 except units.csv, whose unit names are ``names`` in ``encoding``."""
    tables = good_tables()
    folder = write_csv(tmp_path / encoding, tables)
    for u, name in zip(tables["units"], names):
        u["name"] = name
    write_csv(tmp_path / "units-only", {"units": tables["units"]}, encoding=encoding)
    (folder / "units.csv").write_bytes((tmp_path / "units-only" / "units.csv").read_bytes())
    return folder


def test_big5_and_shift_jis_never_read_as_gb18030(tmp_path: Path) -> None:
    big5 = _units_in(tmp_path, ["區稅務局", "蜀味餐飲公司", "鄰里社工站", "錦江物業"], "big5")
    raw = read_dataset(big5)  # many plausible characters: told apart with confidence
    assert raw.tables["units"].source.encoding == "big5"
    assert raw.tables["units"].rows[0]["name"] == "區稅務局"
    sjis = _units_in(tmp_path, ["東京都庁", "株式会社さくら", "やまだ商店", "横浜市立大学"], "shift_jis")
    assert read_dataset(sjis).tables["units"].source.encoding == "shift_jis"


def test_ambiguous_encoding_refused_unless_named(tmp_path: Path) -> None:
    # two characters: Big5 bytes that GB18030 decodes too, too few to tell them apart
    folder = _units_in(tmp_path, ["中文", "A", "B", "C"], "big5")
    with pytest.raises(InputError, match=r"无法确定文件编码.*Big5.*--encoding"):
        read_dataset(folder)
    raw = read_dataset(folder, encoding="big5")
    assert raw.tables["units"].rows[0]["name"] == "中文"
    with pytest.raises(InputError, match="未知的编码"):
        read_dataset(folder, encoding="klingon")


def test_cli_encoding_option(tmp_path: Path) -> None:
    from helpers_stores import run_cli as cli

    folder = _units_in(tmp_path, ["中文", "A", "B", "C"], "big5")
    r = cli(tmp_path / "home", "validate", str(folder))
    assert r.returncode == 2 and "无法确定文件编码" in r.stderr + r.stdout
    r = cli(tmp_path / "home", "validate", str(folder), "--encoding", "big5")
    assert r.returncode == 0, r.stderr


# ---------------------------------------------------------------------------
# plausible values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, ok", [("99999999999999999999999999", False), ("-5", False),
                                       ("3000", False), ("1899", False), ("1900", True),
                                       ("1980", True)])
def test_birth_year_range(tmp_path: Path, value: str, ok: bool) -> None:
    tables = good_tables()
    tables["members"][0]["birth_year"] = value
    result = validate_path(write_csv(tmp_path / "d", tables))
    problems = [e for e in _problems(result, "members") if e.column == "birth_year"]
    if ok:
        assert not problems
    else:
        [p] = problems
        assert p.row == 2 and "出生年份超出合理范围 1900～" in p.reason and p.value


@pytest.mark.parametrize("value, ok", [("0001-01-01", False), ("9999-12-31", False),
                                       ("1921-06-30", False), ("1921-07-01", True),
                                       ("2030-01-01", True)])
def test_date_range(tmp_path: Path, value: str, ok: bool) -> None:
    tables = good_tables()
    tables["agreements"][0]["expires_on"] = value
    result = validate_path(write_csv(tmp_path / "d", tables))
    problems = _problems(result, "agreements")
    assert bool(problems) != ok
    if problems:
        assert problems[0].column == "expires_on" and "超出合理范围 1921-07-01～" in problems[0].reason


def test_staff_range_and_int64(tmp_path: Path) -> None:
    tables = good_tables()
    tables["units"][0]["staff"] = str(2**63)
    tables["units"][1]["staff"] = "-1"
    result = validate_path(write_csv(tmp_path / "d", tables))
    assert sorted((e.row, e.column) for e in _problems(result, "units")) == [(2, "staff"), (3, "staff")]


def test_limits_setting_validation(monkeypatch) -> None:
    from orgnet.errors import ConfigError
    from orgnet.settings import Limits, limits

    monkeypatch.setenv("ORGNET_MAX_ROWS", "many")
    with pytest.raises(ConfigError, match="ORGNET_MAX_ROWS"):
        limits()
    monkeypatch.setenv("ORGNET_MAX_ROWS", "7")
    assert limits().max_rows == 7 and Limits().max_rows == 1_000_000


# ---------------------------------------------------------------------------
# formula injection in the rejects files
# ---------------------------------------------------------------------------

#: the four spreadsheet formula prefixes a hostile ledger can put in a rejected row
FORMULAS = ['=HYPERLINK("http://evil.example/x","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"]


def _formula_members(tmp_path: Path, fmt: str) -> Path:
    """Members whose names are formulas, each row rejected by a bad status."""
    tables = good_tables()
    base = tables["members"][2]
    tables["members"] += [dict(base, id=f"MF{i}", name=f, status="坏") for i, f in enumerate(FORMULAS)]
    if fmt == "csv":
        return write_csv(tmp_path / "in", tables)
    import openpyxl

    book = write_xlsx(tmp_path / "book.xlsx", tables, zh=False)
    wb = openpyxl.load_workbook(book)
    for row in wb["members"].iter_rows():
        for cell in row:
            if cell.value in FORMULAS:
                cell.data_type = "s"  # text cells, as a hostile ledger would hold them
    wb.save(book)
    return book


def _rejects_cells(files: dict[str, bytes]) -> list[tuple[str, str]]:
    """(cell text, openpyxl data type or 'csv') of every cell of the rejects files."""
    import csv as _csv
    import openpyxl

    cells = []
    for name, data in files.items():
        if name.endswith(".csv"):
            rows = list(_csv.reader(io.StringIO(data.decode("utf-8-sig"))))
            cells += [(c, "csv") for r in rows for c in r]
        else:
            wb = openpyxl.load_workbook(io.BytesIO(data))
            cells += [(c.value, c.data_type) for ws in wb for r in ws.iter_rows() for c in r
                      if c.value is not None]
    return cells


def _check_neutralized(files: dict[str, bytes]) -> None:
    cells = _rejects_cells(files)
    texts = [c for c, _ in cells]
    for f in FORMULAS:
        assert "'" + f in texts, f
        assert f not in texts, f
    assert all(kind != "f" for _, kind in cells)  # no live formula in the workbook
    assert not any(isinstance(c, str) and c.startswith(("=", "+", "-", "@")) for c in texts)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_rejects_files_neutralize_formulas_cli(tmp_path: Path, fmt: str) -> None:
    from orgnet.cli import main

    src = _formula_members(tmp_path, fmt)
    with pytest.raises(SystemExit):
        main(["validate", str(src), "--rejects", str(tmp_path / "rej")])
    files = {p.name: p.read_bytes() for p in (tmp_path / "rej").iterdir()}
    assert files
    _check_neutralized(files)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_rejects_files_neutralize_formulas_import_page(tmp_path: Path, fmt: str) -> None:
    from orgnet.pages.import_page import rejects_zip

    data = rejects_zip(validate_path(_formula_members(tmp_path, fmt)))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    _check_neutralized(files)
