"""Cypher split into tokens the way both engines read it: comments dropped, string literals
and backquoted names kept whole, so a check on keywords cannot be fooled by spelling.

Comments are ``// …`` to the end of the line and ``/* … */``; strings are ``'…'`` or
``"…"`` with backslash escapes; a backquoted name ends at the next backquote (a doubled
backquote is an escaped one). Anything that is neither a word character nor printable ASCII
counts as blank, so every character an engine takes for whitespace (``\\u3000``, ``\\u00a0`` …)
separates tokens here too. ``\\uXXXX`` escapes inside a bare word are decoded (Neo4j accepts
them in identifiers).

>>> [t.text for t in tokens("LoAd/*x*/csv FROM 'ht' + 'tp://h' // c")]
['LoAd', 'csv', 'FROM', "'ht'", '+', "'tp://h'"]
>>> [(t.kind, t.text) for t in tokens("CALL `db`.labels")]
[('word', 'CALL'), ('name', 'db'), ('symbol', '.'), ('word', 'labels')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "tokens", "mask"]

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is ``word`` (bare identifier, keyword or number), ``name``
    (backquoted), ``string`` or ``symbol`` (one printable ASCII character)."""

    kind: str
    #: word: escapes decoded; name: without backquotes; string and symbol: as written
    text: str
    start: int
    end: int
    #: a comment stands between this token and the one before it
    after_comment: bool = False

    def is_word(self, *words: str) -> bool:
        """A bare word equal (case-insensitively) to one of ``words``."""
        return self.kind == "word" and self.text.upper() in words


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _is_blank(ch: str) -> bool:
    return not _is_word_char(ch) and not ("!" <= ch <= "~")


def _quoted_end(cypher: str, i: int) -> int:
    """Index just past the string or backquoted name starting at ``i`` (or the text's end)."""
    quote, j, n = cypher[i], i + 1, len(cypher)
    while j < n:
        if cypher[j] == "\\" and quote != "`":
            j += 2
        elif cypher[j] == quote:
            if quote == "`" and cypher.startswith("``", j):
                j += 2
                continue
            return j + 1
        else:
            j += 1
    return n


def _comment_end(cypher: str, i: int) -> int | None:
    """Index just past the comment starting at ``i``, or None when none starts there."""
    if cypher.startswith("//", i):
        j = cypher.find("\n", i)
        return len(cypher) if j < 0 else j
    if cypher.startswith("/*", i):
        j = cypher.find("*/", i + 2)
        return len(cypher) if j < 0 else j + 2
    return None


def _word_end(cypher: str, i: int) -> int:
    n = len(cypher)
    while i < n:
        if _is_word_char(cypher[i]):
            i += 1
        elif _ESCAPE.match(cypher, i):
            i += 6
        else:
            break
    return i


def _spans(cypher: str):
    """(kind, start, end) of every token and comment, in order."""
    i, n = 0, len(cypher)
    while i < n:
        ch = cypher[i]
        comment = _comment_end(cypher, i)
        if comment is not None:
            yield "comment", i, comment
            i = comment
        elif ch in "'\"`":
            j = _quoted_end(cypher, i)
            yield ("name" if ch == "`" else "string"), i, j
            i = j
        elif _is_word_char(ch) or _ESCAPE.match(cypher, i):
            j = _word_end(cypher, i)
            yield "word", i, j
            i = j
        elif _is_blank(ch):
            i += 1
        else:
            yield "symbol", i, i + 1
            i += 1


def tokens(cypher: str) -> list[Token]:
    """The query's tokens, comments and blanks left out (see the module's docstring)."""
    out: list[Token] = []
    after_comment = False
    for kind, a, b in _spans(cypher):
        raw = cypher[a:b]
        if kind == "comment":
            after_comment = True
            continue
        if kind == "word":
            text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw)
        elif kind == "name":
            text = raw[1:-1].replace("``", "`") if len(raw) > 1 and raw.endswith("`") else raw[1:]
        else:
            text = raw
        out.append(Token(kind, text, a, b, after_comment))
        after_comment = False
    return out


def mask(cypher: str) -> str:
    """The query with string literals and backquoted names blanked to ``x`` (quotes kept) and
    comments to spaces, same length, so positions found in it hold in the query."""
    out = list(cypher)
    for kind, a, b in _spans(cypher):
        if kind == "comment":
            out[a:b] = " " * (b - a)
        elif kind in ("string", "name"):
            closed = b - a > 1 and cypher[b - 1] == cypher[a] and b <= len(cypher)
            out[a:b] = cypher[a] + "x" * (b - a - 2 if closed else b - a - 1) + (cypher[a] if closed else "")
    return "".join(out)
