"""考核 (the yearly assessment): the 细则 file, its validation, scores and ranks against an independent
oracle on both engines, a changed file changing the scores exactly as written, the CLI."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

import pytest

import oracle_assessment as OA
from helpers_assess import two_quarters  # noqa: F401 (fixture)
from helpers_stores import lend_store

AS_OF = "2025-06-30"
ITEMS = tomllib.loads(resources.files("orgnet").joinpath("assessment.toml").read_text(encoding="utf-8"))["item"]


def _rates():
    from orgnet.queries.kpis import kpi_ids, kpi_meta
    return {k: kpi_meta(k)["measure"] == "rate" for k in kpi_ids()}


def _got(report):
    return {r["id"]: {"values": {ln["item"]: ln["value"] for ln in r["lines"]},
                      "points": {ln["item"]: ln["points"] for ln in r["lines"]},
                      "total": r["total"], "rank": r["rank"]} for r in report["results"]}


def _close(got, want):
    assert set(got) == set(want)
    for e in want:
        assert got[e]["rank"] == want[e]["rank"], e
        assert got[e]["total"] == pytest.approx(want[e]["total"], abs=0.011), e
        for k, v in want[e]["values"].items():
            assert got[e]["values"][k] == (pytest.approx(v, abs=1e-4) if v is not None else None), (e, k)
        for k, v in want[e]["points"].items():
            assert got[e]["points"][k] == pytest.approx(v, abs=0.006), (e, k)


@pytest.mark.parametrize("level", ["street", "community"])
def test_weicheng_scores_equal_oracle(loaded, level):
    """Every street's and community's values, points, totals and ranks of the packaged 细则
    equal the oracle's on weicheng (no follow-up records in this graph's series)."""
    from orgnet.assessment import assess

    graph, g = loaded("weicheng-0")
    report = assess(loaded.store, level, graph=graph, as_of=AS_OF, compare=False)
    records = [r for r in _ledger(loaded.store) if r.get("series") == report["series"]]
    want = OA.assess(g, AS_OF, level, ITEMS, _rates(), records)
    _close(_got(report), want)
    assert len(report["results"]) == (4 if level == "street" else 46)
    totals = [r["total"] for r in report["results"]]
    assert totals == sorted(totals, reverse=True)
    assert len({r["total"] for r in report["results"]}) > 3  # the sheet tells them apart


def _ledger(store):
    from orgnet.ledger.service import list_records
    return [r.data for r in list_records(store)]


def test_changed_sheet_changes_scores_as_written(loaded, tmp_path):
    """A district's file with other points, targets and a new deduction changes every score exactly
    as the oracle computes from that file."""
    from orgnet.analysis.assessment import load_sheet
    from orgnet.assessment import assess

    graph, g = loaded("weicheng-0")
    items = [
        {"id": "reporting", "title": "报到率", "source": "kpi:in_service_reporting", "levels": ["street", "community"],
         "scoring": "linear", "floor": 0.1, "target": 0.5, "points": 40},
        {"id": "lapsed", "title": "协议过期", "source": "rule:agreement_lapsed", "levels": ["street", "community"],
         "scoring": "deduct", "per": 5, "cap": 15, "points": 20},
        {"id": "ties", "title": "强联建", "source": "linkage:strong", "levels": ["community"],
         "scoring": "per_item", "per": 10, "points": 40},
        {"id": "mean", "title": "平均联建", "source": "linkage:mean_score", "levels": ["street"],
         "scoring": "linear", "floor": 5, "target": 20, "points": 40},
    ]
    lines = ["[sheet]", 'title = "测试细则"', "total = 100"]
    for it in items:
        lines.append("[[item]]")
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in it.items()]
    (tmp_path / "assessment.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sheet = load_sheet(home=tmp_path)
    assert sheet.title == "测试细则" and [i.id for i in sheet.items] == ["reporting", "lapsed", "ties", "mean"]
    for level in ("street", "community"):
        report = assess(loaded.store, level, graph=graph, as_of=AS_OF, sheet=sheet, compare=False)
        _close(_got(report), OA.assess(g, AS_OF, level, items, _rates()))
        assert [ln["item"] for ln in report["results"][0]["lines"]] == \
            [i["id"] for i in items if level in i["levels"]]


def test_scoring_rules_at_their_boundaries():
    from orgnet.analysis.assessment import Item, score_item

    lin = Item("a", "率", "kpi", "x", ("street",), "linear", 10, floor=0.5, target=0.9, rate=True)
    assert score_item(lin, 0.5)[0] == 0 and score_item(lin, 0.9)[0] == 10 and score_item(lin, 0.7)[0] == 5
    assert score_item(lin, 0.2)[0] == 0 and score_item(lin, 1.0)[0] == 10
    assert score_item(lin, None) == (10, "无统计对象，按满分10分计")
    per = Item("b", "个", "linkage", "tied_units", ("community",), "per_item", 10, per=3)
    assert [score_item(per, n)[0] for n in (0, 1, 3, 4, 9)] == [0, 3, 9, 10, 10]
    ded = Item("c", "扣", "rule", "x", ("street",), "deduct", 10, per=2, cap=6)
    assert [score_item(ded, n)[0] for n in (0, 1, 3, 4)] == [10, 8, 4, 4]
    assert "扣6分（封顶6分）" in score_item(ded, 4)[1]


def test_ranks_share_equal_totals_and_rank_change():
    from orgnet.analysis.assessment import rank, with_rank_change

    got = rank([{"id": "b", "total": 80}, {"id": "a", "total": 90}, {"id": "c", "total": 80}, {"id": "d", "total": 70}])
    assert [(r["id"], r["rank"]) for r in got] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]
    with_rank_change(got, [{"id": "a", "rank": 2}, {"id": "d", "rank": 1}, {"id": "b", "rank": 2}])
    assert [(r["id"], r["rank_change"]) for r in got] == [("a", 1), ("b", 0), ("c", None), ("d", -3)]


BASE = '[sheet]\ntotal = 100\n\n[[item]]\nid = "a"\ntitle = "A"\nsource = "kpi:grid_org_coverage"\n' \
       'levels = ["street"]\nscoring = "linear"\nfloor = 0.5\ntarget = 1.0\npoints = 100\n'


@pytest.mark.parametrize("edit, fragment", [
    (lambda s: s.replace("floor = 0.5", "floor = 0.5\nweight = 2"), "第11行 [[item]] a weight：未知的键"),
    (lambda s: s.replace("kpi:grid_org_coverage", "kpi:nope"), "第7行 [[item]] a source：没有指标 nope"),
    (lambda s: s.replace("kpi:grid_org_coverage", "gaps:x"), "第7行 [[item]] a source：来源应为"),
    (lambda s: s.replace("target = 1.0", "target = 0.4"), "第11行 [[item]] a target：目标值"),
    (lambda s: s.replace("points = 100", "points = 90"), "街道级各项分值合计90分，应为100分"),
    (lambda s: s.replace('levels = ["street"]', 'levels = ["city"]'), "第8行 [[item]] a levels"),
    (lambda s: s.replace('scoring = "linear"', 'scoring = "steps"'), "第9行 [[item]] a scoring"),
    (lambda s: s + s[s.index("[[item]]"):].replace("points = 100", "points = 0"), "第14行 [[item]] a id：考核项编号重复"),
    (lambda s: s.replace("floor = 0.5\n", ""), "第4行 [[item]] a：计分方式 linear 需要 floor"),
    (lambda s: s.replace("points = 100", "points = -1"), "第12行 [[item]] a points：points = -1 应为非负数"),
    (lambda s: s.replace("[sheet]", "[sheet"), "不是有效的 TOML"),
])
def test_sheet_errors_name_line_and_key(tmp_path, edit, fragment):
    from orgnet.analysis.assessment import load_sheet
    from orgnet.errors import ConfigError

    path = tmp_path / "assessment.toml"
    path.write_text(edit(BASE), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_sheet(home=tmp_path)
    assert fragment in str(e.value) and str(path) in str(e.value)


def test_packaged_sheet_adds_up_per_level():
    from orgnet.analysis.assessment import load_sheet

    sheet = load_sheet()
    for level in ("street", "community"):
        assert sum(i.points for i in sheet.for_level(level)) == sheet.total == 100
    assert {i.kind for i in sheet.items} == {"kpi", "rule", "linkage", "followup"}
    assert {i.scoring for i in sheet.items} == {"linear", "per_item", "deduct"}


@pytest.mark.parametrize("level", ["street", "community"])
def test_follow_up_items_and_rank_change_equal_oracle(two_quarters, level):
    from orgnet.ledger.service import list_records
    from orgnet.assessment import assess

    store, qs, names = two_quarters
    report = assess(store, level, graph=names[1])
    assert report["previous"] == names[0] and report["as_of"] == qs[1].as_of
    records = [r.data for r in list_records(store, series="考核测试系列")]
    assert any(r["status"] == "closed" for r in records) and any(r["deadline"] < qs[1].as_of for r in records)
    now = OA.assess(qs[1].graph, qs[1].as_of, level, ITEMS, _rates(), records)
    before = OA.assess(qs[0].graph, qs[0].as_of, level, ITEMS, _rates(), records)
    _close(_got(report), now)
    assert {r["id"]: r["rank_change"] for r in report["results"]} == \
        {e: before[e]["rank"] - now[e]["rank"] for e in now}
    closure = {r["id"]: next(ln["value"] for ln in r["lines"] if ln["item"] == "followup_closure")
               for r in report["results"]}
    assert any(v is not None and 0 < v < 1 for v in closure.values()) or level == "street"


def test_cli_assess_formats(two_quarters, tmp_path, monkeypatch):
    """orgnet assess: a table, JSON equal to the library's, an xlsx 考核表 with merged headers."""
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from orgnet.cli import cli
    from orgnet.assessment import assess

    store, qs, names = two_quarters

    lend_store(monkeypatch, store)
    run = CliRunner().invoke
    res = run(cli, ["--home", str(tmp_path), "assess", "--graph", names[1], "--level", "street"])
    assert res.exit_code == 0, res.output
    assert "previous: assess_q1" in res.output and "(4 rows)" in res.output
    res = run(cli, ["--home", str(tmp_path), "assess", "--graph", names[1], "--level", "street", "--format", "json"])
    got = json.loads(res.output)
    want = assess(store, "street", graph=names[1])
    assert [(r["id"], r["total"], r["rank"], r["rank_change"]) for r in got["results"]] == \
        [(r["id"], r["total"], r["rank"], r["rank_change"]) for r in want["results"]]
    out = tmp_path / "考核表.xlsx"
    res = run(cli, ["--home", str(tmp_path), "assess", "--graph", names[1], "--level", "community",
                    "--format", "xlsx", "--out", str(out)])
    assert res.exit_code == 0, res.output
    ws = load_workbook(out)["考核表"]
    assert ws["A1"].value == "城市基层党建工作考核细则（社区）" and ws["A2"].value == "填报单位：考核测试系列"
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "A3:A4" in merged and "E3:F3" in merged  # 排名 over two rows; an item over 完成值/得分
    assert ws["E4"].value == "完成值" and ws["F4"].value == "得分"
    comm = assess(store, "community", graph=names[1])
    assert ws.cell(5, 3).value == comm["results"][0]["name"] and ws.cell(5, ws.max_column).value == comm["results"][0]["total"]
    assert ws.max_row == 4 + len(comm["results"]) + 2  # the rows, a blank line, the note
