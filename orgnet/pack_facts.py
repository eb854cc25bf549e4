"""述职评议 packs: what goes into each secretary's pack, from the catalog.

For each street or community of a snapshot: the organization and its secretary
(``view_pack_heads``), the period (the previous snapshot of the series to this one), each KPI
now, at the previous snapshot and against the 细则's target, the 考核 lines and rank
(:func:`orgnet.assessment.assess`), open gaps by rule now and those closed since the
previous snapshot (:func:`orgnet.queries.changes.diff_snapshots`), overdue 督办 items, the
evaluations the organization received (``view_evaluations_received``), its ties for the map and
the five weakest. Everything is read once for all the entities of a batch, then split.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from orgnet.analysis import assessment as A
from orgnet.queries import catalog

WEAKEST = 5


def _prev(store: Any, graph: str):
    from orgnet.graph.snapshots import list_snapshots, previous, snapshot

    snap = snapshot(store, graph)
    return snap, previous(list_snapshots(store, snap.series), graph)


def _kpis(store, graph, as_of, level, col, street_id, community_id) -> dict[str, list[dict[str, Any]]]:
    from orgnet.queries.kpis import kpi_table

    df = kpi_table(store, as_of=as_of, graph=graph, scopes=(level,), street_id=street_id, community_id=community_id)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in df.to_dict("records"):
        out[r[col]].append(r)
    return out


def _targets(sheet: A.Sheet, level: str) -> dict[str, A.Item]:
    return {i.ref: i for i in sheet.for_level(level) if i.kind == "kpi" and i.scoring == "linear"}


def pack_data(store: Any, graph: str, level: str, *, street_id: str | None = None,
              community_id: str | None = None, sheet: A.Sheet | None = None) -> list[dict[str, Any]]:
    """One pack's facts per street (``level`` street) or community in the scope given."""
    from orgnet.analysis import linkage as lk
    from orgnet.ledger.service import list_records
    from orgnet.assessment import LEVEL_COLUMN, assess, entities
    from orgnet.queries.changes import diff_snapshots
    from orgnet.queries.gaps import count_gaps, rule_catalog
    from orgnet.queries.linkage import linkage_table

    sheet = sheet or A.load_sheet()
    col = LEVEL_COLUMN[level]
    snap, prev = _prev(store, graph)
    as_of = snap.as_of or catalog.as_of_date(None)
    scope = {"street_id": street_id, "community_id": community_id}
    ents = entities(store, level, graph=graph, **scope)
    report = assess(store, level, graph=graph, as_of=as_of, sheet=sheet)  # ranked among all in the account's scope
    scored = {r["id"]: r for r in report["results"]}
    heads = {r[col]: r for r in catalog.run(store, "view_pack_heads", {"as_of": as_of, **scope}, graph=graph)
             if (level == "street") == (r["community_id"] is None)}
    now = _kpis(store, graph, as_of, level, col, street_id, community_id)
    before = _kpis(store, prev.name, prev.as_of or as_of, level, col, street_id, community_id) if prev else {}
    targets = _targets(sheet, level)
    titles = {r["id"]: r["title_zh"] for r in rule_catalog().to_dict("records")}
    open_ = defaultdict(dict)
    for r in count_gaps(store, as_of=as_of, graph=graph, by=(col,), **scope).to_dict("records"):
        if r[col]:
            open_[r[col]][r["rule"]] = int(r["n"])
    closed: dict[str, dict[str, int]] | None = None
    if prev:
        closed = defaultdict(dict)
        for g in diff_snapshots(store, prev.name, graph, history=False, **scope).gaps:
            if g["change"] == "closed" and g.get(col):
                closed[g[col]][g["rule"]] = closed[g[col]].get(g["rule"], 0) + 1
    overdue = defaultdict(list)
    for rec in list_records(store, series=snap.series, overdue=True, today=as_of, **scope):
        if rec[col]:
            overdue[rec[col]].append({"rule": titles.get(rec["rule"], rec["rule"]), "name": rec["name"],
                                      "person": rec["person"], "deadline": rec["deadline"],
                                      "status": rec["status"], "responsible": rec["responsible"]})
    evals = defaultdict(list)
    for r in catalog.run(store, "view_evaluations_received", {"as_of": as_of, **scope}, graph=graph):
        if (level == "street") == (r["community_id"] is None) and r[col]:
            evals[r[col]].append(r)
    pairs = linkage_table(store, as_of=as_of, graph=graph, **scope)
    ties = pairs[pairs["band"].isin(lk.TIE_BANDS)] if len(pairs) else pairs
    out = []
    for e in ents:
        mine = ties[ties[col] == e["id"]] if len(ties) else ties
        out.append({
            "level": level, "entity": e, "graph": graph, "as_of": as_of, "series": snap.series,
            "previous": {"name": prev.name, "as_of": prev.as_of} if prev else None,
            "head": heads.get(e["id"], {}),
            "kpis": _kpi_lines(now.get(e["id"], []), before.get(e["id"], []), targets, bool(prev)),
            "assessment": scored.get(e["id"]), "assessed": len(report["results"]), "sheet": report["sheet"],
            "gaps": _gap_lines(open_.get(e["id"], {}), None if closed is None else closed.get(e["id"], {}), titles),
            "overdue": overdue.get(e["id"], []),
            "evaluations": evals.get(e["id"], []),
            "ties": _tie_rows(mine, level),
        })
    return out


def _kpi_lines(now: list[dict], before: list[dict], targets: dict[str, A.Item], has_prev: bool) -> list[dict]:
    prev = {r["kpi"]: r for r in before}
    lines = []
    for r in now:
        item = targets.get(r["kpi"])
        p = prev.get(r["kpi"])
        lines.append({"kpi": r["kpi"], "title": r["title_zh"], "numerator": r["numerator"],
                      "denominator": r["denominator"], "rate": r["rate"],
                      "target": item.target if item and item.rate else None,
                      "previous": p["rate"] if p else None, "has_previous": has_prev})
    return lines


def _gap_lines(open_: dict[str, int], closed: dict[str, int] | None, titles: dict[str, str]) -> list[dict]:
    rules = [r for r in titles if open_.get(r) or (closed or {}).get(r)]
    return [{"rule": r, "title": titles[r], "open": open_.get(r, 0),
             "closed": None if closed is None else closed.get(r, 0)} for r in rules]


def _tie_rows(df, level: str) -> list[dict[str, Any]]:
    """Each tie with its unit, score and band, and (community level) its weakest items by points."""
    from orgnet.analysis.linkage import CHANNEL_ZH, ITEMS

    rows = []
    for r in df.to_dict("records") if len(df) else []:
        items = {k: r.get(f"pts_{k}") for k in ITEMS if r.get(f"pts_{k}") is not None}
        has = [CHANNEL_ZH.get(k, k) for k, v in items.items() if v]
        rows.append({"unit_id": r["unit_id"], "unit": r["unit"], "community": r.get("community"),
                     "score": float(r["score"]), "band": r["band"],
                     "items": "、".join(has) or "—",
                     "name": r["unit"] if level == "community" else f"{r.get('community')}—{r['unit']}"})
    return sorted(rows, key=lambda x: (x["score"], x["unit_id"]))


__all__ = ["pack_data", "WEAKEST"]
