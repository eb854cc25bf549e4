"""What changed between snapshots: the diff equals an independent computation from the
networkx oracle on a 4-quarter weicheng series, on both engines; pure parts; the CLI."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner
from helpers_series import expected_changes, series

from orgnet.analysis import changes as ch
from orgnet.graph.load import load_dataset
from orgnet.queries.changes import compare, diff_snapshots, export_xlsx, snapshot_facts

ENTITY_TABLES = {"party_org": "party_orgs", "unit": "units", "agreement": "agreements"}


def _as_map(rows) -> dict:
    return {(r["rule"], r["id"]): (r["change"], r["snapshots_open"]) for r in rows}


def _expected_entities(old, new) -> set:
    out = set()
    for entity, table in ENTITY_TABLES.items():
        a = {r["id"] for r in old.dataset.rows(table)}
        b = {r["id"] for r in new.dataset.rows(table)}
        out |= {(entity, i, "added") for i in b - a} | {(entity, i, "gone") for i in a - b}
    return out


@pytest.fixture(scope="module")
def falkordb_series(falkordb_store):
    qs = series()
    names = [f"chg_{q.name}" for q in qs]
    for q, g in zip(qs, names):
        load_dataset(falkordb_store, q.dataset, graph=g, replace=True, as_of=q.as_of)
    yield falkordb_store, names, qs
    for g in names:
        falkordb_store.drop_graph(g)


@pytest.mark.parametrize("old,new", [(0, 1), (2, 3), (0, 3)])
def test_diff_equals_oracle_falkordb(falkordb_series, old, new):
    store, names, qs = falkordb_series
    report = diff_snapshots(store, names[old], names[new], series=names)
    expected = expected_changes(qs, old, new)
    assert _as_map(report.gaps) == expected
    counts = Counter(c for c, _ in expected.values())
    assert report.totals() == {c: counts.get(c, 0) for c in ch.CHANGES}
    assert counts["closed"] > 0 and counts["new"] > 0 and counts["still_open"] > 0  # the series moves
    by_rule = {r["rule"]: r for r in report.by_rule}
    for rule in {k[0] for k in expected}:
        got = by_rule[rule]
        want = Counter(c for k, (c, _) in expected.items() if k[0] == rule)
        assert (got["new"], got["closed"], got["still_open"]) == (want["new"], want["closed"], want["still_open"])
    ents = {(r["entity"], r["id"], r["change"]) for r in report.entities}
    assert ents == _expected_entities(qs[old], qs[new])
    assert report.old["as_of"] == qs[old].as_of and report.new["as_of"] == qs[new].as_of
    overall = {r["kpi"]: r for r in report.kpis if r["scope"] == "overall"}
    assert overall["compound_property"]["delta"] is not None
    assert report.linkage and {r["direction"] for r in report.linkage} <= {"up", "down"}


def test_diff_scoped_to_a_street(falkordb_series):
    store, names, qs = falkordb_series
    full = diff_snapshots(store, names[0], names[1], series=names)
    street = next(r["street_id"] for r in full.gaps if r["street_id"])
    part = diff_snapshots(store, names[0], names[1], series=names, street_id=street)
    assert part.gaps and all(r["street_id"] == street for r in part.gaps)
    assert _as_map(part.gaps) == {k: v for k, v in _as_map(full.gaps).items()
                                  if k in {(r["rule"], r["id"]) for r in full.gaps if r["street_id"] == street}}
    assert all(r["street_id"] == street for r in part.entities)


def test_diff_on_both_engines_one_snapshot_at_a_time(engine_store, store_graph):
    """Neo4j Community holds one graph: facts are read after each load, compared in Python."""
    qs = series()
    facts = []
    for q in qs[:2]:
        load_dataset(engine_store, q.dataset, graph=store_graph, replace=True, as_of=q.as_of)
        f = snapshot_facts(engine_store, store_graph)
        assert f.as_of == q.as_of
        facts.append(f)
    report = compare(*facts)
    assert _as_map(report.gaps) == expected_changes(qs, 0, 1)
    assert {(r["entity"], r["id"], r["change"]) for r in report.entities} == _expected_entities(qs[0], qs[1])


def test_pure_parts():
    assert ch.streak([{("r", "a")}, set(), {("r", "a")}, {("r", "a")}], ("r", "a")) == 2
    old = [{"community_id": "C1", "unit_id": "U1", "band": "weak", "score": 10.0},
           {"community_id": "C1", "unit_id": "U2", "band": "medium", "score": 40.0}]
    new = [{"community_id": "C1", "unit_id": "U1", "band": "strong", "score": 70.0},
           {"community_id": "C1", "unit_id": "U2", "band": "medium", "score": 45.0},
           {"community_id": "C2", "unit_id": "U3", "band": "weak", "score": 5.0}]
    got = {(r["unit_id"], r["band_old"], r["band_new"], r["direction"]) for r in ch.band_changes(old, new)}
    assert got == {("U1", "weak", "strong", "up"), ("U3", "none", "weak", "up")}
    k_old = [{"kpi": "k", "scope": "overall", "rate": 0.5, "numerator": 1, "denominator": 2}]
    k_new = [{"kpi": "k", "scope": "overall", "rate": 0.75, "numerator": 3, "denominator": 4}]
    assert ch.kpi_deltas(k_old, k_new)[0]["delta"] == 0.25


def test_cli_json_and_xlsx(falkordb_series, falkordb_settings, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from orgnet.cli import cli

    store, names, qs = falkordb_series
    env = {"ORGNET_HOME": str(falkordb_settings.home)}
    r = CliRunner().invoke(cli, ["diff", names[0], names[1], "--format", "json"], env=env)
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    keys = {(g["rule"], g["id"]): g["change"] for g in data["gaps"]}
    assert keys == {k: c for k, (c, _) in expected_changes(qs, 0, 1).items()}
    assert {"rule", "id", "street_id", "community_id", "change"} <= set(data["gaps"][0])
    out = tmp_path / "diff.xlsx"
    r = CliRunner().invoke(cli, ["diff", names[0], names[1], "--format", "xlsx", "--out", str(out)], env=env)
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["汇总", "缺口变化"]
    assert wb["缺口变化"].max_row == len(data["gaps"]) + 1
    r = CliRunner().invoke(cli, ["diff", names[0], "nope"], env=env)
    assert r.exit_code != 0 and "orgnet load" in (r.output + str(r.exception))
