"""One home for loading a snapshot: load → store its results → sync the follow-up ledger.

``orgnet load``, ``orgnet demo`` and the app's Import page all load through
:func:`load_snapshot`; a graph loaded by other means (an older orgnet, a test) is brought up
to date with :func:`after_load`. This module sits above ``queries`` (stored results) and
``ledger`` (the follow-up records), which never import it: the snapshot record and its date
(:class:`Snapshot`, :func:`snapshot_date`) live below, where the queries read them, and are
re-exported here for the layers above.

    >>> loaded = load_snapshot(store, dataset, graph="2026Q1", replace=True)   # doctest: +SKIP
    >>> loaded.kept.results, loaded.synced.closed                              # doctest: +SKIP
    (45, [])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orgnet.graph.load import LoadResult, ProgressHook, load_dataset
from orgnet.graph.snapshots import Snapshot, list_snapshots, live_snapshot, snapshot
from orgnet.graph.stores.base import Store
from orgnet.ledger.service import SyncResult, sync_snapshot
from orgnet.model import Dataset
from orgnet.queries.catalog import snapshot_date
from orgnet.queries.stored import StoredResults, store_results


@dataclass
class Loaded:
    """What :func:`load_snapshot` did: the load, the stored results, the ledger's sync (None
    when the load is no snapshot of its own for the ledger, ``ledger=False``)."""

    written: LoadResult
    kept: StoredResults
    synced: SyncResult | None
    #: the live snapshot this load replaced where the store holds one live graph (Neo4j
    #: Community): it is facts-only now, still compared by its stored results; None otherwise
    superseded: str | None = None


def after_load(store: Store, graph: str, *, as_of: str | None = None,
               ledger: bool = True) -> tuple[StoredResults, SyncResult | None]:
    """What every load runs once the graph is in: store its results, then (``ledger``) bring
    the follow-up ledger up to date with it, reading them. ``as_of``: the date the ledger is
    synced on (default: the snapshot's reference date)."""
    kept = store_results(store, graph)
    return kept, (sync_snapshot(store, graph, as_of=as_of) if ledger else None)


def supersedes(store: Store, graph: str, replace: bool) -> str | None:
    """The live snapshot a load of ``graph`` replaces where the store holds one live graph (None:
    the store is empty, ``graph`` is the live one, or every snapshot is a graph of its own).

    On Neo4j Community a load of a new name replaces the live snapshot without ``--replace``
    when nothing is lost: every result of the live snapshot is stored, so it stays comparable as
    a facts-only snapshot (``orgnet diff``, the Changes page, the trend, the follow-up ledger).
    When some are missing (an older orgnet's load, a query that failed at load) the load is
    refused unless ``replace`` says to replace it anyway; the message says what happens to it."""
    from orgnet.errors import InputError
    from orgnet.queries.stored import missing

    live = live_snapshot(store)
    if live is None or live == graph:
        return None
    lacking = missing(store, live)
    if lacking and not replace:
        raise InputError(
            f"Neo4j 社区版只有一个数据库：导入 {graph} 会替换在用的快照 {live}，而 {live} 的结果未全部保存"
            f"（缺 {len(lacking)} 项，如 {lacking[0]}），替换后将无法完整比较。请先运行 `orgnet snapshots "
            f"--store-results` 保存它的结果（之后它仅存结果，仍可比较），或加 --replace 确认替换。 / Neo4j "
            f"Community holds one database: loading {graph} replaces the live snapshot {live}, whose results "
            f"are not all stored ({len(lacking)} missing, e.g. {lacking[0]}), so it could no longer be compared "
            f"in full. Run `orgnet snapshots --store-results` first (it then stays comparable as facts-only), "
            f"or pass --replace to replace it anyway.")
    return live


def superseded_text(old: str, new: str) -> str:
    """What became of the live snapshot a load replaced (Chinese and English)."""
    return (f"快照 {old} 已由 {new} 替换为在用快照：{old} 仅存结果，可比较（变化页、orgnet diff {old} {new}、趋势、"
            f"督办），不能再浏览图谱。 / Snapshot {old} was replaced by {new} as the live one: {old} is "
            f"facts-only now, compared by its stored results (Changes page, `orgnet diff {old} {new}`, the "
            f"trend, the follow-up ledger), no longer browsed.")


def load_snapshot(store: Store, dataset: Dataset, *, graph: str, replace: bool = False,
                  progress: bool | ProgressHook = False, as_of: str | None = None,
                  series: str | None = None, preset: str | None = None, locked: bool = False,
                  ledger: bool = True, before_results: Callable[[], Any] | None = None) -> Loaded:
    """Load ``dataset`` into ``graph`` (:func:`orgnet.graph.load.load_dataset`, same arguments),
    then :func:`after_load`. ``ledger=False``: a copy that is no snapshot of its own for the
    ledger (the demo's default graph). ``before_results`` is called between the two (the
    Import page says what it is doing).

    Where the store holds one live graph (Neo4j Community), a load of a new name replaces the
    live snapshot, which stays as facts-only (:func:`supersedes`: refused without ``replace``
    when its results are not all stored); ``Loaded.superseded`` names it."""
    superseded = supersedes(store, graph, replace)
    written = load_dataset(store, dataset, graph=graph, replace=replace, progress=progress, as_of=as_of,
                           series=series, preset=preset, locked=locked)
    if before_results is not None:
        before_results()
    kept, synced = after_load(store, graph, as_of=as_of, ledger=ledger)
    return Loaded(written, kept, synced, superseded)


__all__ = ["Loaded", "Snapshot", "after_load", "live_snapshot", "supersedes", "superseded_text", "list_snapshots", "load_snapshot", "snapshot", "snapshot_date"]
