"""``orgnet gaps`` and the gaps library: formats, filters, the Excel export."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from helpers_rules import TINY_AS_OF, expected_from_readme, load_graph, tiny_dataset
from helpers_stores import Borrowed

GRAPH = "rules_cli_tiny"


@pytest.fixture(scope="module")
def _cli_graph(engine_store):
    store = engine_store
    load_graph(store, tiny_dataset(), GRAPH)
    yield store
    try:
        store.drop_graph(GRAPH)
    except Exception:  # noqa: BLE001
        pass


@pytest.fixture
def cli_store(_cli_graph):
    """The store with the tiny dataset in GRAPH (reloaded on Neo4j if another test replaced it)."""
    holds = getattr(_cli_graph, "holds", None)
    if holds is not None and not holds(GRAPH):
        load_graph(_cli_graph, tiny_dataset(), GRAPH)
    return _cli_graph




@pytest.fixture
def run_cli(cli_store, monkeypatch, tmp_path):
    import orgnet.graph.stores as stores
    from orgnet.cli import cli

    monkeypatch.setattr(stores, "open_store", lambda settings: Borrowed(cli_store))
    monkeypatch.setenv("ORGNET_HOME", str(tmp_path / "home"))

    def run(*args):
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        return result

    return run


def test_gaps_json_all_rules(run_cli):
    r = run_cli("gaps", "--graph", GRAPH, "--as-of", TINY_AS_OF, "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    expected = expected_from_readme()
    assert len(rows) == sum(len(v) for v in expected.values())
    by_rule: dict[str, list[str]] = {}
    for row in rows:
        assert list(row) == ["rule", "id", "name", "kind", "street_id", "street", "community_id",
                             "community", "detail", "remedy"]
        by_rule.setdefault(row["rule"], []).append(row["id"])
    assert {k: sorted(v) for k, v in by_rule.items()} == expected


def test_gaps_rule_and_scope(run_cli):
    r = run_cli("gaps", "--graph", GRAPH, "--as-of", TINY_AS_OF, "--rule", "building_without_group",
                "--rule", "grid_without_branch", "--community", "C2", "--format", "json")
    assert r.exit_code == 0, r.output
    assert [(x["rule"], x["id"]) for x in json.loads(r.output)] == \
        [("building_without_group", "B4"), ("building_without_group", "B6"), ("grid_without_branch", "G6")]
    r = run_cli("gaps", "--graph", GRAPH, "--as-of", TINY_AS_OF, "--rule", "building_without_group",
                "--rule", "grid_without_branch", "--community", "C3", "--format", "json")
    assert json.loads(r.output) == []  # B5: 1 formal resident, G4: 2 (a branch needs 3)
    r = run_cli("gaps", "--graph", GRAPH, "--as-of", TINY_AS_OF, "--rule", "meeting_cadence",
                "--street", "S1", "--format", "json")
    assert [x["id"] for x in json.loads(r.output)] == ["PC2", "PS1"]


def test_gaps_as_of_changes_the_answer(run_cli):
    def lapsed(as_of):
        r = run_cli("gaps", "--graph", GRAPH, "--as-of", as_of, "--rule", "agreement_lapsed", "--format", "json")
        return [x["id"] for x in json.loads(r.output)]

    assert lapsed("2025-03-31") == []
    assert lapsed("2025-04-01") == ["A2"]


def test_gaps_table_and_csv(run_cli, tmp_path):
    r = run_cli("gaps", "--graph", GRAPH, "--as-of", TINY_AS_OF, "--rule", "unit_should_form_branch")
    assert r.exit_code == 0
    assert "U3" in r.output and "3名正式党员，未建党支部" in r.output and "total: 2 gaps" in r.output
    out = tmp_path / "gaps.csv"
    r = run_cli("gaps", "--graph", GRAPH, "--as-of", TINY_AS_OF, "--rule", "need_unmatched",
                "--format", "csv", "--out", str(out))
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [x["id"] for x in rows] == ["N7", "N2", "N4"]  # N6 (29 days), N8 (30), N9 (undated) are no gaps


def test_gaps_unknown_rule_is_a_clear_error(cli_store, monkeypatch):
    import orgnet.graph.stores as stores
    from orgnet.cli import main

    monkeypatch.setattr(stores, "open_store", lambda settings: Borrowed(cli_store))
    with pytest.raises(SystemExit) as e:
        main(["gaps", "--graph", GRAPH, "--rule", "no_such_rule"])
    assert e.value.code == 2


@pytest.mark.parametrize("command", ["gaps", "kpis", "linkage"])
def test_bad_date_is_refused_the_same_way_by_every_command(run_cli, command):
    r = run_cli(command, "--graph", GRAPH, "--as-of", "30/06/2025", "--format", "json")
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output and "--as-of" in r.output


def test_gaps_xlsx_export(run_cli, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "gaps.xlsx"
    r = run_cli("gaps", "--graph", GRAPH, "--as-of", TINY_AS_OF, "--format", "xlsx", "--out", str(out))
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "汇总"
    from orgnet.queries.gaps import RULE_ORDER

    assert len(wb.sheetnames) == 1 + len(RULE_ORDER)
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[0][:4] == ("规则编号", "规则名称", "严重程度", "问题数")
    counts = {row[0]: row[3] for row in summary[1:]}
    expected = expected_from_readme()
    assert counts == {rule: len(expected.get(rule, [])) for rule in RULE_ORDER}  # a rule without gaps: 0
    assert "应建未建党支部的单位" in wb.sheetnames and "未进社区“大党委”的代表性驻区单位" in wb.sheetnames
    import re

    from orgnet.seeds import seed_documents

    basis = {row[0]: row[5] for row in summary[1:]}  # 依据: documents by place, year and title
    assert summary[0][5] == "依据"
    assert seed_documents()["004"].full in basis["unit_should_form_branch"]
    for rule, text in basis.items():
        assert not re.match(r"\d{3}\b", text or ""), (rule, text)  # never "000, 003 共驻共建"
        assert not re.search(r"(^|[;；、]\s*)\d{3}(\s|$|[,;])", text or ""), (rule, text)
    sheet_of = {row[0]: row[4] for row in summary[1:]}
    ws = wb[sheet_of["unit_should_form_branch"]]
    header = [c.value for c in ws[1]]
    assert header == ["规则", "编号", "名称", "类型", "街道编号", "街道", "社区编号", "社区", "问题说明", "整改建议",
                      "规则编号", "类型代码"]
    assert ws.column_dimensions["I"].width >= 20  # fitted to the Chinese detail text
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref  # frozen header, filters
    codes = set(catalog_ids()) | {"grid", "building", "compound", "community", "private_enterprise", "floating"}
    for sheet in wb.sheetnames[1:]:  # no internal code outside the two code columns
        for row in wb[sheet].iter_rows(min_row=2, values_only=True):
            assert row[0] not in codes and row[3] not in codes, (sheet, row)
            assert row[10] in codes or row[10] in catalog_ids()


def catalog_ids() -> list[str]:
    from orgnet.queries.gaps import rule_ids

    return rule_ids()


def test_xlsx_is_formula_injection_safe(tmp_path):
    from openpyxl import load_workbook

    from orgnet.queries.gaps import COLUMNS, export_xlsx, safe_cell

    evil = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "正常文本", "a=b"]
    df = pd.DataFrame([{c: None for c in COLUMNS} | {"rule": "need_unmatched", "id": f"N{i}", "name": v,
                                                      "detail": v} for i, v in enumerate(evil)],
                      columns=list(COLUMNS))
    out = export_xlsx({"need_unmatched": df}, tmp_path / "evil.xlsx")
    wb = load_workbook(out)
    ws = wb["未对接的需求"]
    names = [row[2] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == ["'" + v if v[0] in "=+-@\t" else v for v in evil]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
    assert safe_cell(None) is None and safe_cell(3) == 3 and safe_cell("=1") == "'=1"


def test_rule_catalog_frame():
    from orgnet.queries.gaps import rule_catalog

    from orgnet.queries.gaps import RULE_ORDER

    cat = rule_catalog()
    assert list(cat["id"]) == list(RULE_ORDER)  # every rule, in the order of the Gaps page
    assert list(cat.columns) == ["id", "title_zh", "title_en", "description_zh", "description_en",
                                 "source", "severity", "remedy_zh", "remedy_en"]
    assert cat["title_zh"].str.len().min() > 0


def test_run_gaps_library(cli_store):
    from orgnet.queries.gaps import run_gaps

    df = run_gaps(cli_store, ["compound_without_property", "compound_without_owners_committee"],
                  as_of=TINY_AS_OF, graph=GRAPH)
    assert list(df["id"]) == ["K3", "K5", "K6", "K4", "K2", "K5", "K6", "K4"]  # by community: C2 before C3
    df = run_gaps(cli_store, ["compound_without_property"], as_of=TINY_AS_OF, community_id="C1", graph=GRAPH)
    assert df.empty and list(df.columns)[:2] == ["rule", "id"]


def test_gaps_list():
    from orgnet.cli import cli

    r = CliRunner().invoke(cli, ["gaps", "--list"])
    assert r.exit_code == 0
    lines = r.output.strip().splitlines()
    from orgnet.queries.gaps import RULE_ORDER

    assert len(lines) == len(RULE_ORDER) and lines[0].startswith("community_without_party_org")
    assert "书记空缺" in r.output and "换届逾期" in r.output
    assert "应建未建党支部的单位" in r.output


def test_xlsx_needs_out():
    from orgnet.cli import main

    with pytest.raises(SystemExit) as e:
        main(["gaps", "--format", "xlsx"])
    assert e.value.code == 2


@pytest.mark.parametrize("command", ["gaps", "kpis", "linkage"])
def test_a_graph_holding_no_load_is_refused_never_all_clear(cli_store, monkeypatch, capsys, command):
    """An empty, missing or restarted-empty graph: every reading command exits 2 saying that
    nothing is loaded and what to run, instead of printing zero gaps."""
    import orgnet.graph.stores as stores
    from orgnet.cli import main

    monkeypatch.setattr(stores, "open_store", lambda settings: Borrowed(cli_store))
    for graph in ("never_loaded_here", GRAPH):
        if graph == GRAPH:  # the same graph after its load record is gone (a database emptied)
            cli_store.write("MATCH (m:OrgnetMeta) DETACH DELETE m", graph=GRAPH)
        with pytest.raises(SystemExit) as e:
            main([command, "--graph", graph, "--format", "json"])
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert "尚未导入数据" in err and "orgnet load" in err and graph in err
    load_graph(cli_store, tiny_dataset(), GRAPH)  # the next test finds it loaded again
