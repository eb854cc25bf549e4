"""Test helpers of the quarterly series: the weicheng 4-quarter series and its oracle.

``series()`` generates the series once per process (``orgnet.synthetic.series``), validates
every quarter (asserting zero rejects) and gives, per quarter, its name, reference date,
Dataset, networkx graph and the oracle's gap keys (tests/oracle.py over networkx, never Cypher;
both made on first use).
"""

from __future__ import annotations

import atexit
import functools
import shutil
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

    @functools.cached_property
    def graph(self):
        """The quarter's networkx graph (made once; the oracles read it, never change it)."""
        return to_networkx(self.dataset)

    @functools.cached_property
    def gaps(self) -> dict[tuple[str, str], dict]:
        """{(rule, id): oracle row} of every gap on the quarter's reference date (computed on
        first use: tests that only load the quarters do not pay for the oracle)."""
        return oracle_gaps(self.dataset, self.as_of, self.graph)


def oracle_gaps(dataset: Dataset, as_of: str, g=None) -> dict[tuple[str, str], dict]:
    g = to_networkx(dataset) if g is None else g
    return {(r["rule"], r["id"]): r for fn in RULES.values() for r in fn(g, as_of)}


@functools.lru_cache(maxsize=None)
def series(preset: str = PRESET, n: int = 4, seed: int = 0) -> tuple[Quarter, ...]:
    from orgnet.synthetic.series import generate_series

    out = Path(tempfile.mkdtemp(prefix=f"orgnet-series-{preset}-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    summary = generate_series(preset, out, quarters_n=n, seed=seed)
    quarters = []
    for name, as_of, folder in summary.folders:
        ds = load_dataset_dir(folder)
        quarters.append(Quarter(name, as_of, folder, ds))
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
