"""Network maps as self-contained, offline HTML (pyvis / vis-network).

Inputs are plain rows (list of dicts or a pandas DataFrame); no database code here.

Node row::

    id        str | int   required, unique
    label     str         shown under the node (default: id); long labels are wrapped
    kind      str         style kind (see orgnet.viz.style: "Community", "grid_branch",
                          "Unit", "private_enterprise", "Member", …)
    title     dict | str  tooltip: {"类型": "...", "党员": 12} → one "key：value" line each
    parent    str         id this node is aggregated under when the map is too big
                          (a unit's community; a tree node's parent — required for trees)
    group     str         ordering group (e.g. the street of a community in a linkage map)
    uncovered bool        territory no organization covers → drawn red
    hub       bool        bipartite layout: force this node to be (or not be) a hub;
                          default hubs = areas and street/community committees
    weight    float       importance when over ``max_nodes`` (default: strongest tie score)

Edge row::

    source, target  ids   required (edges to unknown nodes are dropped)
    band      str         "strong" | "medium" | "weak" | "none" → width + colour (a linkage
                          map never draws a "potential" pair: it is no tie)
    score     float       linkage score 0–100 (band derived from it when band is missing)
    label     str         optional text on the edge
    title     dict | str  tooltip

Every string goes into the page through ``json.dumps`` (with ``<``, ``>``, ``&`` escaped)
or ``html.escape``; tooltips are plain text (vis-network sets them with ``innerText``).
The HTML inlines vis-network and requests nothing from anywhere.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from orgnet.analysis.linkage import TIE_BANDS, band_label, band_midpoints
from orgnet.i18n import _norm_lang, t
from orgnet.viz import style as S
from orgnet.viz.offline import vis_css, vis_js

Rows = Sequence[Mapping[str, Any]] | Any  # list of dicts or a pandas DataFrame

BAND_RANK = {"strong": 3, "medium": 2, "weak": 1, "potential": 0, "none": 0}

#: the smallest on-screen label size (px, font size × zoom) a fitted map keeps: at a desk,
#: and in meeting mode (projected: unit labels, community labels)
DESK_LABEL_PX = 12.0
MEETING_LABEL_PX = 14.0
MEETING_HUB_PX = 18.0

__all__ = [
    "network_html", "org_tree_html", "linkage_map_html", "standalone_html",
    "build_network", "legend_entries", "legend_html", "prepare",
]


# ---------------------------------------------------------------------------
# input normalisation
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# the cap: at most max_nodes drawn, the rest aggregated per parent
# ---------------------------------------------------------------------------


def _summary_node(parent: str | None, kind: str, members: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    n = sum(int(x.get("_count", 1)) for x in members)
    names = []
    for x in members:
        names.extend(x.get("_names") or [x["label"]])
    kind_pl = S.kind_name(kind, lang, plural=True)
    sep = "、" if _norm_lang(lang) == "zh" else ", "
    shown = names[:10]
    tip = t("map.more_tooltip", lang, n=n, kind=kind_pl) + "\n" + sep.join(shown)
    if len(names) > 10:
        tip += (" " if _norm_lang(lang) == "en" else "") + t("map.more_etc", lang)
    return {
        "id": f"__more__/{parent or ''}/{kind}",
        "label": t("map.more", lang, n=n, kind=kind_pl),
        "kind": kind,
        "parent": parent,
        "group": None,
        "uncovered": False,
        "_summary": True,
        "_count": n,
        "_names": names,
        "_tip": tip,
    }


def _remap_edges(edges: list[dict[str, Any]], alias: dict[str, str], keep: set[str],
                 parent_only: dict[str, str | None] | None = None) -> list[dict[str, Any]]:
    """Point edges of folded nodes at their summary node and merge duplicates.

    ``parent_only``: summary id → its parent; a summary then keeps only its tie to that
    parent (hidden units' ties elsewhere would only clutter the picture).
    """
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    order: list[tuple[str, str]] = []
    for e in edges:
        s, d = alias.get(e["source"], e["source"]), alias.get(e["target"], e["target"])
        if s == d or s not in keep or d not in keep:
            continue
        if parent_only is not None and (
                (s in parent_only and parent_only[s] != d) or (d in parent_only and parent_only[d] != s)):
            continue
        touched = s != e["source"] or d != e["target"]
        key = (s, d) if not touched else tuple(sorted((s, d)))
        cur = merged.get(key)
        if cur is None:
            ne = dict(e)
            ne["source"], ne["target"] = key if touched else (s, d)
            ne["_summary"] = touched
            if touched:
                ne.pop("label", None)
                ne.pop("title", None)
            merged[key] = ne
            order.append(key)
        else:
            cur["count"] = cur.get("count", 1) + e.get("count", 1)
            if BAND_RANK.get(e.get("band") or "", -1) > BAND_RANK.get(cur.get("band") or "", -1):
                cur["band"] = e.get("band")
            if e.get("score") is not None and (cur.get("score") is None or e["score"] > cur["score"]):
                cur["score"] = e["score"]
            cur["_summary"] = True
            cur.pop("label", None)
            cur.pop("title", None)
    out = [merged[k] for k in order]
    out.sort(key=lambda e: (e["source"], e["target"], str(e.get("type") or "")))
    return out


def _cap_flat(nodes, edges, max_nodes, lang):
    if len(nodes) <= max_nodes:
        return nodes, edges, 0
    ids = {n["id"] for n in nodes}
    best: dict[str, float] = defaultdict(float)
    degree: dict[str, int] = defaultdict(int)
    for e in edges:
        for a in (e["source"], e["target"]):
            best[a] = max(best[a], _strength(e))
            degree[a] += 1
    pinned = [n for n in nodes if not n["parent"] or n["parent"] not in ids]
    cands = [n for n in nodes if n["parent"] and n["parent"] in ids]
    if len(pinned) >= max_nodes:  # even the anchors are too many: everything may go
        cands = nodes
        pinned = []

    def weight(n):
        w = n.get("weight")
        return float(w) if w is not None else best[n["id"]]

    cands = sorted(cands, key=lambda n: (-weight(n), -degree[n["id"]], n["label"], n["id"]))
    cand_ids = {n["id"] for n in cands}
    gkey = [((n["parent"] if n["parent"] not in cand_ids else None), n["kind"]) for n in cands]
    # groups_from[i] = number of distinct groups among cands[i:]
    groups_from = [0] * (len(cands) + 1)
    seen: set = set()
    for i in range(len(cands) - 1, -1, -1):
        seen.add(gkey[i])
        groups_from[i] = len(seen)
    k = min(len(cands), max(0, max_nodes - len(pinned)))
    while k > 0 and len(pinned) + k + groups_from[k] > max_nodes:
        k -= 1
    kept = pinned + cands[:k]
    buckets: dict[tuple, list] = defaultdict(list)
    for n, g in zip(cands[k:], gkey[k:]):
        buckets[g].append(n)
    alias: dict[str, str] = {}
    summaries = []
    for (parent, kind), members in sorted(buckets.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        sn = _summary_node(parent, kind, members, lang)
        summaries.append(sn)
        for x in members:
            alias[x["id"]] = sn["id"]
    out_nodes = sorted(kept + summaries, key=lambda n: n["id"])
    keep = {n["id"] for n in out_nodes}
    parents = {sn["id"]: sn["parent"] for sn in summaries}
    return out_nodes, _remap_edges(edges, alias, keep, parents), len(nodes) - len(kept)


def _cap_tree(nodes, edges, max_nodes, lang):
    if len(nodes) <= max_nodes:
        return nodes, edges, 0
    byid = {n["id"]: dict(n) for n in nodes}
    alias: dict[str, str] = {}
    hidden = 0

    while len(byid) > max_nodes:
        children: dict[str, list[str]] = defaultdict(list)
        for n in byid.values():
            if n["parent"] in byid:
                children[n["parent"]].append(n["id"])

        def subtree(nid):
            stack, out = [nid], []
            while stack:
                x = stack.pop()
                out.append(x)
                stack.extend(children.get(x, ()))
            return out

        depth: dict[str, int] = {}

        def get_depth(nid):
            d, x, guard = 0, nid, 0
            while byid[x]["parent"] in byid and guard < 10_000:
                x = byid[x]["parent"]
                d += 1
                guard += 1
            return d

        groups: dict[tuple, list[str]] = defaultdict(list)
        for n in byid.values():
            if n["parent"] in byid:
                groups[(n["parent"], n["kind"])].append(n["id"])
        best = None
        for (parent, kind), members in groups.items():
            size = sum(len(subtree(x)) for x in members)
            saving = size - 1
            if saving <= 0:
                continue
            d = depth.setdefault(parent, get_depth(parent))
            key = (d, saving, parent, kind)
            if best is None or key > best[0]:
                best = (key, parent, kind, members)
        if best is None:
            break
        _, parent, kind, members = best
        member_rows = [byid[x] for x in sorted(members, key=lambda i: (byid[i]["label"], i))]
        sn = _summary_node(parent, kind, member_rows, lang)
        for x in members:
            for y in subtree(x):
                alias[y] = sn["id"]
                if not byid[y].get("_summary"):
                    hidden += 1
                del byid[y]
        byid[sn["id"]] = sn
    # resolve chains of aliases (a summary folded into a later summary)
    def final(x):
        seen = set()
        while x in alias and x not in seen:
            seen.add(x)
            x = alias[x]
        return x
    alias = {k: final(k) for k in alias}
    out_nodes = sorted(byid.values(), key=lambda n: n["id"])
    return out_nodes, _remap_edges(edges, alias, set(byid)), hidden


# ---------------------------------------------------------------------------
# layouts (deterministic; positions in vis pixels)
# ---------------------------------------------------------------------------


def _layout_force(nodes, edges) -> dict[str, tuple[float, float]]:
    import networkx as nx

    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]["id"]: (0.0, 0.0)}
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in nodes)
    for e in edges:
        w = 1.0 + _strength(e) / 50.0
        if g.has_edge(e["source"], e["target"]):
            g[e["source"]][e["target"]]["weight"] += w
        else:
            g.add_edge(e["source"], e["target"], weight=w)
    pos = nx.spring_layout(g, seed=0, iterations=120, weight="weight")
    scale = 110.0 * math.sqrt(len(nodes)) + 150.0
    return {k: (round(float(v[0]) * scale, 1), round(float(v[1]) * scale, 1)) for k, v in pos.items()}


def _layout_radial(nodes, edges, focus: str | None, *, font: float, wrap_w: int) -> dict[str, tuple[float, float]]:
    """The focus in the middle, its neighbours on concentric rings (clusters among them, so
    fitting the view keeps labels readable), each further hop fanned out behind its parent.

    Ring slots are as wide as the widest (wrapped) label, so labels on a ring do not overlap.
    """
    if not nodes:
        return {}
    ids = [n["id"] for n in nodes]
    focus = focus if focus in ids else ids[0]
    by_id = {n["id"]: n for n in nodes}
    adj: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        adj[e["source"]].append(e["target"])
        adj[e["target"]].append(e["source"])
    # clusters first (the inner ring, always in view), then by kind and name
    order = lambda i: (not by_id[i].get("cluster"), S.KIND_ORDER.get(by_id[i]["kind"], 999),  # noqa: E731
                       by_id[i]["label"], i)
    children: dict[str, list[str]] = defaultdict(list)
    seen, frontier = {focus}, [focus]
    while frontier:
        nxt = []
        for p in frontier:
            for c in sorted(set(adj[p]) - seen, key=order):
                seen.add(c)
                children[p].append(c)
                nxt.append(c)
        frontier = nxt
    slot = max([_text_w(_wrap(by_id[i]["label"], wrap_w, 2).split("\n")[0], font) for i in ids] + [font * 4]) + font
    gap = font * 5.2  # a node and its two-line label fit between rings
    pos: dict[str, tuple[float, float]] = {focus: (0.0, 0.0)}
    ring = list(children[focus])
    radius, k, placed = max(gap * 2.2, slot * 1.1), 0, 0
    while placed < len(ring):
        cap = max(6, int(2 * math.pi * radius / slot))
        part = ring[placed:placed + cap]
        step = 2 * math.pi / len(part)
        off = (step / 2) * (k % 2)
        for j, nid in enumerate(part):
            a = -math.pi / 2 + off + j * step
            pos[nid] = (radius * math.cos(a), radius * math.sin(a))
        placed += len(part)
        radius += gap
        k += 1
    for p in [i for i in ids if i in pos]:  # deeper hops: fans behind their parent, outward
        _fan(p, children, pos, slot, gap)
    for i in ids:  # unreachable (should not happen): a row under the map
        pos.setdefault(i, (0.0, radius + gap))
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}


def _fan(parent: str, children: dict[str, list[str]], pos: dict, slot: float, gap: float) -> None:
    kids = [c for c in children.get(parent, ()) if c not in pos]
    if not kids:
        return
    px, py = pos[parent]
    base = math.atan2(py, px) if (px or py) else -math.pi / 2
    r = max(gap * 1.6, len(kids) * slot / math.pi)
    span = min(math.pi, len(kids) * slot / r)
    for j, c in enumerate(kids):
        a = base - span / 2 + span * (j + 0.5) / len(kids)
        pos[c] = (px + r * math.cos(a), py + r * math.sin(a))
        _fan(c, children, pos, slot, gap)


def _is_tree_hub(n) -> bool:
    """On the org tree, the street and community committees get the bold hub labels."""
    return not n.get("_summary") and n["kind"] in ("street_committee", "community_committee")


def _is_hub(n) -> bool:
    if n.get("hub") is not None:
        return bool(n["hub"])
    st = S.node_style(n["kind"])
    return st.family == "area" or n["kind"] in ("street_committee", "community_committee")


def _bipartite_roles(nodes, edges):
    """Hubs (sorted: street, name), each other node's ties to hubs and its *primary* hub —
    the community it is drawn around: its ``parent`` when that is a hub, else its
    strongest tie (ties broken by hub order)."""
    hubs = sorted((n for n in nodes if _is_hub(n)), key=lambda n: (n["group"] or "", n["label"], n["id"]))
    hub_ids = {n["id"] for n in hubs}
    ties: dict[str, dict[str, float]] = defaultdict(dict)  # other → hub → strength
    for e in edges:
        s, d = e["source"], e["target"]
        if (s in hub_ids) == (d in hub_ids):
            continue
        h, u = (s, d) if s in hub_ids else (d, s)
        ties[u][h] = max(ties[u].get(h, -1.0), _strength(e))
    hub_rank = {h["id"]: i for i, h in enumerate(hubs)}
    primary: dict[str, str | None] = {}
    for n in nodes:
        if n["id"] in hub_ids:
            continue
        tt = ties.get(n["id"], {})
        if n["parent"] in hub_ids:
            primary[n["id"]] = n["parent"]
        elif tt:
            primary[n["id"]] = min(tt, key=lambda h: (-tt[h], hub_rank[h]))
        else:
            primary[n["id"]] = None
    return hubs, hub_ids, ties, primary


def _cross_edges(nodes, edges):
    """For each hub–other edge: True when the hub is not the one the other node is drawn around."""
    _, hub_ids, _, primary = _bipartite_roles(nodes, edges)
    out = []
    for e in edges:
        s, d = e["source"], e["target"]
        if (s in hub_ids) == (d in hub_ids):
            out.append(False)
            continue
        h, u = (s, d) if s in hub_ids else (d, s)
        out.append(primary.get(u) is not None and primary.get(u) != h)
    return out


def _drop_cross_weak(nodes, edges) -> tuple[list[dict[str, Any]], int]:
    """Drop weak (and no-band) ties to a hub other than the one a node is drawn around."""
    keep, dropped = [], 0
    for e, cross in zip(edges, _cross_edges(nodes, edges)):
        if cross and BAND_RANK.get(e.get("band") or "", 0) <= BAND_RANK["weak"]:
            dropped += int(e.get("count", 1))
        else:
            keep.append(e)
    return keep, dropped


_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")
_RING_P = 4.0  # units sit on a rounded square ("squircle") around their community


def _text_w(text: str, font: float) -> float:
    return max((sum(1.0 if _WIDE.match(ch) else 0.6 for ch in line) for line in text.split("\n")),
               default=0.0) * font


@lru_cache(maxsize=1)
def _ring_curve(samples: int = 720) -> tuple[tuple[tuple[float, float], ...], tuple[float, ...]]:
    """The unit squircle |x|^4 + |y|^4 = 1 from the top, clockwise on screen; with cumulative length."""
    pts, cum = [], [0.0]
    for i in range(samples + 1):
        a = -math.pi / 2 + 2 * math.pi * i / samples
        c, s = math.cos(a), math.sin(a)
        d = (abs(c) ** _RING_P + abs(s) ** _RING_P) ** (1 / _RING_P)
        pts.append((c / d, s / d))
        if i:
            cum.append(cum[-1] + math.dist(pts[-2], pts[-1]))
    return tuple(pts), tuple(cum)


def _ring_slots(n: int, radius: float, offset: float = 0.0) -> list[tuple[float, float]]:
    """``n`` points evenly spaced along the squircle of ``radius`` (normalised units)."""
    pts, cum = _ring_curve()
    total = cum[-1]
    out, k = [], 0
    for j in range(n):
        target = ((j + offset) % n) * total / n
        while k + 1 < len(cum) - 1 and cum[k + 1] < target:
            k += 1
        seg = cum[k + 1] - cum[k] or 1.0
        f = min(1.0, max(0.0, (target - cum[k]) / seg))
        x = pts[k][0] + (pts[k + 1][0] - pts[k][0]) * f
        y = pts[k][1] + (pts[k + 1][1] - pts[k][1]) * f
        out.append((x * radius, y * radius))
    return out


def _layout_bipartite(nodes, edges, scale=1.0, *, font: float = 15.0, hub_font: float | None = None,
                      wrap_w: int = 8, wrap_lines: int = 2, aspect: float = 1.6) -> dict[str, tuple[float, float]]:
    """Hubs (communities) on a grid; each hub's other nodes on a rounded square around it,
    spaced by their label boxes so that labels never overlap; nodes tied to several hubs
    face the others. Hub columns are chosen so the whole map is largest in a viewport of
    ``aspect`` (width / height): the fit zoom — and so the label size on screen — is as
    big as the content allows."""
    hubs, hub_ids, ties, primary = _bipartite_roles(nodes, edges)
    if not hubs or len(hubs) == len(nodes):
        return _layout_force(nodes, edges)
    hub_font = hub_font or font * 1.35
    strength = {n["id"]: (max(ties[n["id"]].values()) if ties.get(n["id"]) else -1.0)
                for n in nodes if n["id"] not in hub_ids}
    petals: dict[str, list[dict]] = defaultdict(list)
    loose = []
    for n in nodes:
        if n["id"] in hub_ids:
            continue
        p = primary[n["id"]]
        (petals[p] if p else loose).append(n)

    def node_size(n):
        return float(n.get("size") or S.node_style(n["kind"]).size) * scale

    others = [n for n in nodes if n["id"] not in hub_ids]
    lab = {n["id"]: _wrap(n["label"], wrap_w, wrap_lines) for n in others}
    su = max((node_size(n) for n in others), default=14.0 * scale)
    lh_text = max((lab[i].count("\n") + 1 for i in lab), default=1) * font * 1.2
    sx = max((_text_w(lab[i], font) for i in lab), default=font * 4) + font * 0.6   # slot width
    sx = max(sx, 2 * su + font)
    sy = 2 * su + lh_text + font * 0.5                                               # slot height
    pos: dict[str, tuple[float, float]] = {}
    local: dict[str, list] = {}
    half: dict[str, tuple[float, float]] = {}
    L1 = _ring_curve()[1][-1]
    for h in hubs:
        hid = h["id"]
        members = sorted(petals.get(hid, []),
                         key=lambda n: (-strength[n["id"]], -len(ties.get(n["id"], {})), n["label"], n["id"]))
        hs = node_size(h)
        hub_lab = _wrap(h["label"], max(wrap_w, 8), 2)
        hub_w = _text_w(hub_lab, hub_font)
        hub_lh = (hub_lab.count("\n") + 1) * hub_font * 1.2
        r_min = max(1.0, (hs + su + lh_text + font * 0.3) / sy, (hs + hub_lh + su + font * 0.3) / sy,
                    (hub_w / 2 + sx / 2) / sx * 0.92)
        # rings: one ring up to 16 nodes (no tie crosses another node), then concentric rings
        rings: list = []
        if len(members) <= 12:
            if members:
                rings.append((max(r_min, 1.12 * len(members) / L1), members))
        else:
            i, k = 0, 0
            while i < len(members):
                r = r_min + 1.15 * k
                cap = max(4, int(L1 * r / 1.12))
                rings.append((r, members[i:i + cap]))
                i += cap
                k += 1
        rings = [(r, ring, _ring_slots(len(ring), r, offset=0.5 * (k % 2)))
                 for k, (r, ring) in enumerate(rings)]
        rmax = max((r for r, *_ in rings), default=0.0)
        half[hid] = (max(rmax * sx + sx / 2, hub_w / 2 + font, hs + font),
                     max(rmax * sy + sy / 2, hs + hub_lh + font))
        local[hid] = rings
    # hubs in rows (in hub order), each row as wide as its own hubs: the number of rows
    # that shows the map largest in the viewport
    gut_x, gut_y = sx * 0.15, sy * 0.15
    ws = [2 * half[h["id"]][0] + gut_x for h in hubs]
    hs_ = [2 * half[h["id"]][1] + gut_y for h in hubs]
    n_h = len(hubs)
    best = None
    for n_rows in range(1, n_h + 1):
        # contiguous split into n_rows rows minimising the widest row
        INF = float("inf")
        dp = [[INF] * (n_h + 1) for _ in range(n_rows + 1)]
        cut = [[0] * (n_h + 1) for _ in range(n_rows + 1)]
        dp[0][0] = 0.0
        for r in range(1, n_rows + 1):
            for j in range(1, n_h + 1):
                w = 0.0
                for i in range(j - 1, -1, -1):
                    w += ws[i]
                    cand = max(dp[r - 1][i], w)
                    if cand < dp[r][j] - 1e-9:
                        dp[r][j], cut[r][j] = cand, i
        if dp[n_rows][n_h] == INF:
            continue
        rows_idx, j = [], n_h
        for r in range(n_rows, 0, -1):
            i = cut[r][j]
            rows_idx.append(list(range(i, j)))
            j = i
        rows_idx.reverse()
        width = dp[n_rows][n_h]
        height = sum(max(hs_[i] for i in row) for row in rows_idx)
        zoom = min(aspect / width, 1.0 / height)
        if best is None or zoom > best[0] * 1.0001:
            best = (zoom, rows_idx, width)
    _, rows_idx, row_w = best
    y = 0.0
    for row in rows_idx:
        rh = max(hs_[i] for i in row)
        x = (row_w - sum(ws[i] for i in row)) / 2
        for i in row:
            pos[hubs[i]["id"]] = (x + ws[i] / 2, y + rh / 2)
            x += ws[i]
        y += rh
    bottom = y
    for h in hubs:
        hid = h["id"]
        cx, cy = pos[hid]
        for r, ring, slots in local[hid]:
            pts = [(cx + x * sx, cy + y * sy) for x, y in slots]
            free = list(range(len(pts)))
            assigned: dict[str, int] = {}
            for n in ring:  # nodes tied to other hubs face them
                oth = {o: s for o, s in ties.get(n["id"], {}).items() if o != hid}
                if not oth:
                    continue
                wx = sum((pos[o][0] - cx) * (1 + s) for o, s in sorted(oth.items()))
                wy = sum((pos[o][1] - cy) * (1 + s) for o, s in sorted(oth.items()))
                want = math.atan2(wy, wx)
                j = min(free, key=lambda j: (abs(math.remainder(
                    math.atan2(pts[j][1] - cy, pts[j][0] - cx) - want, 2 * math.pi)), j))
                free.remove(j)
                assigned[n["id"]] = j
            for n in ring:
                if n["id"] not in assigned:
                    assigned[n["id"]] = free.pop(0)
                pos[n["id"]] = pts[assigned[n["id"]]]
    per_row = max(1, int(row_w // sx))
    for i, n in enumerate(sorted(loose, key=lambda n: (n["label"], n["id"]))):
        pos[n["id"]] = (sx / 2 + (i % per_row) * sx, bottom + sy / 2 + (i // per_row) * sy)
    return {k: (round(v[0], 1), round(v[1], 1)) for k, v in pos.items()}


def _tree_slots(nodes, stack_leaves: bool):
    """Tidy-tree slots: (slot, depth, stacked index) per node id; leaves of a parent whose
    children are all leaves are stacked in one column under it when ``stack_leaves``."""
    ids = {n["id"]: n for n in nodes}
    children: dict[str, list[dict]] = defaultdict(list)
    roots = []
    for n in nodes:
        if n["parent"] in ids and n["parent"] != n["id"]:
            children[n["parent"]].append(n)
        else:
            roots.append(n)

    def order(n):
        return (S.KIND_ORDER.get(n["kind"], 999), bool(n.get("_summary")), n["label"], n["id"])

    for lst in children.values():
        lst.sort(key=order)
    roots.sort(key=order)
    slot: dict[str, float] = {}
    depth: dict[str, float] = {}
    counter = [0.0]
    visited: set[str] = set()

    def place(root):  # iterative post-order, safe for deep trees and cycles
        stack: list[tuple] = [(root, 0.0, "enter")]
        while stack:
            x, dd, what = stack.pop()
            if what == "column":  # the leaf children of x, stacked in one column
                for i, c in enumerate(x):
                    slot[c["id"]] = counter[0]
                    depth[c["id"]] = dd + i * 0.5
                counter[0] += 1
                continue
            if what == "exit":
                placed = [slot[c["id"]] for c in children.get(x["id"], []) if c.get("_by") == x["id"]]
                if placed:
                    slot[x["id"]] = (min(placed) + max(placed)) / 2
                else:
                    slot[x["id"]] = counter[0]
                    counter[0] += 1
                continue
            if x["id"] in visited:
                continue
            visited.add(x["id"])
            depth[x["id"]] = dd
            own = [c for c in children.get(x["id"], []) if c["id"] not in visited]
            for c in own:
                c["_by"] = x["id"]
            leaves = [c for c in own if not children.get(c["id"])] if stack_leaves else []
            if len(leaves) < 2:
                leaves = []
            inner = [c for c in own if c not in leaves]
            for c in leaves:
                visited.add(c["id"])
            stack.append((x, dd, "exit"))
            if leaves:
                stack.append((leaves, dd + 1, "column"))
            for c in reversed(inner):
                stack.append((c, dd + 1, "enter"))

    for r in roots:
        place(r)
        counter[0] += 0.5  # air between the trees of a forest
    for n in nodes:
        if n["id"] not in slot:
            place(n)
    for n in nodes:
        n.pop("_by", None)
    return slot, depth


_LINE_H = 1.2  # label line height, in font sizes (vis draws about 1.0–1.15)


def _label_box(v: Mapping[str, Any]) -> tuple[float, float, float]:
    """(half width, extent above, extent below) of a vis node and the label drawn under it."""
    font = float(v["font"]["size"])
    size = float(v["size"])
    label = re.sub(r"</?b>", "", str(v.get("label") or ""))
    lines = label.count("\n") + 1 if label else 0
    half = max(size, _text_w(label, font) / 2 + 2.0)  # + the white text stroke
    return half, size, size + 3.0 + lines * font * _LINE_H + 2.0


def _tree_spacing(grid: Mapping[str, tuple[float, float]], boxes: Mapping[str, tuple[float, float, float]],
                  direction: str, sx: float, sd: float, gap: float) -> tuple[float, float]:
    """The smallest slot / depth spacing (px) at least ``sx`` / ``sd`` at which no two node boxes
    (node + label, plus ``gap``) overlap. ``grid``: id → (slot, depth) in tree units.

    Nodes in different columns (slots at least 1 apart) are pushed apart along the slot axis,
    the others (a column's stacked leaves, a parent over its children) along the depth axis.
    """
    ids = sorted(grid)
    ud = direction == "UD"
    for _ in range(12):
        bumped = False
        for i, a in enumerate(ids):
            sa, da = grid[a]
            ha, ua, la = boxes[a]
            for b in ids[i + 1:]:
                sb, db = grid[b]
                hb, ub, lb = boxes[b]
                ds, dd = abs(sa - sb), abs(da - db)
                if ud:  # x = slot·sx, y = depth·sd
                    xa, ya, xb, yb = sa * sx, da * sd, sb * sx, db * sd
                else:   # x = depth·sd, y = slot·sx
                    xa, ya, xb, yb = da * sd, sa * sx, db * sd, sb * sx
                need_x = ha + hb + gap
                top, bot = (a, b) if ya <= yb else (b, a)
                need_y = (boxes[top][2] + boxes[bot][1] + gap)
                if abs(xa - xb) >= need_x - 1e-6 or abs(ya - yb) >= need_y - 1e-6:
                    continue
                bumped = True
                if ud:
                    if ds >= 1 or dd == 0:
                        sx = max(sx, need_x / max(ds, 0.5))
                    else:
                        sd = max(sd, need_y / dd)
                else:
                    if ds >= 1 or dd == 0:
                        sx = max(sx, need_y / max(ds, 0.5))
                    else:
                        sd = max(sd, need_x / dd)
        if not bumped:
            break
    return math.ceil(sx), math.ceil(sd)


def _layout_tree(nodes, direction: str, scale=1.0, boxes=None, gap: float = 10.0):
    """Positions and the direction used ("UD" top-down or "LR" left-right).

    "auto" picks the orientation that shows the tree largest in a wide map
    (about 1300 × 620 px); UD stacks each parent's leaf children in a column.
    ``boxes``: ``direction`` → (id → label box, see ``_label_box``); the spacing then grows
    until no two labels (or a label and a node) overlap.
    """
    dx, dy = 150.0 * scale, 150.0 * scale
    lx, ly = 300.0 * scale, 58.0 * scale
    ud = _tree_slots(nodes, stack_leaves=True)
    lr = _tree_slots(nodes, stack_leaves=False) if direction != "UD" else None

    def zoom(w, h):
        return min(1300.0 / max(w, 1.0), 620.0 / max(h, 1.0))

    if direction not in ("UD", "LR"):
        su, du = ud
        z_ud = zoom((max(su.values(), default=0) + 1) * dx, (max(du.values(), default=0) + 1) * dy)
        sl, dl = lr
        z_lr = zoom((max(dl.values(), default=0) + 1) * lx, (max(sl.values(), default=0) + 1) * ly)
        direction = "UD" if z_ud >= z_lr * 0.9 else "LR"
    pos = {}
    if boxes is not None:
        slot, depth = ud if direction == "UD" else lr
        bx = boxes(direction)
        grid = {nid: (slot[nid], depth[nid]) for nid in slot}
        if direction == "UD":
            dx, dy = _tree_spacing(grid, bx, "UD", dx, dy, gap)
        else:
            ly, lx = _tree_spacing(grid, bx, "LR", ly, lx, gap)
    if direction == "UD":
        slot, depth = ud
        for nid in slot:
            pos[nid] = (round(slot[nid] * dx, 1), round(depth[nid] * dy, 1))
    else:
        slot, depth = lr
        for nid in slot:
            pos[nid] = (round(depth[nid] * lx, 1), round(slot[nid] * ly, 1))
    return pos, direction


# ---------------------------------------------------------------------------
# vis data
# ---------------------------------------------------------------------------


def _wrap(text: str, width: int, lines: int) -> str:
    text = " ".join(str(text).split())
    if not text:
        return ""
    out: list[str] = []
    if re.search(r"[\u3400-\u9fff]", text):  # Chinese: break anywhere, but nicely
        if len(text) <= width + 2 or lines == 1 and len(text) <= width:
            return text if len(text) <= width + 2 else text[: width - 1] + "…"
        if lines >= 2 and len(text) <= 2 * width and "（" not in text:
            half = (len(text) + 1) // 2
            while 1 < half < len(text) and text[half] in "）)，,、。：；》":
                half -= 1
            return text[:half] + "\n" + text[half:]
        rest = text
        while rest and len(out) < lines:
            cut = width
            p = rest.find("（")
            if 2 <= p <= width and len(rest) > width and (len(out) + 1 < lines) and len(rest) - p <= width:
                cut = p  # "区图书馆分馆" / "（2号）"
            while 1 < cut < len(rest) and rest[cut] in "）)，,、。：；》":
                cut -= 1
            out.append(rest[:cut])
            rest = rest[cut:]
        if rest:
            out[-1] = out[-1][:-1] + "…"
    else:
        w = int(width * 1.9)
        cur = ""
        words = text.split(" ")
        i = 0
        while i < len(words) and len(out) < lines:
            word = words[i]
            if not cur:
                cur = word[:w]
                i += 1
            elif len(cur) + 1 + len(word) <= w:
                cur += " " + word
                i += 1
            else:
                out.append(cur)
                cur = ""
        if cur and len(out) < lines:
            out.append(cur)
        if i < len(words) or (out and len(out[-1]) > w):
            out[-1] = out[-1][: w - 1] + "…"
    return "\n".join(out)


def _tree_wrap(direction: str | None) -> tuple[int, int]:
    """Label wrap (characters per line, lines) of a tree map drawn in ``direction``."""
    return (16, 1) if direction == "LR" else (8, 2)


def _tip(title: Any, lang: str) -> list[str]:
    if title is None:
        return []
    if isinstance(title, Mapping):
        colon = "：" if _norm_lang(lang) == "zh" else ": "
        return [f"{k}{colon}{'' if v is None else v}" for k, v in title.items()]
    return [str(title)]


def _font_size(size: float, meeting: bool) -> int:
    base = 15 if size < 18 else (17 if size < 24 else 19)
    return int(round(base * (1.6 if meeting else 1.0)))


def _hub_font_size(meeting: bool) -> int:
    """Community labels on the linkage map: bigger than the units', and bold."""
    return 22 if not meeting else 36


def _vis_node(n, pos, lang, meeting, wrap_w, wrap_lines, hub: bool = False) -> dict[str, Any]:
    st = S.node_style(n["kind"])
    size = float(n.get("size") or st.size) * (1.45 if meeting else 1.0)
    fill, border, font_color = st.color, st.border, S.TEXT_COLOR
    dashed = st.dashed
    border_w = 1.5
    label = n["label"]
    if n.get("_summary"):
        fill, border, dashed = S.SUMMARY_COLOR, S.SUMMARY_BORDER, True
        shown = label
    elif hub:
        shown = _wrap(label, max(wrap_w, 8), 2)
    else:
        shown = _wrap(label, wrap_w, wrap_lines)
    if n.get("uncovered"):
        fill, border, font_color, dashed, border_w = S.UNCOVERED_FILL, S.UNCOVERED_BORDER, S.UNCOVERED_FONT, True, 3.5
        suffix = t("map.uncovered_suffix", lang).strip()
        one = f"{label}{suffix}" if _norm_lang(lang) == "zh" else f"{label} {suffix}"
        shown = one if len(one) <= wrap_w + 3 else (f"{shown}\n{suffix}" if wrap_lines > 1 else f"{shown} {suffix}")
    if n.get("_summary"):
        tip_lines = [n["_tip"]]
    else:
        tip_lines = [label, S.kind_name(n["kind"], lang)] + _tip(n.get("title"), lang)
        if n.get("uncovered"):
            tip_lines.append(t("legend.uncovered", lang))
    x, y = pos.get(n["id"], (0.0, 0.0))
    v = {
        "id": n["id"],
        "label": shown,
        "title": "\n".join(tip_lines),
        "x": x,
        "y": y,
        "shape": st.shape,
        "size": round(size, 1),
        "borderWidth": border_w,
        "color": {"background": fill, "border": border,
                  "highlight": {"background": fill, "border": "#000000"},
                  "hover": {"background": fill, "border": "#000000"}},
        "font": {"size": _font_size(st.size, meeting), "color": font_color},
    }
    if hub:  # bold via vis "html" markup: only <b>…</b> is interpreted, the rest stays text
        v["label"] = "\n".join("<b>" + line.replace("&", "&amp;").replace("<", "&lt;") + "</b>"
                               for line in shown.split("\n"))
        v["font"] = {"size": _hub_font_size(meeting), "color": font_color, "multi": "html",
                     "bold": {"size": _hub_font_size(meeting), "color": font_color, "mod": "bold"}}
    if dashed:
        v["shapeProperties"] = {"borderDashes": [5, 3]}
    if n.get("_summary"):
        v["on_summary"] = True
    if n.get("cluster"):  # a cluster of neighbours ("党员 212"): a click opens it
        v["on_group"] = True
        v["shapeProperties"] = {"borderDashes": [5, 3]}
        v["borderWidth"] = 2.5
    return v


def _vis_edge(e, lang, meeting) -> dict[str, Any]:
    st = S.edge_style(e.get("band"))
    width = st.width * (1.4 if meeting else 1.0)
    v: dict[str, Any] = {
        "from": e["source"],
        "to": e["target"],
        "width": round(width, 2),
        "color": {"color": st.color, "highlight": "#263238", "hover": "#263238", "opacity": 0.9},
    }
    if st.dashed or e.get("_summary"):
        v["dashes"] = [6, 4]
    if e.get("_cross"):  # a tie to another community than the one the unit sits around
        v["color"]["opacity"] = 0.45
        v["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.18}
    tips: list[str] = []
    if e.get("score") is not None:
        colon = "：" if _norm_lang(lang) == "zh" else ": "
        tips.append(f"{t('linkage.score', lang)}{colon}{e['score']:.0f}"
                    + (f" ({t('band.' + e['band'], lang)})" if e.get("band") in S.EDGE_STYLES else ""))
    elif e.get("band") in S.EDGE_STYLES:
        tips.append(f"{t('legend.bands', lang)}: {t('band.' + e['band'], lang)}"
                    if _norm_lang(lang) == "en" else f"{t('legend.bands', lang)}：{t('band.' + e['band'], lang)}")
    tips += _tip(e.get("title"), lang)
    if e.get("count", 1) > 1:
        tips.append(t("map.ties", lang, n=e["count"]))
    if tips:
        v["title"] = "\n".join(tips)
    if e.get("label"):
        v["label"] = str(e["label"])
        v["font"] = {"size": 11 if not meeting else 15, "color": "#546E7A", "align": "middle"}
    return v


def _options(n_nodes: int, layout: str, direction: str | None, meeting: bool) -> dict[str, Any]:
    big = n_nodes > 200
    smooth: Any = False
    if layout == "tree":
        smooth = {"enabled": True, "type": "cubicBezier",
                  "forceDirection": "vertical" if direction == "UD" else "horizontal", "roundness": 0.5}
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"randomSeed": 0, "improvedLayout": False, "hierarchical": {"enabled": False}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big,
                        "hideEdgesOnZoom": big, "navigationButtons": False, "keyboard": False,
                        "zoomSpeed": 0.6},
        "nodes": {"font": {"face": S.FONT_STACK, "color": S.TEXT_COLOR, "strokeWidth": 4,
                           "strokeColor": "#ffffff", "multi": False},
                  "borderWidth": 1.5, "chosen": True},
        "edges": {"smooth": smooth, "selectionWidth": 1.5, "hoverWidth": 0.8,
                  "color": {"inherit": False}},
    }


# ---------------------------------------------------------------------------
# legend
# ---------------------------------------------------------------------------


def _legend_from(nodes, edges, lang, summary: bool) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    kinds = sorted({n["kind"] for n in nodes if not n.get("uncovered") or True},
                   key=lambda k: (S.KIND_ORDER.get(k, 999), k))
    for k in kinds:
        st = S.node_style(k)
        entries.append({"type": "node", "key": k, "label": S.kind_name(k, lang), "color": st.color,
                        "border": st.border, "shape": st.shape, "dashed": st.dashed, "width": 1.5})
    if any(n.get("uncovered") for n in nodes):
        entries.append({"type": "uncovered", "key": "uncovered", "label": t("legend.uncovered", lang),
                        "color": S.UNCOVERED_FILL, "border": S.UNCOVERED_BORDER, "shape": "square",
                        "dashed": True, "width": 3})
    if summary:
        entries.append({"type": "summary", "key": "summary", "label": t("legend.summary", lang),
                        "color": S.SUMMARY_COLOR, "border": S.SUMMARY_BORDER, "shape": "dot",
                        "dashed": True, "width": 1.5})
    bands = {e.get("band") for e in edges}
    for b in S.BANDS:
        if b in bands:
            st = S.EDGE_STYLES[b]
            label = band_label(b, lang)
            entries.append({"type": "band", "key": b, "label": label, "color": st.color,
                            "border": st.color, "shape": "line", "dashed": st.dashed, "width": st.width})
    return entries


def legend_entries(nodes: Rows, edges: Rows = None, *, lang: str = "zh", max_nodes: int = 300) -> list[dict[str, Any]]:
    """Legend entries for the kinds, flags and bands present in the input (for Streamlit).

    Each entry: ``{"type": "node"|"uncovered"|"summary"|"band", "key", "label", "color",
    "border", "shape" (vis shape, or "line" for bands), "dashed", "width"}``.
    """
    ns = _norm_nodes(nodes)
    es = _norm_edges(edges, {n["id"] for n in ns})
    return _legend_from(ns, es, lang, summary=len(ns) > max_nodes)


def _swatch_svg(e: Mapping[str, Any], px: int = 18) -> str:
    c, b = html.escape(e["color"]), html.escape(e["border"])
    dash = ' stroke-dasharray="3 2"' if e.get("dashed") else ""
    h = px / 2
    if e["shape"] == "line":
        w = max(1.0, min(float(e["width"]), 8.0))
        d = ' stroke-dasharray="5 3"' if e.get("dashed") else ""
        return (f'<svg width="{px * 2}" height="{px}" viewBox="0 0 {px * 2} {px}" aria-hidden="true">'
                f'<line x1="1" y1="{h}" x2="{px * 2 - 1}" y2="{h}" stroke="{c}" stroke-width="{w}"{d}/></svg>')
    sw = 2.5 if e["type"] == "uncovered" else 1.5
    pts = {
        "diamond": [(h, 1), (px - 1, h), (h, px - 1), (1, h)],
        "triangle": [(h, 1.5), (px - 1.5, px - 2), (1.5, px - 2)],
        "triangleDown": [(1.5, 2), (px - 1.5, 2), (h, px - 1.5)],
        "hexagon": [(h + (h - 1.5) * math.cos(a), h + (h - 1.5) * math.sin(a))
                    for a in [math.pi / 3 * i for i in range(6)]],
        "star": [(h + (h - 1 if i % 2 == 0 else (h - 1) * 0.45) * math.cos(-math.pi / 2 + math.pi / 5 * i),
                  h + (h - 1 if i % 2 == 0 else (h - 1) * 0.45) * math.sin(-math.pi / 2 + math.pi / 5 * i))
                 for i in range(10)],
    }
    if e["shape"] in pts:
        p = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts[e["shape"]])
        body = f'<polygon points="{p}" fill="{c}" stroke="{b}" stroke-width="{sw}"{dash}/>'
    elif e["shape"] == "square":
        body = f'<rect x="2" y="2" width="{px - 4}" height="{px - 4}" fill="{c}" stroke="{b}" stroke-width="{sw}"{dash}/>'
    else:
        body = f'<circle cx="{h}" cy="{h}" r="{h - 2}" fill="{c}" stroke="{b}" stroke-width="{sw}"{dash}/>'
    return f'<svg width="{px}" height="{px}" viewBox="0 0 {px} {px}" aria-hidden="true">{body}</svg>'


def legend_html(entries: Sequence[Mapping[str, Any]], lang: str = "zh", *, title: bool = True,
                strip: bool = False) -> str:
    """The legend as a small HTML fragment (escaped; inline SVG swatches, no external files).

    ``strip``: one row under the map (meeting mode: the map keeps the full width).
    """
    if not entries:
        return ""
    rows = "".join(
        f'<div class="on-lg-item">{_swatch_svg(e)}<span>{html.escape(str(e["label"]))}</span></div>'
        for e in entries
    )
    head = f'<div class="on-lg-title">{html.escape(t("legend.title", lang))}</div>' if title else ""
    return f'<div class="on-legend{" on-legend-strip" if strip else ""}">{head}{rows}</div>'


# ---------------------------------------------------------------------------
# the page
# ---------------------------------------------------------------------------


def _json_script(obj: Any) -> str:
    s = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _css_len(v: str | int | float) -> str:
    if isinstance(v, (int, float)):
        return f"{int(v)}px"
    s = str(v).strip()
    if re.fullmatch(r"\d+(\.\d+)?(px|vh|%|em|rem)", s):
        return s
    if re.fullmatch(r"\d+", s):
        return s + "px"
    raise ValueError(f"height must look like '650px' or '100vh', not {v!r}")


def _filename(title: str | None) -> str:
    base = re.sub(r'[\\/:*?"<>|\s]+', "_", title or "orgnet").strip("_") or "orgnet"
    return base[:60] + ".png"


@lru_cache(maxsize=1)
def _asset(name: str) -> str:
    return resources.files("orgnet").joinpath("static", name).read_text("utf-8")


def prepare(nodes: Rows, edges: Rows = None, *, lang: str = "zh", meeting: bool = False,
            layout: str = "force", max_nodes: int = 300, direction: str = "auto",
            cross_weak: bool = True, focus: str | None = None) -> dict[str, Any]:
    """Everything the page needs, as plain data: vis nodes/edges/options, legend, counts.

    ``cross_weak`` (bipartite layout only): when False, weak ties from a node to a hub other
    than the one it is drawn around are left out (counted in ``"cross_weak_hidden"``).
    Returns ``{"nodes", "edges", "options", "legend", "shown", "hidden", "direction",
    "cross_weak_hidden"}``.
    """
    if layout not in ("force", "tree", "bipartite", "radial"):
        raise ValueError(f"layout must be force, tree, bipartite or radial, not {layout!r}")
    ns = _norm_nodes(nodes)
    es = _norm_edges(edges, {n["id"] for n in ns})
    cross_hidden = 0
    if layout == "tree":
        ids = {n["id"] for n in ns}
        have = {(e["source"], e["target"]) for e in es}
        for n in ns:
            if n["parent"] in ids and (n["parent"], n["id"]) not in have and (n["id"], n["parent"]) not in have:
                es.append({"source": n["parent"], "target": n["id"], "band": None, "score": None,
                           "count": 1, "_tree": True})
        es.sort(key=lambda e: (e["source"], e["target"], str(e.get("type") or "")))
        ns, es, hidden = _cap_tree(ns, es, max_nodes, lang)
    else:
        if layout == "bipartite" and not cross_weak:
            es, cross_hidden = _drop_cross_weak(ns, es)
        ns, es, hidden = _cap_flat(ns, es, max_nodes, lang)
    scale = 1.35 if meeting else 1.0
    dir_used = None
    if layout == "tree":
        def boxes(d: str) -> dict[str, tuple[float, float, float]]:
            w, lines = _tree_wrap(d)
            return {n["id"]: _label_box(_vis_node(n, {}, lang, meeting, w, lines, hub=_is_tree_hub(n))) for n in ns}

        pos, dir_used = _layout_tree(ns, direction.upper() if direction else "auto", scale, boxes=boxes,
                                     gap=float(_font_size(15, meeting)) * 0.8)
    elif layout == "bipartite":
        pos = _layout_bipartite(ns, es, 1.45 if meeting else 1.0, font=_font_size(14, meeting),
                                hub_font=_hub_font_size(meeting), wrap_w=6, wrap_lines=2,
                                aspect=1.8 if meeting else 1.45)
        for e, cross in zip(es, _cross_edges(ns, es)):
            if cross:
                e["_cross"] = True
    elif layout == "radial":
        pos = _layout_radial(ns, es, focus, font=float(_font_size(15, meeting)), wrap_w=8)
    else:
        pos = _layout_force(ns, es)
        if meeting:
            pos = {k: (round(x * scale, 1), round(y * scale, 1)) for k, (x, y) in pos.items()}
    if layout == "tree":
        wrap_w, wrap_lines = _tree_wrap(dir_used)
    elif layout == "bipartite":
        wrap_w, wrap_lines = 6, 2
    else:
        wrap_w, wrap_lines = 8, 2
    hub = _is_hub if layout == "bipartite" else _is_tree_hub if layout == "tree" else (lambda n: False)
    vnodes = [_vis_node(n, pos, lang, meeting, wrap_w, wrap_lines, hub=hub(n)) for n in ns]
    vedges = [_vis_edge(e, lang, meeting) for e in es]
    return {
        "nodes": vnodes,
        "edges": vedges,
        "options": _options(len(vnodes), layout, dir_used, meeting),
        "legend": _legend_from(ns, es, lang, summary=any(n.get("_summary") for n in ns)),
        "shown": sum(1 for n in ns if not n.get("_summary")),
        "hidden": hidden,
        "direction": dir_used,
        "cross_weak_hidden": cross_hidden,
    }


def build_network(nodes: Rows, edges: Rows = None, *, lang: str = "zh", height: str = "650px",
                  meeting: bool = False, layout: str = "force", max_nodes: int = 300,
                  direction: str = "auto"):
    """A ``pyvis.network.Network`` holding the styled, positioned, capped map.

    For callers that want pyvis itself; ``network_html`` renders the same data offline
    without pyvis's CDN links.
    """
    from pyvis.network import Network

    data = prepare(nodes, edges, lang=lang, meeting=meeting, layout=layout, max_nodes=max_nodes,
                   direction=direction)
    net = Network(height=_css_len(height), width="100%", directed=False, cdn_resources="in_line")
    for v in data["nodes"]:
        net.nodes.append(dict(v))
        net.node_ids.append(v["id"])
        net.node_map[v["id"]] = net.nodes[-1]
    for e in data["edges"]:
        net.edges.append(dict(e))
    net.options = data["options"]
    return net


def network_html(nodes: Rows, edges: Rows = None, *, lang: str = "zh", height: str | int = "650px",
                 meeting: bool = False, title: str | None = None, subtitle: str | None = None,
                 date: str | None = None, layout: str = "force", max_nodes: int = 300,
                 direction: str = "auto", legend: bool = True, toolbar: bool = True,
                 cross_weak: bool = True, focus: str | None = None, min_label_px: float | None = None,
                 min_hub_px: float | None = None, notes: Sequence[str] | None = None) -> str:
    """A complete HTML document drawing the map, with no request outside the page.

    ``nodes``/``edges``: rows as in the module doc (list of dicts or DataFrame).
    ``layout``: ``"force"`` (seeded spring layout), ``"bipartite"`` (hubs — communities —
    on a grid, their units on rings around them, strongest ties innermost) or ``"tree"``
    (tidy tree from each node's ``parent``; ``direction`` "UD", "LR" or "auto").
    ``height``: height of the whole document body (header + map), e.g. "650px" or "100vh".
    ``meeting``: bigger labels and nodes, a title/date header (``date`` defaults to today),
    legend; the toolbar's PNG button downloads the map (title and legend included).
    More than ``max_nodes`` nodes → the lowest-weight ones are aggregated per ``parent``.
    ``focus``: the node the ``"radial"`` layout centres on (and the view, when zoomed in).
    ``min_label_px`` / ``min_hub_px``: the smallest on-screen size (font size × zoom) of
    ordinary and of hub labels; fitting the view never zooms out further (the map can then
    be panned). Default: 12 px, and in meeting mode 14 px and 18 px (readable when projected).
    Output is byte-identical for identical input (and identical ``date``).
    """
    lang = _norm_lang(lang)
    data = prepare(nodes, edges, lang=lang, meeting=meeting, layout=layout, max_nodes=max_nodes,
                   direction=direction, cross_weak=cross_weak, focus=focus)
    if min_label_px is None:
        min_label_px = MEETING_LABEL_PX if meeting else DESK_LABEL_PX
    if min_hub_px is None:
        min_hub_px = MEETING_HUB_PX if meeting else DESK_LABEL_PX
    if meeting and not date:
        date = _dt.date.today().isoformat()
    if meeting and not title:
        title = t("meeting.title_default", lang)
    sub_parts = [p for p in (subtitle, t("meeting.date", lang, date=date) if date else None) if p]
    sub = " · ".join(sub_parts)
    header = ""
    if title or sub:
        header = (f'<header class="on-head"><h1>{html.escape(title or "")}</h1>'
                  f'<div class="on-sub">{html.escape(sub)}</div></header>')
    notes = list(notes or [])
    if data["hidden"]:
        notes.append(t("map.capped", lang, shown=data["shown"], hidden=data["hidden"]))
    if data["cross_weak_hidden"]:
        n = data["cross_weak_hidden"]
        notes.append(t("map.cross_weak_hidden" if n != 1 or lang == "zh" else "map.cross_weak_hidden_one", lang, n=n))
    note = ""
    if notes:
        note = '<div class="on-note">' + "<br>".join(html.escape(x) for x in notes) + "</div>"
    if not data["nodes"]:
        note = f'<div class="on-empty">{html.escape(t("map.empty", lang))}</div>'
    tools = ""
    if toolbar:
        tools = (f'<div class="on-tools"><button type="button" id="on-fit">{html.escape(t("meeting.fit", lang))}</button>'
                 f'<button type="button" id="on-png">{html.escape(t("meeting.download_png", lang))}</button></div>')
    legend_block = legend_html(data["legend"], lang, strip=True) if legend else ""  # under the map: covers nothing
    payload = {
        "nodes": data["nodes"],
        "edges": data["edges"],
        "options": data["options"],
        "legend": data["legend"] if legend else [],
        "meta": {"title": title or "", "subtitle": sub, "filename": _filename(title),
                 "legendTitle": t("legend.title", lang), "font": S.FONT_STACK, "meeting": bool(meeting),
                 "notes": notes, "focus": focus, "minLabelPx": min_label_px, "minHubPx": min_hub_px},
    }
    body_class = "on-meeting" if meeting else "on-normal"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title or t('app.title', lang))}</title>\n"
        f"<style>\n{vis_css()}\n</style>\n"
        f"<style>\n:root{{--on-font:{S.FONT_STACK};--on-height:{_css_len(height)};}}\n{_asset('map.css')}\n</style>\n"
        f"<script>\n{vis_js()}\n</script>\n"
        "</head>\n"
        f'<body class="{body_class}">\n<div id="on-wrap">\n{header}\n'
        f'<div id="on-stage"><div id="mynetwork"></div>{tools}{note}</div>\n'
        f'{legend_block}</div>\n'
        f"<script>window.ORGNET_DATA = {_json_script(payload)};</script>\n"
        f"<script>\n{_asset('map.js')}\n</script>\n"
        "</body>\n</html>\n"
    )


def standalone_html(nodes: Rows, edges: Rows = None, **kwargs: Any) -> bytes:
    """The map as a standalone HTML file (UTF-8 bytes) that opens offline in any browser.

    Same arguments as ``network_html``; the map fills the browser window unless
    ``height`` is given.
    """
    kwargs.setdefault("height", "100vh")
    return network_html(nodes, edges, **kwargs).encode("utf-8")


def write_html(path: str | Path, nodes: Rows, edges: Rows = None, **kwargs: Any) -> Path:
    p = Path(path)
    p.write_bytes(standalone_html(nodes, edges, **kwargs))
    return p


# ---------------------------------------------------------------------------
# convenient wrappers
# ---------------------------------------------------------------------------


def org_tree_html(nodes: Rows, edges: Rows = None, *, lang: str = "zh", height: str | int = "700px",
                  meeting: bool = False, title: str | None = None, subtitle: str | None = None,
                  date: str | None = None, max_nodes: int = 300, direction: str = "auto",
                  **kwargs: Any) -> str:
    """The organization tree (street committee → community committees → grid / compound
    branches → building groups), territory nobody covers in red.

    ``nodes``: ``{id, label, kind, parent, uncovered?, title?}`` — ``kind`` an ``OrgKind``
    value for organizations, an area label/level (``"Grid"``, ``"building"`` …) for
    territory; ``parent`` the node above it in the tree (an uncovered area's parent is
    the organization responsible for the area above it). Extra ``edges`` are drawn too.
    ``direction``: "UD" (top-down), "LR" (left-right), "auto" (LR once the tree gets wide).
    Over ``max_nodes``, the deepest sibling groups fold into "+N 个楼栋党小组" nodes.
    """
    return network_html(nodes, edges, lang=lang, height=height, meeting=meeting, title=title,
                        subtitle=subtitle, date=date, layout="tree", max_nodes=max_nodes,
                        direction=direction, **kwargs)


def linkage_nodes_edges(communities: Rows, units: Rows, ties: Rows, *, lang: str = "zh") -> tuple[list, list]:
    """Turn linkage rows into map nodes and edges (see ``linkage_map_html``)."""
    from orgnet.i18n import label_name
    from orgnet.model import UnitKind

    nodes: list[dict[str, Any]] = []
    for c in _records(communities):
        tip = dict(c.get("title") or {})
        nodes.append({"id": c["id"], "label": c.get("name") or c.get("label") or c["id"],
                      "kind": c.get("kind") or "Community", "group": c.get("street") or c.get("group"),
                      "title": tip, "hub": True, "uncovered": c.get("uncovered", False)})
    for u in _records(units):
        tip = dict(u.get("title") or {})
        kind = u.get("kind") or "Unit"
        try:
            kind_label = label_name(UnitKind.parse(kind), lang)
            tip = {t("common.kind", lang): kind_label, **tip}
        except ValueError:
            pass
        nodes.append({"id": u["id"], "label": u.get("name") or u.get("label") or u["id"], "kind": kind,
                      "parent": u.get("community_id") or u.get("parent"), "title": tip, "hub": False,
                      "weight": u.get("weight")})
    edges: list[dict[str, Any]] = []
    colon = "：" if _norm_lang(lang) == "zh" else ": "
    for r in _records(ties):
        if r.get("band") is not None and r["band"] not in (*TIE_BANDS, "none"):
            continue  # a potential pair (reports, residents, services only) is a partner hint, no tie
        ch = r.get("channels") or {}
        tip = []
        for k, v in ch.items():
            name = t(f"channel.{k}", lang) if _has_key(f"channel.{k}") else str(k)
            tip.append(f"{name}{colon}{_fmt_num(v)}")
        edges.append({"source": r["community_id"], "target": r["unit_id"], "score": r.get("score"),
                      "band": r.get("band"), "title": "\n".join(tip) if tip else r.get("title")})
    return nodes, edges


def _has_key(k: str) -> bool:
    from orgnet.i18n import has

    return has(k)


def _fmt_num(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.1f}".rstrip("0").rstrip(".")
    return str(v)


def linkage_map_html(communities: Rows, units: Rows, ties: Rows, *, lang: str = "zh",
                     height: str | int = "650px", meeting: bool = False, title: str | None = None,
                     subtitle: str | None = None, date: str | None = None, max_nodes: int = 300,
                     cross_weak: bool = False, **kwargs: Any) -> str:
    """The linkage map: communities as hubs, resident units around them, ties by band.

    ``communities``: ``{id, name, street?, title?}``;
    ``units``: ``{id, name, kind? (UnitKind value or 中文), community_id? (its home community), title?, weight?}``;
    ``ties``: ``{community_id, unit_id, score (0–100), band?, channels? {channel: x}}``.
    Units are placed on rings around their strongest (or home) community, strongest
    innermost; units tied to several communities face the others. Over ``max_nodes`` the
    weakest-tied units of each community fold into "+N 个单位" nodes.
    ``cross_weak``: draw weak ties to communities other than the one a unit sits around
    (default False: they are left out — a note on the map counts them; strong and medium
    ties to other communities are always drawn, curved and lighter).
    """
    nodes, edges = linkage_nodes_edges(communities, units, ties, lang=lang)
    return network_html(nodes, edges, lang=lang, height=height, meeting=meeting, title=title,
                        subtitle=subtitle, date=date, layout="bipartite", max_nodes=max_nodes,
                        cross_weak=cross_weak, **kwargs)
