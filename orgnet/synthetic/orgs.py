"""Unit party organizations, joint branches and floating-member organizations; which of them
sit on joint meetings and report to their community; in-service members' reporting quotas;
the structure tables (areas, units) written from the plan, and the party orgs written once
their members are known (their form follows their size)."""

from __future__ import annotations

import datetime as dt
import random

from orgnet.errors import ConfigError
from orgnet.model import OrgForm, OrgKind, UnitKind
from orgnet.synthetic import names as N
from orgnet.synthetic.base import GeneratorBase
from orgnet.synthetic.common import POLICY, _AS_OF_ORD, _apportion, _exact, _o, _weighted_sample
from orgnet.synthetic.output import _Sink
from orgnet.synthetic.shapes import FORM_LAG, FORM_LAG_MEMBERS, TERM_ENDING, TERM_OVERDUE, _Unit


class OrgPlan(GeneratorBase):
    """Plans the unit organizations and writes the structure tables."""

    # -- plan: joint meetings' member orgs, and the retirees kept in unit orgs -------------
    def plan_joint_meetings(self) -> None:
        """联席会议成员单位 (003): ``Preset.joint_meeting_orgs`` of the units that will have an own org
        and the joint-branch groups are chosen to sit on a joint meeting (stronger ties first).

        Agencies, institutions and state enterprises keep their retired members in their own org
        (``Preset.unit_retiree_ratio`` per in-service member, varying by unit). With
        ``Preset.joint_meeting_members`` set, the retirees of the orgs on joint meetings are
        apportioned so that those orgs hold exactly that many members (003's 45,991)."""
        p, rng = self.p, self.rng
        for u in self.units:  # in-service members in the community's org rather than their unit's
            if u.cls == "org":
                u.nfb = sum(1 for _ in range(u.nf + u.npr) if rng.random() >= 0.95)
                if u.office is not None:  # the street's secretary and deputy stay in the office's org
                    u.nfb = min(u.nfb, u.nf + u.npr - 2)
        entries = [[u] for u in self.units if u.cls == "org"] + self.joint_groups
        k = min(_exact(rng, p.joint_meeting_orgs, len(entries)), max(0, len(entries) - 1))
        weights = [1.0 + 2 * max(u.tie for u in us) + 4 * any(u.core or u.partner for u in us)
                   for us in entries]
        self.linked_groups: list[list[_Unit]] = _weighted_sample(rng, entries, weights, k)
        if not p.unit_retiree_ratio:
            return
        keeps = (UnitKind.agency, UnitKind.institution, UnitKind.state_enterprise)
        raw = {u.id: (u.nf + u.npr) * p.unit_retiree_ratio * rng.uniform(0.4, 1.6)
               for u in self.units if u.cls == "org" and u.kind in keeps}
        for u in self.units:
            u.nret = round(raw.get(u.id, 0.0))
        if p.joint_meeting_members is None:
            return
        linked = [us[0] for us in self.linked_groups if len(us) == 1 and us[0].id in raw]
        working = sum(u.nf + u.npr - u.nfb for us in self.linked_groups for u in us)
        linked_ids = {u.id for us in self.linked_groups for u in us}
        # police posts' officers are members of their station's org
        working += sum(x.nf + x.npr for x in self.units if x.station is not None and x.station.id in linked_ids)
        short = p.joint_meeting_members - working
        if short < 0 or not linked:
            raise ConfigError(f"generator: preset {p.name} asks for {p.joint_meeting_members} members "
                              f"on joint meetings but their orgs' in-service members alone are {working}")
        for u, n in zip(linked, _apportion(short, [raw[u.id] for u in linked])):
            u.nret = n

    # -- plan: unit orgs ---------------------------------------------------------
    def plan_unit_orgs(self) -> None:
        rng = self.rng
        for u in self.units:
            if u.cls != "org":
                continue
            c = self.comms[u.comm]
            if u.office is not None or u.kind is UnitKind.police:  # 街道机关, 派出所: under the street
                parent = self.street_org[c.street]
            elif u.kind in (UnitKind.agency, UnitKind.institution, UnitKind.state_enterprise):
                parent = self.street_org[c.street] if rng.random() < 0.5 else (c.org or self.street_org[c.street])
            else:
                parent = c.org or self.street_org[c.street]
            # the name's ending follows the members it has once they are written (write_party_orgs)
            name = f"中共{u.name}机关党支部" if u.office is not None else f"中共{u.name}党支部"
            u.org = self._org(OrgKind.unit_org, name, parent, [], [u.id],
                              self.date(_o("1998-01-01"), _o("2025-12-31")), u.comm, c.street)
        joint_names: dict[str, int] = {}
        for group in self.joint_groups:
            c = self.comms[group[0].comm]
            kinds = [u.kind for u in group]
            if all(k is UnitKind.private_enterprise for k in kinds):
                label = "非公企业"
            elif all(k is UnitKind.social_org for k in kinds):
                label = "社会组织"
            elif UnitKind.property_company in kinds:
                label = "物业"
            else:
                label = "驻区单位"
            areas: list[str] = []
            for u in group:
                cid = self.comms[u.comm].id
                if cid not in areas:
                    areas.append(cid)
            name = f"{self.street_names[c.street]}{c.name}{label}联合党支部"
            seen = joint_names.setdefault(name, 0) + 1
            joint_names[name] = seen
            if seen > 1:  # a second one in the same community is numbered
                name = name.removesuffix("联合党支部") + f"第{N.cn_number(seen)}联合党支部"
            jid = self._org(OrgKind.joint_branch, name,
                            c.org or self.street_org[c.street], areas, [u.id for u in group],
                            self.date(_o("2017-01-01"), _o("2025-12-31")), c.idx, c.street)
            for u in group:
                u.joint = jid
        self.street_floating: list[str | None] = [None] * len(self.street_ids)
        n_float = max(1, round(self.p.floating_orgs * len(self.street_ids)))
        for s in sorted(rng.sample(range(len(self.street_ids)), n_float)):
            self.street_floating[s] = self._org(
                OrgKind.floating_org, f"{self.street_names[s]}流动党员党支部", self.street_org[s],
                [self.street_ids[s]], [], self.date(_o("2012-01-01"), _o("2023-12-31")), None, s)

    # -- plan: unit party orgs reporting to their community (单位党组织双报到) ----------
    def plan_org_reporting(self) -> None:
        """``Preset.orgs_reported`` of the resident units' own orgs report to the unit's
        community (partners first); a few others reported to a neighbouring community."""
        p, rng = self.p, self.rng
        self.org_report: dict[str, tuple[str, str]] = {}
        cands = [u for u in self.units if u.org is not None and u.resident]
        k = min(_exact(rng, p.orgs_reported, len(cands)), max(0, len(cands) - 1))  # one gap at least
        first = [u for u in cands if u.core or u.partner][:k]
        rest = [u for u in cands if not (u.core or u.partner)]
        chosen = {u.id for u in first + rng.sample(rest, min(len(rest), k - len(first)))}
        lo, hi = _o("2018-03-01"), _o("2026-06-15")
        for u in cands:
            c = self.comms[u.comm]
            if u.id in chosen:
                self.org_report[u.org] = (c.id, self.date(lo, hi))
            elif rng.random() < 0.1:
                others = [ci for ci in self.street_comms[c.street] if ci != u.comm]
                if others:
                    self.org_report[u.org] = (self.comms[rng.choice(others)].id, self.date(lo, hi))
        self.stats["orgs_reported"] = len(chosen)

    # -- plan: members per unit (reporting quotas) ---------------------------------
    def plan_reporting(self) -> None:
        p, rng = self.p, self.rng
        for u in self.units:
            n = u.nf + u.npr
            u.nohome = sum(1 for _ in range(n) if rng.random() < 0.04)
        workers = sum(u.nf + u.npr for u in self.units)
        k = p.reported if isinstance(p.reported, int) else round(p.reported * workers)
        caps = [u.nf + u.npr - u.nohome for u in self.units]
        # members working at the territory's units report up to 80% of them; the rest of the
        # preset's reporters work elsewhere (city-level organs, firms outside the territory)
        self.extra_reported = max(0, k - int(0.8 * sum(caps)))
        k -= self.extra_reported
        for i, u in enumerate(self.units):
            if u.core and k > 0:  # core partners: most of their members report at home
                u.quota = min(caps[i], k, rng.randint(5, 9))
                k -= u.quota
                caps[i] -= u.quota
        weights = [cap * (1 + 2 * u.tie) for cap, u in zip(caps, self.units)]
        for u, q in zip(self.units, _apportion(k, weights, caps)):
            u.quota += q
        self.stats["in_service_workers"] = workers

    # -- write: areas, units; party orgs once their members are known ---------------------------
    def write_structure(self, sink: _Sink) -> None:
        t = sink.table("areas")
        for r in self.area_rows:
            t.row(*r)
        t.close()
        t = sink.table("units")
        for u in self.units:
            t.rowd(id=u.id, name=u.name, kind=u.kind, area_id=u.area, resident=u.resident,
                   serves_area_ids=u.serves, staff=u.staff, affiliation=u.affiliation, key_unit=u.key)
        t.close()

    def org_forms(self) -> dict[str, OrgForm]:
        """Each organization's form by the members in it and below it (党章, 支部工作条例: a branch up
        to 50, a general branch above 50, a committee from 100), a few not yet re-organized after
        outgrowing their form (``FORM_LAG``); a street working committee is a
        committee and a building's party group a group whatever their size."""
        total = dict(self.org_size)
        for oid, _name, _kind, parent, *_ in reversed(self.org_rows):  # parents come before children
            if parent is not None:
                total[parent] = total.get(parent, 0) + total.get(oid, 0)
        forms: dict[str, OrgForm] = {}
        top, committee = POLICY["branch_max_members"], POLICY["committee_min_members"]
        lag = random.Random(f"{self.p.name}:{self.seed}:forms")  # own stream: nothing else moves
        for oid, _name, kind, *_ in self.org_rows:
            n = total.get(oid, 0)
            if kind is OrgKind.street_committee:
                forms[oid] = OrgForm.committee
            elif kind is OrgKind.building_group:
                forms[oid] = OrgForm.group
            elif n >= committee:
                late = n < committee + 2 * FORM_LAG_MEMBERS and lag.random() < FORM_LAG
                forms[oid] = OrgForm.general_branch if late else OrgForm.committee
            elif n > top:
                late = n <= top + FORM_LAG_MEMBERS and lag.random() < FORM_LAG
                forms[oid] = OrgForm.branch if late else OrgForm.general_branch
            else:
                forms[oid] = OrgForm.branch
        return forms

    def write_party_orgs(self, sink: _Sink) -> None:
        """Party orgs with the form their size gives (the name's ending follows it), and their
        last election (换届): a few terms are overdue, a few end within six months. Their own
        random stream, so the other tables do not move with it."""
        rng = random.Random(f"{self.p.name}:{self.seed}:terms")
        forms = self.org_forms()
        t = sink.table("party_orgs")
        for oid, name, kind, parent, areas, units, est in self.org_rows:
            form = forms[oid]
            ending = next((e for e in _SIZED_ENDINGS if name.endswith(e)), None)
            if form is not OrgForm.group and ending is not None:
                name = name.removesuffix(ending) + _ENDING[form]
            years = None if form is OrgForm.group else _term_years(kind, form)
            elected = None if years is None else self._elected_on(rng, est, years)
            reported, reported_on = self.org_report.get(oid, (None, None))
            t.rowd(id=oid, name=name, kind=kind, parent_id=parent, area_ids=areas, unit_ids=units,
                   established_on=est, reported_area_id=reported, reported_on=reported_on, form=form,
                   elected_on=elected, term_years=years)
        t.close()

    @staticmethod
    def _elected_on(rng: random.Random, est: str, years: int) -> str | None:
        """The last election: overdue (the term ended up to 18 months ago), ending within six
        months, or well within the term; None when the org is younger than that (its founding
        starts the term)."""
        due = _AS_OF_ORD - round(365.25 * years)  # elected on or before this day: overdue
        r = rng.random()
        if r < TERM_OVERDUE:
            lo, hi = due - 540, due
        elif r < TERM_OVERDUE + TERM_ENDING:
            lo, hi = due + 2, due + 180
        else:
            lo, hi = due + 190, _AS_OF_ORD - 20
        lo = max(lo, _o(est))
        if lo > hi:
            return None
        return dt.date.fromordinal(rng.randint(lo, hi)).isoformat()


_ENDING = {OrgForm.committee: "党委", OrgForm.general_branch: "党总支", OrgForm.branch: "党支部"}
_SIZED_ENDINGS = tuple(_ENDING.values())


def _term_years(kind: OrgKind, form: OrgForm) -> int:
    """每届任期: 5 years for community-level organizations and any committee, 3 otherwise."""
    if kind is OrgKind.community_committee:
        return POLICY["community_term_years"]
    if form is OrgForm.committee:
        return POLICY["committee_term_years"]
    return POLICY["other_term_years"]
