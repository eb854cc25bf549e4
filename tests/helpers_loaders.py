"""Tiny valid datasets for the reader/validator tests, and writers for CSV and xlsx forms.

``good_tables()`` is a small dataset touching every table that validates with zero
rejects; tests copy it, break one thing, write it, and look at the report.
"""

from __future__ import annotations

import csv
import copy
from pathlib import Path
from typing import Any

from orgnet.model import TABLES, ColType
from orgnet.loaders.validate import ValidationResult

GOOD: dict[str, list[dict[str, Any]]] = {
    "areas": [
        {"id": "D1", "name": "成华区", "level": "district"},
        {"id": "S1", "name": "猛追湾街道", "level": "street", "parent_id": "D1"},
        {"id": "C1", "name": "望平社区", "level": "community", "parent_id": "S1"},
        {"id": "C2", "name": "香香巷社区", "level": "community", "parent_id": "S1"},
        {"id": "G1", "name": "望平一网格", "level": "grid", "parent_id": "C1"},
        {"id": "K1", "name": "锦江花园", "level": "compound", "parent_id": "C1"},
        {"id": "K2", "name": "香巷小区", "level": "compound", "parent_id": "C2"},
        {"id": "B1", "name": "1栋", "level": "building", "parent_id": "G1", "compound_id": "K1"},
    ],
    "party_orgs": [
        {"id": "P1", "name": "猛追湾街道党工委", "kind": "street_committee", "area_ids": "S1"},
        {"id": "P2", "name": "望平社区党委", "kind": "community_committee", "parent_id": "P1",
         "area_ids": "C1"},
        {"id": "P3", "name": "区税务局党支部", "kind": "unit_org", "parent_id": "P2",
         "unit_ids": "U1"},
        {"id": "P4", "name": "望平联合党支部", "kind": "joint_branch", "parent_id": "P2",
         "unit_ids": "U2;U3"},
    ],
    "units": [
        {"id": "U1", "name": "区税务局", "kind": "agency", "area_id": "C1", "resident": "yes",
         "staff": "30"},
        {"id": "U2", "name": "蜀味餐饮公司", "kind": "private_enterprise", "area_id": "B1"},
        {"id": "U3", "name": "邻里社工站", "kind": "social_org", "area_id": "C2"},
        {"id": "U4", "name": "锦江物业", "kind": "property_company", "area_id": "C1",
         "serves_area_ids": "K1"},
    ],
    "members": [
        {"id": "M1", "name": "张伟", "status": "formal", "category": "in_service", "org_id": "P3",
         "unit_id": "U1", "home_area_id": "B1", "reported_area_id": "C1",
         "reported_on": "2023-01-02", "gender": "男", "birth_year": "1980"},
        {"id": "M2", "name": "李娜", "status": "probationary", "category": "retired",
         "org_id": "P2", "home_area_id": "C1"},
        {"id": "M3", "name": "王芳", "status": "formal", "category": "floating"},
    ],
    "roles": [
        {"member_id": "M1", "target_id": "P2", "role": "part_time_member", "since": "2022-01-01"},
    ],
    "agreements": [
        {"id": "A1", "title": "望平社区与区税务局共建协议", "signed_on": "2023-01-01",
         "expires_on": "2025-12-31", "status": "active"},
    ],
    "agreement_parties": [
        {"agreement_id": "A1", "party_id": "P2", "side": "community"},
        {"agreement_id": "A1", "party_id": "U1", "side": "unit"},
    ],
    "needs": [{"id": "N1", "area_id": "C1", "category": "助老", "title": "老人助餐",
               "raised_on": "2024-03-01", "status": "open"}],
    "resources": [{"id": "R1", "unit_id": "U1", "category": "志愿", "title": "税务志愿者"}],
    "matches": [{"resource_id": "R1", "need_id": "N1", "matched_on": "2024-03-05"}],
    "services": [{"id": "SV1", "type": "wish", "area_id": "C1", "title": "一台收音机",
                  "posted_on": "2024-02-01", "claimed_by": "M1", "claimed_on": "2024-02-03"}],
    "meetings": [{"id": "MT1", "convener_id": "P2", "level": "community",
                  "held_on": "2024-01-05", "topic": "共建"}],
    "attendance": [{"meeting_id": "MT1", "attendee_id": "U1"}],
}


def good_tables() -> dict[str, list[dict[str, Any]]]:
    """A fresh deep copy of the valid dataset."""
    return copy.deepcopy(GOOD)


def headers(table: str, zh: bool = False) -> list[str]:
    """The table's headers, English or Chinese."""
    return [c.zh if zh else c.name for c in TABLES[table].columns]


def write_csv(folder: Path, tables: dict[str, list[dict[str, Any]]], *, zh: bool = False,
              encoding: str = "utf-8", zh_names: bool = False) -> Path:
    """Write each table as ``<name>.csv`` (or ``<中文名>.csv``) with all its columns."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        cols = [c.name for c in TABLES[table].columns]
        name = TABLES[table].zh if zh_names else table
        with (folder / f"{name}.csv").open("w", encoding=encoding, newline="") as f:
            w = csv.writer(f)
            w.writerow(headers(table, zh))
            for row in rows:
                w.writerow(["" if row.get(c) is None else row.get(c) for c in cols])
    return folder


def write_xlsx(path: Path, tables: dict[str, list[dict[str, Any]]], *, zh: bool = True) -> Path:
    """Write a workbook with one sheet per table (Chinese sheet names and headers by default)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table, rows in tables.items():
        ws = wb.create_sheet(TABLES[table].zh if zh else table)
        cols = [c.name for c in TABLES[table].columns]
        ws.append(headers(table, zh))
        for row in rows:
            ws.append([row.get(c) for c in cols])
    wb.save(path)
    return path


def check_accounting(result: ValidationResult) -> None:
    """read = accepted + rejected per table; every row in exactly one; references resolve."""
    report = result.report.to_dict()
    for table, counts in report["tables"].items():
        assert counts["read"] == counts["accepted"] + counts["rejected"], table
        assert counts["accepted"] == len(result.dataset.tables[table])
        assert counts["rejected"] == len(result.rejected[table])
        accepted_rows = {r["_row"] for r in result.dataset.tables[table]}
        assert not accepted_rows & set(result.rejected[table])
        assert len(accepted_rows | set(result.rejected[table])) == counts["read"]
    assert {(e["table"], e["row"]) for e in report["errors"]} == {
        (t, r) for t, rows in result.rejected.items() for r in rows}
    kinds = {}
    for table, rows in result.dataset.tables.items():
        if TABLES[table].kind:
            kinds.update({r["id"]: (TABLES[table].kind, r.get("level")) for r in rows})
    for table, rows in result.dataset.tables.items():
        for column in TABLES[table].columns:
            if column.type in (ColType.ref, ColType.refs):
                for row in rows:
                    value = row[column.name]
                    for target in value if isinstance(value, list) else [value] if value else []:
                        kind, level = kinds[target]
                        assert any(s in (kind, f"{kind}:{level}") for s in column.targets)
