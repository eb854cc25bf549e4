"""Load a validated :class:`~orgnet.model.Dataset` into a store (the graph model of
docs/input.md: each row with an ``id`` is one node, reference columns and link tables become
relationships).

Indexes first, then nodes table by table (``UNWIND $rows AS row MERGE (n:Label {id: row.id})
SET n += row.props``), then relationships type by type (``MATCH`` both ends on their
indexed ``id``, ``MERGE`` the relationship). Labels and relationship types are constants
from the model; values only travel as parameters. ``MERGE`` makes loading idempotent.

``replace=True`` (and any load into a graph that does not exist yet) writes a complete
new graph aside and swaps it in at the end, so readers see the old graph or the new one,
never a half-written one — even when the load is killed.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from orgnet.model import (
    AREA_LABELS, TABLE_LABELS, AreaLevel, Dataset, Label, Rel, node_properties, relationships,
)
from orgnet.graph.stores.base import META_LABEL, GraphWriter, Store, Writer, check_graph_name
from orgnet.errors import NotLoaded
from orgnet.settings import DEFAULT_GRAPH

BATCH_SIZE = 5000


@dataclass
class LoadResult:
    graph: str
    nodes: int = 0  # node rows written (equals the graph's node count after a replace)
    relationships: int = 0  # relationship rows written
    seconds: float = 0.0  # writing, schema and swap included; persisting not
    persist_seconds: float = 0.0  # making the load crash-safe (embedded store: AOF rewrite)
    replaced: bool = False
    tables: dict[str, int] = field(default_factory=dict)  # rows written per table / rel type
    #: what the store could not do (e.g. Neo4j without the right to replan): the CLI and the
    #: app show these after the load
    warnings: list[str] = field(default_factory=list)
    #: phases the store timed itself (Neo4j's staged load: ``swap_s``, ``delete_old_s``)
    phases: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"graph": self.graph, "nodes": self.nodes, "relationships": self.relationships,
                "seconds": round(self.seconds, 3), "persist_seconds": round(self.persist_seconds, 3),
                "replaced": self.replaced, "warnings": list(self.warnings),
                "phases": {k: round(v, 3) for k, v in self.phases.items()}}


def node_groups(dataset: Dataset) -> list[tuple[str, tuple[str, ...], list[dict]]]:
    """[(table, labels, rows)] — one entry per table (areas: one per level, with its second
    label); rows are ``{"id", "props"}``."""
    out = []
    for table, label in TABLE_LABELS.items():
        rows = dataset.rows(table)
        if not rows:
            continue
        if table == "areas":
            by_level: dict[str, list[dict]] = defaultdict(list)
            for r in rows:
                by_level[r["level"]].append({"id": r["id"], "props": node_properties(table, r)})
            for level, items in by_level.items():
                second = AREA_LABELS[AreaLevel(level)].value
                out.append((f"areas:{level}", (Label.Area.value, second), items))
        else:
            out.append((table, (label.value,), [{"id": r["id"], "props": node_properties(table, r)}
                                                 for r in rows]))
    return out


def node_batches(dataset: Dataset, fresh: bool = False) -> list[tuple[str, str, list[dict]]]:
    """[(table, cypher, rows)] — one entry per table (areas: one per level).

    ``fresh``: the target graph is empty (a staging graph), so CREATE replaces MERGE.
    """
    out = []
    for table, labels, items in node_groups(dataset):
        first, rest = labels[0], labels[1:]
        if fresh:
            cypher = f"UNWIND $rows AS row CREATE (n:{':'.join(labels)}) SET n = row.props"
        else:
            cypher = f"UNWIND $rows AS row MERGE (n:{first} {{id: row.id}}) "
            cypher += "".join(f"SET n:{x} " for x in rest) + "SET n += row.props"
        out.append((table, cypher, items))
    return out


def _id_labels(dataset: Dataset) -> dict[str, str]:
    labels: dict[str, str] = {}
    for table, label in TABLE_LABELS.items():
        for r in dataset.rows(table):
            labels[r["id"]] = label.value
    return labels


def relationship_groups(dataset: Dataset, fresh: bool = False
                        ) -> list[tuple[str, Rel, str, str, tuple[str, ...], list[dict]]]:
    """[(name, type, from label, to label, key properties, rows)], rows ``{"src", "dst",
    "props"}`` without empty properties; grouped by (type, from label, to label) so MATCH uses
    indexes.

    ``fresh``: the graph holds no relationships yet; rows that MERGE would collapse are
    collapsed here (the last row's properties win) so they can be CREATEd.
    """
    labels = _id_labels(dataset)
    groups: dict[tuple[Rel, str, str, tuple[str, ...]], list[dict]] = defaultdict(list)
    for rel, src, dst, props, keys in relationships(dataset):
        a, b = labels.get(src), labels.get(dst)
        if a is None or b is None:  # validated datasets never get here
            continue
        groups[(rel, a, b, keys)].append({"src": src, "dst": dst, "props": props})
    out = []
    for (rel, a, b, keys), rows in groups.items():
        if fresh:
            merged: dict[tuple, dict] = {}
            for row in rows:  # what MERGE would do: the last row's properties win
                ident = (row["src"], row["dst"], *(row["props"].get(k) for k in keys))
                if ident in merged:
                    merged[ident]["props"].update(row["props"])
                else:
                    merged[ident] = row
            rows = list(merged.values())
        for row in rows:
            row["props"] = {k: v for k, v in row["props"].items() if v is not None}
        out.append((f"{rel.value} {a}→{b}", rel, a, b, keys, rows))
    return out


def relationship_batches(dataset: Dataset, fresh: bool = False) -> list[tuple[str, str, list[dict]]]:
    """[(name, cypher, rows)] of :func:`relationship_groups`: ``MATCH`` both ends on their
    indexed ``id``, then ``CREATE`` (``fresh``) or ``MERGE`` the relationship."""
    out = []
    for name, rel, a, b, keys, rows in relationship_groups(dataset, fresh):
        has_props = any(row["props"] for row in rows)
        match = f"UNWIND $rows AS row MATCH (a:{a} {{id: row.src}}) MATCH (b:{b} {{id: row.dst}}) "
        if fresh:
            cypher = match + f"CREATE (a)-[r:{rel.value}]->(b)"
        else:
            key = "".join(f", {k}: row.props.{k}" for k in keys).lstrip(", ")
            key = f" {{{key}}}" if key else ""
            cypher = match + f"MERGE (a)-[r:{rel.value}{key}]->(b)"
        if has_props:
            cypher += " SET r += row.props"
        out.append((name, cypher, rows))
    return out


#: ``hook(table, rows written, rows in the table)``: called when a table starts (0) and after
#: each batch; a table is a node table (``members``, ``areas:building``) or a relationship
#: group (``MEMBER_OF Member→PartyOrg``)
ProgressHook = Callable[[str, int, int], None]


def terminal_progress() -> ProgressHook:
    """A tqdm bar per table, drawn on a terminal only (so logs and pipes stay clean)."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def hook(table: str, done: int, total: int) -> None:
        bar = bars.get(table)
        if bar is None:
            bar = bars[table] = tqdm(total=total, desc=table, unit="row", leave=False, disable=None)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return hook


def progress_hook(progress: bool | ProgressHook | None) -> ProgressHook | None:
    """``True``: the terminal's bars; a callable: itself; otherwise none."""
    if progress is True:
        return terminal_progress()
    return progress if callable(progress) else None


def _write_all(writer: Writer, batches: Iterable[tuple[str, str, list[dict]]],
               hook: ProgressHook | None, result: LoadResult, batch_size: int) -> int:
    total = 0
    for name, cypher, rows in batches:
        step = None
        if hook is not None:
            hook(name, 0, len(rows))
            done = [0]

            def step(n: int, name: str = name, size: int = len(rows), done: list = done) -> None:
                done[0] += n
                hook(name, done[0], size)
        n = writer.write_batches(cypher, rows, batch_size=batch_size, progress=step)
        result.tables[name] = result.tables.get(name, 0) + n
        total += n
    return total


class _Later:
    """A list still being built (a future): iterating it waits for it."""

    def __init__(self, future):
        self.future = future

    def __iter__(self):
        return iter(self.future.result())


def _write_whole(writer: Writer, dataset: Dataset, hook: ProgressHook | None, result: LoadResult,
                 batch_size: int) -> bool:
    """Write the whole dataset into an empty graph at once when the writer can (FalkorDB's
    bulk protocol: ``write_graph``); False when it cannot, and nothing was written."""
    # the relationship rows are built while the server writes the nodes (writers iterate them
    # after the nodes)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="orgnet-rels") as pool:
        later = pool.submit(lambda: [(name, rel.value, rows) for name, rel, _, _, _, rows
                                     in relationship_groups(dataset, fresh=True)])
        nodes = node_groups(dataset)
        written = writer.write_graph(nodes, _Later(later), hook, batch_size)
        rels = later.result()
    if written is None:
        return False
    result.tables.update(written)
    result.nodes = sum(len(rows) for _, _, rows in nodes)
    result.relationships = sum(len(rows) for _, _, rows in rels)
    return True


def load_dataset(store: Store, dataset: Dataset, *, graph: str = DEFAULT_GRAPH, replace: bool = False,
                 progress: bool | ProgressHook = False, batch_size: int = BATCH_SIZE,
                 as_of: str | None = None, series: str | None = None,
                 preset: str | None = None, locked: bool = False) -> LoadResult:
    """Write ``dataset`` into ``graph``; see the module docstring for the guarantees.

    ``preset``: the synthetic preset the dataset was generated from (``orgnet demo`` marks its
    loads so: it replaces only its own data, never someone's ledgers).

    ``progress``: ``True`` draws a bar per table on a terminal; a :data:`ProgressHook` is told
    each table's progress instead (the app's Import page draws its own bars with it).

    ``as_of``: the dataset's reference date (the day its ledgers describe); the app and the
    CLI evaluate rules on it unless told another date (``queries.catalog.snapshot_date``).
    Without it, the date the dataset records (its ``dataset`` table) is used.

    ``series``: the series (district) the snapshot belongs to; default ``dataset.series``
    (its title, else its district), else the graph's name (``graph.snapshots``).

    ``locked``: the caller already holds ``store.load_lock(graph)`` (``orgnet load`` takes it
    before validating, so a second load is refused at once); else it is taken here.
    """
    as_of = as_of or dataset.as_of
    check_graph_name(graph)
    start = time.perf_counter()
    result = LoadResult(graph=graph)
    hook = progress_hook(progress)

    def fill(writer: Writer, fresh: bool) -> None:
        if not (fresh and _write_whole(writer, dataset, hook, result, batch_size)):
            # the relationship rows are built while the server writes the nodes
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="orgnet-rels") as pool:
                rels = pool.submit(relationship_batches, dataset, fresh)
                result.nodes = _write_all(writer, node_batches(dataset, fresh), hook, result, batch_size)
                result.relationships = _write_all(writer, rels.result(), hook, result, batch_size)
        meta = {
            "loaded_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "load_id": uuid.uuid4().hex,  # this load, even two in one second (stored results)
            "snapshot": graph,  # the name belongs to the data (a single Neo4j database holds one)
            "source": source_name(dataset.source),
            "nodes": result.nodes, "relationships": result.relationships,
            "tables": ";".join(f"{t}={n}" for t, n in dataset.counts().items() if n),
        }
        if as_of:
            meta["as_of"] = as_of
        meta["series"] = (series or "").strip() or dataset.series or graph
        if preset:
            meta["preset"] = preset
        writer.write_meta(meta)

    # a second load of this graph is refused while this one runs
    with contextlib.nullcontext() if locked else store.load_lock(graph):
        if replace or not store.graph_exists(graph):
            result.replaced = True
            with store.replacing(graph) as writer:
                fill(writer, True)
        else:
            store.setup_schema(graph)
            fill(GraphWriter(store, graph), False)
        store.forget_stored(graph)  # what was stored for the previous load no longer holds
        result.seconds = time.perf_counter() - start
        warned = list(store.warnings)
        result.persist_seconds = store.persist(graph)
        result.warnings = [w for w in store.warnings if w not in warned]
        result.phases = dict(store.load_timings)
    return result


#: a graph's load metadata (no personal data: every account may read it)
META_QUERY = f"MATCH (m:{META_LABEL} {{key: 'meta'}}) RETURN m"


def graph_info(store: Store, graph: str | None = None) -> dict[str, Any]:
    """Metadata of a graph: loaded_at, source, counts (empty dict when never loaded)."""
    g = graph or store.default_graph
    if not store.graph_exists(g):
        return {}
    rows = store.read(META_QUERY, graph=g)
    info = dict(rows[0]["m"]) if rows else {}
    info.pop("_labels", None)
    info.pop("key", None)
    info["graph"] = g
    return info


def source_name(source: str | None) -> str:
    """What the load metadata keeps of where the ledgers came from: the file or folder name only
    (the database may be shared: an operator's local path, ``/home/张三/台账/2026Q2``, stays local)."""
    return re.split(r"[\\/]", str(source or "").rstrip("/\\"))[-1]


def is_loaded(info: dict[str, Any]) -> bool:
    """Whether ``graph_info`` describes a load (an empty or restarted-empty graph has none)."""
    return bool(info.get("load_id") or info.get("loaded_at"))


def require_loaded(store: Store, graph: str | None = None) -> dict[str, Any]:
    """``graph_info`` of a graph that holds a load; else :class:`NotLoaded` naming what to run
    (an empty database must never read as a district without gaps)."""
    info = graph_info(store, graph)
    if not is_loaded(info):
        g = graph or store.default_graph
        raise NotLoaded(f"快照 {g} 尚未导入数据（没有导入记录：从未导入、已清空，或数据库重启后为空）。"
                        f"请运行 `orgnet load 台账目录 --graph {g}`，或 `orgnet demo` 载入示例数据。"
                        f" / Graph {g} holds no loaded data: run `orgnet load LEDGER_DIR --graph {g}`"
                        f" (or `orgnet demo`).")
    return info

