"""Test oracle of the 统计表 (the yearly statistics sent upward): the three upward tables recomputed
over networkx from the loaded rows, with the definitions of the three tables (never Cypher)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import oracle as R
import oracle_linkage as O


def unit_reporting(g) -> dict[str, dict[str, Any]]:
    """{unit id: street_id, community_id, due, reported} of the units the 2019 notice aims at."""
    out = {}
    for u in R.nodes(g, "Unit"):
        if not R.reporting_unit(g, u):
            continue
        path = R.area_path(g, R.unit_area(g, u))
        if path["community_id"] is None or path["street_id"] is None:
            continue
        due = [m for m in R.workers(g, u) if R.must_report(g, m)]
        if due:
            out[u] = {"street_id": path["street_id"], "community_id": path["community_id"], "due": len(due),
                      "reported": sum(1 for m in due if R.out(g, m, "REPORTED_TO"))}
    return out


def coverage_form(g, u: str, as_of: str) -> str:
    orgs = R.orgs_based_in(g, u)
    if any(g.nodes[o].get("kind") != "joint_branch" for o in orgs):
        return "own"
    if orgs:
        return "joint"
    if R.active_holders(g, u, "instructor", as_of):
        return "instructor"
    return "members" if R.inn(g, u, "WORKS_AT") else "uncovered"


def two_new(g, as_of: str) -> dict[tuple[str | None, str], dict[str, int]]:
    """{(street id or None, kind): {form: count}} of private enterprises and social organizations."""
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for u in R.nodes(g, "Unit"):
        kind = R.kind_of(g, u)
        if kind not in ("private_enterprise", "social_org"):
            continue
        areas = [a for a, _ in R.out(g, u, "LOCATED_IN")]
        comm = O._community_key(g, areas)
        street = O.street_of(g, comm) if comm else None
        out[(street, kind)][coverage_form(g, u, as_of)] += 1
    return out


def _under(g, area: str, street: str) -> bool:
    return street in R.ancestors(g, area)


def street_orgs(g, s: str) -> set[str]:
    return {o for o in R.nodes(g, "PartyOrg") if any(_under(g, a, s) for a in R.org_anchors(g, o))}


def basics(g, as_of: str) -> dict[str, dict[str, int]]:
    since = R.months_before(as_of, 12)
    out = {}
    for s in R.nodes(g, "Street"):
        row: dict[str, int] = defaultdict(int)
        row["communities"] = sum(1 for c, _ in R.inn(g, s, "PART_OF") if R.has_label(g, c, "Community"))
        orgs = street_orgs(g, s)
        for o in orgs:
            row[f"org_{g.nodes[o].get('form')}"] += 1
        members = {m for o in orgs for m, _ in R.inn(g, o, "MEMBER_OF")}
        for m in members:
            row[f"members_{g.nodes[m].get('category') or 'other'}"] += 1
        units = {u for u in R.nodes(g, "Unit") if any(_under(g, a, s) for a, _ in R.out(g, u, "LOCATED_IN"))}
        agreements = {a for p in orgs | units for a, _ in R.out(g, p, "PARTY_TO")}
        row["agreements"] = sum(1 for a in agreements if O.active_agreement(g, a, as_of))
        meetings = {mt for o in orgs for mt, _ in R.out(g, o, "CONVENED")
                    if since < (g.nodes[mt].get("held_on") or "") <= as_of}
        for mt in meetings:
            row[f"meetings_{g.nodes[mt].get('level') or 'community'}"] += 1
        committees = {o for o in R.nodes(g, "PartyOrg")
                      if g.nodes[o].get("kind") in ("street_committee", "community_committee")
                      and any(_under(g, a, s) for a, _ in R.out(g, o, "COVERS"))}
        row["part_time_members"] = len({p for o in committees for p in R.active_holders(g, o, "part_time_member", as_of)})
        out[s] = dict(row)
    return out
