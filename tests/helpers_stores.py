"""Store test helpers: the orgnet CLI in a subprocess against a test home, free ports."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys


def cli(home, *args, timeout=300):
    env = {**os.environ, "ORGNET_HOME": str(home)}
    env.pop("NEO4J_URI", None)
    return subprocess.run([sys.executable, "-c", "from orgnet.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=timeout)


def free_port(below: int | None = None) -> int:
    """A free loopback port; ``below`` caps it (FalkorDB's Bolt needs a port ≤ 32767)."""
    candidates = random.Random().sample(range(20000, below), 200) if below else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free loopback port below {below}")


class Borrowed:
    """A test's shared store lent to a CLI command: closing it (or leaving its ``with``) does nothing."""

    def __init__(self, store):
        self._store = store

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __getattr__(self, name):
        return getattr(self._store, name)


def lend_store(monkeypatch, store) -> None:
    """Make the CLI's ``open_store`` hand out ``store`` itself (the test's real engine), unclosed."""
    import orgnet.graph.stores as stores

    monkeypatch.setattr(stores, "open_store", lambda settings: Borrowed(store))
