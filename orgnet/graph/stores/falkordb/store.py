"""The store on the embedded FalkorDB server: queries with the server's refusals as orgnet
errors, reconnection after a crash, replacing loads through a staging graph, load locks."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from orgnet.errors import LoadInProgress, QueryError, ReadOnlyViolation, StoreError, StoreUnavailable
from orgnet.graph.stores.base import (
    ID_LABELS, LEDGER_GRAPH, LEDGER_LABEL, META_LABEL, STORED_LABEL, PROPERTY_INDEXES, STAGING_SUFFIX, GraphWriter, Store,
    batched, check_graph_name,
)
from orgnet.graph.stores.bound import bound_query, checked_ranges, range_refusal
from orgnet.graph.stores.falkordb.reply import (
    _column_names, _compact_query, _verbose_query, _write_text, params_header, to_plain,
)
from orgnet.graph.stores.falkordb.server import (
    _DEATH_WAIT_S, _RO_REFUSAL, HOST, EmbeddedServer, _flock_held, _gone_within, _pid_alive,
)
from orgnet.graph.stores.reach import refuse_outside_reach
from orgnet.settings import DEFAULT_GRAPH


class StagingWriter(GraphWriter):
    """The staging graph of a replacing load: Cypher writes, or a whole new graph at once
    through the bulk protocol (:meth:`write_graph`)."""

    def write_graph(self, nodes, relationships, hook=None, batch_size: int = 5000) -> dict[str, int] | None:
        """Write the staging graph's nodes ``[(table, labels, rows)]`` and relationships
        ``[(table, type, rows)]`` with GRAPH.BULK, ``batch_size`` rows per command
        (``hook(table, done, total)`` after each, as for Cypher writes); rows written per table,
        or None when a value needs Cypher (the staging graph is then empty again, with its id
        indexes)."""
        from orgnet.graph.stores.bulk import BulkCommands, BulkUnsupported

        store, graph = self.store, self.graph
        if store._command("EXISTS", graph):  # BEGIN creates the graph: only its id indexes are lost
            store._command("GRAPH.DELETE", graph)
        commands = BulkCommands(lambda args: store._call(
            lambda db: db.connection.execute_command("GRAPH.BULK", graph, *args), "GRAPH.BULK", retry=False))
        written: dict[str, int] = {}
        try:
            for table, labels, rows in nodes:
                written[table] = _bulk_table(table, rows, hook, batch_size,
                                             lambda part, x=labels: commands.nodes(x, part), commands.flush)
            for table, rel_type, rows in relationships:
                written[table] = _bulk_table(table, rows, hook, batch_size,
                                             lambda part, x=rel_type: commands.relationships(x, part), commands.flush)
        except BulkUnsupported:
            store.drop_graph(graph)
            store.setup_schema(graph, ids_only=True)
            return None
        store.setup_schema(graph, ids_only=True)
        return written


def _bulk_table(table: str, rows: list, hook, batch_size: int, queue, flush) -> int:
    """Send one table's rows in commands of ``batch_size`` rows, telling ``hook`` after each."""
    if not rows:
        return 0
    if hook is not None:
        hook(table, 0, len(rows))
    for start in range(0, len(rows), max(int(batch_size), 1)):
        part = rows[start:start + batch_size]
        queue(part)
        flush()
        if hook is not None:
            hook(table, start + len(part), len(rows))
    return len(rows)


class FalkorDBStore(Store):
    """A store on a FalkorDB server (normally the embedded one).

    When the server goes away (crash, ``kill -9``, ``orgnet db stop``) the store restarts it
    (or waits while it reloads its data), reconnects to wherever it listens now and repeats
    a command that never reached it. A command the server died running is never repeated
    (it may be what killed it): a query past the server's memory limit is reported as
    stopped for memory (QueryError), anything else as StoreUnavailable.
    """

    engine = "falkordb"

    def __init__(self, server: EmbeddedServer, default_graph: str = DEFAULT_GRAPH, *, start: bool = True):
        super().__init__(default_graph)
        self.server = server
        self.autostart = start
        if start:
            server.ensure_running()
        elif not server.ping():
            raise StoreUnavailable(
                f"the embedded database is not running ({server.dir}): run `orgnet db start`")
        self._connect()
        with contextlib.suppress(StoreError):
            self.clean_leftovers()

    def _connect(self) -> None:
        from falkordb import FalkorDB

        self.db = FalkorDB(host=HOST, port=self.server.port, password=self.server.password,
                           socket_connect_timeout=5)
        #: the server process this store talks to (did it die during a command?)
        self._server_pid = self.server.pid

    def _reconnect(self, error: Exception) -> None:
        """The connection broke: bring the server back (or wait for it) and reconnect."""
        with contextlib.suppress(Exception):
            self.db.connection.close()
        if self.autostart:
            self.server.ensure_running()
        elif not self.server.ping():
            raise StoreUnavailable(
                f"lost the embedded database at {self.address}: {error}; run `orgnet db start`") from error
        self._connect()

    @property
    def address(self) -> str:
        return self.server.address

    def version(self) -> str:
        return self.server.info()["falkordb_version"]

    def _reconnecting(self, fn, *, retry: bool = True):
        """``fn(db)``; on a broken connection reconnect, then repeat it when it never reached
        the server, or when ``retry`` and the server did not die running it; else raise
        (:meth:`_not_repeated`)."""
        import redis

        pid = self._server_pid
        alive = pid is not None and _pid_alive(pid)  # before sending: did it die running this?
        try:
            try:
                return fn(self.db)
            except redis.exceptions.ConnectionError as e:
                sent = "connecting to" not in str(e)  # the pool reconnects a stale socket first
                died = sent and alive and _gone_within(pid, _DEATH_WAIT_S)
                memory = died and self.server.died_of_memory()
                self._reconnect(e)
                if sent and (died or not retry):
                    raise self._not_repeated(e, died=died, memory=memory) from e
                return fn(self.db)
        except redis.exceptions.ConnectionError as e:
            raise StoreUnavailable(
                f"lost the embedded database at {self.address}: {e}; run `orgnet db start` "
                f"(log: {self.server.log_file})") from e

    def _not_repeated(self, error: Exception, *, died: bool, memory: bool) -> StoreError | QueryError:
        """Why a command that reached the server was not sent again."""
        if memory:
            from orgnet.settings import db_memory_mb

            mb = db_memory_mb()
            return QueryError(
                f"查询因内存不足被停止：数据库进程超出内存上限 {mb:,} MB 后已重新启动，该查询未重新执行；请缩小查询范围 / "
                f"the query was stopped for memory: the database went past its memory limit of {mb:,} MB "
                f"(ORGNET_DB_MEM_MB) and was restarted; the query was not run again ({error})")
        if died:
            return StoreUnavailable(
                "数据库在执行该命令时停止，已重新启动；该命令未重新执行 / the embedded database stopped while "
                f"running this command and is back now; the command was not run again ({error}; "
                f"log: {self.server.log_file})")
        return StoreUnavailable(
            "the embedded database went away during a write, which may be lost; it is "
            f"back now: run the command again ({error})")

    def _call(self, fn, cypher: str, *, retry: bool = True, guarded: bool = False):
        """``fn(db)`` with the server's refusals as orgnet errors; ``guarded``: the query sent
        had its ``range()`` calls guarded (:func:`bound.checked_ranges`)."""
        import redis

        try:
            return self._reconnecting(fn, retry=retry)
        except redis.exceptions.ResponseError as e:
            msg = str(e)
            if guarded and "but was Map" in msg:
                raise range_refusal(cypher) from e
            if _RO_REFUSAL in msg:
                raise ReadOnlyViolation(
                    "this query would write to the graph; the console only runs read-only queries "
                    "(load data with `orgnet load`)") from e
            if "empty key" in msg:
                raise QueryError(
                    f"the graph does not exist (graphs: {', '.join(self.list_graphs()) or 'none'}); "
                    "load data with `orgnet load PATH --graph NAME`") from e
            if "timed out" in msg.lower():
                raise QueryError(f"the query timed out: {cypher[:200]}") from e
            if "mem consumption exceeded capacity" in msg:
                from orgnet.settings import limits

                raise QueryError(
                    f"查询占用内存超过上限 {limits().query_mem_mb} MB，已中止；请缩小查询范围（加条件或 LIMIT）/ "
                    f"the query used more memory than the limit of {limits().query_mem_mb} MB per "
                    f"query (ORGNET_QUERY_MEM_MB, applied when the database starts): {cypher[:200]}"
                ) from e
            raise QueryError(f"{msg} in query: {cypher[:500]}") from e

    def read(self, cypher, params=None, *, graph=None, limit=None, timeout_s=None, scalars=False, stats=None):
        refuse_outside_reach(cypher)
        query = checked_ranges(cypher)
        name = self._graph(graph)
        timeout = int(timeout_s * 1000) if timeout_s else None
        guarded = query != cypher
        if limit is not None:  # the engine stops at `limit` rows (nothing more is sent)
            query, params, _ = bound_query(query, params, max(int(limit), 0))
        fetch = _verbose_query if scalars else _compact_query
        names, rows, engine_ms = self._call(lambda db: fetch(db, name, query, params, timeout), cypher,
                                            guarded=guarded)
        rows = rows if limit is None else rows[:limit]
        out = [dict(zip(names, row)) for row in rows]
        if stats is not None:
            stats["engine_ms"] = engine_ms
        return out

    def write(self, cypher, params=None, *, graph=None):
        name = self._graph(graph)
        self._call(lambda db: db.select_graph(name).query(cypher, params or None), cypher, retry=False)
        self.forget_stored(name)

    def write_batches(self, cypher, rows, *, graph=None, batch_size=5000, progress=None):
        """Run ``cypher`` over ``rows`` batch after batch, writing each batch's parameters
        (:func:`params_header`) while the server still runs the previous one."""
        from concurrent.futures import ThreadPoolExecutor

        name = self._graph(graph)
        written = 0

        def settle(pending, size: int) -> None:  # the previous batch is written
            nonlocal written
            pending.result()
            written += size
            if progress is not None:
                progress(size)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="orgnet-write") as pool:
            pending, size = None, 0
            for batch in batched(rows, batch_size):
                params = {"rows": batch}
                header = params_header(params)
                if header is None:
                    header = self.db.select_graph(name)._build_params_header(params)
                text = header + cypher
                if pending is not None:
                    settle(pending, size)
                pending = pool.submit(self._call, lambda db, text=text: _write_text(db, name, text), cypher,
                                      retry=False)
                size = len(batch)
            if pending is not None:
                settle(pending, size)
        self.forget_stored(name)
        return written

    def _command(self, *args):
        return self._reconnecting(lambda db: db.connection.execute_command(*args),
                                  retry=args[0] in ("GRAPH.LIST", "EXISTS"))

    def setup_schema(self, graph=None, *, ids_only: bool = False):
        g = self._graph(graph)
        statements = [f"CREATE INDEX FOR (n:{label}) ON (n.id)" for label in ID_LABELS]
        statements += [f"CREATE INDEX FOR (n:{label}) ON (n.{prop})" for label, prop in PROPERTY_INDEXES]
        statements.append(f"CREATE INDEX FOR (n:{META_LABEL}) ON (n.key)")
        if ids_only:
            statements = [f"CREATE INDEX FOR (n:{label}) ON (n.id)" for label in ID_LABELS]
        for stmt in statements:
            try:
                self.write(stmt, graph=g)
            except QueryError as e:
                if "already indexed" not in str(e):
                    raise
        for label in [] if ids_only else ID_LABELS:
            self._unique(g, label, "id")

    def _unique(self, graph: str, label: str, prop: str) -> None:
        """A unique constraint on ``label.prop`` in ``graph`` (kept when it exists)."""
        import redis

        try:
            self._command("GRAPH.CONSTRAINT", "CREATE", graph, "UNIQUE", "NODE", label, "PROPERTIES", 1, prop)
        except redis.exceptions.ResponseError as e:
            if "already exists" not in str(e).lower():
                raise StoreError(f"could not create the unique constraint on {label}.{prop}: {e}") from e

    def list_graphs(self):
        return sorted(g for g in self._all_graphs() if not g.endswith(STAGING_SUFFIX) and g != LEDGER_GRAPH)

    def _all_graphs(self) -> list[str]:
        graphs = self._command("GRAPH.LIST")
        return [g.decode() if isinstance(g, bytes) else g for g in graphs]

    def graph_exists(self, graph):
        return bool(self._command("EXISTS", graph))

    def drop_graph(self, graph):
        if self._command("EXISTS", graph):
            self._command("GRAPH.DELETE", graph)
        self.forget_stored(graph)

    @contextlib.contextmanager
    def replacing(self, graph):
        """Load into ``<graph>__loading``, then RENAME it over ``graph`` (atomic in Redis).

        A load killed at any moment leaves only the staging key behind, which the next
        command that opens a store deletes (its load lock is free: see clean_leftovers);
        ``graph`` itself is never touched until the rename. Callers hold load_lock(graph).
        """
        staging = graph + STAGING_SUFFIX
        self.drop_graph(staging)
        self.setup_schema(staging, ids_only=True)
        try:
            yield StagingWriter(self, staging)
            self.setup_schema(staging)
        except BaseException:
            with contextlib.suppress(Exception):
                self.drop_graph(staging)
            raise
        if not self._command("EXISTS", staging):  # nothing was written: an empty graph
            self.write("CREATE (m:OrgnetMeta {key: 'empty'}) DELETE m", graph=staging)
        self._command("RENAME", staging, graph)

    def staging_leftovers(self) -> list[str]:
        return [g for g in self._all_graphs() if g.endswith(STAGING_SUFFIX)]

    # -- loads: one at a time per graph, durable when done -----------------
    def _load_lock_file(self, graph: str) -> Path:
        return self.server.loads_dir / f"{check_graph_name(graph)}.lock"

    @contextlib.contextmanager
    def load_lock(self, graph: str) -> Iterator[None]:
        """Hold the load lock of ``graph`` (an flock in ``<home>/falkordb/loads/``): a second
        load of the same graph is refused while this one runs. The kernel releases the lock
        when the process dies, so a killed load never blocks the next one."""
        path = self._load_lock_file(graph)
        path.parent.mkdir(parents=True, exist_ok=True)
        f = open(path, "a+")
        try:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.seek(0)
                owner = f.read().strip() or "another process"
                raise LoadInProgress(
                    f"graph {graph!r} is being loaded right now ({owner}); wait until that "
                    f"`orgnet load` finishes and run yours again, or load into another graph with "
                    f"--graph NAME") from None
            f.seek(0)
            f.truncate()
            f.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
            f.flush()
            yield
        finally:
            f.close()  # releases the flock

    def _load_running(self, graph: str) -> bool:
        return _flock_held(self._load_lock_file(graph))

    def clean_leftovers(self) -> list[str]:
        """Drop the staging graphs of loads that were killed (nobody holds their load lock).
        Runs whenever a store is opened; returns the graphs dropped."""
        dropped = []
        for staging in self.staging_leftovers():
            graph = staging[: -len(STAGING_SUFFIX)]
            try:
                running = self._load_running(graph)
            except (OSError, StoreError):
                continue  # a name we would not have made: leave it alone
            if not running:
                self.drop_graph(staging)
                dropped.append(staging)
        return dropped

    def persist(self, graph: str | None = None) -> float:
        """Make what was loaded survive a crash quickly: rewrite the AOF into an RDB base."""
        return self.server.compact()

    # -- the follow-up ledger: a graph of its own -------------------------------
    def ledger_read(self, cypher, params=None):
        if not self._command("EXISTS", LEDGER_GRAPH):
            return []
        return self.read(cypher, params, graph=LEDGER_GRAPH)

    def ledger_setup(self):
        try:
            self.ledger_write(f"CREATE INDEX FOR (n:{LEDGER_LABEL}) ON (n.key)")
        except QueryError as e:
            if "already indexed" not in str(e):
                raise
        try:
            self.ledger_write(f"CREATE INDEX FOR (n:{STORED_LABEL}) ON (n.result, n.graph)")
        except QueryError as e:
            if "already indexed" not in str(e):
                raise
        self._unique(LEDGER_GRAPH, LEDGER_LABEL, "key")

    def ledger_write(self, cypher, params=None):
        res = self._call(lambda db: db.select_graph(LEDGER_GRAPH).query(cypher, params or None), cypher,
                         retry=False)
        names = _column_names(res.header)
        return [dict(zip(names, (to_plain(v) for v in row))) for row in res.result_set or []]

    def close(self):
        with contextlib.suppress(Exception):
            self.db.connection.close()
