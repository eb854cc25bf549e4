"""The generator's shared state: one ``random.Random`` per (preset, seed), id counters and dates."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from orgnet.synthetic import names as N
from orgnet.synthetic.presets import Preset


class GeneratorBase:
    """State shared by the generator's parts: the preset, one random stream per (preset, seed),
    the name pools, id counters and the calibration figures gathered while generating."""

    def __init__(self, preset: Preset, seed: int):
        self.p = preset
        self.seed = seed
        self.rng = random.Random(f"orgnet:{preset.name}:{seed}")
        self.people = N.PersonNames(self.rng)
        self.places = N.place_pool()
        self.brands = N.BRAND + tuple(self.places)
        self.city_short = preset.city.removesuffix("市")
        self._n: dict[str, int] = {}
        self.stats: dict[str, Any] = {}

    # -- ids and dates ------------------------------------------------------
    def nid(self, prefix: str, width: int = 6) -> str:
        n = self._n.get(prefix, 0) + 1
        self._n[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def date(self, lo: int, hi: int) -> str:
        return self.date_in(self.rng, lo, hi)

    @staticmethod
    def date_in(rng: random.Random, lo: int, hi: int) -> str:
        """A day between the ordinals ``lo`` and ``hi`` (inclusive) drawn from ``rng``, ISO."""
        return dt.date.fromordinal(rng.randint(lo, hi)).isoformat()
