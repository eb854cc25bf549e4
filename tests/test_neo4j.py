"""The Neo4j store against a REAL Neo4j 5 Community (the ``neo4j_server`` fixture of
conftest.py: Maven Central's neo4j-harness, auth on), plus a smoke test of the driver
through FalkorDB's Bolt endpoint.

Rules, KPIs, linkage, views, loads and the read-only console run on both engines through
the ``engine_store`` fixture (test_rules, test_kpis, test_linkage, test_load, test_stores,
test_explore, test_catalog, test_gaps_cli). Here: what is Neo4j's own — the CLI pointed at
the server by NEO4J_URI, a ``--replace`` load killed with SIGKILL, the server-side query
timeout, the schema, authentication, and one graph per database on Community Edition.

FalkorDB 4.16's Bolt endpoint is experimental: it opens only for a port ≤ 32767, listens on
all interfaces, and crashes the server on a managed transaction, so only connecting,
authenticating and the version query are checked through it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from helpers_stores import free_port, run_cli

from orgnet.errors import ConfigError, QueryError, StoreUnavailable
from orgnet.graph.stores.falkordb import MAX_BOLT_PORT, EmbeddedServer
from orgnet.graph.stores.neo4j import Neo4jStore



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


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "https://db.example:7473", "127.0.0.1:7687", "ftp://x"])
def test_a_uri_that_is_not_bolt_is_refused_in_chinese_and_english(uri):
    """Neo4j Browser's http:// address ended in an aiohttp traceback; now a message says what to write."""
    with pytest.raises(ConfigError) as e:
        Neo4jStore(uri, "neo4j", "pw")
    assert "bolt://" in str(e.value) and "不是 Neo4j 驱动的地址" in str(e.value)


def test_a_bolt_port_that_never_answers_is_reported_within_the_connect_timeout():
    """A listening socket that never speaks Bolt: reported as unreachable within the setting
    (it took 62 s before the connect timeout existed)."""
    import socket
    import time

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)  # accepts (the kernel's backlog) and never answers
    try:
        start = time.perf_counter()
        with pytest.raises(StoreUnavailable, match="NEO4J_URI"):
            Neo4jStore(f"bolt://127.0.0.1:{sock.getsockname()[1]}", "neo4j", "pw", connect_timeout_s=2)
        assert time.perf_counter() - start < 15
    finally:
        sock.close()


# ---------------------------------------------------------------------------
# A real Neo4j 5 (tests/neo4j_server.py)
# ---------------------------------------------------------------------------


@pytest.fixture
def neo4j_db(neo4j_server, neo4j_store, tmp_path):
    """The server's credentials, its database emptied before and after (the engine-parametrized
    tests' store is told, so it reloads what it needs)."""
    neo4j_store.empty()
    yield {**neo4j_server, "home": tmp_path / "home"}
    neo4j_store.empty()


def _store(db, **kw) -> Neo4jStore:
    return Neo4jStore(db["uri"], db["user"], db["password"], db["database"], **kw)


def _cli(db, *args, graph=None):
    """``orgnet ARGS`` on the test Neo4j, in this process (helpers_stores.run_cli)."""
    env = {"NEO4J_URI": db["uri"], "NEO4J_USER": db["user"], "NEO4J_PASSWORD": db["password"],
           "NEO4J_DATABASE": db["database"], "ORGNET_GRAPH": graph}  # None: unset
    return run_cli(db["home"], *args, env=env)


def _transactions(store: Neo4jStore, needle: str) -> list[dict]:
    """Transactions running on the server whose current query contains ``needle``."""
    rows = store._auto("SHOW TRANSACTIONS YIELD transactionId, currentQuery, status, elapsedTime "
                       "RETURN transactionId, currentQuery, status", store.database)
    return [r for r in rows if needle in (r["currentQuery"] or "") and "SHOW TRANSACTIONS" not in r["currentQuery"]]


@pytest.mark.neo4j
def test_server_is_neo4j_5_community_with_auth_on(neo4j_db):
    store = _store(neo4j_db)
    try:
        assert store.version().startswith("5.")
        assert store.edition == "community"
        if neo4j_db["start_seconds"] is not None:  # started by the fixture: loopback only
            assert neo4j_db["uri"].startswith("bolt://127.0.0.1:")
    finally:
        store.close()
    with pytest.raises(ConfigError, match="NEO4J_USER and NEO4J_PASSWORD"):
        Neo4jStore(neo4j_db["uri"], neo4j_db["user"], "wrong-password", neo4j_db["database"])


@pytest.mark.neo4j
def test_schema_constraints_and_indexes_idempotent(neo4j_db):
    from orgnet.graph.stores.base import ID_LABELS, PROPERTY_INDEXES

    store = _store(neo4j_db)
    try:
        store.setup_schema()
        store.setup_schema()
        cons = {r["name"] for r in store._auto("SHOW CONSTRAINTS YIELD name RETURN name", store.database)}
        idx = {(r["labels"][0], r["properties"][0]) for r in store._auto(
            "SHOW INDEXES YIELD labelsOrTypes AS labels, properties, type WHERE type = 'RANGE' "
            "RETURN labels, properties", store.database)}
        assert "orgnet_member_id" in cons and "orgnet_area_id" in cons
        assert all((label, "id") in idx for label in ID_LABELS)
        assert all(pair in idx for pair in PROPERTY_INDEXES)
    finally:
        store.close()


@pytest.mark.neo4j
def test_cli_load_reload_replace_gaps_and_status(neo4j_db):
    from conftest import TINY

    r = _cli(neo4j_db, "load", str(TINY), "--no-progress")
    assert r.returncode == 0, r.stderr
    store = _store(neo4j_db)
    try:
        c1 = store.counts()
        assert c1["nodes"] > 0 and c1["relationships"] > 0
        for extra in ([], ["--replace"]):  # idempotent reload, then the one-transaction swap
            r = _cli(neo4j_db, "load", str(TINY), "--no-progress", *extra)
            assert r.returncode == 0, r.stderr
            assert store.counts() == c1
    finally:
        store.close()
    r = _cli(neo4j_db, "gaps", "--as-of", "2025-06-30", "--rule", "building_without_group", "--format", "json")
    assert r.returncode == 0, r.stderr
    from helpers_rules import expected_from_readme

    assert sorted(row["id"] for row in json.loads(r.stdout)) == expected_from_readme()["building_without_group"]
    r = _cli(neo4j_db, "db", "status", "--format", "json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["engine"] == "neo4j" and info["version"].startswith("5.")


@pytest.mark.neo4j
@pytest.mark.parametrize("query", [
    "CREATE (:Unit {id: 'w'})", "MERGE (:Unit {id: 'w'})", "MATCH (n) SET n.w = 1", "MATCH (n) DETACH DELETE n",
    "CALL db.createLabel('Injected')", "CREATE INDEX w FOR (n:Unit) ON (n.w)",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
])
def test_cli_console_refuses_writes(neo4j_db, query):
    from conftest import TINY

    assert _cli(neo4j_db, "load", str(TINY), "--no-progress").returncode == 0
    store = _store(neo4j_db)
    try:
        before = store.counts()
        r = _cli(neo4j_db, "cypher", query)
        assert r.returncode == 2 and ("read-only" in r.stderr or "LOAD CSV" in r.stderr), (r.stdout, r.stderr)
        assert store.counts() == before
        assert store.read("CALL db.labels() YIELD label WHERE label = 'Injected' RETURN label") == []
    finally:
        store.close()


@pytest.mark.neo4j
def test_cli_console_timeout_stops_the_server_side_work(neo4j_db):
    # 10^10 steps in ranges of 10^5 (a single range of 2·10^9 is refused before it is sent)
    query = ("UNWIND range(1, 100000) AS i UNWIND range(1, 100000) AS j WITH i, j WHERE (i + j) % 7 = 3 "
             "RETURN count(*) AS orgnet_timeout_probe")
    t0 = time.monotonic()
    r = _cli(neo4j_db, "cypher", query, "--timeout", "1")
    took = time.monotonic() - t0
    assert r.returncode == 2 and "timed out" in r.stderr, (r.stdout, r.stderr)
    store = _store(neo4j_db)
    try:
        deadline = time.monotonic() + 10
        while _transactions(store, "orgnet_timeout_probe") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _transactions(store, "orgnet_timeout_probe") == []  # terminated on the server, not only abandoned
        assert took < 30, f"the 1 s timeout took {took:.1f} s"
        # the library path: same error, and the server is free again at once
        with pytest.raises(QueryError, match="timed out"):
            store.read(query, timeout_s=0.5)
        assert _transactions(store, "orgnet_timeout_probe") == []
    finally:
        store.close()


@pytest.mark.neo4j
@pytest.mark.slow
def test_killed_replace_keeps_the_old_graph(neo4j_db, demo_path):
    """``orgnet load --replace`` killed with SIGKILL half-way: the old graph stays readable and
    complete (the new graph is staged under technical labels; the batch being written is rolled
    back when the client dies, the batches already written stay aside, and the next load
    deletes them)."""
    from conftest import TINY

    from orgnet.graph.load import graph_info

    assert _cli(neo4j_db, "load", str(TINY), "--no-progress").returncode == 0
    store = _store(neo4j_db)
    try:
        before, source = store.counts(), graph_info(store)["source"]
        env = {**os.environ, "ORGNET_HOME": str(neo4j_db["home"]), "NEO4J_URI": neo4j_db["uri"],
               "NEO4J_USER": neo4j_db["user"], "NEO4J_PASSWORD": neo4j_db["password"],
               "NEO4J_DATABASE": neo4j_db["database"]}
        proc = subprocess.Popen([sys.executable, "-c", "from orgnet.cli import main; main()", "load",
                                 str(demo_path), "--replace", "--no-progress"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        seen = False
        while time.monotonic() < deadline and proc.poll() is None:
            if _transactions(store, "UNWIND $rows"):  # mid-load: batches are being written
                seen = True
                break
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert seen, "the load finished before it could be killed"
        # readable and complete at once, while the server rolls the dead transaction back
        assert store.counts() == before
        assert graph_info(store)["source"] == source
        deadline = time.monotonic() + 60
        while _transactions(store, "UNWIND $rows") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _transactions(store, "UNWIND $rows") == []
        assert store.counts() == before
        # the next load goes through
        r = _cli(neo4j_db, "load", str(demo_path), "--replace", "--no-progress")
        assert r.returncode == 0, r.stderr
        assert store.counts()["nodes"] > before["nodes"]
        assert store.technical_leftovers() == {"OrgnetStaging": 0, "OrgnetRetired": 0}
    finally:
        store.close()


@pytest.mark.neo4j
def test_community_holds_one_graph_and_says_what_to_do(neo4j_db, tiny_dataset):
    """Community holds one live snapshot, named by its load: another name is refused naming what
    is held (no setting makes one answer for another); the default name means the live one; a
    load of a new name replaces it, and says so first when it could not be compared afterwards."""
    from orgnet.errors import InputError, NotLoaded
    from orgnet.graph.load import load_dataset
    from orgnet.snapshots import load_snapshot

    store = _store(neo4j_db, default_graph="2026Q1")
    try:
        load_dataset(store, tiny_dataset, graph="2026Q1")  # its name is stored with the data
        assert store.list_graphs() == ["2026Q1"]
        assert store.counts("2026Q1")["nodes"] > 0
        with pytest.raises(NotLoaded) as e:
            store.read("RETURN 1 AS x", graph="2025Q4")
        assert "2025Q4" in str(e.value) and "2026Q1 (live)" in str(e.value) and "2026Q1（在用）" in str(e.value)
        assert not store.graph_exists("2025Q4") and store.counts("2025Q4")["nodes"] == 0
        store.drop_graph("2025Q4")  # not held: nothing to empty
        assert store.counts("2026Q1")["nodes"] > 0  # untouched
        # a new name replaces the live one, which (loaded without its results) could not be compared after
        with pytest.raises(InputError) as e:
            load_snapshot(store, tiny_dataset, graph="2025Q4")
        assert "--replace" in str(e.value) and "2026Q1" in str(e.value) and "store-results" in str(e.value)
        assert store.counts("2026Q1")["nodes"] > 0  # refused before writing
    finally:
        store.close()
    r = _cli(neo4j_db, "cypher", "RETURN 1 AS x", "--graph", "other")
    assert r.returncode == 2 and "other" in r.stderr and "2026Q1 (live)" in r.stderr, (r.stdout, r.stderr)
    # the default name (no ORGNET_GRAPH, no --graph) means the live snapshot, whatever its name
    r = _cli(neo4j_db, "cypher", "MATCH (n:Area) RETURN count(n) AS n", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)[0]["n"] > 0, r.stderr
    r = _cli(neo4j_db, "cypher", "MATCH (n:Area) RETURN count(n) AS n", "--format", "json", graph="2026Q1")
    assert r.returncode == 0 and json.loads(r.stdout)[0]["n"] > 0, r.stderr
    # --replace: replaced anyway; 2026Q1 kept no facts, so it is no snapshot any more
    store = _store(neo4j_db)
    try:
        loaded = load_snapshot(store, tiny_dataset, graph="2025Q4", replace=True)
        assert loaded.superseded == "2026Q1"
        assert store.list_graphs() == ["2025Q4"] and store.counts()["nodes"] > 0  # the default name: the live one
        with pytest.raises(NotLoaded) as e:
            store.read("RETURN 1 AS x", graph="2026Q1")
        assert "2025Q4 (live)" in str(e.value)
    finally:
        store.close()
    r = _cli(neo4j_db, "cypher", "RETURN 1 AS x", graph="2026Q1")  # ORGNET_GRAPH names no other snapshot
    assert r.returncode == 2 and "2025Q4 (live)" in r.stderr, (r.stdout, r.stderr)


@pytest.mark.neo4j
def test_no_notification_noise_for_labels_a_dataset_lacks(neo4j_db, caplog):
    """An empty database lacks every label the catalog names: nothing is logged (the driver
    would log each of Neo4j's UNRECOGNIZED warnings on stderr of every command)."""
    import logging

    from orgnet.queries import catalog

    store = _store(neo4j_db)
    try:
        with caplog.at_level(logging.INFO, logger="neo4j"):
            for qid in catalog.names("rule"):
                assert catalog.run(store, qid, {"as_of": "2025-06-30"}) == []
        assert [r.getMessage() for r in caplog.records if r.name.startswith("neo4j.notifications")] == []
    finally:
        store.close()


@pytest.mark.neo4j
def test_every_catalog_query_plans_without_notifications(neo4j_db, tiny_dataset):
    """Neo4j's own planner on every catalog file (tiny loaded): no deprecation, no cartesian
    product, no unbounded-pattern or other warning — what the linter cannot see."""
    from orgnet.graph.load import load_dataset
    from orgnet.queries import catalog

    store = _store(neo4j_db)
    try:
        load_dataset(store, tiny_dataset, graph=store.default_graph, replace=True)
        found = []
        with store.driver.session(database=store.database) as s:
            for qid in catalog.names(None):
                q = catalog.get(qid)
                params = {p.name: p.default() for p in q.params}
                summary = s.run("EXPLAIN " + q.text, params).consume()
                if hasattr(summary, "gql_status_objects"):
                    found += [(qid, n.gql_status, n.status_description) for n in summary.gql_status_objects
                              if n.is_notification]
                else:  # an older driver
                    found += [(qid, n.get("code"), n.get("description")) for n in summary.notifications or []]
        assert found == []
    finally:
        store.close()


@pytest.mark.neo4j
@pytest.mark.slow
def test_server_exits_when_its_parent_dies(neo4j_server, tmp_path):
    """The launcher watches stdin: a SIGKILLed pytest leaves no Neo4j behind."""
    import psutil

    if neo4j_server["start_seconds"] is None:
        pytest.skip("NEO4J_URI names an external server: the launcher is not used")
    tests = os.path.dirname(os.path.abspath(__file__))
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]); from neo4j_server import Neo4jTestServer; "
            "s = Neo4jTestServer(sys.argv[2]).start(); print(s.proc.pid, flush=True); time.sleep(600)")
    parent = subprocess.Popen([sys.executable, "-c", code, tests, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        line = parent.stdout.readline().strip()
        assert line.isdigit(), f"the second test server did not start (its parent printed {line!r})"
        java = psutil.Process(int(line))
    finally:
        parent.kill()
        parent.wait()
    try:
        java.wait(timeout=90)
    except psutil.TimeoutExpired:
        java.kill()
        pytest.fail("the Neo4j launcher outlived its parent by 90 s")


@pytest.mark.neo4j
def test_an_old_quarter_name_never_shows_the_new_quarters_data(neo4j_db, tiny_dataset):
    """Community holds one database: after ORGNET_GRAPH=2026Q2 replaced 2026Q1, asking for
    2026Q1 is refused naming what the database holds; 2026Q2 reads under its own name."""
    from orgnet.errors import NotLoaded
    from orgnet.graph.load import load_dataset

    q1, q2 = _store(neo4j_db, default_graph="2026Q1"), _store(neo4j_db, default_graph="2026Q2")
    try:
        load_dataset(q1, tiny_dataset, graph="2026Q1")
        assert q1.read("MATCH (n:Area) RETURN count(n) AS n")[0]["n"] > 0
        load_dataset(q2, tiny_dataset, graph="2026Q2", replace=True)
        with pytest.raises(NotLoaded) as e:
            q1.read("MATCH (n:Area) RETURN count(n) AS n")  # the old name, its default graph
        assert "2026Q2" in str(e.value) and "2026Q1" in str(e.value)
        assert q1.list_graphs() == ["2026Q2"]  # the name belongs to the data, not to the setting
        assert q1.read("MATCH (n:Area) RETURN count(n) AS n", graph="2026Q2")[0]["n"] > 0
    finally:
        q1.close()
        q2.close()
    r = _cli(neo4j_db, "gaps", "--format", "json", graph="2026Q1")
    assert r.returncode == 2 and "2026Q2" in r.stderr and not r.stdout.strip(), (r.stdout, r.stderr)
    r = _cli(neo4j_db, "gaps", "--format", "json", "--graph", "2026Q2", graph="2026Q1")
    assert r.returncode == 0 and json.loads(r.stdout), r.stderr


def test_two_databases_of_one_server_never_share_a_cache_entry():
    """Stored results' in-process caches are keyed by the store's address: the server and its database."""
    from orgnet.graph.stores.neo4j import Neo4jStore

    a = Neo4jStore("bolt://127.0.0.1:7687", "neo4j", "secret-pw", "districta", verify=False)
    b = Neo4jStore("bolt://127.0.0.1:7687", "neo4j", "secret-pw", "districtb", verify=False)
    try:
        assert a.address != b.address and a.address.endswith("/districta")
    finally:
        a.close()
        b.close()
