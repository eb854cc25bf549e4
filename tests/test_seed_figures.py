"""Seed figures (orgnet/seed_figures.toml): one table of figures with source, quote and
definition; a KPI shown beside a figure is computed with that figure's definition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SEEDS = Path("/work/shared/seeds")


def _seed_text(doc: str) -> str:
    files = sorted(SEEDS.glob(f"{doc}_*.txt"))
    if not files:
        pytest.skip(f"seed document {doc} not available at {SEEDS}")
    return files[0].read_text(encoding="utf-8")


def _norm(text: str) -> str:
    """Punctuation-insensitive form (the seeds mix full- and half-width commas)."""
    return re.sub(r"[\s,，。、:：;；()（）]", "", text)


def test_every_figure_complete_and_quoted():
    from orgnet.seeds import seed_figures
    figs = seed_figures()
    assert len(figs) >= 8
    for f in figs.values():
        assert f.doc and f.quote and f.definition_zh and f.definition_en
        # the quote is verbatim (up to punctuation) and contains the figure's number
        assert _norm(f.quote) in _norm(_seed_text(f.doc)), f.id
        number = f"{f.value * 100:g}" if f.unit == "rate" and f.value < 1 else f"{f.value:g}"
        if f.value != 1.0 and f.id != "members_reported":
            assert number in f.quote.replace(",", ""), (f.id, number)


def test_kpi_beside_a_figure_has_its_definition():
    """The KPI's catalog description is the figure's definition, word for word."""
    from orgnet.queries import catalog
    from orgnet.queries.kpis import kpi_ids
    from orgnet.seeds import seed_figures
    shown = [f for f in seed_figures().values() if f.kpi]
    assert {f.kpi for f in shown} >= {"private_enterprise_org_coverage", "compound_property",
                                       "compound_manager_coverage", "members_reported"}
    for f in shown:
        assert f.kpi in kpi_ids(), f.id
        meta = catalog.get(f"kpi_{f.kpi}").meta
        assert meta["description_zh"] == f.definition_zh, f.id
        assert meta["description_en"] == f.definition_en, f.id
        assert f.doc in meta["source"], f.id
    # one figure per KPI
    assert len({f.kpi for f in shown}) == len(shown)


def test_only_same_definitions_compare():
    from orgnet.seeds import seed_figures
    for f in seed_figures().values():
        if f.comparable:
            assert f.compare == "same" and f.unit == "rate" and f.kpi
        if f.unit == "count":
            assert not f.comparable, f.id  # a count of another territory is never a difference
        if f.kpi is None:
            assert f.compare == "reference", f.id
    assert not seed_figures()["members_reported"].comparable
    assert seed_figures()["private_enterprise_org"].comparable


def test_bad_table_names_the_file(monkeypatch):
    from orgnet.errors import ConfigError
    from orgnet.seeds import _figure
    with pytest.raises(ConfigError, match=r"seed_figures.toml \[x\].*missing"):
        _figure("x", {"doc": "000"})
    with pytest.raises(ConfigError, match="not a number"):
        _figure("x", {"doc": "000", "quote": "q", "value": "many", "unit": "count",
                      "definition_zh": "d", "definition_en": "d", "compare": "reference"})
