"""总览 Overview: KPI cards beside the seeds' figures, gap counts per rule, a per-street table,
the current graph and its load date."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgnet.pages import _data
from orgnet.queries import kpis as kpi_queries
from orgnet.graph import load
from orgnet.pages._ui import Ctx, cached, page_header


def _pct(v) -> str:
    return "—" if v is None or (isinstance(v, float) and pd.isna(v)) else f"{float(v) * 100:.1f}%"


def kpi_cards(c: Ctx, kpis: pd.DataFrame) -> None:
    overall = kpis[kpis["scope"] == "overall"].to_dict("records")
    per_row = 4
    for start in range(0, len(overall), per_row):
        cols = st.columns(per_row)
        for col, k in zip(cols, overall[start:start + per_row]):
            title = k[f"title_{c.lang}"] or k["kpi"]
            delta = None
            if k["seed_rate"] is not None and k["rate"] is not None:
                diff = (float(k["rate"]) - float(k["seed_rate"])) * 100
                delta = c.t("overview.vs_seed", diff=f"{diff:+.1f}")
            with col.container(border=True):
                st.metric(title, _pct(k["rate"]), delta=delta, delta_color="normal" if delta else "off",
                          help=c.t("overview.fraction", num=k["numerator"], den=k["denominator"]))
                if k["seed_rate"] is not None:
                    st.caption(c.t("overview.seed", rate=_pct(k["seed_rate"]), source=_source(c, k["seed_source"])))
                else:
                    st.caption(c.t("overview.no_seed", num=k["numerator"], den=k["denominator"]))


def _source(c: Ctx, note) -> str:
    """The seed note; in English only its document number (the notes quote Chinese sources)."""
    note = str(note or "")
    if c.lang == "zh":
        return note
    head = note.split()[0] if note.split() else ""
    return c.t("overview.seed_doc", doc=head) if head.isdigit() else ""


def street_table(c: Ctx, kpis: pd.DataFrame, gaps: pd.DataFrame | None) -> pd.DataFrame:
    per = kpis[kpis["scope"] == "street"]
    if per.empty:
        return pd.DataFrame()
    wide = per.pivot_table(index=["street_id", "street"], columns="kpi", values="rate", aggfunc="first")
    order = [k for k in kpis["kpi"].drop_duplicates() if k in wide.columns]
    titles = kpis.drop_duplicates("kpi").set_index("kpi")[f"title_{c.lang}"].to_dict()
    wide = wide[order].map(_pct)
    wide.columns = [titles.get(k, k) for k in order]
    wide = wide.reset_index()
    if gaps is not None and not gaps.empty and "street_id" in gaps.columns:
        counts = gaps.groupby("street_id").size()
        wide.insert(2, c.t("overview.gap_total"), wide["street_id"].map(counts).fillna(0).astype(int))
    return wide.drop(columns=["street_id"]).rename(columns={"street": c.t("common.street")})


def render(c: Ctx) -> None:
    page_header(c, "page.overview", says_date=True)
    info = cached(c, load.graph_info, c.graph, graph_kw=None) or {}
    counts = cached(c, _data.counts, c.graph, graph_kw=None)
    if not counts or not counts.get("nodes"):
        st.info(c.t("app.no_graph", command="orgnet demo"))
        return
    when = info.get("loaded_at") or info.get("loaded") or info.get("load_time") or ""
    st.caption(c.t("overview.graph_line", graph=c.graph, when=str(when)[:19].replace("T", " "),
                   nodes=counts["nodes"], rels=counts["relationships"], as_of=c.as_of))

    st.subheader(c.t("overview.kpis"))
    kpis = cached(c, kpi_queries.kpi_table, as_of=True, scopes=["overall", "street"])
    kpi_cards(c, kpis)
    from orgnet.pages import _trend

    _trend.render(c)  # KPI trend across snapshots, closed since the previous one (issue 11)

    gaps = cached(c, _data.gap_results, as_of=True)
    st.subheader(c.t("overview.per_street"))
    table = street_table(c, kpis, gaps)
    if table.empty:
        st.info(c.t("common.no_data"))
    else:
        st.dataframe(table, hide_index=True, width="stretch")

    st.subheader(c.t("overview.gap_counts"))
    from orgnet.pages._data import gap_counts

    cat = cached(c, _data.rule_catalog, graph_kw=None)
    gc = gap_counts(cat, gaps, c.lang)
    if gc is None or gc.empty:
        st.info(c.t("gaps.none_found"))
    else:
        count = c.t("overview.count")
        st.dataframe(gc, hide_index=True, width="stretch", height=38 + 35 * len(gc),
                     column_config={count: st.column_config.ProgressColumn(
                         count, format="%d", min_value=0, max_value=int(gc[count].max() or 1), width="large")})
