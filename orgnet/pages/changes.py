"""变化 Changes: compare two snapshots (gaps new/closed/still open, KPIs, linkage, entities)."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from orgnet.analysis.changes import CHANGES
from orgnet.graph.snapshots import display_names, history, series_title
from orgnet.pages import _data, _url
from orgnet.pages._ui import Ctx, cached, download, download_name, page_header


def _diff(store, old: str, new: str, street_id: str | None, stamps: str) -> dict:
    """The report as plain data (cached per pair, scope and both load stamps)."""
    from orgnet.queries.changes import diff_snapshots

    r = diff_snapshots(store, old, new, street_id=street_id)
    return {"report": r}


def _xlsx(c: Ctx, report, frames: dict[str, pd.DataFrame]) -> bytes:
    """The workbook of what the page shows: the summary, then each tab's table as shown."""
    import tempfile
    from pathlib import Path

    from orgnet.queries.changes import summary_row, write_workbook

    heads, row = summary_row(report, c.lang)
    sheets = [(c.t("changes.sheet_summary"), heads, [row])]
    sheets += [(c.t(f"changes.tab_{k}"), [str(h) for h in df.columns], df.itertuples(index=False, name=None))
               for k, df in frames.items()]
    with tempfile.TemporaryDirectory() as d:
        return write_workbook(sheets, Path(d) / "diff.xlsx").read_bytes()


def render(c: Ctx) -> None:
    page_header(c, "page.changes", "changes.caption")
    every = cached(c, _data.snapshots, graph_kw=None, depends=c.snapshots_key)
    snaps = _data.same_series(every, c.graph)  # never another series
    if len(snaps) < 2:
        st.info(c.t("changes.need_two", command="orgnet load DATA --graph 2026Q2 --as-of 2026-06-30"))
        return
    series = snaps[0]["series"]
    st.caption(c.t("changes.series", series=series_title(series)))
    names = [s["name"] for s in snaps]
    label = display_names(snaps)  # series and date, not the graph's name
    new_i = names.index(c.graph) if c.graph in names and names.index(c.graph) > 0 else len(names) - 1
    before = history(snaps, names[new_i], lambda s: (s["name"], s["as_of"]))  # an earlier date, not a copy
    old_i = names.index(before[-2]["name"]) if len(before) > 1 else new_i - 1
    col_o, col_n, col_s = st.columns([1, 1, 1])
    k_old, k_new, state = f"chg_old_{series}", f"chg_new_{series}", st.session_state
    _url.restore(k_old, "old", set(names))  # a shared link's snapshots and street
    _url.restore(k_new, "new", set(names))
    old = col_o.selectbox(c.t("changes.snapshot_old"), names, index=None if k_old in state else old_i,
                          format_func=label.get, key=k_old, placeholder=c.t("common.choose"))
    new = col_n.selectbox(c.t("changes.snapshot_new"), names, index=None if k_new in state else new_i,
                          format_func=label.get, key=k_new, placeholder=c.t("common.choose"))
    streets = cached(c, _data_streets, graph_kw=None, graph=new)
    by_id = {s["id"]: s["name"] for s in streets}
    _url.restore("chg_street", "street", set(by_id))
    sid = col_s.selectbox(c.t("common.street"), [""] + list(by_id),
                          format_func=lambda i: by_id[i] if i else c.t("common.all"), key="chg_street",
                          placeholder=c.t("common.choose"))
    _url.keep({"old": old, "new": new, "street": sid})
    stamps = "|".join(str(s["loaded_at"]) for s in snaps if s["name"] in (old, new))
    report = cached(c, _diff, old, new, sid or None, stamps, graph_kw=None)["report"]
    tot = report.totals()
    cols = st.columns(3)
    for col, ch in zip(cols, CHANGES):
        col.metric(c.t(f"changes.{ch}"), tot[ch])
    frames = _frames(c, report, label[old], label[new])
    for tab, (key, df) in zip(st.tabs([c.t(f"changes.tab_{k}") for k in frames]), frames.items()):
        with tab:
            st.dataframe(df, hide_index=True, width="stretch")
    download(c, st, c.t("changes.download"), lambda: _xlsx(c, report, frames),
             file_name=download_name(c, f"changes_{old}_{new}", "xlsx"),
             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="chg_dl")


def _frames(c: Ctx, report, old: str, new: str) -> dict[str, pd.DataFrame]:
    """Each tab's table in the page language, by tab key (the download writes the same)."""
    titles = cached(c, _data.rule_catalog, graph_kw=None).set_index("id")[f"title_{c.lang}"].to_dict()
    heads = {ch: c.t(f"changes.{ch}") for ch in CHANGES}
    rules = pd.DataFrame(report.by_rule, columns=["rule", *CHANGES])
    rules["rule"] = rules["rule"].map(lambda r: titles.get(r, r))
    streets = pd.DataFrame(report.by_street, columns=["street_id", "street", *CHANGES]).drop(columns=["street_id"])
    gaps = pd.DataFrame(report.gaps)
    if not gaps.empty:
        gaps["rule"] = gaps["rule"].map(lambda r: titles.get(r, r))
        gaps["change"] = gaps["change"].map(heads)
        gaps = gaps[["change", "rule", "name", "street", "community", "snapshots_open", "id"]].rename(columns={
            "change": c.t("changes.sheet_gaps"), "rule": c.t("gaps.rule"), "name": c.t("common.name"),
            "street": c.t("common.street"), "community": c.t("common.community"),
            "snapshots_open": c.t("changes.snapshots_open"), "id": c.t("common.id")})
    return {"rules": rules.rename(columns={"rule": c.t("gaps.rule"), **heads}),
            "streets": streets.rename(columns={"street": c.t("common.street"), **heads}),
            "gaps": gaps, "kpis": kpi_frame(c, report.kpis, old, new),
            "linkage": linkage_frame(c, report.linkage), "entities": entity_frame(c, report.entities)}


def kpi_frame(c: Ctx, kpis: list[dict], old: str, new: str) -> pd.DataFrame:
    """The overall KPIs of both snapshots (columns headed ``old`` and ``new``) and the change, in
    the page language: a rate in percent and percentage points, a count KPI (``// measure: count``)
    as its numerator and the difference."""
    from orgnet.pages.overview import pct
    from orgnet.queries.kpis import kpi_meta

    rows = []
    for r in kpis:
        if r["scope"] != "overall":
            continue
        if kpi_meta(r["kpi"])["measure"] == "count":
            a, b = r["numerator_old"], r["numerator_new"]
            figures = (_count(a), _count(b), "—" if a is None or b is None else f"{int(b) - int(a):+,}")
        else:
            d = r["delta"]
            figures = (pct(r["rate_old"]), pct(r["rate_new"]),
                       "—" if d is None else c.t("changes.delta_points", d=f"{float(d) * 100:+.1f}"))
        rows.append(dict(zip((c.t("changes.kpi"), old, new, c.t("changes.delta")),
                             (r[f"title_{c.lang}"] or r["kpi"], *figures))))
    return pd.DataFrame(rows)


def _count(v) -> str:
    return "—" if v is None else f"{int(v):,}"


def linkage_frame(c: Ctx, rows: list[dict]) -> pd.DataFrame:
    """The pairs whose band changed, bands and direction named in the page language."""
    from orgnet.pages._ui import localize_table
    from orgnet.pages.linkage import band_name

    df = pd.DataFrame(rows)
    if df.empty:
        return df
    for col in ("band_old", "band_new"):
        df[col] = df[col].map(lambda b: band_name(c, b))
    df["direction"] = df["direction"].map(lambda d: c.t(f"changes.direction_{d}"))
    df = df[["direction", "street", "community", "unit", "band_old", "band_new", "score_old", "score_new",
             "community_id", "unit_id"]].round({"score_old": 1, "score_new": 1})
    return localize_table(c, df)


def entity_frame(c: Ctx, rows: list[dict]) -> pd.DataFrame:
    """The orgs, units and agreements added or gone, their kinds named in the page language."""
    from orgnet.pages._ui import localize_table

    df = pd.DataFrame(rows)
    if df.empty:
        return df
    df["change"] = df["change"].map(lambda x: c.t(f"changes.{x}"))
    df["entity"] = df["entity"].map(lambda e: c.t(f"changes.entity_{e}"))
    return localize_table(c, df[["change", "entity", "name", "kind", "street_id", "community_id", "id"]])


def _data_streets(store, graph: str) -> list[dict]:
    from orgnet.queries import explore

    return explore.streets(store, graph=graph)
