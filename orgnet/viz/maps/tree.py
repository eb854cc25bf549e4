"""The tidy-tree layout of the org tree: slots, depths and spacing that keeps labels apart."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Mapping

from orgnet.collate import name_key
from orgnet.viz import style as S


def _tree_slots(nodes, stack_leaves: bool, per_column: int | None = None,
                stacks: dict[str, list[list[str]]] | None = None, step: float = 0.5):
    """Tidy-tree slots: (slot, depth, stacked index) per node id; leaves of a parent whose
    children are all leaves are stacked in one column under it when ``stack_leaves`` (in
    columns of ``per_column`` side by side when given; ``stacks`` then gets parent id → its
    columns of leaf ids); ``step``: the depth between two stacked leaves."""
    ids = {n["id"]: n for n in nodes}
    children: dict[str, list[dict]] = defaultdict(list)
    roots = []
    for n in nodes:
        if n["parent"] in ids and n["parent"] != n["id"]:
            children[n["parent"]].append(n)
        else:
            roots.append(n)

    def order(n):  # numbers in names by value: 第一, 第二, 第三 … 第十网格
        return (S.KIND_ORDER.get(n["kind"], 999), bool(n.get("_summary")), name_key(n["label"]), n["id"])

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
            if what == "column":  # the leaf children of x, stacked in one column (or several)
                k = per_column or len(x)
                for i, c in enumerate(x):
                    slot[c["id"]] = counter[0] + i // k
                    depth[c["id"]] = dd + (i % k) * step
                counter[0] += -(-len(x) // k)
                if stacks is not None:
                    stacks[x[0]["_by"]] = [[c["id"] for c in x[j:j + k]] for j in range(0, len(x), k)]
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


def _layout_tree_meeting(nodes, boxes: Mapping[str, tuple[float, float, float]], gap: float, aspect: float,
                         room: float) -> tuple[dict[str, tuple[float, float]], dict[str, list[list[str]]]]:
    """The org tree for a meeting room: top-down, each parent's leaf children in columns of
    ``k`` side by side, ``k`` chosen so that the tree shows largest in a canvas of ``aspect``
    (width / height). Returns positions and the stacks (parent → columns of leaf ids).

    ``boxes``: id → (half width, above, below) of each node's box; a stacked leaf keeps
    ``room`` / 2 free on its left and right (the line down its column runs on the left).
    """
    longest = 1
    probe: dict[str, list[list[str]]] = {}
    _tree_slots(nodes, stack_leaves=True, stacks=probe, step=1.0)
    for cols in probe.values():
        longest = max(longest, sum(len(c) for c in cols))
    best = None
    for k in range(1, min(longest, 16) + 1):
        stacks: dict[str, list[list[str]]] = {}
        slot, depth = _tree_slots(nodes, stack_leaves=True, per_column=k, stacks=stacks, step=1.0)
        stacked = {i for cols in stacks.values() for col in cols for i in col}
        bx = {i: ((h + room / 2) if i in stacked else h, a, b) for i, (h, a, b) in boxes.items()}
        grid = {nid: (slot[nid], depth[nid]) for nid in slot}
        dx, _ = _tree_spacing(grid, bx, "UD", 40.0, 40.0, gap)
        # each row as high as its highest box (a row of one-line names is low)
        rows = sorted({depth[nid] for nid in slot})
        above = {d: max(bx[i][1] for i in slot if depth[i] == d) for d in rows}
        below = {d: max(bx[i][2] for i in slot if depth[i] == d) for d in rows}
        row_y = {rows[0]: 0.0}
        for d0, d1 in zip(rows, rows[1:]):
            row_y[d1] = row_y[d0] + below[d0] + gap + above[d1]
        pos = {nid: (round(slot[nid] * dx, 1), round(row_y[depth[nid]], 1)) for nid in slot}
        w = max(x + bx[i][0] for i, (x, _) in pos.items()) - min(x - bx[i][0] for i, (x, _) in pos.items())
        h = max(y + bx[i][2] for i, (_, y) in pos.items()) - min(y - bx[i][1] for i, (_, y) in pos.items())
        z = min(aspect / max(w, 1.0), 1.0 / max(h, 1.0))
        if best is None or z > best[0] * 1.0001:
            best = (z, pos, stacks)
    return best[1], best[2]
