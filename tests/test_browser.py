"""The running app in headless Chromium (Playwright): every page renders, maps draw, nothing leaves localhost.

Starts ``streamlit run app.py`` from the repository root on a free port against the
test FalkorDB (its ORGNET_HOME) with the demo preset loaded, opens each page in Chinese
and English (and the map pages in meeting mode), waits for the vis-network canvas inside
the map iframe, checks that nodes were drawn (the network's node DataSet and non-blank
canvas pixels), and records every request: anything not to 127.0.0.1/localhost (or
data:/about:/blob:) fails the test. Screenshots go to test-artifacts/screenshots/.

Needs Debian's ``chromium`` (``apt-get install -y chromium fonts-noto-cjk``); never
``playwright install``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers_access import TEST_HEADER, ensure_account

from helpers_stores import free_port

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PAGES = ("overview", "explorer", "org_tree", "gaps", "linkage", "import", "query", "audit")
MAP_PAGES = ("explorer", "org_tree", "linkage")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _chromium() -> str | None:
    path = os.environ.get("ORGNET_CHROMIUM") or CHROMIUM
    return path if Path(path).exists() else shutil.which("chromium")


@pytest.fixture(scope="module")
def app_url(falkordb_loaded_store, falkordb_settings):
    yield from serve_app(falkordb_loaded_store("demo")[1], falkordb_settings)


def serve_app(graph: str, falkordb_settings, *, trust_header: bool = True):
    """``streamlit run app.py`` on a free port against the test store's ``graph``; yields its URL.

    With ``trust_header`` the app signs in whoever its test header names (``TEST_HEADER``, the
    way an office's single-sign-on proxy does; the ``browser`` fixture's contexts send
    ``admin``); without it, people sign in through the form.
    """
    if _chromium() is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is missing (pip install -e '.[test]')")
    port = free_port()
    env = dict(os.environ, ORGNET_HOME=str(falkordb_settings.home), ORGNET_GRAPH=graph, ORGNET_PREWARM="0")
    env.pop("NEO4J_URI", None)
    env.pop("ORGNET_TRUST_USER_HEADER", None)
    if trust_header:
        ensure_account(falkordb_settings.home, "admin", "admin")
        env["ORGNET_TRUST_USER_HEADER"] = TEST_HEADER
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "test-artifacts" / f"streamlit-{graph}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read().strip() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with code {proc.returncode}")
    else:
        proc.kill()
        pytest.fail("streamlit did not become healthy within 60 s")
    yield url
    log.close()
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), args=ARGS)
        yield SignedIn(b)
        b.close()


class SignedIn:
    """A browser whose new contexts send ``TEST_HEADER: admin`` (unless told other headers)."""

    def __init__(self, browser, account: str = "admin"):
        self._browser, self._account = browser, account

    def new_context(self, **kw):
        kw.setdefault("extra_http_headers", {TEST_HEADER: self._account})
        return self._browser.new_context(**kw)

    def __getattr__(self, name):
        return getattr(self._browser, name)


class Outside:
    """Every request of a browser context; those leaving the machine are aborted and kept."""

    def __init__(self, context):
        self.seen: list[str] = []
        self.outside: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        self.seen.append(url)
        parsed = urlparse(url)
        if parsed.scheme in ("data", "about", "blob") or parsed.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


def _wait_idle(page, timeout_ms: int = 120_000) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stVerticalBlock"]', timeout=timeout_ms)
    time.sleep(0.5)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout_ms)
    time.sleep(0.5)


def _map_frame(page, timeout_s: float = 60):
    """The iframe holding the vis network, once its canvas exists and physics/layout settled."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        for fr in page.frames:
            try:
                if fr.evaluate("() => !!(window.orgnetNetwork && document.querySelector('#mynetwork canvas'))"):
                    return fr
            except Exception:  # noqa: BLE001 - frame navigating
                continue
        time.sleep(0.3)
    raise AssertionError("no vis-network canvas appeared in any frame")


DRAWN_JS = """() => {
  const net = window.orgnetNetwork;
  const nodes = net.body.data.nodes.length;
  const c = document.querySelector('#mynetwork canvas');
  const ctx = c.getContext('2d');
  const img = ctx.getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 0; i < img.length; i += 16) {
    if (img[i + 3] > 0 && (img[i] < 235 || img[i + 1] < 235 || img[i + 2] < 235)) ink++;
  }
  return {nodes, ink, w: c.width, h: c.height};
}"""


def _open(browser, url: str, name: str, lang: str, meeting: bool = False):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1000}, device_scale_factor=1)
    spy = Outside(ctx)
    page = ctx.new_page()
    page.goto(f"{url}/{'' if name == 'overview' else name}")
    _wait_idle(page)
    if lang == "en" or meeting:
        if lang == "en":
            page.get_by_text("English", exact=True).click()
            _wait_idle(page)
        if meeting:
            page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"], '
                         '[data-testid="stSidebar"] label:has-text("会议模式"), '
                         '[data-testid="stSidebar"] label:has-text("Meeting mode")').first.click()
            _wait_idle(page)
    return ctx, page, spy


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_render_offline(app_url, browser, lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    from orgnet.i18n import t

    for name in PAGES:
        ctx, page, spy = _open(browser, app_url, name, lang)
        try:
            key = f"page.{name}"
            page.wait_for_selector("h1", timeout=60_000)
            for _ in range(60):  # a language switch reruns the page: wait for its new title
                if page.locator("h1").first.inner_text().strip() == t(key, lang):
                    break
                page.wait_for_timeout(250)
            assert page.locator("h1").first.inner_text().strip() == t(key, lang)
            assert not page.locator('[data-testid="stException"]').count(), name
            if name in MAP_PAGES:
                frame = _map_frame(page)
                time.sleep(1.0)
                drawn = frame.evaluate(DRAWN_JS)
                assert drawn["nodes"] > 0, (name, drawn)
                assert drawn["ink"] > 50, (name, drawn)
            page.screenshot(path=str(SHOTS / f"{name}_{lang}.png"), full_page=True)
            assert not spy.outside, (name, spy.outside)
            assert spy.seen  # the interception really saw the page's requests
        finally:
            ctx.close()


@pytest.mark.parametrize("name", MAP_PAGES)
def test_meeting_mode_maps(app_url, browser, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx, page, spy = _open(browser, app_url, name, "zh", meeting=True)
    try:
        frame = _map_frame(page)
        time.sleep(1.0)
        assert frame.evaluate(DRAWN_JS)["nodes"] > 0
        # title, date and legend are in the map itself (and so in its PNG)
        assert frame.locator(".on-head h1").inner_text().strip()
        assert frame.locator(".on-legend").count() > 0
        png = frame.evaluate("() => window.orgnetPng()")
        assert png.startswith("data:image/png;base64,") and len(png) > 5000
        # page controls are hidden; the standalone HTML is offered
        assert page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').count() == 0
        assert page.get_by_text("下载HTML").count() >= 1
        page.screenshot(path=str(SHOTS / f"{name}_meeting.png"), full_page=True)
        assert not spy.outside, spy.outside
    finally:
        ctx.close()


def test_import_a_zip_with_a_chinese_name_in_one_step(app_url, browser, falkordb_store, tmp_path):
    """An office uploads 潍城区台账.zip: the graph name comes from the file name, one click loads
    it, and the new graph becomes the current one (deep link straight into the Import page)."""
    import zipfile

    from orgnet.i18n import t

    tiny = Path(__file__).parent / "data" / "tiny"
    upload = tmp_path / "潍城区台账.zip"
    with zipfile.ZipFile(upload, "w") as zf:
        for f in sorted(tiny.glob("*.csv")):
            zf.write(f, f"潍城区台账/{f.name}")
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    spy = Outside(ctx)
    page = ctx.new_page()
    try:
        page.goto(f"{app_url}/import")
        _wait_idle(page)
        page.locator('input[type="file"]').set_input_files(str(upload))
        name_box = page.get_by_role("textbox", name=t("import.graph_name"))
        name_box.wait_for(timeout=60_000)
        assert name_box.input_value() == "潍城区台账"
        page.get_by_role("button", name=t("import.load")).click()
        page.get_by_text("已导入快照“潍城区台账”").first.wait_for(timeout=60_000)
        _wait_idle(page)
        assert "潍城区台账" in falkordb_store.list_graphs()
        from urllib.parse import quote

        assert f"graph={quote('潍城区台账')}" in page.url  # the new graph is the current one
        page.screenshot(path=str(SHOTS / "import_chinese_zip.png"), full_page=True)
        assert not spy.outside, spy.outside
    finally:
        ctx.close()
        if "潍城区台账" in falkordb_store.list_graphs():
            falkordb_store.drop_graph("潍城区台账")


UPLOAD_AFTER_JS = """() => {
  const box = document.querySelector('[data-testid="stFileUploaderDropzone"]');
  const parts = [box.querySelector('button [data-testid="stMarkdownContainer"] p'),
                 box.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span')];
  return parts.map(e => [getComputedStyle(e, '::after').content, getComputedStyle(e).fontSize]);
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_upload_box_speaks_the_page_language(app_url, browser, lang):
    """The upload box's own texts ("Upload", "200MB per file • ZIP, XLSX") are drawn over in
    the page's language; the English ones take no room (font size 0)."""
    from orgnet.i18n import t

    ctx, page, spy = _open(browser, app_url, "import", lang)
    try:
        page.wait_for_selector('[data-testid="stFileUploaderDropzone"]', timeout=60_000)
        page.wait_for_function("() => getComputedStyle(document.querySelector("
                               "'[data-testid=\"stFileUploaderDropzoneInstructions\"] span'), '::after')"
                               ".content !== 'none'", timeout=30_000)
        (button, button_px), (limits, limits_px) = page.evaluate(UPLOAD_AFTER_JS)
        sep = t("upload.type_sep", lang)
        assert button == f'"{t("upload.button", lang)}"'
        assert limits == f'"{t("upload.limits", lang, size="200 MB", types=sep.join(["zip", "xlsx"]))}"'
        assert button_px == limits_px == "0px"
        page.screenshot(path=str(SHOTS / f"import_upload_{lang}.png"))
        assert not spy.outside, spy.outside
    finally:
        ctx.close()


def test_downloads_one_after_another_all_arrive(app_url, browser):
    """Excel, CSV, then Excel again, each clicked right after the other: three files arrive
    (a click no longer reruns the page, which retired the file the browser was fetching), and
    the repeated Excel is the bytes built for the first click."""
    from orgnet.i18n import t

    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    try:
        page.goto(f"{app_url}/gaps")
        _wait_idle(page)
        got = []
        page.on("download", lambda d: got.append(d))
        for label in ("common.download_excel", "common.download_csv", "common.download_excel"):
            page.locator('[data-testid="stDownloadButton"] button', has_text=t(label)).first.click()
            page.wait_for_timeout(300)
        deadline = time.time() + 90
        while len(got) < 3 and time.time() < deadline:
            page.wait_for_timeout(200)
        assert [Path(d.suggested_filename).suffix for d in got] == [".xlsx", ".csv", ".xlsx"] or \
            sorted(Path(d.suggested_filename).suffix for d in got) == [".csv", ".xlsx", ".xlsx"]
        first, again = (Path(d.path()).read_bytes() for d in got if d.suggested_filename.endswith(".xlsx"))
        assert first == again and first[:2] == b"PK"
        assert page.locator('[data-testid="stDownloadButtonError"]').count() == 0
    finally:
        ctx.close()


def _no_page_not_found(page) -> None:
    page.wait_for_timeout(800)  # Streamlit's dialog comes after the first render
    assert page.get_by_text("Page not found").count() == 0


@pytest.mark.parametrize("path,meeting", [("overview", True), ("overview", False), ("gaps", False), ("", False)])
def test_every_page_has_its_own_path(app_url, browser, path, meeting):
    """``/overview`` (and ``/overview?meeting=1``, the link put on a meeting's agenda) opens the
    page itself: no "Page not found" dialog over it; the root still opens the overview."""
    from orgnet.i18n import t

    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, device_scale_factor=1)
    spy = Outside(ctx)
    page = ctx.new_page()
    try:
        page.goto(f"{app_url}/{path}{'?meeting=1' if meeting else ''}")
        _wait_idle(page)
        page.wait_for_selector("h1", timeout=60_000)
        assert page.locator("h1").first.inner_text().strip() == t(f"page.{path or 'overview'}", "zh")
        _no_page_not_found(page)
        assert page.locator('[data-testid="stSidebar"]').is_visible() is not meeting
        assert not spy.outside, spy.outside
    finally:
        ctx.close()


def test_gaps_filters_are_in_the_url(app_url, browser, falkordb_loaded_store):
    """A filtered Gaps view is a link: opened or reloaded, it shows the same filtered count."""
    from orgnet.i18n import t
    from orgnet.queries import gaps

    from orgnet.graph.load import graph_info
    from orgnet.queries.catalog import snapshot_date

    store, graph = falkordb_loaded_store("demo")
    as_of = snapshot_date(graph_info(store, graph))  # the page's date: the snapshot's reference date
    counts = gaps.count_gaps(store, None, as_of=as_of, graph=graph)
    row = counts.sort_values("n").iloc[len(counts) // 2]  # a rule and street with some rows
    rule, street = str(row["rule"]), str(row["street_id"])
    want = int(counts[(counts["rule"] == rule) & (counts["street_id"] == street)]["n"].sum())
    total = int(counts["n"].sum())
    assert 0 < want < total
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, device_scale_factor=1)
    page = ctx.new_page()
    try:
        page.goto(f"{app_url}/gaps?rule={rule}&street={street}")
        _wait_idle(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "gaps_filtered_link.png"), full_page=True)
        page.get_by_text(t("gaps.found", "zh", n=want)).wait_for(timeout=60_000)
        page.reload()
        _wait_idle(page)
        page.get_by_text(t("gaps.found", "zh", n=want)).wait_for(timeout=60_000)
        assert f"rule={rule}" in page.url and f"street={street}" in page.url
        _no_page_not_found(page)
        # unfiltered: the URL loses the filter, the count is the district's
        page.goto(f"{app_url}/gaps")
        _wait_idle(page)
        page.get_by_text(t("gaps.found", "zh", n=total)).wait_for(timeout=60_000)
        assert "rule=" not in page.url
    finally:
        ctx.close()


def _select_text(page, label: str) -> str:
    """The shown choice of the main area's select box ``label``."""
    box = page.locator('[data-testid="stMain"]').get_by_role("combobox", name=label, exact=True).first
    box.wait_for(timeout=60_000)
    return box.input_value()


def _same_after_reload(page, read) -> None:
    """``read(page)`` once the link opened, and again after a reload: the same view."""
    first = read(page)
    url = page.url
    page.reload()
    _wait_idle(page)
    assert read(page) == first
    assert page.url == url


def test_linkage_assess_and_tree_filters_are_in_the_url(app_url, browser, falkordb_loaded_store):
    """联建强度, 考核 and 组织体系 views are links: street, bands, community and unit (linkage),
    level and entity (assessment), street and community (org tree) come from the URL, and a
    reload shows the same choices."""
    from orgnet.graph.load import graph_info
    from orgnet.i18n import t
    from orgnet.pages._data import linkage_view
    from orgnet.queries import explore
    from orgnet.queries.catalog import snapshot_date

    store, graph = falkordb_loaded_store("demo")
    as_of = snapshot_date(graph_info(store, graph))
    streets = explore.streets(store, graph=graph)
    street = streets[-1]  # not the page's default (the first)
    scored = linkage_view(store, graph=graph, as_of=as_of, street_id=street["id"])["scored"]
    assert not scored.empty
    pair = scored.sort_values(["community_id", "unit_id"]).iloc[-1]
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, device_scale_factor=1)
    page = ctx.new_page()
    try:
        page.goto(f"{app_url}/linkage?street={street['id']}&band=strong&community={pair['community_id']}"
                  f"&unit={pair['unit_id']}")
        _wait_idle(page)

        def linkage_view_shown(p):
            texts = (_select_text(p, t("common.street")), _select_text(p, t("common.community")),
                     _select_text(p, t("linkage.unit")))
            bands = p.locator('[data-testid="stMultiSelect"]').first.inner_text()
            return texts, bands

        (s_text, c_text, u_text), bands = linkage_view_shown(page)
        assert street["name"] in s_text and pair["community"] in c_text and pair["unit"] in u_text
        assert t("band.strong") in bands and t("band.medium") not in bands
        _same_after_reload(page, linkage_view_shown)
        page.screenshot(path=str(SHOTS / "linkage_link.png"), full_page=True)

        page.goto(f"{app_url}/assess?level=street&entity={street['id']}")
        _wait_idle(page)

        def assess_shown(p):
            checked = p.locator('[data-testid="stMain"] [data-testid="stRadio"] input:checked').first
            return _select_text(p, t("assess.detail")), checked.evaluate("e => e.closest('label').innerText")

        detail, level = assess_shown(page)
        assert street["name"] in detail and level.strip() == t("common.street")
        _same_after_reload(page, assess_shown)

        community = street["communities"][-1]
        page.goto(f"{app_url}/org_tree?street={street['id']}&community={community['id']}")
        _wait_idle(page)

        def tree_shown(p):
            return _select_text(p, t("common.street")), _select_text(p, t("common.community"))

        assert tree_shown(page) == (street["name"], community["name"])
        _same_after_reload(page, tree_shown)
    finally:
        ctx.close()


def test_a_refused_file_is_explained_in_chinese(app_url, browser, tmp_path):
    """A file the upload box refuses in the browser (a type not allowed) gets Streamlit's English
    tooltip ("application/pdf files are not allowed."); the page's Chinese text is drawn over it."""
    from orgnet.i18n import t

    ctx, page, spy = _open(browser, app_url, "import", "zh")
    try:
        page.wait_for_selector('[data-testid="stFileUploaderDropzone"]', timeout=60_000)
        bad = tmp_path / "材料.pdf"
        bad.write_bytes(b"%PDF-1.4\n")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
        chip = page.locator('[data-testid="stFileChip"][aria-invalid="true"]').first
        chip.wait_for(timeout=30_000)
        chip.hover()
        tip = page.locator('[data-testid="stTooltipErrorContent"]').first
        tip.wait_for(timeout=10_000)
        time.sleep(0.5)  # the tooltip fades in
        after, inner_px = tip.evaluate("(e) => [getComputedStyle(e, '::after').content,"
                                       " [e, ...e.querySelectorAll('*')].map(x => getComputedStyle(x).fontSize)]")
        assert after == f'"{t("upload.refused", "zh", size="200 MB", types="zip、xlsx")}"', after
        assert all(px == "0px" for px in inner_px), inner_px  # the English text takes no room
        page.screenshot(path=str(SHOTS / "import_refused_file_zh.png"))
        assert not spy.outside, spy.outside
    finally:
        ctx.close()
