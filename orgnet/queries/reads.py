"""The reads a snapshot's stored results answer: one table, and the parameters they are built with.

:func:`stored_reads` lists every district-wide (query, parameters) kept for a snapshot at a
date (:func:`orgnet.queries.stored.store_results` computes and writes exactly these). The
library functions that ask for them (:mod:`orgnet.queries.gaps`, :mod:`orgnet.queries.kpis`,
:mod:`orgnet.queries.linkage`, ``snapshot_entities``, ``view_streets``) build their parameters
with the same helpers below, so a page's district read has the stored key by construction
(a test checks each entry of the table against its library function).

No pandas here: the table is read on the way to every stored lookup.

>>> [r.query for r in stored_reads("2026-06-30", None)][:3]    # doctest: +SKIP
['linkage_channels', 'linkage_street_ties', 'linkage_evaluations']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orgnet.queries import catalog

if TYPE_CHECKING:  # pandas behind it: imported where the windows are computed
    from orgnet.analysis.linkage import LinkageConfig

#: the linkage reads kept for every snapshot (the channels, the longest, first)
LINKAGE_READS: tuple[str, ...] = ("linkage_channels", "linkage_street_ties", "linkage_evaluations",
                                  "partner_candidates", "linkage_unit_streets")


@dataclass(frozen=True)
class StoredRead:
    """One stored read: a catalog query id and its district-wide parameters."""

    query: str
    params: dict[str, Any] = field(default_factory=dict)


def _place(street_id: str | None, community_id: str | None) -> dict[str, Any]:
    return {k: v for k, v in (("street_id", street_id), ("community_id", community_id)) if v is not None}


def dated_params(as_of: Any, street_id: str | None = None, community_id: str | None = None) -> dict[str, Any]:
    """A rule's, a KPI's or a dated linkage query's parameters: the reference date (``YYYY-MM-DD``,
    :func:`catalog.as_of_date`) and the street / community when given.

    >>> dated_params("2026-06-30", street_id="S1")
    {'as_of': '2026-06-30', 'street_id': 'S1'}
    """
    return {"as_of": catalog.as_of_date(as_of), **_place(street_id, community_id)}


def channel_params(as_of: Any, config: "LinkageConfig", street_id: str | None = None,
                   community_id: str | None = None) -> dict[str, Any]:
    """``linkage_channels``' parameters: :func:`dated_params` and the window of each dated channel
    (``<channel>_since``, from ``config``: ``linkage.toml``)."""
    from orgnet.analysis.linkage import window_params

    day = dated_params(as_of, street_id, community_id)
    return {**day, **window_params(day["as_of"], config)}


def place_params(street_id: str | None = None, community_id: str | None = None) -> dict[str, Any]:
    """The parameters of an undated query: the street / community when given."""
    return _place(street_id, community_id)


def view_params(qid: str, as_of: Any, street_id: str | None = None,
                community_id: str | None = None) -> dict[str, Any]:
    """A stored view's parameters: :func:`dated_params` when it takes the reference date
    (``view_term_expiring``), else :func:`place_params` as far as it takes a place."""
    names = {p.name for p in catalog.get(qid).params}
    values = dated_params(as_of, street_id, community_id) if "as_of" in names else place_params(street_id, community_id)
    return {k: v for k, v in values.items() if k in names}


def stored_views() -> list[str]:
    """The views kept for every snapshot (``// stored: yes``)."""
    from orgnet.queries.stored import storable

    return [q for q in catalog.names("view") if storable(catalog.get(q))]


def _table() -> list[tuple[str, Callable[[str, "LinkageConfig"], dict[str, Any]]]]:
    """(query id, its district parameters from the date and the linkage config), longest first."""
    linkage: dict[str, Callable[[str, Any], dict[str, Any]]] = {
        "linkage_channels": lambda day, config: channel_params(day, config),
        "linkage_street_ties": lambda day, config: dated_params(day),
        "linkage_evaluations": lambda day, config: dated_params(day),
        "partner_candidates": lambda day, config: place_params(),
        "linkage_unit_streets": lambda day, config: place_params(),
    }
    rows = [(qid, linkage[qid]) for qid in LINKAGE_READS]
    rows += [(qid, lambda day, config: dated_params(day)) for qid in catalog.names("rule")]
    rows += [(qid, lambda day, config: dated_params(day)) for qid in catalog.names("kpi")]
    rows += [(qid, lambda day, config, qid=qid: view_params(qid, day)) for qid in stored_views()]
    return rows


def stored_query_ids() -> list[str]:
    """The ids of :func:`stored_reads`, in its order (what every snapshot has stored)."""
    return [qid for qid, _ in _table()]


def stored_reads(as_of: Any, config: "LinkageConfig") -> list[StoredRead]:
    """Every district-wide read kept for a snapshot evaluated on ``as_of`` with the linkage
    ``config`` (the longest first)."""
    day = catalog.as_of_date(as_of)
    return [StoredRead(qid, build(day, config)) for qid, build in _table()]


__all__ = ["StoredRead", "stored_reads", "stored_query_ids", "stored_views", "dated_params", "channel_params",
           "place_params", "view_params", "LINKAGE_READS"]
