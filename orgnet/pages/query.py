"""查询 Query: run a catalog query with a parameter form, or read-only Cypher with a row limit and timeout."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from orgnet.export import csv_bytes
from orgnet.errors import OrgnetError, QueryError, ReachRefused, ReadOnlyViolation
from orgnet import i18n
from orgnet.pages._ui import (Ctx, audit, date_select, download, download_name, localize_table, page_header,
                              query_error)
from orgnet.textsafe import escape_markdown

KIND_ORDER = ("rule", "kpi", "linkage", "view")


def _title(c: Ctx, q) -> str:
    return q.meta.get(f"title_{c.lang}") or q.id


def _param_widget(c: Ctx, qid: str, p):
    """One input per parameter, typed by its declared type; optional ones may stay empty."""
    name, ptype = p.name, getattr(p, "type", "str")
    default = p.default() if callable(getattr(p, "default", None)) else getattr(p, "default", None)
    key = f"q_{qid}_{name}"
    label = c.t(f"param.{name}") if i18n.has(f"param.{name}") else name
    if ptype == "date":  # "=today" and no default mean the app's reference date, as on every page
        fixed = getattr(p, "default_text", None) not in (None, "today")
        value = dt.date.fromisoformat(default if fixed and isinstance(default, str) else c.as_of)
        return date_select(st, label, value, key=key, lang=c.lang).isoformat()
    if ptype == "int":
        return int(st.number_input(label, value=int(default or 0), step=1, key=key))
    if ptype == "float":
        return float(st.number_input(label, value=float(default or 0.0), key=key))
    if ptype == "bool":
        return st.checkbox(label, value=bool(default), key=key)
    text = st.text_input(label, value="" if default is None else str(default), key=key,
                         placeholder=c.t("query.optional"))
    return text.strip() or None


def _show(c: Ctx, rows: list[dict], stem: str) -> None:
    df = pd.DataFrame(rows)
    st.caption(c.t("common.rows", n=len(df)))
    if df.empty:
        st.info(c.t("common.no_data"))
        return
    for col in df.columns:  # lists and maps as text so the table renders
        if df[col].map(lambda v: isinstance(v, (list, dict, tuple))).any():
            df[col] = df[col].map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple))
                                  else str(v) if isinstance(v, dict) else v)
    df = localize_table(c, df)
    st.dataframe(df, hide_index=True, width="stretch", height=min(600, 38 + 35 * len(df)))
    download(c, st, c.t("common.download_csv"), csv_bytes(df),
             file_name=download_name(c, stem, "csv"), mime="text/csv", key=f"dl_{stem}")


def _audit_query(c: Ctx, what: str, error: BaseException | None = None) -> None:
    """The query in the audit log with how it ended: succeeded, refused (why) or failed (the
    error's kind and class)."""
    from orgnet.access.audit import outcome_of

    outcome, reason = outcome_of(error) if error is not None else ("ok", "")
    audit(c, "query", what, outcome=outcome, reason=reason)


def console_allowed(c: Ctx) -> bool:
    """Free Cypher only for district-wide accounts that may see personal data (the catalog
    queries are scoped; free Cypher cannot be)."""
    a = c.account
    return a is None or (a.may_query and a.scope.is_district and a.sees_personal)


def render(c: Ctx) -> None:
    from orgnet.queries import catalog

    page_header(c, "page.query", "query.caption")
    tab_cat, tab_cy = st.tabs([c.t("query.catalog"), c.t("query.cypher")])
    with tab_cat:
        qs = [catalog.get(i) for i in catalog.names()]
        qs.sort(key=lambda q: (KIND_ORDER.index(q.kind) if q.kind in KIND_ORDER else 9, q.id))
        labels = {q.id: f"{c.t('query.kind_' + q.kind) if i18n.has('query.kind_' + q.kind) else q.kind} · {_title(c, q)}"
                  for q in qs}
        qid = st.selectbox(c.t("query.pick"), [q.id for q in qs], format_func=labels.get, key=f"q_pick_{c.lang}",
                           placeholder=c.t("common.choose"))
        q = catalog.get(qid)
        desc = q.meta.get(f"description_{c.lang}")
        if desc:
            st.caption(desc)
        with st.form(f"qform_{qid}"):
            params = {}
            if q.params:
                st.markdown(f"**{c.t('query.parameters')}**")
                cols = st.columns(min(3, len(q.params)))
                for i, p in enumerate(q.params):
                    with cols[i % len(cols)]:
                        params[p.name] = _param_widget(c, qid, p)
            go = st.form_submit_button(c.t("common.run"), type="primary")
        if go:
            params = {k: v for k, v in params.items() if v is not None}
            try:
                rows = catalog.run(c.store, qid, params, graph=c.graph)
            except OrgnetError as e:
                _audit_query(c, f"{qid} {params}", e)
                query_error(c, e)
            else:
                _audit_query(c, f"{qid} {params}")
                st.subheader(c.t("query.results"))
                _show(c, rows, qid)
    with tab_cy:
        if not console_allowed(c):
            st.info(c.t("query.console_district_only"))
            return
        with st.form("cypher_form"):
            text = st.text_area(c.t("query.cypher"), height=160, key="q_cypher",
                                value="MATCH (c:Community)\nRETURN c.id AS id, c.name AS name\nORDER BY id")
            col1, col2 = st.columns(2)
            limit = int(col1.number_input(c.t("query.limit"), min_value=1, max_value=100000, value=1000, step=100))
            timeout = float(col2.number_input(c.t("query.timeout"), min_value=1, max_value=600, value=30, step=5))
            go2 = st.form_submit_button(c.t("common.run"), type="primary")
        if go2 and text.strip():
            try:
                rows = c.store.read(text, {}, graph=c.graph, limit=limit, timeout_s=timeout)
            except Exception as e:  # noqa: BLE001 - refused, or a syntax error from the engine
                _audit_query(c, text, e)
                if isinstance(e, ReachRefused):  # what was refused and why, in the page's language
                    st.error(c.t(e.key, **{**e.fmt, "what": escape_markdown(e.fmt["what"])}))
                elif isinstance(e, ReadOnlyViolation):
                    st.error(c.t("query.read_only_refused"))
                elif isinstance(e, QueryError):  # explained in the page's language, the engine's text below
                    query_error(c, e)
                else:
                    st.error(c.t("common.error", message=str(e)))
            else:
                _audit_query(c, text)
                st.subheader(c.t("query.results"))
                _show(c, rows, "cypher")
