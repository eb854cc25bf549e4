"""述职评议 packs as Word documents, one per secretary: python-docx over the
facts of :func:`orgnet.pack_facts.pack_data`.

Offices edit the pack before the meeting, so it is a plain .docx: styles with the East Asian
font named (宋体 for text, 黑体 for headings; WPS and Word on a Chinese desktop have both; the
Latin font is named too), A4, tables in the document's grid style, the linkage map as a PNG
(:func:`orgnet.viz.tie_png.ties_png`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from orgnet.analysis.assessment import LEVEL_ZH

BODY_FONT = "宋体"  # SimSun
HEADING_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"
STATUS_ZH = {"open": "待整改", "in_progress": "整改中", "closed": "已销号", "deferred": "暂缓"}
GRADE_ZH = {"excellent": "优秀", "good": "良好", "fair": "一般", "poor": "较差"}


def _fonts(doc: Any) -> None:
    """Name the East Asian font on every style the pack uses (w:eastAsia), else Word/WPS fall
    back to a Latin font for Chinese text."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid", "Caption"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        east = HEADING_FONT if name.startswith(("Heading", "Title")) else BODY_FONT
        style.font.name = LATIN_FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
            fonts.set(qn(attr), east if attr == "w:eastAsia" else LATIN_FONT)
        if name == "Normal":
            style.font.size = Pt(12)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _table(doc: Any, headers: list[str], rows: list[list[Any]]) -> Any:
    """A ruled table, header row bold; built at its full size at once (adding rows one by one
    recomputes the grid each time: 81 packs took 0.6 s each that way)."""
    t = doc.add_table(rows=1 + len(rows), cols=len(headers))
    t.style = doc.styles["Table Grid"]
    cells = t._cells
    n = len(headers)
    for i, h in enumerate(headers):
        cells[i].paragraphs[0].add_run(h).bold = True
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is not None and v != "":
                cells[r * n + c].paragraphs[0].add_run(str(v))
    return t


def title_of(facts: dict[str, Any]) -> str:
    return f"{facts['entity']['name']}党组织书记抓基层党建工作述职评议材料"


def period_of(facts: dict[str, Any]) -> str:
    prev = facts["previous"]
    return f"{prev['as_of']} 至 {facts['as_of']}" if prev and prev.get("as_of") else f"截至 {facts['as_of']}"


def write_pack(facts: dict[str, Any], path: str | Path, *, map_png: bytes | None = None) -> Path:
    """The pack of one street or community as a .docx at ``path``."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    _fonts(doc)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    e, head = facts["entity"], facts["head"]
    level = LEVEL_ZH[facts["level"]]
    # cover
    for _ in range(4):
        doc.add_paragraph()
    p = doc.add_paragraph(style="Title")
    p.add_run(title_of(facts))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cover = [("党组织", head.get("org") or f"{e['name']}（未找到党组织）"),
             ("书    记", head.get("secretary") or "（空缺）"),
             ("所属街道" if facts["level"] == "community" else "街    道", e.get("street") or e["name"]),
             ("述职期间", period_of(facts)), ("数据快照", f"{facts['graph']}（{facts['series']}）")]
    for k, v in cover:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(f"{k}：{v}")
        r.font.size = Pt(16)
    doc.add_page_break()
    # 1 KPIs
    doc.add_heading("一、主要指标完成情况", level=1)
    prev = facts["previous"]
    _table(doc, ["指标", "本期", "分子/分母", "目标值", f"上期（{prev['name']}）" if prev else "上期", "变化"],
           [[k["title"], _pct(k["rate"]), f"{k['numerator']}/{k['denominator']}", _pct(k["target"]),
             _pct(k["previous"]) if prev else "无上期快照",
             _delta(k["rate"], k["previous"]) if prev else "—"] for k in facts["kpis"]])
    # 2 考核
    doc.add_heading("二、考核得分", level=1)
    a = facts["assessment"]
    if a:
        change = "" if a.get("rank_change") is None else f"，较上期{'上升' if a['rank_change'] > 0 else '下降' if a['rank_change'] < 0 else '持平'}" \
            + (f"{abs(a['rank_change'])}位" if a["rank_change"] else "")
        doc.add_paragraph(f"按《{facts['sheet']}》，总分{a['total']:g}分，在{facts['assessed']}个{level}中排名第{a['rank']}{change}。")
        _table(doc, ["考核项", "完成值", "得分", "满分", "说明"],
               [[ln["title"], ln["shown"], f"{ln['points']:g}", f"{ln['max']:g}", ln["reason"]] for ln in a["lines"]])
    # 3 gaps
    doc.add_heading("三、问题整改情况", level=1)
    gaps = facts["gaps"]
    doc.add_paragraph(f"目前尚有问题{sum(g['open'] for g in gaps)}个"
                      + (f"，上期以来已整改{sum(g['closed'] or 0 for g in gaps)}个" if prev else "（无上期快照，未统计已整改数）")
                      + "。")
    _table(doc, ["问题类型", "已整改", "尚未整改"],
           [[g["title"], "—" if g["closed"] is None else g["closed"], g["open"]] for g in gaps])
    # 4 overdue
    doc.add_heading("四、逾期督办事项", level=1)
    if facts["overdue"]:
        _table(doc, ["问题类型", "对象", "责任人", "整改时限", "状态"],
               [[o["rule"], o["name"], o["person"] or o["responsible"] or "", o["deadline"], STATUS_ZH.get(o["status"], o["status"])]
                for o in facts["overdue"]])
    else:
        doc.add_paragraph("无逾期督办事项。")
    # 5 evaluations
    doc.add_heading("五、共建单位评价", level=1)
    if facts["evaluations"]:
        _table(doc, ["日期", "评价单位", "等次", "依据协议"],
               [[v["evaluated_on"], v["evaluator"] or "", GRADE_ZH.get(v["grade"], v["grade"]), v["agreement"] or ""]
                for v in facts["evaluations"]])
    else:
        doc.add_paragraph("本期未收到共建单位评价。")
    # 6 map
    doc.add_heading("六、联建关系图", level=1)
    if map_png:
        doc.add_picture(io.BytesIO(map_png), width=Cm(15.5))
        doc.add_paragraph(f"图：{e['name']}联建关系（强、中、弱三档，线上数字为联建强度得分）", style="Caption")
    # 7 weakest ties
    doc.add_heading("七、联建最弱的五个关系", level=1)
    weakest = facts["ties"][:5]
    if weakest:
        _table(doc, ["序号", "单位" if facts["level"] == "community" else "社区—单位", "得分", "档次", "已有联建内容"],
               [[i, t["name"], f"{t['score']:g}", {"strong": "强", "medium": "中", "weak": "弱"}.get(t["band"], t["band"]),
                 t["items"]] for i, t in enumerate(weakest, 1)])
    else:
        doc.add_paragraph("暂无联建关系。")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def _delta(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "—"
    d = (now - before) * 100
    return f"{d:+.1f}个百分点"


def file_name(facts: dict[str, Any]) -> str:
    """``<name>_<secretary>_述职评议.docx`` with characters a file system refuses replaced."""
    who = facts["head"].get("secretary") or "书记空缺"
    base = f"{facts['entity']['name']}_{who}_述职评议"
    return re.sub(r'[\\/:*?"<>|\s]+', "_", base)[:80] + ".docx"


def map_png(facts: dict[str, Any]) -> bytes:
    """The entity's ties as the pack's map image."""
    from orgnet.analysis.linkage import BAND_ZH
    from orgnet.viz.tie_png import ties_png

    return ties_png(facts["entity"]["name"], facts["ties"], title=f"{facts['entity']['name']}联建关系图（{facts['as_of']}）",
                    band_names={b: f"{BAND_ZH[b]}联建" for b in ("strong", "medium", "weak")})


def write_packs(store: Any, graph: str, level: str, out_dir: str | Path, *, street_id: str | None = None,
                community_id: str | None = None, sheet: Any = None) -> list[Path]:
    """One .docx per street or community in the scope given, under ``out_dir``."""
    from orgnet.pack_facts import pack_data

    out_dir = Path(out_dir)
    paths = []
    for facts in pack_data(store, graph, level, street_id=street_id, community_id=community_id, sheet=sheet):
        paths.append(write_pack(facts, out_dir / file_name(facts), map_png=map_png(facts)))
    return paths


__all__ = ["write_packs", "map_png", "write_pack", "file_name", "title_of", "period_of", "BODY_FONT", "HEADING_FONT"]
