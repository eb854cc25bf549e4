"""Graph stores: the embedded FalkorDB server (default) and Neo4j (``NEO4J_URI`` set).

>>> from orgnet.graph.stores import open_store           # doctest: +SKIP
>>> store = open_store(Settings.from_env())              # doctest: +SKIP
"""

from __future__ import annotations

from orgnet.graph.stores.base import META_LABEL, Store, Writer, check_graph_name
from orgnet.settings import Settings

__all__ = ["META_LABEL", "Store", "Writer", "check_graph_name", "open_store", "embedded_server"]


def embedded_server(settings: Settings):
    """The embedded FalkorDB server of ``settings.home`` (not started)."""
    import sys

    from orgnet.graph.stores.falkordb import EmbeddedServer

    def note(msg: str) -> None:  # e.g. a restarted server's loading progress
        print(f"orgnet: {msg}", file=sys.stderr, flush=True)

    return EmbeddedServer(settings.home, progress=note)


def open_store(settings: Settings, *, start: bool = True) -> Store:
    """The store the settings select: Neo4j when ``neo4j_uri`` is set, else the embedded
    FalkorDB server, started on first use (``start=False``: fail if it is not running)."""
    if settings.neo4j_uri:
        from orgnet.graph.stores.neo4j import Neo4jStore

        return Neo4jStore.from_settings(settings)
    from orgnet.graph.stores.falkordb import FalkorDBStore

    return FalkorDBStore(embedded_server(settings), default_graph=settings.graph, start=start)
