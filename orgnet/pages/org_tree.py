"""组织体系 Org tree: street committee → community committees → grid/compound branches → building groups,
with territory no organization covers marked in red."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from orgnet.model import AreaLevel, OrgKind
from orgnet.queries import explore
from orgnet.pages import _url
from orgnet.pages._ui import Ctx, cached, community_stepper, enum_name, map_block, page_header



#: the meeting map's height (px) at 1920×1080, and what a row of ◀ ▶ buttons takes from it
MEETING_HEIGHT = 800
STEPPER_ROW = 64


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _slides(key: tuple, _c: Ctx, _tree) -> list:
    from orgnet.pages import _maps

    return _maps.tree_slides(_c, _tree, whole_extra=STEPPER_ROW)


def _slide(c: Ctx, tree, title: str, key: str) -> tuple:
    """(tree part, title, map key, map height) of the slide shown: a community whose tree does not
    fit one projector screen at meeting sizes is shown in parts, stepped with ◀ ▶ (kept in the URL:
    ``part``); the map is lower by the steppers' row, so the page still fits 1920×1080."""
    slides = _slides((c.graph, c.stamp, c.as_of, c.lang, c.scope_key, key), c, tree)
    if len(slides) < 2:
        _url.keep({"part": None})
        return tree, title, key, MEETING_HEIGHT
    state_key = f"ot_part_{key}"
    pos = st.session_state.get(state_key)
    if pos is None or not 0 <= pos < len(slides):
        # a link's (or a reload's) part, once per session: a community stepped to starts at its first
        linked = "" if st.session_state.get("_ot_part_linked") else st.query_params.get("part") or ""
        pos = int(linked) - 1 if linked.isdigit() and 0 < int(linked) <= len(slides) else 0
    st.session_state["_ot_part_linked"] = True
    st.session_state[state_key] = pos
    prev_col, name_col, next_col = st.columns([1, 4, 1], vertical_alignment="center")
    prev_col.button(c.t("org_tree.prev_part"), key=f"{state_key}_prev", disabled=pos == 0, width="stretch",
                    on_click=_step, args=(state_key, -1))
    next_col.button(c.t("org_tree.next_part"), key=f"{state_key}_next", disabled=pos >= len(slides) - 1,
                    width="stretch", on_click=_step, args=(state_key, 1))
    _url.keep({"part": str(pos + 1)})
    part, names = slides[pos]
    shown = "、".join(names) if len(names) <= 3 else c.t("org_tree.part_range", first=names[0], last=names[-1],
                                                         n=len(names))
    name_col.markdown(f"<div style='text-align:center;font-size:1.1rem'>{html.escape(shown)}"
                      f"　<span style='color:#78909C'>{c.t('org_tree.part_of', i=pos + 1, n=len(slides))}</span></div>",
                      unsafe_allow_html=True)
    return (part, c.t("org_tree.slide_title", title=title, i=pos + 1, n=len(slides)), f"{key}_p{pos}",
            MEETING_HEIGHT - STEPPER_ROW)


def _step(state_key: str, delta: int) -> None:
    st.session_state[state_key] = st.session_state.get(state_key, 0) + delta


def render(c: Ctx) -> None:
    page_header(c, "page.org_tree", "org_tree.caption", map_page=True)
    if c.facts_only:  # no live graph to browse: said plainly, not as an error
        st.info(c.t("app.facts_only", graph=c.graph))
        return
    streets = cached(c, explore.streets)
    if not streets:
        st.info(c.t("app.no_graph", command="orgnet demo"))
        return
    state = st.session_state
    by_id = {s["id"]: s for s in streets}
    if not c.meeting:
        col_s, col_c = st.columns(2)
        _url.restore(f"ot_street_{c.lang}", "street", set(by_id))  # a shared link's street and community
        sid = col_s.selectbox(c.t("common.street"), list(by_id), format_func=lambda i: by_id[i]["name"],
                              key=f"ot_street_{c.lang}", placeholder=c.t("common.choose"))
        comms = {x["id"]: x["name"] for x in by_id[sid]["communities"]}
        _url.restore(f"ot_comm_{c.lang}", "community", set(comms))
        cid = col_c.selectbox(c.t("common.community"), [""] + list(comms),
                              format_func=lambda i: comms.get(i, c.t("common.all")), key=f"ot_comm_{c.lang}", placeholder=c.t("common.choose"))
        _url.keep({"street": sid, "community": cid})
        state["ot_street_val"], state["ot_comm_val"] = sid, cid  # kept for meeting mode (no widgets there)
    else:
        linked = st.query_params.get("street")  # a slide's link: its street (and community, below)
        sid = state.get("ot_street_val") if state.get("ot_street_val") in by_id else \
            linked if linked in by_id else next(iter(by_id))
        _url.keep({"street": sid})
        comms = {x["id"]: x["name"] for x in by_id[sid]["communities"]}
        # a whole street is unreadable when projected: one community at a time
        cid = community_stepper(c, comms, "ot_meeting_pos", start=state.get("ot_comm_val")) or ""
    tree = cached(c, explore.org_tree, sid, community_id=cid or None, as_of=True)
    scope = comms.get(cid) if cid else by_id[sid]["name"]

    # headline counts: organizations per kind, uncovered territory per level
    kinds = [OrgKind.street_committee, OrgKind.community_committee, OrgKind.grid_branch,
             OrgKind.compound_branch, OrgKind.building_group]
    levels = [AreaLevel.community, AreaLevel.grid, AreaLevel.compound, AreaLevel.building]

    def metrics() -> None:
        cols = st.columns(len(levels))
        for col, lvl in zip(cols, levels):
            n = tree.uncovered.get(lvl.value, 0)
            col.metric(c.t("org_tree.uncovered_level", level=enum_name(lvl.value, c.lang, AreaLevel)), n,
                       border=True)

    if not c.meeting:
        metrics()
    title = c.t("org_tree.map_title", scope=scope)
    if not cid and not c.meeting:
        st.caption(c.t("org_tree.pick_community"))
    key = f"ot_{sid}_{cid}"
    height = MEETING_HEIGHT if c.meeting else 700
    if c.meeting and cid:  # a tree too big for one screen: a slide per group of branches
        tree, title, key, height = _slide(c, tree, title, key)
    else:
        _url.keep({"part": None})
    map_block(c, "org_tree", tree, title=title, key=key, height=height)
    if c.meeting:  # in a meeting the map comes first, the counts under it
        metrics()
        return
    with st.expander(c.t("org_tree.orgs_by_kind"), expanded=False):
        st.dataframe(pd.DataFrame({
            c.t("explorer.kind"): [enum_name(k.value, c.lang, OrgKind) for k in kinds],
            c.t("org_tree.count"): [tree.orgs.get(k.value, 0) for k in kinds]}),
            hide_index=True, width="stretch")
    if tree.uncovered_rows:
        st.subheader(c.t("org_tree.uncovered_list", n=len(tree.uncovered_rows)))
        df = pd.DataFrame(tree.uncovered_rows)
        df["level"] = df["level"].map(lambda v: enum_name(v, c.lang, AreaLevel))
        df = df.rename(columns={"id": c.t("common.id"), "name": c.t("common.name"),
                                "level": c.t("org_tree.level"), "parent": c.t("org_tree.under")})
        st.dataframe(df, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(df)))
