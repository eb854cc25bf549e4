"""DataFrames to plain rows, fast: one ``tolist()`` per column instead of iterating rows.

pandas 3 keeps text in Arrow-backed columns, where ``df.to_dict("records")`` and
``itertuples`` box every cell one by one (about 2 s for the 10,769 linkage pairs of qindu);
converting column by column takes a tenth of that.

>>> import pandas as pd
>>> records(pd.DataFrame({"a": ["x", None], "b": [1.5, float("nan")]}))
[{'a': 'x', 'b': 1.5}, {'a': None, 'b': None}]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def _plain(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def _column(series) -> list[Any]:
    """A column's values; NaN → None, looked at cell by cell only in float and object columns
    that hold a missing value (a column without one is taken as it is)."""
    values = series.tolist()
    if series.dtype.kind not in "fO" or not series.hasnans:
        return values
    return [_plain(v) for v in values]


def records(df, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The rows of ``df`` (only ``columns``, in that order, when given) as dicts; NaN → None."""
    cols = list(columns) if columns is not None else list(df.columns)
    values = [_column(df[c]) for c in cols]
    return [dict(zip(cols, row)) for row in zip(*values)]


__all__ = ["records"]
