"""The Overview's KPI trend chart (``orgnet.pages._trend``, its plotting part): rates and counts
never share a scale, every label is in the page language, nothing is cut.

The points are the real KPIs of the demo preset at two dates on the embedded FalkorDB and on
Neo4j (``loaded_store``); the charts are checked through the Vega-Lite spec Altair writes.
"""

from __future__ import annotations

import pytest

from orgnet.i18n import t
from orgnet.pages import _trend
from orgnet.pages._ui import Ctx
from orgnet.queries.kpis import kpi_groups, kpi_meta, kpi_table
from orgnet.settings import Settings

DATES = ("2026-03-31", "2026-06-30")


@pytest.fixture(scope="module")
def points(loaded_store):
    """One point per date and KPI, as ``_trend`` collects them from each snapshot."""
    store, graph = loaded_store("demo")
    out = []
    for as_of in DATES:
        df = kpi_table(store, as_of=as_of, graph=graph, scopes=("overall",))
        for k in df[["kpi", "title_zh", "title_en", "rate", "numerator"]].to_dict("records"):
            out.append({"snapshot": f"demo_{as_of}", "as_of": as_of, **k})
    return store, graph, out


def _ctx(store, graph: str, lang: str, meeting: bool = False) -> Ctx:
    return Ctx(settings=Settings.from_env(), store=store, graph=graph, lang=lang, meeting=meeting,
               as_of=DATES[-1], stamp="")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rates_and_counts_are_on_separate_charts(points, lang):
    store, graph, pts = points
    series = _trend.trend_series(_ctx(store, graph, lang), pts)
    titles = [title for title, _, _ in series]
    assert titles == [t(f"kpi_group.{g}", lang) for g, _ in kpi_groups()] + [t("changes.trend_counts", lang)]
    by_kpi = {(p["as_of"], p[f"title_{lang}"]): p for p in pts}
    seen = set()
    for title, df, is_rate in series:
        for r in df.to_dict("records"):
            p = by_kpi[(r["as_of"], r["kpi"])]
            count = kpi_meta(p["kpi"])["measure"] == "count"
            assert count is not is_rate, (title, p["kpi"])  # a count never on the percentage chart
            want = int(p["numerator"]) if count else round(float(p["rate"]) * 100, 1)
            assert r["value"] == want, (p["kpi"], r["as_of"])
            seen.add(p["kpi"])
    assert seen == {p["kpi"] for p in pts if p["rate"] is not None or kpi_meta(p["kpi"])["measure"] == "count"}
    assert all(0 <= v <= 100 for _, df, is_rate in series if is_rate for v in df["value"])
    assert any(not is_rate for _, _, is_rate in series)  # the demo's reported members: their own chart


@pytest.mark.parametrize("meeting", [False, True])
def test_the_chart_speaks_chinese_and_cuts_no_label(points, meeting):
    store, graph, pts = points
    c = _ctx(store, graph, "zh", meeting)
    for title, df, is_rate in _trend.trend_series(c, pts):
        spec = _trend._chart(c, df, title, rate=is_rate).to_dict()
        enc = spec["encoding"]
        assert enc["x"]["title"] == t("changes.trend_date") and enc["x"]["axis"]["labelAngle"] == 0
        assert enc["y"]["title"] == t("changes.trend_rate" if is_rate else "changes.trend_count")
        assert (enc["y"]["scale"].get("domain") == [0, 100]) is is_rate
        assert enc["color"]["legend"]["labelLimit"] == 0 and enc["color"]["legend"]["orient"] == "bottom"
        assert spec["config"]["axis"]["labelLimit"] == 0
        assert [x["title"] for x in enc["tooltip"]] == [t("changes.trend_snapshot"), t("changes.trend_date"),
                                                       t("changes.trend_kpi"), t("changes.trend_value")]
        assert spec["autosize"]["type"] == "fit-x"  # the height is the plot's: legend and axes added to it
        size = enc["color"]["legend"]["labelFontSize"]
        assert size >= (18 if meeting else 13)  # the legend readable from the back of a room
