"""The figures the seed documents report, read once from ``orgnet/seed_figures.toml``.

Each figure carries its source (document number and verbatim quote), its definition and,
when orgnet computes the same thing, the KPI it is shown beside. ``compare == "same"``
means the KPI uses exactly the figure's definition, so a difference may be shown; every
other figure is a reference only.

>>> fig = seed_figures()["private_enterprise_org"]
>>> fig.doc, fig.value, fig.kpi, fig.comparable
('000', 0.831, 'private_enterprise_org_coverage', True)
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from orgnet.errors import ConfigError

SEED_FILE = "seed_figures.toml"
UNITS = ("rate", "count")
COMPARES = ("same", "reference")
_REQUIRED = ("doc", "quote", "value", "unit", "definition_zh", "definition_en", "compare")


@dataclass(frozen=True)
class SeedFigure:
    """One figure of a seed document."""

    id: str
    doc: str
    quote: str
    value: float
    unit: str
    definition_zh: str
    definition_en: str
    compare: str
    kpi: str | None = None
    preset: str | None = None

    @property
    def comparable(self) -> bool:
        """True when the KPI beside it has the same definition (a difference may be shown)."""
        return self.compare == "same" and self.kpi is not None and self.unit == "rate"

    def definition(self, lang: str) -> str:
        return self.definition_zh if lang == "zh" else self.definition_en


def _figure(fid: str, raw: dict) -> SeedFigure:
    where = f"orgnet/{SEED_FILE} [{fid}]"
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    if raw["unit"] not in UNITS or raw["compare"] not in COMPARES:
        raise ConfigError(f"{where}: unit must be one of {UNITS}, compare one of {COMPARES}")
    try:
        value = float(raw["value"])
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: value {raw['value']!r} is not a number") from e
    return SeedFigure(id=fid, doc=str(raw["doc"]), quote=str(raw["quote"]), value=value,
                      unit=raw["unit"], definition_zh=str(raw["definition_zh"]),
                      definition_en=str(raw["definition_en"]), compare=raw["compare"],
                      kpi=raw.get("kpi"), preset=raw.get("preset"))


@functools.cache
def seed_figures() -> dict[str, SeedFigure]:
    """Every seed figure by id, in file order."""
    text = resources.files("orgnet").joinpath(SEED_FILE).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"orgnet/{SEED_FILE}: {e}") from e
    return {fid: _figure(fid, raw) for fid, raw in data.items()}


def figure_for_kpi(kpi: str) -> SeedFigure | None:
    """The seed figure shown beside a KPI, if any."""
    return next((f for f in seed_figures().values() if f.kpi == kpi), None)


def reference_figures() -> list[SeedFigure]:
    """The figures no KPI computes with their definition (shown as references only)."""
    return [f for f in seed_figures().values() if f.kpi is None]


__all__ = ["SeedFigure", "seed_figures", "figure_for_kpi", "reference_figures", "SEED_FILE"]
