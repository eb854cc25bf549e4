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


#: one alternative per kind of span, tried in order at each position (blanks are skipped)
_SPAN = re.compile(r"""
    (?P<comment>//[^\n\r\x0b\x0c\x85\u2028\u2029]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\\?\Z)|"(?:[^"\\]|\\.)*(?:"|\\?\Z))
  | (?P<name>`(?:[^`]|``)*(?:`|\Z))
  | (?P<word>(?:\w|\\u[0-9A-Fa-f]{4})+)
  | (?P<symbol>[!-~])
""", re.VERBOSE | re.DOTALL)
#: what lies between spans: anything neither a word character nor printable ASCII
_BLANK = re.compile(r"[^\w!-~]+")


def _spans(cypher: str):
    """(kind, start, end) of every token and comment, in order. A line comment ends at any
    line break (``\\r`` and ``\\u2028`` too), never later than an engine ends it."""
    i, n = 0, len(cypher)
    while i < n:
        blank = _BLANK.match(cypher, i)
        if blank:
            i = blank.end()
            continue
        m = _SPAN.match(cypher, i)
        yield m.lastgroup, i, m.end()
        i = m.end()


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
