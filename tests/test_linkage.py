"""Linkage strength: Cypher channel counts == oracle; scoring; CLI JSON."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import oracle_linkage as O
from helpers_linkage import AS_OFS, DATASETS
from orgnet.errors import ConfigError
from orgnet.analysis import linkage as lk
from helpers_stores import lend_store

# --- the query against the oracle ---------------------------------------------------


def _cypher_rows(store, graph, as_of, **scope):
    from orgnet.queries import catalog
    windows = lk.window_params(as_of, lk.default_config())  # the shipped windows, as the library passes them
    from orgnet.queries.linkage import pairs_from_channel_rows
    from orgnet.queries.linkage import with_street_and_grades
    rows = catalog.run(store, "linkage_channels", {"as_of": as_of, **scope, **windows}, graph=graph)
    # long rows (one per pair and channel), summed per pair into the oracle's columns
    assert all(r["channel"] in range(len(O.CHANNELS) + 1) for r in rows)
    street = catalog.run(store, "linkage_street_ties", {"as_of": as_of, **scope}, graph=graph)
    grades = catalog.run(store, "linkage_evaluations", {"as_of": as_of, **scope}, graph=graph)
    out = with_street_and_grades(pairs_from_channel_rows(rows), street, grades).astype(object).to_dict("records")
    for r in out:
        for k in (*O.CHANNELS, "street_ties"):
            r[k] = int(r[k])
        r["resident"] = bool(r["resident"])
        r["evaluation"] = r["evaluation"] if isinstance(r["evaluation"], str) else None
    return sorted(out, key=lambda r: (r["community_id"], r["unit_id"]))


def test_header():
    from orgnet.queries import catalog
    q = catalog.get("linkage_channels")
    assert q.kind == "linkage"
    assert q.columns == ["community_id", "community", "street_id", "street", "unit_id", "unit",
                         "unit_kind", "resident", "channel", "n"]
    # the scope of every query, then the window of each dated channel
    assert [p.name for p in q.params] == ["as_of", "street_id", "community_id",
                                          *(f"{k}_since" for k in lk.WINDOWED)]


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("as_of", AS_OFS)
def test_channels_equal_oracle(loaded, name, as_of):
    graph, g = loaded(name)
    got = _cypher_rows(loaded.store, graph, as_of)
    want = O.linkage_pairs(g, as_of)
    assert got == want
    # every pair is there for a reason: a channel > 0, or a resident unit at home
    for r in want:
        assert any(r[k] for k in O.CHANNELS) or r["resident"]


@pytest.mark.parametrize("name", ["tiny", "demo-0", "weicheng-0"])
def test_channels_scoped_equal_oracle(loaded, name):
    graph, g = loaded(name)
    as_of = AS_OFS[0]
    streets = sorted(n for n in O.nodes(g, "Street"))[:2]
    comms = sorted(O.nodes(g, "Community"))[:2]
    for s in streets:
        assert _cypher_rows(loaded.store, graph, as_of, street_id=s) == O.linkage_pairs(g, as_of, street_id=s)
    for c in comms:
        assert _cypher_rows(loaded.store, graph, as_of, community_id=c) == \
            O.linkage_pairs(g, as_of, community_id=c)


def test_generated_data_exercises_every_channel(loaded):
    _, g = loaded("weicheng-0")
    rows = O.linkage_pairs(g, AS_OFS[0])
    totals = {k: sum(r[k] for r in rows) for k in (*O.CHANNELS, "street_ties")}
    assert all(v > 0 for v in totals.values()), totals
    assert {r["evaluation"] for r in rows} >= {"excellent", "good"}


def test_tiny_known_pairs(loaded):
    """Spot checks on the hand-written dataset: an agreement through a unit's own party org,
    an expired agreement not counting, a resident unit at zero with its own community."""
    graph, g = loaded("tiny")
    rows = {(r["community_id"], r["unit_id"]): r for r in _cypher_rows(loaded.store, graph, "2025-06-30")}
    assert rows, "tiny dataset yields pairs"
    zero_home = [r for r in rows.values() if r["resident"] and not any(r[k] for k in O.CHANNELS)]
    assert zero_home, "a resident unit with no tie is still listed with its own community"


@pytest.mark.parametrize("name", ["tiny", "demo-0", "weicheng-0"])
def test_partner_candidate_views_equal_oracle(loaded, name):
    from orgnet.queries import catalog
    graph, g = loaded(name)
    facts = catalog.run(loaded.store, "partner_candidates", {}, graph=graph)
    got = sorted(({"community_id": f["community_id"], "unit_id": f["unit_id"], "street_id": f["street_id"],
                   "categories": sorted(f["categories"]),
                   "same_street": f["street_id"] is not None and f["unit_street_id"] == f["street_id"]}
                  for f in facts), key=lambda r: (r["community_id"], r["unit_id"]))
    assert got == O.partner_candidate_facts(g)
    comm = sorted(O.nodes(g, "Community"))[0]
    scoped = catalog.run(loaded.store, "partner_candidates", {"community_id": comm}, graph=graph)
    assert {(f["community_id"], f["unit_id"]) for f in scoped} == \
        {(f["community_id"], f["unit_id"]) for f in O.partner_candidate_facts(g, community_id=comm)}
    assert catalog.run(loaded.store, "linkage_unit_streets", {}, graph=graph) == O.unit_streets(g)
    street = sorted(O.nodes(g, "Street"))[0]  # one street: only its units
    assert catalog.run(loaded.store, "linkage_unit_streets", {"street_id": street}, graph=graph) == \
        [r for r in O.unit_streets(g) if r["street_id"] == street] != []


def test_library_table_and_candidates(loaded):
    from orgnet.queries.linkage import linkage_records, linkage_table, partner_candidates
    graph, g = loaded("demo-0")
    cfg = lk.default_config()
    df = linkage_table(loaded.store, as_of=AS_OFS[0], graph=graph, config=cfg)
    assert list(df["score"]) == sorted(df["score"], reverse=True)
    assert len(df) == len(O.linkage_channels(g, AS_OFS[0]))
    weak = linkage_table(loaded.store, as_of=AS_OFS[0], graph=graph, config=cfg, bands=["weak"])
    assert set(weak["band"]) <= {"weak"}
    recs = linkage_records(loaded.store, as_of=AS_OFS[0], graph=graph, config=cfg)
    assert set(recs[0]) == {"community_id", "community", "unit_id", "unit", "score", "band", "channels",
                            "evaluation", "points"}
    # every pair's score and band are the oracle's sheet
    want = {(r["community_id"], r["unit_id"]): O.sheet_score(r) for r in O.linkage_pairs(g, AS_OFS[0])}
    assert {(r["community_id"], r["unit_id"]): (r["score"], r["band"]) for r in recs} == want
    cands = partner_candidates(loaded.store, as_of=AS_OFS[0], graph=graph, config=cfg, scored=df)
    for r in cands.to_dict("records"):
        assert r["reasons"] and set(r["reasons"]) <= set(lk.REASONS)
        assert r["current_band"] in ("weak", "potential", "none")


# --- scoring (pure) -------------------------------------------------------------------


def test_sheet_points_caps_and_clamp():
    cfg = lk.default_config()
    assert lk.score({}, cfg) == 0
    assert lk.score({"agreements": 3}, cfg) == 30  # capped
    assert lk.score({"part_time_members": 1, "meetings": 12, "services": 4}, cfg) == 10 + 10 + 4
    assert lk.score({k: 10**6 for k in lk.ITEMS} | {"evaluation": "excellent"}, cfg) == 100
    assert lk.score({"meetings": 2, "evaluation": "poor"}, cfg) == 0
    assert [lk.score({"agreements": 1, "evaluation": g}, cfg) for g in lk.GRADES] == [35, 32, 30, 20]


def test_bands_at_boundaries():
    cfg = lk.default_config()
    assert [lk.band(v, cfg) for v in (100, 60, 59.999, 30, 29.999, 1e-9, 0)] == \
        ["strong", "strong", "medium", "medium", "weak", "weak", "none"]
    # a pair with no institutional item is no tie, whatever it scores
    assert lk.pair_band({"reported_members": 5, "services": 10, "street_ties": 1, "evaluation": "excellent"}, cfg) \
        == "potential"
    assert lk.pair_band({"street_ties": 1}, cfg) == "none"
    assert lk.pair_band({"org_reported": 1}, cfg) == "weak"


def test_score_table_breakdown_and_order():
    cfg = lk.default_config()
    df = pd.DataFrame([
        {"community_id": "C1", "unit_id": "U1", "agreements": 1},
        {"community_id": "C1", "unit_id": "U2", "agreements": 3, "part_time_members": 2, "meetings": 12,
         "reported_members": 10},
        {"community_id": "C2", "unit_id": "U1", "resident_members": 3},
    ])
    s = lk.score_table(df, cfg)
    assert list(s["unit_id"]) == ["U2", "U1", "U1"]
    assert list(s["band"]) == ["strong", "medium", "potential"]
    assert list(s["score"]) == [70, 30, 0]
    pts = s[[f"pts_{k}" for k in (*lk.ITEMS, lk.EVALUATION)]].sum(axis=1)
    assert (pts == s["raw"]).all()
    rec = lk.records(s)[0]
    assert rec["channels"]["meetings"] == 12 and rec["points"]["meetings"] == 10 and rec["evaluation"] is None


def test_config_override(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "linkage.toml").write_text("[points]\nagreements = 10\n[bands]\nstrong = 80\n", encoding="utf-8")
    cfg = lk.load_config(home=home)
    assert cfg.points["agreements"] == 10 and cfg.points["services"] == 1
    assert cfg.strong == 80 and cfg.medium == 30
    explicit = tmp_path / "mine.toml"
    explicit.write_text("[caps]\nmeetings = 2\n[evaluation]\npoor = -5\n", encoding="utf-8")
    cfg2 = lk.load_config(explicit, home=home)
    assert cfg2.caps["meetings"] == 2 and cfg2.points["agreements"] == 10 and cfg2.evaluation["poor"] == -5
    assert str(explicit) in cfg2.sources
    assert lk.load_config(home=tmp_path / "nowhere").points["agreements"] == 30


@pytest.mark.parametrize("text, fragment", [
    ("[points]\nagreement = 1\n", "not an item"),
    ("[caps]\nmeetings = -1\n", "≥ 0"),
    ("[points]\nmeetings = 'x'\n", "number"),
    ("[evaluation]\nsuperb = 3\n", "not a grade"),
    ("[weights]\nmeetings = 1\n", r"\[points\] and \[caps\]"),
    ("[colours]\n", "unknown section"),
    ("[bands]\nmedium = 70\n", "must not exceed"),
    ("points = [", "not valid TOML"),
])
def test_config_errors(tmp_path, text, fragment):
    f = tmp_path / "linkage.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=fragment):
        lk.load_config(f)
    with pytest.raises(ConfigError, match="does not exist"):
        lk.load_config(tmp_path / "missing.toml")


def test_aggregates_weak_ties_and_candidates():
    cfg = lk.default_config()
    base = {"street": "街", "unit_kind": "agency", "community": "社"}
    df = pd.DataFrame([
        {**base, "community_id": "C1", "street_id": "S1", "unit_id": "U1", "resident": True, "agreements": 3,
         "part_time_members": 3, "meetings": 10, "reported_members": 10},
        {**base, "community_id": "C1", "street_id": "S1", "unit_id": "U2", "resident": False, "services": 1},
        {**base, "community_id": "C2", "street_id": "S1", "unit_id": "U3", "resident": True},
        {**base, "community_id": "C3", "street_id": None, "unit_id": "U1", "resident": True, "reported_members": 1},
    ])
    s = lk.score_table(df, cfg)
    cs = lk.community_summary(s).set_index("community_id")
    # U2 (one service) and U1 in C3 (one report) are potential pairs, not ties
    assert cs.loc["C1", "pairs"] == 2 and cs.loc["C1", "strong"] == 1 and cs.loc["C1", "potential"] == 1
    assert cs.loc["C1", "tied_units"] == 1 and cs.loc["C3", "tied_units"] == 0
    assert cs.loc["C2", "tied_units"] == 0 and cs.loc["C2", "resident_units"] == 1
    ss = lk.street_summary(s).set_index("street_id")
    assert list(ss.index) == ["S1"] and ss.loc["S1", "communities"] == 2 and ss.loc["S1", "pairs"] == 3
    wt = lk.weak_ties(s)
    assert list(wt["band"]) == ["none"]
    assert lk.weak_communities(s, cfg) == ["C2", "C3"]
    units = lk.unit_summary(s)
    assert list(units["unit_id"]) == ["U1", "U2", "U3"] and list(units["rank"]) == [1, 2, 3]
    assert units.loc[0, "total_score"] == 70 and units.loc[0, "weakest_communities"] == "社（70）"
    s2 = lk.score_table(pd.concat([df, pd.DataFrame([
        {**base, "community_id": "C2", "street_id": "S1", "unit_id": "U8", "resident": False, "resident_members": 1},
        {**base, "community_id": "C2", "street_id": "S1", "unit_id": "U7", "resident": False, "resident_members": 3},
    ])], ignore_index=True), cfg)
    facts = pd.DataFrame([
        {"community_id": "C2", "community": "社2", "street_id": "S1", "unit_id": "U9", "unit": "九",
         "unit_kind": "agency", "unit_street_id": "S1", "categories": ["教育", "教育"]},
        {"community_id": "C2", "community": "社2", "street_id": "S1", "unit_id": "U7", "unit": "七",
         "unit_kind": "agency", "unit_street_id": "S1", "categories": ["医疗"]},
        {"community_id": "C1", "community": "社1", "street_id": "S1", "unit_id": "U1", "unit": "一",
         "unit_kind": "agency", "unit_street_id": "S1", "categories": ["x"]},
        {"community_id": "C3", "community": "社3", "street_id": None, "unit_id": "U1", "unit": "一",
         "unit_kind": "agency", "unit_street_id": "S1", "categories": ["x"]},
    ])
    streets = pd.DataFrame([{"unit_id": "U8", "street_id": "S2"}, {"unit_id": "U7", "street_id": "S1"}])
    c = lk.partner_candidates(s2, facts, cfg, unit_streets=streets)
    c3 = c[c["community_id"] == "C3"]
    assert list(c3["unit_id"]) == ["U1"] and c3.iloc[0]["current_band"] == "potential"  # keeps its score
    assert c3.iloc[0]["current_score"] > 0
    assert c3.iloc[0]["reasons"] == ["resource_matches_need", "members_active_here"]
    c = c[c["community_id"] == "C2"].reset_index(drop=True)
    assert list(c["unit_id"]) == ["U7", "U9", "U8"]  # C1 is not weak: left out
    assert c.loc[0, "reasons"] == ["resource_matches_need", "members_live_here", "same_street"]
    assert c.loc[0, "members_living"] == 3 and c.loc[0, "current_band"] == "potential"
    assert c.loc[1, "categories"] == ["教育"] and c.loc[1, "reasons"] == ["resource_matches_need", "same_street"]
    assert c.loc[2, "reasons"] == ["members_live_here"]
    assert list(c["rank"]) == [1, 2, 3]
    assert len(lk.partner_candidates(s2, facts, cfg, limit=1)) == 2  # one per weak community
    assert lk.partner_candidates(s2, facts, cfg, communities=[]).empty


def test_filter_bands_rejects_unknown():
    s = lk.score_table(pd.DataFrame([{"community_id": "C", "unit_id": "U"}]))
    assert len(lk.filter_bands(s, ["none"])) == 1
    with pytest.raises(ConfigError):
        lk.filter_bands(s, ["strongest"])


# --- CLI ------------------------------------------------------------------------------


def test_cli_json_shape(loaded, monkeypatch):
    from click.testing import CliRunner

    from orgnet.cli import cli
    graph, _ = loaded("demo-0")

    lend_store(monkeypatch, loaded.store)
    res = CliRunner().invoke(cli, ["linkage", "--graph", graph, "--as-of", AS_OFS[0], "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data and all(set(r) == {"community_id", "community", "unit_id", "unit", "score", "band", "channels",
                                   "evaluation", "points"} for r in data)
    assert set(data[0]["channels"]) == set(lk.ITEMS)
    assert [r["score"] for r in data] == sorted((r["score"] for r in data), reverse=True)
    res = CliRunner().invoke(cli, ["linkage", "--graph", graph, "--band", "weak", "--format", "json"])
    assert res.exit_code == 0 and all(r["band"] == "weak" for r in json.loads(res.output))
    res = CliRunner().invoke(cli, ["linkage", "--graph", graph, "--format", "csv"])
    assert res.exit_code == 0 and res.output.splitlines()[0].startswith("community_id,community,unit_id")
    res = CliRunner().invoke(cli, ["linkage", "--graph", graph, "--street", "nowhere"])
    assert res.exit_code == 0 and "(no rows)" in res.output
    res = CliRunner().invoke(cli, ["linkage", "--graph", graph])
    assert res.exit_code == 0 and "community_id" in res.output.splitlines()[0]
    res = CliRunner().invoke(cli, ["kpis", "--graph", graph])
    assert res.exit_code == 0 and "two_new_org_coverage" in res.output
    res = CliRunner().invoke(cli, ["kpis", "--graph", graph, "--format", "json", "--scope", "overall"])
    assert res.exit_code == 0, res.output
    kp = json.loads(res.output)
    assert {r["kpi"] for r in kp} >= {"two_new_org_coverage", "compound_property"}
    assert all(r["scope"] == "overall" for r in kp)
