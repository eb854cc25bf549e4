"""``orgnet query NAME`` (a catalog query) and ``orgnet cypher "…"`` (ad-hoc, read-only)."""

from __future__ import annotations

import contextlib
import json

import click

from orgnet.cli.output import FORMATS as OUTPUT_FORMATS, format_rows

from orgnet.errors import QueryError

FORMATS = click.Choice(list(OUTPUT_FORMATS))


@contextlib.contextmanager
def audited(settings, what: str):
    """Record the query in the audit log (as the operator, ``cli``) with how it ended:
    succeeded, refused (why) or failed (the error's kind and class)."""
    from orgnet.access import audit
    from orgnet.cli.users import OPERATOR

    try:
        yield
    except Exception as e:
        outcome, reason = audit.outcome_of(e)
        audit.record(settings.home, OPERATOR, "query", scope="district", what=what, outcome=outcome, reason=reason)
        raise
    audit.record(settings.home, OPERATOR, "query", scope="district", what=what)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {pair!r}: write it as name=value")
        params[key.strip()] = value
    return params


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
    from orgnet.graph import stores  # imported here: `orgnet --help` stays quick

    values = parse_params(params)
    with stores.open_store(ctx.obj) as store, audited(ctx.obj, f"{graph or ctx.obj.graph}: {name} {values}"):
        rows = catalog.run(store, name, values, graph=graph)
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
    from orgnet.graph import stores  # imported here: `orgnet --help` stays quick

    with stores.open_store(ctx.obj) as store, audited(ctx.obj, f"{graph or ctx.obj.graph}: {query}"):
        rows = store.read(query, values, graph=graph, limit=limit + 1, timeout_s=timeout_s)
    truncated = len(rows) > limit
    rows = rows[:limit]
    click.echo(format_rows(rows, fmt))
    if truncated:
        click.echo(f"(stopped at --limit {limit} rows)", err=True)


COMMANDS = [query_cmd, cypher_cmd]
