"""The meeting table: large type, every cell escaped, empty cells blank (and in Chromium, marker
``browser``, the text really is 24 px)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from orgnet.viz.table import MEETING_TABLE_PX, meeting_table_html

EVIL = "</td></table><script>alert(1)</script><img src=x onerror=alert(2)>"


def test_every_cell_is_escaped_and_blank_cells_are_empty():
    df = pd.DataFrame({"名称": [EVIL, "咸阳市秦都区人力资源和社会保障局"], "社区": [math.nan, None],
                       EVIL: ["a&b", 3]})
    out = meeting_table_html(df, note=EVIL)
    assert "<script>" not in out and "<img" not in out and "onerror=alert(2)>" not in out
    assert out.count("&lt;script&gt;") == 3  # the cell, the header, the note
    assert "a&amp;b" in out and "<td class=\"on-short\"></td>" in out and ">nan<" not in out.lower()
    assert "咸阳市秦都区人力资源和社会保障局" in out  # whole, never cut
    assert len(re.findall(r"<tr>", out)) == 3  # header + two rows
    assert f"font-size: {MEETING_TABLE_PX}px" in out and MEETING_TABLE_PX >= 24


def test_rows_as_dicts_and_chosen_columns():
    out = meeting_table_html([{"a": 1, "b": "x", "c": "hidden"}], ["b", "a"])
    assert out.index("<th>b</th>") < out.index("<th>a</th>") and "hidden" not in out


def test_a_bad_height_is_refused():
    with pytest.raises(ValueError):
        meeting_table_html([{"a": 1}], height="1px; background:url(x)")


@pytest.mark.browser
def test_meeting_table_text_is_large_in_chromium(tmp_path):
    from test_browser import _chromium

    exe = _chromium()
    if exe is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "t.html"
    page_file.write_text("<!DOCTYPE html><html><body>" + meeting_table_html(
        pd.DataFrame({"名称": ["东庄社区", EVIL]})) + "</body></html>", encoding="utf-8")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(page_file.as_uri())
        sizes = page.eval_on_selector_all(".on-mtable td, .on-mtable th",
                                          "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
        assert sizes and min(sizes) >= 24, sizes
        assert page.locator("img").count() == 0 and EVIL in page.locator(".on-mtable").inner_text()
        b.close()
