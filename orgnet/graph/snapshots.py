"""Snapshots: loaded graphs with their reference date, ordered in time (issue 11).

A snapshot is any graph a load wrote (``orgnet load DATA --graph 2026Q1 --as-of 2026-03-31``);
its reference date is the ``as_of`` of its load metadata (:func:`orgnet.graph.load.graph_info`),
given on the command line or recorded by the dataset itself (its ``dataset`` table, 数据集
统计日期, which ``orgnet generate --quarters`` fills per quarter). The follow-up ledger's own
graph is never a snapshot.

Every snapshot belongs to a **series** (issue 24): the district whose ledgers it holds,
named by its load (``orgnet load --series``, else the dataset's title without its period
tag, else its district: :attr:`orgnet.model.Dataset.series`). Snapshots are compared, and
the follow-up ledger synced, only within one series. A snapshot loaded before series existed
gets its districts' "id name" (read from the graph), else its graph name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from orgnet.errors import InputError
from orgnet.graph.load import graph_info
from orgnet.graph.stores.base import LEDGER_GRAPH, STAGING_SUFFIX, Store
from orgnet.model import Label, series_name


@dataclass(frozen=True)
class Snapshot:
    """One loaded graph: name, reference date (None when unknown), counts and load time."""

    name: str
    as_of: str | None
    nodes: int
    relationships: int
    loaded_at: str | None
    source: str = ""
    series: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: the districts of a graph (the series of a snapshot loaded before series existed)
DISTRICTS_QUERY = f"MATCH (d:{Label.District.value}) RETURN d.id AS id, d.name AS name ORDER BY id"


def _legacy_series(store: Store, graph: str) -> str:
    # the store behind an account's scope: district names are no personal data
    rows = getattr(store, "inner", store).read(DISTRICTS_QUERY, graph=graph)
    return series_name(None, [(str(r["id"]), str(r.get("name") or "")) for r in rows]) or graph


def _snapshot(store: Store, info: dict[str, Any]) -> Snapshot:
    series = str(info.get("series") or "") or _legacy_series(store, info["graph"])
    return Snapshot(name=info["graph"], as_of=info.get("as_of") or None,
                    nodes=int(info.get("nodes") or 0), relationships=int(info.get("relationships") or 0),
                    loaded_at=info.get("loaded_at") or None, source=str(info.get("source") or ""),
                    series=series)


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
    """One snapshot by name; an unknown name raises InputError naming the loaded ones."""
    info = graph_info(store, graph) if is_snapshot_name(graph) else {}
    if not info:
        known = ", ".join(s.name for s in list_snapshots(store)) or "none"
        raise InputError(f"no snapshot {graph!r} in the store (loaded: {known}); "
                         f"load it with `orgnet load DATA --graph {graph} --as-of YYYY-MM-DD`")
    return _snapshot(store, info)


def display_name(info: dict[str, Any]) -> str:
    """A snapshot as the UI names it: its series (the district's dataset title) and reference
    date, e.g. ``咸阳市秦都区（2026-06-30）``; the graph name only when the load recorded no series."""
    series, as_of = str(info.get("series") or ""), str(info.get("as_of") or "")
    if not series:
        return str(info.get("graph") or info.get("snapshot") or "")
    return f"{series}（{as_of}）" if as_of else series


def previous(snaps: list[Snapshot], name: str) -> Snapshot | None:
    """The snapshot just before ``name`` in date order, or None."""
    names = [s.name for s in snaps]
    i = names.index(name) if name in names else -1
    return snaps[i - 1] if i > 0 else None


__all__ = ["Snapshot", "display_name", "list_snapshots", "snapshot", "previous", "sort_key", "is_snapshot_name", "series_names",
           "by_series", "check_same_series"]
