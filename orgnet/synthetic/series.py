"""A synthetic quarterly series: quarter N+1 derived from quarter N's dataset.

``generate_series(preset, out, quarters=4, seed=0)`` writes ``out/2026Q1`` … one CSV
dataset folder per quarter, each with its reference date in its dataset table (数据集 统计日期) (the
quarter's last day). Quarter 1 is the preset as :func:`orgnet.synthetic.generate`
writes it; every later quarter is the previous one's CSV rows after one quarter of work
(:func:`evolve`), deterministic per (seed, quarter), in plausible proportions so the
district improves:

- closed: about a quarter of the uncovered grids and a fifth of the uncovered buildings
  get a branch / party group, a fifth of the compounds without property management get
  one, a third of the unmanaged floating members join their community's party org, a
  fifth of the unreported in-service members report, a sixth of the resident units without
  an agreement sign one, lapsed agreements are renewed (half) or marked expired (a quarter);
- opened: a few agreements lapse, a few new buildings are finished (no party group yet),
  a few floating members arrive, and from the third quarter a property company leaves one
  or two compounds it took over the quarter before (the gap reopens);
- linkage: new agreements and a few new part-time committee members move pairs up a band,
  lapsed agreements move pairs down.

The rows are read and written as the CSV text the validator reads (the generator's own
internals are not used), so the series follows the input contract whatever the preset.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgnet.errors import ConfigError
from orgnet.model import (
    TABLES, AgreementStatus, AreaLevel, MemberCategory, MemberStatus, OrgKind, Role, Side, UnitKind,
)

Rows = dict[str, list[dict[str, str]]]

#: the first quarter of a series (its reference date is this quarter's last day)
FIRST_QUARTER = (2026, 1)


def quarter_name(year: int, q: int) -> str:
    """``2026Q1``"""
    return f"{year}Q{q}"


def quarter_end(year: int, q: int) -> str:
    """The last day of a quarter. >>> quarter_end(2026, 1)
    '2026-03-31'"""
    month = 3 * q
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).isoformat()


def quarters(n: int, first: tuple[int, int] = FIRST_QUARTER) -> list[tuple[str, str]]:
    """[(name, reference date)] of ``n`` consecutive quarters.

    >>> quarters(2)
    [('2026Q1', '2026-03-31'), ('2026Q2', '2026-06-30')]
    """
    year, q = first
    out = []
    for _ in range(n):
        out.append((quarter_name(year, q), quarter_end(year, q)))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


# ---------------------------------------------------------------------------
# CSV rows in and out
# ---------------------------------------------------------------------------

def read_rows(folder: Path) -> Rows:
    """Every table's rows as dicts of CSV text (absent tables: [])."""
    rows: Rows = {}
    for table in TABLES:
        path = folder / f"{table}.csv"
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows[table] = list(csv.DictReader(f))
        else:
            rows[table] = []
    return rows


def write_rows(rows: Rows, folder: Path, headers: dict[str, list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for table, items in rows.items():
        cols = headers.get(table) or (list(items[0]) if items else [])
        if not cols:
            continue
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows({c: r.get(c, "") for c in cols} for r in items)


def _headers(folder: Path) -> dict[str, list[str]]:
    out = {}
    for table in TABLES:
        path = folder / f"{table}.csv"
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as f:
                out[table] = next(csv.reader(f), [])
    return out


# ---------------------------------------------------------------------------
# one quarter of work
# ---------------------------------------------------------------------------

@dataclass
class Evolution:
    """What one quarter changed (counts per kind of change), for the CLI summary and tests."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: compounds that got property management this quarter (candidates to lose it again)
    property_added: list[str] = field(default_factory=list)


class _Quarter:
    """Indexes over one quarter's rows and the edits of one quarter of work."""

    def __init__(self, rows: Rows, rng: random.Random, as_of: str, start: str):
        self.rows, self.rng, self.as_of, self.start = rows, rng, as_of, start
        self.areas = {a["id"]: a for a in rows["areas"]}
        self.next_ids: dict[str, int] = {}
        self.evo = Evolution()

    # -- helpers ---------------------------------------------------------
    def new_id(self, table: str, prefix: str) -> str:
        if table not in self.next_ids:
            ids = [r["id"] for r in self.rows[table] if r["id"].startswith(prefix)]
            width = max((len(i) - len(prefix) for i in ids), default=6)
            nums = [int(i[len(prefix):]) for i in ids if i[len(prefix):].isdigit()]
            self.next_ids[table] = max(nums, default=0)
            self._width = getattr(self, "_width", {}) | {table: width}
        self.next_ids[table] += 1
        return f"{prefix}{self.next_ids[table]:0{self._width[table]}d}"

    def day(self) -> str:
        a, b = dt.date.fromisoformat(self.start).toordinal(), dt.date.fromisoformat(self.as_of).toordinal()
        return dt.date.fromordinal(self.rng.randint(a, b)).isoformat()

    def sample(self, items: list, share: float, at_least: int = 0) -> list:
        k = min(len(items), max(at_least, round(len(items) * share)))
        return self.rng.sample(items, k) if k else []

    def community_of(self, area_id: str) -> str | None:
        seen = set()
        while area_id and area_id not in seen:
            seen.add(area_id)
            a = self.areas.get(area_id)
            if a is None:
                return None
            if a["level"] == AreaLevel.community.value:
                return area_id
            area_id = a["parent_id"]
        return None

    def orgs_covering(self, kind: OrgKind) -> set[str]:
        return {a for o in self.rows["party_orgs"] if o["kind"] == kind.value
                for a in o["area_ids"].split(";") if a}

    def committee_of(self) -> dict[str, str]:
        """community id → its community committee's id (smallest)."""
        out: dict[str, str] = {}
        for o in sorted(self.rows["party_orgs"], key=lambda o: o["id"]):
            if o["kind"] == OrgKind.community_committee.value:
                for a in o["area_ids"].split(";"):
                    out.setdefault(a, o["id"])
        return out

    def add_org(self, kind: OrgKind, name: str, parent: str, areas: str = "", units: str = "") -> None:
        oid = self.new_id("party_orgs", "O")
        self.rows["party_orgs"].append({"id": oid, "name": name, "kind": kind.value, "parent_id": parent,
                                        "area_ids": areas, "unit_ids": units, "established_on": self.day()})

    # -- closing gaps -----------------------------------------------------
    def cover_areas(self, level: AreaLevel, kind: OrgKind, share: float, suffix: str, key: str) -> None:
        covered, committees = self.orgs_covering(kind), self.committee_of()
        open_ = [a for a in self.rows["areas"] if a["level"] == level.value and a["id"] not in covered]
        for a in self.sample(sorted(open_, key=lambda a: a["id"]), share):
            parent = committees.get(self.community_of(a["id"]) or "")
            if parent:
                self.add_org(kind, f"中共{a['name']}{suffix}", parent, areas=a["id"])
                self.evo.counts[key] += 1

    def add_property(self, share: float) -> None:
        units = self.rows["units"]
        companies = [u for u in units if u["kind"] == UnitKind.property_company.value]
        served = {a for u in companies for a in u["serves_area_ids"].split(";") if a}
        open_ = sorted(a["id"] for a in self.rows["areas"]
                       if a["level"] == AreaLevel.compound.value and a["id"] not in served)
        if not companies:
            return
        by_comm = defaultdict(list)
        for u in companies:
            by_comm[self.community_of(u["area_id"])].append(u)
        for cid in self.sample(open_, share):
            pool = by_comm.get(self.community_of(cid)) or companies
            u = pool[self.rng.randrange(len(pool))]
            u["serves_area_ids"] = ";".join(filter(None, [u["serves_area_ids"], cid]))
            self.evo.property_added.append(cid)
            self.evo.counts["compound_property_added"] += 1

    def drop_property(self, compounds: list[str], k: int) -> None:
        for cid in self.rng.sample(sorted(compounds), min(k, len(compounds))):
            for u in self.rows["units"]:
                ids = [a for a in u["serves_area_ids"].split(";") if a]
                if cid in ids and u["kind"] == UnitKind.property_company.value:
                    u["serves_area_ids"] = ";".join(a for a in ids if a != cid)
            self.evo.counts["compound_property_left"] += 1

    def manage_floating(self, share: float) -> None:
        committees = self.committee_of()
        loose = [m for m in self.rows["members"]
                 if m["category"] == MemberCategory.floating.value and not m["org_id"]]
        for m in self.sample(loose, share):
            org = committees.get(self.community_of(m["home_area_id"]) or "")
            if org:
                m["org_id"] = org
                self.evo.counts["floating_managed"] += 1

    def report_in_service(self, share: float) -> None:
        todo = [m for m in self.rows["members"] if m["category"] == MemberCategory.in_service.value
                and m["home_area_id"] and not m["reported_area_id"]]
        for m in self.sample(todo, share):
            cid = self.community_of(m["home_area_id"])
            if cid:
                m["reported_area_id"], m["reported_on"] = cid, self.day()
                self.evo.counts["members_reported"] += 1

    def _active(self, a: dict[str, str], on: str) -> bool:
        return a["status"] == AgreementStatus.active.value and (not a["expires_on"] or a["expires_on"] >= on)

    def sign_agreements(self, share: float) -> None:
        committees = self.committee_of()
        agreements = {a["id"]: a for a in self.rows["agreements"]}
        bound: set[str] = set()
        org_of_unit = defaultdict(set)
        for o in self.rows["party_orgs"]:
            for u in o["unit_ids"].split(";"):
                if u:
                    org_of_unit[u].add(o["id"])
        for p in self.rows["agreement_parties"]:
            if self._active(agreements[p["agreement_id"]], self.as_of):
                bound.add(p["party_id"])
        todo = [u for u in self.rows["units"] if u["resident"] == "true" and u["id"] not in bound
                and not (org_of_unit[u["id"]] & bound)]
        for u in self.sample(sorted(todo, key=lambda u: u["id"]), share):
            cid = self.community_of(u["area_id"])
            org = committees.get(cid or "")
            if not org:
                continue
            signed = self.day()
            gid = self.new_id("agreements", "G")
            expires = dt.date.fromisoformat(signed).replace(year=int(signed[:4]) + 3).isoformat() \
                if signed[5:] != "02-29" else f"{int(signed[:4]) + 3}-02-28"
            self.rows["agreements"].append({"id": gid, "title": f"{self.areas[cid]['name']}与{u['name']}共驻共建协议",
                                            "signed_on": signed, "expires_on": expires,
                                            "status": AgreementStatus.active.value})
            self.rows["agreement_parties"] += [
                {"agreement_id": gid, "party_id": org, "side": Side.community.value},
                {"agreement_id": gid, "party_id": u["id"], "side": Side.unit.value}]
            self.evo.counts["agreements_signed"] += 1

    def settle_lapsed(self) -> None:
        lapsed = [a for a in self.rows["agreements"] if a["status"] == AgreementStatus.active.value
                  and a["expires_on"] and a["expires_on"] < self.as_of]
        for a in lapsed:
            x = self.rng.random()
            if x < 0.5:
                a["expires_on"] = f"{int(a['expires_on'][:4]) + 3}{a['expires_on'][4:]}".replace("-02-29", "-02-28")
                self.evo.counts["agreements_renewed"] += 1
            elif x < 0.75:
                a["status"] = AgreementStatus.expired.value
                self.evo.counts["agreements_expired"] += 1

    def add_part_time_members(self, k: int) -> None:
        committees = self.committee_of()
        resident = {u["id"]: u for u in self.rows["units"] if u["resident"] == "true"}
        holders = {(r["member_id"], r["target_id"]) for r in self.rows["roles"]
                   if r["role"] == Role.part_time_member.value}
        cands = [m for m in self.rows["members"] if m["unit_id"] in resident
                 and m["status"] == MemberStatus.formal.value]
        for m in self.sample(sorted(cands, key=lambda m: m["id"]), 0, at_least=k):
            org = committees.get(self.community_of(resident[m["unit_id"]]["area_id"]) or "")
            if org and (m["id"], org) not in holders:
                self.rows["roles"].append({"member_id": m["id"], "target_id": org,
                                           "role": Role.part_time_member.value, "since": self.day(), "until": ""})
                self.evo.counts["part_time_members_added"] += 1

    # -- opening gaps ------------------------------------------------------
    def lapse_agreements(self, k: int) -> None:
        """``k`` agreements signed before the quarter expire during it (still marked active)."""
        live = [a for a in self.rows["agreements"] if self._active(a, self.as_of) and a["signed_on"] < self.start]
        last = (dt.date.fromisoformat(self.as_of) - dt.timedelta(days=1)).isoformat()
        for a in self.sample(sorted(live, key=lambda a: a["id"]), 0, at_least=k):
            a["expires_on"] = min(self.day(), last)
            self.evo.counts["agreements_lapsed"] += 1

    def new_buildings(self, k: int) -> None:
        buildings = sorted((a for a in self.rows["areas"] if a["level"] == AreaLevel.building.value),
                           key=lambda a: a["id"])
        for b in self.sample(buildings, 0, at_least=k):
            aid = self.new_id("areas", "A")
            n = sum(1 for a in self.rows["areas"] if a["parent_id"] == b["parent_id"]) + 1
            row = {**b, "id": aid, "name": f"{b['name'].rstrip('0123456789号楼栋幢')}{n}号楼（新建）"}
            self.rows["areas"].append(row)
            self.areas[aid] = row
            self.evo.counts["buildings_added"] += 1

    def new_floating(self, k: int) -> None:
        members = self.rows["members"]
        homes = sorted({m["home_area_id"] for m in members if m["home_area_id"]})
        for _ in range(min(k, len(homes))):
            mid = self.new_id("members", "M")
            template = members[self.rng.randrange(len(members))]
            members.append({**{c: "" for c in template}, "id": mid, "name": template["name"][:1] + "新",
                            "status": MemberStatus.formal.value, "category": MemberCategory.floating.value,
                            "home_area_id": homes[self.rng.randrange(len(homes))],
                            "gender": template.get("gender", ""), "birth_year": template.get("birth_year", "")})
            self.evo.counts["floating_arrived"] += 1


def evolve(rows: Rows, *, seed: int, index: int, start: str, as_of: str,
           previous: Evolution | None = None) -> Evolution:
    """Apply one quarter of work (ending on ``as_of``) to ``rows`` in place.

    ``index``: the quarter's position in the series (1 = the second quarter); ``previous``:
    what the quarter before changed (compounds that got property management may lose it).
    """
    rng = random.Random(f"orgnet-series:{seed}:{index}")
    q = _Quarter(rows, rng, as_of, start)
    q.settle_lapsed()
    q.cover_areas(AreaLevel.grid, OrgKind.grid_branch, 0.25, "网格党支部", "grid_branches_formed")
    q.cover_areas(AreaLevel.building, OrgKind.building_group, 0.2, "党小组", "building_groups_formed")
    q.add_property(0.2)
    q.manage_floating(0.33)
    q.report_in_service(0.2)
    q.sign_agreements(1 / 6)
    q.add_part_time_members(3)
    q.lapse_agreements(2)
    q.new_buildings(2)
    q.new_floating(2)
    if previous is not None and previous.property_added:
        q.drop_property(previous.property_added, 2)
    return q.evo


@dataclass
class SeriesSummary:
    preset: str
    seed: int
    folders: list[tuple[str, str, Path]]  # (name, reference date, folder)
    changes: list[dict[str, int]]  # per quarter after the first


def _date(rows: Rows, name: str, as_of: str) -> None:
    """A quarter's own reference date, in its dataset table (数据集 统计日期)."""
    title = (rows["dataset"][0].get("title", "") if rows.get("dataset") else "").split("（")[0]
    rows["dataset"] = [{"as_of": as_of, "title": f"{title}（{name}）"}]


def generate_series(preset: str, out: Path | str, *, quarters_n: int = 4, seed: int = 0) -> SeriesSummary:
    """Write ``quarters_n`` consecutive quarter datasets of ``preset`` under ``out``."""
    from orgnet.synthetic import generate

    if quarters_n < 1:
        raise ConfigError(f"--quarters {quarters_n}: give 1 or more quarters")
    out = Path(out)
    plan = quarters(quarters_n)
    first = out / plan[0][0]
    if first.exists():
        shutil.rmtree(first)
    generate(preset, first, seed=seed)
    headers = _headers(first)
    rows = read_rows(first)
    _date(rows, plan[0][0], plan[0][1])
    write_rows({"dataset": rows["dataset"]}, first, headers)
    folders, changes, evo = [(plan[0][0], plan[0][1], first)], [], None
    for i, (name, as_of) in enumerate(plan[1:], start=1):
        start = (dt.date.fromisoformat(plan[i - 1][1]) + dt.timedelta(days=1)).isoformat()
        evo = evolve(rows, seed=seed, index=i, start=start, as_of=as_of, previous=evo)
        folder = out / name
        if folder.exists():
            shutil.rmtree(folder)
        _date(rows, name, as_of)
        write_rows(rows, folder, headers)
        folders.append((name, as_of, folder))
        changes.append(dict(evo.counts))
    return SeriesSummary(preset, seed, folders, changes)


__all__ = ["generate_series", "evolve", "quarters", "quarter_end", "quarter_name", "SeriesSummary",
           "read_rows", "write_rows"]
