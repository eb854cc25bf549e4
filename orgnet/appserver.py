"""Start the Streamlit app as a child process, offline-safe (no telemetry, loopback by default).

Stopping ``orgnet app`` (Ctrl+C, SIGTERM, SIGHUP) stops the Streamlit child with it; on
Linux so does its death by ``kill -9`` (the child asks the kernel for SIGTERM when its parent
dies: ``prctl(PR_SET_PDEATHSIG)``), so no orphaned app keeps serving the port. The
embedded database server is started before the app (so a crash-recovering server is
waited for with progress in the terminal); when ``orgnet app`` had to start it, it saves
and stops it again on the way out — a server that was already running stays running.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

from orgnet.settings import Settings, limits

#: the script Streamlit runs: it calls orgnet.app.main() from a folder with no ``pages/`` beside
#: it, so deep links work on a fresh server (see orgnet/webapp/__init__.py)
APP_SCRIPT = Path(__file__).with_name("webapp") / "streamlit_app.py"


def streamlit_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The ``streamlit run`` command line for the orgnet app.

    >>> streamlit_command(8501)[4].endswith("streamlit_app.py")
    True
    """
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--theme.base", "light",
        "--client.toolbarMode", "viewer",
        "--server.fileWatcherType", "none",
        # uploads above the file-size limit are refused by Streamlit before they reach memory
        "--server.maxUploadSize", str(limits().max_file_mb),
    ]


#: prctl(2) option: the signal this process gets when its parent dies (linux/prctl.h)
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` making the child get SIGTERM when ``parent`` dies (Linux; None
    elsewhere). Only async-signal-safe work after fork: one prctl call and a getppid check,
    for a parent that died before the prctl took effect."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)

    def preexec() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def app_env(settings: Settings, graph: str | None = None) -> dict[str, str]:
    """Environment passing orgnet's settings to the app process."""
    env = dict(os.environ)
    env["ORGNET_HOME"] = str(settings.home)
    env["ORGNET_GRAPH"] = graph or settings.graph
    if settings.neo4j_uri:
        env["NEO4J_URI"] = settings.neo4j_uri
    return env


class _Stop(Exception):
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum, frame):  # noqa: ARG001 - signal handler signature
    raise _Stop(signum)


def _end_child(proc: subprocess.Popen, timeout: float = 15.0) -> int:
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


def run_app(settings: Settings, *, port: int = 8501, address: str = "127.0.0.1",
            graph: str | None = None, stop_db: bool | None = None) -> int:
    """Run the app in the foreground until it exits or orgnet is stopped; return its exit code.

    ``stop_db``: stop the embedded server at the end (default: only if this call started it).
    """
    server = None
    if not settings.neo4j_uri:
        from orgnet.graph.stores import embedded_server

        server = embedded_server(settings)
        started = server.start()
        if stop_db is None:
            stop_db = started
    handled = (signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, _raise_stop) for s in handled}
    proc = None
    try:
        proc = subprocess.Popen(streamlit_command(port, address), env=app_env(settings, graph),
                                preexec_fn=die_with_parent(os.getpid()))
        return proc.wait()
    except KeyboardInterrupt:
        return _end_child(proc) if proc else 130
    except _Stop as stop:
        code = _end_child(proc) if proc else 0
        return code if code > 0 else 128 + stop.signum
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if proc is not None and proc.poll() is None:
            _end_child(proc)
        if server is not None and stop_db:
            server.stop()
