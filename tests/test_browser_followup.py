"""The quarterly cycle in headless Chromium: load weicheng Q1, assign three
gaps on the 整改督办 page, load another district (the demo, dated later) into the same home —
nothing changes — then load Q2: exactly the two the weicheng oracle says are gone are closed
automatically (naming the snapshot), the third is overdue, and 变化 compares Q1 with Q2.
Screenshots at 1600×1000 in test-artifacts/screenshots/."""

from __future__ import annotations

import time

import pytest
from helpers_series import series
from test_browser import SHOTS, Outside, _wait_idle, browser, serve_app  # noqa: F401 - browser is a fixture

from orgnet.graph.load import load_dataset
from orgnet.i18n import t
from orgnet.ledger import service as led
from orgnet.ledger.model import gap_key
from orgnet.graph.snapshots import list_snapshots
from orgnet.queries.stored import has_results, store_results
from orgnet.snapshots import after_load

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESK = {"width": 1600, "height": 1000}
Q1, Q2, OTHER = "fu_2026Q1", "fu_2026Q2", "fu_other_district"
#: the walk's own series: other tests of the session hold weicheng snapshots of the same date
SERIES = "fu_潍城区"
#: the other district is dated after both quarters (the old ledger synced against the latest load)
OTHER_AS_OF = "2026-12-31"


def _pick_gaps(qs) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """A rule with two Q1 gaps the oracle says are gone in Q2 and one still there."""
    for rule in ("grid_without_branch", "compound_without_property", "building_without_group"):
        q1 = sorted(k for k in qs[0].gaps if k[0] == rule)
        gone = [k for k in q1 if k not in qs[1].gaps]
        kept = [k for k in q1 if k in qs[1].gaps]
        if len(gone) >= 2 and kept:
            return rule, gone[:2], kept[:1]
    raise AssertionError("the demo series closes no two gaps of one rule")


@pytest.fixture(scope="module")
def cycle(falkordb_store):
    qs = series()
    led.clear(falkordb_store)
    load_dataset(falkordb_store, qs[0].dataset, graph=Q1, replace=True, as_of=qs[0].as_of, series=SERIES)
    after_load(falkordb_store, Q1)
    yield falkordb_store, qs
    for g in (Q1, Q2, OTHER):
        if falkordb_store.graph_exists(g):
            falkordb_store.drop_graph(g)
    led.clear(falkordb_store)


@pytest.fixture(scope="module")
def url(cycle, falkordb_settings):
    yield from serve_app(Q1, falkordb_settings)


def _choose(page, label: str, text: str) -> None:
    """Open the selectbox / multiselect labelled ``label`` and pick the option ``text``."""
    box = page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(has_text=label).first
    box.locator("input").first.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text).first.click()
    time.sleep(0.3)


def test_cycle_in_the_browser(browser, url, cycle, demo_dataset):
    store, qs = cycle
    rule, gone, kept = _pick_gaps(qs)
    from orgnet.queries.gaps import rule_catalog

    title = rule_catalog().set_index("id").loc[rule, "title_zh"]
    ctx = browser.new_context(viewport=DESK)
    spy = Outside(ctx)
    page = ctx.new_page()
    try:
        page.goto(f"{url}/followup?graph={Q1}")
        _wait_idle(page)
        page.get_by_text(t("followup.empty")).first.wait_for(timeout=60_000)
        _choose(page, t("gaps.rule"), title)
        _wait_idle(page)
        q1 = qs[0].gaps
        for key in gone + kept:
            g = q1[key]
            _choose(page, t("followup.assign_pick"), t("followup.gap_option", name=g["name"] or g["id"],
                                                       place=g["community"] or g["street"] or ""))
            page.keyboard.press("Escape")
        page.get_by_label(t("followup.person")).first.fill("李书记")
        _choose(page, t("followup.deadline"), "2026年5月31日")  # one select of days in words
        page.get_by_role("button", name=t("followup.assign_button")).click()
        page.get_by_text(t("followup.assigned", n=3)).first.wait_for(timeout=60_000)
        _wait_idle(page)
        records = led.list_records(store)
        assert sorted((r["rule"], r["gap_id"]) for r in records) == sorted(gone + kept)
        assert {r["person"] for r in records} == {"李书记"} and {r["deadline"] for r in records} == {"2026-05-31"}
        page.reload()
        _wait_idle(page)
        page.screenshot(path=str(SHOTS / "followup_assigned.png"), full_page=True)

        # another district is loaded into the same home: the weicheng records stay exactly as they were
        before = sorted((r["key"], r["status"], r["closed_by"]) for r in led.list_records(store))
        load_dataset(store, demo_dataset, graph=OTHER, replace=True, as_of=OTHER_AS_OF)
        _, other = after_load(store, OTHER)
        assert not other.closed and sorted((r["key"], r["status"], r["closed_by"]) for r in led.list_records(store)) == before

        # the next quarter arrives: `orgnet load` does exactly this (load, store its results, sync the ledger)
        load_dataset(store, qs[1].dataset, graph=Q2, replace=True, as_of=qs[1].as_of, series=SERIES)
        _, res = after_load(store, Q2)
        for snap in list_snapshots(store):  # other tests' graphs share this store: `orgnet snapshots --store-results`
            if snap.as_of and not has_results(store, snap.name):
                store_results(store, snap.name)
        gap_of = {r.key: r.gap for r in led.list_records(store)}
        assert sorted(gap_of[k] for k in res.closed) == sorted(gap_key(r, i) for r, i in gone)  # the oracle's
        page.goto(f"{url}/followup?graph={Q2}")
        _wait_idle(page)
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert t("followup.total", n=3, open=1, in_progress=0, closed=2, deferred=0, late=1) in text
        page.screenshot(path=str(SHOTS / "followup_after_q2.png"), full_page=True)
        for r in led.list_records(store):
            if (r["rule"], r["gap_id"]) in gone:
                assert r["status"] == "closed" and r["closed_by"] == Q2 and r["auto_closed"]
            else:
                assert r["status"] == "open" and r.overdue(qs[1].as_of)

        page.goto(f"{url}/changes?graph={Q2}")
        _wait_idle(page)
        page.get_by_text(t("changes.closed")).first.wait_for(timeout=60_000)
        main = page.locator('[data-testid="stMain"]')
        boxes = main.locator('[data-testid="stSelectbox"]')
        chosen = [boxes.nth(i).locator("input").first.input_value() for i in (0, 1)]  # 上期, 本期
        from orgnet.graph.snapshots import display_names

        named = {v: k for k, v in display_names(list_snapshots(store)).items()}  # shown as series and date
        assert [named.get(v, v) for v in chosen] == [Q1, Q2], chosen
        boxes.nth(0).get_by_role("button", name="Open").click()  # the list offers weicheng's snapshots only
        page.get_by_role("option").first.wait_for(timeout=30_000)
        offered = page.get_by_role("option").all_inner_texts()
        page.keyboard.press("Escape")
        assert sorted(named.get(o, o) for o in offered) == [Q1, Q2], offered
        assert OTHER not in main.inner_text()
        page.screenshot(path=str(SHOTS / "changes_q1_q2.png"), full_page=True)
        page.goto(f"{url}/?graph={Q2}")
        _wait_idle(page)
        # every snapshot has its results stored: the trend shows at once, no toggle
        page.get_by_text(t("changes.trend")).first.wait_for(timeout=60_000)
        page.get_by_text(t("changes.closed_since", previous="", n=0, new=0)[:3]).first.wait_for(timeout=60_000)
        page.screenshot(path=str(SHOTS / "overview_trend.png"), full_page=True)
        assert not spy.outside, spy.outside
    finally:
        ctx.close()
