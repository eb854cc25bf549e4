"""A truthful audit log, on a REAL embedded FalkorDB and a REAL Neo4j: every query
entry records how it ended — refused (write, LOAD CSV, procedure), failed (syntax error, with
the engine's error class) or succeeded — from the engine's own errors and from the CLI; times
are stored in UTC and shown in the configured zone; an uploaded file's snapshot names that file
as its source. (The Query and audit pages: tests/test_app.py.)"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from orgnet.access import audit
from orgnet.errors import ConfigError
from orgnet.settings import DEFAULT_TIMEZONE, Settings

TINY = Path(__file__).parent / "data" / "tiny"


def _outcome(store, graph: str, query: str) -> tuple[str, str]:
    try:
        store.read(query, {}, graph=graph, limit=10, timeout_s=30)
    except Exception as e:  # noqa: BLE001 - what the audit log makes of the engine's error
        return audit.outcome_of(e)
    return audit.OK, ""


def test_outcomes_of_the_engines_own_errors(loaded_store):
    store, graph = loaded_store("tiny")
    assert _outcome(store, graph, "MATCH (n:Member) SET n.name = 'x' RETURN count(n) AS n") == (audit.REFUSED, "write")
    assert _outcome(store, graph, "LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r") == (audit.REFUSED, "load_csv")
    assert _outcome(store, graph, "CALL apoc.load.json('http://127.0.0.1:9/x')") == (audit.REFUSED, "procedure")
    outcome, reason = _outcome(store, graph, "MATCH (n:Member RETURN n.name AS name")
    kind, _, error = reason.partition(":")
    assert (outcome, kind) == (audit.FAILED, "syntax") and error, reason
    assert _outcome(store, graph, "MATCH (n:Member) RETURN count(n) AS n") == (audit.OK, "")


def test_the_cli_records_how_each_query_ended(falkordb_loaded_store, falkordb_settings):
    from orgnet.cli import cli

    _, graph = falkordb_loaded_store("tiny")
    env = {"ORGNET_HOME": str(falkordb_settings.home)}
    asked = {"MATCH (n:Member) SET n.name = 'cli-24' RETURN count(n) AS n": (audit.REFUSED, "write"),
             "MATCH (n:Member RETURN n.name AS cli24": (audit.FAILED, "syntax"),
             "RETURN 'cli-24-ok' AS x": (audit.OK, "")}
    for query in asked:
        CliRunner().invoke(cli, ["cypher", query, "--graph", graph], env=env)
    seen = {e["what"].split(": ", 1)[1]: (e["outcome"], e["reason"].split(":")[0])
            for e in audit.entries(falkordb_settings.home, action="query", limit=20)
            if e["what"].startswith(f"{graph}: ")}
    assert {q: seen[q] for q in asked} == asked


def test_times_are_stored_in_utc_and_shown_in_the_configured_zone(tmp_path, monkeypatch):
    audit.record(tmp_path, "zhao", "export", what="gaps.xlsx")
    at = audit.entries(tmp_path)[0]["at"]
    assert at.endswith("+0000")
    stored = dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%S%z")
    monkeypatch.delenv("ORGNET_TIMEZONE", raising=False)
    assert Settings.from_env().timezone == DEFAULT_TIMEZONE == "Asia/Shanghai"
    shown = audit.local_time(at, Settings(home=tmp_path, timezone="Asia/Shanghai").zone())
    assert shown == (stored + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    monkeypatch.setenv("ORGNET_TIMEZONE", "UTC")
    assert audit.local_time(at, Settings.from_env().zone()) == stored.strftime("%Y-%m-%d %H:%M:%S")
    with pytest.raises(ConfigError, match="ORGNET_TIMEZONE"):
        Settings(home=tmp_path, timezone="Mars/Olympus").zone()


def test_entries_keep_their_outcome_and_notes(tmp_path):
    audit.record(tmp_path, "a", "query", what="g: MATCH (n) SET n.x = 1", outcome=audit.REFUSED, reason="write")
    audit.record(tmp_path, "a", "import", what="g", note="import_replaced", source="台账.zip")
    audit.record(tmp_path, "a", "sign_in_failed", ok=False)
    failed, imported, refused = audit.entries(tmp_path)
    assert (refused["outcome"], refused["reason"], refused["ok"]) == (audit.REFUSED, "write", 0)
    assert audit.note_of(imported) == ("import_replaced", {"source": "台账.zip"}) and imported["ok"] == 1
    assert failed["outcome"] == audit.FAILED
    with pytest.raises(ValueError, match="source"):
        audit.record(tmp_path, "a", "import", what="g", note="import_replaced")  # its value missing


def _tiny_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(TINY.iterdir()):
            z.write(f, f.name)
    return buf.getvalue()


def test_an_upload_names_the_users_file(falkordb_store):
    from orgnet.graph.load import load_dataset
    from orgnet.graph.snapshots import snapshot
    from orgnet.pages.import_page import read_upload

    result, _ = read_upload("西关街道台账.zip", _tiny_zip())
    assert result.dataset.source == "西关街道台账.zip"
    graph = "audit24_upload"
    try:
        load_dataset(falkordb_store, result.dataset, graph=graph, replace=True)
        assert snapshot(falkordb_store, graph).source == "西关街道台账.zip"
    finally:
        falkordb_store.drop_graph(graph)
