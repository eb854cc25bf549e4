"""The test oracle: every coverage-gap rule of the catalog in plain Python over networkx.

An independent second implementation (it never runs Cypher and does not read the
catalog): the tests assert the catalog's results on the embedded store equal these,
row for row. Graph helpers (``out``, ``inn``, ``ancestors``, ``community_of``,
``area_path``, ``role_active``, ``agreement_active``) are reusable by other oracles.

Rows have the catalog columns except ``remedy`` (the tests check that one against the
catalog header): ``rule, id, name, kind, street_id, street, community_id, community,
detail``.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import networkx as nx

ROW_KEYS = ("rule", "id", "name", "kind", "street_id", "street", "community_id", "community", "detail")

#: the policy values the rules apply, as the issue states their defaults (the oracle's own copy:
#: it does not read orgnet/policy.toml); ``run_rule(..., policy={...})`` overrides any of them
POLICY_DEFAULTS: dict[str, Any] = {
    "branch_min_formal": 3, "representative_staff": 300, "reporting_rate_min": 80,
    "community_part_time_min": 3, "item_min_age_days": 30,
    "community_cadence": "month", "street_cadence": "quarter",
}
_policy: dict[str, Any] = dict(POLICY_DEFAULTS)


def pol(key: str) -> Any:
    """The policy value the rules are evaluated with (the defaults unless run_rule overrides)."""
    return _policy[key]

# ---------------------------------------------------------------------------
# Graph helpers
# ---------------------------------------------------------------------------


def out(g: nx.MultiDiGraph, n: str, rtype: str) -> list[tuple[str, dict]]:
    """(target, edge attrs) of n's outgoing relationships of a type."""
    return [(v, d) for _, v, d in g.out_edges(n, data=True) if d["type"] == rtype]


def inn(g: nx.MultiDiGraph, n: str, rtype: str) -> list[tuple[str, dict]]:
    """(source, edge attrs) of n's incoming relationships of a type."""
    return [(u, d) for u, _, d in g.in_edges(n, data=True) if d["type"] == rtype]


def has_label(g: nx.MultiDiGraph, n: str, label: str) -> bool:
    return label in g.nodes[n]["labels"]


def nodes(g: nx.MultiDiGraph, label: str) -> list[str]:
    return sorted(n for n, d in g.nodes(data=True) if label in d["labels"])


def ancestors(g: nx.MultiDiGraph, area: str) -> set[str]:
    """The area and every area above it (PART_OF*0..)."""
    seen, todo = {area}, [area]
    while todo:
        a = todo.pop()
        for parent, _ in out(g, a, "PART_OF"):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def _min(ids: Iterable[str]) -> str | None:
    ids = [i for i in ids if i is not None]
    return min(ids) if ids else None


def community_of_area(g: nx.MultiDiGraph, area: str | None) -> str | None:
    """The community the area is or lies in (smallest id if several)."""
    if area is None:
        return None
    return _min(a for a in ancestors(g, area) if has_label(g, a, "Community"))


def street_of_area(g: nx.MultiDiGraph, area: str | None) -> str | None:
    if area is None:
        return None
    return _min(a for a in ancestors(g, area) if has_label(g, a, "Street"))


def unit_area(g: nx.MultiDiGraph, unit: str) -> str | None:
    return _min(v for v, _ in out(g, unit, "LOCATED_IN"))


def community_of(g: nx.MultiDiGraph, unit: str) -> str | None:
    """A unit's community: its LOCATED_IN area if a community, else the community it lies in."""
    return community_of_area(g, unit_area(g, unit))


def home_area(g: nx.MultiDiGraph, member: str) -> str | None:
    return _min(v for v, _ in out(g, member, "LIVES_IN"))


def lives_in(g: nx.MultiDiGraph, member: str, community: str) -> bool:
    """The member's home area is the community or lies below it."""
    home = home_area(g, member)
    return home is not None and community in ancestors(g, home)


def scope_of_areas(g: nx.MultiDiGraph, areas: Iterable[str]) -> tuple[str | None, str | None]:
    """(street_id, community_id) of a set of anchor areas: community = smallest id of the
    communities they are or lie in; street = the street of that community, else the
    smallest id of the streets they are or lie in."""
    areas = [a for a in areas if a is not None]
    community = _min(community_of_area(g, a) for a in areas)
    street = street_of_area(g, community) if community else None
    if street is None:
        street = _min(street_of_area(g, a) for a in areas)
    return street, community


def area_path(g: nx.MultiDiGraph, area: str | None) -> dict[str, Any]:
    """street_id, street, community_id, community of an anchor area (or all None)."""
    return path_of(g, *scope_of_areas(g, [area] if area else []))


def path_of(g: nx.MultiDiGraph, street: str | None, community: str | None) -> dict[str, Any]:
    def name(n):
        return g.nodes[n].get("name") if n is not None else None
    return {"street_id": street, "street": name(street),
            "community_id": community, "community": name(community)}


def role_active(edge: dict, as_of: str) -> bool:
    """A role counts while since (empty = always) <= as_of <= until (empty = open)."""
    since, until = edge.get("since"), edge.get("until")
    return (since is None or since <= as_of) and (until is None or as_of <= until)


def agreement_active(g: nx.MultiDiGraph, agreement: str, as_of: str) -> bool:
    """Status 'active' and expires_on empty or >= as_of."""
    a = g.nodes[agreement]
    return a.get("status") == "active" and (a.get("expires_on") is None or a["expires_on"] >= as_of)


def kind_of(g: nx.MultiDiGraph, n: str) -> str | None:
    return g.nodes[n].get("kind")


def orgs_based_in(g: nx.MultiDiGraph, unit: str) -> list[str]:
    return [o for o, _ in inn(g, unit, "BASED_IN") if has_label(g, o, "PartyOrg")]


def workers(g: nx.MultiDiGraph, unit: str) -> list[str]:
    """Members working at the unit (members.unit_id = unit)."""
    return sorted({m for m, _ in inn(g, unit, "WORKS_AT")})


def formal_workers(g: nx.MultiDiGraph, unit: str) -> list[str]:
    return [m for m in workers(g, unit) if g.nodes[m].get("status") == "formal"]


def active_holders(g: nx.MultiDiGraph, target: str, role: str, as_of: str) -> list[str]:
    """Members holding `role` on target (an org or a unit) on as_of."""
    return sorted({m for m, d in inn(g, target, "HOLDS")
                   if d.get("role") == role and role_active(d, as_of)})


def committees_of(g: nx.MultiDiGraph, community: str | None) -> list[str]:
    """The community_committee orgs covering a community."""
    if community is None:
        return []
    return sorted(o for o, _ in inn(g, community, "COVERS") if kind_of(g, o) == "community_committee")


def parties(g: nx.MultiDiGraph, agreement: str) -> list[str]:
    return sorted({p for p, _ in inn(g, agreement, "PARTY_TO")})


def unit_agreements(g: nx.MultiDiGraph, unit: str) -> set[str]:
    """Agreements the unit is party to directly or through a party org based in it."""
    result = {a for a, _ in out(g, unit, "PARTY_TO")}
    for o in orgs_based_in(g, unit):
        result |= {a for a, _ in out(g, o, "PARTY_TO")}
    return result


def window_start(as_of: str) -> str:
    """The same day a year before as_of (the 12-month window is (start, as_of])."""
    return f"{int(as_of[:4]) - 1:04d}{as_of[4:]}"


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------

RuleFn = Callable[[nx.MultiDiGraph, str], list[dict]]
RULES: dict[str, RuleFn] = {}


def rule(fn: RuleFn) -> RuleFn:
    RULES[fn.__name__] = fn
    return fn


def _row(g, rule_id, n, kind, path, detail, name=None) -> dict:
    return {"rule": rule_id, "id": n, "name": name if name is not None else g.nodes[n].get("name"),
            "kind": kind, **path, "detail": detail}


def _uncovered(g, label, org_kind, rule_id, org_zh):
    rows = []
    for a in nodes(g, label):
        if not any(kind_of(g, o) == org_kind for o, _ in inn(g, a, "COVERS")):
            rows.append(_row(g, rule_id, a, g.nodes[a].get("level"), area_path(g, a), f"无{org_zh}覆盖"))
    return rows


@rule
def community_without_party_org(g, as_of):
    return _uncovered(g, "Community", "community_committee", "community_without_party_org",
                      "社区党组织（社区党委/党总支/党支部）")


def _formal_homes(g) -> tuple[dict[str, int], dict[str, int]]:
    """({area: formal members living in it or below it}, {area: formal members whose home is it})."""
    cached = g.graph.get("_oracle_formal_homes")
    if cached is None:
        below: dict[str, int] = {}
        at: dict[str, int] = {}
        for m in nodes(g, "Member"):
            home = home_area(g, m)
            if g.nodes[m].get("status") != "formal" or home is None:
                continue
            at[home] = at.get(home, 0) + 1
            for a in ancestors(g, home):
                below[a] = below.get(a, 0) + 1
        cached = g.graph["_oracle_formal_homes"] = (below, at)
    return cached


def formal_living_in(g, area: str) -> int:
    """Formal members whose home area is the area or lies below it."""
    return _formal_homes(g)[0].get(area, 0)


def buildings_in(g, area: str) -> set[str]:
    return {b for b, _ in inn(g, area, "PART_OF") if has_label(g, b, "Building")}


def same_place(g, grid: str, compound: str) -> bool:
    """A grid that is also a compound: the compound has a building, every building of the
    compound lies in the grid, and no building of the grid belongs to another compound."""
    k_buildings = buildings_in(g, compound)
    if not k_buildings or not k_buildings <= buildings_in(g, grid):
        return False
    others = {k for b in buildings_in(g, grid) for k, _ in out(g, b, "PART_OF")
              if has_label(g, k, "Compound") and k != compound}
    return not others


def twin(g, area: str) -> str | None:
    """The compound of a grid or the grid of a compound when they are the same place."""
    if has_label(g, area, "Grid"):
        candidates = {k for b in buildings_in(g, area) for k, _ in out(g, b, "PART_OF") if has_label(g, k, "Compound")}
        return next((k for k in candidates if same_place(g, area, k)), None)
    candidates = {x for b in buildings_in(g, area) for x, _ in out(g, b, "PART_OF") if has_label(g, x, "Grid")}
    return next((x for x in candidates if same_place(g, x, area)), None)


def covered_by_kind(g, area: str, kinds: set[str]) -> bool:
    return any(kind_of(g, o) in kinds for o, _ in inn(g, area, "COVERS"))


def _branch_gaps(g, label, own_kind, rule_id, own_zh, twin_zh):
    rows = []
    for a in nodes(g, label):
        living = formal_living_in(g, a)
        if living < pol("branch_min_formal"):
            continue
        other = twin(g, a)
        if other is None:
            if covered_by_kind(g, a, {own_kind}):
                continue
            tail = f"无{own_zh}覆盖"
        else:
            both = {"grid_branch", "compound_branch"}
            if covered_by_kind(g, a, both) or covered_by_kind(g, other, both):
                continue
            tail = twin_zh.format(name=g.nodes[other].get("name"))
        rows.append(_row(g, rule_id, a, g.nodes[a].get("level"), area_path(g, a), f"{living}名正式党员居住，{tail}"))
    return rows


@rule
def grid_without_branch(g, as_of):
    return _branch_gaps(g, "Grid", "grid_branch", "grid_without_branch", "网格党支部",
                        "网格与小区{name}范围相同，无网格或小区党支部覆盖")


@rule
def compound_without_branch(g, as_of):
    return _branch_gaps(g, "Compound", "compound_branch", "compound_without_branch", "小区党支部",
                        "小区与网格{name}范围相同，无小区或网格党支部覆盖")


@rule
def building_without_group(g, as_of):
    rows = []
    for b in nodes(g, "Building"):
        living = _formal_homes(g)[1].get(b, 0)
        if living < pol("branch_min_formal") or covered_by_kind(g, b, {"building_group"}):
            continue
        places = [b] + [a for a, _ in out(g, b, "PART_OF")]
        if not any(covered_by_kind(g, a, {"grid_branch", "compound_branch"}) for a in places):
            continue
        rows.append(_row(g, "building_without_group", b, g.nodes[b].get("level"), area_path(g, b),
                         f"{living}名正式党员居住，有党支部覆盖，无楼栋党小组"))
    return rows


def _unit_row(g, rule_id, u, detail):
    return _row(g, rule_id, u, kind_of(g, u), area_path(g, unit_area(g, u)), detail)


@rule
def unit_should_form_branch(g, as_of):
    """Never a residents' committee or a police station/post; only formal members whose
    组织关系 is in the district (org_outside empty) count."""
    rows = []
    for u in nodes(g, "Unit"):
        if kind_of(g, u) in ("residents_committee", "police"):
            continue
        formal = len([m for m in formal_workers(g, u) if not g.nodes[m].get("org_outside")])
        orgs = orgs_based_in(g, u)
        own = [o for o in orgs if kind_of(g, o) != "joint_branch"]
        if formal >= pol("branch_min_formal") and not own:
            joint = len(orgs) - len(own)
            tail = "仅纳入联合党支部，未单独建立党支部" if joint else "未建党支部"
            rows.append(_unit_row(g, "unit_should_form_branch", u, f"{formal}名正式党员，{tail}"))
    return rows


@rule
def unit_needs_instructor(g, as_of):
    rows = []
    for u in nodes(g, "Unit"):
        formal = len(formal_workers(g, u))
        if 1 <= formal <= 2 and not orgs_based_in(g, u) and not active_holders(g, u, "instructor", as_of):
            rows.append(_unit_row(g, "unit_needs_instructor", u, f"{formal}名正式党员，无党组织，未选派党建指导员"))
    return rows


@rule
def two_new_org_uncovered(g, as_of):
    rows = []
    for u in nodes(g, "Unit"):
        if kind_of(g, u) not in ("private_enterprise", "social_org"):
            continue
        if workers(g, u) or orgs_based_in(g, u) or active_holders(g, u, "instructor", as_of):
            continue
        rows.append(_unit_row(g, "two_new_org_uncovered", u, "无党员、无党组织、无党建指导员"))
    return rows


def _member_row(g, rule_id, m, detail):
    return _row(g, rule_id, m, g.nodes[m].get("category"), area_path(g, home_area(g, m)), detail)


def _floating_detail(outside: str | None) -> str:
    """High when not even the place of the 组织关系 is known, medium when it is held outside."""
    if outside:
        return f"流动党员，组织关系在区外（{outside}），区内无管理党组织（严重程度：中）"
    return "流动党员，无组织关系、无管理党组织，组织关系所在地未登记（严重程度：高）"


@rule
def floating_member_unmanaged(g, as_of):
    """Floating members with neither an organization (org_id) nor a managing one (managing_org_id)."""
    return [_member_row(g, "floating_member_unmanaged", m, _floating_detail(g.nodes[m].get("org_outside")))
            for m in nodes(g, "Member")
            if g.nodes[m].get("category") == "floating" and not out(g, m, "MEMBER_OF")
            and not out(g, m, "MANAGED_BY")]


STATE_KINDS = ("agency", "institution", "state_enterprise")


def reporting_unit(g, u: str) -> bool:
    """A unit the 2019 notice aims at: 机关、事业单位、国有企业, or an affiliation set and not none."""
    return kind_of(g, u) in STATE_KINDS or g.nodes[u].get("affiliation") not in (None, "none")


def must_report(g, m: str) -> bool:
    """An in-service member working at such a unit whose home area lies in a community of a street."""
    if g.nodes[m].get("category") != "in_service":
        return False
    if not any(reporting_unit(g, u) for u, _ in out(g, m, "WORKS_AT")):
        return False
    path = area_path(g, home_area(g, m))
    return path["community_id"] is not None and path["street_id"] is not None


@rule
def in_service_not_reported(g, as_of):
    return [_member_row(g, "in_service_not_reported", m, "未到居住地社区报到")
            for m in nodes(g, "Member") if must_report(g, m) and not out(g, m, "REPORTED_TO")]


@rule
def reported_elsewhere(g, as_of):
    rows = []
    for m in nodes(g, "Member"):
        reported = [c for c, _ in out(g, m, "REPORTED_TO")]
        if not must_report(g, m) or not reported:
            continue
        if area_path(g, home_area(g, m))["community_id"] in reported:
            continue
        rows.append(_member_row(g, "reported_elsewhere", m,
                                f"报到社区非居住地（已向{g.nodes[reported[0]].get('name')}报到）"))
    return rows


@rule
def unit_reporting_low(g, as_of):
    rows = []
    for u in nodes(g, "Unit"):
        if not reporting_unit(g, u):
            continue
        path = area_path(g, unit_area(g, u))
        if path["community_id"] is None or path["street_id"] is None:
            continue
        due = [m for m in workers(g, u) if must_report(g, m)]
        done = [m for m in due if out(g, m, "REPORTED_TO")]
        if not due or len(done) * 100 >= len(due) * pol("reporting_rate_min"):
            continue
        rate = len(done) * 100 // len(due)
        rows.append(_row(g, "unit_reporting_low", u, kind_of(g, u), path,
                         f"应报到{len(due)}人，已报到{len(done)}人，报到率{rate}%，低于{pol('reporting_rate_min')}%"))
    return rows


def own_orgs(g, u: str) -> list[str]:
    """Party orgs of the unit's own (a joint branch does not count)."""
    return [o for o in orgs_based_in(g, u) if kind_of(g, o) != "joint_branch"]


def is_large(g, u: str) -> bool:
    staff = g.nodes[u].get("staff")
    return staff is not None and staff >= pol("representative_staff")


def representative_resident(g, u: str) -> bool:
    """A resident unit with an own party org that is a key unit or has the representative staff."""
    node = g.nodes[u]
    return node.get("resident") is True and bool(own_orgs(g, u)) and (node.get("key_unit") is True or is_large(g, u))


def _why_representative(g, u: str) -> str:
    return "重点单位" if g.nodes[u].get("key_unit") is True else f"职工{g.nodes[u].get('staff')}人"


@rule
def resident_unit_without_agreement(g, as_of):
    rows = []
    for u in nodes(g, "Unit"):
        if not representative_resident(g, u):
            continue
        agreements = unit_agreements(g, u)
        if any(agreement_active(g, a, as_of) for a in agreements):
            continue
        detail = "共建协议均已到期或终止，无生效协议" if agreements else "未签订共建协议"
        rows.append(_unit_row(g, "resident_unit_without_agreement", u, f"{_why_representative(g, u)}，{detail}"))
    return rows


@rule
def community_without_agreement(g, as_of):
    rows = []
    for c in nodes(g, "Community"):
        orgs = committees_of(g, c)
        if any(agreement_active(g, a, as_of) for o in orgs for a, _ in out(g, o, "PARTY_TO")):
            continue
        detail = "社区党组织无生效共建协议" if orgs else "未建社区党组织，无生效共建协议"
        rows.append(_row(g, "community_without_agreement", c, g.nodes[c].get("level"), area_path(g, c), detail))
    return rows


def _org_scope(g, areas):
    return path_of(g, *scope_of_areas(g, areas))


@rule
def agreement_lapsed(g, as_of):
    rows = []
    for a in nodes(g, "Agreement"):
        node = g.nodes[a]
        if node.get("status") == "active" and node.get("expires_on") is not None and node["expires_on"] < as_of:
            areas = [x for p in parties(g, a) if has_label(g, p, "PartyOrg") for x, _ in out(g, p, "COVERS")]
            rows.append(_row(g, "agreement_lapsed", a, "agreement", _org_scope(g, areas),
                             f"协议已于{node['expires_on']}到期，状态仍为生效", name=node.get("title")))
    return rows


def months_before(as_of: str, months: int) -> str:
    """The same day ``months`` months before as_of, as an ISO string (the day is kept even
    where that month is shorter: the window is compared as strings, (start, as_of])."""
    year, month = int(as_of[:4]), int(as_of[5:7])
    total = year * 12 + month - 1 - months
    return f"{total // 12:04d}-{total % 12 + 1:02d}{as_of[7:]}"


def evaluation_dates(g, agreement) -> list[str]:
    """The dates of the evaluations made under an agreement (either direction)."""
    return [g.nodes[e]["evaluated_on"] for e, _ in inn(g, agreement, "UNDER")]


def agreement_evaluated(g, agreement, as_of) -> bool:
    """Either side evaluated the other within EVALUATION_WINDOW_MONTHS up to as_of."""
    from orgnet.model import EVALUATION_WINDOW_MONTHS
    start = months_before(as_of, EVALUATION_WINDOW_MONTHS)
    return any(start < d <= as_of for d in evaluation_dates(g, agreement))


def evaluation_due(g, agreement, as_of) -> bool:
    """Signed at least one evaluation window before as_of (or undated): a newer agreement has not
    reached its first evaluation round yet."""
    from orgnet.model import EVALUATION_WINDOW_MONTHS
    signed = g.nodes[agreement].get("signed_on")
    return signed is None or signed <= months_before(as_of, EVALUATION_WINDOW_MONTHS)


@rule
def agreement_without_evaluation(g, as_of):
    rows = []
    for a in nodes(g, "Agreement"):
        if not agreement_active(g, a, as_of) or not evaluation_due(g, a, as_of) \
                or agreement_evaluated(g, a, as_of):
            continue
        past = [d for d in evaluation_dates(g, a) if d <= as_of]
        detail = f"近12个月未开展双向评价，最近一次评价于{max(past)}" if past else "从未开展双向评价"
        areas = [x for p in parties(g, a) if has_label(g, p, "PartyOrg") for x, _ in out(g, p, "COVERS")]
        rows.append(_row(g, "agreement_without_evaluation", a, "agreement", _org_scope(g, areas), detail,
                         name=g.nodes[a].get("title")))
    return rows


@rule
def resident_unit_not_in_committee(g, as_of):
    rows = []
    for u in nodes(g, "Unit"):
        if not representative_resident(g, u):
            continue
        committees = committees_of(g, community_of(g, u))
        staff = set(workers(g, u))
        seated = [m for o in committees for m in active_holders(g, o, "part_time_member", as_of) if m in staff]
        if not seated:
            rows.append(_unit_row(g, "resident_unit_not_in_committee", u,
                                  f"{_why_representative(g, u)}，有单位党组织，无人担任所在社区党组织兼职委员"))
    return rows


@rule
def community_committee_few_part_time(g, as_of):
    rows = []
    for o in nodes(g, "PartyOrg"):
        if kind_of(g, o) != "community_committee":
            continue
        seats = len(active_holders(g, o, "part_time_member", as_of))
        if seats >= pol("community_part_time_min"):
            continue
        areas = [a for a, _ in out(g, o, "COVERS")]
        rows.append(_row(g, "community_committee_few_part_time", o, "community_committee", _org_scope(g, areas),
                         f"在任兼职委员{seats}名，少于{pol('community_part_time_min')}名"))
    return rows


@rule
def unit_org_not_reported(g, as_of):
    """Unit orgs of resident units not reported to the unit's community (within a street)."""
    rows = []
    for o in nodes(g, "PartyOrg"):
        if kind_of(g, o) != "unit_org":
            continue
        for u, _ in out(g, o, "BASED_IN"):
            if g.nodes[u].get("resident") is not True:
                continue
            path = area_path(g, unit_area(g, u))
            if path["community_id"] is None or path["street_id"] is None:
                continue
            reported = [c for c, _ in out(g, o, "REPORTED_TO") if has_label(g, c, "Community")]
            if path["community_id"] in reported:
                continue
            detail = "已向其他社区报到，未向单位所在社区报到" if reported else "未向单位所在社区报到"
            rows.append(_row(g, "unit_org_not_reported", o, "unit_org", path, detail))
    return rows


@rule
def compound_manager_not_in_joint_meeting(g, as_of):
    """Property companies and owners' committees not (directly or through their org) current
    member units of their community committee's joint meeting."""
    rows = []
    for u in nodes(g, "Unit"):
        kind = kind_of(g, u)
        if kind not in ("property_company", "owners_committee"):
            continue
        path = area_path(g, unit_area(g, u))
        if path["community_id"] is None or path["street_id"] is None:
            continue
        committees = set(committees_of(g, path["community_id"]))
        seated = any(o in committees and role_active(d, as_of)
                     for p in [u, *orgs_based_in(g, u)] for o, d in out(g, p, "JOINT_MEMBER_OF"))
        if not seated:
            detail = "物业公司未纳入社区党建联席会议" if kind == "property_company" else "业主委员会未纳入社区党建联席会议"
            rows.append(_row(g, "compound_manager_not_in_joint_meeting", u, kind, path, detail))
    return rows


UPPER_ZH = {"central": "中央单位", "province": "省属单位", "city": "市属单位"}


@rule
def large_unit_not_in_street_committee(g, as_of):
    """Representative resident units (key units; central/provincial/city units with an own org;
    staff >= representative_staff) with nobody working there holding a current part-time seat on
    their street's committee."""
    rows = []
    for u in nodes(g, "Unit"):
        node = g.nodes[u]
        kind = kind_of(g, u)
        upper = node.get("affiliation") in UPPER_ZH and bool(own_orgs(g, u))
        if node.get("resident") is not True or not (node.get("key_unit") is True or upper or is_large(g, u)):
            continue
        path = area_path(g, unit_area(g, u))
        if path["community_id"] is None or path["street_id"] is None:
            continue
        committees = [o for o, _ in inn(g, path["street_id"], "COVERS") if kind_of(g, o) == "street_committee"]
        staff_members = set(workers(g, u))
        if any(m in staff_members for o in committees for m in active_holders(g, o, "part_time_member", as_of)):
            continue
        why = ("重点单位" if node.get("key_unit") is True
               else UPPER_ZH[node["affiliation"]] if upper else f"职工{node.get('staff')}人")
        detail = f"{why}，无人担任街道党工委兼职委员"
        rows.append(_row(g, "large_unit_not_in_street_committee", u, kind, path, detail))
    return rows


def _kind_in_street(g, kind):
    """(unit, path) of the units of a kind whose community lies in a street."""
    for u in nodes(g, "Unit"):
        if kind_of(g, u) == kind:
            path = area_path(g, unit_area(g, u))
            if path["community_id"] is not None and path["street_id"] is not None:
                yield u, path


@rule
def property_company_without_org(g, as_of):
    """No own or joint org, and no instructor in post (an instructor is the coverage, 004)."""
    return [_row(g, "property_company_without_org", u, "property_company", path,
                 "物业公司未建党组织，未纳入联合党支部，也未选派党建指导员")
            for u, path in _kind_in_street(g, "property_company")
            if not orgs_based_in(g, u) and not active_holders(g, u, "instructor", as_of)]


@rule
def owners_committee_without_members(g, as_of):
    return [_row(g, "owners_committee_without_members", u, "owners_committee", path, "业主委员会中无党员（未实现交叉任职）")
            for u, path in _kind_in_street(g, "owners_committee") if not workers(g, u)]


def _unserved(g, unit_kind, rule_id, zh):
    return [_row(g, rule_id, k, g.nodes[k].get("level"), area_path(g, k), f"无{zh}")
            for k in nodes(g, "Compound")
            if not any(kind_of(g, u) == unit_kind for u, _ in inn(g, k, "SERVES"))]


@rule
def compound_without_property(g, as_of):
    return _unserved(g, "property_company", "compound_without_property", "物业公司服务")


@rule
def compound_without_owners_committee(g, as_of):
    return _unserved(g, "owners_committee", "compound_without_owners_committee", "业主委员会")


def days_before(as_of: str, days: int) -> str:
    import datetime as dt
    return (dt.date.fromisoformat(as_of) - dt.timedelta(days=days)).isoformat()


def old_enough(posted: str | None, as_of: str) -> bool:
    """Posted more than item_min_age_days before as_of; an undated item is never a gap."""
    return posted is not None and posted < days_before(as_of, pol("item_min_age_days"))


@rule
def need_unmatched(g, as_of):
    rows = []
    for n in nodes(g, "Need"):
        node = g.nodes[n]
        if node.get("status") != "open" or inn(g, n, "FULFILS") or not old_enough(node.get("raised_on"), as_of):
            continue
        area = _min(a for a, _ in inn(g, n, "RAISED"))
        cat = node.get("category")
        detail = (cat or "") + f"需求待对接，无资源对接（提出于{node['raised_on']}）"
        rows.append(_row(g, "need_unmatched", n, "need", area_path(g, area), detail, name=node.get("title")))
    return rows


@rule
def service_unclaimed(g, as_of):
    rows = []
    for s in nodes(g, "Service"):
        node = g.nodes[s]
        if inn(g, s, "CLAIMED") or not old_enough(node.get("posted_on"), as_of):
            continue
        area = _min(a for a, _ in inn(g, s, "POSTED"))
        detail = ("微心愿无人认领" if node.get("type") == "wish" else "志愿岗位无人认领") + f"（发布于{node['posted_on']}）"
        rows.append(_row(g, "service_unclaimed", s, node.get("type"), area_path(g, area), detail,
                         name=node.get("title")))
    return rows


@rule
def meeting_cadence(g, as_of):
    start = window_start(as_of)
    rows = []
    for o in nodes(g, "PartyOrg"):
        kind = kind_of(g, o)
        if kind not in ("community_committee", "street_committee"):
            continue
        cadence = pol("street_cadence" if kind == "street_committee" else "community_cadence")
        dates = [g.nodes[mt].get("held_on") or "" for mt, _ in out(g, o, "CONVENED")]
        dates = [d for d in dates if start < d <= as_of]
        if cadence == "month":
            held, required, unit = len({d[:7] for d in dates}), 12, "个月"
            tail = "应每月召开（12个月）"
        else:
            held, required, unit = len({(d[:4], (int(d[5:7]) - 1) // 3) for d in dates}), 4, "个季度"
            tail = "应每季度召开（4个季度）"
        if held < required:
            areas = [a for a, _ in out(g, o, "COVERS")]
            rows.append(_row(g, "meeting_cadence", o, kind, _org_scope(g, areas),
                             f"近12个月有{held}{unit}召开联席会议，{tail}"))
    return rows


# ---------------------------------------------------------------------------
# Organization health (secretaries, sizes, terms, probation): settings from orgnet/policy.toml,
# written out here
# ---------------------------------------------------------------------------

#: 组织形式 in Chinese, as the rules' details name it
FORM_ZH = {"committee": "党委", "general_branch": "党总支", "branch": "党支部", "group": "党小组"}


def policy_value(key: str):
    """A policy setting's packaged default (the tests run without a district's policy.toml)."""
    from orgnet.policy import policy

    return policy()[key]


def org_anchors(g: nx.MultiDiGraph, o: str) -> list[str]:
    """The areas an organization covers and the areas its units are located in."""
    anchors = [a for a, _ in out(g, o, "COVERS")]
    return anchors + [a for u, _ in out(g, o, "BASED_IN") for a, _ in out(g, u, "LOCATED_IN")]


def org_path(g: nx.MultiDiGraph, o: str | None) -> dict[str, Any]:
    return path_of(g, *scope_of_areas(g, org_anchors(g, o) if o is not None else []))


def form_of(g, o) -> str | None:
    return g.nodes[o].get("form")


def own_members(g, o) -> list[str]:
    return sorted({m for m, _ in inn(g, o, "MEMBER_OF") if has_label(g, m, "Member")})


def orgs_below(g, o) -> set[str]:
    """The organization and every organization under it (SUBORDINATE_TO*0..)."""
    seen, todo = {o}, [o]
    while todo:
        p = todo.pop()
        for child, _ in inn(g, p, "SUBORDINATE_TO"):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def members_in_and_below(g, o) -> set[str]:
    return {m for x in orgs_below(g, o) for m in own_members(g, x)}


def member_org(g, m) -> str | None:
    return _min(o for o, _ in out(g, m, "MEMBER_OF"))


def member_org_path(g, m) -> dict[str, Any]:
    """A member's finding is placed by the member's organization, else the home area."""
    o = member_org(g, m)
    return org_path(g, o) if o is not None else area_path(g, home_area(g, m))


def add_months(day: str, months: int) -> str:
    """The same day ``months`` months later (the day kept, compared as a string)."""
    year, month = int(day[:4]), int(day[5:7])
    total = year * 12 + month - 1 + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}{day[7:]}"


def term_end(g, o) -> tuple[str, str, int, str] | None:
    """(basis date, basis, term years, end date) of an organization's term, or None without a date."""
    node = g.nodes[o]
    basis = "elected_on" if node.get("elected_on") else "established_on"
    since = node.get(basis)
    if not since:
        return None
    term = node.get("term_years")
    if term is None:
        if node.get("kind") == "community_committee":
            term = policy_value("community_term_years")
        elif node.get("form") == "committee":
            term = policy_value("committee_term_years")
        else:
            term = policy_value("other_term_years")
    return since, basis, term, f"{int(since[:4]) + term:04d}{since[4:]}"


def _org_row(g, rule_id, o, detail):
    return _row(g, rule_id, o, kind_of(g, o), org_path(g, o), detail)


@rule
def secretary_vacant(g, as_of):
    return [_org_row(g, "secretary_vacant", o, f"{FORM_ZH[form_of(g, o)]}，统计日无在任书记")
            for o in nodes(g, "PartyOrg")
            if form_of(g, o) in ("committee", "general_branch", "branch")
            and not [m for m in active_holders(g, o, "secretary", as_of) if has_label(g, m, "Member")]]


@rule
def secretary_not_member(g, as_of):
    led: dict[str, list[str]] = {}
    for o in nodes(g, "PartyOrg"):
        for m in active_holders(g, o, "secretary", as_of):
            if has_label(g, m, "Member") and member_org(g, m) not in orgs_below(g, o):
                led.setdefault(m, []).append(o)
    rows = []
    for m, orgs in led.items():
        own = member_org(g, m)
        outside = g.nodes[m].get("org_outside")
        where = (f"组织关系在{g.nodes[own]['name']}" if own is not None and g.nodes[own].get("name")
                 else f"组织关系在区外：{outside}" if outside else "无组织关系")
        names = "、".join(g.nodes[o].get("name") or o for o in orgs)
        rows.append(_row(g, "secretary_not_member", m, g.nodes[m].get("category"), org_path(g, min(orgs)),
                         f"任{names}书记，不是该组织或其下属组织党员（{where}）"))
    return rows


@rule
def branch_too_small(g, as_of):
    least = policy_value("branch_min_formal")
    rows = []
    for o in nodes(g, "PartyOrg"):
        if form_of(g, o) != "branch":
            continue
        members = own_members(g, o)
        formal = [m for m in members if g.nodes[m].get("status") == "formal"]
        if len(formal) < least:
            rows.append(_org_row(g, "branch_too_small", o,
                                 f"正式党员{len(formal)}人（党员{len(members)}人），少于{least}人"))
    return rows


@rule
def branch_over_50(g, as_of):
    most = policy_value("branch_max_members")
    return [_org_row(g, "branch_over_50", o, f"党员{len(own_members(g, o))}人，超过{most}人")
            for o in nodes(g, "PartyOrg")
            if form_of(g, o) == "branch" and len(own_members(g, o)) > most]


@rule
def committee_required(g, as_of):
    least = policy_value("committee_min_members")
    rows = []
    for o in nodes(g, "PartyOrg"):
        n = len(members_in_and_below(g, o))
        if n >= least and form_of(g, o) != "committee":
            rows.append(_org_row(g, "committee_required", o,
                                 f"本组织及下属组织党员{n}人，组织形式为{FORM_ZH[form_of(g, o)]}，未设党委"))
    return rows


@rule
def term_overdue(g, as_of):
    rows = []
    for o in nodes(g, "PartyOrg"):
        term = term_end(g, o)
        if term is None or term[3] > as_of:
            continue
        since, basis, years, end = term
        what = "上次换届" if basis == "elected_on" else "成立"
        rows.append(_org_row(g, "term_overdue", o, f"{what}于{since}，任期{years}年，应于{end}前换届"))
    return rows


def term_expiring(g, as_of, months=None) -> list[dict]:
    """The view view_term_expiring: terms ending after as_of and within ``months`` months."""
    months = policy_value("expiring_within_months") if months is None else months
    horizon = add_months(as_of, months)
    rows = []
    for o in nodes(g, "PartyOrg"):
        term = term_end(g, o)
        if term is None or not (as_of < term[3] <= horizon):
            continue
        since, basis, years, end = term
        rows.append({"id": o, "name": g.nodes[o].get("name"), "kind": kind_of(g, o), "form": form_of(g, o),
                     **org_path(g, o), "basis": basis, "since": since, "term_years": years, "term_ends": end})
    return sorted(rows, key=lambda r: (r["term_ends"], *sort_key(r)))


@rule
def probation_overdue(g, as_of):
    cutoff = months_before(as_of, policy_value("probation_months"))
    rows = []
    for m in nodes(g, "Member"):
        node = g.nodes[m]
        joined = node.get("joined_on")
        if node.get("status") == "probationary" and joined and joined < cutoff:
            rows.append(_row(g, "probation_overdue", m, node.get("category"), member_org_path(g, m),
                             f"{joined}入党，预备期已满，未转正"))
    return rows


@rule
def member_in_group(g, as_of):
    rows = []
    for m in nodes(g, "Member"):
        o = member_org(g, m)
        if o is not None and form_of(g, o) == "group":
            rows.append(_row(g, "member_in_group", m, g.nodes[m].get("category"), org_path(g, o),
                             f"组织关系在党小组（{g.nodes[o].get('name')}）"))
    return rows


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def sort_key(row: dict) -> tuple:
    """ORDER BY street_id, community_id, id with nulls last (as Cypher sorts ascending)."""
    return tuple((row[k] is None, row[k] or "") for k in ("street_id", "community_id", "id"))


def run_rule(g: nx.MultiDiGraph, rule_id: str, as_of: str, *, street_id: str | None = None,
             community_id: str | None = None, policy: dict[str, Any] | None = None) -> list[dict]:
    """The rule's gap rows on as_of, narrowed to a street / community, in catalog order;
    ``policy`` overrides some of POLICY_DEFAULTS for this call."""
    global _policy
    saved, _policy = _policy, {**POLICY_DEFAULTS, **(policy or {})}
    try:
        rows = RULES[rule_id](g, as_of)
    finally:
        _policy = saved
    if street_id is not None:
        rows = [r for r in rows if r["street_id"] == street_id]
    if community_id is not None:
        rows = [r for r in rows if r["community_id"] == community_id]
    return sorted(rows, key=sort_key)
