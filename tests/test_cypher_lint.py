"""Every catalog file passes Neo4j's own linter: no errors, no deprecation warnings."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# slow: Neo4j's linter takes 1-14 s per query (79 files, 152 s at load 13); run this file
# whenever a .cypher changes (test_linter_catches_deprecations stays in the fast lane)
@pytest.mark.slow
def test_catalog_passes_neo4j_linter():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (Node.js) is not installed; install it, then run `npm ci` in the repo root")
    if not (ROOT / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.fail("the Neo4j Cypher linter is not installed: run `npm ci` in the repo root")
    files = sorted(str(p) for p in (ROOT / "orgnet" / "queries" / "cypher").glob("*.cypher"))
    r = subprocess.run([node, str(ROOT / "tools" / "lint_cypher.mjs"), *files], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    assert r.stdout, r.stderr
    report = json.loads(r.stdout)
    assert report["files"] == len(files) > 0
    bad = [p for p in report["problems"] if p["severity"] == "error" or p["deprecation"]]
    assert not bad, "\n".join(f"{p['file']}:{p['line']}:{p['column']} {p['severity']}: {p['message']}"
                              for p in bad)
    assert r.returncode == 0


def test_linter_catches_deprecations(tmp_path):
    if shutil.which("node") is None or not (ROOT / "node_modules").is_dir():
        pytest.fail("run `npm ci` in the repo root")
    f = tmp_path / "bad.cypher"
    f.write_text("// id: bad\nMATCH (n) CALL { WITH n RETURN n AS m } RETURN m, $undeclared AS x\n")
    r = subprocess.run(["node", str(ROOT / "tools" / "lint_cypher.mjs"), str(f)], capture_output=True,
                       text=True, cwd=ROOT, timeout=120)
    report = json.loads(r.stdout)
    assert r.returncode == 1
    assert any(p["deprecation"] for p in report["problems"])
    assert any("undeclared" in p["message"] for p in report["problems"])
