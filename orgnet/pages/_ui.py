"""What every page shares: the app context (store, graph, language, meeting mode), cached data, helpers.

Pages stay thin: they read :func:`ctx`, call library functions through :func:`cached`
(``st.cache_data`` keyed by graph name, its load stamp, ``as_of`` and the arguments) and
present the result. The store comes from ``st.cache_resource`` (one per process).
"""

from __future__ import annotations

import contextlib

import functools
import hashlib
import html
import json
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import streamlit as st

from orgnet import i18n
from orgnet.i18n import label_name
from orgnet.graph.stores.base import Store
from orgnet.settings import Settings

if TYPE_CHECKING:
    import datetime as dt

    from orgnet.access.accounts import Account

T = TypeVar("T")

#: session-state keys
K_LANG = "orgnet_lang"
K_GRAPH = "orgnet_graph"
K_MEETING = "orgnet_meeting"
K_START = "orgnet_start_page"
K_AS_OF = "orgnet_as_of"
K_PAGES = "_orgnet_pages"

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Ctx:
    settings: Settings
    store: Store
    graph: str
    lang: str
    meeting: bool
    as_of: str
    #: the graph's load stamp (invalidates cached results after a re-import)
    stamp: str
    #: the signed-in account (its scoped store is ``store``)
    account: "Account | None" = None
    #: the graph's load metadata (``orgnet.graph.load.graph_info``)
    info: dict = field(default_factory=dict)
    #: the store's snapshots and their loads (``orgnet.app.snapshots_key``): the key of every
    #: cached list of snapshots, which another graph's load changes and this one's stamp does not
    snapshots_key: str = ""

    @property
    def scope_key(self) -> str:
        """What the account's results depend on (scope, masking): part of every cache key."""
        return self.store.key()

    @property
    def facts_only(self) -> bool:
        """Whether the snapshot shown keeps only its stored facts (Neo4j Community: another is live)."""
        return self.info.get("state") == "facts"

    @property
    def snapshot_title(self) -> str:
        """The current snapshot as the UI names it (its series and date, not the graph's name)."""
        from orgnet.graph.snapshots import display_name

        return display_name({"graph": self.graph, **self.info})

    def t(self, key: str, **fmt) -> str:
        return i18n.t(key, self.lang, **fmt)

    def name(self, enum_value, enum_cls=None) -> str:
        """The display name of an enum value (or a Label/level string) in the page language."""
        return enum_name(enum_value, self.lang, enum_cls)


def enum_name(value, lang: str, enum_cls=None) -> str:
    if value is None or value == "":
        return ""
    if enum_cls is not None:
        try:
            return label_name(enum_cls.parse(value), lang)
        except (ValueError, KeyError):
            return str(value)
    try:
        return label_name(value, lang)
    except (ValueError, KeyError, AttributeError, TypeError):
        return str(value)


def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner=False)
def _store(home: str, neo4j_uri: str | None):
    from orgnet.graph.stores import open_store

    return open_store(Settings.from_env())


def get_store(s: Settings):
    """The store for these settings; raises the store's own error when it is unreachable."""
    store = _store(str(s.home), s.neo4j_uri)
    return store


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached(fn_key: str, graph: str, stamp: str, as_of: str | None, scope_key: str, args_json: str,
            _fn: Callable, _store_obj: Store):
    args, kwargs, _ = json.loads(args_json)  # the last: what else the answer depends on
    return _fn(_store_obj, *args, **kwargs)


def cached(c: Ctx, fn: Callable[..., T], *args, graph_kw: str | None = "graph", as_of: bool = False,
           spinner: str | None = None, depends: str = "", **kwargs) -> T:
    """Call ``fn(store, *args, **kwargs)`` through ``st.cache_data``.

    ``spinner``: what the page says while ``fn`` works (long work shows progress); Streamlit
    draws it only when the call takes more than half a second, so a cached answer shows none.

    The cache key is the function (its module and qualified name), the graph name, its load
    stamp, the account's scope and masking (``Ctx.scope_key``), ``as_of`` (when the function takes it) and the JSON of the arguments.
    ``graph_kw`` names the function's graph keyword argument (None: it takes no graph).
    ``depends``: what else the answer depends on (part of the key, not passed to ``fn``), e.g.
    ``c.snapshots_key`` for a list of every snapshot.

    >>> cached(c, explore.streets)            # doctest: +SKIP
    """
    if graph_kw:
        kwargs[graph_kw] = c.graph
    if as_of:
        kwargs["as_of"] = c.as_of
    key = json.dumps([list(args), kwargs, depends], ensure_ascii=False, sort_keys=True, default=str)
    with st.spinner(spinner) if spinner else contextlib.nullcontext():
        return _cached(f"{fn.__module__}.{fn.__qualname__}", c.graph, c.stamp, c.as_of if as_of else None,
                       c.scope_key, key, fn, c.store)


def ctx() -> Ctx:
    """The context the app's main() stored for this run."""
    return st.session_state["_orgnet_ctx"]


def page_header(c: Ctx, title_key: str, caption_key: str | None = None, *, map_page: bool = False,
                says_date: bool = False) -> None:
    """The page title; in meeting mode with the graph name and date underneath (unless the page
    itself ``says_date``).

    A map page in meeting mode shows no page title: the map carries its own title and date.
    """
    if c.meeting and map_page:
        return
    st.title(c.t(title_key))
    if c.meeting and not says_date:
        st.caption(c.t("app.meeting_caption", snapshot=c.snapshot_title, date=c.as_of))
    elif caption_key:
        st.caption(c.t(caption_key))


def download_name(c: Ctx, stem: str, ext: str, *, scope: str | None = None) -> str:
    """``<graph>-<what>[-<scope>]-<date>.<ext>`` in the page language, e.g. ``demo-覆盖缺口-东风街道-2026-06-30.xlsx``.

    ``stem``: a page key (its translated title is used) or a plain word.
    """
    what = c.t(f"page.{stem}") if i18n.has(f"page.{stem}") else stem
    parts = [c.graph, what, scope, c.as_of]
    name = "-".join(re.sub(r"[\\/:*?\"<>|\s]+", "_", str(p)).strip("_") for p in parts if p)
    return f"{name}.{ext}"


def column_name(c: Ctx, col: str) -> str:
    """A result column's header in the page language: gap columns, channels, node properties,
    the input contract's own headers, then the ``col.*`` table; else the name itself."""
    from orgnet.model import TABLES

    for key in (f"gap_column.{col}", f"channel.{col}", f"prop.{col}", f"col.{col}"):
        if i18n.has(key):
            return c.t(key)
    if c.lang == "zh":
        for table in TABLES.values():
            for column in table.columns:
                if column.name == col:
                    return column.zh
    return col


def localize_table(c: Ctx, df):
    """A query result for reading: Chinese (or English) headers, rule titles and kind names in
    place of codes (the codes stay, in a code column each), yes/no for booleans.

    >>> localize_table(c, pd.DataFrame([{"rule": "grid_without_branch", "kind": "grid"}]))  # doctest: +SKIP
    """
    from orgnet.model import kind_member
    from orgnet.queries import catalog

    out = df.copy()
    if "rule" in out.columns:
        titles = {q: catalog.get(q).meta.get(f"title_{c.lang}", q) for q in catalog.names("rule")}
        out[c.t("gaps.rule_code")] = out["rule"]
        out["rule"] = out["rule"].map(lambda r: titles.get(r, r))
    for col in ("kind", "unit_kind", "level", "category"):
        if col in out.columns:
            out[c.t("gaps.kind_code") if col == "kind" else c.t("col.code_of", name=column_name(c, col))] = out[col]
            out[col] = out[col].map(lambda k: label_name(m, c.lang) if isinstance(k, str)
                                    and (m := kind_member(k)) is not None else k)
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, bool)).all() and len(out):
            out[col] = out[col].map(lambda v: c.t("common.yes") if v else c.t("common.no"))
    return out.rename(columns={col: column_name(c, col) for col in df.columns})


def kind_name(c: Ctx, node: dict) -> str:
    """A node's kind in words (area level, org kind, unit kind, member category, or its label)."""
    from orgnet import model as m

    label, kind = node.get("label"), node.get("kind")
    enum = m.kind_enum(label)
    if enum is not None and kind:
        try:
            return label_name(enum.parse(kind), c.lang)
        except ValueError:
            pass
    return enum_name(label, c.lang, m.Label) if label else ""


@functools.lru_cache(maxsize=None)
def _component(name: str, folder: str) -> Callable:
    """A two-way component whose files are ``orgnet/viz/<folder>`` (served by the app itself: offline)."""
    import streamlit.components.v1 as components
    from importlib import resources

    return components.declare_component(name, path=str(resources.files("orgnet.viz") / folder))


def search_component() -> Callable:
    """The search box that suggests as you type (``orgnet/viz/searchbox``)."""
    return _component("orgnet_search", "searchbox")


def community_stepper(c: Ctx, communities: dict[str, str], key: str, start: str | None = None) -> str | None:
    """Meeting mode: one community at a time, with ◀ / ▶ buttons (no dropdowns on a projector).

    ``communities``: id → name in display order. Returns the community shown, which is kept in
    the URL (``community``): a reload or a link shows the same slide.
    """
    from orgnet.pages import _url

    if not communities:
        return None
    ids = list(communities)
    pos = st.session_state.get(key)
    if pos is None or not 0 <= pos < len(ids):
        linked = st.query_params.get("community")
        pos = ids.index(linked) if linked in ids else ids.index(start) if start in ids else 0
    prev_col, name_col, next_col = st.columns([1, 4, 1], vertical_alignment="center")
    if prev_col.button(c.t("meeting.prev_community"), key=f"{key}_prev", disabled=pos == 0, width="stretch"):
        pos -= 1
    if next_col.button(c.t("meeting.next_community"), key=f"{key}_next", disabled=pos >= len(ids) - 1,
                       width="stretch"):
        pos += 1
    st.session_state[key] = pos
    _url.keep({"community": ids[pos]})
    name_col.markdown(f"<div style='text-align:center;font-size:1.3rem'>{html.escape(communities[ids[pos]])}"
                      f"　<span style='color:#78909C'>{pos + 1} / {len(ids)}</span></div>", unsafe_allow_html=True)
    return ids[pos]


def date_words(day: str, lang: str, *, mark: bool = False) -> str:
    """``2026-06-30`` as the page reads it: 2026年6月30日 (the ISO form in English); ``mark``:
    the snapshot's own date, said so."""
    y, m_, d = (int(x) for x in day.split("-"))
    text = f"{y}年{m_}月{d}日" if lang == "zh" else day
    return f"{text}{i18n.t('app.as_of_snapshot', lang)}" if mark else text


def day_select(where: Any, label: str, *, key: str, lang: str, around: str, back_days: int = 365,
               ahead_days: int = 730) -> str:
    """A day as one select of dates in words (2026年5月31日), "—" first for none: for a date in a
    form (a follow-up's deadline), where Streamlit's picker names months and weekdays in English
    and three selects cannot follow the month before the form is sent. The days offered run from
    ``back_days`` before ``around`` (the snapshot's date) to ``ahead_days`` after today; typing
    narrows the list. Returns the ISO day, or "" for none."""
    import datetime as dt

    first = dt.date.fromisoformat(around) - dt.timedelta(days=back_days)
    span = (dt.date.today() + dt.timedelta(days=ahead_days) - first).days
    days = [""] + [(first + dt.timedelta(days=i)).isoformat() for i in range(max(span, 0) + 1)]
    return where.selectbox(label, days, key=key, placeholder=i18n.t("common.choose", lang),
                           format_func=lambda d: date_words(d, lang) if d else "—")


def date_select(where: Any, label: str, value: "dt.date | None", *, key: str, lang: str, help: str | None = None,
                optional: bool = False, years: tuple[int, int] | None = None) -> "dt.date | None":
    """A date as three selects (年 / 月 / 日 in Chinese), in place of Streamlit's date picker,
    whose calendar names months and weekdays in English only. ``optional``: each select offers
    "—" first, and the answer is None unless all three are set. ``years``: the first and last
    year offered (default: five years before ``value`` or today to two after)."""
    import calendar
    import datetime as dt

    base = value or dt.date.today()
    first, last = years or (min(base.year, dt.date.today().year) - 5, max(base.year, dt.date.today().year) + 2)
    none = [None] if optional else []
    zh = lang == "zh"
    col_y, col_m, col_d = where.columns([1.3, 1, 1], gap="small")
    years_ = none + list(range(first, last + 1))
    year = col_y.selectbox(label, years_, key=f"{key}_y", help=help, placeholder=i18n.t("common.choose", lang),
                           index=years_.index(value.year if value else None),
                           format_func=lambda y: "—" if y is None else f"{y}年" if zh else str(y))
    month = col_m.selectbox(i18n.t("common.month", lang), none + list(range(1, 13)), key=f"{key}_m",
                            index=(value.month - 1 + len(none)) if value else 0, label_visibility="hidden",
                            placeholder=i18n.t("common.choose", lang),
                            format_func=lambda m: "—" if m is None else f"{m}月" if zh else calendar.month_abbr[m])
    days = calendar.monthrange(year or base.year, month or 1)[1]
    if (st.session_state.get(f"{key}_d") or 0) > days:  # 31 → 30 when the month has no 31st
        st.session_state[f"{key}_d"] = days
    day = col_d.selectbox(i18n.t("common.day", lang), none + list(range(1, days + 1)), key=f"{key}_d",
                          index=(min(value.day, days) - 1 + len(none)) if value else 0, label_visibility="hidden",
                          placeholder=i18n.t("common.choose", lang),
                          format_func=lambda d: "—" if d is None else f"{d}日" if zh else str(d))
    if year is None or month is None or day is None:
        return None
    return dt.date(year, month, min(day, days))


def map_block(c: Ctx, which: str, data, *, title: str, key: str, height: int | None = None,
              events: str | None = None, note: str | None = None, fit: dict | None = None) -> dict | None:
    """Draw a map (``which``: network | org_tree | linkage) from :mod:`orgnet.viz`.

    In meeting mode the map gets larger labels, its title, the date and the legend (the PNG
    button sits in the map's toolbar, rendered in the browser from the canvas), and the map
    is offered as a standalone HTML file that opens offline.

    ``note``: a line shown on the map and in its exports (e.g. what was left out).
    ``events``: a stable name for a map that reports clicks; returns each new click once as
    ``{"event": "select" | "expand" | "open", "id": node id}`` (None when nothing new).
    ``fit`` (with ``events``): ``{"min": px, "max": px, "bottom": px}``: the map takes the height
    the browser window leaves below it (``bottom`` px spare), within min and max, so the first
    screen holds the whole map and its legend; ``height`` is the height before it is measured.
    """
    h = height or (760 if c.meeting else 600)
    page, sig = _cached_map(c, which, data, title, "100vh" if fit and events else h - 20, False, key, note)
    event = None
    if events:
        value = _component("orgnet_map", "bridge")(html=page, sig=sig, height=h, fit=fit, key=f"map_{events}",
                                                   default=None)
        seen = f"_orgnet_map_seen_{events}"
        if value and value.get("t") != st.session_state.get(seen):
            st.session_state[seen] = value.get("t")
            event = {"event": value.get("event"), "id": value.get("id")}
    elif hasattr(st, "iframe"):
        st.iframe(page, height=h)
    else:  # older Streamlit
        import streamlit.components.v1 as components

        components.html(page, height=h, scrolling=False)
    if c.meeting:
        from orgnet.pages import _maps

        # built on click, in the download thread (no session state there)
        download(c, st, c.t("meeting.download_html"),
                 lambda: _maps.html_for(c, which, data, title=title, standalone=True, note=note).encode("utf-8"),
                 file_name=download_name(c, title, "html"), mime="text/html", key=f"dl_html_{key}",
                 type="primary")
    return event


def _cached_map(c: Ctx, which: str, data, title: str, height, standalone: bool, key: str,
                note: str | None = None) -> tuple[str, str]:
    """(map HTML, its digest), cached across sessions per (graph, load stamp, date, language, mode,
    page key, title): layouts are not free. ``key`` must name every filter the data depends on."""
    return _map_html((c.graph, c.stamp, c.as_of, c.lang, c.meeting, which, key, title, height, standalone, note,
                      c.scope_key), c, data)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _map_html(map_key: tuple, _c: Ctx, _data) -> tuple[str, str]:
    from orgnet.pages import _maps

    graph, stamp, as_of, lang, meeting, which, key, title, height, standalone, note, _scope = map_key
    page = _maps.html_for(_c, which, _data, title=title, height=height, standalone=standalone, note=note)
    return page, hashlib.sha1(page.encode("utf-8")).hexdigest()  # the component redraws when it changes


_WARMED: set[tuple[str, str, str]] = set()


def prewarm(c: Ctx) -> None:
    """Once per process and graph load: compute the default views of every page in a background
    thread, so the first visit to Gaps, Linkage or Org tree is warm (set ORGNET_PREWARM=0 to skip)."""
    import os
    import threading

    key = (c.graph, c.stamp, c.as_of)
    if os.environ.get("ORGNET_PREWARM", "1") == "0" or key in _WARMED:
        return
    _WARMED.add(key)

    def work() -> None:
        try:
            from orgnet.pages import _data
            from orgnet.queries import explore, kpis

            streets = cached(c, explore.streets)
            cached(c, _data.rule_catalog, graph_kw=None)
            cached(c, kpis.kpi_table, as_of=True, scopes=["overall", "street"])
            cached(c, _data.gap_count_table, as_of=True)
            cached(c, _data.gap_count_table, as_of=True, by=["street_id", "community_id"])  # the Gaps page's
            if streets:
                sid = streets[0]["id"]
                cached(c, explore.org_tree, sid, community_id=None, as_of=True)
                cached(c, _data.linkage_view, as_of=True, street_id=sid)
                cached(c, explore.neighbourhood, sid, radius=1, labels=None)
        except Exception:  # noqa: BLE001 - warming is best effort; the page shows real errors
            pass

    threading.Thread(target=work, name="orgnet-prewarm", daemon=True).start()


#: session-state key of the downloads' failures (a failed build is said on the page, never dropped)
K_DOWNLOAD_FAILED = "_orgnet_download_failed"


class _Built:
    """A download's bytes, built on the first click and kept for later clicks of the same button
    (the callable runs in Streamlit's download thread: no session state there, so the failure
    record is a plain dict captured while the page ran)."""

    def __init__(self, c: Ctx, build: Callable[[], Any], file_name: str, key: str, failed: dict):
        self._c, self._build, self._file_name, self._key, self._failed = c, build, file_name, key, failed
        self._data: Any = None
        self._lock = threading.Lock()

    def __call__(self) -> Any:
        with self._lock:  # a double click builds once
            if self._data is None:
                try:
                    self._data = self._build()
                except Exception as e:  # noqa: BLE001 - said on the page (next run) and in the audit log
                    self._failed[self._key] = f"{type(e).__name__}: {e}"[:400]
                    audit(self._c, "export", self._file_name, outcome="failed", reason=type(e).__name__)
                    raise
                self._failed.pop(self._key, None)
            audit(self._c, "export", self._file_name)
            return self._data


def download(c: Ctx, where: Any, label: str, data: Any, *, file_name: str, mime: str | None = None,
             key: str, **kw: Any) -> None:
    """A download button for accounts that may export (administrators, analysts), recorded
    in the audit log when clicked; nothing for viewers.

    ``data`` may be a callable: its bytes are built when the button is clicked (not on every
    run) and kept for further clicks while the view stays. Such a click does not rerun the page
    (a rerun would retire the file the browser is fetching: "Deferred file … not found", a
    second download that silently did nothing). A build that fails is shown at the button in
    the page's language from the next run on, and recorded in the audit log.

    >>> download(c, st, "CSV", lambda: b"...", file_name="gaps.csv", key="dl")   # doctest: +SKIP
    """
    account = c.account
    if account is not None and not account.may_export:
        return
    if not callable(data):
        where.download_button(label, data, file_name=file_name, mime=mime, key=key, on_click=_audit_export,
                              args=(c, file_name), **kw)
        return
    failed = st.session_state.setdefault(K_DOWNLOAD_FAILED, {})
    where.download_button(label, _Built(c, data, file_name, key, failed), file_name=file_name, mime=mime,
                          key=key, on_click="ignore", **kw)
    if key in failed:
        where.error(c.t("common.download_failed", file=file_name, error=failed[key]))


def _audit_export(c: Ctx, file_name: str) -> None:
    audit(c, "export", file_name)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (``content: …``): quotes, backslashes and angle brackets
    escaped, so no text can end the string or the ``<style>`` element."""
    out = "".join(f"\\{ord(ch):x} " if ch in '"\\<>\n\r' else ch for ch in text)
    return f'"{out}"'


_UPLOAD_TEXT = '[data-testid="stFileUploaderDropzone"] {part} {{font-size: 0 !important;}}\n' \
               '[data-testid="stFileUploaderDropzone"] {part}::after {{content: {text}; font-size: 0.875rem;}}\n'


def uploader_texts(c: Ctx, types: list[str]) -> None:
    """Streamlit's file uploader in the page's language: its button ("Upload"), its limits line
    ("200MB per file • ZIP, XLSX") and its drag text are drawn by the browser in English only,
    so a style puts the page's text over them (local CSS, no component, works offline)."""
    size = f"{int(st.get_option('server.maxUploadSize'))} MB"
    parts = {
        "button [data-testid=\"stMarkdownContainer\"] p": c.t("upload.button"),
        "[data-testid=\"stFileUploaderDropzoneInstructions\"] span": c.t(
            "upload.limits", size=size, types=c.t("upload.type_sep").join(t.lower() for t in types)),
        "> div:not([data-testid]) > span": c.t("upload.drop"),
    }
    css = "".join(_UPLOAD_TEXT.format(part=part, text=css_string(text)) for part, text in parts.items())
    # a file refused in the browser (too large, or a type not allowed): its chip's tooltip says why,
    # in English; the page's text, naming both limits, goes over it
    refused = c.t("upload.refused", size=size, types=c.t("upload.type_sep").join(t.lower() for t in types))
    css += (f'{_FILE_ERROR}, {_FILE_ERROR} * {{font-size: 0 !important;}}\n'
            f'{_FILE_ERROR}::after {{content: {css_string(refused)}; font-size: 0.875rem !important;}}\n')
    st.html(f"<style>\n{css}</style>")


#: the tooltip of an uploader's file that the browser refused (Streamlit's error tooltip)
_FILE_ERROR = '[data-testid="stTooltipErrorContent"]'


def download_error_text(lang: str) -> None:
    """Streamlit's own message under a download whose file could not be made ("Failed to
    generate file for download", English, gone after 5 s) in the page's language."""
    part = '[data-testid="stDownloadButtonError"]'
    st.html(f"<style>\n{part} {{font-size: 0 !important;}}\n"
            f"{part}::after {{content: {css_string(i18n.t('common.download_failed_now', lang))}; "
            f"font-size: 0.875rem;}}\n</style>")


def query_error(c: Ctx, error: BaseException, where: Any = None) -> None:
    """A failed query explained in the page's language, the engine's own text below it
    (:func:`orgnet.queries.explain.explain`); names from the query are escaped."""
    from orgnet.queries.explain import explain
    from orgnet.textsafe import escape_markdown

    where = where or st
    x = explain(error)
    where.error(c.t(x.key, **{k: escape_markdown(v) for k, v in x.fmt.items()}))
    if x.engine_text:
        where.caption(c.t("cypher_error.engine_text"))
        where.code(x.engine_text, language=None, wrap_lines=True)


def audit(c: Ctx, action: str, what: str, *, graph: str | None = None, outcome: str | None = None,
          reason: str = "", note: str = "", **note_values: Any) -> None:
    """Record what the signed-in account did on a graph (default: the current one) and how it
    ended (``outcome``/``reason``, default succeeded) in the audit log (``orgnet.access.audit``)."""
    from orgnet.access import audit as log

    account = c.account
    log.record(c.settings.home, account.name if account else "-", action,
               scope=account.scope.key() if account else "",
               what=f"{graph or c.graph}: {what}" if what else (graph or c.graph), outcome=outcome, reason=reason,
               note=note, **note_values)
