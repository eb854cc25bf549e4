"""Meeting slides keep their place in the URL (headless Chromium on the demo data): a leader
steps to the next community with ▶, and a reload — or the link sent round — shows that slide."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest

from test_browser import _wait_idle, app_url, browser  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser]


def _slide(page) -> tuple[int, int]:
    """(position, count) of the stepper's "name　2 / 8" line."""
    for _ in range(240):
        m = re.search(r"(\d+) / (\d+)", page.locator('[data-testid="stMain"]').inner_text())
        if m:
            return int(m.group(1)), int(m.group(2))
        time.sleep(0.25)
    raise AssertionError("no slide counter on the page")


def _param(page, name: str) -> str | None:
    return (parse_qs(urlparse(page.url).query).get(name) or [None])[0]


@pytest.mark.parametrize("name", ["org_tree", "linkage"])
def test_a_slide_keeps_its_place_in_the_url(app_url, browser, name):  # noqa: F811 - fixtures
    from orgnet.i18n import t

    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, device_scale_factor=1)
    page = ctx.new_page()
    try:
        page.goto(f"{app_url}/{name}?meeting=1")
        _wait_idle(page)
        pos, n = _slide(page)
        assert pos == 1 and n >= 2, (pos, n)
        first = _param(page, "community")
        assert first, page.url
        page.get_by_role("button", name=t("meeting.next_community", "zh")).click()
        for _ in range(120):
            if _param(page, "community") not in (None, first):
                break
            time.sleep(0.25)
        _wait_idle(page)
        second = _param(page, "community")
        assert second and second != first and _slide(page) == (2, n), page.url
        assert _param(page, "street") and _param(page, "meeting") == "1"
        link = page.url
        page.reload()
        _wait_idle(page)
        assert _slide(page) == (2, n) and _param(page, "community") == second, page.url
        other = ctx.new_page()  # the link opened afresh (a new session)
        other.goto(link)
        _wait_idle(other)
        assert _slide(other) == (2, n) and _param(other, "community") == second, other.url
    finally:
        ctx.close()
