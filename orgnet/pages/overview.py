"""总览 Overview: KPI cards with the district's own target, the gap to it and the change since the
previous snapshot (``ORGNET_HOME/targets.toml``, :mod:`orgnet.targets`); gap counts per rule; the
per-street tables; the seed documents' figures only as calibration notes behind 材料参考; the
current graph and its load date."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from orgnet.errors import ConfigError
from orgnet.pages import _data, _trend
from orgnet.queries import kpis as kpi_queries
from orgnet.pages._ui import Ctx, cached, page_header
from orgnet.seeds import SeedFigure, seed_figures
from orgnet.targets import TARGETS_FILE, Targets, load_targets, with_targets
from orgnet.textsafe import escape_markdown

#: a card's title and difference wrap instead of being cut (six cards share a row on a desk screen)
_CARD_CSS = """<style>
[data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] .stMarkdownEllipsis p,
[data-testid="stMetricDelta"] .stMarkdownEllipsis, [data-testid="stMetricDelta"] .stMarkdownEllipsis p
{white-space: normal !important; overflow: visible !important; text-overflow: clip !important;}
[data-testid="stMetricDelta"] {height: auto !important;}
</style>"""

#: previous snapshot's KPIs by (kpi, street_id or None), with its name
Previous = tuple[str, dict[tuple[str, str | None], dict]] | None


def pct(v) -> str:
    """A rate 0–1 as a percentage with one decimal (``—`` when there is none)."""
    return "—" if v is None or (isinstance(v, float) and pd.isna(v)) else f"{float(v) * 100:.1f}%"


def _is_count(kpi: str) -> bool:
    return kpi_queries.kpi_meta(kpi)["measure"] == "count"


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and pd.isna(v))


def target_text(kpi: str, target) -> str:
    """A target as the KPI's figure is shown: a percentage, or a whole number for a count KPI."""
    return "—" if _missing(target) else (f"{int(target):,}" if _is_count(kpi) else pct(target))


def gap_text(c: Ctx, kpi: str, gap) -> str:
    """The signed gap: percentage points for a rate, a number for a count (``—`` without one)."""
    if _missing(gap):
        return "—"
    return f"{int(gap):+,}" if _is_count(kpi) else c.t("overview.pts", diff=f"{float(gap) * 100:+.1f}")


def change(kpi: str, row: dict, before: dict | None):
    """The change since the previous snapshot (a rate difference 0–1 or a count), or None."""
    if before is None:
        return None
    key = "numerator" if _is_count(kpi) else "rate"
    now, then = row.get(key), before.get(key)
    return None if _missing(now) or _missing(then) else float(now) - float(then)


def _scope_street(c: Ctx) -> str | None:
    """The street of a street account (its overall cards are that street's, measured against its target)."""
    scope = getattr(c.account, "scope", None)
    return scope.street_id if scope is not None and not scope.community_id else None


def load_page_targets(c: Ctx) -> Targets:
    """The district's targets; a wrong file is said once on the page and no target is shown."""
    try:
        return load_targets(c.settings.home)
    except ConfigError as e:
        st.error(c.t("overview.targets_error", message=str(e)))
        return Targets()


def kpi_cards(c: Ctx, kpis: pd.DataFrame, targets: Targets, previous: Previous) -> None:
    """The KPI cards in titled rows, one row per group (a KPI file's ``// group:`` header), all rows
    on the same grid. ``kpis``: the KPI table with ``target`` and ``gap`` (``with_targets``)."""
    if not targets:
        st.caption(c.t("overview.no_targets", file=str(c.settings.home / TARGETS_FILE)))
    else:
        st.caption(c.t("overview.targets_source", file=targets.sources[-1]))
    overall = {k["kpi"]: k for k in kpis[kpis["scope"] == "overall"].to_dict("records")}
    groups = [(g, [overall[k] for k in ks if k in overall]) for g, ks in kpi_queries.kpi_groups()]
    groups = [(g, ks) for g, ks in groups if ks]
    per_row = max((len(ks) for _, ks in groups), default=1)
    st.markdown(_CARD_CSS, unsafe_allow_html=True)
    for group, cards in groups:
        st.markdown(f"##### {c.t(f'kpi_group.{group}')}")
        for col, k in zip(st.columns(per_row), cards):
            with col.container(border=True):
                kpi_card(c, k, previous, any_targets=bool(targets))


def kpi_figure(c: Ctx, k: dict) -> tuple[str, str]:
    """(headline figure, its help) of a KPI row: the rate, or the numerator for a count KPI."""
    fraction = c.t("overview.fraction", num=k["numerator"], den=k["denominator"])
    if _is_count(k["kpi"]):
        return f"{int(k['numerator']):,}", c.t("overview.count_rate", rate=pct(k["rate"]),
                                                 num=k["numerator"], den=k["denominator"])
    return pct(k["rate"]), fraction


def _change_text(c: Ctx, kpi: str, diff: float, previous: str) -> str:
    if _is_count(kpi):
        return c.t("overview.change_count", diff=f"{int(diff):+,}", previous=previous)
    return c.t("overview.change_rate", diff=f"{diff * 100:+.1f}", previous=previous)


def kpi_card(c: Ctx, k: dict, previous: Previous = None, *, any_targets: bool = False) -> None:
    """One KPI: its figure; with a target, the gap to it as a red (short) or green delta and the
    target underneath; without one, the change since the previous snapshot in grey (never red or
    green: nothing says which way is good enough)."""
    title = k[f"title_{c.lang}"] or k["kpi"]
    value, help_text = kpi_figure(c, k)
    count = _is_count(k["kpi"])
    diff = change(k["kpi"], k, previous[1].get((k["kpi"], None)) if previous else None)
    lines = [c.t("overview.fraction", num=f"{int(k['numerator']):,}", den=f"{int(k['denominator']):,}")]
    if not _missing(k.get("target")):
        gap = k.get("gap")
        delta = None if _missing(gap) else c.t("overview.gap_count" if count else "overview.gap_rate",
                                               gap=f"{int(gap):+,}" if count else f"{float(gap) * 100:+.1f}")
        st.metric(title, value, delta=delta, delta_color="normal", help=help_text)
        lines.append(c.t("overview.target_line", target=target_text(k["kpi"], k["target"])))  # the gap: the delta
        if diff is not None:
            lines.append(_change_text(c, k["kpi"], diff, escape_markdown(previous[0])))
    else:
        delta = None if diff is None else _change_text(c, k["kpi"], diff, escape_markdown(previous[0]))
        st.metric(title, value, delta=delta, delta_color="off", help=help_text,
                  delta_arrow="off" if not diff else "auto")  # no arrow for "no change"
        if any_targets:
            lines.append(c.t("overview.no_target"))
    st.caption("  \n".join(lines))  # our own text; the one name in it is escaped


def _figure_value(c: Ctx, fig: SeedFigure) -> str:
    return pct(fig.value) if fig.unit == "rate" else f"{fig.value:,.0f}"


def seed_notes(c: Ctx) -> pd.DataFrame:
    """The seed documents' figures and requirements as calibration notes: document (place and year),
    kind (数据 / 要求), figure, definition, note, preset, title and quote. Never a comparison."""
    rows = []
    for f in seed_figures().values():
        note = f.note(c.lang) or ""
        if f.compare == "same" and f.kpi:
            same = c.t("overview.same_definition", kpi=kpi_queries.kpi_meta(f.kpi)[f"title_{c.lang}"] or f.kpi)
            note = f"{same}。{note}" if c.lang == "zh" and note else (f"{same}. {note}" if note else same)
        rows.append({c.t("overview.ref_doc"): f.source.label, c.t("overview.ref_kind"): c.t(f"overview.kind_{f.kind}"),
                     c.t("overview.ref_value"): _figure_value(c, f), c.t("overview.ref_definition"): f.definition(c.lang),
                     c.t("overview.ref_note"): note, c.t("overview.ref_preset"): f.preset or "",
                     c.t("overview.ref_title"): f"《{f.source.title}》", c.t("overview.ref_quote"): f.quote})
    return pd.DataFrame(rows)


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


def street_target_table(c: Ctx, kpis: pd.DataFrame, kpi: str, previous: Previous) -> pd.DataFrame:
    """One KPI per street: value, numerator / denominator, target (the street's own, else the
    district's), gap and, with a previous snapshot, the change since it."""
    rows = []
    for k in kpis[(kpis["scope"] == "street") & (kpis["kpi"] == kpi)].to_dict("records"):
        row = {c.t("common.street"): k["street"], c.t("overview.street_value"): kpi_figure(c, k)[0],
               c.t("overview.street_fraction"): c.t("overview.fraction", num=f"{int(k['numerator']):,}",
                                                    den=f"{int(k['denominator']):,}"),
               c.t("overview.street_target"): target_text(kpi, k.get("target")),
               c.t("overview.street_gap"): gap_text(c, kpi, k.get("gap"))}
        if previous:
            diff = change(kpi, k, previous[1].get((kpi, k["street_id"])))
            row[c.t("overview.street_change", previous=previous[0])] = gap_text(
                c, kpi, diff) if diff is not None else "—"
        rows.append(row)
    return pd.DataFrame(rows)


def street_targets(c: Ctx, kpis: pd.DataFrame, targets: Targets, previous: Previous) -> None:
    """The street table of one KPI (chosen; the first KPI with a target by default)."""
    ids = [k for _, ks in kpi_queries.kpi_groups() for k in ks if k in set(kpis["kpi"])]
    if not ids:
        return
    titles = kpis.drop_duplicates("kpi").set_index("kpi")[f"title_{c.lang}"].to_dict()
    with_target = [k for k in ids if kpis[(kpis["kpi"] == k) & kpis["target"].notna()].shape[0]]
    st.markdown(f"**{c.t('overview.street_targets')}**")
    kpi = st.selectbox(c.t("overview.street_kpi"), ids, index=ids.index(with_target[0]) if with_target else 0,
                       format_func=lambda k: titles.get(k) or k, key="ov_street_kpi",
                       placeholder=c.t("common.choose"))
    table = street_target_table(c, kpis, kpi, previous)
    if table.empty:
        st.info(c.t("common.no_data"))
        return
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(c.t("overview.street_targets_note"))
    # a street or community account sees its own streets only: the others are not unknown
    district = c.account is None or c.account.scope.is_district
    unknown = targets.unknown_streets({str(s) for s in kpis["street_id"].dropna()}) if district else []
    if unknown:
        st.warning(c.t("overview.targets_unknown_streets", streets="、".join(unknown)))


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
    if counts is not None and c.facts_only:  # no live graph to count: the counts kept at its load
        counts = {"nodes": int(info.get("nodes") or 0), "relationships": int(info.get("relationships") or 0)}
    if not info and not (counts or {}).get("nodes"):
        st.info(c.t("app.no_graph", command="orgnet demo"))
        return
    when = str(info.get("loaded_at") or "")[:19].replace("T", " ")
    if counts:
        st.caption(c.t("overview.graph_line", snapshot=c.snapshot_title, when=when, nodes=counts["nodes"],
                       rels=counts["relationships"], as_of=c.as_of))
    else:
        st.caption(c.t("overview.graph_line_scoped", snapshot=c.snapshot_title, when=when, as_of=c.as_of))

    st.subheader(c.t("overview.kpis"))
    with ThreadPoolExecutor(max_workers=1) as pool:  # the gap counts run while the KPIs do
        gaps_later = pool.submit(_in_script_thread(cached, get_script_run_ctx()), c, _data.gap_count_table,
                                 as_of=True)  # counted in the engine: no gap row is fetched
        kpis = cached(c, kpi_queries.kpi_table, as_of=True, scopes=["overall", "street"],
                      spinner=c.t("progress.kpis"))
        targets = load_page_targets(c)
        kpis = with_targets(kpis, targets, overall_street=_scope_street(c))
        previous = _trend.previous_kpis(c)  # the snapshot before this one, when there is one
        kpi_cards(c, kpis, targets, previous)

        _trend.render(c)  # KPI trend across snapshots, closed since the previous one

        with st.expander(c.t("overview.seed_notes")):
            st.caption(c.t("overview.seed_notes_note"))
            st.dataframe(seed_notes(c), hide_index=True, width="stretch")
        gaps = gaps_later.result()
    st.subheader(c.t("overview.per_street"))
    table = street_table(c, kpis, gaps)
    if table.empty:
        st.info(c.t("common.no_data"))
    else:
        st.dataframe(table, hide_index=True, width="stretch")
        street_targets(c, kpis, targets, previous)

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
