"""Measure the guards against heavy queries on the embedded FalkorDB (--limit,
the query timeout, the server's guard settings).

Starts a fresh embedded server in a temporary home (query timeout lowered to
``--timeout`` seconds through ORGNET_QUERY_TIMEOUT_S), then:

1. ``orgnet cypher "UNWIND range(1,5000000) AS x RETURN x" --limit 1`` in a subprocess:
   wall time and the client's peak memory;
2. two runaway queries at once; while they run, the latency of ``RETURN 1``;
   when they end (timed out), how long until the server's CPU is idle again;
3. a query collecting a huge list under a small QUERY_MEM_CAPACITY: refused.

    python bench/bench_runaway.py [--timeout 4] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNAWAY = "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(*)"  # 1e10 rows, CPU only


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _idle_after(pid: int, start: float, window: float = 0.2, limit: float = 30.0) -> float:
    """Seconds from ``start`` until a ``window`` passes with (almost) no server CPU."""
    hz = os.sysconf("SC_CLK_TCK")
    while time.monotonic() - start < limit:
        a = _cpu_ticks(pid)
        time.sleep(window)
        if (_cpu_ticks(pid) - a) / hz < 0.1 * window:
            return time.monotonic() - window - start
    return float("inf")


def main() -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=int, default=4)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    os.environ["ORGNET_QUERY_TIMEOUT_S"] = str(a.timeout)
    from orgnet.graph.stores.falkordb import EmbeddedServer, FalkorDBStore

    out: dict = {"timeout_s": a.timeout}
    with tempfile.TemporaryDirectory(prefix="orgnet-runaway-") as home:
        server = EmbeddedServer(home)
        server.start()
        try:
            store = FalkorDBStore(server)
            store.write("CREATE (:Area {id: 'a'})", graph="g")
            with server.client() as c:
                cfg = dict(c.execute_command("GRAPH.CONFIG", "GET", "*"))
            out["config"] = {k.decode(): (v.decode() if isinstance(v, bytes) else v)
                             for k, v in cfg.items()
                             if k in (b"TIMEOUT_DEFAULT", b"TIMEOUT_MAX", b"QUERY_MEM_CAPACITY",
                                      b"THREAD_COUNT")}
            # 1. --limit bounds what leaves the database
            env = {**os.environ, "ORGNET_HOME": home, "ORGNET_GRAPH": "g",
                   "PYTHONPATH": str(ROOT)}
            env.pop("NEO4J_URI", None)
            probe = ("import resource, sys, time; from orgnet.cli import main; t=time.perf_counter()\n"
                     "try:\n    main()\nexcept SystemExit: pass\n"
                     "sys.stderr.write('BENCH %.3f %d\\n' % (time.perf_counter()-t, "
                     "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))")
            t = time.perf_counter()
            p = subprocess.run([sys.executable, "-c", probe, "cypher",
                                "UNWIND range(1,5000000) AS x RETURN x", "--limit", "1"],
                               capture_output=True, text=True, env=env, timeout=300)
            bench = [ln for ln in p.stderr.splitlines() if ln.startswith("BENCH")][-1].split()
            out["cypher_limit_1"] = {"wall_s": round(time.perf_counter() - t, 2),
                                     "command_s": float(bench[1]),
                                     "client_peak_rss_mb": round(int(bench[2]) / 1024, 1),
                                     "stdout": p.stdout.strip()[:200]}
            # 2. two runaway queries; a simple query meanwhile; idle after the timeout
            errors: list[str] = []

            def runaway():
                s2 = FalkorDBStore(server)
                try:
                    s2.read(RUNAWAY, graph="g")
                except Exception as e:  # noqa: BLE001 - the timeout is the expected outcome
                    errors.append(f"{type(e).__name__}: {str(e)[:120]}")

            t0 = time.monotonic()
            threads = [threading.Thread(target=runaway) for _ in range(2)]
            for th in threads:
                th.start()
            time.sleep(1.0)
            lat = []
            for _ in range(5):
                t = time.perf_counter()
                store.read("RETURN 1 AS one", graph="g")
                lat.append(round(time.perf_counter() - t, 4))
                time.sleep(0.2)
            for th in threads:
                th.join()
            ended = time.monotonic()
            pid = server.pid
            out["runaway"] = {"simple_query_latencies_s": lat, "max_latency_s": max(lat),
                              "runaways_ended_after_s": round(ended - t0, 2),
                              "runaway_errors": errors,
                              "server_idle_after_end_s": round(_idle_after(pid, ended), 2)}
            # 3. memory cap (set low at runtime for the measurement)
            with server.client() as c:
                c.execute_command("GRAPH.CONFIG", "SET", "QUERY_MEM_CAPACITY", 64 * 2**20)
            t = time.perf_counter()
            try:
                store.read("UNWIND range(1, 3000000) AS x RETURN collect(toString(x)) AS xs",
                           graph="g")
                mem = "not refused"
            except Exception as e:  # noqa: BLE001
                mem = f"{type(e).__name__}: {str(e)[:160]}"
            out["memory_cap_64mb"] = {"outcome": mem, "seconds": round(time.perf_counter() - t, 2)}
            store.close()
        finally:
            server.stop()
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if a.json:
        Path(a.json).write_text(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
