"""What scope costs: explorer views, search and all rules for a district-wide and a
street-scoped account, on a loaded graph.

    ORGNET_HOME=/tmp/qh orgnet load data/qindu --graph qindu
    ORGNET_HOME=/tmp/qh python bench/bench_scope.py --graph qindu > bench/results/…md

Prints a Markdown table of medians (ms).
"""

from __future__ import annotations

import argparse
import statistics
import time

from orgnet.graph.stores import open_store
from orgnet.queries import explore
from orgnet.queries.gaps import run_gaps
from orgnet.access.scoped import ScopedStore
from orgnet.queries.scope import Scope
from orgnet.settings import Settings


def median_ms(fn, n: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(n):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--graph", default="qindu")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--as-of", default="2026-06-30")
    a = ap.parse_args()
    store = open_store(Settings.from_env())
    street = explore.streets(store, graph=a.graph)[0]
    community = street["communities"][0]["id"]
    accounts = {"district": store, f"street {street['id']}": ScopedStore(store, Scope(street_id=street["id"]),
                                                                          personal=False)}
    jobs = {
        "relationships of a community": lambda s: explore.relationships(s, community, graph=a.graph),
        "neighbourhood, radius 2": lambda s: explore.neighbourhood(s, community, graph=a.graph, radius=2),
        "search 社区 (50)": lambda s: explore.search(s, "社区", graph=a.graph),
        "all rules": lambda s: run_gaps(s, as_of=a.as_of, graph=a.graph),
    }
    print(f"| {a.graph} | " + " | ".join(accounts) + " |")
    print("|---|" + "---:|" * len(accounts))
    for name, job in jobs.items():
        cells = []
        for s in accounts.values():
            ms, out = median_ms(lambda: job(s), a.repeat)
            n = len(out) if hasattr(out, "__len__") else ""
            cells.append(f"{ms:.0f} ms" + (f" ({n} rows)" if n != "" else ""))
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
