"""Export and import the follow-up ledger: JSON, and an Excel workbook whose first sheet is
a printable 督办单 (supervision sheet) a street office would hand out.

Both carry every field of every record (notes and history included), so export → import
restores the ledger exactly. The workbook's sheet ``数据`` holds the raw fields for the
import; text that a spreadsheet would run as a formula is stored as a string cell there (and
neutralized with a leading ``'`` on the printable sheet, :func:`orgnet.export.neutralize_formula`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from orgnet.errors import InputError
from orgnet.ledger import service as led
from orgnet.ledger.model import FIELDS, JSON_FIELDS, FollowUpStatus, Record, from_store, now, to_store

FORMAT = "orgnet-followup"
FORMAT_VERSION = 1
DATA_SHEET = "数据"
SHEET = "督办单"

#: the printable sheet's columns: (header, how to get the value from a record)
_PRINT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("序号", None), ("街道", "street"), ("社区", "community"), ("问题类型", "rule_title"),
    ("对象", "name"), ("问题描述", "detail"), ("责任主体", "responsible"), ("责任人", "person"),
    ("整改时限", "deadline"), ("状态", "status_zh"), ("是否逾期", "overdue_zh"), ("最新进展", "last_note"),
    ("销号依据", "closed_by"),
)


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)  # keys whose stored record differs

    def to_dict(self) -> dict[str, Any]:
        return {"created": self.created, "unchanged": self.unchanged, "conflicts": self.conflicts}


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

def to_json(records: Iterable[Record]) -> str:
    return json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "exported_at": now(),
                       "records": [r.to_dict() for r in records]}, ensure_ascii=False, indent=2)


def from_json(text: str, name: str = "<json>") -> list[dict[str, Any]]:
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise InputError(f"{name}: not JSON ({e}); export the ledger with `orgnet followup export`") from e
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("records"), list):
        raise InputError(f"{name}: not an orgnet follow-up export (expected {{\"format\": \"{FORMAT}\", "
                         f"\"records\": [...]}}); export it with `orgnet followup export`")
    return [_checked(r, name, i + 1) for i, r in enumerate(doc["records"])]


def _checked(rec: Any, name: str, n: int) -> dict[str, Any]:
    if not isinstance(rec, dict) or not rec.get("key") or "|" not in str(rec["key"]):
        raise InputError(f"{name}: record {n} has no valid key (rule|id)")
    missing = [f for f in ("rule", "gap_id", "status", "version") if rec.get(f) in (None, "")]
    if missing:
        raise InputError(f"{name}: record {n} ({rec['key']}) lacks {', '.join(missing)}")
    if rec["status"] not in {s.value for s in FollowUpStatus}:
        raise InputError(f"{name}: record {n} ({rec['key']}) has unknown status {rec['status']!r}")
    return {f: rec.get(f) for f in FIELDS}


# ---------------------------------------------------------------------------
# Excel: the printable 督办单 and the raw data sheet
# ---------------------------------------------------------------------------

def _print_value(rec: Record, what: str, today: str, titles: dict[str, str]) -> Any:
    if what == "rule_title":
        return titles.get(rec["rule"], rec["rule"])
    if what == "status_zh":
        return FollowUpStatus(rec["status"]).zh if rec["status"] else ""
    if what == "overdue_zh":
        return "逾期" if rec.overdue(today) else ""
    if what == "last_note":
        notes = rec["notes"] or []
        return f"{notes[-1]['on']} {notes[-1]['text']}" if notes else ""
    if what == "closed_by":
        return f"快照 {rec['closed_by']}（{rec['closed_on']}）" if rec["closed_by"] else ""
    return rec[what]


def _printable(ws: Any, records: list[Record], today: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from orgnet.export import neutralize_formula
    from orgnet.queries.gaps import rule_catalog

    titles = dict(zip(rule_catalog()["id"], rule_catalog()["title_zh"]))
    ncol = len(_PRINT_COLUMNS)
    ws.append(["整改督办单"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    late = sum(1 for r in records if r.overdue(today))
    ws.append([f"统计日期：{today}　共 {len(records)} 项，其中逾期 {late} 项"])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    ws.append([h for h, _ in _PRINT_COLUMNS])
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in ws[3]:
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    red = PatternFill("solid", fgColor="FDE2E1")
    for i, rec in enumerate(records, start=1):
        row = [i] + [neutralize_formula(_print_value(rec, w, today, titles)) for _, w in _PRINT_COLUMNS[1:]]
        ws.append(row)
        for cell in ws[ws.max_row]:
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if rec.overdue(today):
                cell.fill = red
    widths = (5, 10, 12, 18, 16, 28, 18, 8, 11, 7, 7, 24, 16)
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.freeze_panes = "A4"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _data_sheet(ws: Any, records: list[Record]) -> None:
    ws.append(list(FIELDS))
    for rec in records:
        values = to_store(rec.to_dict())
        ws.append([values[f] if f not in ("version",) else rec.version for f in FIELDS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with


def to_xlsx(records: Iterable[Record], path: Path, today: str) -> Path:
    from openpyxl import Workbook

    records = list(records)
    wb = Workbook()
    _printable(wb.active, records, today)
    wb.active.title = SHEET
    _data_sheet(wb.create_sheet(DATA_SHEET), records)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def from_xlsx(path: Path) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    from orgnet.loaders.guard import check_file_size, check_zip

    check_file_size(path)
    check_zip(path, str(path))  # an xlsx is a zip: refuse zip bombs before opening it
    wb = load_workbook(path, read_only=True, data_only=False)
    if DATA_SHEET not in wb.sheetnames:
        raise InputError(f"{path}: no sheet {DATA_SHEET!r}; import a workbook written by "
                         f"`orgnet followup export --format xlsx`")
    rows = wb[DATA_SHEET].iter_rows(values_only=True)
    header = [str(h) for h in next(rows, [])]
    if header[: len(FIELDS)] != list(FIELDS) and header[: len(FIELDS) - 1] != list(FIELDS[:-1]):  # before series
        raise InputError(f"{path}: sheet {DATA_SHEET!r} does not have the export's columns "
                         f"({', '.join(FIELDS[:4])} …): was it edited? export it again")
    out = []
    for n, row in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in row):
            continue
        props = {f: ("" if v is None else v) for f, v in zip(FIELDS, row)}
        try:
            rec = from_store(props).to_dict()
        except (TypeError, ValueError) as e:
            raise InputError(f"{path}: sheet {DATA_SHEET!r} row {n} cannot be read: {e}") from e
        out.append(_checked(rec, f"{path} [{DATA_SHEET}] row {n}", n - 1))
    return out


# ---------------------------------------------------------------------------
# the entry points
# ---------------------------------------------------------------------------

def export_records(records: Iterable[Record], path: str | Path, *, today: str | None = None) -> Path:
    """Write records to ``path`` (``.json`` or ``.xlsx`` by the suffix)."""
    path = Path(path)
    today = today or now()[:10]
    if path.suffix.lower() == ".xlsx":
        return to_xlsx(records, path, today)
    if path.suffix.lower() != ".json":
        raise InputError(f"{path}: export to a .json or .xlsx file")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_json(records), encoding="utf-8")
    return path


def read_file(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return from_xlsx(path)
    if path.suffix.lower() == ".json":
        return from_json(path.read_text(encoding="utf-8"), str(path))
    raise InputError(f"{path}: import a .json or .xlsx file written by `orgnet followup export`")


def import_file(store: Any, path: str | Path) -> ImportResult:
    """Add the file's records to the ledger: missing ones are created exactly as exported;
    identical ones are left; a stored record that differs is never overwritten (listed in
    ``conflicts``: resolve it by hand or clear the ledger first)."""
    records = read_file(path)
    current = {r.key: r.to_dict() for r in led.list_records(store)}
    result = ImportResult()
    todo = []
    for rec in records:
        normal = from_store(to_store(rec)).to_dict()
        if not normal["series"] and rec["key"] in current:  # exported before series: its series is known
            normal["series"] = current[rec["key"]]["series"]
        if rec["key"] not in current:
            todo.append(normal)
        elif current[rec["key"]] == normal:
            result.unchanged += 1
        else:
            result.conflicts.append(rec["key"])
    created = led.create_records(store, todo)
    result.created = len(created)
    result.conflicts += [r["key"] for r in todo if r["key"] not in set(created)]
    return result


__all__ = ["export_records", "import_file", "read_file", "ImportResult", "to_json", "from_json", "JSON_FIELDS"]
