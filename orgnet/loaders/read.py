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

Hostile or broken files are refused before parsing (:mod:`orgnet.loaders.guard`, limits in
:class:`orgnet.settings.Limits`): oversized files, zip bombs (declared sizes and ratios in the
central directory), row bombs (line count, sheet dimension, rows while reading), too many
columns; a cell longer than ``max_cell_chars`` rejects its row. A CSV record whose quoted
field swallows following lines (a stray ``"``) is rejected on its physical line and the
swallowed lines are read as rows of their own, so no row vanishes into one cell. An encoding
that cannot be told apart from another (GB18030 / Big5 / Shift-JIS) is refused naming the
candidates unless the caller names the encoding.

Personal data is withheld by default (:mod:`orgnet.privacy`, issue 14): an extra column whose
header or most of whose values look like identity numbers, phones, addresses, bank cards or
e-mail addresses is dropped from every row's ``_extra`` (so it never reaches the graph, the
app, exports or logs) and listed in :attr:`ReadTable.personal`, unless an administrator
allows its header with ``ORGNET_ALLOW_PERSONAL_COLUMNS``. Its cells are blanked in
write-back and masked in problems.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgnet.errors import InputError
from orgnet.model import REQUIRED_TABLES, TABLES, ColType, Column, Row, Table
from orgnet.loaders.cells import CellError, bi, is_empty, parse_text, parser_for
from orgnet.loaders.guard import (check_file_size, check_line_count, check_sheet_rows, check_zip,
                                  temporary_upload_dir, too_many_columns, too_many_rows,
                                  unpack_upload)
from orgnet.privacy import WITHHELD_VALUE, KINDS, personal_columns, reason_text, scrub_text
from orgnet.settings import Limits, allowed_personal_columns, limits as current_limits

__all__ = ["Problem", "PersonalColumn", "Source", "ReadTable", "RawDataset", "read_dataset",
           "iter_records", "REASON_HEADER", "header_key", "detect_encoding", "temporary_upload_dir",
           "unpack_upload", "ENCODING_CANDIDATES"]

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
    #: record positions (0-based) of withheld personal columns (blanked in write-back)
    withheld_positions: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """How messages name the file: ``members.csv`` or ``book.xlsx[党员]``."""
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name

    def header_of(self, column: str) -> str | None:
        """The header this file itself gives a model column (``上级组织编号`` for ``parent_id``)."""
        lookup = _header_lookup(TABLES[self.table])
        for h in self.headers:
            found = lookup.get(header_key(h))
            if found is not None and found.name == column:
                return str(h).strip()
        return None


@dataclass(frozen=True)
class PersonalColumn:
    """An extra column that holds personal data (:mod:`orgnet.privacy`): withheld from every
    row unless ``kept`` (an administrator allowed it with ``ORGNET_ALLOW_PERSONAL_COLUMNS``).

    ``kind``: ``id_number`` | ``phone`` | ``address`` | ``bank_card`` | ``email``;
    ``by``: ``header`` (its header names it) | ``values`` (enough of its values look like it: :func:`orgnet.privacy.classify_values`).
    """

    table: str
    file: str
    column: str
    kind: str
    by: str
    kept: bool = False

    @property
    def reason(self) -> str:
        """Why the column counts as personal, Chinese first."""
        return reason_text(self.kind, self.by)

    @property
    def kind_zh(self) -> str:
        return KINDS[self.kind][0]

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "file": self.file, "column": self.column,
                "kind": self.kind, "by": self.by, "kept": self.kept, "reason": self.reason}


@dataclass
class ReadTable:
    """Every data row of one table, parsed, with the cell-level problems by row number,
    and the personal extra columns found (withheld, or kept when allowed)."""

    source: Source
    rows: list[Row] = field(default_factory=list)
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    personal: list[PersonalColumn] = field(default_factory=list)


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


#: legacy encodings tried when a file is not UTF-8 (GB18030 decodes almost any bytes, so a
#: Big5 or Shift-JIS file also "decodes" as GB18030; the plausibility score tells them apart)
ENCODING_CANDIDATES: tuple[str, ...] = ("gb18030", "big5", "shift_jis")
_ENCODING_NAMES = {"gb18030": "GB18030/GBK（简体中文）", "big5": "Big5（繁体中文）",
                   "shift_jis": "Shift-JIS（日文）"}
#: bytes of a file the plausibility score looks at
_SAMPLE = 256 * 1024


def _plausible(ch: str, encoding: str) -> bool:
    """A non-ASCII character is one a text in ``encoding`` commonly holds (not a rare or
    private-use one that mis-decoded bytes of another encoding produce)."""
    if 0xE000 <= ord(ch) <= 0xF8FF:
        return False
    try:
        if encoding == "gb18030":
            ch.encode("gb2312")  # the 6,763 common simplified characters and punctuation
            return True
        b = ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    if encoding == "big5":  # punctuation and the 5,401 frequently used characters
        return len(b) == 2 and 0xA1 <= b[0] <= 0xC6
    return len(b) == 1 or 0x81 <= b[0] <= 0x84 or 0x88 <= b[0] <= 0x9F  # kana, JIS level 1


def _plausibility(path: Path, encoding: str) -> tuple[float, int]:
    """(share of plausible non-ASCII characters, how many were seen) in the file's first bytes."""
    with path.open("rb") as f:
        data = f.read(_SAMPLE)
    text = codecs.getincrementaldecoder(encoding)(errors="ignore").decode(data)
    seen = [ch for ch in text if ord(ch) > 127]
    if not seen:
        return 1.0, 0
    return sum(_plausible(ch, encoding) for ch in seen) / len(seen), len(seen)


def _header_hits(path: Path, encodings: list[str]) -> dict[str, int]:
    """How many non-ASCII cells of the first line are known headers, per encoding."""
    with path.open("rb") as f:
        first = f.readline(64 * 1024)
    known = {header_key(h) for t in TABLES.values() for c in t.columns for h in c.headers}
    hits = {}
    for e in encodings:
        text = first.decode(e, errors="replace")
        cells = re.split(r"[,\t]", text)
        hits[e] = sum(1 for c in cells if not c.isascii() and header_key(c) in known)
    return hits


def _choose_legacy(path: Path) -> str:
    decodable = [e for e in ENCODING_CANDIDATES if _decodes(path, e)]
    if len(decodable) == 1:
        return decodable[0]
    if not decodable:
        raise InputError(f"{path.name}: 文件编码无法识别，请另存为 UTF-8 或 GB18030 / unknown text "
                         f"encoding; save it as UTF-8 or GB18030")
    known = _header_hits(path, decodable)  # Chinese headers decode right in one encoding only
    best_hits = max(known.values())
    if best_hits and list(known.values()).count(best_hits) == 1:
        return max(known, key=known.__getitem__)
    scores = sorted(((_plausibility(path, e), e) for e in decodable), reverse=True)
    (best, seen), encoding = scores[0]
    (second, _), _ = scores[1]
    if best >= 0.9 and best - second >= 0.3 and seen >= 4:
        return encoding
    names = "、".join(_ENCODING_NAMES[e] for e in decodable)
    raise InputError(
        f"{path.name}: 无法确定文件编码，可能是 {names}；请另存为 UTF-8，或明确指定编码（命令行 "
        f"--encoding {decodable[0]}） / cannot tell the text encoding apart: it may be "
        f"{', '.join(decodable)}; save the file as UTF-8 or name the encoding "
        f"(--encoding {decodable[0]})")


def check_encoding_name(encoding: str) -> str:
    """The codec's canonical name for an encoding a user named; InputError when unknown."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as e:
        raise InputError(f"未知的编码 {encoding!r}（可用 utf-8、gb18030、big5、shift_jis） / unknown "
                         f"encoding {encoding!r} (e.g. utf-8, gb18030, big5, shift_jis)") from e


def detect_encoding(path: Path, encoding: str | None = None) -> str:
    """``utf-8-sig`` (BOM kept on write-back), ``utf-8``, ``utf-16``, else the one legacy
    encoding (GB18030, Big5, Shift-JIS) the bytes plausibly are. ``encoding`` names the
    legacy encoding instead (a file that is valid UTF-8 or has a UTF-16 BOM stays that)."""
    try:
        name = check_encoding_name(encoding) if encoding else None
        with path.open("rb") as f:
            head = f.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and _decodes(path, "utf-16"):
            return "utf-16"
        if _decodes(path, "utf-8"):  # (a BOM is valid UTF-8; utf-8-sig's decoder is lax at EOF)
            return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        if name is not None:
            if not _decodes(path, name):
                raise InputError(f"{path.name}: 不能按 {encoding} 编码读取 / the file is not valid "
                                 f"{encoding}")
            return name
        return _choose_legacy(path)
    except OSError as e:
        raise InputError(f"{path}: cannot read the file ({e})") from e


def _sniff_delimiter(path: Path, encoding: str) -> str:
    try:
        with path.open(encoding=encoding, newline="") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path.name}: cannot read the file as {encoding} ({e})") from e
    return "\t" if first.count("\t") > first.count(",") else ","


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
        cells = [_show(text.rstrip("\r\n"))]
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
def _keep_open(path: Path, fmt: str) -> Iterator[None]:
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
                               delimiter=_sniff_delimiter(path, found_encoding))
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
        self.max_chars = current_limits().max_cell_chars

    def too_long(self, n: int) -> str:
        return bi(f"单元格过长：{n:,} 个字符，上限 {self.max_chars:,}（ORGNET_MAX_CELL_CHARS）",
                  f"cell too long: {n:,} characters, limit {self.max_chars:,} "
                  f"(ORGNET_MAX_CELL_CHARS)")

    def reject(self, number: int, record: "BrokenRecord", out: ReadTable) -> None:
        """Reject a record with broken quoting, naming the column whose field swallowed lines."""
        column = "(整行 row)"
        if record.index is not None:
            column = next((c.name for c, i in self.layout.columns if i == record.index),
                          next((n for n, i in self.layout.extras if i == record.index), column))
        problem = Problem(self.table.name, number, column, _show(",".join(record)), record.reason)
        out.problems[number] = [problem]  # (its cells are not the row the user meant)

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
                elif len(raw) > self.max_chars:
                    problems.append(Problem(self.table.name, number, column.name, _show(raw),
                                            self.too_long(len(raw))))
                    row[column.name] = empty.copy() if empty is not None else None
                    continue
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
        for name, text in row["_extra"].items():
            if len(text) > self.max_chars:
                problems.append(Problem(self.table.name, number, name, _show(text),
                                        self.too_long(len(text))))
                row["_extra"][name] = _show(text)
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
        broken = isinstance(record, BrokenRecord)
        if not broken and _blank(record):
            continue
        if parser is None and broken:
            raise InputError(f"{source.label}: {record.reason}")
        if parser is None:
            source.headers = list(record)
            source.header_row = number
            parser = _RowParser(table, _layout(table, source, record))
            continue
        parser.parse(number, record, out)
        if broken:
            parser.reject(number, record, out)
    if parser is None and table.required:  # an empty optional table simply has no rows
        raise InputError(f"{source.label}: the file is empty; expected headers: "
                         f"{_expected(table, table.columns)} (文件为空)")
    if parser is not None:
        _withhold_personal(out, parser.layout)
    return out


def _withhold_personal(out: ReadTable, layout: _Layout) -> None:
    """Find the personal extra columns (:func:`orgnet.privacy.personal_columns`) and, unless
    allowed by ``ORGNET_ALLOW_PERSONAL_COLUMNS``, drop them from every row's ``_extra``, mask
    them in problems and mark their positions for write-back. Identity, phone and card numbers
    and e-mail addresses quoted in any problem are masked (:func:`orgnet.privacy.scrub_text`)."""
    withheld = _find_personal(out, layout)
    if withheld:
        for row in out.rows:
            extra = row["_extra"]
            for name in withheld:
                extra.pop(name, None)
        out.source.withheld_positions = tuple(sorted(withheld.values()))
    _mask_problems(out, set(withheld))


def _find_personal(out: ReadTable, layout: _Layout) -> dict[str, int]:
    """Record :attr:`ReadTable.personal`; return the withheld columns and their positions."""
    positions = {name: i for name, i in layout.extras}
    beyond: dict[str, int] = {}
    for row in out.rows:  # cells beyond the header: ``column<N>``
        for k in row["_extra"]:
            if k not in positions and k not in beyond and k.startswith("column") \
                    and k[6:].isdigit():
                beyond[k] = int(k[6:]) - 1
    positions.update(beyond)
    if not positions:
        return {}
    found = personal_columns(list(positions), [row["_extra"] for row in out.rows])
    allowed = allowed_personal_columns() if found else frozenset()
    withheld = {}
    for name, (kind, by) in found.items():
        kept = ("*" in allowed or header_key(name) in allowed
                or header_key(name.split("#")[0]) in allowed)
        out.personal.append(PersonalColumn(out.source.table, out.source.label, name, kind, by,
                                           kept))
        if not kept:
            withheld[name] = positions[name]
    return withheld


def _mask_problems(out: ReadTable, hidden: set[str]) -> None:
    """Problems quote no personal data: a withheld column's value is replaced, others scrubbed."""
    for number, problems in out.problems.items():
        masked = [Problem(p.table, p.row, p.column,
                          WITHHELD_VALUE if p.column in hidden else scrub_text(p.value),
                          scrub_text(p.reason)) for p in problems]
        if masked != problems:
            out.problems[number] = masked


def read_dataset(path: str | Path, encoding: str | None = None) -> RawDataset:
    """Read every table at ``path`` (folder of CSVs or .xlsx); raise InputError when unreadable.

    ``encoding`` (e.g. ``"big5"``) names the CSV encoding when detection cannot tell.
    """
    where, fmt, sources = locate(path, encoding)
    _check_required_tables(where, fmt, sources)
    raw = RawDataset(where, fmt)
    with _keep_open(where, fmt):
        for name in TABLES:
            if name in sources:
                raw.tables[name] = read_table(sources[name])
    return raw
