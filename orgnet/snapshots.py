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
from orgnet.graph.snapshots import Snapshot, list_snapshots, snapshot
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


def after_load(store: Store, graph: str, *, as_of: str | None = None,
               ledger: bool = True) -> tuple[StoredResults, SyncResult | None]:
    """What every load runs once the graph is in: store its results, then (``ledger``) bring
    the follow-up ledger up to date with it, reading them. ``as_of``: the date the ledger is
    synced on (default: the snapshot's reference date)."""
    kept = store_results(store, graph)
    return kept, (sync_snapshot(store, graph, as_of=as_of) if ledger else None)


def load_snapshot(store: Store, dataset: Dataset, *, graph: str, replace: bool = False,
                  progress: bool | ProgressHook = False, as_of: str | None = None,
                  series: str | None = None, preset: str | None = None, locked: bool = False,
                  ledger: bool = True, before_results: Callable[[], Any] | None = None) -> Loaded:
    """Load ``dataset`` into ``graph`` (:func:`orgnet.graph.load.load_dataset`, same arguments),
    then :func:`after_load`. ``ledger=False``: a copy that is no snapshot of its own for the
    ledger (the demo's default graph). ``before_results`` is called between the two (the
    Import page says what it is doing)."""
    written = load_dataset(store, dataset, graph=graph, replace=replace, progress=progress, as_of=as_of,
                           series=series, preset=preset, locked=locked)
    if before_results is not None:
        before_results()
    kept, synced = after_load(store, graph, as_of=as_of, ledger=ledger)
    return Loaded(written, kept, synced)


__all__ = ["Loaded", "Snapshot", "after_load", "list_snapshots", "load_snapshot", "snapshot", "snapshot_date"]
