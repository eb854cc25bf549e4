"""The Cypher catalog: one ``.cypher`` file per query in ``orgnet/queries/cypher/``.

A file starts with ``// key: value`` header lines (id, kind, titles, descriptions, source,
severity, remedies, ``param: name type =default`` lines, ``columns: a, b, c``), then the
query. A ``=policy`` default is the policy setting of the parameter's name
(``orgnet/policy.toml``, a district's copy in ORGNET_HOME). Files are read through :mod:`importlib.resources`, so an installed package works.

>>> q = get("node_counts")
>>> q.kind, q.columns
('view', ['label', 'n'])
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from orgnet.errors import ConfigError, QueryError
from orgnet.graph.stores.base import Store
from orgnet.graph.stores.bound import counted_query, skipped_query
from orgnet.queries.scope import AREA_COLUMNS

KINDS = ("rule", "kpi", "linkage", "view")
PARAM_TYPES = ("str", "int", "float", "date", "bool")
_TRUE = {"true", "yes", "y", "1", "是", "t"}
_FALSE = {"false", "no", "n", "0", "否", "f"}
_NO_DEFAULT = object()


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "str"
    #: the default as written in the header: None for "=null", "today", a literal, or absent
    default_text: str | None = None
    required: bool = False

    def default(self) -> Any:
        """The default value (``=today`` → today's ISO date; ``=null`` → None; ``=policy`` →
        the policy setting of the same name, :mod:`orgnet.policy`)."""
        if self.default_text is None:
            return None
        if self.default_text == "today":
            return _dt.date.today().isoformat()
        if self.default_text == "policy":
            from orgnet import policy

            return self.convert(policy.value(self.name))
        return self.convert(self.default_text)

    def convert(self, value: Any) -> Any:
        """Convert a value (often a command-line string) to this parameter's type."""
        if value is None:
            return None
        try:
            if self.type == "str":
                return str(value)
            if self.type == "int":
                if isinstance(value, bool):
                    raise ValueError
                return int(value)
            if self.type == "float":
                return float(value)
            if self.type == "bool":
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                if text in _TRUE:
                    return True
                if text in _FALSE:
                    return False
                raise ValueError
            if self.type == "date":
                if isinstance(value, _dt.datetime):
                    return value.date().isoformat()
                if isinstance(value, _dt.date):
                    return value.isoformat()
                text = str(value).strip()
                if text == "today":
                    return _dt.date.today().isoformat()
                return _dt.date.fromisoformat(text).isoformat()
        except (TypeError, ValueError) as e:
            raise QueryError(f"parameter {self.name}: {value!r} is not a valid {self.type}"
                             + (" (use YYYY-MM-DD)" if self.type == "date" else "")) from e
        raise QueryError(f"parameter {self.name}: unknown type {self.type}")


@dataclass(frozen=True)
class Query:
    id: str
    kind: str
    meta: dict[str, str]
    params: list[Param] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    #: the Cypher, without the ``//`` header
    text: str = ""

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def bind(self, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Fill defaults and convert types; unknown or missing required params → QueryError."""
        params = dict(params or {})
        known = {p.name for p in self.params}
        unknown = sorted(set(params) - known)
        if unknown:
            raise QueryError(f"query {self.id} has no parameter {', '.join(unknown)}; "
                             f"its parameters: {', '.join(sorted(known)) or '(none)'}")
        bound: dict[str, Any] = {}
        for p in self.params:
            if p.name in params and params[p.name] is not None and params[p.name] != "":
                bound[p.name] = p.convert(params[p.name])
            elif p.required:
                raise QueryError(f"query {self.id} needs the parameter {p.name} ({p.type})")
            else:
                bound[p.name] = p.default()
        return bound


#: the reference date every rule, KPI and linkage query takes (``=today`` when absent)
AS_OF = Param("as_of", "date", "today")


def as_of_date(value: Any = None) -> str:
    """The reference date as ``YYYY-MM-DD``: a date, a datetime or ISO text; None or "" → today.

    The one conversion the CLI (``--as-of``), the app's date control and the queries share.

    >>> as_of_date("2026-03-31"), as_of_date(_dt.date(2026, 6, 30))
    ('2026-03-31', '2026-06-30')
    """
    return AS_OF.default() if value is None or value == "" else AS_OF.convert(value)


def snapshot_date(snap: Any = None, as_of: Any = None) -> str:
    """The date a snapshot is evaluated on: ``as_of`` when told, else the snapshot's reference
    date (``orgnet load --as-of``, kept in its load metadata), else today. ``snap`` is a
    :class:`orgnet.graph.snapshots.Snapshot`, a load-metadata dict (``graph_info``) or None.

    The one place this rule is spelled: the CLI, the app, the ledger and the stored results ask it.

    >>> snapshot_date({"as_of": "2026-06-30"}), snapshot_date({"as_of": "2026-06-30"}, "2026-03-31")
    ('2026-06-30', '2026-03-31')
    """
    if as_of not in (None, ""):
        return as_of_date(as_of)
    held = snap.get("as_of") if isinstance(snap, dict) else getattr(snap, "as_of", None)
    return as_of_date(held)


def parse(source: str, name: str = "<text>") -> Query:
    """Parse a catalog file's text."""
    meta: dict[str, str] = {}
    params: list[Param] = []
    lines = source.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        i += 1
        if ":" not in body:
            continue
        key, _, value = body.partition(":")
        key, value = key.strip(), value.strip()
        if key == "param":
            params.append(_parse_param(value, name))
        else:
            meta[key] = value
    text = "\n".join(lines[i:]).strip() + "\n"
    qid = meta.get("id")
    if not qid:
        raise QueryError(f"{name}: the header has no `// id:` line")
    kind = meta.get("kind", "view")
    if kind not in KINDS:
        raise QueryError(f"{name}: kind {kind!r} is not one of {', '.join(KINDS)}")
    columns = [c.strip() for c in meta.get("columns", "").split(",") if c.strip()]
    return Query(id=qid, kind=kind, meta=meta, params=params, columns=columns, text=text)


def _parse_param(spec: str, name: str) -> Param:
    """``name type =default`` (type defaults to str; no ``=`` means required)."""
    tokens = spec.split(None, 2)
    if not tokens:
        raise QueryError(f"{name}: empty `// param:` line")
    pname, rest = tokens[0], tokens[1:]
    ptype = "str"
    if rest and not rest[0].startswith("="):
        ptype, rest = rest[0], rest[1:]
    if ptype not in PARAM_TYPES:
        raise QueryError(f"{name}: parameter {pname} has unknown type {ptype!r} ({', '.join(PARAM_TYPES)})")
    default = " ".join(rest).strip()
    if default.startswith("="):
        value = default[1:].strip()
        return Param(pname, ptype, None if value == "null" else value, required=False)
    return Param(pname, ptype, None, required=True)


def _files():
    return resources.files("orgnet.queries").joinpath("cypher")


@lru_cache(maxsize=None)
def _all() -> dict[str, Query]:
    queries: dict[str, Query] = {}
    for entry in sorted(_files().iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".cypher"):
            continue
        q = parse(entry.read_text(encoding="utf-8"), entry.name)
        if q.id != entry.name[: -len(".cypher")]:
            raise QueryError(f"{entry.name}: header id {q.id!r} differs from the file name")
        queries[q.id] = q
    return queries


def reload() -> None:
    """Forget the cached files (after editing them in a running process)."""
    _all.cache_clear()


def names(kind: str | None = None) -> list[str]:
    """Ids of the catalog's queries, optionally of one kind (rule | kpi | linkage | view)."""
    return sorted(q.id for q in _all().values() if kind is None or q.kind == kind)


def get(qid: str) -> Query:
    try:
        return _all()[qid]
    except KeyError:
        raise QueryError(f"no query {qid!r} in the catalog; `orgnet query --list` shows them") from None


def run(store: Store, qid: str, params: dict | None = None, *, graph: str | None = None,
        limit: int | None = None, timeout_s: float | None = None, skip: int = 0,
        count_by: tuple[str, ...] | list[str] | None = None, stats: dict | None = None,
        live: bool = False) -> list[dict]:
    """Run a catalog query read-only; parameters get defaults and types from the header.

    ``count_by``: count the query's rows in the engine instead of returning them, one row per
    value of those result columns (``[]``: one row) with the count in ``n``
    (:func:`orgnet.graph.stores.bound.counted_query`; the query file stays the one definition).
    ``skip`` with ``limit``: one page of the result, cut in the engine (the query must order
    its rows). ``stats``: filled with the engine's own time (``engine_ms``, see ``Store.read``).
    A rule's rows are all strings (or null), so they travel untagged (``scalars``), as do the
    rows of a query whose header says ``// values: scalar`` (text, numbers, booleans, null).

    Every query goes through the store's catalog door (:meth:`Store.read_catalog`,
    :meth:`Store.scoped_rows`): an account's view (:class:`orgnet.access.scoped.ScopedStore`)
    runs it inside the account's scope: parameters forced, rows outside dropped, names masked.

    A rule, KPI or linkage query is answered from the results stored at its graph's load when
    they hold (:mod:`orgnet.queries.stored`; ``stats`` then says ``stored``), the same rows
    the engine would give, narrowed and scoped the same way. ``live``: ask the engine, never
    the stored results (what :func:`orgnet.queries.stored.store_results` computes them with).
    """
    q = get(qid)
    try:
        values = q.bind(params)
    except ValueError as e:
        raise QueryError(f"query {qid}: {e}") from e
    if count_by is not None and q.columns and not set(count_by) <= set(q.columns):
        unknown = ", ".join(b for b in count_by if b not in q.columns)
        raise QueryError(f"query {qid}: {unknown} is not among its columns ({', '.join(q.columns)})")
    by_place = count_by is not None and set(count_by) <= set(AREA_COLUMNS)
    rows = None if live else _stored_rows(store, q, values, graph, counted=by_place)
    if rows is not None:
        if stats is not None:
            stats.update(engine_ms=0.0, stored=True)
        if by_place:  # counts kept per street and community at load
            return sum_counts(rows, list(count_by)) or ([] if count_by else [{"n": 0}])
        return shape_rows(rows, skip=skip, limit=limit, count_by=count_by)
    if count_by is not None and store.narrowed:
        # a street or community keeps rows by their street and community: count by those too, then add up
        place = [c for c in AREA_COLUMNS if c in q.columns and c not in count_by]
        if place:
            rows = run(store, qid, params, graph=graph, timeout_s=timeout_s, count_by=[*count_by, *place],
                       stats=stats, live=live)
            return sum_counts(rows, list(count_by))
    try:
        shaped, shaped_values = _shaped(q, values, skip, count_by)
    except ValueError as e:
        raise QueryError(f"query {qid}: {e}") from e
    kw = {"graph": graph, "limit": limit, "timeout_s": timeout_s, "stats": stats,
          "scalars": (q.kind == "rule" or q.meta.get("values") == "scalar") and count_by is None}
    try:
        return store.read_catalog(shaped, shaped_values, **kw)
    except ConfigError as e:  # a graph the engine does not hold: say so plainly when it is a facts-only snapshot
        stored.refuse_facts_only(store, graph, e)
        raise


def _stored_rows(store: Store, q: Query, values: dict, graph: str | None, *, counted: bool = False) -> list[dict] | None:
    """The rows stored at load for this query (:mod:`orgnet.queries.stored`; ``counted``: its
    counts per street and community), inside a scoped store's scope; None when it must run on
    the engine."""
    if not stored.storable(q):
        return None
    fetch = lambda p: stored.lookup(store, q, p, graph, counted=counted)  # noqa: E731  (narrowed below)
    return store.scoped_rows(q, values, fetch, graph=graph)


def shape_rows(rows: list[dict], *, skip: int = 0, limit: int | None = None,
               count_by: tuple[str, ...] | list[str] | None = None) -> list[dict]:
    """Rows as the engine would have shaped them: counted by ``count_by`` (one row per value,
    count in ``n``), or the page ``skip`` … ``skip + limit``.

    >>> shape_rows([{"s": "a"}, {"s": "b"}, {"s": "a"}], count_by=["s"])
    [{'s': 'a', 'n': 2}, {'s': 'b', 'n': 1}]
    """
    if count_by is not None:
        by = list(count_by)
        return sum_counts([{**{b: r.get(b) for b in by}, "n": 1} for r in rows], by) if rows or by else [{"n": 0}]
    return rows[skip: None if limit is None else skip + limit]


def _shaped(q: Query, values: dict, skip: int, count_by) -> tuple[Query, dict]:
    """The query counted (``count_by``) or cut at ``skip`` rows, with its parameters."""
    if count_by is not None:  # its columns were checked by run()
        return replace(q, text=counted_query(q.text, tuple(count_by)), columns=[*count_by, "n"]), values
    if skip:
        text, values = skipped_query(q.text, values, skip)
        return replace(q, text=text), values
    return q, values


def sum_counts(rows: list[dict], by: list[str]) -> list[dict]:
    """Counted rows (``n``) added up over the columns ``by``.

    >>> sum_counts([{"s": "S1", "c": "C1", "n": 2}, {"s": "S1", "c": "C2", "n": 3}], ["s"])
    [{'s': 'S1', 'n': 5}]
    """
    totals: dict[tuple, int] = {}
    for r in rows:
        key = tuple(r.get(b) for b in by)
        totals[key] = totals.get(key, 0) + int(r["n"])
    return [{**dict(zip(by, key)), "n": n} for key, n in totals.items()]


from orgnet.queries import stored  # noqa: E402  (it reads this module's queries)
