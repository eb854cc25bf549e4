"""A console that cannot reach out: the read paths of both engines refuse
LOAD CSV and every procedure not on the allow-list, however the query is written, and a TCP
listener on loopback sees no connection; the servers themselves are set up to refuse too."""

from __future__ import annotations

import contextlib
import socket

import pytest

from helpers_reach import listener, load_csv_spellings
from orgnet.errors import ReachRefused, ReadOnlyViolation
from orgnet.graph.stores.lexer import tokens
from orgnet.graph.stores.reach import ALLOWED_PROCEDURES, refuse_outside_reach
from orgnet.i18n import t

URL = "https://127.0.0.1:9/x.csv"

REFUSED = [
    ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "reach.load_csv"),
    ("lOaD/**/cSv FROM $u AS l RETURN l", "reach.load_csv"),
    ("LOAD\u2003CSV FROM $u AS l RETURN l", "reach.load_csv"),  # em space
    ("LOAD\u200bCSV FROM $u AS l RETURN l", "reach.load_csv"),  # zero-width space: blank here
    ("RETURN 1 AS one // a comment\rLOAD CSV FROM $u AS l RETURN l", "reach.load_csv"),  # \r ends it
    ("RETURN 1 AS one // a comment\u2028LOAD CSV FROM $u AS l RETURN l", "reach.load_csv"),
    ("MATCH (n) WHERE n.name = 'x' LOAD CSV FROM $u AS l RETURN l", "reach.load_csv"),
    ("CALL apoc.load.json($u) YIELD value RETURN value", "reach.procedure"),
    ("CALL apoc.load.csv", "reach.procedure"),
    ("CALL `apoc`.`load`.`json`($u)", "reach.procedure"),
    ("CALL \\u0061poc.load.json($u)", "reach.procedure"),  # Neo4j decodes escapes in names
    ("CALL APOC . LOAD . JSON($u)", "reach.procedure"),
    ("RETURN apoc.util.sha1(['x']) AS h", "reach.procedure"),
    ("RETURN gds.similarity.cosine([1], [1]) AS s", "reach.procedure"),
    ("CALL dbms.components() YIELD edition RETURN edition", "reach.procedure"),
    ("CALL dbms.procedures", "reach.procedure"),
    ("CALL db.createLabel('Injected')", "reach.procedure"),
    ("CALL db.idx.fulltext.createNodeIndex('Unit', 'name')", "reach.procedure"),
    ("MATCH (n) CALL { WITH n CALL dbms.listConfig() YIELD name RETURN name } RETURN name",
     "reach.procedure"),
    ("MATCH (n) CALL (n) { CALL apoc.load.json($u) YIELD value RETURN value } RETURN value",
     "reach.procedure"),
    ("OPTIONAL CALL dbms.info()", "reach.procedure"),
    ("CALL db./*x*/labels() YIELD label RETURN label", "reach.comment_in_name"),  # crash FalkorDB 4.16
    ("CALL db/*x*/.labels() YIELD label RETURN label", "reach.comment_in_name"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "reach.command"),
    ("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery", "reach.command"),
    ("show settings", "reach.command"),
    ("SHOW USERS", "reach.command"),
]

ALLOWED = [
    "MATCH (c:Community) RETURN c.id AS id ORDER BY id",
    "RETURN 'LOAD CSV FROM \"http://x\"' AS text, \"CALL apoc.load.json('u')\" AS other",
    "RETURN 'it\\'s LOAD CSV' AS text",
    "// LOAD CSV FROM 'http://x'\nRETURN 1 AS one /* CALL dbms.components() */",
    "MATCH (n) RETURN n.`load csv` AS `LOAD CSV`, n.call AS call, n.show AS show ORDER BY show",
    "MATCH (load:Unit) RETURN load.csv AS csv",
    "WITH {call: 1, load: 2, show: 3} AS m RETURN m.call AS c",
    "CALL db.labels", "CALL db.labels() YIELD label RETURN label",
    "CALL DB.PROPERTYKEYS() YIELD propertyKey RETURN propertyKey",
    "CALL db . relationshipTypes() YIELD relationshipType RETURN relationshipType",
    "CALL db.indexes() YIELD label RETURN label", "CALL `db`.`constraints`()",
    "CALL { MATCH (n) RETURN n } RETURN count(*) AS c",
    "SHOW INDEXES", "SHOW RANGE INDEXES YIELD name RETURN name", "SHOW ALL CONSTRAINTS",
]


@pytest.mark.parametrize("query, key", REFUSED)
def test_refused(query: str, key: str) -> None:
    with pytest.raises(ReachRefused) as e:
        refuse_outside_reach(query)
    assert e.value.key == key and isinstance(e.value, ReadOnlyViolation)
    zh, en = str(e.value).split(" / ", 1)
    assert zh == t(key, "zh", **e.value.fmt) and en == t(key, "en", **e.value.fmt)
    assert zh.startswith("已拒绝") and en.startswith("Refused")


@pytest.mark.parametrize("query", ALLOWED)
def test_allowed(query: str) -> None:
    refuse_outside_reach(query)


def test_string_concatenation_is_still_a_load_csv_clause() -> None:
    """Building the URL out of pieces does not help: the clause is refused, whatever follows it."""
    for query in ("LOAD CSV FROM 'ht' + 'tp://127.0.0.1:9/x' AS l RETURN l",
                  "WITH 'ht' AS a LOAD CSV FROM a + 'tps://h/x' AS l RETURN l",
                  "LOAD CSV FROM reduce(s = '', c IN ['h', 't', 't', 'p'] | s + c) + '://h' AS l RETURN l"):
        with pytest.raises(ReachRefused, match="LOAD CSV"):
            refuse_outside_reach(query)


def test_refusal_names_what_and_why_in_both_languages() -> None:
    with pytest.raises(ReachRefused) as e:
        refuse_outside_reach("CALL apoc.load.json('https://h/x')")
    message = str(e.value)
    assert "apoc.load.json" in message and "文件" in message and "network" in message
    assert all(p in message for p in ALLOWED_PROCEDURES)


def test_lexer_keeps_strings_names_and_comments_apart() -> None:
    toks = tokens("MATCH (n) /* a 'b */ RETURN 'c /* d' AS `e``f`, \"g\\\"h\" // i")
    assert [(x.kind, x.text) for x in toks] == [
        ("word", "MATCH"), ("symbol", "("), ("word", "n"), ("symbol", ")"), ("word", "RETURN"),
        ("string", "'c /* d'"), ("word", "AS"), ("name", "e`f"), ("symbol", ","), ("string", '"g\\"h"')]
    assert toks[4].after_comment and not toks[5].after_comment


def test_every_catalog_query_passes_the_guard() -> None:
    from orgnet.queries import catalog

    names = catalog.names()
    assert len(names) >= 18
    for qid in names:
        refuse_outside_reach(catalog.get(qid).text)


def test_loader_queries_pass_the_guard_too(tiny_dataset) -> None:
    """Loads write with store.write, which takes no user text: its queries are built from the
    model's labels, values go as $rows. None of them would need a guard."""
    from orgnet.graph.load import node_batches, relationship_batches

    batches = [b for fresh in (True, False) for b in (*node_batches(tiny_dataset, fresh),
                                                     *relationship_batches(tiny_dataset, fresh))]
    assert len(batches) > 10
    for _, cypher, _ in batches:
        refuse_outside_reach(cypher)


def test_the_listener_sees_a_real_connection() -> None:
    """The control: the listener counts what does reach it, so the tests below can fail."""
    with listener() as lst:
        assert lst.seen(0) == 0
        with socket.create_connection(("127.0.0.1", lst.port), timeout=2) as s:
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            assert s.recv(100).startswith(b"HTTP/1.0 200")
        assert lst.seen() == 1


def test_load_csv_never_leaves_the_store(engine_store, store_graph) -> None:
    store = engine_store
    store.write("CREATE (:Unit {id: 'u'})", graph=store_graph)
    with listener() as lst:
        spellings = load_csv_spellings(lst.port)
        assert len(spellings) >= 15
        for query, params in spellings:
            with pytest.raises(ReachRefused) as e:
                store.read(query, params, graph=store_graph, limit=5)
            assert e.value.key == "reach.load_csv", query
            assert "LOAD CSV" in str(e.value) and "已拒绝" in str(e.value) and "Refused" in str(e.value)
        for query in (f"CALL apoc.load.csv('http://127.0.0.1:{lst.port}/x')",
                      f"CALL apoc.load.json('https://127.0.0.1:{lst.port}/x') YIELD value RETURN value",
                      f"RETURN apoc.load.jsonParams('http://127.0.0.1:{lst.port}/x', {{}}, null) AS v"):
            with pytest.raises(ReachRefused, match="apoc.load"):
                store.read(query, graph=store_graph)
        assert lst.seen() == 0
    assert store.counts(store_graph)["nodes"] == 1


def test_allowed_procedures_run_on_both_engines(engine_store, store_graph) -> None:
    store = engine_store
    store.write("CREATE (:Unit {id: 'u'})-[:LOCATED_IN]->(:Area {id: 'a'})", graph=store_graph)
    assert {r["label"] for r in store.read("CALL db.labels() YIELD label RETURN label", graph=store_graph)} \
        >= {"Unit", "Area"}
    assert "LOCATED_IN" in {r["relationshipType"] for r in store.read(
        "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType", graph=store_graph)}
    assert "id" in {r["propertyKey"] for r in store.read(
        "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey", graph=store_graph)}
    if store.engine == "neo4j":  # Neo4j 5 lists indexes with SHOW, in a read transaction too
        assert store.read("SHOW INDEXES YIELD name RETURN count(*) AS n", graph=store_graph)[0]["n"] >= 1


def test_cli_console_refuses_load_csv(falkordb_settings, falkordb_store, graph_name) -> None:
    from helpers_stores import run_cli as cli

    falkordb_store.write("CREATE (:Unit {id: 'u'})", graph=graph_name)
    with listener() as lst:
        r = cli(falkordb_settings.home, "cypher", f"LoAd /* */ CsV FROM 'https://127.0.0.1:{lst.port}/x' "
                "AS r RETURN r", "--graph", graph_name)
        assert r.returncode == 2 and "LOAD CSV" in r.stderr and "已拒绝" in r.stderr, (r.stdout, r.stderr)
        r = cli(falkordb_settings.home, "cypher", "LOAD CSV FROM $u AS r RETURN r",
                "-p", f"u=https://127.0.0.1:{lst.port}/x", "--graph", graph_name)
        assert r.returncode == 2 and "LOAD CSV" in r.stderr, (r.stdout, r.stderr)
        assert lst.seen() == 0


# -- the second line of defence: the servers refuse by themselves ----------------------------

def test_without_the_guard_falkordb_would_fetch_https(falkordb_store, graph_name) -> None:
    """Why the guard is needed: FalkorDB runs LOAD CSV of an https URL in a READ-ONLY query
    (GRAPH.RO_QUERY) and connects. No server setting turns that off, so the guard is the
    defence there; files are confined to an always-empty import folder."""
    falkordb_store.write("CREATE (:Unit {id: 'u'})", graph=graph_name)
    graph = falkordb_store.db.select_graph(graph_name)
    with listener() as lst:
        with contextlib.suppress(Exception):  # the listener speaks no TLS: no rows or an error
            graph.ro_query(f"LOAD CSV FROM 'https://127.0.0.1:{lst.port}/x' AS r RETURN r")
        assert lst.seen() >= 1


def test_falkordb_reads_files_only_from_an_empty_import_folder(falkordb_server, falkordb_store,
                                                               graph_name) -> None:
    falkordb_store.write("CREATE (:Unit {id: 'u'})", graph=graph_name)
    with falkordb_server.client() as c:
        name, folder = c.execute_command("GRAPH.CONFIG", "GET", "IMPORT_FOLDER")
    assert name == b"IMPORT_FOLDER"
    folder = folder.decode()
    assert folder == f"{falkordb_server.import_dir}/" and not any(falkordb_server.import_dir.iterdir())
    graph = falkordb_store.db.select_graph(graph_name)
    outside = falkordb_server.dir / "outside.csv"
    outside.write_text("secret,1\n")
    try:
        for uri in ("file:///etc/hostname", "file://../outside.csv", f"file://{outside}"):
            with pytest.raises(Exception, match="Error opening CSV URI"):
                graph.ro_query(f"LOAD CSV FROM '{uri}' AS r RETURN r")
    finally:
        outside.unlink()


@pytest.mark.neo4j
def test_neo4j_server_refuses_load_csv_by_itself(neo4j_store) -> None:
    """The test server is configured as docs/engines.md tells deployments: no file URLs, an
    empty import directory, every address on internal.dbms.cypher_ip_blocklist. Sent past the
    guard, straight through the driver, LOAD CSV still reads nothing and connects nowhere."""
    import neo4j

    with listener() as lst:
        for url, why in ((f"http://127.0.0.1:{lst.port}/x", "blocked"), (f"https://127.0.0.1:{lst.port}/x", "blocked"),
                         ("file:///etc/hostname", "allow_csv_import_from_file_urls")):
            with neo4j_store.driver.session(database=neo4j_store.database,
                                            default_access_mode=neo4j.READ_ACCESS) as s:
                with pytest.raises(neo4j.exceptions.ClientError) as e:
                    s.run("LOAD CSV FROM $u AS r RETURN r", u=url).consume()
            assert why in str(e.value), str(e.value)
        assert lst.seen() == 0


def test_module_doctests() -> None:
    import doctest

    from orgnet.graph.stores import bound, lexer, reach

    for module in (lexer, reach, bound):
        assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
