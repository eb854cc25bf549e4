"""The Neo4j store: a smoke test through FalkorDB's Bolt endpoint (always), and the full
store against a real Neo4j when NEO4J_URI is set.

FalkorDB 4.16's Bolt endpoint is experimental: it ignores the database a managed
transaction names and always uses the graph ``falkordb``, and it does not enforce READ
access mode. The smoke test therefore checks the driver code paths (connect, managed
read/write transactions, batches, value conversion, errors), not read-only refusal.
"""

from __future__ import annotations

import os
import socket

import pytest

from orgnet.errors import ConfigError, ReadOnlyViolation, StoreUnavailable
from orgnet.graph.stores.falkordb import EmbeddedServer, FalkorDBStore
from orgnet.graph.stores.neo4j import Neo4jStore

NEO4J_URI = os.environ.get("NEO4J_URI")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def bolt_server(tmp_path_factory):
    server = EmbeddedServer(tmp_path_factory.mktemp("bolt-home"), bolt_port=_free_port())
    server.start()
    import time

    deadline = time.monotonic() + 5
    up = False
    while time.monotonic() < deadline and not up:
        with socket.socket() as s:
            up = s.connect_ex(("127.0.0.1", server.bolt_port)) == 0
        time.sleep(0.1)
    if not up:
        server.stop()
        pytest.skip("FalkorDB 4.16.3 did not open its experimental Bolt port (BOLT_PORT given, no "
                    "'Bolt protocol initialized' in the log); the Neo4j store is then only tested "
                    "against a real Neo4j (NEO4J_URI)")
    yield server
    server.stop()


def test_neo4j_driver_over_falkordb_bolt(bolt_server):
    store = Neo4jStore(f"bolt://127.0.0.1:{bolt_server.bolt_port}", "falkordb", bolt_server.password,
                       database="falkordb")
    try:
        assert store.engine == "neo4j" and store.version()
        n = store.write_batches("UNWIND $rows AS row MERGE (n:Unit {id: row.id}) SET n += row.props",
                                ({"id": f"u{i}", "props": {"staff": i, "name": f"单位{i}"}} for i in range(7)),
                                batch_size=3)
        assert n == 7
        store.write("MATCH (a:Unit {id: 'u1'}), (b:Unit {id: 'u2'}) MERGE (a)-[:SERVES {on: $d}]->(b)",
                    {"d": "2025-01-01"})
        rows = store.read("MATCH (a:Unit {id: 'u1'})-[r]->(b) RETURN a, r, b.id AS b")
        assert rows == [{"a": {"id": "u1", "staff": 1, "name": "单位1", "_labels": ["Unit"]},
                         "r": {"on": "2025-01-01", "_type": "SERVES"}, "b": "u2"}]
        assert len(store.read("MATCH (n:Unit) RETURN n.id AS id", limit=4)) == 4
        assert store.counts() == {"nodes": 7, "relationships": 1}
        assert list(store.read_df("MATCH (n:Unit) RETURN n.staff AS s ORDER BY s")["s"]) == list(range(7))
    finally:
        store.close()
    # the managed transactions landed in FalkorDB's graph "falkordb"
    resp = FalkorDBStore(bolt_server)
    assert resp.counts("falkordb") == {"nodes": 7, "relationships": 1}


def test_neo4j_errors_name_the_setting():
    with pytest.raises(ConfigError, match="NEO4J_PASSWORD"):
        Neo4jStore("bolt://127.0.0.1:1", "neo4j", None)
    with pytest.raises(StoreUnavailable, match="NEO4J_URI"):
        Neo4jStore(f"bolt://127.0.0.1:{_free_port()}", "neo4j", "pw")
    with pytest.raises(ConfigError, match="NEO4J_URI"):
        Neo4jStore("ftp://nowhere", "neo4j", "pw")


@pytest.mark.neo4j
@pytest.mark.skipif(not NEO4J_URI, reason="set NEO4J_URI (and NEO4J_USER/NEO4J_PASSWORD) to test a real Neo4j")
def test_real_neo4j(tiny_dataset):
    from orgnet.graph.load import graph_info, load_dataset
    from orgnet.settings import Settings

    store = Neo4jStore.from_settings(Settings.from_env())
    try:
        store.setup_schema()
        r1 = load_dataset(store, tiny_dataset, graph=store.default_graph, replace=True)
        c1 = store.counts()
        assert c1["nodes"] == r1.nodes
        load_dataset(store, tiny_dataset, graph=store.default_graph)
        assert store.counts() == c1
        assert graph_info(store)["nodes"] == r1.nodes
        with pytest.raises(ReadOnlyViolation):
            store.read("CREATE (:Unit {id: 'write-attempt'})")
        assert store.read("MATCH (n:Unit {id: 'write-attempt'}) RETURN n") == []
    finally:
        store.close()
