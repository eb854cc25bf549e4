"""Benchmark the synthetic generator: time and peak memory per preset.

    python bench/bench_generate.py                    # all presets, csv
    python bench/bench_generate.py city --validate    # also time validate_path on the output
    python bench/bench_generate.py demo --format xlsx --tracemalloc

Each measurement runs in a fresh child process so that its peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is its own; ``--tracemalloc`` also reports
the peak of Python allocations (slower). Prints a table; ``--json FILE`` saves the numbers.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(args: argparse.Namespace) -> None:
    import tracemalloc

    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    out: dict = {}
    if args.step == "generate":
        from orgnet.synthetic import generate

        summary = generate(args.presets[0], Path(args.out), seed=args.seed, fmt=args.format)
        out["rows"] = sum(summary.counts.values())
        out["members"] = summary.counts["members"]
        out["party_orgs"] = summary.counts["party_orgs"]
        out["path"] = str(summary.path)
        out["stats"] = summary.stats
    else:
        from orgnet.loaders.validate import validate_path

        result = validate_path(args.out)
        tables = result.report.to_dict()["tables"]
        out["rows"] = sum(t["read"] for t in tables.values())
        out["rejected"] = sum(t["rejected"] for t in tables.values())
    out["seconds"] = time.perf_counter() - started
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.tracemalloc:
        out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(out, ensure_ascii=False))


def _run(step: str, preset: str, out: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, preset, "--child", step, "--out", out, "--seed", str(args.seed),
           "--format", args.format] + (["--tracemalloc"] if args.tracemalloc else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("presets", nargs="*", default=["demo", "weicheng", "qindu", "city"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    ap.add_argument("--validate", action="store_true", help="also time validate_path on each output")
    ap.add_argument("--tracemalloc", action="store_true", help="also report Python allocation peaks")
    ap.add_argument("--keep", type=Path, help="write the datasets here instead of a temp dir")
    ap.add_argument("--json", type=Path, help="save the results as JSON")
    ap.add_argument("--child", choices=["generate", "validate"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        args.step = args.child
        _child(args)
        return

    results = []
    with tempfile.TemporaryDirectory(prefix="orgnet-bench-") as tmp:
        base = args.keep or Path(tmp)
        for preset in args.presets:
            out = str(base / preset) if args.format == "csv" else str(base / f"{preset}.xlsx")
            gen = _run("generate", preset, out, args)
            row = {"preset": preset, "generate": gen}
            if args.validate:
                row["validate"] = _run("validate", preset, gen["path"], args)
            results.append(row)
            _print_row(row, args)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


_HEADER_DONE = False


def _print_row(row: dict, args: argparse.Namespace) -> None:
    global _HEADER_DONE
    cols = ["preset", "members", "party_orgs", "rows", "gen_s", "gen_rss_MB"]
    if args.tracemalloc:
        cols.append("gen_py_MB")
    if args.validate:
        cols += ["val_s", "val_rss_MB", "rejected"]
    if not _HEADER_DONE:
        print(f"format={args.format} seed={args.seed}")
        print(" | ".join(f"{c:>11}" for c in cols))
        _HEADER_DONE = True
    g = row["generate"]
    vals = [row["preset"], f"{g['members']:,}", f"{g['party_orgs']:,}", f"{g['rows']:,}",
            f"{g['seconds']:.2f}", f"{g['peak_rss_mb']:.0f}"]
    if args.tracemalloc:
        vals.append(f"{g['tracemalloc_peak_mb']:.0f}")
    if args.validate:
        v = row["validate"]
        vals += [f"{v['seconds']:.2f}", f"{v['peak_rss_mb']:.0f}", f"{v['rejected']:,}"]
    print(" | ".join(f"{v:>11}" for v in vals), flush=True)


if __name__ == "__main__":
    main()
