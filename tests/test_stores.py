"""The embedded FalkorDB server and store, against a real server (no mocks)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orgnet.errors import QueryError, ReadOnlyViolation, StoreUnavailable
from orgnet.graph.stores.falkordb import EmbeddedServer, FalkorDBStore


def _listening(pid: int) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN state owned by ``pid``."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            local, state, inode = parts[1], parts[3], parts[9]
            if state == "0A" and inode in inodes:  # 0A = LISTEN
                addr, port = local.split(":")
                found.append((addr, int(port, 16)))
    return found


def test_server_listens_on_loopback_only(falkordb_server):
    c = falkordb_server.client()
    assert c.config_get("bind")["bind"] == "127.0.0.1"
    assert c.config_get("protected-mode")["protected-mode"] == "yes"
    pid = int(c.info("server")["process_id"])
    sockets = _listening(pid)
    assert sockets, "the server listens on no TCP socket?"
    # 0100007F is 127.0.0.1 in /proc/net/tcp's little-endian hex; no BOLT port by default
    assert all(addr == "0100007F" for addr, _ in sockets), sockets
    assert [p for _, p in sockets] == [falkordb_server.port]


def test_only_falkordb_module_and_secrets_private(falkordb_server):
    modules = falkordb_server.client().execute_command("MODULE", "LIST")
    names = {(m.get(b"name") or m.get("name")) if isinstance(m, dict) else m[1] for m in modules}
    names = {n.decode() if isinstance(n, bytes) else n for n in names}
    assert "graph" in names and names <= {"graph", "vectorset"}  # vectorset is built into redis 8
    for f in (falkordb_server.password_file, falkordb_server.conf_file):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert len(falkordb_server.password) >= 32


def test_persistence_is_on(falkordb_server):
    c = falkordb_server.client()
    assert c.config_get("appendonly")["appendonly"] == "yes"
    assert c.config_get("save")["save"]
    assert Path(c.config_get("dir")["dir"]) == falkordb_server.data_dir


def test_reused_while_running(falkordb_server):
    assert falkordb_server.start() is False  # already running: reused, not restarted
    again = EmbeddedServer(falkordb_server.home)
    assert again.ping() and again.port == falkordb_server.port


def test_restart_and_crash_keep_data(tmp_path):
    server = EmbeddedServer(tmp_path)
    assert server.start() is True
    try:
        store = FalkorDBStore(server)
        store.write("CREATE (:Member {id: 'm1', name: '张三'})", graph="p")
        assert server.stop() is True
        assert not server.ping() and not server.pid_file.exists()
        store = FalkorDBStore(server)  # started again on first use
        assert store.read("MATCH (m:Member) RETURN m.name AS name", graph="p") == [{"name": "张三"}]
        # crash: kill -9 after the append-only file was synced (everysec)
        store.write("CREATE (:Member {id: 'm2', name: '李四'})", graph="p")
        time.sleep(1.5)
        pid = server.pid
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            if not server.ping():
                break
            time.sleep(0.05)
        assert server.pid_file.exists()  # stale pid file left behind by the crash
        assert server.start() is True  # stale pid file detected and cleaned
        assert server.pid != pid
        store = FalkorDBStore(server)
        assert store.counts("p")["nodes"] == 2
    finally:
        server.stop()


def test_stale_pid_file_is_cleaned(tmp_path):
    server = EmbeddedServer(tmp_path)
    server.dir.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    server.pid_file.write_text(f"{dead.pid}\n")
    assert server.stop() is False  # not running; cleans up
    assert not server.pid_file.exists()
    server.pid_file.write_text(f"{dead.pid}\n")
    try:
        assert server.start() is True
        assert server.pid != dead.pid
    finally:
        server.stop()


def test_not_running_store_says_what_to_do(tmp_path):
    with pytest.raises(StoreUnavailable, match="orgnet db start"):
        FalkorDBStore(EmbeddedServer(tmp_path), start=False)


def test_read_write_batches_counts(engine_store, store_graph):
    s, graph_name = engine_store, store_graph
    n = s.write_batches("UNWIND $rows AS row CREATE (:Unit {id: row.id, staff: row.staff})",
                        ({"id": f"u{i}", "staff": i} for i in range(12)), graph=graph_name, batch_size=5)
    assert n == 12
    s.write("MATCH (a:Unit {id: 'u1'}), (b:Unit {id: 'u2'}) CREATE (a)-[:SERVES {since: $d}]->(b)",
            {"d": "2025-01-01"}, graph=graph_name)
    assert s.counts(graph_name) == {"nodes": 12, "relationships": 1}
    assert graph_name in s.list_graphs()
    rows = s.read("MATCH (a)-[r]->(b) RETURN a, r, b.id AS b", graph=graph_name)
    assert rows == [{"a": {"id": "u1", "staff": 1, "_labels": ["Unit"]},
                     "r": {"since": "2025-01-01", "_type": "SERVES"}, "b": "u2"}]
    df = s.read_df("MATCH (u:Unit) RETURN u.id AS id ORDER BY u.staff", graph=graph_name, limit=3)
    assert list(df["id"]) == ["u0", "u1", "u2"]
    s.drop_graph(graph_name)
    assert graph_name not in s.list_graphs()
    assert s.counts(graph_name) == {"nodes": 0, "relationships": 0}
    s.drop_graph(graph_name)  # dropping a missing graph is fine


# a write procedure of each engine
WRITE_PROCEDURES = {"falkordb": "CALL db.idx.fulltext.createNodeIndex('Unit', 'name')",
                    "neo4j": "CALL db.createLabel('Injected')"}


def test_read_refuses_writes(engine_store, store_graph):
    store, graph_name = engine_store, store_graph
    store.write("CREATE (:Unit {id: 'x'})", graph=graph_name)
    for q in ("CREATE (:Unit {id: 'y'})", "MATCH (n) DETACH DELETE n", "MATCH (n) SET n.x = 1",
              "MATCH (n) REMOVE n.id", "MERGE (:Unit {id: 'z'})", "MATCH (n) DELETE n",
              "CREATE INDEX FOR (n:Unit) ON (n.staff)", WRITE_PROCEDURES[store.engine],
              "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line LIMIT 1",
              "load  csv with headers from 'https://example.invalid/x.csv' AS r MERGE (:Unit {id: r.id})"):
        with pytest.raises(ReadOnlyViolation):
            store.read(q, graph=graph_name)
    assert store.counts(graph_name)["nodes"] == 1
    assert store.read("MATCH (n) RETURN n.id AS id, n.x AS x", graph=graph_name) == [{"id": "x", "x": None}]


def test_read_missing_graph(falkordb_store, graph_name):
    with pytest.raises(QueryError, match="does not exist"):
        falkordb_store.read("MATCH (n) RETURN n", graph=graph_name)


def test_read_timeout_and_bad_query(engine_store, store_graph):
    store, graph_name = engine_store, store_graph
    store.write("CREATE (:Unit {id: 'x'})", graph=graph_name)
    with pytest.raises(QueryError, match="timed out"):
        # long but small (the engines' per-query memory cap must not be what stops it)
        store.read("UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b WITH a, b WHERE (a * b) % 7 = 3 "
                   "RETURN count(*) AS n", graph=graph_name, timeout_s=0.05)
    if store.engine == "falkordb":  # a literal range over the memory cap is refused before it is sent
        with pytest.raises(QueryError, match="ORGNET_QUERY_MEM_MB"):
            store.read("UNWIND range(1, 100000000) AS i RETURN count(i) AS n", graph=graph_name)
    with pytest.raises(QueryError):
        store.read("MATCH (n RETURN n", graph=graph_name)
    assert store.read("MATCH (n) RETURN count(n) AS n", graph=graph_name, timeout_s=5) == [{"n": 1}]


def test_setup_schema_idempotent(falkordb_store, graph_name):
    falkordb_store.setup_schema(graph_name)
    falkordb_store.setup_schema(graph_name)
    idx = falkordb_store.read("CALL db.indexes() YIELD label, properties RETURN label, properties",
                              graph=graph_name)
    have = {(r["label"], p) for r in idx for p in r["properties"]}
    assert ("Member", "id") in have and ("Member", "category") in have and ("Meeting", "held_on") in have


def _cli(home, *args):
    from helpers_stores import run_cli

    return run_cli(home, *args)


def test_db_cli_status_and_console(falkordb_server, falkordb_store, fresh_graph):
    g = fresh_graph("cli")
    falkordb_store.write("CREATE (:Unit {id: 'u', name: '单位'})-[:LOCATED_IN]->(:Area:Community {id: 'c'})",
                         graph=g)
    r = _cli(falkordb_server.home, "db", "status", "--format", "json")
    assert r.returncode == 0, r.stderr
    import json

    info = json.loads(r.stdout)
    assert info["engine"] == "falkordb" and info["running"] and info["version"].startswith("4.")
    assert info["address"] == f"127.0.0.1:{falkordb_server.port}" and info["memory"]
    assert {"name": g, "nodes": 2, "relationships": 1} in [
        {k: x[k] for k in ("name", "nodes", "relationships")} for x in info["graphs"]]
    r = _cli(falkordb_server.home, "cypher", "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n "
             "ORDER BY label", "--graph", g, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"label": "Area", "n": 1}, {"label": "Unit", "n": 1}]
    r = _cli(falkordb_server.home, "cypher", "MATCH (n) DETACH DELETE n", "--graph", g)
    assert r.returncode == 2 and "read-only" in r.stderr
    assert falkordb_store.counts(g)["nodes"] == 2
    r = _cli(falkordb_server.home, "cypher", "MATCH (n:Unit) RETURN n.id AS id, $x AS x", "-p", "x=5",
             "--graph", g, "--format", "csv")
    assert r.stdout.strip().splitlines() == ["id,x", "u,5"]


def test_batch_parameters_arrive_unchanged(falkordb_store, graph_name):
    """Load batches travel as JSON written by the C encoder (``params_header``); what JSON
    cannot say the way FalkorDB reads it (a control character, a key with a backtick or a
    quote, a date) goes through the client's own writer. Either way the values arrive as sent."""
    import datetime

    from orgnet.graph.stores.falkordb import params_header

    values = ["a\nb", "tab\tx", 'q"uote', "back\\slash", "end\\", "ctl\x01x", "中文", "emoji😀", 'k":v',
              '{"a":1}', "x`y", "", "\\u0041", 1.5, -3, 2**40, True, False, None, 1e-9, [1, "a"]]
    rows = [{"id": f"T{i}", "props": {"v": v, "名 称": "x", "i": i}} for i, v in enumerate(values)]
    fast = [params_header({"rows": [r]}) is not None for r in rows]
    assert sum(fast) >= len(rows) - 3 and not fast[values.index("ctl\x01x")]
    assert params_header({"rows": [{"a`b": 1}]}) is None
    assert params_header({"rows": [{"props": {'a"b': 1}}]}) is None
    assert params_header({"d": datetime.date(2026, 1, 1)}) is None
    n = falkordb_store.write_batches("UNWIND $rows AS row CREATE (n:T) SET n = row.props, n.id = row.id", rows,
                                     graph=graph_name, batch_size=4)
    assert n == len(rows)
    got = {r["id"]: r for r in falkordb_store.read("MATCH (n:T) RETURN n.id AS id, n.v AS v, n.`名 称` AS w",
                                                   graph=graph_name)}
    for r in rows:
        assert got[r["id"]]["v"] == r["props"]["v"] and got[r["id"]]["w"] == "x", r
