"""Where orgnet keeps its things and which store it talks to.

Resolved once per process from options and the environment:
``ORGNET_HOME`` (default ``~/.orgnet``), ``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD``, ``NEO4J_DATABASE``, ``ORGNET_GRAPH`` (default graph name ``orgnet``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_GRAPH = "orgnet"


@dataclass(frozen=True)
class Settings:
    home: Path
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    graph: str = DEFAULT_GRAPH

    @classmethod
    def from_env(cls, home: str | os.PathLike | None = None,
                 neo4j_uri: str | None = None) -> "Settings":
        env = os.environ
        return cls(
            home=Path(home or env.get("ORGNET_HOME") or Path.home() / ".orgnet").expanduser(),
            neo4j_uri=neo4j_uri or env.get("NEO4J_URI") or None,
            neo4j_user=env.get("NEO4J_USER", "neo4j"),
            neo4j_password=env.get("NEO4J_PASSWORD"),
            neo4j_database=env.get("NEO4J_DATABASE", "neo4j"),
            graph=env.get("ORGNET_GRAPH", DEFAULT_GRAPH),
        )
