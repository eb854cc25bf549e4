"""Organization-health rules (the norms of orgnet/policy.toml): Cypher on both engines == the oracle.

(a) a hand-made district (tests/helpers_health.py) with every boundary named: exactly 3 formal
    members, exactly 50, exactly 100 in and below, a term ending on the reference date, a
    probation of exactly one year, a secretary whose role ended, one who is a member of a
    sub-organization; Cypher == oracle == the expected ids;
(b) the reference date moved across each boundary, the policy settings changed (parameters and a
    district's policy.toml), and the street / community scope;
(c) tiny, demo and weicheng: Cypher == oracle for every rule; the 即将到期 view likewise.
"""

from __future__ import annotations

import re

import pytest

import oracle
from helpers_health import HEALTH_AS_OF, HEALTH_EXPECTED, HEALTH_EXPIRING, HEALTH_RULE_IDS, health_dataset
from helpers_rules import TINY_AS_OF, expected_from_readme, generate_dataset, load_graph, tiny_dataset
from orgnet.graph.nx import to_networkx

COLUMNS = ["rule", "id", "name", "kind", "street_id", "street", "community_id", "community", "detail", "remedy"]
PRESET_AS_OF = "2026-06-30"
#: the size thresholds, which no query may spell as a number
SIZE_SETTINGS = ("branch_min_formal", "branch_max_members", "committee_min_members")


class Graphs:
    """Datasets loaded into graphs of one engine's store, with their networkx graphs (cached)."""

    def __init__(self, store):
        self.store = store
        self.loaded: dict[str, object] = {}
        self._datasets: dict[str, object] = {}

    def get(self, name: str, make) -> tuple[str, object]:
        graph = f"health_{name}"
        if name not in self._datasets:
            self._datasets[name] = make()
            self.loaded[name] = to_networkx(self._datasets[name])
        holds = getattr(self.store, "holds", None)  # the Neo4j test store holds one graph at a time
        if name not in self.loaded or not hasattr(self, f"_w_{name}") or (holds is not None and not holds(graph)):
            load_graph(self.store, self._datasets[name], graph)
            setattr(self, f"_w_{name}", True)
        return graph, self.loaded[name]


@pytest.fixture(scope="module")
def graphs(engine_store):
    g = Graphs(engine_store)
    yield g
    for name in g.loaded:
        try:
            engine_store.drop_graph(f"health_{name}")
        except Exception:  # noqa: BLE001 - best-effort cleanup
            pass


@pytest.fixture(scope="module")
def health(graphs):
    return graphs.get("hand", health_dataset)


def cypher(store, graph, qid, **params):
    from orgnet.queries import catalog, stored

    with stored.live():
        return catalog.run(store, qid, params, graph=graph)


def strip(rows):
    return [{k: r[k] for k in oracle.ROW_KEYS} for r in rows]


def ids(rows):
    return sorted(r["id"] for r in rows)


# ---------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------


def test_rules_are_in_catalog_oracle_and_order():
    from orgnet.queries import catalog, gaps

    for rule in HEALTH_RULE_IDS:
        assert catalog.get(rule).kind == "rule"
        assert rule in oracle.RULES and rule in gaps.RULE_ORDER
    # one block in the Gaps page's order, after the organization coverage rules
    order = [r for r in gaps.rule_ids() if r in HEALTH_RULE_IDS[:-1]]
    assert order == HEALTH_RULE_IDS[:-1]
    assert catalog.get("view_term_expiring").kind == "view"


@pytest.mark.parametrize("rule", HEALTH_RULE_IDS)
def test_header(rule):
    from orgnet import policy
    from orgnet.queries import catalog

    q = catalog.get(rule)
    for key in ("title_zh", "title_en", "description_zh", "description_en", "source", "severity",
                "remedy_zh", "remedy_en"):
        assert q.meta.get(key), f"{rule}: header lacks {key}"
    assert q.meta["severity"] in ("high", "medium", "low")
    assert q.columns == COLUMNS
    names = [p.name for p in q.params]
    assert names[:3] == ["as_of", "street_id", "community_id"]
    settings = policy.policy()
    for p in q.params[3:]:  # every further parameter is a policy setting, never a literal
        assert p.default_text == "policy" and p.name in settings, (rule, p)
        if p.name in SIZE_SETTINGS:  # (a term or months can coincide with calendar arithmetic)
            assert not re.search(rf"(?<![\w.$]){settings[p.name]}(?![\w.])", q.text), \
                f"{rule} spells the policy value of {p.name} as a literal"
    assert re.search(rf"'{re.escape(q.meta['remedy_zh'])}' AS remedy", q.text)
    text = q.text.upper()
    for banned in ("EXISTS {", "EXISTS{", "COUNT {", "COUNT{", "CALL {", "CALL{", "DURATION.BETWEEN"):
        assert banned not in text, f"{rule} uses {banned}"


# ---------------------------------------------------------------------------
# (a) the hand-made district
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("rule", HEALTH_RULE_IDS)
def test_hand_made_district(engine_store, health, rule):
    from orgnet.queries import catalog

    graph, g = health
    rows = cypher(engine_store, graph, rule, as_of=HEALTH_AS_OF)
    assert all(list(r) == COLUMNS for r in rows)
    assert strip(rows) == oracle.run_rule(g, rule, HEALTH_AS_OF)  # same rows, same order
    assert ids(rows) == HEALTH_EXPECTED[rule]
    assert {r["remedy"] for r in rows} == {catalog.get(rule).meta["remedy_zh"]}


def test_hand_made_details(engine_store, health):
    graph, _ = health

    def row(rule, node):
        return next(r for r in cypher(engine_store, graph, rule, as_of=HEALTH_AS_OF) if r["id"] == node)

    assert row("secretary_vacant", "PC2")["detail"] == "党总支，统计日无在任书记"
    assert row("secretary_not_member", "M002")["detail"] == \
        "任东风第一网格党支部书记，不是该组织或其下属组织党员（组织关系在东风社区党委）"
    m011 = row("secretary_not_member", "M011")
    assert m011["detail"].endswith("（组织关系在区外：外省某县供电公司党支部）")
    assert (m011["street_id"], m011["community_id"]) == ("S1", "C2")  # placed by the unit of PB2
    assert row("branch_too_small", "PB2")["detail"] == "正式党员2人（党员4人），少于3人"
    assert row("branch_over_50", "PB5")["detail"] == "党员51人，超过50人"
    assert row("committee_required", "PC2")["detail"] == "本组织及下属组织党员100人，组织形式为党总支，未设党委"
    ps1 = row("term_overdue", "PS1")
    assert ps1["detail"] == "上次换届于2021-06-30，任期5年，应于2026-06-30前换届"
    assert (ps1["street_id"], ps1["community_id"]) == ("S1", None)
    assert row("term_overdue", "PB1")["detail"] == "成立于2023-06-30，任期3年，应于2026-06-30前换届"
    assert row("term_overdue", "PB5")["detail"].endswith("任期2年，应于2026-06-30前换届")  # term_years wins
    m012 = row("probation_overdue", "M012")
    assert (m012["street_id"], m012["community_id"], m012["detail"]) == ("S2", "C3", "2024-01-01入党，预备期已满，未转正")
    assert row("member_in_group", "M013")["detail"] == "组织关系在党小组（东风花园1号楼党小组）"
    assert row("floating_member_unmanaged", "F001")["detail"].endswith("（严重程度：高）")
    assert row("floating_member_unmanaged", "F002")["detail"] == \
        "流动党员，组织关系在区外（甘肃省天水市某村党支部），区内无管理党组织（严重程度：中）"


# (rule, as_of, id, is it a gap?)
FOCUSED = [
    ("secretary_vacant", "2026-06-29", "PC2", False),  # the ended role's last day
    ("secretary_vacant", "2026-07-01", "PC2", False),  # the next secretary's first day
    ("secretary_vacant", "2026-06-30", "PC3", False),  # a role ending on the reference date counts
    ("secretary_vacant", "2026-07-01", "PC3", True),
    ("secretary_vacant", "2020-06-30", "PB3", False),  # a role without dates is always in post
    ("secretary_not_member", "2026-06-29", "N5001", False),  # a member of PB5, under PC3
    ("secretary_not_member", "2023-06-29", "M002", False),  # not yet PB1's secretary
    ("term_overdue", "2026-06-29", "PS1", False),
    ("term_overdue", "2026-07-01", "PC1", True),
    ("term_overdue", "2026-06-29", "PB5", False),
    ("term_overdue", "2099-01-01", "PB3", False),  # neither date: never checked
    ("probation_overdue", "2026-07-01", "M006", True),  # one year and a day
    ("probation_overdue", "2026-06-29", "M007", False),  # exactly one year
    ("probation_overdue", "2099-01-01", "M008", False),  # no admission date
]


@pytest.mark.parametrize("rule,as_of,node,is_gap", FOCUSED)
def test_focused(engine_store, health, rule, as_of, node, is_gap):
    graph, g = health
    rows = cypher(engine_store, graph, rule, as_of=as_of)
    assert (node in ids(rows)) is is_gap
    assert strip(rows) == oracle.run_rule(g, rule, as_of)


def test_policy_parameters_move_the_boundaries(engine_store, health):
    graph, _ = health

    def run(rule, **params):
        return ids(cypher(engine_store, graph, rule, as_of=HEALTH_AS_OF, **params))

    assert run("branch_too_small", branch_min_formal=2) == []
    assert run("branch_too_small", branch_min_formal=4) == ["PB1", "PB2", "PF"]  # PB1: 3 formal
    assert run("branch_over_50", branch_max_members=49) == ["PB3", "PB5"]
    assert run("committee_required", committee_min_members=101) == []
    assert run("committee_required", committee_min_members=99) == ["PC2", "PC3"]
    assert run("term_overdue", other_term_years=2) == ["PB1", "PB2", "PB4", "PB5", "PG1", "PS1"]  # PF: 2027
    assert run("probation_overdue", probation_months=6) == ["M006", "M007", "M012"]


def test_district_policy_file(engine_store, health, tmp_path, monkeypatch):
    """A district's ORGNET_HOME/policy.toml reaches the rules as their parameters' defaults."""
    graph, _ = health
    (tmp_path / "policy.toml").write_text("[organization]\nbranch_max_members = 49\n", encoding="utf-8")
    monkeypatch.setenv("ORGNET_HOME", str(tmp_path))
    assert ids(cypher(engine_store, graph, "branch_over_50", as_of=HEALTH_AS_OF)) == ["PB3", "PB5"]


@pytest.mark.parametrize("scope", [{"street_id": "S2"}, {"community_id": "C2"}, {"street_id": "S1"},
                                   {"street_id": "S1", "community_id": "C3"}],
                         ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_scope(engine_store, health, scope):
    graph, g = health
    for rule in HEALTH_RULE_IDS:
        rows = cypher(engine_store, graph, rule, as_of=HEALTH_AS_OF, **scope)
        assert strip(rows) == oracle.run_rule(g, rule, HEALTH_AS_OF, **scope), rule
        assert all(r[k] == v for r in rows for k, v in scope.items())


# ---------------------------------------------------------------------------
# 即将到期: the view the Gaps page shows beside the gaps
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [HEALTH_AS_OF, "2026-07-01", "2023-12-31"])
def test_term_expiring_view(engine_store, health, as_of):
    graph, g = health
    rows = cypher(engine_store, graph, "view_term_expiring", as_of=as_of)
    assert rows == oracle.term_expiring(g, as_of)
    if as_of == HEALTH_AS_OF:
        assert [r["id"] for r in rows] == HEALTH_EXPIRING
        assert not set(HEALTH_EXPIRING) & set(HEALTH_EXPECTED["term_overdue"])  # a warning, never a gap
    scoped = cypher(engine_store, graph, "view_term_expiring", as_of=as_of, community_id="C2")
    assert scoped == [r for r in oracle.term_expiring(g, as_of) if r["community_id"] == "C2"]
    wider = cypher(engine_store, graph, "view_term_expiring", as_of=as_of, expiring_within_months=120)
    assert wider == oracle.term_expiring(g, as_of, months=120)


# ---------------------------------------------------------------------------
# (c) tiny, demo and weicheng
# ---------------------------------------------------------------------------

DATASETS = {
    "tiny": (tiny_dataset, TINY_AS_OF),
    "demo_0": (lambda: generate_dataset("demo", 0), PRESET_AS_OF),
    "weicheng_0": (lambda: generate_dataset("weicheng", 0), PRESET_AS_OF),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(DATASETS))
def test_datasets_cypher_equals_oracle(engine_store, graphs, name):
    make, as_of = DATASETS[name]
    graph, g = graphs.get(name, make)
    for rule in HEALTH_RULE_IDS:
        assert strip(cypher(engine_store, graph, rule, as_of=as_of)) == oracle.run_rule(g, rule, as_of), \
            f"{name}: {rule}"
    assert cypher(engine_store, graph, "view_term_expiring", as_of=as_of) == oracle.term_expiring(g, as_of)
    if name == "tiny":  # and the ids its README names (a rule it does not name has no gap there)
        expected = expected_from_readme()
        for rule in HEALTH_RULE_IDS:
            assert ids(cypher(engine_store, graph, rule, as_of=as_of)) == expected.get(rule, []), rule
    if name == "demo_0":  # scoped to the last community
        community = sorted(n for n, d in g.nodes(data=True) if "Community" in d["labels"])[-1]
        for rule in HEALTH_RULE_IDS:
            assert strip(cypher(engine_store, graph, rule, as_of=as_of, community_id=community)) == \
                oracle.run_rule(g, rule, as_of, community_id=community), rule
