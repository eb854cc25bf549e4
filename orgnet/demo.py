"""The main job of a fresh install: generate the demo preset, validate it, load it.

The CLI's ``orgnet demo`` calls :func:`prepare_demo` and then starts the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orgnet.graph.load import graph_info, load_dataset
from orgnet.loaders.generate import DEFAULT_AS_OF, generate
from orgnet.loaders.validate import ValidationResult, validate_path
from orgnet.settings import Settings

DEMO_PRESET = "demo"
DEMO_GRAPH = "demo"


@dataclass
class DemoResult:
    dataset_dir: Path
    graph: str
    validation: ValidationResult
    generated: bool
    written: object


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
    if str(info.get("source", "")).endswith(str(demo_dir(settings))) or info.get("preset") == DEMO_PRESET:
        return settings.graph
    return DEMO_GRAPH


def prepare_demo(store, settings: Settings, *, seed: int = 0, progress: bool = True) -> DemoResult:
    """Generate the demo preset if it is not there yet, validate it and load it (replacing)."""
    folder = demo_dir(settings)
    generated = not (folder / "areas.csv").exists()
    if generated:
        folder.mkdir(parents=True, exist_ok=True)
        generate(DEMO_PRESET, folder, seed=seed)
    validation = validate_path(folder)
    graph = choose_graph(store, settings)
    written = load_dataset(store, validation.dataset, graph=graph, replace=True, progress=progress,
                           as_of=validation.dataset.as_of or DEFAULT_AS_OF)
    return DemoResult(folder, graph, validation, generated, written)
