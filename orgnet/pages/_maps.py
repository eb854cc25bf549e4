"""Turn page data (explore subgraphs, org trees, scored linkage pairs) into :mod:`orgnet.viz` maps."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from orgnet import model as m
from orgnet.collate import name_key
from orgnet.viz import maps as V
from orgnet.viz import style as S

#: nodes drawn one by one before the map aggregates (keeps the browser responsive)
MAX_NODES = 250
#: the explorer's rings as ellipses this much wider than high while a cluster is paged through
#: (the map then takes the page's width: 50 of the cluster in a grid beside the rings fit at 12 px)
PAGED_STRETCH = 1.8


def _node_kind(n: dict) -> str:
    props = {"kind": n.get("kind"), "level": n.get("kind")}
    return S.node_kind(n.get("labels") or n.get("label") or (), props)


def _tip(c, n: dict) -> dict[str, Any]:
    from orgnet.pages._ui import kind_name

    tip = {c.t("common.name"): n["name"], c.t("common.kind"): kind_name(c, n)} if not n.get("aggregate") \
        else {c.t("common.kind"): kind_name(c, n)}
    if n.get("members"):
        tip[m.Label.Member.zh if c.lang == "zh" else "Members"] = n["members"]
    if not n.get("aggregate"):
        tip[c.t("common.id")] = n.get("area_id") or n["id"]
    return tip


def network_rows(c, sub) -> tuple[list[dict], list[dict]]:
    """Explorer subgraph → viz rows (aggregates labelled "+N kinds", edges with their relationship)."""
    from orgnet.pages._ui import enum_name, kind_name

    on_page = {i for p in (getattr(sub, "paged", None) or {}).values() for i in p.get("ids", ())}
    parent_of: dict[str, str] = {}
    for e in sub.edges:  # the node each one hangs under (nearest to the centre) for viz's own capping
        parent_of.setdefault(e["target"], e["source"])
        parent_of.setdefault(e["source"], e["target"])
    nodes = []
    for n in sub.nodes:
        kind = _node_kind(n)
        if n.get("group"):  # a cluster that opens on click: "党员 212"
            label = c.t("map.group", n=n["count"], kind=kind_name(c, n))
            row = {"id": n["id"], "label": label, "kind": kind, "cluster": True, "weight": 5.0, "count": n["count"],
                   "title": {c.t("map.group_tip"): n["count"]}, "parent": parent_of.get(n["id"])}
        elif n.get("aggregate"):
            label = c.t("map.more", n=n["count"], kind=S.kind_name(kind, c.lang, plural=True))
            row = {"id": n["id"], "label": label, "kind": kind, "title": {c.t("legend.summary"): n["count"]},
                   "parent": parent_of.get(n["id"])}
        else:
            row = {"id": n["id"], "label": n["name"], "kind": kind, "title": _tip(c, n),
                   "parent": None if n["id"] == sub.center else parent_of.get(n["id"]),
                   "weight": 1000.0 if n["id"] == sub.center else 10.0 / (1 + n.get("hop", 1)),
                   "block": n["id"] in on_page}  # a page of an opened cluster: a grid beside the rings
        nodes.append(row)
    edges = [{"source": e["source"], "target": e["target"],
              "title": enum_name(e["rel"], c.lang, m.Rel) if e["rel"] else ""} for e in sub.edges]
    return nodes, edges


def short_name(name: str) -> str:
    """A label for a crowded map: without the "中共" prefix (the full name stays in the tooltip)."""
    name = str(name or "")
    return name[2:] if name.startswith("中共") and len(name) > 4 else name


def tree_rows(c, tree) -> tuple[list[dict], list[dict]]:
    parent = {e["target"]: e["source"] for e in tree.edges}
    nodes = []
    for n in tree.nodes:
        kind = _node_kind(n)
        label = short_name(n["name"])
        if n.get("aggregate"):
            # the map library appends "（未覆盖）" to every uncovered node, folded ones included
            label = c.t("map.more", n=n["count"], kind=S.kind_name(kind, c.lang, plural=True))
        nodes.append({"id": n["id"], "label": label, "kind": kind, "parent": parent.get(n["id"]),
                      "uncovered": bool(n.get("uncovered")), "title": _tip(c, n)})
    return nodes, []


def linkage_rows(c, scored: pd.DataFrame) -> tuple[list, list, list]:
    """Scored pairs → (communities, units, ties) rows for ``linkage_map_html``."""
    if scored is None or scored.empty:
        return [], [], []
    comms = (scored.drop_duplicates("community_id")[["community_id", "community", "street"]]
             .rename(columns={"community_id": "id", "community": "name"}).to_dict("records"))
    best = scored.sort_values(["score", "community_id"], ascending=[False, True]).drop_duplicates("unit_id")
    units = [{"id": r["unit_id"], "name": r["unit"], "kind": r.get("unit_kind"),
              "community_id": r["community_id"], "weight": float(r["score"])} for r in best.to_dict("records")]
    from orgnet.analysis.linkage import ITEMS

    ties = [{"community_id": r["community_id"], "unit_id": r["unit_id"], "score": float(r["score"]),
             "band": r["band"], "channels": {ch: int(r[ch]) for ch in ITEMS if r.get(ch)}}
            for r in scored.to_dict("records")]
    return comms, units, ties


def html_for(c, which: str, data, *, title: str, height: int | str | None = None, standalone: bool = False,
             note: str | None = None, **_: Any) -> str:  # noqa: C901
    """The map's HTML in the page language; meeting mode enlarges it and adds title, date, legend.

    ``standalone``: the file to download — fills the browser window, always with title and date.
    ``height``: pixels, or a CSS length such as "100vh" (a map as tall as its frame).
    """
    meeting = c.meeting or standalone
    h = "100vh" if standalone else height if isinstance(height, str) else f"{height or (720 if c.meeting else 580)}px"
    common = dict(lang=c.lang, height=h, meeting=meeting, title=title if meeting else None,
                  date=c.as_of if meeting else None, max_nodes=MAX_NODES, notes=[note] if note else None)
    if which == "network":
        nodes, edges = network_rows(c, data)
        # with a page of a cluster beside them, the rings widen to ellipses (the map then has the page's width)
        return V.network_html(nodes, edges, layout="radial", focus=data.center,
                              stretch=PAGED_STRETCH if getattr(data, "paged", None) else 1.0, **common)
    if which == "org_tree":
        nodes, edges = tree_rows(c, data)
        return V.org_tree_html(nodes, edges, direction=_.get("direction", "auto"), **common)
    if which == "linkage":
        comms, units, ties = linkage_rows(c, data)
        return V.linkage_map_html(comms, units, ties, **common)
    raise ValueError(which)


def tree_slides(c, tree, whole_extra: float = 0.0) -> list[tuple[Any, list[str]]]:
    """A community's org tree for a meeting room, in slides that each fit the meeting canvas at
    readable label sizes (the layout's own box estimate, ``V.fits_canvas``): the whole tree when it
    fits, else its root with as many of the branches under it (grids, compounds, …, in the
    drawing's order) as fit, slide after slide. Returns ``[(tree part, names of its branches)]``
    (no names: the whole tree). A whole tree has the slide stepper's row more (``whole_extra`` px)."""
    if _fits(c, tree, whole_extra):
        return [(tree, [])]
    parent = {e["target"]: e["source"] for e in tree.edges}
    by_id = {n["id"]: n for n in tree.nodes}
    roots = [i for i in by_id if parent.get(i) not in by_id]
    if len(roots) != 1:
        return [(tree, [])]
    root = roots[0]
    kids: dict[str, list[str]] = {}
    for child, par in parent.items():
        if child in by_id and par in by_id:
            kids.setdefault(par, []).append(child)
    rows = {r["id"]: r for r in tree_rows(c, tree)[0]}

    def order(i: str) -> tuple:  # the drawing's own order (orgnet.viz.maps.tree)
        return (S.KIND_ORDER.get(S.resolve_kind(rows[i]["kind"]), 999), bool(by_id[i].get("aggregate")),
                name_key(rows[i]["label"]), i)

    def below(i: str) -> list[str]:
        out, todo = [], [i]
        while todo:
            x = todo.pop()
            out.append(x)
            todo.extend(kids.get(x, ()))
        return out

    def part(branches: list[str]):
        keep = {root} | {x for b in branches for x in below(b)}
        return replace(tree, nodes=[n for n in tree.nodes if n["id"] in keep],
                       edges=[e for e in tree.edges if e["source"] in keep and e["target"] in keep])

    slides: list[list[str]] = []
    for branch in sorted(kids.get(root, []), key=order):
        if slides and _fits(c, part(slides[-1] + [branch])):
            slides[-1].append(branch)
        else:
            slides.append([branch])
    return [(part(s), [rows[b]["label"] for b in s]) for s in slides]


def _fits(c, tree, extra_h: float = 0.0) -> bool:
    nodes, edges = tree_rows(c, tree)
    w, h = V.MEETING_CANVAS
    return V.fits_canvas(V.drawing_extent(nodes, edges, lang=c.lang, meeting=True, layout="tree",
                                          max_nodes=MAX_NODES), (w, h + extra_h))
