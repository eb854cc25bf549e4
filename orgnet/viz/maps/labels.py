"""Label text: width estimates, wrapping, font sizes and the box a label takes."""

from __future__ import annotations

import re
from typing import Any, Mapping


_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _text_w(text: str, font: float) -> float:
    return max((sum(1.0 if _WIDE.match(ch) else 0.6 for ch in line) for line in text.split("\n")),
               default=0.0) * font


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


def _font_size(size: float, meeting: bool) -> int:
    base = 15 if size < 18 else (17 if size < 24 else 19)
    return int(round(base * (1.6 if meeting else 1.0)))


def _hub_font_size(meeting: bool) -> int:
    """Community labels on the linkage map: bigger than the units', and bold."""
    return 22 if not meeting else 36


_LINE_H = 1.2  # label line height, in font sizes (vis draws about 1.0–1.15)


def _label_box(v: Mapping[str, Any]) -> tuple[float, float, float]:
    """(half width, extent above, extent below) of a vis node and the label drawn under it."""
    font = float(v["font"]["size"])
    size = float(v["size"])
    label = re.sub(r"</?b>", "", str(v.get("label") or ""))
    lines = label.count("\n") + 1 if label else 0
    half = max(size, _text_w(label, font) / 2 + 2.0)  # + the white text stroke
    return half, size, size + 3.0 + lines * font * _LINE_H + 2.0
