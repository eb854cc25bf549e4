"""Test helpers of the linkage index and the KPIs: datasets and a loaded store.

Datasets: the tiny hand-written one, generated demo (seeds 0, 1, 2) and weicheng.
:class:`Loaded` is the session fixture ``loaded`` of tests/conftest.py (one per engine, shared
by every module: the graphs it loads are read, never written).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from helpers_rules import generate_dataset, tiny_dataset

from orgnet.model import Dataset

DATASETS = ("tiny", "demo-0", "demo-1", "demo-2", "weicheng-0")
AS_OFS = ("2025-06-30", _dt.date.today().isoformat())


def make_dataset(name: str) -> Dataset:
    if name == "tiny":
        return tiny_dataset()
    preset, seed = name.rsplit("-", 1)
    return generate_dataset(preset, int(seed))


class Loaded:
    """Datasets loaded into graphs of one store, with their networkx graphs (cached)."""

    def __init__(self, store: Any):
        self.store = store
        self._cache: dict[str, tuple[str, Any, Dataset]] = {}

    def __call__(self, name: str) -> tuple[str, Any]:
        from orgnet.graph.load import load_dataset

        holds = getattr(self.store, "holds", None)  # the Neo4j test store holds one graph at a time
        if name not in self._cache:
            from orgnet.graph.nx import to_networkx
            ds = make_dataset(name)
            graph = "lk_" + name.replace("-", "_")
            load_dataset(self.store, ds, graph=graph, replace=True)
            self._cache[name] = (graph, to_networkx(ds), ds)
        graph, g, ds = self._cache[name]
        if holds is not None and not holds(graph):
            load_dataset(self.store, ds, graph=graph, replace=True)
        return graph, g
