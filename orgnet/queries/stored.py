"""Stored results: a snapshot's rules, KPIs, linkage and entities computed once, at load.

A snapshot does not change after its load, so what every page, ``orgnet diff`` and the
Overview's trend ask of it at its reference date can be worked out once and read back:
:func:`store_results` runs each district read of the table
:func:`orgnet.queries.reads.stored_reads` (rules, KPIs, linkage, ``snapshot_entities``, the
stored views) on the engine (``catalog.run(..., live=True)``; every load calls it:
:func:`orgnet.snapshots.load_snapshot`) and writes each result as it comes, beside the
snapshot, outside it (on FalkorDB in the ledger's graph, on Neo4j as ``StoredResult`` nodes
the snapshot's replace never touches).

A storing run writes under a new **generation** (:func:`new_generation`) beside what is
current, and makes it current in one write once all is written: the snapshot's facts record
names it. Readers (:func:`lookup`, :func:`missing`) read only the current generation, so a run
still writing, or one that died midway, is never served, not even in part; the chunks of
older generations are removed after the switch.

:func:`orgnet.queries.catalog.run` then answers such a query from what was stored when

- the query may be stored (:func:`storable`: a rule, KPI or linkage query, or a view whose
  header says ``// stored: yes``; rows placed by ``street_id`` / ``community_id``),
- the graph was not loaded again or written to since (the load's ``load_id``; any write
  through the store forgets the graph's results, :meth:`Store.write`),
- and the same query text with the same parameters, street and community aside, was stored
  (a different date, an edited ``.cypher`` file or another ``linkage.toml`` window is a
  different key, so it runs live).

Street and community are applied to the stored district rows the way the queries apply
their ``$street_id`` / ``$community_id`` (a test checks every stored query, street by street,
on both engines); an account's scope and masking apply after, exactly as on live rows.

>>> storable(catalog.get("building_without_group")), storable(catalog.get("view_search"))
(True, False)
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import hashlib
import json
import threading
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from orgnet.graph.stores.bound import ordered
from orgnet.graph.stores.base import META_LABEL, STORED_LABEL as S, Store
from orgnet.queries import catalog
from orgnet.queries.reads import StoredRead, stored_query_ids, stored_reads
from orgnet.queries.scope import AREA_COLUMNS

#: query kinds whose results are stored at load
STORED_KINDS: tuple[str, ...] = ("rule", "kpi", "linkage")
#: rows per stored chunk (one node each; keeps a single write and read small)
CHUNK_ROWS = 4000

#: the chunks of one generation: ``gen`` 0 matches those stored before generations existed
_GEN = "coalesce(r.gen, 0) = $gen"
_READ = (f"MATCH (r:{S} {{graph: $graph, load_id: $load_id, result: $result}}) WHERE {_GEN} "
         f"RETURN r.chunk AS chunk, r.chunks AS chunks, r.data AS data ORDER BY chunk")
#: every chunk's number, and its rows only where the chunk holds the street or community asked for
#: (chunks stored before they listed their places are always read)
_READ_PLACED = (f"MATCH (r:{S} {{graph: $graph, load_id: $load_id, result: $result}}) WHERE {_GEN} "
                f"RETURN r.chunk AS chunk, "
                f"CASE WHEN ($street_id IS NULL OR r.streets IS NULL OR $street_id IN r.streets) "
                f"AND ($community_id IS NULL OR r.communities IS NULL OR $community_id IN r.communities) "
                f"THEN r.data END AS data ORDER BY chunk")
#: one row (none when nothing is current for the load): the current generation of a load's
#: stored results, named by the snapshot's facts record, with each result and its chunks
_MANIFEST = (f"MATCH (f:{S} {{key: $facts}}) WHERE f.load_id = $load_id "
             f"MATCH (r:{S} {{graph: $graph, load_id: $load_id, chunk: 0}}) "
             f"WHERE coalesce(r.gen, 0) = coalesce(f.gen, 0) "
             f"RETURN coalesce(f.gen, 0) AS gen, collect([r.result, r.chunks]) AS results")
_PLACES = (f"MATCH (r:{S} {{graph: $graph, load_id: $load_id, result: $result, chunk: 0}}) WHERE {_GEN} "
           f"RETURN r.places AS places")
#: the generation the facts record names (none: no row)
_CURRENT = f"MATCH (r:{S} {{key: $key}}) RETURN coalesce(r.gen, 0) AS gen"
#: the chunks of every generation older than the current one (of any load of the graph)
_REMOVE_OLDER = (f"MATCH (r:{S} {{graph: $graph}}) WHERE r.chunk IS NOT NULL AND coalesce(r.gen, 0) < $gen "
                 f"DELETE r")
_WRITE = (f"UNWIND $rows AS row CREATE (r:{S}) SET r = row")

_live: contextvars.ContextVar[bool] = contextvars.ContextVar("orgnet_stored_live", default=False)
#: (address, graph, load id) → (its current generation, {result key: chunks}), kept when complete
_manifests: dict[tuple[str, str, str], tuple[int, dict[str, int]]] = {}
_lock = threading.Lock()


def storable(q: catalog.Query) -> bool:
    """Whether a query's results are stored at load (see the module docstring)."""
    if q.meta.get("stored", "").lower() == "no":
        return False
    if q.kind not in STORED_KINDS and q.meta.get("stored", "").lower() != "yes":
        return False
    return all(c in q.columns for c in AREA_COLUMNS) and q.meta.get("scope", "area").startswith("area")


def result_key(q: catalog.Query, values: dict[str, Any]) -> str:
    """What identifies a stored result: the query's text and its parameters but street and
    community (an edited file or another date is another key).

    >>> q = catalog.get("building_without_group")
    >>> result_key(q, {"as_of": "2026-06-30", "street_id": "S1"}) == result_key(q, {"as_of": "2026-06-30"})
    True
    """
    rest = {k: v for k, v in sorted(values.items()) if k not in AREA_COLUMNS}
    text = q.id + "\n" + q.text + "\n" + json.dumps(rest, sort_keys=True, default=str, ensure_ascii=False)
    return q.id + ":" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


@contextlib.contextmanager
def live() -> Iterator[None]:
    """Run catalog queries on the engine inside this block (benchmarks, the oracle tests)."""
    token = _live.set(True)
    try:
        yield
    finally:
        _live.reset(token)


def _name(store: Store, graph: str | None) -> str:
    """The snapshot ``graph`` names (Neo4j Community: the default name means the live one), the
    name its results were stored under."""
    from orgnet.graph.snapshots import snapshot_name

    return snapshot_name(store, graph)


def _raw(store: Store) -> Store:
    """The store itself behind an account's scoped store: stored results are district rows,
    which the runner narrows to the account's scope after reading them."""
    return store.inner


#: how long a graph's load id read from its metadata is reused in this process (a burst of
#: queries, such as a page's or a diff's, reads it once; a newer load is seen after this)
LOAD_ID_TTL_S = 1.0
_load_ids: dict[tuple[str, str], tuple[float, str | None]] = {}


def _load_id(store: Store, graph: str | None) -> str | None:
    from orgnet.graph.load import META_QUERY

    g = graph or store.default_graph
    key, now = (store.address, g), time.monotonic()
    with _lock:
        found = _load_ids.get(key)
    if found and now - found[0] < LOAD_ID_TTL_S:
        return found[1]
    try:
        rows = store.read(META_QUERY, graph=g)
        load_id = (dict(rows[0]["m"]).get("load_id") or None) if rows else None
    except Exception:  # noqa: BLE001 - no graph: a facts-only snapshot's load, else the query runs live and says why
        load_id = _facts_load_id(store, g)
    with _lock:
        _load_ids[key] = (now, load_id)
    return load_id


def _facts_load_id(store: Store, graph: str) -> str | None:
    """The load id of a facts-only snapshot (Neo4j Community: not the live graph), else None."""
    from orgnet.graph.snapshots import kept_facts, single_graph

    if not single_graph(store):
        return None
    try:
        return (kept_facts(store).get(graph) or {}).get("load_id") or None
    except Exception:  # noqa: BLE001 - the ledger unreadable: the query runs live and says why
        return None


def facts_only(store: Any, graph: str | None) -> bool:
    """Whether ``graph`` is a facts-only snapshot of the store (its results can be read, its
    graph cannot be browsed: Neo4j Community holds another one live)."""
    from orgnet.graph.snapshots import kept_facts, single_graph

    store = _raw(store)
    if not single_graph(store):
        return False
    g = _name(store, graph)
    return g not in store.list_graphs() and g in kept_facts(store)


def refuse_facts_only(store: Any, graph: str | None, cause: Exception | None = None) -> None:
    """Raise :class:`orgnet.errors.FactsOnly` when ``graph`` is a facts-only snapshot (what was
    asked for is no stored result: it needs the live graph)."""
    from orgnet.graph.snapshots import not_browsable

    raw = _raw(store)
    if facts_only(raw, graph):
        raise not_browsable(graph or raw.default_graph, next(iter(raw.list_graphs()), None)) from cause


def _manifest(store: Store, graph: str, load_id: str) -> tuple[int, dict[str, int]]:
    key = (store.address, graph, load_id)
    with _lock:
        found = _manifests.get(key)
    if found is None:
        found = _read_current(store, graph, load_id)
        if not set(expected_queries()) - {k.split(":", 1)[0] for k in found[1]}:
            with _lock:  # kept only when complete (a generation made current with a query failed is not)
                _manifests[key] = found
    return found


def _read_current(store: Store, graph: str, load_id: str) -> tuple[int, dict[str, int]]:
    """(the current generation, {result key: chunks}) of a load's stored results ({} when none)."""
    from orgnet.graph.snapshots import facts_key

    rows = store.ledger_read(_MANIFEST, {"facts": facts_key(graph), "graph": graph, "load_id": load_id})
    if not rows:
        return 0, {}
    return int(rows[0]["gen"]), {str(key): int(chunks) for key, chunks in rows[0]["results"]}


def _read_manifest(store: Store, graph: str, load_id: str) -> dict[str, int]:
    """{result key: chunks} of the current generation of a load's stored results (empty when none)."""
    return _read_current(store, graph, load_id)[1]


def _forget_manifest(store: Store, graph: str) -> None:
    with _lock:
        _load_ids.pop((store.address, graph), None)
        for key in [k for k in _manifests if k[0] == store.address and k[1] == graph]:
            del _manifests[key]


def _place_counts(rows: list[dict]) -> list[dict]:
    """How many rows per (street, community)."""
    counts = Counter(tuple(r.get(p) for p in AREA_COLUMNS) for r in rows)
    return [{**dict(zip(AREA_COLUMNS, place)), "n": n} for place, n in counts.items()]


def _place_order(row: dict) -> tuple[str, str]:
    return tuple(str(row.get(p) or "") for p in AREA_COLUMNS)  # type: ignore[return-value]


def _chunk_places(rows: list[dict]) -> dict[str, list[str]]:
    """The streets and communities a chunk's rows lie in, so that a street's lookup reads only
    the chunks holding it: ``{"streets": [...], "communities": [...]}``."""
    return {name: sorted({str(r[p]) for r in rows if r.get(p) is not None})
            for name, p in (("streets", "street_id"), ("communities", "community_id"))}


def _pack(columns: list[str], rows: list[dict]) -> str:
    data = json.dumps({"c": columns, "r": [[r.get(c) for c in columns] for r in rows]},
                      ensure_ascii=False, separators=(",", ":"), default=str)
    return base64.b64encode(zlib.compress(data.encode("utf-8"), 6)).decode("ascii")


def _unpack(data: str) -> list[dict]:
    doc = json.loads(zlib.decompress(base64.b64decode(data)).decode("utf-8"))
    cols = doc["c"]
    return [dict(zip(cols, row)) for row in doc["r"]]


def lookup(store: Any, q: catalog.Query, values: dict[str, Any], graph: str | None, *,
           counted: bool = False) -> list[dict] | None:
    """The stored rows of ``q`` with ``values`` (street and community applied), or None when
    they must be read live. District rows: a scoped store's caller narrows them to its scope.

    ``counted``: instead of the rows, how many there are per street and community (rows
    ``street_id, community_id, n``; kept at load, so counting reads no gap row)."""
    if _live.get() or not storable(q):
        return None
    store = _raw(store)
    g = _name(store, graph)
    load_id = _load_id(store, g)
    if not load_id:
        return None
    key = result_key(q, values)
    gen, manifest = _manifest(store, g, load_id)
    chunks = manifest.get(key)
    if chunks is None:
        return None
    params = {"graph": g, "load_id": load_id, "result": key, "gen": gen}
    placed = {p: values[p] for p in AREA_COLUMNS if values.get(p) not in (None, "")}
    if counted:
        found = store.ledger_read(_PLACES, params)
        rows = _unpack(found[0]["places"]) if found and found[0].get("places") else None
    elif placed:  # only the chunks that hold the place (a street's rows are a few of a city's)
        found = store.ledger_read(_READ_PLACED, {**params, **{p: placed.get(p) for p in AREA_COLUMNS}})
        rows = ([r for part in found if part["data"] is not None for r in _unpack(part["data"])]
                if len(found) == chunks else None)
    else:
        found = store.ledger_read(_READ, params)
        rows = [r for part in found for r in _unpack(part["data"])] if len(found) == chunks else None
    if rows is None:  # forgotten, or an older generation removed meanwhile
        _forget_manifest(store, g)
        return None
    if not placed:
        return rows
    return [r for r in rows if _placed(r, values)]


def _placed(row: dict, values: dict[str, Any]) -> bool:
    return all(values.get(p) in (None, "") or row.get(p) == values[p] for p in AREA_COLUMNS)


@dataclass
class StoredResults:
    """What :func:`store_results` kept: how many results and rows, and how long it took."""

    graph: str
    as_of: str | None
    results: int = 0
    rows: int = 0
    seconds: float = 0.0
    keys: list[str] = field(default_factory=list)
    #: the generation the results were written under (:func:`new_generation`)
    generation: int = 0
    #: queries that could not be computed (``name: reason``); they run live when asked for
    failed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"graph": self.graph, "as_of": self.as_of, "results": self.results, "rows": self.rows,
                "seconds": round(self.seconds, 3), "failed": self.failed}


#: reads computed side by side by :func:`store_results` (the embedded engine's threads are
#: shared with the app's readers)
COMPUTE_WORKERS = 2


def _compute(store: Store, graph: str, reads: list[StoredRead], sink: "_Sink") -> list[str]:
    """Each read on the engine (``live``: never an earlier stored result), up to the longest
    timeout allowed (a batch job after a load), a few at a time, each result written by ``sink``
    as soon as it is computed (a city's rows are never all held at once). Returns what failed
    (``name: reason``); those run live when asked for."""
    from concurrent.futures import ThreadPoolExecutor

    from orgnet.errors import OrgnetError
    from orgnet.settings import limits

    timeout = limits().query_timeout_max_s

    def job(read: StoredRead) -> None:
        sink.write(read, catalog.run(store, read.query, read.params, graph=graph, timeout_s=timeout, live=True))

    failed: list[str] = []
    with ThreadPoolExecutor(max_workers=COMPUTE_WORKERS) as pool:
        futures = [(read.query, pool.submit(job, read)) for read in reads]
        for name, future in futures:
            try:
                future.result()
            except OrgnetError as e:  # a timeout, the engine's memory limit: that one runs live later
                failed.append(f"{name}: {e}")
            except BaseException:  # anything else ends the run (never made current): the rest not begun
                for _, rest in futures:
                    rest.cancel()
                raise
    return failed


@dataclass
class _Sink:
    """Where :func:`store_results` writes each result it computed (from several threads)."""

    store: Store
    out: "StoredResults"
    load_id: str
    #: the generation written (:func:`new_generation`); current only once all are written
    gen: int
    lock: threading.Lock = field(default_factory=threading.Lock)

    def write(self, read: StoredRead, rows: list[dict]) -> None:
        q = catalog.get(read.query)
        key = result_key(q, q.bind(read.params))
        graph, as_of = self.out.graph, self.out.as_of
        if not ordered(q.text):  # rows in no set order: a place's rows kept together
            rows = sorted(rows, key=_place_order)
        parts = [rows[i:i + CHUNK_ROWS] for i in range(0, len(rows), CHUNK_ROWS)] or [[]]
        columns = list(q.columns) or sorted({c for r in rows for c in r})
        nodes = [{"key": f"{graph}|{self.gen}|{key}|{i}", "graph": graph, "load_id": self.load_id,
                  "gen": self.gen, "result": key, "query": q.id, "chunk": i, "chunks": len(parts), "as_of": as_of,
                  "data": _pack(columns, part), **_chunk_places(part)} for i, part in enumerate(parts)]
        nodes[0]["places"] = _pack([*AREA_COLUMNS, "n"], _place_counts(rows))
        with self.lock:
            self.store.ledger_write(_WRITE, {"rows": nodes})
            self.out.results += 1
            self.out.rows += len(rows)
            self.out.keys.append(key)


def store_results(store: Store, graph: str) -> StoredResults:
    """Compute and keep a snapshot's results at its reference date (after every load): each
    read of :func:`orgnet.queries.reads.stored_reads` run on the engine and written as it comes.
    District rows: the store itself, never an account's view of it.

    >>> store_results(store, "2026Q1").results        # doctest: +SKIP
    41
    """
    from orgnet.errors import AccessDenied
    from orgnet.graph.load import graph_info
    from orgnet.queries.linkage import config_for

    if store.inner is not store:
        raise AccessDenied("保存结果需要区级管理员直接访问数据库 / stored results are district rows: "
                           "store them with the store itself, not an account's view of it")
    start = time.perf_counter()
    info = graph_info(store, graph)
    load_id, as_of = info.get("load_id"), catalog.snapshot_date(info)
    out = StoredResults(graph=graph, as_of=as_of)
    if not info.get("loaded_at"):
        out.failed.append(f"{graph}: no load metadata (not loaded by `orgnet load`)")
        return out
    if not load_id:  # loaded by an orgnet before stored results: give this load its id now
        load_id = uuid.uuid4().hex
        store.write(f"MATCH (m:{META_LABEL} {{key: 'meta'}}) SET m.load_id = $id", {"id": load_id}, graph=graph)
    store.ledger_setup()
    out.generation = new_generation()
    # written beside what is current (readers keep reading it), made current once all are written
    out.failed = _compute(store, graph, stored_reads(as_of, config_for()),
                          _Sink(store, out, load_id, out.generation))
    _switch(store, graph, {**info, "load_id": load_id}, out.generation)
    out.seconds = time.perf_counter() - start
    return out


def new_generation() -> int:
    """A fresh generation number for a storing run: nanoseconds since the epoch, rising within
    this process (a run started later has the greater number, so it wins the switch)."""
    global _last_gen
    with _lock:
        _last_gen = max(_last_gen + 1, time.time_ns())
        return _last_gen


_last_gen = 0


def _switch(store: Store, graph: str, info: dict[str, Any], gen: int) -> None:
    """Make generation ``gen`` of the graph's results current in one write: the snapshot's facts
    record (what lists and dates it once its graph is no longer live, Neo4j Community:
    ``graph.snapshots``) names it, unless a newer one is current already; then remove the chunks
    of every older generation (an earlier run, a run killed midway, an earlier load)."""
    from orgnet.graph.snapshots import FACTS_FIELDS, FACTS_WRITE, facts_key

    key = facts_key(graph)
    props = {k: info[k] for k in FACTS_FIELDS if info.get(k) is not None}
    switched = store.ledger_write(FACTS_WRITE, {"key": key, "gen": gen, "props": {**props, "graph": graph, "gen": gen}})
    current = gen if switched else max([int(r["gen"]) for r in store.ledger_read(_CURRENT, {"key": key})] or [gen])
    _forget_manifest(store, graph)
    store.ledger_write(_REMOVE_OLDER, {"graph": graph, "gen": current})


def forget(store: Store, graph: str) -> None:
    """Drop a graph's stored results (``Store.forget_stored``) and what this process remembers."""
    _forget_manifest(store, graph)
    store.forget_stored(graph)


def expected_queries() -> list[str]:
    """The queries :func:`store_results` stores for every snapshot (the table of stored reads,
    :func:`orgnet.queries.reads.stored_reads`)."""
    return stored_query_ids()


def missing(store: Any, graph: str) -> list[str]:
    """The expected queries with no stored result for the graph's current load (all of them
    when it has none)."""
    store = _raw(store)
    load_id = _load_id(store, graph)
    have = {key.split(":", 1)[0] for key in (_read_manifest(store, graph, load_id) if load_id else {})}
    return [q for q in expected_queries() if q not in have]


def has_results(store: Any, graph: str) -> bool:
    """Whether every expected result of the graph's current load is stored."""
    return not missing(store, graph)


__all__ = ["missing", "expected_queries", "STORED_KINDS", "AREA_COLUMNS", "storable", "result_key", "live", "lookup",
           "store_results", "new_generation", "forget", "has_results", "facts_only", "refuse_facts_only", "StoredResults", "StoredRead", "stored_reads"]
