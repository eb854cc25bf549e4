"""Library entry points for the linkage-strength index
(:mod:`orgnet.analysis.linkage`, ``orgnet/linkage.toml``).

Runs the catalog queries ``linkage_channels`` and ``partner_candidates`` on a store and
scores them with the pure functions of :mod:`orgnet.analysis.linkage`.

    >>> df = linkage_table(store, street_id="S1", bands=["weak", "none"])   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from orgnet.analysis import linkage as lk
from orgnet.queries import catalog
from orgnet.queries.reads import channel_params, dated_params, place_params

#: a (community, unit) pair's own columns in ``linkage_channels``
PAIR_COLUMNS = ["community_id", "community", "street_id", "street", "unit_id", "unit", "unit_kind", "resident"]
CANDIDATE_COLUMNS = ["community_id", "community", "street_id", "unit_id", "unit", "unit_kind",
                     "unit_street_id", "categories"]
UNIT_STREET_COLUMNS = ["unit_id", "unit", "unit_kind", "resident", "community_id", "street_id"]


def config_for(*, path: str | Path | None = None,
               home: str | Path | None = None) -> lk.LinkageConfig:
    """Package config overridden by ``home/linkage.toml`` (home defaults to ORGNET_HOME /
    ~/.orgnet via Settings) and by ``path``."""
    if home is None:
        from orgnet.settings import Settings
        home = Settings.from_env().home
    return lk.load_config(path, home=home)


def channel_table(store: Any, *, as_of: Any = None, street_id: str | None = None,
                  community_id: str | None = None, graph: str | None = None,
                  config: lk.LinkageConfig | None = None) -> pd.DataFrame:
    """Per (community, unit) pair: the channel counts (``linkage_channels``, the dated channels
    counted over the windows of ``config``, default ``config_for()``), the street item's
    count (``linkage_street_ties``) and the latest evaluation grade (``linkage_evaluations``)."""
    scope = dated_params(as_of, street_id, community_id)
    channels = channel_params(as_of, config or config_for(), street_id, community_id)
    rows = catalog.run(store, "linkage_channels", channels, graph=graph)
    street = catalog.run(store, "linkage_street_ties", scope, graph=graph)
    grades = catalog.run(store, "linkage_evaluations", scope, graph=graph)
    return with_street_and_grades(pairs_from_channel_rows(rows), street, grades)


def with_street_and_grades(pairs: pd.DataFrame, street_rows: list[dict[str, Any]],
                           evaluation_rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Add ``street_ties`` (the unit's seats and memberships in the pair's street, from the rows of
    ``linkage_street_ties``, one per community of the street) and ``evaluation`` (the grade of the latest evaluation of the pair,
    from the rows of ``linkage_evaluations``: the latest date, on the same day the greatest id)
    to the pairs; neither makes a pair.

    >>> p = pd.DataFrame([{"community_id": "C", "street_id": "S", "unit_id": "U"}])
    >>> ev = [{"community_id": "C", "street_id": "S", "unit_id": "U", "evaluation_id": i,
    ...        "evaluated_on": d, "grade": g} for i, d, g in (("E1", "2026-01-01", "poor"),
    ...        ("E3", "2026-02-01", "fair"), ("E2", "2026-02-01", "good"))]
    >>> st = [{"community_id": "C", "street_id": "S", "unit_id": "U", "tie": "seat", "n": 2}]
    >>> with_street_and_grades(p, st, ev)[
    ...     ["street_ties", "evaluation"]].to_dict("records")
    [{'street_ties': 2, 'evaluation': 'fair'}]
    """
    df = pairs.copy()
    street: dict[tuple[Any, Any], int] = {}
    for r in street_rows:
        key = (r["community_id"], r["unit_id"])
        street[key] = street.get(key, 0) + int(r["n"] or 0)
    df[lk.STREET] = [street.get((c, u), 0) for c, u in zip(df["community_id"], df["unit_id"])] if len(df) else \
        pd.Series(dtype=int)
    latest: dict[tuple[Any, Any], tuple[str, str, str]] = {}
    for r in evaluation_rows:
        key = (r["community_id"], r["unit_id"])
        mark = (str(r["evaluated_on"]), str(r["evaluation_id"]), r["grade"])
        if key not in latest or mark[:2] > latest[key][:2]:
            latest[key] = mark
    df[lk.EVALUATION] = [latest[(c, u)][2] if (c, u) in latest else None
                         for c, u in zip(df["community_id"], df["unit_id"])] if len(df) else \
        pd.Series(dtype=object)
    return df


def pairs_from_channel_rows(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The long rows of ``linkage_channels`` (one per pair and channel: ``channel`` 1–8 in the
    order of :data:`lk.CHANNELS` with its count ``n``; 0 for a resident unit at home) as one row
    per (community, street, unit) pair with the channel columns, ordered by community and
    unit.

    >>> pairs_from_channel_rows([{"community_id": "C1", "community": "c", "street_id": "S1",
    ...     "street": "s", "unit_id": "U1", "unit": "u", "unit_kind": "k", "resident": True,
    ...     "channel": 3, "n": 2}])[["unit_id", "reported_members", "meetings"]].to_dict("records")
    [{'unit_id': 'U1', 'reported_members': 2, 'meetings': 0}]
    """
    long = pd.DataFrame(rows, columns=[*PAIR_COLUMNS, "channel", "n"])
    if long.empty:
        return pd.DataFrame({c: pd.Series(dtype=int if c in lk.CHANNELS else bool if c == "resident"
                                          else object) for c in [*PAIR_COLUMNS, *lk.CHANNELS]})
    key = pd.MultiIndex.from_arrays([long["community_id"], long["street_id"].fillna(""), long["unit_id"]])
    codes, _ = pd.factorize(key)
    counts = np.zeros((codes.max() + 1, len(lk.CHANNELS) + 1), dtype=np.int64)
    np.add.at(counts, (codes, long["channel"].to_numpy(dtype=np.int64)),
              pd.to_numeric(long["n"]).fillna(0).to_numpy(dtype=np.int64))
    first = np.unique(codes, return_index=True)[1]  # the first row of each pair, in code order
    df = long.iloc[first][PAIR_COLUMNS].reset_index(drop=True)
    for i, k in enumerate(lk.CHANNELS, start=1):
        df[k] = counts[:, i]
    # a boolean, or its text when the rows travel untagged (the store's ``scalars``)
    df["resident"] = df["resident"].isin([True, "true"])
    return df.sort_values(["community_id", "unit_id"], kind="stable").reset_index(drop=True)


def linkage_table(store: Any, *, as_of: Any = None, street_id: str | None = None,
                  community_id: str | None = None, bands: Iterable[str] | None = None,
                  graph: str | None = None, config: lk.LinkageConfig | None = None) -> pd.DataFrame:
    """Scored pairs: the channel columns + the score sheet (``pts_<item>``, ``raw``, ``score``,
    ``tie``, ``band``); highest score first; narrowed to ``bands`` when given."""
    config = config or config_for()
    scored = lk.score_table(channel_table(store, as_of=as_of, street_id=street_id,
                                          community_id=community_id, graph=graph, config=config), config)
    return lk.filter_bands(scored, list(bands) if bands else None)


def linkage_records(store: Any, **kw: Any) -> list[dict[str, Any]]:
    """The JSON shape of ``orgnet linkage`` (:func:`lk.records`), highest score first."""
    return lk.records(linkage_table(store, **kw))


def community_summary(store: Any, **kw: Any) -> pd.DataFrame:
    return lk.community_summary(linkage_table(store, **kw))


def street_summary(store: Any, **kw: Any) -> pd.DataFrame:
    return lk.street_summary(linkage_table(store, **kw))


def weak_ties(store: Any, **kw: Any) -> pd.DataFrame:
    return lk.weak_ties(linkage_table(store, **kw))


def unit_summary(store: Any, **kw: Any) -> pd.DataFrame:
    """Each unit's 联建得分 per street, ranked (:func:`lk.unit_summary`)."""
    return lk.unit_summary(linkage_table(store, **kw))


def explain(store: Any, community_id: str, unit_id: str, **kw: Any) -> dict[str, Any] | None:
    """The scored row of one pair (None when the pair has no row: nothing links them)."""
    df = linkage_table(store, community_id=community_id, **kw)
    row = df[df["unit_id"] == unit_id]
    return row.iloc[0].to_dict() if len(row) else None


def candidate_facts(store: Any, *, street_id: str | None = None, community_id: str | None = None,
                    graph: str | None = None) -> pd.DataFrame:
    rows = catalog.run(store, "partner_candidates", place_params(street_id, community_id), graph=graph)
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)


def unit_streets(store: Any, *, street_id: str | None = None, graph: str | None = None) -> pd.DataFrame:
    """Community and street of every unit (``linkage_unit_streets``); with ``street_id`` only the
    units of that street (enough to tell whether a unit lies in a community's street)."""
    return pd.DataFrame(catalog.run(store, "linkage_unit_streets", place_params(street_id), graph=graph),
                        columns=UNIT_STREET_COLUMNS)


def partner_candidates(store: Any, *, as_of: Any = None, street_id: str | None = None,
                       community_id: str | None = None, graph: str | None = None,
                       config: lk.LinkageConfig | None = None, scored: pd.DataFrame | None = None,
                       limit: int | None = 5) -> pd.DataFrame:
    """Candidate partners (with reasons) for the weakly tied communities in scope."""
    config = config or config_for()
    if scored is None:
        scored = linkage_table(store, as_of=as_of, street_id=street_id, community_id=community_id,
                               graph=graph, config=config)
    facts = candidate_facts(store, street_id=street_id, community_id=community_id, graph=graph)
    return lk.partner_candidates(scored, facts, config, unit_streets=unit_streets(store, street_id=street_id, graph=graph),
                                 limit=limit)


__all__ = ["linkage_table", "linkage_records", "channel_table", "pairs_from_channel_rows", "community_summary",
           "street_summary", "weak_ties", "partner_candidates", "candidate_facts", "unit_streets",
           "config_for", "unit_summary", "explain", "with_street_and_grades"]
