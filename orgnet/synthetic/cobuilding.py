"""Co-building (共驻共建): agreements and their parties, needs, resources and matches,
services (微心愿、服务岗位), joint meetings with attendance and member organizations, and the
two-way evaluations of agreements."""

from __future__ import annotations

import datetime as dt
import random

from orgnet.errors import ConfigError
from orgnet.model import (
    AgreementStatus,
    EvaluationGrade,
    MeetingLevel,
    NeedStatus,
    OrgKind,
    ServiceType,
    Side,
    UnitKind,
)
from orgnet.synthetic import names as N
from orgnet.synthetic.base import GeneratorBase
from orgnet.synthetic.common import _AS_OF, _AS_OF_ORD, _apportion, _exact, _o
from orgnet.synthetic.output import _Sink
from orgnet.synthetic.shapes import _Comm, _Unit


#: 评价等次 → the 百分制 band a street office maps it to
_GRADE_SCORES: dict[EvaluationGrade, tuple[int, int]] = {
    EvaluationGrade.excellent: (90, 100), EvaluationGrade.good: (80, 89),
    EvaluationGrade.fair: (60, 79), EvaluationGrade.poor: (45, 59)}

#: short 评价意见, by who evaluates (the unit side grades the community, and the other way) and grade
_COMMENTS: dict[Side, dict[EvaluationGrade, tuple[str, ...]]] = {
    Side.unit: {
        EvaluationGrade.excellent: ("社区党组织统筹有力，共建项目落实到位", "需求清单对接及时，服务群众成效明显"),
        EvaluationGrade.good: ("共建活动组织较好，沟通联系顺畅", "能按协议开展联建活动"),
        EvaluationGrade.fair: ("共建活动次数偏少，需加强沟通", "需求对接不够及时"),
        EvaluationGrade.poor: ("协议事项落实不到位", "联系沟通较少，共建流于形式"),
    },
    Side.community: {
        EvaluationGrade.excellent: ("在职党员报到服务积极，资源支持有力", "主动认领微心愿，参与联席会议全勤"),
        EvaluationGrade.good: ("按时参加联席会议，履行共建责任较好", "在职党员能参与社区志愿服务"),
        EvaluationGrade.fair: ("参与社区活动较少，资源清单落实一般", "联席会议偶有缺席"),
        EvaluationGrade.poor: ("未履行共建协议约定事项", "在职党员报到后未参与服务"),
    },
}


def _grade(rng: random.Random, strength: int) -> tuple[EvaluationGrade, int]:
    """A grade and its score; closer partners (``strength`` 0–5) are graded better."""
    weights = {EvaluationGrade.excellent: 1 + strength, EvaluationGrade.good: 4,
               EvaluationGrade.fair: max(0.5, 2 - 0.4 * strength), EvaluationGrade.poor: 0.4}
    grade = rng.choices(list(weights), list(weights.values()))[0]
    return grade, rng.randint(*_GRADE_SCORES[grade])


class CoBuildingWriter(GeneratorBase):
    """Writes the co-building tables."""

    # -- agreements -----------------------------------------------------------------------
    def write_agreements(self, sink: _Sink) -> None:
        rng = self.rng
        ta = sink.table("agreements")
        tp = sink.table("agreement_parties")
        p_agree = (0.02, 0.2, 0.65, 0.9)
        lapsed = 0
        #: (id, community, unit, unit-side party, signed, expires, status) for the evaluations
        self.agreement_log: list[tuple[str, _Comm, _Unit, str, str, str, AgreementStatus]] = []
        first_comm_skipped = False
        with_active: set[int] = set()
        skipped = -1
        for c in self.comms:
            if c.org is None:
                continue
            if not first_comm_skipped and not c.weak:
                # at least one community with a committee but no agreement at all
                first_comm_skipped = True
                skipped = c.idx
                continue
            for u in c.units:
                if not u.resident or c.weak and u.tie < 2 or u.station is not None:
                    continue  # never with the community's own police post (part of the station)
                if u.core or u.partner:  # one or two current agreements
                    for _ in range(rng.choice((1, 1, 2)) if u.core else 1):
                        aid = self.nid("G")
                        signed = self.date(_o("2023-09-01"), _o("2026-05-31"))
                        expires = dt.date.fromordinal(_o(signed) + 365 * 3).isoformat()
                        ta.row(aid, f"{c.name}与{u.name}共驻共建协议", signed, expires,
                               AgreementStatus.active)
                        with_active.add(c.idx)
                        tp.row(aid, c.org, Side.community)
                        party = u.org if u.org is not None and rng.random() < 0.5 else u.id
                        tp.row(aid, party, Side.unit)
                        self.agreement_log.append((aid, c, u, party, signed, expires, AgreementStatus.active))
                    continue
                if rng.random() >= p_agree[u.tie]:
                    continue
                aid = self.nid("G")
                if u.tie == 3:
                    signed = self.date(_o("2023-07-01"), _o("2026-05-31"))
                    years = 3
                elif u.tie == 2:
                    signed = self.date(_o("2022-01-01"), _o("2026-05-31"))
                    years = rng.choice((2, 3, 3))
                else:
                    signed = self.date(_o("2019-01-01"), _o("2026-05-31"))
                    years = rng.choice((1, 2, 3))
                exp_ord = _o(signed) + 365 * years
                expires = dt.date.fromordinal(exp_ord).isoformat()
                if exp_ord < _AS_OF_ORD:
                    if rng.random() < 0.25 or lapsed == 0:
                        status = AgreementStatus.active  # lapsed: still marked active
                        lapsed += 1
                    else:
                        status = AgreementStatus.expired
                else:
                    status = AgreementStatus.terminated if rng.random() < 0.08 else AgreementStatus.active
                    if status is AgreementStatus.active:
                        with_active.add(c.idx)
                ta.row(aid, f"{c.name}与{u.name}共驻共建协议", signed, expires, status)
                tp.row(aid, c.org, Side.community)
                party = u.org if u.org is not None and rng.random() < 0.5 else u.id
                tp.row(aid, party, Side.unit)
                self.agreement_log.append((aid, c, u, party, signed, expires, status))
                if rng.random() < 0.1:
                    tp.row(aid, self.street_org[c.street], Side.other)
        found = next(((c, u) for c in self.comms if c.org is not None and c.idx != skipped
                      for u in c.units if u.resident and u.station is None), None)
        if lapsed == 0 and found:  # none ran out by chance: one past its term, still marked active
            c, u = found
            aid = self.nid("G")
            signed = self.date(_o("2021-01-01"), _o("2022-12-31"))
            expires = dt.date.fromordinal(_o(signed) + 365 * 2).isoformat()
            ta.row(aid, f"{c.name}与{u.name}共驻共建协议", signed, expires, AgreementStatus.active)
            tp.row(aid, c.org, Side.community)
            tp.row(aid, u.id, Side.unit)
            self.agreement_log.append((aid, c, u, u.id, signed, expires, AgreementStatus.active))
        target = self.p.communities_with_agreements
        if target is not None:  # more communities sign with a resident unit's party org
            todo = [c for c in self.comms if c.org is not None and c.idx not in with_active
                    and c.idx != skipped and any(u.resident and u.org for u in c.units)]
            missing = target - len(with_active)
            if not 0 <= missing <= len(todo):
                raise ConfigError(f"generator: preset {self.p.name} asks for {target} communities with "
                                  f"agreements; {len(with_active)} have one and {len(todo)} more could")
            for c in rng.sample(todo, missing):
                u = max((u for u in c.units if u.resident and u.org), key=lambda u: (u.tie, u.id))
                aid = self.nid("G")
                signed = self.date(_o("2024-01-01"), _o("2026-05-31"))
                ta.row(aid, f"{c.name}与{u.name}共驻共建协议", signed,
                       dt.date.fromordinal(_o(signed) + 365 * 3).isoformat(), AgreementStatus.active)
                tp.row(aid, c.org, Side.community)
                tp.row(aid, u.org, Side.unit)
                self.agreement_log.append((aid, c, u, u.org, signed,
                                           dt.date.fromordinal(_o(signed) + 365 * 3).isoformat(),
                                           AgreementStatus.active))
                with_active.add(c.idx)
        self.stats["communities_with_agreements"] = len(with_active)
        ta.close()
        tp.close()

    # -- needs, resources, matches -----------------------------------------------------------
    def write_lists(self, sink: _Sink) -> None:
        p, rng = self.p, self.rng
        tn = sink.table("needs")
        tr = sink.table("resources")
        tm = sink.table("matches")
        res_by_comm: list[list[tuple[str, str, int]]] = [[] for _ in self.comms]
        p_res = (0.1, 0.35, 0.7, 0.95)
        core_res: list[list[tuple[str, str]]] = [[] for _ in self.comms]
        for u in self.units:
            if u.core:  # core partners: two or three resources, each matched below
                for cat in rng.sample(N.NEED_CATEGORIES, rng.choice((2, 2, 3))):
                    rid = self.nid("R")
                    tr.row(rid, u.id, cat, rng.choice(N.RESOURCE_TITLES[cat]))
                    core_res[u.comm].append((rid, cat))
                continue
            if rng.random() >= p_res[u.tie]:
                continue
            for _ in range(rng.randint(1, 2 + (u.tie >= 2))):
                cat = rng.choice(N.NEED_CATEGORIES)
                rid = self.nid("R")
                tr.row(rid, u.id, cat, rng.choice(N.RESOURCE_TITLES[cat]))
                res_by_comm[u.comm].append((rid, cat, u.tie))
        unmatched_open = 0
        for c in self.comms:
            cands = res_by_comm[c.idx]
            for rid, cat in core_res[c.idx]:  # needs a core partner met
                nid = self.nid("N")
                raised = self.date(_o("2024-01-01"), _o("2026-06-20"))
                # matched, so closed: a matched need is never still open
                tn.row(nid, c.id, cat, rng.choice(N.NEED_TITLES[cat]), raised, NeedStatus.closed)
                tm.row(rid, nid, self.date(_o(raised), max(_o(raised), _o("2026-06-28"))))
            for _ in range(rng.randint(*p.needs_per_community)):
                cat = rng.choice(N.NEED_CATEGORIES)
                nid = self.nid("N")
                raised = self.date(_o("2024-01-01"), _o("2026-06-20"))
                closed = rng.random() < 0.45 and unmatched_open > 0
                matched = bool(cands) and (closed or rng.random() < 0.25)
                tn.row(nid, c.id, cat, rng.choice(N.NEED_TITLES[cat]), raised,
                       NeedStatus.closed if closed or matched else NeedStatus.open)
                if matched:
                    same = [r for r in cands if r[1] == cat]
                    pool = same or cands
                    rid = rng.choices(pool, [1 + 2 * r[2] for r in pool])[0][0]
                    tm.row(rid, nid, self.date(_o(raised), max(_o(raised), _o("2026-06-28"))))
                elif not closed:
                    unmatched_open += 1
        tn.close()
        tr.close()
        tm.close()

    # -- services -------------------------------------------------------------------------------
    def write_services(self, sink: _Sink) -> None:
        p, rng = self.p, self.rng
        t = sink.table("services")
        weights = [1.0 + c.n_reporters for c in self.comms]
        if p.services_claimed is not None:
            wish_claimed = _apportion(p.services_claimed[0], weights)
            post_claimed = _apportion(p.services_claimed[1], weights)
        else:
            wish_claimed = post_claimed = None
        unclaimed_any = False
        for i, c in enumerate(self.comms):
            claimants = c.reporters or c.residents
            # core partners' members claim a few of the community's wishes and posts
            core_claims = [m for u in c.units if u.core and u.workers
                           for m in (u.workers[0], u.workers[-1])]
            for typ, titles, claimed_plan in ((ServiceType.wish, N.WISHES, wish_claimed),
                                              (ServiceType.post, N.POSTS, post_claimed)):
                if claimed_plan is not None:
                    k_claimed = claimed_plan[i]
                    k_open = rng.randint(0, max(1, k_claimed // 6))
                else:
                    total = rng.randint(*p.services_per_community) // 2 + 1
                    k_open = sum(1 for _ in range(total) if rng.random() < 0.3)
                    k_claimed = total - k_open
                if not claimants:
                    k_open, k_claimed = k_open + k_claimed, 0
                if not unclaimed_any and k_open == 0:
                    k_open = 1
                unclaimed_any = unclaimed_any or k_open > 0
                mine = core_claims[:k_claimed]
                core_claims = core_claims[len(mine):] + mine[:1]  # one each on the next list
                for j in range(k_claimed + k_open):
                    sid = self.nid("S")
                    posted = self.date(_o("2024-03-01"), _o("2026-06-20"))
                    if j < k_claimed:
                        claimed_on = self.date(_o(posted), min(_AS_OF_ORD, _o(posted) + 30))
                        done = None
                        if rng.random() < 0.7:
                            done = self.date(_o(claimed_on), min(_AS_OF_ORD, _o(claimed_on) + 45))
                        who = mine[j] if j < len(mine) else rng.choice(claimants)
                        t.row(sid, typ, c.id, rng.choice(titles), posted, who, claimed_on, done)
                    else:
                        t.row(sid, typ, c.id, rng.choice(titles), posted, None, None, None)
        t.close()

    # -- meetings ---------------------------------------------------------------------------------
    def _monthly(self, count: int, months: int = 12) -> list[str]:
        """``count`` dates inside the 12-month window, spread over distinct months."""
        rng = self.rng
        first = dt.date(2025, 7, 1)
        picked = sorted(rng.sample(range(months), min(count, months)))
        out = []
        for m in picked:
            y, mo = first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1
            out.append(dt.date(y, mo, rng.randint(5, 25)).isoformat())
        return out

    def write_meetings(self, sink: _Sink) -> None:
        rng = self.rng
        tm = sink.table("meetings")
        ta = sink.table("attendance")
        p_attend = (0.0, 0.15, 0.45, 0.85)
        old_lo, old_hi = _o("2025-01-05"), _o("2025-06-20")
        full = short = 0
        for c in self.comms:
            if c.org is None:
                continue
            r = rng.random()
            if (r < 0.35 and not c.weak) or full == 0:
                count = 12
                full += 1
            elif r < 0.8 or short == 0:
                count = rng.randint(4, 11)
                short += 1
            else:
                count = rng.randint(0, 3)
            core = any(u.core for u in c.units)
            if core and count < 6:  # a community with core partners meets at least bimonthly
                count = rng.randint(6, 11)
            dates = [self.date(old_lo, old_hi) for _ in range(rng.randint(0, 3))]
            dates += self._monthly(count)
            attendees_pool = [u for u in c.units if u.resident and u.tie > 0]
            for d in dates:
                mid = self.nid("H")
                tm.row(mid, c.org, MeetingLevel.community, d,
                       f"{c.name}党建联席会议：{rng.choice(N.MEETING_TOPICS)}")
                present: list[str] = []
                for u in attendees_pool:
                    if rng.random() < (0.9 if u.core else 0.6 if u.partner else p_attend[u.tie]):
                        via_org = u.org or u.joint
                        who = via_org if via_org is not None and rng.random() < 0.5 else u.id
                        if who not in present:  # two units of one joint branch send it once
                            present.append(who)
                            ta.row(mid, who)
        n_streets = len(self.street_org)
        for s, sorg in enumerate(self.street_org):
            if n_streets == 1 or s == 0:
                count = 4
            elif s == 1:
                count = rng.randint(1, 3)
            else:
                count = 4 if rng.random() < 0.6 else rng.randint(1, 3)
            quarters = sorted(rng.sample(range(4), count))
            dates = [self.date(old_lo, old_hi)] + [
                dt.date.fromordinal(_o("2025-07-10") + 91 * q + rng.randint(0, 60)).isoformat()
                for q in quarters]
            members = [self.comms[ci].org for ci in self.street_comms[s] if self.comms[ci].org]
            big = [u for ci in self.street_comms[s] for u in self.comms[ci].units
                   if u.org is not None and u.tie >= 2]
            for d in dates:
                mid = self.nid("H")
                tm.row(mid, sorg, MeetingLevel.street, d,
                       f"{self.street_names[s]}党建联席会议：{rng.choice(N.MEETING_TOPICS)}")
                for o in members:
                    if rng.random() < 0.8:
                        ta.row(mid, o)
                for u in big:
                    if rng.random() < 0.4:
                        ta.row(mid, u.org)
        tm.close()
        ta.close()

    def write_meeting_members(self, sink: _Sink) -> None:
        """联席会议成员单位: ``Preset.joint_meeting_orgs`` unit orgs and joint branches sit on a joint
        meeting (their community's; representative big units and some two-new joint branches on
        their street's), most property companies and owners' committees on their community's,
        and the grid and compound branches on their community's (branch secretaries)."""
        rng = self.rng
        t = sink.table("meeting_members")
        linked = [(us[0].org or us[0].joint, us[0].comm, us) for us in self.linked_groups]
        lo, hi = _o("2018-01-01"), _o("2026-05-31")
        seated: set[str] = set()
        members = 0
        for org, ci, us in linked:
            c = self.comms[ci]
            street_org = self.street_org[c.street]
            big = len(us) == 1 and us[0].kind in (UnitKind.agency, UnitKind.institution,
                                                  UnitKind.state_enterprise) and us[0].tie >= 2
            convener = street_org if c.org is None or (big and rng.random() < 0.4) \
                or (len(us) > 1 and rng.random() < 0.3) else c.org
            member = us[0].id if len(us) == 1 and rng.random() < 0.3 else org
            t.row(convener, member, self.date(lo, hi), None)
            seated.update(u.id for u in us)
            members += self.org_size.get(org, 0)
        for u in self.units:
            if u.kind not in (UnitKind.property_company, UnitKind.owners_committee) or u.id in seated:
                continue
            c = self.comms[u.comm]
            if c.org is None or u.org is not None or u.joint is not None:
                continue  # a unit with an org sits (or not) through it, as decided above
            r = rng.random()
            since = self.date(lo, hi)
            if r < 0.75:
                t.row(c.org, u.id, since, None)
            elif r < 0.82:  # left the joint meeting
                t.row(c.org, u.id, since, self.date(_o(since), _o("2026-05-31")))
        for oid, name, kind, parent, *_ in self.org_rows:
            if kind in (OrgKind.grid_branch, OrgKind.compound_branch) and rng.random() < 0.6:
                ci = self.org_comm.get(oid)
                if ci is not None and self.comms[ci].org is not None:
                    t.row(self.comms[ci].org, oid, self.date(lo, hi), None)
        t.close()
        self.stats["joint_meeting_orgs"] = len(linked)
        self.stats["joint_meeting_members"] = members

    def write_evaluations(self, sink: _Sink) -> None:
        """共驻共建责任双向评价 (000): in the streets that run it (``Preset.evaluation_streets``;
        city: 89), each agreement is evaluated once a year, early in the next year, for every year
        it was in force: the unit side grades the community party org and the community grades the
        unit side (usually both, sometimes only one). About one in six current agreements missed
        the latest round, so ``agreement_without_evaluation`` has something to find. Its own random
        stream: the other tables stay exactly as they were."""
        p = self.p
        rng = random.Random(f"{p.name}:{self.seed}:evaluations")
        t = sink.table("evaluations")
        streets = list(range(len(self.street_ids)))
        running = set(rng.sample(streets, _exact(rng, p.evaluation_streets, len(streets))))
        scored = {s for s in running if rng.random() < 0.7}  # the others publish the grade only
        as_of_year = _AS_OF.year
        written, evaluated_streets = 0, set()
        for aid, c, u, party, signed, expires, status in self.agreement_log:
            if c.street not in running:
                continue
            current = status is AgreementStatus.active and expires >= p.as_of
            last_year = min(as_of_year - 1, int(expires[:4]))
            if status is AgreementStatus.terminated:
                last_year = min(last_year, int(signed[:4]) + 1)
            skip_latest = current and rng.random() < 0.17
            for year in range(int(signed[:4]), last_year + 1):
                if year == as_of_year - 1 and skip_latest or year < as_of_year - 4:
                    continue
                day = self.date_in(rng, _o(f"{year + 1}-01-05"), _o(f"{year + 1}-03-31"))
                if day > p.as_of or day > expires and not current:
                    continue
                both = rng.random()
                for evaluator, evaluatee, side in ((party, c.org, Side.unit), (c.org, party, Side.community)):
                    if both < 0.12 and side is Side.unit or 0.12 <= both < 0.2 and side is Side.community:
                        continue  # only one side evaluated that year
                    grade, score = _grade(rng, u.tie + 2 * (u.core or u.partner))
                    t.row(self.nid("PJ"), aid, evaluator, evaluatee, f"{year}年度", day, grade,
                          score if c.street in scored else None, rng.choice(_COMMENTS[side][grade]))
                    written += 1
                    evaluated_streets.add(c.street)
        t.close()
        self.stats["evaluations"] = written
        self.stats["streets_with_evaluations"] = len(evaluated_streets)
