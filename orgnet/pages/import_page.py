"""数据导入 Import: upload a CSV zip or an .xlsx workbook, see the validation report,
download rejected rows, load into a named graph, pick the current graph."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from orgnet.model import TABLES
from orgnet.graph.snapshots import display_names, list_snapshots
from orgnet.graph.stores.base import graph_name_for, is_graph_name
from orgnet.loaders.guard import temporary_upload_dir, unpack_upload
from orgnet.pages._ui import K_GRAPH, Ctx, audit, download, page_header, uploader_texts

#: what the upload box takes (a CSV folder zipped, or one workbook)
UPLOAD_TYPES = ["zip", "xlsx"]


def rejects_zip(result) -> bytes | None:
    """The rejected rows (``write_rejects``) as one zip, or None when nothing was rejected."""
    from orgnet.loaders.report import write_rejects

    with tempfile.TemporaryDirectory(prefix="orgnet-rejects-") as tmp:
        files = write_rejects(result, Path(tmp) / "rejects")
        if not files:
            return None
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, arcname=f.name)
        return buf.getvalue()


def report_frames(c: Ctx, report: dict, raw=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The import report as two tables: counts per table, and every rejection named the way the
    user's own file names it (file or sheet, row, the file's own column header)."""
    sources = {t: rt.source for t, rt in (raw.tables.items() if raw is not None else ())}
    rows = []
    for table, counts in report["tables"].items():
        tname = TABLES[table].zh if c.lang == "zh" else table
        rows.append({c.t("import.table"): tname, c.t("import.file"): sources[table].label if table in sources else "",
                     c.t("import.read"): counts["read"], c.t("import.accepted"): counts["accepted"],
                     c.t("import.rejected"): counts["rejected"]})
    errs = pd.DataFrame(report["errors"])
    if not errs.empty:
        def header(r) -> str:
            src = sources.get(r["table"])
            col = next((x for x in TABLES[r["table"]].columns if x.name == r["column"]), None) \
                if r["table"] in TABLES else None
            return (src.header_of(r["column"]) if src else None) or (col.zh if col and c.lang == "zh" else r["column"])

        errs.insert(0, "file", [sources[t].label if t in sources else TABLES[t].zh for t in errs["table"]])
        errs["column"] = [header(r) for r in errs.to_dict("records")]
        errs = errs.drop(columns=["table"]).rename(columns={
            "file": c.t("import.file"), "row": c.t("import.row"), "column": c.t("import.column"),
            "value": c.t("import.value"), "reason": c.t("import.reason")})
    return pd.DataFrame(rows), errs


def withheld_frame(c: Ctx, report: dict) -> pd.DataFrame:
    """The personal columns an import left out (ID numbers, phones, addresses …), as the file names them."""
    from orgnet.privacy import KINDS

    rows = [{c.t("import.file"): w["file"], c.t("import.column"): w["column"],
             c.t("import.personal_kind"): KINDS[w["kind"]][0 if c.lang == "zh" else 1] if w["kind"] in KINDS
             else w["kind"],
             c.t("import.reason"): w["reason"]} for w in report.get("withheld") or []]
    return pd.DataFrame(rows)


def _target(c: Ctx):
    """The store to load into: the store itself for an administrator (``ScopedStore.writable``)."""
    return c.store.writable()


def table_title(c: Ctx, table: str) -> str:
    """A load step as the user knows it: ``members`` → 党员, ``areas:building`` → 区域·楼栋,
    ``MEMBER_OF Member→PartyOrg`` → 关系 所属组织（党员→党组织）."""
    from orgnet.i18n import label_name
    from orgnet.model import AreaLevel, Label, Rel

    zh = c.lang == "zh"
    if " " in table:  # a relationship group: "TYPE From→To"
        rel, ends = table.split(" ", 1)
        a, _, b = ends.partition("→")
        names = [label_name(Label(x), c.lang) if x in Label._value2member_map_ else x for x in (a, b)]
        kind = label_name(Rel(rel), c.lang) if rel in Rel._value2member_map_ else rel
        return c.t("import.progress_rel", rel=kind, source=names[0], target=names[1])
    base, _, level = table.partition(":")
    name = (TABLES[base].zh if zh else base) if base in TABLES else base
    if level and level in AreaLevel._value2member_map_:
        name += f"·{label_name(AreaLevel(level), c.lang)}"
    return name


def load_with_progress(c: Ctx, dataset, name: str, replace: bool, series: str | None = None) -> dict[str, int]:
    """Load ``dataset`` into graph ``name`` showing a progress bar per table, then store its
    results and sync the ledger (``load_snapshot``), saying what it is doing; returns the graph's counts."""
    from orgnet.snapshots import load_snapshot
    from orgnet.textsafe import escape_markdown

    target = _target(c)
    how, source = ("import_replaced" if replace else "import_added"), dataset.source or "-"
    with st.status(c.t("import.progress_loading", graph=escape_markdown(name)), expanded=True) as status:
        bars: dict[str, object] = {}

        def hook(table: str, done: int, total: int) -> None:
            text = c.t("import.progress_table", table=table_title(c, table), done=f"{done:,}", total=f"{total:,}")
            fraction = min(done / total, 1.0) if total else 1.0
            if table in bars:
                bars[table].progress(fraction, text=text)
            else:
                bars[table] = st.progress(fraction, text=text)

        try:
            counts: dict[str, int] = {}

            def storing() -> None:  # the graph's counts, then its results stored and the ledger synced
                counts.update(c.store.counts(name))
                status.update(label=c.t("import.progress_results"))

            loaded = load_snapshot(target, dataset, graph=name, replace=replace, progress=hook, series=series,
                                   before_results=storing)
        except Exception as e:
            from orgnet.access.audit import outcome_of

            status.update(label=c.t("import.progress_failed"), state="error")
            outcome, reason = outcome_of(e)
            audit(c, "import", "", graph=name, outcome=outcome, reason=reason, note=how, source=source)
            raise
        audit(c, "import", "", graph=name, note=how, source=source)
        for warning in loaded.written.warnings:  # what the load could not do (e.g. Neo4j replanning)
            st.warning(escape_markdown(warning))
        if loaded.superseded:  # Neo4j Community: the live snapshot this load replaced keeps its facts
            st.info(c.t("import.superseded", old=escape_markdown(loaded.superseded), new=escape_markdown(name)))
        status.update(label=c.t("import.progress_done", graph=escape_markdown(name)), state="complete",
                      expanded=False)
    return counts


def read_upload(name: str, data: bytes):
    """Validate an uploaded file (``.xlsx`` or ``.zip``): (the validation result, the zip of
    rejected rows or None). The dataset's source is the user's file name, not the temporary
    folder it was unpacked in (removed once read: the dataset is in memory)."""
    from orgnet.loaders.validate import validate_path

    with temporary_upload_dir() as tmp:
        result = validate_path(unpack_upload(name, data, tmp))
        result.dataset.source = name
        return result, rejects_zip(result)


def render(c: Ctx) -> None:
    page_header(c, "page.import", "import.caption")
    done = st.session_state.pop("_import_done", None)
    if done:
        st.success(done)
    uploader_texts(c, UPLOAD_TYPES)
    up = st.file_uploader(c.t("import.upload"), type=UPLOAD_TYPES, key="import_file")
    state = st.session_state
    if up is not None and state.get("import_name") != (up.name, up.size):
        with st.spinner(c.t("common.loading")):
            try:
                result, rejects = read_upload(up.name, up.getvalue())
            except Exception as e:  # noqa: BLE001 - show the reader's message (names file and fix)
                st.error(c.t("common.error", message=str(e)))
                return
            state["import_name"] = (up.name, up.size)
            state["import_result"] = result
            state["import_rejects"] = rejects
    result = state.get("import_result") if up is not None else None
    if result is not None:
        report = result.report.to_dict()
        st.subheader(c.t("import.report"))
        counts, errs = report_frames(c, report, result.raw)
        st.dataframe(counts, hide_index=True, width="stretch")
        withheld = withheld_frame(c, report)
        if not withheld.empty:  # personal columns never reach the graph unless the operator allows them
            st.info(c.t("import.withheld", n=len(withheld), setting="ORGNET_ALLOW_PERSONAL_COLUMNS"))
            st.dataframe(withheld, hide_index=True, width="stretch")
        n_rej = sum(v["rejected"] for v in report["tables"].values())
        if n_rej:
            st.warning(c.t("import.some_rejected", n=n_rej))
            st.dataframe(errs, hide_index=True, width="stretch", height=260)
            if state.get("import_rejects"):
                download(c, st, c.t("import.download_rejected"), state["import_rejects"],
                         file_name=f"rejected-{Path(up.name).stem}.zip", mime="application/zip",
                         key="import_dl_rejects")
        else:
            st.success(c.t("import.all_accepted"))
        with st.form("import_load"):
            default = graph_name_for(up.name, fallback=c.graph)
            name = st.text_input(c.t("import.graph_name"), value=default, help=c.t("import.graph_name_help"))
            series = st.text_input(c.t("app.series"), value=result.dataset.series, help=c.t("app.series_help"))
            replace = st.checkbox(c.t("import.replace"), value=True)
            go = st.form_submit_button(c.t("import.load"), type="primary")
        if go:
            if not is_graph_name(name):
                st.error(c.t("import.bad_name", name=name))
            else:
                try:
                    counts = load_with_progress(c, result.dataset, name, replace, series.strip() or None)
                except Exception as e:  # noqa: BLE001
                    st.error(c.t("common.error", message=str(e)))
                    return
                st.cache_data.clear()
                state["import_loaded"] = name
                state["_import_done"] = c.t("import.loaded_into", graph=name, nodes=counts["nodes"],
                                            relationships=counts["relationships"])
                state[K_GRAPH] = name  # the newly loaded graph becomes the current one
                state["_orgnet_pending_graph"] = name
                st.rerun()  # draw the app again on the new graph (sidebar, date)

    st.divider()
    st.subheader(c.t("import.graphs"))
    graphs = sorted(c.store.list_graphs())
    if not graphs:
        st.info(c.t("app.no_graph", command="orgnet demo"))
        return
    shown = display_names([s for s in list_snapshots(c.store) if s.name in graphs])  # series and date
    rows = []
    for g in graphs:
        try:
            n = c.store.counts(g)
        except Exception:  # noqa: BLE001
            n = {"nodes": None, "relationships": None}
        rows.append({c.t("import.graph_name"): g, c.t("import.shown_as"): shown.get(g, ""), c.t("import.nodes"): n["nodes"],
                     c.t("import.relationships"): n["relationships"]})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    pick = st.selectbox(c.t("import.current"), graphs,
                        index=graphs.index(c.graph) if c.graph in graphs else 0, key="import_pick", placeholder=c.t("common.choose"),
                        format_func=lambda g: f"{shown[g]} · {g}" if shown.get(g) else g)
    if st.button(c.t("import.make_current"), key="import_make_current"):
        state[K_GRAPH] = pick
        state["_orgnet_pending_graph"] = pick
        st.rerun()
