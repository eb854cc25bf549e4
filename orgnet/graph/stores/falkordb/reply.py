"""FalkorDB's replies read into plain Python, and query parameters written for it.

The client's own parser is slow on the common scalar cells and its parameter writer on a
load's big batches; these functions do both for :mod:`orgnet.graph.stores.falkordb.store`.
"""

from __future__ import annotations

import json
import re
from typing import Any


_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_plain(value: Any) -> Any:
    """FalkorDB client values → plain Python (nodes → property dicts with ``_labels``)."""
    if type(value) in _SCALARS:  # most values: skip the imports and isinstance checks below
        return value
    from falkordb.edge import Edge
    from falkordb.node import Node
    from falkordb.path import Path as FPath

    if isinstance(value, Node):
        return {**value.properties, "_labels": sorted(value.labels or [])}  # as on Neo4j
    if isinstance(value, Edge):
        return {**value.properties, "_type": value.relation}
    if isinstance(value, FPath):
        return {"nodes": [to_plain(n) for n in value.nodes()],
                "relationships": [to_plain(e) for e in value.edges()]}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


_RUN_TIME = re.compile(r"execution time: ([0-9.]+) milliseconds")


def _column_names(header) -> list[str]:
    """A reply header's column names (compact replies give ``[type, name]`` pairs)."""
    names = [h[1] if isinstance(h, (list, tuple)) else h for h in header or []]
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


def _read_reply(db, name: str, query: str, params: dict | None, timeout: int | None,
                *flags: str) -> tuple[list, float | None]:
    """FalkorDB's reply to a read (``flags``: ``--compact`` for typed cells) and the engine's
    own time in ms."""
    command = ["GRAPH.RO_QUERY", name, db.select_graph(name)._build_params_header(params or None) + query, *flags]
    if timeout:
        command += ["timeout", timeout]
    reply = db.connection.execute_command(*command)
    if reply and isinstance(reply[-1], Exception):  # an error while producing the rows
        raise reply[-1]
    m = _RUN_TIME.search(" ".join(str(x) for x in reply[-1]))
    return reply, float(m.group(1)) if m else None


def _verbose_query(db, name: str, query: str, params: dict | None, timeout: int | None):
    """(column names, rows, engine ms) of a read in FalkorDB's verbose reply format: values
    untagged (strings, integers, nulls as they are; other types as text), which parses
    several times faster than the compact, typed format on big results."""
    reply, engine_ms = _read_reply(db, name, query, params, timeout)
    if len(reply) != 3:
        return [], [], engine_ms
    return _column_names(reply[0]), reply[1], engine_ms


#: a key JSON leaves quoted (``"k":``): a value string is never followed by ``:`` and a quote
#: inside one is escaped, so an unescaped ``":`` ends a key
_JSON_QUOTED_KEY = re.compile(r'(?<!\\)":')
#: JSON escapes FalkorDB's string literals do not read (\n, \t, \r, \" and \\ they do)
_JSON_ODD_ESCAPE = re.compile(r"\\[bfu/]")
_SAFE_KEY = re.compile(r'[^"\\`:]+')


def _map_keys(value: Any) -> set[str]:
    """The keys of the maps in ``value`` (a batch of rows): the rows' own and those of maps
    one level down (a load row's ``props``); deeper maps keep JSON's quotes and are caught by
    :data:`_JSON_QUOTED_KEY`."""
    keys: set[str] = set()
    for row in value if isinstance(value, list) else [value]:
        if type(row) is dict:
            keys.update(row)
            for v in row.values():
                if type(v) is dict:
                    keys.update(v)
    return keys


def params_header(params: dict[str, Any]) -> str | None:
    """``CYPHER name=value …`` for ``params`` as FalkorDB reads them (the client inlines
    parameters into the query text), written by the C JSON encoder, or None when JSON cannot
    say it the same way (a date, a NaN, a control character, an odd key): then the client's
    own writer is used (several times slower on a load's batches). Map keys lose JSON's
    quotes (backticks instead).

    >>> params_header({"rows": [{"id": "U1", "props": {"name": '王"一', "n": 3, "ok": True}}]})
    'CYPHER `rows`=[{`id`:"U1",`props`:{`name`:"王\\\\"一",`n`:3,`ok`:true}}] '
    >>> [params_header(p) for p in ({"d": __import__("datetime").date(2026, 1, 1)}, {"m": [[{"a": 1}]]})]
    [None, None]
    """
    parts = ["CYPHER "]
    for key, value in params.items():
        if not _SAFE_KEY.fullmatch(str(key)):
            return None
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            return None
        if _JSON_ODD_ESCAPE.search(text):
            return None
        for k in _map_keys(value):
            if not (type(k) is str and _SAFE_KEY.fullmatch(k)):
                return None
            text = text.replace(f'"{k}":', f"`{k}`:")
        if _JSON_QUOTED_KEY.search(text):
            return None
        parts.append(f"`{key}`={text} ")
    return "".join(parts)


def _write_text(db, name: str, text: str) -> None:
    """Run a write whose parameters are already in its text (``CYPHER …`` header)."""
    reply = db.connection.execute_command("GRAPH.QUERY", name, text, "--compact")
    if reply and isinstance(reply[-1], Exception):
        raise reply[-1]


def _typed_cell(cell: list, graph) -> Any:
    """One cell of FalkorDB's compact reply ``[type, value]`` → plain Python: null, string,
    integer, boolean and double inline (most cells), anything else through the client's parser."""
    kind, value = cell
    if kind == 2:
        return value if type(value) is str else value.decode()
    if kind == 3:
        return value
    if kind == 1:
        return None
    if kind == 4:
        return value in ("true", b"true")
    if kind == 5:
        return float(value)
    from falkordb.query_result import parse_scalar

    return to_plain(parse_scalar(cell, graph))


def _compact_query(db, name: str, query: str, params: dict | None, timeout: int | None):
    """(column names, rows as plain values, engine ms) of a read in FalkorDB's compact, typed
    reply format, parsed here: the client's own parser spends most of its time on the common
    scalar cells (:func:`_typed_cell`)."""
    reply, engine_ms = _read_reply(db, name, query, params, timeout, "--compact")
    if len(reply) != 3:
        return [], [], engine_ms
    graph = db.select_graph(name)
    return _column_names(reply[0]), [[_typed_cell(c, graph) for c in row] for row in reply[1]], engine_ms
