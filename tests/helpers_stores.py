"""Running the orgnet CLI in a subprocess against a test home (used by the store tests)."""

from __future__ import annotations

import os
import subprocess
import sys


def cli(home, *args, timeout=300):
    env = {**os.environ, "ORGNET_HOME": str(home)}
    env.pop("NEO4J_URI", None)
    return subprocess.run([sys.executable, "-c", "from orgnet.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=timeout)
