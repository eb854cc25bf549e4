"""What changed between two snapshots: pure functions over plain rows.

A gap is identified by ``(rule, id)``. Between an OLD and a NEW snapshot a gap is ``new``
(only in NEW), ``closed`` (only in OLD) or ``still_open`` (in both). ``snapshots_open``
counts the consecutive snapshots, ending at NEW (at OLD for a closed gap), in which the
gap was found. The store side (running the rules, KPIs, linkage and entity queries on each
snapshot) is :mod:`orgnet.queries.changes`.

>>> rows = gap_changes([{"rule": "r", "id": "a"}, {"rule": "r", "id": "b"}],
...                    [{"rule": "r", "id": "b"}, {"rule": "r", "id": "c"}])
>>> [(r["id"], r["change"], r["snapshots_open"]) for r in rows]
[('a', 'closed', 1), ('b', 'still_open', 2), ('c', 'new', 1)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from orgnet.analysis.linkage import BANDS

#: the three ways a gap can change between two snapshots, in presentation order
CHANGES: tuple[str, ...] = ("new", "closed", "still_open")

#: columns of a gap-change row
GAP_COLUMNS: tuple[str, ...] = ("rule", "id", "name", "kind", "street_id", "street", "community_id",
                                "community", "change", "snapshots_open")

#: columns of the counts per rule / street / community
COUNT_COLUMNS: tuple[str, ...] = ("new", "closed", "still_open")

ENTITY_KINDS: tuple[str, ...] = ("party_org", "unit", "agreement")

GapKey = tuple[str, str]


def gap_key(row: Mapping[str, Any]) -> GapKey:
    """The identity of a gap: its rule and the id of the node it is about."""
    return (str(row["rule"]), str(row["id"]))


def gap_keys(rows: Iterable[Mapping[str, Any]]) -> set[GapKey]:
    return {gap_key(r) for r in rows}


def streak(history: Sequence[set[GapKey]], key: GapKey) -> int:
    """How many snapshots in a row, counting back from the last of ``history``, hold ``key``."""
    n = 0
    for keys in reversed(history):
        if key not in keys:
            break
        n += 1
    return n


def in_scope(row: Mapping[str, Any], street_id: str | None, community_id: str | None) -> bool:
    """Whether a row lies in the street / community asked for (None = any)."""
    return ((street_id is None or row.get("street_id") == street_id)
            and (community_id is None or row.get("community_id") == community_id))


def gap_changes(old_rows: Iterable[Mapping[str, Any]], new_rows: Iterable[Mapping[str, Any]], *,
                old_history: Sequence[set[GapKey]] | None = None,
                new_history: Sequence[set[GapKey]] | None = None,
                street_id: str | None = None, community_id: str | None = None) -> list[dict[str, Any]]:
    """One row per gap of either snapshot with its ``change`` and ``snapshots_open``.

    ``old_history`` / ``new_history``: the gap keys of every snapshot up to and including OLD
    / NEW, oldest first (default: just the two snapshots). A closed gap keeps OLD's place
    (street, community), the others take NEW's. Sorted by rule, street, community, id.
    """
    old = {gap_key(r): dict(r) for r in old_rows}
    new = {gap_key(r): dict(r) for r in new_rows}
    old_history = list(old_history) if old_history is not None else [set(old)]
    new_history = list(new_history) if new_history is not None else [set(old), set(new)]
    out = []
    for key in old.keys() | new.keys():
        if key in new:
            row, change = new[key], ("still_open" if key in old else "new")
            count = streak(new_history, key)
        else:
            row, change, count = old[key], "closed", streak(old_history, key)
        if not in_scope(row, street_id, community_id):
            continue
        item = {c: row.get(c) for c in GAP_COLUMNS}
        item.update(change=change, snapshots_open=count)
        out.append(item)
    return sorted(out, key=lambda r: (r["rule"], r["street_id"] or "\uffff", r["community_id"] or "\uffff",
                                      r["id"]))


def change_counts(rows: Iterable[Mapping[str, Any]], by: Sequence[str]) -> list[dict[str, Any]]:
    """Gaps new, closed and still open per value of the ``by`` columns (e.g. ``("rule",)``,
    ``("street_id", "street")``), sorted by those columns."""
    counted = Counter((tuple(r.get(c) for c in by), r["change"]) for r in rows)
    keys = sorted({key for key, _ in counted}, key=lambda k: tuple("" if v is None else str(v) for v in k))
    return [{**dict(zip(by, key)), **{k: counted.get((key, k), 0) for k in COUNT_COLUMNS}} for key in keys]


def kpi_deltas(old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """KPI rows (``orgnet.queries.kpis.kpi_table`` records) of both snapshots side by side:
    ``rate_old``, ``rate_new`` and ``delta`` (None when either rate is undefined)."""
    def key(r: Mapping[str, Any]) -> tuple:
        return (r["kpi"], r["scope"], r.get("street_id"), r.get("community_id"))

    before = {key(r): r for r in old}
    out = []
    for r in new:
        b = before.pop(key(r), {})
        out.append(_kpi_row(r, b))
    out += [_kpi_row({**b, "numerator": None, "denominator": None, "rate": None}, b) for b in before.values()]
    return out


def _kpi_row(new: Mapping[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    rate_old, rate_new = old.get("rate"), new.get("rate")
    delta = round(rate_new - rate_old, 4) if rate_old is not None and rate_new is not None else None
    return {"kpi": new["kpi"], "title_zh": new.get("title_zh"), "title_en": new.get("title_en"),
            "scope": new["scope"], "street_id": new.get("street_id"), "street": new.get("street"),
            "community_id": new.get("community_id"), "community": new.get("community"),
            "numerator_old": old.get("numerator"), "denominator_old": old.get("denominator"),
            "rate_old": rate_old, "numerator_new": new.get("numerator"),
            "denominator_new": new.get("denominator"), "rate_new": rate_new, "delta": delta}


#: band order, weakest first (the linkage bands of :mod:`orgnet.analysis.linkage`)
BAND_ORDER: tuple[str, ...] = tuple(reversed(BANDS))


def band_changes(old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Community–unit pairs whose linkage band differs between the snapshots (a pair missing
    on one side counts as band ``none``, score 0); ``direction`` is ``up`` or ``down``."""
    def key(r: Mapping[str, Any]) -> tuple[str, str]:
        return (r["community_id"], r["unit_id"])

    before = {key(r): r for r in old}
    after = {key(r): r for r in new}
    out = []
    for k in before.keys() | after.keys():
        b, a = before.get(k, {}), after.get(k, {})
        band_old, band_new = b.get("band", "none"), a.get("band", "none")
        if band_old == band_new:
            continue
        src = a or b
        out.append({"community_id": k[0], "community": src.get("community"), "street_id": src.get("street_id"),
                    "street": src.get("street"), "unit_id": k[1], "unit": src.get("unit"),
                    "band_old": band_old, "band_new": band_new,
                    "score_old": b.get("score", 0.0), "score_new": a.get("score", 0.0),
                    "direction": "up" if BAND_ORDER.index(band_new) > BAND_ORDER.index(band_old) else "down"})
    return sorted(out, key=lambda r: (r["direction"], r["street_id"] or "", r["community_id"], r["unit_id"]))


def entity_changes(old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Party orgs, units and agreements ``added`` (only in NEW) or ``gone`` (only in OLD)."""
    before = {(r["entity"], r["id"]): r for r in old}
    after = {(r["entity"], r["id"]): r for r in new}
    out = [{**dict(after[k]), "change": "added"} for k in after.keys() - before.keys()]
    out += [{**dict(before[k]), "change": "gone"} for k in before.keys() - after.keys()]
    return sorted(out, key=lambda r: (ENTITY_KINDS.index(r["entity"]) if r["entity"] in ENTITY_KINDS else 9,
                                      r["change"], r["id"]))


def entity_counts(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """{entity kind: {"added": n, "gone": n}} for every kind."""
    out = {k: {"added": 0, "gone": 0} for k in ENTITY_KINDS}
    for r in rows:
        out.setdefault(r["entity"], {"added": 0, "gone": 0})[r["change"]] += 1
    return out


__all__ = ["CHANGES", "GAP_COLUMNS", "gap_key", "gap_keys", "streak", "gap_changes", "change_counts",
           "kpi_deltas", "band_changes", "entity_changes", "entity_counts", "in_scope", "BAND_ORDER"]
