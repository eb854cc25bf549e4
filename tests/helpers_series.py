"""Test helpers of the quarterly series: the weicheng 4-quarter series and its oracle.

``series()`` generates the series once per process (``orgnet.synthetic.series``), validates
every quarter (asserting zero rejects) and gives, per quarter, its name, reference date,
Dataset and the oracle's gap keys (tests/oracle.py over networkx, never Cypher).
"""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

from helpers_rules import load_dataset_dir
from oracle import RULES

from orgnet.graph.nx import to_networkx
from orgnet.model import Dataset

PRESET = "weicheng"


@dataclass
class Quarter:
    name: str
    as_of: str
    folder: Path
    dataset: Dataset
    #: {(rule, id): oracle row} of every gap on the quarter's reference date
    gaps: dict[tuple[str, str], dict]


def oracle_gaps(dataset: Dataset, as_of: str) -> dict[tuple[str, str], dict]:
    g = to_networkx(dataset)
    return {(r["rule"], r["id"]): r for fn in RULES.values() for r in fn(g, as_of)}


@functools.lru_cache(maxsize=None)
def series(preset: str = PRESET, n: int = 4, seed: int = 0) -> tuple[Quarter, ...]:
    from orgnet.synthetic.series import generate_series

    out = Path(tempfile.mkdtemp(prefix=f"orgnet-series-{preset}-"))
    summary = generate_series(preset, out, quarters_n=n, seed=seed)
    quarters = []
    for name, as_of, folder in summary.folders:
        ds = load_dataset_dir(folder)
        quarters.append(Quarter(name, as_of, folder, ds, oracle_gaps(ds, as_of)))
    return tuple(quarters)


def expected_changes(quarters: tuple[Quarter, ...], old: int, new: int) -> dict[tuple[str, str], tuple[str, int]]:
    """{gap key: (change, snapshots_open)} between quarters[old] and quarters[new], from the oracle."""
    def streak(key, upto: int) -> int:
        n = 0
        for q in reversed(quarters[: upto + 1]):
            if key not in q.gaps:
                break
            n += 1
        return n

    a, b = quarters[old].gaps, quarters[new].gaps
    out = {}
    for key in a.keys() | b.keys():
        if key in b:
            out[key] = ("still_open" if key in a else "new", streak(key, new))
        else:
            out[key] = ("closed", streak(key, old))
    return out
