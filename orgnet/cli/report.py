"""``orgnet report``: 述职评议 packs, one Word document per secretary (thin)."""

from __future__ import annotations

import time

import click

from orgnet.errors import ConfigError
from orgnet.settings import Settings


@click.command("report")
@click.option("--graph", default=None, metavar="NAME", help="Snapshot. Default: the settings' graph.")
@click.option("--street", "street_id", default=None, metavar="ID", help="The street's pack (its working committee's secretary).")
@click.option("--community", "community_id", default=None, metavar="ID", help="One community's pack.")
@click.option("--communities", "all_communities", is_flag=True,
              help="A pack for every community (of --street when given, else of the district).")
@click.option("--sheet", "sheet_path", default=None, type=click.Path(dir_okay=False),
              help="考核细则 TOML (default: ORGNET_HOME/assessment.toml, else the packaged one).")
@click.option("--out", "out_dir", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the .docx files into.")
@click.pass_obj
def report_cmd(settings: Settings, graph: str | None, street_id: str | None, community_id: str | None,
               all_communities: bool, sheet_path: str | None, out_dir: str) -> None:
    """述职评议 Packs for secretaries' yearly reports: cover, KPIs against target and the previous
    snapshot, the 考核 lines, gaps closed and open, overdue 督办 items, evaluations received, the
    linkage map and the five weakest ties."""
    from orgnet.analysis.assessment import load_sheet
    from orgnet.graph.stores import open_store
    from orgnet.pack import write_packs

    if not (street_id or community_id or all_communities):
        raise ConfigError("请指定 --street 街道编号、--community 社区编号或 --communities / give --street ID, "
                          "--community ID or --communities")
    level = "community" if (community_id or all_communities) else "street"
    sheet = load_sheet(sheet_path, home=settings.home)
    start = time.perf_counter()
    store = open_store(settings)
    try:
        paths = write_packs(store, graph or settings.graph, level, out_dir, street_id=street_id,
                            community_id=community_id, sheet=sheet)
    finally:
        store.close()
    for p in paths:
        click.echo(str(p))
    click.echo(f"wrote {len(paths)} pack(s) in {time.perf_counter() - start:.1f}s", err=True)


COMMANDS = [report_cmd]
