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
