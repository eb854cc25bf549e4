"""Finding a dataset's tables and reading their records as they are in the file.

A dataset is a folder of CSV files or one ``.xlsx`` workbook; each table's file or sheet is
found by its English name (``members``) or Chinese name (``党员``). The records come out as
(spreadsheet row number, cells), header included, before any header is mapped or any cell
parsed (:mod:`orgnet.loaders.read` does that).

Hostile or broken files are refused before parsing (:mod:`orgnet.loaders.guard`): oversized
files, zip bombs, row bombs, too many columns. A CSV record whose quoted field swallows
following lines (a stray ``"``) comes out as a :class:`BrokenRecord` on its physical line and
the swallowed lines are read as records of their own, so no row vanishes into one cell.
"""

from __future__ import annotations

import contextlib
import csv
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgnet.errors import InputError
from orgnet.loaders.cells import bi, header_key, show_cell
from orgnet.loaders.encoding import detect_encoding, sniff_delimiter
from orgnet.loaders.guard import (check_file_size, check_line_count, check_sheet_rows, check_zip,
                                  too_many_columns, too_many_rows)
from orgnet.model import TABLES, Column, Table
from orgnet.settings import Limits, limits as current_limits

__all__ = ["Source", "BrokenRecord", "iter_records", "locate", "keep_open", "header_lookup"]


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
    #: record positions (0-based) of withheld personal columns (blanked in write-back)
    withheld_positions: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """How messages name the file: ``members.csv`` or ``book.xlsx[党员]``."""
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name

    def header_of(self, column: str) -> str | None:
        """The header this file itself gives a model column (``上级组织编号`` for ``parent_id``)."""
        lookup = header_lookup(TABLES[self.table])
        for h in self.headers:
            found = lookup.get(header_key(h))
            if found is not None and found.name == column:
                return str(h).strip()
        return None


def header_lookup(table: Table) -> dict[str, Column]:
    """A table's columns by every header they may have (normalized: :func:`header_key`)."""
    return {header_key(h): c for c in table.columns for h in c.headers}


def _table_names(table: Table) -> set[str]:
    return {header_key(table.name), header_key(table.zh)}


class BrokenRecord(list):
    """A CSV record whose quoting is broken: the cells of its first physical line alone,
    with the reason and the position of the field that swallowed the following lines."""

    reason: str = ""
    index: int | None = None


class _Lines:
    """The physical lines of an open text file, numbered; lines can be pushed back."""

    def __init__(self, f: Any) -> None:
        self.f = f
        self.number = 0
        self.pending: list[tuple[int, str]] = []  # a stack: next line last
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.pop()
        else:
            text = self.f.readline()
            if not text:
                raise StopIteration
            self.number += 1
            item = (self.number, text)
        self.taken.append(item)
        return item[1]

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self.pending.extend(reversed(lines))


def _swallowed(record: list[str], taken: list[tuple[int, str]], width: int,
               delimiter: str, lim: Limits) -> bool:
    """True when a record spanning several lines is a stray quote, not a multi-line cell:
    it spans more than ``max_cell_lines`` lines, or a line inside it looks like a whole row."""
    if len(taken) > lim.max_cell_lines:
        return True
    need = max(1, width - 1)
    return any(text.count(delimiter) >= need for _, text in taken[1:])


def _broken(source: Source, first: tuple[int, str], last: int, record: list[str] | None,
            why: str) -> BrokenRecord:
    number, text = first
    try:
        cells = next(csv.reader([text.rstrip("\r\n")], delimiter=source.delimiter), [])
    except csv.Error:  # the line alone holds a cell beyond the field limit
        cells = [show_cell(text.rstrip("\r\n"))]
    out = BrokenRecord(cells)
    if record is not None:
        out.index = next((i for i, c in enumerate(record) if "\n" in c or "\r" in c), None)
    span = last - number + 1
    if why == "long":
        out.reason = bi(f"第{number}行有单元格超过 {csv.field_size_limit():,} 个字符，整行被拒绝"
                        f"（单元格上限 {current_limits().max_cell_chars:,} 个字符，ORGNET_MAX_CELL_CHARS）",
                        f"line {number} holds a cell of more than {csv.field_size_limit():,} "
                        f"characters; the row is rejected (cell limit "
                        f"{current_limits().max_cell_chars:,}, ORGNET_MAX_CELL_CHARS)")
    elif why == "quote":
        out.reason = bi(f"第{number}行的引号没有配对，第{number}行到第{last}行（{span}行）会被读成一个单元格；"
                        f"本行被拒绝，其后各行单独读入；请删除多余的引号或补全配对的引号",
                        f"unbalanced quote on line {number}: lines {number}-{last} ({span} lines) "
                        f"would read as one cell; this line is rejected and the following lines are "
                        f"read on their own; remove the stray quote or close it")
    else:
        out.reason = bi(f"第{number}行起的内容无法按 CSV 读取（{why}）；本行被拒绝，其后各行单独读入；"
                        f"请检查引号是否配对",
                        f"line {number} cannot be read as CSV ({why}); this line is rejected and "
                        f"the following lines are read on their own; check the quotes")
    return out


def _csv_records(source: Source) -> Iterator[tuple[int, list[str]]]:
    """(record number, cells) of a CSV file, header included (record 1 = first record).

    A record is normally one physical line (or several, for a quoted cell holding line
    breaks). A quoted field that swallows following lines is a stray quote: the record is
    yielded as a :class:`BrokenRecord` (its first line only) and reading resumes on the
    next physical line, so every line is accounted for.
    """
    lim = current_limits()
    csv.field_size_limit(max(1_000_000, lim.max_cell_chars * 10))
    width = 0
    try:
        with source.path.open(encoding=source.encoding, newline="") as f:
            lines = _Lines(f)
            reader = csv.reader(lines, delimiter=source.delimiter)
            number = 0
            while True:
                lines.taken = []
                try:
                    record = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    taken = lines.taken
                    if not taken:
                        raise
                    why = (("long" if len(taken) == 1 else "quote") if "field larger" in str(e)
                           else str(e))
                    number += 1
                    yield number, _broken(source, taken[0], taken[-1][0], None, why)
                    lines.push_back(taken[1:])
                    reader = csv.reader(lines, delimiter=source.delimiter)
                    continue
                taken = lines.taken
                if len(taken) > 1 and width and _swallowed(record, taken, width,
                                                           source.delimiter, lim):
                    number += 1
                    yield number, _broken(source, taken[0], taken[-1][0], record, "quote")
                    lines.push_back(taken[1:])
                    reader = csv.reader(lines, delimiter=source.delimiter)
                    continue
                if not width and any(c.strip() for c in record):
                    width = len(record)
                number += 1
                if number > lim.max_rows + 1:  # (the line count was checked before reading)
                    raise too_many_rows(source.label, lim)
                if len(record) > lim.max_columns:
                    raise too_many_columns(source.label, len(record), lim)
                yield number, record
    except (csv.Error, OSError, UnicodeDecodeError) as e:
        raise InputError(f"{source.label}: cannot read the CSV file ({e})") from e


# ---------------------------------------------------------------------------
# xlsx
# ---------------------------------------------------------------------------


#: workbooks kept open while one read_dataset runs in this thread (opening one parses every
#: sheet's size, so it is opened once per read, not once per table)
_LOCAL = threading.local()


def _open_books() -> dict[Path, Any]:
    if not hasattr(_LOCAL, "books"):
        _LOCAL.books = {}
    return _LOCAL.books


def _open_workbook(path: Path) -> Any:
    import openpyxl

    lim = current_limits()
    check_file_size(path, lim=lim)
    check_zip(path, path.name, lim)  # before openpyxl reads the shared strings into memory
    check_sheet_rows(path, path.name, lim)  # before openpyxl parses sheets without <dimension>
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a damaged or foreign file
        raise InputError(f"{path.name}: cannot open the Excel workbook ({e})") from e


@contextlib.contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    """The workbook at ``path``: the one read_dataset keeps open, else opened and closed here."""
    shared = _open_books().get(path.resolve())
    if shared is not None:
        yield shared
        return
    wb = _open_workbook(path)
    try:
        yield wb
    finally:
        wb.close()


@contextlib.contextmanager
def keep_open(path: Path, fmt: str) -> Iterator[None]:
    """Keep a workbook open for the duration of one read (instead of once per table)."""
    books = _open_books()
    if fmt != "xlsx" or path.resolve() in books:
        yield
        return
    key = path.resolve()
    books[key] = _open_workbook(path)
    try:
        yield
    finally:
        books.pop(key).close()


def _xlsx_records(source: Source) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(sheet row number, cells) of a workbook sheet, header included."""
    with _workbook(source.path) as wb:
        try:
            lim = current_limits()
            ws = wb[source.sheet]
            if (ws.max_row or 0) > lim.max_rows + 1:  # the sheet's declared dimension
                raise too_many_rows(source.label, lim)
            if (ws.max_column or 0) > lim.max_columns:
                raise too_many_columns(source.label, ws.max_column, lim)
            ws.reset_dimensions()
            for number, record in enumerate(ws.iter_rows(values_only=True), start=1):
                if number > lim.max_rows + 1:
                    raise too_many_rows(source.label, lim)
                if len(record) > lim.max_columns and any(v is not None
                                                         for v in record[lim.max_columns:]):
                    raise too_many_columns(source.label, len(record), lim)
                yield number, record
        except InputError:
            raise
        except Exception as e:
            raise InputError(f"{source.label}: cannot read the sheet ({e})") from e


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


def _csv_sources(folder: Path, encoding: str | None = None) -> dict[str, Source]:
    files = {header_key(p.stem): p for p in sorted(folder.iterdir())
             if p.is_file() and p.suffix.lower() in (".csv", ".txt", ".tsv")}
    found = _match_tables(files, str(folder))
    sources = {}
    lim = current_limits()
    for name, path in found.items():
        try:
            check_file_size(path, lim=lim)
            check_line_count(path, path.name, lim)
        except OSError as e:
            raise InputError(f"{path}: cannot read the file ({e})") from e
        found_encoding = detect_encoding(path, encoding)
        sources[name] = Source(name, path, "csv", encoding=found_encoding,
                               delimiter=sniff_delimiter(path, found_encoding))
    return sources


def _xlsx_sources(path: Path) -> dict[str, Source]:
    with _workbook(path) as wb:
        sheets = {header_key(name): name for name in wb.sheetnames}
    found = _match_tables(sheets, path.name)
    return {name: Source(name, path, "xlsx", sheet=sheet) for name, sheet in found.items()}


def locate(path: str | Path, encoding: str | None = None) -> tuple[Path, str, dict[str, Source]]:
    """Find the tables of a dataset folder or workbook; raise InputError when impossible.

    ``encoding`` names the CSV files' encoding instead of detecting it.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir():
        sources = _csv_sources(path, encoding)
        books = sorted(p for p in path.iterdir() if p.suffix.lower() == ".xlsx"
                       and not p.name.startswith("~$"))
        if not sources and len(books) == 1:
            return books[0], "xlsx", _xlsx_sources(books[0])
        return path, "csv", sources
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return path, "xlsx", _xlsx_sources(path)
    raise InputError(f"{path}: a dataset is a folder of CSV files or one .xlsx workbook")
