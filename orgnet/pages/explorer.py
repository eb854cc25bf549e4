"""网络浏览 Explorer: search any node and walk the network by clicking.

Click a node: it is selected and the details panel shows it. Double-click: the view
re-centres on it. Click a cluster ("党员 212"): it opens. Back / forward and the area
breadcrumb move along; the node, radius, kinds, open clusters and the selection live in
the URL (``?id=…&r=…&k=…&open=…&sel=…``), so a reload or a pasted link shows the same view.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgnet import i18n
from orgnet import model as m
from orgnet.textsafe import escape_markdown as _md
from orgnet.pages._ui import Ctx, cached, enum_name, kind_name, map_block, page_header, search_component
from orgnet.queries import explore
from orgnet.queries.explore import PRIMARY_LABELS

#: session-state keys of the explorer's view (mirrored in the URL)
K_VIEW = "ex_view"
K_HIST = "ex_hist"
SEARCH_SHOWN = 50


def _view_from_url(c: Ctx) -> dict:
    """The view the URL describes (node, radius, kinds, open clusters, selection)."""
    q = st.query_params
    kinds = [k for k in (q.get("k") or "").split(",") if k in PRIMARY_LABELS]
    radius = q.get("r") or "1"
    opened = [g for g in (q.get("open") or "").split(",") if g]
    return {"id": q.get("id"), "r": int(radius) if radius in ("1", "2", "3") else 1, "k": kinds,
            "open": opened, "sel": q.get("sel"), "pg": _pages_from_url(q.get("pg") or "", opened)}


def _pages_from_url(text: str, opened: list[str]) -> dict[str, int]:
    """``pg=<cluster id>~<page>,…`` (pages counted from 1 in the link) → {cluster id: 0-based page}."""
    out = {}
    for part in text.split(","):
        gid, _, page = part.rpartition("~")
        if gid in opened and page.isdigit() and int(page) > 0:
            out[gid] = int(page) - 1
    return out


def _pages_param(view: dict) -> str:
    return ",".join(f"{gid}~{page + 1}" for gid, page in sorted((view.get("pg") or {}).items())
                    if gid in view["open"] and page > 0)


#: history entries kept in the URL (the latest ones; a link stays short)
URL_HISTORY = 20


def _history_from_url(view: dict) -> dict:
    """The ←/→ history the URL describes (``h``: the centres visited, ``hp``: where ``view`` is
    among them), or a history that starts at ``view`` when the URL holds none that fits."""
    q = st.query_params
    ids = [i for i in (q.get("h") or "").split(",") if i]
    pos = int(q.get("hp")) if (q.get("hp") or "").isdigit() else -1
    if not view["id"] or not 0 <= pos < len(ids) or ids[pos] != view["id"]:
        return {"items": [dict(view)] if view["id"] else [], "pos": 0}
    items = [dict(view) if i == pos else dict(view, id=node, open=[], sel=None, pg={}) for i, node in enumerate(ids)]
    return {"items": items, "pos": pos}


def _history_params() -> dict[str, str]:
    hist = st.session_state.get(K_HIST) or {"items": [], "pos": 0}
    items, pos = hist["items"], hist["pos"]
    start = max(0, min(pos, len(items) - URL_HISTORY))
    ids = [str(v["id"]) for v in items[start:start + URL_HISTORY]]
    if len(ids) < 2 or any("," in i for i in ids):
        return {"h": "", "hp": ""}
    return {"h": ",".join(ids), "hp": str(pos - start)}


def _write_url(view: dict) -> None:
    want = {"id": view["id"], "r": str(view["r"]), "k": ",".join(view["k"]),
            "open": ",".join(view["open"]), "sel": view.get("sel") or "", "pg": _pages_param(view),
            **_history_params()}
    for key, value in want.items():
        if value and st.query_params.get(key) != value:
            st.query_params[key] = value
        elif not value and key in st.query_params:
            del st.query_params[key]


def _start(view: dict, *, from_url: bool = False) -> dict:
    """Make ``view`` the current one, with a history that starts at it (or, for a link or a
    reload, the history the URL carries)."""
    st.session_state[K_VIEW] = view
    st.session_state[K_HIST] = _history_from_url(view) if from_url else \
        {"items": [dict(view)] if view["id"] else [], "pos": 0}
    return view


def _state(c: Ctx) -> dict:
    """This session's view; on the first run (or a pasted link) it comes from the URL."""
    state = st.session_state
    url = _view_from_url(c)
    view = state.get(K_VIEW)
    if view is None or (url["id"] and url["id"] != view["id"] and state.get("_ex_url_written") != url["id"]):
        view = _start(url, from_url=True)
    if not view["id"]:  # start at the first street: the map is never empty on arrival
        streets = cached(c, explore.streets)
        view = _start(dict(view, id=streets[0]["id"] if streets else None))
    return view


def open_node(c: Ctx, node_id: str) -> None:
    """Switch to the explorer centred on ``node_id`` (from a gap row, a linkage pair …).

    The visit is a new history entry, so ← leads back to where the explorer was.
    """
    from orgnet.pages._ui import K_PAGES

    if st.session_state.get(K_VIEW):
        go(node_id)
    else:
        _start({"id": node_id, "r": 1, "k": [], "open": [], "sel": None, "pg": {}})
    st.session_state["_ex_url_written"] = node_id
    st.switch_page(st.session_state[K_PAGES]["explorer"],
                   query_params={"id": node_id, "r": "1", "graph": c.graph, "date": c.as_of})


def go(node_id: str) -> None:
    """Re-centre on ``node_id`` (a new history entry; forward history is dropped)."""
    state = st.session_state
    view = dict(state[K_VIEW], id=node_id, open=[], sel=None, pg={})
    hist = state[K_HIST]
    hist["items"] = hist["items"][: hist["pos"] + 1] + [view]
    hist["pos"] = len(hist["items"]) - 1
    state[K_VIEW] = dict(view)


def _step(delta: int) -> None:
    hist = st.session_state[K_HIST]
    pos = max(0, min(len(hist["items"]) - 1, hist["pos"] + delta))
    hist["pos"] = pos
    st.session_state[K_VIEW] = dict(hist["items"][pos])


def _handle(event: dict | None, view: dict) -> bool:
    """Apply a map click; True when the page must be drawn again."""
    if not event or not event.get("id"):
        return False
    nid = event["id"]
    if event["event"] == "open" and nid not in view["open"]:
        view["open"] = view["open"] + [nid]
        return True
    if event["event"] == "expand" and nid != view["id"] and not nid.startswith("+"):
        go(nid)
        return True
    if event["event"] == "select" and nid != view.get("sel") and not nid.startswith("+"):
        view["sel"] = nid
        return True
    return False


def _search(c: Ctx) -> None:
    """Search that suggests as you type: each pause sends the text, the matches come back
    (counted in the engine), picking one re-centres the map."""
    state = st.session_state
    q = state.get("ex_q", "")
    hits, total = [], 0
    if q:
        total = cached(c, explore.search_count, q)
        hits = cached(c, explore.search, q, limit=SEARCH_SHOWN)
    if not q:
        summary = ""
    elif not hits:
        summary = c.t("common.search_none", text=q)
    elif total <= len(hits):
        summary = c.t("explorer.results", n=total)
    else:
        summary = c.t("explorer.results_more", n=total, shown=len(hits))
    value = search_component()(
        label=c.t("common.search"), placeholder=c.t("common.search_placeholder"), q=q, totalText=summary,
        hits=[{"id": h["id"], "name": h["name"], "kind": kind_name(c, h)} for h in hits],
        key="ex_search", default=None)
    if not value or value.get("t") == state.get("_ex_search_t"):
        return
    state["_ex_search_t"] = value["t"]
    if value.get("pick"):
        go(value["pick"])
        st.rerun()
    elif (value.get("q") or "") != q:
        state["ex_q"] = value.get("q") or ""
        st.rerun()


def _controls(c: Ctx, view: dict) -> None:
    col_q, col_r, col_k = st.columns([3, 1, 3])
    with col_q:
        _search(c)
        view = st.session_state[K_VIEW]
    radius = col_r.selectbox(c.t("common.radius"), [1, 2, 3], index=view["r"] - 1, key="ex_radius",
                             placeholder=c.t("common.choose"))
    kinds = col_k.multiselect(c.t("common.kind_filter"), list(PRIMARY_LABELS), default=view["k"],
                              format_func=lambda v: enum_name(v, c.lang, m.Label), key=f"ex_kinds_{c.lang}",
                              placeholder=c.t("common.all"), select_all=False)
    view["r"], view["k"] = int(radius), list(kinds)


def _nav(c: Ctx, view: dict) -> None:
    """Back / forward, and the area path of the current node as buttons."""
    hist = st.session_state[K_HIST]
    crumbs = cached(c, explore.breadcrumb, view["id"])
    if c.meeting:  # no buttons in a meeting: the path as one line
        if crumbs:
            st.markdown("**" + " › ".join(_md(a["name"]) for a in crumbs) + "**")
        return
    cols = st.columns([1, 1] + [3] * len(crumbs) + [max(1, 14 - 3 * len(crumbs))], gap="small",
                      vertical_alignment="bottom")
    cols[0].button("←", key="ex_back", on_click=_step, args=(-1,), disabled=hist["pos"] <= 0,
                   help=c.t("explorer.back"), width="stretch")
    cols[1].button("→", key="ex_fwd", on_click=_step, args=(1,), disabled=hist["pos"] >= len(hist["items"]) - 1,
                   help=c.t("explorer.forward"), width="stretch")
    for i, a in enumerate(crumbs):
        level = enum_name(a["level"], c.lang, m.AreaLevel)
        cols[2 + i].button(f"{level}：{_md(a['name'])}" if c.lang == "zh" else f"{level}: {_md(a['name'])}",
                           key=f"crumb_{a['id']}", on_click=go, args=(a["id"],), width="stretch",
                           type="primary" if a["id"] == view["id"] else "secondary")


#: the desk map takes the window's height below it (px: at least, at most, spare under it)
MAP_FIT = {"min": 420, "max": 1400, "bottom": 12}
#: at a desk the page starts near the top of the window (Streamlit leaves 6rem above the title),
#: so the whole map and its legend fit the first screen at 1600×1000
_DESK_CSS = "<style>[data-testid='stMainBlockContainer'] {padding-top: 2.5rem;}</style>"


def render(c: Ctx) -> None:
    if not c.meeting:
        st.html(_DESK_CSS)
    page_header(c, "page.explorer", "explorer.caption", map_page=True)
    if c.facts_only:  # no live graph to browse: said plainly, not as an error
        st.info(c.t("app.facts_only", graph=c.graph))
        return
    view = _state(c)
    if not c.meeting:
        _controls(c, view)
        view = st.session_state[K_VIEW]
    if not view["id"]:
        st.info(c.t("explorer.start"))
        return
    node = cached(c, explore.node_details, view["id"])
    if node is None:
        st.warning(c.t("common.search_none", text=view["id"]))
        return
    _nav(c, view)
    pages = {g: p for g, p in (view.get("pg") or {}).items() if g in view["open"]}
    sub = cached(c, explore.neighbourhood, view["id"], radius=view["r"], labels=view["k"] or None,
                 open_groups=view["open"], **({"pages": pages} if pages else {}))
    # a cluster paged through needs the page's width for its grid: the details go under the map
    left, right = st.columns([3, 2]) if not c.meeting and not sub.paged else \
        (st.container(), None if c.meeting else st.container())
    with left:
        title = f"{node['name']}（{kind_name(c, node)}）" if c.lang == "zh" else \
            f"{node['name']} ({kind_name(c, node)})"
        key = (f"ex_{view['id']}_{view['r']}_{'-'.join(sorted(view['k']))}_{'-'.join(sorted(view['open']))}"
               f"_{_pages_param(dict(view, pg=pages))}")
        _pager(c, view, sub)
        event = map_block(c, "network", sub, title=title, key=key, events="explorer",
                          height=760 if c.meeting else 640, fit=None if c.meeting else MAP_FIT)
        if not c.meeting:
            st.caption(c.t("explorer.hint"))
    st.session_state["_ex_url_written"] = view["id"]
    _write_url(view)
    if _handle(event, view):
        st.rerun()
    if right is not None:
        with right:
            _details(c, view)


def _turn(gid: str, page: int) -> None:
    view = st.session_state[K_VIEW]
    view["pg"] = {**(view.get("pg") or {}), gid: page}


def _pager(c: Ctx, view: dict, sub) -> None:
    """上一页 / 下一页 for each opened cluster too big for one page (its page is in the URL: ``pg``)."""
    for gid, p in sorted(sub.paged.items()):
        kind = enum_name(gid.rsplit(":", 1)[-1], c.lang, m.Label)
        text, prev, nxt = st.columns([4, 1, 1], vertical_alignment="center")
        text.markdown(c.t("explorer.page_of", kind=_md(kind), first=p["first"], last=p["last"], n=p["count"],
                          page=p["page"] + 1, pages=p["pages"]))
        prev.button(c.t("explorer.prev_page"), key=f"ex_prev_{gid}", on_click=_turn, args=(gid, p["page"] - 1),
                    disabled=p["page"] <= 0, width="stretch")
        nxt.button(c.t("explorer.next_page"), key=f"ex_next_{gid}", on_click=_turn, args=(gid, p["page"] + 1),
                   disabled=p["page"] >= p["pages"] - 1, width="stretch")


def _details(c: Ctx, view: dict) -> None:
    sel = view.get("sel") or view["id"]
    node = cached(c, explore.node_details, sel) or cached(c, explore.node_details, view["id"])
    st.subheader(c.t("common.details"))
    st.markdown(f"**{_md(node['name'])}**（{_md(kind_name(c, node))}）" if c.lang == "zh"
                else f"**{_md(node['name'])}** ({_md(kind_name(c, node))})")
    if node["id"] != view["id"]:
        st.button(c.t("explorer.centre_here"), on_click=go, args=(node["id"],), key="ex_centre", type="primary")
    props = {k: v for k, v in node["props"].items() if v not in (None, "", [])}
    prop_df = pd.DataFrame({c.t("explorer.property"): [_prop_name(c, k) for k in props],
                            c.t("explorer.value"): [_prop_value(c, node, k, v) for k, v in props.items()]})
    st.dataframe(prop_df, hide_index=True, width="stretch")
    rels = cached(c, explore.relationships, node["id"])
    st.subheader(c.t("common.relationships") + (f"（{len(rels)}）" if c.lang == "zh" else f" ({len(rels)})"))
    rel_df = pd.DataFrame({
        c.t("explorer.relation"): [_rel_text(c, r) for r in rels],
        c.t("common.name"): [r["name"] for r in rels],
        c.t("explorer.kind"): [kind_name(c, r) for r in rels],
        c.t("common.id"): [r["id"] for r in rels],
    })
    picked = st.dataframe(rel_df, hide_index=True, width="stretch", height=min(380, 38 + 35 * max(1, len(rels))),
                          on_select="rerun", selection_mode="single-row", key=f"ex_rels_{node['id']}")
    rows = picked.selection.rows if picked and picked.selection else []
    if rows:
        go(rels[rows[0]]["id"])
        st.rerun()


def _rel_text(c: Ctx, r: dict) -> str:
    name = enum_name(r["rel"], c.lang, m.Rel)
    arrow = "→" if r["outgoing"] else "←"
    extra = r.get("props") or {}
    if extra.get("role"):
        role = enum_name(extra["role"], c.lang, m.Role)
        name += f"（{role}）" if c.lang == "zh" else f" ({role})"
    return f"{arrow} {name}"


def _prop_name(c: Ctx, key: str) -> str:
    return c.t(f"prop.{key}") if i18n.has(f"prop.{key}") else key


def _prop_value(c: Ctx, node: dict, key: str, value) -> str:
    """A property value in words: yes/no, the node's kind or status in the page language."""
    if isinstance(value, bool):
        return c.t("common.yes") if value else c.t("common.no")
    label = m.Label.parse(node["label"]) if node.get("label") else None
    prop, enum = m.KIND_PROPERTY.get(label, (None, None))
    if key == "status":
        enum = m.STATUS_ENUM.get(label)
    elif key != prop:
        enum = None
    return enum_name(value, c.lang, enum) if enum else str(value)
