"""One home per vocabulary: what is spelled once in the code stays spelled once.

- the linkage bands come from ``orgnet.analysis.linkage`` (thresholds in ``linkage.toml``):
  the map styles, the tie picture and the UI texts cover exactly those bands;
- the default graph name is ``settings.DEFAULT_GRAPH`` wherever a store or a file name falls
  back on one;
- no module in ``orgnet/`` outgrows a reader (800 lines), except the map module being split.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from orgnet.analysis import linkage as lk
from orgnet.graph.stores.base import Store, graph_name_for
from orgnet.i18n import t
from orgnet.settings import DEFAULT_GRAPH
from orgnet.viz import style

ORGNET = Path(__file__).resolve().parent.parent / "orgnet"
MAX_LINES = 800


def test_every_band_has_one_edge_style_and_a_name_in_both_languages():
    assert set(style.EDGE_STYLES) == set(lk.BANDS)
    assert all(style.EDGE_STYLES[b].key == b for b in lk.BANDS)
    for lang in ("zh", "en"):
        assert all(t(f"band.{b}", lang) for b in lk.BANDS)


def test_a_score_falls_in_the_band_the_packaged_thresholds_give():
    cfg = lk.packaged_config()
    assert style.band_for_score(cfg.strong) == "strong"
    assert style.band_for_score(cfg.strong - 0.01) == "medium"
    assert style.band_for_score(cfg.medium) == "medium"
    assert style.band_for_score(cfg.medium - 0.01) == "weak"
    assert style.band_for_score(None) == "none"
    mid = lk.band_midpoints(cfg)
    assert [style.band_for_score(mid[b]) for b in lk.TIE_BANDS] == list(lk.TIE_BANDS)


@pytest.mark.parametrize("fn", [Store.__init__, graph_name_for])
def test_the_default_graph_name_is_the_settings_constant(fn):
    defaults = [p.default for p in inspect.signature(fn).parameters.values() if p.default is not p.empty]
    assert DEFAULT_GRAPH in defaults
    assert graph_name_for("___.csv") == DEFAULT_GRAPH


def test_the_falkordb_store_defaults_to_the_settings_graph():
    from orgnet.graph.stores.falkordb import FalkorDBStore

    assert inspect.signature(FalkorDBStore.__init__).parameters["default_graph"].default == DEFAULT_GRAPH


def test_no_module_outgrows_a_reader():
    long = {str(p.relative_to(ORGNET)): n for p in ORGNET.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_the_readme_layout_names_every_package():
    readme = (ORGNET.parent / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("```")[1]
    packages = sorted(p.parent.name for p in ORGNET.glob("*/__init__.py"))
    assert packages, "no packages found under orgnet/"
    missing = [name for name in packages if f"orgnet/{name}/" not in layout]
    assert not missing, f"README's layout section does not list: {missing}"
