"""The maps at district scale (the qindu preset, ~67k nodes) in headless Chromium.

What a planner and a leader do: open a community with hundreds of neighbours, open a
cluster, re-centre by double-click, go back, reload the URL; and what a projector shows
in meeting mode at 1920×1080 (the linkage map, the org tree, the standalone HTML export).
The on-screen label size is read from the page: the network's zoom times the font size
(``window.orgnetLabelPx()`` in the map document). Warm interaction times are written to
``test-artifacts/qindu-timings.json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from test_browser import ROOT, SHOTS, _wait_idle, browser, serve_app  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESK = {"width": 1600, "height": 1000}
PROJECTOR = {"width": 1920, "height": 1080}
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def qindu(falkordb_loaded_store, tmp_path_factory):
    from orgnet.synthetic import DEFAULT_AS_OF, generate
    from orgnet.loaders.validate import validate_path
    from orgnet.graph.load import load_dataset

    store, _ = falkordb_loaded_store("tiny")
    out = tmp_path_factory.mktemp("qindu")
    generate("qindu", out)
    load_dataset(store, validate_path(out).dataset, graph="qindu", replace=True, as_of=DEFAULT_AS_OF)
    yield store, "qindu"
    store.drop_graph("qindu")


@pytest.fixture(scope="module")
def url(qindu, falkordb_settings):
    yield from serve_app(qindu[1], falkordb_settings)


@pytest.fixture(scope="module", autouse=True)
def timings_file():
    """The warm interaction times measured here, written to test-artifacts/qindu-timings.json."""
    yield
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "qindu-timings.json").write_text(json.dumps(TIMINGS, indent=2))


def _map(page, other_than: str | None = None, timeout: float = 120):
    """(frame, signature) of the drawn map document once its signature differs from ``other_than``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for f in page.frames:
            try:
                if f.evaluate("() => typeof window.orgnetLabelPx === 'function'"
                              " && document.body.getAttribute('data-drawn') !== null"):
                    sig = f.evaluate("() => window.orgnetNetwork.body.data.nodes.getIds().sort().join(',')")
                    if sig != other_than:
                        return f, sig
            except Exception:  # noqa: BLE001 - a frame navigating
                continue
        time.sleep(0.1)
    raise AssertionError("no new map was drawn")


def _xy(frame, node_id: str) -> tuple[float, float]:
    box = frame.frame_element().bounding_box()
    p = frame.evaluate("(id) => { const n = window.orgnetNetwork; return n.canvasToDOM(n.getPositions([id])[id]); }",
                       node_id)
    return box["x"] + p["x"], box["y"] + p["y"]


def _visible(frame, node_id: str) -> bool:
    """Whether the node is drawn inside the map's canvas (not under the toolbar or past its edges)."""
    box = frame.frame_element().bounding_box()
    c = frame.evaluate("() => { const r = document.querySelector('#mynetwork').getBoundingClientRect();"
                       " return {x: r.x, y: r.y, w: r.width, h: r.height}; }")
    x, y = _xy(frame, node_id)
    left, top = box["x"] + c["x"], box["y"] + c["y"]
    return left + 20 < x < left + c["w"] - 20 and top + 60 < y < top + c["h"] - 20


def _busiest_community(store, graph: str) -> str:
    rows = store.read("MATCH (c:Community)-[r]-() RETURN c.id AS id, count(r) AS n ORDER BY n DESC, id LIMIT 1",
                      graph=graph)
    return rows[0]["id"]


def _goto(page, url: str) -> None:
    page.goto(url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + "/")  # the app first (a fresh session)
    page.wait_for_selector('[data-testid="stApp"]', timeout=120_000)
    page.goto(url)


def test_explorer_click_through_at_district_scale(url, browser, qindu):
    store, graph = qindu
    cid = _busiest_community(store, graph)
    degree = store.read("MATCH (c {id: $id})-[r]-() RETURN count(r) AS n", {"id": cid}, graph=graph)[0]["n"]
    assert degree >= 200  # "hundreds of neighbours"
    page = browser.new_context(viewport=DESK).new_page()
    _goto(page, f"{url}/explorer?id={cid}&r=1")
    frame, sig = _map(page)
    ids = frame.evaluate("() => window.orgnetNetwork.body.data.nodes.getIds()")
    assert len(ids) < 60, "hundreds of neighbours are drawn as clusters, not dots"
    clusters = [i for i in ids if i.startswith(f"+{cid}:")]
    assert clusters
    assert frame.evaluate("() => window.orgnetLabelPx().unit") >= 12
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "qindu_explorer_desk.png"))

    assert all(_visible(frame, i) for i in clusters)  # clusters sit on the inner ring, in view
    big = max(clusters, key=lambda i: int(frame.evaluate("(i) => window.orgnetNetwork.body.data.nodes.get(i).label",
                                                          i).split()[-1]))
    start = time.perf_counter()
    page.mouse.click(*_xy(frame, big))  # a cluster opens on click
    frame, sig = _map(page, sig)
    TIMINGS["open_cluster_s"] = round(time.perf_counter() - start, 3)
    assert len(frame.evaluate("() => window.orgnetNetwork.body.data.nodes.getIds()")) > len(ids)
    assert frame.evaluate("() => window.orgnetLabelPx().unit") >= 12
    assert "open=" in page.url

    target = next(i for i in ids if not i.startswith("+") and i != cid and _visible(frame, i))
    start = time.perf_counter()
    page.mouse.dblclick(*_xy(frame, target))  # re-centre on a neighbour
    frame, sig = _map(page, sig)
    TIMINGS["expand_s"] = round(time.perf_counter() - start, 3)
    page.wait_for_url(f"**id={target}**", timeout=10_000)

    start = time.perf_counter()
    page.get_by_role("button", name="←").click()
    frame, back_sig = _map(page, sig)
    TIMINGS["back_s"] = round(time.perf_counter() - start, 3)
    page.wait_for_url(f"**id={cid}**", timeout=10_000)
    there = page.url

    page.reload()
    frame, again = _map(page)
    assert page.url.split("?")[1].split("&") and f"id={cid}" in page.url and again == back_sig, (there, page.url)
    assert frame.evaluate("() => window.orgnetLabelPx().unit") >= 12
    for key in ("open_cluster_s", "expand_s", "back_s"):
        assert TIMINGS[key] < 5, TIMINGS  # the goal is < 1 s warm; the figure is in the timings file


@pytest.mark.parametrize("page_name", ["linkage", "org_tree"])
def test_meeting_mode_labels_on_a_projector(url, browser, page_name):
    """Read from the back of a meeting room (1920×1080, 8–10 m): unit labels at least 24 px and
    community / hub labels 32 px on screen; the drawing takes at least 80% of the canvas width;
    every name whole (no "…"); every node's box inside the canvas, none under the legend (and
    the legend on screen); on the org tree no line through another node's name."""
    from meeting_probe import MEASURE_JS
    from orgnet.viz.maps import MEETING_HUB_PX, MEETING_LABEL_PX

    assert MEETING_LABEL_PX >= 24 and MEETING_HUB_PX >= 32
    page = browser.new_context(viewport=PROJECTOR).new_page()
    _goto(page, f"{url}/{page_name}?meeting=1")
    frame, _ = _map(page)
    time.sleep(0.5)  # the fit after the drawing is spread to the width
    m = frame.evaluate(MEASURE_JS)
    m.pop("boxes")
    assert m["unit"] >= 24 - 1e-6 and m["hub"] >= 32 - 1e-6, m
    assert m["fill"] >= 0.8, m
    assert m["cut"] == [], m
    assert m["outside"] == [] and m["underLegend"] == [], m
    if page_name == "org_tree":
        assert m["through"] == [], m
    assert frame.locator(".on-legend-strip").count() == 1  # the legend under the map: full width for the map
    box = frame.frame_element().bounding_box()
    assert box["y"] + m["legend"]["y"] + m["legend"]["h"] <= PROJECTOR["height"], (box, m["legend"])
    page.screenshot(path=str(SHOTS / f"qindu_{page_name}_meeting_1920.png"))


def test_meeting_gaps_table_on_a_projector(url, browser):
    """The gaps in meeting mode: a large HTML table (24 px), names escaped, nothing of the data grid."""
    page = browser.new_context(viewport=PROJECTOR).new_page()
    _goto(page, f"{url}/gaps?meeting=1")
    page.wait_for_selector(".on-mtable td", timeout=120_000)
    sizes = page.eval_on_selector_all(".on-mtable td, .on-mtable th",
                                      "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert len(sizes) > 6 and min(sizes) >= 24, min(sizes)
    page.screenshot(path=str(SHOTS / "qindu_gaps_meeting_1920.png"))


def test_standalone_html_export_on_a_projector(qindu, browser, tmp_path):
    from orgnet.pages._ui import Ctx
    from orgnet.pages import _maps
    from orgnet.queries import linkage as ql
    from orgnet.settings import Settings

    store, graph = qindu
    scored = ql.linkage_table(store, as_of="2026-06-30", graph=graph)
    one = scored[scored["community_id"] == scored["community_id"].iloc[0]]
    c = Ctx(settings=Settings.from_env(), store=store, graph=graph, lang="zh", meeting=True,
            as_of="2026-06-30", stamp="")
    path = tmp_path / "linkage.html"
    path.write_text(_maps.html_for(c, "linkage", one[one["band"] != "weak"], title="联建图",
                                   standalone=True, note="另有弱联系未画出"), encoding="utf-8")
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.goto(path.as_uri())
    page.wait_for_function("() => document.body.getAttribute('data-drawn') !== null")
    px = page.evaluate("() => window.orgnetLabelPx()")
    assert px["unit"] >= 14 and px["hub"] >= 18, px
    assert page.locator(".on-head h1").inner_text() == "联建图" and "2026-06-30" in page.locator(".on-sub").inner_text()
    assert "另有弱联系未画出" in page.locator(".on-note").inner_text()
    # the PNG carries title, date, the note and the legend: taller than the drawn map by all of them
    size = page.evaluate("""async () => { const img = new Image(); img.src = window.orgnetPng();
        await img.decode(); return [img.height, document.querySelector('#mynetwork canvas').height]; }""")
    assert size[0] > size[1] + 3 * 26, size
    page.screenshot(path=str(SHOTS / "qindu_linkage_export_1920.png"))


def test_meeting_overview_is_large_on_a_projector(url, browser):
    page = browser.new_context(viewport=PROJECTOR).new_page()
    _goto(page, f"{url}/?meeting=1")
    value = page.locator('[data-testid="stMetricValue"]').first
    value.wait_for(timeout=120_000)
    px = page.evaluate("(e) => { let t = e; while (t.firstElementChild) { t = t.firstElementChild; }"
                       " return parseFloat(getComputedStyle(t).fontSize); }", value.element_handle())
    assert px >= 40, px  # KPI figures readable from the back of the room
    menu = page.locator('[data-testid="stNavigation"], header').inner_text() if page.locator('header').count() else ""
    assert "数据导入" not in menu and "查询" not in menu
    page.screenshot(path=str(SHOTS / "qindu_overview_meeting_1920.png"))


def test_search_suggests_as_you_type(url, browser, qindu):
    store, graph = qindu
    want = store.read("MATCH (n) WHERE NOT n:OrgnetMeta AND (n.id CONTAINS $q OR "
                      "coalesce(n.name, n.title, n.topic, '') CONTAINS $q) RETURN count(n) AS n",
                      {"q": "凤桥"}, graph=graph)[0]["n"]
    assert want > 1
    page = browser.new_context(viewport=DESK).new_page()
    _goto(page, f"{url}/explorer")
    _, sig = _map(page)
    box = None
    deadline = time.time() + 60
    while box is None and time.time() < deadline:
        box = next((f for f in page.frames if f.url and "orgnet_search" in f.url), None)
        time.sleep(0.2)
    assert box is not None, [f.url for f in page.frames]
    start = time.perf_counter()
    box.locator("#q").press_sequentially("凤桥", delay=80)  # no Enter: suggestions come while typing
    box.locator("li:not(.total)").first.wait_for(timeout=30_000)
    TIMINGS["search_suggest_s"] = round(time.perf_counter() - start, 3)
    assert all("凤桥" in t or "凤桥" in t.split("·")[-1] for t in box.locator("li:not(.total)").all_inner_texts())
    assert str(want) in box.locator("li.total").inner_text()  # the true number of matches
    first = box.locator("li:not(.total)").first.inner_text().split("\n")[0]
    box.locator("li:not(.total)").first.click()
    frame, _ = _map(page, sig)
    assert frame.evaluate("() => window.orgnetNetwork.body.data.nodes.length") > 0
    assert "id=" in page.url and first


#: the qindu Overview's targets in the browser test: rates in percent, a count, one street's own
QINDU_TARGETS = """[district]
community_org_coverage = 100
grid_org_coverage = 90
building_org_coverage = 80
in_service_reporting = 90
members_reported = 6000

[streets."{street}"]
in_service_reporting = 95
"""


def _overview_text(browser, url: str, viewport: dict, shot: str) -> tuple[str, int]:
    """(the Overview's visible text, its number of metric deltas) at ``viewport``; screenshots of the
    window, of the street table against the targets and of the opened 材料参考 go to SHOTS/``shot``.png,
    ``shot``_streets.png and ``shot``_notes.png."""
    page = browser.new_context(viewport=viewport).new_page()
    _goto(page, f"{url}/")
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=120_000)
    _wait_idle(page)
    page.screenshot(path=str(SHOTS / f"{shot}.png"))
    text = page.locator('[data-testid="stMain"]').inner_text()
    deltas = page.locator('[data-testid="stMetricDelta"]').count()
    page.get_by_text("各街道目标与差距").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{shot}_streets.png"))
    notes = page.locator('[data-testid="stExpander"]', has_text="材料参考")
    notes.locator("summary").scroll_into_view_if_needed()
    notes.locator("summary").click()
    table = notes.locator('[data-testid="stDataFrame"]')
    table.wait_for(state="visible", timeout=30_000)
    table.scroll_into_view_if_needed()
    time.sleep(1)  # the grid draws its canvas
    page.screenshot(path=str(SHOTS / f"{shot}_notes.png"))
    page.context.close()
    return text, deltas


def test_overview_shows_the_districts_targets_not_another_citys_figures(url, browser, qindu, falkordb_settings):
    """The district's own targets at 1600×1000 and 1920×1080: no comparison with another city's
    figure and no "材料000"; without a targets file the value only, and where targets are set is said
    plainly; with ORGNET_HOME/targets.toml the target and the gap to it."""
    from orgnet.synthetic import DEFAULT_AS_OF
    from orgnet.queries.kpis import kpi_table

    store, graph = qindu
    path = Path(falkordb_settings.home) / "targets.toml"
    assert not path.exists()
    for viewport in (DESK, PROJECTOR):
        text, deltas = _overview_text(browser, url, viewport, f"qindu_overview_no_targets_{viewport['width']}")
        for other in ("材料0", "与材料", "材料未列出", "口径相同", "83.1%", "较目标"):
            assert other not in text, other
        assert "尚未设定本区目标" in text and str(path) in text  # where targets are set, plainly
        assert deltas == 0  # one graph, no target: nothing red or green, no difference at all
    streets = kpi_table(store, graph=graph, as_of=DEFAULT_AS_OF, scopes=("overall", "street"),
                        kpis=["in_service_reporting"])
    overall = streets[streets["scope"] == "overall"].iloc[0]
    street = streets[streets["scope"] == "street"].iloc[0]["street_id"]
    path.write_text(QINDU_TARGETS.format(street=street), encoding="utf-8")
    try:
        for viewport in (DESK, PROJECTOR):
            text, deltas = _overview_text(browser, url, viewport, f"qindu_overview_targets_{viewport['width']}")
            gap = f"{(float(overall['rate']) - 0.9) * 100:+.1f}"
            assert f"{gap} 个百分点（较目标）" in text and "目标 90.0%" in text, text[:2000]
            assert "目标 6,000" in text and "未设目标" in text and f"目标来自 {path}" in text
            assert deltas == 5  # the five KPIs with a target
            for other in ("材料0", "与材料", "83.1%"):
                assert other not in text, other
    finally:
        path.unlink()


#: every drawn node's box (node and label) in the map's canvas, as the page shows it
_OUTSIDE_JS = r"""() => {
  const net = window.orgnetNetwork, cv = document.querySelector('#mynetwork').getBoundingClientRect();
  const out = [];
  for (const id of net.body.data.nodes.getIds()) {
    const b = net.getBoundingBox(id);
    const a = net.canvasToDOM({x: b.left, y: b.top}), z = net.canvasToDOM({x: b.right, y: b.bottom});
    if (a.x < -0.5 || a.y < -0.5 || z.x > cv.width + 0.5 || z.y > cv.height + 0.5) { out.push(id); }
  }
  return {outside: out, nodes: net.body.data.nodes.length, unit: window.orgnetLabelPx().unit};
}"""


def _bottom(frame, selector: str) -> float:
    """The bottom (px from the top of the window) of ``selector`` in the map's document."""
    box = frame.frame_element().bounding_box()
    return box["y"] + frame.evaluate("(s) => document.querySelector(s).getBoundingClientRect().bottom", selector)


@pytest.mark.parametrize("viewport", [DESK, PROJECTOR], ids=["1600x1000", "1920x1080"])
def test_explorer_first_screen_holds_the_map_and_its_legend(url, browser, qindu, viewport):
    """At a desk (1600×1000, 1920×1080) the explorer's first screen holds the whole map and its
    legend: the map takes the height the window leaves under the controls, no blank band above
    the title."""
    store, graph = qindu
    cid = _busiest_community(store, graph)
    page = browser.new_context(viewport=viewport).new_page()
    _goto(page, f"{url}/explorer?id={cid}&r=1")
    frame, _ = _map(page)
    time.sleep(2)  # the frame measures the window again as the page settles
    legend, canvas = _bottom(frame, ".on-legend"), _bottom(frame, "#mynetwork")
    title = page.locator("h1").first.bounding_box()
    height = frame.frame_element().bounding_box()["height"]
    page.screenshot(path=str(SHOTS / f"qindu_explorer_first_screen_{viewport['width']}.png"))
    assert canvas <= legend <= viewport["height"], (canvas, legend, viewport)
    assert height >= 560, height  # and the map is no smaller than it was (≈ 680 px at 1600×1000)
    assert title["y"] <= 80, title  # not ~170 px of blank above the title
    m = frame.evaluate(_OUTSIDE_JS)
    assert m["unit"] >= 12 and m["outside"] == [], m
    page.context.close()


def test_an_opened_cluster_of_hundreds_pages_through_them_in_view(url, browser, qindu):
    """Opening a cluster of hundreds (党员 of the busiest community) shows 50 of them at a time,
    every node inside the canvas at ≥ 12 px; 下一页 shows the next 50, kept in the URL: a reload
    shows the same page."""
    from orgnet.queries.explore import GROUP_PAGE

    store, graph = qindu
    cid = _busiest_community(store, graph)
    page = browser.new_context(viewport=DESK).new_page()
    _goto(page, f"{url}/explorer?id={cid}&r=1")
    frame, sig = _map(page)
    ids = frame.evaluate("() => window.orgnetNetwork.body.data.nodes.getIds()")
    clusters = [i for i in ids if i.startswith(f"+{cid}:")]
    size = {i: int(frame.evaluate("(i) => window.orgnetNetwork.body.data.nodes.get(i).label", i).split()[-1])
            for i in clusters}
    big = max(clusters, key=size.get)
    assert size[big] > 2 * GROUP_PAGE, size
    page.mouse.click(*_xy(frame, big))
    frame, sig = _map(page, sig)
    time.sleep(1)
    first = frame.evaluate(_OUTSIDE_JS)
    page.screenshot(path=str(SHOTS / "qindu_explorer_cluster_page1_1600.png"))
    assert first["outside"] == [] and first["unit"] >= 12, first
    assert first["nodes"] <= len(ids) - 1 + GROUP_PAGE + 1, first  # one page and a "+N" for the rest
    page.get_by_role("button", name="下一页 ▶").first.click()
    frame, sig2 = _map(page, sig)
    page.wait_for_url("**pg=**", timeout=10_000)
    time.sleep(1)
    second = frame.evaluate(_OUTSIDE_JS)
    assert second["outside"] == [] and second["unit"] >= 12, second
    assert sig2 != sig
    page.reload()
    frame, again = _map(page)
    assert again == sig2 and "pg=" in page.url
    page.get_by_role("button", name="◀ 上一页").first.click()
    frame, back = _map(page, again)
    assert back == sig
    page.context.close()


def _meeting_ctx(store, graph: str):
    from orgnet.pages._ui import Ctx
    from orgnet.settings import Settings
    from orgnet.synthetic import DEFAULT_AS_OF

    return Ctx(settings=Settings.from_env(), store=store, graph=graph, lang="zh", meeting=True,
               as_of=DEFAULT_AS_OF, stamp="")


def test_every_qindu_community_tree_fits_a_projector_in_slides(qindu):
    """Each of qindu's communities, in meeting mode: its org tree, whole or in slides, fits the
    1920×1080 canvas at meeting label sizes by the layout's own box estimate; every node is on a
    slide, the community's committee on each."""
    from orgnet.pages import _maps
    from orgnet.pages.org_tree import STEPPER_ROW
    from orgnet.queries import explore

    store, graph = qindu
    c = _meeting_ctx(store, graph)
    communities = split = 0
    for street in explore.streets(store, graph=graph):
        for com in street["communities"]:
            tree = explore.org_tree(store, street["id"], graph=graph, community_id=com["id"], as_of=c.as_of)
            slides = _maps.tree_slides(c, tree, whole_extra=STEPPER_ROW)
            communities += 1
            split += len(slides) > 1
            assert all(_maps._fits(c, part, 0 if len(slides) > 1 else STEPPER_ROW) for part, _ in slides), com
            shown = [n["id"] for part, _ in slides for n in part.nodes]
            assert set(shown) == {n["id"] for n in tree.nodes}, com
            roots = {n["id"] for n in tree.nodes} - {e["target"] for e in tree.edges}
            assert all(roots <= {n["id"] for n in part.nodes} for part, _ in slides), com
    total = store.read("MATCH (c:Community) RETURN count(c) AS n", graph=graph)[0]["n"]
    TIMINGS["org_tree_communities_in_slides"] = split  # (not a time: how many needed more than one slide)
    assert communities == total and split >= 1, (communities, total, split)


def test_the_biggest_community_tree_steps_through_slides_on_a_projector(url, browser, qindu):
    """The biggest community tree (most nodes) in meeting mode at 1920×1080: each slide has every
    node's box inside the canvas, labels ≥ 24 / 32 px, nothing cut; ▶ steps on, the slide is in the
    URL (part=2) and a reload shows it again."""
    from meeting_probe import MEASURE_JS
    from orgnet.queries import explore

    store, graph = qindu
    sizes = []
    for street in explore.streets(store, graph=graph):
        for com in street["communities"]:
            tree = explore.org_tree(store, street["id"], graph=graph, community_id=com["id"])
            sizes.append((len(tree.nodes), street["id"], com["id"], com["name"]))
    n, sid, cid, name = max(sizes)
    page = browser.new_context(viewport=PROJECTOR).new_page()
    _goto(page, f"{url}/org_tree?meeting=1&street={sid}&community={cid}")
    frame, sig = _map(page)
    seen = []
    for step in range(2):
        time.sleep(0.8)
        m = frame.evaluate(MEASURE_JS)
        m.pop("boxes")
        assert m["outside"] == [] and m["underLegend"] == [] and m["cut"] == [], (step, m)
        assert m["unit"] >= 24 - 1e-6 and m["hub"] >= 32 - 1e-6 and not m["clamped"], (step, m)
        seen.append(m["canvas"])
        page.screenshot(path=str(SHOTS / f"qindu_org_tree_meeting_part{step + 1}_1920.png"))
        if step == 0:
            page.get_by_role("button", name="下一部分 ▶").click()
            frame, sig = _map(page, sig)
            page.wait_for_url("**part=2**", timeout=10_000)
    page.reload()
    frame, again = _map(page)
    assert again == sig and "part=2" in page.url, (n, name)
    page.context.close()


#: the app's script runs as the page sees them: [time, state] of every change of the app's
#: data-test-script-state ("running", "notRunning"), recorded from now on
_WATCH_RUNS_JS = r"""() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__orgnetRuns = [];
  if (window.__orgnetObs) { window.__orgnetObs.disconnect(); }
  window.__orgnetObs = new MutationObserver(() => window.__orgnetRuns.push(
    [performance.now(), app.getAttribute('data-test-script-state')]));
  window.__orgnetObs.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  return performance.now();
}"""


def _timed(page, action) -> float:
    """Seconds from ``action()`` until the app's script has run and stayed idle for 0.6 s."""
    t0 = page.evaluate(_WATCH_RUNS_JS)
    action()
    page.wait_for_function("() => window.__orgnetRuns.some(r => r[1] === 'running')", timeout=120_000)
    while True:
        page.wait_for_function("() => { const r = window.__orgnetRuns; return r.length && r[r.length - 1][1] !== 'running'; }",
                               timeout=120_000)
        n = page.evaluate("() => window.__orgnetRuns.length")
        time.sleep(0.6)
        if page.evaluate("() => window.__orgnetRuns.length") == n:
            break
    return round((page.evaluate("() => window.__orgnetRuns[window.__orgnetRuns.length - 1][0]") - t0) / 1000, 3)


def _pick(page, label: str, text: str) -> None:
    box = page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(has_text=label).first
    box.locator("input").first.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text, exact=True).first.click()


def test_control_changes_cold_and_warm(url, browser, qindu):
    """Each control change on the Gaps page at qindu, timed in Chromium from the change until the
    app's script is done: the first time (cold) and again (warm). The figures go to the timings
    file; warm must stay under 5 s here (the goal, ≤ 1 s, is measured on a quiet machine)."""
    from orgnet.pages._ui import Ctx  # noqa: F401 - the app's own module loads
    from orgnet.queries import explore
    from orgnet.queries.gaps import rule_catalog

    store, graph = qindu
    street = explore.streets(store, graph=graph)[0]
    community = street["communities"][0]["name"]
    rule = rule_catalog().iloc[0]["title_zh"]
    page = browser.new_context(viewport=DESK).new_page()
    _goto(page, f"{url}/gaps")
    page.get_by_text("处缺口").first.wait_for(timeout=120_000)
    _wait_idle(page)
    delete = lambda: page.locator('[data-testid="stMultiSelect"] input').first.press("Backspace")  # noqa: E731
    steps = [
        ("street", lambda: _pick(page, "街道", street["name"]), lambda: _pick(page, "街道", "全部")),
        ("community", lambda: _pick(page, "社区", community), lambda: _pick(page, "社区", "全部")),
        ("rule", lambda: _pick(page, "按规则筛选", rule), delete),
        ("date", lambda: _pick(page, "统计日期", "2026年5月31日"), lambda: _pick(page, "统计日期", "2026年6月30日（快照日期）")),
    ]
    for name, there, back in steps:
        TIMINGS[f"{name}_cold_s"] = _timed(page, there)
        TIMINGS[f"{name}_back_warm_s"] = _timed(page, back)
        TIMINGS[f"{name}_warm_s"] = _timed(page, there)
        _timed(page, back)
    page.context.close()
    for name, *_ in steps:
        assert TIMINGS[f"{name}_warm_s"] < 5 and TIMINGS[f"{name}_back_warm_s"] < 5, TIMINGS
