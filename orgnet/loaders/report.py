"""The import report: per-table counts, the rejection list, a human summary, and write-back.

Write-back (:func:`write_rejects`) copies every rejected row in its original form — the
same headers as the user's file, the same CSV encoding and delimiter (GB18030 in,
GB18030 out), or for a workbook an ``.xlsx`` with the same sheet names and headers —
and appends one column, ``_reason``, holding every reason of that row joined by
`` | ``. The reader ignores a ``_reason`` column, so the user fixes the rows in place
and re-imports them (for example by pasting them back into the original file). Cells of
withheld personal columns (:mod:`orgnet.privacy`) are written blank. Every text cell goes
through the same formula neutralisation as every export
(:func:`orgnet.export.neutralize_formula`): this is the file an administrator opens in a
spreadsheet, so ``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)`` or ``-2+3`` from a hostile ledger
gets a leading ``'`` and stays text (in the CSV and in the workbook alike).

The report lists the personal extra columns found (:attr:`Report.personal`): withheld ones
(:attr:`Report.withheld`) never reach the graph; kept ones were allowed by an administrator
(``ORGNET_ALLOW_PERSONAL_COLUMNS``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgnet.errors import InputError
from orgnet.export import neutralize_formula
from orgnet.model import TABLES
from orgnet.loaders.read import REASON_HEADER, PersonalColumn, Problem
from orgnet.loaders.records import Source, iter_records

if TYPE_CHECKING:
    from orgnet.loaders.validate import ValidationResult

__all__ = ["TableCount", "Report", "format_summary", "summary_text", "write_rejects",
           "write_report"]


@dataclass
class TableCount:
    """Rows read from one table and how they ended: ``read = accepted + rejected``."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    present: bool = False

    def to_dict(self) -> dict[str, int]:
        return {"read": self.read, "accepted": self.accepted, "rejected": self.rejected}


@dataclass
class Report:
    """Counts for every table of the model (absent tables are zeros) and every rejection."""

    tables: dict[str, TableCount] = field(default_factory=lambda: {t: TableCount() for t in TABLES})
    errors: list[Problem] = field(default_factory=list)
    source: str = ""
    #: personal extra columns found, in table order: withheld, or kept when allowed
    personal: list[PersonalColumn] = field(default_factory=list)
    #: values filled in on import where a cell was empty, e.g. ``{"party_orgs.form": 12}``
    derived: dict[str, int] = field(default_factory=dict)

    @property
    def withheld(self) -> list[PersonalColumn]:
        """Personal columns withheld from the import (not in any row, node or export)."""
        return [p for p in self.personal if not p.kept]

    @property
    def allowed(self) -> list[PersonalColumn]:
        """Personal columns kept because an administrator allowed them."""
        return [p for p in self.personal if p.kept]

    @property
    def rejected(self) -> int:
        """Number of rejected rows (not errors: a row with three errors counts once)."""
        return sum(c.rejected for c in self.tables.values())

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    def to_dict(self) -> dict[str, Any]:
        """``{"tables": {t: {"read","accepted","rejected"}}, "errors": [{table,row,column,value,reason}],
        "withheld": [{table,file,column,kind,by,kept,reason}], "allowed": [same],
        "derived": {"table.column": rows filled in}}``."""
        return {"tables": {t: c.to_dict() for t, c in self.tables.items()},
                "errors": [e.to_dict() for e in self.errors],
                "withheld": [p.to_dict() for p in self.withheld],
                "allowed": [p.to_dict() for p in self.allowed],
                "derived": dict(self.derived)}


def write_report(report: Report, path: str | Path) -> Path:
    """Write ``report.to_dict()`` as UTF-8 JSON (Chinese kept readable)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# human summary
# ---------------------------------------------------------------------------


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def format_summary(report: Report, max_errors: int = 20) -> str:
    """Per-table read/accepted/rejected table, totals, and the first ``max_errors`` errors."""
    head = ("表 table", "读入 read", "接受 accepted", "拒绝 rejected")
    lines = [(f"{t} {TABLES[t].zh}", str(c.read), str(c.accepted), str(c.rejected))
             for t, c in report.tables.items() if c.present]
    totals = [sum(c.read for c in report.tables.values()),
              sum(c.accepted for c in report.tables.values()), report.rejected]
    lines.append(("合计 total", *map(str, totals)))
    widths = [max(_width(r[i]) for r in [head, *lines]) for i in range(4)]
    out = []
    for r in [head, *lines]:
        out.append("  ".join(_pad(cell, widths[i], right=i > 0) for i, cell in enumerate(r)))
    out.insert(1, "-" * len(out[0]))
    out.extend(_personal_lines(report))
    out.extend(_derived_lines(report))
    out.extend(_error_lines(report, max_errors))
    return "\n".join(out)


#: how each derivable column is filled in when its cell is empty (Chinese, English)
DERIVED_HOW: dict[str, tuple[str, str]] = {
    "party_orgs.form": ("按党组织名称结尾（…党委/…党总支/…党支部/…党小组）或类型推定",
                        "from the name's ending (…党委/…党总支/…党支部/…党小组) or else the kind"),
}


def _derived_lines(report: Report) -> list[str]:
    """Which empty cells the import filled in, and how."""
    lines = []
    for key, n in report.derived.items():
        if n:
            table, _, column = key.partition(".")
            zh, en = DERIVED_HOW[key]
            col = TABLES[table].column(column)
            lines += ["", f"{TABLES[table].zh}「{col.zh}」为空的 {n} 行已{zh} / "
                          f"{table}.{column} empty in {n} rows: filled in {en}"]
    return lines


def _personal_lines(report: Report) -> list[str]:
    """Which personal columns were withheld (and which an administrator allowed)."""
    lines = []
    if report.withheld:
        lines += ["", f"已隐藏的个人信息列 / personal columns withheld: {len(report.withheld)}"
                      f"（未导入；管理员可用 ORGNET_ALLOW_PERSONAL_COLUMNS 放行 / not imported; an "
                      f"administrator may allow them with ORGNET_ALLOW_PERSONAL_COLUMNS）"]
        lines += [f"  {p.file} 列 column {p.column}: {p.reason}" for p in report.withheld]
    if report.allowed:
        lines += ["", f"管理员放行的个人信息列 / personal columns allowed by the administrator: "
                      f"{len(report.allowed)}"]
        lines += [f"  {p.file} 列 column {p.column}: {p.reason}" for p in report.allowed]
    return lines


#: alias used by ``orgnet demo``
summary_text = format_summary


def _error_lines(report: Report, max_errors: int) -> list[str]:
    if not report.errors:
        return ["", "全部通过 / all rows accepted"]
    lines = ["", f"被拒绝的行 / rejected rows: {report.rejected} "
                 f"({len(report.errors)} 个错误 / errors)"]
    for e in report.errors[:max_errors]:
        value = f" = {e.value!r}" if e.value else ""
        lines.append(f"  {e.table} 第{e.row}行 row {e.row}, {e.column}{value}: {e.reason}")
    if len(report.errors) > max_errors:
        lines.append(f"  … 另有 {len(report.errors) - max_errors} 个错误 / "
                     f"{len(report.errors) - max_errors} more (see --report)")
    return lines


# ---------------------------------------------------------------------------
# write-back of rejected rows
# ---------------------------------------------------------------------------


def _reasons(problems: Iterable[Problem]) -> str:
    return " | ".join(f"{p.column}: {p.reason}" for p in problems)


def _rejected_records(source: Source, reasons: dict[int, str]) -> Iterable[list[Any]]:
    """The header (plus ``_reason``) and each rejected record (plus its reasons), as read,
    every text cell neutralized (:func:`orgnet.export.neutralize_formula`)."""
    wanted = set(reasons)
    header = list(source.headers)
    width = len(header)
    rows = []
    hidden = source.withheld_positions
    for number, record in iter_records(source):
        if number in wanted:
            record = list(record)
            for i in hidden:  # withheld personal columns are never exported
                if i < len(record):
                    record[i] = None
            rows.append((number, record))
            width = max(width, len(record))
    yield [neutralize_formula(c) for c in header + [None] * (width - len(header)) + [REASON_HEADER]]
    for number, record in rows:
        yield [neutralize_formula(c) for c in record + [None] * (width - len(record)) + [reasons[number]]]


def _write_csv(source: Source, reasons: dict[int, str], out_dir: Path) -> Path:
    target = out_dir / source.path.name
    with target.open("w", encoding=source.encoding or "utf-8-sig", newline="",
                     errors="replace") as f:
        writer = csv.writer(f, delimiter=source.delimiter)
        for record in _rejected_records(source, reasons):
            writer.writerow(["" if c is None else c for c in record])
    return target


def _write_xlsx(sources: list[tuple[Source, dict[int, str]]], out_dir: Path) -> Path:
    import openpyxl

    target = out_dir / sources[0][0].path.name
    wb = openpyxl.Workbook(write_only=True)
    for source, reasons in sources:
        ws = wb.create_sheet(source.sheet)
        for record in _rejected_records(source, reasons):
            ws.append(record)
    wb.save(target)
    return target


def write_rejects(result: "ValidationResult", out_dir: str | Path) -> list[Path]:
    """Write every rejected row in its original form plus a ``_reason`` column; return the files.

    CSV input: one file per table with rejections, same name, headers, encoding and
    delimiter. Workbook input: one workbook of the same name with one sheet per table with
    rejections. Nothing is written when nothing was rejected.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{out_dir}: cannot create the rejects folder ({e})") from e
    todo = []
    for table, by_row in result.rejected.items():
        if by_row:
            reasons = {row: _reasons(problems) for row, problems in by_row.items()}
            todo.append((result.raw.tables[table].source, reasons))
    if not todo:
        return []
    if out_dir.resolve() == todo[0][0].path.parent.resolve():
        raise InputError(f"{out_dir}: the rejects folder must not be the input folder "
                         f"(it would overwrite your files); choose another folder")
    if result.raw.format == "xlsx":
        return [_write_xlsx(todo, out_dir)]
    return [_write_csv(source, reasons, out_dir) for source, reasons in todo]
