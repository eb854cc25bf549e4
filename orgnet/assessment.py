"""考核: gather each item's value from the catalog and score it per street or community.

Every value is a figure orgnet already computes, never a second definition: a KPI's rate (or
count) from :func:`orgnet.queries.kpis.kpi_table`, a rule's open gaps from
:func:`orgnet.queries.gaps.count_gaps`, a linkage figure from the street / community summary
of :func:`orgnet.queries.linkage.linkage_table`, and the follow-up ledger's records of the
snapshot's series (closure rate: 已销号 among them; overdue: past their deadline on the
snapshot's date, as ``orgnet followup list --overdue``). Scoring is
:mod:`orgnet.analysis.assessment`. The store may be an account's scoped store: every read
goes through the catalog runner and the ledger's scoped reads.
"""

from __future__ import annotations

from typing import Any

from orgnet.analysis import assessment as A
from orgnet.errors import InputError
from orgnet.queries import catalog

LEVEL_COLUMN = {"street": "street_id", "community": "community_id"}


def entities(store: Any, level: str, *, street_id: str | None = None, community_id: str | None = None,
             graph: str | None = None) -> list[dict[str, Any]]:
    """The streets or communities assessed (``id``, ``name``, ``street_id``, ``street``) in scope."""
    if level not in A.LEVELS:
        raise InputError(f"考核层级应为 street 或 community / level must be street or community, not {level!r}")
    out: dict[str, dict[str, Any]] = {}
    for r in catalog.run(store, "view_streets", {}, graph=graph):
        if (street_id and r["street_id"] != street_id) or (community_id and r["community_id"] != community_id):
            continue
        if level == "street":
            out.setdefault(r["street_id"], {"id": r["street_id"], "name": r["street"],
                                            "street_id": r["street_id"], "street": r["street"]})
        elif r["community_id"]:
            out[r["community_id"]] = {"id": r["community_id"], "name": r["community"],
                                      "street_id": r["street_id"], "street": r["street"]}
    return sorted(out.values(), key=lambda e: e["id"])


def _kpi_values(store, items, level, col, kw) -> dict[str, dict[str, Any]]:
    from orgnet.queries.kpis import kpi_table

    wanted = sorted({i.ref for i in items if i.kind == "kpi"})
    if not wanted:
        return {}
    df = kpi_table(store, scopes=(level,), kpis=wanted, **kw)
    by_kpi: dict[str, dict[str, Any]] = {}
    for r in df.to_dict("records"):
        by_kpi.setdefault(r["kpi"], {})[r[col]] = r
    out = {}
    for i in items:
        if i.kind == "kpi":
            rows = by_kpi.get(i.ref, {})
            out[i.id] = {k: (r["rate"] if i.rate else r["numerator"]) for k, r in rows.items()}
    return out


def _rule_values(store, items, col, kw) -> dict[str, dict[str, Any]]:
    from orgnet.queries.gaps import count_gaps

    wanted = sorted({i.ref for i in items if i.kind == "rule"})
    if not wanted:
        return {}
    counts = count_gaps(store, wanted, by=(col,), **kw)
    per: dict[str, dict[str, int]] = {}
    for r in counts.to_dict("records"):
        if r[col] is not None:
            per.setdefault(r["rule"], {})[r[col]] = per.get(r["rule"], {}).get(r[col], 0) + int(r["n"])
    return {i.id: per.get(i.ref, {}) for i in items if i.kind == "rule"}


def linkage_figures(scored: Any, col: str) -> dict[str, dict[str, float]]:
    """{street or community id: the LINKAGE_FIGURES} of the scored pairs, as the linkage
    summaries count them (tied units: distinct units of strong/medium/weak pairs; band counts
    are pairs; mean/max over every pair). The summaries' own functions (analysis.linkage
    street_summary / community_summary) fail on the trial base: their name column ``street``
    collides with the score sheet's ``street`` item; switch back once that is fixed."""
    from orgnet.analysis import linkage as lk

    out: dict[str, dict[str, float]] = {}
    if scored is None or not len(scored):
        return out
    for key, df in scored.dropna(subset=[col]).groupby(col):
        tied = df[df["band"].isin(lk.TIE_BANDS)]
        res = tied[tied["resident"].fillna(False).astype(bool)] if "resident" in tied else tied.iloc[0:0]
        out[key] = {"tied_units": float(tied["unit_id"].nunique()),
                    **{b: float((df["band"] == b).sum()) for b in ("strong", "medium", "weak")},
                    "resident_tied": float(res["unit_id"].nunique()),
                    "mean_score": round(float(df["score"].mean()), 2), "max_score": float(df["score"].max())}
    return out


def _linkage_values(store, items, col, kw, ids) -> dict[str, dict[str, Any]]:
    from orgnet.queries.linkage import linkage_table

    if not any(i.kind == "linkage" for i in items):
        return {}
    rows = linkage_figures(linkage_table(store, **kw), col)
    return {i.id: {e: rows[e][i.ref] if e in rows else 0.0 for e in ids} for i in items if i.kind == "linkage"}


def followup_figures(store: Any, level: str, *, series: str, as_of: str, street_id: str | None = None,
                     community_id: str | None = None) -> dict[str, dict[str, Any]]:
    """{entity id: {records, closed, closure_rate, overdue}} from the ledger's records of ``series``."""
    from orgnet.ledger.model import FollowUpStatus
    from orgnet.ledger.service import list_records

    col = LEVEL_COLUMN[level]
    out: dict[str, dict[str, Any]] = {}
    for rec in list_records(store, street_id=street_id, community_id=community_id, series=series):
        key = rec[col]
        if not key:
            continue
        f = out.setdefault(key, {"records": 0, "closed": 0, "overdue": 0})
        f["records"] += 1
        f["closed"] += rec["status"] == FollowUpStatus.closed.value
        f["overdue"] += rec.overdue(as_of)
    for f in out.values():
        f["closure_rate"] = round(f["closed"] / f["records"], 4) if f["records"] else None
    return out


def item_values(store: Any, sheet: A.Sheet, level: str, ids: list[str], *, as_of: str, graph: str | None,
                series: str, street_id: str | None = None, community_id: str | None = None) -> dict[str, dict[str, Any]]:
    """``{item id: {entity id: value}}`` for the items of ``level``."""
    items = sheet.for_level(level)
    col = LEVEL_COLUMN[level]
    kw = {"as_of": as_of, "street_id": street_id, "community_id": community_id, "graph": graph}
    values = {**_kpi_values(store, items, level, col, kw), **_rule_values(store, items, col, kw),
              **_linkage_values(store, items, col, kw, ids)}
    if any(i.kind == "followup" for i in items):
        fig = followup_figures(store, level, series=series, as_of=as_of, street_id=street_id,
                               community_id=community_id)
        for i in items:
            if i.kind == "followup":
                values[i.id] = {e: fig[e][i.ref] if e in fig else (None if i.ref == "closure_rate" else 0)
                                for e in ids}
    for i in items:  # a rule with no gap in an entity counts 0 there
        if i.kind == "rule":
            values[i.id] = {e: values[i.id].get(e, 0) for e in ids}
    return values


def _score_snapshot(store, sheet, level, graph, as_of, series, street_id, community_id) -> list[dict[str, Any]]:
    ents = entities(store, level, street_id=street_id, community_id=community_id, graph=graph)
    ids = [e["id"] for e in ents]
    values = item_values(store, sheet, level, ids, as_of=as_of, graph=graph, series=series,
                         street_id=street_id, community_id=community_id)
    return A.score_entities(sheet, level, ents, values)


def assess(store: Any, level: str, *, graph: str, as_of: str | None = None, sheet: A.Sheet | None = None,
           street_id: str | None = None, community_id: str | None = None,
           compare: bool = True) -> dict[str, Any]:
    """Scores and ranking of every street or community of ``graph`` (in scope): ``results`` best
    first, each with ``lines`` (item, value, points, reason), ``total``, ``rank`` and the change
    of rank since the previous snapshot of the same series (scored on its own date)."""
    from orgnet.graph.load import graph_info
    from orgnet.graph.snapshots import list_snapshots, previous, snapshot

    sheet = sheet or A.load_sheet()
    info = graph_info(store, graph)
    as_of = catalog.snapshot_date(info, as_of)
    series = snapshot(store, graph).series if info else ""
    results = _score_snapshot(store, sheet, level, graph, as_of, series, street_id, community_id)
    prev = previous(list_snapshots(store, series), graph) if (compare and info) else None
    before = (_score_snapshot(store, sheet, level, prev.name, prev.as_of or as_of, series, street_id, community_id)
              if prev else None)
    A.with_rank_change(results, before)
    return {"level": level, "graph": graph, "as_of": as_of, "series": series, "sheet": sheet.title,
            "sheet_path": sheet.path, "total": sheet.total, "previous": prev.name if prev else None,
            "results": results}


def flat_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per entity and item (the 考核表 as a table)."""
    return [{"rank": r["rank"], "rank_change": r["rank_change"], "id": r["id"], "name": r["name"],
             "street": r["street"], "total": r["total"], "item": ln["item"], "title": ln["title"],
             "value": ln["shown"], "points": ln["points"], "max": ln["max"], "reason": ln["reason"]}
            for r in report["results"] for ln in r["lines"]]


__all__ = ["assess", "entities", "item_values", "followup_figures", "linkage_figures", "flat_rows", "LEVEL_COLUMN"]
