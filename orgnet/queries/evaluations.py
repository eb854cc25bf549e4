"""共驻共建责任双向评价 (000): the evaluations between a community and a resident unit, for the
linkage page (the latest grade each way beside the pair's channel breakdown)."""

from __future__ import annotations

from typing import Any

from orgnet.model import Side
from orgnet.queries import catalog

#: the two directions, in the order the page shows them: the unit grading the community, then
#: the community grading the unit (``side`` = the evaluator's side)
SIDES: tuple[str, ...] = (Side.unit.value, Side.community.value)


def pair_evaluations(store: Any, *, community_id: str, unit_id: str, as_of: str,
                     graph: str | None = None) -> list[dict[str, Any]]:
    """Every evaluation up to ``as_of`` under the agreements of the pair, latest first."""
    return catalog.run(store, "evaluation_pair", {"as_of": as_of, "community_id": community_id,
                                                  "unit_id": unit_id}, graph=graph)


def latest_each_way(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any] | None]:
    """The latest evaluation of each side (rows come latest first), None where there is none.

    >>> latest_each_way([{"side": "unit", "evaluated_on": "2025-02-01"},
    ...                  {"side": "unit", "evaluated_on": "2024-02-01"}])["community"] is None
    True
    """
    found: dict[str, dict[str, Any] | None] = {side: None for side in SIDES}
    for row in rows:
        if found.get(row["side"]) is None:
            found[row["side"]] = row
    return found
