"""考核: the 百分制 细则 of ``assessment.toml``, scoring and ranking over plain values.

The 细则 lists items, each with a source (a KPI, a rule's open gaps, a linkage figure, the
follow-up closure rate or overdue items), a scoring rule, its points and the levels (street,
community) it applies to. ``orgnet/assessment.toml`` is shipped; a district's
``ORGNET_HOME/assessment.toml`` replaces it as a whole. Errors name the file, the line and
the key to fix (Chinese first).

The values themselves come from the catalog (:mod:`orgnet.assessment` gathers them);
this module only scores them:

>>> item = Item("x", "覆盖率", "kpi", "grid_org_coverage", ("community",), "linear", 10, floor=0.6, target=1.0, rate=True)
>>> score_item(item, 0.8)
(5.0, '80.0%：介于起评值60.0%与目标值100.0%之间，按比例得5分')
>>> score_item(Item("d", "空缺", "rule", "secretary_vacant", ("street",), "deduct", 10, per=2), 7)
(0.0, '7个，每个扣2分，扣10分（封顶10分）')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

import tomllib

from orgnet.errors import ConfigError

CONFIG_FILE = "assessment.toml"
LEVELS: tuple[str, ...] = ("street", "community")
LEVEL_ZH = {"street": "街道", "community": "社区"}
SOURCE_KINDS: tuple[str, ...] = ("kpi", "rule", "linkage", "followup")
SCORINGS: tuple[str, ...] = ("linear", "per_item", "deduct")
#: the figures of the street / community linkage summaries an item may score
LINKAGE_FIGURES: tuple[str, ...] = ("tied_units", "strong", "medium", "weak", "resident_tied",
                                    "mean_score", "max_score")
FOLLOWUP_FIGURES: tuple[str, ...] = ("closure_rate", "overdue")
_ITEM_KEYS = {"id", "title", "source", "levels", "scoring", "points", "floor", "target", "per", "cap"}
_NEEDS = {"linear": ("floor", "target"), "per_item": ("per",), "deduct": ("per",)}


@dataclass(frozen=True)
class Item:
    """One line of the 细则."""

    id: str
    title: str
    kind: str  # one of SOURCE_KINDS
    ref: str  # the KPI / rule id, linkage or follow-up figure
    levels: tuple[str, ...]
    scoring: str
    points: float
    floor: float | None = None
    target: float | None = None
    per: float | None = None
    cap: float | None = None
    rate: bool = False  # the value is a rate 0–1 (shown as a percentage)

    @property
    def source(self) -> str:
        return f"{self.kind}:{self.ref}"


@dataclass(frozen=True)
class Sheet:
    """The whole 细则: title, total points and the items, with the file they came from."""

    title: str
    total: float
    items: tuple[Item, ...]
    path: str = f"orgnet/{CONFIG_FILE}"

    def for_level(self, level: str) -> list[Item]:
        return [i for i in self.items if level in i.levels]


@dataclass
class Known:
    """What a source may name (the catalog's KPI and rule ids, which KPIs are rates)."""

    kpis: Mapping[str, bool] = field(default_factory=dict)  # KPI id -> is a rate
    rules: Iterable[str] = ()


# --- reading and validation ---------------------------------------------------------

def _item_lines(text: str) -> list[int]:
    """The line (1-based) of each ``[[item]]`` header, in order."""
    return [n for n, line in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[\s*item\s*\]\]", line)]


def _key_line(text: str, start: int, key: str) -> int:
    """The line of ``key = …`` in the item whose header is line ``start`` (else ``start``)."""
    lines = text.splitlines()
    for n in range(start, len(lines)):  # lines[start] is the line after the header
        if re.match(r"\s*\[", lines[n]):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[n]):
            return n + 1
    return start


def _err(where: str, line: int, item: str, key: str | None, zh: str, en: str) -> ConfigError:
    at = f"{where} 第{line}行" + (f" [[item]] {item}" if item else "") + (f" {key}" if key else "")
    return ConfigError(f"{at}：{zh} / {where} line {line}{' item ' + item if item else ''}"
                       f"{' key ' + key if key else ''}: {en}")


def _num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse(text: str, where: str, known: Known) -> Sheet:
    """The 细则 in ``text`` (the file ``where``), checked against ``known`` ids."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}：不是有效的 TOML 文件（{e}）/ not valid TOML ({e})") from e
    extra = sorted(set(data) - {"sheet", "item"})
    if extra:
        raise ConfigError(f"{where}：未知的节 {', '.join(extra)}，只能有 [sheet] 和 [[item]] / unknown "
                          f"section(s) {', '.join(extra)}: use [sheet] and [[item]]")
    sheet = data.get("sheet", {})
    title, total = sheet.get("title", "考核细则"), sheet.get("total", 100)
    if not _num(total) or total <= 0:
        raise ConfigError(f"{where}：[sheet] total = {total!r} 应为正数 / must be a positive number")
    raw_items = data.get("item", [])
    if not isinstance(raw_items, list) or not raw_items:
        raise ConfigError(f"{where}：没有考核项，请至少写一个 [[item]] / no [[item]]: write at least one")
    starts = _item_lines(text) or [1] * len(raw_items)
    items, seen = [], set()
    for n, raw in enumerate(raw_items):
        start = starts[n] if n < len(starts) else 1
        item = _item(raw, text, where, start, known)
        if item.id in seen:
            raise _err(where, _key_line(text, start, "id"), item.id, "id", "考核项编号重复", "duplicate id")
        seen.add(item.id)
        items.append(item)
    out = Sheet(str(title), float(total), tuple(items), where)
    for level in LEVELS:
        got = sum(i.points for i in out.for_level(level))
        if got and abs(got - out.total) > 1e-9:
            names = "、".join(f"{i.id} {i.points:g}" for i in out.for_level(level))
            raise ConfigError(f"{where}：{LEVEL_ZH[level]}级各项分值合计{got:g}分，应为{out.total:g}分（{names}）"
                              f" / the {level} items add up to {got:g} points, not {out.total:g}")
    return out


def _item(raw: Mapping[str, Any], text: str, where: str, start: int, known: Known) -> Item:
    iid = str(raw.get("id", ""))

    def fail(key: str | None, zh: str, en: str) -> ConfigError:
        return _err(where, _key_line(text, start, key) if key else start, iid, key, zh, en)

    if not re.fullmatch(r"[A-Za-z0-9_]+", iid):
        raise fail("id", "需要编号 id（字母、数字、下划线）", "needs an id (letters, digits, _)")
    unknown = sorted(set(raw) - _ITEM_KEYS)
    if unknown:
        raise fail(unknown[0], f"未知的键 {unknown[0]}，可用：{', '.join(sorted(_ITEM_KEYS))}",
                   f"unknown key; use {', '.join(sorted(_ITEM_KEYS))}")
    for key in ("title", "source", "levels", "scoring", "points"):
        if key not in raw:
            raise fail(None, f"缺少 {key}", f"missing {key}")
    kind, _, ref = str(raw["source"]).partition(":")
    rate = _check_source(kind, ref, known, lambda zh, en: fail("source", zh, en))
    levels = raw["levels"]
    if isinstance(levels, str):
        levels = [levels]
    if not isinstance(levels, list) or not levels or any(lv not in LEVELS for lv in levels):
        raise fail("levels", f"levels = {raw['levels']!r} 应为 [\"street\"]、[\"community\"] 或两者",
                   'must be ["street"], ["community"] or both')
    scoring = raw["scoring"]
    if scoring not in SCORINGS:
        raise fail("scoring", f"scoring = {scoring!r} 应为 {' / '.join(SCORINGS)}", f"must be one of {', '.join(SCORINGS)}")
    for key in ("points", "floor", "target", "per", "cap"):
        if key in raw and (not _num(raw[key]) or raw[key] < 0):
            raise fail(key, f"{key} = {raw[key]!r} 应为非负数", "must be a number >= 0")
    for key in _NEEDS[scoring]:
        if key not in raw:
            raise fail(None, f"计分方式 {scoring} 需要 {key}", f"scoring {scoring} needs {key}")
    if scoring == "linear" and raw["floor"] >= raw["target"]:
        raise fail("target", f"目标值 target（{raw['target']}）应大于起评值 floor（{raw['floor']}）",
                   "target must be greater than floor")
    if "cap" in raw and (scoring != "deduct" or raw["cap"] > raw["points"]):
        raise fail("cap", "cap 只用于 deduct，且不大于 points", "cap is for deduct only and at most points")
    return Item(iid, str(raw["title"]), kind, ref, tuple(dict.fromkeys(levels)), scoring, float(raw["points"]),
                floor=_f(raw.get("floor")), target=_f(raw.get("target")), per=_f(raw.get("per")),
                cap=_f(raw.get("cap")), rate=rate)


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def _check_source(kind: str, ref: str, known: Known, fail) -> bool:
    """Whether the source's value is a rate; ConfigError (through ``fail``) for an unknown one."""
    if kind == "kpi":
        if ref not in known.kpis:
            raise fail(f"没有指标 {ref}（见 orgnet kpis）", f"no KPI {ref!r}; known: {', '.join(known.kpis)}")
        return bool(known.kpis[ref])
    if kind == "rule":
        if ref not in set(known.rules):
            raise fail(f"没有规则 {ref}（见 orgnet gaps --list）", f"no rule {ref!r} (orgnet gaps --list)")
        return False
    if kind == "linkage":
        if ref not in LINKAGE_FIGURES:
            raise fail(f"联建指标应为 {'、'.join(LINKAGE_FIGURES)}", f"linkage figure must be one of {', '.join(LINKAGE_FIGURES)}")
        return False
    if kind == "followup":
        if ref not in FOLLOWUP_FIGURES:
            raise fail(f"督办指标应为 {'、'.join(FOLLOWUP_FIGURES)}", f"follow-up figure must be one of {', '.join(FOLLOWUP_FIGURES)}")
        return ref == "closure_rate"
    raise fail(f"来源应为 {'、'.join(k + ':…' for k in SOURCE_KINDS)}",
               f"source must start with one of {', '.join(k + ':' for k in SOURCE_KINDS)}")


def catalog_known() -> Known:
    """The KPI and rule ids of the catalog (a KPI is a rate unless its header says count)."""
    from orgnet.queries.gaps import rule_ids
    from orgnet.queries.kpis import kpi_ids, kpi_meta

    return Known({k: kpi_meta(k)["measure"] == "rate" for k in kpi_ids()}, rule_ids())


def load_sheet(path: str | Path | None = None, *, home: str | Path | None = None,
               known: Known | None = None) -> Sheet:
    """``path`` if given, else ``home/assessment.toml`` when it exists, else the packaged 细则."""
    known = known or catalog_known()
    if path is None and home is not None and (Path(home).expanduser() / CONFIG_FILE).is_file():
        path = Path(home).expanduser() / CONFIG_FILE
    if path is None:
        text = resources.files("orgnet").joinpath(CONFIG_FILE).read_text(encoding="utf-8")
        return parse(text, f"orgnet/{CONFIG_FILE}", known)
    p = Path(path).expanduser()
    if not p.is_file():
        raise ConfigError(f"考核细则文件 {p} 不存在 / assessment file {p} does not exist")
    return parse(p.read_text(encoding="utf-8"), str(p), known)


# --- scoring ------------------------------------------------------------------------

def show(item: Item, value: float | None) -> str:
    """A value as printed: a percentage for a rate, else the number."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if item.rate else f"{value:g}"


def _bound(item: Item, value: float | None) -> str:
    return show(item, value) if item.rate else f"{value:g}"


def score_item(item: Item, value: float | None) -> tuple[float, str]:
    """(points, reason) of one item for one value (None: nothing to count)."""
    pts = item.points
    if item.scoring == "linear":
        if value is None:
            return pts, f"无统计对象，按满分{pts:g}分计"
        v = show(item, value)
        if value >= item.target:
            return pts, f"{v}：达到目标值{_bound(item, item.target)}，得满分{pts:g}分"
        if value <= item.floor:
            return 0.0, f"{v}：不高于起评值{_bound(item, item.floor)}，得0分"
        got = round(pts * (value - item.floor) / (item.target - item.floor), 2)
        return got, (f"{v}：介于起评值{_bound(item, item.floor)}与目标值{_bound(item, item.target)}之间，"
                     f"按比例得{got:g}分")
    n = value or 0
    if item.scoring == "per_item":
        got = float(round(min(n * item.per, pts), 2))
        return got, f"{n:g}个，每个{item.per:g}分，得{got:g}分（上限{pts:g}分）"
    cap = item.cap if item.cap is not None else pts
    off = round(min(n * item.per, cap), 2)
    return float(round(pts - off, 2)), f"{n:g}个，每个扣{item.per:g}分，扣{off:g}分（封顶{cap:g}分）"


def score_entities(sheet: Sheet, level: str, entities: list[Mapping[str, Any]],
                   values: Mapping[str, Mapping[str, float | None]]) -> list[dict[str, Any]]:
    """One result per entity (``id``, ``name``, ``street_id``, ``street``): its lines (item,
    value, points, reason), total and rank (1 = best; equal totals share a rank), best first.
    ``values[item id][entity id]``: the item's value for the entity (missing: None)."""
    out = []
    for e in entities:
        lines = []
        for item in sheet.for_level(level):
            value = values.get(item.id, {}).get(e["id"])
            pts, why = score_item(item, value)
            lines.append({"item": item.id, "title": item.title, "source": item.source, "value": value,
                          "shown": show(item, value), "points": pts, "max": item.points, "reason": why})
        out.append({**e, "level": level, "total": round(sum(x["points"] for x in lines), 2), "lines": lines})
    return rank(out)


def rank(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sorted best first (then by id), with ``rank``: 1 + the number of strictly higher totals."""
    results = sorted(results, key=lambda r: (-r["total"], str(r["id"])))
    for r in results:
        r["rank"] = 1 + sum(1 for x in results if x["total"] > r["total"])
    return results


def with_rank_change(current: list[dict[str, Any]], previous: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """``previous_rank`` and ``rank_change`` (positive: moved up) for each result; None when the
    entity was not ranked before (or there is no previous snapshot)."""
    before = {r["id"]: r["rank"] for r in previous or []}
    for r in current:
        prev = before.get(r["id"])
        r["previous_rank"] = prev
        r["rank_change"] = None if prev is None else prev - r["rank"]
    return current


__all__ = ["Item", "Sheet", "Known", "load_sheet", "parse", "score_item", "score_entities", "rank",
           "with_rank_change", "show", "catalog_known", "LEVELS", "LEVEL_ZH", "LINKAGE_FIGURES"]
