"""Writers of the generated tables: one UTF-8 CSV per table (English headers and enum values)
or one write-only ``.xlsx`` workbook (a sheet per table, Chinese headers, date cells), with
fixed workbook properties so the same seed gives the same bytes."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any, Callable, Literal

from orgnet.model import TABLE_ORDER, TABLES, ColType, ZhEnum


Fmt = Literal["csv", "xlsx"]


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    t = type(v)
    if t is str:
        return v
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return str(v)
    if t is list:
        return ";".join(v)
    if isinstance(v, ZhEnum):
        return v.value
    return str(v)


def _xlsx_converter(ctype: ColType) -> Callable[[Any], Any]:
    if ctype is ColType.enum:
        return lambda v: None if v is None else v.zh
    if ctype is ColType.date:
        return lambda v: None if v is None else dt.date.fromisoformat(v)
    if ctype is ColType.bool:
        return lambda v: None if v is None else ("是" if v else "否")
    if ctype is ColType.refs:
        return lambda v: None if not v else "；".join(v)
    return lambda v: v


class _TableOut:
    def __init__(self, sink: "_Sink", table: str):
        self.table = table
        self.columns = TABLES[table].columns
        self._names = tuple(c.name for c in self.columns)
        self.n = 0
        self._sink = sink
        if sink.fmt == "csv":
            self._file = open(sink.out / f"{table}.csv", "w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._file, lineterminator="\n")
            self._csv.writerow([c.name for c in self.columns])
        else:
            self._file = None
            self._ws = sink.sheets[table]
            self._ws.append([c.zh for c in self.columns])
            self._conv = [_xlsx_converter(c.type) for c in self.columns]

    def row(self, *values: Any) -> None:
        """One row, its values in the table's column order (every column)."""
        if len(values) != len(self._names):
            raise ValueError(f"generator: {self.table} has {len(self._names)} columns, got {len(values)} values")
        if self._file is not None:
            self._csv.writerow([_csv_cell(v) for v in values])
        else:
            self._ws.append([f(v) for f, v in zip(self._conv, values)])
        self.n += 1

    def rowd(self, **values: Any) -> None:
        """One row by column name; a column not named is empty."""
        if not values.keys() <= set(self._names):
            raise ValueError(f"generator: {self.table} has no column {sorted(values.keys() - set(self._names))}")
        self.row(*[values.get(n) for n in self._names])

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._sink.counts[self.table] = self.n


class _Sink:
    def __init__(self, out: Path, fmt: str, preset: str):
        self.fmt = fmt
        self.counts: dict[str, int] = {}
        if fmt == "csv":
            self.out = out
            out.mkdir(parents=True, exist_ok=True)
            self.path = out
        else:
            from openpyxl import Workbook

            if out.suffix.lower() == ".xlsx":
                self.path = out
            else:
                out.mkdir(parents=True, exist_ok=True)
                self.path = out / f"{preset}.xlsx"
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.workbook = Workbook(write_only=True)
            # the sheets in table order, whatever order the tables are written in
            self.sheets = {t: self.workbook.create_sheet(title=t) for t in TABLE_ORDER}

    def table(self, name: str) -> _TableOut:
        return _TableOut(self, name)

    def close(self) -> None:
        if self.fmt == "xlsx":
            fixed = dt.datetime(2026, 6, 30, 0, 0, 0)
            self.workbook.properties.creator = "orgnet generate"
            self.workbook.properties.created = fixed
            self.workbook.properties.modified = fixed
            self.workbook.save(self.path)
