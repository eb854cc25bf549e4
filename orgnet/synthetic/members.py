"""Members, streamed to disk as they are made: those working at the territory's units
(and the retirees kept in their unit's organization), then those living in each community
(retired, floating, other, in-service elsewhere)."""

from __future__ import annotations

from orgnet.errors import ConfigError
from orgnet.model import MemberCategory, MemberStatus
from orgnet.synthetic.base import GeneratorBase
from orgnet.synthetic.common import _apportion, _birth_year, _o
from orgnet.synthetic.output import _Sink
from orgnet.synthetic.shapes import _P_LOCAL


class MemberWriter(GeneratorBase):
    """Writes the members table."""

    # -- members (streamed) -------------------------------------------------------
    def _home(self, ci: int, p_building: float = 0.85) -> tuple[str, int, int | None]:
        """(home area id, community index, building index or None) in community ci."""
        c = self.comms[ci]
        if c.buildings and self.rng.random() < p_building:
            bi = self.rng.choice(c.buildings)
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
        n_comms = len(self.comms)
        reported = 0
        report_lo, report_hi = _o("2019-03-01"), _o("2026-06-15")
        # most members renewed their report within the linkage window (24 months, linkage.toml)
        recent_lo = _o("2024-07-01")
        people = self.people
        row = t.row
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
            prob = set(rng.sample(range(n), u.npr)) if u.npr else ()
            elsewhere = set(rng.sample(range(n), u.nfb)) if u.nfb else ()
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
                birth = _birth_year(rng, MemberCategory.in_service, male, i in prob)
                row(mid, people.name(male, birth), probationary if i in prob else formal, in_service,
                    org, u.id, home, rep, rep_on, "男" if male else "女", birth)
            for _ in range(u.nret):  # retired, still in the unit's org; living mostly nearby
                mid = self.nid("M", 7)
                male = rng.random() < 0.56
                r = rng.random()
                hc = u.comm if r < 0.5 else rng.choice(street_comms) if r < 0.85 else rng.randrange(n_comms)
                home, hc, bi = self._home(hc)
                note_resident(hc, bi, mid)
                self.org_size[u.org] = self.org_size.get(u.org, 0) + 1
                birth = _birth_year(rng, MemberCategory.retired, male, False)
                row(mid, people.name(male, birth), formal, MemberCategory.retired, u.org, None, home,
                    None, None, "男" if male else "女", birth)

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
                if cat is MemberCategory.floating:
                    r = rng.random()
                    floating_seen += 1
                    if floating_org is not None and r < 0.7 and not (floating_seen == 3 and floating_none == 0):
                        org = floating_org
                    elif r < 0.85 and not (floating_seen == 3 and floating_none == 0):
                        org = fallback
                    else:  # unmanaged: a gap of floating_member_unmanaged
                        org = None
                        floating_none += 1
                    home = c.id if rng.random() < 0.7 else None
                    bi = None
                else:
                    home, _, bi = self._home(c.idx, 0.9)
                    org = fallback
                    if cat is MemberCategory.retired:
                        r = rng.random()
                        if bi is not None:
                            gi, comp = self.b_grid[bi], self.b_comp[bi]
                            if bi in self.b_group and r < 0.35:
                                org = self.b_group[bi]
                            elif self.g_branch[gi] is not None and r < 0.65:
                                org = self.g_branch[gi]
                            elif comp is not None and self.c_branch[comp] is not None and r < 0.8:
                                org = self.c_branch[comp]
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
                row(mid, people.name(male, birth), status, cat, org, None, home, rep, rep_on,
                    "男" if male else "女", birth)
        t.close()
        self.stats["members"] = t.n
        self.stats["reported"] = reported
