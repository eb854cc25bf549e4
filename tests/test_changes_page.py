"""The 变化 page's tables in the page language: the KPI, linkage and
entity tabs of a real diff of two demo quarters on the embedded FalkorDB, in Chinese and in
English, show no code names as headers or values."""

from __future__ import annotations

import re

import pytest
from helpers_series import series

from orgnet.graph.load import load_dataset
from orgnet.i18n import t
from orgnet.pages import changes as page
from orgnet.pages._ui import Ctx
from orgnet.queries.changes import diff_snapshots
from orgnet.settings import Settings

OLD, NEW = "chgpage_2026Q1", "chgpage_2026Q2"
ROOT_APP = __import__("pathlib").Path(__file__).resolve().parents[1] / "app.py"
CJK = re.compile(r"[\u4e00-\u9fff]")
#: the report's own field names, which must never reach a header
CODES = {"kpi", "title_zh", "title_en", "rate_old", "rate_new", "delta", "band_old", "band_new", "score_old",
         "score_new", "direction", "unit_id", "community_id", "entity", "change", "kind", "street_id"}


@pytest.fixture(scope="module")
def report(falkordb_store):
    qs = series("demo", n=2)
    for q, g in zip(qs, (OLD, NEW)):
        load_dataset(falkordb_store, q.dataset, graph=g, replace=True, as_of=q.as_of)
    yield falkordb_store, diff_snapshots(falkordb_store, OLD, NEW)
    for g in (OLD, NEW):
        falkordb_store.drop_graph(g)


def _ctx(store, lang: str) -> Ctx:
    return Ctx(settings=Settings.from_env(), store=store, graph=NEW, lang=lang, meeting=False, as_of="2026-06-30",
               stamp="")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_tabs_speak_the_page_language(report, lang):
    store, r = report
    c = _ctx(store, lang)
    assert r.linkage and r.entities and r.kpis  # the demo's second quarter changes all three
    kpis = page.kpi_frame(c, r.kpis, "A", "B")
    linkage = page.linkage_frame(c, r.linkage)
    entities = page.entity_frame(c, r.entities)
    for df in (kpis, linkage, entities):
        assert not CODES & set(df.columns), df.columns
        if lang == "en":
            assert not [col for col in df.columns if CJK.search(col)]
        else:
            assert all(CJK.search(col) or col in ("A", "B") for col in df.columns), df.columns
    overall = [k for k in r.kpis if k["scope"] == "overall"]
    assert list(kpis[t("changes.kpi", lang)]) == [k[f"title_{lang}"] for k in overall]
    from orgnet.queries.kpis import kpi_meta

    want = [f"{int(k['numerator_new']) - int(k['numerator_old']):+,}" if kpi_meta(k["kpi"])["measure"] == "count"
            else "—" if k["delta"] is None else t("changes.delta_points", lang, d=f"{k['delta'] * 100:+.1f}")
            for k in overall]
    assert list(kpis[t("changes.delta", lang)]) == want
    assert any(kpi_meta(k["kpi"])["measure"] == "count" for k in overall)  # a count KPI is among them
    bands = {t(f"band.{b}", lang) for b in ("strong", "medium", "weak", "potential", "none")}
    assert set(linkage[t("col.band_old", lang)]) <= bands and set(linkage[t("col.band_new", lang)]) <= bands
    assert set(linkage[t("col.direction", lang)]) <= {t("changes.direction_up", lang), t("changes.direction_down", lang)}
    assert len(linkage) == len(r.linkage) and len(entities) == len(r.entities)
    assert set(entities[t("col.entity", lang)]) <= {t(f"changes.entity_{e}", lang)
                                                   for e in ("party_org", "unit", "agreement")}
    assert set(entities[t("col.change", lang)]) <= {t("changes.added", lang), t("changes.gone", lang)}
    if lang == "en":  # kinds named, not coded (the code keeps a column of its own)
        kinds = entities[t("gap_column.kind", lang)].dropna()
        assert not any("_" in k for k in kinds), set(kinds)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_download_is_the_tables_as_shown(report, lang):
    """The page's workbook holds the summary and every tab's table as the page shows it
    (names, not codes), so what an analyst opens in Excel is what was on screen."""
    import io

    from openpyxl import load_workbook

    store, r = report
    c = _ctx(store, lang)
    frames = page._frames(c, r, "A", "B")
    wb = load_workbook(io.BytesIO(page._xlsx(c, r, frames)))
    assert wb.sheetnames == [t("changes.sheet_summary", lang)] + [t(f"changes.tab_{k}", lang)[:31] for k in frames]
    for key, df in frames.items():
        ws = wb[t(f"changes.tab_{key}", lang)[:31]]
        headers = [cell.value for cell in ws[1]]
        assert headers == [str(h) for h in df.columns] or (df.empty and headers in (["-"], []))
        assert not CODES & set(headers), (key, headers)
        assert ws.max_row - 1 == len(df), key
    summary = [cell.value for cell in wb[t("changes.sheet_summary", lang)][2]]
    assert summary[:2] == [f"{OLD} ({r.old['as_of']})", f"{NEW} ({r.new['as_of']})"]
    assert summary[2:] == [r.totals()[k] for k in ("new", "closed", "still_open")]


def test_the_page_restores_its_snapshots_and_street_from_the_url(report, falkordb_settings, monkeypatch):
    """A 变化 link (``?old=…&new=…&street=…``) opens on those snapshots and that street, and the
    page writes them back into the URL."""
    from streamlit.testing.v1 import AppTest

    from helpers_access import signed_in
    from orgnet.queries import explore

    store, r = report
    street = explore.streets(store, graph=NEW)[-1]
    monkeypatch.setenv("ORGNET_HOME", str(falkordb_settings.home))
    monkeypatch.setenv("ORGNET_GRAPH", NEW)
    monkeypatch.setenv("ORGNET_PREWARM", "0")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    at = AppTest.from_file(str(ROOT_APP), default_timeout=240)
    for k, v in signed_in(falkordb_settings.home).items():
        at.session_state[k] = v
    at.session_state["orgnet_start_page"] = "changes"
    at.session_state["orgnet_graph"] = NEW
    at.query_params.update({"old": OLD, "new": NEW, "street": street["id"]})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    values = {s.label: s.value for s in at.main.selectbox}
    assert values[t("changes.snapshot_old")] == OLD and values[t("changes.snapshot_new")] == NEW
    assert values[t("common.street")] == street["id"]
    want = diff_snapshots(store, OLD, NEW, street_id=street["id"]).totals()
    got = {m.label: m.value for m in at.metric}
    from orgnet.analysis.changes import CHANGES

    assert {t(f"changes.{ch}"): str(want[ch]) for ch in CHANGES} == {k: str(v) for k, v in got.items()
                                                                      if k in {t(f"changes.{ch}") for ch in CHANGES}}
    assert at.query_params["street"] == [street["id"]] or at.query_params["street"] == street["id"]
