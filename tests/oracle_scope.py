"""The test oracle of scope (what an account may read): where a node sits, in plain Python
over networkx.

A node sits in the streets and communities of its anchor areas: the node itself if it is
an area; the areas it covers, is located in, lives in or reported to; the area that raised,
posted or convened it; and the areas covered by (or holding) the organization or unit one
step away (a member's organization, an organization's unit, a resource's unit, an
agreement's or meeting's parties). An account scoped to a street sees what sits in that
street; one scoped to a community, what sits in that community.
"""

from __future__ import annotations

import networkx as nx

from oracle import ancestors, has_label, inn, out

_OWN = ("COVERS", "LOCATED_IN", "LIVES_IN", "REPORTED_TO")
_RAISED_BY = ("RAISED", "POSTED", "CONVENED")
_HOLDS = ("COVERS", "LOCATED_IN")


def _areas(g: nx.MultiDiGraph, nodes, rels) -> set[str]:
    return {v for n in nodes for rel in rels for v, _ in out(g, n, rel) if has_label(g, v, "Area")}


def anchors(g: nx.MultiDiGraph, n: str) -> set[str]:
    found = {n} if has_label(g, n, "Area") else set()
    found |= _areas(g, [n], _OWN)
    found |= {u for rel in _RAISED_BY for u, _ in inn(g, n, rel) if has_label(g, u, "Area")}
    via = {x for rel in ("BASED_IN", "MEMBER_OF", "OFFERS") for x, _ in out(g, n, rel) + inn(g, n, rel)}
    via |= {u for rel in ("PARTY_TO", "CONVENED", "EVALUATED") for u, _ in inn(g, n, rel)}
    return found | _areas(g, via, _HOLDS)


def placements(g: nx.MultiDiGraph, n: str) -> set[tuple[str | None, str | None]]:
    """Every (street, community) the node sits in."""
    found: set[tuple[str | None, str | None]] = set()
    for a in anchors(g, n):
        up = ancestors(g, a)
        streets = {x for x in up if has_label(g, x, "Street")} or {None}
        communities = {x for x in up if has_label(g, x, "Community")} or {None}
        found |= {(s, c) for s in streets for c in communities}
    return found


def inside(g: nx.MultiDiGraph, n: str, street: str | None = None, community: str | None = None) -> bool:
    """Whether node ``n`` sits in the street (or community) of a scope."""
    if n not in g:
        return False
    return any((c == community) if community else (s == street) for s, c in placements(g, n))
