"""What the user sees does not wait on rows it does not show.

- rules travel untagged (``scalars``) with the very rows of the typed reply, and both stores
  report the engine's own time for a query (``stats``);
- a rule counted in the engine (``catalog.run(..., count_by=...)``) gives exactly the number
  of rows the rule returns, per street and in all, on both engines; a page cut in the
  engine (``skip`` + ``limit``) is exactly that slice of the full result;
- the counted and paged forms of every rule are valid Neo4j 5 Cypher (Neo4j's own linter);
- the Overview at qindu issues only count and aggregate queries (every query it sends
  through the store is recorded), and no page at qindu fetches more rows than it shows.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from helpers_rules import TINY_AS_OF  # noqa: F401 - the tiny dataset's date (demo uses the default)
from orgnet.errors import QueryError
from orgnet.graph.stores.bound import SKIP_PARAM, counted_query, skipped_query
from orgnet.queries import catalog, gaps

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-30"


@pytest.fixture  # each test: on Neo4j another test may have loaded another graph in between
def demo(loaded_store):
    return loaded_store("demo")


def test_counts_in_the_engine_equal_the_rows_on_both_engines(demo):
    store, graph = demo
    full = gaps.run_gaps_by_rule(store, as_of=AS_OF, graph=graph)
    counted = gaps.count_gaps(store, as_of=AS_OF, graph=graph)
    assert sum(len(df) for df in full.values()) > 100  # the demo has gaps for the counts to count
    for rid, df in full.items():
        got = {r["street_id"]: r["n"] for r in counted[counted["rule"] == rid].to_dict("records")}
        assert got == dict(Counter(df["street_id"])), rid
        assert catalog.run(store, rid, {"as_of": AS_OF}, graph=graph, count_by=[]) == [{"n": len(df)}]
    assert gaps.rule_totals(counted) == {rid: len(df) for rid, df in full.items()}


def test_counts_keep_the_scope_parameters(demo):
    store, graph = demo
    street = store.read("MATCH (s:Street) RETURN s.id AS id ORDER BY id", graph=graph)[0]["id"]
    scoped = gaps.run_gaps(store, as_of=AS_OF, street_id=street, graph=graph)
    counted = gaps.count_gaps(store, as_of=AS_OF, street_id=street, graph=graph)
    assert int(counted["n"].sum()) == len(scoped) > 0
    assert set(counted["street_id"]) == {street}


def test_a_places_counts_are_the_districts_counts_of_that_place(loaded_store, weicheng_dataset):
    """The Gaps page takes a street's or a community's counts from the district's counts per
    street and community (counted once, cached) instead of asking the engine again: for every
    street and every community they are the engine's scoped counts."""
    store, graph = loaded_store("weicheng")
    as_of = weicheng_dataset.as_of
    district = gaps.count_gaps(store, as_of=as_of, graph=graph, by=("street_id", "community_id"))
    places = store.read("MATCH (c:Community)-[:PART_OF]->(s:Street) RETURN s.id AS s, c.id AS c ORDER BY c",
                        graph=graph)
    streets = sorted({p["s"] for p in places})
    assert len(streets) > 1 and len(places) > len(streets) and len(district)
    for street in streets:
        scoped = gaps.count_gaps(store, as_of=as_of, street_id=street, graph=graph)
        assert gaps.rule_totals(district[district["street_id"] == street]) == gaps.rule_totals(scoped), street
    for p in places:
        scoped = gaps.count_gaps(store, as_of=as_of, community_id=p["c"], graph=graph)
        assert gaps.rule_totals(district[district["community_id"] == p["c"]]) == gaps.rule_totals(scoped), p


@pytest.mark.parametrize("level", ["street", "community"])
def test_counts_inside_an_accounts_scope_equal_its_rows(demo, level):
    """Through a street's or a community's ScopedStore (an account's scope) the counts are those
    of the rows that account sees, per street, and a page holds only its rows."""
    from orgnet.access.scoped import ScopedStore
    from orgnet.queries.scope import Scope

    store, graph = demo
    place = store.read("MATCH (c:Community)-[:PART_OF]->(s:Street) RETURN s.id AS s, c.id AS c "
                       "ORDER BY c", graph=graph)[0]
    scoped = ScopedStore(store, Scope(street_id=place["s"]) if level == "street" else
                         Scope(street_id=place["s"], community_id=place["c"]))
    seen = gaps.run_gaps(scoped, as_of=AS_OF, graph=graph)
    counted = gaps.count_gaps(scoped, as_of=AS_OF, graph=graph)
    assert len(seen) > 0
    assert gaps.rule_totals(counted) == {rid: int((seen["rule"] == rid).sum()) for rid in gaps.rule_ids()}
    assert dict(counted.groupby("street_id")["n"].sum()) == dict(Counter(seen["street_id"]))
    page = gaps.gap_page(scoped, gaps.rule_totals(counted), 1, 5, as_of=AS_OF, graph=graph)
    assert page.equals(seen.iloc[1:6].reset_index(drop=True))


def test_pages_cut_in_the_engine_are_slices_of_the_full_result(demo):
    store, graph = demo
    full = gaps.run_gaps(store, as_of=AS_OF, graph=graph)
    totals = gaps.rule_totals(gaps.count_gaps(store, as_of=AS_OF, graph=graph))
    size = 37  # pages that straddle rules
    pages = [gaps.gap_page(store, totals, off, size, as_of=AS_OF, graph=graph)
             for off in range(0, len(full), size)]
    assert all(len(p) == size for p in pages[:-1])
    joined = __import__("pandas").concat(pages, ignore_index=True)

    def cells(df):  # a page whose rows all lack a community holds None where the whole has NaN
        return df.astype(object).where(df.notna(), None).to_dict("records")

    assert cells(joined) == cells(full)
    assert gaps.gap_page(store, totals, len(full), size, as_of=AS_OF, graph=graph).empty


def test_rule_rows_travel_untagged_and_unchanged_and_the_engine_reports_its_time(demo):
    """``scalars``: the same rows as the typed reply; ``stats``: the engine's own time, within the wall."""
    import time

    store, graph = demo
    engine_ms = []
    for rid in gaps.rule_ids():
        q = catalog.get(rid)
        typed = store.read(q.text, q.bind({"as_of": AS_OF}), graph=graph)
        stats: dict = {}
        t0 = time.perf_counter()
        rows = catalog.run(store, rid, {"as_of": AS_OF}, graph=graph, stats=stats)
        wall_ms = (time.perf_counter() - t0) * 1000
        assert rows == typed, rid
        assert 0 <= stats["engine_ms"] <= wall_ms, (rid, stats, wall_ms)  # Neo4j counts whole ms
        engine_ms.append(stats["engine_ms"])
    assert sum(engine_ms) > 0
    page = catalog.run(store, "in_service_not_reported", {"as_of": AS_OF}, graph=graph, skip=3, limit=4)
    assert page == catalog.run(store, "in_service_not_reported", {"as_of": AS_OF}, graph=graph)[3:7]


def test_bad_count_or_page_requests_say_what_is_wrong():
    with pytest.raises(QueryError, match="not among its columns"):
        catalog.run(None, "grid_without_branch", count_by=["nope"])
    with pytest.raises(ValueError, match="UNION"):
        counted_query("RETURN 1 AS a UNION RETURN 2 AS a")
    with pytest.raises(ValueError, match="ORDER BY"):
        skipped_query("MATCH (x) RETURN x.id AS id", {}, 5)
    q, p = skipped_query("MATCH (x) RETURN x.id AS id ORDER BY id", {"a": 1}, 10)
    assert q.endswith(f"SKIP ${SKIP_PARAM}") and p == {"a": 1, SKIP_PARAM: 10}


# slow: Neo4j's linter takes 1-14 s per query (about 2 x 30 rules here; 197 s at load 13)
@pytest.mark.slow
def test_counted_and_paged_rules_pass_the_neo4j_linter(tmp_path):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.fail("the Neo4j Cypher linter is not installed: run `npm ci` in the repo root")
    files = []
    for rid in gaps.rule_ids():
        q = catalog.get(rid)
        header = "".join(f"// param: {p.name} {p.type}\n" for p in q.params)
        for form, text in (("count", counted_query(q.text, ("street_id",))),
                           ("page", skipped_query(q.text, {}, 1)[0] + " LIMIT 10")):
            f = tmp_path / f"{rid}.{form}.cypher"
            f.write_text(header + (f"// param: {SKIP_PARAM} int\n" if form == "page" else "") + text)
            files.append(str(f))
    r = subprocess.run([node, str(ROOT / "tools" / "lint_cypher.mjs"), *files], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    report = json.loads(r.stdout)
    assert report["files"] == len(files) == 2 * len(gaps.rule_ids())
    bad = [p for p in report["problems"] if p["severity"] == "error" or p["deprecation"]]
    assert not bad, bad[:5]


# ---------------------------------------------------------------------------
# The pages at qindu: every query recorded at the store
# ---------------------------------------------------------------------------

_AGGREGATE = re.compile(r"\b(count|sum)\s*\(", re.IGNORECASE)


@pytest.fixture(scope="module")
def qindu_app(falkordb_loaded_store, falkordb_settings, tmp_path_factory):
    """The qindu preset in the embedded store, and the app's environment pointing at it."""
    from orgnet.graph.load import load_dataset
    from orgnet.synthetic import DEFAULT_AS_OF, generate
    from orgnet.loaders.validate import validate_path

    store, _ = falkordb_loaded_store("tiny")
    out = tmp_path_factory.mktemp("qindu_shape")
    generate("qindu", out)
    load_dataset(store, validate_path(out).dataset, graph="qindu_shape", replace=True, as_of=DEFAULT_AS_OF)
    mp = pytest.MonkeyPatch()
    mp.setenv("ORGNET_HOME", str(falkordb_settings.home))
    mp.setenv("ORGNET_GRAPH", "qindu_shape")
    mp.setenv("ORGNET_PREWARM", "0")  # only what the page itself asks for
    mp.delenv("NEO4J_URI", raising=False)
    n_communities = store.read("MATCH (c:Community) RETURN count(c) AS n", graph="qindu_shape")[0]["n"]
    yield store, n_communities
    mp.undo()
    store.drop_graph("qindu_shape")


def _record_page(page: str, state: dict | None = None, *, with_app: bool = False):
    """(query, rows returned) of every read the app sends while it renders ``page`` cold,
    signed in as a district administrator, with the widget values ``state`` (and the AppTest)."""
    import os

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from helpers_access import signed_in
    from orgnet.graph.stores.falkordb import FalkorDBStore

    st.cache_data.clear()
    seen: list[tuple[str, int]] = []
    read = FalkorDBStore.read

    def recording(self, cypher, params=None, **kw):
        rows = read(self, cypher, params, **kw)
        seen.append((cypher, len(rows)))
        return rows

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FalkorDBStore, "read", recording)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        for k, v in signed_in(os.environ["ORGNET_HOME"], "admin", "admin").items():
            at.session_state[k] = v
        at.session_state["orgnet_start_page"] = page
        at.session_state["orgnet_lang"] = "zh"
        for k, v in (state or {}).items():
            at.session_state[k] = v
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return (seen, at) if with_app else seen


@pytest.mark.slow
def test_the_overview_at_qindu_issues_only_counts_and_aggregates(qindu_app):
    _, n_communities = qindu_app
    seen = _record_page("overview")
    rule_texts = {catalog.get(r).text for r in gaps.rule_ids()}
    assert seen, "the overview issued no query"
    for cypher, rows in seen:
        assert cypher not in rule_texts, f"the overview fetched a rule's gap rows: {cypher[:80]}"
        # a one-row lookup (the graph's metadata) or a count/aggregate with few rows: at most one
        # per community, and one for what lies outside every community (the KPIs)
        assert rows <= 1 or (_AGGREGATE.search(cypher) and rows <= n_communities + 1), (rows, cypher[:300])
    # at most a row per community (and one outside) for each KPI and rule count: qindu has
    # about 25,000 gap rows
    budget = (len(catalog.names("kpi")) + len(gaps.rule_ids())) * (n_communities + 1)
    assert sum(rows for _, rows in seen) <= budget < 5_000


@pytest.mark.slow
@pytest.mark.parametrize("page", ["overview", "gaps", "org_tree", "linkage", "explorer", "followup"])
def test_no_page_at_qindu_fetches_rows_it_does_not_show(qindu_app, page):
    """Each query returns at most a page of rows, unless it is an aggregate (counted or summed in
    the engine) or feeds what the page draws (the linkage scores every pair it lists)."""
    from orgnet.pages.gaps import PAGE_ROWS

    seen = _record_page(page)
    for cypher, rows in seen:
        if _AGGREGATE.search(cypher):
            continue
        assert rows <= PAGE_ROWS * 2, (page, rows, cypher[:300])


@pytest.mark.slow
def test_with_results_stored_at_load_the_overview_asks_the_engine_nothing_heavy(qindu_app):
    """What a user gets after ``orgnet load``: the Overview reads the counts and KPIs stored at
    load; no rule, KPI or linkage query reaches the engine, and no stored gap row is read."""
    from orgnet.queries import stored

    store, _ = qindu_app
    kept = stored.store_results(store, "qindu_shape")
    looked: list[tuple[str, bool, str]] = []
    lookup = stored.lookup

    def recording(store_, q, values, graph, *, counted=False):
        looked.append((q.id, counted, graph))
        return lookup(store_, q, values, graph, counted=counted)

    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(stored, "lookup", recording)
            seen = _record_page("overview")
        heavy = {catalog.get(q).text for q in catalog.names() if catalog.get(q).kind in ("rule", "kpi", "linkage")}
        assert seen and looked
        assert not [c[:80] for c, _ in seen if c in heavy]  # nothing computed on the engine
        rules = set(gaps.rule_ids())
        assert {q for q, counted, g in looked if q in rules and counted and g == "qindu_shape"} == rules
        # gap rows are read only for the trend's "closed since the previous snapshot" (shown when
        # other snapshots of this store have stored results): this one and the one before it
        assert len({g for q, counted, g in looked if q in rules and not counted}) <= 2
        # the engine's rows beside the stored ones (one per stored query at most: a manifest)
        assert sum(rows for c, rows in seen if stored.S not in c) < 200, kept.to_dict()
        assert max(rows for c, rows in seen if stored.S in c) <= len(stored.expected_queries())
    finally:
        stored.forget(store, "qindu_shape")


@pytest.mark.slow
def test_the_follow_up_picker_pages_a_rule_in_the_engine(qindu_app):
    """The 整改督办 assign picker at qindu, on page 3 of the rule with the most gaps: every rule
    row it fetches is one it offers (a page of PICK_ROWS, cut in the engine), exactly the slice
    of the full result the page number names."""
    from orgnet.i18n import t
    from orgnet.synthetic import DEFAULT_AS_OF
    from orgnet.pages._ui import Ctx
    from orgnet.pages.followup import PICK_ROWS, gap_option
    from orgnet.settings import Settings

    store, _ = qindu_app
    totals = gaps.rule_totals(gaps.count_gaps(store, as_of=DEFAULT_AS_OF, graph="qindu_shape"))
    rule, n = max(totals.items(), key=lambda kv: kv[1])
    assert n > 3 * PICK_ROWS  # qindu: 11,000+ in-service members not reported
    seen, at = _record_page("followup", {"fu_assign_rule": rule, f"fu_assign_page_{rule}_{n}": 3}, with_app=True)
    rule_rows = [rows for cypher, rows in seen if not _AGGREGATE.search(cypher) and "SKIP" in cypher]
    assert rule_rows == [PICK_ROWS], seen  # one page of one rule, nothing else
    assert all(rows <= PICK_ROWS for cypher, rows in seen if not _AGGREGATE.search(cypher))
    want = catalog.run(store, rule, {"as_of": DEFAULT_AS_OF}, graph="qindu_shape")[2 * PICK_ROWS:3 * PICK_ROWS]
    c = Ctx(settings=Settings.from_env(), store=store, graph="qindu_shape", lang="zh", meeting=False,
            as_of=DEFAULT_AS_OF, stamp="")
    picker = next(m for m in at.multiselect if m.label == t("followup.assign_pick"))
    assert list(picker.options) == [gap_option(c, g) for g in want]
