"""orgnet.queries.explore loaded with the tiny dataset (tests/data/tiny/README.md), on each engine:
the real embedded FalkorDB, then a real Neo4j 5."""

from __future__ import annotations

import pytest

from orgnet.queries import explore as ex

from helpers_rules import TINY_AS_OF


@pytest.fixture
def tiny(loaded_store):
    return loaded_store("tiny")  # per test: reloads on Neo4j if another test replaced its one graph


def test_view_files_are_catalog_views():
    from orgnet.queries import catalog

    for qid in ("view_search", "view_node", "view_neighbours", "view_anchor_areas",
                "view_area_ancestors", "view_streets", "view_org_tree_areas", "view_org_tree_orgs"):
        q = catalog.get(qid)
        assert q.kind == "view" and q.columns, qid
        assert q.text.lstrip().startswith(("MATCH", "OPTIONAL MATCH")), qid


def test_views_go_through_the_runner_and_its_parameter_check(tiny):
    from orgnet.errors import QueryError

    store, graph = tiny
    with pytest.raises(QueryError, match="no parameter"):
        ex._read(store, "view_node", {"id": "C1", "nope": 1}, graph=graph)


def test_search_partial_chinese_and_id(tiny):
    store, graph = tiny
    hits = ex.search(store, "东风", graph=graph)
    names = [h["name"] for h in hits]
    assert "东风社区" in names and "东风社区党委" in names
    assert all("东风" in n for n in names)
    # exact id first, case-insensitive
    assert ex.search(store, "c1", graph=graph)[0]["id"] == "C1"
    assert ex.search(store, "社区", graph=graph, labels=["PartyOrg"])
    assert all(h["label"] == "PartyOrg" for h in ex.search(store, "社区", graph=graph, labels=["PartyOrg"]))
    from orgnet.collate import name_key

    rest = [h["name"] for h in hits if "东风" != h["name"]]
    assert rest == sorted(rest, key=name_key)  # numbers by value: 第二 before 第十
    assert ex.search(store, "   ", graph=graph) == []
    assert ex.search(store, "没有这个名字", graph=graph) == []


def test_node_details_and_relationships(tiny):
    store, graph = tiny
    d = ex.node_details(store, "PC1", graph=graph)
    assert d["label"] == "PartyOrg" and d["kind"] == "community_committee" and d["name"] == "东风社区党委"
    assert ex.node_details(store, "nope", graph=graph) is None
    rels = ex.relationships(store, "C1", graph=graph)
    assert {"rel": "PART_OF", "outgoing": True, "id": "S1"} in [
        {k: r[k] for k in ("rel", "outgoing", "id")} for r in rels]
    assert any(r["rel"] == "COVERS" and not r["outgoing"] and r["id"] == "PC1" for r in rels)


def test_breadcrumb(tiny):
    store, graph = tiny
    crumbs = ex.breadcrumb(store, "B4", graph=graph)
    assert [c["level"] for c in crumbs][:2] == ["street", "community"]
    assert crumbs[-1]["id"] == "B4"
    assert {"G3", "K3"} <= {c["id"] for c in crumbs}
    # a party org's breadcrumb leads to the area it covers
    assert [c["id"] for c in ex.breadcrumb(store, "PC1", graph=graph)] == ["S1", "C1"]


@pytest.mark.parametrize("radius", [1, 2, 3])
def test_neighbourhood_radius_and_cap(tiny, radius):
    store, graph = tiny
    sub = ex.neighbourhood(store, "C1", graph=graph, radius=radius)
    ids = sub.node_ids()
    assert ids[0] == "C1" and len(ids) == len(set(ids))
    assert max(n["hop"] for n in sub.nodes) <= radius
    node_ids = set(ids)
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in sub.edges)
    small = ex.neighbourhood(store, "C1", graph=graph, radius=radius, max_nodes=5)
    real = [n for n in small.nodes if not n.get("aggregate")]
    assert len(real) <= 5
    if radius > 1:
        assert small.hidden and any(n.get("aggregate") for n in small.nodes)
    # same data, same picture
    assert ex.neighbourhood(store, "C1", graph=graph, radius=radius) == sub


def test_neighbourhood_kind_filter(tiny):
    store, graph = tiny
    sub = ex.neighbourhood(store, "C1", graph=graph, radius=2, labels=["PartyOrg"])
    assert {n["label"] for n in sub.nodes if n["id"] != "C1"} == {"PartyOrg"}


def test_org_tree_marks_uncovered_territory(tiny):
    store, graph = tiny
    tree = ex.org_tree(store, "S1", graph=graph, fold_buildings=False, as_of=TINY_AS_OF)
    unc = {r["id"] for r in tree.uncovered_rows}
    # red only where the coverage rules find a gap (tests/data/tiny/README.md): G4 (2 formal
    # residents), K4 (nobody lives there), B2/B5 (one each) lack an organization but need none
    assert unc == {"C3", "G2", "G6", "K2", "K6", "B4", "B6"}
    assert tree.uncovered == {"community": 1, "grid": 2, "compound": 2, "building": 2}
    plain = {n["area_id"] for n in tree.nodes if n["label"] == "Area" and not n["uncovered"]}
    assert {"G4", "K4", "B2", "B5"} <= plain
    ids = {n["id"] for n in tree.nodes}
    assert {"PS1", "PC1", "PC2", "PG1", "PG3", "PK1", "PK3", "PB1", "PB3"} <= ids
    parent = {e["target"]: e["source"] for e in tree.edges}
    assert parent["PC1"] == "PS1" and parent["!C3"] == "PS1" and parent["!G4"] == "!C3"
    # every node but the root hangs somewhere
    roots = [n["id"] for n in tree.nodes if n["id"] not in parent]
    assert roots == ["PS1"]


def test_org_tree_folds_buildings_for_a_street_and_scopes_a_community(tiny):
    store, graph = tiny
    folded = ex.org_tree(store, "S1", graph=graph, as_of=TINY_AS_OF)
    assert not any(n["kind"] == "building" and not n.get("aggregate") for n in folded.nodes)
    assert sum(n.get("count", 0) for n in folded.nodes if n.get("aggregate") and n["uncovered"]) == 2
    one = ex.org_tree(store, "S1", graph=graph, community_id="C1", as_of=TINY_AS_OF)
    ids = {n["id"] for n in one.nodes}
    assert "PC1" in ids and "PS1" not in ids and "PC2" not in ids
    assert {r["id"] for r in one.uncovered_rows} == {"G2", "K2"}


def test_streets(tiny):
    store, graph = tiny
    (s1,) = ex.streets(store, graph=graph)
    assert s1["id"] == "S1" and [c["id"] for c in s1["communities"]] == ["C1", "C2", "C3"]


def test_an_opened_cluster_pages_through_its_nodes(tiny):
    """An opened cluster bigger than a page shows one page of its nodes (by name, numbers by
    value) and one "+N" node for the rest; every node is on exactly one page."""
    from collections import Counter

    from orgnet.collate import name_key

    store, graph = tiny
    whole = ex.neighbourhood(store, "C1", graph=graph, group_over=10_000)
    kinds = Counter(n["label"] for n in whole.nodes if n["id"] != "C1" and n["label"] != "Area")
    label, count = kinds.most_common(1)[0]
    assert count >= 3, kinds
    gid = ex.group_id("C1", label)
    members = sorted((n for n in whole.nodes if n["label"] == label and n["id"] != "C1"),
                     key=lambda n: (name_key(n["name"]), n["id"]))
    size = 2
    seen: list[str] = []
    pages = -(-count // size)
    for page in range(pages):
        sub = ex.neighbourhood(store, "C1", graph=graph, group_over=1, open_groups=[gid], pages={gid: page},
                               page_size=size)
        shown = [n["id"] for n in sub.nodes if n["label"] == label and not n.get("aggregate") and n["id"] != "C1"]
        assert shown == [n["id"] for n in members[page * size:(page + 1) * size]]
        rest = next(n for n in sub.nodes if n["id"] == f"{gid}:others")
        assert rest["count"] == count - len(shown) and rest["aggregate"]
        assert sub.paged[gid] == {"page": page, "pages": pages, "count": count, "first": page * size + 1,
                                  "last": page * size + len(shown), "ids": shown}
        ids = {n["id"] for n in sub.nodes}
        assert all(e["source"] in ids and e["target"] in ids for e in sub.edges)
        seen += shown
    assert sorted(seen) == sorted(n["id"] for n in members)
    # a page past the end shows the last; a cluster that fits one page is not paged
    last = ex.neighbourhood(store, "C1", graph=graph, group_over=1, open_groups=[gid], pages={gid: 99},
                            page_size=size)
    assert last.paged[gid]["page"] == pages - 1
    assert ex.neighbourhood(store, "C1", graph=graph, group_over=1, open_groups=[gid]).paged == {}
