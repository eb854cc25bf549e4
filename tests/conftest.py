"""Shared fixtures: a REAL embedded FalkorDB server (no mocked database) and datasets.

- ``falkordb_home``   session: the temp ORGNET_HOME the server lives in
- ``falkordb_server`` session: the running :class:`EmbeddedServer` (stopped at the end)
- ``falkordb_store``  session: a :class:`FalkorDBStore` on it
- ``graph_name``      function: a fresh graph name (dropped after the test)
- ``fresh_graph``     function factory: ``fresh_graph("prefix")`` → a new name (all dropped after)
- ``tiny_dataset``    session: ``validate_path(tests/data/tiny).dataset``
- ``demo_dataset``    session: the ``demo`` preset generated into a temp dir and validated
- ``demo_path``       session: the folder the demo preset was generated into
- ``loaded_store``    session factory: ``loaded_store("tiny" | "demo" | dataset, graph=None)``
                      → ``(store, graph)``, the dataset loaded once per session into that graph
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
TINY = TESTS / "data" / "tiny"

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def falkordb_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("orgnet-home")


@pytest.fixture(scope="session")
def falkordb_server(falkordb_home):
    from orgnet.graph.stores.falkordb import EmbeddedServer

    server = EmbeddedServer(falkordb_home)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def falkordb_settings(falkordb_home, falkordb_server):
    """Settings pointing at the test server's home (ORGNET_HOME for subprocesses: ``.home``)."""
    from orgnet.settings import Settings

    return Settings(home=falkordb_home)


@pytest.fixture(scope="session")
def falkordb_store(falkordb_server):
    from orgnet.graph.stores.falkordb import FalkorDBStore

    store = FalkorDBStore(falkordb_server)
    yield store
    store.close()


@pytest.fixture
def fresh_graph(falkordb_store):
    made: list[str] = []

    def make(prefix: str = "t") -> str:
        name = f"{prefix}_{os.getpid()}_{next(_counter)}"
        made.append(name)
        return name

    yield make
    for name in made:
        for g in (name, name + "__loading"):
            try:
                falkordb_store.drop_graph(g)
            except Exception:
                pass


@pytest.fixture
def graph_name(fresh_graph) -> str:
    return fresh_graph("g")


@pytest.fixture(scope="session")
def tiny_dataset():
    from orgnet.loaders.validate import validate_path

    return validate_path(TINY).dataset


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory) -> Path:
    from orgnet.loaders.generate import generate

    out = tmp_path_factory.mktemp("demo")
    generate("demo", out)
    return out


@pytest.fixture(scope="session")
def demo_dataset(demo_path):
    from orgnet.loaders.validate import validate_path

    return validate_path(demo_path).dataset


@pytest.fixture(scope="session")
def loaded_store(request, falkordb_store):
    """Factory: load a dataset once per session into a named graph; returns (store, graph)."""
    from orgnet.graph.load import load_dataset

    loaded: dict[str, tuple] = {}

    def load(dataset="tiny", graph: str | None = None):
        if isinstance(dataset, str):
            key = graph or f"session_{dataset}"
            ds = request.getfixturevalue(f"{dataset}_dataset")
        else:
            if graph is None:
                raise ValueError("give a graph name when loading a Dataset object")
            key, ds = graph, dataset
        if key not in loaded:
            load_dataset(falkordb_store, ds, graph=key, replace=True)
            loaded[key] = (falkordb_store, key)
        return loaded[key]

    yield load
    for _, graph in loaded.values():
        try:
            falkordb_store.drop_graph(graph)
        except Exception:
            pass
