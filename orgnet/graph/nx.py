"""The graph of DESIGN §4 as a networkx ``MultiDiGraph`` (the same graph the stores hold).

Nodes are ids; node attributes are the row's non-reference scalar columns, its extra
columns, ``label`` (primary label: ``Area``, ``PartyOrg``, ``Unit``, …) and ``labels``
(a tuple, e.g. ``("Area", "Community")``). Reference columns become edges whose key is
the relationship type (``f"{type}#{n}"`` when the same (u, v, type) repeats, e.g. two
roles of one member on one org) and whose attributes are ``type`` plus the
relationship's properties (REPORTED_TO {on}, HOLDS {role, since, until}, PARTY_TO
{side}, FULFILS {on}, CLAIMED {on, done_on}).

>>> from orgnet.model import Dataset
>>> ds = Dataset()
>>> ds.tables["areas"] = [
...     {"id": "S1", "name": "西关街道", "level": "street", "parent_id": None, "compound_id": None, "_extra": {}},
...     {"id": "C1", "name": "东风社区", "level": "community", "parent_id": "S1", "compound_id": None, "_extra": {}},
... ]
>>> ds.tables["party_orgs"] = [
...     {"id": "P1", "name": "东风社区党委", "kind": "community_committee", "parent_id": None,
...      "area_ids": ["C1"], "unit_ids": [], "established_on": "2020-01-01", "_extra": {}},
... ]
>>> g = to_networkx(ds)
>>> g.nodes["C1"]["labels"], g.nodes["P1"]["label"]
(('Area', 'Community'), 'PartyOrg')
>>> sorted(g.edges(keys=True))
[('C1', 'S1', 'PART_OF'), ('P1', 'C1', 'COVERS')]
"""

from __future__ import annotations

from typing import Any, Iterable

import networkx as nx

from orgnet.model import (
    AREA_LABELS,
    TABLE_LABELS,
    TABLES,
    AreaLevel,
    ColType,
    Dataset,
    Label,
    Rel,
)

_REF_TYPES = (ColType.ref, ColType.refs)

# (table, column) → relationship type, for reference columns of id-bearing tables
_ROW_RELS: dict[tuple[str, str], Rel] = {
    ("areas", "parent_id"): Rel.PART_OF,
    ("areas", "compound_id"): Rel.PART_OF,
    ("party_orgs", "parent_id"): Rel.SUBORDINATE_TO,
    ("party_orgs", "area_ids"): Rel.COVERS,
    ("party_orgs", "unit_ids"): Rel.BASED_IN,
    ("units", "area_id"): Rel.LOCATED_IN,
    ("units", "serves_area_ids"): Rel.SERVES,
    ("members", "org_id"): Rel.MEMBER_OF,
    ("members", "unit_id"): Rel.WORKS_AT,
    ("members", "home_area_id"): Rel.LIVES_IN,
    ("members", "reported_area_id"): Rel.REPORTED_TO,
}


def node_properties(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """The stored properties of a row's node: non-reference scalar columns + ``_extra``."""
    props: dict[str, Any] = {}
    for col in TABLES[table].columns:
        if col.type in _REF_TYPES:
            continue
        value = row.get(col.name)
        if value is not None:
            props[col.name] = value
    for key, value in (row.get("_extra") or {}).items():
        if value is not None and key not in props:
            props[key] = value
    return props


def node_labels(table: str, row: dict[str, Any]) -> tuple[str, ...]:
    """Labels of a row's node, primary first: ``("Area", "Community")``, ``("Unit",)``."""
    primary = TABLE_LABELS[table].value
    if table == "areas":
        return (primary, AREA_LABELS[AreaLevel(row["level"])].value)
    return (primary,)


def _add_edge(g: nx.MultiDiGraph, u: str, v: str, rel: Rel | str, **props: Any) -> None:
    rtype = str(rel)
    key = rtype
    n = 1
    while g.has_edge(u, v, key):
        n += 1
        key = f"{rtype}#{n}"
    g.add_edge(u, v, key=key, type=rtype, **props)


def relationships(dataset: Dataset) -> Iterable[tuple[str, str, str, dict[str, Any]]]:
    """Every relationship of the dataset as (from id, to id, type, properties)."""
    for table, rows in dataset.tables.items():
        if table not in TABLE_LABELS:
            continue
        for row in rows:
            for col in TABLES[table].columns:
                if col.type not in _REF_TYPES:
                    continue
                rel = _ROW_RELS.get((table, col.name))
                if rel is None:
                    continue
                value = row.get(col.name)
                targets = value if isinstance(value, list) else ([value] if value else [])
                for target in targets:
                    props: dict[str, Any] = {}
                    if rel is Rel.REPORTED_TO:
                        props = {"on": row.get("reported_on")}
                    yield row["id"], target, rel.value, props
    for row in dataset.rows("services"):
        if row.get("claimed_by"):
            yield row["claimed_by"], row["id"], Rel.CLAIMED.value, {
                "on": row.get("claimed_on"), "done_on": row.get("done_on")}
        yield row["area_id"], row["id"], Rel.POSTED.value, {}
    for row in dataset.rows("resources"):
        yield row["unit_id"], row["id"], Rel.OFFERS.value, {}
    for row in dataset.rows("needs"):
        yield row["area_id"], row["id"], Rel.RAISED.value, {}
    for row in dataset.rows("meetings"):
        yield row["convener_id"], row["id"], Rel.CONVENED.value, {}
    for row in dataset.rows("roles"):
        yield row["member_id"], row["target_id"], Rel.HOLDS.value, {
            "role": row.get("role"), "since": row.get("since"), "until": row.get("until")}
    for row in dataset.rows("agreement_parties"):
        yield row["party_id"], row["agreement_id"], Rel.PARTY_TO.value, {"side": row.get("side")}
    for row in dataset.rows("matches"):
        yield row["resource_id"], row["need_id"], Rel.FULFILS.value, {"on": row.get("matched_on")}
    for row in dataset.rows("attendance"):
        yield row["attendee_id"], row["meeting_id"], Rel.ATTENDED.value, {}


def to_networkx(dataset: Dataset) -> nx.MultiDiGraph:
    """Turn a validated dataset into the DESIGN §4 graph (see the module docstring).

    Relationship properties that are empty (None) are kept as None attributes, like a
    missing property in Cypher.
    """
    g = nx.MultiDiGraph()
    for table, label in TABLE_LABELS.items():
        for row in dataset.rows(table):
            labels = node_labels(table, row)
            g.add_node(row["id"], **node_properties(table, row), label=labels[0], labels=labels)
    for u, v, rtype, props in relationships(dataset):
        if u in g and v in g:
            _add_edge(g, u, v, rtype, **props)
    return g


__all__ = ["to_networkx", "node_properties", "node_labels", "relationships", "Label"]
