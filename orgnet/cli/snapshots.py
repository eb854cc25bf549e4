"""``orgnet snapshots``: the loaded graphs by series (district), each series oldest first."""

from __future__ import annotations

import click

from orgnet.cli.output import FORMATS, emit, out_option

COLUMNS = ("series", "name", "as_of", "nodes", "relationships", "loaded_at", "stored", "source")


@click.command("snapshots")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--store-results", is_flag=True,
              help="Compute and keep the results (rules, KPIs, linkage) of every snapshot that has none "
                   "yet: snapshots loaded by an older orgnet, or written to since their load "
                   "（为缺少预存结果的快照计算并保存结果）.")
@click.option("--series", default=None, metavar="NAME", help="Only the snapshots of this series.")
@out_option
@click.pass_context
def snapshots_cmd(ctx, fmt, store_results, series, out):
    """List snapshots by series (the district whose data they hold; the series with the latest
    snapshot first), each series oldest first: name, reference date, counts, load time, whether
    their results are stored (快照列表，按数据系列分组、按日期排序)."""
    from orgnet.graph.snapshots import by_series, list_snapshots
    from orgnet.graph.stores import open_store
    from orgnet.queries import stored

    with open_store(ctx.obj) as store:
        snaps = [s for group in by_series(list_snapshots(store, series)).values() for s in group]
        for s in snaps if store_results else []:
            if not stored.has_results(store, s.name):
                kept = stored.store_results(store, s.name)
                click.echo(f"{s.name}: stored {kept.results} results ({kept.rows} rows) in {kept.seconds:.1f}s",
                           err=True)
        rows = [{**s.to_dict(), "stored": "yes" if stored.has_results(store, s.name) else "no"} for s in snaps]
    emit(rows, fmt, columns=COLUMNS, out=out)


COMMANDS = [snapshots_cmd]
