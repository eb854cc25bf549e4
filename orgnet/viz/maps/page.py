"""The page: ``prepare`` (everything as plain data) and the offline HTML document."""

from __future__ import annotations

import datetime as _dt
import html
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

from orgnet.i18n import _norm_lang, t
from orgnet.viz import style as S
from orgnet.viz.offline import vis_css, vis_js
from orgnet.viz.maps.cap import _cap_flat, _cap_tree
from orgnet.viz.maps.labels import _font_size, _hub_font_size, _label_box, _tree_wrap
from orgnet.viz.maps.layout import (_cross_edges, _drop_cross_weak, _is_hub, _is_tree_hub, _layout_bipartite,
                                    _layout_force, _layout_radial)
from orgnet.viz.maps.legend import _legend_from, legend_html
from orgnet.viz.maps.normalise import Rows, _norm_edges, _norm_nodes
from orgnet.viz.maps.tree import _layout_tree, _layout_tree_meeting
from orgnet.viz.maps.vis import _options, _spines, _tint, _vis_edge, _vis_node

#: the smallest on-screen label size (px, font size × zoom) a fitted map keeps: at a desk,
#: and in meeting mode (projected: unit labels, community labels)
DESK_LABEL_PX = 12.0
MEETING_LABEL_PX = 24.0
MEETING_HUB_PX = 32.0
#: the width / height of a meeting map's canvas at 1920×1080 that layouts aim for (the page stretches
#: the drawing to the canvas it really gets)
MEETING_ASPECT = 2.8


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
            cross_weak: bool = True, focus: str | None = None, stretch: float = 1.0) -> dict[str, Any]:
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
    # the meeting org tree: names in boxes, leaves in columns with their lines beside them
    boxed = layout == "tree" and meeting and (direction or "auto").upper() != "LR"
    stacks: dict[str, list[list[str]]] = {}
    room = float(_font_size(15, meeting)) / 2  # beside a column of boxes: its line
    if boxed:
        w, lines = _tree_wrap("box")
        bx = {n["id"]: _label_box(_vis_node(n, {}, lang, meeting, w, lines, hub=_is_tree_hub(n), boxed=True))
              for n in ns}
        pos, stacks = _layout_tree_meeting(ns, bx, gap=10.0, aspect=MEETING_ASPECT, room=room)
        dir_used = "UD"
    elif layout == "tree":
        def boxes(d: str) -> dict[str, tuple[float, float, float]]:
            w, lines = _tree_wrap(d)
            return {n["id"]: _label_box(_vis_node(n, {}, lang, meeting, w, lines, hub=_is_tree_hub(n))) for n in ns}

        pos, dir_used = _layout_tree(ns, direction.upper() if direction else "auto", scale, boxes=boxes,
                                     gap=float(_font_size(15, meeting)) * 0.8)
    elif layout == "bipartite":
        pos = _layout_bipartite(ns, es, 1.45 if meeting else 1.0, font=_font_size(14, meeting),
                                hub_font=_hub_font_size(meeting), wrap_w=6, wrap_lines=2,
                                aspect=MEETING_ASPECT if meeting else 1.45, whole=meeting, widen=meeting)
        for e, cross in zip(es, _cross_edges(ns, es)):
            if cross:
                e["_cross"] = True
    elif layout == "radial":
        pos = _layout_radial(ns, es, focus, font=float(_font_size(15, meeting)), wrap_w=8, whole=meeting,
                             stretch=stretch)
    else:
        pos = _layout_force(ns, es)
        if meeting:
            pos = {k: (round(x * scale, 1), round(y * scale, 1)) for k, (x, y) in pos.items()}
    if layout == "tree":
        wrap_w, wrap_lines = _tree_wrap("box" if boxed else dir_used)
    elif layout == "bipartite":
        wrap_w, wrap_lines = 6, 2
    else:
        wrap_w, wrap_lines = 8, 2
    hub = _is_hub if layout == "bipartite" else _is_tree_hub if layout == "tree" else (lambda n: False)
    vnodes = [_vis_node(n, pos, lang, meeting, wrap_w, wrap_lines, hub=hub(n), boxed=boxed) for n in ns]
    vedges = [_vis_edge(e, lang, meeting) for e in es]
    if stacks:
        joints, lines_, pairs = _spines(stacks, pos, bx, room, meeting)
        vedges = [v for v, e in zip(vedges, es) if (e["source"], e["target"]) not in pairs
                  and (e["target"], e["source"]) not in pairs] + lines_
        vnodes += joints
    return {
        "nodes": vnodes,
        "edges": vedges,
        "options": _options(len(vnodes), layout, dir_used, meeting),
        "legend": _boxed_legend(_legend_from(ns, es, lang, summary=any(n.get("_summary") for n in ns)), boxed),
        "shown": sum(1 for n in ns if not n.get("_summary")),
        "hidden": hidden,
        "direction": dir_used,
        "cross_weak_hidden": cross_hidden,
    }


#: the canvas (px) of a meeting-mode map page at 1920×1080 (the map frame less its title bar and
#: legend strip; measured in Chromium on the org tree page)
MEETING_CANVAS = (1840.0, 620.0)


def drawing_extent(nodes: Rows, edges: Rows = None, *, lang: str = "zh", meeting: bool = True,
                   layout: str = "tree", max_nodes: int = 300, direction: str = "auto") -> dict[str, float]:
    """The drawn map's own box estimate: width and height (canvas units) of every node with its
    label as ``prepare`` lays them out, and the smallest zoom the label sizes allow (the map's fit
    never zooms out further: ``MEETING_LABEL_PX`` / ``MEETING_HUB_PX`` over the smallest font, as
    the page's script computes it). Returns ``{"w", "h", "min_zoom"}``."""
    data = prepare(nodes, edges, lang=lang, meeting=meeting, layout=layout, max_nodes=max_nodes,
                   direction=direction)
    l = t_ = float("inf")
    r = b = float("-inf")
    fonts: dict[str, float] = {}
    for v in data["nodes"]:
        if v.get("on_joint"):
            continue
        half, above, below = _label_box(v)
        l, r = min(l, v["x"] - half), max(r, v["x"] + half)
        t_, b = min(t_, v["y"] - above), max(b, v["y"] + below)
        font = v.get("font") or {}
        kind = "hub" if font.get("multi") == "html" else "unit"
        if font.get("size") and not v.get("on_summary"):
            fonts[kind] = min(fonts.get(kind, float("inf")), float(font["size"]))
    if l == float("inf"):
        return {"w": 0.0, "h": 0.0, "min_zoom": 0.0}
    label_px, hub_px = (MEETING_LABEL_PX, MEETING_HUB_PX) if meeting else (DESK_LABEL_PX, DESK_LABEL_PX)
    unit, hub = fonts.get("unit") or fonts.get("hub"), fonts.get("hub") or fonts.get("unit")
    return {"w": r - l, "h": b - t_, "min_zoom": max(label_px / unit, hub_px / hub)}


def fits_canvas(extent: dict[str, float], canvas: tuple[float, float] = MEETING_CANVAS) -> bool:
    """Whether a drawing of ``extent`` (:func:`drawing_extent`) is shown whole in ``canvas`` at
    readable label sizes: the zoom that fits it (the page's fit, with its margins) is not below
    the smallest zoom its labels allow."""
    if not extent["w"] or not extent["h"]:
        return True
    zoom = min((canvas[0] - 20) / extent["w"], (canvas[1] - 8) / extent["h"])
    return zoom >= extent["min_zoom"]


def _boxed_legend(entries: list[dict[str, Any]], boxed: bool) -> list[dict[str, Any]]:
    """The legend of a boxed (meeting) org tree: each kind as the box it is drawn in."""
    if not boxed:
        return entries
    return [dict(e, shape="square", color=_tint(e["color"])) if e["type"] == "node" else e for e in entries]


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
                 min_hub_px: float | None = None, notes: Sequence[str] | None = None, stretch: float = 1.0) -> str:
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
    ``stretch``: the ``"radial"`` layout's rings as ellipses this much wider than high (for a
    canvas wider than high).
    ``min_label_px`` / ``min_hub_px``: the smallest on-screen size (font size × zoom) of
    ordinary and of hub labels; fitting the view never zooms out further (the map can then
    be panned). Default: 12 px, and in meeting mode 24 px and 32 px (read from 8–10 m at 1920×1080).
    Output is byte-identical for identical input (and identical ``date``).
    """
    lang = _norm_lang(lang)
    data = prepare(nodes, edges, lang=lang, meeting=meeting, layout=layout, max_nodes=max_nodes,
                   direction=direction, cross_weak=cross_weak, focus=focus, stretch=stretch)
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
                 "notes": notes, "focus": focus, "minLabelPx": min_label_px, "minHubPx": min_hub_px,
                 "widen": bool(meeting) and layout in ("tree", "bipartite")},
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
