"""``orgnet db start|stop|status``: the embedded database server (or the Neo4j connection)."""

from __future__ import annotations

import json

import click


def status_info(settings) -> dict:
    """What `db status` shows: engine, version, address, data dir, graphs with counts, memory."""
    from orgnet.graph.load import graph_info
    from orgnet.graph.stores import embedded_server, open_store

    if settings.neo4j_uri:
        with open_store(settings) as store:
            graphs = [{"name": g, **store.counts(g)} for g in store.list_graphs()]
            return {"engine": "neo4j", "version": store.version(), "running": True,
                    "address": settings.neo4j_uri, "database": settings.neo4j_database,
                    "graphs": graphs}
    server = embedded_server(settings)
    state = server.probe()
    info = {"engine": "falkordb", "running": state == "up", "state": state, "address": server.address,
            "data_dir": str(server.data_dir), "log": str(server.log_file)}
    if state in ("loading", "busy"):  # restarted after a crash, still reading its data
        info.update(pid=server.pid, loading=server.loading_progress())
        replay = server.replay_position()
        if replay and replay[2]:
            info["replay"] = {"file": replay[0], "bytes_read": replay[1], "bytes": replay[2]}
    if not info["running"]:
        return info
    details = server.info()
    with open_store(settings, start=False) as store:
        graphs = []
        for g in store.list_graphs():
            meta = graph_info(store, g)
            graphs.append({"name": g, **store.counts(g), "loaded_at": meta.get("loaded_at"),
                           "source": meta.get("source")})
    info.update({"version": details["falkordb_version"], "redis_version": details["redis_version"],
                 "pid": details["pid"], "memory": details["used_memory_human"], "graphs": graphs})
    return info


@click.group("db")
def db_group():
    """The embedded database (内置图数据库): start, stop, status."""


@db_group.command("start")
@click.pass_context
def start_cmd(ctx):
    """Start the embedded FalkorDB server (it also starts by itself on first use)."""
    from orgnet.graph.stores import embedded_server

    server = embedded_server(ctx.obj)
    started = server.start()
    click.echo(f"{'started' if started else 'already running'}: FalkorDB on {server.address} "
               f"(data {server.data_dir})")


@db_group.command("stop")
@click.pass_context
def stop_cmd(ctx):
    """Save the data and stop the embedded server."""
    from orgnet.graph.stores import embedded_server

    server = embedded_server(ctx.obj)
    click.echo("stopped" if server.stop() else "not running")


@db_group.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def status_cmd(ctx, fmt):
    """Engine, version, address, data directory, graphs with counts, memory."""
    info = status_info(ctx.obj)
    if fmt == "json":
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    if info.get("state") in ("loading", "busy"):
        p = info.get("loading") or {}
        r = info.get("replay")
        done = (f"{float(p['loading_loaded_perc']):.0f}% done, about {p.get('loading_eta_seconds')}s to go"
                if p.get("loading") else
                f"replaying {r['file']}: {100 * r['bytes_read'] / r['bytes']:.0f}% of {r['bytes'] / 2**20:.1f} MB"
                if r else "not answering yet: replaying a long query, or stopped")
        click.echo(f"{info['engine']}: loading its saved data ({done}; pid {info.get('pid')}, "
                   f"{info['address']}); commands wait for it — do not kill it")
        ctx.exit(1)
    if not info["running"]:
        click.echo(f"{info['engine']}: not running (data {info.get('data_dir')}); "
                   "`orgnet db start` starts it")
        ctx.exit(1)
    click.echo(f"engine   {info['engine']} {info.get('version', '')}")
    click.echo(f"address  {info['address']}")
    if "data_dir" in info:
        click.echo(f"data     {info['data_dir']}")
        click.echo(f"memory   {info['memory']}")
    click.echo("graphs:" if info["graphs"] else "graphs:  (none; `orgnet load PATH` loads one)")
    for g in info["graphs"]:
        extra = f"  loaded {g['loaded_at']}" if g.get("loaded_at") else ""
        click.echo(f"  {g['name']:20} {g['nodes']:>9} nodes {g['relationships']:>9} relationships{extra}")


COMMANDS = [db_group]
