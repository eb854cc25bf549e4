"""``orgnet followup list|assign|update|export|import|sync``: the follow-up ledger (整改督办)."""

from __future__ import annotations

import getpass
import json

import click

from orgnet.cli.output import FORMATS, emit, out_option

LIST_COLUMNS = ("key", "series", "street", "community", "name", "responsible", "person", "deadline", "status",
                "overdue", "version", "closed_by")
#: the table's header of each column (UI texts, orgnet/locale/messages.toml)
HEADER_KEYS = {"key": "common.id", "series": "app.series", "street": "common.street",
               "community": "common.community", "name": "common.name", "responsible": "followup.responsible",
               "person": "followup.person", "deadline": "followup.deadline", "status": "followup.status",
               "overdue": "followup.overdue", "version": "followup.version", "closed_by": "followup.closed_by"}


def table_rows(rows: list[dict], lang: str) -> tuple[list[dict], list[str]]:
    """The list as a person reads it in ``lang``: headers, status names and 是/否 in that
    language (json and csv keep the identifiers and true/false a script reads)."""
    from orgnet.i18n import label_name, t
    from orgnet.ledger.model import FollowUpStatus

    headers = [t(HEADER_KEYS[c], lang) for c in LIST_COLUMNS]

    def cell(col: str, value):
        if col == "status" and value:
            return label_name(FollowUpStatus(value), lang)
        if isinstance(value, bool):
            return t("common.yes" if value else "common.no", lang)
        return value

    return [{h: cell(c, r.get(c)) for c, h in zip(LIST_COLUMNS, headers)} for r in rows], headers


def _who(by: str | None) -> str:
    return by or getpass.getuser()


@click.group("followup")
def followup() -> None:
    """整改督办 — follow-up records of gaps: who fixes what by when (outside every snapshot)."""


SERIES_OPTION = click.option("--series", default=None, metavar="NAME",
                             help="Only the records of this series (`orgnet snapshots` lists the series).")


@followup.command("list")
@SERIES_OPTION
@click.option("--street", "street_id", default=None, help="Only this street (id).")
@click.option("--community", "community_id", default=None, help="Only this community (id).")
@click.option("--status", "status", multiple=True, help="open | in_progress | closed | deferred (repeatable; Chinese too).")
@click.option("--overdue", is_flag=True, help="Only records past their deadline and still open.")
@click.option("--today", default=None, metavar="DATE", help="The day overdue is judged on (default today).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the table (headers, statuses, 是/否); json and csv keep identifiers.")
@out_option
@click.pass_context
def list_cmd(ctx, series, street_id, community_id, status, overdue, today, fmt, lang, out):
    """List follow-up records (key, place, responsible, person, deadline, status, overdue)."""
    from orgnet.graph.stores import open_store
    from orgnet.ledger.model import check_date, check_status, now
    from orgnet.ledger.service import list_records

    day = check_date(today, "--today") if today else now()[:10]
    statuses = [check_status(s) for s in status] or None
    with open_store(ctx.obj) as store:
        records = list_records(store, street_id=street_id, community_id=community_id, status=statuses,
                               overdue=True if overdue else None, today=day, series=series)
    rows = [{**r.to_dict(), "overdue": r.overdue(day)} for r in records]
    if fmt == "table":
        rows, headers = table_rows(rows, lang)
        emit(rows, fmt, columns=headers, out=out)
        return
    emit(rows, fmt, columns=LIST_COLUMNS, out=out)


@followup.command("assign")
@click.option("--snapshot", "graph", required=True, help="The snapshot the gaps are found in.")
@click.option("--rule", "rule", default=None, help="Only gaps of this rule.")
@click.option("--id", "ids", multiple=True, help="Only the gap(s) on this node id (repeatable).")
@click.option("--street", "street_id", default=None, help="Only gaps of this street (id).")
@click.option("--community", "community_id", default=None, help="Only gaps of this community (id).")
@click.option("--person", default="", help="Who carries it out (责任人).")
@click.option("--deadline", default="", metavar="DATE", help="整改时限, YYYY-MM-DD.")
@click.option("--responsible", default=None, help="Responsible body (default: the community party org, "
              "or the street working committee for street-level gaps).")
@click.option("--note", default="", help="A dated note.")
@click.option("--by", default=None, help="Who records this (default: your login).")
@click.pass_context
def assign_cmd(ctx, graph, rule, ids, street_id, community_id, person, deadline, responsible, note, by):
    """Give gaps of a snapshot a follow-up record of its series (created when missing) and assign them."""
    from orgnet.graph.snapshots import snapshot
    from orgnet.graph.stores import open_store
    from orgnet.ledger.service import assign
    from orgnet.queries import catalog
    from orgnet.queries.gaps import run_gaps

    with open_store(ctx.obj) as store:
        snap = snapshot(store, graph)
        as_of = catalog.snapshot_date(snap)
        gaps = run_gaps(store, [rule] if rule else None, as_of=as_of, graph=graph, street_id=street_id,
                        community_id=community_id).to_dict("records")
        if ids:
            gaps = [g for g in gaps if g["id"] in set(ids)]
        if not gaps:
            raise click.ClickException(f"no gap of snapshot {graph} matches (rule {rule or 'any'}, "
                                       f"ids {', '.join(ids) or 'any'}): check with `orgnet gaps --graph {graph}`")
        records = assign(store, gaps, snapshot=graph, as_of=as_of, by=_who(by), person=person,
                         deadline=deadline, responsible=responsible, note=note)
    click.echo(f"{len(records)} follow-up record(s) of series {snap.series} assigned: "
               + ", ".join(r.key for r in records[:10])
               + (" …" if len(records) > 10 else ""))


@followup.command("update")
@click.argument("key")
@click.option("--version", "version", type=int, required=True,
              help="The version you are changing (from `orgnet followup list`): a record changed since "
                   "is refused, never overwritten.")
@click.option("--status", default=None, help="open 待整改 | in_progress 整改中 | closed 已销号 | deferred 暂缓")
@click.option("--reason", default=None, help="Why it is deferred (暂缓 needs one).")
@click.option("--person", default=None)
@click.option("--deadline", default=None, metavar="DATE")
@click.option("--responsible", default=None)
@click.option("--note", default="", help="A dated note.")
@click.option("--by", default=None, help="Who records this (default: your login).")
@click.pass_context
def update_cmd(ctx, key, version, status, reason, person, deadline, responsible, note, by):
    """Change one record (KEY is rule|id)."""
    from orgnet.graph.stores import open_store
    from orgnet.ledger.service import update

    with open_store(ctx.obj) as store:
        rec = update(store, key, version, by=_who(by), note=note, status=status, reason=reason, person=person,
                     deadline=deadline, responsible=responsible)
    click.echo(f"{rec.key}: version {rec.version}, status {rec['status']}")


@followup.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="A .json file (everything) or an .xlsx workbook (a printable 督办单 plus the data).")
@SERIES_OPTION
@click.option("--street", "street_id", default=None, help="Only this street (id).")
@click.option("--status", "status", multiple=True, help="Only these statuses.")
@click.option("--today", default=None, metavar="DATE", help="The day overdue is judged on.")
@click.pass_context
def export_cmd(ctx, out, series, street_id, status, today):
    """Export the ledger (JSON or xlsx; import it back with `orgnet followup import`)."""
    from orgnet.graph.stores import open_store
    from orgnet.ledger.io import export_records
    from orgnet.ledger.model import check_status
    from orgnet.ledger.service import list_records

    with open_store(ctx.obj) as store:
        records = list_records(store, street_id=street_id, status=[check_status(s) for s in status] or None,
                               series=series)
    path = export_records(records, out, today=today)
    click.echo(f"{len(records)} record(s) → {path}")


@followup.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def import_cmd(ctx, path):
    """Import an export (JSON or xlsx): missing records are added exactly; differing ones are
    listed, never overwritten."""
    from orgnet.graph.stores import open_store
    from orgnet.ledger.io import import_file

    with open_store(ctx.obj) as store:
        result = import_file(store, path)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    if result.conflicts:
        raise click.ClickException(f"{len(result.conflicts)} record(s) differ from the ledger and were not "
                                   f"imported: {', '.join(result.conflicts[:10])}")


@followup.command("sync")
@click.argument("graph")
@click.pass_context
def sync_cmd(ctx, graph):
    """Close records of GRAPH's series whose gap snapshot GRAPH no longer shows; reopen those
    whose gap is back (`orgnet load` does this after every load)."""
    from orgnet.graph.stores import open_store
    from orgnet.ledger.service import sync_snapshot

    with open_store(ctx.obj) as store:
        result = sync_snapshot(store, graph)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False))


COMMANDS = [followup]
