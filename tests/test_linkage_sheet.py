"""The 百分制 score sheet of the linkage index on a hand-made street: pairs that hit every cap, the
evaluation grades (the latest one, the same-day tie), the clamp at 0 and at 100, a potential pair
with points and one without; on both engines, equal to the oracle (tests/oracle_linkage.py, written
from the sheet's table of points and caps) and to the hand count; a changed linkage.toml (other
points, caps, grades, bands, the street item off) in the library, the CLI and the app's data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import oracle_linkage as O
from helpers_loaders import write_csv
from orgnet.analysis import linkage as lk
from helpers_stores import lend_store

AS_OF = "2026-06-30"
IN = "2026-03-01"          # inside every window
OLD = "2020-01-01"         # outside every window


def _member(t, mid, unit, **kw):
    t["members"].append({"id": mid, "name": f"党员{mid}", "status": "formal", "category": "in_service",
                         "unit_id": unit, **kw})


def _tables() -> dict[str, list[dict]]:
    t: dict[str, list[dict]] = {k: [] for k in (
        "areas", "party_orgs", "units", "members", "roles", "agreements", "agreement_parties", "needs",
        "resources", "matches", "services", "meetings", "attendance", "meeting_members", "evaluations")}
    t["areas"] += [{"id": "D", "name": "区", "level": "district"},
                   {"id": "S", "name": "街道", "level": "street", "parent_id": "D"}]
    t["areas"] += [{"id": f"C{i}", "name": f"社区{i}", "level": "community", "parent_id": "S"} for i in range(1, 5)]
    t["party_orgs"] += [{"id": "OS", "name": "街道党工委", "kind": "street_committee", "area_ids": "S"}]
    t["party_orgs"] += [{"id": f"OC{i}", "name": f"社区{i}党委", "kind": "community_committee", "area_ids": f"C{i}"}
                        for i in range(1, 5)]
    for u, home in (("U1", "C1"), ("U2", "C2"), ("U3", "C3"), ("U4", "C1"), ("U5", "C1"), ("U6", "C2"),
                    ("U7", "C4")):
        t["units"].append({"id": u, "name": f"单位{u}", "kind": "agency", "area_id": home, "resident": "true",
                           "staff": 50})
    # U1 with C1: every item over its cap, an excellent grade: 30+20+10+10+10+10+10+10+5 = 115 → 100
    t["party_orgs"] += [{"id": "O1", "name": "单位U1党委", "kind": "unit_org", "unit_ids": "U1",
                         "reported_area_id": "C1", "reported_on": IN},
                        {"id": "J1", "name": "联合党支部", "kind": "joint_branch", "unit_ids": "U1",
                         "reported_area_id": "C1"}]  # undated: an org report counts up to as_of or undated
    for i in range(2):
        _agreement(t, f"A1{i}", "OC1", "U1")
    for i in range(3):
        _member(t, f"P1{i}", "U1")
        t["roles"].append({"member_id": f"P1{i}", "target_id": "OC1", "role": "part_time_member"})
    for i in range(6):
        _member(t, f"R1{i}", "U1", reported_area_id="C1", reported_on=IN)
    _member(t, "R1old", "U1", reported_area_id="C1", reported_on=OLD)   # outside the window
    _member(t, "R1none", "U1", reported_area_id="C1")                     # undated: only with no window
    for i in range(3):
        _match(t, f"1{i}", "U1", "C1")
    for i in range(11):
        t["services"].append({"id": f"V1{i}", "type": "wish", "area_id": "C1", "title": "心愿",
                              "claimed_by": "R10", "claimed_on": IN})
    for i in range(6):
        _meeting(t, f"H1{i}", "OC1", ["U1"])
    _member(t, "SEAT1", "U1")
    t["roles"].append({"member_id": "SEAT1", "target_id": "OS", "role": "part_time_member"})
    t["meeting_members"].append({"convener_id": "OS", "member_id": "O1"})
    _evaluate(t, "E100", "A10", "U1", "2026-01-05", "excellent")
    # U2 with C2: an agreement, graded excellent long ago, then poor and good the same day: the
    # greatest id (E3) wins: 30 − 10 = 20, weak
    _agreement(t, "A2", "OC2", "U2")
    _evaluate(t, "E1", "A2", "U2", "2025-01-10", "excellent")
    _evaluate(t, "E3", "A2", "U2", "2026-01-10", "poor")
    _evaluate(t, "E2", "A2", "U2", "2026-01-10", "good")
    _evaluate(t, "E9", "A2", "U2", "2026-07-10", "excellent")  # after as_of: not yet
    # U3 with C3: one meeting (2) and a poor grade under an expired agreement: 2 − 10 → 0, a tie at 0
    _meeting(t, "H3", "OC3", ["U3"])
    _agreement(t, "A3", "OC3", "U3", status="expired")
    _evaluate(t, "E30", "A3", "U3", "2025-12-01", "poor")
    # U4 with C3: members living there and 3 services, nothing institutional: potential, 3 points
    for i in range(4):
        _member(t, f"L4{i}", "U4", home_area_id="C3")
    for i in range(3):
        t["services"].append({"id": f"V4{i}", "type": "post", "area_id": "C3", "title": "岗位",
                              "claimed_by": "L40", "claimed_on": IN})
    # U5 at home in C1 with nothing but a street joint-meeting membership: 10 points, no tie (none);
    # with C4: five reports (10) + the street item (10) = 20, still potential
    t["meeting_members"].append({"convener_id": "OS", "member_id": "U5"})
    for i in range(5):
        _member(t, f"R5{i}", "U5", reported_area_id="C4", reported_on=IN)
    # U6 with C2: agreement 30 + part-time 2 (20) + org report 10 + 3 meetings (6) + good (2) = 68, strong
    t["party_orgs"].append({"id": "O6", "name": "单位U6党支部", "kind": "unit_org", "unit_ids": "U6",
                            "reported_area_id": "C2", "reported_on": IN})
    _agreement(t, "A6", "OC2", "O6")
    for i in range(2):
        _member(t, f"P6{i}", "U6")
        t["roles"].append({"member_id": f"P6{i}", "target_id": "OC2", "role": "part_time_member"})
    for i in range(3):
        _meeting(t, f"H6{i}", "OC2", ["O6"])
    _evaluate(t, "E60", "A6", "O6", "2026-02-01", "good")
    # U7 with C4: 2 matched resources (10) + 5 meetings (10) + 5 services (5) + a 大工委 seat (10)
    # + fair (0) under a lapsed agreement = 35, medium
    for i in range(2):
        _match(t, f"7{i}", "U7", "C4")
    for i in range(5):
        _meeting(t, f"H7{i}", "OC4", ["U7"])
    _member(t, "SEAT7", "U7")
    t["roles"].append({"member_id": "SEAT7", "target_id": "OS", "role": "part_time_member"})
    for i in range(5):
        t["services"].append({"id": f"V7{i}", "type": "wish", "area_id": "C4", "title": "心愿",
                              "claimed_by": "SEAT7", "claimed_on": IN})
    _agreement(t, "A7", "OC4", "U7", status="terminated")
    _evaluate(t, "E70", "A7", "U7", "2026-04-01", "fair")
    return t


def _agreement(t, aid, community_org, party, status="active"):
    t["agreements"].append({"id": aid, "title": f"协议{aid}", "signed_on": "2025-01-01", "status": status})
    t["agreement_parties"] += [{"agreement_id": aid, "party_id": community_org, "side": "community"},
                               {"agreement_id": aid, "party_id": party, "side": "unit"}]


#: the community org that signed each agreement evaluated under it
_SIGNER = {"A10": "OC1", "A2": "OC2", "A3": "OC3", "A6": "OC2", "A7": "OC4"}


def _evaluate(t, eid, aid, who, day, grade):
    t["evaluations"].append({"id": eid, "agreement_id": aid, "evaluator_id": _SIGNER[aid], "evaluatee_id": who,
                             "evaluated_on": day, "grade": grade})


def _match(t, key, unit, community):
    t["needs"].append({"id": f"N{key}", "area_id": community, "title": "需求", "status": "closed"})
    t["resources"].append({"id": f"RS{key}", "unit_id": unit, "title": "资源"})
    t["matches"].append({"resource_id": f"RS{key}", "need_id": f"N{key}", "matched_on": IN})


def _meeting(t, mid, convener, attendees):
    t["meetings"].append({"id": mid, "convener_id": convener, "level": "community", "held_on": IN})
    t["attendance"] += [{"meeting_id": mid, "attendee_id": a} for a in attendees]


#: (community, unit) → (score, band) by hand, from the issue's table
HAND = {("C1", "U1"): (100.0, "strong"), ("C2", "U2"): (20.0, "weak"), ("C3", "U3"): (0.0, "none"),
        ("C3", "U4"): (3.0, "potential"), ("C1", "U4"): (0.0, "none"), ("C1", "U5"): (10.0, "none"), ("C4", "U5"): (20.0, "potential"),
        ("C2", "U6"): (68.0, "strong"), ("C4", "U7"): (35.0, "medium")}


@pytest.fixture(scope="module")
def sheet_dataset(tmp_path_factory):
    from orgnet.loaders.validate import validate_path
    result = validate_path(write_csv(Path(tmp_path_factory.mktemp("sheet")) / "d", _tables()))
    assert result.report.rejected == 0, result.report.errors
    return result.dataset


@pytest.fixture
def sheet_graph(engine_store, sheet_dataset):
    from orgnet.graph.load import load_dataset
    load_dataset(engine_store, sheet_dataset, graph="lk_sheet", replace=True)
    return engine_store, "lk_sheet"


def _oracle(dataset, cfg: lk.LinkageConfig | None = None, **over) -> dict:
    from orgnet.graph.nx import to_networkx
    rows = O.linkage_pairs(to_networkx(dataset), AS_OF, windows=cfg.windows if cfg else None)
    return {(r["community_id"], r["unit_id"]): (r, O.sheet_score(r, **over)) for r in rows}


def test_every_cap_grade_clamp_and_potential_on_both_engines(sheet_graph, sheet_dataset):
    from orgnet.queries.linkage import linkage_table
    store, graph = sheet_graph
    df = linkage_table(store, as_of=AS_OF, graph=graph, config=lk.default_config())
    got = {(r["community_id"], r["unit_id"]): r for r in df.to_dict("records")}
    want = _oracle(sheet_dataset)
    assert set(got) == set(want) == set(HAND)
    for key, (orow, (score, band)) in want.items():
        for k in (*lk.ITEMS, "evaluation"):
            assert (got[key][k] if k != "evaluation" or got[key][k] else None) == orow[k], (key, k)
        assert (got[key]["score"], got[key]["band"]) == (score, band) == HAND[key], key
    u1 = got[("C1", "U1")]  # every cap reached, the raw sum above 100
    assert [u1[f"pts_{k}"] for k in lk.ITEMS] == [30, 20, 10, 10, 0, 10, 10, 10, 10]
    assert u1["raw"] == 115 and u1["evaluation"] == "excellent"
    assert (u1["reported_members"], u1["org_reported"], u1["street_ties"]) == (6, 2, 2)  # the old and undated left out
    assert got[("C2", "U2")]["evaluation"] == "poor" and got[("C3", "U3")]["raw"] == -8


def test_changed_config_changes_scores_as_the_sheet_says(sheet_graph, sheet_dataset, tmp_path):
    from orgnet.queries.linkage import linkage_table
    store, graph = sheet_graph
    f = tmp_path / "linkage.toml"
    f.write_text("[points]\nagreements = 20\nstreet_ties = 0\nmeetings = 5\n[caps]\nagreements = 40\n"
                 "part_time_members = 10\n[evaluation]\npoor = -30\n[bands]\nstrong = 80\nmedium = 20\n"
                 "[windows]\nreported_members = 0\n", encoding="utf-8")
    cfg = lk.load_config(f, use_home=False)
    df = linkage_table(store, as_of=AS_OF, graph=graph, config=cfg)
    got = {(r["community_id"], r["unit_id"]): (r["score"], r["band"]) for r in df.to_dict("records")}
    over = dict(points={"agreements": 20, "street_ties": 0, "meetings": 5},
                caps={"agreements": 40, "part_time_members": 10}, grades={"poor": -30},
                bands={"strong": 80, "medium": 20})
    want = {k: v[1] for k, v in _oracle(sheet_dataset, cfg, **over).items()}
    assert got == want
    # by hand: U1 40+10+10+10(8 reports, no window)+10+10+10+0+5 = 105 → 100; U2 20 − 30 → 0, a tie at 0;
    # U6 20+10+10+10(3 meetings × 5, cap 10)+2 = 52 medium now; U7 10+10(5 meetings × 5, cap 10)+5+0 = 25 medium; U5 street off
    assert got[("C1", "U1")] == (100.0, "strong") and got[("C2", "U2")] == (0.0, "none")
    assert got[("C2", "U6")] == (52.0, "medium") and got[("C4", "U7")] == (25.0, "medium")
    assert got[("C1", "U5")] == (0.0, "none") and got[("C4", "U5")] == (10.0, "potential")


def test_cli_explain_and_home_config(sheet_graph, sheet_dataset, tmp_path, monkeypatch):
    """`orgnet linkage --explain` prints the sheet; ORGNET_HOME/linkage.toml changes the CLI's
    and the app's scores (the app's data: pages._data.linkage_view) the same way."""
    from click.testing import CliRunner

    from orgnet.cli import cli
    from orgnet.pages import _data
    store, graph = sheet_graph

    lend_store(monkeypatch, store)
    run = CliRunner().invoke
    res = run(cli, ["--home", str(tmp_path), "linkage", "--graph", graph, "--as-of", AS_OF, "--explain", "C1", "U1"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "联建强度评分表：社区1 — 单位U1"
    assert lines[3].split() == ["组织联建：有效共建协议", "2", "30", "30", "30"]
    assert lines[4].split() == ["党建联抓：兼职委员", "3", "10", "20", "20"]
    assert lines[-2].split() == ["合计（0–100）", "强", "合计", "115", "0–100", "100"]
    res = run(cli, ["--home", str(tmp_path), "linkage", "--graph", graph, "--explain", "C1", "U1", "--lang", "en"])
    assert res.exit_code == 0 and "Total (0–100)" in res.output
    res = run(cli, ["--home", str(tmp_path), "linkage", "--graph", graph, "--explain", "C4", "U1"])
    assert res.exit_code != 0 and "no linkage between community C4 and unit U1" in res.output

    def scores(fmt_args=()):
        r = run(cli, ["--home", str(tmp_path), "linkage", "--graph", graph, "--as-of", AS_OF, "--format", "json"])
        assert r.exit_code == 0, r.output
        return {(x["community_id"], x["unit_id"]): (x["score"], x["band"]) for x in json.loads(r.output)}

    assert scores() == HAND
    (tmp_path / "linkage.toml").write_text("[points]\nstreet_ties = 0\n[bands]\nmedium = 36\n", encoding="utf-8")
    want = {**HAND, ("C1", "U5"): (0.0, "none"), ("C4", "U5"): (10.0, "potential"),
            ("C4", "U7"): (25.0, "weak"), ("C1", "U1"): (100.0, "strong")}
    assert scores() == want
    monkeypatch.setenv("ORGNET_HOME", str(tmp_path))  # the app reads the same home
    view = _data.linkage_view(store, graph=graph, as_of=AS_OF, street_id="S")
    assert {(r["community_id"], r["unit_id"]): (r["score"], r["band"]) for r in view["scored"].to_dict("records")} \
        == want
    units = view["units"].set_index("unit_id")
    assert units.loc["U1", "total_score"] == 100 and units.loc["U1", "strong"] == 1
    assert units.loc["U5", "ties"] == 0 and units.loc["U5", "potential"] == 1
    assert units.loc["U7", "weakest_communities"] == "社区4（25）"


def test_oracle_defaults_are_the_packaged_sheet():
    cfg = lk.default_config()
    assert cfg.points == O.SHEET_POINTS and cfg.caps == O.SHEET_CAPS
    assert cfg.evaluation == O.SHEET_GRADES and (cfg.strong, cfg.medium) == (60, 30)
    assert set(lk.INSTITUTIONAL) == set(O.TIE_ITEMS) and set(lk.INDIVIDUAL) == set(O.HINT_ITEMS)
