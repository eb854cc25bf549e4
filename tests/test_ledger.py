"""The follow-up ledger on both engines: auto-close and reopen exactly where the weicheng
series' oracle says, replace/drop/failed loads leave it intact, concurrent edits conflict,
export then import round-trips (JSON and xlsx)."""

from __future__ import annotations

import re

import pytest
from helpers_series import series

from orgnet.graph.load import load_dataset
from orgnet.ledger import io as lio
from orgnet.ledger import service as led
from orgnet.ledger.model import FollowUpConflict, FollowUpError, FollowUpStatus, gap_key
from orgnet.queries.gaps import run_gaps

#: rules assigned in the cycle test (a mix of structure, members, agreements, compounds)
RULES = ("grid_without_branch", "building_without_group", "compound_without_property",
         "agreement_lapsed", "floating_member_unmanaged", "resident_unit_without_agreement")


@pytest.fixture
def ledger(engine_store):
    led.clear(engine_store) if engine_store.ledger_read("MATCH (f:FollowUp) RETURN count(f) AS n") else None
    yield engine_store
    led.clear(engine_store)


def _load(store, graph, q):
    load_dataset(store, q.dataset, graph=graph, replace=True, as_of=q.as_of)


def _gaps(store, graph, q, rules=RULES):
    return run_gaps(store, list(rules), as_of=q.as_of, graph=graph).to_dict("records")


def test_cycle_auto_close_and_reopen_follow_the_oracle(ledger, store_graph):
    qs = series()
    store = ledger
    _load(store, store_graph, qs[0])
    gaps = _gaps(store, store_graph, qs[0])
    assert gaps
    records = led.assign(store, gaps, snapshot=store_graph, as_of=qs[0].as_of, by="张三",
                         person="李四", deadline="2026-06-15")
    assert len(records) == len(gaps)
    assert {r["person"] for r in records} == {"李四"} and all(r["responsible"] for r in records if r["community_id"])
    assert len({r["series"] for r in records}) == 1 and records[0]["series"]  # assigning names the series
    gap_of = {r.key: r.gap for r in records}
    expected = {r.gap: FollowUpStatus.open.value for r in records}
    for q in qs[1:]:
        _load(store, store_graph, q)  # the same graph replaced: a new snapshot in its place
        res = led.sync_snapshot(store, store_graph)
        assert res.as_of == q.as_of
        present = {gap_key(*k) for k in q.gaps}  # the oracle's gaps of this quarter
        want_closed = sorted(k for k, s in expected.items() if s != "closed" and k not in present)
        want_reopened = sorted(k for k, s in expected.items() if s == "closed" and k in present)
        assert sorted(gap_of[k] for k in res.closed) == want_closed
        assert sorted(gap_of[k] for k in res.reopened) == want_reopened
        for k in want_closed:
            expected[k] = "closed"
        for k in want_reopened:
            expected[k] = "open"
        got = {r.gap: r for r in led.list_records(store)}
        assert {k: r["status"] for k, r in got.items()} == expected
        for k in want_closed:
            assert got[k]["closed_by"] == store_graph and got[k]["closed_on"] == q.as_of and got[k]["auto_closed"]
    assert any(s == "closed" for s in expected.values())
    reopened = [r for r in led.list_records(store) if r["reopened_by"]]
    assert reopened, "the series reopens some gaps (a property company leaves a compound)"
    for rec in reopened:  # a reopened record's history holds the closing and the reopening, in that order
        steps = [h["changes"]["status"][1] for h in rec["history"] if "status" in h["changes"]]
        assert ("closed", "open") in zip(steps, steps[1:]), steps


def test_replace_drop_and_failed_load_keep_the_ledger(ledger, store_graph, tiny_dataset):
    store = ledger
    qs = series()
    _load(store, store_graph, qs[0])
    gaps = _gaps(store, store_graph, qs[0], ("grid_without_branch",))[:5]
    led.assign(store, gaps, snapshot=store_graph, as_of=qs[0].as_of, by="a", person="p")
    before = [r.to_dict() for r in led.list_records(store)]
    assert len(before) == 5
    load_dataset(store, tiny_dataset, graph=store_graph, replace=True)  # --replace
    assert [r.to_dict() for r in led.list_records(store)] == before
    with pytest.raises(RuntimeError):
        with store.replacing(store_graph) as writer:  # a load that dies half-way
            if store.engine == "neo4j":  # a staged load writes its graph and meta, no free Cypher
                writer.write_meta({"load_id": "half"})
            else:
                writer.write("CREATE (:Area {id: 'half'})")
            raise RuntimeError("killed")
    assert [r.to_dict() for r in led.list_records(store)] == before
    store.drop_graph(store_graph)
    assert [r.to_dict() for r in led.list_records(store)] == before
    assert store_graph not in store.list_graphs()


def test_concurrent_edits_conflict(ledger, store_graph):
    store = ledger
    qs = series()
    _load(store, store_graph, qs[0])
    gap = _gaps(store, store_graph, qs[0], ("grid_without_branch",))[0]
    rec = led.assign(store, [gap], snapshot=store_graph, as_of=qs[0].as_of, by="a")[0]
    first = led.update(store, rec.key, rec.version, by="王", status="in_progress", note="已联系网格长")
    assert first.version == rec.version + 1 and first["status"] == "in_progress"
    with pytest.raises(FollowUpConflict, match="王"):  # the second editor read the same version
        led.update(store, rec.key, rec.version, by="赵", person="赵")
    now_ = led.get(store, rec.key)
    assert now_["person"] != "赵" and now_.version == first.version  # nothing lost, nothing overwritten
    with pytest.raises(FollowUpError, match="reason"):
        led.update(store, rec.key, now_.version, by="赵", status="暂缓")
    later = led.update(store, rec.key, now_.version, by="赵", status="暂缓", reason="待小区改造")
    assert later["status"] == "deferred" and len(later["history"]) == 3  # created, in progress, deferred
    assert [n["text"] for n in later["notes"]] == ["已联系网格长"]


def test_overdue_and_filters(ledger, store_graph):
    store = ledger
    qs = series()
    _load(store, store_graph, qs[0])
    gaps = _gaps(store, store_graph, qs[0], ("grid_without_branch",))[:3]
    led.assign(store, gaps[:2], snapshot=store_graph, as_of=qs[0].as_of, by="a", deadline="2026-04-30")
    led.assign(store, gaps[2:], snapshot=store_graph, as_of=qs[0].as_of, by="a", deadline="2026-09-30")
    late = led.list_records(store, overdue=True, today="2026-06-30")
    assert [r.gap for r in late] == [gap_key(g["rule"], g["id"]) for g in gaps[:2]]
    street = gaps[0]["street_id"]
    assert all(r["street_id"] == street for r in led.list_records(store, street_id=street))


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_export_import_round_trip(ledger, store_graph, tmp_path, fmt):
    store = ledger
    qs = series()
    _load(store, store_graph, qs[0])
    gaps = _gaps(store, store_graph, qs[0], ("grid_without_branch", "agreement_lapsed"))[:6]
    recs = led.assign(store, gaps, snapshot=store_graph, as_of=qs[0].as_of, by="a", person="=HYPERLINK(\"x\")",
                      deadline="2026-05-31")
    led.update(store, recs[0].key, recs[0].version, by="b", status="deferred", reason="@原因", note="+备注")
    before = [r.to_dict() for r in led.list_records(store)]
    path = tmp_path / f"ledger.{fmt}"
    lio.export_records(led.list_records(store), path, today="2026-06-30")
    led.clear(store)
    assert led.list_records(store) == []
    result = lio.import_file(store, path)
    assert result.created == len(before) and not result.conflicts
    assert [r.to_dict() for r in led.list_records(store)] == before
    again = lio.import_file(store, path)  # importing twice changes nothing
    assert again.created == 0 and again.unchanged == len(before)


def test_cli_cycle(falkordb_store, falkordb_settings, tmp_path):
    """orgnet load (syncing the ledger), followup assign/list/update/export/import on the embedded store."""
    import json

    from helpers_stores import run_cli

    qs = series()
    led.clear(falkordb_store)
    env_home = str(falkordb_settings.home)
    graph = f"cli_fu_{tmp_path.name[-6:]}".replace("-", "_")

    def run(*args):
        return run_cli(env_home, *args)

    try:
        r = run("load", str(qs[0].folder), "--graph", graph, "--replace", "--no-progress")
        assert r.returncode == 0, r.stderr
        assert f"reference date {qs[0].as_of}" in r.stdout
        r = run("followup", "assign", "--snapshot", graph, "--rule", "compound_without_property",
                "--person", "李四", "--deadline", "2026-05-31", "--by", "张三")
        assert r.returncode == 0, r.stderr
        r = run("followup", "list", "--format", "json", "--today", "2026-06-30", "--overdue")
        rows = json.loads(r.stdout)
        keys = {k for k in qs[0].gaps if k[0] == "compound_without_property"}
        assert {(x["rule"], x["gap_id"]) for x in rows} == keys and all(x["overdue"] for x in rows)
        first = rows[0]
        r = run("followup", "update", first["key"], "--version", str(first["version"]), "--status", "整改中",
                "--by", "王")
        assert r.returncode == 0, r.stderr
        r = run("followup", "list", "--today", "2026-06-30", "--overdue")  # the table a person reads: Chinese
        head, lines = r.stdout.splitlines()[0], r.stdout.splitlines()[2:-1]
        assert head.split()[:2] == ["编号", "数据系列"] and "状态" in head and "逾期" in head
        assert len(lines) == len(rows) and all(" 是" in line for line in lines)
        assert sum("整改中" in line for line in lines) == 1 and sum("待整改" in line for line in lines) == len(rows) - 1
        assert not re.search(r"\b(open|in_progress|closed|True|False)\b", r.stdout), r.stdout
        r = run("followup", "list", "--today", "2026-06-30", "--overdue", "--lang", "en")
        assert "Status" in r.stdout.splitlines()[0] and "In progress" in r.stdout and "Yes" in r.stdout
        r = run("followup", "update", first["key"], "--version", str(first["version"]), "--person", "赵")
        assert r.returncode == 2 and "was changed by 王" in r.stderr and "nothing was written" in r.stderr
        r = run("load", str(qs[1].folder), "--graph", graph, "--replace", "--no-progress")
        closed = keys - set(qs[1].gaps)
        assert r.returncode == 0 and f"{len(closed)} closed by snapshot {graph}" in r.stdout
        out = tmp_path / "督办单.xlsx"
        assert run("followup", "export", "--out", str(out)).returncode == 0
        r = run("followup", "import", str(out))
        assert r.returncode == 0 and json.loads(r.stdout)["unchanged"] == len(keys)
    finally:
        falkordb_store.drop_graph(graph)
        led.clear(falkordb_store)
