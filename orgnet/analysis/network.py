"""Network analytics over the linkage network (networkx; pure functions).

The linkage network is bipartite: community nodes and unit nodes, an edge per scored
tie (strong, medium or weak; never a potential pair) weighted by the score (see :func:`linkage_network`). On it:

- :func:`axis_organizations` — the organizations that hold the network together
  (weighted degree = total tie strength, betweenness with distance 100/score);
- :func:`isolated_units` — resident units with no tie, or only zero-score ties;
- :func:`linkage_clusters` — connected components or greedy-modularity communities.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from orgnet.analysis.linkage import TIE_BANDS
from orgnet.frames import records

COMMUNITY = "community"
UNIT = "unit"
#: up to this many nodes betweenness is exact; above, it is estimated from this many source
#: nodes drawn with a fixed seed (the same ranking on every run; a district's network of
#: medium and strong ties has thousands of nodes, where exact betweenness takes seconds)
BETWEENNESS_EXACT_NODES = 400


#: the columns of a scored table that become node and edge attributes
_NETWORK_COLUMNS = ("community_id", "unit_id", "community", "street_id", "street", "unit", "unit_kind",
                    "resident", "score", "band")


def linkage_network(scored: pd.DataFrame, *, min_score: float = 0.0,
                    bands: tuple[str, ...] = TIE_BANDS) -> nx.Graph:
    """Undirected bipartite graph from a scored linkage table (``score_table`` output).

    Nodes are ids (unique across a dataset) with ``kind`` (community/unit), ``name``,
    ``bipartite`` (0 community, 1 unit), ``street_id``/``resident``/``unit_kind``. Every
    community and unit of the table is a node; edges only for ties (``band`` in ``bands``,
    when the table has bands: a potential pair is no tie whatever its score) with
    ``score > min_score``, with ``weight`` = score, ``distance`` = 100/score and ``band``.
    """
    g = nx.Graph()
    for r in records(scored, [c for c in _NETWORK_COLUMNS if c in scored.columns]):
        c, u = r["community_id"], r["unit_id"]
        if c not in g:
            g.add_node(c, kind=COMMUNITY, bipartite=0, name=r.get("community"),
                       street_id=r.get("street_id"), street=r.get("street"))
        if u not in g:
            g.add_node(u, kind=UNIT, bipartite=1, name=r.get("unit"),
                       unit_kind=r.get("unit_kind"), resident=bool(r.get("resident")))
        s = float(r.get("score") or 0)
        if s > min_score and ("band" not in r or r["band"] in bands):
            g.add_edge(c, u, weight=s, distance=100.0 / s, band=r.get("band"))
    return g


def axis_organizations(g: nx.Graph, *, top: int | None = 10, kind: str | None = None) -> pd.DataFrame:
    """Nodes ranked by their role as the network's axis: betweenness centrality
    (shortest paths with distance = 100/score, normalized; estimated from
    :data:`BETWEENNESS_EXACT_NODES` sources on bigger networks), weighted degree (sum of tie
    scores) and degree. ``kind`` narrows to ``community`` or ``unit``."""
    cols = ["id", "name", "kind", "degree", "strength", "betweenness", "rank"]
    if g.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    btw = _betweenness(g)
    rows = []
    for n, a in g.nodes(data=True):
        if kind is not None and a.get("kind") != kind:
            continue
        rows.append({"id": n, "name": a.get("name"), "kind": a.get("kind"),
                     "degree": g.degree(n), "strength": round(g.degree(n, weight="weight"), 2),
                     "betweenness": round(btw.get(n, 0.0), 6)})
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows).sort_values(["betweenness", "strength", "id"], ascending=[False, False, True])
    df["rank"] = range(1, len(df) + 1)
    if top is not None:
        df = df.head(top)
    return df[cols].reset_index(drop=True)


def _betweenness(g: nx.Graph) -> dict[Any, float]:
    """Normalized betweenness (distance = 100/score): exact up to :data:`BETWEENNESS_EXACT_NODES`
    nodes; above, estimated from that many sources drawn (seeded) among the nodes with a tie,
    since a source without one adds nothing and an untied node lies on no path (a city's
    network of medium and strong ties has tens of thousands of nodes, most of them untied)."""
    n = g.number_of_nodes()
    if n <= BETWEENNESS_EXACT_NODES:
        return nx.betweenness_centrality(g, weight="distance", normalized=True)
    tied = g.subgraph([v for v, d in g.degree() if d > 0])
    m = tied.number_of_nodes()
    if m < 3:
        return {}
    k = min(m, BETWEENNESS_EXACT_NODES)
    # unnormalized on the tied part: (m / k) × the sampled sources' sum, halved (undirected);
    # an untied source would have added nothing, so that is the estimate for the whole network,
    # normalized over all of its n nodes like the exact case
    raw = nx.betweenness_centrality(tied, k=k, seed=0, weight="distance", normalized=False)
    scale = 2.0 / ((n - 1) * (n - 2))
    return {v: b * scale for v, b in raw.items()}


def isolated_units(scored: pd.DataFrame, *, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Resident units with no tie above zero. ``units`` (columns unit_id, unit, unit_kind)
    may add resident units missing from the table altogether (e.g. located outside any
    community); they count as isolated too."""
    cols = ["unit_id", "unit", "unit_kind", "community_id", "community"]
    res = scored[scored["resident"].fillna(False).astype(bool)] if len(scored) else scored
    if len(res) and "band" in res.columns:  # a tie is a band of TIE_BANDS, whatever the score
        res = res.assign(score=res["score"].where(res["band"].isin(TIE_BANDS), 0.0))
    best = res.groupby("unit_id")["score"].max() if len(res) else pd.Series(dtype=float)
    iso = set(best[best <= 0].index)
    rows = []
    res = res[res["unit_id"].isin(iso)] if len(res) else res
    for r in records(res.sort_values(["unit_id", "community_id"]), [c for c in cols if c in res.columns]):
        if r["unit_id"] in iso:
            rows.append({c: r.get(c) for c in cols})
            iso.discard(r["unit_id"])
    if units is not None and len(units):
        seen = set(scored["unit_id"]) if len(scored) else set()
        for r in records(units):
            if r["unit_id"] not in seen:
                rows.append({"unit_id": r["unit_id"], "unit": r.get("unit"), "unit_kind": r.get("unit_kind"),
                             "community_id": None, "community": None})
    return pd.DataFrame(rows, columns=cols).sort_values("unit_id").reset_index(drop=True)


def linkage_clusters(g: nx.Graph, *, method: str = "components", min_size: int = 2) -> pd.DataFrame:
    """Clusters of linkage: ``components`` (connected components over ties > 0) or
    ``modularity`` (greedy modularity communities, weighted by score). One row per
    node: id, name, kind, cluster (0 = largest), size; clusters smaller than
    ``min_size`` (isolated nodes) are left out."""
    cols = ["id", "name", "kind", "cluster", "size"]
    if method == "components":
        groups = [set(c) for c in nx.connected_components(g)]
    elif method == "modularity":
        if g.number_of_edges() == 0:
            groups = [{n} for n in g.nodes]
        else:
            groups = [set(c) for c in nx.algorithms.community.greedy_modularity_communities(g, weight="weight")]
    else:
        raise ValueError(f"unknown clustering method {method!r}; use 'components' or 'modularity'")
    groups = [c for c in groups if len(c) >= min_size]
    groups.sort(key=lambda c: (-len(c), min(map(str, c))))
    rows: list[dict[str, Any]] = []
    for i, members in enumerate(groups):
        for n in sorted(members, key=str):
            a = g.nodes[n]
            rows.append({"id": n, "name": a.get("name"), "kind": a.get("kind"), "cluster": i, "size": len(members)})
    return pd.DataFrame(rows, columns=cols)


def cluster_summary(clusters: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster: size, communities, units, names of its communities."""
    cols = ["cluster", "size", "communities", "units", "community_names"]
    if clusters.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for cid, grp in clusters.groupby("cluster", sort=True):
        comm = grp[grp["kind"] == COMMUNITY]
        rows.append({"cluster": cid, "size": len(grp), "communities": len(comm),
                     "units": int((grp["kind"] == UNIT).sum()),
                     "community_names": "、".join(str(x) for x in comm["name"].tolist())})
    return pd.DataFrame(rows, columns=cols)


__all__ = ["linkage_network", "axis_organizations", "isolated_units", "linkage_clusters", "cluster_summary"]
