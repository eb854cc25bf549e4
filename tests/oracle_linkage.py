"""Independent oracle for the linkage channels (the score sheet's counts) and the coverage KPIs.

Plain Python over the networkx graph of ``orgnet.graph.nx.to_networkx``; it never reads
or runs the Cypher catalog. Results have the same shape as the catalog queries, so the
tests compare them row for row.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import networkx as nx

from orgnet.model import (
    EVALUATION_WINDOW_MONTHS,
    TWO_NEW_KINDS,
    AgreementStatus,
    MemberCategory,
    OrgKind,
    Rel,
    Role,
    UnitKind,
)

CHANNELS = ("agreements", "part_time_members", "reported_members", "resident_members",
            "matched_resources", "services", "meetings", "org_reported")


# --- small graph helpers ----------------------------------------------------------

def out(g: nx.MultiDiGraph, n: str, rel: Rel) -> list[tuple[str, dict]]:
    return [(v, d) for _, v, d in g.out_edges(n, data=True) if d.get("type") == rel.value]


def inn(g: nx.MultiDiGraph, n: str, rel: Rel) -> list[tuple[str, dict]]:
    return [(u, d) for u, _, d in g.in_edges(n, data=True) if d.get("type") == rel.value]


def has_label(g: nx.MultiDiGraph, n: str, label: str) -> bool:
    return label in g.nodes[n].get("labels", ())


def nodes(g: nx.MultiDiGraph, label: str) -> list[str]:
    return [n for n, a in g.nodes(data=True) if label in a.get("labels", ())]


def communities_of_area(g: nx.MultiDiGraph, area: str) -> set[str]:
    """Communities that are ``area`` or lie above it along PART_OF* (0 or more hops)."""
    seen, stack, found = set(), [area], set()
    while stack:
        a = stack.pop()
        if a in seen:
            continue
        seen.add(a)
        if has_label(g, a, "Community"):
            found.add(a)
        stack.extend(v for v, _ in out(g, a, Rel.PART_OF))
    return found


def street_of(g: nx.MultiDiGraph, community: str) -> str | None:
    streets = sorted(v for v, _ in out(g, community, Rel.PART_OF) if has_label(g, v, "Street"))
    return streets[0] if streets else None


def community_orgs(g: nx.MultiDiGraph, community: str) -> list[str]:
    """C's party org(s): community_committee orgs covering C."""
    return [o for o, _ in inn(g, community, Rel.COVERS)
            if g.nodes[o].get("kind") == OrgKind.community_committee.value]


def unit_and_orgs(g: nx.MultiDiGraph, unit: str) -> set[str]:
    """U and U's party orgs (orgs BASED_IN U, joint branches included)."""
    return {unit} | {o for o, _ in inn(g, unit, Rel.BASED_IN)}


def units_of_party(g: nx.MultiDiGraph, party: str) -> set[str]:
    """Units a party (a unit itself, or a party org based in units) stands for."""
    found = {v for v, _ in out(g, party, Rel.BASED_IN)}
    if has_label(g, party, "Unit"):
        found.add(party)
    return found


def active_agreement(g: nx.MultiDiGraph, ag: str, as_of: str) -> bool:
    a = g.nodes[ag]
    exp = a.get("expires_on")
    return a.get("status") == AgreementStatus.active.value and (exp is None or exp >= as_of)


def _signed_on_or_before(g: nx.MultiDiGraph, ag: str, day: str) -> bool:
    """Signed on or before day, or undated: an agreement is due for evaluation once a whole
    evaluation window has passed since it was signed."""
    signed = g.nodes[ag].get("signed_on")
    return signed is None or signed <= day


def role_active(d: dict, as_of: str) -> bool:
    since, until = d.get("since"), d.get("until")
    return (since is None or since <= as_of) and (until is None or until >= as_of)


def workers(g: nx.MultiDiGraph, unit: str) -> list[str]:
    return [m for m, _ in inn(g, unit, Rel.WORKS_AT)]


#: the documented default windows (months) of the dated channels (linkage.toml)
DEFAULT_WINDOWS = {"reported_members": 24, "matched_resources": 24, "services": 24, "meetings": 12}


def window_start(as_of: str, months: int) -> str | None:
    """Exclusive lower bound of a window of ``months`` before as_of (None: no window): the same
    day that many months earlier, or the last day of that month when it is shorter."""
    if not months:
        return None
    y, m, d = (int(x) for x in as_of.split("-"))
    m -= months
    while m < 1:
        m += 12
        y -= 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][m - 1]
    return f"{y:04d}-{m:02d}-{min(d, last):02d}"


def in_window(day: str | None, start: str | None, as_of: str, required: bool = False) -> bool:
    """start < day <= as_of; an undated event counts only with no window, and never
    when a date is required."""
    if day is None:
        return not required and start is None
    return day <= as_of and (start is None or day > start)


# --- linkage channels -------------------------------------------------------------

def linkage_channels(g: nx.MultiDiGraph, as_of: str, street_id: str | None = None,
                     community_id: str | None = None,
                     windows: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """Rows of ``linkage_channels``: every (community, unit) pair with any channel > 0, plus
    each resident unit with its own community(ies) at zero. The dated channels count the
    events of their window (``windows``: months by channel, default ``DEFAULT_WINDOWS``)."""
    sets: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: {k: set() for k in CHANNELS})
    win = {**DEFAULT_WINDOWS, **(windows or {})}
    start = {k: window_start(as_of, v) for k, v in win.items()}

    for unit in nodes(g, "Unit"):
        if g.nodes[unit].get("resident") is True:
            for area, _ in out(g, unit, Rel.LOCATED_IN):
                for c in communities_of_area(g, area):
                    sets[(c, unit)]  # touch: the pair exists even at zero

    for c in nodes(g, "Community"):
        for o in community_orgs(g, c):
            # agreements: active, with C's party org and U (or U's party org) as parties
            for ag, _ in out(g, o, Rel.PARTY_TO):
                if not active_agreement(g, ag, as_of):
                    continue
                for party, _ in inn(g, ag, Rel.PARTY_TO):
                    if party == o:
                        continue
                    for unit in units_of_party(g, party):
                        sets[(c, unit)]["agreements"].add(ag)
            # part-time committee members working at U
            for m, d in inn(g, o, Rel.HOLDS):
                if d.get("role") == Role.part_time_member.value and role_active(d, as_of):
                    for unit, _ in out(g, m, Rel.WORKS_AT):
                        sets[(c, unit)]["part_time_members"].add(m)
            # meetings convened by C's party org in the last 12 months, attended by U or U's org
            for mt, _ in out(g, o, Rel.CONVENED):
                if not in_window(g.nodes[mt].get("held_on"), start["meetings"], as_of, required=True):
                    continue
                for party, _ in inn(g, mt, Rel.ATTENDED):
                    for unit in units_of_party(g, party):
                        sets[(c, unit)]["meetings"].add(mt)
        for m, d in inn(g, c, Rel.REPORTED_TO):
            if not in_window(d.get("on"), start["reported_members"], as_of):
                continue
            for unit, _ in out(g, m, Rel.WORKS_AT):
                sets[(c, unit)]["reported_members"].add(m)
        for need, _ in out(g, c, Rel.RAISED):
            for r, d in inn(g, need, Rel.FULFILS):
                if not in_window(d.get("on"), start["matched_resources"], as_of):
                    continue
                for unit, _ in inn(g, r, Rel.OFFERS):
                    sets[(c, unit)]["matched_resources"].add(r)
        for s, _ in out(g, c, Rel.POSTED):
            for m, d in inn(g, s, Rel.CLAIMED):
                if not in_window(d.get("on"), start["services"], as_of):
                    continue
                for unit, _ in out(g, m, Rel.WORKS_AT):
                    sets[(c, unit)]["services"].add(s)
        # a unit's party org reported to C (单位党组织报到), up to as_of or undated
        for o, d in inn(g, c, Rel.REPORTED_TO):
            if not has_label(g, o, "PartyOrg") or (d.get("on") is not None and d["on"] > as_of):
                continue
            for unit, _ in out(g, o, Rel.BASED_IN):
                sets[(c, unit)]["org_reported"].add(o)

    for m in nodes(g, "Member"):
        units = [u for u, _ in out(g, m, Rel.WORKS_AT)]
        if not units:
            continue
        for area, _ in out(g, m, Rel.LIVES_IN):
            for c in communities_of_area(g, area):
                for unit in units:
                    sets[(c, unit)]["resident_members"].add(m)

    rows = []
    for (c, unit), chans in sets.items():
        st = street_of(g, c)
        if community_id is not None and c != community_id:
            continue
        if street_id is not None and st != street_id:
            continue
        ua = g.nodes[unit]
        rows.append({
            "community_id": c, "community": g.nodes[c].get("name"),
            "street_id": st, "street": g.nodes[st].get("name") if st else None,
            "unit_id": unit, "unit": ua.get("name"), "unit_kind": ua.get("kind"),
            "resident": ua.get("resident") is True,
            **{k: len(v) for k, v in chans.items()},
        })
    rows.sort(key=lambda r: (r["community_id"], r["unit_id"]))
    return rows


# --- the 百分制 score sheet, from its table alone ------------------------------------------

#: the documented defaults of the sheet (its table): points per item, cap
SHEET_POINTS = {"agreements": 30, "part_time_members": 10, "org_reported": 10, "reported_members": 2,
                "resident_members": 0, "matched_resources": 5, "services": 1, "meetings": 2, "street_ties": 10}
SHEET_CAPS = {"agreements": 30, "part_time_members": 20, "org_reported": 10, "reported_members": 10,
              "resident_members": 0, "matched_resources": 10, "services": 10, "meetings": 10, "street_ties": 10}
SHEET_GRADES = {"excellent": 5, "good": 2, "fair": 0, "poor": -10}
SHEET_BANDS = {"strong": 60, "medium": 30}
#: what makes a pair a tie; what alone makes it potential
TIE_ITEMS = ("agreements", "part_time_members", "org_reported", "matched_resources", "meetings")
HINT_ITEMS = ("reported_members", "resident_members", "services")


def street_ties(g: nx.MultiDiGraph, as_of: str) -> dict[tuple[str, str], int]:
    """(street, unit) → the people working at the unit on a street committee of the street as
    part-time members at as_of (大工委 seats) + the street committees of the street whose joint
    meeting the unit or its party org is a member of at as_of."""
    seats: dict[tuple[str, str], set] = defaultdict(set)
    conveners: dict[tuple[str, str], set] = defaultdict(set)
    for o in nodes(g, "PartyOrg"):
        if g.nodes[o].get("kind") != OrgKind.street_committee.value:
            continue
        for st in (a for a, _ in out(g, o, Rel.COVERS) if has_label(g, a, "Street")):
            for m, d in inn(g, o, Rel.HOLDS):
                if d.get("role") == Role.part_time_member.value and role_active(d, as_of):
                    for unit, _ in out(g, m, Rel.WORKS_AT):
                        seats[(st, unit)].add(m)
            for p, d in inn(g, o, Rel.JOINT_MEMBER_OF):
                if role_active(d, as_of):
                    for unit in units_of_party(g, p):
                        conveners[(st, unit)].add(o)
    return {k: len(seats.get(k, ())) + len(conveners.get(k, ())) for k in set(seats) | set(conveners)}


def latest_grades(g: nx.MultiDiGraph, as_of: str) -> dict[tuple[str, str], str]:
    """(community, unit) → the grade of the latest evaluation up to as_of of the unit (or a
    party org based in it) under an agreement C's community committee is party to; the same
    day: the greatest evaluation id."""
    best: dict[tuple[str, str], tuple[str, str, str]] = {}
    for c in nodes(g, "Community"):
        for o in community_orgs(g, c):
            for ag, _ in out(g, o, Rel.PARTY_TO):
                for e, _ in inn(g, ag, Rel.UNDER):
                    day = g.nodes[e].get("evaluated_on")
                    if day is None or day > as_of:
                        continue
                    for who, _ in out(g, e, Rel.ASSESSES):
                        for unit in units_of_party(g, who):
                            mark = (day, e, g.nodes[e].get("grade"))
                            if (c, unit) not in best or mark[:2] > best[(c, unit)][:2]:
                                best[(c, unit)] = mark
    return {k: v[2] for k, v in best.items()}


def linkage_pairs(g: nx.MultiDiGraph, as_of: str, windows: dict[str, int] | None = None,
                  **scope: Any) -> list[dict[str, Any]]:
    """The pairs of :func:`linkage_channels` with ``street_ties`` (the unit's street ties in the
    pair's street) and ``evaluation`` (the latest grade or None)."""
    street = street_ties(g, as_of)
    grades = latest_grades(g, as_of)
    rows = linkage_channels(g, as_of, windows=windows, **scope)
    for r in rows:
        r["street_ties"] = street.get((r["street_id"], r["unit_id"]), 0)
        r["evaluation"] = grades.get((r["community_id"], r["unit_id"]))
    return rows


def sheet_score(row: dict[str, Any], points: dict | None = None, caps: dict | None = None,
                grades: dict | None = None, bands: dict | None = None) -> tuple[float, str]:
    """(score, band) of one pair by the sheet: Σ min(count × points, cap) + the grade's points,
    clamped to 0–100; a tie (an institutional item) is strong/medium/weak by score (none at 0),
    otherwise potential when a report, a resident or a service is there, else none."""
    points = {**SHEET_POINTS, **(points or {})}
    caps = {**SHEET_CAPS, **(caps or {})}
    grades = {**SHEET_GRADES, **(grades or {})}
    bands = {**SHEET_BANDS, **(bands or {})}
    total = 0.0
    for item, per in points.items():
        total += min(row.get(item, 0) * per, caps[item])
    if row.get("evaluation"):
        total += grades[row["evaluation"]]
    total = max(0.0, min(100.0, total))
    if any(row.get(k, 0) > 0 for k in TIE_ITEMS):
        if total >= bands["strong"]:
            return total, "strong"
        if total >= bands["medium"]:
            return total, "medium"
        return total, "weak" if total > 0 else "none"
    return total, "potential" if any(row.get(k, 0) > 0 for k in HINT_ITEMS) else "none"


# --- KPIs -------------------------------------------------------------------------

def _community_key(g: nx.MultiDiGraph, areas: Iterable[str]) -> str | None:
    found: set[str] = set()
    for a in areas:
        found |= communities_of_area(g, a)
    return min(found) if found else None


def _covered_by(g: nx.MultiDiGraph, area: str, kind: OrgKind) -> bool:
    return any(g.nodes[o].get("kind") == kind.value for o, _ in inn(g, area, Rel.COVERS))


def kpi_items(g: nx.MultiDiGraph, as_of: str) -> dict[str, list[tuple[str | None, bool]]]:
    """For each KPI id: one (community id or None, counted-in-numerator) per item of the
    denominator."""
    items: dict[str, list[tuple[str | None, bool]]] = {}
    for kpi, label, kind in (("community_org_coverage", "Community", OrgKind.community_committee),
                             ("grid_org_coverage", "Grid", OrgKind.grid_branch),
                             ("compound_org_coverage", "Compound", OrgKind.compound_branch),
                             ("building_org_coverage", "Building", OrgKind.building_group)):
        items[kpi] = [(_community_key(g, [a]), _covered_by(g, a, kind)) for a in nodes(g, label)]

    two_new = {k.value for k in TWO_NEW_KINDS}
    lst = []
    for u in nodes(g, "Unit"):
        if g.nodes[u].get("kind") not in two_new:
            continue
        has_members = bool(inn(g, u, Rel.WORKS_AT))
        has_org = bool(inn(g, u, Rel.BASED_IN))
        has_instructor = any(d.get("role") == Role.instructor.value and role_active(d, as_of)
                             for _, d in inn(g, u, Rel.HOLDS))
        lst.append((_community_key(g, [a for a, _ in out(g, u, Rel.LOCATED_IN)]),
                    has_members or has_org or has_instructor))
    items["two_new_org_coverage"] = lst

    # 000 非公企业党组织覆盖率: private enterprises only, an own or a joint organization
    own_or_joint = {OrgKind.unit_org.value, OrgKind.joint_branch.value}
    items["private_enterprise_org_coverage"] = [
        (_community_key(g, [a for a, _ in out(g, u, Rel.LOCATED_IN)]),
         any(g.nodes[o].get("kind") in own_or_joint for o, _ in inn(g, u, Rel.BASED_IN)))
        for u in nodes(g, "Unit") if g.nodes[u].get("kind") == UnitKind.private_enterprise.value]

    # 004 党的组织和工作覆盖: property companies and owners' committees serving a compound
    managers = {UnitKind.property_company.value, UnitKind.owners_committee.value}
    lst = []
    for u in nodes(g, "Unit"):
        if g.nodes[u].get("kind") not in managers:
            continue
        if not any(has_label(g, k, "Compound") for k, _ in out(g, u, Rel.SERVES)):
            continue
        covered = (bool(inn(g, u, Rel.WORKS_AT)) or bool(inn(g, u, Rel.BASED_IN))
                   or any(d.get("role") == Role.instructor.value and role_active(d, as_of)
                          for _, d in inn(g, u, Rel.HOLDS)))
        lst.append((_community_key(g, [a for a, _ in out(g, u, Rel.LOCATED_IN)]), covered))
    items["compound_manager_coverage"] = lst

    # 000 党组织在社区报到: unit orgs of resident units, reported to the unit's community
    lst = []
    for o in nodes(g, "PartyOrg"):
        if g.nodes[o].get("kind") != OrgKind.unit_org.value:
            continue
        for u, _ in out(g, o, Rel.BASED_IN):
            if g.nodes[u].get("resident") is not True:
                continue
            key = _community_key(g, [a for a, _ in out(g, u, Rel.LOCATED_IN)])
            lst.append((key, key is not None and key in {c for c, _ in out(g, o, Rel.REPORTED_TO)}))
    items["unit_org_reporting"] = lst

    # 003 联席会议联系的单位党组织和党员: unit orgs and joint branches linked through a street or
    # community joint meeting (themselves or through a unit they are based in)
    orgs, members = [], []
    for o in nodes(g, "PartyOrg"):
        if g.nodes[o].get("kind") not in (OrgKind.unit_org.value, OrgKind.joint_branch.value):
            continue
        areas = [a for u, _ in out(g, o, Rel.BASED_IN) for a, _ in out(g, u, Rel.LOCATED_IN)]
        if not areas:
            continue
        key = _community_key(g, areas)
        linked = any(g.nodes[m].get("kind") in (OrgKind.community_committee.value, OrgKind.street_committee.value)
                     and role_active(d, as_of)
                     for p in [o, *(u for u, _ in out(g, o, Rel.BASED_IN))]
                     for m, d in out(g, p, Rel.JOINT_MEMBER_OF))
        orgs.append((key, linked))
        members += [(key, linked)] * len(inn(g, o, Rel.MEMBER_OF))
    items["joint_meeting_orgs"] = orgs
    items["joint_meeting_members"] = members

    # 004 红色物业: property companies with an own or joint org; owners' committees with members
    items["red_property"] = [
        (_community_key(g, [a for a, _ in out(g, u, Rel.LOCATED_IN)]),
         any(has_label(g, o, "PartyOrg") for o, _ in inn(g, u, Rel.BASED_IN)))
        for u in nodes(g, "Unit") if g.nodes[u].get("kind") == UnitKind.property_company.value]
    items["owners_committee_members"] = [
        (_community_key(g, [a for a, _ in out(g, u, Rel.LOCATED_IN)]),
         any(has_label(g, m, "Member") for m, _ in inn(g, u, Rel.WORKS_AT)))
        for u in nodes(g, "Unit") if g.nodes[u].get("kind") == UnitKind.owners_committee.value]

    # 000 党员在社区报到: every member, by the community of the home area
    items["members_reported"] = [
        (_community_key(g, [a for a, _ in out(g, m, Rel.LIVES_IN)]), bool(out(g, m, Rel.REPORTED_TO)))
        for m in nodes(g, "Member")]

    lst = []
    for m in nodes(g, "Member"):
        if g.nodes[m].get("category") != MemberCategory.in_service.value:
            continue
        homes = [a for a, _ in out(g, m, Rel.LIVES_IN)]
        if not homes:
            continue
        lst.append((_community_key(g, homes), bool(out(g, m, Rel.REPORTED_TO))))
    items["in_service_reporting"] = lst

    lst = []
    for u in nodes(g, "Unit"):
        if g.nodes[u].get("resident") is not True:
            continue
        under = any(active_agreement(g, ag, as_of)
                    for p in unit_and_orgs(g, u) for ag, _ in out(g, p, Rel.PARTY_TO))
        lst.append((_community_key(g, [a for a, _ in out(g, u, Rel.LOCATED_IN)]), under))
    items["resident_unit_agreement"] = lst

    # 共驻共建双向评价: active agreements evaluated (either way) within the evaluation window
    start = window_start(as_of, EVALUATION_WINDOW_MONTHS)
    items["agreement_evaluated"] = [
        (_community_key(g, [x for p, _ in inn(g, ag, Rel.PARTY_TO) if has_label(g, p, "PartyOrg")
                            for x, _ in out(g, p, Rel.COVERS)]),
         any(in_window(g.nodes[e].get("evaluated_on"), start, as_of, required=True)
             for e, _ in inn(g, ag, Rel.UNDER)))
        for ag in nodes(g, "Agreement")
        if active_agreement(g, ag, as_of) and _signed_on_or_before(g, ag, start)]

    items["compound_property"] = [
        (_community_key(g, [c]),
         any(g.nodes[u].get("kind") == UnitKind.property_company.value for u, _ in inn(g, c, Rel.SERVES)))
        for c in nodes(g, "Compound")]
    return items


def kpi_rows(g: nx.MultiDiGraph, as_of: str) -> dict[str, list[dict[str, Any]]]:
    """Per KPI, the rows the ``kpi_<id>`` query returns: one per community key (None for
    items outside any community) with numerator and denominator."""
    result = {}
    for kpi, lst in kpi_items(g, as_of).items():
        agg: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
        for c, ok in lst:
            agg[c][0] += int(ok)
            agg[c][1] += 1
        rows = []
        for c, (num, den) in agg.items():
            st = street_of(g, c) if c else None
            rows.append({"community_id": c, "community": g.nodes[c].get("name") if c else None,
                         "street_id": st, "street": g.nodes[st].get("name") if st else None,
                         "numerator": num, "denominator": den})
        rows.sort(key=lambda r: (r["community_id"] or ""))
        result[kpi] = rows
    return result


# --- partner candidates -------------------------------------------------------------

def _unit_places(g: nx.MultiDiGraph, unit: str) -> tuple[set[str], set[str]]:
    comms: set[str] = set()
    for area, _ in out(g, unit, Rel.LOCATED_IN):
        comms |= communities_of_area(g, area)
    streets = {s for c in comms for s, _ in out(g, c, Rel.PART_OF) if has_label(g, s, "Street")}
    return comms, streets


def partner_candidate_facts(g: nx.MultiDiGraph, street_id: str | None = None,
                            community_id: str | None = None) -> list[dict[str, Any]]:
    """Rows of ``partner_candidates``: (community, unit) where the unit lies in the community
    or in its street and offers a resource whose category is one of the community's open
    need categories. ``categories`` sorted; ``same_street`` instead of unit_street_id."""
    offers: dict[str, set[str]] = defaultdict(set)
    for r in nodes(g, "Resource"):
        cat = g.nodes[r].get("category")
        if cat is None:
            continue
        for u, _ in inn(g, r, Rel.OFFERS):
            offers[u].add(cat)
    places = {u: _unit_places(g, u) for u in offers}
    rows = []
    for c in nodes(g, "Community"):
        if community_id is not None and c != community_id:
            continue
        cats = {g.nodes[n].get("category") for n, _ in out(g, c, Rel.RAISED)
                if g.nodes[n].get("status") == "open" and g.nodes[n].get("category") is not None}
        if not cats:
            continue
        streets = sorted(s for s, _ in out(g, c, Rel.PART_OF) if has_label(g, s, "Street"))
        for st in streets or [None]:
            if street_id is not None and st != street_id:
                continue
            for u, ucats in offers.items():
                ucs, uss = places[u]
                match = sorted(ucats & cats)
                same = st is not None and st in uss
                if match and (c in ucs or same):
                    rows.append({"community_id": c, "unit_id": u, "street_id": st,
                                 "categories": match, "same_street": same})
    return sorted(rows, key=lambda r: (r["community_id"], r["unit_id"]))


def unit_streets(g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Rows of ``linkage_unit_streets``."""
    rows = []
    for u in nodes(g, "Unit"):
        comms, streets = _unit_places(g, u)
        a = g.nodes[u]
        rows.append({"unit_id": u, "unit": a.get("name"), "unit_kind": a.get("kind"),
                     "resident": a.get("resident") is True,
                     "community_id": min(comms) if comms else None,
                     "street_id": min(streets) if streets else None})
    return sorted(rows, key=lambda r: r["unit_id"])
