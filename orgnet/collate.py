"""The order people expect for Chinese names: numbers inside a name, written in digits or in
Chinese numerals (第一 … 第九十九), compare by value, so 第二网格 comes before 第十网格 and
第三 before 第五 (code-point order gives 第一, 第三, 第二, 第五, 第四)."""

from __future__ import annotations

import re

_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
_RUN = re.compile(r"[0-9]+|[零〇一二两三四五六七八九十百]+")


def numeral_value(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 三十五 → 35, 一百零八 → 108, 二〇二六 → 2026, 12 → 12."""
    if text.isdigit():
        return int(text)
    if "十" not in text and "百" not in text:  # digit by digit: 二〇二六
        return int("".join(str(_DIGIT[c]) for c in text))
    total, digit = 0, 0
    for c in text:
        if c == "百":
            total += (digit or 1) * 100
            digit = 0
        elif c == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = _DIGIT[c]
    return total + digit


def name_key(name: str | None) -> tuple:
    """A sort key for ``name``: its text with each number run compared by value."""
    parts: list[tuple[int, str | int]] = []
    pos = 0
    text = name or ""
    for m in _RUN.finditer(text):
        parts.extend((0, ch) for ch in text[pos:m.start()])
        parts.append((-1, numeral_value(m.group())))  # a number sorts before text at the same place
        pos = m.end()
    parts.extend((0, ch) for ch in text[pos:])
    return tuple(parts)


__all__ = ["name_key", "numeral_value"]
