"""The generator's working records (a community, a unit) and the proportions it draws units'
party members and organizations from."""

from __future__ import annotations

from orgnet.model import Affiliation, UnitKind


class _Comm:
    __slots__ = ("idx", "id", "name", "street", "org", "grids", "compounds", "buildings",
                 "units", "weak", "residents", "reporters", "n_reporters", "cadence", "rc", "bcum")

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
        #: its residents' committee (居委会): every community has exactly one
        self.rc: _Unit | None = None
        #: cumulative weights of its buildings as homes (a few buildings have hardly any members)
        self.bcum: list[float] = []


class _Unit:
    __slots__ = ("id", "name", "kind", "area", "comm", "resident", "serves", "staff", "cls",
                 "tie", "core", "partner", "org", "joint", "raw", "nf", "npr", "nohome", "quota", "workers",
                 "no_org", "nfb", "nret", "affiliation", "key", "station", "office")

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
        #: 隶属层级 and 重点单位
        self.affiliation: Affiliation = Affiliation.none
        self.key = False
        #: a police post's station (派出所): the post's officers belong to the station's org
        self.station: _Unit | None = None
        #: the street (index) whose 街道办事处 this unit is
        self.office: int | None = None

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
_ORG_WEIGHT = {
    UnitKind.agency: 4.0, UnitKind.institution: 4.0, UnitKind.state_enterprise: 4.0,
    UnitKind.police: 3.0, UnitKind.private_enterprise: 1.5, UnitKind.social_org: 1.0,
    UnitKind.property_company: 1.5, UnitKind.owners_committee: 0.0,
    UnitKind.residents_committee: 0.0, UnitKind.other: 1.0,
}
_GENERAL_KINDS = (UnitKind.agency, UnitKind.institution, UnitKind.state_enterprise,
                  UnitKind.private_enterprise, UnitKind.social_org, UnitKind.other)
_GENERAL_WEIGHTS = (0.09, 0.15, 0.08, 0.45, 0.18, 0.05)

_REST_CLASSES = ("big_noorg", "joint", "instructed", "small_gap", "instructed_empty", "empty")
_REST_WEIGHTS = (0.17, 0.2, 0.18, 0.15, 0.1, 0.2)
_P_LOCAL = (0.05, 0.2, 0.4, 0.6)

#: share of communities with a police post (警务室) of their station (派出所)
P_POLICE_POST = 0.4
#: share of buildings with hardly any members living there (new, commercial or mostly rented),
#: and their weight as a home against an ordinary building's 1
SPARSE_BUILDINGS, SPARSE_WEIGHT = 0.12, 0.03
#: 中省市 key units per street of a district (at least 3 per district); besides them a unit is
#: key (重点单位) from the policy's representative_staff, never for its level alone (a 5-person
#: outlet of a central enterprise is not)
KEY_UNITS_PER_STREET = 1.5
#: street working committee secretaries' ages (街道党工委书记)
STREET_SECRETARY_AGES = (40, 58)
#: community secretaries' ages (社区党组织书记)
COMMUNITY_SECRETARY_AGES = (30, 57)
#: organizations whose term is overdue, and whose term ends within six months (shares)
TERM_OVERDUE, TERM_ENDING = 0.07, 0.08
#: organizations that have outgrown their form by up to this many members and not yet been
#: re-organized (a 党支部 of 51–60, a 党总支 of 100–119): the share that lags
FORM_LAG_MEMBERS, FORM_LAG = 10, 0.3
#: branches whose secretary has left and no successor is in post yet (书记空缺)
SECRETARY_VACANT = 0.02
#: probationary members past their year (预备期满未转正): share of probationary members
PROBATION_OVERDUE = 0.04
#: formal members whose 入党/转正 dates are on file
DATES_ON_FILE = 0.85
