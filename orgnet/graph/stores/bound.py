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

from orgnet.graph.stores.lexer import Token, mask, tokens

__all__ = ["bound_query", "counted_query", "skipped_query", "LIMIT_PARAM", "SKIP_PARAM", "largest_range",
           "guard_ranges", "RANGE_GUARD_KEY", "checked_ranges", "range_refusal", "range_most",
           "LIST_ELEMENT_BYTES"]

#: the parameter a lowered ``LIMIT $p`` is replaced by
LIMIT_PARAM = "orgnet_row_limit"
#: the parameter a page's ``SKIP`` takes (:func:`skipped_query`)
SKIP_PARAM = "orgnet_row_skip"

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: an integer literal argument of ``range()`` (a sign and blanks allowed)
_INT = re.compile(r"[+-]?\s*\d+")
#: the key of the map a guarded ``range()`` gets instead of its end when it would be too long
RANGE_GUARD_KEY = "orgnet_range_too_large"


def largest_range(cypher: str) -> int:
    """The most elements any ``range(a, b[, step])`` with literal bounds in the query builds.

    FalkorDB 4.16 builds a range's whole list before its per-query memory cap is checked,
    so ``range(1, 2000000000)`` allocates ~32 GB first; the store refuses such a literal.
    Every spelling counts (``RANGE``, a backquoted or escaped name, comments inside).

    >>> largest_range("UNWIND range(1, 10) AS x RETURN x, 'range(1, 99999999)'")
    10
    >>> largest_range("RETURN `range`(1, /* c */ 100, 10), range(5, 1)")
    10
    """
    sizes: list[int] = []
    guard_ranges(cypher, 0, sizes)
    return max(sizes, default=0)


def guard_ranges(cypher: str, most: int, sizes: list[int] | None = None) -> str:
    """The query with every ``range()`` whose bounds are not all integer literals guarded:
    when it would build ``most`` elements or more, its end becomes a map
    (``{orgnet_range_too_large: most}``) and the engine stops with a type error before it
    allocates anything. Literal ranges are left as they are and their sizes appended to
    ``sizes`` (:func:`largest_range`). A query without such a range comes back unchanged.

    >>> guard_ranges("WITH 10 AS n UNWIND range(1, n) AS x RETURN x", 100)
    'WITH 10 AS n UNWIND range(1, CASE WHEN (toFloat(n) - toFloat(1)) / toFloat(1) >= 100 \
THEN {orgnet_range_too_large: 100} ELSE n END) AS x RETURN x'
    >>> guard_ranges("RETURN range(1, 5), x.range(1, $n)", 100)
    'RETURN range(1, 5), x.range(1, $n)'
    """
    toks = tokens(cypher)
    sizes = [] if sizes is None else sizes
    body = _guard_span(cypher, toks, 0, len(toks), most, sizes)
    if not toks or body == cypher[toks[0].start:toks[-1].end]:
        return cypher
    return cypher[:toks[0].start] + body + cypher[toks[-1].end:]


def _is_range_call(toks: list[Token], i: int, hi: int) -> bool:
    """``toks[i]`` names the function ``range`` (any spelling) and opens its arguments."""
    t = toks[i]
    before = toks[i - 1] if i else None
    return (t.kind in ("word", "name") and t.text.lower() == "range" and i + 1 < hi
            and toks[i + 1].kind == "symbol" and toks[i + 1].text == "("
            and not (before is not None and before.kind == "symbol" and before.text in ".$:"))


def _closing(toks: list[Token], opening: int, hi: int) -> tuple[int, list[int]] | None:
    """Index of the bracket closing ``toks[opening]`` and of the commas directly inside it."""
    depth, commas = 0, []
    for i in range(opening, hi):
        t = toks[i]
        if t.kind != "symbol":
            continue
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
            if depth == 0:
                return i, commas
        elif t.text == "," and depth == 1:
            commas.append(i)
    return None


def _guard_span(cypher: str, toks: list[Token], lo: int, hi: int, most: int, sizes: list[int]) -> str:
    """The text of ``toks[lo:hi]`` with its ``range()`` calls guarded (nested ones too)."""
    if lo >= hi:
        return ""
    out, pos, i = [], toks[lo].start, lo
    while i < hi:
        found = _closing(toks, i + 1, hi) if _is_range_call(toks, i, hi) else None
        if found is None:
            i += 1
            continue
        close, commas = found
        marks = [i + 1, *commas, close]
        args = [(marks[k] + 1, marks[k + 1]) for k in range(len(marks) - 1)]
        texts = [cypher[toks[a].start:toks[b - 1].end] if a < b else "" for a, b in args]
        out.append(cypher[pos:toks[i].start])
        if len(args) in (2, 3) and all(_INT.fullmatch(x.strip()) for x in texts):
            a, b, *rest = (int(x.replace(" ", "")) for x in texts)
            step = rest[0] if rest else 1
            sizes.append(max(0, (b - a) // step + 1) if step else 0)
            out.append(cypher[toks[i].start:toks[close].end])
        elif len(args) in (2, 3) and all(a < b for a, b in args):
            out.append(_guarded_call([_guard_span(cypher, toks, a, b, most, sizes) for a, b in args], most))
        else:  # a wrong number of arguments: the engine says so
            out.append(cypher[toks[i].start:toks[close].end])
        pos, i = toks[close].end, close + 1
    out.append(cypher[pos:toks[hi - 1].end])
    return "".join(out)


def _guarded_call(args: list[str], most: int) -> str:
    """``range(a, b[, step])`` whose end turns into a map when it would hold ``most`` or more
    elements (floats: no integer overflow); a null bound keeps the engine's own error."""
    a, b = args[0], args[1]
    step = args[2] if len(args) == 3 else "1"
    check = f"(toFloat({b}) - toFloat({a})) / toFloat({step}) >= {most}"
    end = f"CASE WHEN {check} THEN {{{RANGE_GUARD_KEY}: {most}}} ELSE {b} END"
    return f"range({a}, {end}" + (f", {args[2]})" if len(args) == 3 else ")")


#: bytes one element of a list takes (a FalkorDB SIValue; Neo4j's boxed values take more)
LIST_ELEMENT_BYTES = 16


def range_most() -> int:
    """The most elements one ``range()`` may build: the per-query memory cap's worth
    (``ORGNET_QUERY_MEM_MB`` / :data:`LIST_ELEMENT_BYTES`)."""
    from orgnet.settings import limits

    return limits().query_mem_mb * (1 << 20) // LIST_ELEMENT_BYTES


def checked_ranges(cypher: str) -> str:
    """The query to send, on either engine: a literal ``range()`` longer than
    :func:`range_most` is refused (QueryError), and one with a computed bound
    (``range(1, $n)``, ``WITH 10 AS n … range(1, n)``) is guarded so the engine stops before
    building it (:func:`guard_ranges`; the engine's error is :func:`range_refusal`). FalkorDB
    allocates a range's whole list before it checks its per-query cap, and Neo4j's
    transaction cap does not count a list comprehension: a huge range would take the server."""
    from orgnet.errors import QueryError
    from orgnet.settings import limits

    sizes: list[int] = []
    guarded = guard_ranges(cypher, range_most(), sizes)
    most = max(sizes, default=0)
    if most > range_most():
        mem_mb = limits().query_mem_mb
        raise QueryError(
            f"查询中的 range() 有 {most:,} 个元素，超过每个查询的内存上限 {mem_mb} MB，未执行；请缩小范围 / "
            f"range() of {most:,} elements exceeds the per-query memory limit of {mem_mb} MB "
            f"(ORGNET_QUERY_MEM_MB); not run")
    return guarded


def range_refusal(cypher: str) -> "QueryError":
    """The error for a query whose guarded ``range()`` would have been too long."""
    from orgnet.errors import QueryError
    from orgnet.settings import limits

    mem_mb, most = limits().query_mem_mb, range_most()
    return QueryError(
        f"查询中的 range() 超过 {most:,} 个元素，超过每个查询的内存上限 {mem_mb} MB，已在分配前停止；"
        f"请缩小范围 / range() would build more than {most:,} elements, over the per-query "
        f"memory limit of {mem_mb} MB (ORGNET_QUERY_MEM_MB); stopped before building it: {cypher[:200]}")


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


def ordered(cypher: str) -> bool:
    """Whether the query's final ``RETURN`` orders its rows (read from its clauses: an ``ORDER
    BY`` in a comment, a string or an earlier ``WITH`` does not count).

    >>> ordered("MATCH (x) RETURN x.id AS id ORDER BY id"), ordered("MATCH (x) /* ORDER BY id */ RETURN x.id AS id")
    (True, False)
    >>> ordered("MATCH (x) WITH x ORDER BY x.id RETURN x.id AS id")
    False
    """
    try:
        return "ORDER" in _final_return(cypher)[2]
    except ValueError:  # a UNION or no RETURN: no one order of the whole result
        return False


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
