"""Dates and counting helpers shared by the generator's modules.

Every date is placed relative to the fixed reference date ``DEFAULT_AS_OF`` (2026-06-30);
``_o`` turns an ISO date into an ordinal. Counts are split deterministically (largest
remainder) so a preset's exact figures come out exact."""

from __future__ import annotations

import datetime as dt
import random

from orgnet import policy
from orgnet.errors import ConfigError
from orgnet.model import MemberCategory


#: the fixed reference date of generated data; a sensible ``as_of`` for the rules
DEFAULT_AS_OF = "2026-06-30"
_AS_OF = dt.date.fromisoformat(DEFAULT_AS_OF)


def _o(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


_AS_OF_ORD = _AS_OF.toordinal()

#: the thresholds and terms the generator builds by: the packaged policy, never a district's file
POLICY = policy.defaults()


def _apportion(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` (largest remainder),
    never above ``caps``. Deterministic."""
    n = len(weights)
    if n == 0 or total <= 0:
        return [0] * n
    if caps is not None and sum(caps) < total:
        raise ConfigError(f"generator: cannot place {total} items in capacity {sum(caps)}")
    out = [0] * n
    remaining = total
    active = [i for i in range(n) if (caps is None or caps[i] > 0) and weights[i] > 0]
    if not active:
        active = [i for i in range(n) if caps is None or caps[i] > 0]
        weights = [1.0] * n
    while remaining > 0 and active:
        wsum = sum(weights[i] for i in active)
        raw = {i: remaining * weights[i] / wsum for i in active}
        placed = 0
        for i in active:
            add = int(raw[i])
            if caps is not None:
                add = min(add, caps[i] - out[i])
            out[i] += add
            placed += add
        remaining -= placed
        if remaining > 0:
            order = sorted(active, key=lambda i: (-(raw[i] - int(raw[i])), i))
            for i in order:
                if remaining == 0:
                    break
                if caps is None or out[i] < caps[i]:
                    out[i] += 1
                    remaining -= 1
        active = [i for i in active if caps is None or out[i] < caps[i]]
    return out


def _split(rng: random.Random, total: int, n: int, lo: int = 0, spread: float = 0.5) -> list[int]:
    """Split ``total`` into ``n`` random parts, each ≥ ``lo``."""
    if total < lo * n:
        raise ConfigError(f"generator: cannot split {total} into {n} parts of at least {lo}")
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(n)]
    parts = _apportion(total - lo * n, weights)
    return [lo + x for x in parts]


def _exact(rng: random.Random, spec: int | float, population: int) -> int:
    """An exact count (int) or a share of ``population`` (float)."""
    if isinstance(spec, float):
        return round(spec * population)
    if spec > population:
        raise ConfigError(f"generator: preset asks for {spec} but only {population} candidates exist")
    return spec


def _weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, heavier ones more likely (Efraimidis–Spirakis); keeps input order."""
    keyed = [(rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)]
    keyed.sort(key=lambda t: (-t[0], t[1]))
    chosen = sorted(i for _, i in keyed[:k])
    return [items[i] for i in chosen]

def _birth_year(rng: random.Random, category: MemberCategory, male: bool, probationary: bool) -> int:
    """A plausible birth year on the reference date 2026: probationary members 24–40; in-service
    and floating members of working age (men to 60, women to 55); retired members from the
    retirement age (60 / 55) to about 90, most in their sixties and seventies."""
    year = _AS_OF.year
    if probationary:
        return rng.randint(year - 40, year - 24)
    if category is MemberCategory.retired:
        return year - (60 if male else 55) - int(rng.triangular(0, 30, 6))
    if category is MemberCategory.other:
        return rng.randint(year - 75, year - 24)
    return rng.randint(year - (60 if male else 55), year - 23)
