"""``orgnet load PATH``: validate a dataset, then write its accepted rows into a graph."""

from __future__ import annotations

import json
from pathlib import Path

import click

from orgnet.cli.options import as_of_option


@click.command("load")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--graph", "-g", default=None, help="Snapshot name, e.g. 2025Q4 (default: orgnet / ORGNET_GRAPH). "
              "On Neo4j Community (one database) a new name replaces the live snapshot, which stays "
              "comparable as facts-only.")
@click.option("--replace", is_flag=True,
              help="Replace the graph's content atomically (readers see the old graph until the new one is complete). "
                   "On Neo4j Community also: replace the live snapshot even when its results are not all stored.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the validation report plus what was written as JSON.")
@as_of_option("The dataset's reference date (YYYY-MM-DD): the day its ledgers describe. Rules, KPIs "
              "and linkage are evaluated on it unless another date is chosen. Default: the date the "
              "dataset records in its dataset table (数据集 统计日期), if any.")
@click.option("--encoding", default=None, metavar="NAME",
              help="CSV encoding when it cannot be detected, e.g. gb18030, big5, shift_jis "
                   "(无法识别编码时指定).")
@click.option("--series", default=None, metavar="NAME",
              help="The series (district) this snapshot belongs to; snapshots are compared and follow-up "
                   "records closed only within one series. Default: the dataset table's title (名称) "
                   "without its period tag, else the district area's id and name (数据系列).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Progress bars per table.")
@click.pass_context
def load_cmd(ctx, path, graph, replace, report_path, as_of, encoding, series, progress):
    """Validate PATH (CSV folder or .xlsx) and load the accepted rows (导入数据)."""
    from orgnet.graph.stores import open_store
    from orgnet.loaders.report import format_summary
    from orgnet.loaders.validate import validate_path
    from orgnet.snapshots import load_snapshot

    graph = graph or ctx.obj.graph
    counts: dict[str, int] = {}  # the graph's, once loaded (before its stored results are written)
    # the graph's load lock before validating: a second load of it is refused at once, not
    # after its validation, when the first may already be writing (or done, then overwritten)
    with open_store(ctx.obj) as store, store.load_lock(graph):
        result = validate_path(path, encoding)
        click.echo(format_summary(result.report))
        as_of = as_of or result.dataset.as_of  # else the date its dataset table records
        loaded = load_snapshot(store, result.dataset, graph=graph, replace=replace, progress=progress,
                               as_of=as_of, series=series, locked=True,
                               before_results=lambda: counts.update(store.counts(graph)))
        written, kept, synced = loaded.written, loaded.kept, loaded.synced
    click.echo(f"graph {graph}: wrote {written.nodes} nodes and {written.relationships} relationships "
               f"in {written.seconds:.1f}s (graph now {counts['nodes']} nodes, "
               f"{counts['relationships']} relationships; saved crash-safe in {written.persist_seconds:.1f}s)"
               + (f"; reference date {as_of}" if as_of else "") + f"; series {synced.series}")
    if loaded.superseded:  # Neo4j Community: one live snapshot; the one replaced keeps its facts
        from orgnet.snapshots import superseded_text

        click.echo(superseded_text(loaded.superseded, graph), err=True)
    for warning in written.warnings:  # what the load could not do (e.g. Neo4j replanning not allowed)
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"stored {kept.results} results ({kept.rows} rows: rules, KPIs, linkage) for the pages "
               f"and `orgnet diff` in {kept.seconds:.1f}s")
    for failure in kept.failed:
        click.echo(f"not stored (computed when asked for instead; `orgnet snapshots --store-results` tries "
                   f"again): {failure}", err=True)
    if synced.closed or synced.reopened:
        click.echo(f"follow-up ledger of series {synced.series}: {len(synced.closed)} closed by snapshot {graph} (gap gone), "
                   f"{len(synced.reopened)} reopened (gap back) — `orgnet followup list`")
    if report_path:
        report = result.report.to_dict()
        report["stored"] = kept.to_dict()
        report["written"] = {"graph": graph, "nodes": written.nodes,
                             "relationships": written.relationships,
                             "seconds": round(written.seconds, 3),
                             "persist_seconds": round(written.persist_seconds, 3)}
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        click.echo(f"report: {report_path}")


COMMANDS = [load_cmd]
