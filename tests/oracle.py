"""The test oracle: every coverage-gap rule of DESIGN §5 in plain Python over networkx.

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


@rule
def grid_without_branch(g, as_of):
    return _uncovered(g, "Grid", "grid_branch", "grid_without_branch", "网格党支部")


@rule
def compound_without_branch(g, as_of):
    return _uncovered(g, "Compound", "compound_branch", "compound_without_branch", "小区党支部")


@rule
def building_without_group(g, as_of):
    return _uncovered(g, "Building", "building_group", "building_without_group", "楼栋党小组")


def _unit_row(g, rule_id, u, detail):
    return _row(g, rule_id, u, kind_of(g, u), area_path(g, unit_area(g, u)), detail)


@rule
def unit_should_form_branch(g, as_of):
    rows = []
    for u in nodes(g, "Unit"):
        formal = len(formal_workers(g, u))
        orgs = orgs_based_in(g, u)
        own = [o for o in orgs if kind_of(g, o) != "joint_branch"]
        if formal >= 3 and not own:
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


@rule
def in_service_not_reported(g, as_of):
    return [_member_row(g, "in_service_not_reported", m, "在职党员，未到居住社区报到")
            for m in nodes(g, "Member")
            if g.nodes[m].get("category") == "in_service" and home_area(g, m) is not None
            and not out(g, m, "REPORTED_TO")]


@rule
def resident_unit_without_agreement(g, as_of):
    rows = []
    for u in nodes(g, "Unit"):
        if g.nodes[u].get("resident") is not True:
            continue
        agreements = unit_agreements(g, u)
        if any(agreement_active(g, a, as_of) for a in agreements):
            continue
        detail = "共建协议均已到期或终止，无生效协议" if agreements else "未签订共建协议"
        rows.append(_unit_row(g, "resident_unit_without_agreement", u, detail))
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
        if g.nodes[u].get("resident") is not True or not orgs_based_in(g, u):
            continue
        committees = committees_of(g, community_of(g, u))
        staff = set(workers(g, u))
        seated = [m for o in committees for m in active_holders(g, o, "part_time_member", as_of) if m in staff]
        if not seated:
            rows.append(_unit_row(g, "resident_unit_not_in_committee", u, "有单位党组织，无人担任所在社区党组织兼职委员"))
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


@rule
def large_unit_not_in_street_committee(g, as_of, large_staff=100):
    """Resident agencies and state enterprises, or units of 100+ staff, with nobody working
    there holding a current part-time seat on their street's committee."""
    rows = []
    for u in nodes(g, "Unit"):
        node = g.nodes[u]
        kind, staff = kind_of(g, u), node.get("staff")
        state = kind in ("agency", "state_enterprise")
        if node.get("resident") is not True or not (state or (staff is not None and staff >= large_staff)):
            continue
        path = area_path(g, unit_area(g, u))
        if path["community_id"] is None or path["street_id"] is None:
            continue
        committees = [o for o, _ in inn(g, path["street_id"], "COVERS") if kind_of(g, o) == "street_committee"]
        staff_members = set(workers(g, u))
        if any(m in staff_members for o in committees for m in active_holders(g, o, "part_time_member", as_of)):
            continue
        detail = "机关或国有企业，无人担任街道党工委兼职委员" if state else f"职工{staff}人，无人担任街道党工委兼职委员"
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
    return [_row(g, "property_company_without_org", u, "property_company", path, "物业公司未建党组织，也未纳入联合党支部")
            for u, path in _kind_in_street(g, "property_company") if not orgs_based_in(g, u)]


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


@rule
def need_unmatched(g, as_of):
    rows = []
    for n in nodes(g, "Need"):
        node = g.nodes[n]
        if node.get("status") != "open" or inn(g, n, "FULFILS"):
            continue
        area = _min(a for a, _ in inn(g, n, "RAISED"))
        cat = node.get("category")
        detail = (cat or "") + "需求待对接，无资源对接"
        rows.append(_row(g, "need_unmatched", n, "need", area_path(g, area), detail, name=node.get("title")))
    return rows


@rule
def service_unclaimed(g, as_of):
    rows = []
    for s in nodes(g, "Service"):
        if inn(g, s, "CLAIMED"):
            continue
        node = g.nodes[s]
        area = _min(a for a, _ in inn(g, s, "POSTED"))
        detail = "微心愿无人认领" if node.get("type") == "wish" else "志愿岗位无人认领"
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
        required = 4 if kind == "street_committee" else 12
        held = sum(1 for mt, _ in out(g, o, "CONVENED")
                   if start < (g.nodes[mt].get("held_on") or "") <= as_of)
        if held < required:
            areas = [a for a, _ in out(g, o, "COVERS")]
            rows.append(_row(g, "meeting_cadence", o, kind, _org_scope(g, areas),
                             f"近12个月召开{held}次联席会议，少于{required}次"))
    return rows


# ---------------------------------------------------------------------------
# Organization health (issue 22 §2): settings from orgnet/policy.toml, written out here
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
             community_id: str | None = None) -> list[dict]:
    """The rule's gap rows on as_of, narrowed to a street / community, in catalog order."""
    rows = RULES[rule_id](g, as_of)
    if street_id is not None:
        rows = [r for r in rows if r["street_id"] == street_id]
    if community_id is not None:
        rows = [r for r in rows if r["community_id"] == community_id]
    return sorted(rows, key=sort_key)
