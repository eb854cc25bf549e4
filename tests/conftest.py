"""Shared fixtures: a REAL embedded FalkorDB server (no mocked database) and datasets.

- ``falkordb_home``   session: the temp ORGNET_HOME the server lives in
- ``falkordb_server`` session: the running :class:`EmbeddedServer` (stopped at the end)
- ``falkordb_store``  session: a :class:`FalkorDBStore` on it
- ``graph_name``      function: a fresh graph name (dropped after the test)
- ``fresh_graph``     function factory: ``fresh_graph("prefix")`` → a new name (all dropped after)
- ``tiny_dataset``    session: ``validate_path(tests/data/tiny).dataset``
- ``demo_dataset``    session: the ``demo`` preset generated into a temp dir and validated
- ``demo_path``       session: the folder the demo preset was generated into
- ``weicheng_dataset`` session: the ``weicheng`` preset, likewise
                      (generated presets are made once per process and shared by every module
                      that asks for them: tests/helpers_data.py; read them, never change them)
- ``loaded_store``    session factory: ``loaded_store("tiny" | "demo" | dataset, graph=None)``
                      → ``(store, graph)``, the dataset loaded once per session into that graph
                      (on each engine: tests using it run on FalkorDB and on Neo4j)
- ``loaded``          session: ``loaded("tiny" | "demo-0" | "weicheng-0" …)`` → ``(graph, nx graph)``,
                      the linkage/KPI/table/assessment datasets on each engine (helpers_linkage)

Neo4j (marker ``neo4j``), the same product code against a REAL Neo4j 5 Community:

- ``neo4j_server``    session: a Neo4j 5.26 started from tools/neo4j-server (Maven Central's
                      neo4j-harness), auth on; or the server NEO4J_URI names. Without Java/Maven
                      the Neo4j tests skip with the reason — except in CI (CI=true): there they FAIL.
- ``neo4j_store``     session: a store on it mapping every graph name to its one database
                      (tests/neo4j_server.py: one_database_store)
- ``neo4j_empty``     function: ``neo4j_store`` with the database emptied before and after
- ``engine_store``    session, parametrized ["falkordb", "neo4j"]: the store of either engine
- ``store_graph``     function: a fresh, empty graph name on ``engine_store``
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from orgnet.access.accounts import SCRYPT_N_ENV

# New password hashes cost N=16 instead of 2**15 in the whole run (subprocesses inherit it, and
# PYTEST_CURRENT_TEST with it, without which the cost is refused);
# test_access checks the production cost with the variable unset.
os.environ.setdefault(SCRYPT_N_ENV, "16")

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


IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_NEO4J_NOTE: list[str] = []  # one line for the terminal summary


def pytest_terminal_summary(terminalreporter):
    for line in _NEO4J_NOTE:
        terminalreporter.write_line(line)


def pytest_sessionfinish(session):
    """In a pytest-xdist worker (``make test``): hand the Neo4j line to the controller."""
    out = getattr(session.config, "workeroutput", None)
    if out is not None:
        out["neo4j_note"] = list(_NEO4J_NOTE)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller collects each worker's Neo4j line for its summary."""
    _NEO4J_NOTE.extend(getattr(node, "workeroutput", {}).get("neo4j_note", []))


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """``{uri, user, password, database, start_seconds}`` of a real Neo4j 5 for this session."""
    if os.environ.get("NEO4J_URI"):
        yield {"uri": os.environ["NEO4J_URI"], "user": os.environ.get("NEO4J_USER", "neo4j"),
               "password": os.environ.get("NEO4J_PASSWORD", ""),
               "database": os.environ.get("NEO4J_DATABASE", "neo4j"), "start_seconds": None}
        return
    from neo4j_server import Neo4jServerUnavailable, Neo4jTestServer

    server = Neo4jTestServer(tmp_path_factory.mktemp("neo4j"))
    try:
        server.start()
    except Neo4jServerUnavailable as e:
        _NEO4J_NOTE.append(f"Neo4j test server: not started ({str(e).splitlines()[0]})")
        if IN_CI:
            pytest.fail(f"CI=true and the Neo4j test server cannot start: {e}", pytrace=False)
        pytest.skip(f"no Neo4j test server: {e}")
    _NEO4J_NOTE.append(f"Neo4j test server: {server.uri} (auth on) ready in {server.start_seconds:.1f} s")
    yield {"uri": server.uri, "user": server.user, "password": server.password,
           "database": server.database, "start_seconds": server.start_seconds, "server": server}
    server.stop()


@pytest.fixture(scope="session")
def neo4j_store(neo4j_server):
    from neo4j_server import one_database_store

    store = one_database_store(neo4j_server["uri"], neo4j_server["user"], neo4j_server["password"],
                               neo4j_server["database"])
    store.empty()
    yield store
    store.close()


@pytest.fixture
def neo4j_empty(neo4j_store):
    """``neo4j_store`` with its one database emptied: the test's own graph is the only one (a
    test that writes to the default graph must not find the dataset another test left)."""
    neo4j_store.empty()
    yield neo4j_store
    neo4j_store.empty()


ENGINES = ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(scope="session", params=ENGINES)
def engine_store(request):
    """The store of each engine in turn: the embedded FalkorDB, then a real Neo4j."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def store_graph(engine_store):
    """A fresh graph name on ``engine_store`` (dropped afterwards); on Neo4j the database is emptied."""
    name = f"sg_{os.getpid()}_{next(_counter)}"
    if hasattr(engine_store, "empty"):
        engine_store.empty()
    yield name
    for g in (name, name + "__loading"):
        try:
            engine_store.drop_graph(g)
        except Exception:
            pass


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
def demo_path() -> Path:
    """The folder the demo preset was generated into (shared: tests/helpers_data.py; read only)."""
    from helpers_data import generated

    return generated("demo").summary.path


@pytest.fixture(scope="session")
def demo_dataset():
    from helpers_data import dataset

    return dataset("demo")


@pytest.fixture(scope="session")
def weicheng_dataset():
    """The ``weicheng`` preset (4 streets, 46 communities), generated and validated once."""
    from helpers_data import dataset

    return dataset("weicheng")


def ensure_loaded(store, dataset, graph: str, loaded: set) -> None:
    """Load ``dataset`` (a Dataset or a callable making one) into ``graph`` unless it is there.

    On FalkorDB every graph stays loaded; the Neo4j test store holds one graph at a time
    (Community has one database), so a graph loaded earlier may need loading again.
    """
    from orgnet.graph.load import load_dataset

    holds = getattr(store, "holds", None)
    if graph in loaded and (holds is None or holds(graph)):
        return
    load_dataset(store, dataset() if callable(dataset) else dataset, graph=graph, replace=True)
    loaded.add(graph)


def _loader(request, store, prefix: str = "session_"):
    loaded: set[str] = set()

    def load(dataset="tiny", graph: str | None = None):
        if isinstance(dataset, str):
            key = graph or f"{prefix}{dataset}"
            ds = request.getfixturevalue(f"{dataset}_dataset")
        else:
            if graph is None:
                raise ValueError("give a graph name when loading a Dataset object")
            key, ds = graph, dataset
        ensure_loaded(store, ds, key, loaded)
        return store, key

    yield load
    for graph in loaded:
        try:
            store.drop_graph(graph)
        except Exception:
            pass


@pytest.fixture(scope="session")
def loaded_store(request, engine_store):
    """Factory: load a dataset once per session into a named graph; returns (store, graph)."""
    yield from _loader(request, engine_store)


@pytest.fixture(scope="session")
def falkordb_loaded_store(request, falkordb_store):
    """``loaded_store`` on the embedded FalkorDB only (the browser tests)."""
    yield from _loader(request, falkordb_store, "fk_session_")  # not loaded_store's graphs


@pytest.fixture(scope="session")
def loaded(engine_store):
    """``loaded("tiny" | "demo-0" | "weicheng-0" …)`` → ``(graph, networkx graph)``: the linkage,
    KPI, table and assessment datasets on each engine, loaded once per session and shared by
    those modules (read only; tests/helpers_linkage.py)."""
    from helpers_linkage import Loaded

    return Loaded(engine_store)
