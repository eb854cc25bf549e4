"""考核 Assessment: scores and ranking of the streets or communities (the account's scope) by the
百分制 细则, each line's value, points and reason, the change of rank since the previous snapshot;
downloads of the 考核表, the 统计表 and a secretary's 述职评议 pack (recorded in the audit log).
In meeting mode a ranking chart sized for a 1920×1080 screen."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from orgnet.pages import _url
from orgnet.pages._ui import Ctx, cached, download, download_name, page_header


def _assess(store, level: str, *, graph: str, as_of: str, home: str) -> dict:
    from orgnet.analysis.assessment import load_sheet
    from orgnet.assessment import assess

    return assess(store, level, graph=graph, as_of=as_of, sheet=load_sheet(home=home))


def _change(c: Ctx, change) -> str:
    if change is None or change != change:
        return "—"
    return f"↑{change}" if change > 0 else (f"↓{-change}" if change < 0 else c.t("assess.same"))


def _ranking(c: Ctx, report: dict) -> pd.DataFrame:
    rows = []
    for r in report["results"]:
        row = {c.t("assess.rank"): r["rank"], c.t("assess.change"): _change(c, r["rank_change"]),
               c.t(f"common.{report['level']}"): r["name"]}
        if report["level"] == "community":
            row[c.t("common.street")] = r["street"]
        row[c.t("assess.total")] = r["total"]
        row.update({ln["title"]: ln["points"] for ln in r["lines"]})
        rows.append(row)
    return pd.DataFrame(rows)


def _chart(c: Ctx, report: dict):
    import altair as alt

    df = pd.DataFrame([{"name": r["name"], "total": r["total"], "rank": r["rank"]} for r in report["results"]])
    size = 22 if c.meeting else 13
    height = max(240, min(len(df), 50) * (34 if c.meeting else 22))
    bars = alt.Chart(df.head(50)).mark_bar(color="#C62828").encode(
        x=alt.X("total:Q", title=c.t("assess.total"), scale=alt.Scale(domain=[0, report["total"]])),
        y=alt.Y("name:N", sort="-x", title=None), tooltip=["rank", "name", "total"])
    text = bars.mark_text(align="left", dx=4, fontSize=size).encode(text="total:Q")
    return (bars + text).properties(height=height).configure_axis(labelFontSize=size, titleFontSize=size,
                                                                   labelLimit=400)


def _bytes(write) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        return Path(write(Path(d))).read_bytes()


def render(c: Ctx) -> None:
    page_header(c, "page.assess", "assess.caption")
    _url.restore("as_level", "level", {"community", "street"})  # a shared link's level and entity
    level = st.radio(c.t("assess.level"), ["community", "street"], horizontal=True, key="as_level",
                     format_func=lambda x: c.t(f"common.{x}"))
    report = cached(c, _assess, level, as_of=True, home=str(c.settings.home), spinner=c.t("assess.working"))
    if not report["results"]:
        st.info(c.t("assess.none"))
        return
    st.caption(c.t("assess.sheet", sheet=report["sheet"], previous=report["previous"] or "—"))
    st.altair_chart(_chart(c, report), width="stretch")
    if c.meeting:
        return
    st.dataframe(_ranking(c, report), hide_index=True, width="stretch")
    names = {r["id"]: f"{r['rank']}. {r['name']}" for r in report["results"]}
    _url.restore("as_pick", "entity", set(names))
    pick = st.selectbox(c.t("assess.detail"), list(names), format_func=names.get, key="as_pick",
                        placeholder=c.t("common.choose"))
    _url.keep({"level": level, "entity": pick})
    chosen = next(r for r in report["results"] if r["id"] == pick)
    st.dataframe(pd.DataFrame([{c.t("assess.item"): ln["title"], c.t("assess.value"): ln["shown"],
                                c.t("assess.points"): ln["points"], c.t("assess.max"): ln["max"],
                                c.t("assess.reason"): ln["reason"]} for ln in chosen["lines"]]),
                 hide_index=True, width="stretch")
    _downloads(c, report, level, pick)


def _downloads(c: Ctx, report: dict, level: str, pick: str) -> None:
    from orgnet.cli.assess import export_xlsx

    cols = st.columns(3)
    download(c, cols[0], c.t("assess.download_sheet"), _bytes(lambda d: export_xlsx(report, d / "考核表.xlsx")),
             file_name=download_name(c, "assess", "xlsx"), key="as_dl_sheet")
    if c.account is not None and not c.account.may_export:
        return
    if cols[1].button(c.t("assess.make_tables"), key="as_make_tables"):
        from orgnet.queries.tables import export_xlsx as tables_xlsx, tables

        data = tables(c.store, as_of=c.as_of, graph=c.graph)
        st.session_state["as_tables"] = _bytes(lambda d: tables_xlsx(data, d / "统计表.xlsx",
                                                                     unit=report["series"], as_of=c.as_of))
    if st.session_state.get("as_tables"):
        download(c, cols[1], c.t("assess.download_tables"), st.session_state["as_tables"],
                 file_name=download_name(c, "统计表", "xlsx"), key="as_dl_tables")
    if cols[2].button(c.t("assess.make_pack"), key="as_make_pack"):
        from orgnet.analysis.assessment import load_sheet
        from orgnet.pack import write_packs

        scope = {"community_id": pick} if level == "community" else {"street_id": pick}
        st.session_state["as_pack"] = (pick, _bytes(lambda d: write_packs(
            c.store, c.graph, level, d, sheet=load_sheet(home=c.settings.home), **scope)[0]))
    pack = st.session_state.get("as_pack")
    if pack and pack[0] == pick:
        download(c, cols[2], c.t("assess.download_pack"), pack[1], file_name=download_name(c, "述职评议", "docx",
                 scope=next(r["name"] for r in report["results"] if r["id"] == pick)), key="as_dl_pack")
