"""``import orgnet.cli`` stays light: ``orgnet --help`` must not pay for pandas and friends.

The commands import the loaders, pandas, openpyxl and the graph stores inside their functions;
a module-level import of any of them would cost every invocation (and every in-process test
of the CLI) about a second. A fresh interpreter is the only honest place to check that.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "openpyxl", "networkx", "falkordb", "neo4j", "redis", "streamlit")


@pytest.mark.parametrize("module", ["orgnet.cli"])
def test_import_cli_loads_no_heavy_library(module: str) -> None:
    code = (f"import sys, {module}\n"
            f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_help_lists_commands_without_heavy_imports() -> None:
    code = ("import sys\n"
            "from orgnet.cli import main\n"
            "try:\n"
            "    main(['--help'])\n"
            "except SystemExit as e:\n"
            "    assert not e.code, e.code\n"
            f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "validate" in done.stdout and "load" in done.stdout
