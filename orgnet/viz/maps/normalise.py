"""Input normalisation: rows (dicts or a DataFrame) into clean node and edge records."""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from orgnet.analysis.linkage import band_midpoints
from orgnet.viz import style as S

Rows = Sequence[Mapping[str, Any]] | Any  # list of dicts or a pandas DataFrame

BAND_RANK = {"strong": 3, "medium": 2, "weak": 1, "potential": 0, "none": 0}


def _records(rows: Rows | None) -> list[dict[str, Any]]:
    if rows is None:
        return []
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        recs = rows.to_dict("records")
    else:
        recs = [dict(r) for r in rows]
    out = []
    for r in recs:
        clean = {}
        for k, v in r.items():
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif v is not None and type(v).__module__ == "numpy":
                v = v.item()  # numpy scalar → python
            clean[str(k)] = v
        out.append(clean)
    return out


def _sid(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v)
    return s if s != "" else None


def _norm_nodes(rows: Rows) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for r in _records(rows):
        nid = _sid(r.get("id"))
        if nid is None or nid in seen:
            continue
        n = dict(r)
        n["id"] = nid
        n["label"] = str(r.get("label") if r.get("label") not in (None, "") else nid)
        n["kind"] = S.resolve_kind(r.get("kind"))
        n["parent"] = _sid(r.get("parent"))
        n["group"] = _sid(r.get("group"))
        n["uncovered"] = bool(r.get("uncovered") or False)
        seen[nid] = n
    return [seen[k] for k in sorted(seen)]


def _norm_edges(rows: Rows, ids: set[str]) -> list[dict[str, Any]]:
    out = []
    for r in _records(rows):
        s, d = _sid(r.get("source")), _sid(r.get("target"))
        if s is None or d is None or s not in ids or d not in ids or s == d:
            continue
        e = dict(r)
        e["source"], e["target"] = s, d
        score = r.get("score")
        e["score"] = float(score) if score is not None else None
        band = r.get("band")
        if band is None and e["score"] is not None:
            band = S.band_for_score(e["score"])
        e["band"] = str(band).lower() if band is not None else None
        e["count"] = int(r.get("count") or 1)
        out.append(e)
    out.sort(key=lambda e: (e["source"], e["target"], str(e.get("type") or ""), str(e.get("label") or "")))
    return out


def _strength(e: Mapping[str, Any]) -> float:
    if e.get("score") is not None:
        return float(e["score"])
    return band_midpoints().get(e.get("band") or "", 1.0)  # the bands of linkage.toml
