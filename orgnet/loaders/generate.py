"""Deterministic synthetic datasets calibrated to the seeds (DESIGN §3, §5, §6, §8).

``generate(preset, out, seed=0, fmt="csv")`` writes one CSV per table (English headers,
English enum values) or one ``.xlsx`` workbook (a sheet per table, Chinese headers and
Chinese enum values, Excel date cells), exactly the input contract of DESIGN §3, so the
output round-trips through the validator with zero rejects.

Determinism: one ``random.Random`` per (preset, seed); only tuples and lists are iterated;
every date is placed relative to the fixed reference date ``DEFAULT_AS_OF`` (2026-06-30),
which is also a sensible ``as_of`` for the rules.

Members (the big table) are streamed to disk as they are made; only a few ids per unit,
party org and community are kept for the roles, services and meetings written after them.

Around the organizations the seeds count lies the territory they do not yet cover, so
every rule of DESIGN §5 finds gaps in every preset, and the linkage channels of DESIGN §6
range from none to strong (each resident unit has a tie level 0–3 that drives how many
channels it uses with its community). A deterministic few resident units per community
are its core partners (``Preset.core_partners``, ~5–10% of resident-unit ties score
strong): a current agreement, a seat on the community committee, members who reported
there, matched resources, claimed services and regular joint meetings. Regular partners
(``Preset.regular_partners``) have an agreement and a committee seat (mostly medium).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from orgnet.errors import ConfigError
from orgnet.model import (
    LARGE_UNIT_KINDS,
    LARGE_UNIT_STAFF,
    TABLE_ORDER,
    TABLES,
    TWO_NEW_KINDS,
    AgreementStatus,
    AreaLevel,
    ColType,
    EvaluationGrade,
    MeetingLevel,
    MemberCategory,
    MemberStatus,
    NeedStatus,
    OrgKind,
    Role,
    ServiceType,
    Side,
    UnitKind,
    ZhEnum,
)
from orgnet.loaders import names as N
from orgnet.loaders.presets import PRESET_BY_NAME, PRESETS, Preset

__all__ = ["generate", "GenerateSummary", "PRESETS", "DEFAULT_AS_OF", "Preset"]

#: the fixed reference date of generated data; a sensible ``as_of`` for the rules
DEFAULT_AS_OF = "2026-06-30"
_AS_OF = dt.date.fromisoformat(DEFAULT_AS_OF)


def _o(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


_AS_OF_ORD = _AS_OF.toordinal()

Fmt = Literal["csv", "xlsx"]


@dataclass
class GenerateSummary:
    preset: str
    seed: int
    fmt: str
    #: the dataset to validate: the folder of CSVs, or the .xlsx file
    path: Path
    #: rows written per table, in table order
    counts: dict[str, int]
    seconds: float
    #: calibration figures (what the seeds count), computed while generating
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"preset": self.preset, "seed": self.seed, "format": self.fmt,
                "path": str(self.path), "counts": dict(self.counts),
                "seconds": round(self.seconds, 3), "stats": dict(self.stats)}


# ---------------------------------------------------------------------------
# writers
# ---------------------------------------------------------------------------


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    t = type(v)
    if t is str:
        return v
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return str(v)
    if t is list:
        return ";".join(v)
    if isinstance(v, ZhEnum):
        return v.value
    return str(v)


def _xlsx_converter(ctype: ColType) -> Callable[[Any], Any]:
    if ctype is ColType.enum:
        return lambda v: None if v is None else v.zh
    if ctype is ColType.date:
        return lambda v: None if v is None else dt.date.fromisoformat(v)
    if ctype is ColType.bool:
        return lambda v: None if v is None else ("是" if v else "否")
    if ctype is ColType.refs:
        return lambda v: None if not v else "；".join(v)
    return lambda v: v


class _TableOut:
    def __init__(self, sink: "_Sink", table: str):
        self.table = table
        self.columns = TABLES[table].columns
        self.n = 0
        self._sink = sink
        if sink.fmt == "csv":
            self._file = open(sink.out / f"{table}.csv", "w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._file, lineterminator="\n")
            self._csv.writerow([c.name for c in self.columns])
        else:
            self._file = None
            self._ws = sink.workbook.create_sheet(title=table)
            self._ws.append([c.zh for c in self.columns])
            self._conv = [_xlsx_converter(c.type) for c in self.columns]

    def row(self, *values: Any) -> None:
        if self._file is not None:
            self._csv.writerow([_csv_cell(v) for v in values])
        else:
            self._ws.append([f(v) for f, v in zip(self._conv, values)])
        self.n += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._sink.counts[self.table] = self.n


class _Sink:
    def __init__(self, out: Path, fmt: str, preset: str):
        self.fmt = fmt
        self.counts: dict[str, int] = {}
        if fmt == "csv":
            self.out = out
            out.mkdir(parents=True, exist_ok=True)
            self.path = out
        else:
            from openpyxl import Workbook

            if out.suffix.lower() == ".xlsx":
                self.path = out
            else:
                out.mkdir(parents=True, exist_ok=True)
                self.path = out / f"{preset}.xlsx"
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.workbook = Workbook(write_only=True)

    def table(self, name: str) -> _TableOut:
        return _TableOut(self, name)

    def close(self) -> None:
        if self.fmt == "xlsx":
            fixed = dt.datetime(2026, 6, 30, 0, 0, 0)
            self.workbook.properties.creator = "orgnet generate"
            self.workbook.properties.created = fixed
            self.workbook.properties.modified = fixed
            self.workbook.save(self.path)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _apportion(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder),
    never above ``caps``. Deterministic."""
    n = len(weights)
    if n == 0 or total <= 0:
        return [0] * n
    if caps is not None and sum(caps) < total:
        raise ConfigError(f"generator: cannot place {total} items in capacity {sum(caps)}")
    out = [0] * n
    remaining = total
    active = [i for i in range(n) if (caps is None or caps[i] > 0) and weights[i] > 0]
    if not active:
        active = [i for i in range(n) if caps is None or caps[i] > 0]
        weights = [1.0] * n
    while remaining > 0 and active:
        wsum = sum(weights[i] for i in active)
        raw = {i: remaining * weights[i] / wsum for i in active}
        placed = 0
        for i in active:
            add = int(raw[i])
            if caps is not None:
                add = min(add, caps[i] - out[i])
            out[i] += add
            placed += add
        remaining -= placed
        if remaining > 0:
            order = sorted(active, key=lambda i: (-(raw[i] - int(raw[i])), i))
            for i in order:
                if remaining == 0:
                    break
                if caps is None or out[i] < caps[i]:
                    out[i] += 1
                    remaining -= 1
        active = [i for i in active if caps is None or out[i] < caps[i]]
    return out


def _split(rng: random.Random, total: int, n: int, lo: int = 0, spread: float = 0.5) -> list[int]:
    """Split ``total`` into ``n`` random parts, each ≥ ``lo``."""
    if total < lo * n:
        raise ConfigError(f"generator: cannot split {total} into {n} parts of at least {lo}")
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(n)]
    parts = _apportion(total - lo * n, weights)
    return [lo + x for x in parts]


def _exact(rng: random.Random, spec: int | float, population: int) -> int:
    """An exact count (int) or a share of ``population`` (float)."""
    if isinstance(spec, float):
        return round(spec * population)
    if spec > population:
        raise ConfigError(f"generator: preset asks for {spec} but only {population} candidates exist")
    return spec


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


def _weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, heavier ones more likely (Efraimidis–Spirakis); keeps input order."""
    keyed = [(rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)]
    keyed.sort(key=lambda t: (-t[0], t[1]))
    chosen = sorted(i for _, i in keyed[:k])
    return [items[i] for i in chosen]


class _Comm:
    __slots__ = ("idx", "id", "name", "street", "org", "grids", "compounds", "buildings",
                 "units", "weak", "residents", "reporters", "n_reporters", "cadence")

    def __init__(self, idx: int, id: str, name: str, street: int):
        self.idx, self.id, self.name, self.street = idx, id, name, street
        self.org: str | None = None
        self.grids: list[int] = []
        self.compounds: list[int] = []
        self.buildings: list[int] = []
        self.units: list[_Unit] = []
        self.weak = False
        self.residents: list[str] = []
        self.reporters: list[str] = []
        self.n_reporters = 0
        self.cadence = 0


class _Unit:
    __slots__ = ("id", "name", "kind", "area", "comm", "resident", "serves", "staff", "cls",
                 "tie", "core", "partner", "org", "joint", "raw", "nf", "npr", "nohome", "quota", "workers",
                 "no_org", "nfb", "nret")

    def __init__(self, id: str, name: str, kind: UnitKind, area: str, comm: int,
                 resident: bool, serves: list[str] | None = None):
        self.id, self.name, self.kind, self.area, self.comm = id, name, kind, area, comm
        self.resident = resident
        self.serves = serves or []
        self.staff = 0
        self.cls = ""
        self.tie = 0
        #: a core partner (核心共建单位) of its community: uses every linkage channel
        self.core = False
        #: a regular partner: a current agreement and a committee seat (medium)
        self.partner = False
        self.org: str | None = None
        self.joint: str | None = None
        self.raw = 0
        self.nf = 0
        self.npr = 0
        self.nohome = 0
        self.quota = 0
        self.workers: list[str] = []
        #: never has a party org of its own (a police post: its officers are in the station's)
        self.no_org = False
        #: of its in-service members, how many belong to the community's org instead of its own
        self.nfb = 0
        #: retired members kept in its own party org (离退休党员留在原单位党组织)
        self.nret = 0

    def cap(self) -> int:
        """The most in-service members who plausibly work here (a share of the staff)."""
        return int(self.staff * _MAX_PARTY_SHARE[self.kind])


#: the usual share of a unit's staff who are party members working there, by kind, and the
#: most it plausibly reaches (staff sizes per kind: ``names.UNIT_TEMPLATES``)
_PARTY_SHARE = {
    UnitKind.agency: 0.55, UnitKind.institution: 0.3, UnitKind.state_enterprise: 0.3,
    UnitKind.private_enterprise: 0.06, UnitKind.social_org: 0.15, UnitKind.property_company: 0.08,
    UnitKind.owners_committee: 0.35, UnitKind.residents_committee: 0.45, UnitKind.police: 0.55,
    UnitKind.other: 0.1,
}
_MAX_PARTY_SHARE = {k: min(0.9, 2.5 * v) for k, v in _PARTY_SHARE.items()}
#: party organization of a unit by its members (党章: 3+ a branch, 50+ a general branch, 100+ a committee)
_ORG_SUFFIXES = ((100, "党委"), (50, "党总支"), (3, "党支部"))
_ORG_WEIGHT = {
    UnitKind.agency: 4.0, UnitKind.institution: 4.0, UnitKind.state_enterprise: 4.0,
    UnitKind.police: 3.0, UnitKind.private_enterprise: 1.5, UnitKind.social_org: 1.0,
    UnitKind.property_company: 1.5, UnitKind.owners_committee: 0.0,
    UnitKind.residents_committee: 0.0, UnitKind.other: 1.0,
}
_GENERAL_KINDS = (UnitKind.agency, UnitKind.institution, UnitKind.state_enterprise,
                  UnitKind.private_enterprise, UnitKind.social_org, UnitKind.other)
_GENERAL_WEIGHTS = (0.09, 0.15, 0.08, 0.45, 0.18, 0.05)
def _birth_year(rng: random.Random, category: MemberCategory, male: bool, probationary: bool) -> int:
    """A plausible birth year on the reference date 2026: probationary members 24–40; in-service
    and floating members of working age (men to 60, women to 55); retired members from the
    retirement age (60 / 55) to about 90, most in their sixties and seventies."""
    year = _AS_OF.year
    if probationary:
        return rng.randint(year - 40, year - 24)
    if category is MemberCategory.retired:
        return year - (60 if male else 55) - int(rng.triangular(0, 30, 6))
    if category is MemberCategory.other:
        return rng.randint(year - 75, year - 24)
    return rng.randint(year - (60 if male else 55), year - 23)


_REST_CLASSES = ("big_noorg", "joint", "instructed", "small_gap", "instructed_empty", "empty")
_REST_WEIGHTS = (0.17, 0.2, 0.18, 0.15, 0.1, 0.2)
_P_LOCAL = (0.05, 0.2, 0.4, 0.6)


# ---------------------------------------------------------------------------
# the generator
# ---------------------------------------------------------------------------


class _Generator:
    def __init__(self, preset: Preset, seed: int):
        self.p = preset
        self.seed = seed
        self.rng = random.Random(f"orgnet:{preset.name}:{seed}")
        self.people = N.PersonNames(self.rng)
        self.places = N.place_pool()
        self.brands = N.BRAND + tuple(self.places)
        self.city_short = preset.city.removesuffix("市")
        self._n: dict[str, int] = {}
        self.stats: dict[str, Any] = {}

    # -- ids and dates ------------------------------------------------------
    def nid(self, prefix: str, width: int = 6) -> str:
        n = self._n.get(prefix, 0) + 1
        self._n[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def date(self, lo: int, hi: int) -> str:
        return self.date_in(self.rng, lo, hi)

    @staticmethod
    def date_in(rng: random.Random, lo: int, hi: int) -> str:
        """A day between the ordinals ``lo`` and ``hi`` (inclusive) drawn from ``rng``, ISO."""
        return dt.date.fromordinal(rng.randint(lo, hi)).isoformat()

    # -- plan: areas ----------------------------------------------------------
    def plan_areas(self) -> None:
        p, rng = self.p, self.rng
        self.area_rows: list[tuple] = []
        self.district_ids = []
        for name in p.districts:
            aid = self.nid("A")
            self.district_ids.append(aid)
            self.area_rows.append((aid, name, AreaLevel.district, None, None))

        # streets
        names = [s if s.endswith("街道") else s + "街道" for s in p.street_names]
        pool = [s + "街道" for s in N.CHENGDU_STREETS] if not p.street_names else []
        pool += [s + "街道" for s in rng.sample(self.places, len(self.places))]
        for s in pool:
            if len(names) >= p.streets:
                break
            if s not in names:
                names.append(s)
        per_district = _split(rng, p.streets, len(p.districts), lo=1, spread=0.3)
        self.street_ids: list[str] = []
        self.street_names: list[str] = []
        self.street_district: list[int] = []
        self.street_comms: list[list[int]] = []
        k = 0
        for d, count in enumerate(per_district):
            for _ in range(count):
                aid = self.nid("A")
                self.street_ids.append(aid)
                self.street_names.append(names[k])
                self.street_district.append(d)
                self.street_comms.append([])
                self.area_rows.append((aid, names[k], AreaLevel.street, self.district_ids[d], None))
                k += 1

        # communities
        per_street = _split(rng, p.communities, p.streets, lo=2, spread=0.35)
        cnames = list(p.community_names)
        used = dict.fromkeys(cnames)
        for name in rng.sample(self.places, len(self.places)):
            if len(cnames) >= p.communities:
                break
            if name not in used:
                used[name] = None
                cnames.append(name)
        while len(cnames) < p.communities:  # only if the pool ran out
            cnames.append(f"{rng.choice(self.places)}{len(cnames)}")
        if isinstance(p.compounds, int):
            compounds = _split(rng, p.compounds, p.communities, lo=1, spread=0.6)
        else:
            compounds = [rng.randint(*p.compounds) for _ in range(p.communities)]

        self.comms: list[_Comm] = []
        self.g_id: list[str] = []
        self.g_name: list[str] = []
        self.g_comm: list[int] = []
        self.c_id: list[str] = []
        self.c_name: list[str] = []
        self.c_comm: list[int] = []
        self.c_buildings: list[list[int]] = []
        self.b_id: list[str] = []
        self.b_name: list[str] = []
        self.b_grid: list[int] = []
        self.b_comp: list[int | None] = []
        ci = 0
        area_names: dict[int, dict[str, None]] = {}
        for s, count in enumerate(per_street):
            for _ in range(count):
                cid = self.nid("A")
                c = _Comm(ci, cid, cnames[ci] + "社区", s)
                self.comms.append(c)
                self.street_comms[s].append(ci)
                self.area_rows.append((cid, c.name, AreaLevel.community, self.street_ids[s], None))
                for g in range(rng.randint(*p.grids_per_community)):
                    gid = self.nid("A")
                    c.grids.append(len(self.g_id))
                    self.g_id.append(gid)
                    self.g_name.append(f"{c.name}第{N.cn_number(g + 1)}网格")
                    self.g_comm.append(ci)
                    self.area_rows.append((gid, self.g_name[-1], AreaLevel.grid, cid, None))
                # compound and street-address building names: unique within the district
                seen = area_names.setdefault(self.street_district[s], {})
                for _ in range(compounds[ci]):
                    for _try in range(200):
                        nm = rng.choice(self.places) + rng.choice(N.COMPOUND_SUFFIXES)
                        if nm not in seen and nm[-1] != nm[-2]:  # never 桂苑苑
                            break
                    seen[nm] = None
                    kid = self.nid("A")
                    c.compounds.append(len(self.c_id))
                    self.c_id.append(kid)
                    self.c_name.append(nm)
                    self.c_comm.append(ci)
                    self.c_buildings.append([])
                    self.area_rows.append((kid, nm, AreaLevel.compound, cid, None))
                for gi in c.grids:
                    for _ in range(rng.randint(*p.buildings_per_grid)):
                        bid = self.nid("A")
                        comp = None
                        if c.compounds and rng.random() < p.building_in_compound:
                            comp = rng.choice(c.compounds)
                        bi = len(self.b_id)
                        if comp is not None:
                            self.c_buildings[comp].append(bi)
                            bname = f"{self.c_name[comp]}{len(self.c_buildings[comp])}号楼"
                        else:
                            for _try in range(200):
                                bname = f"{rng.choice(self.places)}路{rng.randint(1, 199)}号楼"
                                if bname not in seen:
                                    break
                            seen[bname] = None
                        c.buildings.append(bi)
                        self.b_id.append(bid)
                        self.b_name.append(bname)
                        self.b_grid.append(gi)
                        self.b_comp.append(comp)
                        self.area_rows.append((bid, bname, AreaLevel.building, self.g_id[gi],
                                               None if comp is None else self.c_id[comp]))
                ci += 1

    # -- plan: area party orgs -----------------------------------------------
    def _org(self, kind: OrgKind, name: str, parent: str | None, areas: list[str],
             units: list[str], est: str, comm: int | None, street: int) -> str:
        oid = self.nid("O")
        self.org_rows.append((oid, name, kind, parent, areas, units, est))
        self.org_kind[oid] = kind
        self.org_comm[oid] = comm
        self.org_street[oid] = street
        self.org_est[oid] = est
        return oid

    def plan_area_orgs(self) -> None:
        p, rng = self.p, self.rng
        self.org_rows: list[tuple] = []
        self.org_kind: dict[str, OrgKind] = {}
        self.org_comm: dict[str, int | None] = {}
        self.org_street: dict[str, int] = {}
        self.org_est: dict[str, str] = {}
        self.street_org: list[str] = []
        for s, name in enumerate(self.street_names):
            self.street_org.append(self._org(
                OrgKind.street_committee, f"中共{p.city}{p.districts[self.street_district[s]]}"
                f"{name}工作委员会", None, [self.street_ids[s]], [],
                self.date(_o("1996-01-01"), _o("2012-12-31")), None, s))
        missing = set(rng.sample(range(len(self.comms)), p.communities_without_committee))
        for c in self.comms:
            if c.idx in missing:
                continue
            suffix = rng.choice(("党委", "党委", "党委", "党总支", "党支部"))
            c.org = self._org(OrgKind.community_committee, f"中共{c.name}{suffix}",
                              self.street_org[c.street], [c.id], [],
                              self.date(_o("2000-01-01"), _o("2019-12-31")), c.idx, c.street)

        def pick(spec: int | float, n: int) -> list[int]:
            return sorted(rng.sample(range(n), _exact(rng, spec, n)))

        self.g_branch: list[str | None] = [None] * len(self.g_id)
        for gi in pick(p.grid_branches, len(self.g_id)):
            c = self.comms[self.g_comm[gi]]
            self.g_branch[gi] = self._org(
                OrgKind.grid_branch, f"{self.g_name[gi]}党支部", c.org or self.street_org[c.street],
                [self.g_id[gi]], [], self.date(_o("2016-01-01"), _o("2024-12-31")), c.idx, c.street)
        self.c_branch: list[str | None] = [None] * len(self.c_id)
        for ki in pick(p.compound_branches, len(self.c_id)):
            c = self.comms[self.c_comm[ki]]
            self.c_branch[ki] = self._org(
                OrgKind.compound_branch, f"{self.c_name[ki]}党支部", c.org or self.street_org[c.street],
                [self.c_id[ki]], [], self.date(_o("2017-01-01"), _o("2025-06-30")), c.idx, c.street)
        self.b_group: dict[int, str] = {}
        for bi in pick(p.building_groups, len(self.b_id)):
            gi, comp = self.b_grid[bi], self.b_comp[bi]
            c = self.comms[self.g_comm[gi]]
            parent = (self.g_branch[gi] or (self.c_branch[comp] if comp is not None else None)
                      or c.org or self.street_org[c.street])
            bname = self.b_name[bi]
            self.b_group[bi] = self._org(
                OrgKind.building_group, f"{bname}党小组", parent, [self.b_id[bi]], [],
                self.date(_o("2018-01-01"), _o("2025-12-31")), c.idx, c.street)

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
            b=rng.choice(self.brands), i=rng.choice(N.INDUSTRY), n=N.cn_number(rng.randint(1, 60)))

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

        for c in self.comms:
            if rng.random() < 0.9:
                add(_Unit(self.nid("U"), f"{c.name}居民委员会", UnitKind.residents_committee,
                          c.id, c.idx, False), N.RESIDENTS_STAFF)
            if rng.random() < 0.3:  # a police post: its officers belong to the station's branch
                u = _Unit(self.nid("U"), f"{c.name}警务室", UnitKind.police, c.id, c.idx, True)
                u.no_org = True
                add(u, N.POLICE_POST_STAFF)
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
        # a police station (派出所) per district
        for d, dname in enumerate(self.p.districts):
            s = self.street_district.index(d)
            c = self.comms[self.street_comms[s][0]]
            add(_Unit(self.nid("U"), f"{self.city_short}市公安局{dname}分局"
                      f"{self.street_names[s].removesuffix('街道')}派出所",
                      UnitKind.police, c.id, c.idx, True), N.POLICE_STATION_STAFF)

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
        k = max(0, _exact(rng, p.unit_orgs, len(self.units)) - private_orgs)
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
            elif u.cls == "big_noorg":
                u.nf = rng.randint(3, min(8, cap))
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
            and u.nf + u.npr >= 1 and u.tie >= 1]
        rest.sort(key=lambda u: u.id)
        k_partner = min(len(rest), round(p.regular_partners * len(resident)))
        for u in rng.sample(rest, k_partner):
            u.partner, u.tie = True, max(u.tie, 2)
        self.stats["core_partners"] = sum(1 for u in self.units if u.core)
        self.stats["regular_partners"] = k_partner

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
            n = u.nf + u.npr + u.nret
            suffix = next(s for k, s in _ORG_SUFFIXES if n >= k or k == 3)
            if suffix == "党委" and u.nf + u.npr < 50:  # mostly retirees: a general branch runs it
                suffix = "党总支"
            if u.kind in (UnitKind.agency, UnitKind.institution, UnitKind.state_enterprise):
                parent = self.street_org[c.street] if rng.random() < 0.5 else (c.org or self.street_org[c.street])
            else:
                parent = c.org or self.street_org[c.street]
            u.org = self._org(OrgKind.unit_org, f"中共{u.name}{suffix}", parent, [], [u.id],
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

    # -- write: areas, orgs, units ---------------------------------------------------
    def write_structure(self, sink: _Sink) -> None:
        t = sink.table("areas")
        for r in self.area_rows:
            t.row(*r)
        t.close()
        t = sink.table("party_orgs")
        for r in self.org_rows:
            t.row(*r, *self.org_report.get(r[0], (None, None)))
        t.close()
        t = sink.table("units")
        for u in self.units:
            t.row(u.id, u.name, u.kind, u.area, u.resident, u.serves, u.staff)
        t.close()

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
        for oid, name, kind, *_ in self.org_rows:
            sec = self._holder(oid, 0)
            if sec is None:
                continue
            est = max(_o(self.org_est[oid]), since_lo)
            if rng.random() < 0.12 and est < _o("2023-06-30"):
                former = self._holder(oid, 1)
                if former is not None and former != sec:
                    until = self.date(est + 200, _o("2024-06-30"))
                    t.row(former, oid, Role.secretary, self.date(est, _o(until) - 100), until)
                    t.row(sec, oid, Role.secretary, until, None)
                    continue
            if kind is OrgKind.building_group:
                t.row(sec, oid, Role.group_leader, self.date(est, _o("2025-12-31")), None)
                continue
            t.row(sec, oid, Role.secretary, self.date(est, _o("2025-12-31")), None)
            if kind in (OrgKind.community_committee, OrgKind.street_committee):
                deputy = self._holder(oid, 1)
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
            large = u.kind in LARGE_UNIT_KINDS or u.staff >= LARGE_UNIT_STAFF
            if u.resident and u.workers and large:  # 街道大工委: a seat for some large units
                if self.p.street_part_time is not None:
                    street_optional.append((u.workers[0], self.street_org[c.street]))
                elif u.tie >= 2 and rng.random() < 0.4:
                    t.row(u.workers[0], self.street_org[c.street], Role.part_time_member,
                          self.date(_o("2020-01-01"), _o("2025-10-31")), None)
            if u.cls in ("instructed", "instructed_empty"):
                instructor = self._holder(c.org or self.street_org[c.street], rng.randint(0, 3))
                if instructor is not None:
                    t.row(instructor, u.id, Role.instructor, self.date(_o("2020-01-01"), _o("2026-05-31")), None)
            elif u.cls == "small_gap" and u.kind not in TWO_NEW_KINDS and rng.random() < 0.3:
                instructor = self._holder(c.org or self.street_org[c.street], 0)
                if instructor is not None:  # an instructor who has since left
                    since = self.date(_o("2019-01-01"), _o("2023-12-31"))
                    t.row(instructor, u.id, Role.instructor, since, self.date(_o(since) + 180, _o("2025-12-31")))
        if self.p.community_part_time is not None:
            self._calibrated_seats(t, optional, self.p.community_part_time - seats, "community")
        if self.p.street_part_time is not None:
            self._calibrated_seats(t, street_optional, self.p.street_part_time, "street")
        t.close()

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
        chosen = set(rng.sample(range(len(optional)), k))
        for i, (m, org) in enumerate(optional):
            since = self.date(_o("2019-06-01"), _o("2025-10-31"))
            if i in chosen:
                t.row(m, org, Role.part_time_member, since, None)
            elif rng.random() < 0.05:
                t.row(m, org, Role.part_time_member, since, self.date(_o(since) + 60, _o("2026-03-31")))

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
                if not u.resident or c.weak and u.tie < 2:
                    continue
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
                      for u in c.units if u.resident), None)
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

    # -- stats ---------------------------------------------------------------------------------------
    def collect_stats(self) -> None:
        kinds: dict[str, int] = {k.value: 0 for k in OrgKind}
        for r in self.org_rows:
            kinds[r[2].value] += 1
        self.stats["party_orgs"] = len(self.org_rows)
        self.stats["party_orgs_by_kind"] = kinds
        self.stats["streets"] = len(self.street_ids)
        self.stats["communities"] = len(self.comms)
        self.stats["grids"] = len(self.g_id)
        self.stats["buildings"] = len(self.b_id)
        two_new = [u for u in self.units if u.kind in TWO_NEW_KINDS]
        unc = sum(1 for u in two_new if u.cls == "empty")
        self.stats["two_new_units"] = len(two_new)
        self.stats["two_new_coverage"] = round(1 - unc / max(1, len(two_new)), 4)
        private = [u for u in self.units if u.kind is UnitKind.private_enterprise]
        self.stats["private_org_coverage"] = round(
            sum(1 for u in private if u.org is not None or u.joint is not None) / max(1, len(private)), 4)
        self.stats["units"] = len(self.units)
        self.stats["as_of"] = self.p.as_of

    def run(self, sink: _Sink) -> None:
        self.plan_areas()
        self.plan_area_orgs()
        self.plan_units()
        self.plan_joint_meetings()
        self.plan_unit_orgs()
        self.plan_org_reporting()
        self.plan_reporting()
        self.collect_stats()
        self.write_structure(sink)
        self.write_members(sink)
        self.write_roles(sink)
        self.write_agreements(sink)
        self.write_lists(sink)
        self.write_services(sink)
        self.write_meetings(sink)
        self.write_meeting_members(sink)
        self.write_evaluations(sink)
        self.write_dataset(sink)

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

    def write_dataset(self, sink: _Sink) -> None:
        """The dataset's own row: its reference date (fixed per preset) and a title naming the
        preset (the default series of its snapshots)."""
        t = sink.table("dataset")
        # the preset is part of the name (two presets of one district are two series,
        # ``Dataset.series``); the seed, a period tag, is not
        t.row(self.p.as_of, f"{self.p.city}{'、'.join(self.p.districts)}模拟数据 · 预设 {self.p.name}"
                            f"（种子 {self.seed}）")
        t.close()


def generate(preset: str, out: Path | str, seed: int = 0, fmt: Fmt = "csv") -> GenerateSummary:
    """Write the synthetic dataset ``preset`` to ``out`` and return what was written.

    ``fmt="csv"``: ``out`` is a folder; one ``<table>.csv`` per table (UTF-8, English
    headers and enum values, lists joined with ``;``, ISO dates, ``true``/``false``).
    ``fmt="xlsx"``: ``out`` is the workbook path (``…/name.xlsx``) or a folder that gets
    ``<preset>.xlsx``; one sheet per table, Chinese headers and enum values, date cells.
    """
    if preset not in PRESET_BY_NAME:
        raise ConfigError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    if fmt not in ("csv", "xlsx"):
        raise ConfigError(f"unknown format {fmt!r}; choose csv or xlsx")
    if PRESET_BY_NAME[preset].as_of != DEFAULT_AS_OF:
        raise ConfigError(f"preset {preset}: as_of {PRESET_BY_NAME[preset].as_of} — the generator places "
                          f"its dates relative to {DEFAULT_AS_OF}; set the preset's as_of to it")
    started = time.perf_counter()
    out = Path(out)
    sink = _Sink(out, fmt, preset)
    gen = _Generator(PRESET_BY_NAME[preset], seed)
    gen.run(sink)
    sink.close()
    counts = {t: sink.counts.get(t, 0) for t in TABLE_ORDER}
    return GenerateSummary(preset=preset, seed=seed, fmt=fmt, path=sink.path, counts=counts,
                           seconds=time.perf_counter() - started, stats=gen.stats)
