"""Snapshot diff and follow-up page measurements: the diff of two qindu snapshots, and the 整改督办
page with 2,000 follow-up records (warm).

Generates a 2-quarter qindu series (``orgnet.synthetic.series``), loads both quarters into a
temporary embedded FalkorDB (never your ORGNET_HOME), times ``diff_snapshots`` (cold, then
``--repeat`` warm runs: each reads both snapshots' results stored at load, as ``orgnet load``
leaves them, and compares; then twice computed on the engine for comparison), assigns 2,000 gaps in the ledger and times the 整改督办
page in Streamlit's AppTest (one cold run, then warm runs). Writes
``bench/results/<date>-vm-changes.json`` and a Markdown table beside it, with the 1-minute
load average at each step (the machine may be shared: compare runs at a similar load).

    python bench/bench_changes.py [--repeat 5] [--records 2000]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from orgnet_bench import loadavg, machine_info  # noqa: E402


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def page_times(home: Path, graph: str, runs: int) -> dict:
    from streamlit.testing.v1 import AppTest

    from orgnet_bench import _bench_account

    from orgnet.pages._access import session_state_for
    from orgnet.pages._ui import K_LANG, K_START

    os.environ.update(ORGNET_HOME=str(home), ORGNET_GRAPH=graph, ORGNET_PREWARM="0")
    _bench_account(home)
    times, render = [], []
    for _ in range(runs + 1):
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
        for k, v in session_state_for(home, "bench").items():  # signed in as the bench's administrator
            at.session_state[k] = v
        at.session_state[K_START] = "followup"
        at.session_state[K_LANG] = "zh"
        s, _ = _timed(at.run)
        assert not at.exception, [e.value for e in at.exception]
        times.append(s)
        render.append(at.session_state["_orgnet_render_s"])
    return {"cold_s": round(times[0], 3), "warm_s": [round(x, 3) for x in times[1:]],
            "warm_median_s": round(statistics.median(times[1:]), 3),
            "page_render_warm_median_s": round(statistics.median(render[1:]), 3), "load_avg": loadavg()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--records", type=int, default=2000)
    ap.add_argument("--preset", default="qindu")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    args = ap.parse_args(argv)

    from orgnet.graph.load import load_dataset
    from orgnet.graph.stores.falkordb import EmbeddedServer, FalkorDBStore
    from orgnet.ledger import service as led
    from orgnet.synthetic.series import generate_series
    from orgnet.loaders.validate import validate_path
    from orgnet.queries.changes import diff_snapshots
    from orgnet.queries.gaps import run_gaps
    from orgnet.queries.stored import live, store_results

    res: dict = {"machine": machine_info(), "preset": args.preset, "started": _dt.datetime.now().isoformat()}
    with tempfile.TemporaryDirectory(prefix="orgnet-bench-changes-") as tmp:
        home = Path(tmp) / "home"
        server = EmbeddedServer(home)
        server.start()
        store = FalkorDBStore(server)
        try:
            summary = generate_series(args.preset, Path(tmp) / "data", quarters_n=2)
            names = []
            for name, as_of, folder in summary.folders:
                s, _ = _timed(lambda: load_dataset(store, validate_path(folder).dataset, graph=name,
                                                   replace=True, as_of=as_of))
                res.setdefault("load_s", {})[name] = round(s, 2)
                s, _ = _timed(lambda: store_results(store, name))  # what `orgnet load` ends with
                res.setdefault("store_results_s", {})[name] = round(s, 2)
                names.append(name)
            old, new = names
            la = loadavg()
            cold, report = _timed(lambda: diff_snapshots(store, old, new))
            warm = [_timed(lambda: diff_snapshots(store, old, new))[0] for _ in range(args.repeat)]
            with live():  # the same diff computed on the engine, as before results were stored
                live_s = [_timed(lambda: diff_snapshots(store, old, new))[0] for _ in range(2)]
            res["diff"] = {"old": old, "new": new, "cold_s": round(cold, 3), "warm_s": [round(x, 3) for x in warm],
                           "warm_median_s": round(statistics.median(warm), 3), "totals": report.totals(),
                           "gap_rows": len(report.gaps), "load_avg": la, "target_s": 3.0,
                           "live_s": [round(x, 3) for x in live_s]}
            gaps = run_gaps(store, as_of=summary.folders[1][1], graph=new)
            pick = gaps[gaps["rule"] != "in_service_not_reported"].head(args.records).to_dict("records")
            if len(pick) < args.records:
                pick += gaps[gaps["rule"] == "in_service_not_reported"].head(args.records - len(pick)).to_dict("records")
            s, _ = _timed(lambda: led.assign(store, pick, snapshot=new, as_of=summary.folders[1][1], by="bench",
                                             person="bench", deadline="2026-05-31"))
            res["ledger"] = {"records": len(led.list_records(store)), "assign_s": round(s, 2)}
            s, _ = _timed(lambda: led.list_records(store))
            res["ledger"]["list_s"] = round(s, 3)
            res["followup_page"] = {**page_times(home, new, args.repeat), "target_s": 1.0}
        finally:
            store.close()
            server.stop()
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{_dt.date.today().isoformat()}-vm-changes"
    stem.with_suffix(".json").write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    d, p = res["diff"], res["followup_page"]
    md = [f"# Snapshot diff and follow-up page measurements ({res['started'][:16]}, {args.preset})", "",
          "Shared 2-core VM with other jobs running: the 1-minute load average is given per step.", "",
          "| measurement | cold | warm median | target | load avg |", "|---|---:|---:|---:|---:|",
          f"| diff {d['old']} → {d['new']} ({d['gap_rows']:,} gap rows) | {d['cold_s']} s | {d['warm_median_s']} s "
          f"| < 3 s | {d['load_avg']} |",
          f"| the same diff on the engine (no stored results) | {d['live_s'][0]} s | {d['live_s'][-1]} s | | |",
          f"| results stored after each load | {' / '.join(f'{v} s' for v in res['store_results_s'].values())} | | | |",
          f"| 整改督办 page, {res['ledger']['records']:,} records (AppTest run) | {p['cold_s']} s | "
          f"{p['warm_median_s']} s (page itself {p['page_render_warm_median_s']} s) | < 1 s | {p['load_avg']} |", ""]
    stem.with_suffix(".md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
