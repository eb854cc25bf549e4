"""The follow-up ledger (整改督办): who fixes which gap by when, closed by the data itself.

- :mod:`orgnet.ledger.model`   the record, its statuses and pure transitions
- :mod:`orgnet.ledger.cypher`  every query on the ledger (values always as parameters)
- :mod:`orgnet.ledger.service` list, assign, update, sync with a snapshot (auto-close, reopen)
- :mod:`orgnet.ledger.io`      JSON and Excel export/import (the xlsx is a printable 督办单)

The ledger lives in the store but outside every snapshot (``Store.ledger_read`` /
``Store.ledger_write``): its own graph on FalkorDB, ``FollowUp`` nodes beside the graph in
Neo4j's default database; loads with ``--replace`` and dropped graphs never touch it.
"""
