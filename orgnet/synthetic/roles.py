"""Roles: secretaries and the other posts of every organization, part-time members of the
community and street committees (大党委、大工委), liaisons and party-building instructors."""

from __future__ import annotations

import random

from orgnet.errors import ConfigError
from orgnet.model import LARGE_UNIT_KINDS, TWO_NEW_KINDS, OrgKind, Role, UnitKind
from orgnet.synthetic.base import GeneratorBase
from orgnet.synthetic.common import _AS_OF_ORD, _o
from orgnet.synthetic.output import _Sink, _TableOut
from orgnet.synthetic.shapes import SECRETARY_VACANT, _Comm, _Unit

#: staff from which a generated unit may get a street committee seat (synthetic data only: the
#: rules' representative size is the policy's ``representative_staff``)
_SEAT_STAFF = 100


class RoleWriter(GeneratorBase):
    """Writes the roles table."""

    # -- roles -------------------------------------------------------------------------
    def _holder(self, org: str, k: int = 0) -> str | None:
        h = self.org_holders.get(org)
        if h and k < len(h):
            return h[k]
        ci = self.org_comm.get(org)
        if ci is None:
            ci = self.street_comms[self.org_street[org]][0]
        res = self.comms[ci].residents
        if res:
            return res[k % len(res)]
        return None

    def write_roles(self, sink: _Sink) -> None:
        rng = self.rng
        t = sink.table("roles")
        since_lo = _o("2019-01-01")
        leads = self.leads
        vacant = random.Random(f"{self.p.name}:{self.seed}:vacant")  # own stream: nothing else moves
        for oid, name, kind, *_ in self.org_rows:
            sec = leads.get((oid, Role.secretary)) or self._holder(oid, 0)
            if sec is None:
                continue
            est = max(_o(self.org_est[oid]), since_lo)
            if rng.random() < 0.12 and est < _o("2023-06-30") and kind is not OrgKind.building_group:  # a group has a 组长
                former = self._holder(oid, 1)
                if former is not None and former != sec:
                    until = self.date(est + 200, _o("2024-06-30"))
                    t.row(former, oid, Role.secretary, self.date(est, _o(until) - 100), until)
                    t.row(sec, oid, Role.secretary, until, None)
                    continue
            if kind is OrgKind.building_group:
                t.row(sec, oid, Role.group_leader, self.date(est, _o("2025-12-31")), None)
                continue
            since = self.date(est, _o("2025-12-31"))
            left = None  # the secretary has left and no successor is in post yet (书记空缺)
            if kind in _MAY_BE_VACANT and _o(since) < _AS_OF_ORD - 150 and vacant.random() < SECRETARY_VACANT:
                left = self.date_in(vacant, _o(since) + 60, _AS_OF_ORD - 30)
            t.row(sec, oid, Role.secretary, since, left)
            if kind in (OrgKind.community_committee, OrgKind.street_committee):
                deputy = leads.get((oid, Role.deputy_secretary)) or self._holder(oid, 1)
                if deputy is not None and deputy != sec:
                    t.row(deputy, oid, Role.deputy_secretary, self.date(est, _o("2025-12-31")), None)
                for k in (2, 3):
                    m = self._holder(oid, k)
                    if m is not None and m not in (sec, deputy) and rng.random() < 0.7:
                        t.row(m, oid, Role.committee_member, self.date(est, _o("2025-12-31")), None)
            elif kind is OrgKind.grid_branch:
                m = self._holder(oid, 1)
                if m is not None and m != sec:
                    t.row(m, oid, Role.grid_manager, self.date(est, _o("2025-12-31")), None)
            elif kind in (OrgKind.unit_org, OrgKind.joint_branch) and rng.random() < 0.3:
                m = self._holder(oid, 1)
                if m is not None and m != sec:
                    t.row(m, oid, Role.committee_member, self.date(est, _o("2025-12-31")), None)

        # part-time members of community committees (大党委), liaisons, instructors
        p_part = (0.0, 0.15, 0.55, 0.85)
        lapsed_parts = 0
        forced_gap = False
        seats = 0
        #: (member, committee) of the optional seats when a preset fixes the count of seats
        optional: list[tuple[str, str]] = []
        street_optional: list[tuple[str, str]] = []
        instructors = self._instructor_pool()
        #: whether a member's work unit is a key unit (their unit's seat is a representative one)
        self.member_unit_key = {u.workers[0]: True for u in self.units if u.key and u.workers}
        for u in self.units:
            c = self.comms[u.comm]
            if u.resident and u.workers and c.org is not None:
                has_org = u.org is not None or u.joint is not None
                if u.core:  # one or two of its members on the community committee
                    for m in u.workers[:rng.choice((1, 1, 2))]:
                        t.row(m, c.org, Role.part_time_member,
                              self.date(_o("2019-06-01"), _o("2025-10-31")), None)
                        seats += 1
                elif u.partner:
                    t.row(u.workers[0], c.org, Role.part_time_member,
                          self.date(_o("2019-06-01"), _o("2025-10-31")), None)
                    seats += 1
                elif has_org and not forced_gap:
                    forced_gap = True  # one resident unit with an org stays off the committee
                elif self.p.community_part_time is not None:
                    optional.append((u.workers[0], c.org))
                elif rng.random() < p_part[u.tie]:
                    since = self.date(_o("2019-06-01"), _o("2025-10-31"))
                    until = None
                    if rng.random() < 0.12 or (lapsed_parts == 0 and u.tie >= 2):
                        until = self.date(_o(since) + 60, _o("2026-03-31"))
                        lapsed_parts += 1
                    t.row(u.workers[0], c.org, Role.part_time_member, since, until)
                if u.tie >= 2 and rng.random() < 0.6:
                    t.row(u.workers[-1], u.id, Role.liaison, self.date(_o("2020-01-01"), _o("2025-12-31")), None)
            large = u.kind in LARGE_UNIT_KINDS or u.staff >= _SEAT_STAFF
            if u.resident and u.workers and (large or u.key):  # 街道大工委: representative units
                if self.p.street_part_time is not None:
                    street_optional.append((u.workers[0], self.street_org[c.street]))
                elif u.key and rng.random() < 0.85 or u.tie >= 2 and rng.random() < 0.4:
                    t.row(u.workers[0], self.street_org[c.street], Role.part_time_member,
                          self.date(_o("2020-01-01"), _o("2025-10-31")), None)
            if u.kind is UnitKind.residents_committee or u.kind is UnitKind.owners_committee:
                self._write_chairs(t, u, c)
            if u.cls in ("instructed", "instructed_empty"):
                instructor = self._instructor(instructors, c.street)
                if instructor is not None:
                    t.row(instructor, u.id, Role.instructor, self.date(_o("2020-01-01"), _o("2026-05-31")), None)
            elif u.cls == "small_gap" and u.kind not in TWO_NEW_KINDS and rng.random() < 0.3:
                instructor = self._instructor(instructors, c.street)
                if instructor is not None:  # an instructor who has since left
                    since = self.date(_o("2019-01-01"), _o("2023-12-31"))
                    t.row(instructor, u.id, Role.instructor, since, self.date(_o(since) + 180, _o("2025-12-31")))
        if self.p.community_part_time is not None:
            self._calibrated_seats(t, optional, self.p.community_part_time - seats, "community")
        if self.p.street_part_time is not None:
            self._calibrated_seats(t, street_optional, self.p.street_part_time, "street")
        t.close()

    def _instructor_pool(self) -> dict[int | None, list[str]]:
        """党建指导员 come from 机关 and 事业单位: their working members by street (None: all)."""
        pool: dict[int | None, list[str]] = {None: []}
        for u in self.units:
            if u.kind in (UnitKind.agency, UnitKind.institution):
                ms = u.workers[2:] if u.office is not None else u.workers  # not the street's leaders
                pool.setdefault(self.comms[u.comm].street, []).extend(ms)
                pool[None].extend(ms)
        return pool

    def _instructor(self, pool: dict[int | None, list[str]], street: int) -> str | None:
        ms = pool.get(street) or pool[None]
        return self.rng.choice(ms) if ms else None

    def _write_chairs(self, t: _TableOut, u: _Unit, c: _Comm) -> None:
        """主任/副主任 of a residents' or owners' committee who are party members: most community
        secretaries chair their 居委会 (一肩挑); some owners' committees are chaired by a member
        (交叉任职). A chair who is not a member is not in the members' ledger."""
        rng = self.rng
        since = self.date(_o("2021-01-01"), _o("2025-12-31"))
        if u.kind is UnitKind.residents_committee:
            sec = self.leads.get((c.org, Role.secretary)) if c.org is not None else None
            chair = sec if sec is not None and rng.random() < 0.85 else (u.workers[1:2] or [None])[0]
            others = [m for m in u.workers if m not in (chair, sec)]
            p_vice = 0.7
        else:
            chair = None
            if u.workers and rng.random() < 0.6:
                chair = u.workers[0]
            elif c.residents and rng.random() < 0.25:
                chair = rng.choice(c.residents)
            others = [m for m in u.workers if m != chair]
            p_vice = 0.4
        if chair is not None:
            t.row(chair, u.id, Role.chair, since, None)
        if others and rng.random() < p_vice:
            t.row(others[0], u.id, Role.vice_chair, since, None)

    def _calibrated_seats(self, t: _TableOut, optional: list[tuple[str, str]], k: int, what: str) -> None:
        """Exactly ``k`` more current part-time seats from ``optional``; a few of the others held
        a seat that has ended (not counted)."""
        rng = self.rng
        if k < 0:
            raise ConfigError(f"generator: preset {self.p.name}'s partners already hold {-k} more {what} "
                              f"part-time seats than it asks for; lower core_partners or regular_partners")
        if k > len(optional):
            raise ConfigError(f"generator: preset {self.p.name} asks for {k} more {what} part-time "
                              f"members but has only {len(optional)} candidates")
        # key units (重点单位, 中省市) first: they are the representative ones
        key = [i for i, (m, _org) in enumerate(optional) if self.member_unit_key.get(m)]
        rest = [i for i in range(len(optional)) if not self.member_unit_key.get(optional[i][0])]
        first = key[:k] if len(key) <= k else rng.sample(key, k)
        chosen = set(first) | set(rng.sample(rest, k - len(first)))
        for i, (m, org) in enumerate(optional):
            since = self.date(_o("2019-06-01"), _o("2025-10-31"))
            if i in chosen:
                t.row(m, org, Role.part_time_member, since, None)
            elif rng.random() < 0.05:
                t.row(m, org, Role.part_time_member, since, self.date(_o(since) + 60, _o("2026-03-31")))


#: organizations whose secretary may have left without a successor yet (the street's and the
#: community's secretaries are planned cadres, always in post)
_MAY_BE_VACANT = (OrgKind.grid_branch, OrgKind.compound_branch, OrgKind.unit_org, OrgKind.joint_branch)
