"""Excel sheets in the layout of a district's printed form (报表): a title row, 填报单位 and
统计日期, two rows of headers with merged group cells, the rows, and a totals row (合计).
Used by the 考核表 (``orgnet assess --format xlsx``) and the 统计表 (``orgnet tables``);
every cell goes through the export's formula neutralisation.
"""

from __future__ import annotations

from typing import Any, Sequence

from orgnet.export import neutralize_formula

#: a header group: its title and its sub-columns ([] or [title]: one column, merged over both rows)
Group = tuple[str, Sequence[str]]
HEADER_ROW = 4  # the first header row; data starts two rows below


def columns_of(groups: Sequence[Group]) -> list[str]:
    """The leaf column titles, left to right (a group without sub-columns is its own column)."""
    return [c for title, subs in groups for c in (list(subs) or [title])]


def write_form(ws: Any, *, title: str, unit: str, date: str, groups: Sequence[Group],
               rows: Sequence[Sequence[Any]], totals: Sequence[Any] | None = None,
               note: str | None = None) -> dict[str, int]:
    """Write the form on ``ws``; return where things are (``first_row``, ``last_row``,
    ``totals_row`` (0 without), ``columns``)."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    ncol = len(columns_of(groups))
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.cell(1, 1, title).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = center
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    half = max(1, ncol // 2)
    ws.cell(2, 1, f"填报单位：{unit}")
    if half > 1:
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=half)
    if ncol > 1:
        ws.cell(2, half + 1, f"统计日期：{date}")
    if ncol > half + 1:
        ws.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=ncol)
        ws.cell(2, half + 1).alignment = Alignment(horizontal="right")
    col = 1
    for gtitle, subs in groups:
        subs = list(subs)
        if not subs or subs == [gtitle]:
            ws.cell(HEADER_ROW - 1, col, gtitle)
            ws.merge_cells(start_row=HEADER_ROW - 1, start_column=col, end_row=HEADER_ROW, end_column=col)
            col += 1
            continue
        ws.cell(HEADER_ROW - 1, col, gtitle)
        if len(subs) > 1:
            ws.merge_cells(start_row=HEADER_ROW - 1, start_column=col, end_row=HEADER_ROW - 1,
                           end_column=col + len(subs) - 1)
        for i, s in enumerate(subs):
            ws.cell(HEADER_ROW, col + i, s)
        col += len(subs)
    for r in (HEADER_ROW - 1, HEADER_ROW):
        for c in range(1, ncol + 1):
            cell = ws.cell(r, c)
            cell.font, cell.alignment, cell.border = Font(bold=True), center, box
    first = HEADER_ROW + 1
    body = [list(r) for r in rows] + ([list(totals)] if totals is not None else [])
    for i, row in enumerate(body):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(first + i, c, neutralize_formula(v))
            cell.border = box
            if totals is not None and i == len(body) - 1:
                cell.font = Font(bold=True)
    last = first + len(body) - 1
    if note:
        ws.cell(last + 2, 1, note)
    widths = [len(str(t)) * 2 + 2 for t in columns_of(groups)]
    for row in body:
        for c, v in enumerate(row):
            widths[c] = max(widths[c], min(40, sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v or "")) + 2))
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(w, 8)
    ws.freeze_panes = ws.cell(first, 1)
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = f"{HEADER_ROW - 1}:{HEADER_ROW}"
    return {"first_row": first, "last_row": last, "totals_row": last if totals is not None else 0,
            "columns": ncol}


__all__ = ["write_form", "columns_of", "HEADER_ROW"]
