"""Reading a dataset: a folder of CSV files or one ``.xlsx`` workbook (DESIGN §3).

The reader finds each table's file or sheet (English name ``members`` or Chinese
``党员``), detects the CSV encoding (UTF-8 with/without BOM, else GB18030), maps English
or Chinese headers (case- and space-insensitive) to columns, and parses every cell with
:mod:`orgnet.loaders.cells`. It checks cells only; dataset-wide checks (unique ids,
references, cycles, cascades) are in :mod:`orgnet.loaders.validate`.

A file that cannot be read, a missing required table or a missing required column raises
:class:`~orgnet.errors.InputError`. Everything else becomes a row-level :class:`Problem`.

A column headed ``_reason`` (added by :func:`orgnet.loaders.report.write_rejects`) is
ignored, so a fixed rejects file can be re-imported as is.
"""

from __future__ import annotations

import codecs
import csv
import re
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgnet.errors import InputError
from orgnet.graph.model import REQUIRED_TABLES, TABLES, ColType, Column, Row, Table
from orgnet.loaders.cells import CellError, bi, is_empty, parse_text, parser_for

__all__ = ["Problem", "Source", "ReadTable", "RawDataset", "read_dataset", "iter_records",
           "REASON_HEADER", "header_key"]

#: header of the reason column that write-back appends and the reader ignores
REASON_HEADER = "_reason"

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Problem:
    """One reason a row is rejected: table, spreadsheet row (header = 1), column, value, reason."""

    table: str
    row: int
    column: str
    value: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "column": self.column,
                "value": self.value, "reason": self.reason}


@dataclass
class Source:
    """Where one table came from, enough to read its rows again in their original form."""

    table: str
    path: Path
    format: str  # "csv" | "xlsx"
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str = ","
    headers: list[Any] = field(default_factory=list)
    header_row: int = 1

    @property
    def label(self) -> str:
        """How messages name the file: ``members.csv`` or ``book.xlsx[党员]``."""
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


@dataclass
class ReadTable:
    """Every data row of one table, parsed, with the cell-level problems by row number."""

    source: Source
    rows: list[Row] = field(default_factory=list)
    problems: dict[int, list[Problem]] = field(default_factory=dict)


@dataclass
class RawDataset:
    """The tables found at a path (absent optional tables are missing from ``tables``)."""

    path: Path
    format: str
    tables: dict[str, ReadTable] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# names and headers
# ---------------------------------------------------------------------------


def header_key(text: Any) -> str:
    """Normalize a header or table name: NFKC, no spaces, lower case, no trailing ``*``."""
    key = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    return re.sub(r"\s+", "", key).lower().rstrip("*")


def _table_names(table: Table) -> set[str]:
    return {header_key(table.name), header_key(table.zh)}


def _expected(table: Table, columns: Sequence[Column]) -> str:
    return ", ".join(f"{c.name} / {c.zh}" for c in columns)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (BOM kept on write-back), ``utf-8``, ``utf-16`` or ``gb18030``."""
    try:
        with path.open("rb") as f:
            head = f.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _decodes(path, "utf-16"):
            return "utf-16"
        if _decodes(path, "utf-8"):  # (a BOM is valid UTF-8; utf-8-sig's decoder is lax at EOF)
            return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        if _decodes(path, "gb18030"):
            return "gb18030"
    except OSError as e:
        raise InputError(f"{path}: cannot read the file ({e})") from e
    raise InputError(f"{path.name}: unknown text encoding; save it as UTF-8 or GB18030 "
                     f"(文件编码无法识别，请另存为 UTF-8 或 GB18030)")


def _sniff_delimiter(path: Path, encoding: str) -> str:
    try:
        with path.open(encoding=encoding, newline="") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path.name}: cannot read the file as {encoding} ({e})") from e
    return "\t" if first.count("\t") > first.count(",") else ","


def _csv_records(source: Source) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) of a CSV file, header included (record 1 = first record)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with source.path.open(encoding=source.encoding, newline="") as f:
            for number, record in enumerate(csv.reader(f, delimiter=source.delimiter), start=1):
                yield number, record
    except (csv.Error, OSError, UnicodeDecodeError) as e:
        raise InputError(f"{source.label}: cannot read the CSV file ({e})") from e


# ---------------------------------------------------------------------------
# xlsx
# ---------------------------------------------------------------------------


def _open_workbook(path: Path) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a damaged or foreign file
        raise InputError(f"{path.name}: cannot open the Excel workbook ({e})") from e


def _xlsx_records(source: Source) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(sheet row number, cells) of a workbook sheet, header included."""
    wb = _open_workbook(source.path)
    try:
        ws = wb[source.sheet]
        ws.reset_dimensions()
        for number, record in enumerate(ws.iter_rows(values_only=True), start=1):
            yield number, record
    except InputError:
        raise
    except Exception as e:
        raise InputError(f"{source.label}: cannot read the sheet ({e})") from e
    finally:
        wb.close()


def iter_records(source: Source) -> Iterator[tuple[int, Sequence[Any]]]:
    """Every record of a table's file or sheet as (spreadsheet row number, cells)."""
    return _csv_records(source) if source.format == "csv" else _xlsx_records(source)


# ---------------------------------------------------------------------------
# locating tables
# ---------------------------------------------------------------------------


def _match_tables(names: dict[str, Any], where: str) -> dict[str, Any]:
    """Map table name → the item whose normalized name is the table's English or Chinese name."""
    found: dict[str, Any] = {}
    for table in TABLES.values():
        hits = [item for key, item in names.items() if key in _table_names(table)]
        if len(hits) > 1:
            raise InputError(f"{where}: table {table.name} ({table.zh}) is given twice: "
                             f"{', '.join(str(h) for h in hits)}; keep one")
        if hits:
            found[table.name] = hits[0]
    return found


def _csv_sources(folder: Path) -> dict[str, Source]:
    files = {header_key(p.stem): p for p in sorted(folder.iterdir())
             if p.is_file() and p.suffix.lower() in (".csv", ".txt", ".tsv")}
    found = _match_tables(files, str(folder))
    sources = {}
    for name, path in found.items():
        encoding = detect_encoding(path)
        sources[name] = Source(name, path, "csv", encoding=encoding,
                               delimiter=_sniff_delimiter(path, encoding))
    return sources


def _xlsx_sources(path: Path) -> dict[str, Source]:
    wb = _open_workbook(path)
    try:
        sheets = {header_key(name): name for name in wb.sheetnames}
    finally:
        wb.close()
    found = _match_tables(sheets, path.name)
    return {name: Source(name, path, "xlsx", sheet=sheet) for name, sheet in found.items()}


def locate(path: str | Path) -> tuple[Path, str, dict[str, Source]]:
    """Find the tables of a dataset folder or workbook; raise InputError when impossible."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir():
        sources = _csv_sources(path)
        books = sorted(p for p in path.iterdir() if p.suffix.lower() == ".xlsx"
                       and not p.name.startswith("~$"))
        if not sources and len(books) == 1:
            return books[0], "xlsx", _xlsx_sources(books[0])
        return path, "csv", sources
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return path, "xlsx", _xlsx_sources(path)
    raise InputError(f"{path}: a dataset is a folder of CSV files or one .xlsx workbook")


def _check_required_tables(where: Path, fmt: str, sources: dict[str, Source]) -> None:
    missing = [TABLES[t] for t in REQUIRED_TABLES if t not in sources]
    if missing:
        what = "CSV files" if fmt == "csv" else "sheets"
        names = ", ".join(f"{t.name}{'.csv' if fmt == 'csv' else ''} / {t.zh}" for t in missing)
        raise InputError(f"{where.name}: missing required table(s) ({what}): {names} "
                         f"(缺少必需的表)")


# ---------------------------------------------------------------------------
# headers → columns
# ---------------------------------------------------------------------------


@dataclass
class _Layout:
    """Which record position holds which column, and which positions are extras."""

    columns: list[tuple[Column, int | None]]
    extras: list[tuple[str, int]]
    width: int


def _header_lookup(table: Table) -> dict[str, Column]:
    return {header_key(h): c for c in table.columns for h in c.headers}


def _layout(table: Table, source: Source, header: Sequence[Any]) -> _Layout:
    lookup = _header_lookup(table)
    positions: dict[str, int] = {}
    extras: list[tuple[str, int]] = []
    for i, cell in enumerate(header):
        key = header_key(cell)
        column = lookup.get(key)
        if column is not None:
            if column.name in positions:
                raise InputError(f"{source.label}: column {column.name} / {column.zh} appears "
                                 f"twice (headers {positions[column.name] + 1} and {i + 1}); "
                                 f"keep one (列重复)")
            positions[column.name] = i
        elif key != REASON_HEADER:  # unknown column: kept (a blank header is named column<N>)
            name = str(cell).strip() if key else f"column{i + 1}"
            extras.append((_extra_name(name, extras), i))
    missing = [c for c in table.required_columns if c.name not in positions]
    if missing:
        raise InputError(f"{source.label}: missing column {_expected(table, missing)} "
                         f"(缺少必需的列); expected headers: {_expected(table, table.columns)}")
    return _Layout([(c, positions.get(c.name)) for c in table.columns], extras, len(header))


def _extra_name(name: str, taken: list[tuple[str, int]]) -> str:
    names = {n for n, _ in taken}
    if name not in names:
        return name
    n = 2
    while f"{name}#{n}" in names:
        n += 1
    return f"{name}#{n}"


# ---------------------------------------------------------------------------
# rows
# ---------------------------------------------------------------------------


def _show(value: Any) -> str:
    """A cell as the report shows it (long cells shortened)."""
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:197] + "..."


class _RowParser:
    """Parses the records of one table into rows and problems (the hot loop of a big import)."""

    def __init__(self, table: Table, layout: _Layout) -> None:
        self.table = table
        self.layout = layout
        self.missing = bi("缺少必填值", "required value missing")
        #: (column, record position or -1, parser or None for plain text, required, empty value,
        #:  share repeated values)
        self.plan = [(c, -1 if i is None else i,
                      None if c.type is ColType.text else parser_for(c), c.required,
                      [] if c.type is ColType.refs else None,
                      c.type in (ColType.ref, ColType.text, ColType.date))
                     for c, i in layout.columns]
        self.pool: dict[str, str] = {}

    def parse(self, number: int, record: Sequence[Any], out: ReadTable) -> None:
        row: Row = {}
        problems: list[Problem] = []
        n = len(record)
        pool = self.pool
        for column, i, parse, required, empty, share in self.plan:
            raw = record[i] if 0 <= i < n else None
            if raw.__class__ is str:
                raw = raw.strip()
                if not raw:
                    raw = None
            if raw is None:
                if required:
                    problems.append(Problem(self.table.name, number, column.name, "", self.missing))
                row[column.name] = empty.copy() if empty is not None else None
                continue
            try:
                value = raw if parse is None and raw.__class__ is str else (parse or parse_text)(raw)
            except CellError as e:
                problems.append(Problem(self.table.name, number, column.name, _show(raw), str(e)))
                row[column.name] = empty.copy() if empty is not None else None
                continue
            if required and (value == "" or value == []):
                problems.append(Problem(self.table.name, number, column.name, _show(raw), self.missing))
            elif share and value.__class__ is str and len(value) <= 40:
                value = pool.setdefault(value, value)
            row[column.name] = value
        row["_row"] = number
        row["_extra"] = self._extras(record) if self.layout.extras or n > self.layout.width else {}
        out.rows.append(row)
        if problems:
            out.problems[number] = problems

    def _extras(self, record: Sequence[Any]) -> dict[str, str]:
        extra: dict[str, str] = {}
        n = len(record)
        for name, i in self.layout.extras:
            if i < n and not is_empty(record[i]):
                extra[name] = parse_text(record[i])
        for i in range(self.layout.width, n):  # cells beyond the header: kept, never dropped
            if not is_empty(record[i]):
                extra[f"column{i + 1}"] = parse_text(record[i])
        return extra


def _blank(record: Sequence[Any]) -> bool:
    """True when every cell is empty (returns at the first non-empty cell)."""
    for cell in record:
        if cell is not None and (cell.__class__ is not str or cell.strip()):
            return False
    return True


def read_table(source: Source) -> ReadTable:
    """Read and parse one table. The first non-blank record is the header; blank rows are skipped."""
    table = TABLES[source.table]
    out = ReadTable(source)
    parser: _RowParser | None = None
    for number, record in iter_records(source):
        if _blank(record):
            continue
        if parser is None:
            source.headers = list(record)
            source.header_row = number
            parser = _RowParser(table, _layout(table, source, record))
            continue
        parser.parse(number, record, out)
    if parser is None and table.required:  # an empty optional table simply has no rows
        raise InputError(f"{source.label}: the file is empty; expected headers: "
                         f"{_expected(table, table.columns)} (文件为空)")
    return out


def read_dataset(path: str | Path) -> RawDataset:
    """Read every table at ``path`` (folder of CSVs or .xlsx); raise InputError when unreadable."""
    where, fmt, sources = locate(path)
    _check_required_tables(where, fmt, sources)
    raw = RawDataset(where, fmt)
    for name in TABLES:
        if name in sources:
            raw.tables[name] = read_table(sources[name])
    return raw
