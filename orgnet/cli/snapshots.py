"""``orgnet snapshots``: the loaded graphs by series (district), each series oldest first."""

from __future__ import annotations

import click

from orgnet.cli.output import FORMATS, emit, out_option

COLUMNS = ("series", "name", "as_of", "state", "nodes", "relationships", "loaded_at", "stored", "source")
#: the state column's words: a live graph, or only the facts stored at its load (Neo4j Community)
STATE_TEXT = {"live": "live", "facts": "facts-only"}


@click.command("snapshots")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--store-results", is_flag=True,
              help="Compute and keep the results (rules, KPIs, linkage) of every snapshot that has none "
                   "yet: snapshots loaded by an older orgnet, or written to since their load "
                   "（为缺少预存结果的快照计算并保存结果）.")
@click.option("--series", default=None, metavar="NAME", help="Only the snapshots of this series.")
@click.option("--drop", "drop", default=None, metavar="NAME",
              help="Remove snapshot NAME: a facts-only one's stored facts, a live one's graph with its stored "
                   "results (the follow-up ledger keeps its records) （删除一个快照）.")
@out_option
@click.pass_context
def snapshots_cmd(ctx, fmt, store_results, series, drop, out):
    """List snapshots by series (the district whose data they hold; the series with the latest
    snapshot first), each series oldest first: name, reference date, live or facts-only (Neo4j
    Community keeps one graph live, earlier snapshots by the facts stored at their load), counts,
    load time, whether their results are stored (快照列表，按数据系列分组、按日期排序)."""
    from orgnet.graph.snapshots import by_series, list_snapshots
    from orgnet.graph.stores import open_store
    from orgnet.queries import stored

    with open_store(ctx.obj) as store:
        if drop:
            _drop(store, drop)
        snaps = [s for group in by_series(list_snapshots(store, series)).values() for s in group]
        for s in snaps if store_results else []:
            if s.live and not stored.has_results(store, s.name):
                kept = stored.store_results(store, s.name)
                click.echo(f"{s.name}: stored {kept.results} results ({kept.rows} rows) in {kept.seconds:.1f}s",
                           err=True)
        rows = [{**s.to_dict(), "state": STATE_TEXT[s.state],
                 "stored": "yes" if stored.has_results(store, s.name) else "no"} for s in snaps]
    emit(rows, fmt, columns=COLUMNS, out=out)


def _drop(store, name: str) -> None:
    """Remove snapshot ``name`` (an unknown name is refused naming the loaded ones)."""
    from orgnet.graph.snapshots import snapshot
    from orgnet.queries import stored

    snap = snapshot(store, name)
    if snap.live:
        store.drop_graph(name)
    stored.forget(store, name)  # its stored results and facts record
    click.echo(f"dropped snapshot {name} ({STATE_TEXT[snap.state]})", err=True)


COMMANDS = [snapshots_cmd]
