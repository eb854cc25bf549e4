"""``orgnet demo`` and ``orgnet app``."""

from __future__ import annotations

import click

from orgnet.settings import DEFAULT_GRAPH, Settings


@click.command()
@click.option("--port", default=8501, show_default=True, help="Port of the web app.")
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to serve the intranet).")
@click.option("--no-app", is_flag=True, help="Only generate and load the demo data; don't start the app.")
@click.option("--seed", default=0, show_default=True, help="Seed of the synthetic demo data.")
@click.pass_obj
def demo(settings: Settings, port: int, address: str, no_app: bool, seed: int) -> None:
    """Generate the demo preset, load it into the embedded store and start the app."""
    from orgnet.appserver import run_app
    from orgnet.demo import prepare_demo
    from orgnet.graph.stores import embedded_server
    from orgnet.loaders.report import summary_text

    was_running = bool(settings.neo4j_uri) or embedded_server(settings).ping()
    from orgnet.graph import stores

    store = stores.open_store(settings)
    try:
        result = prepare_demo(store, settings, seed=seed)
        counts = store.counts(result.graph)
    finally:
        store.close()
    click.echo(("Generated" if result.generated else "Using") + f" demo dataset: {result.dataset_dir}")
    click.echo(summary_text(result.validation.report))
    click.echo(f"Loaded into graph '{result.graph}': {counts['nodes']} nodes, "
               f"{counts['relationships']} relationships.")
    if result.snapshots:
        click.echo("Snapshots (one per quarter, see the 变化 and 整改督办 pages): "
                   + ", ".join(f"{name} ({as_of})" for name, as_of in result.snapshots))
    _first_admin(settings)
    if no_app:
        return
    click.echo(f"orgnet app: http://{address}:{port}   (Ctrl+C to stop)")
    # the app stops the embedded server on exit when this command started it
    raise SystemExit(run_app(settings, port=port, address=address, graph=result.graph,
                             stop_db=not was_running))


@click.command()
@click.option("--port", default=8501, show_default=True, help="Port of the web app.")
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to serve the intranet).")
@click.option("--graph", default=None, help=f"Graph to open first (default: ORGNET_GRAPH or '{DEFAULT_GRAPH}').")
@click.pass_obj
def app(settings: Settings, port: int, address: str, graph: str | None) -> None:
    """Start the orgnet web app (Streamlit)."""
    from orgnet.access.accounts import AccountBook
    from orgnet.appserver import run_app

    if not AccountBook(settings.home).exists() and not settings.trust_user_header:
        click.echo("No account exists yet: create a district administrator first with\n"
                   "  orgnet users add NAME --role admin\n(尚无账号：请先用上面的命令创建区级管理员)", err=True)
    click.echo(f"orgnet app: http://{address}:{port}   (Ctrl+C to stop)")
    raise SystemExit(run_app(settings, port=port, address=address, graph=graph))


def _first_admin(settings: Settings) -> None:
    """A fresh install gets an administrator ``admin`` with a random password, shown once."""
    from orgnet.access.accounts import first_admin

    password = first_admin(settings.home)
    if password:
        click.echo(f"Sign in as admin / {password}   (shown once; change it with `orgnet users passwd admin`;\n"
                   f"add accounts with `orgnet users add`)  登录账号 admin，密码 {password}（仅显示一次）")


COMMANDS = [demo, app]
