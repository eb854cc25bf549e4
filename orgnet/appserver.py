"""Start the Streamlit app as a child process, offline-safe (no telemetry, loopback by default)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from orgnet.settings import Settings, limits

APP_SCRIPT = Path(__file__).with_name("app.py")


def streamlit_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The ``streamlit run`` command line for the orgnet app.

    >>> streamlit_command(8501)[4].endswith("app.py")
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


def app_env(settings: Settings, graph: str | None = None) -> dict[str, str]:
    """Environment passing orgnet's settings to the app process."""
    env = dict(os.environ)
    env["ORGNET_HOME"] = str(settings.home)
    env["ORGNET_GRAPH"] = graph or settings.graph
    if settings.neo4j_uri:
        env["NEO4J_URI"] = settings.neo4j_uri
    return env


def run_app(settings: Settings, *, port: int = 8501, address: str = "127.0.0.1",
            graph: str | None = None) -> int:
    """Run the app in the foreground until interrupted; return its exit code."""
    proc = subprocess.Popen(streamlit_command(port, address), env=app_env(settings, graph))
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
