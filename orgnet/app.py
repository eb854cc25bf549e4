"""The orgnet Streamlit app: a router (``st.navigation``) over the pages in :mod:`orgnet.pages`.

Run it with ``orgnet app`` (or ``streamlit run app.py`` from the repository root). The
sidebar holds the graph selector, the language switch (中文 / English) and the meeting-mode
toggle; the store comes from ``st.cache_resource``; pages read their data through
``orgnet.pages._ui.cached`` (``st.cache_data`` keyed by graph, load stamp and ``as_of``).
"""

from __future__ import annotations

import datetime as _dt
import time
from pathlib import Path

import streamlit as st

from orgnet.access.accounts import store_for
from orgnet.i18n import t
from orgnet.pages import _access, _ui
from orgnet.pages._ui import K_AS_OF, K_GRAPH, K_LANG, K_MEETING, K_START, Ctx

#: the favicon, served by the app itself (a material icon would be fetched from Google's font CDN)
ICON = Path(__file__).with_name("pages") / "assets" / "icon.png"

#: pages a meeting needs (meeting mode shows only these, larger)
MEETING_PAGES = ("overview", "explorer", "org_tree", "gaps", "linkage", "assess")

#: (page key, module, icon, who may open it) in menu order; the page key is also its URL path.
#: Who: ``all`` accounts, ``query`` (analysts and administrators), ``admin``.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "orgnet.pages.overview", ":material/dashboard:", "all"),
    ("explorer", "orgnet.pages.explorer", ":material/hub:", "all"),
    ("org_tree", "orgnet.pages.org_tree", ":material/account_tree:", "all"),
    ("gaps", "orgnet.pages.gaps", ":material/report:", "all"),
    ("linkage", "orgnet.pages.linkage", ":material/share:", "all"),
    ("changes", "orgnet.pages.changes", ":material/compare_arrows:", "all"),
    ("followup", "orgnet.pages.followup", ":material/assignment_turned_in:", "all"),
    ("assess", "orgnet.pages.assess", ":material/leaderboard:", "all"),
    ("import", "orgnet.pages.import_page", ":material/upload_file:", "admin"),
    ("query", "orgnet.pages.query", ":material/terminal:", "query"),
    ("audit", "orgnet.pages.audit_page", ":material/policy:", "admin"),
)


def may_open(account, who: str) -> bool:
    """Whether ``account`` may open a page of ``PAGES`` marked ``who``."""
    return who == "all" or (who == "query" and account.may_query) or (who == "admin" and account.is_admin)

#: tables' own "Download as CSV" button is hidden: exports go through the app's buttons, which
#: check the account's right to export and write the audit log
_APP_CSS = """
<style>
[data-testid="stElementToolbarButton"]:has(button[aria-label="Download as CSV"]) {display: none;}
</style>
"""

_MEETING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] {display: none;}
.block-container, [data-testid="stMainBlockContainer"] {padding-top: 3.2rem; padding-left: 2rem; padding-right: 2rem; max-width: 100%;}
html {font-size: 20px;}
h1 {font-size: 2.6rem !important;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p {font-size: 2.8rem !important; line-height: 1.2 !important;}
[data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"] p {font-size: 1.15rem !important;}
[data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] {font-size: 1.05rem;}
</style>
"""


#: pages that work on a graph holding no load (every other page says "尚未导入数据" instead)
NO_DATA_PAGES = ("import", "query", "audit")


def _page_runner(key: str):
    """The function ``st.Page`` runs for the page ``key`` of ``PAGES``."""
    import importlib

    module = next(mod for k, mod, _, _ in PAGES if k == key)
    needs_data = key not in NO_DATA_PAGES

    def run() -> None:
        from orgnet.errors import OrgnetError, QueryError, ReadOnlyViolation
        from orgnet.graph.load import is_loaded

        mod = importlib.import_module(module)
        c = _ui.ctx()
        if needs_data and not is_loaded(c.info):  # empty, missing or restarted empty: never "no gaps"
            st.title(c.t(f"page.{key}"))
            st.warning(c.t("app.not_loaded", graph=c.graph, load=f"orgnet load 台账目录 --graph {c.graph}",
                           demo="orgnet demo"))
            return
        start = time.perf_counter()
        try:
            mod.render(c)
        except QueryError as e:  # the engine refused a query: explained, its own text below
            if isinstance(e, ReadOnlyViolation):
                st.error(c.t("common.error", message=str(e)[:600]))
            else:
                _ui.query_error(c, e)
        except OrgnetError as e:  # an input problem: say what went wrong, keep the app up
            st.error(c.t("common.error", message=str(e)[:600]))
        st.session_state["_orgnet_render_s"] = time.perf_counter() - start

    run.__name__ = module.rsplit(".", 1)[-1]
    return run


def _graph_info(store, graph: str) -> dict:
    """The graph's load metadata; a facts-only snapshot's (Neo4j Community) from its stored
    record, with ``state: "facts"``; {} when there is none."""
    from orgnet.graph.load import graph_info
    from orgnet.graph.snapshots import require_snapshot

    try:
        return require_snapshot(store, graph)
    except Exception:  # noqa: BLE001 - no load here: what the graph holds (the page says "not loaded")
        pass
    try:
        return graph_info(store, graph) or {}
    except Exception:  # noqa: BLE001 - a name held neither live nor as facts has no info
        return {}


def _snapshots(store) -> list:
    """The store's snapshots, oldest reference date first (the sidebar's selector order)."""
    from orgnet.graph.snapshots import list_snapshots

    try:
        return list_snapshots(store)
    except Exception:  # noqa: BLE001 - an unreadable graph is left out, the app stays up
        return []


def snapshots_key(snaps: list) -> str:
    """What a list of snapshots depends on: each snapshot's name and load (a load from the CLI
    or another session, or a dropped snapshot, changes it; by load id: two loads in one second
    differ too)."""
    return "|".join(f"{s.name}@{s.load_id or s.loaded_at}" for s in snaps)


def _date_control(container, lang: str, info: dict) -> str:
    """The one reference date of the app (sidebar; ``?date=`` in the URL).

    Default: the graph's own reference date (``orgnet load --as-of``), else today.
    """
    from orgnet.errors import QueryError
    from orgnet.queries.catalog import as_of_date, snapshot_date

    default = snapshot_date(info)
    try:
        current = as_of_date(st.query_params.get("date") or st.session_state.get(K_AS_OF) or default)
    except QueryError:
        current = default
    if container is None:  # meeting mode: no controls
        return current
    # one select of dates in words (Streamlit's calendar names months and weekdays in English only):
    # every month's end around the snapshot's date, the snapshot's own date, today, the date linked
    options = date_options(current, default)
    picked = container.selectbox(t("app.as_of", lang), options, index=options.index(current),
                                 key=f"_orgnet_as_of_{info.get('graph')}", help=t("app.as_of_help", lang, date=default),
                                 placeholder=t("common.choose", lang),
                                 format_func=lambda d: _ui.date_words(d, lang, mark=d == default))
    return as_of_date(picked)


def date_options(current: str, default: str, years: int = 5) -> list[str]:
    """The dates the sidebar offers, newest first: the last day of every month from ``years``
    years before the snapshot's date ``default`` to the end of next year, ``default``, today
    and ``current``."""
    import calendar

    ref = _dt.date.fromisoformat(default)
    today = _dt.date.today()
    first, last = min(ref.year, today.year) - years, max(ref.year, today.year) + 1
    ends = {_dt.date(y, m_, calendar.monthrange(y, m_)[1]).isoformat()
            for y in range(first, last + 1) for m_ in range(1, 13)}
    return sorted(ends | {default, current, today.isoformat()}, reverse=True)


def _series_picker(sb, snaps: list, current: str, lang: str) -> list[str]:
    """The series selector (shown when the store holds more than one); returns the names of
    the picked series' snapshots, oldest first (the snapshot selector's options)."""
    from orgnet.graph.snapshots import by_series, series_titles

    groups = by_series(snaps)
    if not groups:
        return []
    of_current = next((s.series for s in snaps if s.name == current), next(iter(groups)))
    names = list(groups)
    shown = series_titles(names)  # distinct: a select keeps its value by the text it shows
    if st.session_state.get("_orgnet_series_select") not in names or st.session_state.get("_orgnet_series_for") != current:
        st.session_state["_orgnet_series_select"] = of_current  # follow the snapshot chosen
    if len(names) > 1:
        picked = sb.selectbox(t("app.series", lang), names, key="_orgnet_series_select",
                              help=t("app.series_help", lang), placeholder=t("common.choose", lang),
                              format_func=shown.get)
    else:
        picked = names[0]
    return [s.name for s in groups[picked]]


def _sidebar(settings, store, lang: str, snaps: list) -> tuple[str, bool, dict]:
    """The sidebar controls (``snaps``: the store's snapshots); returns (graph, meeting, graph info)."""
    from orgnet.graph.snapshots import display_names

    sb = st.sidebar
    choice = sb.radio(t("app.language", lang), ["中文", "English"], horizontal=True,
                      index=0 if lang == "zh" else 1, key="_orgnet_lang_radio")
    new_lang = "zh" if choice == "中文" else "en"
    if new_lang != lang:
        st.session_state[K_LANG] = new_lang
        st.rerun()
    graphs = [s.name for s in snaps]
    facts = {s.name for s in snaps if not s.live}
    current = st.session_state.get(K_GRAPH) or st.query_params.get("graph") or settings.graph
    live = [g for g in graphs if g not in facts] or graphs  # a live graph first (Neo4j Community: one)
    if graphs and current not in graphs:
        current = settings.graph if settings.graph in graphs else live[0]
    pending = st.session_state.pop("_orgnet_pending_graph", None)
    if pending in graphs:
        st.session_state["_orgnet_graph_select"] = pending
    options = _series_picker(sb, snaps, current, lang) or [current]
    if current not in options:  # another series was picked: its latest snapshot
        current = options[-1]
    shown = display_names([s for s in snaps if s.name in options])  # series and date, not the graph's name
    graph = sb.selectbox(t("app.snapshot", lang), options, index=options.index(current),
                         key="_orgnet_graph_select", help=t("app.snapshot_help", lang),
                         placeholder=t("common.choose", lang),
                         format_func=lambda g: shown.get(g, g)
                         + (f" · {t('app.snapshot_facts', lang)}" if g in facts else ""))
    st.session_state[K_GRAPH] = st.session_state["_orgnet_series_for"] = graph
    info = _graph_info(store, graph)
    when = info.get("loaded_at")
    if when:
        sb.caption(t("app.graph_loaded", lang, when=str(when)[:19].replace("T", " ")))
    meeting = sb.toggle(t("meeting.mode", lang), value=bool(st.session_state.get(K_MEETING)),
                        key="_orgnet_meeting_toggle")
    st.session_state[K_MEETING] = meeting
    return graph, meeting, info


def main() -> None:
    if K_MEETING not in st.session_state and "meeting" in st.query_params:  # a link into a meeting
        st.session_state[K_MEETING] = st.query_params.get("meeting") not in ("0", "")
    lang = st.session_state.get(K_LANG, "zh")
    meeting = bool(st.session_state.get(K_MEETING))
    st.set_page_config(page_title=t("app.title", lang), page_icon=str(ICON), layout="wide",
                       initial_sidebar_state="collapsed" if meeting else "expanded")
    settings = _ui.settings()
    account = _access.current_account(settings, lang)
    if account is None:  # the sign-in form is shown; nothing else until someone signs in
        st.stop()
        return
    try:
        raw_store = _ui.get_store(settings)
        raw_store.list_graphs()
    except Exception as e:  # noqa: BLE001 - the store's own error names what to do
        st.title(t("app.title", lang))
        if settings.neo4j_uri:  # a shared server: nothing to start here, the settings or the server
            st.error(t("app.neo4j_unreachable", lang, error=str(e), uri=settings.neo4j_uri,
                       settings="NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE"))
        else:
            st.error(t("app.store_unreachable", lang, error=str(e), command="orgnet demo"))
        st.stop()
        return
    store = store_for(account, raw_store)  # every page reads through the account's scope
    if not _access.keep_signed_in(settings, lang):  # just signed in: the browser's cookie first
        st.stop()
        return
    st.markdown(_APP_CSS, unsafe_allow_html=True)
    _ui.download_error_text(lang)  # Streamlit's own download error, in the page's language

    snaps = _snapshots(raw_store)
    if meeting:  # no sidebar controls in a meeting: keep the graph and date chosen before
        graph = st.session_state.get(K_GRAPH) or st.query_params.get("graph") or settings.graph
        info = _graph_info(raw_store, graph)
        as_of = _date_control(None, lang, info)
    else:
        graph, meeting, info = _sidebar(settings, raw_store, lang, snaps)
        as_of = _date_control(st.sidebar, lang, info)
        _access.account_line(settings, account, lang)
    st.session_state[K_AS_OF] = as_of
    for key, value in (("graph", graph), ("date", as_of), ("meeting", "1" if meeting else "0")):  # reload = same view
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    stamp = str(info.get("load_id") or info.get("loaded_at") or "")  # each load its own (loaded_at has seconds)
    st.session_state["_orgnet_ctx"] = Ctx(settings=settings, store=store, graph=graph, lang=lang,
                                          meeting=meeting, as_of=as_of, stamp=stamp, account=account,
                                          info=info, snapshots_key=snapshots_key(snaps))
    if meeting:  # controls hidden: pages in a top bar, one button back
        st.markdown(_MEETING_CSS, unsafe_allow_html=True)
        _, right = st.columns([6, 1])
        right.button(t("meeting.exit", lang), on_click=_leave_meeting, key="_orgnet_leave_meeting",
                     icon=":material/close_fullscreen:", width="stretch")

    start = st.session_state.get(K_START) or st.session_state.pop(_access.K_WANTED, None)  # tests; deep links
    allowed = [(key, mod, icon) for key, mod, icon, who in PAGES
               if (not meeting or key in MEETING_PAGES) and may_open(account, who)]
    start = start if start in {key for key, _, _ in allowed} else "overview"
    pages = [st.Page(_page_runner(key), title=t(f"page.{key}", lang), icon=icon, url_path=key)
             for key, mod, icon in allowed]
    st.session_state[_ui.K_PAGES] = {p.url_path: p for p in pages}  # for links between pages
    nav = st.navigation([_home_page(start, lang)] + pages, position="top" if meeting else "sidebar")
    nav.run()
    _ui.prewarm(st.session_state["_orgnet_ctx"])


def _home_page(start: str, lang: str):
    """The app's root URL: a hidden page showing the start page. Every listed page keeps its own
    path (Streamlit serves a default page only at the root, so ``/overview`` was "Page not found")."""
    return st.Page(_page_runner(start), title=t(f"page.{start}", lang), url_path="home",
                   visibility="hidden", default=True)


def _leave_meeting() -> None:
    st.session_state[K_MEETING] = False
    st.session_state["_orgnet_meeting_toggle"] = False


if __name__ == "__main__":
    main()
