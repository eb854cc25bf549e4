"""What changed between two snapshots, read from a store.

Each snapshot is evaluated at its own reference date: the rules (``gaps.gap_records``), the
KPIs (``kpis.kpi_table``), the linkage index (``linkage.linkage_table``) and its orgs, units
and agreements (catalog view ``snapshot_entities``), all through the one catalog runner and
narrowed by the usual ``street_id`` / ``community_id``. The comparison itself is pure
(:mod:`orgnet.analysis.changes`).

    >>> report = diff_snapshots(store, "2026Q1", "2026Q2", street_id="S01")   # doctest: +SKIP
"""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgnet.analysis import changes as ch
from orgnet.graph.snapshots import Snapshot, check_same_series, list_snapshots, snapshot, sort_key
from orgnet.frames import records as _records
from orgnet.queries import catalog
from orgnet.queries.reads import view_params

#: what :func:`snapshot_facts` can collect
PARTS: tuple[str, ...] = ("gaps", "kpis", "linkage", "entities")

_LINK_FIELDS = ("community_id", "community", "street_id", "street", "unit_id", "unit", "score", "band")


@dataclass
class SnapshotFacts:
    """Plain rows of one snapshot at its reference date (what a diff compares)."""

    name: str
    as_of: str
    gaps: list[dict[str, Any]] = field(default_factory=list)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    linkage: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)


def snapshot_facts(store: Any, graph: str, *, as_of: str | None = None, street_id: str | None = None,
                   community_id: str | None = None, parts: tuple[str, ...] = PARTS) -> SnapshotFacts:
    """Collect ``parts`` of one snapshot, evaluated at ``as_of`` (default: its reference date)."""
    from orgnet.queries.gaps import gap_records
    from orgnet.queries.kpis import kpi_table
    from orgnet.queries.linkage import linkage_table

    as_of = catalog.snapshot_date(as_of=as_of) if as_of else catalog.snapshot_date(snapshot(store, graph))
    scope = {"street_id": street_id, "community_id": community_id}
    facts = SnapshotFacts(name=graph, as_of=as_of)
    if "gaps" in parts:
        facts.gaps = gap_records(store, as_of=as_of, graph=graph, **scope)
    if "kpis" in parts:
        facts.kpis = _records(kpi_table(store, as_of=as_of, graph=graph, **scope))
    if "linkage" in parts:
        facts.linkage = _records(linkage_table(store, as_of=as_of, graph=graph, **scope), _LINK_FIELDS)
    if "entities" in parts:
        facts.entities = catalog.run(store, "snapshot_entities", view_params("snapshot_entities", as_of, **scope),
                                     graph=graph)
    return facts


@dataclass
class DiffReport:
    """Everything ``orgnet diff`` and the 变化 page show."""

    old: dict[str, Any]
    new: dict[str, Any]
    gaps: list[dict[str, Any]]
    by_rule: list[dict[str, Any]]
    by_street: list[dict[str, Any]]
    by_community: list[dict[str, Any]]
    kpis: list[dict[str, Any]]
    linkage: list[dict[str, Any]]
    entities: list[dict[str, Any]]
    entity_counts: dict[str, dict[str, int]]
    scope: dict[str, str | None]

    def totals(self) -> dict[str, int]:
        return {c: sum(1 for r in self.gaps if r["change"] == c) for c in ch.CHANGES}

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "scope": self.scope, "totals": self.totals(),
                "by_rule": self.by_rule, "by_street": self.by_street, "by_community": self.by_community,
                "kpis": self.kpis, "linkage": self.linkage, "entity_counts": self.entity_counts,
                "entities": self.entities, "gaps": self.gaps}


def compare(old: SnapshotFacts, new: SnapshotFacts, *, old_history: list[set] | None = None,
            new_history: list[set] | None = None, street_id: str | None = None,
            community_id: str | None = None) -> DiffReport:
    """The diff of two snapshots' facts (pure; histories as in :func:`ch.gap_changes`)."""
    gaps = ch.gap_changes(old.gaps, new.gaps, old_history=old_history, new_history=new_history,
                          street_id=street_id, community_id=community_id)
    return DiffReport(
        old={"name": old.name, "as_of": old.as_of}, new={"name": new.name, "as_of": new.as_of},
        gaps=gaps, by_rule=ch.change_counts(gaps, ("rule",)),
        by_street=ch.change_counts(gaps, ("street_id", "street")),
        by_community=ch.change_counts(gaps, ("street_id", "community_id", "community")),
        kpis=ch.kpi_deltas(old.kpis, new.kpis), linkage=ch.band_changes(old.linkage, new.linkage),
        entities=(ents := ch.entity_changes(old.entities, new.entities)),
        entity_counts=ch.entity_counts(ents), scope={"street_id": street_id, "community_id": community_id})


def gap_history(store: Any, snaps: list[Snapshot], *, street_id: str | None = None,
                community_id: str | None = None) -> list[set[ch.GapKey]]:
    """The gap keys of each snapshot in ``snaps`` (each at its own reference date)."""
    return [ch.gap_keys(snapshot_facts(store, s.name, as_of=s.as_of, street_id=street_id,
                                       community_id=community_id, parts=("gaps",)).gaps) for s in snaps]


def diff_snapshots(store: Any, old: str, new: str, *, street_id: str | None = None,
                   community_id: str | None = None, history: bool = True,
                   series: list[str] | None = None) -> DiffReport:
    """Compare snapshot ``old`` with ``new`` (each at its own reference date).

    Both must belong to one series (InputError naming both otherwise, ``check_same_series``).
    ``history``: count ``snapshots_open`` over the snapshots dated before ``old`` too —
    those named in ``series``, or every snapshot of their series; False counts only these two.
    """
    scope = {"street_id": street_id, "community_id": community_id}
    old_snap, new_snap = snapshot(store, old), snapshot(store, new)
    check_same_series(old_snap, new_snap)
    with ThreadPoolExecutor(max_workers=2) as pool:  # the two snapshots are read side by side
        # each in a copy of this context (``stored.live()`` holds in the threads too)
        old_job = pool.submit(contextvars.copy_context().run, snapshot_facts, store, old, as_of=old_snap.as_of,
                              **scope)
        new_job = pool.submit(contextvars.copy_context().run, snapshot_facts, store, new, as_of=new_snap.as_of,
                              **scope)
        old_facts, new_facts = old_job.result(), new_job.result()
    old_keys, new_keys = ch.gap_keys(old_facts.gaps), ch.gap_keys(new_facts.gaps)
    earlier: list[set] = []
    between: list[set] = []
    if history:
        snaps = [s for s in list_snapshots(store, old_snap.series) if (series is None or s.name in series)
                 and s.name not in (old, new)]
        earlier = gap_history(store, [s for s in snaps if sort_key(s) < sort_key(old_snap)], **scope)
        between = gap_history(store, [s for s in snaps if sort_key(old_snap) < sort_key(s) < sort_key(new_snap)],
                              **scope)
    return compare(old_facts, new_facts, old_history=earlier + [old_keys],
                   new_history=earlier + [old_keys] + between + [new_keys], **scope)


# ---------------------------------------------------------------------------
# presentation: flat tables and the Excel workbook
# ---------------------------------------------------------------------------

def summary_row(report: DiffReport, lang: str = "zh") -> tuple[list[str], list]:
    """The headers and the one row of the workbook's summary sheet: both snapshots and the totals."""
    from orgnet.i18n import t

    tot = report.totals()
    heads = [t("changes.snapshot_old", lang), t("changes.snapshot_new", lang)] + [t(f"changes.{c}", lang) for c in ch.CHANGES]
    return heads, [f"{report.old['name']} ({report.old['as_of']})", f"{report.new['name']} ({report.new['as_of']})",
                   *(tot[c] for c in ch.CHANGES)]


def write_workbook(sheets: list[tuple[str, list[str], Any]], path: str | Path) -> Path:
    """An Excel workbook of (sheet title, headers, rows) sheets (formula-safe cells, a filter
    on every header)."""
    from openpyxl import Workbook

    from orgnet.queries.gaps import _write_sheet

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows in sheets:
        _write_sheet(wb.create_sheet(title[:31]), headers or ["-"], rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def export_xlsx(report: DiffReport, path: str | Path) -> Path:
    """An Excel workbook of the diff with its codes (``orgnet diff --format xlsx``): 汇总, 缺口变化,
    按规则, 按街道, 按社区, 指标变化, 联建强度变化, 组织单位协议增减. The 变化 page writes the
    tables as it shows them instead (names, not codes)."""
    from orgnet.i18n import t

    heads, row = summary_row(report)
    sheets = [(t("changes.sheet_summary", "zh"), heads, [row])]
    for key, rows in (("sheet_gaps", report.gaps), ("sheet_rules", report.by_rule),
                      ("sheet_streets", report.by_street), ("sheet_communities", report.by_community),
                      ("sheet_kpis", report.kpis), ("sheet_linkage", report.linkage),
                      ("sheet_entities", report.entities)):
        cols = list(rows[0]) if rows else ["-"]
        sheets.append((t(f"changes.{key}", "zh"), cols, ([r.get(c) for c in cols] for r in rows)))
    return write_workbook(sheets, path)


__all__ = ["summary_row", "write_workbook", "SnapshotFacts", "DiffReport", "snapshot_facts", "compare", "diff_snapshots", "gap_history",
           "export_xlsx", "PARTS"]
