"""The quarterly cycle on Neo4j Community (one database, one live graph): every earlier
snapshot stays readable through the facts stored at its load.

A real Neo4j 5 Community (tests/neo4j_server.py) loads the weicheng series quarter by quarter
as an operator would (``ORGNET_GRAPH=<quarter>``, each load replacing the last); ``orgnet diff``
and the Changes page's library call (``diff_snapshots``) then compare two quarters of which
neither is live, and equal the embedded engine's output over the same data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_series import series

from orgnet.graph.load import load_dataset
from orgnet.graph.snapshots import FACTS, LIVE, list_snapshots, snapshot
from orgnet.graph.stores.neo4j import Neo4jStore
from orgnet.i18n import t

APP = str(Path(__file__).resolve().parents[1] / "app.py")

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


@pytest.fixture
def neo4j_db(neo4j_server, neo4j_store, tmp_path):
    """The server's credentials, its database (and every stored result) emptied before and after."""
    neo4j_store.empty()
    yield {**neo4j_server, "home": tmp_path / "home"}
    neo4j_store.empty()


def _store(db, graph: str = "orgnet") -> Neo4jStore:
    return Neo4jStore(db["uri"], db["user"], db["password"], db["database"], default_graph=graph)


def _cli(db, *args, graph: str | None = None):
    env = {**os.environ, "ORGNET_HOME": str(db["home"]), "NEO4J_URI": db["uri"], "NEO4J_USER": db["user"],
           "NEO4J_PASSWORD": db["password"], "NEO4J_DATABASE": db["database"]}
    if graph:
        env["ORGNET_GRAPH"] = graph
    return subprocess.run([sys.executable, "-c", "from orgnet.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=600)


def _named(report: dict, old: str, new: str) -> dict:
    """A diff's dict with the two snapshot names replaced (the engines' graphs are named apart)."""
    return json.loads(json.dumps({**report, "old": {**report["old"], "name": old},
                                  "new": {**report["new"], "name": new}}, ensure_ascii=False, default=str))


@pytest.fixture
def cycle(neo4j_db):
    """The 4-quarter weicheng series loaded on Community the way an operator does it: each
    quarter under its own name (ORGNET_GRAPH), replacing the one before; (db, quarters)."""
    from orgnet.snapshots import load_snapshot

    quarters = series()
    for q in quarters:
        store = _store(neo4j_db, q.name)
        try:
            load_snapshot(store, q.dataset, graph=q.name, replace=True, as_of=q.as_of)
        finally:
            store.close()
    return neo4j_db, quarters


def _open(db, page: str, graph: str, monkeypatch):
    """The app's ``page`` on snapshot ``graph``, signed in as an administrator, on this Neo4j."""
    from helpers_access import signed_in
    from streamlit.testing.v1 import AppTest

    for key, value in (("ORGNET_HOME", str(db["home"])), ("NEO4J_URI", db["uri"]), ("NEO4J_USER", db["user"]),
                       ("NEO4J_PASSWORD", db["password"]), ("NEO4J_DATABASE", db["database"]),
                       ("ORGNET_PREWARM", "0")):
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("ORGNET_GRAPH", raising=False)
    at = AppTest.from_file(APP, default_timeout=240)
    for k, v in signed_in(db["home"]).items():
        at.session_state[k] = v
    at.session_state["orgnet_start_page"] = page
    at.session_state["orgnet_graph"] = graph
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_earlier_quarters_are_facts_only_diff_equals_the_embedded_engine_and_one_can_be_dropped(
        cycle, falkordb_store, fresh_graph, monkeypatch):
    from orgnet.errors import FactsOnly
    from orgnet.queries import catalog
    from orgnet.queries.changes import diff_snapshots

    db, quarters = cycle
    names = [q.name for q in quarters]
    reader = _store(db)  # the default graph name: the app's and the CLI's store
    try:
        snaps = {s.name: s for s in list_snapshots(reader) if s.name in names}
        assert [snaps[n].state for n in names] == [FACTS, FACTS, FACTS, LIVE]
        assert [snaps[n].as_of for n in names] == [q.as_of for q in quarters]
        assert len({snaps[n].series for n in names}) == 1
        assert snapshot(reader, names[0]).load_id  # dated and keyed by its own load
        got = diff_snapshots(reader, names[0], names[1]).to_dict()  # the Changes page's call
        with pytest.raises(FactsOnly, match=names[0]):  # not browsable: said plainly
            catalog.run(reader, "view_search", {"q": "社区"}, graph=names[0])
    finally:
        reader.close()

    # the embedded engine, every quarter a graph of its own, computed live
    graphs = [fresh_graph("fq") for _ in quarters]
    for g, q in zip(graphs, quarters):
        load_dataset(falkordb_store, q.dataset, graph=g, replace=True, as_of=q.as_of)
    want = diff_snapshots(falkordb_store, graphs[0], graphs[1], series=graphs).to_dict()
    assert got["totals"] == want["totals"] and got["totals"]["new"] + got["totals"]["closed"] > 0
    assert _named(got, "old", "new") == _named(want, "old", "new")

    r = _cli(db, "diff", names[0], names[1], "--format", "json")
    assert r.returncode == 0, r.stderr
    assert _named(json.loads(r.stdout), "old", "new") == _named(want, "old", "new")

    # the app: a facts-only snapshot's explorer and org tree say so plainly (no error, no empty map)
    for page in ("explorer", "org_tree"):
        at = _open(db, page, names[0], monkeypatch)
        assert any(t("app.facts_only", "zh", graph=names[0]) == e.value for e in at.info), [e.value for e in at.info]

    # `orgnet snapshots`: live or facts-only; --drop removes one (one test: loading the cycle is slow)
    r = _cli(db, "snapshots", "--format", "json")
    assert r.returncode == 0, r.stderr
    state = {row["name"]: row["state"] for row in json.loads(r.stdout)}
    assert [state[n] for n in names] == ["facts-only", "facts-only", "facts-only", "live"]
    r = _cli(db, "snapshots", "--drop", names[0], "--format", "json")
    assert r.returncode == 0, r.stderr
    assert [row["name"] for row in json.loads(r.stdout)] == names[1:]
    r = _cli(db, "diff", names[0], names[1], "--format", "json")
    assert r.returncode != 0 and names[0] in r.stderr  # gone: refused naming what is held
