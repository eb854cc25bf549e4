"""Snapshots: dated loads listed oldest first, on both engines; the date a dataset records."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from orgnet.errors import InputError
from orgnet.graph.load import load_dataset
from orgnet.graph.snapshots import Snapshot, history, list_snapshots, previous, snapshot


def test_snapshots_ordered_by_date(engine_store, store_graph, tiny_dataset):
    if getattr(engine_store, "holds", None):  # Neo4j Community: one graph, one snapshot
        load_dataset(engine_store, tiny_dataset, graph=store_graph, replace=True, as_of="2026-06-30")
        snaps = list_snapshots(engine_store)
        assert [(s.name, s.as_of) for s in snaps] == [(store_graph, "2026-06-30")]
        assert snaps[0].nodes == engine_store.counts(store_graph)["nodes"]
        return
    names = [f"{store_graph}_{q}" for q in ("b", "a")]
    try:
        load_dataset(engine_store, tiny_dataset, graph=names[0], replace=True, as_of="2026-06-30")
        load_dataset(engine_store, tiny_dataset, graph=names[1], replace=True, as_of="2026-03-31")
        mine = [s for s in list_snapshots(engine_store) if s.name in names]
        assert [s.name for s in mine] == [names[1], names[0]]  # by date, not by name
        assert mine[0].as_of == "2026-03-31" and mine[0].loaded_at
        assert mine[0].nodes == engine_store.counts(names[1])["nodes"] > 0
        assert previous(mine, names[0]).name == names[1] and previous(mine, names[1]) is None
        assert snapshot(engine_store, names[0]).as_of == "2026-06-30"
        with pytest.raises(InputError, match="orgnet load"):
            snapshot(engine_store, "no_such_snapshot")
    finally:
        for g in names:
            engine_store.drop_graph(g)


def test_cli_load_uses_the_datasets_date_and_lists(falkordb_settings, falkordb_store, fresh_graph, tmp_path):
    from orgnet.cli import cli
    from helpers_rules import TINY

    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    (data / "dataset.csv").write_text("as_of,title\n2025-12-31,tiny\n", encoding="utf-8")
    graph = fresh_graph("snapcli")
    env = {"ORGNET_HOME": str(falkordb_settings.home)}
    r = CliRunner().invoke(cli, ["load", str(data), "--graph", graph, "--no-progress"], env=env)
    assert r.exit_code == 0, r.output
    assert "reference date 2025-12-31" in r.output
    r = CliRunner().invoke(cli, ["snapshots", "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    rows = {row["name"]: row for row in json.loads(r.output)}
    assert rows[graph]["as_of"] == "2025-12-31" and rows[graph]["nodes"] > 0
    assert rows[graph]["stored"] == "yes"  # stored by the load
    falkordb_store.write("MATCH (u:Unit) SET u.edited = true", graph=graph)  # written to: forgotten
    r = CliRunner().invoke(cli, ["snapshots", "--format", "json"], env=env)
    assert {row["name"]: row for row in json.loads(r.output)}[graph]["stored"] == "no"
    r = CliRunner().invoke(cli, ["snapshots", "--store-results", "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    assert {row["name"]: row for row in json.loads(r.stdout)}[graph]["stored"] == "yes"
    assert {row["name"]: row for row in json.loads(r.stdout)}[graph]["state"] == "live"  # every graph, embedded
    r = CliRunner().invoke(cli, ["snapshots", "--drop", graph, "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    assert graph not in {row["name"] for row in json.loads(r.stdout)} and not falkordb_store.graph_exists(graph)
    assert not falkordb_store.ledger_read("MATCH (r:StoredResult {graph: $g}) RETURN r.key AS k", {"g": graph})
    r = CliRunner().invoke(cli, ["snapshots", "--drop", graph], env=env)
    assert r.exit_code != 0 and graph in str(r.exception)  # an unknown name is refused (InputError), naming it


def test_demo_loads_the_quarters_as_snapshots(falkordb_store, tmp_path):
    from orgnet.demo import DEMO_QUARTERS, prepare_demo
    from orgnet.queries.stored import has_results
    from orgnet.synthetic.series import quarters
    from orgnet.settings import Settings

    settings = Settings(home=tmp_path, graph=f"demo_default_{tmp_path.name[-6:]}".replace("-", "_"))
    plan = quarters(DEMO_QUARTERS)
    try:
        result = prepare_demo(falkordb_store, settings, progress=False)
        assert result.snapshots == plan
        snaps = {s.name: s for s in list_snapshots(falkordb_store)}
        assert [snaps[n].as_of for n, _ in plan] == [d for _, d in plan]
        assert result.graph == settings.graph  # the default graph holds the latest quarter
        assert snaps[settings.graph].as_of == plan[-1][1]
        assert snaps[settings.graph].nodes == snaps[plan[-1][0]].nodes
        assert all(has_results(falkordb_store, g) for g in [n for n, _ in plan] + [settings.graph])
        ordered = list_snapshots(falkordb_store, snaps[settings.graph].series)
        assert previous(ordered, settings.graph).name == plan[-2][0]  # Q3, not its own copy Q4
        again = prepare_demo(falkordb_store, settings, progress=False)  # a second run reuses the files
        assert not again.generated and again.graph == settings.graph
    finally:
        for g in [n for n, _ in plan] + [settings.graph]:
            falkordb_store.drop_graph(g)


def _snap(name: str, as_of: str | None) -> Snapshot:
    return Snapshot(name=name, as_of=as_of, nodes=1, relationships=0, loaded_at=None)


def test_a_snapshot_of_the_same_date_is_not_the_previous_one():
    """The demo's default graph is a copy of its latest quarter: "since the previous snapshot"
    must compare with the quarter before, never with the copy (which would read +0.0 everywhere)."""
    snaps = [_snap("2026Q1", "2026-03-31"), _snap("2026Q3", "2026-09-30"), _snap("2026Q4", "2026-12-31"),
             _snap("orgnet", "2026-12-31")]
    assert previous(snaps, "orgnet").name == "2026Q3"
    assert previous(snaps, "2026Q4").name == "2026Q3"
    assert [s.name for s in history(snaps, "orgnet")] == ["2026Q1", "2026Q3", "orgnet"]
    assert previous(snaps, "2026Q1") is None and history(snaps, "nowhere") == []
    undated = snaps + [_snap("x", None), _snap("y", None)]
    assert previous(undated, "y").name == "x"  # without dates, the order of the list
    as_dicts = [s.to_dict() for s in snaps]
    assert [d["name"] for d in history(as_dicts, "orgnet", lambda d: (d["name"], d["as_of"]))] == \
        ["2026Q1", "2026Q3", "orgnet"]


def test_a_snapshot_reads_as_its_series_quarter_and_date():
    """What the UI calls a snapshot: its series without a preset's tag, the quarter and the date;
    the graph name only without a series, or to tell two alike apart."""
    from orgnet.graph.snapshots import display_name, display_names, series_title

    assert series_title("咸阳市秦都区模拟数据 · 预设 qindu") == "咸阳市秦都区模拟数据"
    assert series_title("西关街道台账") == "西关街道台账"
    assert display_name({"graph": "qindu", "series": "咸阳市秦都区模拟数据 · 预设 qindu", "as_of": "2026-06-30"}) \
        == "咸阳市秦都区模拟数据 2026年二季度（2026-06-30）"
    assert display_name({"graph": "g", "series": "秦都区", "as_of": "2026-12-31"}) == "秦都区 2026年四季度（2026-12-31）"
    assert display_name({"graph": "g", "series": "秦都区", "as_of": "2026-01-01"}).endswith("2026年一季度（2026-01-01）")
    assert display_name({"graph": "orgnet", "as_of": "2026-12-31"}) == "orgnet"
    snaps = [{"name": "a", "series": "秦都区", "as_of": "2026-03-31"}, {"name": "b", "series": "秦都区", "as_of": "2026-06-30"},
             {"name": "c", "series": "秦都区", "as_of": "2026-06-30"}]
    assert display_names(snaps) == {"a": "秦都区 2026年一季度（2026-03-31）", "b": "秦都区 2026年二季度（2026-06-30） · b",
                                     "c": "秦都区 2026年二季度（2026-06-30） · c"}


def test_two_loads_in_one_second_change_the_app_s_key_of_the_snapshot_list(falkordb_store, fresh_graph, tiny_dataset):
    """The app caches lists of snapshots under ``snapshots_key``: a reload of a snapshot within the
    second (``loaded_at`` has seconds) is another load all the same, by its load id."""
    from orgnet.app import snapshots_key

    g = fresh_graph("key")
    load_dataset(falkordb_store, tiny_dataset, graph=g)
    before = [s for s in list_snapshots(falkordb_store) if s.name == g]
    load_dataset(falkordb_store, tiny_dataset, graph=g, replace=True)
    after = [s for s in list_snapshots(falkordb_store) if s.name == g]
    same_second = [Snapshot(**{**after[0].to_dict(), "loaded_at": before[0].loaded_at})]
    assert before[0].load_id != after[0].load_id
    assert snapshots_key(before) != snapshots_key(same_second)
