"""The Neo4j store's staged ``--replace`` load, its lock and its warnings, on a real Neo4j 5
(issue 27 items 4 and 5): batches of short transactions under technical labels, then one swap.

Each test checks readers from INSIDE a running load (the load's progress hook runs between two
batches), so what they see is the state half-way, not a race.
"""

from __future__ import annotations

import logging

import pytest

from orgnet.errors import LoadInProgress
from orgnet.graph.load import graph_info, load_dataset
from orgnet.graph.stores.neo4j import (
    REPLANNING_WARNING, RETIRED_LABEL, STAGING_LABEL, Neo4jStore,
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
                with pytest.raises(LoadInProgress) as e:
                    with other.load_lock("orgnet"):
                        pass
                refused.append(str(e.value))

        with store.load_lock("orgnet"):
            load_dataset(store, tiny_dataset, graph="orgnet", replace=True, progress=hook, locked=True)
        assert refused and "正在导入" in refused[0] and "Another load" in refused[0]
        with other.load_lock("orgnet"):  # released at the end
            pass
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
