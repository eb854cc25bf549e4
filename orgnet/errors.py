"""One root exception with specific subclasses.

Every message names what to fix: the file, the row, the setting or the command.
Chain causes with ``raise ... from e``.
"""


class OrgnetError(Exception):
    """Root of every error orgnet raises on purpose."""


class InputError(OrgnetError):
    """A dataset cannot be read at all (missing table or column, unreadable file)."""


class ConfigError(OrgnetError):
    """A setting (environment variable, option, config file) is wrong or missing."""


class StoreError(OrgnetError):
    """The graph store cannot be reached or refused an operation."""


class StoreUnavailable(StoreError):
    """The store is not running or not reachable; the message says how to start or point at it."""


class LoadInProgress(StoreError):
    """Another load of the same graph is running; the message names it and what to do."""


class NotLoaded(StoreError):
    """A graph with no load metadata (never loaded, emptied, or a server that came back empty):
    nothing read from it may pass for "no gaps"; the message says how to load it."""


class FactsOnly(NotLoaded):
    """A facts-only snapshot (Neo4j Community keeps one graph live; earlier snapshots keep their
    stored facts): it can be compared, not browsed; the message says which graph is live."""


class QueryError(OrgnetError):
    """A catalog query is unknown, has bad parameters, or failed."""


class ReadOnlyViolation(QueryError):
    """An ad-hoc query tried to write."""


class InputTooLarge(InputError):
    """A file, workbook, table or cell exceeds a limit of :class:`orgnet.settings.Limits`
    (the message names the limit and the ``ORGNET_…`` variable that raises it)."""


class ReachRefused(ReadOnlyViolation):
    """A read query would reach outside the graph (LOAD CSV, a procedure not on the allow-list,
    a server command). ``key`` is its UI text in ``orgnet/locale/messages.toml`` (``reach.*``),
    ``fmt`` its placeholders (``what``: the clause or procedure refused); the message holds
    both languages, ``orgnet.i18n.t(e.key, lang, **e.fmt)`` one."""

    def __init__(self, message: str, *, key: str, fmt: dict[str, str]):
        super().__init__(message)
        self.key, self.fmt = key, fmt


class AccessDenied(OrgnetError):
    """The signed-in account may not do or see this (its role or its scope)."""
