"""The quarterly cycle on Neo4j Community (one database, one live graph): every earlier
snapshot stays readable through the facts stored at its load.

A real Neo4j 5 Community (tests/neo4j_server.py) loads the weicheng series quarter by quarter
as an operator does: ``orgnet load QUARTER --graph 2026Q1`` … with no ORGNET_GRAPH, each load of
a new name replacing the live quarter, whose stored facts stay. ``orgnet diff``, ``orgnet gaps
--graph`` of a facts-only quarter, the Changes page and the Overview's trend then equal the
embedded engine's output over the same data (every quarter a live graph of its own there,
computed live); a name held neither live nor as facts is refused naming those held.
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


def _store(db, graph: str = "orgnet") -> Neo4jStore:
    return Neo4jStore(db["uri"], db["user"], db["password"], db["database"], default_graph=graph)


def _cli(db, *args, graph: str | None = None):
    env = {**os.environ, "ORGNET_HOME": str(db["home"]), "NEO4J_URI": db["uri"], "NEO4J_USER": db["user"],
           "NEO4J_PASSWORD": db["password"], "NEO4J_DATABASE": db["database"]}
    env.pop("ORGNET_GRAPH", None)  # the operator's way: no ORGNET_GRAPH unless a test sets one
    if graph:
        env["ORGNET_GRAPH"] = graph
    return subprocess.run([sys.executable, "-c", "from orgnet.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=600)


def _named(report: dict, old: str, new: str) -> dict:
    """A diff's dict with the two snapshot names replaced (the engines' graphs are named apart)."""
    return json.loads(json.dumps({**report, "old": {**report["old"], "name": old},
                                  "new": {**report["new"], "name": new}}, ensure_ascii=False, default=str))


def _load(db, q) -> subprocess.CompletedProcess:
    """``orgnet load FOLDER --graph NAME --as-of DATE`` with no ORGNET_GRAPH (the operator's way)."""
    r = _cli(db, "load", str(q.folder), "--graph", q.name, "--as-of", q.as_of, "--no-progress")
    assert r.returncode == 0, r.stderr
    return r


def _intact(db, names: list[str]) -> bool:
    r = _cli(db, "snapshots", "--format", "json")
    state = {row["name"]: row["state"] for row in json.loads(r.stdout)} if r.returncode == 0 else {}
    return [state.get(n) for n in names] == ["facts-only"] * (len(names) - 1) + ["live"]


@pytest.fixture(scope="module")
def cli_cycle(neo4j_server, neo4j_store, tmp_path_factory):
    """The 4-quarter weicheng series loaded on Community through the CLI, each quarter by its own
    name with no ORGNET_GRAPH, each load replacing the live quarter: (db, quarters, load outputs)."""
    neo4j_store.empty()
    db = {**neo4j_server, "home": tmp_path_factory.mktemp("cycle-home")}
    quarters = series()
    loads = [_load(db, q) for q in quarters]
    yield db, quarters, loads
    neo4j_store.empty()


@pytest.fixture
def cycle(cli_cycle):
    """:func:`cli_cycle`, loaded again when a test dropped one of its quarters: (db, quarters)."""
    db, quarters, _ = cli_cycle
    if not _intact(db, [q.name for q in quarters]):
        for q in quarters:
            _load(db, q)
    return db, quarters


@pytest.fixture(scope="module")
def embedded(falkordb_store):
    """The same quarters on the embedded engine, each a live graph of its own, nothing stored
    (every answer computed live): their graph names, oldest first."""
    quarters = series()
    graphs = [f"cyc_{q.name}" for q in quarters]
    for g, q in zip(graphs, quarters):
        load_dataset(falkordb_store, q.dataset, graph=g, replace=True, as_of=q.as_of)
    yield graphs
    for g in graphs:
        falkordb_store.drop_graph(g)


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


def _rows(text: str) -> list[str]:
    """A CLI's JSON rows, each as canonical text, sorted (the engines may order ties apart)."""
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in json.loads(text))


def test_each_quarter_loads_by_its_name_without_ORGNET_GRAPH_the_one_it_replaces_stays_as_facts(
        cli_cycle, cycle, falkordb_settings, embedded):
    from helpers_stores import run_cli

    db, quarters, loads = cli_cycle
    names = [q.name for q in quarters]
    for before, now, r in zip(names, names[1:], loads[1:]):  # each load said what became of the live one
        assert f"{before} is facts-only now" in r.stderr and f"快照 {before} 已由 {now} 替换" in r.stderr, r.stderr
    assert "facts-only" not in loads[0].stderr  # the first one replaced nothing
    r = _cli(db, "snapshots", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {row["name"]: row for row in json.loads(r.stdout)}
    assert [rows[n]["state"] for n in names] == ["facts-only", "facts-only", "facts-only", "live"]
    assert [rows[n]["as_of"] for n in names] == [q.as_of for q in quarters]
    # no --graph: the live quarter, whatever its name; it equals the embedded engine's
    r = _cli(db, "gaps", "--format", "json")
    assert r.returncode == 0, r.stderr
    want = run_cli(falkordb_settings.home, "gaps", "--graph", embedded[-1], "--format", "json")
    assert want.returncode == 0, want.stderr
    assert _rows(r.stdout) == _rows(want.stdout) and json.loads(r.stdout)


def test_gaps_and_kpis_of_a_facts_only_quarter_and_its_diff_equal_the_embedded_engine(
        cycle, falkordb_settings, embedded):
    from helpers_stores import run_cli

    db, quarters = cycle
    names = [q.name for q in quarters]
    for cmd in ("gaps", "kpis"):
        got = _cli(db, cmd, "--graph", names[0], "--format", "json")
        assert got.returncode == 0, got.stderr
        want = run_cli(falkordb_settings.home, cmd, "--graph", embedded[0], "--format", "json")
        assert want.returncode == 0, want.stderr
        assert _rows(got.stdout) == _rows(want.stdout) and json.loads(got.stdout), cmd
    # no setting makes one quarter answer for another: ORGNET_GRAPH=Q1 reads Q1's facts, not the live Q4
    got = _cli(db, "gaps", "--format", "json", graph=names[0])
    assert got.returncode == 0, got.stderr
    assert _rows(got.stdout) == _rows(run_cli(falkordb_settings.home, "gaps", "--graph", embedded[0],
                                              "--format", "json").stdout)
    live = _rows(_cli(db, "gaps", "--graph", names[-1], "--format", "json").stdout)
    assert _rows(got.stdout) != live
    # what the stored facts cannot answer (another date) is refused plainly, not computed on the live quarter
    other = _cli(db, "gaps", "--graph", names[0], "--as-of", "2020-01-01", "--format", "json")
    assert other.returncode == 2 and "仅存结果" in other.stderr and "facts-only" in other.stderr, other.stderr
    # orgnet diff of two facts-only quarters
    got = _cli(db, "diff", names[0], names[1], "--format", "json")
    assert got.returncode == 0, got.stderr
    want = run_cli(falkordb_settings.home, "diff", embedded[0], embedded[1], "--format", "json")
    assert want.returncode == 0, want.stderr
    got, want = json.loads(got.stdout), json.loads(want.stdout)
    assert got["totals"]["new"] + got["totals"]["closed"] > 0
    assert _named(got, "old", "new") == _named(want, "old", "new")


def test_a_name_held_neither_live_nor_as_facts_is_refused_naming_those_held(cycle):
    db, quarters = cycle
    names = [q.name for q in quarters]
    for args in (("gaps", "--graph", "2019Q1"), ("kpis", "--graph", "2019Q1"), ("diff", "2019Q1", names[1])):
        r = _cli(db, *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "2019Q1" in r.stderr and all(n in r.stderr for n in names), (args, r.stderr)
        assert f"{names[-1]} (live)" in r.stderr and f"{names[0]} (facts-only)" in r.stderr, (args, r.stderr)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_changes_page_between_two_facts_only_quarters_equals_the_embedded_engine(
        cycle, falkordb_store, embedded, monkeypatch):
    from orgnet.analysis.changes import CHANGES
    from orgnet.queries.changes import diff_snapshots

    db, quarters = cycle
    names = [q.name for q in quarters]
    at = _open(db, "changes", names[1], monkeypatch)
    assert not at.error, [e.value for e in at.error]
    old = next(b for b in at.selectbox if str(b.key).startswith("chg_old_"))
    new = next(b for b in at.selectbox if str(b.key).startswith("chg_new_"))
    assert (old.value, new.value) == (names[0], names[1])
    want = diff_snapshots(falkordb_store, embedded[0], embedded[1], series=embedded).totals()
    shown = _metrics(at)
    assert [shown[t(f"changes.{ch}", "zh")] for ch in CHANGES] == [str(want[ch]) for ch in CHANGES], shown
    assert want["new"] + want["closed"] > 0


def _chart_points(at) -> set[tuple[str, str, float]]:
    """(date, KPI, value) of every point of the Overview's trend charts."""
    import pyarrow as pa

    points = set()
    for el in at.get("vega_lite_chart"):
        for ds in el.proto.datasets:
            df = pa.ipc.open_stream(ds.data.data).read_all().to_pandas()
            points |= {(str(r.as_of), str(r.kpi), round(float(r.value), 1)) for r in df.itertuples()}
        spec = json.loads(el.proto.spec)
        for d in (spec.get("datasets") or {}).values():  # data kept inside the spec
            points |= {(str(r["as_of"]), str(r["kpi"]), round(float(r["value"]), 1)) for r in d}
    return points


def test_overview_trend_over_facts_only_quarters_lists_all_four_with_the_embedded_values(
        cycle, falkordb_store, embedded, monkeypatch):
    from orgnet.queries.kpis import kpi_meta, kpi_table

    db, quarters = cycle
    want = set()
    for g, q in zip(embedded, quarters):
        df = kpi_table(falkordb_store, as_of=q.as_of, graph=g, scopes=("overall",))
        for r in df.to_dict("records"):
            if kpi_meta(r["kpi"])["measure"] == "count":
                want.add((q.as_of, r["title_zh"] or r["kpi"], float(int(r["numerator"]))))
            elif r["rate"] is not None and r["rate"] == r["rate"]:
                want.add((q.as_of, r["title_zh"] or r["kpi"], round(float(r["rate"]) * 100, 1)))
    for shown in (quarters[-1].name, quarters[-2].name):  # the live quarter, and a facts-only one
        at = _open(db, "overview", shown, monkeypatch)
        assert not at.error, [e.value for e in at.error]
        assert any(t("changes.trend", "zh") in s.value for s in at.subheader), [s.value for s in at.subheader]
        points = _chart_points(at)
        upto = [q.as_of for q in quarters][: [q.name for q in quarters].index(shown) + 1]
        assert {p[0] for p in points} == set(upto)
        assert points == {p for p in want if p[0] in upto}


def test_gaps_and_linkage_pages_of_a_facts_only_quarter_answer_from_its_stored_facts(
        cycle, falkordb_store, embedded, monkeypatch):
    from orgnet.queries import gaps

    db, quarters = cycle
    at = _open(db, "gaps", quarters[0].name, monkeypatch)
    assert not at.error and not at.warning, ([e.value for e in at.error], [w.value for w in at.warning])
    total = len(gaps.run_gaps(falkordb_store, as_of=quarters[0].as_of, graph=embedded[0]))
    assert total > 0 and t("gaps.found", "zh", n=total) in [h.value for h in at.subheader], \
        [h.value for h in at.subheader]
    assert at.dataframe  # a page of its gap rows, read from the stored results
    at = _open(db, "linkage", quarters[0].name, monkeypatch)
    assert not at.error, [e.value for e in at.error]  # (its warnings are the data's: units with no tie)
    # a pair's evaluation records need the live graph: said plainly, the score sheet shown from the facts
    assert t("linkage.eval_facts_only", "zh", graph=quarters[0].name) in [x.value for x in at.caption]
    assert t("linkage.score", "zh") in [m.label for m in at.metric]


def test_earlier_quarters_are_facts_only_diff_equals_the_embedded_engine_and_one_can_be_dropped(
        cycle, falkordb_store, embedded, monkeypatch):
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
    graphs = embedded
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

    # `orgnet snapshots`: live or facts-only; --drop removes one (last: the next test loads the cycle again)
    r = _cli(db, "snapshots", "--format", "json")
    assert r.returncode == 0, r.stderr
    state = {row["name"]: row["state"] for row in json.loads(r.stdout)}
    assert [state[n] for n in names] == ["facts-only", "facts-only", "facts-only", "live"]
    r = _cli(db, "snapshots", "--drop", names[0], "--format", "json")
    assert r.returncode == 0, r.stderr
    assert [row["name"] for row in json.loads(r.stdout)] == names[1:]
    r = _cli(db, "diff", names[0], names[1], "--format", "json")
    assert r.returncode != 0 and names[0] in r.stderr  # gone: refused naming what is held
