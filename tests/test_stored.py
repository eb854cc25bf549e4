"""Results stored at load (orgnet.queries.stored): on both engines, every stored query read
back for the district, a street and a community equals the same query run on the engine;
counts and pages too; a scoped account sees the same as live; a write, a replace or an
edited query make it run live again."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orgnet.graph.load import load_dataset
from orgnet.queries import catalog, stored
from orgnet.access.scoped import ScopedStore
from orgnet.queries.scope import Scope


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
    return sorted({k.split(":")[0] for k in stored._read_manifest(store, graph, load_id)})


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


def test_the_library_asks_for_exactly_the_stored_reads(kept, monkeypatch):
    """The table of stored reads (orgnet.queries.reads.stored_reads) is what the library
    functions ask for at the district level: every read of the pages' functions finds its
    stored result, each entry of the table is asked for, and none reaches the engine."""
    from orgnet.queries import changes, explore, gaps, kpis, linkage
    from orgnet.queries.reads import stored_reads

    store, graph, result, _ = kept
    table = {stored.result_key(catalog.get(r.query), catalog.get(r.query).bind(r.params))
             for r in stored_reads(result.as_of, linkage.config_for())}
    asked: list[tuple[str, bool]] = []
    engine: list[str] = []
    lookup, read_catalog = stored.lookup, type(store).read_catalog

    def spy(store_, q, values, graph_, *, counted=False):
        rows = lookup(store_, q, values, graph_, counted=counted)
        asked.append((stored.result_key(q, values), rows is not None))
        return rows

    def engine_read(self, q, *args, **kw):
        engine.append(q.id)
        return read_catalog(self, q, *args, **kw)

    monkeypatch.setattr(stored, "lookup", spy)
    monkeypatch.setattr(type(store), "read_catalog", engine_read)
    gaps.gap_records(store, as_of=result.as_of, graph=graph)
    gaps.term_expiring(store, as_of=result.as_of, graph=graph)
    kpis.kpi_table(store, as_of=result.as_of, graph=graph)
    linkage.partner_candidates(store, as_of=result.as_of, graph=graph)
    explore.streets(store, graph=graph)
    changes.snapshot_facts(store, graph, as_of=result.as_of)
    assert engine == []
    assert [key for key, hit in asked if not hit] == []
    assert {key for key, _ in asked} == table


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


def test_a_second_storing_run_never_serves_a_mix_nor_stale_chunks(engine_store, tiny_dataset, store_graph,
                                                                     monkeypatch):
    """A storing run writes under a new generation and makes it current in one write once all is
    written: while a second run writes (here: wrong rows), readers get the first run's results
    whole; a run that dies midway is never served; the next complete run removes what the others
    left. (Before generations the second run deleted the first's results, then wrote its own.)"""
    store, graph = engine_store, store_graph
    load_dataset(store, tiny_dataset, graph=graph, replace=True)
    first = stored.store_results(store, graph)
    probes = [qid for qid in stored.expected_queries() if qid != "linkage_channels"]
    want: dict[str, list[dict]] = {}
    for qid in probes:
        stats: dict = {}
        want[qid] = catalog.run(store, qid, _params(catalog.get(qid), first.as_of, {}), graph=graph, stats=stats,
                                live=True)
        assert not stats.get("stored"), qid  # live: the engine, not the stored rows
    probes = [qid for qid in probes if want[qid]]
    assert len(probes) >= 10

    def served() -> bool:
        """Every probe answered from stored rows equal to the engine's, and all results stored."""
        for qid in probes:
            stats: dict = {}
            got = catalog.run(store, qid, _params(catalog.get(qid), first.as_of, {}), graph=graph, stats=stats)
            if not stats.get("stored") or not _same(got, want[qid]):
                return False
        return stored.has_results(store, graph)

    write, checks = stored._Sink.write, []

    def wrong_rows(self, read, rows):  # the second run keeps a duplicated row: served, it would show
        write(self, read, [*rows, *rows[:1]])
        checks.append(served())

    monkeypatch.setattr(stored._Sink, "write", wrong_rows)
    second = stored.store_results(store, graph)
    monkeypatch.undo()
    assert len(checks) == len(stored.expected_queries()) and all(checks)
    assert second.generation > first.generation and not served()  # the second one is current now

    def dies(self, read, rows):
        if self.out.results >= 3:  # two writers: it may pass 3 between two checks
            raise RuntimeError("killed while storing")
        write(self, read, rows[1:])

    third = stored.store_results(store, graph)
    assert served()
    monkeypatch.setattr(stored._Sink, "write", dies)
    with pytest.raises(RuntimeError):
        stored.store_results(store, graph)
    monkeypatch.undo()
    assert served()  # the third run's results, whole; none of the dead run's
    fourth = stored.store_results(store, graph)
    assert served() and fourth.generation > third.generation
    gens = store.ledger_read(f"MATCH (r:{stored.S} {{graph: $g}}) WHERE r.chunk IS NOT NULL "
                             f"RETURN DISTINCT r.gen AS gen", {"g": graph})
    assert [r["gen"] for r in gens] == [fourth.generation]


def test_a_run_that_ends_after_a_newer_one_leaves_the_newer_current(falkordb_store, tiny_dataset, fresh_graph,
                                                                      monkeypatch):
    """Two storing runs at once: the one started later is current at the end, whichever ends
    last (the earlier one's switch is refused and its chunks removed); an account's view cannot
    store district rows."""
    from orgnet.errors import AccessDenied

    store, graph = falkordb_store, fresh_graph("tworuns")
    load_dataset(store, tiny_dataset, graph=graph, replace=True)
    write, inner, earlier_gen = stored._Sink.write, [], []

    def newer_run_meanwhile(self, read, rows):
        earlier_gen[:] = earlier_gen or [self.gen]
        if self.gen != earlier_gen[0]:  # the newer run's own writes
            return write(self, read, rows)
        write(self, read, rows[1:])  # the earlier run's rows differ: served, they would show
        if not inner:
            inner.append(None)
            inner[0] = stored.store_results(store, graph)

    monkeypatch.setattr(stored._Sink, "write", newer_run_meanwhile)
    earlier = stored.store_results(store, graph)
    monkeypatch.undo()
    newer = inner[0]
    assert newer.generation > earlier.generation and not newer.failed and stored.has_results(store, graph)
    gens = store.ledger_read(f"MATCH (r:{stored.S} {{graph: $g}}) WHERE r.chunk IS NOT NULL "
                             f"RETURN DISTINCT r.gen AS gen", {"g": graph})
    assert [r["gen"] for r in gens] == [newer.generation]
    for qid in ("building_without_group", "grid_without_branch", "kpi_community_org_coverage"):
        stats: dict = {}
        got = catalog.run(store, qid, {"as_of": newer.as_of}, graph=graph, stats=stats)
        assert stats.get("stored") and _same(got, catalog.run(store, qid, {"as_of": newer.as_of}, graph=graph,
                                                              live=True)), qid
    street = sorted({r["id"] for r in tiny_dataset.rows("areas") if r["level"] == "street"})[0]
    with pytest.raises(AccessDenied):
        stored.store_results(ScopedStore(store, Scope(street_id=street), personal=True), graph)


def test_results_stored_before_generations_are_still_read(falkordb_store, tiny_dataset, fresh_graph):
    """Results stored by an orgnet before generations (no ``gen`` on the chunks nor on the facts
    record) are read as they are (Neo4j Community's facts-only snapshots keep them); the next
    storing run replaces them."""
    store, graph = falkordb_store, fresh_graph("pregen")
    load_dataset(store, tiny_dataset, graph=graph, replace=True)
    kept = stored.store_results(store, graph)
    store.ledger_write(f"MATCH (r:{stored.S} {{graph: $g}}) REMOVE r.gen", {"g": graph})
    stored._forget_manifest(store, graph)
    assert stored.has_results(store, graph)
    stats: dict = {}
    got = catalog.run(store, "building_without_group", {"as_of": kept.as_of}, graph=graph, stats=stats)
    assert stats.get("stored") and _same(got, catalog.run(store, "building_without_group", {"as_of": kept.as_of},
                                                          graph=graph, live=True))
    again = stored.store_results(store, graph)
    gens = store.ledger_read(f"MATCH (r:{stored.S} {{graph: $g}}) RETURN DISTINCT r.gen AS gen", {"g": graph})
    assert [r["gen"] for r in gens] == [again.generation] and stored.has_results(store, graph)


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


_KILLED_STORING = """
import sys, time
from orgnet.graph.stores.falkordb import EmbeddedServer, FalkorDBStore
from orgnet.queries import stored
store = FalkorDBStore(EmbeddedServer(sys.argv[1]))
write = stored._Sink.write
def slow(self, *a):
    write(self, *a)
    if self.out.results >= 3:  # two writers: it may pass 3 between two checks
        print("storing", flush=True)
        time.sleep(600)
stored._Sink.write = slow
stored.store_results(store, "g")
"""



def _kill9_when(home, script: str, says: str) -> None:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", script, str(home)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == says
    finally:
        child.kill()  # SIGKILL
        child.wait()


def test_kill_9_while_storing_or_loading_loses_nothing(tmp_path, tiny_dataset):
    """``kill -9`` of the process storing a snapshot's results: what it wrote is left, the
    snapshot counts as incomplete, queries run live, ``orgnet snapshots --store-results``
    completes it; ``kill -9`` of a later ``--replace`` load leaves the old snapshot, its stored
    results and the follow-up ledger as they were."""
    import contextlib

    from helpers_stores import cli
    from test_recovery import _KILLED_LOAD  # a --replace load that writes, then waits to be killed
    from orgnet.graph.stores.falkordb import EmbeddedServer, FalkorDBStore
    from orgnet.ledger import service as led
    from orgnet.queries.gaps import gap_records

    server = EmbeddedServer(tmp_path / "home")
    server.start()
    try:
        store = FalkorDBStore(server)
        load_dataset(store, tiny_dataset, graph="g", replace=True)
        as_of = catalog.snapshot_date({"as_of": tiny_dataset.as_of})
        gap = gap_records(store, ["grid_without_branch"], as_of=as_of, graph="g")[0]
        led.assign(store, [gap], snapshot="g", as_of=as_of, by="test", person="李书记", deadline="2026-05-31")
        ledger = [dict(r.data) for r in led.list_records(store)]

        _kill9_when(server.home, _KILLED_STORING, "storing")
        # what it wrote is left, in a generation never made current: nothing of it is served
        assert stored.missing(store, "g") == stored.expected_queries()
        rows = catalog.run(store, "grid_without_branch", {"as_of": as_of}, graph="g")
        with stored.live():
            assert _same(rows, catalog.run(store, "grid_without_branch", {"as_of": as_of}, graph="g"))
        r = cli(server.home, "snapshots", "--store-results", "--format", "json")
        assert r.returncode == 0, r.stderr
        assert stored.has_results(store, "g")

        _kill9_when(server.home, _KILLED_LOAD, "writing")
        r = cli(server.home, "snapshots", "--format", "json")  # the next command cleans the leftover
        assert r.returncode == 0, r.stderr
        assert store.staging_leftovers() == [] and stored.has_results(store, "g")
        assert not store.read("MATCH (u:Unit {id: 'half-written'}) RETURN u", graph="g")
        assert [dict(r.data) for r in led.list_records(store)] == ledger
    finally:
        with contextlib.suppress(Exception):
            server.stop()


def test_a_snapshot_loaded_before_stored_results_gets_them(falkordb_store, tiny_dataset, fresh_graph):
    from orgnet.graph.load import META_QUERY

    graph = fresh_graph("oldload")
    load_dataset(falkordb_store, tiny_dataset, graph=graph, replace=True)
    falkordb_store.write("MATCH (m:OrgnetMeta {key: 'meta'}) REMOVE m.load_id", graph=graph)  # as an older orgnet left it
    assert not stored.has_results(falkordb_store, graph)
    kept = stored.store_results(falkordb_store, graph)
    assert not kept.failed and stored.has_results(falkordb_store, graph)
    assert dict(falkordb_store.read(META_QUERY, graph=graph)[0]["m"]).get("load_id")


def test_a_place_reads_only_the_chunks_holding_it(engine_store, weicheng_dataset, monkeypatch):
    """Each chunk lists its streets and communities, and rows in no set order are kept together
    by place, so a street's lookup unpacks a few of a city's chunks; what it reads equals the
    engine's answer."""
    from orgnet.queries.linkage import channel_table

    graph = "stored_chunks"
    monkeypatch.setattr(stored, "CHUNK_ROWS", 300)
    load_dataset(engine_store, weicheng_dataset, graph=graph, replace=True)
    try:
        result = stored.store_results(engine_store, graph)
        street = sorted({r["id"] for r in weicheng_dataset.rows("areas") if r["level"] == "street"})[1]
        load_id = stored._load_id(engine_store, graph)
        key = next(k for k in stored._read_manifest(engine_store, graph, load_id)
                   if k.startswith("linkage_channels:"))
        params = {"graph": graph, "load_id": load_id, "result": key,
                  "gen": stored._read_current(engine_store, graph, load_id)[0]}
        chunks = engine_store.ledger_read(stored._READ_PLACED, {**params, "street_id": street,
                                                                 "community_id": None})
        read = [c for c in chunks if c["data"] is not None]
        assert len(chunks) >= 8 and len(read) <= len(chunks) // 2 + 1, (len(read), len(chunks))
        got = channel_table(engine_store, as_of=result.as_of, graph=graph, street_id=street)
        with stored.live():
            want = channel_table(engine_store, as_of=result.as_of, graph=graph, street_id=street)
        assert len(got) and _same(got.to_dict("records"), want.to_dict("records"))
    finally:
        engine_store.drop_graph(graph)
