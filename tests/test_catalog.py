"""The Cypher catalog: header parsing, parameters, running, and shipping in the package."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import pytest

from orgnet.errors import QueryError
from orgnet.queries import catalog

SRC = Path(__file__).resolve().parent.parent / "orgnet" / "queries" / "cypher"


def test_every_file_parses_and_is_listed():
    files = sorted(p.stem for p in SRC.glob("*.cypher"))
    assert catalog.names() == files
    for qid in files:
        q = catalog.get(qid)
        assert q.id == qid and q.kind in catalog.KINDS and q.text.strip() and q.columns
        assert not q.text.lstrip().startswith("//")
    assert "node_counts" in catalog.names("view")


def test_header_and_params():
    q = catalog.parse("// id: x\n// kind: rule\n// title_zh: 标题\n// param: as_of date =today\n"
                      "// param: street_id str =null\n// param: n int =3\n// param: flag bool =false\n"
                      "// param: who str\n// columns: a, b\nMATCH (n) RETURN n.a AS a, n.b AS b\n")
    assert q.meta["title_zh"] == "标题" and q.columns == ["a", "b"]
    assert [(p.name, p.type, p.required) for p in q.params] == [
        ("as_of", "date", False), ("street_id", "str", False), ("n", "int", False),
        ("flag", "bool", False), ("who", "str", True)]
    bound = q.bind({"who": "me", "n": "7", "flag": "是"})
    assert bound == {"as_of": dt.date.today().isoformat(), "street_id": None, "n": 7,
                     "flag": True, "who": "me"}
    assert q.bind({"who": "x", "as_of": dt.date(2025, 3, 1)})["as_of"] == "2025-03-01"
    with pytest.raises(QueryError, match="no parameter bogus"):
        q.bind({"who": "x", "bogus": 1})
    with pytest.raises(QueryError, match="needs the parameter who"):
        q.bind({})
    with pytest.raises(QueryError, match="YYYY-MM-DD"):
        q.bind({"who": "x", "as_of": "2025/13/40"})
    with pytest.raises(QueryError, match="not a valid int"):
        q.bind({"who": "x", "n": "many"})
    with pytest.raises(QueryError, match="no query"):
        catalog.get("no_such_query")


def test_run_views(loaded_store):
    store, g = loaded_store("tiny")
    counts = {r["label"]: r["n"] for r in catalog.run(store, "node_counts", graph=g)}
    assert "OrgnetMeta" not in counts and counts["Member"] > 0
    rels = catalog.run(store, "relationship_counts", graph=g)
    assert sum(r["n"] for r in rels) == store.counts(g)["relationships"]
    some = store.read("MATCH (s:Street) RETURN s.id AS id LIMIT 1", graph=g)[0]["id"]
    rows = catalog.run(store, "neighbourhood", {"id": some}, graph=g)
    assert rows and all(r["id"] == some for r in rows)
    assert {r["direction"] for r in rows} <= {"in", "out"}


def test_resources_listing_matches_source_tree():
    listed = sorted(e.name for e in resources.files("orgnet.queries").joinpath("cypher").iterdir()
                    if e.name.endswith(".cypher"))
    assert listed == sorted(p.name for p in SRC.glob("*.cypher"))


@pytest.mark.slow
def test_built_wheel_ships_every_cypher_file(tmp_path):
    import shutil

    root = SRC.parents[2]
    src = tmp_path / "src"  # build a copy: setuptools writes build/ and *.egg-info next to the sources
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (root / name).exists():
            shutil.copy(root / name, src / name)
    shutil.copytree(root / "orgnet", src / "orgnet",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    expected = sorted(p.name for p in (src / "orgnet" / "queries" / "cypher").glob("*.cypher"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "-w", str(tmp_path / "dist"),
                        "--no-deps", "-q"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    [wheel] = (tmp_path / "dist").glob("orgnet-*.whl")
    with zipfile.ZipFile(wheel) as z:
        shipped = sorted(Path(n).name for n in z.namelist()
                         if n.startswith("orgnet/queries/cypher/") and n.endswith(".cypher"))
    assert shipped == expected and len(shipped) > 10
