"""``orgnet gaps``: run the coverage-gap rules and print or export the gaps."""

from __future__ import annotations

import sys

import click

from orgnet.cli.options import as_of_option, graph_as_of
from orgnet.cli.output import emit
from orgnet.errors import ConfigError
from orgnet.settings import Settings


@click.command("gaps")
@click.option("--rule", "rules", multiple=True, metavar="ID", help="Rule id (repeatable). Default: every rule.")
@click.option("--street", "street_id", default=None, metavar="ID", help="Only gaps in this street (area id).")
@click.option("--community", "community_id", default=None, metavar="ID", help="Only gaps in this community (area id).")
@as_of_option()
@click.option("--graph", default=None, metavar="NAME", help="Graph to query. Default: the settings' graph.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True)
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Write to FILE (required for xlsx).")
@click.option("--list", "list_rules", is_flag=True, help="List the rules of the catalog and exit.")
@click.pass_context
def gaps_cmd(ctx: click.Context, rules: tuple[str, ...], street_id: str | None, community_id: str | None,
             as_of: str | None, graph: str | None, fmt: str, out: str | None, list_rules: bool) -> None:
    """Coverage gaps (覆盖缺口): one row per gap with street, community, detail and remedy."""
    from orgnet.queries import gaps

    if list_rules:
        cat = gaps.rule_catalog()
        for r in cat.itertuples(index=False):
            click.echo(f"{r.id:36s} {r.severity:7s} {r.title_zh}  ({r.title_en})")
        ctx.exit(0)
    if fmt == "xlsx" and not out:
        raise ConfigError("--format xlsx needs --out FILE.xlsx")

    from orgnet.graph.stores import open_store

    settings: Settings = ctx.obj
    store = open_store(settings)
    try:
        graph, as_of = graph_as_of(store, graph or settings.graph, as_of)
        by_rule = gaps.run_gaps_by_rule(store, list(rules) or None, as_of=as_of, street_id=street_id,
                                        community_id=community_id, graph=graph)
    finally:
        store.close()
    frames = [df for df in by_rule.values() if len(df)]
    import pandas as pd

    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(gaps.COLUMNS))
    df = df.astype(object).where(df.notna(), None)
    if fmt == "xlsx":
        gaps.export_xlsx(by_rule, out, as_of=as_of)
        click.echo(f"wrote {out}: {len(df)} gaps in {len(by_rule)} rules", err=True)
    elif fmt in ("json", "csv"):
        emit(df.to_dict("records"), fmt, columns=gaps.COLUMNS, out=out)
    else:  # the table view groups the gaps by rule
        lines = []
        for rid, part in by_rule.items():
            lines.append(f"== {rid}: {len(part)} ==")
            for r in part.itertuples(index=False):
                where = " / ".join(x for x in (r.street, r.community) if isinstance(x, str))
                lines.append(f"  {r.id}\t{r.name}\t{where}\t{r.detail}")
        lines.append(f"total: {len(df)} gaps")
        emit([], fmt, text="\n".join(lines), out=out)
    ctx.exit(0)


COMMANDS = [gaps_cmd]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(gaps_cmd())
