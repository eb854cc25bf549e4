"""Linkage strength (联建强度): a 百分制 score sheet (``orgnet/linkage.toml``), bands, aggregates,
per-unit totals, weak ties, partners.

Pure functions over pandas DataFrames; the counts come from the catalog queries
``linkage_channels``, ``linkage_street_ties`` and ``linkage_evaluations`` joined per pair
(``queries.linkage.channel_table``) or from the test oracle, candidate facts from
``partner_candidates``.

Every item of the sheet scores min(count × points, cap); the latest evaluation grade adds
its points; the score is the sum clamped to 0–100. Points, caps, grades, windows and bands
come from ``orgnet/linkage.toml`` (shipped in the package) overridden by
``ORGNET_HOME/linkage.toml`` or an explicit file.

A pair is a tie only when an institutional item is non-zero (an agreement, a part-time member,
an org report, a matched resource, a meeting attended): then strong ≥ 60, medium ≥ 30,
weak > 0. Reports, residents and services alone make a potential pair (潜在), never a tie.

>>> cfg = default_config()
>>> score({"agreements": 1, "part_time_members": 3, "evaluation": "excellent"}, cfg)
55.0
>>> band(60, cfg), band(59.99, cfg), band(30, cfg), band(0.01, cfg), band(0, cfg)
('strong', 'medium', 'medium', 'weak', 'none')
>>> band(12, cfg, tie=False, hint=True), band(0, cfg, tie=False)
('potential', 'none')
"""

from __future__ import annotations

import dataclasses
import functools

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from orgnet.frames import records as rows_of

from orgnet.errors import ConfigError
from orgnet.i18n import t
from orgnet.model import EvaluationGrade

#: the channels ``linkage_channels`` counts, numbered 1–8 in this order: the seven co-building
#: channels and the unit's party organizations reported to the community
CHANNELS: tuple[str, ...] = ("agreements", "part_time_members", "reported_members",
                             "resident_members", "matched_resources", "services", "meetings",
                             "org_reported")

#: the street item: the unit's 大工委 seats and street joint-meeting memberships in the pair's
#: street (``linkage_street_ties``)
STREET = "street_ties"
#: the evaluation line: the latest grade of the unit under an agreement with the community
EVALUATION = "evaluation"

#: the counted lines of the score sheet, in the order it prints them
ITEMS: tuple[str, ...] = ("agreements", "part_time_members", "org_reported", "reported_members",
                          "resident_members", "matched_resources", "services", "meetings", STREET)

#: the items that make a pair a tie (组织联建, 党建联抓, 单位报到, 资源联用, 活动联办)
INSTITUTIONAL: tuple[str, ...] = ("agreements", "part_time_members", "org_reported",
                                  "matched_resources", "meetings")
#: the individual items: alone they make a potential pair (a partner hint, not a tie)
INDIVIDUAL: tuple[str, ...] = ("reported_members", "resident_members", "services")

#: the grades of the evaluation line (model.EvaluationGrade values)
GRADES: tuple[str, ...] = tuple(g.value for g in EvaluationGrade)

CHANNEL_ZH: dict[str, str] = {c: t(f"channel.{c}", "zh") for c in (*ITEMS, EVALUATION)}

#: the channels that count dated events (a report, a match, a claim, a meeting): each counts
#: only the events of its window, the months before ``as_of`` (``[windows]`` in linkage.toml)
WINDOWED: tuple[str, ...] = ("reported_members", "matched_resources", "services", "meetings")

#: every band, strongest first; the first three are ties, drawn on the maps
BANDS: tuple[str, ...] = ("strong", "medium", "weak", "potential", "none")
TIE_BANDS: tuple[str, ...] = BANDS[:3]
BAND_ZH: dict[str, str] = {b: t(f"band.{b}", "zh") for b in BANDS}

#: reasons a unit is proposed as a partner of a weakly tied community
REASONS: dict[str, str] = {
    "resource_matches_need": "资源类别对应社区待对接需求",
    "members_live_here": "单位党员居住在该社区",
    "members_active_here": "单位党员已在该社区报到或认领服务",
    "same_street": "同一街道",
}

CONFIG_FILE = "linkage.toml"
_SECTIONS = ("points", "caps", "evaluation", "windows", "bands")


@dataclass(frozen=True)
class LinkageConfig:
    """The score sheet: points per item and caps (by item of :data:`ITEMS`), points by grade,
    band thresholds, the windows of the dated channels (months, 0: no limit)."""

    points: dict[str, float]
    caps: dict[str, float]
    evaluation: dict[str, float]
    strong: float = 60.0
    medium: float = 30.0
    sources: tuple[str, ...] = field(default=())
    windows: dict[str, int] = field(default_factory=dict)

    def replace(self, **kw: Any) -> "LinkageConfig":
        """A copy with some fields changed (``points``/``caps``/``evaluation``/``windows``
        merged key by key)."""
        merged = {k: ({**getattr(self, k), **v} if isinstance(v, dict) else v) for k, v in kw.items()}
        return dataclasses.replace(self, **merged)


def _read_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}: not valid TOML ({e}); fix the file or remove it") from e


def _number(where: str, section: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}: [{section}] {key} = {value!r} must be a number")
    return float(value)


def _merge(base: dict[str, Any], data: dict[str, Any], where: str) -> None:
    for section in data:
        if section not in _SECTIONS:
            hint = " (the exponential [weights]/[scales] gave way to the score sheet: use [points] and [caps])" \
                if section in ("weights", "scales") else ""
            raise ConfigError(f"{where}: unknown section [{section}]; use "
                              f"{', '.join(f'[{s}]' for s in _SECTIONS)}{hint}")
    for key, value in (data.get("windows") or {}).items():
        if key not in WINDOWED:
            raise ConfigError(f"{where}: [windows] {key} is not a dated channel; use {', '.join(WINDOWED)}")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1200:
            raise ConfigError(f"{where}: [windows] {key} = {value!r} must be a whole number of months "
                              f"from 0 (no limit) to 1200")
        base["windows"][key] = value
    for section in ("points", "caps"):
        for key, value in (data.get(section) or {}).items():
            if key not in ITEMS:
                raise ConfigError(f"{where}: [{section}] {key} is not an item of the sheet; items: {', '.join(ITEMS)}")
            if _number(where, section, key, value) < 0:
                raise ConfigError(f"{where}: [{section}] {key} = {value} must be ≥ 0 (0 turns the item off)")
            base[section][key] = float(value)
    for key, value in (data.get("evaluation") or {}).items():
        if key not in GRADES:
            raise ConfigError(f"{where}: [evaluation] {key} is not a grade; grades: {', '.join(GRADES)}")
        if not -100 <= _number(where, "evaluation", key, value) <= 100:
            raise ConfigError(f"{where}: [evaluation] {key} = {value} must lie between -100 and 100")
        base["evaluation"][key] = float(value)
    for key, value in (data.get("bands") or {}).items():
        if key not in ("strong", "medium"):
            raise ConfigError(f"{where}: [bands] {key} is unknown; use strong and medium")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 100:
            raise ConfigError(f"{where}: [bands] {key} = {value!r} must be a number in (0, 100]")
        base["bands"][key] = float(value)


def default_config() -> LinkageConfig:
    """The configuration shipped in the package (``orgnet/linkage.toml``)."""
    return load_config(use_home=False)


def load_config(path: str | Path | None = None, *, home: str | Path | None = None,
                use_home: bool = True) -> LinkageConfig:
    """Package defaults, overridden by ``home/linkage.toml`` (when it exists), then by
    ``path`` (which must exist). Raises ConfigError naming the file and key to fix."""
    base: dict[str, Any] = {s: {} for s in _SECTIONS}
    text = resources.files("orgnet").joinpath(CONFIG_FILE).read_text(encoding="utf-8")
    _merge(base, _read_toml(text, f"orgnet/{CONFIG_FILE}"), f"orgnet/{CONFIG_FILE}")
    sources = [f"orgnet/{CONFIG_FILE}"]
    files: list[Path] = []
    if use_home and home is not None:
        candidate = Path(home).expanduser() / CONFIG_FILE
        if candidate.is_file():
            files.append(candidate)
    if path is not None:
        p = Path(path).expanduser()
        if not p.is_file():
            raise ConfigError(f"linkage config {p} does not exist; give an existing TOML file")
        files.append(p)
    for f in files:
        _merge(base, _read_toml(f.read_text(encoding="utf-8"), str(f)), str(f))
        sources.append(str(f))
    missing = [f"[{s}] {k}" for s in ("points", "caps") for k in ITEMS if k not in base[s]]
    missing += [f"[evaluation] {g}" for g in GRADES if g not in base["evaluation"]]
    missing += [f"[bands] {b}" for b in ("strong", "medium") if b not in base["bands"]]
    missing += [f"[windows] {k}" for k in WINDOWED if k not in base["windows"]]
    if missing:
        raise ConfigError(f"linkage config lacks {', '.join(missing)}")
    cfg = LinkageConfig(points=base["points"], caps=base["caps"], evaluation=base["evaluation"],
                        strong=base["bands"]["strong"], medium=base["bands"]["medium"],
                        sources=tuple(sources), windows=base["windows"])
    if cfg.medium > cfg.strong:
        raise ConfigError(f"{sources[-1]}: [bands] medium ({cfg.medium:g}) must not exceed strong ({cfg.strong:g})")
    return cfg


# --- windows ----------------------------------------------------------------------

def months_before(as_of: str, months: int) -> str:
    """The same day ``months`` months before ``as_of`` (the last day of a shorter month).

    >>> months_before("2026-06-30", 24), months_before("2026-03-31", 1), months_before("2024-02-29", 12)
    ('2024-06-30', '2026-02-28', '2023-02-28')
    """
    import calendar
    import datetime as dt

    d = dt.date.fromisoformat(as_of)
    total = d.year * 12 + d.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1])).isoformat()


def window_params(as_of: str, config: LinkageConfig) -> dict[str, str | None]:
    """The ``<channel>_since`` parameters of ``linkage_channels``: the exclusive lower bound of
    each dated channel's window (None: no limit). An event counts when since < date <= as_of."""
    return {f"{k}_since": months_before(as_of, config.windows[k]) if config.windows.get(k) else None
            for k in WINDOWED}


# --- scoring ----------------------------------------------------------------------

def item_points(item: str, count: float, config: LinkageConfig) -> float:
    """Points one counted item gives: min(count × points, cap).

    >>> cfg = default_config()
    >>> item_points("part_time_members", 3, cfg), item_points("services", 4, cfg)
    (20.0, 4.0)
    """
    n = max(float(count or 0), 0.0)
    return min(n * config.points[item], config.caps[item])


def grade_points(grade: Any, config: LinkageConfig) -> float:
    """Points the evaluation line gives for a grade (0 when there is none)."""
    return float(config.evaluation.get(str(grade), 0.0)) if _present(grade) else 0.0


def _present(v: Any) -> bool:
    return v is not None and v == v and v != ""  # not None, not NaN, not empty


def clamp(raw: float) -> float:
    return min(max(raw, 0.0), 100.0)


def score(counts: Mapping[str, Any], config: LinkageConfig) -> float:
    """Score 0–100 of one pair from its counts (items missing count 0) and ``evaluation``."""
    raw = sum(item_points(k, counts.get(k, 0) or 0, config) for k in ITEMS)
    return clamp(raw + grade_points(counts.get(EVALUATION), config))


def band(value: float, config: LinkageConfig, *, tie: bool = True, hint: bool = False) -> str:
    """A tie (``tie``: an institutional item is non-zero) is strong ≥ config.strong, medium ≥
    config.medium, weak > 0, none at 0; a pair that is no tie is potential when ``hint`` (a
    report, a resident or a service), otherwise none."""
    if not tie:
        return "potential" if hint else "none"
    if value >= config.strong:
        return "strong"
    if value >= config.medium:
        return "medium"
    if value > 0:
        return "weak"
    return "none"


def is_tie(counts: Mapping[str, Any]) -> bool:
    return any((counts.get(k) or 0) > 0 for k in INSTITUTIONAL)


def is_hint(counts: Mapping[str, Any]) -> bool:
    return any((counts.get(k) or 0) > 0 for k in INDIVIDUAL)


def pair_band(counts: Mapping[str, Any], config: LinkageConfig) -> str:
    """The band of one pair from its counts and evaluation."""
    return band(score(counts, config), config, tie=is_tie(counts), hint=is_hint(counts))


def score_table(channels: pd.DataFrame, config: LinkageConfig | None = None) -> pd.DataFrame:
    """Add the sheet to a channel table (``queries.linkage.channel_table``: a pair per row with
    its counts, ``street`` and ``evaluation``): ``pts_<item>`` per line, ``pts_evaluation``,
    ``raw`` (the sum before the clamp), ``score`` (0–100), ``tie`` and ``band``; sorted by score,
    highest first, then ids."""
    config = config or default_config()
    df = channels.copy()
    for k in ITEMS:
        if k not in df.columns:
            df[k] = 0
        df[k] = pd.to_numeric(df[k], errors="coerce").fillna(0).astype(int)
    if EVALUATION not in df.columns:
        df[EVALUATION] = None
    df[EVALUATION] = df[EVALUATION].astype(object).where(df[EVALUATION].map(_present), None)
    for k in ITEMS:
        df[f"pts_{k}"] = (df[k].clip(lower=0).astype(float) * config.points[k]).clip(upper=config.caps[k])
    df[f"pts_{EVALUATION}"] = df[EVALUATION].map(lambda g: grade_points(g, config)).astype(float)
    pts = [f"pts_{k}" for k in (*ITEMS, EVALUATION)]
    df["raw"] = df[pts].sum(axis=1).astype(float) if len(df) else pd.Series(dtype=float)
    df["score"] = df["raw"].clip(lower=0, upper=100).round(2)
    df["tie"] = (df[list(INSTITUTIONAL)] > 0).any(axis=1) if len(df) else pd.Series(dtype=bool)
    hint = (df[list(INDIVIDUAL)] > 0).any(axis=1) if len(df) else pd.Series(dtype=bool)
    df["band"] = [band(s, config, tie=bool(t_), hint=bool(h)) for s, t_, h in zip(df["score"], df["tie"], hint)]
    sort_cols = ["score"] + [c for c in ("community_id", "unit_id") if c in df.columns]
    return df.sort_values(sort_cols, ascending=[False] + [True] * (len(sort_cols) - 1),
                          kind="stable").reset_index(drop=True)


def filter_bands(scored: pd.DataFrame, bands: list[str] | tuple[str, ...] | None) -> pd.DataFrame:
    if not bands:
        return scored
    unknown = [b for b in bands if b not in BANDS]
    if unknown:
        raise ConfigError(f"unknown band {', '.join(unknown)}; choose from {', '.join(BANDS)}")
    return scored[scored["band"].isin(bands)].reset_index(drop=True)


def ties(scored: pd.DataFrame) -> pd.DataFrame:
    """The pairs that are ties (strong, medium, weak): what the maps draw."""
    return filter_bands(scored, TIE_BANDS)


def records(scored: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON shape: community_id, community, unit_id, unit, score, band, channels{counts of
    the sheet's items}, evaluation (the latest grade or null), points{line: points}."""
    out = []
    for r in rows_of(scored):
        out.append({
            "community_id": r["community_id"], "community": r.get("community"),
            "unit_id": r["unit_id"], "unit": r.get("unit"),
            "score": float(r["score"]), "band": r["band"],
            "channels": {k: int(r[k]) for k in ITEMS},
            "evaluation": r.get(EVALUATION) if _present(r.get(EVALUATION)) else None,
            "points": {k: float(r[f"pts_{k}"]) for k in (*ITEMS, EVALUATION)},
        })
    return out


# --- the sheet ----------------------------------------------------------------------

def sheet(row: Mapping[str, Any], config: LinkageConfig) -> list[dict[str, Any]]:
    """The score sheet of one pair: a line per item (``item``, ``count``, ``per`` points per
    item, ``cap``, ``points``), the evaluation line (``count`` is the grade or None, ``per`` its
    points) and the total (``item`` "total": ``raw`` sum, ``points`` the clamped score, ``band``).

    >>> lines = sheet({"agreements": 2, "services": 12, "evaluation": "poor"}, default_config())
    >>> [(x["item"], x["count"], x["points"]) for x in lines if x["points"]]
    [('agreements', 2, 30.0), ('services', 12, 10.0), ('evaluation', 'poor', -10.0), ('total', None, 30.0)]
    """
    lines = [{"item": k, "count": int(row.get(k) or 0), "per": config.points[k], "cap": config.caps[k],
              "points": item_points(k, row.get(k) or 0, config)} for k in ITEMS]
    grade = row.get(EVALUATION) if _present(row.get(EVALUATION)) else None
    lines.append({"item": EVALUATION, "count": grade, "per": grade_points(grade, config) if grade else None,
                  "cap": None, "points": grade_points(grade, config)})
    raw = sum(x["points"] for x in lines)
    lines.append({"item": "total", "count": None, "per": None, "cap": 100.0, "points": clamp(raw),
                  "raw": raw, "band": pair_band(row, config)})
    return lines


def sheet_frame(row: Mapping[str, Any], config: LinkageConfig, lang: str = "zh") -> pd.DataFrame:
    """The sheet as a table in ``lang``: item, count, points per item, cap, points (numbers stay
    numbers; the evaluation's count is its grade, the total's count its band)."""
    from orgnet.i18n import label_name

    out = []
    for x in sheet(row, config):
        item = x["item"]
        if item == "total":
            name, count = t("sheet.total", lang), t(f"band.{x['band']}", lang)
            per = t("sheet.raw", lang, raw=f"{x['raw']:g}") if x["raw"] != x["points"] else ""
            cap: Any = f"0–{x['cap']:g}"
        elif item == EVALUATION:
            name = t(f"sheet.{item}", lang)
            count = label_name(EvaluationGrade(x["count"]), lang) if x["count"] else t("sheet.no_grade", lang)
            per, cap = (x["per"] if x["count"] else ""), ""
        else:
            name, count, per, cap = t(f"sheet.{item}", lang), x["count"], x["per"], x["cap"]
        out.append({t("sheet.item", lang): name, t("sheet.count", lang): count,
                    t("sheet.per", lang): per, t("sheet.cap", lang): cap, t("sheet.points", lang): x["points"]})
    return pd.DataFrame(out)


def _cell(v: Any, signed: bool = False) -> str:
    if isinstance(v, float):
        return f"{v:+g}" if signed else f"{v:g}"
    return str(v)


def sheet_cells(row: Mapping[str, Any], config: LinkageConfig, lang: str = "zh") -> list[list[str]]:
    """The sheet as text cells, header first (for the CLI and the PNG)."""
    frame = sheet_frame(row, config, lang)
    last = len(frame) - 1
    cells = [list(frame.columns)]
    for i, r in enumerate(frame.itertuples(index=False)):
        cells.append([_cell(v, signed=(j == 2 and i == last - 1)) for j, v in enumerate(r)])
    return cells


def sheet_title(row: Mapping[str, Any], lang: str = "zh") -> str:
    return t("sheet.title", lang, community=row.get("community") or row.get("community_id"),
             unit=row.get("unit") or row.get("unit_id"))


def sheet_text(row: Mapping[str, Any], config: LinkageConfig, lang: str = "zh") -> str:
    """The sheet as aligned plain text (``orgnet linkage --explain``), headed by the pair."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    cells = sheet_cells(row, config, lang)
    w = [max(width(r[i]) for r in cells) for i in range(len(cells[0]))]
    lines = [sheet_title(row, lang)]
    for j, r in enumerate(cells):
        lines.append("  ".join(c + " " * (w[i] - width(c)) if i == 0 else " " * (w[i] - width(c)) + c
                               for i, c in enumerate(r)).rstrip())
        if j == 0 or j == len(cells) - 2:
            lines.append("-" * (sum(w) + 2 * (len(w) - 1)))
    lines.append(grade_scale(config, lang))
    return "\n".join(lines)


def grade_scale(config: LinkageConfig, lang: str = "zh") -> str:
    """The points of every evaluation grade, as the sheet's footnote."""
    from orgnet.i18n import label_name

    sep = "、" if lang == "zh" else ", "
    return t("sheet.grades", lang, grades=sep.join(
        f"{label_name(EvaluationGrade(g), lang)} {config.evaluation[g]:+g}" for g in GRADES))


# --- aggregates -------------------------------------------------------------------

def _band_counts(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = pd.crosstab([df[k] for k in keys], df["band"]) if len(df) else pd.DataFrame()
    for b in BANDS:
        if b not in counts.columns:
            counts[b] = 0
    return counts[list(BANDS)].reset_index() if len(df) else pd.DataFrame(columns=keys + list(BANDS))


def _summary(scored: pd.DataFrame, keys: list[str], names: list[str]) -> pd.DataFrame:
    cols = keys + names + ["pairs", "tied_units", *BANDS, "mean_score", "max_score", "total_score",
                           "resident_units", "resident_tied", *ITEMS]
    df = scored.dropna(subset=[keys[0]])
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df.assign(_tied=df["band"].isin(TIE_BANDS),
                   _res=df["resident"].fillna(False).astype(bool) if "resident" in df else False)
    g = df.groupby(keys, dropna=False)
    out = g.agg(**{n: (n, "first") for n in names},
                pairs=("unit_id", "size"),
                mean_score=("score", "mean"), max_score=("score", "max"), total_score=("score", "sum"),
                **{k: (k, "sum") for k in ITEMS}).reset_index()
    tied = df[df["_tied"]].groupby(keys)["unit_id"].nunique().rename("tied_units")
    res = df[df["_res"]].groupby(keys)["unit_id"].nunique().rename("resident_units")
    res_tied = df[df["_res"] & df["_tied"]].groupby(keys)["unit_id"].nunique().rename("resident_tied")
    out = out.merge(tied, on=keys, how="left").merge(res, on=keys, how="left").merge(res_tied, on=keys, how="left")
    out = out.merge(_band_counts(df, keys), on=keys, how="left")
    for c in ("tied_units", "resident_units", "resident_tied", *BANDS):
        out[c] = out[c].fillna(0).astype(int)
    out["mean_score"] = out["mean_score"].round(2)
    out["total_score"] = out["total_score"].round(2)
    return out[cols].sort_values(["mean_score", keys[0]], ascending=[False, True]).reset_index(drop=True)


def community_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """One row per community: pairs, tied units (strong, medium or weak), band counts,
    mean/max/total score, resident units (tied), item totals."""
    return _summary(scored, ["community_id"], ["community", "street_id", "street"])


def street_summary(scored: pd.DataFrame) -> pd.DataFrame:
    """One row per street (communities without a street are left out), plus ``communities``."""
    out = _summary(scored, ["street_id"], ["street"])
    if out.empty:
        out.insert(2, "communities", pd.Series(dtype=int))
        return out
    comm = scored.dropna(subset=["street_id"]).groupby("street_id")["community_id"].nunique()
    out.insert(2, "communities", out["street_id"].map(comm).fillna(0).astype(int))
    return out


def weak_ties(scored: pd.DataFrame, *, include_none: bool = True) -> pd.DataFrame:
    """Pairs in band weak (and none, unless ``include_none`` is false), weakest first."""
    keep = ["weak", "none"] if include_none else ["weak"]
    df = scored[scored["band"].isin(keep)]
    return df.sort_values(["score", "community_id", "unit_id"]).reset_index(drop=True)


def weak_communities(scored: pd.DataFrame, config: LinkageConfig | None = None) -> list[str]:
    """Communities with no tie reaching the medium band (potential pairs are no ties, whatever
    their score)."""
    if scored.empty:
        return []
    good = set(scored.loc[scored["band"].isin(("strong", "medium")), "community_id"])
    return sorted(set(scored["community_id"]) - good)


def partner_candidates(scored: pd.DataFrame, facts: pd.DataFrame,
                       config: LinkageConfig | None = None, *, unit_streets: pd.DataFrame | None = None,
                       communities: list[str] | None = None, limit: int | None = 5) -> pd.DataFrame:
    """Candidate partners for weakly tied communities, each with its reasons.

    Two sources: ``facts`` (rows of ``partner_candidates``: community_id, community,
    street_id, unit_id, unit, unit_kind, unit_street_id, categories — units in the
    community or its street whose resource categories match its open needs) and the
    scored table itself (potential and weak pairs with an individual item: the unit's
    members live there, reported there or claimed its services). ``unit_streets`` (rows of ``linkage_unit_streets``: unit_id, street_id) tells
    whether a unit found by its residents lies in the same street. Units already tied at
    medium or strong are left out; ``communities`` defaults to :func:`weak_communities`.
    Ranked by number of reasons, matching categories, members living there; ``limit``
    candidates per community (None = all).
    """
    config = config or default_config()
    cols = ["community_id", "community", "unit_id", "unit", "unit_kind", "current_score",
            "current_band", "reasons", "reasons_zh", "categories", "members_living", "same_street", "rank"]
    if communities is None:
        communities = weak_communities(scored, config)
    wanted = set(communities)
    if not wanted:
        return pd.DataFrame(columns=cols)
    street_of_unit = {}
    if unit_streets is not None and len(unit_streets):
        street_of_unit = dict(zip(unit_streets["unit_id"], unit_streets["street_id"]))
    scored = scored[scored["community_id"].isin(wanted)]  # only the communities asked about
    current = {(r["community_id"], r["unit_id"]): (float(r["score"]), r["band"])
               for r in rows_of(scored[["community_id", "unit_id", "score", "band"]])}
    cand: dict[tuple[str, str], dict[str, Any]] = {}
    untied = scored[~scored["band"].isin(("strong", "medium"))]
    untied = untied[(untied[list(INDIVIDUAL)].fillna(0) > 0).any(axis=1)] if len(untied) else untied
    for r in rows_of(untied):
        c, u = r["community_id"], r["unit_id"]
        if c not in wanted:
            continue
        cand[(c, u)] = {"community": r.get("community"), "unit": r.get("unit"), "unit_kind": r.get("unit_kind"),
                        "current_score": float(r["score"]), "current_band": r["band"],
                        "members_living": int(r["resident_members"]),
                        "members_active": int(r["reported_members"]) + int(r["services"]), "categories": [],
                        "same_street": (r.get("street_id") is not None
                                        and street_of_unit.get(u) == r.get("street_id"))}
    for r in (rows_of(facts) if facts is not None else []):
        c, u = r["community_id"], r["unit_id"]
        score_, band_ = current.get((c, u), (0.0, "none"))
        if c not in wanted or band_ in ("strong", "medium"):
            continue
        entry = cand.setdefault((c, u), {
            "community": r.get("community"), "unit": r.get("unit"), "unit_kind": r.get("unit_kind"),
            "current_score": score_, "current_band": band_, "members_living": 0, "members_active": 0,
            "categories": [], "same_street": False})
        entry["categories"] = sorted({x for x in (r.get("categories") or []) if x})
        if r.get("street_id") is not None and r.get("unit_street_id") == r.get("street_id"):
            entry["same_street"] = True
    rows = []
    for (c, u), e in cand.items():
        reasons = []
        if e["categories"]:
            reasons.append("resource_matches_need")
        if e["members_living"]:
            reasons.append("members_live_here")
        if e["members_active"]:
            reasons.append("members_active_here")
        if not reasons:
            continue
        if e["same_street"]:
            reasons.append("same_street")
        rows.append({"community_id": c, "community": e["community"], "unit_id": u, "unit": e["unit"],
                     "unit_kind": e["unit_kind"], "current_score": e["current_score"],
                     "current_band": e["current_band"], "reasons": reasons,
                     "reasons_zh": "；".join(REASONS[x] for x in reasons), "categories": e["categories"],
                     "members_living": e["members_living"], "same_street": bool(e["same_street"])})
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows)
    df["_n"] = df["reasons"].map(len)
    df["_cats"] = df["categories"].map(len)
    df = df.sort_values(["community_id", "_n", "_cats", "members_living", "unit_id"],
                        ascending=[True, False, False, False, True])
    df["rank"] = df.groupby("community_id").cumcount() + 1
    if limit is not None:
        df = df[df["rank"] <= limit]
    return df[cols].reset_index(drop=True)


def unit_summary(scored: pd.DataFrame, *, weakest: int = 3) -> pd.DataFrame:
    """A unit's 联建得分 per street (what goes back to its superior organization): the sum of
    the scores of its pairs with the street's communities, the number of pairs, of ties and of
    strong/medium/weak/potential pairs, and its ``weakest`` tied communities named with their
    scores (``weakest_communities``: "社区（12）、…"); ranked per street by total, highest first
    (``rank`` 1 = best). Pairs of communities outside any street are left out."""
    cols = ["street_id", "street", "rank", "unit_id", "unit", "unit_kind", "total_score", "pairs", "ties",
            *TIE_BANDS, "potential", "weakest_communities"]
    df = scored.dropna(subset=["street_id"]) if len(scored) else scored
    if df.empty:
        return pd.DataFrame(columns=cols)
    keys = ["street_id", "unit_id"]
    names = {"street": "street_id", "unit": "unit_id", "unit_kind": None, "community": "community_id"}
    df = df.assign(_tie=df["band"].isin(TIE_BANDS),
                   **{c: (df[src] if src else None) for c, src in names.items() if c not in df.columns})
    out = df.groupby(keys, sort=False).agg(
        street=("street", "first"), unit=("unit", "first"), unit_kind=("unit_kind", "first"),
        total_score=("score", "sum"), pairs=("community_id", "size"), ties=("_tie", "sum")).reset_index()
    out = out.merge(_band_counts(df, keys), on=keys, how="left")
    weak = df[df["_tie"]].sort_values(["score", "community_id"])
    named = {k: "、".join(f"{r['community']}（{r['score']:g}）" for r in rows_of(g.head(weakest)))
             for k, g in weak.groupby(keys, sort=False)}
    out["weakest_communities"] = [named.get((s_, u), "") for s_, u in zip(out["street_id"], out["unit_id"])]
    out["total_score"] = out["total_score"].round(2)
    out["ties"] = out["ties"].astype(int)
    out = out.sort_values(["street_id", "total_score", "unit_id"], ascending=[True, False, True], kind="stable")
    out["rank"] = out.groupby("street_id").cumcount() + 1
    return out[cols].reset_index(drop=True)


def band_midpoints(config: LinkageConfig | None = None) -> dict[str, float]:
    """A representative score per band (the middle of its range in the config in use), for
    drawing a tie whose score is unknown; potential and none are no ties (0)."""
    cfg = config or packaged_config()
    return {"strong": (cfg.strong + 100.0) / 2, "medium": (cfg.medium + cfg.strong) / 2,
            "weak": cfg.medium / 2, "potential": 0.0, "none": 0.0}


def band_label(name: str, lang: str = "zh", config: LinkageConfig | None = None) -> str:
    """A band's name with its score range from the config in use: ``强（60分及以上）``.

    >>> band_label("medium", "en", load_config(use_home=False))
    'Medium (30 to 60)'
    """
    from orgnet.i18n import t

    cfg = config or packaged_config()
    return t(f"band.{name}_range", lang, strong=f"{cfg.strong:g}", medium=f"{cfg.medium:g}")


@functools.lru_cache(maxsize=1)
def packaged_config() -> LinkageConfig:
    """The packaged ``orgnet/linkage.toml`` alone (no user overrides), read once."""
    return load_config(use_home=False)
