"""网络浏览 Explorer: search any node, see its neighbourhood, breadcrumb, details; move on to a neighbour."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgnet.queries.explore import PRIMARY_LABELS
from orgnet.graph.model import Label, Rel
from orgnet import i18n
from orgnet.queries import explore
from orgnet.pages._ui import K_EXPLORE, Ctx, cached, enum_name, map_block, page_header



def _label(c: Ctx, lbl: str) -> str:
    return enum_name(lbl, c.lang, Label)


def _kind(c: Ctx, node: dict) -> str:
    """A node's kind in words: its area level, org/unit kind, else its label."""
    from orgnet.pages._ui import kind_name

    return kind_name(c, node)


def _go(node_id: str) -> None:
    st.session_state[K_EXPLORE] = node_id


def render(c: Ctx) -> None:
    page_header(c, "page.explorer", "explorer.caption", map_page=True)
    state = st.session_state
    current = state.get(K_EXPLORE) or st.query_params.get("id")
    if not current:  # start at the first street: the map is never empty on arrival
        streets = cached(c, explore.streets)
        current = streets[0]["id"] if streets else None
    if not c.meeting:
        col_q, col_r, col_k = st.columns([3, 1, 3])
        q = col_q.text_input(c.t("common.search"), placeholder=c.t("common.search_placeholder"), key="ex_q")
        radius = col_r.selectbox(c.t("common.radius"), [1, 2, 3], index=0, key="ex_radius")
        kinds = col_k.multiselect(c.t("common.kind_filter"), list(PRIMARY_LABELS),
                                  format_func=lambda v: _label(c, v), key=f"ex_kinds_{c.lang}",
                                  placeholder=c.t("common.all"))
        if q.strip():
            hits = cached(c, explore.search, q.strip(), limit=50)
            if not hits:
                st.info(c.t("common.search_none", text=q.strip()))
            else:
                opts = [h["id"] for h in hits]
                names = {h["id"]: f"{h['name']} · {_kind(c, h)} · {h['id']}" for h in hits}
                pick = st.selectbox(c.t("explorer.results", n=len(hits)), opts, format_func=names.get,
                                    key=f"ex_hit_{q.strip()}")
                if pick and pick != current and state.get("ex_last_pick") != (q, pick):
                    state["ex_last_pick"] = (q, pick)
                    state[K_EXPLORE] = current = pick
        state["ex_radius_val"], state["ex_kinds_val"] = radius, list(kinds)  # kept for meeting mode
    else:
        radius = state.get("ex_radius_val", 1)
        kinds = state.get("ex_kinds_val", [])
    if not current:
        st.info(c.t("explorer.start"))
        return
    node = cached(c, explore.node_details, current)
    if node is None:
        st.warning(c.t("common.search_none", text=current))
        return
    crumbs = cached(c, explore.breadcrumb, current)
    if crumbs and c.meeting:  # no buttons in a meeting: the path as one line
        st.markdown("**" + " › ".join(a["name"] for a in crumbs) + "**")
    elif crumbs:
        st.markdown(f"**{c.t('common.breadcrumb')}：**" if c.lang == "zh" else f"**{c.t('common.breadcrumb')}:**")
        cols = st.columns([3] * len(crumbs) + [max(1, 16 - 3 * len(crumbs))], gap="small")
        for i, a in enumerate(crumbs):
            level = enum_name(a["level"], c.lang, _level_enum())
            cols[i].button(f"{level}: {a['name']}" if c.lang == "en" else f"{level}：{a['name']}", key=f"crumb_{a['id']}", on_click=_go, args=(a["id"],),
                           width="stretch", type="primary" if a["id"] == current else "secondary")
    sub = cached(c, explore.neighbourhood, current, radius=int(radius), labels=list(kinds) or None)
    left, right = st.columns([3, 2]) if not c.meeting else (st.container(), None)
    with left:
        title = f"{node['name']}（{_kind(c, node)}）" if c.lang == "zh" else f"{node['name']} ({_kind(c, node)})"
        map_block(c, "network", sub, title=title, key=f"ex_map_{current}_{radius}_{'-'.join(sorted(kinds))}")
    if right is None:
        return
    with right:
        st.subheader(c.t("common.details"))
        props = {k: v for k, v in node["props"].items() if v not in (None, "", [])}
        prop_df = pd.DataFrame({c.t("explorer.property"): [_prop_name(c, k) for k in props],
                                c.t("explorer.value"): [_prop_value(c, node, k, v) for k, v in props.items()]})
        st.dataframe(prop_df, hide_index=True, width="stretch")
        rels = cached(c, explore.relationships, current)
        st.subheader(c.t("common.relationships") + f"（{len(rels)}）" if c.lang == "zh"
                     else c.t("common.relationships") + f" ({len(rels)})")
        rel_df = pd.DataFrame({
            c.t("explorer.relation"): [_rel_text(c, r) for r in rels],
            c.t("common.name"): [r["name"] for r in rels],
            c.t("explorer.kind"): [_kind(c, r) for r in rels],
            c.t("common.id"): [r["id"] for r in rels],
        })
        st.dataframe(rel_df, hide_index=True, width="stretch", height=min(380, 38 + 35 * max(1, len(rels))))
        if rels:
            ids = list(dict.fromkeys(r["id"] for r in rels))
            names = {r["id"]: f"{r['name']} · {_kind(c, r)}" for r in rels}
            col_a, col_b = st.columns([3, 1], vertical_alignment="bottom")
            nxt = col_a.selectbox(c.t("common.neighbours"), ids, format_func=names.get, key=f"ex_next_{current}")
            col_b.button(c.t("common.go_to"), on_click=_go, args=(nxt,), key="ex_go", width="stretch")


def _level_enum():
    from orgnet.graph.model import AreaLevel

    return AreaLevel


def _rel_text(c: Ctx, r: dict) -> str:
    name = enum_name(r["rel"], c.lang, Rel)
    arrow = "→" if r["outgoing"] else "←"
    extra = r.get("props") or {}
    if extra.get("role"):
        from orgnet.graph.model import Role

        name += f"（{enum_name(extra['role'], c.lang, Role)}）" if c.lang == "zh" \
            else f" ({enum_name(extra['role'], c.lang, Role)})"
    return f"{arrow} {name}"


def _prop_name(c: Ctx, key: str) -> str:
    return c.t(f"prop.{key}") if i18n.has(f"prop.{key}") else key


def _prop_value(c: Ctx, node: dict, key: str, value) -> str:
    """A property value in words: yes/no, the node's kind or status in the page language."""
    from orgnet.graph import model as m

    if isinstance(value, bool):
        return c.t("common.yes") if value else c.t("common.no")
    label = m.Label.parse(node["label"]) if node.get("label") else None
    prop, enum = m.KIND_PROPERTY.get(label, (None, None))
    if key == "status":
        enum = m.STATUS_ENUM.get(label)
    elif key != prop:
        enum = None
    return enum_name(value, c.lang, enum) if enum else str(value)
