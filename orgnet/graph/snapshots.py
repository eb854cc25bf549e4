"""Snapshots: loaded graphs with their reference date, ordered in time (issue 11).

A snapshot is any graph a load wrote (``orgnet load DATA --graph 2026Q1 --as-of 2026-03-31``);
its reference date is the ``as_of`` of its load metadata (:func:`orgnet.graph.load.graph_info`),
given on the command line or read from the dataset's manifest (:data:`MANIFEST`, written by
``orgnet generate --quarters``). The follow-up ledger's own graph is never a snapshot.

>>> read_manifest_date(Path("/nonexistent")) is None
True
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from orgnet.errors import InputError, QueryError
from orgnet.graph.load import graph_info
from orgnet.graph.stores.base import LEDGER_GRAPH, STAGING_SUFFIX, Store

#: the file beside a dataset's tables that names its reference date: ``{"as_of": "2026-03-31"}``
MANIFEST = "dataset.json"


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


def read_manifest_date(path: Path) -> str | None:
    """The reference date a dataset carries (``dataset.json`` in its folder or beside its
    workbook), or None. A manifest that is not valid raises InputError naming the file."""
    from orgnet.queries.catalog import as_of_date

    folder = path if path.is_dir() else path.parent
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return None
    try:
        value = json.loads(manifest.read_text(encoding="utf-8")).get("as_of")
        return as_of_date(value) if value else None
    except (ValueError, AttributeError, QueryError) as e:
        raise InputError(f"{manifest}: not a valid dataset manifest (expected JSON like "
                         f'{{"as_of": "2026-03-31"}}): {e}') from e


def write_manifest(folder: Path, as_of: str, **extra: Any) -> Path:
    """Write ``dataset.json`` (reference date and ``extra`` facts) into a dataset folder."""
    path = Path(folder) / MANIFEST
    path.write_text(json.dumps({"as_of": as_of, **extra}, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


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


__all__ = ["MANIFEST", "Snapshot", "list_snapshots", "snapshot", "previous",
           "read_manifest_date", "write_manifest", "sort_key", "is_snapshot_name"]
