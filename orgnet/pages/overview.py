"""总览 Overview: KPI cards (a seed figure beside a KPI only with its source, quote and definition), gap counts per rule, a per-street table,
the current graph and its load date."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from orgnet.pages import _data
from orgnet.queries import kpis as kpi_queries
from orgnet.pages._ui import Ctx, cached, page_header
from orgnet.seeds import SeedFigure, figure_for_kpi, reference_figures
from orgnet.textsafe import escape_markdown


#: a card's title and difference wrap instead of being cut (six cards share a row on a desk screen)
_CARD_CSS = """<style>
[data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] .stMarkdownEllipsis p,
[data-testid="stMetricDelta"] .stMarkdownEllipsis, [data-testid="stMetricDelta"] .stMarkdownEllipsis p
{white-space: normal !important; overflow: visible !important; text-overflow: clip !important;}
[data-testid="stMetricDelta"] {height: auto !important;}
</style>"""


def pct(v) -> str:
    """A rate 0–1 as a percentage with one decimal (``—`` when there is none)."""
    return "—" if v is None or (isinstance(v, float) and pd.isna(v)) else f"{float(v) * 100:.1f}%"


def kpi_cards(c: Ctx, kpis: pd.DataFrame) -> None:
    """The KPI cards in titled rows, one row per group (a KPI file's ``// group:`` header), all rows
    on the same grid; a seed figure beside a KPI only with its source, quote and definition, and a
    difference only when the KPI uses the figure's definition (``seed_comparable``)."""
    overall = {k["kpi"]: k for k in kpis[kpis["scope"] == "overall"].to_dict("records")}
    groups = [(g, [overall[k] for k in ks if k in overall]) for g, ks in kpi_queries.kpi_groups()]
    groups = [(g, ks) for g, ks in groups if ks]
    per_row = max((len(ks) for _, ks in groups), default=1)
    st.markdown(_CARD_CSS, unsafe_allow_html=True)
    for group, cards in groups:
        st.markdown(f"##### {c.t(f'kpi_group.{group}')}")
        for col, k in zip(st.columns(per_row), cards):
            with col.container(border=True):
                kpi_card(c, k)


def kpi_figure(c: Ctx, k: dict) -> tuple[str, str]:
    """(headline figure, its help) of a KPI row: the rate, or the numerator for a count KPI."""
    fraction = c.t("overview.fraction", num=k["numerator"], den=k["denominator"])
    if kpi_queries.kpi_meta(k["kpi"])["measure"] == "count":
        return f"{int(k['numerator']):,}", c.t("overview.count_rate", rate=pct(k["rate"]),
                                                 num=k["numerator"], den=k["denominator"])
    return pct(k["rate"]), fraction


def kpi_card(c: Ctx, k: dict) -> None:
    """The metric of one KPI and, if it has one, its seed figure as a reference."""
    title = k[f"title_{c.lang}"] or k["kpi"]
    fig = figure_for_kpi(k["kpi"]) if k.get("seed_id") else None
    delta = None
    if fig is not None and fig.comparable and k["rate"] is not None:
        diff = (float(k["rate"]) - fig.value) * 100
        delta = c.t("overview.vs_seed", diff=f"{diff:+.1f}")
    value, help_text = kpi_figure(c, k)
    # grey, never red or green: the figure is a source's, not this territory's target
    st.metric(title, value, delta=delta, delta_color="off", help=help_text)
    if fig is None:
        st.caption(c.t("overview.no_seed", num=k["numerator"], den=k["denominator"]))
        return
    key = "overview.seed_same" if fig.comparable else "overview.seed_reference"
    st.caption(c.t(key, value=_figure_value(c, fig), doc=fig.doc, num=f"{int(k['numerator']):,}"))
    with st.expander(c.t("overview.seed_detail")):
        st.markdown(seed_text(c, fig))


def _figure_value(c: Ctx, fig: SeedFigure) -> str:
    return pct(fig.value) if fig.unit == "rate" else f"{fig.value:,.0f}"


def seed_text(c: Ctx, fig: SeedFigure) -> str:
    """Source, verbatim quote and definition of a seed figure (Markdown, escaped)."""
    return "  \n".join((
        c.t("overview.seed_source", doc=escape_markdown(fig.doc)),
        c.t("overview.seed_quote", quote=escape_markdown(fig.quote)),
        c.t("overview.seed_definition", definition=escape_markdown(fig.definition(c.lang)))))


def reference_table(c: Ctx) -> pd.DataFrame:
    """The seed figures no KPI computes with their definition: references only."""
    return pd.DataFrame([{c.t("overview.ref_doc"): f.doc, c.t("overview.ref_value"): _figure_value(c, f),
                          c.t("overview.ref_definition"): f.definition(c.lang),
                          c.t("overview.ref_quote"): f.quote} for f in reference_figures()])


def street_table(c: Ctx, kpis: pd.DataFrame, gaps: pd.DataFrame | None) -> pd.DataFrame:
    """KPI rates per street, with the street's gap total (``gaps``: counts per rule and street)."""
    per = kpis[kpis["scope"] == "street"]
    if per.empty:
        return pd.DataFrame()
    figures = [kpi_figure(c, k)[0] for k in per.to_dict("records")]  # a rate, or a count for a count KPI
    wide = per.assign(figure=figures).pivot_table(index=["street_id", "street"], columns="kpi", values="figure",
                                                  aggfunc="first")
    order = [k for k in kpis["kpi"].drop_duplicates() if k in wide.columns]
    titles = kpis.drop_duplicates("kpi").set_index("kpi")[f"title_{c.lang}"].to_dict()
    wide = wide[order]
    wide.columns = [titles.get(k, k) for k in order]
    wide = wide.reset_index()
    if gaps is not None and not gaps.empty and "street_id" in gaps.columns:
        counts = gaps.groupby("street_id")["n"].sum()
        wide.insert(2, c.t("overview.gap_total"), wide["street_id"].map(counts).fillna(0).astype(int))
    return wide.drop(columns=["street_id"]).rename(columns={"street": c.t("common.street")})


def _in_script_thread(fn, script_ctx):
    """``fn`` for a worker thread that runs as part of this script run (Streamlit's caches need it)."""
    def run(*args, **kwargs):
        if script_ctx is not None:
            add_script_run_ctx(threading.current_thread(), script_ctx)
        return fn(*args, **kwargs)

    return run


def render(c: Ctx) -> None:
    page_header(c, "page.overview", says_date=True)
    info = c.info
    district = c.account is None or c.account.scope.is_district  # graph totals are district-wide
    counts = cached(c, _data.counts, c.graph, graph_kw=None) if district else None
    if not info and not (counts or {}).get("nodes"):
        st.info(c.t("app.no_graph", command="orgnet demo"))
        return
    when = str(info.get("loaded_at") or info.get("loaded") or info.get("load_time") or "")[:19].replace("T", " ")
    if counts:
        st.caption(c.t("overview.graph_line", graph=c.graph, when=when, nodes=counts["nodes"],
                       rels=counts["relationships"], as_of=c.as_of))
    else:
        st.caption(c.t("overview.graph_line_scoped", graph=c.graph, when=when, as_of=c.as_of))

    st.subheader(c.t("overview.kpis"))
    with ThreadPoolExecutor(max_workers=1) as pool:  # the gap counts run while the KPIs do
        gaps_later = pool.submit(_in_script_thread(cached, get_script_run_ctx()), c, _data.gap_count_table,
                                 as_of=True)  # counted in the engine: no gap row is fetched
        kpis = cached(c, kpi_queries.kpi_table, as_of=True, scopes=["overall", "street"],
                      spinner=c.t("progress.kpis"))
        kpi_cards(c, kpis)
        from orgnet.pages import _trend

        _trend.render(c)  # KPI trend across snapshots, closed since the previous one (issue 11)

        refs = reference_table(c)
        if not refs.empty:
            with st.expander(c.t("overview.references")):
                st.caption(c.t("overview.references_note"))
                st.dataframe(refs, hide_index=True, width="stretch")
        gaps = gaps_later.result()
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
