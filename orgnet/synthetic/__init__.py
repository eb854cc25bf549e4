"""Synthetic districts calibrated to the seeds, in the input format.

- :func:`generate` (``generator``): one dataset of a preset, deterministic per seed; the
  generator is split by what it builds: ``areas`` (territory and area party orgs),
  ``units``, ``orgs`` (unit orgs, joint branches, reporting plans, structure tables),
  ``members``, ``roles`` and ``cobuilding`` (agreements, lists, services, meetings,
  evaluations), over ``base`` (shared state), ``common`` (dates, counting), ``shapes``
  (working records, proportions) and ``output`` (CSV / xlsx writers);
- ``presets``: the scale presets and what they are calibrated to; ``names``: name pools;
- ``series``: a quarterly series derived from a generated dataset.
"""

from orgnet.synthetic.common import DEFAULT_AS_OF
from orgnet.synthetic.generator import GenerateSummary, generate
from orgnet.synthetic.presets import PRESETS, Preset

__all__ = ["generate", "GenerateSummary", "PRESETS", "DEFAULT_AS_OF", "Preset"]
