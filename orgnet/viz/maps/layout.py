"""Layouts (deterministic; positions in vis pixels): force, radial and bipartite."""

from __future__ import annotations

import math
from collections import defaultdict
from functools import lru_cache
from typing import Any

from orgnet.viz import style as S
from orgnet.viz.maps.labels import _symbol_size, _text_w, _wrap
from orgnet.viz.maps.normalise import BAND_RANK, _strength

_RING_P = 4.0  # units sit on a rounded square ("squircle") around their community



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


def _layout_radial(nodes, edges, focus: str | None, *, font: float, wrap_w: int,
                   whole: bool = False, stretch: float = 1.0) -> dict[str, tuple[float, float]]:
    """The focus in the middle, its neighbours on concentric rings (clusters among them, so
    fitting the view keeps labels readable), each further hop fanned out behind its parent.

    Ring slots are as wide as the widest (wrapped) label, so labels on a ring do not overlap.
    Rings after the first are as far apart as their own nodes need (a ring of members with
    one-line names is close to the next). ``stretch`` > 1 widens the rings into ellipses (a
    canvas wider than high holds more).
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
    slot = max([_text_w(_wrap(by_id[i]["label"], wrap_w, 2, whole).split("\n")[0], font) for i in ids] + [font * 4]) + font
    # a node and its two-line label fit between rings (big cluster symbols push them apart)
    gap = max([font * 5.2] + [2 * _symbol_size(by_id[i]) + 3.4 * font for i in ids if by_id[i].get("cluster")])
    pos: dict[str, tuple[float, float]] = {focus: (0.0, 0.0)}
    # a page of an opened cluster (``block``): a grid beside the rings, in name order
    block = [i for i in children[focus] if by_id[i].get("block")]
    ring = [i for i in children[focus] if not by_id[i].get("block")]
    radius, k, placed = max(gap * 2.2, slot * 1.1), 0, 0
    # on a ring each node takes an arc as wide as its own label: a ring of short names
    # (members: 丁丽丽) holds twice as many as the widest label would allow
    own = {i: max(_text_w(_wrap(by_id[i]["label"], wrap_w, 2, whole).split("\n")[0], font), font * 3) + font
           for i in ring}
    def below(i: str) -> float:  # a node's symbol and label under it
        lines = _wrap(by_id[i]["label"], wrap_w, 2, whole).count("\n") + 1
        return _symbol_size(by_id[i]) + 3.0 + lines * font * 1.2 + 2.0

    while placed < len(ring):
        circ, part, total = 2 * math.pi * radius * (1 + stretch) / 2, [], 0.0
        while placed + len(part) < len(ring):
            w = own[ring[placed + len(part)]]
            if len(part) >= 6 and total + w > circ:
                break
            part.append(ring[placed + len(part)])
            total += w
        off = (math.pi / len(part)) * (k % 2)
        acc = 0.0
        for nid in part:
            a = -math.pi / 2 + off + 2 * math.pi * (acc + own[nid] / 2) / total
            acc += own[nid]
            pos[nid] = (stretch * radius * math.cos(a), radius * math.sin(a))
        placed += len(part)
        rest = ring[placed:]
        if k == 0 or not rest:
            radius += gap
        else:  # this ring's labels, the next ring's symbols, a margin
            radius += max(font * 2.8, max(below(i) for i in part)
                          + max(_symbol_size(by_id[i]) for i in rest[:len(part)]) + font * 0.6)
        k += 1
    if block:
        _block(block, by_id, pos, font, wrap_w, whole, below)
    for p in [i for i in ids if i in pos]:  # deeper hops: fans behind their parent, outward
        _fan(p, children, pos, slot, gap)
    for i in ids:  # unreachable (should not happen): a row under the map
        pos.setdefault(i, (0.0, radius + gap))
    return {k: (round(x, 1), round(y, 1)) for k, (x, y) in pos.items()}


def _block(block: list[str], by_id: dict, pos: dict, font: float, wrap_w: int, whole: bool, below) -> None:
    """Place ``block`` (one page of an opened cluster) in a grid right of what ``pos`` holds:
    as many rows as the rings are high, columns as wide as the widest label, by name."""
    from orgnet.collate import name_key

    def half(i: str) -> float:
        return max(_text_w(_wrap(by_id[i]["label"], wrap_w, 2, whole).split("\n")[0], font), font * 3) / 2

    placed = list(pos)
    right = max(pos[i][0] + half(i) for i in placed) if placed else 0.0
    top = min(pos[i][1] - _symbol_size(by_id[i]) for i in placed) if placed else 0.0
    bottom = max(pos[i][1] + below(i) for i in placed) if placed else 0.0
    cell_w = 2 * max(half(i) for i in block) + font
    cell_h = max(below(i) + _symbol_size(by_id[i]) for i in block) + font * 0.4
    rows = max(6, int((bottom - top) // cell_h))
    rows = min(rows, len(block))
    x0 = right + font * 3 + cell_w / 2
    y0 = -(rows - 1) * cell_h / 2
    for k, i in enumerate(sorted(block, key=lambda i: (name_key(by_id[i]["label"]), i))):
        pos[i] = (x0 + (k // rows) * cell_w, y0 + (k % rows) * cell_h)


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


@lru_cache(maxsize=32)
def _ring_curve(samples: int = 720, stretch: float = 1.0) -> tuple[tuple[tuple[float, float], ...], tuple[float, ...]]:
    """The unit squircle |x|^4 + |y|^4 = 1 from the top, clockwise on screen, ``stretch`` times as
    wide as high; with cumulative length."""
    pts, cum = [], [0.0]
    for i in range(samples + 1):
        a = -math.pi / 2 + 2 * math.pi * i / samples
        c, s = math.cos(a), math.sin(a)
        d = (abs(c) ** _RING_P + abs(s) ** _RING_P) ** (1 / _RING_P)
        pts.append((c / d * stretch, s / d))
        if i:
            cum.append(cum[-1] + math.dist(pts[-2], pts[-1]))
    return tuple(pts), tuple(cum)


def _ring_slots(n: int, radius: float, offset: float = 0.0, stretch: float = 1.0) -> list[tuple[float, float]]:
    """``n`` points evenly spaced along the squircle of ``radius`` (normalised units)."""
    pts, cum = _ring_curve(720, stretch)
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
                      wrap_w: int = 8, wrap_lines: int = 2, aspect: float = 1.6, whole: bool = False,
                      widen: bool = False) -> dict[str, tuple[float, float]]:
    """Hubs (communities) on a grid; each hub's other nodes on a rounded square around it,
    spaced by their label boxes so that labels never overlap; nodes tied to several hubs
    face the others. Hub columns are chosen so the whole map is largest in a viewport of
    ``aspect`` (width / height): the fit zoom — and so the label size on screen — is as
    big as the content allows.

    ``widen`` (meeting mode): a single community's rings are drawn wider than high, as far as
    that shows the map larger in ``aspect``; ``whole``: labels wrapped, never cut."""
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
    lab = {n["id"]: _wrap(n["label"], wrap_w, wrap_lines, whole) for n in others}
    su = max((node_size(n) for n in others), default=14.0 * scale)
    lh_text = max((lab[i].count("\n") + 1 for i in lab), default=1) * font * 1.2
    sx = max((_text_w(lab[i], font) for i in lab), default=font * 4) + font * 0.6   # slot width
    sx = max(sx, 2 * su + font)
    sy = 2 * su + lh_text + font * 0.5                                               # slot height
    pos: dict[str, tuple[float, float]] = {}
    local: dict[str, list] = {}
    half: dict[str, tuple[float, float]] = {}
    gut_x, gut_y = sx * 0.15, sy * 0.15

    def rings_of(members, r_min, hub_w, hs, hub_lh, stretch=1.0):
        L1 = _ring_curve(720, stretch)[1][-1]
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
        rings = [(r, ring, _ring_slots(len(ring), r, offset=0.5 * (k % 2), stretch=stretch))
                 for k, (r, ring) in enumerate(rings)]
        rmax = max((r for r, *_ in rings), default=0.0)
        return rings, (max(rmax * sx * stretch + sx / 2, hub_w / 2 + font, hs + font),
                       max(rmax * sy + sy / 2, hs + hub_lh + font))

    for h in hubs:
        hid = h["id"]
        members = sorted(petals.get(hid, []),
                         key=lambda n: (-strength[n["id"]], -len(ties.get(n["id"], {})), n["label"], n["id"]))
        hs = node_size(h)
        hub_lab = _wrap(h["label"], max(wrap_w, 8), 2, whole)
        hub_w = _text_w(hub_lab, hub_font)
        hub_lh = (hub_lab.count("\n") + 1) * hub_font * 1.2
        r_min = max(1.0, (hs + su + lh_text + font * 0.3) / sy, (hs + hub_lh + su + font * 0.3) / sy,
                    (hub_w / 2 + sx / 2) / sx * 0.92)
        shapes = [rings_of(members, r_min, hub_w, hs, hub_lh)]
        if widen and len(hubs) == 1:  # the one community: rings as wide as the screen allows
            shapes += [rings_of(members, r_min, hub_w, hs, hub_lh, 1.0 + 0.25 * k) for k in range(1, 13)]
        zooms = [min(aspect / (2 * hx + gut_x), 1.0 / (2 * hy + gut_y)) for _, (hx, hy) in shapes]
        local[hid], half[hid] = shapes[max(range(len(shapes)), key=lambda i: (zooms[i] > zooms[0] * 1.0001, zooms[i], -i))]
    # hubs in rows (in hub order), each row as wide as its own hubs: the number of rows
    # that shows the map largest in the viewport
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
