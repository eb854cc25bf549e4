"""``orgnet kpis`` and ``orgnet linkage``: coverage KPIs and linkage strength (thin)."""

from __future__ import annotations


from pathlib import Path

import click

from orgnet.cli.options import as_of_option, graph_as_of
from orgnet.cli.output import FORMATS as OUTPUT_FORMATS, emit, out_option
from orgnet.settings import Settings

FORMATS = click.Choice(list(OUTPUT_FORMATS))


@click.command("kpis")
@click.option("--street", "street_id", help="Only this street (id).")
@click.option("--community", "community_id", help="Only this community (id).")
@as_of_option()
@click.option("--graph", help="Graph name (default: settings graph).")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(["overall", "street", "community"]),
              help="Rows to show (repeatable; default all).")
@click.option("--targets", "targets_path", type=click.Path(dir_okay=False, exists=True),
              help="Targets TOML (default: ORGNET_HOME/targets.toml over the packaged one, which sets none).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@out_option
@click.pass_obj
def kpis_cmd(settings: Settings, street_id, community_id, as_of, graph, scopes, targets_path, fmt, out) -> None:
    """覆盖率指标 Coverage KPIs overall, per street and per community, with the district's target
    (本区目标) and the gap to it: rate − target, or numerator − target for a count KPI."""
    from orgnet.queries.kpis import SCOPES, kpi_table
    from orgnet.targets import load_targets, with_targets
    from orgnet.graph import stores  # imported here: `orgnet --help` stays quick

    targets = load_targets(settings.home, targets_path)  # a wrong file fails before the store opens
    store = stores.open_store(settings)
    try:
        graph, day = graph_as_of(store, graph or settings.graph, as_of)
        df = kpi_table(store, as_of=day, street_id=street_id,
                       community_id=community_id, graph=graph, scopes=tuple(scopes) or SCOPES)
    finally:
        store.close()
    df = with_targets(df, targets, overall_street=None if community_id else street_id)  # --street: its target
    emit(df.astype(object).where(df.notna(), None).to_dict("records"), fmt, columns=list(df.columns), out=out)


@click.command("linkage")
@click.option("--community", "community_id", help="Only this community (id).")
@click.option("--street", "street_id", help="Only communities of this street (id).")
@click.option("--band", "bands", multiple=True, metavar="BAND",
              help="Only these bands (repeatable): strong, medium, weak (ties), potential (only reports, "
                   "residents or services), none.")
@click.option("--units", "by_unit", is_flag=True,
              help="Each unit's 联建得分 per street instead: the sum of its pairs, its ties by band, ranked "
                   "per street, its weakest communities named.")
@click.option("--explain", "explain", nargs=2, metavar="COMMUNITY UNIT",
              help="Print the score sheet of one pair (ids): each item's count, points each, cap and points.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of --explain.")
@as_of_option()
@click.option("--graph", help="Graph name (default: settings graph).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help="Score sheet TOML: points, caps, grades, windows, bands (default: ORGNET_HOME/linkage.toml "
                   "over the packaged one).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@out_option
@click.pass_obj
def linkage_cmd(settings: Settings, community_id, street_id, bands, by_unit, explain, lang, as_of, graph,
                config_path, fmt, out) -> None:
    """联建强度 Linkage score (百分制 score sheet) of every (community, unit) pair, highest first."""
    from orgnet.analysis.linkage import ITEMS, load_config, records, sheet_text, unit_summary
    from orgnet.queries import linkage as ql
    config = load_config(config_path, home=settings.home)
    from orgnet.graph import stores  # imported here: `orgnet --help` stays quick

    store = stores.open_store(settings)
    try:
        graph, day = graph_as_of(store, graph or settings.graph, as_of)
        if explain:
            row = ql.explain(store, explain[0], explain[1], as_of=day, graph=graph, config=config)
        else:
            df = ql.linkage_table(store, as_of=day, street_id=street_id, community_id=community_id,
                                  bands=list(bands) or None, graph=graph, config=config)
    finally:
        store.close()
    if explain:
        if row is None:
            raise click.ClickException(f"no linkage between community {explain[0]} and unit {explain[1]} "
                                       f"as of {day}: check the ids (orgnet query view_search --param q=...)")
        text = sheet_text(row, config, lang)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
        return
    if by_unit:
        units = unit_summary(df)
        emit(units.astype(object).where(units.notna(), None).to_dict("records"), fmt,
             columns=list(units.columns), out=out)
        return
    view = ["community_id", "community", "unit_id", "unit", "score", "band", *ITEMS, "evaluation"]
    rows = records(df) if fmt == "json" else df[view].astype(object).where(df[view].notna(), None).to_dict("records")
    emit(rows, fmt, columns=view, out=out)


COMMANDS = [kpis_cmd, linkage_cmd]
