"""Test helpers of the rules: the tiny dataset, and loading a Dataset.

``load_dataset_dir(path)`` uses the real validator (``orgnet.loaders.validate``) and
asserts zero rejects; when the validator is not importable it falls back to a minimal
typed CSV reader (English headers, UTF-8) so the rules can be tested on their own.
"""

from __future__ import annotations

import csv
from pathlib import Path

from orgnet.graph.model import TABLES, ColType, Dataset

TINY = Path(__file__).parent / "data" / "tiny"
#: the date the tiny dataset's README expectations are computed for
TINY_AS_OF = "2025-06-30"


def _cell(col, raw: str):
    raw = (raw or "").strip()
    if col.type is ColType.refs:
        return [x.strip() for x in raw.replace("；", ";").split(";") if x.strip()]
    if raw == "":
        return None
    if col.type is ColType.int:
        return int(raw)
    if col.type is ColType.bool:
        return raw.lower() in ("true", "1", "yes", "是")
    if col.type is ColType.enum:
        return col.enum.parse(raw).value
    return raw


def read_csv_dir(path: Path) -> Dataset:
    """Minimal reader of a well-formed English-header CSV folder (fallback only)."""
    ds = Dataset(source=str(path))
    for name, table in TABLES.items():
        f = Path(path) / f"{name}.csv"
        if not f.exists():
            continue
        with f.open(encoding="utf-8-sig", newline="") as fh:
            rows = []
            for i, raw in enumerate(csv.DictReader(fh), start=2):
                row = {c.name: _cell(c, raw.get(c.name, "")) for c in table.columns}
                row["_row"] = i
                row["_extra"] = {}
                rows.append(row)
        ds.tables[name] = rows
    return ds


def load_dataset_dir(path: Path) -> Dataset:
    """A validated Dataset of a CSV folder, asserting nothing was rejected."""
    try:
        from orgnet.loaders.validate import validate_path
    except ImportError:
        return read_csv_dir(path)
    result = validate_path(path)
    errors = result.report.to_dict()["errors"]
    assert not errors, f"{path} has rejects: {errors[:5]}"
    return result.dataset


def tiny_dataset() -> Dataset:
    return load_dataset_dir(TINY)


# ---------------------------------------------------------------------------
# A store with datasets loaded (the embedded FalkorDB of tests/conftest.py)
# ---------------------------------------------------------------------------

import re
import shutil
import tempfile
from typing import Any

import pytest



def generate_dataset(preset: str, seed: int) -> Dataset:
    """Generate a preset into a temporary folder and validate it (asserting no rejects)."""
    from orgnet.loaders.generate import generate

    out = Path(tempfile.mkdtemp(prefix=f"orgnet-rules-{preset}-{seed}-"))
    try:
        generate(preset, out, seed=seed)
        return load_dataset_dir(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def conftest_store(request: Any) -> Any:
    """The session store of tests/conftest.py: a real embedded FalkorDB."""
    return request.getfixturevalue("falkordb_store")


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
