"""Accounts in a real browser: headless Chromium against ``streamlit run app.py`` on
the weicheng preset (4 streets), signing in through the form as people do.

- Without signing in, no page shows data, whatever the link.
- A street viewer sees only their street (Overview, gaps, explorer) and members' names masked,
  and cannot reach Import or Query even by URL.
- An analyst of another street gets nothing from a deep link into this one.
- Five failed sign-ins in a row make the account wait.
- An administrator sees the audit entries those actions made.

Screenshots (1600×1000) go to ``test-artifacts/screenshots/access-*.png``.
"""

from __future__ import annotations

import pytest

from helpers_access import PASSWORD, ensure_account
from oracle import has_label, out
from orgnet.privacy import mask_name
from orgnet.webapp import session as session_cookie
from test_browser import SHOTS, browser, serve_app  # noqa: F401 - browser is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DESK = {"width": 1600, "height": 1000}


@pytest.fixture(scope="module")
def district(falkordb_loaded_store, weicheng_dataset):
    """Two streets of weicheng, a community of the first, a member living there with a gap."""
    from orgnet.graph.nx import to_networkx
    from orgnet.queries import catalog

    store, graph = falkordb_loaded_store("weicheng")
    g = to_networkx(weicheng_dataset)
    streets = sorted(n for n in g if has_label(g, n, "Street"))
    a, b = streets[0], streets[1]
    community = sorted(u for u, v, d in g.in_edges(a, data=True)
                       if d["type"] == "PART_OF" and has_label(g, u, "Community"))[0]
    member = next(r for r in catalog.run(store, "in_service_not_reported", {"as_of": "2026-06-30"}, graph=graph)
                  if r["street_id"] == a and len(r["name"]) >= 3)
    other_community = sorted(u for u, v, d in g.in_edges(b, data=True)
                             if d["type"] == "PART_OF" and has_label(g, u, "Community"))[0]
    return {"graph": graph, "g": g, "a": a, "b": b, "a_name": g.nodes[a]["name"], "b_name": g.nodes[b]["name"],
            "community": community, "community_name": g.nodes[community]["name"],
            "other_community_name": g.nodes[other_community]["name"],
            "member": member["id"], "member_name": member["name"]}


@pytest.fixture(scope="module")
def app(district, falkordb_settings):
    home = falkordb_settings.home
    ensure_account(home, "boss", "admin")
    ensure_account(home, "viewer_a", "viewer", street_id=district["a"])
    ensure_account(home, "analyst_b", "analyst", street_id=district["b"])
    yield from serve_app(district["graph"], falkordb_settings, trust_header=False)


def _page(browser, url: str):  # noqa: F811 - the fixture
    page = browser.new_context(viewport=DESK, extra_http_headers={}).new_page()
    page.goto(url)
    page.wait_for_selector("h1", timeout=90_000)
    page.wait_for_timeout(1500)
    return page


def _settle(page, ms: int = 2500, tables: bool = False) -> str:
    """The page's text once it has run, tables included (their cells are drawn on a canvas;
    ``text_content`` reads the grid's accessible copy); ``tables``: wait for one to appear."""
    page.wait_for_timeout(ms)
    if tables:
        page.wait_for_selector("[data-testid='stDataFrame']", state="attached", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    tables = []
    for table in page.locator("[data-testid='stDataFrame']").all():
        table.scroll_into_view_if_needed()  # the grid draws (and copies) its cells when in view
        for _ in range(40):
            text = table.text_content() or ""
            if len(text) > 40:
                break
            page.wait_for_timeout(250)
        tables.append(text)
    return page.inner_text("body") + "\n".join(tables)


def _sign_in(page, name: str, password: str = PASSWORD, tables: bool = False) -> str:
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    return _settle(page, 4000, tables)


def test_no_page_shows_data_without_signing_in(app, browser, district):  # noqa: F811
    for path in ("/", "/gaps", f"/explorer?id={district['community']}", "/audit", "/import"):
        page = _page(browser, app + path)
        body = _settle(page)
        assert "登录" in body and "密码" in body, path
        for secret in (district["a_name"], district["community_name"], "覆盖率", district["graph"]):
            assert secret not in body, (path, secret)
        if path == "/":
            page.screenshot(path=str(SHOTS / "access-sign-in.png"))
        page.context.close()


def test_the_session_cookie_is_httponly_and_survives_a_reload(app, browser, district):  # noqa: F811
    """The server sets the session cookie (HttpOnly; SameSite=Strict): no script in
    the page can read the token, and a reload still finds the account signed in."""
    page = _page(browser, app + "/")
    body = _sign_in(page, "boss", tables=True)
    assert district["a_name"] in body or "覆盖" in body
    cookies = {c["name"]: c for c in page.context.cookies()}
    for _ in range(20):
        if "orgnet_session" in cookies:
            break
        page.wait_for_timeout(250)
        cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["orgnet_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict" and not session["secure"]  # http here
    assert len(session["value"]) >= 40 and session["value"] not in page.evaluate("document.cookie")
    page.reload()
    page.wait_for_selector("h1", timeout=90_000)
    body = _settle(page, 3000)
    assert "密码" not in body and "boss" in body  # still signed in
    page.context.close()


def test_a_street_viewer_sees_only_their_street_and_masked_names(app, browser, district):  # noqa: F811
    page = _page(browser, app + "/")
    body = _sign_in(page, "viewer_a", tables=True)
    page.screenshot(path=str(SHOTS / "access-viewer-overview.png"), full_page=True)
    assert "viewer_a" in body and "查看员" in body
    assert district["a_name"] in body and district["b_name"] not in body, body[-800:]  # the per-street table
    for label in ("数据导入", "查询", "审计日志"):
        assert page.get_by_role("link", name=label).count() == 0, label
    page.goto(app + f"/explorer?id={district['member']}")
    body = _settle(page, 4000)
    assert mask_name(district["member_name"]) in body and district["member_name"] not in body
    page.screenshot(path=str(SHOTS / "access-viewer-member.png"))
    for path in ("/import", "/query"):  # not even by URL
        page.goto(app + path)
        body = _settle(page, 3000)
        assert "上传" not in body and "自定义Cypher" not in body and "目录查询" not in body, path
    page.context.close()


def test_an_analyst_of_another_street_gets_nothing_from_a_deep_link(app, browser, district):  # noqa: F811
    page = _page(browser, app + f"/explorer?id={district['community']}")
    body = _sign_in(page, "analyst_b")
    assert "网络浏览" in body  # the link's page opened after signing in
    assert district["community_name"] not in body and district["a_name"] not in body
    page.goto(app + "/gaps")
    body = _settle(page, 4000, tables=True)
    assert district["b_name"] in body and district["a_name"] not in body
    page.context.close()


def test_five_failed_sign_ins_make_the_account_wait(app, browser, district):  # noqa: F811
    page = _page(browser, app + "/")
    for _ in range(5):
        body = _sign_in(page, "analyst_b", "wrong-password!")
        assert "账号或密码错误" in body
    body = _sign_in(page, "analyst_b")  # the right password, too soon
    assert "秒后再试" in body and "analyst_b（" not in body
    page.screenshot(path=str(SHOTS / "access-throttled.png"))
    page.context.close()


def test_the_administrator_sees_the_audit_entries(app, browser, district, falkordb_settings):  # noqa: F811
    from orgnet.access.accounts import AccountBook

    page = _page(browser, app + "/audit")
    body = _sign_in(page, "boss", tables=True)
    assert "审计日志" in body
    page.screenshot(path=str(SHOTS / "access-audit.png"), full_page=True)
    grid = page.locator("[data-testid='stDataFrame']").first.text_content()
    page.locator("[data-testid='stDataFrame']").first.hover()  # its toolbar shows; no unaudited CSV there
    assert page.get_by_role("button", name="Download as CSV").is_visible() is False
    for who, action in (("viewer_a", "登录"), ("analyst_b", "登录失败"), ("analyst_b", "登录受限"),
                        ("boss", "登录")):
        assert who in grid and action in grid, (who, action)
    page.context.close()
    AccountBook(falkordb_settings.home).passwd("analyst_b", PASSWORD)  # ends its wait for other tests


def test_no_page_can_be_opened_before_the_cookie_is_set(app, browser, district):  # noqa: F811
    """The sign-in race: a page opened right after signing in (a link, a reload, a
    new tab) found no session cookie and showed the sign-in form again. The app now shows its
    pages only once the browser holds the cookie: the moment the menu appears, the cookie is
    there, and opening another page straight away lands on it."""
    for _ in range(3):
        page = _page(browser, app + "/")
        page.get_by_label("账号").fill("boss")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=90_000)
        assert "orgnet_session" in {c["name"] for c in page.context.cookies()}
        asked = []
        page.on("request", lambda r: asked.append(r.url) if session_cookie.PATH in r.url else None)
        page.goto(app + "/gaps")
        page.wait_for_selector("h1", timeout=90_000)
        body = _settle(page, 2000)
        assert "密码" not in body and page.locator("h1").first.inner_text().strip() == "覆盖缺口"
        # the cookie is held: nothing asks for it again (that answer's rerun used to lose the page)
        assert asked == []
        page.context.close()
