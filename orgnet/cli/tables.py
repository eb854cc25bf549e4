"""``orgnet tables``: the upward 统计表 (three district forms in one workbook; thin)."""

from __future__ import annotations

import click

from orgnet.cli.options import as_of_option, graph_as_of
from orgnet.settings import Settings


@click.command("tables")
@click.option("--graph", default=None, metavar="NAME", help="Snapshot. Default: the settings' graph.")
@click.option("--street", "street_id", default=None, metavar="ID", help="Only this street (id).")
@as_of_option()
@click.option("--unit", "unit", default=None, help="填报单位 on every form. Default: the snapshot's series.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The workbook to write (.xlsx).")
@click.pass_obj
def tables_cmd(settings: Settings, graph: str | None, street_id: str | None, as_of: str | None, unit: str | None,
               out: str) -> None:
    """统计表 在职党员到社区报到 (per unit), 两新组织“两个覆盖” (by street and kind), 城市基层党建基本情况
    (per street), each on its own sheet as a district form with a totals row."""
    from orgnet.graph.snapshots import snapshot
    from orgnet.graph.stores import open_store
    from orgnet.queries.tables import export_xlsx, tables

    store = open_store(settings)
    try:
        graph, day = graph_as_of(store, graph or settings.graph, as_of)
        data = tables(store, as_of=day, street_id=street_id, graph=graph)
        unit = unit or snapshot(store, graph).series
    finally:
        store.close()
    export_xlsx(data, out, unit=unit, as_of=day)
    click.echo(f"wrote {out}: {len(data['unit_reporting']['rows'])} units, {len(data['two_new']['rows'])} "
               f"two-new rows, {len(data['basics']['rows'])} streets", err=True)


COMMANDS = [tables_cmd]
