"""The Overview's look across snapshots: KPI trend and what closed since the previous one.

One call from the Overview (:func:`render`); cached per snapshot and its load stamp.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgnet.pages import _data
from orgnet.pages._ui import Ctx, cached
from orgnet.textsafe import escape_markdown


def _overall_kpis(store, graph: str, as_of: str | None, stamp: str) -> list[dict]:
    from orgnet.queries.kpis import kpi_table

    df = kpi_table(store, as_of=as_of, graph=graph, scopes=("overall",))
    return df[["kpi", "title_zh", "title_en", "rate"]].to_dict("records")


def _gap_keys(store, graph: str, as_of: str | None, stamp: str) -> list[list[str]]:
    from orgnet.queries.changes import snapshot_facts

    facts = snapshot_facts(store, graph, as_of=as_of, parts=("gaps",))
    return [[g["rule"], g["id"], g.get("name") or "", g.get("street") or "", g.get("community") or ""]
            for g in facts.gaps]


def render(c: Ctx) -> None:
    """The KPI trend over every dated snapshot up to the current one and the gaps closed since
    the snapshot before it; nothing with fewer than two snapshots. Read from the results stored
    at load; when a snapshot has none (loaded by an older version), only on request (a toggle),
    as it then runs every earlier snapshot's KPIs and two snapshots' rules."""
    snaps = [s for s in cached(c, _data.snapshots, graph_kw=None) if s["as_of"]]
    names = [s["name"] for s in snaps]
    if c.graph not in names or len(snaps) < 2:
        return
    upto = snaps[: names.index(c.graph) + 1]
    stored = all(s["stored"] for s in upto)
    if stored or st.toggle(c.t("changes.show_trend", previous=upto[-2]["name"], n=len(upto)), key="ov_trend"):
        st.subheader(c.t("changes.trend"))
        rows = []
        for s in upto:
            for k in cached(c, _overall_kpis, s["name"], s["as_of"], s["loaded_at"], graph_kw=None):
                if k["rate"] is not None:
                    rows.append({"snapshot": f"{s['name']} {s['as_of']}", "kpi": k[f"title_{c.lang}"] or k["kpi"],
                                 "rate": round(float(k["rate"]) * 100, 1)})
        if rows:
            wide = pd.DataFrame(rows).pivot_table(index="snapshot", columns="kpi", values="rate", sort=False)
            st.line_chart(wide, height=260)
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
