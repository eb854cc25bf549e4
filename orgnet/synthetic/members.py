"""Members, streamed to disk as they are made: those working at the territory's units
(and the retirees kept in their unit's organization), then those living in each community
(retired, floating, other, in-service elsewhere)."""

from __future__ import annotations

import datetime as dt
import random

from orgnet.errors import ConfigError
from orgnet.model import MemberCategory, MemberStatus, OrgKind, Role
from orgnet.synthetic import names as N
from orgnet.synthetic.base import GeneratorBase
from orgnet.synthetic.common import POLICY, _AS_OF, _AS_OF_ORD, _apportion, _birth_year, _o
from orgnet.synthetic.output import _Sink
from orgnet.synthetic.shapes import (
    COMMUNITY_SECRETARY_AGES,
    DATES_ON_FILE,
    PROBATION_OVERDUE,
    STREET_SECRETARY_AGES,
    _P_LOCAL,
    _Unit,
)

#: a grid or compound branch takes no more members than a branch may have (支部工作条例)
BRANCH_MAX = POLICY["branch_max_members"]
#: a compound's branch first takes this many of the retirees living there (3+ formal members)
BRANCH_START = POLICY["branch_min_formal"] + 2


class MemberWriter(GeneratorBase):
    """Writes the members table."""

    # -- members (streamed) -------------------------------------------------------
    def _home(self, ci: int, p_building: float = 0.85) -> tuple[str, int, int | None]:
        """(home area id, community index, building index or None) in community ci."""
        c = self.comms[ci]
        if c.buildings and self.rng.random() < p_building:
            bi = self.rng.choices(c.buildings, cum_weights=c.bcum)[0]
            return self.b_id[bi], ci, bi
        return c.id, ci, None

    def _hold(self, org: str | None, mid: str) -> None:
        if org is not None:
            self.org_size[org] = self.org_size.get(org, 0) + 1
            h = self.org_holders.get(org)
            if h is None:
                self.org_holders[org] = [mid]
            elif len(h) < 4:
                h.append(mid)

    def write_members(self, sink: _Sink) -> None:
        p, rng = self.p, self.rng
        t = sink.table("members")
        self.org_holders: dict[str, list[str]] = {}
        #: members per party org (org_id)
        self.org_size: dict[str, int] = {}
        self.building_resident: dict[int, str] = {}
        self.street_org_set = set(self.street_org)
        n_comms = len(self.comms)
        reported = 0
        report_lo, report_hi = _o("2019-03-01"), _o("2026-06-15")
        # most members renewed their report within the linkage window (24 months, linkage.toml)
        recent_lo = _o("2024-07-01")
        people = self.people
        row = t.rowd
        #: (org, role) -> the member planned for it: street secretaries at their street office,
        #: community secretaries at their residents' committee
        self.leads: dict[tuple[str, Role], str] = {}
        dates = _Dates(random.Random(f"{p.name}:{self.seed}:member-dates"))
        in_service, formal, probationary = MemberCategory.in_service, MemberStatus.formal, MemberStatus.probationary

        def note_resident(ci: int, bi: int | None, mid: str) -> None:
            c = self.comms[ci]
            if len(c.residents) < 12:
                c.residents.append(mid)
            if bi is not None and bi not in self.building_resident:
                self.building_resident[bi] = mid

        for u in self.units:
            n = u.nf + u.npr
            if n == 0:
                continue
            c = self.comms[u.comm]
            street_comms = self.street_comms[c.street]
            leads = self._leads(u)
            free = [i for i in range(n) if i not in leads]
            prob = set(rng.sample(free, min(u.npr, len(free)))) if u.npr else ()
            elsewhere = set(rng.sample(free, min(u.nfb, len(free)))) if u.nfb else ()
            nohome = set(rng.sample(range(n), u.nohome)) if u.nohome else ()
            homed = [i for i in range(n) if i not in nohome]
            reporters = set(rng.sample(homed, u.quota)) if u.quota else ()
            p_local = _P_LOCAL[u.tie]
            fallback = c.org or self.street_org[c.street]
            for i in range(n):
                mid = self.nid("M", 7)
                male = rng.random() < 0.56
                if u.org is not None:
                    org = fallback if i in elsewhere else u.org
                elif u.joint is not None:
                    org = u.joint
                elif u.station is not None:  # a police post's officers: in their station's org
                    org = u.station.org
                else:
                    org = fallback
                home = rep = rep_on = None
                if i not in nohome:
                    r = rng.random()
                    if r < p_local or u.core and i in reporters:
                        hc = u.comm
                    elif r < p_local + (1 - p_local) * 0.7:
                        hc = rng.choice(street_comms)
                    else:
                        hc = rng.randrange(n_comms)
                    home, hc, bi = self._home(hc)
                    note_resident(hc, bi, mid)
                    if i in reporters:
                        hcomm = self.comms[hc]
                        rep = hcomm.id
                        rep_on = self.date(recent_lo if rng.random() < 0.65 else report_lo, report_hi)
                        reported += 1
                        hcomm.n_reporters += 1
                        if len(hcomm.reporters) < 30:
                            hcomm.reporters.append(mid)
                        elif rng.random() < 30 / hcomm.n_reporters:
                            hcomm.reporters[rng.randrange(30)] = mid
                if len(u.workers) < 4:
                    u.workers.append(mid)
                self._hold(org, mid)
                lead = leads.get(i)
                if lead is not None:
                    self.leads[lead] = mid
                if lead is not None:  # a street's leaders, a community's secretary: experienced cadres
                    lo, hi = STREET_SECRETARY_AGES if lead[0] in self.street_org_set else COMMUNITY_SECRETARY_AGES
                    birth = rng.randint(_AS_OF.year - (hi if male else min(hi, 55)), _AS_OF.year - lo)
                else:
                    birth = _birth_year(rng, MemberCategory.in_service, male, i in prob)
                status = probationary if i in prob else formal
                row(id=mid, name=people.name(male, birth), status=status, category=in_service, org_id=org,
                    unit_id=u.id, home_area_id=home, reported_area_id=rep, reported_on=rep_on,
                    gender="男" if male else "女", birth_year=birth, **dates.of(birth, status))
            for _ in range(u.nret):  # retired, still in the unit's org; living mostly nearby
                mid = self.nid("M", 7)
                male = rng.random() < 0.56
                r = rng.random()
                hc = u.comm if r < 0.5 else rng.choice(street_comms) if r < 0.85 else rng.randrange(n_comms)
                home, hc, bi = self._home(hc)
                note_resident(hc, bi, mid)
                self.org_size[u.org] = self.org_size.get(u.org, 0) + 1
                birth = _birth_year(rng, MemberCategory.retired, male, False)
                row(id=mid, name=people.name(male, birth), status=formal, category=MemberCategory.retired,
                    org_id=u.org, home_area_id=home, gender="男" if male else "女", birth_year=birth,
                    **dates.of(birth, formal))

        # members not working at a unit of the territory: retired, floating, other, in-service elsewhere
        written = t.n
        rest = p.members - written
        if rest < 0:
            raise ConfigError(f"generator: preset {p.name} plans {written} working members, "
                              f"more than its {p.members} members")
        per_comm = _apportion(rest, [len(c.buildings) + 3.0 for c in self.comms])
        cats = (MemberCategory.retired, MemberCategory.floating, MemberCategory.in_service,
                MemberCategory.other)
        extra = self.extra_reported
        in_w = max(0.12, extra / 0.8 / max(1, rest))
        if in_w > 0.5:
            raise ConfigError(f"generator: preset {p.name} asks for {extra} more reported members than "
                              f"its units' staff can hold; raise members or lower reported")
        cat_w = tuple(w * (1 - in_w) / 0.88 for w in (0.72, 0.1)) + (in_w, 0.06 * (1 - in_w) / 0.88)
        floating_none = floating_seen = 0
        for c, count in zip(self.comms, per_comm):
            fallback = c.org or self.street_org[c.street]
            floating_org = self.street_floating[c.street]
            for _ in range(count):
                mid = self.nid("M", 7)
                cat = rng.choices(cats, cat_w)[0]
                # probationary members joined within the year: working age, never retired
                status = probationary if cat is not MemberCategory.retired and rng.random() < 0.04 else formal
                male = rng.random() < 0.52
                managing = outside = None
                if cat is MemberCategory.floating:
                    floating_seen += 1
                    org, managing, outside = self._floating(
                        floating_org or fallback, fallback, floating_seen == 3 and floating_none == 0)
                    floating_none += org is None and managing is None
                    home = c.id if outside is not None or rng.random() < 0.7 else None
                    bi = None
                else:
                    home, _, bi = self._home(c.idx, 0.9)
                    org = fallback
                    if cat is MemberCategory.retired:
                        r = rng.random()
                        if bi is not None:
                            gi, comp = self.b_grid[bi], self.b_comp[bi]
                            cb = self.c_branch[comp] if comp is not None else None
                            if cb is not None and r < 0.8 and self.org_size.get(cb, 0) < BRANCH_START:
                                org = cb  # a compound's branch is formed around the retirees living there
                            elif bi in self.b_group and r < 0.35:  # in the branch its party group is in
                                org = self.b_group_parent[bi]
                            elif self.g_branch[gi] is not None and r < 0.65:
                                org = self.g_branch[gi]
                            elif comp is not None and self.c_branch[comp] is not None and r < 0.8:
                                org = self.c_branch[comp]
                            if org != fallback and self.org_size.get(org, 0) >= BRANCH_MAX \
                                    and self.org_kind[org] in (OrgKind.grid_branch, OrgKind.compound_branch):
                                org = fallback  # a full branch: the community's org takes them
                    note_resident(c.idx, bi, mid)
                rep = rep_on = None
                if cat is MemberCategory.in_service and extra > 0 and rng.random() < 0.8:
                    rep, rep_on = c.id, self.date(report_lo, report_hi)  # reported at home
                    extra -= 1
                    reported += 1
                    c.n_reporters += 1
                    if len(c.reporters) < 30:
                        c.reporters.append(mid)
                self._hold(org, mid)
                birth = _birth_year(rng, cat, male, status is probationary)
                row(id=mid, name=people.name(male, birth), status=status, category=cat, org_id=org,
                    home_area_id=home, reported_area_id=rep, reported_on=rep_on, gender="男" if male else "女",
                    birth_year=birth, managing_org_id=managing, org_outside=outside, **dates.of(birth, status))
        t.close()
        self.stats["members"] = t.n
        self.stats["reported"] = reported

    def _leads(self, u: _Unit) -> dict[int, tuple[str, Role]]:
        """Which of a unit's workers hold a planned post: the street committee's secretary and
        deputy work at the street office, the community's secretary at its residents' committee."""
        if u.office is not None:
            org = self.street_org[u.office]
            return {0: (org, Role.secretary), 1: (org, Role.deputy_secretary)}
        c = self.comms[u.comm]
        if u is c.rc and c.org is not None:
            return {0: (c.org, Role.secretary)}
        return {}

    def _floating(self, managing_here: str, fallback: str, force_gap: bool
                  ) -> tuple[str | None, str | None, str | None]:
        """(org_id, managing_org_id, org_outside) of a floating member: a 组织关系 moved into the
        street's floating-member org or the community's, one held outside the district with a
        managing org here (most), or unmanaged (neither; some say where their relation is)."""
        rng = self.rng
        r = 1.0 if force_gap else rng.random()
        if r < 0.3:
            return (managing_here if rng.random() < 0.8 else fallback), None, None
        outside = rng.choice(N.OUTSIDE_PLACES) + rng.choice(N.OUTSIDE_ORGS)
        if r < 0.85:
            return None, managing_here, outside
        return None, None, (outside if r < 0.93 else None)


class _Dates:
    """入党日期 and 转正日期 (own random stream): probationary members joined within the year, a
    few of them longer ago (预备期满未转正); most formal members have both dates on file."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.overdue = 0

    def of(self, birth: int, status: MemberStatus) -> dict[str, str | None]:
        rng, as_of = self.rng, _AS_OF_ORD
        if status is MemberStatus.probationary:
            if rng.random() < PROBATION_OVERDUE or self.overdue == 0:
                self.overdue += 1
                return {"joined_on": _iso(rng.randint(as_of - 600, as_of - 380)), "full_on": None}
            return {"joined_on": _iso(rng.randint(as_of - 360, as_of - 15)), "full_on": None}
        if rng.random() >= DATES_ON_FILE:
            return {"joined_on": None, "full_on": None}
        age = int(rng.triangular(18, 45, 25))
        joined = min(_o(f"{birth + age}-01-01") + rng.randint(0, 364), as_of - 400)
        if joined < _o(f"{birth + 18}-01-01"):
            return {"joined_on": None, "full_on": None}
        return {"joined_on": _iso(joined), "full_on": _iso(joined + 365 + rng.randint(0, 30))}


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()
