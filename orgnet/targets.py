"""The district's own targets (本区目标): a target per KPI, optionally per street.

Read from the packaged ``orgnet/targets.toml`` (which sets none), then ``ORGNET_HOME/targets.toml``
when it exists (its values win). A rate KPI's target is a percentage 0–100 (``90``, ``92.5`` or
``"90%"``), kept here as a rate 0–1; a count KPI's (``// measure: count``) a whole number. A
street's own target wins over the district's for that street.

Every mistake raises :class:`~orgnet.errors.ConfigError` in Chinese naming the file, the line
and the key (an unknown KPI id, a value that is not a percentage or a number).

>>> t = parse_targets('[district]\\nin_service_reporting = "90%"\\n[streets.S01]\\nin_service_reporting = 95\\n',
...                   "targets.toml", {"in_service_reporting": "rate"})
>>> t.target("in_service_reporting"), t.target("in_service_reporting", "S01"), t.target("in_service_reporting", "S02")
(0.9, 0.95, 0.9)
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from orgnet.errors import ConfigError

TARGETS_FILE = "targets.toml"
SECTIONS = ("district", "streets")


@dataclass(frozen=True)
class Targets:
    """Targets per KPI: the district's and each street's (rates 0–1, counts as numbers)."""

    district: dict[str, float] = field(default_factory=dict)
    streets: dict[str, dict[str, float]] = field(default_factory=dict)
    #: the files read, packaged first
    sources: tuple[str, ...] = ()

    def target(self, kpi: str, street_id: str | None = None) -> float | None:
        """The street's own target, else the district's; None without one."""
        own = self.streets.get(str(street_id), {}).get(kpi) if street_id is not None else None
        return own if own is not None else self.district.get(kpi)

    def __bool__(self) -> bool:
        return bool(self.district) or any(self.streets.values())

    def unknown_streets(self, known: set[str]) -> list[str]:
        """Street ids with targets that are not among ``known`` (e.g. the graph's streets)."""
        return sorted(s for s, kpis in self.streets.items() if kpis and s not in known)


def _line_of(text: str, section: str, key: str | None = None) -> int | None:
    """The line (1-based) of ``key`` in table ``section`` (``streets.S01``), or of the table's header."""
    current, header_line = "", None
    for n, line in enumerate(text.splitlines(), 1):
        head = re.match(r"\s*\[([^\[\]]+)\]\s*(#.*)?$", line)
        if head:
            current = re.sub(r"[\s\"']", "", head.group(1))
            if current == section and key is None:
                return n
            header_line = n if current == section else header_line
            continue
        if key is not None and current == section and re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return n
    return header_line


def _where(path: str, text: str, section: str, key: str | None = None) -> str:
    line = _line_of(text, section, key)
    at = f"第 {line} 行 " if line else ""
    return f"{path} {at}[{section}]" + (f" {key}" if key else "")


def _value(raw: Any, measure: str, where: str) -> float:
    """A target as a rate 0–1 (``measure == "rate"``, written as a percentage) or a count."""
    if measure == "count":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw) \
                or raw < 0 or raw != int(raw):
            raise ConfigError(f"{where}：{raw!r} 不是人数或个数（应为不小于 0 的整数，如 6000）")
        return float(int(raw))
    value = raw
    if isinstance(raw, str):
        text = raw.strip().removesuffix("%").removesuffix("％").strip()
        try:
            value = float(text)
        except ValueError:
            value = None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 <= value <= 100:
        raise ConfigError(f"{where}：{raw!r} 不是百分数（应为 0 到 100 之间的数，如 90 或 \"90%\"）")
    if 0 < value < 1 and not isinstance(raw, str):
        raise ConfigError(f"{where}：{raw!r} 读作 {value}%，请写成百分数（如 90 表示 90%；确指不足 1% 请写 \"{value}%\"）")
    return round(float(value) / 100, 6)


def _kpi_targets(table: Any, measures: Mapping[str, str], path: str, text: str, section: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise ConfigError(f"{_where(path, text, section)}：应为一个表（[{section}] 下每行一个 指标编号 = 目标）")
    out: dict[str, float] = {}
    for kpi, raw in table.items():
        where = _where(path, text, section, kpi)
        if kpi not in measures:
            raise ConfigError(f"{where}：未知的指标编号 “{kpi}”；可用的指标编号：{'、'.join(measures)}")
        out[kpi] = _value(raw, measures[kpi], where)
    return out


def parse_targets(text: str, path: str, measures: Mapping[str, str]) -> Targets:
    """Targets from the text of a targets file (``measures``: each KPI id's ``rate`` or ``count``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}：不是有效的 TOML（{e}）；请按 orgnet/targets.toml 中的示例书写") from e
    for key in data:
        if key not in SECTIONS:
            raise ConfigError(f"{_where(path, text, key)}：未知的表 [{key}]；只能是 [district]（全区目标）"
                              f"或 [streets.<街道编号>]（街道目标）")
    district = _kpi_targets(data.get("district", {}), measures, path, text, "district")
    streets_raw = data.get("streets", {})
    if not isinstance(streets_raw, dict):
        raise ConfigError(f"{_where(path, text, 'streets')}：应为 [streets.<街道编号>] 形式的表")
    streets = {str(sid): _kpi_targets(table, measures, path, text, f"streets.{sid}")
               for sid, table in streets_raw.items()}
    return Targets(district=district, streets=streets, sources=(path,))


def kpi_measures() -> dict[str, str]:
    """Every KPI id with its measure (``rate`` or ``count``), in presentation order."""
    from orgnet.queries.kpis import kpi_ids, kpi_meta

    return {k: kpi_meta(k)["measure"] for k in kpi_ids()}


def load_targets(home: str | Path | None = None, path: str | Path | None = None) -> Targets:
    """The packaged targets (none), overridden by ``home/targets.toml`` when it exists, then by
    ``path`` (which must exist). Raises ConfigError naming the file, line and key to fix."""
    measures = kpi_measures()
    packaged = f"orgnet/{TARGETS_FILE}"
    base = parse_targets(resources.files("orgnet").joinpath(TARGETS_FILE).read_text(encoding="utf-8"),
                         packaged, measures)
    files = [Path(home).expanduser() / TARGETS_FILE] if home is not None else []
    files = [f for f in files if f.is_file()]
    if path is not None:
        p = Path(path).expanduser()
        if not p.is_file():
            raise ConfigError(f"目标文件 {p} 不存在；请给出一个已有的 TOML 文件")
        files.append(p)
    district, streets, sources = dict(base.district), {s: dict(v) for s, v in base.streets.items()}, [packaged]
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"{f}：无法读取（{e}）；请保存为 UTF-8 编码的文本文件") from e
        more = parse_targets(text, str(f), measures)
        district.update(more.district)
        for sid, kpis in more.streets.items():
            streets.setdefault(sid, {}).update(kpis)
        sources.append(str(f))
    return Targets(district=district, streets=streets, sources=tuple(sources))


def with_targets(kpis: pd.DataFrame, targets: Targets, measures: Mapping[str, str] | None = None, *,
                 overall_street: str | None = None) -> pd.DataFrame:
    """A KPI table (``orgnet.queries.kpis.kpi_table``) with ``target`` (a rate 0–1, or a count for a
    count KPI; a street row takes the street's own target, else the district's; a community row
    the district's; the overall row the district's, or ``overall_street``'s when the table is one
    street's, e.g. ``kpi_table(street_id=…)`` or a street account's) and ``gap``: rate − target, or
    numerator − target for a count KPI (negative: short of the target; None without a target or a rate)."""
    measures = measures if measures is not None else kpi_measures()
    out = kpis.copy()
    tgt, gap = [], []
    for r in out.to_dict("records"):
        street = r.get("street_id") if r.get("scope") == "street" else (
            overall_street if r.get("scope") == "overall" else None)
        t = targets.target(r["kpi"], street)
        if measures.get(r["kpi"]) == "count":
            value = r.get("numerator")
        else:
            value = r.get("rate")
        tgt.append(t)
        gap.append(None if t is None or value is None or pd.isna(value) else round(float(value) - t, 6))
    out["target"] = pd.Series(tgt, index=out.index, dtype=object)
    out["gap"] = pd.Series(gap, index=out.index, dtype=object)
    return out


__all__ = ["Targets", "TARGETS_FILE", "parse_targets", "load_targets", "with_targets", "kpi_measures"]
