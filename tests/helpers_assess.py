"""Test helpers of the 考核 and the 述职评议 packs: a two-quarter weicheng series of its own with
follow-up records (some overdue, some closed)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def two_quarters(falkordb_store):
    """Quarters 1 and 2 of the weicheng series, loaded as a series of their own, with follow-up
    records on quarter 2: some overdue, some closed."""
    from helpers_series import series

    from orgnet.graph.load import load_dataset
    from orgnet.ledger import service
    from orgnet.queries.gaps import gap_records

    qs = series()[:2]
    names = ("assess_q1", "assess_q2")
    for q, name in zip(qs, names):
        load_dataset(falkordb_store, q.dataset, graph=name, replace=True, as_of=q.as_of, series="考核测试系列")
    gaps = gap_records(falkordb_store, ["secretary_vacant", "grid_without_branch"], as_of=qs[1].as_of, graph=names[1])
    early, late = gaps[: len(gaps) // 2], gaps[len(gaps) // 2:]
    service.assign(falkordb_store, early, snapshot=names[1], as_of=qs[1].as_of, by="t", person="李", deadline="2026-04-30")
    service.assign(falkordb_store, late, snapshot=names[1], as_of=qs[1].as_of, by="t", person="王", deadline="2026-12-31")
    for rec in service.list_records(falkordb_store, series="考核测试系列")[::3]:
        service.update(falkordb_store, rec.key, rec.version, by="t", status="closed")
    yield falkordb_store, qs, names
    for name in names:
        falkordb_store.drop_graph(name)
