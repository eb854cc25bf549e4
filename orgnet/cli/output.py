"""How every command prints rows: an aligned table, JSON, or formula-safe CSV (one place).

``--out FILE`` writes the same text to a file; a CSV file gets a BOM so Excel opens Chinese
correctly (the terminal gets none).

>>> print(format_rows([{"id": "C1", "name": "东风社区"}], "table"))
id  name
--  --------
C1  东风社区
(1 row)
"""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path
from typing import Any, Iterable

import click

#: the formats every row-printing command offers
FORMATS = ("table", "json", "csv")


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None, NaN
        return ""
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _columns(rows: list[dict], columns: Iterable[str] | None) -> list[str]:
    cols = list(columns or [])
    for row in rows:
        cols += [k for k in row if k not in cols]
    return cols


def format_rows(rows: list[dict], fmt: str, columns: Iterable[str] | None = None) -> str:
    """Rows as an aligned table (CJK counted double width), JSON (a list of objects) or CSV."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
    cols = _columns(rows, columns)
    if fmt == "csv":
        from orgnet.export import write_csv_rows  # lazy: orgnet.export imports pandas

        buf = io.StringIO()
        write_csv_rows(buf, cols, ([_cell(row.get(c)) for c in cols] for row in rows))
        return buf.getvalue().rstrip("\r\n")
    if not rows:
        return "(no rows)"
    cells = [[_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(cols)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(cols), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def emit(rows: list[dict], fmt: str, *, columns: Iterable[str] | None = None, out: str | None = None,
         text: str | None = None) -> None:
    """Print ``rows`` in ``fmt`` (or a ready ``text``), or write them to ``out``."""
    body = text if text is not None else format_rows(rows, fmt, columns)
    if not out:
        click.echo(body)
        return
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body + "\n", encoding="utf-8-sig" if fmt == "csv" else "utf-8")


def out_option(f):
    """``--out FILE``: write instead of printing (CSV with a BOM for Excel)."""
    return click.option("--out", default=None, type=click.Path(dir_okay=False),
                        help="Write to FILE instead of the terminal (CSV gets a BOM for Excel).")(f)
