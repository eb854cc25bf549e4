"""``orgnet query NAME`` (a catalog query) and ``orgnet cypher "…"`` (ad-hoc, read-only)."""

from __future__ import annotations

import io
import json

import click

from orgnet.errors import QueryError

FORMATS = click.Choice(["table", "json", "csv"])


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {pair!r}: write it as name=value")
        params[key.strip()] = value
    return params


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_rows(rows: list[dict], fmt: str, columns: list[str] | None = None) -> str:
    """Rows as an aligned table, JSON (a list of row objects) or CSV."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
    cols = list(columns or [])
    for row in rows:
        cols += [k for k in row if k not in cols]
    if fmt == "csv":
        buf = io.StringIO()
        from orgnet.export import write_csv_rows

        write_csv_rows(buf, cols, ([_cell(row.get(c)) for c in cols] for row in rows))
        return buf.getvalue().rstrip("\r\n")
    if not cols:
        return "(no rows)"
    cells = [[_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(cols)]

    def line(values):
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(cols), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _store(ctx: click.Context):
    from orgnet.graph.stores import open_store

    return open_store(ctx.obj)


@click.command("query")
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="K=V", help="A query parameter (repeatable).")
@click.option("--graph", "-g", default=None, help="Graph name (default: orgnet / ORGNET_GRAPH).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--list", "list_", is_flag=True, help="List the catalog's queries and exit.")
@click.option("--kind", type=click.Choice(["rule", "kpi", "linkage", "view"]), default=None,
              help="With --list: only this kind.")
@click.pass_context
def query_cmd(ctx, name, params, graph, fmt, list_, kind):
    """Run a named query of the Cypher catalog (运行目录中的查询), read-only."""
    from orgnet.queries import catalog

    if list_ or not name:
        for qid in catalog.names(kind):
            q = catalog.get(qid)
            ps = " ".join(f"{p.name}:{p.type}" + ("" if p.required else "?") for p in q.params)
            click.echo(f"{qid:40} {q.kind:8} {q.meta.get('title_zh', '')}  {ps}")
        ctx.exit(0)
    q = catalog.get(name)
    with _store(ctx) as store:
        rows = catalog.run(store, name, parse_params(params), graph=graph)
    click.echo(format_rows(rows, fmt, q.columns))


@click.command("cypher")
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="K=V",
              help="A parameter, passed as $K (values: JSON if they parse, else strings).")
@click.option("--graph", "-g", default=None, help="Graph name (default: orgnet / ORGNET_GRAPH).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--limit", default=1000, show_default=True, help="At most this many rows.")
@click.option("--timeout", "timeout_s", default=30.0, show_default=True, help="Seconds before the query is aborted.")
@click.pass_context
def cypher_cmd(ctx, query, params, graph, fmt, limit, timeout_s):
    """Run ad-hoc Cypher read-only (只读): a query that would write is refused."""
    values = {}
    for k, v in parse_params(params).items():
        try:
            values[k] = json.loads(v)
        except ValueError:
            values[k] = v
    with _store(ctx) as store:
        rows = store.read(query, values, graph=graph, limit=limit + 1, timeout_s=timeout_s)
    truncated = len(rows) > limit
    rows = rows[:limit]
    click.echo(format_rows(rows, fmt))
    if truncated:
        click.echo(f"(stopped at --limit {limit} rows)", err=True)


COMMANDS = [query_cmd, cypher_cmd]
