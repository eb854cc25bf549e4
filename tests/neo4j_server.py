"""A real Neo4j 5 LTS Community server for the tests (and the benchmark), started here.

``tools/neo4j-server`` holds a small Java launcher around ``org.neo4j.test:neo4j-harness``
(Maven Central, version pinned in its pom.xml). ``make deps-neo4j`` builds it; if it is
not built yet and Java + Maven are installed, :func:`build` builds it on first use.
The server listens on 127.0.0.1 and a free port, with authentication on (user ``neo4j``,
a random password given to it through the environment), set up so that LOAD CSV reads no
file and fetches no URL (docs/engines.md), prints its Bolt URI when ready
and exits when its standard input closes, so it never outlives the test session.

>>> server = Neo4jTestServer(tmp_dir); server.start()          # doctest: +SKIP
>>> server.uri, server.user, server.password                   # doctest: +SKIP
"""

from __future__ import annotations

import os
import queue
import secrets
import shutil
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER_DIR = ROOT / "tools" / "neo4j-server"
JAR = SERVER_DIR / "target" / "orgnet-neo4j-server-1.jar"
CLASSPATH = SERVER_DIR / "target" / "classpath.txt"
SOURCES = (SERVER_DIR / "pom.xml", SERVER_DIR / "src" / "main" / "java" / "orgnet" / "Neo4jTestServer.java")
READY = "ORGNET_NEO4J_READY "
INSTALL_HINT = ("install Java 17+ and Maven (Debian: apt-get install -y default-jdk-headless maven), "
                "then run `make deps-neo4j`; or set NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD to an existing "
                "Neo4j 5 server")


class Neo4jServerUnavailable(RuntimeError):
    """The test server cannot be built or started; the message says why and what to do."""


def _built() -> bool:
    if not (JAR.exists() and CLASSPATH.exists()):
        return False
    built = JAR.stat().st_mtime  # touched after every build (Maven may keep an older one)
    return all(src.stat().st_mtime <= built for src in SOURCES)


def build(timeout: float = 900) -> None:
    """Build the launcher with Maven (quiet; offline once ~/.m2 holds the artifacts)."""
    if _built():
        return
    missing = [tool for tool in ("java", "mvn") if not shutil.which(tool)]
    if missing:
        raise Neo4jServerUnavailable(f"the Neo4j test server is not built and {' and '.join(missing)} "
                                     f"{'is' if len(missing) == 1 else 'are'} not installed: {INSTALL_HINT}")
    try:
        r = subprocess.run(["mvn", "-q", "-B", "-Dstyle.color=never", "package"], cwd=SERVER_DIR,
                           capture_output=True, text=True, timeout=timeout)
        if r.returncode == 0 and JAR.exists():
            JAR.touch()
    except subprocess.TimeoutExpired as e:
        raise Neo4jServerUnavailable(f"`mvn -q -B package` in {SERVER_DIR} took more than {timeout:.0f} s") from e
    if r.returncode != 0 or not _built():
        tail = "\n".join((r.stdout + r.stderr).strip().splitlines()[-25:])
        raise Neo4jServerUnavailable(f"`mvn -q -B package` in {SERVER_DIR} failed (exit {r.returncode}); "
                                     f"is Maven Central reachable?\n{tail}")


class Neo4jTestServer:
    """One Neo4j 5 Community process; :meth:`start` blocks until Bolt accepts connections."""

    user = "neo4j"
    database = "neo4j"

    def __init__(self, workdir: str | os.PathLike, *, heap: str = "1g", pagecache_mb: int = 128,
                 jvm_options: tuple[str, ...] = ("-XX:+UseSerialGC",)):
        self.workdir = Path(workdir)
        self.heap, self.pagecache_mb, self.jvm_options = heap, pagecache_mb, tuple(jvm_options)
        self.password = "orgnet-" + secrets.token_hex(8)
        self.uri: str | None = None
        self.start_seconds: float | None = None
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "neo4j-launcher.log"

    def start(self, timeout: float = 180) -> "Neo4jTestServer":
        build()
        java = shutil.which("java")
        if not java:
            raise Neo4jServerUnavailable(f"java is not installed: {INSTALL_HINT}")
        self.workdir.mkdir(parents=True, exist_ok=True)
        cp = f"{JAR}{os.pathsep}{CLASSPATH.read_text().strip()}"
        env = {**os.environ, "ORGNET_NEO4J_PASSWORD": self.password,
               "ORGNET_NEO4J_PAGECACHE_MB": str(self.pagecache_mb)}
        t0 = time.monotonic()
        log = open(self.log_path, "wb")  # noqa: SIM115 - kept open for the process' life
        self.proc = subprocess.Popen(
            [java, f"-Xmx{self.heap}", *self.jvm_options, "-cp", cp, "orgnet.Neo4jTestServer", str(self.workdir / "data")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump(stream):
            for raw in stream:
                lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, args=(self.proc.stdout,), daemon=True).start()
        deadline = t0 + timeout
        seen: list[str] = []
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = ""
            if line and line.startswith(READY):
                self.uri = line[len(READY):].split()[0].rstrip("/")
                self.start_seconds = time.monotonic() - t0
                return self
            if line:
                seen.append(line)
            if line is None or self.proc.poll() is not None or time.monotonic() > deadline:
                why = (f"exited with code {self.proc.poll()}" if self.proc.poll() is not None
                       else f"was not ready after {timeout:.0f} s")
                self.stop()
                raise Neo4jServerUnavailable(
                    f"the Neo4j test server {why}; its output:\n" + "\n".join(seen[-20:])
                    + "\n" + self.log_tail())

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 15) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()  # the launcher shuts Neo4j down on EOF (a throwaway database:
                # killed if the checkpoint takes longer)
            proc.wait(timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait(timeout=10)

    def env(self) -> dict[str, str]:
        """The variables that point orgnet (and its CLI) at this server."""
        return {"NEO4J_URI": self.uri or "", "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password,
                "NEO4J_DATABASE": self.database}


def one_database_store(uri: str, user: str, password: str, database: str = "neo4j"):
    """A Neo4j store for the engine-parametrized tests on Community Edition.

    The tests give every dataset its own graph name (``rules_tiny``, ``lk_demo_0`` …);
    Community has one database (docs/engines.md), so this store maps EVERY graph name to
    that database and remembers which graph it holds. Loading another graph replaces the
    content (``graph_exists`` is false for it); reading or writing a graph that is not the
    one held fails loudly instead of answering from the wrong data. Test helpers call
    :meth:`holds` to reload a dataset when another one was loaded in between.
    """
    import contextlib

    from orgnet.graph.stores.base import STORED_LABEL
    from orgnet.graph.stores.neo4j import Neo4jStore

    class OneDatabaseStore(Neo4jStore):
        current: str | None = None

        def holds(self, graph: str) -> bool:
            return self.current == graph

        def database_for(self, graph):
            return self.database

        def _check(self, graph, writing: bool) -> None:
            g = self._graph(graph)
            if self.current is None and writing:
                self.current = g  # a fresh graph starts in the (emptied) database
            elif g != self.current:
                raise AssertionError(f"the Neo4j test database holds graph {self.current!r}, not {g!r}: "
                                     f"load it first (tests/neo4j_server.py)")

        def read(self, cypher, params=None, *, graph=None, **kw):
            self._check(graph, False)
            return super().read(cypher, params, graph=graph, **kw)

        def write(self, cypher, params=None, *, graph=None):
            self._check(graph, True)
            return super().write(cypher, params, graph=graph)

        @contextlib.contextmanager
        def replacing(self, graph):
            with super().replacing(graph) as writer:
                yield writer
            self.current = self._graph(graph)

        def graph_exists(self, graph):
            return self.current == self._graph(graph) and super().graph_exists(graph)

        def list_graphs(self):
            return [self.current] if self.current else []

        def drop_graph(self, graph):
            if self.current in (None, self._graph(graph)):
                self.empty()

        def empty(self) -> None:
            super().drop_graph(self.live_snapshot() or self.default_graph)  # empties the configured database
            self.clear_technical()  # what a killed or failed staged load left
            # results stored for any graph name held before (the real store keys them all by
            # the one graph Community holds; here each test's name has its own)
            self.ledger_write(f"MATCH (r:{STORED_LABEL}) DELETE r")
            self.current = None

    return OneDatabaseStore(uri, user, password, database)
