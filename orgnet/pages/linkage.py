"""联建强度 Linkage: the map of communities and resident units (edge width and colour by band),
filters by street and band, a pair's channel breakdown, weak ties, recommended partners."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgnet.export import csv_bytes
from orgnet.textsafe import escape_markdown
from orgnet.analysis import linkage as lk
from orgnet.i18n import label_name, t
from orgnet.model import EvaluationGrade
from orgnet.queries import evaluations, explore
from orgnet.pages import _data, _url
from orgnet.pages._ui import Ctx, cached, community_stepper, download, download_name, map_block, page_header


def channel_name(c: Ctx, ch: str) -> str:
    return c.t(f"channel.{ch}")


#: the ties a meeting-mode map draws, strong and medium (weak and potential pairs are counted
#: in its note)
MEETING_BANDS: tuple[str, ...] = lk.TIE_BANDS[:2]


def band_name(c: Ctx, b: str) -> str:
    return c.t(f"band.{b}")


def windows_text(c: Ctx, config: lk.LinkageConfig) -> str:
    """The time window of each dated channel, as the breakdown counts them."""
    def months(k: str) -> str:
        n = config.windows.get(k) or 0
        return c.t("linkage.window_months", n=n) if n else c.t("linkage.window_none")
    return c.t("linkage.windows", date=c.as_of, file=f"{lk.CONFIG_FILE} [windows]",
               **{k: months(k) for k in lk.WINDOWED})


def render(c: Ctx) -> None:
    page_header(c, "page.linkage", "linkage.caption", map_page=True)
    streets = cached(c, explore.streets)
    if not streets:
        st.info(c.t("app.no_graph", command="orgnet demo"))
        return
    by_id = {s["id"]: s for s in streets}
    state = st.session_state
    if not c.meeting:
        col_s, col_b = st.columns([1, 2])
        # one street at a time by default: a whole district is slow to score and crowded to draw
        opts = list(by_id) if len(by_id) == 1 else list(by_id) + [""]
        _url.restore(f"lk_street_{c.lang}", "street", set(opts) - {""})  # a shared link's filters
        _url.restore(f"lk_bands_{c.lang}", "band", set(lk.TIE_BANDS), many=True)
        sid = col_s.selectbox(c.t("common.street"), opts, key=f"lk_street_{c.lang}", placeholder=c.t("common.choose"),
                              format_func=lambda i: by_id[i]["name"] if i else c.t("common.all"))
        bands = col_b.multiselect(c.t("common.band_filter"), list(lk.TIE_BANDS),
                                  default=None if f"lk_bands_{c.lang}" in state else list(lk.TIE_BANDS),
                                  format_func=lambda b: band_name(c, b), key=f"lk_bands_{c.lang}",
                                  placeholder=c.t("common.choose_many"), select_all=False)
        state["lk_street_val"], state["lk_bands_val"] = sid, list(bands)  # kept for meeting mode
        _url.keep({"street": sid, "band": None if set(bands) == set(lk.TIE_BANDS) else list(bands)})
    else:
        linked = st.query_params.get("street")  # a slide's link: its street (and community, in the stepper)
        sid = state["lk_street_val"] if "lk_street_val" in state else linked if linked in by_id else next(iter(by_id))
        _url.keep({"street": sid})
        bands = state.get("lk_bands_val", list(lk.TIE_BANDS))
    scope = by_id[sid]["name"] if sid else c.t("linkage.all_streets")
    data = cached(c, _data.linkage_view, as_of=True, street_id=sid or None,
                  spinner=c.t("progress.linkage", scope=escape_markdown(scope)))
    scored: pd.DataFrame = data["scored"]
    note = None
    if c.meeting:  # one community at a time; strong and medium ties drawn, weak ones counted
        comms = scored.drop_duplicates("community_id").set_index("community_id")["community"].to_dict() \
            if not scored.empty else {}
        cid = community_stepper(c, comms, "lk_meeting_pos", start=state.get("lk_pair_c_val"))
        if cid:
            scored = scored[scored["community_id"] == cid]
            scope = comms[cid]
        bands = [b for b in bands if b in MEETING_BANDS] or list(MEETING_BANDS)
        n_weak = int((scored["band"] == "weak").sum()) if not scored.empty else 0
        n_pot = int((scored["band"] == "potential").sum()) if not scored.empty else 0
        note = "；".join(x for x in (c.t("linkage.weak_counted", n=n_weak) if n_weak else "",
                                     c.t("linkage.potential_counted", n=n_pot) if n_pot else "") if x) or None
    # only ties are drawn: a potential pair (reports, residents, services only) never is
    shown = lk.filter_bands(scored, [b for b in (bands or lk.TIE_BANDS) if b in lk.TIE_BANDS] or list(lk.TIE_BANDS))
    title = c.t("linkage.map_title", scope=scope)
    if not c.meeting:  # how many pairs per band, above the map
        counts = scored["band"].value_counts() if not scored.empty else pd.Series(dtype=int)
        for col, b in zip(st.columns(len(lk.BANDS)), lk.BANDS):
            col.metric(lk.band_label(b, c.lang, data["config"]), int(counts.get(b, 0)), border=True)
    map_block(c, "linkage", shown, title=title, key=f"lk_{sid}_{scope}_{'-'.join(bands)}",
              height=780 if c.meeting else 640, note=note)
    st.subheader(c.t("linkage.ranked"))
    st.caption(escape_markdown(scope))
    ranked_bars(c, shown)
    if c.meeting:
        return

    st.subheader(c.t("linkage.breakdown"))
    st.caption(windows_text(c, data["config"]))
    if scored.empty:
        st.info(c.t("common.no_data"))
    else:
        comms = scored.drop_duplicates("community_id").set_index("community_id")["community"].to_dict()
        col_c, col_u = st.columns(2)
        _url.restore(f"lk_pair_c_{c.lang}", "community", set(comms))
        cid = col_c.selectbox(c.t("common.community"), list(comms), format_func=comms.get, key=f"lk_pair_c_{c.lang}",
                             placeholder=c.t("common.choose"))
        state["lk_pair_c_val"] = cid
        pairs = scored[scored["community_id"] == cid]
        units = pairs.set_index("unit_id")["unit"].to_dict()
        _url.restore(f"lk_pair_u_{c.lang}", "unit", set(units))
        uid = col_u.selectbox(c.t("linkage.unit"), list(units), format_func=lambda u: (
            f"{units[u]} · {band_name(c, pairs.set_index('unit_id').loc[u, 'band'])}"), key=f"lk_pair_u_{c.lang}",
            placeholder=c.t("common.choose"))
        _url.keep({"community": cid, "unit": uid})
        if uid:
            row = pairs[pairs["unit_id"] == uid].iloc[0].to_dict()
            sheet_block(c, row, data["config"])
            evaluations_block(c, str(cid), str(uid))
            from orgnet.pages.explorer import open_node

            b1, b2, _ = st.columns([2, 2, 3])
            if b1.button(c.t("linkage.open_unit"), key="lk_open_unit", width="stretch"):
                open_node(c, str(uid))
            if b2.button(c.t("linkage.open_community"), key="lk_open_comm", width="stretch"):
                open_node(c, str(cid))

    units_block(c, data, scope)
    hubs_block(c, data)
    left, right = st.columns(2)
    with left:
        weak = data["weak"]
        st.subheader(c.t("linkage.weak_ties") + (f"（{len(weak)}）" if c.lang == "zh" else f" ({len(weak)})"))
        if weak.empty:
            st.info(c.t("common.no_data"))
        else:
            wf = pd.DataFrame({
                c.t("common.community"): weak["community"], c.t("linkage.unit"): weak["unit"],
                c.t("linkage.score"): weak["score"].round(1), c.t("linkage.band"): weak["band"].map(lambda b: band_name(c, b)),
                c.t("linkage.missing"): weak.apply(lambda r: _missing(c, r), axis=1)})
            st.dataframe(wf, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(wf)))
            download(c, st, c.t("common.download_csv"), csv_bytes(wf),
                     file_name=download_name(c, "weak-ties", "csv"), key="lk_weak_csv")
    with right:
        partners = data["partners"]
        st.subheader(c.t("linkage.recommend"))
        if partners.empty:
            st.info(c.t("common.no_data"))
        else:
            pf = pd.DataFrame({
                c.t("common.community"): partners["community"], c.t("linkage.unit"): partners["unit"],
                c.t("linkage.current"): partners["current_score"].astype(float).round(1),
                c.t("linkage.reason"): partners.apply(lambda r: _reasons(c, r), axis=1)})
            st.dataframe(pf, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(pf)))


def sheet_block(c: Ctx, row: dict, config: lk.LinkageConfig) -> None:
    """A pair's score sheet: each item's count, points each, cap and points, the total and
    band; the grades' points below; the sheet as PNG and in the workbook."""
    m1, m2 = st.columns(2)
    m1.metric(c.t("linkage.score"), f"{row['score']:g}", border=False)
    m2.metric(c.t("linkage.band"), band_name(c, row["band"]), border=False)
    frame = lk.sheet_frame(row, config, c.lang)
    st.dataframe(frame.astype(str), hide_index=True, width="stretch")
    st.caption(lk.grade_scale(config, c.lang))
    stem = f"{row.get('community')}-{row.get('unit')}"
    b1, b2, _ = st.columns([2, 2, 3])
    download(c, b1, c.t("sheet.png"), lambda: _sheet_png(c, row, config),
             file_name=download_name(c, c.t("sheet.heading"), "png", scope=stem), mime="image/png",
             key="lk_sheet_png")
    download(c, b2, c.t("common.download_xlsx"), lambda: _xlsx(c, row, config),
             file_name=download_name(c, "linkage", "xlsx", scope=stem), key="lk_sheet_xlsx")


def _sheet_png(c: Ctx, row: dict, config: lk.LinkageConfig) -> bytes:
    from orgnet.viz.sheet import sheet_png

    return sheet_png(lk.sheet_title(row, c.lang), lk.sheet_cells(row, config, c.lang), lk.grade_scale(config, c.lang))


def _xlsx(c: Ctx, row: dict | None, config: lk.LinkageConfig) -> bytes:
    """The workbook: the pair's score sheet (when one is chosen), the units' totals per street
    and every pair of the street with its sheet's points, in the page language."""
    import io

    from orgnet.export import safe_frame

    data = cached(c, _data.linkage_view, as_of=True, street_id=st.session_state.get("lk_street_val") or None)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        if row is not None:
            sheet = lk.sheet_frame(row, config, c.lang)
            foot = pd.DataFrame({sheet.columns[0]: ["", lk.sheet_title(row, c.lang), lk.grade_scale(config, c.lang)]})
            safe_frame(pd.concat([sheet, foot], ignore_index=True)).to_excel(
                xw, index=False, sheet_name=c.t("sheet.heading")[:31])
        safe_frame(units_frame(c, data["units"])).to_excel(xw, index=False, sheet_name=c.t("linkage.units")[:31])
        safe_frame(pairs_frame(c, data["scored"])).to_excel(xw, index=False, sheet_name=c.t("linkage.pairs")[:31])
    return buf.getvalue()


def units_frame(c: Ctx, units: pd.DataFrame) -> pd.DataFrame:
    """Each unit's 联建得分 per street, ranked, in the page language."""
    return pd.DataFrame({
        c.t("common.street"): units["street"], c.t("linkage.rank"): units["rank"],
        c.t("linkage.unit"): units["unit"], c.t("linkage.unit_total"): units["total_score"],
        c.t("linkage.pairs_n"): units["pairs"],
        **{band_name(c, b): units[b] for b in (*lk.TIE_BANDS, "potential")},
        c.t("linkage.weakest"): units["weakest_communities"]})


def pairs_frame(c: Ctx, scored: pd.DataFrame) -> pd.DataFrame:
    """Every pair with its counts, points per line, score and band, in the page language."""
    out = pd.DataFrame({c.t("common.community"): scored["community"], c.t("linkage.unit"): scored["unit"],
                        c.t("linkage.score"): scored["score"],
                        c.t("linkage.band"): scored["band"].map(lambda b: band_name(c, b))})
    for k in lk.ITEMS:
        out[f"{channel_name(c, k)}·{c.t('sheet.count')}"] = scored[k]
        out[f"{channel_name(c, k)}·{c.t('sheet.points')}"] = scored[f"pts_{k}"]
    out[channel_name(c, lk.EVALUATION)] = scored[lk.EVALUATION].map(
        lambda g: label_name(EvaluationGrade(g), c.lang) if isinstance(g, str) and g else "")
    out[f"{channel_name(c, lk.EVALUATION)}·{c.t('sheet.points')}"] = scored[f"pts_{lk.EVALUATION}"]
    return out


def units_block(c: Ctx, data: dict, scope: str) -> None:
    """Each unit's 联建得分 across the street's communities, ranked per street (what goes back
    to the unit's superior organization), with its weakest communities named."""
    units = data["units"]
    st.subheader(c.t("linkage.units_title"))
    st.caption(c.t("linkage.units_caption", scope=escape_markdown(scope)))
    if units.empty:
        st.info(c.t("common.no_data"))
        return
    shown = units[(units["ties"] > 0) | (units["total_score"] > 0)]
    st.dataframe(units_frame(c, shown), hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)))
    download(c, st, c.t("common.download_xlsx"), lambda: _xlsx(c, None, data["config"]),
             file_name=download_name(c, "linkage", "xlsx", scope=scope), key="lk_units_xlsx")


def evaluations_block(c: Ctx, cid: str, uid: str) -> None:
    """The latest two-way evaluation each way (共驻共建双向评价) beside a pair's breakdown."""
    if c.facts_only:  # read per pair from the live graph: none to read it from (Neo4j Community)
        st.markdown(f"**{c.t('linkage.evaluations')}**")
        st.caption(c.t("linkage.eval_facts_only", graph=c.graph))
        return
    rows = cached(c, evaluations.pair_evaluations, community_id=cid, unit_id=uid, as_of=True)
    st.markdown(f"**{c.t('linkage.evaluations')}**")
    if not rows:
        st.caption(c.t("linkage.eval_no_agreement", date=c.as_of))
        return
    st.markdown("\n".join(evaluation_lines(rows, c.lang)))


def evaluation_lines(rows: list[dict], lang: str) -> list[str]:
    """One Markdown list item per direction: grade, score, period, date and comment of the latest
    evaluation, or "not evaluated"; text from the data (period, comment) is escaped (the date is a
    validated ISO date)."""
    lines = []
    for side, row in evaluations.latest_each_way(rows).items():
        name = t(f"linkage.eval_side_{side}", lang)
        if row is None:
            lines.append("- " + t("linkage.eval_missing", lang, side=name))
            continue
        grade = label_name(EvaluationGrade(row["grade"]), lang)
        score = t("linkage.eval_score", lang, score=row["score"]) if row.get("score") is not None else ""
        comment = (t("linkage.eval_comment", lang, comment=escape_markdown(row["comment"]))
                   if row.get("comment") else "")
        lines.append("- " + t("linkage.eval_line", lang, side=name, grade=grade, score=score,
                              period=escape_markdown(row.get("period") or "—"),
                              date=row["evaluated_on"], comment=comment))
    return lines


#: most units a ranked chart shows (the strongest); the table under it has them all
RANKED_MAX = 30


def ranked_bars(c: Ctx, scored: pd.DataFrame) -> None:
    """The same facts as the map without a graph: units ranked by score, bars split by channel points."""
    import altair as alt

    if scored.empty:
        st.info(c.t("common.no_data"))
        return
    top = scored.sort_values(["score", "unit"], ascending=[False, True]).head(RANKED_MAX)
    label = top["unit"] + ("（" if c.lang == "zh" else " (") + top["community"] + ("）" if c.lang == "zh" else ")")
    rows = [{"unit": lab, "channel": channel_name(c, ch), "points": round(float(r.get(f"pts_{ch}", 0.0)), 1),
             "score": round(float(r["score"]), 1), "band": band_name(c, r["band"])}
            for lab, r in zip(label, top.to_dict("records")) for ch in (*lk.ITEMS, lk.EVALUATION)
            if r.get(f"pts_{ch}")]
    if not rows:
        st.info(c.t("common.no_data"))
        return
    size = 20 if c.meeting else 13
    chart = alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        y=alt.Y("unit:N", sort=list(label), title=None,
                axis=alt.Axis(labelLimit=420, labelFontSize=size, labelOverlap=False)),  # every bar named
        x=alt.X("sum(points):Q", title=c.t("linkage.score"), scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(labelFontSize=size, titleFontSize=size)),
        color=alt.Color("channel:N", title=c.t("linkage.channel"),
                        legend=alt.Legend(orient="bottom", labelFontSize=size, titleFontSize=size, columns=4)),
        tooltip=[alt.Tooltip("unit:N", title=c.t("linkage.unit")), alt.Tooltip("channel:N", title=c.t("linkage.channel")),
                 alt.Tooltip("points:Q", title=c.t("linkage.points")), alt.Tooltip("score:Q", title=c.t("linkage.score")),
                 alt.Tooltip("band:N", title=c.t("linkage.band"))],
    ).properties(height=max(160, (36 if c.meeting else 26) * len(top)))
    st.altair_chart(chart, width="stretch")


def hubs_block(c: Ctx, data: dict) -> None:
    """The organizations that hold the street's network of strong and medium ties together
    (betweenness on the linkage network, :mod:`orgnet.analysis.network`), and the resident
    units with no tie at all."""
    hubs, isolated = data["hubs"], data["isolated"]
    st.subheader(c.t("linkage.hubs"))
    st.caption(c.t("linkage.hubs_caption"))
    if hubs.empty:
        st.info(c.t("common.no_data"))
    else:
        st.dataframe(pd.DataFrame({
            c.t("linkage.rank"): hubs["rank"], c.t("common.name"): hubs["name"],
            c.t("common.kind"): hubs["kind"].map(lambda k: c.t(f"linkage.node_{k}")),
            c.t("linkage.ties"): hubs["degree"], c.t("linkage.strength"): hubs["strength"].round(0),
            c.t("linkage.betweenness"): (hubs["betweenness"] * 100).round(2)}), hide_index=True, width="stretch")
    if not isolated.empty:
        st.warning(c.t("linkage.isolated", n=len(isolated),
                       names="、".join(isolated["unit"].astype(str).head(8)) + ("…" if len(isolated) > 8 else "")))


def _missing(c: Ctx, row) -> str:
    """The channels with nothing in them (why the tie is weak)."""
    sep = "、" if c.lang == "zh" else ", "
    return sep.join(channel_name(c, ch) for ch in lk.INSTITUTIONAL if not row.get(ch))


def _reasons(c: Ctx, row) -> str:
    sep = "；" if c.lang == "zh" else "; "
    reasons = row.get("reasons")
    if isinstance(reasons, str):
        reasons = [r for r in reasons.replace(";", ",").split(",") if r]
    out = []
    for r in reasons or []:
        text = c.t(f"reason.{r}")
        if r == "resource_matches_need" and row.get("categories"):
            cats = row["categories"]
            cats = cats if isinstance(cats, str) else "、".join(map(str, cats))
            text += f"（{cats}）" if c.lang == "zh" else f" ({cats})"
        elif r == "members_live_here" and row.get("members_living"):
            text += f"（{int(row['members_living'])}）" if c.lang == "zh" else f" ({int(row['members_living'])})"
        out.append(text)
    return sep.join(out)
