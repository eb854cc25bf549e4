"""The main job of a fresh install: generate the demo preset, validate it, load it.

The CLI's ``orgnet demo`` calls :func:`prepare_demo` and then starts the app. On the
embedded store the demo is a quarterly series (:mod:`orgnet.synthetic.series`): snapshots
``2026Q1`` … ``2026Q4`` each at its own reference date, so a newcomer sees the cycle of
gaps found, assigned and closed at once; the default graph holds the latest quarter (the
same data as the last snapshot), so commands without ``--graph`` keep working as before.
Neo4j Community holds one graph: there only the default graph is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from orgnet.graph.load import graph_info
from orgnet.synthetic import DEFAULT_AS_OF, generate
from orgnet.loaders.validate import ValidationResult, validate_path
from orgnet.settings import Settings

DEMO_PRESET = "demo"
DEMO_GRAPH = "demo"
#: quarters of the demo series loaded as snapshots
DEMO_QUARTERS = 4


@dataclass
class DemoResult:
    dataset_dir: Path
    graph: str
    validation: ValidationResult
    generated: bool
    written: object
    #: snapshots loaded besides the default graph (name, reference date)
    snapshots: list[tuple[str, str]] = field(default_factory=list)


def demo_dir(settings: Settings) -> Path:
    """Where the demo dataset lives: ``$ORGNET_HOME/datasets/demo``."""
    return settings.home / "datasets" / DEMO_PRESET


def choose_graph(store, settings: Settings) -> str:
    """The default graph, unless it already holds someone's real data: then ``demo``.

    A user who loaded their own ledgers into the default graph never loses them to a demo.
    """
    if settings.graph not in store.list_graphs():
        return settings.graph
    info = graph_info(store, settings.graph) or {}
    if info.get("preset") == DEMO_PRESET or str(demo_dir(settings)) in str(info.get("source", "")):  # older loads
        return settings.graph
    return DEMO_GRAPH


def _is_demo(store, graph: str, folder: Path) -> bool:
    """Whether ``graph`` is absent or holds demo data (never overwrite someone's ledgers)."""
    if graph not in store.list_graphs():
        return True
    info = graph_info(store, graph) or {}
    return info.get("preset") == DEMO_PRESET or str(folder) in str(info.get("source", ""))  # or an older demo load


def prepare_demo(store, settings: Settings, *, seed: int = 0, progress: bool = True) -> DemoResult:
    """Generate the demo series if it is not there yet, validate and load it (replacing):
    every quarter as a snapshot (embedded store), the latest also into the default graph."""
    from orgnet.synthetic.series import generate_series, quarters
    from orgnet.snapshots import load_snapshot

    folder = demo_dir(settings)
    plan = quarters(DEMO_QUARTERS)
    generated = not all((folder / name / "dataset.csv").exists() for name, _ in plan)
    if generated:
        folder.mkdir(parents=True, exist_ok=True)
        generate_series(DEMO_PRESET, folder, quarters_n=DEMO_QUARTERS, seed=seed)
    loaded: list[tuple[str, str]] = []
    several = store.engine != "neo4j"  # Neo4j Community: one graph
    for name, _ in plan if several else []:
        if not _is_demo(store, name, folder):
            continue
        dataset = validate_path(folder / name).dataset
        as_of = dataset.as_of  # the quarter's own reference date (its dataset table)
        load_snapshot(store, dataset, graph=name, replace=True, progress=progress, as_of=as_of,
                      preset=DEMO_PRESET)
        loaded.append((name, as_of))
    latest = folder / plan[-1][0]
    validation = validate_path(latest)
    graph = choose_graph(store, settings)
    # a copy of the latest quarter: not a snapshot of its own for the ledger
    written = load_snapshot(store, validation.dataset, graph=graph, replace=True, progress=progress,
                            as_of=validation.dataset.as_of or DEFAULT_AS_OF, preset=DEMO_PRESET,
                            ledger=False).written
    return DemoResult(latest, graph, validation, generated, written, loaded)
