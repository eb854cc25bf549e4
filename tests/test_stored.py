"""Results stored at load (orgnet.queries.stored): on both engines, every stored query read
back for the district, a street and a community equals the same query run on the engine;
counts and pages too; a scoped account sees the same as live; a write, a replace or an
edited query make it run live again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orgnet.graph.load import load_dataset
from orgnet.queries import catalog, stored
from orgnet.queries.scope import Scope, ScopedStore


def _key(row: dict) -> tuple:
    return tuple((c, str(row.get(c))) for c in sorted(row))


def _same(a: list[dict], b: list[dict]) -> bool:
    return sorted(a, key=_key) == sorted(b, key=_key)


@pytest.fixture(scope="module")
def kept(engine_store, weicheng_dataset):
    """weicheng loaded with its results stored; (store, graph, StoredResults, places)."""
    graph = "stored_wc"
    load_dataset(engine_store, weicheng_dataset, graph=graph, replace=True)
    result = stored.store_results(engine_store, graph)
    streets = sorted({r["id"] for r in weicheng_dataset.rows("areas") if r["level"] == "street"})
    communities = sorted({r["id"] for r in weicheng_dataset.rows("areas") if r["level"] == "community"})
    places = [{}, {"street_id": streets[0]}, {"street_id": streets[-1]},
              {"community_id": communities[len(communities) // 2]}]
    yield engine_store, graph, result, places
    engine_store.drop_graph(graph)


def _stored_queries(store, graph: str) -> list[str]:
    """Ids of the queries stored for this graph's current load."""
    load_id = stored._load_id(store, graph)
    return sorted({k.split(":")[0] for k in stored._manifest(store, graph, load_id)})


def _params(q: catalog.Query, as_of: str, place: dict) -> dict:
    """``as_of`` and the place, as far as the query takes them."""
    names = {p.name for p in q.params}
    return {k: v for k, v in {"as_of": as_of, **place}.items() if k in names}


def test_every_rule_kpi_and_linkage_query_is_stored(kept):
    store, graph, result, _ = kept
    ids = _stored_queries(store, graph)
    assert set(catalog.names("rule")) <= set(ids)
    assert set(catalog.names("kpi")) <= set(ids)
    assert set(stored.expected_queries()) == set(ids)
    assert {"linkage_channels", "partner_candidates", "linkage_unit_streets", "snapshot_entities"} <= set(ids)
    assert result.rows > 0 and result.results == len(result.keys)


def test_stored_rows_equal_the_engine_for_district_streets_and_communities(kept):
    store, graph, result, places = kept
    as_of = result.as_of
    checked = 0
    for qid in _stored_queries(store, graph):
        q = catalog.get(qid)
        if qid == "linkage_channels":
            continue  # its parameters come from linkage.toml: the next test
        for place in places:
            params = _params(q, as_of, place)
            stats: dict = {}
            got = catalog.run(store, qid, params, graph=graph, stats=stats)
            assert stats.get("stored"), (qid, place)
            with stored.live():
                want = catalog.run(store, qid, params, graph=graph)
            assert _same(got, want), (qid, place, len(got), len(want))
            checked += 1
    assert checked >= 4 * 40


def test_stored_linkage_equals_the_engine(kept):
    from orgnet.queries.linkage import channel_table

    store, graph, result, places = kept
    for place in places:
        got = channel_table(store, as_of=result.as_of, graph=graph, **place)
        with stored.live():
            want = channel_table(store, as_of=result.as_of, graph=graph, **place)
        assert len(got) and _same(got.to_dict("records"), want.to_dict("records")), place


def test_counts_and_pages_from_stored_rows_equal_the_engine(kept):
    store, graph, result, places = kept
    for qid in ("in_service_not_reported", "building_without_group", "unit_should_form_branch"):
        for place in places[:3]:
            params = {"as_of": result.as_of, **place}
            for by in ([], ["street_id"], ["street_id", "community_id"]):
                got = catalog.run(store, qid, params, graph=graph, count_by=by)
                with stored.live():
                    want = catalog.run(store, qid, params, graph=graph, count_by=by)
                assert _same(got, want), (qid, place, by)
            got = catalog.run(store, qid, params, graph=graph, skip=3, limit=7)
            with stored.live():
                want = catalog.run(store, qid, params, graph=graph, skip=3, limit=7)
            assert got == want, (qid, place)


def test_a_scoped_account_sees_the_same_from_stored_rows(kept):
    store, graph, result, places = kept
    street = places[1]["street_id"]
    for personal in (True, False):
        scoped = ScopedStore(store, Scope(street_id=street), personal=personal)
        for qid in ("in_service_not_reported", "kpi_community_org_coverage", "snapshot_entities"):
            q = catalog.get(qid)
            stats: dict = {}
            got = catalog.run(scoped, qid, _params(q, result.as_of, {}), graph=graph, stats=stats)
            assert stats.get("stored")
            with stored.live():
                want = catalog.run(scoped, qid, _params(q, result.as_of, {}), graph=graph)
            assert got and _same(got, want), (qid, personal)
            assert all(r["street_id"] == street for r in got)
        other = catalog.run(scoped, "in_service_not_reported",
                            {"as_of": result.as_of, "street_id": places[2]["street_id"]}, graph=graph)
        assert other == []


def test_another_date_or_an_edited_query_runs_on_the_engine(kept):
    store, graph, result, _ = kept
    stats: dict = {}
    catalog.run(store, "building_without_group", {"as_of": "2020-01-01"}, graph=graph, stats=stats)
    assert not stats.get("stored")
    q = catalog.get("building_without_group")
    edited = replace(q, text=q.text.replace("RETURN", "WITH * RETURN", 1))
    assert stored.lookup(store, edited, q.bind({"as_of": result.as_of}), graph) is None
    assert stored.lookup(store, q, q.bind({"as_of": result.as_of}), graph) is not None


def test_a_write_or_a_new_load_forgets_the_stored_results(engine_store, tiny_dataset, store_graph):
    store, graph = engine_store, store_graph
    load_dataset(store, tiny_dataset, graph=graph, replace=True)
    first = stored.store_results(store, graph)
    assert first.results and stored.has_results(store, graph)
    store.write("MATCH (u:Unit) SET u.touched = true", graph=graph)
    assert not stored.has_results(store, graph)
    stats: dict = {}
    catalog.run(store, "building_without_group", {"as_of": first.as_of}, graph=graph, stats=stats)
    assert not stats.get("stored")

    stored.store_results(store, graph)
    assert stored.has_results(store, graph)
    load_dataset(store, tiny_dataset, graph=graph, replace=True)  # a new load: a new load_id
    assert not stored.has_results(store, graph)
    stored.store_results(store, graph)
    leftover = store.ledger_read(f"MATCH (r:{stored.S} {{graph: $g}}) RETURN DISTINCT r.load_id AS at",
                                 {"g": graph})
    assert len(leftover) == 1  # the earlier load's results are gone


def test_a_query_that_fails_while_storing_is_reported_and_runs_live(falkordb_store, tiny_dataset, fresh_graph,
                                                                     monkeypatch):
    """The engine refusing one query (here: a broken text) leaves the others stored, names
    the one that failed, and ``--store-results`` sees it missing."""
    graph = fresh_graph("storefail")
    load_dataset(falkordb_store, tiny_dataset, graph=graph, replace=True)
    real = catalog.get("grid_without_branch")
    broken = replace(real, text="MATCH (g:Grid) RETURN g.id AS id ORDER BY nope(")
    get = catalog.get
    monkeypatch.setattr(catalog, "get", lambda qid: broken if qid == real.id else get(qid))
    kept = stored.store_results(falkordb_store, graph)
    monkeypatch.undo()
    assert [f.split(":")[0] for f in kept.failed] == ["grid_without_branch"]
    assert stored.missing(falkordb_store, graph) == ["grid_without_branch"]
    assert not stored.has_results(falkordb_store, graph)
    stats: dict = {}
    rows = catalog.run(falkordb_store, "grid_without_branch", {"as_of": kept.as_of}, graph=graph, stats=stats)
    assert not stats.get("stored") and rows == falkordb_store.read(real.text, real.bind({"as_of": kept.as_of}),
                                                                    graph=graph)
    stats = {}
    catalog.run(falkordb_store, "building_without_group", {"as_of": kept.as_of}, graph=graph, stats=stats)
    assert stats.get("stored")
