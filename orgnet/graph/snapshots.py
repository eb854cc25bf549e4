"""Snapshots: loaded graphs with their reference date, ordered in time.

A snapshot is any graph a load wrote (``orgnet load DATA --graph 2026Q1 --as-of 2026-03-31``);
its reference date is the ``as_of`` of its load metadata (:func:`orgnet.graph.load.graph_info`),
given on the command line or recorded by the dataset itself (its ``dataset`` table, 数据集
统计日期, which ``orgnet generate --quarters`` fills per quarter). The follow-up ledger's own
graph is never a snapshot.

Every snapshot belongs to a **series**: the district whose ledgers it holds,
named by its load (``orgnet load --series``, else the dataset's title without its period
tag, else its district: :attr:`orgnet.model.Dataset.series`). Snapshots are compared, and
the follow-up ledger synced, only within one series. A snapshot loaded before series existed
gets its districts' "id name" (read from the graph), else its graph name.

A snapshot is **live** (its graph is in the store: every page can browse it) or **facts-only**.
Neo4j Community holds one database, so one live graph: an earlier quarter replaced by a later
load stays readable through the facts stored at its load (:mod:`orgnet.queries.stored`: rules,
KPIs, linkage, entities — what ``orgnet diff``, the Changes page, the Overview's trend and the
follow-up ledger read), kept per snapshot name with a record of its load metadata
(:data:`FACTS_LABEL` nodes ``kind: 'snapshot'``, written by ``store_results``). On the embedded
store every snapshot is a graph of its own: all are live.
"""

from __future__ import annotations

import re

from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

from orgnet.errors import FactsOnly, InputError, NotLoaded
from orgnet.graph.load import graph_info
from orgnet.graph.stores.base import LEDGER_GRAPH, STAGING_SUFFIX, STORED_LABEL, Store
from orgnet.model import Label, series_name


@dataclass(frozen=True)
class Snapshot:
    """One loaded graph: name, reference date (None when unknown), counts, load time and the
    load's id (what its stored results are kept under)."""

    name: str
    as_of: str | None
    nodes: int
    relationships: int
    loaded_at: str | None
    source: str = ""
    series: str = ""
    load_id: str | None = None
    #: ``live`` (its graph is in the store) or ``facts`` (only its stored facts: Neo4j Community)
    state: str = "live"

    @property
    def live(self) -> bool:
        return self.state == LIVE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


LIVE, FACTS = "live", "facts"
#: the label of a snapshot's facts record (beside its stored results, outside every graph)
FACTS_LABEL = STORED_LABEL
#: the load metadata a facts record keeps (what a :class:`Snapshot` is made of)
FACTS_FIELDS = ("as_of", "series", "nodes", "relationships", "loaded_at", "source", "load_id")
#: write a snapshot's facts record (one per snapshot name: a later load of the name replaces it),
#: which names the current generation ``gen`` of its stored results (:mod:`orgnet.queries.stored`):
#: written only when no newer generation is current (returns a row when written)
FACTS_WRITE = (f"MERGE (r:{FACTS_LABEL} {{key: $key}}) WITH r WHERE r.gen IS NULL OR r.gen <= $gen "
               f"SET r = $props, r.key = $key, r.kind = 'snapshot' RETURN r.gen AS gen")
#: every facts record
FACTS_READ = f"MATCH (r:{FACTS_LABEL} {{kind: 'snapshot'}}) RETURN r ORDER BY r.graph"


def facts_key(graph: str) -> str:
    """The key of ``graph``'s facts record (unique among the stored results' keys)."""
    return f"{graph}|snapshot"


def single_graph(store: Store) -> bool:
    """Whether the store holds one live graph, so earlier snapshots are facts-only (Neo4j
    Community Edition: one database)."""
    raw = store.inner  # an account's scoped store: the store behind it
    return raw.engine == "neo4j" and raw.edition == "community"


def not_browsable(name: str, live: str | None) -> FactsOnly:
    """The error for browsing a facts-only snapshot (Chinese and English)."""
    now = live or "-"
    return FactsOnly(f"快照 {name} 仅存结果（数据库中在用的是 {now}）：可以比较（变化页、orgnet diff、趋势、督办），"
                     f"不能浏览图谱；要浏览它，请重新导入 {name}（会替换 {now}）。 / Snapshot {name} is facts-only "
                     f"(the database holds {now} live): it can be compared (Changes page, `orgnet diff`, the "
                     f"trend, the follow-up ledger) but not browsed; load it again to browse it (it replaces {now}).")


def snapshot_name(store: Store, graph: str | None) -> str:
    """The snapshot ``graph`` names: itself, except on a store holding one live graph, where the
    built-in default name (no ``--graph``, ORGNET_GRAPH unset) means the live snapshot, whatever
    its name (:meth:`Neo4jStore.snapshot_name`)."""
    return store.inner.snapshot_name(graph)


def live_snapshot(store: Store) -> str | None:
    """Where the store holds one live graph (Neo4j Community): the name of the snapshot it holds
    live (None when it is empty); None on a store where every snapshot is a graph of its own."""
    raw = store.inner
    return raw.live_snapshot() if single_graph(raw) else None


def held_names(store: Store) -> tuple[str | None, list[str]]:
    """(the live snapshot's name or None, the facts-only snapshots' names) of a store holding one
    live graph."""
    live = live_snapshot(store)
    return live, sorted(n for n in kept_facts(store) if n != live)


def not_held(store: Store, name: str) -> "FactsOnly | NotLoaded":
    """The error for reading snapshot ``name`` where one graph is live and it is not that one: a
    facts-only snapshot can be compared, not browsed (:func:`not_browsable`); any other name is
    refused naming the snapshots held, live and facts-only (Chinese and English)."""
    live, facts = held_names(store)
    if name in facts:
        return not_browsable(name, live)
    held_zh = "、".join(([f"{live}（在用）"] if live else []) + [f"{n}（仅存结果）" for n in facts]) or "无"
    held_en = ", ".join(([f"{live} (live)"] if live else []) + [f"{n} (facts-only)" for n in facts]) or "none"
    return NotLoaded(f"快照 {name} 尚未导入数据：数据库中没有它；现有快照：{held_zh}。请用 --graph 选择其中之一，或导入它："
                     f"orgnet load 台账目录 --graph {name}" + (f"（会替换在用的 {live}，{live} 仅保留结果）" if live else "")
                     + f"。 / The database holds no snapshot {name!r}; it holds: {held_en}. Pick one with "
                     f"--graph, or load it: orgnet load LEDGER_DIR --graph {name}"
                     + (f" (it replaces the live {live}, which keeps its stored facts)." if live else "."))


def kept_facts(store: Store) -> dict[str, dict[str, Any]]:
    """{snapshot name: its load metadata} of every facts record the store keeps."""
    rows = store.inner.ledger_read(FACTS_READ)
    out = {}
    for r in rows:
        info = {k: v for k, v in dict(r["r"]).items() if k in (*FACTS_FIELDS, "graph")}
        out[str(info.get("graph"))] = info
    return out


#: the districts of a graph (the series of a snapshot loaded before series existed)
DISTRICTS_QUERY = f"MATCH (d:{Label.District.value}) RETURN d.id AS id, d.name AS name ORDER BY id"


def _legacy_series(store: Store, graph: str) -> str:
    # the store behind an account's scope: district names are no personal data
    rows = store.inner.read(DISTRICTS_QUERY, graph=graph)
    return series_name(None, [(str(r["id"]), str(r.get("name") or "")) for r in rows]) or graph


def _snapshot(store: Store, info: dict[str, Any], state: str = LIVE) -> Snapshot:
    series = str(info.get("series") or "") or (_legacy_series(store, info["graph"]) if state == LIVE
                                               else info["graph"])
    return Snapshot(state=state, name=info["graph"], as_of=info.get("as_of") or None,
                    nodes=int(info.get("nodes") or 0), relationships=int(info.get("relationships") or 0),
                    loaded_at=info.get("loaded_at") or None, source=str(info.get("source") or ""),
                    series=series, load_id=str(info.get("load_id") or "") or None)


def is_snapshot_name(graph: str) -> bool:
    """Whether a graph of the store can be a snapshot (not the ledger, not a staging copy)."""
    return graph != LEDGER_GRAPH and not graph.endswith(STAGING_SUFFIX)


def sort_key(snap: Snapshot) -> tuple:
    """Dated snapshots by date then name; undated ones last, by name."""
    return (snap.as_of is None, snap.as_of or "", snap.name)


def list_snapshots(store: Store, series: str | None = None) -> list[Snapshot]:
    """Every loaded graph of the store as a snapshot (only those of ``series`` when given),
    oldest reference date first."""
    snaps = []
    for graph in store.list_graphs():
        if not is_snapshot_name(graph):
            continue
        info = graph_info(store, graph)
        if info:
            snaps.append(_snapshot(store, info))
    if single_graph(store):  # the earlier snapshots: their stored facts
        live = {s.name for s in snaps}
        snaps += [_snapshot(store, info, FACTS) for name, info in kept_facts(store).items() if name not in live]
    return sorted((s for s in snaps if series is None or s.series == series), key=sort_key)


def series_names(snaps: list[Snapshot]) -> list[str]:
    """The series of ``snaps``, the one with the latest reference date first (then by name)."""
    latest: dict[str, str] = {}
    for s in sorted(snaps, key=sort_key):
        latest[s.series] = max(latest.get(s.series, ""), s.as_of or "")
    return sorted(sorted(latest), key=lambda k: latest[k], reverse=True)


def by_series(snaps: list[Snapshot]) -> dict[str, list[Snapshot]]:
    """``snaps`` grouped by series (order of :func:`series_names`), each oldest first."""
    return {name: sorted((s for s in snaps if s.series == name), key=sort_key) for name in series_names(snaps)}


def check_same_series(old: Snapshot, new: Snapshot) -> None:
    """Raise InputError (Chinese and English) unless both snapshots belong to one series."""
    if old.series != new.series:
        raise InputError(
            f"快照 {old.name}（{old.series}）与 {new.name}（{new.series}）属于不同的数据系列，不能比较；"
            f"请选择同一系列的两个快照 / snapshots {old.name} (series {old.series!r}) and {new.name} "
            f"(series {new.series!r}) belong to different series and cannot be compared: pick two snapshots "
            f"of one series (`orgnet snapshots`)")


def snapshot(store: Store, graph: str) -> Snapshot:
    """One snapshot by name (live, else facts-only where the store holds one graph); an unknown
    name raises InputError naming the loaded ones."""
    graph = snapshot_name(store, graph)
    if single_graph(store) and is_snapshot_name(graph) and graph not in store.list_graphs():
        info = kept_facts(store).get(graph) or {}  # not the live graph: its stored facts, if kept
        if info:
            return _snapshot(store, info, FACTS)
    else:
        info = graph_info(store, graph) if is_snapshot_name(graph) else {}
    if not info:
        known = ", ".join(f"{s.name} ({'live' if s.live else 'facts-only'})" for s in list_snapshots(store)) or "none"
        raise InputError(f"no snapshot {graph!r} in the store (loaded: {known}); "
                         f"load it with `orgnet load DATA --graph {graph} --as-of YYYY-MM-DD`")
    return _snapshot(store, info)


def require_snapshot(store: Store, graph: str | None) -> dict[str, Any]:
    """The load metadata of snapshot ``graph`` (named as :func:`snapshot_name` says): its live
    graph's, else, where the store holds one live graph, its facts record with ``state: "facts"``
    (its rules, KPIs and linkage are then read from the results stored at its load). A name held
    neither way is refused naming the snapshots held (:func:`not_held`); a graph holding no load
    raises :class:`~orgnet.errors.NotLoaded` (an empty database never reads as "no gaps")."""
    from orgnet.graph.load import require_loaded

    raw = store.inner
    g = snapshot_name(raw, graph)
    if single_graph(raw) and g not in raw.list_graphs():
        info = kept_facts(raw).get(g)
        if not info:
            raise not_held(raw, g)
        return {**info, "graph": g, "state": FACTS}
    return require_loaded(store, g)


T = TypeVar("T")


def history(snaps: Sequence[T], name: str,
            fields: Callable[[T], tuple[str, str | None]] = lambda s: (s.name, s.as_of)) -> list[T]:
    """``snaps`` (oldest first) that came before snapshot ``name``, then ``name``'s own; empty
    when it is not among them. A dated snapshot's history holds only earlier dates: another
    snapshot of the same date is the same period under a second name (the demo's default graph
    is a copy of its latest quarter), neither its previous one nor a second point of a trend.
    ``fields`` reads ``(name, as_of)`` (for the pages' dicts: ``lambda s: (s["name"], s["as_of"])``)."""
    keyed = [(fields(s), s) for s in snaps]
    i = next((i for i, ((n, _), _) in enumerate(keyed) if n == name), None)
    if i is None:
        return []
    as_of = keyed[i][0][1]
    if as_of is None:
        return [s for _, s in keyed[: i + 1]]
    return [s for (_, d), s in keyed if d is not None and d < as_of] + [keyed[i][1]]


#: the synthetic presets' tag in a series ("… · 预设 qindu"): it tells series apart, but is not shown
_PRESET_TAG = re.compile(r"\s*·\s*预设\s*\S+\s*$")
_QUARTERS = "一二三四"


def series_title(series: str) -> str:
    """A series as the UI shows it: without a synthetic preset's tag ("咸阳市秦都区模拟数据 · 预设
    qindu" → "咸阳市秦都区模拟数据")."""
    return _PRESET_TAG.sub("", str(series or "")) or str(series or "")


def series_titles(names: Sequence[str]) -> dict[str, str]:
    """{series: its title as the UI shows it}, every title distinct (a select keeps its value by
    the text it shows): two that read alike without their preset tags keep the tag's word
    ("潍坊市潍城区模拟数据（weicheng）"), never "预设".

    >>> series_titles(["甲区模拟数据 · 预设 demo", "甲区模拟数据 · 预设 weicheng", "乙区"])["甲区模拟数据 · 预设 demo"]
    '甲区模拟数据（demo）'
    """
    titles = {n: series_title(n) for n in names}
    counts = Counter(titles.values())

    def told_apart(n: str) -> str:
        tag = str(n).replace(titles[n], "", 1).replace("预设", "").strip(" ·")
        return f"{titles[n]}（{tag or n}）"

    return {n: told_apart(n) if counts[titles[n]] > 1 else titles[n] for n in names}


def display_name(info: dict[str, Any]) -> str:
    """A snapshot as the UI names it: its series (the district's dataset title), the quarter and
    the reference date, e.g. ``咸阳市秦都区 2026年二季度（2026-06-30）``; the graph name only when the
    load recorded no series."""
    series, as_of = series_title(str(info.get("series") or "")), str(info.get("as_of") or "")
    if not series:
        return str(info.get("graph") or info.get("snapshot") or "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
        return f"{series}（{as_of}）" if as_of else series
    quarter = f"{as_of[:4]}年{_QUARTERS[(int(as_of[5:7]) - 1) // 3]}季度"
    return f"{series} {quarter}（{as_of}）"


def display_names(snaps: Sequence[Any]) -> dict[str, str]:
    """{snapshot name: :func:`display_name`} of ``snaps`` (``Snapshot`` objects or dicts with
    name, series, as_of); two that read alike are told apart by their names ("… · 2026Q2")."""
    def info(s: Any) -> dict[str, Any]:
        d = s if isinstance(s, dict) else asdict(s)
        return {"graph": d["name"], "series": d.get("series"), "as_of": d.get("as_of")}

    shown = {info(s)["graph"]: display_name(info(s)) for s in snaps}
    counts = Counter(shown.values())
    return {k: f"{v} · {k}" if counts[v] > 1 else v for k, v in shown.items()}


def previous(snaps: list[Snapshot], name: str) -> Snapshot | None:
    """The snapshot before ``name`` (of an earlier date when it has one), or None."""
    before = history(snaps, name)
    return before[-2] if len(before) > 1 else None


__all__ = ["Snapshot", "LIVE", "FACTS", "FACTS_WRITE", "FACTS_READ", "facts_key", "single_graph", "kept_facts",
           "not_browsable", "not_held", "live_snapshot", "held_names", "snapshot_name", "require_snapshot", "display_name", "display_names", "series_title", "series_titles", "list_snapshots", "snapshot", "previous", "history", "sort_key",
           "is_snapshot_name", "series_names",
           "by_series", "check_same_series"]
