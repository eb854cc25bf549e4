"""Every query on the follow-up ledger (write queries live here, apart from the read-only
catalog). Labels come from the store module; values only travel as parameters."""

from __future__ import annotations

from orgnet.graph.stores.base import LEDGER_LABEL as L, LEDGER_RECORD

#: every record, optionally of one street / community
LIST = (f"MATCH (f:{L}) WHERE ($street_id IS NULL OR f.street_id = $street_id) "
        f"AND ($community_id IS NULL OR f.community_id = $community_id) RETURN f ORDER BY f.key")

#: one record by key
GET = LEDGER_RECORD

#: create records that do not exist yet (an existing key is left as it is); returns each
#: key with whether this query created it
CREATE = (f"UNWIND $rows AS row MERGE (f:{L} {{key: row.key}}) "
          f"ON CREATE SET f += row.props, f._created = $token "
          f"RETURN f.key AS key, f._created = $token AS created")

#: conditional update: applies only where the stored version is still the one the change was
#: made on. SET f._touch first takes the node's write lock (Neo4j), so the version read after
#: it is the committed one; FalkorDB runs writes one at a time. Rows returned = applied.
UPDATE = (f"UNWIND $rows AS row MATCH (f:{L} {{key: row.key}}) SET f._touch = $token "
          f"WITH f, row WHERE f.version = row.version SET f += row.props "
          f"RETURN f.key AS key, f.version AS version")

#: how many records (export checks, tests)
COUNT = f"MATCH (f:{L}) RETURN count(f) AS n"

#: remove every record (``orgnet followup import --replace`` and tests only)
CLEAR = f"MATCH (f:{L}) DELETE f"
