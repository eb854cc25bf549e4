"""Units (驻区单位, 两新组织, property companies, owners' and residents' committees, police)
with their staff, their class (own org, joint branch, instructor, gap) and their ties to
the community (linkage level 0–3, core and regular partners)."""

from __future__ import annotations

from typing import Callable

from orgnet.errors import ConfigError
from orgnet.model import TWO_NEW_KINDS, Affiliation, UnitKind
from orgnet.synthetic import names as N
from orgnet.synthetic.base import GeneratorBase
from orgnet.synthetic.common import POLICY, _exact, _weighted_sample
from orgnet.synthetic.shapes import (
    KEY_UNITS_PER_STREET,
    P_POLICE_POST,
    _GENERAL_KINDS,
    _GENERAL_WEIGHTS,
    _ORG_WEIGHT,
    _PARTY_SHARE,
    _REST_CLASSES,
    _REST_WEIGHTS,
    _Comm,
    _Unit,
)


class UnitPlan(GeneratorBase):
    """Plans the units of every community."""

    # -- plan: units -----------------------------------------------------------
    def _unique(self, make: Callable[[], str | None], tries: int = 40) -> str | None:
        """A name ``make()`` gives that no other unit has yet (None: none found). Unit names are
        unique in the dataset: a district's bureau names carry the district, enterprises the city."""
        taken = self.unit_names
        for _ in range(tries):
            name = make()
            if name is not None and name not in taken:
                taken.add(name)
                return name
        return None

    def _fill(self, template: str, c: _Comm) -> str:
        rng = self.rng
        return template.format(
            c=self.city_short, d=self.p.districts[self.street_district[c.street]],
            s=self.street_names[c.street].removesuffix("街道"), p=rng.choice(self.places),
            b=rng.choice(self.brands), i=rng.choice(N.INDUSTRY), n=N.cn_number(rng.randint(1, 60)),
            v=N.PROVINCES.get(self.p.city, "省"))

    def _unit_name(self, kind: UnitKind, c: _Comm) -> tuple[UnitKind, str, int]:
        """(kind, name unique in the district, staff) of a general unit; a kind whose names
        are used up in the district (one 住建局 per district) gives way to a private enterprise."""
        rng = self.rng
        templates = N.UNIT_TEMPLATES.get(kind.value)
        if templates is not None:
            picked: list[tuple[str, int, int, float]] = []

            def make() -> str:
                picked[:] = [rng.choices(templates, [x[3] for x in templates])[0]]
                return self._fill(picked[0][0], c)

            name = self._unique(make)
            if name is not None:
                return kind, name, rng.randint(picked[0][1], picked[0][2])
            kind = UnitKind.private_enterprise
        name = self._unique(lambda: self._fill("{c}{b}{i}有限公司", c), tries=400)
        if name is None:
            raise ConfigError(f"generator: preset {self.p.name} runs out of enterprise names")
        lo, hi, _ = rng.choices(N.PRIVATE_STAFF, [x[2] for x in N.PRIVATE_STAFF])[0]
        return kind, name, rng.randint(lo, hi)

    def _unit_area(self, c: _Comm, compounds: list[int] | None = None) -> str:
        rng = self.rng
        if compounds:
            bs = [b for k in compounds for b in self.c_buildings[k]]
            if bs and rng.random() < 0.7:
                return self.b_id[rng.choice(bs)]
        if c.buildings and rng.random() < 0.6:
            return self.b_id[rng.choice(c.buildings)]
        return c.id

    def plan_units(self) -> None:
        p, rng = self.p, self.rng
        self.units: list[_Unit] = []

        self.unit_names: set[str] = set()

        def add(u: _Unit, staff: tuple[int, int] | int) -> None:
            u.staff = staff if isinstance(staff, int) else rng.randint(*staff)
            self.unit_names.add(u.name)
            self.units.append(u)
            self.comms[u.comm].units.append(u)

        served = sorted(rng.sample(range(len(self.c_id)), round(p.property_rate * len(self.c_id))))
        owned = sorted(rng.sample(range(len(self.c_id)), round(p.owners_rate * len(self.c_id))))
        served_by_comm: dict[int, list[int]] = {}
        for k in served:
            served_by_comm.setdefault(self.c_comm[k], []).append(k)
        owned_by_comm: dict[int, list[int]] = {}
        for k in owned:
            owned_by_comm.setdefault(self.c_comm[k], []).append(k)
        self.stats["compounds"] = len(self.c_id)
        self.stats["compounds_with_property"] = len(served)
        self.stats["property_rate"] = round(len(served) / max(1, len(self.c_id)), 4)

        posts: list[_Unit] = []
        for c in self.comms:
            # one residents' committee per community: its staff are in the community's org
            c.rc = _Unit(self.nid("U"), f"{c.name}居民委员会", UnitKind.residents_committee,
                         c.id, c.idx, False)
            c.rc.cls = "rc"
            add(c.rc, N.RESIDENTS_STAFF)
            if rng.random() < P_POLICE_POST:  # a police post: its officers are in the station's org
                u = _Unit(self.nid("U"), f"{c.name}警务室", UnitKind.police, c.id, c.idx, True)
                u.no_org, u.cls = True, "post"
                add(u, N.POLICE_POST_STAFF)
                posts.append(u)
            todo = list(served_by_comm.get(c.idx, []))
            while todo:
                size = min(len(todo), rng.choice((1, 1, 2, 2, 3)))
                group, todo = todo[:size], todo[size:]
                name = self._unique(lambda: self._fill(rng.choice(N.PROPERTY_NAMES), c), tries=400)
                if name is None:
                    raise ConfigError(f"generator: preset {p.name} runs out of property company names")
                lo, hi = N.PROPERTY_STAFF
                add(_Unit(self.nid("U"), name, UnitKind.property_company, self._unit_area(c, group),
                          c.idx, True, [self.c_id[k] for k in group]),
                    sum(rng.randint(lo, hi) for _ in group))
            for k in owned_by_comm.get(c.idx, []):
                add(_Unit(self.nid("U"), f"{self.c_name[k]}业主委员会", UnitKind.owners_committee,
                          self._unit_area(c, [k]), c.idx, False, [self.c_id[k]]), N.OWNERS_STAFF)
            for _ in range(rng.randint(*p.units_per_community)):
                kind, name, staff = self._unit_name(rng.choices(_GENERAL_KINDS, _GENERAL_WEIGHTS)[0], c)
                if kind in TWO_NEW_KINDS:
                    resident = rng.random() < 0.6
                elif kind is UnitKind.other:
                    resident = rng.random() < 0.5
                else:
                    resident = rng.random() < 0.95
                add(_Unit(self.nid("U"), name, kind, self._unit_area(c), c.idx, resident), staff)
        self._plan_street_offices(add)
        self._plan_police(add, posts)
        self._plan_key_units(add)

        # classes: who has an own org, who is a gap of which rule
        # 非公企业党组织覆盖率: private enterprises with an own org (the larger ones) or in a joint branch
        private = [u for u in self.units if u.kind is UnitKind.private_enterprise]
        for u in rng.sample(private, round(p.private_org_coverage * len(private))):
            u.cls = "org" if u.staff >= 50 and u.cap() >= 3 else "joint"
        private_orgs = sum(1 for u in private if u.cls == "org")
        all_two_new = [u for u in self.units if u.kind in TWO_NEW_KINDS]
        two_new = [u for u in all_two_new if not u.cls]
        uncovered = min(len(two_new), round((1 - p.two_new_coverage) * len(all_two_new)))
        for u in rng.sample(two_new, uncovered):
            u.cls = "empty"
        eligible = [u for u in self.units if not u.cls and not u.no_org and u.cap() >= 3
                    and _ORG_WEIGHT[u.kind] > 0 and u.kind is not UnitKind.private_enterprise]
        # the street offices, police stations and 中省市 units always have an org of their own
        preset_orgs = sum(1 for u in self.units if u.cls == "org" and u.kind is not UnitKind.private_enterprise)
        k = max(0, _exact(rng, p.unit_orgs, len(self.units)) - private_orgs - preset_orgs)
        if k > len(eligible) - 8:
            raise ConfigError(f"generator: preset {p.name} asks for {k} unit orgs "
                              f"but has only {len(eligible)} candidate units")
        for u in _weighted_sample(rng, eligible, [_ORG_WEIGHT[u.kind] for u in eligible], k):
            u.cls = "org"
        rest = [u for u in self.units if not u.cls]
        rng.shuffle(rest)
        forced = ("big_noorg", "big_noorg", "small_gap", "small_gap", "instructed", "instructed_empty")
        for i, u in enumerate(rest):
            cls = forced[i] if i < len(forced) else rng.choices(_REST_CLASSES, _REST_WEIGHTS)[0]
            if cls == "empty" and u.kind in TWO_NEW_KINDS:
                cls = "instructed_empty"
            if cls == "joint" and (u.kind in (UnitKind.private_enterprise, UnitKind.residents_committee,
                                              UnitKind.owners_committee) or u.no_org):
                # joint coverage of private enterprises is exactly the preset's; a residents' or
                # owners' committee or a police post is never in a joint branch
                cls = "instructed"
            if cls == "big_noorg" and u.cap() < 3:
                cls = "small_gap"  # too small for three members
            u.cls = cls

        # members working at each unit
        for u in self.units:
            cap = u.cap()
            if u.cls == "org":
                u.raw = max(3, round(u.staff * _PARTY_SHARE[u.kind] * rng.uniform(0.7, 1.3)))
            elif u.cls in ("big_noorg", "rc"):
                u.nf = rng.randint(3, min(8, cap))
            elif u.cls == "post":
                u.nf = rng.randint(1, min(3, max(1, cap)))
            elif u.cls in ("joint", "instructed", "small_gap"):
                u.nf = rng.randint(1, min(2, max(1, cap)))
                u.npr = 1 if rng.random() < 0.15 and u.nf < max(2, cap) else 0
        target = round(p.in_service_share * p.members)
        fixed = sum(u.nf + u.npr for u in self.units)
        raw = sum(u.raw for u in self.units)
        f = max(0.05, (target - fixed) / max(1, raw) / 1.05)
        for u in self.units:
            if u.cls == "org":  # never more members than the staff plausibly has
                cap = u.cap()
                u.nf = min(cap, max(3, round(u.raw * f)))
                u.npr = min(cap - u.nf, int(u.nf * 0.05 + rng.random()))

        # the street each joint branch is in groups its small units
        self.joint_groups: list[list[_Unit]] = []
        for s in range(len(self.street_ids)):
            js = [u for ci in self.street_comms[s] for u in self.comms[ci].units if u.cls == "joint"]
            street_groups: list[list[_Unit]] = []
            while js:
                size = rng.randint(2, 4)
                if len(js) - size == 1:
                    size += 1
                group, js = js[:size], js[size:]
                if len(group) == 1:  # a last single unit joins the street's previous branch
                    if street_groups:
                        street_groups[-1].extend(group)
                    else:
                        group[0].cls = "instructed"
                    break
                street_groups.append(group)
                self.joint_groups.append(group)

        # ties (linkage level 0–3) and community cadence
        n_weak = max(1, round(0.1 * len(self.comms)))
        for ci in rng.sample(range(len(self.comms)), n_weak):
            self.comms[ci].weak = True
        for u in self.units:
            c = self.comms[u.comm]
            if not u.resident:
                u.tie = 1 if rng.random() < 0.1 else 0
            elif c.weak:
                u.tie = rng.choice((0, 0, 1))
            else:
                u.tie = rng.choices((0, 1, 2, 3), (0.3, 0.28, 0.24, 0.18))[0]

        # core partners: a few resident units per community tied on every channel (strong)
        self.no_agreement_comm = next(
            (c.idx for c in self.comms if c.org is not None and not c.weak), None)
        resident = [u for u in self.units if u.resident]
        k_core = round(p.core_partners * len(resident))
        pools: list[list[_Unit]] = []
        for c in self.comms:
            if c.org is None or c.weak or c.idx == self.no_agreement_comm:
                continue
            cands = [u for u in c.units if u.resident and u.cls in ("org", "big_noorg")]
            rng.shuffle(cands)
            cands.sort(key=lambda u: (u.nf + u.npr < 6, -u.tie))
            if cands:
                pools.append(cands)
        rng.shuffle(pools)
        while k_core > 0 and any(pools):
            for pool in pools:
                if k_core > 0 and pool:
                    u = pool.pop(0)
                    u.core, u.tie = True, 3
                    if u.nf + u.npr < 6:  # enough members to report and sit on the committee
                        u.nf = max(u.nf, min(u.cap() - u.npr, rng.randint(6, 9)))
                    k_core -= 1
        # regular partners: an agreement and a committee seat, the rest as their tie goes
        rest = [u for pool in pools for u in pool if u.tie >= 1] + [
            u for c in self.comms if c.org is not None and not c.weak and c.idx != self.no_agreement_comm
            for u in c.units if u.resident and not u.core and u.cls not in ("org", "big_noorg")
            and u.nf + u.npr >= 1 and u.tie >= 1 and u.station is None]
        rest.sort(key=lambda u: u.id)
        k_partner = min(len(rest), round(p.regular_partners * len(resident)))
        for u in rng.sample(rest, k_partner):
            u.partner, u.tie = True, max(u.tie, 2)
        self.stats["core_partners"] = sum(1 for u in self.units if u.core)
        self.stats["regular_partners"] = k_partner

    # -- plan: the street offices, police and 中省市 units ------------------------------------
    def _plan_street_offices(self, add: Callable[[_Unit, tuple[int, int]], None]) -> None:
        """Each street's 街道办事处, where its working committee's secretary and deputy work."""
        for s, name in enumerate(self.street_names):
            c = self.comms[self.street_comms[s][0]]
            # not a resident unit (驻区单位) of its own street: it runs the street
            u = _Unit(self.nid("U"), f"{name}办事处", UnitKind.agency, self._unit_area(c), c.idx, False)
            u.cls, u.office, u.affiliation = "org", s, Affiliation.street
            add(u, N.STREET_OFFICE_STAFF)

    def _plan_police(self, add: Callable[[_Unit, tuple[int, int]], None], posts: list[_Unit]) -> None:
        """A police station (派出所) for every one or two streets of a district, named after the
        first; the police posts (警务室) of those streets' communities are under it."""
        rng = self.rng
        station_of: dict[int, _Unit] = {}
        for d, dname in enumerate(self.p.districts):
            streets = [s for s, sd in enumerate(self.street_district) if sd == d]
            while streets:
                size = 2 if len(streets) >= 2 and rng.random() < 0.5 else 1
                group, streets = streets[:size], streets[size:]
                c = self.comms[self.street_comms[group[0]][0]]
                u = _Unit(self.nid("U"), f"{self.city_short}市公安局{dname}分局"
                          f"{self.street_names[group[0]].removesuffix('街道')}派出所",
                          UnitKind.police, c.id, c.idx, True)
                u.cls, u.affiliation = "org", Affiliation.district
                add(u, N.POLICE_STATION_STAFF)
                for s in group:
                    station_of[s] = u
        for post in posts:
            post.station = station_of[self.comms[post.comm].street]
            post.affiliation = Affiliation.district

    def _plan_key_units(self, add: Callable[[_Unit, tuple[int, int]], None]) -> None:
        """中省市单位 (003): central, provincial and city units in each district, each a key unit
        with an org of its own; then every unit's level and whether it is a key unit."""
        rng = self.rng
        templates = N.KEY_UNITS
        for d in range(len(self.p.districts)):
            streets = [s for s, sd in enumerate(self.street_district) if sd == d]
            for _ in range(max(3, round(KEY_UNITS_PER_STREET * len(streets)))):
                c = self.comms[rng.choice(self.street_comms[rng.choice(streets)])]
                picked: list[tuple[str, str, str, int, int, float]] = []

                def make() -> str:
                    picked[:] = [rng.choices(templates, [x[5] for x in templates])[0]]
                    return self._fill(picked[0][0], c)

                name = self._unique(make)
                if name is None:
                    continue
                _, kind, level, lo, hi, _ = picked[0]
                u = _Unit(self.nid("U"), name, UnitKind(kind), self._unit_area(c), c.idx, True)
                u.cls, u.affiliation, u.key = "org", Affiliation(level), True
                add(u, (lo, hi))
        for u in self.units:
            if u.affiliation is Affiliation.none:
                u.affiliation = _affiliation(u.kind, u.name, self.city_short)
            u.key = u.key or u.staff >= POLICY["representative_staff"]


def _affiliation(kind: UnitKind, name: str, city_short: str) -> Affiliation:
    """The level a unit of ``names.UNIT_TEMPLATES`` answers to, read from its kind and name."""
    if kind is UnitKind.agency:
        return Affiliation.central if name.startswith("国家") else Affiliation.district
    if kind is UnitKind.institution:
        return Affiliation.city if name.startswith(f"{city_short}市") else Affiliation.district
    if kind is UnitKind.state_enterprise:
        return Affiliation.central if name.startswith(("中国", "国网")) else Affiliation.city
    if kind is UnitKind.police:
        return Affiliation.district
    return Affiliation.none

