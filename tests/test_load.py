"""Loading validated datasets into the embedded store."""

from __future__ import annotations

import json
from pathlib import Path
import os
import signal
import subprocess
import sys
import time

import pytest

from orgnet.errors import QueryError
from orgnet.graph.load import graph_info, load_dataset
from orgnet.model import TABLE_LABELS, TABLES, ColType


def _expected_nodes(ds) -> int:
    return sum(len(ds.rows(t)) for t in TABLE_LABELS)


def test_load_is_idempotent(engine_store, tiny_dataset, store_graph):
    falkordb_store, g = engine_store, store_graph  # each engine in turn
    first = load_dataset(falkordb_store, tiny_dataset, graph=g)
    c1 = falkordb_store.counts(g)
    assert c1["nodes"] == _expected_nodes(tiny_dataset) == first.nodes
    assert c1["relationships"] == first.relationships > 0
    load_dataset(falkordb_store, tiny_dataset, graph=g)  # MERGE path
    assert falkordb_store.counts(g) == c1
    load_dataset(falkordb_store, tiny_dataset, graph=g, replace=True)  # swap path
    assert falkordb_store.counts(g) == c1
    info = graph_info(falkordb_store, g)
    assert info["nodes"] == c1["nodes"] and info["loaded_at"] and info["graph"] == g


def test_mapping_follows_the_contract(loaded_store, tiny_dataset):
    store, g = loaded_store("tiny")
    area = tiny_dataset.rows("areas")[-1]
    [row] = store.read("MATCH (a:Area {id: $id}) RETURN a", {"id": area["id"]}, graph=g)
    node = row["a"]
    assert sorted(node["_labels"]) == sorted(["Area", area["level"].capitalize()])
    for table, label in TABLE_LABELS.items():
        for r in tiny_dataset.rows(table)[:3]:
            [got] = store.read(f"MATCH (n:{label.value} {{id: $id}}) RETURN n", {"id": r["id"]}, graph=g)
            props = got["n"]
            assert "_row" not in props and "_extra" not in props
            for col in TABLES[table].columns:
                if col.type in (ColType.ref, ColType.refs):
                    assert col.name not in props, (table, col.name)
                elif r.get(col.name) is not None:
                    assert props[col.name] == r[col.name], (table, col.name)
            for k, v in (r.get("_extra") or {}).items():
                assert props[k] == v
    meta = store.read("MATCH (m:OrgnetMeta) RETURN count(m) AS n", graph=g)
    assert meta == [{"n": 1}]


def test_every_relationship_type_maps(loaded_store, tiny_dataset):
    store, g = loaded_store("tiny")
    types = {r["t"]: r["n"] for r in store.read("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n", graph=g)}
    members = tiny_dataset.rows("members")
    assert types.get("MEMBER_OF", 0) == sum(1 for m in members if m["org_id"])
    # members reporting and unit party orgs reporting to a community
    assert types.get("REPORTED_TO", 0) == sum(1 for m in members if m["reported_area_id"]) + sum(
        1 for o in tiny_dataset.rows("party_orgs") if o["reported_area_id"])
    assert types.get("JOINT_MEMBER_OF", 0) == len(tiny_dataset.rows("meeting_members"))
    assert types.get("HOLDS", 0) == len({(r["member_id"], r["target_id"], r["role"])
                                         for r in tiny_dataset.rows("roles")})
    for rel in store.read("MATCH (:Member)-[r:REPORTED_TO]->(c) RETURN r.on AS on, labels(c) AS l", graph=g):
        assert "Community" in rel["l"]


def test_load_cli_with_report(falkordb_server, fresh_graph, tmp_path):
    from helpers_stores import run_cli as cli

    from conftest import TINY

    if not TINY.is_dir():
        pytest.skip(f"{TINY} does not exist yet")
    g = fresh_graph("cli")
    report = tmp_path / "r.json"
    r = cli(falkordb_server.home, "load", str(TINY), "--graph", g, "--report", str(report),
            "--no-progress")
    assert r.returncode == 0, r.stderr
    assert f"graph {g}: wrote" in r.stdout
    data = json.loads(report.read_text())
    assert data["written"]["nodes"] > 0 and "tables" in data and "errors" in data


def _graph_exists(store, name):
    return name in store._all_graphs()


@pytest.mark.slow
def test_killed_replace_keeps_the_old_graph(falkordb_store, falkordb_server, tiny_dataset,
                                            demo_path, fresh_graph):
    g = fresh_graph("kill")
    load_dataset(falkordb_store, tiny_dataset, graph=g)
    before = falkordb_store.counts(g)
    env = {**os.environ, "ORGNET_HOME": str(falkordb_server.home)}
    env.pop("NEO4J_URI", None)
    proc = subprocess.Popen([sys.executable, "-c", "from orgnet.cli import main; main()", "load",
                             str(demo_path), "--graph", g, "--replace", "--no-progress"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = g + "__loading"
    deadline = time.monotonic() + 120
    seen = False
    while time.monotonic() < deadline and proc.poll() is None:
        if _graph_exists(falkordb_store, staging):
            try:
                rows = falkordb_store.read("MATCH (n) RETURN count(n) AS n", graph=staging)
            except QueryError:  # gone between the two calls: the bulk protocol recreates it
                continue
            if rows[0]["n"] > 0:  # mid-load: nodes are being written
                seen = True
                break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert seen, "the load finished before it could be killed"
    assert falkordb_store.counts(g) == before  # the old graph is intact
    # the folder's name only: an operator's local path never reaches a (shared) database
    assert graph_info(falkordb_store, g)["source"] == Path(tiny_dataset.source).name == "tiny"
    assert g in falkordb_store.list_graphs() and staging not in falkordb_store.list_graphs()
    # the next load cleans the leftover and swaps the new graph in
    result = load_dataset(falkordb_store, tiny_dataset, graph=g, replace=True)
    assert not _graph_exists(falkordb_store, staging)
    assert falkordb_store.counts(g)["nodes"] == result.nodes


def test_demo_loads_and_counts_match(engine_store, demo_dataset, store_graph):
    falkordb_store, g = engine_store, store_graph  # each engine in turn
    result = load_dataset(falkordb_store, demo_dataset, graph=g, replace=True)
    assert falkordb_store.counts(g) == {"nodes": _expected_nodes(demo_dataset),
                                        "relationships": result.relationships}
    load_dataset(falkordb_store, demo_dataset, graph=g)  # MERGE over the CREATE-loaded graph
    assert falkordb_store.counts(g)["relationships"] == result.relationships


def test_progress_hook_sees_every_table(engine_store, demo_dataset, store_graph):
    """The one progress hook (the terminal's bars, the Import page's): every table starts at 0
    and ends at its size, counts only go up, and the sizes add up to what was written."""
    calls: list[tuple[str, int, int]] = []
    result = load_dataset(engine_store, demo_dataset, graph=store_graph, replace=True, batch_size=50,
                          progress=lambda table, done, total: calls.append((table, done, total)))
    seen: dict[str, list[int]] = {}
    for table, done, total in calls:
        seen.setdefault(table, []).append(done)
        assert 0 <= done <= total
    assert list(seen) == list(result.tables)  # tables in the order they were written
    for table, dones in seen.items():
        assert dones[0] == 0 and dones[-1] == result.tables[table]
        assert dones == sorted(dones)
    assert any(len(d) > 2 for d in seen.values())  # several batches: progress within a table
    assert sum(result.tables.values()) == result.nodes + result.relationships
    assert engine_store.counts(store_graph) == {"nodes": result.nodes, "relationships": result.relationships}


def test_import_page_names_each_load_step():
    """What the Import page's bars say for node tables, area levels and relationship groups."""
    from orgnet.i18n import t
    from orgnet.pages.import_page import table_title

    class C:
        lang = "zh"

        @staticmethod
        def t(key, **kw):
            return t(key, "zh", **kw)

    assert table_title(C, "members") == TABLES["members"].zh
    assert table_title(C, "areas:building") == f"{TABLES['areas'].zh}·楼栋"
    title = table_title(C, "MEMBER_OF Member→PartyOrg")
    assert "党员" in title and "党组织" in title and "MEMBER_OF" not in title


def _graph_dump(store, graph: str):
    """Every node (labels and properties) and relationship (ends, type, properties) of a graph."""
    nodes = sorted(repr(sorted(r["n"].items())) for r in store.read(
        "MATCH (n) WHERE NOT n:OrgnetMeta RETURN n", graph=graph))
    rels = sorted(repr((r["a"], r["t"], r["b"], sorted((r["p"] or {}).items()))) for r in store.read(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, properties(r) AS p, b.id AS b", graph=graph))
    return nodes, rels


def test_bulk_load_equals_the_cypher_load(falkordb_store, demo_dataset, fresh_graph):
    """A replacing load on FalkorDB goes through the bulk protocol; a load into an existing graph
    through Cypher MERGE. Both give the same graph, property types included, and the same indexes."""
    bulk, merged = fresh_graph("bulk"), fresh_graph("merge")
    result = load_dataset(falkordb_store, demo_dataset, graph=bulk, replace=True)
    falkordb_store.setup_schema(merged)  # the graph exists: the MERGE path
    load_dataset(falkordb_store, demo_dataset, graph=merged)
    assert _graph_dump(falkordb_store, bulk) == _graph_dump(falkordb_store, merged)
    assert sum(result.tables.values()) == result.nodes + result.relationships
    assert falkordb_store.counts(bulk) == falkordb_store.counts(merged)
    indexes = "CALL db.indexes() YIELD label, properties RETURN label, properties ORDER BY label"
    assert falkordb_store.read(indexes, graph=bulk) == falkordb_store.read(indexes, graph=merged)


def test_bulk_falls_back_to_cypher_for_what_it_cannot_carry(falkordb_store, fresh_graph):
    """A value the bulk protocol cannot carry (here a date object) leaves the staging graph
    empty and indexed, and the Cypher writes that follow fill it."""
    import datetime

    from orgnet.graph.stores.bulk import BulkUnsupported, encode_value

    for odd in (datetime.date(2026, 1, 1), "a\0b", 2**70):
        with pytest.raises(BulkUnsupported):
            encode_value(odd)
    g = fresh_graph("fallback")
    with falkordb_store.replacing(g) as writer:
        good = ("units", ("Unit",), [{"id": "U1", "props": {"id": "U1", "name": "甲"}}])
        bad = ("members", ("Member",), [{"id": "M1", "props": {"id": "M1", "born": datetime.date(1980, 1, 1)}}])
        assert writer.write_graph([good, bad], [], None) is None
        assert writer.store.counts(writer.graph)["nodes"] == 0
        writer.write_batches("UNWIND $rows AS row CREATE (n:Unit) SET n = row.props", [good[2][0]])
    assert falkordb_store.read("MATCH (u:Unit {id: 'U1'}) RETURN u.name AS name", graph=g) == [{"name": "甲"}]
