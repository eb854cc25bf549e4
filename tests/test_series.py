"""Series (the district a snapshot belongs to): two districts in one home never cross. On both
engines: loading another district never changes the first one's follow-up records, and the first
one's next quarter closes exactly what the weicheng oracle says. On the embedded FalkorDB (several
graphs side by side): the snapshot list and the change report of one series stay as they were when
another series is loaded, a cross-series diff is refused naming both, and the Changes page never
offers another series' snapshot. Plus the default series name and the migration of records made
before series existed."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from helpers_series import series

from orgnet.errors import InputError
from orgnet.graph.load import load_dataset
from orgnet.graph.snapshots import by_series, list_snapshots, series_names, snapshot
from orgnet.ledger import service as led
from orgnet.ledger.model import gap_key
from orgnet.model import series_name
from orgnet.queries.changes import diff_snapshots
from orgnet.queries.gaps import run_gaps

#: the rules assigned (structure and agreements: both close and stay open over a quarter)
RULES = ("grid_without_branch", "building_without_group", "agreement_lapsed")
#: the other district is dated after both weicheng quarters (what made the old ledger close
#: weicheng records: it synced against whatever was loaded last by date)
DEMO_AS_OF = "2026-12-31"


def test_default_series_names():
    qs = series()
    assert len({q.dataset.series for q in qs}) == 1  # every quarter of one series
    assert qs[0].dataset.series == "潍坊市潍城区模拟数据 · 预设 weicheng"
    assert series_name("西关街道党建台账（2026年第二季度）") == "西关街道党建台账"
    assert series_name("西关街道党建台账 2026-06-30") == "西关街道党建台账"
    assert series_name("西关街道党建台账（试点）") == "西关街道党建台账（试点）"  # no period in it: kept
    assert series_name("", [("D1", "潍城区"), ("D2", "奎文区")]) == "D1 潍城区、D2 奎文区"


def test_generated_demo_is_another_series(demo_dataset):
    assert demo_dataset.series and demo_dataset.series != series()[0].dataset.series


@pytest.fixture
def ledger(engine_store):
    led.clear(engine_store) if engine_store.ledger_read("MATCH (f:FollowUp) RETURN count(f) AS n") else None
    yield engine_store
    led.clear(engine_store)


def _load(store, graph, dataset, as_of):
    """Load into ``graph`` (the Neo4j test store holds one graph: another one replaces it, as
    a second district replaces the first in a Community deployment)."""
    if getattr(store, "holds", None) and not store.holds(graph):
        store.empty()
    load_dataset(store, dataset, graph=graph, replace=True, as_of=as_of)


def _gaps(store, graph, as_of, rules=RULES):
    return run_gaps(store, list(rules), as_of=as_of, graph=graph).to_dict("records")


def _state(records) -> dict[str, dict]:
    return {r.key: r.to_dict() for r in records}


def test_another_district_never_touches_the_ledger(ledger, store_graph, demo_dataset):
    store = ledger
    q1, q2 = series()[:2]
    w1, demo, w2 = f"{store_graph}_w1", f"{store_graph}_demo", f"{store_graph}_w2"
    try:
        _load(store, w1, q1.dataset, q1.as_of)
        wc = snapshot(store, w1).series
        assigned = led.assign(store, _gaps(store, w1, q1.as_of), snapshot=w1, as_of=q1.as_of, by="张三",
                              person="李四", deadline="2026-05-31")
        assert assigned and {r["series"] for r in assigned} == {wc}
        before = _state(led.list_records(store))

        _load(store, demo, demo_dataset, DEMO_AS_OF)
        other = snapshot(store, demo).series
        assert other != wc
        res = led.sync_snapshot(store, demo)
        assert (res.series, res.closed, res.reopened, res.seen) == (other, [], [], [])
        assert _state(led.list_records(store)) == before  # not a field changed
        demo_gaps = _gaps(store, demo, DEMO_AS_OF)
        shared = {gap_key(g["rule"], g["id"]) for g in demo_gaps} & {r.gap for r in assigned}
        assert shared, "generated ids repeat across presets: the case that used to mix records"
        mine = led.assign(store, demo_gaps, snapshot=demo, as_of=DEMO_AS_OF, by="王五")
        assert {r["series"] for r in mine} == {other} and len(mine) == len(demo_gaps)
        assert {k: v for k, v in _state(led.list_records(store)).items() if k in before} == before
        demo_state = _state(led.list_records(store, series=other))

        _load(store, w2, q2.dataset, q2.as_of)
        res = led.sync_snapshot(store, w2)
        closed = sorted(r.gap for r in assigned if r.gap not in {gap_key(*k) for k in q2.gaps})
        assert closed, "a quarter of work closes some of them"
        gap_of = {r.key: r.gap for r in assigned}
        assert res.series == wc and sorted(gap_of[k] for k in res.closed) == closed  # the oracle's
        assert _state(led.list_records(store, series=other)) == demo_state
        after = {r.gap: r for r in led.list_records(store, series=wc)}
        assert sorted(g for g, r in after.items() if r["status"] == "closed") == closed
        assert all(after[g]["closed_by"] == w2 and after[g]["closed_on"] == q2.as_of for g in closed)
    finally:
        for g in (w1, demo, w2):
            store.drop_graph(g)


def test_records_made_before_series_are_migrated(ledger, store_graph):
    """A record without a series (an older orgnet) gets the series of the snapshot it was
    assigned on; its key stays; the next load of that series syncs it."""
    store = ledger
    q1, q2 = series()[:2]
    _load(store, store_graph, q1.dataset, q1.as_of)
    gaps = _gaps(store, store_graph, q1.as_of, ("grid_without_branch",))[:4]
    recs = led.assign(store, gaps, snapshot=store_graph, as_of=q1.as_of, by="a")
    legacy = []
    for r in recs:  # as an older orgnet wrote them: rule|id keys, no series
        d = r.to_dict()
        d.update(key=r.gap, series="", history=d["history"][:1], version=1)
        legacy.append(d)
    led.clear(store)
    led.create_records(store, legacy)
    wc = snapshot(store, store_graph).series
    assert {r["series"] for r in led.list_records(store)} == {wc}  # shown with the series it will get
    assert sorted(led.migrate_series(store)) == sorted(r.gap for r in recs)
    stored = led._read(store)
    assert {r["series"] for r in stored} == {wc} and {r.key for r in stored} == {r.gap for r in recs}
    assert all(r.version == 2 and r["history"][-1]["changes"] == {"series": [None, wc]} for r in stored)
    assert led.migrate_series(store) == []
    _load(store, store_graph, q2.dataset, q2.as_of)
    res = led.sync_snapshot(store, store_graph)
    assert sorted(res.closed) == sorted(r.gap for r in recs if (r["rule"], r["gap_id"]) not in q2.gaps)


@pytest.fixture(scope="module")
def two_series(falkordb_store, demo_dataset):
    """Weicheng Q1 and Q2 (one series) and the demo (another, dated later) side by side."""
    q1, q2 = series()[:2]
    names = {"w1": "ser_wc_2026Q1", "w2": "ser_wc_2026Q2", "demo": "ser_demo"}
    load_dataset(falkordb_store, q1.dataset, graph=names["w1"], replace=True, as_of=q1.as_of)
    load_dataset(falkordb_store, q2.dataset, graph=names["w2"], replace=True, as_of=q2.as_of)
    yield falkordb_store, names, demo_dataset
    for g in names.values():
        falkordb_store.drop_graph(g)


def test_another_series_leaves_snapshots_and_change_report(two_series):
    store, n, demo_dataset = two_series
    wc = snapshot(store, n["w1"]).series
    mine = [s.to_dict() for s in list_snapshots(store, wc)]  # with other tests' weicheng snapshots
    assert [s["name"] for s in mine if s["name"] in n.values()] == [n["w1"], n["w2"]]
    report = diff_snapshots(store, n["w1"], n["w2"]).to_dict()
    load_dataset(store, demo_dataset, graph=n["demo"], replace=True, as_of=DEMO_AS_OF)
    other = snapshot(store, n["demo"]).series
    assert [s.to_dict() for s in list_snapshots(store, wc)] == mine
    assert diff_snapshots(store, n["w1"], n["w2"]).to_dict() == report
    groups = by_series(list_snapshots(store))
    assert [s.name for s in groups[wc] if s.name in n.values()] == [n["w1"], n["w2"]]
    assert n["demo"] in [s.name for s in groups[other]]
    assert series_names(list_snapshots(store))[0] == other  # the latest dated series first
    for old, new in ((n["w2"], n["demo"]), (n["demo"], n["w1"])):
        with pytest.raises(InputError) as e:
            diff_snapshots(store, old, new)
        assert all(x in str(e.value) for x in (old, new, wc, other, "不同的数据系列", "different series"))


def test_cli_groups_by_series_and_refuses_a_cross_series_diff(two_series, falkordb_settings):
    from orgnet.cli import cli

    store, n, demo_dataset = two_series
    if not store.graph_exists(n["demo"]):
        load_dataset(store, demo_dataset, graph=n["demo"], replace=True, as_of=DEMO_AS_OF)
    env = {"ORGNET_HOME": str(falkordb_settings.home)}
    r = CliRunner().invoke(cli, ["snapshots", "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    rows = [row for row in json.loads(r.output) if row["name"] in n.values()]
    order = [row["series"] for row in json.loads(r.output)]
    assert order == sorted(order, key=order.index)  # each series' snapshots together
    assert [row["name"] for row in rows if row["series"] == snapshot(store, n["w1"]).series] == [n["w1"], n["w2"]]
    r = CliRunner().invoke(cli, ["snapshots", "--series", snapshot(store, n["demo"]).series, "--format", "json"],
                           env=env)
    listed = json.loads(r.output)  # the session's other tests may hold demo snapshots too
    assert n["demo"] in [row["name"] for row in listed] and n["w1"] not in [row["name"] for row in listed]
    assert {row["series"] for row in listed} == {snapshot(store, n["demo"]).series}
    r = CliRunner().invoke(cli, ["diff", n["w1"], n["demo"]], env=env)
    assert r.exit_code != 0 and isinstance(r.exception, InputError)
    assert n["w1"] in str(r.exception) and n["demo"] in str(r.exception)


def test_changes_page_offers_only_the_current_series(two_series, falkordb_settings, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from helpers_access import signed_in
    from orgnet.graph.snapshots import display_names, series_titles

    store, n, demo_dataset = two_series
    if not store.graph_exists(n["demo"]):
        load_dataset(store, demo_dataset, graph=n["demo"], replace=True, as_of=DEMO_AS_OF)
    monkeypatch.setenv("ORGNET_HOME", str(falkordb_settings.home))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ORGNET_PREWARM", "0")
    wc = snapshot(store, n["w2"]).series
    others = {s.name for s in list_snapshots(store) if s.series != wc}
    assert n["demo"] in others
    for graph in (n["w2"], n["w1"]):
        monkeypatch.setenv("ORGNET_GRAPH", graph)
        at = AppTest.from_file(os.path.join(os.path.dirname(__file__), "..", "app.py"), default_timeout=240)
        for k, v in signed_in(str(falkordb_settings.home)).items():
            at.session_state[k] = v
        at.session_state["orgnet_start_page"] = "changes"
        at.session_state["orgnet_graph"] = graph
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        old, new = at.selectbox(key=f"chg_old_{wc}"), at.selectbox(key=f"chg_new_{wc}")
        same = {s.name for s in list_snapshots(store) if s.series == wc}  # other tests' weicheng too
        # the options read as series and date (never a graph name, never "预设"); back to names
        named = {v: k for k, v in display_names([s for s in list_snapshots(store) if s.series == wc]).items()}
        for box in (old, new):
            assert not any("预设" in o for o in box.options), box.options
            offered = {named.get(o, o) for o in box.options}
            assert {n["w1"], n["w2"]} <= offered <= same and not offered & others, box.options
        series_box = at.selectbox(key="_orgnet_series_select")
        titles = series_titles([wc, snapshot(store, n["demo"]).series])
        assert series_box.value == wc and set(series_box.options) >= set(titles.values())
        assert len(set(series_box.options)) == len(series_box.options)  # told apart: a select keeps its value by its text
        assert not any("预设" in o for o in series_box.options), series_box.options
        picked = {named.get(o, o) for o in at.selectbox(key="_orgnet_graph_select").options}
        assert {n["w1"], n["w2"]} <= picked <= same
