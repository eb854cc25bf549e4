"""Seed figures (orgnet/seed_figures.toml): calibration notes of the synthetic presets, each with
its document (place, year, title), verbatim quote, kind (figure or requirement) and definition;
a figure said to use a KPI's definition has that KPI's description word for word.

The quotes are checked against a copy of the seed documents in tests/data/seeds (the team's
originals are ../shared/seeds; a test keeps the copy equal to them where they are at hand), so
the check runs everywhere, CI included, and never skips."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: the seed documents the quotes are checked against (a copy of ../shared/seeds)
SEEDS = ROOT / "tests" / "data" / "seeds"
#: the originals, beside the repository on a team machine
SHARED = ROOT.parent / "shared" / "seeds"


def _seed_text(doc: str) -> str:
    (path,) = sorted(SEEDS.glob(f"{doc}_*.txt"))
    return path.read_text(encoding="utf-8")


def _norm(text: str) -> str:
    """Punctuation-insensitive form (the seeds mix full- and half-width commas)."""
    return re.sub(r"[\s,，。、:：;；()（）]", "", text)


def test_the_copy_of_the_seed_documents_is_complete_and_current():
    """Every document the figures cite is in the copy; where the originals are at hand
    (../shared/seeds), the copy equals them byte for byte."""
    from orgnet.seeds import seed_figures

    for doc in {f.doc for f in seed_figures().values()}:
        assert len(sorted(SEEDS.glob(f"{doc}_*.txt"))) == 1, doc
    originals = sorted(SHARED.glob("*.txt")) if SHARED.is_dir() else []
    for original in originals:
        assert (SEEDS / original.name).read_bytes() == original.read_bytes(), original.name


def test_every_figure_complete_and_quoted():
    from orgnet.seeds import seed_figures
    figs = seed_figures()
    assert len(figs) >= 19
    for f in figs.values():
        assert f.doc and f.quote and f.definition_zh and f.definition_en
        # the quote is verbatim (up to punctuation) and contains the figure's number
        assert _norm(f.quote) in _norm(_seed_text(f.doc)), f.id
        number = f"{f.value * 100:g}" if f.unit == "rate" and f.value < 1 else f"{f.value:g}"
        if f.value != 1.0 and f.id != "members_reported":
            assert number in f.quote.replace(",", ""), (f.id, number)


def test_documents_named_by_place_year_and_title():
    """A source is named as a reader can look it up (成都市 2017《…》), never by its file number."""
    from orgnet.seeds import seed_documents, seed_figures
    docs = seed_documents()
    assert docs["000"].label == "成都市 2017"
    assert docs["003"].label == "咸阳市秦都区"  # the document gives no year
    assert docs["004"].label == "潍坊市潍城区 2018"
    for d in docs.values():
        assert d.number not in d.full
        text = _seed_text(d.number)
        assert _norm(d.title) in _norm(text), d.number
        assert d.place[:2] in text, d.number
        if d.year:
            assert str(d.year) in text, d.number
    assert {f.doc for f in seed_figures().values()} <= set(docs)


def test_the_presets_figures_are_listed():
    """What qindu (003) and weicheng (004) are calibrated to is in the table."""
    from orgnet.seeds import seed_figures
    listed = {(f.doc, f.value) for f in seed_figures().values()}
    assert {("003", 5000), ("003", 4000), ("003", 4600), ("003", 409), ("003", 1155), ("003", 45991)} <= listed
    assert {("004", 165), ("004", 291), ("004", 217), ("004", 0.61)} <= listed


def test_requirements_and_references():
    """一社区一支部 and 全覆盖 are requirements; 83.1% (Chengdu city-wide) and 全覆盖 are references only."""
    from orgnet.seeds import seed_figures
    figs = seed_figures()
    assert figs["community_party_org"].kind == "requirement"
    assert figs["compound_managers_covered"].kind == "requirement"
    assert figs["compound_managers_covered"].compare == "reference"
    assert figs["private_enterprise_org"].compare == "reference"
    assert figs["private_enterprise_org"].note_zh and "成都" in figs["private_enterprise_org"].note_zh
    for f in figs.values():
        if f.unit == "count":
            assert f.compare == "reference", f.id  # a count of another territory is never the same measure
        if f.kpi is None:
            assert f.compare == "reference", f.id


def test_kpi_beside_a_same_figure_has_its_definition():
    """A figure said to use a KPI's definition has its catalog description, word for word."""
    from orgnet.queries import catalog
    from orgnet.queries.kpis import kpi_ids
    from orgnet.seeds import seed_figures
    linked = [f for f in seed_figures().values() if f.kpi]
    assert len({f.kpi for f in linked}) == len(linked)  # one figure per KPI
    for f in linked:
        assert f.kpi in kpi_ids(), f.id
        meta = catalog.get(f"kpi_{f.kpi}").meta
        if f.compare == "same":
            assert meta["description_zh"] == f.definition_zh, f.id
            assert meta["description_en"] == f.definition_en, f.id


def test_bad_table_names_the_file():
    from orgnet.errors import ConfigError
    from orgnet.seeds import _figure, seed_documents
    docs = seed_documents()
    with pytest.raises(ConfigError, match=r"seed_figures.toml \[figures.x\].*missing"):
        _figure("x", {"doc": "000"}, docs)
    good = {"doc": "000", "quote": "q", "value": 1, "unit": "count", "kind": "figure",
            "definition_zh": "d", "definition_en": "d", "compare": "reference"}
    with pytest.raises(ConfigError, match="not a number"):
        _figure("x", {**good, "value": "many"}, docs)
    with pytest.raises(ConfigError, match="kind one of"):
        _figure("x", {**good, "kind": "target"}, docs)
    with pytest.raises(ConfigError, match=r"\[documents.009\]"):
        _figure("x", {**good, "doc": "009"}, docs)


def test_readme_lists_the_figures():
    """The README's table of the seed figures is generated from the TOML (orgnet.seeds.markdown_table)."""
    from orgnet.seeds import markdown_table
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- seed-figures:")
    body = readme[readme.index("\n", start) + 1: readme.index("<!-- /seed-figures -->")]
    assert body == markdown_table(), "regenerate the README table with orgnet.seeds.markdown_table()"
    assert "材料0" not in readme


def test_every_rule_cites_its_seed_documents_by_name():
    """The 依据 of every catalog query names its seed documents (成都市 2017《…》), never a file
    number: a number the table does not name reads as an untitled reference material."""
    import re

    from orgnet.queries import catalog
    from orgnet.seeds import UNNAMED_DOCUMENT, cite, seed_documents

    docs = seed_documents()
    for qid in catalog.names():
        source = catalog.get(qid).meta.get("source", "")
        text = cite(source)
        for number in re.findall(r"(?:^|;\s*)(\d{3})(?!\d)", source):
            assert (docs[number].full if number in docs else UNNAMED_DOCUMENT.format(number=number)) in text, qid
        leftover = re.sub(r"（\d{3}，", "", text)
        assert not re.search(r"(?:^|[；、])\d{3}(?!\d)", leftover), (qid, text)
    assert cite("000, 003 共驻共建") == f"{docs['000'].full}、{docs['003'].full}：共驻共建"
