"""The networkx form of the graph (orgnet.model's labels and relationships) on the tiny dataset."""

from __future__ import annotations

import networkx as nx
import pytest

from helpers_rules import tiny_dataset
from orgnet.model import Rel, TABLE_LABELS
from orgnet.graph.nx import to_networkx


@pytest.fixture(scope="module")
def g() -> nx.MultiDiGraph:
    return to_networkx(tiny_dataset())


@pytest.fixture(scope="module")
def ds():
    return tiny_dataset()


def test_one_node_per_id_row(g, ds):
    ids = {r["id"] for t in TABLE_LABELS for r in ds.rows(t)}
    assert set(g.nodes) == ids


def test_labels(g):
    assert g.nodes["C1"]["label"] == "Area"
    assert g.nodes["C1"]["labels"] == ("Area", "Community")
    assert g.nodes["B1"]["labels"] == ("Area", "Building")
    assert g.nodes["PC1"]["labels"] == ("PartyOrg",)
    assert g.nodes["U1"]["label"] == "Unit"
    assert g.nodes["M01"]["label"] == "Member"
    for label in ("Agreement", "Need", "Resource", "Service", "Meeting"):
        assert any(d["label"] == label for _, d in g.nodes(data=True))


def test_properties_scalar_columns_no_refs_no_row(g):
    u2 = g.nodes["U2"]
    assert u2["kind"] == "state_enterprise" and u2["resident"] is True and u2["staff"] == 10
    assert "area_id" not in u2 and "serves_area_ids" not in u2 and "_row" not in u2
    m = g.nodes["M01"]
    assert m["status"] == "formal" and m["birth_year"] == 1975 and m["reported_on"] == "2024-03-01"
    assert "org_id" not in m and "reported_area_id" not in m
    assert g.nodes["A2"]["expires_on"] == "2025-03-31"


def test_relationships_and_keys(g):
    assert g.has_edge("C1", "S1", "PART_OF")
    # a building's compound_id is a second PART_OF
    assert g.has_edge("B1", "G1", "PART_OF") and g.has_edge("B1", "K1", "PART_OF")
    assert g.has_edge("PC1", "PS1", "SUBORDINATE_TO")
    assert g.has_edge("PC1", "C1", "COVERS") and g.has_edge("PC1", "G2", "COVERS")
    assert g.has_edge("PJ", "U5", "BASED_IN") and g.has_edge("PJ", "U6", "BASED_IN")
    assert g.has_edge("U2", "B4", "LOCATED_IN")
    assert g.has_edge("U11", "K2", "SERVES")
    assert g.has_edge("M01", "PU1", "MEMBER_OF") and g.has_edge("M01", "U1", "WORKS_AT")
    assert g.has_edge("M01", "B1", "LIVES_IN")
    assert g.edges["M01", "C1", "REPORTED_TO"] == {"type": "REPORTED_TO", "on": "2024-03-01"}
    assert g.edges["M05", "PC2", "HOLDS"] == {"type": "HOLDS", "role": "part_time_member",
                                              "since": "2023-01-01", "until": "2025-01-31"}
    assert g.edges["PU1", "A1", "PARTY_TO"] == {"type": "PARTY_TO", "side": "unit"}
    assert g.has_edge("C1", "N1", "RAISED") and g.has_edge("U1", "R1", "OFFERS")
    assert g.edges["R1", "N1", "FULFILS"] == {"type": "FULFILS", "on": "2025-01-20"}
    assert g.has_edge("C1", "SV1", "POSTED")
    assert g.edges["M01", "SV1", "CLAIMED"] == {"type": "CLAIMED", "on": "2025-01-03", "done_on": "2025-01-10"}
    assert g.has_edge("PC1", "MT101", "CONVENED") and g.has_edge("PU1", "MT101", "ATTENDED")
    for _, _, k, d in g.edges(keys=True, data=True):
        assert k.split("#")[0] == d["type"]
        assert d["type"] in {r.value for r in Rel}


def test_repeated_relationship_gets_numbered_key():
    ds = tiny_dataset()
    ds.tables["roles"].append({"member_id": "M08", "target_id": "PC1", "role": "part_time_member",
                               "since": None, "until": None, "_row": 99, "_extra": {}})
    g = to_networkx(ds)
    keys = sorted(k for u, v, k in g.edges("M08", keys=True) if v == "PC1" and k.startswith("HOLDS"))
    assert keys == ["HOLDS", "HOLDS#2"]
    assert {g.edges["M08", "PC1", k]["role"] for k in keys} == {"secretary", "part_time_member"}


def test_extra_columns_become_properties():
    ds = tiny_dataset()
    ds.tables["units"][0]["_extra"] = {"联系电话": "12345"}
    g = to_networkx(ds)
    assert g.nodes["U1"]["联系电话"] == "12345"


def test_edge_counts(g, ds):
    n_roles = len(ds.rows("roles"))
    assert sum(1 for *_, d in g.edges(data=True) if d["type"] == "HOLDS") == n_roles
    assert sum(1 for *_, d in g.edges(data=True) if d["type"] == "ATTENDED") == len(ds.rows("attendance"))
