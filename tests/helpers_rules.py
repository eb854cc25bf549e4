"""Test helpers of the rules: the tiny dataset, and loading a Dataset.

``load_dataset_dir(path)`` uses the real validator (``orgnet.loaders.validate``) and
asserts zero rejects; ``generate_dataset`` does the same for a generated preset.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import helpers_data
from orgnet.model import Dataset
from orgnet.loaders.validate import validate_path

TINY = Path(__file__).parent / "data" / "tiny"
#: the date the tiny dataset's README expectations are computed for
TINY_AS_OF = "2025-06-30"


def load_dataset_dir(path: Path) -> Dataset:
    """A validated Dataset of a CSV folder, asserting nothing was rejected."""
    result = validate_path(path)
    errors = result.report.to_dict()["errors"]
    assert not errors, f"{path} has rejects: {errors[:5]}"
    return result.dataset


def tiny_dataset() -> Dataset:
    return load_dataset_dir(TINY)


# ---------------------------------------------------------------------------
# A store with datasets loaded (the embedded FalkorDB of tests/conftest.py)
# ---------------------------------------------------------------------------



def generate_dataset(preset: str, seed: int) -> Dataset:
    """A generated preset, validated with no rejects (generated once per process and shared:
    read it, never change it — tests/helpers_data.py)."""
    return helpers_data.dataset(preset, seed)


def load_graph(store: Any, dataset: Dataset, graph: str) -> str:
    from orgnet.graph.load import load_dataset

    load_dataset(store, dataset, graph=graph, replace=True)
    return graph


def expected_from_readme() -> dict[str, list[str]]:
    """{rule id: sorted gap ids} from the table of tests/data/tiny/README.md."""
    expected: dict[str, list[str]] = {}
    for line in (TINY / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `([a-z_]+)` \| ([^|]+) \|", line)
        if m:
            expected[m.group(1)] = sorted(x.strip() for x in m.group(2).split(","))
    return expected
