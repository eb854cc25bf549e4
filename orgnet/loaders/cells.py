"""Cell parsers: turn one spreadsheet cell into the typed value of its column.

Each parser takes the raw cell (a ``str`` from CSV; ``str``, ``int``, ``float``,
``bool``, ``datetime``/``date`` from Excel) that is known to be non-empty, and returns
the typed value or raises :class:`CellError` with a bilingual reason.

>>> parse_id("１００１.0")
'1001'
>>> parse_date("2023年5月7日")
'2023-05-07'
>>> parse_refs("a1；a2; a1")
['a1', 'a2']
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from orgnet.model import Column, ColType, ZhEnum

__all__ = ["CellError", "is_empty", "parser_for", "parse_id", "parse_int", "parse_date",
           "parse_bool", "parse_refs", "parse_text", "bi", "header_key", "show_cell"]


class CellError(ValueError):
    """A cell that cannot be parsed; ``str(e)`` is the bilingual reason."""


def bi(zh: str, en: str) -> str:
    """Join a Chinese and an English reason the way every report shows them."""
    return f"{zh} / {en}"


def is_empty(value: Any) -> bool:
    """True for None and cells that are blank after stripping."""
    return value is None or (isinstance(value, str) and not value.strip())


def _fold(text: str) -> str:
    """Strip and fold full-width digits/letters (NFKC) when the text is not plain ASCII."""
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


_FLOAT_INT = re.compile(r"^([+-]?\d+)\.0*$")


def _number_text(value: Any) -> str:
    """Render an Excel number cell as text without a spurious ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_text(value: Any) -> str:
    """Free text: stripped; Excel numbers/dates rendered as a person would type them."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date)):
        return _date_value(value)
    return _number_text(value).strip()


def parse_id(value: Any) -> str:
    """An id: stripped, full-width folded, ``1001.0`` → ``1001``."""
    if value.__class__ is str:
        text = value.strip()
        if text.isascii():
            if "." not in text:
                return text
        else:
            text = unicodedata.normalize("NFKC", text).strip()
        m = _FLOAT_INT.match(text)
        return m.group(1) if m else text
    if isinstance(value, bool):
        raise CellError(bi(f"编号不能是布尔值 {value}", f"an id cannot be a boolean ({value})"))
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return _date_value(value)
    return parse_id(str(value))


def parse_int(value: Any) -> int:
    """An integer: ``12``, ``１２``, ``12.0``, ``1,200``; Excel numbers."""
    if isinstance(value, bool):
        raise CellError(bi(f"应为整数: {value}", f"not an integer: {value}"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(bi(f"应为整数: {value}", f"not an integer: {value}"))
    text = _fold(str(value)).replace(",", "")
    m = _FLOAT_INT.match(text)
    if m:
        text = m.group(1)
    try:
        return int(text)
    except ValueError as e:
        raise CellError(bi(f"应为整数: {value}", f"not an integer: {value}")) from e


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
)


def _date_value(value: dt.date) -> str:
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def parse_date(value: Any) -> str:
    """A date as ISO ``YYYY-MM-DD`` from ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY年M月D日`` or an Excel date."""
    if isinstance(value, (dt.datetime, dt.date)):
        return _date_value(value)
    text = _fold(str(value))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError as e:
                raise CellError(bi(f"日期不存在: {value}", f"no such date: {value}")) from e
    raise CellError(bi(f"日期格式错误: {value} (应为 2024-03-01、2024/3/1 或 2024年3月1日)",
                       f"bad date: {value} (expected 2024-03-01, 2024/3/1 or 2024年3月1日)"))


_TRUE = {"yes", "y", "true", "t", "1", "是", "对", "√"}
_FALSE = {"no", "n", "false", "f", "0", "否", "不是", "×"}


def parse_bool(value: Any) -> bool:
    """yes/no, 是/否, true/false, 1/0, y/n (any case); Excel booleans and 1/0 numbers."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    key = _fold(str(value)).lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    m = _FLOAT_INT.match(key)
    if m and m.group(1) in ("0", "1"):
        return m.group(1) == "1"
    raise CellError(bi(f"应为 是/否: {value}", f"expected yes/no: {value}"))


_LIST_SPLIT = re.compile(r"[;；]")


def parse_refs(value: Any) -> list[str]:
    """A list of ids separated by ``;`` or ``；``; empty items dropped, duplicates removed."""
    if not isinstance(value, str):
        return [parse_id(value)]
    out: list[str] = []
    for part in _LIST_SPLIT.split(value):
        if part.strip():
            ident = parse_id(part)
            if ident not in out:
                out.append(ident)
    return out


def _cached(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Memoize a parser on its (hashable) input; the cache is bounded and keeps no errors."""
    cache: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            pass
        except TypeError:  # unhashable: not a cell value we cache
            return parse(value)
        result = parse(value)
        if len(cache) < 50_000:
            cache[value] = result
        return result

    return cached


def _enum_parser(enum: type[ZhEnum]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        try:
            return enum.parse(_fold(parse_text(value))).value
        except ValueError as e:
            raise CellError(bi(f"取值无效: {value} (可选: {enum.choices()})",
                               f"invalid value: {value} (choices: {enum.choices()})")) from e

    return _cached(parse)


def _bounded(parse: Callable[[Any], Any], column: Column) -> Callable[[Any], Any]:
    """``parse``, then refuse a value outside the column's plausible range (model bounds)."""
    lo, hi = column.bounds()
    what = column.zh

    def check(value: Any) -> Any:
        result = parse(value)
        if not lo <= result <= hi:
            shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "..."
            raise CellError(bi(f"{what}超出合理范围 {lo}～{hi}: {shown}",
                               f"{column.name} out of the plausible range {lo}..{hi}: {shown}"))
        return result

    return check


def parser_for(column: Column) -> Callable[[Any], Any]:
    """The parser of a column's type (a fresh, cached one for enums), with the column's
    plausible range for ints and dates (``Column.bounds``)."""
    if column.type is ColType.date:
        return _cached(_bounded(parse_date, column))
    if column.type is ColType.int:
        return _bounded(parse_int, column)
    if column.type is ColType.enum:
        if column.enum is None:
            raise TypeError(f"enum column {column.name} has no enum")
        return _enum_parser(column.enum)
    if column.type in (ColType.date, ColType.bool):
        return _cached(parse_date if column.type is ColType.date else parse_bool)
    return {
        ColType.id: parse_id,
        ColType.ref: parse_id,
        ColType.refs: parse_refs,
        ColType.text: parse_text,
        ColType.int: parse_int,
    }[column.type]


def header_key(text: Any) -> str:
    """Normalize a header or table name: NFKC, no spaces, lower case, no trailing ``*``."""
    key = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    return re.sub(r"\s+", "", key).lower().rstrip("*")


def show_cell(value: Any) -> str:
    """A cell as the report shows it (long cells shortened)."""
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:197] + "..."
