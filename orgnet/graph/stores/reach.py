"""What a read query may reach: the graph, and nothing outside it.

The console (``orgnet cypher``), the app's Query page and the catalog all read through
``Store.read``, which calls :func:`refuse_outside_reach` first, on both engines. Refused,
however the query is spelled (comments, case, any whitespace, escapes; see
:mod:`orgnet.graph.stores.lexer`):

- ``LOAD CSV``: it reads files on the database server and fetches URLs (FalkorDB fetches
  ``https://``, Neo4j ``http(s)://`` and ``file:///``) even in a read-only transaction.
  Where the URL comes from does not matter (a literal, ``'ht' + 'tp://…'``, a parameter):
  the clause itself is refused.
- ``CALL`` of any procedure not in :data:`ALLOWED_PROCEDURES` (read-only schema listings
  both engines have), with or without parentheses, inside subqueries too; a procedure name
  with a comment inside (it crashes FalkorDB 4.16).
- a call of anything in a plugin or server-administration namespace
  (:data:`REFUSED_NAMESPACES`: APOC's ``apoc.load.json``, GDS, ``dbms.``), with or without ``CALL``.
- server commands: ``TERMINATE TRANSACTIONS`` (Neo4j runs it in read mode) and every
  ``SHOW`` except ``SHOW … INDEXES`` / ``SHOW … CONSTRAINTS`` (``SHOW TRANSACTIONS`` would
  show other users' queries, ``SHOW SETTINGS`` the server's configuration).

>>> refuse_outside_reach("CALL db.labels() YIELD label RETURN label")
>>> refuse_outside_reach("load/* */CSV FROM 'file:///etc/passwd' AS l RETURN l")
Traceback (most recent call last):
...
orgnet.errors.ReachRefused: 已拒绝：...
"""

from __future__ import annotations

from functools import lru_cache

from orgnet.errors import ReachRefused
from orgnet.graph.stores.lexer import Token, tokens

__all__ = ["ALLOWED_PROCEDURES", "REFUSED_NAMESPACES", "refuse_outside_reach"]

#: procedures a read query may call: schema listings, local and read-only (``db.indexes`` and
#: ``db.constraints`` exist on FalkorDB only; Neo4j 5 has ``SHOW INDEXES`` / ``SHOW CONSTRAINTS``)
ALLOWED_PROCEDURES: tuple[str, ...] = ("db.labels", "db.relationshipTypes", "db.propertyKeys", "db.indexes",
                                       "db.constraints")
#: compared case-insensitively: FalkorDB ignores the case of procedure names (Neo4j does not,
#: and finds no procedure for a wrong case)
_ALLOWED = frozenset(p.lower() for p in ALLOWED_PROCEDURES)

#: namespaces whose functions and procedures are refused even without ``CALL``: plugins that
#: read files and URLs (APOC, GDS) and server administration
REFUSED_NAMESPACES: frozenset[str] = frozenset({"apoc", "gds", "dbms"})

#: words that may stand between ``SHOW`` and ``INDEXES``/``CONSTRAINTS``
_SHOW_MODIFIERS = frozenset({"ALL", "RANGE", "TEXT", "POINT", "LOOKUP", "FULLTEXT", "VECTOR", "UNIQUE",
                             "UNIQUENESS", "NODE", "RELATIONSHIP", "REL", "KEY", "EXIST", "EXISTENCE",
                             "EXISTS", "PROPERTY", "PROP", "TYPE"})
_SHOW_ALLOWED = ("INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS")
#: how the refusals name what may be used instead
_INSTEAD = {"command": "`orgnet load`", "allowed": ", ".join(ALLOWED_PROCEDURES)}
_INSTEAD_COMMAND = {"allowed": "SHOW INDEXES, SHOW CONSTRAINTS"}


def _refuse(key: str, what: str) -> ReachRefused:
    from orgnet.i18n import t

    fmt = {**_INSTEAD, **(_INSTEAD_COMMAND if key == "reach.command" else {}), "what": what}
    return ReachRefused(f"{t(key, 'zh', **fmt)} / {t(key, 'en', **fmt)}", key=key, fmt=fmt)


def _is_symbol(tok: Token | None, chars: str) -> bool:
    return tok is not None and tok.kind == "symbol" and tok.text in chars


def _dotted_name(toks: list[Token], i: int) -> tuple[list[Token], int]:
    """The parts of ``a.b.c`` starting at ``toks[i]`` (words or backquoted names) and the
    index after it."""
    parts: list[Token] = []
    while i < len(toks) and toks[i].kind in ("word", "name"):
        parts.append(toks[i])
        if not (_is_symbol(toks[i + 1] if i + 1 < len(toks) else None, ".") and i + 2 < len(toks)):
            return parts, i + 1
        i += 2
    return parts, i


def _keyword(toks: list[Token], i: int) -> bool:
    """Whether the word ``toks[i]`` is used as a keyword, not as a property, label, map key,
    parameter or alias (``n.call``, ``:Show``, ``{load: 1}``, ``$show``, ``AS show``)."""
    before = toks[i - 1] if i else None
    after = toks[i + 1] if i + 1 < len(toks) else None
    return not (_is_symbol(before, ".:$") or _is_symbol(after, ":") or (before and before.is_word("AS")))


#: a refusal: (UI text key, what is refused)
Refusal = tuple[str, str]


def _check_call(toks: list[Token], i: int) -> Refusal | None:
    """``toks[i]`` is CALL: a subquery passes (its body is checked like the rest), a
    procedure must be allowed."""
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None or _is_symbol(nxt, "{("):
        return None
    parts, end = _dotted_name(toks, i + 1)
    name = ".".join(p.text for p in parts) or nxt.text
    if any(p.after_comment for p in toks[i + 2:end]):
        return "reach.comment_in_name", name
    return None if name.lower() in _ALLOWED else ("reach.procedure", name)


def _check_namespace_call(toks: list[Token], i: int) -> Refusal | None:
    """A function or procedure call ``ns.name(`` with ``ns`` in REFUSED_NAMESPACES."""
    if toks[i].text.lower() not in REFUSED_NAMESPACES or (i and _is_symbol(toks[i - 1], ".$")):
        return None
    parts, end = _dotted_name(toks, i)
    if len(parts) > 1 and end < len(toks) and _is_symbol(toks[end], "("):
        return "reach.procedure", ".".join(p.text for p in parts)
    return None


def _check_show(toks: list[Token], i: int) -> Refusal | None:
    """``toks[i]`` is SHOW followed by a word: only index and constraint listings pass."""
    for w in (t for t in toks[i + 1:i + 6] if t.kind == "word"):
        word = w.text.upper()
        if word in _SHOW_ALLOWED:
            return None
        if word not in _SHOW_MODIFIERS:
            return "reach.command", f"SHOW {word}"
    return "reach.command", "SHOW"


def _check_keyword(toks: list[Token], i: int) -> Refusal | None:
    """``toks[i]`` is a bare word: LOAD CSV wherever it stands; CALL, TERMINATE and SHOW
    where they are keywords."""
    tok, nxt = toks[i], toks[i + 1] if i + 1 < len(toks) else None
    if tok.is_word("LOAD") and nxt is not None and nxt.is_word("CSV"):
        return "reach.load_csv", "LOAD CSV"
    if not tok.is_word("CALL", "TERMINATE", "SHOW") or not _keyword(toks, i):
        return None
    if tok.is_word("CALL"):
        return _check_call(toks, i)
    if nxt is None or nxt.kind != "word":
        return None
    return ("reach.command", f"TERMINATE {nxt.text.upper()}") if tok.is_word("TERMINATE") else _check_show(toks, i)


def _refusal(cypher: str) -> Refusal | None:
    """The first reason to refuse ``cypher``, or None."""
    toks = tokens(cypher)
    for i, tok in enumerate(toks):
        found = None
        if tok.kind == "word":
            found = _check_keyword(toks, i)
        if found is None and tok.kind in ("word", "name"):
            found = _check_namespace_call(toks, i)
        if found is not None:
            return found
    return None


#: catalog queries repeat on every page: their verdicts are kept (short texts only)
_cached_refusal = lru_cache(maxsize=256)(_refusal)
_CACHED_CHARS = 16_000


def refuse_outside_reach(cypher: str) -> None:
    """Raise :class:`~orgnet.errors.ReachRefused` (Chinese / English, naming what is refused
    and why) when the query would reach outside the graph (see the module's docstring)."""
    found = _cached_refusal(cypher) if len(cypher) <= _CACHED_CHARS else _refusal(cypher)
    if found is not None:
        raise _refuse(*found)
