"""The store interface both engines implement, and the schema they share.

Loaders, queries, the CLI and the app receive a :class:`Store`; none of them opens a
connection itself. Only schema statements (:meth:`Store.setup_schema`) are engine-specific.
"""

from __future__ import annotations

import abc
import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from orgnet.errors import StoreError
from orgnet.model import Label
from orgnet.settings import DEFAULT_GRAPH

#: label of the node holding a graph's metadata (load time, source, counts)
META_LABEL = "OrgnetMeta"

#: labels whose ``id`` is unique (every node label of the model)
ID_LABELS: tuple[str, ...] = tuple(label.value for label in Label)

#: properties the rules filter on, indexed on both engines
PROPERTY_INDEXES: tuple[tuple[str, str], ...] = (
    (Label.Area.value, "level"),
    (Label.PartyOrg.value, "kind"),
    (Label.Unit.value, "kind"),
    (Label.Unit.value, "resident"),
    (Label.Member.value, "category"),
    (Label.Member.value, "status"),
    (Label.Agreement.value, "status"),
    (Label.Need.value, "status"),
    (Label.Service.value, "type"),
    (Label.Meeting.value, "held_on"),
    (Label.Evaluation.value, "evaluated_on"),
)

#: suffix of the staging graph a ``--replace`` load writes before the swap
STAGING_SUFFIX = "__loading"

#: the follow-up ledger (整改督办) lives outside every snapshot: on FalkorDB in this graph of its
#: own, on Neo4j as nodes with these labels in the default database, which a ``--replace`` load
#: or a dropped graph never deletes (:mod:`orgnet.ledger`)
LEDGER_GRAPH = "orgnet_ledger"
LEDGER_LABEL = "FollowUp"
#: one follow-up record by key (the ledger's reads, and an account's scope check before it writes one)
LEDGER_RECORD = f"MATCH (f:{LEDGER_LABEL} {{key: $key}}) RETURN f"
#: results of a snapshot's rules, KPIs and linkage stored at load (:mod:`orgnet.queries.stored`):
#: beside the ledger, outside every snapshot, keyed by the snapshot's name and load time
STORED_LABEL = "StoredResult"
LEDGER_LABELS: tuple[str, ...] = (LEDGER_LABEL, STORED_LABEL)

#: letters (Chinese included), digits, ``_ . -``; starts with a letter or digit; at most 63
_GRAPH_NAME = re.compile(r"^[^\W_][\w.\-]{0,62}$")

Progress = Callable[[int], Any]

#: a WHERE continuation leaving out the ledger's nodes (they share Neo4j's database)
_NOT_LEDGER = "".join(f"AND NOT n:{label} " for label in LEDGER_LABELS).strip()


def is_graph_name(name: object) -> bool:
    """Whether ``name`` can name a graph: letters (Chinese too), digits, ``_ . -``, at most 63.

    >>> is_graph_name("2025Q4"), is_graph_name("潍城区台账"), is_graph_name("a b")
    (True, True, False)
    """
    return (isinstance(name, str) and bool(_GRAPH_NAME.fullmatch(name)) and not name.endswith(STAGING_SUFFIX)
            and name != LEDGER_GRAPH)


def check_graph_name(name: str) -> str:
    """``name`` if it can name a graph (:func:`is_graph_name`), else a StoreError saying the rule."""
    if not is_graph_name(name):
        raise StoreError(
            f"invalid graph name {name!r}: use letters (Chinese too), digits, '_', '.' or '-' "
            f"(e.g. 2025Q4 or 潍城区2026Q1), at most 63 characters, not ending in {STAGING_SUFFIX!r} "
            f"and not {LEDGER_GRAPH!r} (the follow-up ledger's own graph)")
    return name


def graph_name_for(file_name: str, fallback: str = DEFAULT_GRAPH) -> str:
    """A valid graph name made from an uploaded file's name: ``潍城区台账.zip`` → ``潍城区台账``.

    Characters a graph name cannot hold become ``_``; the result is cut to 63 characters.

    >>> graph_name_for("潍城区台账.zip"), graph_name_for("2026 Q1 台账.xlsx"), graph_name_for("___.csv")
    ('潍城区台账', '2026_Q1_台账', 'orgnet')
    """
    stem = file_name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    name = re.sub(r"_+", "_", re.sub(r"[^\w.\-]", "_", stem)).strip("_.-")[:63]
    return name if is_graph_name(name) else fallback


def batched(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Writer(abc.ABC):
    """Where a load writes: one graph of a store, or a staging area swapped in at the end."""

    @abc.abstractmethod
    def write(self, cypher: str, params: dict | None = None) -> None: ...

    def write_batches(self, cypher: str, rows: Iterable[dict], *, batch_size: int = 5000,
                      progress: Progress | None = None) -> int:
        return write_each_batch(self.write, cypher, rows, batch_size, progress)

    def write_graph(self, nodes: Any, relationships: Any, hook: Any = None,
                    batch_size: int = 5000) -> dict[str, int] | None:
        """Write a whole dataset into an empty graph at once (``graph.load._write_whole``):
        rows written per table, or None when this writer cannot (nothing was written; the load
        then writes batch by batch)."""
        return None

    def write_meta(self, props: dict[str, Any]) -> None:
        """Write the graph's load metadata (a staged load writes it aside, swapped in with the data)."""
        self.write(f"MERGE (m:{META_LABEL} {{key: 'meta'}}) SET m += $props", {"props": props})


def write_each_batch(write: Callable[[str, dict], None], cypher: str, rows: Iterable[dict],
                     batch_size: int, progress: Progress | None) -> int:
    """Call ``write(cypher, {"rows": batch})`` batch after batch; return the row count."""
    n = 0
    for batch in batched(rows, batch_size):
        write(cypher, {"rows": batch})
        n += len(batch)
        if progress is not None:
            progress(len(batch))
    return n


class GraphWriter(Writer):
    """Writes straight into one graph of a store."""

    def __init__(self, store: "Store", graph: str):
        self.store, self.graph = store, graph

    def write(self, cypher: str, params: dict | None = None) -> None:
        self.store.write(cypher, params, graph=self.graph)

    def write_batches(self, cypher: str, rows: Iterable[dict], *, batch_size: int = 5000,
                      progress: Progress | None = None) -> int:
        return self.store.write_batches(cypher, rows, graph=self.graph, batch_size=batch_size,
                                        progress=progress)


class Store(abc.ABC):
    """A graph store: the embedded FalkorDB server or a Neo4j server/cluster."""

    engine: str = ""

    def __init__(self, default_graph: str = DEFAULT_GRAPH):
        self.default_graph = default_graph
        #: what a load could not do (shown by the CLI and the app), appended by the engine
        self.warnings: list[str] = []
        #: the last load's phases and their seconds, where the engine times them
        self.load_timings: dict[str, float] = {}

    @property
    def edition(self) -> str:
        """The engine's edition where it has several (Neo4j: ``community``, ``enterprise``); else ""."""
        return ""

    def snapshot_name(self, graph: str | None) -> str:
        """The snapshot ``graph`` names: itself (or the default graph). A store holding one live
        snapshot resolves the built-in default name to it (:meth:`Neo4jStore.snapshot_name`)."""
        return self._graph(graph)

    def key(self) -> str:
        """What distinguishes its reader's results in a cache: the operator, who reads everything
        (an account's view: its scope and masking, :meth:`ScopedStore.key`)."""
        return "operator"

    def writable(self) -> "Store":
        """The store to load into: this one (an account's view: the store behind it, for
        administrators only)."""
        return self

    def _graph(self, graph: str | None) -> str:
        return graph or self.default_graph

    # -- the catalog's door (an account's view, orgnet.access.scoped, narrows it) ----------
    @property
    def inner(self) -> "Store":
        """The store that holds the data: this one (an account's view returns the store behind it)."""
        return self

    @property
    def narrowed(self) -> bool:
        """Whether what this store reads is narrowed to part of the district (an account's scope)."""
        return False

    def read_catalog(self, q: Any, params: dict, *, graph: str | None = None, limit: int | None = None,
                     timeout_s: float | None = None, **read_kw) -> list[dict]:
        """Run catalog query ``q`` (a :class:`orgnet.queries.catalog.Query`, bound ``params``):
        the one call :func:`orgnet.queries.catalog.run` makes; ``read_kw``: ``scalars``, ``stats``."""
        return self.read(q.text, params, graph=graph, limit=limit, timeout_s=timeout_s, **read_kw)

    def scoped_rows(self, q: Any, params: dict, fetch: Callable[[dict], list[dict] | None], *,
                    graph: str | None = None) -> list[dict] | None:
        """``fetch(params)``'s rows as this store's reader may see them (here: all of them)."""
        return fetch(params)

    # -- reading -----------------------------------------------------------
    @abc.abstractmethod
    def version(self) -> str: ...

    @abc.abstractmethod
    def read(self, cypher: str, params: dict | None = None, *, graph: str | None = None,
             limit: int | None = None, timeout_s: float | None = None, scalars: bool = False,
             stats: dict | None = None) -> list[dict]:
        """Run a read-only query; rows as dicts (nodes → property dicts with ``_labels``).

        ``scalars``: the caller knows every value of the result is a string, an integer or
        null (a rule's gap rows), so the engine may send them untagged (FalkorDB's verbose
        reply parses several times faster than its typed one on big results).
        ``stats``: a dict the store fills with ``engine_ms``, the engine's own execution time
        for the query as it reports it (None when it does not).

        A query that would write raises :class:`~orgnet.errors.ReadOnlyViolation`, one that would
        reach outside the graph (LOAD CSV, procedures not allowed) its subclass
        :class:`~orgnet.errors.ReachRefused`: every engine calls
        :func:`orgnet.graph.stores.reach.refuse_outside_reach` first.
        ``limit`` bounds the rows in the database itself (the query's final ``RETURN`` gets
        the limit, :func:`orgnet.graph.stores.bound.bound_query`), so a huge result never
        leaves the server; ``timeout_s`` aborts a long query (QueryError); without it the
        server's default applies (``Limits.query_timeout_s``).
        """

    def read_df(self, cypher: str, params: dict | None = None, *, graph: str | None = None,
                limit: int | None = None, timeout_s: float | None = None):
        import pandas as pd

        rows = self.read(cypher, params, graph=graph, limit=limit, timeout_s=timeout_s)
        return pd.DataFrame.from_records(rows)

    # -- writing -----------------------------------------------------------
    @abc.abstractmethod
    def write(self, cypher: str, params: dict | None = None, *, graph: str | None = None) -> None: ...

    def forget_stored(self, graph: str) -> None:
        """The graph changed outside a load (a write, a drop): forget the results stored for it
        at load (:mod:`orgnet.queries.stored`), so they are computed live again."""
        if graph.endswith(STAGING_SUFFIX):
            return
        self.ledger_write(f"MATCH (r:{STORED_LABEL} {{graph: $graph}}) DELETE r", {"graph": graph})

    def write_batches(self, cypher: str, rows: Iterable[dict], *, graph: str | None = None,
                      batch_size: int = 5000, progress: Progress | None = None) -> int:
        """Run ``cypher`` (which starts with ``UNWIND $rows AS row``) over ``rows`` in batches."""
        g = self._graph(graph)
        return write_each_batch(lambda q, p: self.write(q, p, graph=g), cypher, rows, batch_size, progress)

    @abc.abstractmethod
    def replacing(self, graph: str) -> contextlib.AbstractContextManager[Writer]:
        """Write a complete new version of ``graph``; readers see the old one until the end.

        A context manager giving a :class:`Writer`. On a normal exit the new content replaces
        the old atomically; on an exception (or a killed process) the old graph stays as it was.
        """

    @property
    @abc.abstractmethod
    def address(self) -> str:
        """Where the store's server is, for messages and ``orgnet db status`` (no password)."""

    def staging_leftovers(self) -> list[str]:
        """Staging copies left by killed ``--replace`` loads (engines that replace in one
        transaction leave none)."""
        return []

    def clean_leftovers(self) -> list[str]:
        """Drop :meth:`staging_leftovers` whose load is over; returns what was dropped."""
        return []

    def load_lock(self, graph: str) -> contextlib.AbstractContextManager:
        """Held for the whole of a load into ``graph``; a second concurrent load of the same
        graph raises :class:`~orgnet.errors.LoadInProgress` (engines that serialize loads
        themselves keep this no-op)."""
        return contextlib.nullcontext()

    def persist(self, graph: str | None = None) -> float:
        """After a completed load of ``graph``: make it durable and quick to recover after a
        crash, and ready to be queried. Returns the seconds it took (0 when the engine needs
        nothing)."""
        return 0.0

    # -- administration ----------------------------------------------------
    @abc.abstractmethod
    def setup_schema(self, graph: str | None = None) -> None: ...

    @abc.abstractmethod
    def drop_graph(self, graph: str) -> None: ...

    @abc.abstractmethod
    def list_graphs(self) -> list[str]: ...

    def graph_exists(self, graph: str) -> bool:
        return graph in self.list_graphs()

    def counts(self, graph: str | None = None) -> dict[str, int]:
        """Nodes and relationships of the graph (the metadata node not counted)."""
        g = self._graph(graph)
        if not self.graph_exists(g):
            return {"nodes": 0, "relationships": 0}
        nodes = self.read(f"MATCH (n) WHERE NOT n:{META_LABEL} {_NOT_LEDGER} RETURN count(n) AS n", graph=g)
        rels = self.read("MATCH ()-[r]->() RETURN count(r) AS n", graph=g)
        return {"nodes": int(nodes[0]["n"]), "relationships": int(rels[0]["n"])}

    # -- the follow-up ledger (outside every snapshot) ----------------------
    @abc.abstractmethod
    def ledger_read(self, cypher: str, params: dict | None = None) -> list[dict]:
        """Run a read query on the follow-up ledger; rows as dicts (an empty ledger: [])."""

    @abc.abstractmethod
    def ledger_setup(self) -> None:
        """Create the ledger's index and unique key (idempotent)."""

    @abc.abstractmethod
    def ledger_write(self, cypher: str, params: dict | None = None) -> list[dict]:
        """Run one write query on the ledger in one transaction; returns its rows (so a
        conditional update can tell whether it applied)."""

    def close(self) -> None:  # pragma: no cover - trivial
        pass

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
