"""Scale presets of the synthetic generator, calibrated to the figures of the seed documents
(``orgnet/seed_figures.toml``).

An ``int`` count is exact (the seed gives that number); a ``float`` is a share of the
territory it lies in (e.g. ``grid_branches=0.7`` = 70% of grids get a branch).
"""

from __future__ import annotations

from dataclasses import dataclass

from orgnet.synthetic import names as N


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    city: str
    districts: tuple[str, ...]
    streets: int
    communities: int
    #: fixed street names (used first), then generated ones
    street_names: tuple[str, ...] = ()
    #: fixed community names (used first, without 社区)
    community_names: tuple[str, ...] = ()
    grids_per_community: tuple[int, int] = (3, 6)
    buildings_per_grid: tuple[int, int] = (3, 7)
    #: exact total (int) or per-community range (tuple)
    compounds: int | tuple[int, int] = (2, 5)
    #: share of buildings lying in a compound
    building_in_compound: float = 0.8
    #: communities without a community committee (exact)
    communities_without_committee: int = 1
    grid_branches: int | float = 0.7
    compound_branches: float = 0.35
    building_groups: int | float = 0.25
    #: share of compounds a property company serves (exact after rounding)
    property_rate: float = 0.7
    owners_rate: float = 0.7
    units_per_community: tuple[int, int] = (6, 10)
    unit_orgs: int | float = 0.3
    #: current part-time members of the community committees (大党委) and of the street working
    #: committees (大工委): exact counts, or None for tie-driven ones
    community_part_time: int | None = None
    street_part_time: int | None = None
    #: communities whose committee has a current agreement (exact), or None for tie-driven
    communities_with_agreements: int | None = None
    #: streets that run the co-building two-way evaluation (共驻共建责任双向评价, 000): exact or share
    evaluation_streets: int | float = 1.0
    #: unit orgs and joint branches on a street or community joint meeting: exact (int) or share
    joint_meeting_orgs: int | float = 0.8
    #: retired members kept in their former unit's org (agencies, institutions, state enterprises),
    #: per in-service member there; they count in ``members``
    unit_retiree_ratio: float = 0.0
    #: members of the orgs on joint meetings (exact: their retirees are apportioned to reach it), or None
    joint_meeting_members: int | None = None
    #: resident units' own party orgs that reported to their community: exact (int) or share (float)
    orgs_reported: int | float = 0.7
    #: share of private enterprises with an own party org or in a joint branch (非公企业党组织覆盖率)
    private_org_coverage: float = 0.7
    #: share of two-new organizations with party work: members, an org or an instructor
    two_new_coverage: float = 0.82
    members: int = 1000
    #: share of members working at a unit in the territory (in-service)
    in_service_share: float = 0.45
    #: in-service members who reported to a community: exact (int) or share (float)
    reported: int | float = 0.3
    #: streets with a floating-member organization (share)
    floating_orgs: float = 0.7
    #: claimed wishes / posts: exact totals, or None for per-community counts
    services_claimed: tuple[int, int] | None = None
    services_per_community: tuple[int, int] = (4, 10)
    needs_per_community: tuple[int, int] = (3, 8)
    #: share of resident units that are core partners of their community (strong ties)
    core_partners: float = 0.075
    #: share of resident units that are regular partners (an agreement and a committee seat)
    regular_partners: float = 0.1
    #: the dataset's reference date (written to its ``dataset`` table; rules use it by default);
    #: every generated date is placed relative to it
    as_of: str = "2026-06-30"


PRESET_LIST: tuple[Preset, ...] = (
    Preset(
        name="demo",
        description="一个街道 (西关街道): 1 street, 8 communities, a few hundred members; loads in seconds",
        city="潍坊市", districts=("潍城区",), streets=1, communities=8,
        street_names=("西关街道",), community_names=N.WEICHENG_COMMUNITIES,
        grids_per_community=(3, 5), buildings_per_grid=(3, 6), compounds=(2, 4),
        grid_branches=0.65, compound_branches=0.4, building_groups=0.3,
        property_rate=0.6, owners_rate=0.65, units_per_community=(6, 9), unit_orgs=0.15,
        two_new_coverage=0.8, members=460, in_service_share=0.5, reported=0.35,
        floating_orgs=1.0, services_per_community=(4, 8), needs_per_community=(3, 6),
    ),
    Preset(
        name="weicheng",
        description="潍城区 (seed 004): 4 streets, 46 communities, 165 grid branches, "
                    "291 building groups, 217 compounds, 61% with a property company",
        city="潍坊市", districts=("潍城区",), streets=4, communities=46,
        street_names=N.WEICHENG_STREETS, community_names=N.WEICHENG_COMMUNITIES,
        grids_per_community=(3, 6), buildings_per_grid=(3, 6), compounds=217,
        communities_without_committee=2,
        grid_branches=165, compound_branches=0.35, building_groups=291,
        property_rate=0.61, owners_rate=0.7, units_per_community=(8, 14), unit_orgs=0.28,
        two_new_coverage=0.82, members=9200, in_service_share=0.45, reported=0.3,
        floating_orgs=1.0,
    ),
    Preset(
        name="qindu",
        description="秦都区 (seed 003): 9 streets, 81 communities, 85,000 members; joint meetings link "
                    "1,155 unit party orgs and their 45,991 members; 409 building groups, "
                    "5,000+ in-service members reported",
        city="咸阳市", districts=("秦都区",), streets=9, communities=81,
        street_names=N.QINDU_STREETS,
        grids_per_community=(4, 7), buildings_per_grid=(3, 7), compounds=(3, 7),
        communities_without_committee=3,
        grid_branches=0.72, compound_branches=0.3, building_groups=409,
        property_rate=0.68, owners_rate=0.72, units_per_community=(26, 32), unit_orgs=1000, joint_meeting_orgs=1155,
        two_new_coverage=0.83, members=85000, in_service_share=0.45, reported=5236,
        unit_retiree_ratio=0.8, joint_meeting_members=45991,
        floating_orgs=1.0, services_claimed=(4180, 4630), needs_per_community=(4, 10),
        core_partners=0.05,
    ),
    Preset(
        name="city",
        description="成都市 (seed 000): ~100 streets, ~1,000 communities, ~500,000 members "
                    "(130,000 reported to communities), private enterprise org coverage 83.1%",
        city="成都市", districts=N.CHENGDU_DISTRICTS, streets=100, communities=1000,
        grids_per_community=(4, 8), buildings_per_grid=(3, 8), compounds=(2, 6),
        communities_without_committee=15,
        grid_branches=0.39, compound_branches=0.1, building_groups=0.03,
        property_rate=0.66, owners_rate=0.6, units_per_community=(20, 28), unit_orgs=10000,
        orgs_reported=7400, community_part_time=2996, street_part_time=442,
        core_partners=0.04, regular_partners=0.05, communities_with_agreements=955, evaluation_streets=89,
        private_org_coverage=0.831, two_new_coverage=0.9, members=500000, in_service_share=0.5, reported=130000,
        floating_orgs=0.6, services_per_community=(6, 14), needs_per_community=(3, 8),
    ),
)

PRESET_BY_NAME: dict[str, Preset] = {p.name: p for p in PRESET_LIST}

#: preset name → one-line description
PRESETS: dict[str, str] = {p.name: p.description for p in PRESET_LIST}
