"""述职评议 packs (the secretaries' yearly reports): the .docx opened with python-docx — headings, the
KPI table, the image, the counts — against the snapshot and an oracle; a street account gets its own
street only."""

from __future__ import annotations

import re

import pytest

import oracle as R
from helpers_assess import two_quarters  # noqa: F401 (fixture)
from helpers_stores import lend_store

HEADINGS = ["一、主要指标完成情况", "二、考核得分", "三、问题整改情况", "四、逾期督办事项", "五、共建单位评价",
            "六、联建关系图", "七、联建最弱的五个关系"]


@pytest.fixture(scope="module")
def street_packs(two_quarters, tmp_path_factory):
    from orgnet.pack import write_packs
    from orgnet.pack_facts import pack_data

    store, qs, names = two_quarters
    street = sorted(R.nodes(_g(qs[1]), "Street"))[0]
    out = tmp_path_factory.mktemp("packs")
    paths = write_packs(store, names[1], "community", out, street_id=street)
    facts = {f["entity"]["id"]: f for f in pack_data(store, names[1], "community", street_id=street)}
    return store, qs, names, street, paths, facts


def _g(q):
    return q.graph  # made once per quarter (tests/helpers_series.py)


def _secretary(g, community, as_of):
    orgs = sorted(o for o, _ in R.inn(g, community, "COVERS") if g.nodes[o].get("kind") == "community_committee")
    if not orgs:
        return None
    holders = R.active_holders(g, orgs[0], "secretary", as_of)
    return g.nodes[holders[0]]["name"] if holders else None


def test_one_pack_per_community_with_every_part(street_packs):
    from docx import Document
    from docx.oxml.ns import qn

    from orgnet.queries.gaps import gap_records
    from orgnet.queries.kpis import kpi_table

    store, qs, names, street, paths, facts = street_packs
    g, as_of = _g(qs[1]), qs[1].as_of
    communities = sorted(c for c, _ in R.inn(g, street, "PART_OF") if R.has_label(g, c, "Community"))
    assert len(paths) == len(communities) == len(facts)
    for path in paths:
        doc = Document(str(path))
        cid = next(c for c, f in facts.items() if path.name.startswith(f["entity"]["name"] + "_"))
        text = [p.text for p in doc.paragraphs]
        assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == HEADINGS
        assert f"书    记：{_secretary(g, cid, as_of) or '（空缺）'}" in text
        assert f"述职期间：{qs[0].as_of} 至 {as_of}" in text
        # the KPI table: one row per KPI, this period's rate equal to orgnet kpis for the community
        kpis = kpi_table(store, as_of=as_of, graph=names[1], community_id=cid, scopes=("community",))
        table = doc.tables[0]
        assert len(table.rows) == 1 + len(kpis)
        for row, k in zip(table.rows[1:], kpis.to_dict("records")):
            assert row.cells[0].text == k["title_zh"]
            assert row.cells[2].text == f"{k['numerator']}/{k['denominator']}"
            assert row.cells[1].text == ("—" if k["rate"] is None else f"{k['rate'] * 100:.1f}%")
        # open gaps: the sentence and the table equal the rules' rows for the community
        gaps = gap_records(store, as_of=as_of, graph=names[1], community_id=cid)
        assert any(t.startswith(f"目前尚有问题{len(gaps)}个") for t in text)
        gap_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "问题类型" and t.rows[0].cells[1].text == "已整改")
        assert sum(int(r.cells[2].text) for r in gap_table.rows[1:]) == len(gaps)
        # the map image, the Chinese font named on the body style
        assert len(doc.inline_shapes) == 1
        assert doc.styles["Normal"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
        # the five weakest ties, weakest first
        weakest = doc.tables[-1]
        if weakest.rows[0].cells[0].text == "序号":
            scores = [float(r.cells[2].text) for r in weakest.rows[1:]]
            assert scores == sorted(scores) and len(scores) == min(5, len(facts[cid]["ties"]))


def test_pack_counts_equal_oracle(street_packs):
    """Overdue items, evaluations received, gaps closed since the previous quarter."""
    from orgnet.ledger.service import list_records

    store, qs, names, street, paths, facts = street_packs
    g0, g1, as_of = _g(qs[0]), _g(qs[1]), qs[1].as_of
    records = [r.data for r in list_records(store, series="考核测试系列")]
    old = {(r["rule"], r["id"]): r for fn in R.RULES.values() for r in fn(g0, qs[0].as_of)}
    new = {(r["rule"], r["id"]) for fn in R.RULES.values() for r in fn(g1, as_of)}
    for cid, f in facts.items():
        overdue = [r for r in records if r["community_id"] == cid and r["deadline"] and r["deadline"] < as_of
                   and r["status"] in ("open", "in_progress")]
        assert len(f["overdue"]) == len(overdue)
        orgs = {o for o, _ in R.inn(g1, cid, "COVERS") if g1.nodes[o].get("kind") == "community_committee"}
        evals = [e for e in R.nodes(g1, "Evaluation") if any(o in orgs for o, _ in R.out(g1, e, "ASSESSES"))
                 and g1.nodes[e].get("evaluated_on") <= as_of]
        assert len(f["evaluations"]) == len(evals)
        closed = sum(1 for k, r in old.items() if k not in new and r["community_id"] == cid)
        assert sum(x["closed"] for x in f["gaps"]) == closed
    assert sum(len(f["overdue"]) for f in facts.values()) > 0
    assert sum(len(f["evaluations"]) for f in facts.values()) > 0
    assert sum(x["closed"] for f in facts.values() for x in f["gaps"]) > 0


def test_street_account_gets_only_its_street(two_quarters, tmp_path):
    from orgnet.pack import write_packs
    from orgnet.pack_facts import pack_data
    from orgnet.access.scoped import ScopedStore
    from orgnet.queries.scope import Scope

    store, qs, names = two_quarters
    streets = sorted(R.nodes(_g(qs[1]), "Street"))
    mine = ScopedStore(store, Scope(street_id=streets[0]))
    facts = pack_data(mine, names[1], "community")
    assert facts and {f["entity"]["street_id"] for f in facts} == {streets[0]}
    assert all(f["assessed"] == len(facts) for f in facts)  # ranked within what the account sees
    assert write_packs(mine, names[1], "community", tmp_path, street_id=streets[1]) == []
    street = pack_data(mine, names[1], "street")
    assert [f["entity"]["id"] for f in street] == [streets[0]]
    assert all(r["community_id"] is None for r in street[0]["evaluations"])
    assert not re.search(streets[1], " ".join(str(f["entity"]) for f in facts))


def test_cli_report(two_quarters, tmp_path, monkeypatch):
    from click.testing import CliRunner
    from docx import Document

    from orgnet.cli import cli

    store, qs, names = two_quarters

    lend_store(monkeypatch, store)
    street = sorted(R.nodes(_g(qs[1]), "Street"))[0]
    res = CliRunner().invoke(cli, ["--home", str(tmp_path), "report", "--graph", names[1], "--street", street,
                                   "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    (path,) = sorted((tmp_path / "out").glob("*.docx"))
    doc = Document(str(path))
    assert doc.paragraphs[4].text.endswith("党组织书记抓基层党建工作述职评议材料")
    assert "在4个街道中排名第" in "\n".join(p.text for p in doc.paragraphs)
    res = CliRunner().invoke(cli, ["--home", str(tmp_path), "report", "--graph", names[1]])
    assert res.exit_code != 0 and "--street" in str(res.exception)
