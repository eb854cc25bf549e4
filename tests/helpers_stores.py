"""Store test helpers: the orgnet CLI against a test home (in this process, or in a real one
where process behaviour is under test), free ports, lending a test's store to the CLI."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys


def cli(home, *args, timeout=300):
    """``orgnet ARGS`` in a real process (for what needs one: exit through the OS, signals,
    concurrent commands, a killed command); everything else uses :func:`run_cli`."""
    env = {**os.environ, "ORGNET_HOME": str(home)}
    env.pop("NEO4J_URI", None)
    return subprocess.run([sys.executable, "-c", "from orgnet.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=timeout)


def run_cli(home, *args, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``orgnet ARGS`` in this process, as the console entry point runs it (``orgnet.cli.main``:
    the same exit codes and ``orgnet: …`` messages), with ``ORGNET_HOME=home``, no ``NEO4J_URI``
    unless ``env`` gives one, and ``input`` as standard input; returns what :func:`cli` does.

    Exceptions other than ``SystemExit`` propagate (a real process would print a traceback)."""
    from click.testing import CliRunner

    from orgnet.cli import main

    environ = {"ORGNET_HOME": str(home), "NEO4J_URI": None, **(env or {})}
    with CliRunner().isolation(input=input, env=environ) as (out, err, _):
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return subprocess.CompletedProcess(["orgnet", *map(str, args)], code,
                                       out.getvalue().decode("utf-8", "replace"),
                                       err.getvalue().decode("utf-8", "replace"))


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
