"""A failed query explained in the reader's language, with the engine's own text kept beside it.

The stores wrap an engine's refusal in :class:`orgnet.errors.QueryError` (``… in query: …``);
the engine's message is English (FalkorDB's and Neo4j's alike). :func:`explain` names what
kind of mistake it is, so a page can say it in Chinese and show the engine's words below.

>>> from orgnet.errors import QueryError
>>> e = QueryError("Unknown function 'foo' in query: RETURN foo(1)")
>>> x = explain(e)
>>> x.kind, x.engine_text
('unknown_function', "Unknown function 'foo'")
>>> x.fmt
{'name': 'foo'}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: (kind, pattern in the engine's message) in the order they are tried; the first match wins.
#: Neo4j reports most semantic mistakes under the SyntaxError code, so the specific ones come
#: before the generic syntax patterns. A named group ``name`` becomes the ``{name}`` placeholder.
PATTERNS: tuple[tuple[str, str], ...] = (
    ("timeout", r"timed out|TransactionTimedOut"),
    ("memory", r"[Mm]emory|Java heap|mem consumption exceeded"),
    ("no_graph", r"the graph does not exist|has no database"),
    ("unknown_function", r"Unknown function '(?P<name>[^']+)'"),
    ("undefined_variable", r"(?:Variable `(?P<name>[^`]+)` not defined|'(?P<name2>[^']+)' not defined)"),
    ("type_mismatch", r"Type mismatch|Invalid input for function|TypeError"),
    ("duplicate_column", r"Multiple result columns with the same name"),
    ("division_by_zero", r"Division by zero|/ by zero"),
    ("scope", r"cannot reference variables not projected|not possible to access variables declared before"),
    ("syntax", r"Invalid input|[Ss]yntax ?[Ee]rror|Unexpected end of input|mismatched input"),
)

_IN_QUERY = re.compile(r"\s+in query:\s.*\Z", re.S)


@dataclass(frozen=True)
class Explained:
    """``kind`` is one of :data:`PATTERNS`' kinds or ``other``; its UI text is
    ``cypher_error.<kind>`` (placeholders in ``fmt``); ``engine_text`` is the engine's own message."""

    kind: str
    engine_text: str
    fmt: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"cypher_error.{self.kind}"


def engine_text(error: BaseException) -> str:
    """The engine's own message: the wrapped driver error's text, else ours without the query."""
    cause = error.__cause__
    text = getattr(cause, "message", None) or (str(cause) if cause is not None else "") or str(error)
    return _IN_QUERY.sub("", text).strip()


def explain(error: BaseException) -> Explained:
    """What kind of mistake ``error`` reports (see :data:`PATTERNS`)."""
    text = engine_text(error)
    code = str(getattr(error.__cause__, "code", "") or "")
    for haystack in (f"{code} {text}", str(error)):  # the engine's words first, then ours
        for kind, pattern in PATTERNS:
            m = re.search(pattern, haystack)
            if m:
                name = next((v for k, v in m.groupdict().items() if k.startswith("name") and v), None)
                return Explained(kind, text, {"name": name} if name else {})
    return Explained("other", text)


__all__ = ["Explained", "PATTERNS", "engine_text", "explain"]
