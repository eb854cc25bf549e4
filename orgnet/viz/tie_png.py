"""A linkage map as a still PNG for print (述职评议 packs): one centre (a community, or a street)
with its ties around it, drawn on the server with Pillow in the map's band colours and widths
(:data:`orgnet.viz.style.EDGE_STYLES`), a label and score on each tie, and a legend.

The app's interactive map exports its PNG in the browser; a Word document needs the image on
the server, so this draws the same content (ties only: strong, medium, weak) without a browser.
The font is the score sheet's (:func:`orgnet.viz.sheet.font_path`).
"""

from __future__ import annotations

import io
import math
from typing import Any, Sequence

from orgnet.viz.sheet import font_path
from orgnet.viz.style import EDGE_STYLES, TEXT_COLOR

#: at most this many ties are drawn (the strongest); the caption says how many were left out
MAX_TIES = 24


def ties_png(centre: str, ties: Sequence[dict[str, Any]], *, title: str, band_names: dict[str, str],
             size: int = 1100) -> bytes:
    """PNG bytes: ``centre`` in the middle, each tie (``name``, ``score``, ``band``) on a circle
    around it, strongest first clockwise from the top; ``band_names``: legend text by band."""
    from PIL import Image, ImageDraw, ImageFont

    ties = sorted(ties, key=lambda t: (-float(t["score"]), str(t["name"])))
    shown, hidden = ties[:MAX_TIES], len(ties) - min(len(ties), MAX_TIES)
    scale = size / 1400
    font = ImageFont.truetype(font_path(), round(22 * scale))
    bold = ImageFont.truetype(font_path(bold=True), round(30 * scale))
    head = ImageFont.truetype(font_path(bold=True), round(36 * scale))
    height = size + round(120 * scale)
    img = Image.new("RGB", (size, height), "white")
    d = ImageDraw.Draw(img)
    d.text((size / 2, round(40 * scale)), title, fill=TEXT_COLOR, font=head, anchor="mm")
    cx, cy, radius = size / 2, size / 2 + round(30 * scale), size * 0.30
    points = []
    for i, t in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(shown), 1)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle, t))
    for x, y, _, t in points:
        style = EDGE_STYLES.get(t["band"], EDGE_STYLES["weak"])
        d.line([(cx, cy), (x, y)], fill=style.color, width=max(1, round(style.width * 1.6 * scale)))
        d.text(((cx + x) / 2, (cy + y) / 2), f"{float(t['score']):g}", fill=TEXT_COLOR, font=font, anchor="mm",
               stroke_width=max(1, round(3 * scale)), stroke_fill="white")
    r = round(14 * scale)
    for x, y, angle, t in points:
        d.ellipse([x - r, y - r, x + r, y + r], fill="#FFE0B2", outline="#E65100", width=max(1, round(2 * scale)))
        anchor = "lm" if math.cos(angle) > 0.2 else ("rm" if math.cos(angle) < -0.2 else "mm")
        dx = (r + 6) * (1 if anchor == "lm" else -1 if anchor == "rm" else 0)
        dy = 0 if anchor != "mm" else (r + 18 * scale) * (1 if math.sin(angle) > 0 else -1)
        d.text((x + dx, y + dy), _short(t["name"]), fill=TEXT_COLOR, font=font, anchor=anchor)
    R = round(60 * scale)
    d.ellipse([cx - R, cy - R, cx + R, cy + R], fill="#C62828", outline="#8E0000", width=max(1, round(3 * scale)))
    d.text((cx, cy + R + round(26 * scale)), centre, fill=TEXT_COLOR, font=bold, anchor="mm",
           stroke_width=max(1, round(4 * scale)), stroke_fill="white")
    x = round(40 * scale)
    y = height - round(50 * scale)
    for band in ("strong", "medium", "weak"):
        style = EDGE_STYLES[band]
        d.line([(x, y), (x + round(60 * scale), y)], fill=style.color, width=max(1, round(style.width * 1.6 * scale)))
        label = band_names.get(band, band)
        d.text((x + round(72 * scale), y), label, fill=TEXT_COLOR, font=font, anchor="lm")
        x += round(72 * scale) + int(font.getlength(label)) + round(40 * scale)
    note = f"共{len(ties)}个联建关系" + (f"，图中为最强的{len(shown)}个" if hidden else "") if ties else "暂无联建关系"
    d.text((size - round(40 * scale), y), note, fill=TEXT_COLOR, font=font, anchor="rm")
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=3)
    return buf.getvalue()


def _short(name: str, limit: int = 12) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


__all__ = ["ties_png", "MAX_TIES"]
