"""Reading a dataset: a folder of CSV files or one ``.xlsx`` workbook (the input contract,
``docs/input.md``).

:mod:`orgnet.loaders.records` finds each table's file or sheet and yields its records
(CSV encoding detected by :mod:`orgnet.loaders.encoding`); this module maps English or
Chinese headers (case- and space-insensitive) to columns and parses every cell with
:mod:`orgnet.loaders.cells`. It checks cells only; dataset-wide checks (unique ids,
references, cycles, cascades) are in :mod:`orgnet.loaders.validate`.

A file that cannot be read, a missing required table or a missing required column raises
:class:`~orgnet.errors.InputError`. Everything else becomes a row-level :class:`Problem`.

A column headed ``_reason`` (added by :func:`orgnet.loaders.report.write_rejects`) is
ignored, so a fixed rejects file can be re-imported as is.

A cell longer than ``max_cell_chars`` (:class:`orgnet.settings.Limits`) rejects its row; a
record with a stray quote (:class:`~orgnet.loaders.records.BrokenRecord`) is rejected on its
physical line and the lines it swallowed are read as rows of their own.

Personal data is withheld by default (:mod:`orgnet.privacy`): an extra column whose
header or most of whose values look like identity numbers, phones, addresses, bank cards or
e-mail addresses is dropped from every row's ``_extra`` (so it never reaches the graph, the
app, exports or logs) and listed in :attr:`ReadTable.personal`, unless an administrator
allows its header with ``ORGNET_ALLOW_PERSONAL_COLUMNS``. Its cells are blanked in
write-back and masked in problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgnet.errors import InputError
from orgnet.model import REQUIRED_TABLES, TABLES, ColType, Column, Row, Table
from orgnet.loaders.cells import CellError, bi, header_key, is_empty, parse_text, parser_for, show_cell
from orgnet.loaders.guard import temporary_upload_dir, unpack_upload
from orgnet.loaders.records import BrokenRecord, Source, header_lookup, iter_records, keep_open, locate
from orgnet.privacy import WITHHELD_VALUE, KINDS, personal_columns, reason_text, scrub_text
from orgnet.settings import allowed_personal_columns, limits as current_limits

__all__ = ["Problem", "PersonalColumn", "ReadTable", "RawDataset", "read_dataset",
           "REASON_HEADER", "temporary_upload_dir", "unpack_upload"]


#: header of the reason column that write-back appends and the reader ignores
REASON_HEADER = "_reason"


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


def _expected(table: Table, columns: Sequence[Column]) -> str:
    return ", ".join(f"{c.name} / {c.zh}" for c in columns)


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


def _layout(table: Table, source: Source, header: Sequence[Any]) -> _Layout:
    lookup = header_lookup(table)
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
        problem = Problem(self.table.name, number, column, show_cell(",".join(record)), record.reason)
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
                    problems.append(Problem(self.table.name, number, column.name, show_cell(raw),
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
                problems.append(Problem(self.table.name, number, column.name, show_cell(raw), str(e)))
                row[column.name] = empty.copy() if empty is not None else None
                continue
            if required and (value == "" or value == []):
                problems.append(Problem(self.table.name, number, column.name, show_cell(raw), self.missing))
            elif share and value.__class__ is str and len(value) <= 40:
                value = pool.setdefault(value, value)
            row[column.name] = value
        row["_row"] = number
        row["_extra"] = self._extras(record) if self.layout.extras or n > self.layout.width else {}
        for name, text in row["_extra"].items():
            if len(text) > self.max_chars:
                problems.append(Problem(self.table.name, number, name, show_cell(text),
                                        self.too_long(len(text))))
                row["_extra"][name] = show_cell(text)
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
    with keep_open(where, fmt):
        for name in TABLES:
            if name in sources:
                raw.tables[name] = read_table(sources[name])
    return raw
