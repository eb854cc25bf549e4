"""Make the database apply a row limit to an ad-hoc read query (portable Cypher).

``CALL { <query> } RETURN * LIMIT $n`` would be the obvious wrapper, but FalkorDB lacks
that subquery form. Instead the query's own final ``RETURN`` gets the limit: each
top-level ``UNION`` branch ending in ``RETURN …`` gets ``LIMIT n`` appended, or its
trailing ``LIMIT k`` lowered to ``n`` when ``k`` is a larger literal (or a larger
parameter). The engine then stops producing rows at ``n``, on FalkorDB and Neo4j alike.
A query whose last clause is not a ``RETURN`` (a procedure call) is left unchanged; the
store still truncates what it receives.

>>> bound_query("UNWIND range(1, 5000000) AS x RETURN x", {}, 2)[0]
'UNWIND range(1, 5000000) AS x RETURN x LIMIT 2'
>>> bound_query("MATCH (n) RETURN n.name AS `limit` ORDER BY n.name LIMIT 50;", {}, 10)[0]
'MATCH (n) RETURN n.name AS `limit` ORDER BY n.name LIMIT 10'
>>> bound_query("RETURN 1 AS a UNION RETURN 2 AS a", {}, 1)[0]
'RETURN 1 AS a LIMIT 1 UNION RETURN 2 AS a LIMIT 1'
"""

from __future__ import annotations

import re
from typing import Any

from orgnet.graph.stores.lexer import mask

__all__ = ["bound_query", "counted_query", "skipped_query", "LIMIT_PARAM", "SKIP_PARAM", "largest_range"]

#: the parameter a lowered ``LIMIT $p`` is replaced by
LIMIT_PARAM = "orgnet_row_limit"
#: the parameter a page's ``SKIP`` takes (:func:`skipped_query`)
SKIP_PARAM = "orgnet_row_skip"

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_RANGE = re.compile(r"\brange\s*\(\s*([+-]?\d+)\s*,\s*([+-]?\d+)\s*(?:,\s*([+-]?\d+)\s*)?\)",
                    re.IGNORECASE)


def largest_range(cypher: str) -> int:
    """The most elements any ``range(a, b[, step])`` with literal bounds in the query builds.

    FalkorDB 4.16 builds a range's whole list before its per-query memory cap is checked,
    so ``range(1, 2000000000)`` allocates ~32 GB first; the store refuses such a literal.

    >>> largest_range("UNWIND range(1, 10) AS x RETURN x, 'range(1, 99999999)'")
    10
    """
    most = 0
    for m in _RANGE.finditer(mask(cypher)):
        a, b = int(m.group(1)), int(m.group(2))
        step = int(m.group(3)) if m.group(3) else 1
        if step:
            most = max(most, (b - a) // step + 1)
    return most


def _top_words(masked: str) -> list[tuple[int, str]]:
    """(position, upper-case word) of every keyword-like word outside brackets."""
    words, depth, i, n = [], 0, 0, len(masked)
    while i < n:
        ch = masked[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch.isalpha() or ch == "_"):
            m = _WORD.match(masked, i)
            if m is not None:
                prev = masked[i - 1] if i else " "
                if prev not in ".$:":
                    words.append((i, m.group().upper()))
                i = m.end()
                continue
        i += 1
    return words


def _bound_branch(text: str, masked: str, params: dict[str, Any], limit: int) -> str | None:
    words = _top_words(masked)
    returns = [p for p, w in words if w == "RETURN"]
    if not returns:
        return None
    after = [(p, w) for p, w in words if p > returns[-1]]
    lim = next((p for p, w in after if w == "LIMIT"), None)
    if lim is None:
        return text.rstrip() + f" LIMIT {limit}"
    expr = text[lim + len("LIMIT"):].strip()
    if re.fullmatch(r"\d+", expr):
        return text[:lim] + f"LIMIT {min(int(expr), limit)}"
    m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", expr)
    if m and isinstance(params.get(m.group(1)), int) and not isinstance(params[m.group(1)], bool):
        params[LIMIT_PARAM] = min(params[m.group(1)], limit)
        return text[:lim] + f"LIMIT ${LIMIT_PARAM}"
    return None


def bound_query(cypher: str, params: dict[str, Any] | None, limit: int) -> tuple[str, dict[str, Any], bool]:
    """(query, params, bounded): the query rewritten so the engine returns at most ``limit``
    rows per ``UNION`` branch; ``bounded`` is False when it could not be rewritten."""
    params = dict(params or {})
    masked = mask(cypher)
    end = len(masked.rstrip().rstrip(";").rstrip())
    text, masked = cypher[:end], masked[:end]
    cuts, start = [], 0
    words = _top_words(masked)
    for k, (pos, word) in enumerate(words):
        if word == "UNION":
            nxt = words[k + 1] if k + 1 < len(words) else None
            stop = nxt[0] + 3 if nxt is not None and nxt[1] == "ALL" and nxt[0] - pos < 12 else pos + 5
            cuts.append((start, pos, stop))
            start = stop
    cuts.append((start, end, end))
    parts = []
    for a, b, c in cuts:
        lead = len(text[a:b]) - len(text[a:b].lstrip())
        bounded = _bound_branch(text[a + lead:b].rstrip(), masked[a + lead:b].rstrip(), params, limit)
        if bounded is None:
            return cypher, dict(params), False
        parts.append(bounded + (" " + text[b:c].strip() + " " if c > b else ""))
    return "".join(parts).strip(), params, True


def _final_return(cypher: str) -> tuple[str, int, dict[str, int]]:
    """(query without a trailing ``;``, position of its last top-level ``RETURN``, positions of
    the ``ORDER``/``SKIP``/``LIMIT`` words after it). ValueError for a ``UNION`` or no ``RETURN``."""
    masked = mask(cypher)
    end = len(masked.rstrip().rstrip(";").rstrip())
    text, masked = cypher[:end], masked[:end]
    words = _top_words(masked)
    if any(w == "UNION" for _, w in words):
        raise ValueError("a query with UNION cannot be counted or paged as one result")
    returns = [p for p, w in words if w == "RETURN"]
    if not returns:
        raise ValueError("the query has no final RETURN to count or page")
    tail = {w: p for p, w in words if p > returns[-1] and w in ("ORDER", "SKIP", "LIMIT")}
    return text, returns[-1], tail


def counted_query(cypher: str, by: tuple[str, ...] | list[str] = ()) -> str:
    """The query counted in the engine: its final ``RETURN`` becomes a ``WITH`` (same items,
    so the query's logic stays where it is) followed by ``RETURN <by…>, count(*) AS n``.

    The ``ORDER BY`` of the result is dropped (it cannot change a count) unless ``SKIP`` or
    ``LIMIT`` follows it. ``by`` are column names of the query's result (they must be aliased).

    >>> counted_query("MATCH (x) RETURN x.id AS id, x.s AS s ORDER BY s, id", ("s",))
    'MATCH (x) WITH x.id AS id, x.s AS s RETURN s, count(*) AS n'
    >>> counted_query("MATCH (x) RETURN DISTINCT x.k AS k ORDER BY k LIMIT 5")
    'MATCH (x) WITH DISTINCT x.k AS k ORDER BY k LIMIT 5 RETURN count(*) AS n'
    """
    bad = [b for b in by if not _WORD.fullmatch(b)]
    if bad:
        raise ValueError(f"cannot count by {', '.join(map(repr, bad))}: give result column names")
    text, ret, tail = _final_return(cypher)
    cut = len(text) if "SKIP" in tail or "LIMIT" in tail else tail.get("ORDER", len(text))
    keys = "".join(f"{b}, " for b in by)
    return f"{text[:ret]}WITH{text[ret + len('RETURN'):cut].rstrip()} RETURN {keys}count(*) AS n"


def skipped_query(cypher: str, params: dict[str, Any] | None, skip: int) -> tuple[str, dict[str, Any]]:
    """(query, params) that skip the first ``skip`` rows of the result in the engine (a page:
    the store's ``limit`` then bounds it). The query must order its rows and have no
    ``SKIP``/``LIMIT`` of its own.

    >>> skipped_query("MATCH (x) RETURN x.id AS id ORDER BY id", {}, 50)
    ('MATCH (x) RETURN x.id AS id ORDER BY id SKIP $orgnet_row_skip', {'orgnet_row_skip': 50})
    """
    text, _, tail = _final_return(cypher)
    if "ORDER" not in tail or "SKIP" in tail or "LIMIT" in tail:
        raise ValueError("only a query with ORDER BY and no SKIP/LIMIT of its own can be paged")
    return f"{text} SKIP ${SKIP_PARAM}", {**(params or {}), SKIP_PARAM: max(int(skip), 0)}
