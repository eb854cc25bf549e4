"""Label text: width estimates, wrapping, font sizes and the box a label takes."""

from __future__ import annotations

import math
import re
from typing import Any, Mapping


_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _text_w(text: str, font: float) -> float:
    return max((sum(1.0 if _WIDE.match(ch) else 0.6 for ch in line) for line in text.split("\n")),
               default=0.0) * font


def _digits(text: str, i: int) -> bool:
    """Whether a break before ``text[i]`` would split a number or a Latin word ("1|05号楼")."""
    return text[i - 1].isascii() and text[i - 1].isalnum() and text[i].isascii() and text[i].isalnum()


def _wrap(text: str, width: int, lines: int, whole: bool = False) -> str:
    """``text`` in at most ``lines`` lines of about ``width`` characters (CJK; Latin text gets
    1.9 × as many), cut with "…" when longer — or, with ``whole`` (meeting mode), with lines
    made as long as it takes: the whole name, never cut."""
    text = " ".join(str(text).split())
    if not text:
        return ""
    out: list[str] = []
    chinese = re.search(r"[\u3400-\u9fff]", text) is not None
    if whole:
        per_line = math.ceil(len(text) / max(lines, 1))
        longest = max(len(w) for w in text.split(" "))
        width = max(width, per_line + 1 if chinese else math.ceil((per_line + longest) / 1.9))
    if chinese:  # Chinese: break anywhere, but nicely
        if len(text) <= width + 2 or lines == 1 and len(text) <= width:
            return text if len(text) <= width + 2 else text[: width - 1] + "…"
        if lines >= 2 and len(text) <= 2 * width and "（" not in text:
            half = (len(text) + 1) // 2
            while 1 < half < len(text) and (text[half] in "）)，,、。：；》" or _digits(text, half)):
                half -= 1
            return text[:half] + "\n" + text[half:]
        rest = text
        while rest and len(out) < lines:
            cut = width
            p = rest.find("（")
            if 2 <= p <= width and len(rest) > width and (len(out) + 1 < lines) and len(rest) - p <= width:
                cut = p  # "区图书馆分馆" / "（2号）"
            while 1 < cut < len(rest) and (rest[cut] in "）)，,、。：；》" or _digits(rest, cut)):
                cut -= 1
            out.append(rest[:cut])
            rest = rest[cut:]
        if rest:
            out[-1] = out[-1] + rest if whole else out[-1][:-1] + "…"
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
        if whole and i < len(words):
            out[-1] = " ".join([out[-1], *words[i:]])
        elif i < len(words) or (out and len(out[-1]) > w):
            out[-1] = out[-1][: w - 1] + "…"
    return "\n".join(out)


def _tree_wrap(direction: str | None) -> tuple[int, int]:
    """Label wrap (characters per line, lines) of a tree map drawn in ``direction`` ("box": the
    meeting tree's boxes, narrow so that many columns fit the width)."""
    return (16, 1) if direction == "LR" else (5, 2) if direction == "box" else (8, 2)


def _symbol_size(n: Mapping[str, Any]) -> float:
    """A node's symbol size (vis px at a desk): its ``size`` or its kind's; a cluster of
    neighbours ("党员 218") grows with what it holds (about 14 px for 5, 27 for 200, at most 34)."""
    from orgnet.viz import style as S

    size = float(n.get("size") or S.node_style(n.get("kind")).size)
    if n.get("cluster") and n.get("count"):
        size = max(size, min(34.0, 8.0 + 8.0 * math.log10(1 + float(n["count"]))))
    return size


def _font_size(size: float, meeting: bool) -> int:
    base = 15 if size < 18 else (17 if size < 24 else 19)
    return int(round(base * (1.6 if meeting else 1.0)))


def _hub_font_size(meeting: bool) -> int:
    """Community labels on the linkage map: bigger than the units', and bold."""
    return 22 if not meeting else 33


_LINE_H = 1.2  # label line height, in font sizes (vis draws about 1.0–1.15)
_BOX_LINE_H = 1.1  # the same inside a box (tighter: a box grows with its text)


def _label_box(v: Mapping[str, Any]) -> tuple[float, float, float]:
    """(half width, extent above, extent below) of a vis node and the label drawn under it."""
    font = float(v["font"]["size"])
    size = float(v["size"])
    label = re.sub(r"</?b>", "", str(v.get("label") or ""))
    lines = label.count("\n") + 1 if label else 0
    if v.get("shape") == "box":  # the name inside the box
        pad = float(v.get("margin", 5)) + float(v.get("borderWidth", 1))
        half_h = lines * font * _BOX_LINE_H / 2 + pad
        return _text_w(label, font) / 2 + pad, half_h, half_h
    half = max(size, _text_w(label, font) / 2 + 2.0)  # + the white text stroke
    return half, size, size + 3.0 + lines * font * _LINE_H + 2.0
