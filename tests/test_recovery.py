"""Crash recovery and process edges of the embedded store.

Every test runs its own REAL embedded FalkorDB server in a temporary ORGNET_HOME (the
session server is never killed): ``kill -9`` of the server, restart, reconnect, concurrent
loads, leftovers of killed loads, one server per data directory, stopping ``orgnet app``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers_access import TEST_HEADER, ensure_account

from helpers_stores import cli, free_port, run_cli
from orgnet.errors import LoadInProgress
from orgnet.graph.load import load_dataset
from orgnet.graph.stores.falkordb import EmbeddedServer, FalkorDBStore
from orgnet.graph.stores.falkordb.server import _pid_alive, _servers_in


@pytest.fixture
def server(tmp_path):
    s = EmbeddedServer(tmp_path / "home")
    s.start()
    yield s
    with contextlib.suppress(Exception):
        s.stop()
    for pid, _ in _servers_in(s.data_dir):  # whatever a failed test left behind
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def kill9(server: EmbeddedServer) -> int:
    """kill -9 the server and wait until its process is gone; returns the old pid."""
    pid = server.pid
    os.kill(pid, signal.SIGKILL)
    for _ in range(200):  # gone from /proc: every thread exited, every socket closed
        if not Path(f"/proc/{pid}").exists():
            break
        time.sleep(0.05)
    assert not _pid_alive(pid)
    return pid


def aof_files(server: EmbeddedServer) -> dict[str, Path]:
    """{'base': path, 'incr': path} from the multi-part AOF manifest."""
    d = server.data_dir / "appendonlydir"
    files = {}
    for line in (d / "appendonly.aof.manifest").read_text().splitlines():
        words = line.split()
        kind = words[words.index("type") + 1]
        files[{"b": "base", "i": "incr"}.get(kind, kind)] = d / words[1]
    return files


def test_load_leaves_rdb_base_and_crash_restart_loads_it(server, demo_dataset):
    store = FalkorDBStore(server)
    result = load_dataset(store, demo_dataset, graph="demo", replace=True)
    assert result.persist_seconds > 0
    counts = store.counts("demo")
    indexes = store.read("CALL db.indexes() YIELD label RETURN count(*) AS n", graph="demo")[0]["n"]
    files = aof_files(server)
    # the load sits in an RDB base (FalkorDB serializes graphs with their indexes)...
    assert files["base"].name.endswith(".base.rdb")
    assert files["base"].read_bytes()[:5] == b"REDIS"
    assert files["base"].stat().st_size > 50_000
    # ...and nothing of it is left to replay query by query
    assert b"GRAPH.QUERY" not in files["incr"].read_bytes()
    port = server.port

    kill9(server)
    start = time.monotonic()
    assert server.start() is True
    took = time.monotonic() - start
    assert took < 30, took
    assert server.port == port  # the restarted server keeps its port
    log = server.log_file.read_text()
    assert f"DB loaded from base file {files['base'].name}" in log.rsplit("Server initialized", 1)[1]
    store = FalkorDBStore(server)
    assert store.counts("demo") == counts
    assert store.read("CALL db.indexes() YIELD label RETURN count(*) AS n", graph="demo")[0]["n"] == indexes


def test_running_store_reconnects_after_a_crash(server, tiny_dataset):
    store = FalkorDBStore(server)
    load_dataset(store, tiny_dataset, graph="t", replace=True)
    counts = store.counts("t")
    port = server.port
    # open connections of the killed server linger in TIME_WAIT: the port is still reused
    kill9(server)
    assert store.counts("t") == counts  # the server is started again and the read repeated
    assert server.port == port and server.ping()
    # a server stopped by someone else comes back too
    EmbeddedServer(server.home).stop()
    assert store.list_graphs() == ["t"]
    assert server.port == port


def test_port_taken_by_another_program_picks_a_new_one(server):
    old = server.port
    kill9(server)
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the crash left TIME_WAITs
        squatter.bind(("127.0.0.1", old))
        squatter.listen()
        assert server.start() is True
        assert server.port != old and server.ping()


def test_loading_server_is_waited_for_not_killed(server, tiny_dataset):
    """A server that does not answer yet (replaying its data; here: SIGSTOPped) is waited for
    by every command, with progress notes — never reported as broken with `kill PID`."""
    store = FalkorDBStore(server)
    load_dataset(store, tiny_dataset, graph="t", replace=True)
    notes: list[str] = []
    waiting = EmbeddedServer(server.home, progress=notes.append)
    pid = server.pid
    os.kill(pid, signal.SIGSTOP)
    threading.Timer(14.0, os.kill, (pid, signal.SIGCONT)).start()
    try:
        assert waiting.probe() == "busy"
        start = time.monotonic()
        assert waiting.start(timeout=2) is False  # not started again: the same server answered
        assert time.monotonic() - start >= 3  # it did wait (SIGCONT comes 14 s after SIGSTOP)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert waiting.pid == pid and notes and "loading saved data" in notes[0]
    assert FalkorDBStore(waiting).counts("t")["nodes"] > 0


def test_one_server_per_data_directory(server):
    pid, port = server.pid, server.port
    server.pid_file.unlink()
    server.port_file.write_text("garbled\n")
    again = EmbeddedServer(server.home)
    assert again.start() is False  # found the running server by its data directory
    assert again.port == port and again.pid == pid
    assert [p for p, _ in _servers_in(server.data_dir)] == [pid]
    r = run_cli(server.home, "db", "start")
    assert r.returncode == 0 and "already running" in r.stdout, r.stderr
    assert [p for p, _ in _servers_in(server.data_dir)] == [pid]


def test_second_load_of_a_graph_is_refused_clearly(server, demo_path):
    store = FalkorDBStore(server)
    with store.load_lock("g"):
        r = cli(server.home, "load", str(demo_path), "--graph", "g", "--replace", "--no-progress")
        assert r.returncode == 2
        assert "being loaded right now" in r.stderr and f"pid {os.getpid()}" in r.stderr, r.stderr
        assert "accepted" not in r.stdout, r.stdout  # refused before validating, not after
        with pytest.raises(LoadInProgress):
            with store.load_lock("g"):
                pass
        # another graph may load meanwhile
        r = cli(server.home, "load", str(demo_path), "--graph", "other", "--no-progress")
        assert r.returncode == 0, r.stderr
    assert store.list_graphs() == ["other"]


def test_concurrent_replace_loads_never_corrupt(server, demo_path, demo_dataset):
    cmd = ("load", str(demo_path), "--graph", "g", "--replace", "--no-progress")
    env = {**os.environ, "ORGNET_HOME": str(server.home)}
    env.pop("NEO4J_URI", None)
    procs = [subprocess.Popen([sys.executable, "-c", "from orgnet.cli import main; main()", *cmd],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [(p.wait(300), *p.communicate()) for p in procs]
    for code, _, err in outs:
        assert code == 0 or (code == 2 and "being loaded right now" in err), err
    assert any(code == 0 for code, _, _ in outs)
    store = FalkorDBStore(server)
    assert store.list_graphs() == ["g"] and not store.staging_leftovers()
    expected = FalkorDBStore(server)
    load_dataset(expected, demo_dataset, graph="ref", replace=True)
    assert store.counts("g") == expected.counts("ref")
    idx = lambda g: sorted((r["label"], tuple(r["properties"])) for r in store.read(  # noqa: E731
        "CALL db.indexes() YIELD label, properties RETURN label, properties", graph=g))
    assert idx("g") == idx("ref")


_KILLED_LOAD = """
import sys, time
from orgnet.graph.stores.falkordb import EmbeddedServer, FalkorDBStore
store = FalkorDBStore(EmbeddedServer(sys.argv[1]))
with store.load_lock("g"), store.replacing("g") as w:
    w.write("CREATE (:Unit {id: 'half-written'})")
    print("writing", flush=True)
    time.sleep(600)
"""


def test_leftovers_of_killed_loads_are_cleaned(server):
    store = FalkorDBStore(server)
    store.write("CREATE (:Unit {id: 'old'})", graph="g")
    loader = subprocess.Popen([sys.executable, "-c", _KILLED_LOAD, str(server.home)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert loader.stdout.readline().strip() == "writing"
        # a load in progress: its staging graph is not touched by other commands
        assert FalkorDBStore(server).staging_leftovers() == ["g__loading"]
    finally:
        loader.kill()
        loader.wait()
    assert store.staging_leftovers() == ["g__loading"]  # what a killed load leaves behind
    r = cli(server.home, "db", "status")  # the next command cleans it
    assert r.returncode == 0, r.stderr
    assert store.staging_leftovers() == []
    assert store.read("MATCH (u:Unit) RETURN u.id AS id", graph="g") == [{"id": "old"}]


def _wait_http(url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _start_app(home: Path, port: int) -> subprocess.Popen:
    """`orgnet app --port PORT` on the embedded store under ``home``, as a user starts it
    (signing in whoever the test header names: ``helpers_access.TEST_HEADER``)."""
    ensure_account(home, "admin", "admin")
    env = {**os.environ, "ORGNET_HOME": str(home), "ORGNET_TRUST_USER_HEADER": TEST_HEADER}
    env.pop("NEO4J_URI", None)
    return subprocess.Popen([sys.executable, "-c", "from orgnet.cli import main; main()", "app",
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_sigterm_to_orgnet_app_stops_streamlit_and_its_server(tmp_path):
    home = tmp_path / "home"
    port = free_port()
    app = _start_app(home, port)
    server = EmbeddedServer(home)
    try:
        assert _wait_http(f"http://127.0.0.1:{port}/_stcore/health", 90), "the app did not come up"
        children = _children(app.pid)
        assert children, "no Streamlit child?"
        db_pid = server.pid
        assert db_pid and _pid_alive(db_pid)
        app.send_signal(signal.SIGTERM)
        app.wait(60)
        for pid in children + [db_pid]:
            for _ in range(200):
                if not _pid_alive(pid):
                    break
                time.sleep(0.05)
            assert not _pid_alive(pid), f"pid {pid} survived SIGTERM to orgnet app"
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0  # nobody serves the app any more
    finally:
        if app.poll() is None:
            app.kill()
        for pid in _children(app.pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            server.stop()


@pytest.mark.slow
def test_kill_9_of_orgnet_app_takes_the_streamlit_child_with_it(tmp_path):
    """After kill -9 of `orgnet app` its Streamlit child used to keep serving the port; no more."""
    home = tmp_path / "home"
    port = free_port()
    app = _start_app(home, port)
    children: list[int] = []
    try:
        assert _wait_http(f"http://127.0.0.1:{port}/_stcore/health", 90), "the app did not come up"
        children = _children(app.pid)
        assert children, "no Streamlit child?"
        app.kill()  # SIGKILL: orgnet gets no chance to stop its child
        app.wait(30)
        for pid in children:
            for _ in range(300):
                if not _pid_alive(pid):
                    break
                time.sleep(0.05)
            assert not _pid_alive(pid), f"the Streamlit child {pid} survived kill -9 of orgnet app"
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0  # nobody serves the app any more
    finally:
        for pid in children:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            EmbeddedServer(home).stop()


def _post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, str]:
    """(status, Set-Cookie header) of a POST."""
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Set-Cookie") or ""
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Set-Cookie") or ""


@pytest.mark.slow
def test_the_session_cookie_is_set_by_the_server_httponly(tmp_path):
    """The session cookie used to be written by the page's script (readable by any script,
    never Secure). `orgnet app` now has its own route that sets it HttpOnly; SameSite=Strict,
    Secure when the browser came over https (directly or through the proxy)."""
    home = tmp_path / "home"
    port = free_port()
    app = _start_app(home, port)
    url = f"http://127.0.0.1:{port}/_orgnet/session"
    try:
        assert _wait_http(f"http://127.0.0.1:{port}/_stcore/health", 90), "the app did not come up"
        status, cookie = _post(url, b'{"code": ""}')  # sign-out: the cookie cleared
        assert status == 204, status
        attrs = [a.strip().lower() for a in cookie.split(";")]
        assert attrs[0].startswith("orgnet_session=") and "httponly" in attrs and "samesite=strict" in attrs
        assert "max-age=0" in attrs and "secure" not in attrs  # plain http here
        status, cookie = _post(url, b'{"code": ""}', {"X-Forwarded-Proto": "https"})
        assert status == 204 and "secure" in [a.strip().lower() for a in cookie.split(";")]
        assert _post(url, b'{"code": "made-up"}') == (403, "")  # only a grant the app made sets one
        assert _post(url, b'{"code": "' + b"x" * 100_000 + b'"}')[0] == 413  # no big bodies read
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(60)
        except subprocess.TimeoutExpired:
            app.kill()
        EmbeddedServer(home).stop()


@pytest.mark.slow
def test_qindu_crash_recovery_within_30s(server, tmp_path):
    """kill -9 right after loading the qindu preset: back with everything in ≤ 30 s."""
    from orgnet.synthetic import generate
    from orgnet.loaders.validate import validate_path

    generate("qindu", tmp_path / "qindu")
    dataset = validate_path(tmp_path / "qindu").dataset
    store = FalkorDBStore(server)
    load_dataset(store, dataset, graph="qindu", replace=True)
    counts = store.counts("qindu")
    assert counts["nodes"] > 60_000
    port = server.port
    kill9(server)
    start = time.monotonic()
    assert store.counts("qindu") == counts  # any command: the store restarts it and reconnects
    took = time.monotonic() - start
    print(f"qindu: back with {counts} in {took:.1f}s")
    assert took <= 30, took
    assert server.port == port


def test_app_script_has_no_legacy_pages_folder_beside_it():
    """Streamlit runs a ``pages/`` folder beside the main script as legacy pages until
    ``st.navigation`` ran once: deep links on a fresh server then showed a blank page."""
    from orgnet.appserver import APP_SCRIPT, streamlit_command

    assert APP_SCRIPT.is_file() and not (APP_SCRIPT.parent / "pages").exists()
    assert str(APP_SCRIPT) in streamlit_command(8501)


@pytest.mark.browser
@pytest.mark.slow
def test_deep_links_on_a_fresh_app(tmp_path, demo_path):
    """`orgnet app` just started, nobody opened `/`: `/gaps` and `/explorer?id=…` render."""
    if not Path(os.environ.get("ORGNET_CHROMIUM") or "/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    sync_api = pytest.importorskip("playwright.sync_api")
    home = tmp_path / "home"
    assert cli(home, "load", str(demo_path), "--no-progress").returncode == 0
    port = free_port()
    app = _start_app(home, port)
    url = f"http://127.0.0.1:{port}"
    try:
        assert _wait_http(f"{url}/_stcore/health", 90), "the app did not come up"
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=os.environ.get("ORGNET_CHROMIUM") or "/usr/bin/chromium",
                                        args=["--no-sandbox", "--headless", "--disable-gpu"])
            try:
                for path, title in (("/gaps", ("覆盖缺口", "Coverage gaps")),
                                    ("/explorer?id=C01", ("网络浏览", "Explorer"))):
                    ctx = browser.new_context(extra_http_headers={TEST_HEADER: "admin"})
                    page = ctx.new_page()
                    page.goto(url + path)
                    page.wait_for_selector("h1", timeout=60_000)
                    assert page.url.startswith(url + path.split("?")[0])
                    assert any(t in page.locator("h1").first.inner_text() for t in title)
                    ctx.close()
            finally:
                browser.close()
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(60)
        except subprocess.TimeoutExpired:
            app.kill()
        EmbeddedServer(home).stop()
