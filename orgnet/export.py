"""Safe exports: every CSV orgnet writes goes through :func:`neutralize_formula`.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (OWASP "CSV injection": ``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``,
``@SUM(…)``). Names and titles come from user-supplied ledgers, so every text cell (and
header) that starts with one of them gets a leading single quote, which spreadsheets show
as text. Numbers stay numbers (``-5`` as an int is not text and is left alone).

>>> neutralize_formula("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralize_formula("望平社区"), neutralize_formula(-5)
('望平社区', -5)
>>> csv_text(pd.DataFrame({"name": ["@SUM(A1)", "ok"]}))
"name\\r\\n'@SUM(A1)\\r\\nok\\r\\n"
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralize_formula", "safe_frame", "csv_text", "csv_bytes",
           "write_csv_rows"]

#: first characters that make a spreadsheet evaluate a cell (OWASP)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value: Any) -> Any:
    """A text cell starting with ``= + - @``, tab or CR gets a leading ``'``; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell and column name neutralized (for any writer)."""
    out = df.copy()
    out.columns = [neutralize_formula(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralize_formula)
    return out


def csv_text(df: pd.DataFrame, **to_csv: Any) -> str:
    """``df`` as CSV text with formulas neutralized (``index=False`` unless given).

    Lines end in CRLF (RFC 4180): with a bare ``\n`` terminator Python's csv writer leaves a
    cell holding a carriage return unquoted, and readers then split the row there.
    """
    to_csv.setdefault("index", False)
    to_csv.setdefault("lineterminator", "\r\n")
    return safe_frame(df).to_csv(**to_csv)


def csv_bytes(df: pd.DataFrame, encoding: str = "utf-8-sig", **to_csv: Any) -> bytes:
    """``df`` as CSV bytes for a download (UTF-8 with BOM: Excel opens Chinese correctly)."""
    return csv_text(df, **to_csv).encode(encoding)


def write_csv_rows(out: io.TextIOBase | Any, header: Sequence[Any],
                   rows: Iterable[Sequence[Any]], **writer: Any) -> None:
    """Write a header and rows with :mod:`csv`, every cell neutralized (CRLF lines, so a cell
    holding a carriage return is quoted)."""
    writer.setdefault("lineterminator", "\r\n")
    w = csv.writer(out, **writer)
    w.writerow([neutralize_formula(c) for c in header])
    for row in rows:
        w.writerow([neutralize_formula(c) for c in row])
