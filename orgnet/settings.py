"""Where orgnet keeps its things and which store it talks to.

Resolved once per process from options and the environment:
``ORGNET_HOME`` (default ``~/.orgnet``), ``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD``, ``NEO4J_DATABASE``, ``ORGNET_GRAPH`` (default graph name ``orgnet``).

:class:`Limits` holds the guards against hostile or runaway input and queries (file sizes,
rows, cells, query time and memory); each is a named setting with an ``ORGNET_…``
environment variable that overrides it, e.g. ``ORGNET_MAX_ROWS=5000000``.

``ORGNET_TIMEZONE`` (default ``Asia/Shanghai``) is the zone times are shown in (the audit
log is stored in UTC).

``ORGNET_ALLOW_PERSONAL_COLUMNS`` is the administrator's switch for personal data
(:func:`allowed_personal_columns`): extra columns that look like identity numbers, phones or
addresses are withheld on import unless their header is listed there.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_GRAPH = "orgnet"
#: the zone times are shown in when ORGNET_TIMEZONE is unset (China Standard Time)
DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Settings:
    home: Path
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    #: seconds to wait for a Neo4j server to answer before saying it cannot be reached
    neo4j_connect_timeout_s: int = 10
    graph: str = DEFAULT_GRAPH
    #: the header a single-sign-on reverse proxy sets to the account name (None: local sign-in)
    trust_user_header: str | None = None
    #: a session ends after this many minutes without a click
    session_idle_minutes: int = 60
    #: and this many hours after sign-in at the latest
    session_hours: int = 12
    #: the zone times are shown in (IANA name; the audit log stores UTC)
    timezone: str = DEFAULT_TIMEZONE

    def zone(self):
        """:attr:`timezone` as a ``tzinfo``; an unknown name raises ConfigError."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from orgnet.errors import ConfigError

        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ConfigError(f"ORGNET_TIMEZONE={self.timezone!r} is not a time zone: give an IANA name "
                              f"such as {DEFAULT_TIMEZONE}") from e

    @classmethod
    def from_env(cls, home: str | os.PathLike | None = None,
                 neo4j_uri: str | None = None) -> "Settings":
        env = os.environ
        return cls(
            trust_user_header=env.get("ORGNET_TRUST_USER_HEADER") or None,
            session_idle_minutes=_positive(env, "ORGNET_SESSION_IDLE_MINUTES", 60),
            session_hours=_positive(env, "ORGNET_SESSION_HOURS", 12),
            timezone=(env.get("ORGNET_TIMEZONE") or "").strip() or DEFAULT_TIMEZONE,
            home=Path(home or env.get("ORGNET_HOME") or Path.home() / ".orgnet").expanduser(),
            neo4j_uri=neo4j_uri or env.get("NEO4J_URI") or None,
            neo4j_user=env.get("NEO4J_USER", "neo4j"),
            neo4j_password=env.get("NEO4J_PASSWORD"),
            neo4j_database=env.get("NEO4J_DATABASE", "neo4j"),
            neo4j_connect_timeout_s=_positive(env, "NEO4J_CONNECT_TIMEOUT", 10),
            graph=env.get("ORGNET_GRAPH", DEFAULT_GRAPH),
        )


def _positive(env: os._Environ | dict, name: str, default: int) -> int:
    """A positive whole-number setting from the environment."""
    from orgnet.errors import ConfigError

    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as e:
        raise ConfigError(f"{name}={raw!r} is not a whole number (环境变量 {name} 应为整数)") from e
    if value <= 0:
        raise ConfigError(f"{name} must be positive (环境变量 {name} 应为正整数)")
    return value


@dataclass(frozen=True)
class Limits:
    """Guards against hostile files and runaway queries; override with ``ORGNET_<NAME>``.

    >>> Limits().max_rows
    1000000
    """

    #: largest CSV file, workbook or uploaded zip on disk (MB)
    max_file_mb: int = 200
    #: largest total uncompressed size a workbook or zip declares (MB, zip central directory)
    max_unzipped_mb: int = 1024
    #: largest compression ratio of one member of a workbook or zip (zip bombs compress 1000:1)
    max_zip_ratio: int = 100
    #: most data rows in one table (CSV lines, sheet rows)
    max_rows: int = 1_000_000
    #: most columns in one table
    max_columns: int = 500
    #: most characters in one cell; a longer cell rejects its row
    max_cell_chars: int = 10_000
    #: a quoted CSV field spanning more physical lines than this is a stray quote
    max_cell_lines: int = 20
    #: default time a query may run before the database aborts it (seconds)
    query_timeout_s: int = 60
    #: the most time any client may ask for (FalkorDB TIMEOUT_MAX, seconds)
    query_timeout_max_s: int = 600
    #: the most memory one query may use in the embedded database (MB, QUERY_MEM_CAPACITY)
    query_mem_mb: int = 1024
    #: query threads of the embedded database (a runaway query holds one)
    db_threads: int = 4
    #: most memory the embedded database may take in all (MB; 0: half the machine's memory),
    #: never more than the machine's memory less 2 GB (:func:`db_memory_mb`, an OS limit)
    db_mem_mb: int = 0

    @classmethod
    def from_env(cls, **overrides: int) -> "Limits":
        """Defaults, then ``ORGNET_MAX_ROWS``-style environment variables, then ``overrides``."""
        values = {f.name: _positive(os.environ, f"ORGNET_{f.name.upper()}", f.default) for f in fields(cls)}
        values.update(overrides)
        return cls(**values)


def limits() -> Limits:
    """The limits in force now (read from the environment on each call: cheap, testable)."""
    return Limits.from_env()


#: memory the embedded database always leaves to the rest of the machine (MB)
DB_MEM_RESERVE_MB = 2048


def machine_memory_mb() -> int:
    """The machine's memory (MB): physical RAM, or a smaller cgroup v2 limit this process runs under."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        raw = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        ram = min(ram, int(raw)) if raw.isdigit() else ram
    except OSError:
        pass
    return ram >> 20


def db_memory_mb(lim: Limits | None = None, machine_mb: int | None = None) -> int:
    """The memory limit of the embedded database's process (MB): ``db_mem_mb``, or half the
    machine's memory when 0, never above the machine's memory less :data:`DB_MEM_RESERVE_MB`
    (on a machine too small for that, a quarter of it).

    >>> db_memory_mb(Limits(), machine_mb=24_000), db_memory_mb(Limits(db_mem_mb=30_000), machine_mb=24_000)
    (12000, 21952)
    >>> db_memory_mb(Limits(db_mem_mb=512), machine_mb=24_000), db_memory_mb(Limits(), machine_mb=2048)
    (512, 512)
    """
    lim = lim or limits()
    ram = machine_memory_mb() if machine_mb is None else machine_mb
    cap = max(ram - DB_MEM_RESERVE_MB, ram // 4)
    return min(lim.db_mem_mb or ram // 2, cap)


#: the environment variable listing the personal extra columns an administrator allows
ALLOW_PERSONAL_COLUMNS_ENV = "ORGNET_ALLOW_PERSONAL_COLUMNS"


def allowed_personal_columns() -> frozenset[str]:
    """Headers of personal extra columns an administrator allows to be kept, from
    ``ORGNET_ALLOW_PERSONAL_COLUMNS`` (separated by ``,`` ``，`` ``;`` ``；`` ``、``), normalized
    like headers (NFKC, no spaces, lower case); read on each call. ``*`` allows every column.

    >>> import os; os.environ["ORGNET_ALLOW_PERSONAL_COLUMNS"] = "手机号， Home Phone"
    >>> sorted(allowed_personal_columns())
    ['homephone', '手机号']
    >>> os.environ["ORGNET_ALLOW_PERSONAL_COLUMNS"] = " * "; sorted(allowed_personal_columns())
    ['*']
    >>> del os.environ["ORGNET_ALLOW_PERSONAL_COLUMNS"]
    """
    from orgnet.loaders.cells import header_key

    raw = os.environ.get(ALLOW_PERSONAL_COLUMNS_ENV, "")
    return frozenset(k for part in re.split(r"[,，;；、]", raw)
                     if (k := "*" if part.strip() == "*" else header_key(part)))
