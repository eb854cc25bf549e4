"""Where a Neo4j load's time goes: wall and server CPU per phase.

    python bench/neo4j_load_profile.py serve /tmp/neo              # a test server, kept running
    python bench/neo4j_load_profile.py run /tmp/neo --preset qindu --loads 3
    python bench/neo4j_load_profile.py run /tmp/neo --set _REL_WRITERS=2 --batch-size 20000

``serve`` starts the Neo4j test server of ``tests/neo4j_server.py`` (heap and page cache as the
bench's) and writes its address, password and JVM pid to ``WORK/server.json``; it runs until
killed. ``run`` generates the preset once (kept in ``WORK/PRESET``), empties the database, then
loads it ``--loads`` times with ``replace=True`` (the first into the empty database, the others
over the loaded graph) and prints, per load, the wall time and the server JVM's CPU time of
the node batches, the relationship batches and what follows them, the store's own phases
(swap, old graph's deletion), the persist step (replanning) and the client's CPU; ``--json FILE`` keeps them. The load average
is printed beside every load.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def serve(work: Path, heap: str, pagecache_mb: int, jvm_options: list[str]) -> None:
    from neo4j_server import Neo4jTestServer

    kw = {"jvm_options": tuple(jvm_options)} if jvm_options else {}
    server = Neo4jTestServer(work / "neo4j", heap=heap, pagecache_mb=pagecache_mb, **kw).start()
    info = {"uri": server.uri, "user": server.user, "password": server.password,
            "database": server.database, "pid": server.proc.pid, "start_s": server.start_seconds}
    (work / "server.json").write_text(json.dumps(info))
    print(json.dumps(info), flush=True)
    try:
        while server.proc.poll() is None:
            time.sleep(1)
    finally:
        server.stop()


def _dataset(work: Path, preset: str):
    from orgnet.loaders.validate import validate_path
    from orgnet.synthetic import generate

    folder = work / preset
    if not folder.exists():
        generate(preset, folder, seed=0, fmt="csv")  # the bench's seed
    return validate_path(folder).dataset


def _cpu(proc) -> float:
    t = proc.cpu_times()
    return t.user + t.system


def profile_load(store, dataset, jvm, batch_size: int) -> dict:
    """One replacing load: wall and server CPU per phase (the progress hook marks where the node
    tables and the relationship groups start and end)."""
    import psutil

    from orgnet.graph.load import load_dataset

    me = psutil.Process()
    marks: dict[str, tuple[float, float]] = {}  # phase mark → (time, server CPU)

    def hook(table: str, done: int, total: int) -> None:
        kind = "rels" if "→" in table else "nodes"
        marks.setdefault(f"{kind}_start", (time.perf_counter(), _cpu(jvm)))
        if done >= total:
            marks[f"{kind}_end"] = (time.perf_counter(), _cpu(jvm))

    load_avg = os.getloadavg()[0]
    c0, s0, t0 = _cpu(me), _cpu(jvm), time.perf_counter()
    result = load_dataset(store, dataset, graph=store.default_graph, replace=True, progress=hook,
                          batch_size=batch_size)
    wall, s1 = time.perf_counter() - t0, _cpu(jvm)
    out = {"wall_s": round(wall, 2), "seconds": round(result.seconds, 2),
           "persist_s": round(result.persist_seconds, 2),
           "client_cpu_s": round(_cpu(me) - c0, 2), "server_cpu_s": round(s1 - s0, 2),
           "phases": {k: round(v, 2) for k, v in result.phases.items()}, "loadavg_1m": round(load_avg, 2),
           "nodes": result.nodes, "relationships": result.relationships}
    for kind in ("nodes", "rels"):
        (a, ca), (b, cb) = marks[f"{kind}_start"], marks[f"{kind}_end"]
        out[f"{kind}_wall_s"], out[f"{kind}_server_cpu_s"] = round(b - a, 2), round(cb - ca, 2)
    out["before_nodes_s"] = round(marks["nodes_start"][0] - t0, 2)  # lock, schema, clearing
    out["after_rels_s"] = round(t0 + wall - marks["rels_end"][0], 2)  # swap, deletion, persist
    out["after_rels_server_cpu_s"] = round(s1 - marks["rels_end"][1], 2)
    return out


def run(work: Path, preset: str, loads: int, batch_size: int, out: str | None) -> None:
    import psutil

    from orgnet.graph.stores.neo4j import Neo4jStore

    info = json.loads((work / "server.json").read_text())
    jvm = psutil.Process(info["pid"])
    dataset = _dataset(work, preset)
    store = Neo4jStore(info["uri"], info["user"], info["password"], info["database"])
    try:
        store.drop_graph(None)
        store.clear_technical()
        runs = []
        for i in range(loads):
            r = profile_load(store, dataset, jvm, batch_size)
            r["counts"] = store.counts()
            runs.append(r)
            print(f"load {i + 1} ({'empty database' if i == 0 else 'replace'}): {json.dumps(r)}", flush=True)
        if out:
            Path(out).write_text(json.dumps({"preset": preset, "batch_size": batch_size, "runs": runs}, indent=1))
    finally:
        store.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("step", choices=("serve", "run"))
    p.add_argument("work", type=Path)
    p.add_argument("--preset", default="qindu")
    p.add_argument("--loads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=None)
    p.add_argument("--heap", default="3g")
    p.add_argument("--pagecache-mb", type=int, default=512)
    p.add_argument("--jvm", action="append", default=[], metavar="OPTION",
                   help="the server JVM's options instead of the test server's (-XX:+UseSerialGC)")
    p.add_argument("--json")
    p.add_argument("--set", action="append", default=[], metavar="NAME=INT",
                   help="override a module constant of orgnet.graph.stores.neo4j for this run "
                        "(e.g. _REL_WRITERS=2, _DELETE_BATCH=10000)")
    a = p.parse_args()
    import orgnet.graph.stores.neo4j as neo4j_store

    for item in a.set:
        name, value = item.split("=", 1)
        if not hasattr(neo4j_store, name):
            p.error(f"orgnet.graph.stores.neo4j has no {name}")
        setattr(neo4j_store, name, int(value))
    a.work.mkdir(parents=True, exist_ok=True)
    if a.step == "serve":
        serve(a.work, a.heap, a.pagecache_mb, a.jvm)
    else:
        from orgnet.graph.load import BATCH_SIZE

        run(a.work, a.preset, a.loads, a.batch_size or BATCH_SIZE, a.json)


if __name__ == "__main__":
    main()
