"""The Neo4j store's staged ``--replace`` load, its lock and its warnings, on a real Neo4j 5:
batches of short transactions under technical labels, then one swap.

Each test checks readers from INSIDE a running load (the load's progress hook runs between two
batches), so what they see is the state half-way, not a race.
"""

from __future__ import annotations

import logging
import time

import pytest

from orgnet.errors import LoadInProgress, NotLoaded
from orgnet.graph.load import graph_info, load_dataset, node_groups, relationship_groups, require_loaded
from orgnet.graph.stores.neo4j import (
    _LOCK_WAIT_S, REPLANNING_WARNING, RETIRED_LABEL, STAGING_LABEL, Neo4jStore, _StagingWriter,
)
from orgnet.queries import catalog

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo4j_db(neo4j_server, neo4j_store):
    """The server's credentials, its database emptied before and after (the engine-parametrized
    tests' store is told, so it reloads what it needs)."""
    neo4j_store.empty()
    yield neo4j_server
    neo4j_store.empty()


def _store(db, **kw) -> Neo4jStore:
    return Neo4jStore(db["uri"], db["user"], db["password"], db["database"], **kw)


def _gaps(store) -> list[dict]:
    return store.read("MATCH (n:Area) RETURN n.id AS id ORDER BY id")


def _seen(store) -> dict:
    """What a reader sees: counts, the load metadata, a view by id, the explorer's search."""
    return {"counts": store.counts(), "load_id": graph_info(store).get("load_id"),
            "areas": _gaps(store),
            "search": catalog.run(store, "view_search_count", {"q": "d"}),
            "node": catalog.run(store, "view_node", {"id": "D1"})}


def test_readers_see_the_old_graph_until_the_swap(neo4j_db, tiny_dataset, demo_dataset):
    """Half-way through a staged replace (the demo replacing tiny), every read — counts, the
    metadata, a labelled match, an unlabelled explorer view — answers from tiny alone; after it
    the demo alone, and no staged or retired node is left."""
    store, reader = _store(neo4j_db), _store(neo4j_db)
    try:
        load_dataset(store, tiny_dataset, graph="orgnet", replace=True)
        before = _seen(reader)
        checks: list[dict] = []

        def hook(table: str, done: int, total: int) -> None:
            if done and len(checks) < 3 and "→" in table:  # relationships being written
                checks.append({"seen": _seen(reader), "left": reader.technical_leftovers()})

        result = load_dataset(store, demo_dataset, graph="orgnet", replace=True, progress=hook)
        assert checks, "the progress hook never ran during the relationships"
        for check in checks:
            assert check["seen"] == before
            assert check["left"][STAGING_LABEL] > 0  # the new graph was being written aside
        after = _seen(reader)
        assert after["load_id"] != before["load_id"]
        assert after["counts"] == {"nodes": result.nodes, "relationships": result.relationships}
        assert reader.technical_leftovers() == {STAGING_LABEL: 0, RETIRED_LABEL: 0}
        assert {"swap_s", "delete_old_s"} <= set(result.phases)
    finally:
        store.close()
        reader.close()


def test_a_staged_load_equals_the_embedded_engines_graph(neo4j_db, demo_dataset, falkordb_store, fresh_graph):
    """The staged writer (batches, labels swapped) builds the same graph as FalkorDB's load:
    the same nodes per label and relationships per type."""
    store = _store(neo4j_db)
    graph = fresh_graph("staged_eq")
    try:
        load_dataset(store, demo_dataset, graph="orgnet", replace=True, batch_size=97)  # many batches
        load_dataset(falkordb_store, demo_dataset, graph=graph, replace=True)
        labels = "MATCH (n) WHERE n.id IS NOT NULL UNWIND labels(n) AS l RETURN l, count(*) AS c ORDER BY l"
        types = "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c ORDER BY t"
        assert store.read(labels) == falkordb_store.read(labels, graph=graph)
        assert store.read(types) == falkordb_store.read(types, graph=graph)
    finally:
        store.close()


def test_a_second_load_is_refused_while_one_runs(neo4j_db, tiny_dataset):
    """The load lock is the server's: a second store (another process, the app) asking for it
    while a load runs gets LoadInProgress within seconds; after the load it gets it."""
    store, other = _store(neo4j_db), _store(neo4j_db)
    refused: list[str] = []
    try:
        def hook(table: str, done: int, total: int) -> None:
            if done and not refused:
                time.sleep(_LOCK_WAIT_S + 1)  # the lock outlives any short timeout
                with pytest.raises(LoadInProgress) as e:
                    with other.load_lock("orgnet"):
                        pass
                refused.append(str(e.value))

        with store.load_lock("orgnet"):
            load_dataset(store, tiny_dataset, graph="orgnet", replace=True, progress=hook, locked=True)
        assert refused and "正在导入" in refused[0] and "Another load" in refused[0]
        with other.load_lock("orgnet"):  # released at the end
            pass
        assert other.read("MATCH (l:OrgnetLoadLock) RETURN count(l) AS c") == [{"c": 0}]  # never committed
    finally:
        store.close()
        other.close()


def test_leftovers_of_a_failed_load_are_removed_and_the_old_graph_kept(neo4j_db, tiny_dataset, demo_dataset):
    """A load that fails half-way (an exception in the middle of its batches) leaves the old
    graph as it was and no staged node."""
    store = _store(neo4j_db)
    try:
        load_dataset(store, tiny_dataset, graph="orgnet", replace=True)
        before = _seen(store)

        def hook(table: str, done: int, total: int) -> None:
            if done and "→" in table:
                raise RuntimeError("stop half-way")

        with pytest.raises(RuntimeError, match="half-way"):
            load_dataset(store, demo_dataset, graph="orgnet", replace=True, progress=hook)
        assert _seen(store) == before
        assert store.technical_leftovers() == {STAGING_LABEL: 0, RETIRED_LABEL: 0}
    finally:
        store.close()


def test_a_load_into_an_empty_database_reads_as_not_loaded_until_it_ends(neo4j_db, demo_dataset):
    """A load into an empty database writes the nodes under their own labels at once (no
    relabelling of the whole graph at the end), yet half-way a reader still sees no graph:
    尚未导入数据, nothing counted, no load metadata; the same reads after it see the whole graph."""
    store, reader = _store(neo4j_db), _store(neo4j_db)
    try:
        checks: list[dict] = []

        def hook(table: str, done: int, total: int) -> None:
            if done and len(checks) < 2 and "→" in table:
                with pytest.raises(NotLoaded, match="尚未导入数据"):
                    require_loaded(reader)
                checks.append({"exists": reader.graph_exists("orgnet"), "counts": reader.counts(),
                               "info": graph_info(reader), "left": reader.technical_leftovers(),
                               "labelled": reader.read(f"MATCH (n:Member:{STAGING_LABEL}) RETURN count(n) AS c")})

        result = load_dataset(store, demo_dataset, graph="orgnet", replace=True, progress=hook)
        assert checks, "the progress hook never ran during the relationships"
        for check in checks:
            assert check["exists"] is False and check["counts"] == {"nodes": 0, "relationships": 0}
            assert check["info"] == {}
            assert check["left"][STAGING_LABEL] > 0 and check["labelled"][0]["c"] > 0  # own labels already
        assert "delete_old_s" not in result.phases  # nothing to retire
        assert require_loaded(reader)["load_id"]
        assert reader.counts() == {"nodes": result.nodes, "relationships": result.relationships}
        assert reader.technical_leftovers() == {STAGING_LABEL: 0, RETIRED_LABEL: 0}
    finally:
        store.close()
        reader.close()


def test_a_failed_load_into_an_empty_database_leaves_it_empty(neo4j_db, demo_dataset):
    store = _store(neo4j_db)
    try:
        def hook(table: str, done: int, total: int) -> None:
            if done and "→" in table:
                raise RuntimeError("stop half-way")

        with pytest.raises(RuntimeError, match="half-way"):
            load_dataset(store, demo_dataset, graph="orgnet", replace=True, progress=hook)
        assert store.read("MATCH (n) WHERE NOT n:FollowUp AND NOT n:StoredResult RETURN count(n) AS c") == [{"c": 0}]
        assert store.graph_exists("orgnet") is False
    finally:
        store.close()


def _operators(plan: dict) -> list[str]:
    return [plan["operatorType"].split("@")[0], *(op for child in plan.get("children", []) for op in _operators(child))]


@pytest.mark.parametrize("fresh", [True, False], ids=["empty database", "over a graph"])
def test_every_relationship_batch_finds_its_ends_on_an_index(neo4j_db, demo_dataset, fresh):
    """The relationship batches of both kinds of load (EXPLAIN on the real server): each end is
    an index seek (a label's id constraint or the staging id index), never a scan."""
    store = _store(neo4j_db)
    try:
        store.setup_schema("orgnet")
        store._setup_staging(store.database)
        writer = _StagingWriter(store, store.database, fresh)
        first = {r["id"]: labels[0] for _, labels, rows in node_groups(demo_dataset) for r in rows}
        statements = {writer.rel_cypher(rel.value, first[rows[0]["src"]], first[rows[0]["dst"]], props)
                      for _, rel, _, _, _, rows in relationship_groups(demo_dataset, fresh=True) for props in (False, True)}
        assert len(statements) > 10
        for cypher in statements:
            with store._session(store.database) as s:
                plan = s.run("EXPLAIN " + cypher, {"rows": [["a", "b", {"x": 1}]]}).consume().plan
            ops = _operators(plan)
            assert not set(ops) & {"AllNodesScan", "NodeByLabelScan"}, (cypher, ops)
            assert sum("IndexSeek" in op for op in ops) == 2, (cypher, ops)  # both ends
    finally:
        store.close()


class _SwapRefused(Neo4jStore):
    """A store whose swap the real server refuses half-way through its one transaction (a
    statement that fails after the label changes began), as a swap over the transaction
    memory limit does (city preset, db.memory.transaction.max 2 GB)."""

    def _write_tx(self, db, work, what):
        if what != "(swap of a staged load)":
            return super()._write_tx(db, work, what)

        def failing(tx):
            work(tx)
            tx.run("RETURN 1 / 0").consume()

        return super()._write_tx(db, failing, what)


def test_a_refused_swap_keeps_the_old_graph_and_leaves_nothing(neo4j_db, tiny_dataset, demo_dataset):
    store = _store(neo4j_db)
    refused = _SwapRefused(neo4j_db["uri"], neo4j_db["user"], neo4j_db["password"], neo4j_db["database"])
    try:
        load_dataset(store, tiny_dataset, graph="orgnet", replace=True)
        before = _seen(store)
        with pytest.raises(Exception, match="/ by zero|divide"):
            load_dataset(refused, demo_dataset, graph="orgnet", replace=True)
        assert _seen(store) == before
        assert store.technical_leftovers() == {STAGING_LABEL: 0, RETIRED_LABEL: 0}
    finally:
        store.close()
        refused.close()


class _NoReplanRight(Neo4jStore):
    """A store whose account may not replan: the real server refuses the procedure call (a
    name it does not know stands for one it does not allow; Community has no roles)."""

    def _auto(self, cypher, database, params=None):
        return super()._auto(cypher.replace("db.prepareForReplanning", "db.prepareForReplanningNotAllowed"),
                             database, params)


def test_a_load_without_the_right_to_replan_warns(neo4j_db, tiny_dataset, caplog):
    store = _NoReplanRight(neo4j_db["uri"], neo4j_db["user"], neo4j_db["password"], neo4j_db["database"])
    try:
        with caplog.at_level(logging.WARNING, logger="orgnet.graph.stores.neo4j"):
            result = load_dataset(store, tiny_dataset, graph="orgnet", replace=True)
        assert len(result.warnings) == 1 and "db.prepareForReplanning" in result.warnings[0]
        assert result.warnings[0].startswith(REPLANNING_WARNING.split("{")[0])
        assert any("prepareForReplanning" in r.getMessage() for r in caplog.records)
        assert result.to_dict()["warnings"] == result.warnings
    finally:
        store.close()
    plain = _store(neo4j_db)
    try:  # an account with the right: no warning
        assert load_dataset(plain, tiny_dataset, graph="orgnet", replace=True).warnings == []
    finally:
        plain.close()


class _Forwarder:
    """A fixed TCP address forwarding to the server's current Bolt port — what a load balancer
    or a DNS name gives a deployment: the address stays while the server behind it restarts
    (the test server takes a new free port at each start)."""

    def __init__(self):
        import socket
        import threading

        self.target: int | None = None
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target or 1), timeout=2)
            except OSError:
                client.close()  # nothing behind: the driver sees a refused/closed connection
                continue
            upstream.settimeout(None)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.close()
            except OSError:
                pass

    def point(self, uri: str | None) -> None:
        self.target = int(uri.rsplit(":", 1)[1]) if uri else None

    def close(self) -> None:
        self.listener.close()
        for s in self.open:
            try:
                s.close()
            except OSError:
                pass


def _cli(env: dict, *args: str):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", "from orgnet.cli import main; main()", *args],
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=300)


@pytest.mark.slow
def test_a_server_restarted_under_a_running_store(tmp_path, tiny_dataset, neo4j_server):
    """The server goes down under a store that has read from it (the app's),
    then comes back (empty, as the test server does). While it is down every read ends in the
    server-down message (StoreUnavailable naming NEO4J_URI), the CLI too, never a traceback;
    once it is back the SAME store reconnects by itself and says 尚未导入数据."""
    from neo4j_server import Neo4jTestServer

    from orgnet.errors import NotLoaded, StoreUnavailable
    from orgnet.graph.load import require_loaded

    first = Neo4jTestServer(tmp_path / "first").start()
    proxy = _Forwarder()
    proxy.point(first.uri)
    uri = f"bolt://127.0.0.1:{proxy.port}"
    env = {"NEO4J_URI": uri, "NEO4J_USER": first.user, "NEO4J_PASSWORD": first.password,
           "NEO4J_DATABASE": first.database, "ORGNET_HOME": str(tmp_path / "home"), "NEO4J_CONNECT_TIMEOUT": "3"}
    store = Neo4jStore(uri, first.user, first.password, first.database, connect_timeout_s=3)
    second = None
    try:
        load_dataset(store, tiny_dataset, graph="orgnet", replace=True)
        assert require_loaded(store)["load_id"]
        rows = catalog.run(store, "community_without_party_org")
        first.stop()
        proxy.point(None)
        import time

        t0 = time.monotonic()
        with pytest.raises(StoreUnavailable, match="NEO4J_URI"):
            catalog.run(store, "community_without_party_org")
        assert time.monotonic() - t0 < 30  # the retries stop after the connect timeout
        r = _cli(env, "gaps", "--format", "json")
        assert r.returncode != 0 and "Traceback" not in r.stderr and "NEO4J_URI" in r.stderr, r.stderr

        second = Neo4jTestServer(tmp_path / "second")
        second.password = first.password
        second.start()
        proxy.point(second.uri)
        with pytest.raises(NotLoaded, match="尚未导入数据"):
            require_loaded(store)  # the same store, reconnected: the server came back empty
        r = _cli(env, "gaps", "--format", "json")
        assert r.returncode != 0 and "Traceback" not in r.stderr and "尚未导入数据" in r.stderr, r.stderr
        load_dataset(store, tiny_dataset, graph="orgnet", replace=True)
        assert catalog.run(store, "community_without_party_org") == rows
    finally:
        store.close()
        proxy.close()
        first.stop()
        if second is not None:
            second.stop()
