"""``orgnet bench`` on the demo preset (``--repeat 1``): the results file has its documented
shape (per preset: load, rules, linkage, KPIs, pages; see bench/orgnet_bench.py).

Runs the real command in a subprocess (its own temporary embedded FalkorDB); the numbers
themselves are not asserted (speed belongs in the benchmark, not in timed tests).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PRESET_KEYS = {"preset", "nodes", "relationships", "generate_s", "validate_s", "load_s", "load_rows_per_s",
               "bulk_loader_s", "load_vs_bulk_loader", "peak_rss_mb", "rules", "linkage_s", "kpis_s", "pages"}


def test_bench_demo_shape(tmp_path):
    home = tmp_path / "user-home"  # the bench must never use the user's ORGNET_HOME
    env = {**os.environ, "ORGNET_HOME": str(home)}
    env.pop("NEO4J_URI", None)
    out = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, "-c", "from orgnet.cli import main; main()",
         "bench", "--preset", "demo", "--repeat", "1", "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = sorted(out.glob("*.json"))
    assert len(files) == 1
    assert files[0].with_suffix(".md").exists()
    data = json.loads(files[0].read_text(encoding="utf-8"))
    assert isinstance(data["machine"], dict) and data["machine"]["cpus"]
    [p] = data["presets"]
    assert "error" not in p, p.get("error")
    assert PRESET_KEYS <= set(p), PRESET_KEYS - set(p)
    assert p["preset"] == "demo"
    assert p["nodes"] > 0 and p["relationships"] > 0
    for key in ("generate_s", "validate_s", "load_s", "load_rows_per_s", "bulk_loader_s",
                "load_vs_bulk_loader", "peak_rss_mb", "linkage_s", "kpis_s"):
        assert isinstance(p[key], (int, float)) and p[key] > 0, (key, p[key], p.get("bulk_loader_error"))
    assert p["bulk_loader_same_graph"] is True  # the bulk loader built the same graph
    assert p["rules"], "no rules measured"
    for r in p["rules"]:
        assert {"id", "p50_ms", "p95_ms", "oracle_ratio"} <= set(r)
        assert "error" not in r, r
        assert r["p50_ms"] <= r["p95_ms"]
        assert r["oracle_ratio"] is not None and r["oracle_ratio"] > 0
        assert r["rows"] == r["oracle_rows"], r  # the store and the oracle agree on the count
        # the engine's own time, as FalkorDB reports it, and the client's share (wall − engine)
        assert 0 < r["engine_p50_ms"] <= r["max_ms"] and r["client_p50_ms"] >= 0, r
        assert r["client_engine_ratio"] is not None and r["client_engine_ratio"] >= 0, r
    assert p["client_engine_ratio_max"] == max(r["client_engine_ratio"] for r in p["rules"])
    from orgnet.app import PAGES

    assert [x["page"] for x in p["pages"]] == [key for key, *_ in PAGES]
    for x in p["pages"]:
        assert set(x) >= {"page", "s"} and x["s"] > 0
        assert not x.get("errors"), x
    # every page in headless Chromium, cold and warm, until its first meaningful paint
    assert list(p["pages_browser"]) == [page[0] for page in PAGES], p.get("pages_browser_error")
    for key, x in p["pages_browser"].items():
        assert not x.get("errors"), (key, x)
        assert x["cold_s"] > 0 and x["warm_s"] > 0 and x["app_start_s"] > 0, (key, x)
    md = files[0].with_suffix(".md").read_text(encoding="utf-8")
    assert "headless Chromium" in md and "client / engine" in md
    assert not (home / "falkordb").exists()


@pytest.mark.neo4j
def test_bench_demo_on_neo4j(tmp_path, neo4j_server, neo4j_store):
    """``orgnet bench --engine neo4j`` on the session's Neo4j (NEO4J_URI: no second server)."""
    neo4j_store.empty()  # the bench empties the database; the engine tests' store reloads after
    env = {**os.environ, "ORGNET_HOME": str(tmp_path / "user-home"), "NEO4J_URI": neo4j_server["uri"],
           "NEO4J_USER": neo4j_server["user"], "NEO4J_PASSWORD": neo4j_server["password"],
           "NEO4J_DATABASE": neo4j_server["database"]}
    out = tmp_path / "results"
    try:
        proc = subprocess.run(
            [sys.executable, "-c", "from orgnet.cli import main; main()", "bench", "--engine", "neo4j",
             "--preset", "demo", "--repeat", "1", "--no-pages", "--no-bulk-loader", "--out", str(out)],
            capture_output=True, text=True, env=env, timeout=600)
    finally:
        neo4j_store.empty()
    assert proc.returncode == 0, proc.stderr[-3000:]
    [path] = sorted(out.glob("*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "neo4j_error" not in data, data.get("neo4j_error")
    assert data["machine"]["neo4j"].startswith("5.")
    [p] = data["presets"]
    assert "error" not in p, p.get("error")
    assert p["engine"] == "neo4j" and p["nodes"] > 0 and p["load_s"] > 0
    assert p["linkage_s"] > 0 and p["kpis_s"] > 0, (p.get("linkage_error"), p.get("kpis_error"))
    for r in p["rules"]:
        assert "error" not in r, r
        assert r["rows"] == r["oracle_rows"], r  # Neo4j and the oracle agree on the count
    assert "Engines side by side" in path.with_suffix(".md").read_text(encoding="utf-8")
