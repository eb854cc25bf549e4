"""The Neo4j store: a Neo4j 5 server, cluster or Aura through the official driver.

Selected when ``NEO4J_URI`` is set (``bolt://``, ``neo4j://``, ``neo4j+s://`` …) with
``NEO4J_USER``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``. Reads run in READ access mode
(routed to readers on a cluster; the server refuses writes), writes in managed write
transactions; the database is always passed explicitly.

Graph names map to databases: the default graph (``orgnet``, or ``ORGNET_GRAPH``) is
``NEO4J_DATABASE`` (default ``neo4j``); any other name is a database of that name, which
needs Neo4j Enterprise or Aura. Community Edition has a single database, so it holds ONE
snapshot live, under the name its load stored (``OrgnetMeta.snapshot``): a load of another
name replaces it (the one replaced stays facts-only: ``orgnet.snapshots.load_snapshot``),
the default name ``orgnet`` means the live snapshot whatever its name
(:meth:`Neo4jStore.snapshot_name`), and reading any other name is refused naming the
snapshots held (:meth:`Neo4jStore._check_holds`); see docs/engines.md for why graphs are not
namespaced inside one database.

A ``--replace`` load is staged (:meth:`Neo4jStore.replacing`): the new graph is written in
batches of short transactions under technical labels that no reader matches
(``OrgnetStaging`` + ``Staged<Label>``), then ONE transaction of label changes swaps it in —
the old nodes lose their labels (``OrgnetRetired``), the staged ones get theirs — and the
retired nodes are deleted in batches afterwards. A load into a database that holds no graph
writes its nodes under their own labels (beside ``OrgnetStaging``) and its swap only removes
``OrgnetStaging`` and brings in the load metadata. The catalog matches model labels, and its
few views that start from an unlabelled node leave the technical labels out. Readers see the old graph
or the new one, never a mix; a killed load leaves only technical nodes, which the next load
deletes. Transaction memory no longer grows with the dataset (a qindu load as one transaction
needed more than a 1 GB heap allows), only the swap's label and id changes do. One load at a
time per database: :meth:`Neo4jStore.load_lock` holds a server-side lock that the server
releases when the loading process dies. The follow-up ledger (``FollowUp`` nodes,
:mod:`orgnet.ledger`) and stored results live in the default database beside the graph: a
replace or a drop deletes every node except those.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from orgnet.errors import (
    ConfigError, LoadInProgress, NotLoaded, QueryError, ReadOnlyViolation, StoreError, StoreUnavailable,
)
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
from orgnet.settings import DEFAULT_GRAPH, Settings

#: technical labels of a staged replacing load (module docstring): a node being written, a
#: node of the previous graph waiting for deletion, the node a running load holds (never committed)
STAGING_LABEL = "OrgnetStaging"
RETIRED_LABEL = "OrgnetRetired"
LOCK_LABEL = "OrgnetLoadLock"
#: a staged node's labels are ``Staged<Label>`` until the swap
STAGED_PREFIX = "Staged"
#: every label the swap moves: the model's and the load metadata's
_SWAPPED_LABELS = (*ID_LABELS, META_LABEL)
#: rows of a staged load's DETACH DELETE per inner transaction
_DELETE_BATCH = 10000
#: batches of a load written at once (each its own transaction): two keep both of a small
#: server's cores busy. New nodes lock nothing another batch needs; relationship batches lock
#: their end nodes (a deadlock is a transient error: the driver retries the batch)
_NODE_WRITERS = 2
_REL_WRITERS = 2

#: a node of the snapshot readers see: not the ledger's (which shares the database), not a
#: staged or retired node of a load
_SNAPSHOT_NODE = "WHERE " + " AND ".join(f"NOT n:{label}" for label in (*LEDGER_LABELS, STAGING_LABEL,
                                                                        RETIRED_LABEL))

_PRIMARY_LABELS = ("Area", "PartyOrg", "Unit", "Member", "Agreement", "Need", "Resource",
                   "Service", "Meeting", "Evaluation")


_log = logging.getLogger(__name__)

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
    # managed transactions (every read, every write) are retried on a lost connection or a
    # transient error for as long as a connection may take to open, then the error is reported
    timeouts = {"connection_timeout": connect_timeout_s, "connection_acquisition_timeout": connect_timeout_s,
                "max_transaction_retry_time": connect_timeout_s}
    try:
        return neo4j.GraphDatabase.driver(uri, auth=auth, notifications_disabled_classifications=["UNRECOGNIZED"],
                                          **timeouts)
    except (TypeError, neo4j.exceptions.ConfigurationError) as e:
        if "notifications_disabled_classifications" not in str(e):
            raise
        return neo4j.GraphDatabase.driver(uri, auth=auth, **timeouts)  # an older driver: warnings are logged


class _Enough(Exception):
    """Raised inside a read transaction that has its ``limit`` rows: the driver rolls back
    (nothing is retried: not a driver error) and the rows are returned."""

    def __init__(self, rows: list[dict]):
        super().__init__("enough rows")
        self.rows = rows


class _NoRetry(Exception):
    """A driver error the read must not retry (a query over the memory limit)."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


#: persist() could not replan: the account lacks the right to ``db.prepareForReplanning``
REPLANNING_WARNING = (
    "Neo4j 账户 {user} 无权执行 db.prepareForReplanning（需要管理员权限），导入后的查询可能沿用按空数据库制定的"
    "执行计划而变慢甚至超时；请让管理员执行 CALL db.prepareForReplanning()，或授予该账户权限。 / Neo4j account "
    "{user!r} may not run db.prepareForReplanning on database {db!r} (an admin procedure): queries after this "
    "load may keep plans made for the empty database and run slowly or past their timeout (a qindu rule "
    "once did). Ask an admin to run CALL db.prepareForReplanning(), or grant the account the right. ({error})")

#: seconds a load waits for another load's lock before it is refused
_LOCK_WAIT_S = 3.0


class _StagingWriter(Writer):
    """Writes a new graph aside, batch by batch (each batch a short transaction of its own);
    :meth:`Neo4jStore.replacing` swaps it in at the end.

    Over a loaded graph (``fresh`` false) the nodes carry only technical labels
    (``OrgnetStaging`` + ``Staged<Label>``) and relationships find their ends on the staging
    id index. Into a database that holds no graph (``fresh``) the nodes get their own labels
    at once, beside ``OrgnetStaging`` (what a killed load leaves is still only technical
    nodes, and the views that start from an unlabelled node leave them out), and
    relationships find their ends on the labels' id constraints; the swap then only removes
    ``OrgnetStaging`` and brings in the load metadata, without which readers see an empty
    graph (尚未导入数据) until that transaction commits.
    """

    def __init__(self, store: "Neo4jStore", db: str, fresh: bool = False):
        self.store, self.db, self.fresh = store, db, fresh
        self.timings: dict[str, float] = {}

    def write(self, cypher: str, params: dict | None = None) -> None:
        raise StoreError("a staged Neo4j load writes through write_graph and write_meta only")

    def write_meta(self, props: dict[str, Any]) -> None:
        self._run(f"CREATE (m:{STAGING_LABEL}:{STAGED_PREFIX}{META_LABEL} {{key: 'meta'}}) SET m += $props",
                  {"props": props})

    def node_labels(self, labels: tuple[str, ...]) -> str:
        """The labels a new node is created with (``:``-joined)."""
        return ":".join([STAGING_LABEL, *(labels if self.fresh else (STAGED_PREFIX + x for x in labels))])

    def rel_cypher(self, rel_type: str, src: str, dst: str, props: bool) -> str:
        """Relationships of one type from ``src`` to ``dst`` labelled nodes; a row is
        ``[src id, dst id]`` or ``[src id, dst id, properties]``. Both ends are found on an
        index: the label's id constraint (fresh) or the staging id index."""
        a, b = (src, dst) if self.fresh else (STAGING_LABEL, STAGING_LABEL)
        cypher = (f"UNWIND $rows AS row MATCH (a:{a} {{id: row[0]}}) MATCH (b:{b} {{id: row[1]}}) "
                  f"CREATE (a)-[r:{rel_type}]->(b)")
        # rows of one batch may differ: [src, dst] beside [src, dst, properties]
        return cypher + (" SET r = coalesce(row[2], {})" if props else "")

    def write_graph(self, nodes, rels, hook, batch_size: int) -> dict[str, int]:
        """Every node group, then every relationship type (``load._write_whole``; ``rels`` is
        iterated only after the nodes are written: it may still be being built meanwhile)."""
        first_label: dict[str, str] = {}
        node_groups = []
        for table, labels, rows in nodes:
            first_label.update((r["id"], labels[0]) for r in rows)
            statement = f"UNWIND $rows AS row CREATE (n:{self.node_labels(labels)}) SET n = row"
            node_groups.append((table, [(statement, [{**r["props"], "id": r["id"]} for r in rows])]))
        t0 = time.perf_counter()
        written = self._write_groups(node_groups, hook, batch_size, _NODE_WRITERS)
        t1 = time.perf_counter()
        rel_groups = []
        for name, rel_type, rows in rels:
            ends: dict[tuple[str, str], list[list]] = {}
            for row in rows:  # a relationship group may join several labels (Area → Area, Unit)
                ends.setdefault((first_label[row["src"]], first_label[row["dst"]]), []).append(
                    [row["src"], row["dst"], row["props"]] if row["props"] else [row["src"], row["dst"]])
            rel_groups.append((name, [(self.rel_cypher(rel_type, a, b, any(len(r) > 2 for r in part)), part)
                                      for (a, b), part in ends.items()]))
        written.update(self._write_groups(rel_groups, hook, batch_size, _REL_WRITERS))
        self.timings.update(nodes_s=t1 - t0, relationships_s=time.perf_counter() - t1)
        return written

    def _write_groups(self, groups: list[tuple[str, list[tuple[str, list]]]], hook, batch_size: int,
                      workers: int) -> dict[str, int]:
        """Groups ``[(name, [(cypher, rows)])]`` in batches of ``batch_size`` rows, each batch a
        transaction; ``workers`` batches at once (in order). The hook is called here, in the
        caller's thread: when a group starts (0) and as its batches end."""
        jobs = [(i, statement, part[start:start + batch_size]) for i, (_, parts) in enumerate(groups)
                for statement, part in parts for start in range(0, len(part), batch_size)]
        written: dict[str, int] = {}
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="orgnet-load") as pool:
            futures = [pool.submit(self._run, statement, {"rows": batch}) for _, statement, batch in jobs]
            try:
                pending = list(zip(futures, jobs))
                for i, (name, parts) in enumerate(groups):
                    total, done = sum(len(part) for _, part in parts), 0
                    if hook is not None:
                        hook(name, 0, total)
                    while pending and pending[0][1][0] == i:
                        future, (_, _, batch) = pending.pop(0)
                        future.result()
                        done += len(batch)
                        if hook is not None:
                            hook(name, done, total)
                    written[name] = written.get(name, 0) + done
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return written

    def _run(self, cypher: str, params: dict) -> None:
        self.store._write_tx(self.db, lambda tx: tx.run(cypher, params).consume(), cypher)


class Neo4jStore(Store):
    engine = "neo4j"

    def __init__(self, uri: str, user: str, password: str | None, database: str = "neo4j",
                 default_graph: str = DEFAULT_GRAPH, *, verify: bool = True, connect_timeout_s: float = 10):
        super().__init__(default_graph)
        import neo4j

        check_uri(uri)
        if not password:
            raise ConfigError(f"NEO4J_URI is set ({uri}) but NEO4J_PASSWORD is not: set NEO4J_PASSWORD")
        self.uri, self.user, self.database = uri, user, database
        # every session of this store shares the bookmarks: a read after a load (or a ledger
        # write) waits for it on a cluster's replica instead of reading the graph before it
        self.bookmarks = neo4j.GraphDatabase.bookmark_manager()
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

    def _session(self, db: str, *, read: bool = False, **kw):
        import neo4j

        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS
        return self.driver.session(database=db, default_access_mode=mode, bookmark_manager=self.bookmarks, **kw)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Neo4jStore":
        return cls(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password,
                   settings.neo4j_database, settings.graph, connect_timeout_s=settings.neo4j_connect_timeout_s)

    @property
    def address(self) -> str:
        """The server and database (what in-process caches of stored results are keyed by: two
        databases of one server never share an entry)."""
        return f"{self.uri}/{self.database}"

    _edition: str | None = None

    @property
    def edition(self) -> str:
        """``community``, ``enterprise`` (Aura reports enterprise); asked once."""
        if self._edition is None:
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

    def live_snapshot(self) -> str | None:
        """The snapshot the configured database holds: the name its load stored, the default
        graph's for a load by an orgnet that stored none; None when it holds no load metadata
        (empty, or written without a load)."""
        rows = self._read_in(self.database, f"MATCH (m:{META_LABEL} {{key: 'meta'}}) RETURN m.snapshot AS s")
        return (rows[0]["s"] or self.default_graph) if rows else None

    def snapshot_name(self, graph: str | None) -> str:
        """The snapshot ``graph`` names. On Community (one database, one live snapshot) the
        built-in default name (``orgnet``: no ``--graph``, ORGNET_GRAPH unset) means the live
        snapshot, whatever its name, unless a snapshot of that name is kept; every other name
        means itself, whatever ORGNET_GRAPH says (the name belongs to the data)."""
        g = self._graph(graph)
        if g != DEFAULT_GRAPH or self.edition != "community":
            return g
        return self._resolve(g, self.live_snapshot())

    def _resolve(self, g: str, live: str | None) -> str:
        if g != DEFAULT_GRAPH or live is None or live == g or self._kept_as_facts(g):
            return g
        return live

    def _kept_as_facts(self, g: str) -> bool:
        """Whether snapshot ``g`` has a facts record (``orgnet.graph.snapshots``)."""
        from orgnet.graph.snapshots import FACTS_LABEL, facts_key

        rows = self._read_in(self.database, f"MATCH (r:{FACTS_LABEL} {{key: $key}}) RETURN count(r) AS n",
                             {"key": facts_key(g)})
        return bool(rows and rows[0]["n"])

    def holds_live(self, graph: str | None) -> bool:
        """Whether snapshot ``graph`` is read from a graph of this server: on Community whether it
        is the live one (or the database holds no load metadata: nothing to tell names apart by);
        on Enterprise every name is a database of its own."""
        if self.edition != "community":
            return True
        live = self.live_snapshot()
        return live is None or self._resolve(self._graph(graph), live) == live

    def _check_holds(self, g: str) -> None:
        """Reading ``g`` from the configured database: refused when it holds another snapshot, so
        that no setting (ORGNET_GRAPH) can make one quarter's data answer for another's. On
        Community the refusal names the snapshots held (live and facts-only); a facts-only one
        raises :class:`~orgnet.errors.FactsOnly` (it can be compared, not browsed)."""
        if self.edition == "community":
            live = self.live_snapshot()
            name = g if live is None else self._resolve(g, live)
            if live is not None and name != live:
                from orgnet.graph.snapshots import not_held

                raise not_held(self, name)
            return
        held = self.held_snapshot()
        if held and held != g:
            raise NotLoaded(
                f"Neo4j 数据库 {self.database} 中是快照 {held} 的数据，不是 {g}：读取它请用 --graph {held}；"
                f"要查看 {g}，须重新导入 {g}（会替换 {held}）。 / Neo4j database {self.database!r} holds "
                f"snapshot {held!r}, not {g!r}: read it with --graph {held}; to see {g!r}, load it again "
                f"(it replaces {held!r}).")

    def database_for(self, graph: str | None) -> str:
        """The database of graph ``graph``: the configured one for the default graph, else (Enterprise,
        Aura) a database of that name. Community has one database: every name is written there (a
        load of a new name replaces the live snapshot, whose stored facts stay: ``orgnet.snapshots``),
        and reads check the name (:meth:`_check_holds`)."""
        g = self._graph(graph)
        if g == self.default_graph or self.edition == "community":
            return self.database
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
        if db == self.database:  # one snapshot at a time there: the name must be the one held
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

        @neo4j.unit_of_work(timeout=timeout)  # a per-transaction timeout, always
        def work(tx) -> list[dict]:
            rows: list[dict] = []
            try:
                result = tx.run(query, values)
                keys = result.keys()
                for record in result:
                    if limit is not None and len(rows) >= limit:
                        raise _Enough(rows)  # rolls back: the server cancels the rest
                    rows.append({k: to_plain(v) for k, v in zip(keys, record.values())})
            except neo4j.exceptions.TransientError as e:
                if "MemoryPool" in (e.code or ""):  # the same query would exhaust it again
                    raise _NoRetry(e) from e
                raise
            if stats is not None:  # the server's own time: planning + execution, then streaming
                summary = result.consume()
                stats["engine_ms"] = float((summary.result_available_after or 0)
                                           + (summary.result_consumed_after or 0))
            return rows

        fetch = min(1000, limit + 1) if limit is not None else 1000
        try:
            # a managed read transaction: retried on a lost connection (a restarted server, a
            # cluster member gone) and on transient errors, for up to the connect timeout
            with self._session(db, read=True, fetch_size=fetch) as s:
                return s.execute_read(work)
        except _Enough as enough:
            return enough.rows
        except _NoRetry as stop:
            raise self._translate(stop.error, cypher, db) from stop.error
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
            with self._session(db) as s:
                s.execute_write(lambda tx: tx.run(cypher, params or {}).consume())
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as e:
            raise self._translate(e, cypher, db) from e
        self.forget_stored(self._graph(graph))

    def _auto(self, cypher: str, database: str, params: dict | None = None) -> list[dict]:
        """Auto-commit statement (schema, administration, CALL … IN TRANSACTIONS)."""
        import neo4j

        try:
            with self._session(database) as s:
                return s.run(cypher, params or {}).data()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as e:
            raise self._translate(e, cypher, database) from e

    @contextlib.contextmanager
    def replacing(self, graph) -> Iterator[Writer]:
        """A staged replacing load (module docstring); callers hold :meth:`load_lock`."""
        db = self.database_for(graph)
        self.setup_schema(graph)
        self._setup_staging(db)
        self.clear_technical(db)  # what a killed load left (no other load runs: the lock)
        fresh = not self._holds_graph(db)
        timings = self.load_timings = {}
        writer = _StagingWriter(self, db, fresh)
        try:
            yield writer
        except BaseException:
            with contextlib.suppress(Exception):
                self._delete_labelled(db, STAGING_LABEL)
            raise
        timings.update(writer.timings)
        t0 = time.perf_counter()
        try:
            self._swap(db, fresh)  # one transaction: rolled back whole when it fails
        except BaseException:  # (e.g. over db.memory.transaction.max): the old graph stays, as it was
            with contextlib.suppress(Exception):
                self._delete_labelled(db, STAGING_LABEL)
            raise
        timings["swap_s"] = time.perf_counter() - t0
        if not fresh:
            t0 = time.perf_counter()
            self._delete_labelled(db, RETIRED_LABEL)
            timings["delete_old_s"] = time.perf_counter() - t0

    def _holds_graph(self, db: str) -> bool:
        """Whether ``db`` holds a graph readers see (any node but the ledger's and a load's)."""
        return bool(self._read_in(db, f"MATCH (n) {_SNAPSHOT_NODE} RETURN n.id AS id LIMIT 1"))

    def _setup_staging(self, db: str) -> None:
        self._auto(f"CREATE INDEX orgnet_staging_node_id IF NOT EXISTS FOR (n:{STAGING_LABEL}) ON (n.id)", db)
        self._auto("CALL db.awaitIndexes(300)", db)

    def _swap(self, db: str, fresh: bool = False) -> None:
        """One transaction of label changes: the old graph's nodes lose their labels (retired),
        the staged nodes get theirs. Uniqueness holds: old ids leave their labels' constraints
        before the new ones enter them. A fresh load's nodes have their labels already: only
        the metadata is swapped in and the staging label removed."""
        every = ":".join(_SWAPPED_LABELS)
        statements = [] if fresh else [f"MATCH (n) {_SNAPSHOT_NODE} REMOVE n:{every} SET n:{RETIRED_LABEL}"]
        # a staged node loses the staging label with its first staged label (one write a node)
        statements += [f"MATCH (n:{STAGED_PREFIX}{label}) REMOVE n:{STAGED_PREFIX}{label}:{STAGING_LABEL} "
                       f"SET n:{label}" for label in (() if fresh else ID_LABELS) + (META_LABEL,)]
        statements.append(f"MATCH (n:{STAGING_LABEL}) REMOVE n:{STAGING_LABEL}")  # (fresh: every node)

        def swap(tx) -> None:
            for cypher in statements:
                t0 = time.perf_counter()
                tx.run(cypher).consume()
                _log.debug("swap %.2f s: %s", time.perf_counter() - t0, cypher)

        self._write_tx(db, swap, "(swap of a staged load)")

    def _delete_labelled(self, db: str, label: str) -> None:
        """Delete every node with ``label`` (and its relationships) in batches of transactions."""
        self._auto(f"MATCH (n:{label}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF {_DELETE_BATCH} ROWS", db)

    def clear_technical(self, db: str | None = None) -> None:
        """Delete the staged and retired nodes a killed load left behind (none after a load
        that finished). Call it only while holding :meth:`load_lock`."""
        db = db or self.database
        for label in (STAGING_LABEL, RETIRED_LABEL):
            self._delete_labelled(db, label)

    def technical_leftovers(self, db: str | None = None) -> dict[str, int]:
        """How many staged and retired nodes the database holds (0 and 0 unless a load runs or
        one was killed)."""
        db = db or self.database
        return {label: int(self._read_in(db, f"MATCH (n:{label}) RETURN count(n) AS c")[0]["c"])
                for label in (STAGING_LABEL, RETIRED_LABEL)}

    def _write_tx(self, db: str, work: Callable[[Any], Any], what: str) -> Any:
        """``work(tx)`` in a managed write transaction (retried on transient errors, except
        the transaction memory limit: the same work would exceed it again)."""
        import neo4j

        def once(tx):
            try:
                return work(tx)
            except neo4j.exceptions.TransientError as e:
                if "MemoryPool" in (e.code or ""):
                    raise _NoRetry(e) from e
                raise

        try:
            with self._session(db) as s:
                return s.execute_write(once)
        except _NoRetry as stop:
            raise self._translate(stop.error, what, db) from stop.error
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as e:
            raise self._translate(e, what, db) from e

    @contextlib.contextmanager
    def load_lock(self, graph: str) -> Iterator[None]:
        """One load at a time per database: a transaction kept open for the whole load creates
        the database's ``OrgnetLoadLock`` node (unique key) and never commits it, so it holds
        the key's lock and no one ever sees the node. Before it, a probe with a short timeout
        asks for the same lock: held by another load, it gets
        :class:`~orgnet.errors.LoadInProgress` within seconds (the holder itself has no timeout:
        the server would end it, and release the lock, in the middle of a long load). A killed
        loader's connection closes and the server rolls its transaction back, which releases
        the lock."""
        db = self.database_for(graph)
        self._auto(f"CREATE CONSTRAINT orgnet_load_lock IF NOT EXISTS FOR (n:{LOCK_LABEL}) "
                   f"REQUIRE n.key IS UNIQUE", db)
        with self._session(db) as probe:
            with probe.begin_transaction(timeout=_LOCK_WAIT_S) as tx:
                self._take_lock(tx, db)
                tx.rollback()
        session = self._session(db)
        tx = None
        try:
            tx = session.begin_transaction()  # no timeout: held for the whole load
            self._take_lock(tx, db)  # (a load that started since the probe: waits for it)
            yield
        finally:
            if tx is not None:
                with contextlib.suppress(Exception):
                    tx.close()  # rolls back: the lock node is never committed
            session.close()

    def _take_lock(self, tx, db: str) -> None:
        import neo4j

        try:
            tx.run(f"CREATE (:{LOCK_LABEL} {{key: $key}})", {"key": db}).consume()
        except neo4j.exceptions.Neo4jError as e:
            code = e.code or ""
            if any(word in code for word in ("TransactionTimedOut", "Terminated", "LockClient")):
                raise LoadInProgress(
                    f"Neo4j 数据库 {db} 正在导入另一份数据，请等它完成后再试。 / Another load into Neo4j "
                    f"database {db!r} is running: wait for it to finish, then try again.") from e
            raise self._translate(e, "(load lock)", db) from e

    def persist(self, graph=None) -> float:
        """After a load: resample the indexes and drop cached plans (``db.prepareForReplanning``),
        so the next queries are planned on the loaded data. Without it the first query after a
        replacing load could be planned on the empty database's index statistics and keep that
        plan: ``in_service_not_reported`` ran past the 60 s timeout at qindu, and kept doing so."""
        start, db = time.perf_counter(), self.database_for(graph)
        try:
            self._auto("CALL db.prepareForReplanning()", db)
        except QueryError as e:  # an account without the admin right: resample at least (no wait)
            self._warn(REPLANNING_WARNING.format(user=self.user, db=db, error=str(e)[:200]))
            with contextlib.suppress(QueryError):
                self._auto("CALL db.resampleOutdatedIndexes()", db)
        return time.perf_counter() - start

    def _warn(self, message: str) -> None:
        """A warning the CLI and the app show after the load (``LoadResult.warnings``), logged too."""
        _log.warning(message)
        self.warnings.append(message)

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
        if db == self.database and not self.holds_live(graph):  # Community: another snapshot is live
            return False
        if db == self.database:  # whether the database holds data (a load decides by it), whatever its name
            return bool(self._read_in(db, f"MATCH (n) {_SNAPSHOT_NODE} RETURN count(n) > 0 AS any")[0]["any"])
        return graph in self.list_graphs()

    def counts(self, graph=None):
        """Nodes and relationships of the snapshot readers see (a running load's staged nodes and
        the previous graph's retired ones not counted, nor the metadata and ledger nodes)."""
        g = self._graph(graph)
        if not self.graph_exists(g):
            return {"nodes": 0, "relationships": 0}
        live = f"{_SNAPSHOT_NODE} AND NOT n:{META_LABEL}"
        nodes = self.read(f"MATCH (n) {live} RETURN count(n) AS n", graph=g)
        rels = self.read(f"MATCH (n)-[r]->() {live} RETURN count(r) AS n", graph=g)
        return {"nodes": int(nodes[0]["n"]), "relationships": int(rels[0]["n"])}

    def drop_graph(self, graph):
        db = self.database_for(graph)
        if db == self.database and not self.holds_live(graph):
            pass  # Community: not the live snapshot, no graph to empty (its stored results go below)
        elif db == self.database:  # the configured database is emptied, never dropped
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
            with self._session(self.database) as s:
                return s.execute_write(lambda tx: [{k: to_plain(v) for k, v in r.items()}
                                                   for r in tx.run(cypher, params or {}).data()])
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as e:
            raise self._translate(e, cypher, self.database) from e

    def close(self):
        with contextlib.suppress(Exception):
            self.driver.close()
