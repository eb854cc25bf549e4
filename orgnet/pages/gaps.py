"""覆盖缺口 Gaps: the rule catalog, filters by rule/street/community, the result table, Excel and CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from orgnet.export import csv_bytes
from orgnet.queries import explore, gaps
from orgnet.pages import _data, _url
from orgnet.pages._ui import Ctx, cached, download, download_name, page_header

#: gap rows a page of the table shows (the rest stay in the database until asked for)
PAGE_ROWS = 500


def _catalog_frame(c: Ctx, cat: pd.DataFrame) -> pd.DataFrame:
    from orgnet.seeds import cite

    L = c.lang
    sev = cat["severity"].map(lambda s: c.t(f"gaps.severity_{s}") if s else "") if "severity" in cat else ""
    return pd.DataFrame({
        c.t("gaps.rule"): cat[f"title_{L}"],
        c.t("gaps.severity"): sev,
        c.t("gaps.finds"): cat.get(f"description_{L}", ""),
        c.t("gaps.source"): cat["source"].map(cite) if "source" in cat else "",
        c.t("gaps.remedy"): cat.get(f"remedy_{L}", ""),
    })


def result_frame(c: Ctx, res: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """The gap rows in the page language (rule title, kind name, remedy)."""
    from orgnet.pages._ui import kind_name

    titles = cat.set_index("id")[f"title_{c.lang}"].to_dict()
    remedies = cat.set_index("id")[f"remedy_{c.lang}"].to_dict() if f"remedy_{c.lang}" in cat else {}
    kind_names = {k: kind_name(c, {"label": _label_for(k), "kind": k}) for k in res["kind"].dropna().unique()}
    kinds = res["kind"].map(kind_names)
    out = pd.DataFrame({
        c.t("gaps.rule"): res["rule"].map(lambda r: titles.get(r, r)),
        c.t("common.name"): res["name"],
        c.t("explorer.kind"): kinds,
        c.t("common.street"): res.get("street"),
        c.t("common.community"): res.get("community"),
        c.t("gaps.detail"): res.get("detail"),
        c.t("gaps.remedy"): res["rule"].map(lambda r: remedies.get(r, "")),
        c.t("common.id"): res["id"],
    })
    if c.lang != "zh":  # the rules write their detail in Chinese only
        out = out.drop(columns=[c.t("gaps.detail")])
    return out


def _label_for(kind) -> str:
    from orgnet import model as m

    for label, enum in (("Area", m.AreaLevel), ("PartyOrg", m.OrgKind), ("Unit", m.UnitKind),
                        ("Member", m.MemberCategory), ("Service", m.ServiceType)):
        if str(kind).strip().lower() in enum.lookup():
            return label
    for lbl in m.Label:
        if str(kind).lower() == lbl.value.lower():
            return lbl.value
    return ""


def _counts(c: Ctx, sid: str, cid: str) -> pd.DataFrame:
    """Gaps per rule, street and community in scope, every rule (the rule filter picks from them):
    the district's counts per street and community, counted in the engine once and cached, of the
    street or community picked, so a rule, street or community change asks the engine nothing
    (for every street and community they equal the engine's scoped counts: tests/test_shape.py)."""
    district = cached(c, _data.gap_count_table, as_of=True, spinner=c.t("progress.gap_counts"),
                      by=["street_id", "community_id"])
    if cid:
        return district[district["community_id"] == cid]
    return district[district["street_id"] == sid] if sid else district


def render(c: Ctx) -> None:
    page_header(c, "page.gaps", "gaps.caption")
    cat = cached(c, _data.rule_catalog, graph_kw=None)
    with st.expander(c.t("gaps.catalog") + f"（{len(cat)}）" if c.lang == "zh"
                     else c.t("gaps.catalog") + f" ({len(cat)})", expanded=False):
        st.dataframe(_catalog_frame(c, cat), hide_index=True, width="stretch",
                     height=min(720, 38 + 35 * len(cat)))
    streets = cached(c, explore.streets)
    by_id = {s["id"]: s for s in streets}
    titles = cat.set_index("id")[f"title_{c.lang}"].to_dict()
    col_r, col_s, col_c = st.columns([3, 1, 1])
    _url.restore(f"gaps_rules_{c.lang}", "rule", set(cat["id"]), many=True)  # a shared link's filters
    _url.restore(f"gaps_street_{c.lang}", "street", set(by_id))
    rules = col_r.multiselect(c.t("common.rule_filter"), list(cat["id"]), format_func=lambda r: titles.get(r, r),
                              placeholder=c.t("common.all"), select_all=False, key=f"gaps_rules_{c.lang}")
    sid = col_s.selectbox(c.t("common.street"), [""] + list(by_id),
                          format_func=lambda i: by_id[i]["name"] if i else c.t("common.all"), key=f"gaps_street_{c.lang}",
                          placeholder=c.t("common.choose"))
    comms = {x["id"]: x["name"] for x in by_id[sid]["communities"]} if sid else \
        {x["id"]: x["name"] for s in streets for x in s["communities"]}
    _url.restore(f"gaps_comm_{c.lang}", "community", set(comms))
    cid = col_c.selectbox(c.t("common.community"), [""] + list(comms),
                          format_func=lambda i: comms[i] if i else c.t("common.all"), key=f"gaps_comm_{c.lang}",
                          placeholder=c.t("common.choose"))
    _url.keep({"rule": sorted(rules), "street": sid, "community": cid})
    scope = {k: v for k, v in (("rules", sorted(rules)), ("street_id", sid), ("community_id", cid)) if v}
    counts = _counts(c, sid, cid)
    totals = gaps.rule_totals(counts, scope.get("rules"))
    total = sum(totals.values())
    if not total:
        st.success(c.t("gaps.none_found"))
        _term_expiring(c, scope)
        return
    st.subheader(c.t("gaps.found", n=total))
    res = page_of_gaps(c, totals, {k: v for k, v in scope.items() if k != "rules"}, size=PAGE_ROWS,
                       key=f"gaps_page_{c.lang}", caption="gaps.page_rows", spinner=c.t("progress.gap_rows"))
    frame = result_frame(c, res, cat)
    where = comms.get(cid) if cid else (by_id[sid]["name"] if sid else None)
    if c.meeting:  # a room reads a large HTML table (the data grid keeps its small type)
        from orgnet.viz.table import meeting_table_html

        st.html(meeting_table_html(frame.drop(columns=[c.t("common.id"), c.t("gaps.remedy")])))
        rows = None
    else:
        picked = st.dataframe(frame, hide_index=True, width="stretch", height=min(640, 38 + 35 * len(frame)),
                              on_select="rerun", selection_mode="single-row", key=f"gaps_table_{c.lang}")
        rows = picked.selection.rows if picked and picked.selection else []
    if rows is None:
        pass
    elif rows:  # drill through: the gap's node in the explorer
        row = res.iloc[rows[0]]
        if st.button(c.t("gaps.open_in_explorer"), type="primary",
                     key="gaps_open"):
            from orgnet.pages.explorer import open_node

            open_node(c, str(row["id"]))
    else:
        st.caption(c.t("gaps.pick_row"))
    col1, col2, _ = st.columns([1, 1, 4])
    # every row, fetched and generated on click (a big workbook takes seconds): the page stays fast
    download(c, col1, c.t("common.download_excel"), lambda: _xlsx(c, cat, scope),
             file_name=download_name(c, "gaps", "xlsx", scope=where),
             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="gaps_xlsx",
             type="primary")
    download(c, col2, c.t("common.download_csv"), lambda: csv_bytes(result_frame(c, _all_rows(c, scope), cat)),
             file_name=download_name(c, "gaps", "csv", scope=where), mime="text/csv", key="gaps_csv")
    _term_expiring(c, scope)


def _term_expiring(c: Ctx, scope: dict) -> None:
    """即将到期: terms ending within the policy's months, beside the rule term_overdue (a
    reminder, not a gap; shown when no rule is picked or term_overdue is)."""
    from orgnet import policy

    if scope.get("rules") and "term_overdue" not in scope["rules"]:
        return
    where = {k: v for k, v in scope.items() if k != "rules"}
    rows = cached(c, _data.term_expiring, as_of=True, **where)
    if rows.empty:
        return
    months = policy.value("expiring_within_months")
    with st.expander(c.t("gaps.expiring", n=len(rows), months=months), expanded=False):
        st.dataframe(expiring_frame(c, rows), hide_index=True, width="stretch",
                     height=min(480, 38 + 35 * len(rows)))


def expiring_frame(c: Ctx, rows: pd.DataFrame) -> pd.DataFrame:
    """The 即将到期 rows in the page language."""
    from orgnet.pages._ui import kind_name

    return pd.DataFrame({
        c.t("common.name"): rows["name"],
        c.t("explorer.kind"): rows["kind"].map(lambda k: kind_name(c, {"label": "PartyOrg", "kind": k})),
        c.t("common.street"): rows["street"],
        c.t("common.community"): rows["community"],
        c.t("gaps.expiring_since"): rows["basis"].map(lambda b: c.t(f"gaps.expiring_basis_{b}")) + " " + rows["since"],
        c.t("gaps.expiring_term"): rows["term_years"],
        c.t("gaps.expiring_ends"): rows["term_ends"],
        c.t("common.id"): rows["id"],
    })


def page_of_gaps(c: Ctx, totals: dict[str, int], where: dict[str, str], *, size: int, key: str,
                 caption: str, spinner: str | None = None,
                 slots: Callable[[], tuple[Any, Any]] | None = None) -> pd.DataFrame:
    """The rows of the page the user picked of the gaps ``totals`` counts (``size`` a page, cut
    in the engine): a page number (widget key ``{key}_{total}``) and the message ``caption``
    (first, last, n) shown only when there is more than one page; ``slots`` makes the places
    of those two then (default: one under the other)."""
    total = sum(totals.values())
    pages = -(-total // size)
    page = 1
    if pages > 1:
        box_page, box_caption = slots() if slots else (st, st)
        page = int(box_page.number_input(c.t("gaps.page", pages=pages, size=size), min_value=1,
                                         max_value=pages, value=1, step=1, key=f"{key}_{total}"))
        page = min(max(page, 1), pages)
    offset = (page - 1) * size
    res = cached(c, _data.gap_page, as_of=True, totals=totals, offset=offset, size=size, spinner=spinner, **where)
    if pages > 1:
        box_caption.caption(c.t(caption, first=offset + 1, last=offset + len(res), n=total))
    return res


def _all_rows(c: Ctx, scope: dict) -> pd.DataFrame:
    """Every gap row in scope (for the downloads; runs in the download, not on the page)."""
    return _data.gap_results(c.store, graph=c.graph, as_of=c.as_of, **scope)


def _xlsx(c: Ctx, cat: pd.DataFrame, scope: dict) -> bytes:
    """The Excel workbook of every row in scope: ``orgnet.queries.gaps.export_xlsx`` (summary +
    one sheet per rule, Chinese headers) on a Chinese page; the page's own columns on an English one."""
    import io
    import tempfile
    from pathlib import Path

    res = _all_rows(c, scope)
    if c.lang == "zh":
        with tempfile.TemporaryDirectory(prefix="orgnet-gaps-") as tmp:
            path = gaps.export_xlsx(res, Path(tmp) / "gaps.xlsx", as_of=c.as_of)
            return Path(path).read_bytes()
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        result_frame(c, res, cat).to_excel(xw, index=False, sheet_name=c.t("page.gaps")[:31])
    return buf.getvalue()
