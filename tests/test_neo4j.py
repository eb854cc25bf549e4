"""The Neo4j store: a smoke test through FalkorDB's Bolt endpoint (always), and the full
store against a real Neo4j when NEO4J_URI is set.

FalkorDB 4.16's Bolt endpoint is experimental: it opens only for a port ≤ 32767, listens on
all interfaces, and crashes the server on a managed transaction. The smoke test therefore
checks connecting, authenticating and the version query of the Neo4j store; reads, writes,
batches and read-only refusal are tested against a real Neo4j when NEO4J_URI is set.
"""

from __future__ import annotations

import os
import socket

import pytest

from helpers_stores import free_port

from orgnet.errors import ConfigError, ReadOnlyViolation, StoreUnavailable
from orgnet.graph.stores.falkordb import MAX_BOLT_PORT, EmbeddedServer
from orgnet.graph.stores.neo4j import Neo4jStore

NEO4J_URI = os.environ.get("NEO4J_URI")


@pytest.fixture(scope="module")
def bolt_server(tmp_path_factory):
    server = EmbeddedServer(tmp_path_factory.mktemp("bolt-home"), bolt_port=free_port(below=MAX_BOLT_PORT + 1))
    server.start()
    import time

    deadline = time.monotonic() + 5
    up = False
    while time.monotonic() < deadline and not up:
        with socket.socket() as s:
            up = s.connect_ex(("127.0.0.1", server.bolt_port)) == 0
        time.sleep(0.1)
    if not up:
        log = server.log_tail(30)
        server.stop()
        pytest.fail(f"FalkorDB did not open its Bolt port {server.bolt_port}:\n{log}")
    yield server
    server.stop()


def test_neo4j_driver_over_falkordb_bolt(bolt_server):
    """Connect, authenticate and ask the server's version through the Neo4j store's own code.

    Only that much: FalkorDB 4.16.3 crashes (Redis bug report in its log) on any managed
    transaction over Bolt — even ``execute_write(lambda tx: tx.run("CREATE (:T)"))`` — so
    the read/write paths of the Neo4j store run only against a real Neo4j (below).
    """
    store = Neo4jStore(f"bolt://127.0.0.1:{bolt_server.bolt_port}", "falkordb", bolt_server.password,
                       database="falkordb")
    try:
        assert store.engine == "neo4j"
        assert store.version()
    finally:
        store.close()
    assert bolt_server.ping()  # the server survived the handshake


def test_neo4j_store_refuses_a_wrong_password_over_bolt(bolt_server):
    with pytest.raises((ConfigError, StoreUnavailable), match="NEO4J_"):
        store = Neo4jStore(f"bolt://127.0.0.1:{bolt_server.bolt_port}", "falkordb", "wrong-password",
                           database="falkordb")
        store.version()


def test_bolt_port_above_falkordb_range_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="ORGNET_FALKORDB_BOLT_PORT"):
        EmbeddedServer(tmp_path, bolt_port=MAX_BOLT_PORT + 1)


def test_neo4j_errors_name_the_setting():
    with pytest.raises(ConfigError, match="NEO4J_PASSWORD"):
        Neo4jStore("bolt://127.0.0.1:1", "neo4j", None)
    with pytest.raises(StoreUnavailable, match="NEO4J_URI"):
        Neo4jStore(f"bolt://127.0.0.1:{free_port()}", "neo4j", "pw")
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
