"""The generator's working records (a community, a unit) and the proportions it draws units'
party members and organizations from."""

from __future__ import annotations

from orgnet.model import UnitKind


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

_REST_CLASSES = ("big_noorg", "joint", "instructed", "small_gap", "instructed_empty", "empty")
_REST_WEIGHTS = (0.17, 0.2, 0.18, 0.15, 0.1, 0.2)
_P_LOCAL = (0.05, 0.2, 0.4, 0.6)
