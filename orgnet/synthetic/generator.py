"""Deterministic synthetic datasets calibrated to the figures of the seed documents.

``generate(preset, out, seed=0, fmt="csv")`` writes one CSV per table (English headers,
English enum values) or one ``.xlsx`` workbook (a sheet per table, Chinese headers and
Chinese enum values, Excel date cells), exactly the input contract (``docs/input.md``), so the
output round-trips through the validator with zero rejects.

Determinism: one ``random.Random`` per (preset, seed); only tuples and lists are iterated;
every date is placed relative to the fixed reference date ``DEFAULT_AS_OF`` (2026-06-30),
which is also a sensible ``as_of`` for the rules.

Members (the big table) are streamed to disk as they are made; only a few ids per unit,
party org and community are kept for the roles, services and meetings written after them.

Around the organizations the seeds count lies the territory they do not yet cover, so
every coverage-gap rule of the catalog finds gaps in every preset, and the linkage channels
range from none to strong (each resident unit has a tie level 0–3 that drives how many
channels it uses with its community). A deterministic few resident units per community
are its core partners (``Preset.core_partners``, ~5–10% of resident-unit ties score
strong): a current agreement, a seat on the community committee, members who reported
there, matched resources, claimed services and regular joint meetings. Regular partners
(``Preset.regular_partners``) have an agreement and a committee seat (mostly medium)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgnet.errors import ConfigError
from orgnet.model import TABLE_ORDER, TWO_NEW_KINDS, OrgKind, UnitKind
from orgnet.synthetic.areas import AreaPlan
from orgnet.synthetic.cobuilding import CoBuildingWriter
from orgnet.synthetic.common import DEFAULT_AS_OF
from orgnet.synthetic.members import MemberWriter
from orgnet.synthetic.orgs import OrgPlan
from orgnet.synthetic.output import Fmt, _Sink
from orgnet.synthetic.presets import PRESET_BY_NAME, PRESETS
from orgnet.synthetic.roles import RoleWriter
from orgnet.synthetic.units import UnitPlan


@dataclass
class GenerateSummary:
    preset: str
    seed: int
    fmt: str
    #: the dataset to validate: the folder of CSVs, or the .xlsx file
    path: Path
    #: rows written per table, in table order
    counts: dict[str, int]
    seconds: float
    #: calibration figures (what the seeds count), computed while generating
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"preset": self.preset, "seed": self.seed, "format": self.fmt,
                "path": str(self.path), "counts": dict(self.counts),
                "seconds": round(self.seconds, 3), "stats": dict(self.stats)}


class _Generator(AreaPlan, UnitPlan, OrgPlan, MemberWriter, RoleWriter, CoBuildingWriter):
    """One run of the generator: plans the district, then writes its tables in table order."""

    # -- stats ---------------------------------------------------------------------------------------
    def collect_stats(self) -> None:
        kinds: dict[str, int] = {k.value: 0 for k in OrgKind}
        for r in self.org_rows:
            kinds[r[2].value] += 1
        self.stats["party_orgs"] = len(self.org_rows)
        self.stats["party_orgs_by_kind"] = kinds
        self.stats["streets"] = len(self.street_ids)
        self.stats["communities"] = len(self.comms)
        self.stats["grids"] = len(self.g_id)
        self.stats["buildings"] = len(self.b_id)
        two_new = [u for u in self.units if u.kind in TWO_NEW_KINDS]
        unc = sum(1 for u in two_new if u.cls == "empty")
        self.stats["two_new_units"] = len(two_new)
        self.stats["two_new_coverage"] = round(1 - unc / max(1, len(two_new)), 4)
        private = [u for u in self.units if u.kind is UnitKind.private_enterprise]
        self.stats["private_org_coverage"] = round(
            sum(1 for u in private if u.org is not None or u.joint is not None) / max(1, len(private)), 4)
        self.stats["units"] = len(self.units)
        self.stats["as_of"] = self.p.as_of

    def run(self, sink: _Sink) -> None:
        self.plan_areas()
        self.plan_area_orgs()
        self.plan_units()
        self.plan_joint_meetings()
        self.plan_unit_orgs()
        self.plan_org_reporting()
        self.plan_reporting()
        self.collect_stats()
        self.write_structure(sink)
        self.write_members(sink)
        self.write_party_orgs(sink)
        self.write_roles(sink)
        self.write_agreements(sink)
        self.write_lists(sink)
        self.write_services(sink)
        self.write_meetings(sink)
        self.write_meeting_members(sink)
        self.write_evaluations(sink)
        self.write_dataset(sink)

    def write_dataset(self, sink: _Sink) -> None:
        """The dataset's own row: its reference date (fixed per preset) and a title naming the
        preset (the default series of its snapshots)."""
        t = sink.table("dataset")
        # the preset is part of the name (two presets of one district are two series,
        # ``Dataset.series``); the seed, a period tag, is not
        t.row(self.p.as_of, f"{self.p.city}{'、'.join(self.p.districts)}模拟数据 · 预设 {self.p.name}"
                            f"（种子 {self.seed}）")
        t.close()


def generate(preset: str, out: Path | str, seed: int = 0, fmt: Fmt = "csv") -> GenerateSummary:
    """Write the synthetic dataset ``preset`` to ``out`` and return what was written.

    ``fmt="csv"``: ``out`` is a folder; one ``<table>.csv`` per table (UTF-8, English
    headers and enum values, lists joined with ``;``, ISO dates, ``true``/``false``).
    ``fmt="xlsx"``: ``out`` is the workbook path (``…/name.xlsx``) or a folder that gets
    ``<preset>.xlsx``; one sheet per table, Chinese headers and enum values, date cells.
    """
    if preset not in PRESET_BY_NAME:
        raise ConfigError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    if fmt not in ("csv", "xlsx"):
        raise ConfigError(f"unknown format {fmt!r}; choose csv or xlsx")
    if PRESET_BY_NAME[preset].as_of != DEFAULT_AS_OF:
        raise ConfigError(f"preset {preset}: as_of {PRESET_BY_NAME[preset].as_of} — the generator places "
                          f"its dates relative to {DEFAULT_AS_OF}; set the preset's as_of to it")
    started = time.perf_counter()
    out = Path(out)
    sink = _Sink(out, fmt, preset)
    gen = _Generator(PRESET_BY_NAME[preset], seed)
    gen.run(sink)
    sink.close()
    counts = {t: sink.counts.get(t, 0) for t in TABLE_ORDER}
    return GenerateSummary(preset=preset, seed=seed, fmt=fmt, path=sink.path, counts=counts,
                           seconds=time.perf_counter() - started, stats=gen.stats)
