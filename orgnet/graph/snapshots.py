"""Snapshots: loaded graphs with their reference date, ordered in time (issue 11).

A snapshot is any graph a load wrote (``orgnet load DATA --graph 2026Q1 --as-of 2026-03-31``);
its reference date is the ``as_of`` of its load metadata (:func:`orgnet.graph.load.graph_info`),
given on the command line or recorded by the dataset itself (its ``dataset`` table, 数据集
统计日期, which ``orgnet generate --quarters`` fills per quarter). The follow-up ledger's own
graph is never a snapshot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from orgnet.errors import InputError
from orgnet.graph.load import graph_info
from orgnet.graph.stores.base import LEDGER_GRAPH, STAGING_SUFFIX, Store


@dataclass(frozen=True)
class Snapshot:
    """One loaded graph: name, reference date (None when unknown), counts and load time."""

    name: str
    as_of: str | None
    nodes: int
    relationships: int
    loaded_at: str | None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _snapshot(info: dict[str, Any]) -> Snapshot:
    return Snapshot(name=info["graph"], as_of=info.get("as_of") or None,
                    nodes=int(info.get("nodes") or 0), relationships=int(info.get("relationships") or 0),
                    loaded_at=info.get("loaded_at") or None, source=str(info.get("source") or ""))


def is_snapshot_name(graph: str) -> bool:
    """Whether a graph of the store can be a snapshot (not the ledger, not a staging copy)."""
    return graph != LEDGER_GRAPH and not graph.endswith(STAGING_SUFFIX)


def sort_key(snap: Snapshot) -> tuple:
    """Dated snapshots by date then name; undated ones last, by name."""
    return (snap.as_of is None, snap.as_of or "", snap.name)


def list_snapshots(store: Store) -> list[Snapshot]:
    """Every loaded graph of the store as a snapshot, oldest reference date first."""
    snaps = []
    for graph in store.list_graphs():
        if not is_snapshot_name(graph):
            continue
        info = graph_info(store, graph)
        if info:
            snaps.append(_snapshot(info))
    return sorted(snaps, key=sort_key)


def snapshot(store: Store, graph: str) -> Snapshot:
    """One snapshot by name; an unknown name raises InputError naming the loaded ones."""
    info = graph_info(store, graph) if is_snapshot_name(graph) else {}
    if not info:
        known = ", ".join(s.name for s in list_snapshots(store)) or "none"
        raise InputError(f"no snapshot {graph!r} in the store (loaded: {known}); "
                         f"load it with `orgnet load DATA --graph {graph} --as-of YYYY-MM-DD`")
    return _snapshot(info)


def previous(snaps: list[Snapshot], name: str) -> Snapshot | None:
    """The snapshot just before ``name`` in date order, or None."""
    names = [s.name for s in snaps]
    i = names.index(name) if name in names else -1
    return snaps[i - 1] if i > 0 else None


__all__ = ["Snapshot", "list_snapshots", "snapshot", "previous", "sort_key", "is_snapshot_name"]
