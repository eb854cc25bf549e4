"""``orgnet assess``: 考核 scores and ranking per street or community (thin)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from orgnet.cli.options import as_of_option
from orgnet.cli.output import emit, format_rows
from orgnet.errors import ConfigError
from orgnet.settings import Settings


def ranking_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per entity: rank, change, name, street, each item's points, total."""
    rows = []
    for r in report["results"]:
        row = {"rank": r["rank"], "rank_change": r["rank_change"], "id": r["id"], "name": r["name"],
               "street": r["street"], "total": r["total"]}
        row.update({ln["item"]: ln["points"] for ln in r["lines"]})
        rows.append(row)
    return rows


def export_xlsx(report: dict[str, Any], path: str | Path) -> Path:
    """The 考核表: one form (value and points under each item, total, rank, change) and a
    sheet of reasons, one line per entity and item."""
    from openpyxl import Workbook

    from orgnet.analysis.assessment import LEVEL_ZH
    from orgnet.forms import write_form
    from orgnet.assessment import flat_rows

    level = LEVEL_ZH[report["level"]]
    wb = Workbook()
    ws = wb.active
    ws.title = "考核表"
    lines = report["results"][0]["lines"] if report["results"] else []
    groups = [("排名", []), ("名次变化", []), (level, []), ("所属街道", [])] if report["level"] == "community" \
        else [("排名", []), ("名次变化", []), (level, [])]
    groups += [(f"{ln['title']}（{ln['max']:g}分）", ["完成值", "得分"]) for ln in lines] + [("总分", [])]
    rows = []
    for r in report["results"]:
        head = [r["rank"], _change(r["rank_change"]), r["name"]] + ([r["street"]] if report["level"] == "community" else [])
        rows.append(head + [x for ln in r["lines"] for x in (ln["shown"], ln["points"])] + [r["total"]])
    write_form(ws, title=f"{report['sheet']}（{level}）", unit=_unit(report), date=report["as_of"], groups=groups,
               rows=rows, note=f"快照 {report['graph']}；上期 {report['previous'] or '无'}；细则 {report['sheet_path']}")
    detail = wb.create_sheet("得分说明")
    write_form(detail, title=f"{report['sheet']}（{level}）得分说明", unit=_unit(report), date=report["as_of"],
               groups=[(h, []) for h in ("排名", level, "考核项", "完成值", "得分", "满分", "说明")],
               rows=[[f["rank"], f["name"], f["title"], f["value"], f["points"], f["max"], f["reason"]]
                     for f in flat_rows(report)])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _change(change: int | None) -> str:
    if change is None:
        return "—"
    return f"↑{change}" if change > 0 else (f"↓{-change}" if change < 0 else "持平")


def _unit(report: dict[str, Any]) -> str:
    return report["series"] or report["graph"]


@click.command("assess")
@click.option("--level", type=click.Choice(["street", "community"]), default="community", show_default=True,
              help="Score and rank streets or communities.")
@click.option("--street", "street_id", default=None, metavar="ID", help="Only this street (id).")
@click.option("--community", "community_id", default=None, metavar="ID", help="Only this community (id).")
@as_of_option()
@click.option("--graph", default=None, metavar="NAME", help="Snapshot to score. Default: the settings' graph.")
@click.option("--sheet", "sheet_path", default=None, type=click.Path(dir_okay=False),
              help="考核细则 TOML (default: ORGNET_HOME/assessment.toml, else the packaged one).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "xlsx"]), default="table", show_default=True)
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Write to FILE (required for xlsx).")
@click.pass_obj
def assess_cmd(settings: Settings, level: str, street_id: str | None, community_id: str | None,
               as_of: str | None, graph: str | None, sheet_path: str | None, fmt: str, out: str | None) -> None:
    """考核 Scores and ranking by the 百分制 细则 (assessment.toml), with each item's value, points
    and reason, and the change of rank since the previous snapshot of the series."""
    from orgnet.analysis.assessment import load_sheet
    from orgnet.graph.stores import open_store
    from orgnet.assessment import assess

    if fmt == "xlsx" and not out:
        raise ConfigError("--format xlsx 需要 --out 文件名.xlsx / needs --out FILE.xlsx")
    sheet = load_sheet(sheet_path, home=settings.home)
    store = open_store(settings)
    try:
        report = assess(store, level, graph=graph or settings.graph, as_of=as_of, sheet=sheet,
                        street_id=street_id, community_id=community_id)
    finally:
        store.close()
    if fmt == "xlsx":
        export_xlsx(report, out)
        click.echo(f"wrote {out}: {len(report['results'])} {level} scores", err=True)
    elif fmt == "json":
        emit([], fmt, text=json.dumps(report, ensure_ascii=False, indent=2, default=str), out=out)
    else:
        head = (f"{report['sheet']} — {report['graph']} ({report['as_of']}); previous: "
                f"{report['previous'] or 'none'}")
        emit([], fmt, text=head + "\n" + format_rows(ranking_rows(report), "table"), out=out)


COMMANDS = [assess_cmd]
