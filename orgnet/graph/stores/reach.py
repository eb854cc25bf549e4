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


def _check_call(toks: list[Token], i: int) -> None:
    """``toks[i]`` is CALL: a subquery passes (its body is checked like the rest), a
    procedure must be allowed."""
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None or _is_symbol(nxt, "{("):
        return
    parts, end = _dotted_name(toks, i + 1)
    name = ".".join(p.text for p in parts) or nxt.text
    if any(p.after_comment for p in toks[i + 2:end]):
        raise _refuse("reach.comment_in_name", name)
    if name.lower() not in _ALLOWED:
        raise _refuse("reach.procedure", name)


def _check_namespace_call(toks: list[Token], i: int) -> None:
    """A function or procedure call ``ns.name(`` with ``ns`` in REFUSED_NAMESPACES."""
    if i and _is_symbol(toks[i - 1], ".$"):
        return
    parts, end = _dotted_name(toks, i)
    if len(parts) > 1 and parts[0].text.lower() in REFUSED_NAMESPACES and \
            end < len(toks) and _is_symbol(toks[end], "("):
        raise _refuse("reach.procedure", ".".join(p.text for p in parts))


def _check_show(toks: list[Token], i: int) -> None:
    """``toks[i]`` is SHOW followed by a word: only index and constraint listings pass."""
    words = [t for t in toks[i + 1:i + 6] if t.kind == "word"]
    for w in words:
        if w.text.upper() in _SHOW_ALLOWED:
            return
        if w.text.upper() not in _SHOW_MODIFIERS:
            break
    raise _refuse("reach.command", " ".join(t.text for t in toks[i:i + 3] if t.kind == "word").upper())


def refuse_outside_reach(cypher: str) -> None:
    """Raise :class:`~orgnet.errors.ReachRefused` (Chinese / English, naming what is refused
    and why) when the query would reach outside the graph (see the module's docstring)."""
    toks = tokens(cypher)
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.kind in ("word", "name"):
            _check_namespace_call(toks, i)
        if tok.is_word("LOAD") and nxt is not None and nxt.is_word("CSV"):  # a keyword wherever it is
            raise _refuse("reach.load_csv", "LOAD CSV")
        if tok.kind != "word" or not _keyword(toks, i):
            continue
        word = tok.text.upper()
        if word == "CALL":
            _check_call(toks, i)
        elif word == "TERMINATE" and nxt is not None and nxt.kind == "word":
            raise _refuse("reach.command", f"TERMINATE {nxt.text.upper()}")
        elif word == "SHOW" and nxt is not None and nxt.kind == "word":
            _check_show(toks, i)
