"""Network analytics over the linkage network (pure; no store)."""

import pandas as pd
import pytest

from orgnet.analysis import network as an
from orgnet.analysis.linkage import CHANNELS, default_config, score_table


def _table(rows):
    base = {"street_id": "S1", "street": "街", "unit_kind": "agency", "resident": True}
    full = []
    for c, u, chans in rows:
        r = {**base, "community_id": c, "community": "社" + c, "unit_id": u, "unit": "单位" + u}
        r.update({k: 0 for k in CHANNELS})
        r.update(chans)
        full.append(r)
    return score_table(pd.DataFrame(full), default_config())


@pytest.fixture
def scored():
    # C1 — U1 — C2 — U2 ; U3 tied to C3 only; U4 resident with a zero tie; C4–U5 strong pair;
    # C4–U3 and C1–U6 are potential pairs (reports, services): scored but no tie, never an edge
    return _table([
        ("C1", "U1", {"agreements": 2}),
        ("C2", "U1", {"meetings": 3}),
        ("C2", "U2", {"org_reported": 1, "reported_members": 4}),
        ("C3", "U3", {"matched_resources": 1}),
        ("C3", "U4", {}),
        ("C4", "U3", {"reported_members": 4, "services": 3}),
        ("C1", "U6", {"services": 1}),
        ("C4", "U5", {"agreements": 3, "part_time_members": 2, "matched_resources": 4}),
    ])


def test_network_has_only_positive_edges(scored):
    g = an.linkage_network(scored)
    assert g.number_of_edges() == 5
    assert set(scored.query("unit_id == 'U6'")["band"]) == {"potential"}
    assert not g.has_edge("C4", "U3") and g.degree("U6") == 0
    assert g.nodes["U4"]["kind"] == "unit" and g.degree("U4") == 0
    assert g.nodes["C1"]["kind"] == "community"
    assert g["C1"]["U1"]["weight"] == pytest.approx(float(scored.query("community_id=='C1'")["score"].iloc[0]))


def test_axis_organizations_bridge_first(scored):
    g = an.linkage_network(scored)
    axis = an.axis_organizations(g, top=None)
    # U1 and C2 sit on the only path between C1 and U2
    assert set(axis["id"].head(2)) == {"U1", "C2"}
    assert list(axis["rank"]) == list(range(1, len(axis) + 1))
    assert set(an.axis_organizations(g, kind="unit")["kind"]) == {"unit"}
    assert an.axis_organizations(an.linkage_network(scored.iloc[0:0])).empty


def test_isolated_units(scored):
    iso = an.isolated_units(scored)
    assert list(iso["unit_id"]) == ["U4", "U6"]  # U6 has a potential pair only: no tie
    extra = pd.DataFrame([{"unit_id": "U9", "unit": "单位U9", "unit_kind": "police"}])
    assert list(an.isolated_units(scored, units=extra)["unit_id"]) == ["U4", "U6", "U9"]
    # a non-resident unit with no tie is not listed
    nonres = scored.assign(resident=False)
    assert an.isolated_units(nonres).empty


def test_clusters_components_and_modularity(scored):
    g = an.linkage_network(scored)
    comp = an.linkage_clusters(g)
    sizes = comp.groupby("cluster")["size"].first().tolist()
    assert sizes == [4, 2, 2]  # {C1,U1,C2,U2}, {C3,U3}, {C4,U5}; U4 alone is left out
    assert set(comp[comp["cluster"] == 0]["id"]) == {"C1", "U1", "C2", "U2"}
    mod = an.linkage_clusters(g, method="modularity")
    assert set(mod["id"]) <= set(g.nodes)
    summary = an.cluster_summary(comp)
    assert list(summary["communities"]) == [2, 1, 1]
    with pytest.raises(ValueError):
        an.linkage_clusters(g, method="nope")
