"""Generated presets, made once per test process.

``generated(preset, seed, fmt)`` writes the preset into a temporary folder (removed when the
process exits) and validates it; every module asking for the same preset, seed and format gets
the same folder and the same validated result, so a session generates weicheng or qindu once,
not once per module. ``dataset(preset, seed)`` is its Dataset, asserting nothing was rejected.

The Dataset is shared by every test that asks for it: read it, never change it (a test that
needs a changed dataset takes ``copy.deepcopy`` of it). Tests of the generator itself (byte
identity, determinism, the CLI) generate their own folders.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from orgnet.loaders.validate import ValidationResult, validate_path
from orgnet.model import Dataset
from orgnet.synthetic import GenerateSummary, generate


@dataclass(frozen=True)
class Generated:
    summary: GenerateSummary
    result: ValidationResult
    #: CPU seconds of the generation alone (summary.seconds is wall time, which a busy machine stretches)
    cpu_seconds: float


@functools.lru_cache(maxsize=1)
def _root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="orgnet-tests-generated-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


@functools.lru_cache(maxsize=None)
def generated(preset: str, seed: int = 0, fmt: str = "csv") -> Generated:
    """The preset generated and validated once per process (see the module's docstring)."""
    cpu = time.process_time()
    summary = generate(preset, _root() / f"{preset}_{seed}_{fmt}", seed=seed, fmt=fmt)
    cpu = time.process_time() - cpu
    return Generated(summary, validate_path(summary.path), cpu)


def dataset(preset: str, seed: int = 0) -> Dataset:
    """The validated Dataset of a generated preset (shared: read only), asserting no rejects."""
    result = generated(preset, seed).result
    errors = result.report.to_dict()["errors"]
    assert not errors, f"{preset} seed {seed} has rejects: {errors[:5]}"
    return result.dataset
