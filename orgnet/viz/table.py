"""A table sized for a meeting room (1920×1080 read from 8–10 m) as an HTML fragment.

The app's data grid draws on a canvas and keeps its small type whatever the page's CSS says;
a meeting reads this plain HTML table instead: text at least 24 px, a header that stays in
view while the rows scroll, every cell escaped (``html.escape``: names come from the ledgers
and are untrusted). No script, no external file.
"""

from __future__ import annotations

import html
import math
from typing import Any, Sequence

#: the text size of a meeting table (px) and of its header
MEETING_TABLE_PX = 24
MEETING_TABLE_HEAD_PX = 24
#: a column whose texts are all this short (characters) keeps each on one line
SHORT_CHARS = 8

_CSS = """<style>
.on-mtable-wrap {max-height: %(height)s; overflow: auto; border: 1px solid #CFD8DC; border-radius: 6px;}
.on-mtable {border-collapse: collapse; width: 100%%; font-size: %(px)dpx; line-height: 1.35; color: #263238;}
.on-mtable th {position: sticky; top: 0; background: #ECEFF1; font-size: %(head)dpx; font-weight: 700;
  text-align: left; padding: 10px 14px; border-bottom: 2px solid #B71C1C; white-space: nowrap;}
.on-mtable td {padding: 10px 14px; border-bottom: 1px solid #E0E6EA; vertical-align: top;}
.on-mtable tr:nth-child(even) td {background: #F7F9FA;}
.on-mtable td.on-short {white-space: nowrap;}
.on-mtable-note {font-size: %(note)dpx; color: #546E7A; margin: 6px 2px 0 2px;}
</style>"""


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return html.escape(str(v))


def meeting_table_html(rows: Any, columns: Sequence[str] | None = None, *, height: str = "62vh",
                       note: str | None = None, px: int = MEETING_TABLE_PX) -> str:
    """``rows`` (a DataFrame or a list of dicts) as a large HTML table of ``columns`` (default:
    all of the first row's / the frame's). ``height``: the scrolling box's CSS height;
    ``note``: a line under the table (escaped)."""
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        cols = list(columns or rows.columns)
        records = rows.to_dict("records")
    else:
        records = [dict(r) for r in rows or ()]
        cols = list(columns or (records[0].keys() if records else ()))
    if px < 1 or not _css_height(height):
        raise ValueError(f"a meeting table needs a text size > 0 and a CSS height like '62vh', not {px!r}, {height!r}")
    # a column of short texts (a street, a community, a kind) is never broken inside a name
    short = {c: max((len(_cell(r.get(c))) for r in records), default=0) <= SHORT_CHARS for c in cols}
    td = {c: '<td class="on-short">' if short[c] else "<td>" for c in cols}
    head = "".join(f"<th>{_cell(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"{td[c]}{_cell(r.get(c))}</td>" for c in cols) + "</tr>" for r in records)
    css = _CSS % {"height": height, "px": px, "head": max(px, MEETING_TABLE_HEAD_PX), "note": max(18, px - 4)}
    out = (f'{css}<div class="on-mtable-wrap"><table class="on-mtable"><thead><tr>{head}</tr></thead>'
           f"<tbody>{body}</tbody></table></div>")
    if note:
        out += f'<div class="on-mtable-note">{_cell(note)}</div>'
    return out


def _css_height(v: str) -> bool:
    import re

    return re.fullmatch(r"\d+(\.\d+)?(px|vh|rem|em)", str(v).strip()) is not None
