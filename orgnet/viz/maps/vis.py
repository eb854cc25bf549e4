"""vis-network data: styled nodes and edges, and the network options."""

from __future__ import annotations

from typing import Any, Mapping

from orgnet.i18n import _norm_lang, t
from orgnet.viz import style as S
from orgnet.viz.maps.labels import _font_size, _hub_font_size, _symbol_size, _wrap


def _tip(title: Any, lang: str) -> list[str]:
    if title is None:
        return []
    if isinstance(title, Mapping):
        colon = "：" if _norm_lang(lang) == "zh" else ": "
        return [f"{k}{colon}{'' if v is None else v}" for k, v in title.items()]
    return [str(title)]


def _tint(color: str, share: float = 0.22) -> str:
    """``color`` (#RRGGBB) mixed with white: ``share`` of the colour."""
    c = color.lstrip("#")
    rgb = [int(c[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(255 - (255 - v) * share):02X}" for v in rgb)


def _vis_node(n, pos, lang, meeting, wrap_w, wrap_lines, hub: bool = False, boxed: bool = False) -> dict[str, Any]:
    """The vis node of ``n``. ``boxed``: the name inside a box in the kind's colours (the meeting
    org tree: a line ends at the box and never runs through a name)."""
    st = S.node_style(n["kind"])
    size = _symbol_size(n) * (1.45 if meeting else 1.0)
    fill, border, font_color = st.color, st.border, S.TEXT_COLOR
    dashed = st.dashed
    border_w = 1.5
    label = n["label"]
    if n.get("_summary"):
        fill, border, dashed = S.SUMMARY_COLOR, S.SUMMARY_BORDER, True
        shown = label
    elif hub:
        shown = _wrap(label, max(wrap_w, 8), 2, whole=meeting)
    else:
        shown = _wrap(label, wrap_w, wrap_lines, whole=meeting)
    if n.get("uncovered"):
        fill, border, font_color, dashed, border_w = S.UNCOVERED_FILL, S.UNCOVERED_BORDER, S.UNCOVERED_FONT, True, 3.5
        suffix = t("map.uncovered_suffix", lang).strip()
        one = f"{label}{suffix}" if _norm_lang(lang) == "zh" else f"{label} {suffix}"
        fits = len(one) <= wrap_w + (2 if boxed else 3)
        shown = one if fits else (f"{shown}\n{suffix}" if wrap_lines > 1 else f"{shown} {suffix}")
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
    if boxed:
        bg = fill if n.get("uncovered") or n.get("_summary") else _tint(fill)
        v.update(shape="box", margin=BOX_MARGIN, borderWidth=max(border_w, 3.0))
        v["color"] = {"background": bg, "border": border, "highlight": {"background": bg, "border": "#000000"},
                      "hover": {"background": bg, "border": "#000000"}}
    return v


#: the inner margin of a boxed node (px, around its name)
BOX_MARGIN = 5


def _spines(stacks: Mapping[str, list[list[str]]], pos: Mapping[str, tuple[float, float]],
            boxes: Mapping[str, tuple[float, float, float]], room: float,
            meeting: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[tuple[str, str]]]:
    """The lines to a parent's stacked leaves, drawn beside their column instead of through it:
    from the parent to a bend under it, along to each column, down its left side and across to
    each leaf. Returns the joints (invisible nodes), the lines and the (parent, leaf) pairs the
    lines replace. ``boxes``: id → (half width, above, below); ``room``: the free band left of
    a column."""
    st = S.edge_style(None)
    width = round(st.width * (1.4 if meeting else 1.0), 2)
    joints: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    pairs: set[tuple[str, str]] = set()

    def joint(jid: str, x: float, y: float) -> None:
        joints.append({"id": jid, "x": round(x, 1), "y": round(y, 1), "shape": "dot", "size": 0.5, "label": "",
                       "borderWidth": 0, "chosen": False, "on_joint": True,
                       "color": {"background": st.color, "border": st.color}})

    def line(a: str, b: str) -> None:
        lines.append({"from": a, "to": b, "width": width, "smooth": False, "chosen": False,
                      "color": {"color": st.color, "highlight": st.color, "hover": st.color, "opacity": 0.9}})

    for parent, cols in sorted(stacks.items()):
        if parent not in pos:
            continue
        px, py = pos[parent]
        first_top = min(pos[col[0]][1] - boxes[col[0]][1] for col in cols)
        bend_y = (py + boxes[parent][2] + first_top) / 2
        prev = parent
        for j, col in enumerate(cols):
            x = pos[col[0]][0] - max(boxes[i][0] for i in col) - room / 2
            bend = f"__joint__/{parent}/{j}"
            joint(bend, x, bend_y)
            line(prev, bend)
            prev = up = bend
            for leaf in col:
                k = f"__joint__/{leaf}"
                joint(k, x, pos[leaf][1])
                line(up, k)
                line(k, leaf)
                up = k
                pairs.add((parent, leaf))
    return joints, lines, pairs


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
