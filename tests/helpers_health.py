"""A small hand-made district for the organization-health rules (secretaries, sizes,
terms, probation), every boundary
named: written as CSV files and read through the real validator (``health_dataset()``).

Reference date HEALTH_AS_OF = 2026-06-30. Expected gaps (ids) are in HEALTH_EXPECTED; the
comments at each row say why a row is, or is not, a gap.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from helpers_rules import load_dataset_dir
from orgnet.model import Dataset

HEALTH_AS_OF = "2026-06-30"

#: the organization-health rules (and the changed floating rule) in the order of gaps.RULE_ORDER
HEALTH_RULE_IDS = [
    "secretary_vacant", "secretary_not_member", "branch_too_small", "branch_over_50",
    "committee_required", "term_overdue", "probation_overdue", "member_in_group",
    "floating_member_unmanaged",
]
#: the rules checked only on the health dataset (the floating rule is a coverage rule too)
HEALTH_ONLY_RULE_IDS = HEALTH_RULE_IDS[:-1]

AREAS = [
    ("D1", "示范区", "district", ""), ("S1", "东关街道", "street", "D1"), ("S2", "南关街道", "street", "D1"),
    ("C1", "东风社区", "community", "S1"), ("C2", "新华社区", "community", "S1"),
    ("C3", "渭阳社区", "community", "S2"), ("G1", "东风第一网格", "grid", "C1"),
    ("B1", "东风花园1号楼", "building", "G1"),
]

UNITS = [("U1", "城区供电所", "state_enterprise", "C2")]

# id, name, kind, parent, areas, units, established_on, form, elected_on, term_years
ORGS = [
    # committee, 5 years from 2021-06-30: the term ends ON the reference date -> term_overdue
    ("PS1", "东关街道党工委", "street_committee", "", "S1", "", "2010-01-01", "", "2021-06-30", ""),
    # committee (from the name), ends 2026-07-01: not overdue, expiring within 6 months
    ("PC1", "东风社区党委", "community_committee", "PS1", "C1", "", "2012-01-01", "", "2021-07-01", ""),
    # general branch (name) with exactly 100 members in it and below it -> committee_required;
    # its secretary's role ended the day before -> secretary_vacant; no election date, established
    # 2023-01-01 + 5 (community) = 2028: not overdue
    ("PC2", "新华社区党总支", "community_committee", "PS1", "C2", "", "2023-01-01", "", "", ""),
    # general branch with 99 members in and below: not committee_required; its secretary's role
    # ends on the reference date (still in post) and is a member of PB5 below it: not a gap;
    # elected 2022-01-01 + 5 = 2027-01-01: beyond the 6-month horizon (2026-12-30)
    ("PC3", "渭阳社区党总支", "community_committee", "PS1", "C3", "", "2015-01-01", "", "2022-01-01", ""),
    # branch with exactly 3 formal members (+1 probationary): not too small; its secretary is a
    # member of PC1 above it -> secretary_not_member; established 2023-06-30 + 3 = 2026-06-30 -> overdue
    ("PB1", "东风第一网格党支部", "grid_branch", "PC1", "G1", "", "2023-06-30", "", "", ""),
    # branch (form given) of a unit with 2 formal + 2 probationary -> branch_too_small; its
    # secretary has no organization, membership outside -> secretary_not_member;
    # elected 2023-07-01 + 3 = 2026-07-01: expiring
    ("PB2", "供电所党组织", "unit_org", "PC2", "", "U1", "2008-01-01", "branch", "2023-07-01", ""),
    # exactly 50 members: not over 50; no dates at all: not checked by term_overdue
    ("PB3", "新华社区第一党支部", "compound_branch", "PC2", "C2", "", "", "", "", ""),
    # 46 members (PB2 4 + PB3 50 + PB4 46 = PC2's 100); elected 2023-12-30 + 3 = 2026-12-30:
    # the last day of the 6-month horizon -> expiring
    ("PB4", "新华社区第二党支部", "compound_branch", "PC2", "C2", "", "2020-01-01", "", "2023-12-30", ""),
    # 51 members -> branch_over_50; term_years 2 from 2024-06-30 -> ends 2026-06-30 -> overdue
    ("PB5", "渭阳社区第一党支部", "compound_branch", "PC3", "C3", "", "2015-01-01", "", "2024-06-30", "2"),
    # a group (name): not checked by secretary_vacant; its member -> member_in_group; established
    # 2020-01-01 + 3 -> overdue
    ("PG1", "东风花园1号楼党小组", "building_group", "PB1", "B1", "", "2020-01-01", "", "", ""),
    # a floating members' branch that manages F3 where they are; secretary in post
    ("PF", "东关街道流动党员党支部", "floating_org", "PS1", "S1", "", "2025-01-01", "", "", ""),
]

# member id, status, category, org, home, joined_on, managing_org, org_outside
_members: list[tuple] = [
    ("M001", "formal", "retired", "PS1", "C1", "", "", ""),
    ("M002", "formal", "retired", "PC1", "C1", "", "", ""),  # PB1's secretary, filed in PC1 (above)
    ("M003", "formal", "in_service", "PB1", "B1", "", "", ""),
    ("M004", "formal", "in_service", "PB1", "B1", "", "", ""),
    ("M005", "formal", "in_service", "PB1", "B1", "", "", ""),
    # probationary, admitted exactly one year before: due today, not overdue
    ("M006", "probationary", "in_service", "PB1", "B1", "2025-06-30", "", ""),
    # probationary, admitted one year and a day before -> probation_overdue
    ("M007", "probationary", "in_service", "PB2", "C2", "2025-06-29", "", ""),
    # probationary without an admission date: not checked
    ("M008", "probationary", "in_service", "PB2", "C2", "", "", ""),
    ("M009", "formal", "in_service", "PB2", "C2", "2010-01-01", "", ""),
    ("M010", "formal", "in_service", "PB2", "C2", "", "", ""),
    # PB2's secretary: no organization here, membership held outside the district
    ("M011", "formal", "in_service", "", "C2", "", "", "外省某县供电公司党支部"),
    # probationary with no organization, home in C3 -> probation_overdue, placed by home
    ("M012", "probationary", "other", "", "C3", "2024-01-01", "", ""),
    # filed in a group -> member_in_group
    ("M013", "formal", "retired", "PG1", "B1", "", "", ""),
    # floating: nothing recorded -> high; outside, unmanaged -> medium; managed -> no; filed -> no
    ("F001", "formal", "floating", "", "C1", "", "", ""),
    ("F002", "formal", "floating", "", "C3", "", "", "甘肃省天水市某村党支部"),
    ("F003", "formal", "floating", "", "C1", "", "PF", "四川省某镇党委"),
    ("F004", "formal", "floating", "PF", "", "", "", ""),
    ("F005", "formal", "floating", "PF", "C1", "", "", ""),
    ("F006", "formal", "floating", "PF", "C1", "", "", ""),
    ("M014", "formal", "retired", "PC3", "C3", "", "", ""),  # (counted among PC3's 48 own)
]
_members += [(f"N2{i:03d}", "formal", "retired", "PB3", "C2", "", "", "") for i in range(50)]
_members += [(f"N3{i:03d}", "formal", "retired", "PB4", "C2", "", "", "") for i in range(46)]
_members += [(f"N5{i:03d}", "formal", "retired", "PB5", "C3", "", "", "") for i in range(51)]
_members += [(f"N6{i:03d}", "formal", "retired", "PC3", "C3", "", "", "") for i in range(47)]
MEMBERS = _members

# member, org, role, since, until
ROLES = [
    ("M001", "PS1", "secretary", "2021-06-30", ""),
    ("M002", "PC1", "secretary", "2021-07-01", ""),
    ("M002", "PB1", "secretary", "2023-06-30", ""),
    ("N2000", "PC2", "secretary", "2023-01-01", "2026-06-29"),  # ended the day before
    ("N2001", "PC2", "secretary", "2026-07-01", ""),  # starts the day after
    ("M011", "PB2", "secretary", "2023-07-01", ""),
    ("N2002", "PB3", "secretary", "", ""),
    ("N3000", "PB4", "secretary", "2023-12-30", ""),
    ("N5000", "PB5", "secretary", "2024-06-30", ""),
    ("N5001", "PC3", "secretary", "2022-01-01", "2026-06-30"),  # ends on the reference date; member of PB5
    ("F004", "PF", "secretary", "2025-01-01", ""),
]

HEALTH_EXPECTED: dict[str, list[str]] = {
    "secretary_vacant": ["PC2"],
    "secretary_not_member": ["M002", "M011"],
    "branch_too_small": ["PB2"],
    "branch_over_50": ["PB5"],
    "committee_required": ["PC2"],
    "term_overdue": ["PB1", "PB5", "PG1", "PS1"],
    "probation_overdue": ["M007", "M012"],
    "member_in_group": ["M013"],
    "floating_member_unmanaged": ["F001", "F002"],
}
#: the organizations view_term_expiring lists on HEALTH_AS_OF, in its order (by end date)
HEALTH_EXPIRING = ["PC1", "PB2", "PB4"]


def _write(folder: Path, name: str, header: list[str], rows: list[tuple]) -> None:
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def write_health(folder: Path) -> Path:
    """The district's CSV files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, "areas", ["id", "name", "level", "parent_id"], AREAS)
    _write(folder, "units", ["id", "name", "kind", "area_id"], UNITS)
    _write(folder, "party_orgs", ["id", "name", "kind", "parent_id", "area_ids", "unit_ids", "established_on",
                                  "form", "elected_on", "term_years"], ORGS)
    _write(folder, "members", ["id", "name", "status", "category", "org_id", "home_area_id", "joined_on",
                               "managing_org_id", "org_outside"],
           [(m[0], f"党员{m[0]}", *m[1:]) for m in MEMBERS])
    _write(folder, "roles", ["member_id", "target_id", "role", "since", "until"],
           ROLES)
    return folder


def health_dataset() -> Dataset:
    """The hand-made district, validated (no rejects)."""
    folder = Path(tempfile.mkdtemp(prefix="orgnet-health-"))
    try:
        return load_dataset_dir(write_health(folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
