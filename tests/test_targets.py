"""The district's own targets (orgnet/targets.py, ORGNET_HOME/targets.toml, instead of other
cities' figures): parsing
with Chinese errors naming file, line and key; a street's own target over the district's; the
gap to it in the KPI table and in `orgnet kpis` on a REAL embedded FalkorDB."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from orgnet.errors import ConfigError
from orgnet.targets import Targets, load_targets, parse_targets, with_targets
from helpers_stores import lend_store

MEASURES = {"in_service_reporting": "rate", "members_reported": "count", "building_org_coverage": "rate"}


def test_packaged_file_sets_none(tmp_path):
    t = load_targets(tmp_path)  # no targets.toml in this home
    assert not t and t.district == {} and t.streets == {}
    assert t.sources == ("orgnet/targets.toml",)


def test_percentages_counts_and_street_override(tmp_path):
    (tmp_path / "targets.toml").write_text(
        '[district]\nin_service_reporting = 90\nbuilding_org_coverage = "82.5%"\nmembers_reported = 6000\n'
        '\n[streets.S01]\nin_service_reporting = "95 %"\n\n[streets."S.02"]\nmembers_reported = 700\n',
        encoding="utf-8")
    t = load_targets(tmp_path)
    assert t and t.sources[-1] == str(tmp_path / "targets.toml")
    assert t.target("in_service_reporting") == pytest.approx(0.9)
    assert t.target("building_org_coverage") == pytest.approx(0.825)
    assert t.target("members_reported") == 6000
    assert t.target("in_service_reporting", "S01") == pytest.approx(0.95)  # the street's own
    assert t.target("in_service_reporting", "S03") == pytest.approx(0.9)  # else the district's
    assert t.target("members_reported", "S.02") == 700
    assert t.target("grid_org_coverage") is None
    assert t.unknown_streets({"S01", "S03"}) == ["S.02"]
    # an explicit file wins over the home's
    other = tmp_path / "other.toml"
    other.write_text("[district]\nin_service_reporting = 80\n", encoding="utf-8")
    assert load_targets(tmp_path, other).target("in_service_reporting") == pytest.approx(0.8)
    with pytest.raises(ConfigError, match="不存在"):
        load_targets(tmp_path, tmp_path / "missing.toml")


@pytest.mark.parametrize("text, message", [
    ("[district]\n\nnot_a_kpi = 90\n", r"targets.toml 第 3 行 \[district\] not_a_kpi：未知的指标编号 “not_a_kpi”"),
    ("[district]\nin_service_reporting = \"很高\"\n", r"第 2 行 \[district\] in_service_reporting：'很高' 不是百分数"),
    ("[district]\nin_service_reporting = 120\n", r"第 2 行 .*120 不是百分数（应为 0 到 100"),
    ("[district]\nin_service_reporting = true\n", "不是百分数"),
    ("[district]\nin_service_reporting = 0.9\n", r"0.9 读作 0.9%，请写成百分数"),
    ("[district]\nmembers_reported = 12.5\n", r"members_reported：12.5 不是人数或个数"),
    ("[district]\nmembers_reported = -1\n", "不是人数或个数"),
    ("[streets.S01]\n# note\nbuilding_org_coverage = \"九十\"\n", r"第 3 行 \[streets.S01\] building_org_coverage"),
    ("[streets]\nS01 = 90\n", r"\[streets.S01\]：应为一个表"),
    ("[targets]\nx = 1\n", r"第 1 行 \[targets\]：未知的表 \[targets\]"),
    ("[district\n", "不是有效的 TOML"),
])
def test_mistakes_name_file_line_and_key(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_targets(text, "/home/u/.orgnet/targets.toml", MEASURES)


def test_gap_is_rate_minus_target_or_numerator_minus_target():
    kpis = pd.DataFrame([
        {"kpi": "in_service_reporting", "scope": "overall", "street_id": None, "numerator": 80, "denominator": 100,
         "rate": 0.8},
        {"kpi": "in_service_reporting", "scope": "street", "street_id": "S01", "numerator": 9, "denominator": 10,
         "rate": 0.9},
        {"kpi": "in_service_reporting", "scope": "street", "street_id": "S02", "numerator": 0, "denominator": 0,
         "rate": None},
        {"kpi": "in_service_reporting", "scope": "community", "street_id": "S01", "numerator": 1, "denominator": 2,
         "rate": 0.5},
        {"kpi": "members_reported", "scope": "overall", "street_id": None, "numerator": 5236, "denominator": 85000,
         "rate": 0.0616},
        {"kpi": "building_org_coverage", "scope": "overall", "street_id": None, "numerator": 1, "denominator": 2,
         "rate": 0.5},
    ])
    t = Targets(district={"in_service_reporting": 0.85, "members_reported": 6000.0},
                streets={"S01": {"in_service_reporting": 0.95}})
    out = with_targets(kpis, t, MEASURES)
    assert out["target"].tolist() == [0.85, 0.95, 0.85, 0.85, 6000.0, None]
    assert out["gap"].tolist() == [pytest.approx(-0.05), pytest.approx(-0.05), None, pytest.approx(-0.35),
                                   -764.0, None]
    # one street's table (`orgnet kpis --street S01`, a street account's Overview): its overall is the street's
    one = with_targets(kpis, t, MEASURES, overall_street="S01")
    assert one["target"].tolist()[0] == 0.95 and one["gap"].tolist()[0] == pytest.approx(-0.15)
    assert one["target"].tolist()[4] == 6000.0  # no street target: the district's


def test_cli_kpis_shows_target_and_gap(falkordb_loaded_store, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from orgnet.cli import cli
    from orgnet.queries.kpis import kpi_table
    store, graph = falkordb_loaded_store("demo")

    lend_store(monkeypatch, store)
    monkeypatch.setenv("ORGNET_HOME", str(tmp_path))
    streets = kpi_table(store, graph=graph, as_of="2026-06-30", scopes=("street",), kpis=["in_service_reporting"])
    first = streets.iloc[0]["street_id"]
    (tmp_path / "targets.toml").write_text(
        f'[district]\nin_service_reporting = 90\nmembers_reported = 100\n\n[streets."{first}"]\n'
        f'in_service_reporting = 50\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["kpis", "--graph", graph, "--as-of", "2026-06-30", "--scope", "overall",
                                   "--scope", "street", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {(r["kpi"], r["scope"], r["street_id"]): r for r in json.loads(res.output)}
    overall = rows[("in_service_reporting", "overall", None)]
    assert overall["target"] == pytest.approx(0.9)
    assert overall["gap"] == pytest.approx(overall["rate"] - 0.9, abs=1e-6)
    own = rows[("in_service_reporting", "street", first)]
    assert own["target"] == pytest.approx(0.5) and own["gap"] == pytest.approx(own["rate"] - 0.5, abs=1e-6)
    counted = rows[("members_reported", "overall", None)]
    assert counted["target"] == 100 and counted["gap"] == counted["numerator"] - 100
    assert rows[("grid_org_coverage", "overall", None)]["target"] is None
    assert rows[("grid_org_coverage", "overall", None)]["gap"] is None
    assert not any(k.startswith("seed_") for k in overall)  # another city's figure is no KPI column
    # one street: its overall row is measured against the street's own target
    res = CliRunner().invoke(cli, ["kpis", "--graph", graph, "--as-of", "2026-06-30", "--street", first,
                                   "--scope", "overall", "--format", "json"])
    assert res.exit_code == 0, res.output
    mine = next(r for r in json.loads(res.output) if r["kpi"] == "in_service_reporting")
    assert mine["target"] == pytest.approx(0.5) and mine["gap"] == pytest.approx(own["rate"] - 0.5, abs=1e-6)
    # a wrong file stops the command with the line and key to fix
    (tmp_path / "targets.toml").write_text("[district]\nin_service_reporting = 900\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["kpis", "--graph", graph])
    assert isinstance(res.exception, ConfigError)  # `orgnet` prints it and exits 2 (cli.main)
    assert "第 2 行 [district] in_service_reporting：900 不是百分数" in str(res.exception)
