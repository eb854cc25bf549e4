"""Linkage strength (联建强度, DESIGN §6): scoring, bands, aggregates, weak ties, partners.

Pure functions over pandas DataFrames; the channel counts come from the catalog query
``linkage_channels`` summed per pair (``queries.linkage.channel_table``) or from the test
oracle, candidate facts from ``partner_candidates``.

score = 100 · Σ wₖ(1 − e^(−xₖ/sₖ)) / Σ wₖ, weights and scales from ``orgnet/linkage.toml``
(shipped in the package) overridden by ``ORGNET_HOME/linkage.toml`` or an explicit file.

>>> cfg = default_config()
>>> round(score({"agreements": 1}, cfg), 2)
16.49
>>> band(60, cfg), band(59.99, cfg), band(30, cfg), band(0.01, cfg), band(0, cfg)
('strong', 'medium', 'medium', 'weak', 'none')
"""

from __future__ import annotations

import functools

import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from orgnet.frames import records as rows_of

from orgnet.errors import ConfigError
from orgnet.i18n import t

#: the seven channels, in DESIGN §6 order
CHANNELS: tuple[str, ...] = ("agreements", "part_time_members", "reported_members",
                             "resident_members", "matched_resources", "services", "meetings")

CHANNEL_ZH: dict[str, str] = {c: t(f"channel.{c}", "zh") for c in CHANNELS}

#: the channels that count dated events (a report, a match, a claim, a meeting): each counts
#: only the events of its window, the months before ``as_of`` (``[windows]`` in linkage.toml)
WINDOWED: tuple[str, ...] = ("reported_members", "matched_resources", "services", "meetings")

BANDS: tuple[str, ...] = ("strong", "medium", "weak", "none")
BAND_ZH: dict[str, str] = {"strong": "强", "medium": "中", "weak": "弱", "none": "无"}

#: reasons a unit is proposed as a partner of a weakly tied community
REASONS: dict[str, str] = {
    "resource_matches_need": "资源类别对应社区待对接需求",
    "members_live_here": "单位党员居住在该社区",
    "same_street": "同一街道",
}

CONFIG_FILE = "linkage.toml"


@dataclass(frozen=True)
class LinkageConfig:
    weights: dict[str, float]
    scales: dict[str, float]
    strong: float = 60.0
    medium: float = 30.0
    sources: tuple[str, ...] = field(default=())
    #: months before as_of in which a dated channel's events count (0: no limit), by channel
    windows: dict[str, int] = field(default_factory=dict)

    @property
    def total_weight(self) -> float:
        return sum(self.weights[k] for k in CHANNELS)


def _read_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}: not valid TOML ({e}); fix the file or remove it") from e


def _merge(base: dict[str, Any], data: dict[str, Any], where: str) -> None:
    for section in data:
        if section not in ("weights", "scales", "bands", "windows"):
            raise ConfigError(f"{where}: unknown section [{section}]; use [weights], [scales], [bands] "
                              f"or [windows]")
    for key, value in (data.get("windows") or {}).items():
        if key not in WINDOWED:
            raise ConfigError(f"{where}: [windows] {key} is not a dated channel; use {', '.join(WINDOWED)}")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1200:
            raise ConfigError(f"{where}: [windows] {key} = {value!r} must be a whole number of months "
                              f"from 0 (no limit) to 1200")
        base["windows"][key] = value
    for section in ("weights", "scales"):
        for key, value in (data.get(section) or {}).items():
            if key not in CHANNELS:
                raise ConfigError(f"{where}: [{section}] {key} is not a channel; channels: {', '.join(CHANNELS)}")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}: [{section}] {key} = {value!r} must be a number")
            if section == "weights" and value < 0:
                raise ConfigError(f"{where}: [weights] {key} = {value} must be ≥ 0")
            if section == "scales" and value <= 0:
                raise ConfigError(f"{where}: [scales] {key} = {value} must be > 0")
            base[section][key] = float(value)
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
    base: dict[str, Any] = {"weights": {}, "scales": {}, "bands": {}, "windows": {}}
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
    missing = [k for k in CHANNELS if k not in base["weights"] or k not in base["scales"]]
    missing += [f"[bands] {b}" for b in ("strong", "medium") if b not in base["bands"]]
    missing += [f"[windows] {k}" for k in WINDOWED if k not in base["windows"]]
    if missing:
        raise ConfigError(f"linkage config lacks weights/scales for {', '.join(missing)}")
    cfg = LinkageConfig(weights=base["weights"], scales=base["scales"],
                        strong=base["bands"]["strong"], medium=base["bands"]["medium"],
                        sources=tuple(sources), windows=base["windows"])
    if cfg.medium > cfg.strong:
        raise ConfigError(f"{sources[-1]}: [bands] medium ({cfg.medium}) must not exceed strong ({cfg.strong})")
    if cfg.total_weight <= 0:
        raise ConfigError(f"{sources[-1]}: [weights] must not all be 0")
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

def channel_points(channel: str, x: float, config: LinkageConfig) -> float:
    """Points (0–100 scale, summing to the score) that one channel contributes."""
    x = max(float(x or 0), 0.0)
    return 100.0 * config.weights[channel] * (1.0 - math.exp(-x / config.scales[channel])) / config.total_weight


def score(channels: Mapping[str, float], config: LinkageConfig) -> float:
    """Score 0–100 of one pair; missing channels count as 0."""
    return sum(channel_points(k, channels.get(k, 0) or 0, config) for k in CHANNELS)


def band(value: float, config: LinkageConfig) -> str:
    """strong ≥ config.strong, medium ≥ config.medium, weak > 0, none."""
    if value >= config.strong:
        return "strong"
    if value >= config.medium:
        return "medium"
    if value > 0:
        return "weak"
    return "none"


def score_table(channels: pd.DataFrame, config: LinkageConfig | None = None) -> pd.DataFrame:
    """Add ``score``, ``band`` and per-channel points ``pts_<channel>`` to a channel table
    (``queries.linkage.channel_table``: a pair per row with its seven counts); sorted by
    score, highest first, then ids."""
    config = config or default_config()
    df = channels.copy()
    for k in CHANNELS:
        if k not in df.columns:
            df[k] = 0
        df[k] = pd.to_numeric(df[k], errors="coerce").fillna(0).astype(int)
    total = config.total_weight
    pts = {}
    for k in CHANNELS:
        x = df[k].clip(lower=0).astype(float)
        pts[f"pts_{k}"] = 100.0 * config.weights[k] * (1.0 - (-x / config.scales[k]).map(math.exp)) / total
    pts_df = pd.DataFrame(pts, index=df.index) if len(df) else pd.DataFrame(
        {f"pts_{k}": pd.Series(dtype=float) for k in CHANNELS})
    df["score"] = pts_df.sum(axis=1).round(2) if len(df) else pd.Series(dtype=float)
    df["band"] = [band(s, config) for s in df["score"]]
    for col in pts_df.columns:
        df[col] = pts_df[col].round(2)
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


def records(scored: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON shape: community_id, community, unit_id, unit, score, band, channels{7}."""
    out = []
    for r in rows_of(scored):
        out.append({
            "community_id": r["community_id"], "community": r.get("community"),
            "unit_id": r["unit_id"], "unit": r.get("unit"),
            "score": float(r["score"]), "band": r["band"],
            "channels": {k: int(r[k]) for k in CHANNELS},
        })
    return out


# --- aggregates -------------------------------------------------------------------

def _band_counts(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = pd.crosstab([df[k] for k in keys], df["band"]) if len(df) else pd.DataFrame()
    for b in BANDS:
        if b not in counts.columns:
            counts[b] = 0
    return counts[list(BANDS)].reset_index() if len(df) else pd.DataFrame(columns=keys + list(BANDS))


def _summary(scored: pd.DataFrame, keys: list[str], names: list[str]) -> pd.DataFrame:
    cols = keys + names + ["pairs", "tied_units", *BANDS, "mean_score", "max_score", "total_score",
                           "resident_units", "resident_tied", *CHANNELS]
    df = scored.dropna(subset=[keys[0]])
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df.assign(_tied=df["score"] > 0,
                   _res=df["resident"].fillna(False).astype(bool) if "resident" in df else False)
    g = df.groupby(keys, dropna=False)
    out = g.agg(**{n: (n, "first") for n in names},
                pairs=("unit_id", "size"),
                mean_score=("score", "mean"), max_score=("score", "max"), total_score=("score", "sum"),
                **{k: (k, "sum") for k in CHANNELS}).reset_index()
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
    """One row per community: pairs, tied units, band counts, mean/max/total score,
    resident units (tied), channel totals."""
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
    """Communities with no tie reaching the medium band."""
    config = config or default_config()
    if scored.empty:
        return []
    best = scored.groupby("community_id")["score"].max()
    return sorted(best[best < config.medium].index)


def partner_candidates(scored: pd.DataFrame, facts: pd.DataFrame,
                       config: LinkageConfig | None = None, *, unit_streets: pd.DataFrame | None = None,
                       communities: list[str] | None = None, limit: int | None = 5) -> pd.DataFrame:
    """Candidate partners for weakly tied communities, each with its reasons.

    Two sources: ``facts`` (rows of ``partner_candidates``: community_id, community,
    street_id, unit_id, unit, unit_kind, unit_street_id, categories — units in the
    community or its street whose resource categories match its open needs) and the
    scored table itself (pairs with ``resident_members`` > 0: the unit's members live
    there). ``unit_streets`` (rows of ``linkage_unit_streets``: unit_id, street_id) tells
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
    if "resident_members" in untied.columns:
        untied = untied[untied["resident_members"].fillna(0) > 0]
    for r in rows_of(untied):
        c, u = r["community_id"], r["unit_id"]
        if c not in wanted or r["band"] in ("strong", "medium") or not r.get("resident_members"):
            continue
        cand[(c, u)] = {"community": r.get("community"), "unit": r.get("unit"), "unit_kind": r.get("unit_kind"),
                        "current_score": float(r["score"]), "current_band": r["band"],
                        "members_living": int(r["resident_members"]), "categories": [],
                        "same_street": (r.get("street_id") is not None
                                        and street_of_unit.get(u) == r.get("street_id"))}
    for r in (rows_of(facts) if facts is not None else []):
        c, u = r["community_id"], r["unit_id"]
        score_, band_ = current.get((c, u), (0.0, "none"))
        if c not in wanted or band_ in ("strong", "medium"):
            continue
        entry = cand.setdefault((c, u), {
            "community": r.get("community"), "unit": r.get("unit"), "unit_kind": r.get("unit_kind"),
            "current_score": score_, "current_band": band_, "members_living": 0,
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
