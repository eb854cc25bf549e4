"""Crash recovery of the embedded store: ``kill -9`` right after a load.

Per preset: generate, validate, load into a *temporary* embedded FalkorDB (``load_dataset``,
which ends by rewriting the append-only file into an RDB base), ``kill -9`` the server, then
time the first read through the same store object until the graph answers with every node
and relationship (the store restarts the server and reconnects by itself); checks the port.

``--before``: the same without the AOF rewrite (what orgnet did before a load ended with that
rewrite: every GRAPH.QUERY of the load replayed one by one), capped at ``--cap`` seconds; reports
how far the replay got (``INFO persistence`` loading_loaded_perc) when it did not finish.

    python bench/recovery_bench.py --preset qindu --preset city [--before --cap 120]

Results: ``bench/results/<date>-<machine>-recovery.json`` and ``.md`` beside it.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from orgnet.errors import StoreUnavailable  # noqa: E402
from orgnet.graph.load import load_dataset  # noqa: E402
from orgnet.graph.stores import falkordb as fdb  # noqa: E402
from orgnet.graph.stores.falkordb import server as fdb_server  # noqa: E402
from orgnet.synthetic import generate  # noqa: E402
from orgnet.loaders.validate import validate_path  # noqa: E402


class _NoRewriteStore(fdb.FalkorDBStore):
    """The store before loads ended with the AOF rewrite: a load leaves its queries in the AOF tail."""

    def persist(self) -> float:
        return 0.0


def _log(msg: str) -> None:
    print(f"[recovery {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _kill9(server: fdb.EmbeddedServer) -> None:
    pid = server.pid
    os.kill(pid, signal.SIGKILL)
    while fdb_server._pid_alive(pid):
        time.sleep(0.02)


def run_preset(preset: str, work: Path, *, before: bool, cap: float) -> dict:
    data = work / preset
    if not data.exists():
        t = time.perf_counter()
        generate(preset, data)
        _log(f"{preset}: generated in {time.perf_counter() - t:.1f}s")
    dataset = validate_path(data).dataset
    home = work / f"home-{preset}-{'before' if before else 'after'}"
    shutil.rmtree(home, ignore_errors=True)
    server = fdb.EmbeddedServer(home, progress=lambda m: _log(f"{preset}: {m}"))
    server.start()
    out: dict = {"preset": preset, "mode": "before (no AOF rewrite)" if before else "after",
                 "loadavg_1m": round(os.getloadavg()[0], 2)}
    try:
        if before:
            with server.client() as c:  # nor Redis' own size-triggered rewrite
                c.config_set("auto-aof-rewrite-percentage", 0)
            store = _NoRewriteStore(server)
        else:
            store = fdb.FalkorDBStore(server)
        result = load_dataset(store, dataset, graph=preset, replace=True)
        counts = store.counts(preset)
        st = server.aof_status()
        out.update(load_s=round(result.seconds, 2), persist_s=round(result.persist_seconds, 2), **counts,
                   aof_base_mb=round(int(st.get("aof_base_size", 0)) / 2**20, 2),
                   aof_tail_mb=round((int(st.get("aof_current_size", 0)) - int(st.get("aof_base_size", 0)))
                                     / 2**20, 2))
        port = server.port
        _log(f"{preset}: loaded {counts} in {result.seconds:.1f}s (+{result.persist_seconds:.1f}s "
             f"AOF rewrite); kill -9")
        _kill9(server)
        fdb_server.LOADING_TIMEOUT_S = cap
        start = time.perf_counter()
        try:
            back = store.counts(preset)  # any command: restart, wait for the data, reconnect
        except StoreUnavailable as e:
            replay = server.replay_position()  # INFO does not answer during a long replayed query
            out.update(recovered=False, waited_s=round(time.perf_counter() - start, 1),
                       progress=server.loading_progress(), error=str(e)[:300],
                       replayed_perc=round(100 * replay[1] / replay[2], 1) if replay and replay[2] else None)
            _log(f"{preset}: not back after {out['waited_s']}s: {out['progress']}")
            return out
        took = time.perf_counter() - start
        out.update(recovered=back == counts, recovery_s=round(took, 2), same_port=server.port == port)
        _log(f"{preset}: back in {took:.1f}s, intact={back == counts}, port kept={server.port == port}")
        return out
    finally:
        try:
            server.stop(timeout=30)
        except Exception:  # noqa: BLE001 - a server still replaying: kill it, it is a temp dir
            for pid, _ in fdb_server._servers_in(server.data_dir):
                os.kill(pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", action="append", choices=("demo", "weicheng", "qindu", "city"))
    ap.add_argument("--before", action="store_true", help="also measure without the AOF rewrite")
    ap.add_argument("--cap", type=float, default=180.0, help="give up waiting after this many seconds")
    ap.add_argument("--out", type=Path, default=BENCH_DIR / "results")
    args = ap.parse_args(argv)
    presets = args.preset or ["demo", "qindu"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="orgnet-recovery-") as tmp:
        for preset in presets:
            for before in ([True, False] if args.before else [False]):
                rows.append(run_preset(preset, Path(tmp), before=before, cap=args.cap))
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{_dt.date.today().isoformat()}-{platform.node() or 'machine'}-recovery"
    path = args.out / f"{stem}.json"
    path.write_text(json.dumps({"machine": platform.node(), "cpus": os.cpu_count(), "runs": rows},
                               ensure_ascii=False, indent=2), encoding="utf-8")
    lines = ["| preset | mode | nodes | rels | load s | AOF rewrite s | AOF base MB | tail MB | "
             "back after kill -9 | port kept | load avg |", "|" + "---|" * 11]
    for r in rows:
        back = (f"{r['recovery_s']} s" if r.get("recovered") else
                f"not after {r.get('waited_s')} s ({r.get('replayed_perc')}% replayed)")
        lines.append(f"| {r['preset']} | {r['mode']} | {r.get('nodes')} | {r.get('relationships')} | "
                     f"{r.get('load_s')} | {r.get('persist_s')} | {r.get('aof_base_mb')} | {r.get('aof_tail_mb')} | "
                     f"{back} | {r.get('same_port', '')} | {r['loadavg_1m']} |")
    path.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return path


if __name__ == "__main__":
    main()
