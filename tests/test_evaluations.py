"""共驻共建责任双向评价 (the units' and the community's
mutual evaluations): the evaluations table end to end — validation that loses
nothing, the template, the graph, the window threshold, and the generated presets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from helpers_loaders import check_accounting, good_tables, write_csv

from orgnet.loaders.validate import validate_path
from orgnet.model import EVALUATION_WINDOW_MONTHS, TABLES, EvaluationGrade

CYPHER = Path(__file__).resolve().parents[1] / "orgnet" / "queries" / "cypher"


def _tables(*rows: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    tables = good_tables()
    base = {"agreement_id": "A1", "period": "2024年度", "evaluated_on": "2025-01-10", "grade": "优秀"}
    tables["evaluations"] = [{**base, **r} for r in rows]
    return tables


def _validate(tmp_path: Path, tables):
    result = validate_path(write_csv(tmp_path / "d", tables))
    check_accounting(result)
    return result


def test_both_directions_and_party_org_or_unit_accepted(tmp_path):
    # A1 is signed by P2 (community) and U1; P3 is U1's party org, so it may evaluate too
    result = _validate(tmp_path, _tables(
        {"id": "E1", "evaluator_id": "U1", "evaluatee_id": "P2", "score": "93", "comment": "组织有力"},
        {"id": "E2", "evaluator_id": "P2", "evaluatee_id": "P3", "grade": "良好"},
        {"id": "E3", "evaluator_id": "P3", "evaluatee_id": "P2", "grade": "poor", "score": "58"}))
    assert result.report.errors == []
    rows = result.dataset.rows("evaluations")
    assert [(r["id"], r["grade"], r["score"]) for r in rows] == [
        ("E1", "excellent", 93), ("E2", "good", None), ("E3", "poor", 58)]


def test_bad_rows_rejected_with_file_row_column_reason(tmp_path):
    result = _validate(tmp_path, _tables(
        {"id": "E1", "evaluator_id": "U1", "evaluatee_id": "P2"},  # fine
        {"id": "E2", "evaluator_id": "U4", "evaluatee_id": "P2"},  # U4 did not sign A1
        {"id": "E3", "evaluator_id": "P2", "evaluatee_id": "P2"},  # evaluates itself
        {"id": "E4", "evaluator_id": "U1", "evaluatee_id": "P2", "grade": "满分"},  # no such grade
        {"id": "E5", "evaluator_id": "U1", "evaluatee_id": "P2", "score": "150"},  # out of range
        {"id": "E6", "evaluator_id": "U1", "evaluatee_id": "P2", "evaluated_on": ""},  # no date
        {"id": "E7", "evaluator_id": "U1", "evaluatee_id": "P2", "agreement_id": "A9"}))  # no agreement
    assert [r["id"] for r in result.dataset.rows("evaluations")] == ["E1"]
    errors = {e.row: e for e in result.report.errors}
    assert set(errors) == {3, 4, 5, 6, 7, 8}  # spreadsheet rows (header = row 1)
    assert all(e.table == "evaluations" for e in errors.values())
    assert (errors[3].column, errors[3].value) == ("evaluator_id", "U4")
    assert "不是协议 A1 的签约方" in errors[3].reason and "agreement_parties" in errors[3].reason
    assert (errors[4].column, errors[4].value) == ("evaluatee_id", "P2")
    assert "the same" in errors[4].reason
    assert errors[5].column == "grade" and "优秀" in errors[5].reason
    assert errors[6].column == "score"
    assert errors[7].column == "evaluated_on"
    assert (errors[8].column, errors[8].value) == ("agreement_id", "A9")


def test_rejected_agreement_cascades_to_its_evaluations(tmp_path):
    tables = _tables({"id": "E1", "evaluator_id": "U1", "evaluatee_id": "P2"})
    tables["agreements"][0]["status"] = "draft"
    result = _validate(tmp_path, tables)
    assert result.dataset.rows("evaluations") == []
    (e,) = [e for e in result.report.errors if e.table == "evaluations"]
    assert e.column == "agreement_id" and "A1" in e.reason


def test_chinese_headers_and_grades(tmp_path):
    result = validate_path(write_csv(tmp_path / "zh", _tables(
        {"id": "E1", "evaluator_id": "U1", "evaluatee_id": "P2", "grade": "一般"}), zh=True, zh_names=True))
    assert result.report.errors == []
    assert result.dataset.rows("evaluations")[0]["grade"] == EvaluationGrade.fair.value
    assert TABLES["evaluations"].zh == "共建双向评价"


def test_template_has_the_table(tmp_path):
    import openpyxl
    from orgnet.loaders.template import write_template
    path = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert "共建双向评价" in wb.sheetnames
    header = [c.value for c in wb["共建双向评价"][1]]
    assert header[:4] == ["编号", "协议编号", "评价方", "被评价方"]
    assert validate_path(path).report.errors == []


def test_window_is_the_one_threshold():
    """The rule and the KPI spell the window as 'the same day a year before as_of' (rules take only
    as_of, street_id, community_id): that is EVALUATION_WINDOW_MONTHS, which the oracles use."""
    assert EVALUATION_WINDOW_MONTHS == 12
    year_before = "toString(toInteger(substring($as_of, 0, 4)) - 1) + substring($as_of, 4) AS window_start"
    for name in ("agreement_without_evaluation", "kpi_agreement_evaluated"):
        text = (CYPHER / f"{name}.cypher").read_text(encoding="utf-8")
        assert year_before in text, name
        assert re.search(r"12 months before as_of", text), name


def test_graph_has_an_evaluation_node_per_row(tiny_dataset):
    from orgnet.graph.nx import to_networkx
    g = to_networkx(tiny_dataset)
    evaluations = [n for n, d in g.nodes(data=True) if "Evaluation" in d["labels"]]
    assert len(evaluations) == len(tiny_dataset.rows("evaluations")) == 5
    e1 = {d["type"]: v for _, v, d in g.out_edges("E1", data=True)}
    assert e1 == {"ASSESSES": "PC1", "UNDER": "A1"}
    assert [u for u, _, d in g.in_edges("E1", data=True) if d["type"] == "EVALUATED"] == ["PU1"]
    assert g.nodes["E1"]["grade"] == "excellent" and g.nodes["E1"]["score"] == 95


@pytest.fixture(scope="module")
def weicheng():
    """The weicheng preset (seed 0) of the session (tests/helpers_data.py): its folder, summary,
    validation result and networkx graph."""
    from helpers_data import generated
    from orgnet.graph.nx import to_networkx
    made = generated("weicheng", 0)
    return made.summary.path, made.summary, made.result, to_networkx(made.result.dataset)


def test_generated_evaluations_plausible(weicheng):
    """Most current agreements were evaluated in the last round, some not; both directions;
    grades mostly 良好/优秀 with a score in the grade's band where the street keeps scores."""
    import oracle
    import oracle_linkage as O
    out, summary, result, g = weicheng
    assert result.report.errors == []
    rows = result.dataset.rows("evaluations")
    assert len(rows) == summary.counts["evaluations"] > 100
    as_of = result.dataset.as_of
    kpi = O.kpi_rows(g, as_of)["agreement_evaluated"]
    num, den = sum(r["numerator"] for r in kpi), sum(r["denominator"] for r in kpi)
    assert 0.6 <= num / den <= 0.9, (num, den)
    assert den - num == len(oracle.run_rule(g, "agreement_without_evaluation", as_of)) > 0
    sides = {(g.nodes[r["evaluator_id"]].get("kind") == "community_committee") for r in rows}
    assert sides == {True, False}  # the community grades the unit and the unit the community
    grades = {gr: sum(r["grade"] == gr for r in rows) / len(rows) for gr in ("excellent", "good", "fair", "poor")}
    assert grades["good"] + grades["excellent"] > 0.7 and 0 < grades["poor"] < 0.1
    bands = {"excellent": (90, 100), "good": (80, 89), "fair": (60, 79), "poor": (0, 59)}
    scored = [r for r in rows if r["score"] is not None]
    assert 0 < len(scored) < len(rows)
    assert all(bands[r["grade"]][0] <= r["score"] <= bands[r["grade"]][1] for r in scored)
    assert all(r["evaluated_on"] <= as_of and r["period"].endswith("年度") for r in rows)


def test_generated_evaluations_deterministic(weicheng, tmp_path):
    from orgnet.synthetic import generate
    out, *_ = weicheng
    generate("weicheng", tmp_path, seed=0)
    for table in ("evaluations", "agreements", "members", "meetings"):
        assert (tmp_path / f"{table}.csv").read_bytes() == (out / f"{table}.csv").read_bytes(), table


def test_evaluation_lines_escape_the_data():
    """Period and comment come from the users' spreadsheets: shown literally, never as Markdown."""
    from orgnet.pages.linkage import evaluation_lines
    from orgnet.textsafe import escape_markdown
    hostile = "**满分** <img src=x onerror=alert(1)> [点我](http://evil.example)"
    rows = [{"side": "community", "evaluation_id": "E2", "agreement_id": "A1", "agreement": "协议",
             "period": "2024年度_*", "evaluated_on": "2025-01-20", "grade": "good", "score": 86,
             "comment": hostile},
            {"side": "community", "evaluation_id": "E1", "agreement_id": "A1", "agreement": "协议",
             "period": "2023年度", "evaluated_on": "2024-01-20", "grade": "poor", "score": None,
             "comment": None}]
    unit_line, community_line = evaluation_lines(rows, "zh")
    assert unit_line == "- **单位评社区**：未评价"
    assert escape_markdown(hostile) in community_line and hostile not in community_line
    assert "良好（86分）" in community_line and escape_markdown("2024年度_*") in community_line
    assert "2023年度" not in community_line  # only the latest each way
    (en_unit, en_comm) = evaluation_lines(rows[1:], "en")
    assert "Poor" in en_comm and "points" not in en_comm and "not evaluated" in en_unit
