"""``orgnet bench``: benchmarks at every scale (the measuring code lives in ``bench/orgnet_bench.py``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import click

from orgnet.errors import ConfigError

PRESETS = ("demo", "weicheng", "qindu", "city")


def _bench_module():
    """``bench/orgnet_bench.py`` of the source tree this package runs from (an editable install)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "orgnet_bench.py"
    if not path.is_file():
        raise ConfigError(f"orgnet bench needs the source tree ({path} is missing): clone the repository "
                          "and `pip install -e '.[bench]'`")
    if "orgnet_bench" in sys.modules:
        return sys.modules["orgnet_bench"]
    spec = importlib.util.spec_from_file_location("orgnet_bench", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["orgnet_bench"] = mod
    spec.loader.exec_module(mod)
    return mod


@click.command("bench")
@click.option("--preset", "presets", multiple=True, type=click.Choice(PRESETS),
              help="Repeatable. Default: demo, weicheng, qindu, city.")
@click.option("--repeat", type=click.IntRange(1), default=10, show_default=True,
              help="Runs of each catalog rule (p50, p95).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for <date>-<machine>.json and .md. Default: bench/results.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-bulk-loader", is_flag=True, help="Skip FalkorDB's bulk loader comparison.")
@click.option("--no-oracle", is_flag=True, help="Skip timing the networkx oracle.")
@click.option("--no-pages", is_flag=True, help="Skip the app pages (Streamlit AppTest).")
@click.option("--no-browser", is_flag=True, help="Skip the app pages in headless Chromium (first meaningful paint).")
@click.option("--engine", type=click.Choice(["falkordb", "neo4j", "both"]), default="falkordb", show_default=True,
              help="neo4j: a real Neo4j 5 Community started from tools/neo4j-server (needs Java + Maven; "
                   "NEO4J_URI: that server, its database is emptied); both: side by side.")
def bench_cmd(presets, repeat, out, seed, no_bulk_loader, no_oracle, no_pages, no_browser, engine) -> None:
    """性能基准 — time generate, validate, load (vs FalkorDB's bulk loader), rules, linkage, KPIs and app pages.

    Uses a temporary embedded database (never ORGNET_HOME's); needs `pip install -e '.[bench]'`.
    """
    try:
        import psutil  # noqa: F401
    except ImportError as e:
        raise ConfigError("orgnet bench needs psutil and falkordb-bulk-loader: pip install -e '.[bench]'") from e
    mod = _bench_module()
    path, results = mod.run_bench(list(presets) or list(PRESETS), repeat=repeat, out=out, seed=seed,
                                  bulk=not no_bulk_loader, oracle=not no_oracle, pages=not no_pages,
                                  pages_browser=not no_browser,
                                  engines=mod.ENGINES[engine])
    click.echo(path.with_suffix(".md").read_text(encoding="utf-8"))
    click.echo(f"orgnet bench: results in {path} and {path.with_suffix('.md')}")


COMMANDS = [bench_cmd]
