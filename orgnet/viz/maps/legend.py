"""The legend: entries for the kinds, flags and bands present, and its HTML."""

from __future__ import annotations

import html
import math
from typing import Any, Mapping, Sequence

from orgnet.analysis.linkage import band_label
from orgnet.i18n import t
from orgnet.viz import style as S
from orgnet.viz.maps.normalise import Rows, _norm_edges, _norm_nodes


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
