"""What an account may read, enforced where the catalog is read.

An account sees the district, one street or one community (:class:`Scope`). The app hands
its pages a :class:`ScopedStore` for the signed-in account instead of the store itself;
:func:`orgnet.queries.catalog.run` reads through its catalog door
(:meth:`Store.read_catalog`, :meth:`Store.scoped_rows`), which

1. forces the query's ``$street_id`` / ``$community_id`` parameters to the scope (a request
   for another street or community gets nothing);
2. keeps only rows placed in the scope: rows with ``street_id`` / ``community_id`` columns by
   those columns; view rows naming nodes (the header's ``// scope: nodes id, other_id``) by
   where each node sits (``view_placement``: an area's own street and community; the areas
   an organization covers or its unit is located in; a unit's area; a member's home, report
   and organization; an agreement's or meeting's organizations; a need's or service's
   community);
   (a node view's ``$limit`` is widened before and applied after placing);
3. refuses queries that only make sense for the whole district (``// scope: district``) and
   any query it cannot place (fail closed);
4. masks members' names (王*明) for accounts that may not see personal data, and keeps only
   a member's public fields on the node card.

Free Cypher (the Query page) is allowed only to district-wide accounts with the console
right; writes only to administrators. The CLI on the server uses the store itself (it is
the operator).

The store fails closed: every public member of :class:`Store` it does not define itself
refuses (:func:`_fail_closed`), so a method added to ``Store`` later cannot run unscoped.
"""

from __future__ import annotations

import contextlib
import inspect
from typing import TYPE_CHECKING, Any, Iterable

from orgnet.errors import AccessDenied
from orgnet.graph.stores.base import LEDGER_RECORD, Progress, Store, Writer
from orgnet.model import Label
from orgnet.privacy import mask_name
from orgnet.queries.scope import AREA_COLUMNS, Scope

if TYPE_CHECKING:
    from orgnet.queries.catalog import Query

#: a member's fields an account without personal data still sees on a node card
MEMBER_PUBLIC_FIELDS = ("id", "name", "status", "category")
#: a node view's ``$limit`` inside a scope: rows are placed after the engine's LIMIT, so the
#: engine is asked for this many times more (at least NODE_LIMIT_MIN) and the rest trimmed
NODE_LIMIT_FACTOR, NODE_LIMIT_MIN = 10, 2000
#: columns naming a node's labels, and the name column each governs
_LABEL_COLUMNS = (("labels", "name"), ("label", "name"), ("other_label", "other_name"))


class ScopedStore(Store):
    """A store as one account may use it: catalog reads scoped, free Cypher and writes by right.

    >>> s = ScopedStore(inner_store, Scope(street_id="S1"), personal=False)   # doctest: +SKIP
    >>> catalog.run(s, "building_without_group")        # only street S1's rows  # doctest: +SKIP
    """

    def __init__(self, inner: Store, scope: Scope, *, personal: bool = True, console: bool = False,
                 admin: bool = False):
        super().__init__(inner.default_graph)
        self._inner, self.scope = inner, scope
        #: may see members' names and personal fields unmasked
        self.personal = personal
        self.console, self.admin = console, admin

    @property
    def inner(self) -> Store:
        """The store behind this account's view (what stored results and snapshot records are
        read from, unscoped, before :meth:`scoped_rows` narrows them)."""
        return self._inner

    @property
    def narrowed(self) -> bool:
        return not self.scope.is_district

    @property
    def engine(self) -> str:  # type: ignore[override]
        return self.inner.engine

    def key(self) -> str:
        """What distinguishes this account's results in a cache."""
        return f"{self.scope.key()}|{'p' if self.personal else 'm'}"

    # reads -----------------------------------------------------------------------------
    def read(self, cypher: str, params: dict | None = None, *, graph: str | None = None,
             limit: int | None = None, timeout_s: float | None = None, **read_kw) -> list[dict]:
        """Free Cypher: only for district-wide accounts with the console right (any account
        may read a graph's load metadata, ``graph.load.META_QUERY``)."""
        from orgnet.graph.load import META_QUERY

        if cypher != META_QUERY and not (self.console and self.scope.is_district and self.personal):
            raise AccessDenied("free Cypher is for district-wide analysts and administrators; "
                               "your account reads through the query catalog "
                               "（自由查询仅限全区范围的分析员和管理员）")
        return self.inner.read(cypher, params, graph=graph, limit=limit, timeout_s=timeout_s, **read_kw)

    def read_catalog(self, q: "Query", params: dict, *, graph: str | None = None,
                     limit: int | None = None, timeout_s: float | None = None, **read_kw) -> list[dict]:
        """Run a catalog query inside this scope (called by :func:`catalog.run` only; ``read_kw``:
        the store's ``scalars`` and ``stats``)."""
        return self.scoped_rows(q, params, lambda p: self.inner.read(q.text, p, graph=graph, limit=limit,
                                                                     timeout_s=timeout_s, **read_kw),
                                graph=graph)

    def scoped_rows(self, q: "Query", params: dict, fetch, *, graph: str | None = None) -> list[dict] | None:
        """``fetch(params)``'s rows as this account may see them: district-only queries refused,
        street and community forced, rows outside dropped, names masked (``fetch`` reads the
        engine, or rows stored at load; None from it is passed on)."""
        how = scope_rule(q)
        if not self.scope.is_district:
            if how == "district":
                raise AccessDenied(f"query {q.id} covers the whole district; your account sees "
                                   f"{self.scope.key()}（该查询仅限全区范围账号）")
            params = forced_params(q, params, self.scope)
            if params is None:
                return []
        wanted = params.get("limit") if how == "nodes" and not self.scope.is_district else None
        if wanted:  # rows are filtered after the engine's LIMIT: read more, trim after
            params = {**params, "limit": max(int(wanted) * NODE_LIMIT_FACTOR, NODE_LIMIT_MIN)}
        rows = fetch(params)
        if rows is None:
            return None
        if not self.scope.is_district:
            rows = self._filter(q, how, rows, graph)[:wanted or None]
        if self.personal:
            return rows
        names = personal_columns(q)
        return [mask_row(r, names) for r in rows]

    def _filter(self, q: "Query", how: str, rows: list[dict], graph: str | None) -> list[dict]:
        if how == "area":
            return [r for r in rows if self.scope.admits(r.get("street_id"), r.get("community_id"))]
        columns = node_columns(q)
        ids = {r.get(c) for r in rows for c in columns} - {None}
        inside = placed_inside(self.inner, ids, self.scope, graph=graph)
        return [r for r in rows if all(r.get(c) is None or r.get(c) in inside for c in columns)]

    def read_df(self, cypher: str, params: dict | None = None, *, graph: str | None = None,
                limit: int | None = None, timeout_s: float | None = None):
        """Free Cypher as a DataFrame: the same right as :meth:`read`."""
        import pandas as pd

        return pd.DataFrame.from_records(self.read(cypher, params, graph=graph, limit=limit, timeout_s=timeout_s))

    def counts(self, graph: str | None = None) -> dict[str, int]:
        if not self.scope.is_district:
            raise AccessDenied("graph totals are district-wide（全区总数仅限全区范围账号）")
        return self.inner.counts(graph)

    # what every account may do -------------------------------------------------------------
    def version(self) -> str:
        return self.inner.version()

    def list_graphs(self) -> list[str]:
        return self.inner.list_graphs()

    def graph_exists(self, graph: str) -> bool:
        return self.inner.graph_exists(graph)

    @property
    def address(self) -> str:
        return self.inner.address

    @property
    def edition(self) -> str:
        return self.inner.edition

    def snapshot_name(self, graph: str | None) -> str:
        return self.inner.snapshot_name(graph)

    # the follow-up ledger: records of the scope; analysts and administrators edit --------------
    def ledger_read(self, cypher: str, params: dict | None = None) -> list[dict]:
        rows = [r for r in self.inner.ledger_read(cypher, params)
                if self.scope.is_district or _record_inside(r, self.scope)]
        return rows if self.personal else [_mask_record(r) for r in rows]

    def ledger_setup(self) -> None:
        self.inner.ledger_setup()

    def ledger_write(self, cypher: str, params: dict | None = None) -> list[dict]:
        """Analysts and administrators only; the service reads a record (in scope) before
        changing it, and creates records only from gap rows it read in scope."""
        if not self.console:
            raise AccessDenied("only analysts and administrators change the follow-up ledger"
                               "（仅分析员和管理员可修改督办台账）")
        rows = (params or {}).get("rows")
        if rows is None and not self.admin:  # a write not about given records: clearing
            raise AccessDenied("only a district administrator clears the follow-up ledger")
        if rows is not None and not self.scope.is_district:
            for row in rows:
                self._check_ledger_row(row)
        return self.inner.ledger_write(cypher, params)

    def _check_ledger_row(self, row: dict) -> None:
        """A record written must be, and stay, inside the scope."""
        props = row.get("props") or {}
        outside = (("street_id" in props or "community_id" in props)
                   and not self.scope.admits(props.get("street_id"), props.get("community_id")))
        stored = self.inner.ledger_read(LEDGER_RECORD, {"key": row.get("key")}) if row.get("key") else []
        if outside or (stored and not _record_inside(stored[0], self.scope)):
            raise AccessDenied(f"follow-up record {row.get('key')} is outside your account's scope "
                               f"{self.scope.key()}（该督办记录不在您的账号范围内）")

    # writes: administrators only --------------------------------------------------------
    def writable(self) -> Store:
        """The store itself, to load into: administrators only (the Import page)."""
        return self._admin()

    def _admin(self) -> Store:
        if not self.admin:
            raise AccessDenied("only a district administrator may change graphs（仅区级管理员可导入或修改数据）")
        return self.inner

    def write(self, cypher: str, params: dict | None = None, *, graph: str | None = None) -> None:
        self._admin().write(cypher, params, graph=graph)

    def replacing(self, graph: str) -> contextlib.AbstractContextManager[Writer]:
        return self._admin().replacing(graph)

    def load_lock(self, graph: str) -> contextlib.AbstractContextManager:
        return self._admin().load_lock(graph)

    def persist(self, graph: str | None = None) -> float:
        return self._admin().persist(graph)

    def setup_schema(self, graph: str | None = None) -> None:
        self._admin().setup_schema(graph)

    def drop_graph(self, graph: str) -> None:
        self._admin().drop_graph(graph)

    def forget_stored(self, graph: str) -> None:
        self._admin().forget_stored(graph)

    def write_batches(self, cypher: str, rows: Iterable[dict], *, graph: str | None = None,
                      batch_size: int = 5000, progress: Progress | None = None) -> int:
        return self._admin().write_batches(cypher, rows, graph=graph, batch_size=batch_size, progress=progress)

    def staging_leftovers(self) -> list[str]:
        return self._admin().staging_leftovers()

    def clean_leftovers(self) -> list[str]:
        return self._admin().clean_leftovers()

    def close(self) -> None:
        """Nothing to close: the store behind an account's view is the app's, shared by every
        session (closing one account's view must not close it for the others)."""


def _fail_closed(cls: type[Store], base: type[Store] = Store) -> type[Store]:
    """Make every public member of ``base`` that ``cls`` does not define itself refuse, so a
    method added to :class:`Store` later never runs unscoped through an account's view."""
    for name, member in inspect.getmembers(base):
        if name.startswith("_") or name in cls.__dict__:
            continue
        if callable(member) or isinstance(member, property):
            setattr(cls, name, _refusal(name))
    return cls


def _refusal(name: str):
    def refuse(self, *args, **kwargs):
        raise AccessDenied(f"Store.{name} has no rule for an account's view (ScopedStore); "
                           f"give it one in orgnet/access/scoped.py（该操作未对账号范围定义，已拒绝）")
    refuse.__name__ = name
    return refuse


def _record_inside(row: dict, scope: Scope) -> bool:
    """Whether a ledger row (a follow-up record ``f`` with its gap's place) is in scope."""
    f = row.get("f") if isinstance(row.get("f"), dict) else row
    return scope.admits(f.get("street_id"), f.get("community_id"))


def _mask_record(row: dict) -> dict:
    """A ledger row with a member's name masked (the records of rules listing members)."""
    from orgnet.queries import catalog

    f = row.get("f") if isinstance(row.get("f"), dict) else None
    if f is None or not f.get("rule") or f.get("rule") not in catalog.names("rule"):
        return row
    names = personal_columns(catalog.get(f["rule"]))
    return {**row, "f": mask_row(f, names)} if names else row


def scope_rule(q: "Query") -> str:
    """How a catalog query is scoped: ``area`` (rows carry street/community), ``nodes``
    (its ``// scope: nodes …`` columns name nodes), ``district`` (whole district only)."""
    declared = q.meta.get("scope", "").split(None, 1)
    if declared:
        if declared[0] not in ("nodes", "district", "area"):
            raise AccessDenied(f"query {q.id}: unknown scope {declared[0]!r} (area | nodes … | district)")
        return declared[0]
    if any(c in q.columns for c in AREA_COLUMNS):
        return "area"
    return "district"  # nothing to place rows by: fail closed


def node_columns(q: "Query") -> list[str]:
    """The columns of a ``// scope: nodes id, other_id`` query that name nodes."""
    spec = q.meta.get("scope", "").split(None, 1)
    return [c.strip() for c in (spec[1] if len(spec) > 1 else "id").split(",") if c.strip()]


def forced_params(q: "Query", params: dict, scope: Scope) -> dict | None:
    """``params`` with the scope's street/community forced in; None when they ask outside it."""
    names = {p.name for p in q.params}
    out = dict(params)
    for key in AREA_COLUMNS:
        wanted = getattr(scope, key)
        if not wanted or key not in names:
            continue
        asked = out.get(key)
        if asked not in (None, "") and asked != wanted:
            return None
        out[key] = wanted
    return out


def placed_inside(store: Store, ids: Iterable[str], scope: Scope, *, graph: str | None = None) -> set[str]:
    """The ids among ``ids`` whose node sits inside ``scope`` (``view_placement``)."""
    from orgnet.queries import catalog

    ids = sorted(set(ids))
    if not ids:
        return set()
    q = catalog.get("view_placement")
    rows = store.read(q.text, {"ids": ids}, graph=graph)
    return {r["id"] for r in rows if scope.admits(r.get("street_id"), r.get("community_id"))}


def _is_member(labels: Any) -> bool:
    if isinstance(labels, str):
        return labels == Label.Member.value
    return bool(labels) and Label.Member.value in labels


def personal_columns(q: "Query") -> list[str]:
    """Columns a query's header declares as members' names (``// personal: name``)."""
    return [c.strip() for c in q.meta.get("personal", "").split(",") if c.strip()]


def mask_row(row: dict, names: Iterable[str] = ()) -> dict:
    """A row as an account without personal data sees it: members' names masked (the
    ``names`` columns, and names beside a Member label), a member node card reduced to
    :data:`MEMBER_PUBLIC_FIELDS`.

    >>> mask_row({"name": "王小明", "labels": ["Member"]})["name"]
    '王*明'
    """
    out = dict(row)
    for col in names:
        if out.get(col):
            out[col] = mask_name(str(out[col]))
    for labels_col, name_col in _LABEL_COLUMNS:
        if _is_member(out.get(labels_col)) and out.get(name_col):
            out[name_col] = mask_name(str(out[name_col]))
    if _is_member(out.get("labels")) and isinstance(out.get("props"), dict):
        props = out["props"]
        out["props"] = {k: props[k] for k in MEMBER_PUBLIC_FIELDS if k in props}
        if out["props"].get("name"):
            out["props"]["name"] = mask_name(str(out["props"]["name"]))
    return out


_fail_closed(ScopedStore)

__all__ = ["ScopedStore", "scope_rule", "node_columns", "forced_params", "placed_inside", "personal_columns",
           "mask_row", "MEMBER_PUBLIC_FIELDS"]
