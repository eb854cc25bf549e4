"""Test oracle of the 考核 (the yearly assessment): every item's value per street / community
recomputed from the loaded rows (the KPI, rule and linkage oracles over networkx, the ledger's raw
records), and the 细则's scoring written again from its definition: linear between floor and
target, points per item with a cap, a deduction per gap with a cap; equal totals share a rank.
It never calls orgnet's assessment code."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import oracle as R
import oracle_linkage as O

TIE = ("strong", "medium", "weak")


def entities(g, level: str) -> dict[str, str]:
    """{id: street id} of the streets or communities."""
    if level == "street":
        return {s: s for s in O.nodes(g, "Street")}
    return {c: O.street_of(g, c) for c in O.nodes(g, "Community") if O.street_of(g, c)}


def kpi_value(g, as_of: str, kpi: str, level: str, rate: bool,
              kpi_rows: dict[str, list[dict]] | None = None) -> dict[str, float | None]:
    """``kpi_rows``: ``O.kpi_rows(g, as_of)`` when the caller has it already (it is the same for
    every KPI item, and the slowest part of the oracle)."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in (kpi_rows if kpi_rows is not None else O.kpi_rows(g, as_of))[kpi]:
        key = r["street_id"] if level == "street" else r["community_id"]
        if key:
            acc[key][0] += r["numerator"]
            acc[key][1] += r["denominator"]
    if not rate:
        return {k: n for k, (n, d) in acc.items()}
    return {k: (round(n / d, 4) if d else None) for k, (n, d) in acc.items()}


def rule_count(g, as_of: str, rule: str, level: str) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for r in R.run_rule(g, rule, as_of):
        key = r["street_id"] if level == "street" else r["community_id"]
        if key:
            out[key] += 1
    return out


def scored_pairs(g, as_of: str) -> list[dict]:
    """Every linkage pair with its sheet score and band."""
    pairs = O.linkage_pairs(g, as_of, windows=O.DEFAULT_WINDOWS)
    for p in pairs:
        p["score"], p["band"] = O.sheet_score(p)
    return pairs


def linkage_figure(g, as_of: str, figure: str, level: str, pairs: list[dict] | None = None) -> dict[str, float]:
    """``pairs``: ``scored_pairs(g, as_of)`` when the caller has them already."""
    by: dict[str, list[dict]] = defaultdict(list)
    for p in (pairs if pairs is not None else scored_pairs(g, as_of)):
        by[p["street_id"] if level == "street" else p["community_id"]].append(p)
    out = {}
    for key, ps in by.items():
        tied = [p for p in ps if p["band"] in TIE]
        out[key] = {"tied_units": len({p["unit_id"] for p in tied}),
                    "strong": sum(p["band"] == "strong" for p in ps), "medium": sum(p["band"] == "medium" for p in ps),
                    "weak": sum(p["band"] == "weak" for p in ps),
                    "resident_tied": len({p["unit_id"] for p in tied if p.get("resident")}),
                    "mean_score": round(sum(p["score"] for p in ps) / len(ps), 2),
                    "max_score": max(p["score"] for p in ps)}[figure]
    return out


def followup_value(records: list[dict], figure: str, level: str, as_of: str) -> dict[str, Any]:
    key = "street_id" if level == "street" else "community_id"
    by: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        if r.get(key):
            by[r[key]].append(r)
    if figure == "overdue":
        return {k: sum(1 for r in rs if r.get("deadline") and r["deadline"] < as_of
                       and r["status"] in ("open", "in_progress")) for k, rs in by.items()}
    return {k: round(sum(r["status"] == "closed" for r in rs) / len(rs), 4) for k, rs in by.items()}


def points(item: dict, value: float | None) -> float:
    full = item["points"]
    if item["scoring"] == "linear":
        if value is None or value >= item["target"]:
            return full
        if value <= item["floor"]:
            return 0.0
        return round(full * (value - item["floor"]) / (item["target"] - item["floor"]), 2)
    n = value or 0
    if item["scoring"] == "per_item":
        return min(n * item["per"], full)
    return full - min(n * item["per"], item.get("cap", full))


def assess(g, as_of: str, level: str, items: list[dict], kpi_rates: dict[str, bool],
           records: list[dict] | None = None) -> dict[str, dict[str, Any]]:
    """{entity id: {"values": {item: value}, "points": {item: pts}, "total", "rank"}}."""
    ents = entities(g, level)
    mine = [i for i in items if level in i["levels"]]
    values: dict[str, dict[str, Any]] = {}
    kpis: dict[str, list[dict]] | None = None  # computed once, for the first KPI item
    pairs: list[dict] | None = None  # likewise for the first linkage item
    for it in mine:
        kind, _, ref = it["source"].partition(":")
        if kind == "kpi":
            kpis = O.kpi_rows(g, as_of) if kpis is None else kpis
            v = kpi_value(g, as_of, ref, level, kpi_rates[ref], kpis)
            values[it["id"]] = {e: v.get(e) for e in ents}
        elif kind == "rule":
            v = rule_count(g, as_of, ref, level)
            values[it["id"]] = {e: v.get(e, 0) for e in ents}
        elif kind == "linkage":
            pairs = scored_pairs(g, as_of) if pairs is None else pairs
            v = linkage_figure(g, as_of, ref, level, pairs)
            values[it["id"]] = {e: v.get(e, 0.0) for e in ents}
        else:
            v = followup_value(records or [], ref, level, as_of)
            values[it["id"]] = {e: v.get(e, 0 if ref == "overdue" else None) for e in ents}
    out = {}
    for e in ents:
        pts = {it["id"]: points(it, values[it["id"]][e]) for it in mine}
        out[e] = {"values": {k: values[k][e] for k in values}, "points": pts, "total": round(sum(pts.values()), 2)}
    for e in out:
        out[e]["rank"] = 1 + sum(1 for x in out.values() if x["total"] > out[e]["total"])
    return out
