"""Scope: the part of the district a reader sees — the district, one street or one community.

What an account may read through a scope is enforced by
:class:`orgnet.access.scoped.ScopedStore`; this module holds only the value itself and the
columns that place a query's row in a street and a community (also what stored results are
kept per: :mod:`orgnet.queries.stored`).

>>> Scope(street_id="S1").admits("S1", "C9"), Scope(community_id="C1").admits("S1", None)
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: the columns (and parameters) that place a row in a street and a community
AREA_COLUMNS: tuple[str, ...] = ("street_id", "community_id")


@dataclass(frozen=True)
class Scope:
    """The district (both None), one street, or one community (its street optional)."""

    street_id: str | None = None
    community_id: str | None = None

    @property
    def is_district(self) -> bool:
        return not self.street_id and not self.community_id

    def key(self) -> str:
        """A stable text for cache keys: ``district``, ``street:S1``, ``community:C1``."""
        if self.community_id:
            return f"community:{self.community_id}"
        return f"street:{self.street_id}" if self.street_id else "district"

    @classmethod
    def from_key(cls, key: str) -> "Scope | None":
        """The scope a :meth:`key` names (the audit log keeps it); None for any other text.

        >>> Scope.from_key("street:S1"), Scope.from_key("district").is_district, Scope.from_key("x")
        (Scope(street_id='S1', community_id=None), True, None)
        """
        kind, _, value = str(key).partition(":")
        if kind == "district" and not value:
            return cls()
        if kind in ("street", "community") and value:
            return cls(street_id=value) if kind == "street" else cls(community_id=value)
        return None

    def admits(self, street_id: Any, community_id: Any) -> bool:
        """Whether a row placed in (street, community) is inside this scope."""
        if self.community_id:
            return community_id == self.community_id
        if self.street_id:
            return street_id == self.street_id
        return True


DISTRICT = Scope()



__all__ = ["Scope", "DISTRICT", "AREA_COLUMNS"]
