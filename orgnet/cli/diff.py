"""``orgnet diff OLD NEW``: what changed between two snapshots (gaps, KPIs, linkage, entities)."""

from __future__ import annotations

import json

import click

from orgnet.cli.output import emit

DIFF_FORMATS = ("table", "json", "xlsx")


def _summary_text(report) -> str:
    from orgnet.analysis.changes import CHANGES
    from orgnet.cli.output import format_rows

    tot = report.totals()
    head = (f"{report.old['name']} ({report.old['as_of']}) → {report.new['name']} ({report.new['as_of']}): "
            + ", ".join(f"{c} {tot[c]}" for c in CHANGES))
    kpis = [{k: r[k] for k in ("kpi", "rate_old", "rate_new", "delta")} for r in report.kpis
            if r["scope"] == "overall"]
    ents = [{"entity": k, **v} for k, v in report.entity_counts.items()]
    links = [{"direction": d, "pairs": sum(1 for r in report.linkage if r["direction"] == d)} for d in ("up", "down")]
    parts = [head, "", "gaps per rule:", format_rows(report.by_rule, "table"),
             "", "gaps per street:", format_rows(report.by_street, "table"),
             "", "KPIs (overall):", format_rows(kpis, "table"),
             "", "linkage pairs that changed band:", format_rows(links, "table"),
             "", "orgs, units, agreements:", format_rows(ents, "table")]
    return "\n".join(parts)


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="table", show_default=True,
              help="table: counts per rule/street, KPI deltas; json: everything, one row per gap "
                   "under `gaps`; xlsx: a workbook (needs --out).")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Write to FILE.")
@click.option("--street", "street_id", default=None, help="Only this street (id).")
@click.option("--community", "community_id", default=None, help="Only this community (id).")
@click.pass_context
def diff_cmd(ctx, old, new, fmt, out, street_id, community_id):
    """Compare two snapshots, each at its own reference date (两期快照对比)."""
    from orgnet.graph.stores import open_store
    from orgnet.queries.changes import diff_snapshots, export_xlsx

    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx needs --out FILE.xlsx")
    with open_store(ctx.obj) as store:
        report = diff_snapshots(store, old, new, street_id=street_id, community_id=community_id)
    if fmt == "xlsx":
        click.echo(f"wrote {export_xlsx(report, out)}")
    elif fmt == "json":
        emit([], "json", out=out, text=json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        emit([], "table", out=out, text=_summary_text(report))


COMMANDS = [diff_cmd]
