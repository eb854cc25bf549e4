"""``orgnet snapshots``: the loaded graphs with their reference dates, oldest first."""

from __future__ import annotations

import click

from orgnet.cli.output import FORMATS, emit, out_option

COLUMNS = ("name", "as_of", "nodes", "relationships", "loaded_at", "source")


@click.command("snapshots")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@out_option
@click.pass_context
def snapshots_cmd(ctx, fmt, out):
    """List snapshots: name, reference date, counts, load time (快照列表，按日期排序)."""
    from orgnet.graph.snapshots import list_snapshots
    from orgnet.graph.stores import open_store

    with open_store(ctx.obj) as store:
        rows = [s.to_dict() for s in list_snapshots(store)]
    emit(rows, fmt, columns=COLUMNS, out=out)


COMMANDS = [snapshots_cmd]
