"""Options several commands share (declared once)."""

from __future__ import annotations

from typing import Any, Callable

import click

from orgnet.errors import QueryError


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from orgnet.queries.catalog import as_of_date

    if value is None:
        return None
    try:
        return as_of_date(value)
    except QueryError as e:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-03-31)") from e


def as_of_option(help: str = "Reference date (YYYY-MM-DD). Default: the graph's reference date "
                             "(`orgnet load --as-of`), else today.") -> Callable[[Any], Any]:
    """``--as-of DATE``, checked and normalised by the catalog's date conversion."""
    return click.option("--as-of", "as_of", default=None, metavar="DATE", callback=_as_of, help=help)


def graph_as_of(store, graph: str, as_of: str | None) -> tuple[str, str]:
    """The snapshot a command reads and the date it evaluates on: the snapshot ``graph`` names
    (on Neo4j Community the default name means the live snapshot, whatever its name), and
    ``--as-of`` when given, else the snapshot's reference date. A facts-only snapshot (Neo4j
    Community) is read from the results stored at its load; a name held neither live nor as
    facts is refused naming those held, and a graph holding no load too (``NotLoaded``, exit 2):
    an empty database never prints as a district without gaps."""
    from orgnet.graph.snapshots import require_snapshot
    from orgnet.queries.catalog import snapshot_date

    info = require_snapshot(store, graph)
    return info["graph"], snapshot_date(info, as_of)
