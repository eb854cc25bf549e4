"""整改督办 Follow-up: the ledger with filters (street, status, overdue), overdue rows marked,
assigning gaps of the current snapshot, bulk changes (version-checked), the 督办单 export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgnet.errors import OrgnetError
from orgnet.graph.snapshots import series_title
from orgnet.ledger import service as led
from orgnet.ledger.model import FollowUpConflict, FollowUpStatus, Record, now
from orgnet.pages import _data, _url
from orgnet.pages._ui import Ctx, cached, day_select, download, download_name, page_header

#: tint overdue rows up to this many rows shown
STYLED_ROWS = 300
#: what the last assignment did, shown above the ledger after the page reruns
K_FLASH = "fu_flash"
#: how many assignments this session made (a new picker after each)
K_ROUND = "fu_assign_round"
#: gaps the assign picker offers at a time (one rule's, cut in the engine)
PICK_ROWS = 200


def _editor(c: Ctx) -> str | None:
    """Who edits: the signed-in account if it may change the ledger (analysts, administrators)."""
    a = c.account
    return None if a is not None and not a.may_query else (a.name if a else "app")


def _status_name(c: Ctx, value: str) -> str:
    from orgnet.i18n import label_name

    return label_name(FollowUpStatus(value), c.lang)


def _table(c: Ctx, records: list[Record], today: str, titles: dict) -> pd.DataFrame:
    rows = []
    for r in records:
        notes = r["notes"] or []
        rows.append({
            c.t("followup.overdue"): "⚠" if r.overdue(today) else "",
            c.t("followup.status"): _status_name(c, r["status"]),
            c.t("common.street"): r["street"], c.t("common.community"): r["community"],
            c.t("gaps.rule"): titles.get(r["rule"], r["rule"]), c.t("common.name"): r["name"],
            c.t("followup.responsible"): r["responsible"], c.t("followup.person"): r["person"],
            c.t("followup.deadline"): r["deadline"],
            c.t("followup.last_note"): f"{notes[-1]['on']} {notes[-1]['text']}" if notes else "",
            c.t("followup.closed_by"): r["closed_by"], "key": r.key, "v": r.version})
    return pd.DataFrame(rows)


def _xlsx(records: list[Record], today: str) -> bytes:
    import tempfile
    from pathlib import Path

    from orgnet.ledger.io import to_xlsx

    with tempfile.TemporaryDirectory() as d:
        return to_xlsx(records, Path(d) / "督办单.xlsx", today).read_bytes()


def _place(c: Ctx, col_s, col_c) -> dict[str, str]:
    """The street and community the assign picker looks in (``street_id`` / ``community_id``;
    none chosen: everything the account sees)."""
    from orgnet.queries import explore

    streets = {s["id"]: s for s in cached(c, explore.streets)}
    sid = col_s.selectbox(c.t("common.street"), [""] + list(streets), key="fu_assign_street",
                          format_func=lambda i: streets[i]["name"] if i else c.t("common.all"),
                          placeholder=c.t("common.choose"))
    comms = {x["id"]: x["name"] for x in streets[sid]["communities"]} if sid else {}
    cid = col_c.selectbox(c.t("common.community"), [""] + list(comms), key=f"fu_assign_comm_{sid}",
                          format_func=lambda i: comms[i] if i else c.t("common.all"), disabled=not sid,
                          placeholder=c.t("common.choose"))
    return {k: v for k, v in (("street_id", sid), ("community_id", cid)) if v}


def gap_option(c: Ctx, gap: dict) -> str:
    """A gap as the assign picker lists it: its name (or id) and where it is."""
    return c.t("followup.gap_option", name=gap["name"] or gap["id"], place=gap["community"] or gap["street"] or "")


def _assign_block(c: Ctx, titles: dict, by_gap: dict[str, Record]) -> None:
    """Assign gaps of the current snapshot: a street or community and a rule first (the rules
    counted in the engine), then a page of that rule's gaps: no gap row it does not show leaves
    the database."""
    st.subheader(c.t("followup.assign_title"))
    col_s, col_c, col_r = st.columns([1, 1, 2])
    where = _place(c, col_s, col_c)
    counts = cached(c, _data.gap_count_table, as_of=True, **where)  # no place: the Overview's counts
    from orgnet.queries.gaps import rule_totals

    totals = {r: n for r, n in rule_totals(counts).items() if n}
    if not totals:
        col_r.info(c.t("gaps.none_found"))
        return
    rule = col_r.selectbox(c.t("gaps.rule"), list(totals), key="fu_assign_rule", placeholder=c.t("common.choose"),
                        format_func=lambda r: c.t("followup.rule_count", rule=titles.get(r, r), n=totals[r]))
    from orgnet.pages.gaps import page_of_gaps

    rows = page_of_gaps(c, {rule: totals[rule]}, where, size=PICK_ROWS, key=f"fu_assign_page_{rule}",
                        caption="followup.pick_rows",
                        slots=lambda: st.columns([1, 3], vertical_alignment="bottom")).to_dict("records")
    options = {f"{g['rule']}|{g['id']}": g for g in rows}
    # another list, or the last choice assigned: a fresh, empty picker
    shown = "|".join((rule, *where.values(), next(iter(options), ""), str(st.session_state.get(K_ROUND, 0))))
    with st.form("fu_assign"):
        picked = st.multiselect(c.t("followup.assign_pick"), list(options), key=f"fu_assign_pick_{shown}",
                                placeholder=c.t("followup.assign_placeholder"), select_all=False,
                                format_func=lambda k: gap_option(c, options[k]))
        a, b = st.columns(2)
        person = a.text_input(c.t("followup.person"), key="fu_assign_person")
        deadline = day_select(b, c.t("followup.deadline"), key="fu_assign_deadline", lang=c.lang, around=c.as_of)
        if st.form_submit_button(c.t("followup.assign_button"), type="primary") and picked:
            try:
                done = led.assign(c.store, [options[k] for k in picked], snapshot=c.graph, as_of=c.as_of,
                                  by=_editor(c), person=person.strip(), deadline=deadline,
                                  versions={k: by_gap[k].version for k in picked if k in by_gap})
                st.session_state[K_FLASH] = c.t("followup.assigned", n=len(done))
                st.session_state[K_ROUND] = st.session_state.get(K_ROUND, 0) + 1
                st.rerun()  # the ledger above shows the new records
            except FollowUpConflict as e:
                st.error(str(e))
            except OrgnetError as e:
                st.error(c.t("common.error", message=str(e)))


def _bulk_block(c: Ctx, shown: list[Record], titles: dict) -> None:
    st.subheader(c.t("followup.bulk_title"))
    by_key = {r.key: r for r in shown}
    with st.form("fu_bulk"):
        keys = st.multiselect(c.t("followup.bulk_pick"), list(by_key), key="fu_bulk_pick",
                              placeholder=c.t("followup.bulk_placeholder"), select_all=False,
                              format_func=lambda k: f"{by_key[k]['name'] or by_key[k]['gap_id']} · "
                                                    f"{titles.get(by_key[k]['rule'], by_key[k]['rule'])}")
        a, b, d = st.columns(3)
        statuses = [""] + [s.value for s in FollowUpStatus]
        status = a.selectbox(c.t("followup.status"), statuses, key="fu_bulk_status", placeholder=c.t("common.choose"),
                             format_func=lambda s: _status_name(c, s) if s else c.t("followup.keep"))
        person = b.text_input(c.t("followup.person"), key="fu_bulk_person")
        deadline = day_select(d, c.t("followup.deadline"), key="fu_bulk_deadline", lang=c.lang, around=c.as_of)
        reason = st.text_input(c.t("followup.reason"), key="fu_bulk_reason")
        note = st.text_input(c.t("followup.note"), key="fu_bulk_note")
        if st.form_submit_button(c.t("followup.bulk_button")) and keys:
            saved, stale = 0, []
            for k in keys:
                try:
                    led.update(c.store, k, by_key[k].version, by=_editor(c), note=note.strip(),
                               status=status or None, person=person.strip() or None,
                               deadline=deadline or None, reason=reason.strip() or None)
                    saved += 1
                except FollowUpConflict:
                    stale.append(k)
                except OrgnetError as e:
                    st.error(c.t("common.error", message=str(e)))
            if saved:
                st.success(c.t("followup.bulk_done", n=saved))
            if stale:
                st.error(c.t("followup.conflict", n=len(stale), keys=", ".join(stale[:5])))


def render(c: Ctx) -> None:
    page_header(c, "page.followup", "followup.caption")
    flash = st.session_state.pop(K_FLASH, None)
    if flash:
        st.success(flash)
    today = now()[:10]
    series = _data.series_of(cached(c, _data.snapshots, graph_kw=None, depends=c.snapshots_key), c.graph)
    if series:
        st.caption(c.t("followup.series", series=series_title(series)))
    # not cached: the ledger changes outside any snapshot; only the current series' records
    records = led.list_records(c.store, series=series or "")
    titles = cached(c, _data.rule_catalog, graph_kw=None).set_index("id")[f"title_{c.lang}"].to_dict()
    counts = {s.value: sum(1 for r in records if r["status"] == s.value) for s in FollowUpStatus}
    st.caption(c.t("followup.total", n=len(records), late=sum(1 for r in records if r.overdue(today)), **counts))
    streets = sorted({(r["street_id"], r["street"]) for r in records if r["street_id"]})
    col_s, col_t, col_o = st.columns([1, 2, 1])
    _url.restore("fu_street", "street", {s for s, _ in streets})  # a shared link's filters
    _url.restore("fu_status", "status", {s.value for s in FollowUpStatus}, many=True)
    _url.restore("fu_overdue", "overdue", {"1"})
    if st.session_state.get("fu_overdue") == "1":
        st.session_state["fu_overdue"] = True
    sid = col_s.selectbox(c.t("common.street"), [""] + [s for s, _ in streets], key="fu_street",
                          placeholder=c.t("common.choose"),
                          format_func=lambda i: dict(streets).get(i, i) if i else c.t("common.all"))
    statuses = col_t.multiselect(c.t("followup.status"), [s.value for s in FollowUpStatus], key="fu_status",
                                 format_func=lambda s: _status_name(c, s), placeholder=c.t("common.all"),
                                 select_all=False)
    late = col_o.toggle(c.t("followup.overdue_only"), key="fu_overdue")
    _url.keep({"street": sid, "status": list(statuses), "overdue": "1" if late else None})
    shown = [r for r in records if (not sid or r["street_id"] == sid) and (not statuses or r["status"] in statuses)
             and (not late or r.overdue(today))]
    shown.sort(key=lambda r: not r.overdue(today))  # overdue first (stable: by key within)
    if not records:
        st.info(c.t("followup.empty"))
    else:
        df = _table(c, shown, today, titles)
        mark = c.t("followup.overdue")
        # overdue rows tinted; above STYLED_ROWS only the ⚠ column marks them (styling every cell is slow)
        styled = df.style.apply(lambda row: ["background-color: #fde2e1" if row[mark] else ""] * len(row), axis=1) \
            if 0 < len(df) <= STYLED_ROWS else df
        st.dataframe(styled, hide_index=True, width="stretch", height=min(600, 38 + 35 * max(len(df), 1)),
                     column_config={"key": None, "v": None})
        download(c, st, c.t("followup.export"), lambda: _xlsx(shown, today),
                 file_name=download_name(c, "followup", "xlsx", scope=dict(streets).get(sid)),
                 mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="fu_dl")
        if _editor(c):
            _bulk_block(c, shown, titles)
    if _editor(c):  # viewers read the ledger, analysts and administrators change it
        _assign_block(c, titles, {r.gap: r for r in records})


__all__ = ["render", "gap_option", "PICK_ROWS"]
