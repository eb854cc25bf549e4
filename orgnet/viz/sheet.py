"""A linkage score sheet (联建强度评分表) as a printable PNG, drawn on the server with Pillow.

Input: the sheet's title, its text cells (header first, the total last:
``orgnet.analysis.linkage.sheet_cells``) and a footnote. The text needs a font with Chinese
glyphs: the first of :data:`FONT_CANDIDATES` found on the machine (Noto Sans CJK, WenQuanYi,
Source Han Sans …), or ``ORGNET_SHEET_FONT``; without one a clear error says what to install.
Nothing is fetched from anywhere.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path

from orgnet.errors import ConfigError

#: fonts with CJK glyphs, tried in this order (Debian/Ubuntu, RHEL/Kylin/UOS, macOS, Windows)
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSansCN-Regular.otf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
_BOLD = {"NotoSansCJK-Regular.ttc": "NotoSansCJK-Bold.ttc"}


@lru_cache(maxsize=2)
def font_path(bold: bool = False) -> str:
    """The CJK font the sheet is drawn with."""
    own = os.environ.get("ORGNET_SHEET_FONT")
    for p in ([own] if own else []) + list(FONT_CANDIDATES):
        if p and Path(p).is_file():
            if bold and Path(p).name in _BOLD and (Path(p).parent / _BOLD[Path(p).name]).is_file():
                return str(Path(p).parent / _BOLD[Path(p).name])
            return p
    raise ConfigError("no font with Chinese characters for the score sheet PNG: install one "
                      "(e.g. apt-get install fonts-noto-cjk) or set ORGNET_SHEET_FONT to a .ttf/.ttc file")


def sheet_png(title: str, cells: list[list[str]], footnote: str = "", *, scale: float = 2.0) -> bytes:
    """The sheet as PNG bytes: a title, a ruled table (numbers right-aligned, the total row
    bold) and a footnote, at ``scale`` × 1 px per point (2: sharp when printed)."""
    from PIL import Image, ImageDraw, ImageFont

    size = round(15 * scale)
    font = ImageFont.truetype(font_path(), size)
    bold = ImageFont.truetype(font_path(bold=True), size)
    head = ImageFont.truetype(font_path(bold=True), round(19 * scale))
    small = ImageFont.truetype(font_path(), round(12 * scale))
    pad, row_h = round(10 * scale), round(30 * scale)

    def w(text: str, f) -> int:
        return int(f.getlength(text))

    cols = len(cells[0])
    widths = [max(w(r[i], bold) for r in cells) + 2 * pad for i in range(cols)]
    table_w = sum(widths)
    width = max(table_w, w(title, head), w(footnote, small)) + 2 * pad
    height = pad * 3 + round(30 * scale) + row_h * len(cells) + (round(24 * scale) if footnote else 0) + pad
    img = Image.new("RGB", (width, height), "white")
    d = ImageDraw.Draw(img)
    d.text((pad, pad), title, font=head, fill="#1F2937")
    y = pad * 2 + round(30 * scale)
    for j, r in enumerate(cells):
        top = y + j * row_h
        if j == 0:
            d.rectangle([pad, top, pad + table_w, top + row_h], fill="#EEF2F7")
        if j == len(cells) - 1:
            d.rectangle([pad, top, pad + table_w, top + row_h], fill="#F6F8EE")
        x = pad
        for i, text in enumerate(r):
            f = bold if j in (0, len(cells) - 1) else font
            tx = x + pad if i == 0 else x + widths[i] - pad - w(text, f)
            d.text((tx, top + (row_h - size) // 2 - round(2 * scale)), text, font=f, fill="#111827")
            x += widths[i]
        d.line([pad, top + row_h, pad + table_w, top + row_h], fill="#9CA3AF", width=max(1, round(scale / 2)))
    d.line([pad, y, pad + table_w, y], fill="#4B5563", width=max(1, round(scale)))
    if footnote:
        d.text((pad, y + row_h * len(cells) + pad), footnote, font=small, fill="#4B5563")
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


__all__ = ["sheet_png", "font_path", "FONT_CANDIDATES"]
