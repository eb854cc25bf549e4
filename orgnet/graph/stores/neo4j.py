"""The Neo4j store: a Neo4j 5 server, cluster or Aura through the official driver.

Selected when ``NEO4J_URI`` is set (``bolt://``, ``neo4j://``, ``neo4j+s://`` …) with
``NEO4J_USER``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``. Reads run in READ access mode
(routed to readers on a cluster; the server refuses writes), writes in managed write
transactions; the database is always passed explicitly.

Graph names map to databases: the default graph (``orgnet``, or ``ORGNET_GRAPH``) is
``NEO4J_DATABASE`` (default ``neo4j``); any other name is a database of that name, which
needs Neo4j Enterprise or Aura. Community Edition has a single database, so it holds ONE
graph: asking for another raises :class:`~orgnet.errors.ConfigError` naming the ways out
(make it the default graph with ``ORGNET_GRAPH``, another server, Enterprise, or the
embedded store); see docs/engines.md for why graphs are not namespaced inside one
database. A ``--replace``
load writes the whole new graph in ONE transaction that first deletes the old content,
so readers and a killed load see the old or the new graph, never a mix (transaction
memory must fit the dataset; raise ``db.memory.transaction.total.max`` for very large
ones). The follow-up ledger (``FollowUp`` nodes, :mod:`orgnet.ledger`) lives in the default
database beside the graph: a replace or a drop deletes every node except those.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from orgnet.errors import ConfigError, NotLoaded, QueryError, ReadOnlyViolation, StoreUnavailable
from orgnet.graph.stores.base import (
    ID_LABELS,
    LEDGER_LABELS,
    STORED_LABEL,
    META_LABEL,
    PROPERTY_INDEXES,
    Store,
    Writer,
)
from orgnet.graph.stores.bound import RANGE_GUARD_KEY, bound_query, checked_ranges, range_refusal
from orgnet.graph.stores.reach import refuse_outside_reach
from orgnet.settings import Settings

#: a node of a snapshot, not of the follow-up ledger (which shares the database)
_SNAPSHOT_NODE = "WHERE " + " AND ".join(f"NOT n:{label}" for label in LEDGER_LABELS)

_PRIMARY_LABELS = ("Area", "PartyOrg", "Unit", "Member", "Agreement", "Need", "Resource",
                   "Service", "Meeting", "Evaluation")


_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_plain(value: Any) -> Any:
    """Driver values → plain Python (nodes → property dicts with ``_labels``, dates → ISO text)."""
    if type(value) in _SCALARS:  # most values: skip the import and the isinstance checks below
        return value
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {**dict(value), "_labels": sorted(value.labels)}
    if isinstance(value, Relationship):
        return {**dict(value), "_type": value.type}
    if isinstance(value, Path):
        return {"nodes": [to_plain(n) for n in value.nodes],
                "relationships": [to_plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time Date/DateTime
        return value.iso_format()
    return value


#: the driver's URI schemes (Bolt, plain or routed; ``+s`` verifies TLS, ``+ssc`` accepts an
#: intranet's self-signed certificate). ``http://…:7474`` is Neo4j Browser's address, not a driver's.
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_uri(uri: str) -> None:
    """Refuse a NEO4J_URI the driver cannot use, saying what to write instead."""
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in URI_SCHEMES:
        raise ConfigError(
            f"NEO4J_URI {uri!r} 不是 Neo4j 驱动的地址：应以 bolt://、bolt+s://、neo4j:// 或 neo4j+s:// 开头"
            f"（例如 bolt://127.0.0.1:7687；7474 端口的 http:// 是 Neo4j Browser 的网页地址）。 / "
            f"NEO4J_URI {uri!r} is not a Neo4j driver address: write bolt://, bolt+s://, neo4j:// or "
            f"neo4j+s:// (e.g. bolt://127.0.0.1:7687; http://…:7474 is Neo4j Browser's web address)")


def _driver(neo4j, uri: str, auth: tuple[str, str], connect_timeout_s: float = 10):
    """The driver, asking the server not to send UNRECOGNIZED notifications.

    Neo4j warns about every label, type or property the database does not hold yet (an
    optional table left empty: no Meeting, no Service …) and the driver logs each warning on
    the ``neo4j.notifications`` logger, which lands on stderr of every command. FalkorDB says
    nothing there, and a missing label is normal data, not a mistake in the catalog (which
    Neo4j's linter checks in the tests).
    """
    timeouts = {"connection_timeout": connect_timeout_s, "connection_acquisition_timeout": connect_timeout_s}
    try:
        return neo4j.GraphDatabase.driver(uri, auth=auth, notifications_disabled_classifications=["UNRECOGNIZED"],
                                          **timeouts)
    except (TypeError, neo4j.exceptions.ConfigurationError) as e:
        if "notifications_disabled_classifications" not in str(e):
            raise
        return neo4j.GraphDatabase.driver(uri, auth=auth, **timeouts)  # an older driver: warnings are logged


class _TxWriter(Writer):
    def __init__(self, tx):
        self.tx = tx

    def write(self, cypher: str, params: dict | None = None) -> None:
        self.tx.run(cypher, params or {}).consume()


class Neo4jStore(Store):
    engine = "neo4j"

    def __init__(self, uri: str, user: str, password: str | None, database: str = "neo4j",
                 default_graph: str = "orgnet", *, verify: bool = True, connect_timeout_s: float = 10):
        super().__init__(default_graph)
        import neo4j

        check_uri(uri)
        if not password:
            raise ConfigError(f"NEO4J_URI is set ({uri}) but NEO4J_PASSWORD is not: set NEO4J_PASSWORD")
        self.uri, self.user, self.database = uri, user, database
        try:
            self.driver = _driver(neo4j, uri, (user, password), connect_timeout_s)
        except (ValueError, neo4j.exceptions.ConfigurationError) as e:
            raise ConfigError(f"NEO4J_URI {uri!r} is not a valid Neo4j URI "
                              f"(bolt://, neo4j://, neo4j+s:// …): {e}") from e
        if verify:
            try:
                self.driver.verify_connectivity()
            except neo4j.exceptions.AuthError as e:
                self.driver.close()
                raise ConfigError(f"Neo4j at {uri} refused the credentials of user {user!r}: "
                                  f"check NEO4J_USER and NEO4J_PASSWORD ({e.message})") from e
            except (neo4j.exceptions.ServiceUnavailable, OSError) as e:
                self.driver.close()
                raise StoreUnavailable(f"cannot reach Neo4j at {uri}: check NEO4J_URI and that the "
                                       f"server runs ({e})") from e
            except neo4j.exceptions.Neo4jError as e:  # e.g. a Bolt server reporting bad auth vaguely
                self.driver.close()
                raise StoreUnavailable(f"the server at {uri} refused the connection: check NEO4J_URI, "
                                       f"NEO4J_USER and NEO4J_PASSWORD ({e.message or e})") from e

    @classmethod
    def from_settings(cls, settings: Settings) -> "Neo4jStore":
        return cls(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password,
                   settings.neo4j_database, settings.graph, connect_timeout_s=settings.neo4j_connect_timeout_s)

    @property
    def address(self) -> str:
        return self.uri

    @property
    def edition(self) -> str:
        """``community``, ``enterprise`` (Aura reports enterprise); asked once."""
        if getattr(self, "_edition", None) is None:
            try:
                rows = self._auto("CALL dbms.components() YIELD edition RETURN edition", self.database)
                self._edition = str(rows[0]["edition"]).lower() if rows else "unknown"
            except QueryError:
                self._edition = "unknown"
        return self._edition

    def held_snapshot(self) -> str | None:
        """The snapshot name the configured database's data was loaded as (its load metadata);
        None when it is empty or was loaded before names were stored."""
        rows = self._read_in(self.database, f"MATCH (m:{META_LABEL} {{key: 'meta'}}) RETURN m.snapshot AS s")
        return (rows[0]["s"] or None) if rows else None

    def _check_holds(self, g: str) -> None:
        """Reading ``g`` from the configured database: refused when it holds another snapshot, so
        that no setting (ORGNET_GRAPH) can make one quarter's data answer for another's."""
        held = self.held_snapshot()
        if held and held != g:
            raise NotLoaded(
                f"Neo4j 数据库 {self.database} 中是快照 {held} 的数据，不是 {g}：读取它请用 --graph {held}；"
                f"要查看 {g}，须重新导入 {g}（会替换 {held}）。 / Neo4j database {self.database!r} holds "
                f"snapshot {held!r}, not {g!r}: read it with --graph {held}; to see {g!r}, load it again "
                f"(it replaces {held!r}).")

    def database_for(self, graph: str | None) -> str:
        g = self._graph(graph)
        if g == self.default_graph:
            return self.database
        if self.edition == "community" and g == self.held_snapshot():
            return self.database  # the name the database's data was loaded as
        if self.edition == "community":
            raise ConfigError(
                f"graph {g!r}: Neo4j Community Edition at {self.uri} has a single database "
                f"({self.database!r}), which holds one graph, {self.default_graph!r} (leave out --graph "
                f"to use it). To make {g!r} this server's graph instead, set ORGNET_GRAPH={g} (a load "
                f"then replaces what the database holds); to keep several graphs side by side, point "
                f"NEO4J_URI at one Neo4j server per graph, use Neo4j Enterprise/Aura (one database per "
                f"graph), or the embedded store (unset NEO4J_URI)")
        return g

    # -- errors ------------------------------------------------------------
    def _translate(self, e: Exception, cypher: str, database: str) -> Exception:
        import neo4j

        code = getattr(e, "code", "") or ""
        msg = getattr(e, "message", None) or str(e)
        if isinstance(e, neo4j.exceptions.AuthError):
            return ConfigError(f"Neo4j refused the credentials: check NEO4J_USER / NEO4J_PASSWORD ({msg})")
        if isinstance(e, neo4j.exceptions.ServiceUnavailable):
            return StoreUnavailable(f"cannot reach Neo4j at {self.uri}: check NEO4J_URI ({msg})")
        if "AccessMode" in code or "read access mode" in msg.lower() or "read only" in msg.lower():
            return ReadOnlyViolation("this query would write to the graph; the console only runs "
                                     "read-only queries (load data with `orgnet load`)")
        if "DatabaseNotFound" in code:
            return ConfigError(
                f"Neo4j has no database {database!r}: set NEO4J_DATABASE, or use the default graph "
                f"(Neo4j Community Edition has a single database; named graphs need Enterprise/Aura)")
        if "TransactionTimedOut" in code or "timed out" in msg.lower():
            return QueryError(f"the query timed out: {cypher[:200]}")
        if "java heap space" in msg.lower():
            return QueryError(f"查询耗尽了 Neo4j 服务器的内存（Java heap），已失败；请缩小查询范围 / the query exhausted "
                              f"the Neo4j server's memory (Java heap space) and failed; narrow it down: {cypher[:200]}")
        if "MemoryPoolOutOfMemory" in code or "memory" in msg.lower() and "limit" in msg.lower():
            return QueryError(f"查询所需内存超过服务器为单个事务设定的上限，已被终止；请缩小查询范围 / the query needed "
                              f"more memory than the server allows one transaction (db.memory.transaction.max) "
                              f"and was stopped; narrow it down: {cypher[:200]}")
        return QueryError(f"{msg} in query: {cypher[:500]}")

    # -- reading -----------------------------------------------------------
    def version(self) -> str:
        info = self.driver.get_server_info()
        return (info.agent or "").split("/", 1)[-1]

    def read(self, cypher, params=None, *, graph=None, limit=None, timeout_s=None, scalars=False, stats=None):
        db = self.database_for(graph)
        if db == self.database:
            self._check_holds(self._graph(graph))
        return self._read_in(db, cypher, params, limit=limit, timeout_s=timeout_s, stats=stats)

    def _read_in(self, db: str, cypher: str, params: dict | None = None, *, limit: int | None = None,
                 timeout_s: float | None = None, stats: dict | None = None) -> list[dict]:
        """A read-only query in database ``db`` (see :meth:`Store.read`)."""
        import neo4j

        from orgnet.settings import limits

        refuse_outside_reach(cypher)
        query, values = checked_ranges(cypher), params or {}
        guarded = query != cypher
        if limit is not None:  # the server stops at `limit` rows
            query, values, _ = bound_query(query, values, max(int(limit), 0))
        timeout = timeout_s or limits().query_timeout_s  # a per-transaction timeout, always

        try:
            with self.driver.session(database=db, default_access_mode=neo4j.READ_ACCESS,
                                     fetch_size=min(1000, limit + 1) if limit is not None
                                     else 1000) as s:
                # an explicit transaction: rows are pulled lazily, and leaving early rolls
                # back (the server cancels the rest) instead of draining the result
                with s.begin_transaction(timeout=timeout) as tx:
                    result = tx.run(query, values)
                    keys = result.keys()
                    rows = []
                    for record in result:
                        if limit is not None and len(rows) >= limit:
                            break
                        rows.append({k: to_plain(v) for k, v in zip(keys, record.values())})
                    if stats is not None:  # the server's own time: planning + execution, then streaming
                        summary = result.consume()
                        stats["engine_ms"] = float((summary.result_available_after or 0)
                                                   + (summary.result_consumed_after or 0))
                    tx.rollback()  # read-only: nothing to commit; cancels a partly read result
                    return rows
        except neo4j.exceptions.Neo4jError as e:
            if guarded and RANGE_GUARD_KEY in str(e) or guarded and "Map" in (e.message or ""):
                raise range_refusal(cypher) from e
            raise self._translate(e, cypher, db) from e
        except (neo4j.exceptions.DriverError, OSError) as e:
            raise self._translate(e, cypher, db) from e

    # -- writing -----------------------------------------------------------
    def write(self, cypher, params=None, *, graph=None):
        import neo4j

        db = self.database_for(graph)
        try:
            with self.driver.session(database=db) as s:
                s.execute_write(lambda tx: tx.run(cypher, params or {}).consume())
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as e:
            raise self._translate(e, cypher, db) from e
        self.forget_stored(self._graph(graph))

    def _auto(self, cypher: str, database: str, params: dict | None = None) -> list[dict]:
        """Auto-commit statement (schema, administration, CALL … IN TRANSACTIONS)."""
        import neo4j

        try:
            with self.driver.session(database=database) as s:
                return s.run(cypher, params or {}).data()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as e:
            raise self._translate(e, cypher, database) from e

    @contextlib.contextmanager
    def replacing(self, graph) -> Iterator[Writer]:
        import neo4j

        db = self.database_for(graph)
        self.setup_schema(graph)
        try:
            with self.driver.session(database=db) as s:
                with s.begin_transaction() as tx:
                    tx.run(f"MATCH (n) {_SNAPSHOT_NODE} DETACH DELETE n").consume()
                    yield _TxWriter(tx)
                    tx.commit()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
            raise self._translate(e, "(replace load)", db) from e

    def persist(self, graph=None) -> float:
        """After a load: resample the indexes and drop cached plans (``db.prepareForReplanning``),
        so the next queries are planned on the loaded data. Without it the first query after a
        replacing load could be planned on the empty database's index statistics and keep that
        plan: ``in_service_not_reported`` ran past the 60 s timeout at qindu, and kept doing so."""
        start, db = time.perf_counter(), self.database_for(graph)
        try:
            self._auto("CALL db.prepareForReplanning()", db)
        except QueryError:  # an account without the admin right: resample at least (no wait)
            with contextlib.suppress(QueryError):
                self._auto("CALL db.resampleOutdatedIndexes()", db)
        return time.perf_counter() - start

    # -- administration ----------------------------------------------------
    def setup_schema(self, graph=None):
        db = self.database_for(graph)
        for label in ID_LABELS:
            if label in _PRIMARY_LABELS:
                self._auto(f"CREATE CONSTRAINT orgnet_{label.lower()}_id IF NOT EXISTS "
                           f"FOR (n:{label}) REQUIRE n.id IS UNIQUE", db)
            else:
                self._auto(f"CREATE INDEX orgnet_{label.lower()}_id IF NOT EXISTS "
                           f"FOR (n:{label}) ON (n.id)", db)
        for label, prop in PROPERTY_INDEXES:
            self._auto(f"CREATE INDEX orgnet_{label.lower()}_{prop} IF NOT EXISTS "
                       f"FOR (n:{label}) ON (n.{prop})", db)
        self._auto(f"CREATE INDEX orgnet_meta_key IF NOT EXISTS FOR (n:{META_LABEL}) ON (n.key)", db)

    def list_graphs(self):
        try:
            rows = self._auto("SHOW DATABASES YIELD name, type WHERE type <> 'system' RETURN DISTINCT name",
                              "system")
        except QueryError:
            return [self.default_graph]
        names = []
        for r in rows:
            names.append((self.held_snapshot() or self.default_graph) if r["name"] == self.database else r["name"])
        return sorted(set(names))

    def graph_exists(self, graph):
        db = self.database_for(graph)
        if db == self.database:  # whether the database holds data (a load decides by it), whatever its name
            return bool(self._read_in(db, f"MATCH (n) {_SNAPSHOT_NODE} RETURN count(n) > 0 AS any")[0]["any"])
        return graph in self.list_graphs()

    def drop_graph(self, graph):
        db = self.database_for(graph)
        if db == self.database:  # the configured database is emptied, never dropped
            while self._auto(f"MATCH (n) {_SNAPSHOT_NODE} WITH n LIMIT 10000 DETACH DELETE n "
                             "RETURN count(*) AS c", db)[0]["c"]:
                pass
        else:
            self._auto("DROP DATABASE $name IF EXISTS", "system", {"name": db})
        self.forget_stored(self._graph(graph))

    # -- the follow-up ledger: FollowUp nodes in the default database ----------
    def ledger_read(self, cypher, params=None):
        return self._read_in(self.database, cypher, params)

    def ledger_setup(self):
        for label in LEDGER_LABELS:
            self._auto(f"CREATE CONSTRAINT orgnet_{label.lower()}_key IF NOT EXISTS "
                       f"FOR (n:{label}) REQUIRE n.key IS UNIQUE", self.database)
        self._auto(f"CREATE INDEX orgnet_stored_result IF NOT EXISTS FOR (n:{STORED_LABEL}) "
                   f"ON (n.result, n.graph)", self.database)

    def ledger_write(self, cypher, params=None):
        import neo4j

        try:
            with self.driver.session(database=self.database) as s:
                return s.execute_write(lambda tx: [{k: to_plain(v) for k, v in r.items()}
                                                   for r in tx.run(cypher, params or {}).data()])
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as e:
            raise self._translate(e, cypher, self.database) from e

    def close(self):
        with contextlib.suppress(Exception):
            self.driver.close()
