"""The graph (the model's labels and relationships, :mod:`orgnet.model`) as a networkx ``MultiDiGraph`` (the same graph the stores hold).

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

from orgnet.model import TABLE_LABELS, Dataset, Label, Rel, node_labels, node_properties
from orgnet.model import relationships as model_relationships

def _add_edge(g: nx.MultiDiGraph, u: str, v: str, rel: Rel | str, **props: Any) -> None:
    rtype = str(rel)
    key = rtype
    n = 1
    while g.has_edge(u, v, key):
        n += 1
        key = f"{rtype}#{n}"
    g.add_edge(u, v, key=key, type=rtype, **props)


def relationships(dataset: Dataset) -> Iterable[tuple[str, str, str, dict[str, Any]]]:
    """Every relationship of the dataset as (from id, to id, type, properties)
    (:func:`orgnet.model.relationships`, the same the stores' loader writes)."""
    for rel, src, dst, props, _keys in model_relationships(dataset):
        yield src, dst, rel.value, props


def to_networkx(dataset: Dataset) -> nx.MultiDiGraph:
    """Turn a validated dataset into the graph (see the module docstring).

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
