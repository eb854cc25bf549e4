"""The embedded store: a FalkorDB server that orgnet starts and owns, and the store on it.

- :mod:`~orgnet.graph.stores.falkordb.server`: the server process (start, stop, crash
  recovery, its files under ``<home>/falkordb/``);
- :mod:`~orgnet.graph.stores.falkordb.reply`: FalkorDB's replies read into plain Python and
  query parameters written for it;
- :mod:`~orgnet.graph.stores.falkordb.store`: the :class:`~orgnet.graph.stores.base.Store`
  on that server.
"""

from __future__ import annotations

from orgnet.graph.stores.falkordb.reply import params_header, to_plain
from orgnet.graph.stores.falkordb.server import HOST, MAX_BOLT_PORT, EmbeddedServer
from orgnet.graph.stores.falkordb.store import FalkorDBStore, StagingWriter

__all__ = ["HOST", "MAX_BOLT_PORT", "EmbeddedServer", "FalkorDBStore", "StagingWriter",
           "params_header", "to_plain"]
