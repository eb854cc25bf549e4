"""The Overview's look across snapshots: KPI trend and what closed since the previous one, and
the previous snapshot's KPIs the cards and the street table compare with (:func:`previous_kpis`).

One call from the Overview (:func:`render`); cached per snapshot and its load stamp.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgnet.pages import _data
from orgnet.pages._ui import Ctx, cached
from orgnet.textsafe import escape_markdown


def _snapshot_kpis(store, graph: str, as_of: str | None, stamp: str) -> list[dict]:
    """A snapshot's KPIs at its own date, overall and per street (``stamp``: its load, for the cache)."""
    from orgnet.queries.kpis import kpi_table

    df = kpi_table(store, as_of=as_of, graph=graph, scopes=("overall", "street"))
    return df[["kpi", "title_zh", "title_en", "scope", "street_id", "rate", "numerator"]].to_dict("records")


def _overall(rows: list[dict]) -> list[dict]:
    return [{k: r[k] for k in ("kpi", "title_zh", "title_en", "rate", "numerator")} for r in rows
            if r["scope"] == "overall"]


def _dated_snapshots(c: Ctx) -> list[dict]:
    """Every dated snapshot of the current one's series before its date, oldest first, then the
    current one (empty when the graph is not one). Another snapshot of the same date is the same
    period under a second name (the demo's default graph is a copy of its latest quarter): it
    is neither "the previous one" nor a second point of the trend."""
    from orgnet.graph.snapshots import history

    every = cached(c, _data.snapshots, graph_kw=None, depends=c.snapshots_key)
    snaps = [s for s in _data.same_series(every, c.graph) if s["as_of"]]
    return history(snaps, c.graph, lambda s: (s["name"], s["as_of"]))


def previous_kpis(c: Ctx) -> tuple[str, dict[tuple[str, str | None], dict]] | None:
    """The snapshot before the current one and its KPIs by ``(kpi, street_id)`` (None: overall),
    each at that snapshot's date; None without one, or when its results were not stored at load
    and the trend toggle is off (then they would all run live)."""
    upto = _dated_snapshots(c)
    if len(upto) < 2:
        return None
    prev = upto[-2]
    if not (all(s["stored"] for s in upto) or st.session_state.get("ov_trend")):
        return None
    rows = cached(c, _snapshot_kpis, prev["name"], prev["as_of"], prev["loaded_at"], graph_kw=None)
    return prev["name"], {(r["kpi"], r["street_id"] if r["scope"] == "street" else None): r for r in rows}


def _gap_keys(store, graph: str, as_of: str | None, stamp: str) -> list[list[str]]:
    from orgnet.queries.changes import snapshot_facts

    facts = snapshot_facts(store, graph, as_of=as_of, parts=("gaps",))
    return [[g["rule"], g["id"], g.get("name") or "", g.get("street") or "", g.get("community") or ""]
            for g in facts.gaps]


def trend_series(c: Ctx, points: list[dict]) -> list[tuple[str, pd.DataFrame, bool]]:
    """The points (one per snapshot and KPI: ``snapshot, as_of, kpi, title_zh, title_en, rate,
    numerator``) as one long frame per chart: each KPI group's rates in percent, and every count
    KPI's numerator (``// measure: count``) on a chart of its own, never on the percentage scale.
    ``(title, frame, is_rate)`` per chart, in the Overview's group order, the counts last; frame
    columns ``snapshot, as_of, kpi, value``."""
    from orgnet.queries.kpis import kpi_groups, kpi_meta

    charts: dict[str, list[dict]] = {c.t(f"kpi_group.{g}"): [] for g, _ in kpi_groups()}
    counts: list[dict] = []
    for p in points:
        meta = kpi_meta(p["kpi"])
        title = p[f"title_{c.lang}"] or p["kpi"]
        if meta["measure"] == "count":
            counts.append({"snapshot": p["snapshot"], "as_of": p["as_of"], "kpi": title, "value": int(p["numerator"])})
        elif p["rate"] is not None:
            charts[c.t(f"kpi_group.{meta['group']}")].append(
                {"snapshot": p["snapshot"], "as_of": p["as_of"], "kpi": title,
                 "value": round(float(p["rate"]) * 100, 1)})
    out = [(name, pd.DataFrame(rows), True) for name, rows in charts.items() if rows]
    return out + ([(c.t("changes.trend_counts"), pd.DataFrame(counts), False)] if counts else [])


def _chart(c: Ctx, df: pd.DataFrame, title: str, *, rate: bool):
    """One Altair line chart of a trend frame: dates on x (never cut), a legend under the plot
    with whole names, type sizes for a projector in meeting mode."""
    import altair as alt

    size = 18 if c.meeting else 13
    y = alt.Y("value:Q", title=c.t("changes.trend_rate" if rate else "changes.trend_count"),
              scale=alt.Scale(domain=[0, 100]) if rate else alt.Scale(zero=True),
              axis=alt.Axis(format="d" if rate else ",d"))
    return (alt.Chart(df, title=alt.Title(title, fontSize=size + 3, anchor="start"))
            .mark_line(point=alt.OverlayMarkDef(size=90 if c.meeting else 50), strokeWidth=3 if c.meeting else 2)
            .encode(x=alt.X("as_of:O", title=c.t("changes.trend_date"), sort="ascending",
                            axis=alt.Axis(labelAngle=0, labelOverlap="greedy", labelPadding=6)),
                    y=y,
                    color=alt.Color("kpi:N", title=None, sort=list(dict.fromkeys(df["kpi"])),
                                    scale=alt.Scale(scheme="tableau10"),  # distinct hues, also on a projector
                                    legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelLimit=0,
                                                      labelFontSize=size, symbolSize=150 if c.meeting else 100,
                                                      symbolStrokeWidth=3)),
                    tooltip=[alt.Tooltip("snapshot:N", title=c.t("changes.trend_snapshot")),
                             alt.Tooltip("as_of:N", title=c.t("changes.trend_date")),
                             alt.Tooltip("kpi:N", title=c.t("changes.trend_kpi")),
                             alt.Tooltip("value:Q", title=c.t("changes.trend_value"))])
            .configure_axis(labelFontSize=size, titleFontSize=size, labelLimit=0)
            # the height is the plot's: the legend and the axes' labels come on top of it, never cut
            .properties(height=320 if c.meeting else 240, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
            .configure_view(strokeWidth=0))


def trend_charts(c: Ctx, points: list[dict]) -> None:
    """The KPI trend (:func:`trend_series`): two charts a row, rates and counts apart."""
    series = trend_series(c, points)
    for start in range(0, len(series), 2):
        for col, (title, df, is_rate) in zip(st.columns(2), series[start:start + 2]):
            col.altair_chart(_chart(c, df, title, rate=is_rate), width="stretch")


def render(c: Ctx) -> None:
    """The KPI trend over every dated snapshot up to the current one and the gaps closed since
    the snapshot before it; nothing with fewer than two snapshots. Read from the results stored
    at load; when a snapshot has none (loaded by an older version), only on request (a toggle),
    as it then runs every earlier snapshot's KPIs and two snapshots' rules."""
    upto = _dated_snapshots(c)
    if len(upto) < 2:  # not a snapshot, or the first one: nothing before it
        return
    stored = all(s["stored"] for s in upto)
    if stored or st.toggle(c.t("changes.show_trend", previous=upto[-2]["name"], n=len(upto)), key="ov_trend"):
        st.subheader(c.t("changes.trend"))
        points = [{"snapshot": s["name"], "as_of": s["as_of"], **k} for s in upto
                  for k in _overall(cached(c, _snapshot_kpis, s["name"], s["as_of"], s["loaded_at"], graph_kw=None))]
        trend_charts(c, points)
        prev, cur = upto[-2], upto[-1]
        old = {(r[0], r[1]): r for r in cached(c, _gap_keys, prev["name"], prev["as_of"], prev["loaded_at"], graph_kw=None)}
        new = {(r[0], r[1]) for r in cached(c, _gap_keys, cur["name"], cur["as_of"], cur["loaded_at"], graph_kw=None)}
        closed = [old[k] for k in old.keys() - new]
        st.markdown("**" + c.t("changes.closed_since", previous=escape_markdown(prev["name"]), n=len(closed),
                                new=len(new - old.keys())) + "**")
        if closed:
            titles = cached(c, _data.rule_catalog, graph_kw=None).set_index("id")[f"title_{c.lang}"].to_dict()
            counts = pd.Series([titles.get(r[0], r[0]) for r in closed]).value_counts()
            st.dataframe(counts.rename_axis(c.t("gaps.rule")).reset_index(name=c.t("overview.count")),
                         hide_index=True, width="stretch")
