"""Local accounts: roles, scopes, scrypt-hashed passwords, sign-in with throttling.

Accounts and the audit log live in one SQLite file in the orgnet home
(``$ORGNET_HOME/access.sqlite3``), on the server that runs the app; the CLI on that server
manages them (``orgnet users add|list|passwd|remove``).

Roles (:class:`AccountRole`):

- ``admin`` 区级管理员: everything, district-wide: imports, users, the audit log;
- ``analyst`` 分析员: all data of their scope, the Query page, exports;
- ``viewer`` 查看员: pages and maps of their scope, members' names masked, no exports.

>>> book = AccountBook(tmp_home)                                        # doctest: +SKIP
>>> book.add("zhang", "s3cret-pass", AccountRole.viewer, street_id="S01")  # doctest: +SKIP
>>> book.sign_in("zhang", "s3cret-pass").scope                          # doctest: +SKIP
Scope(street_id='S01', community_id=None)
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from orgnet.errors import AccessDenied, ConfigError
from orgnet.model import ZhEnum
from orgnet.access.scoped import ScopedStore
from orgnet.queries.scope import Scope
from orgnet.graph.stores.base import Store

#: scrypt cost: 2**15 × 128 × 8 bytes = 32 MB of memory per hash (memory-hard), about 0.1 s
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
#: the test suite's switch to a cheaper N for NEW hashes (tests/conftest.py sets it). Honoured
#: only inside a pytest run (:data:`PYTEST_ENV` set, as pytest sets it for each test and its
#: subprocesses inherit it); anywhere else hashing refuses it, so a deployment that sets it by
#: mistake gets an error instead of weak hashes. Verifying always uses the N stored in the hash.
SCRYPT_N_ENV = "ORGNET_TEST_SCRYPT_N"
#: what pytest sets while a test runs (setup, call, teardown)
PYTEST_ENV = "PYTEST_CURRENT_TEST"
#: failed sign-ins in a row, for one account name from one client address, after which
#: further attempts must wait (known and unknown names alike)
THROTTLE_AFTER = 5
#: failed sign-ins from one client address, whatever the names, after which it must wait
ADDRESS_THROTTLE_AFTER = 20
#: a failure count is forgotten after this long without a failure (seconds)
FORGET_AFTER_S = 3600
#: the first wait after THROTTLE_AFTER failures (seconds); it doubles with each further failure
THROTTLE_BASE_S = 30
#: the longest wait (seconds)
THROTTLE_MAX_S = 900
MIN_PASSWORD = 10
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
FILE_NAME = "access.sqlite3"


class AccountRole(ZhEnum):
    admin = ("admin", "区级管理员", "管理员")
    analyst = ("analyst", "分析员")
    viewer = ("viewer", "查看员")


class SignInFailed(AccessDenied):
    """Wrong name or password (the message does not say which)."""


class SignInThrottled(AccessDenied):
    """Too many failed sign-ins in a row: the account must wait."""

    def __init__(self, message: str, wait_s: int):
        super().__init__(message)
        self.wait_s = wait_s


@dataclass(frozen=True)
class Account:
    name: str
    role: AccountRole
    scope: Scope

    @property
    def may_export(self) -> bool:
        return self.role in (AccountRole.admin, AccountRole.analyst)

    @property
    def may_query(self) -> bool:
        return self.role in (AccountRole.admin, AccountRole.analyst)

    @property
    def is_admin(self) -> bool:
        return self.role is AccountRole.admin

    @property
    def sees_personal(self) -> bool:
        return self.role is not AccountRole.viewer


def store_for(account: Account, store: Store) -> ScopedStore:
    """The store as ``account`` may use it (scope, masking, console and write rights)."""
    return ScopedStore(store, account.scope, personal=account.sees_personal,
                       console=account.may_query, admin=account.is_admin)


# -- passwords ------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64), a fresh 16-byte salt each time."""
    salt = secrets.token_bytes(16)
    n = scrypt_n()
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P)
    return "$".join(["scrypt", str(n), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def scrypt_n() -> int:
    """The N new hashes use: :data:`SCRYPT_N`, unless the tests lower it with ``ORGNET_TEST_SCRYPT_N``
    (refused outside a pytest run)."""
    raw = os.environ.get(SCRYPT_N_ENV, "").strip()
    if not raw:
        return SCRYPT_N
    if not os.environ.get(PYTEST_ENV):
        raise ConfigError(f"{SCRYPT_N_ENV} is a test-only setting that weakens password hashes: unset it"
                          f"（{SCRYPT_N_ENV} 仅供测试使用，会降低密码强度，请删除该环境变量）")
    n = int(raw) if raw.isdigit() else 0
    if n < 2 or n & (n - 1) or n > SCRYPT_N:
        raise ConfigError(f"{SCRYPT_N_ENV}={raw!r}: give a power of two from 2 to {SCRYPT_N}, "
                          "or unset it (a test-only setting)")
    return n


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * n * r + 2 ** 20, dklen=32)


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    """A hash to check against for unknown names, so they take as long as known ones."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


def throttle_wait(failures: int, after: int = THROTTLE_AFTER) -> int:
    """Seconds to wait after ``failures`` failed sign-ins in a row (``after`` are free).

    >>> [throttle_wait(n) for n in (4, 5, 6, 7, 20)], throttle_wait(20, ADDRESS_THROTTLE_AFTER)
    ([0, 30, 60, 120, 900], 30)
    """
    if failures < after:
        return 0
    return min(THROTTLE_BASE_S * 2 ** min(failures - after, 16), THROTTLE_MAX_S)


# -- the book ---------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, street_id TEXT, community_id TEXT,
    password TEXT NOT NULL, created_at TEXT NOT NULL, changed_at TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0, last_failure REAL);
CREATE TABLE IF NOT EXISTS signin_failures (
    name TEXT NOT NULL, address TEXT NOT NULL, failures INTEGER NOT NULL, last_failure REAL NOT NULL,
    PRIMARY KEY (name, address));
CREATE TABLE IF NOT EXISTS address_failures (
    address TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_failure REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, since REAL NOT NULL, seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL,
    action TEXT NOT NULL, scope TEXT NOT NULL, what TEXT NOT NULL, ok INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


@contextlib.contextmanager
def connect(home: str | os.PathLike) -> Iterator[sqlite3.Connection]:
    """The access database of an orgnet home (created on first use, readable by its owner only)."""
    path = Path(home) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists()
    try:
        con = sqlite3.connect(path, timeout=10, isolation_level=None)
    except sqlite3.Error as e:
        raise ConfigError(f"cannot open the account database {path}: {e}; check ORGNET_HOME") from e
    try:
        con.row_factory = sqlite3.Row
        con.executescript(_SCHEMA)
        if fresh:
            os.chmod(path, 0o600)
        yield con
    finally:
        con.close()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class AccountBook:
    """The accounts of one orgnet home. ``clock`` is injectable for tests of throttling."""

    def __init__(self, home: str | os.PathLike, *, clock: Callable[[], float] = time.time):
        self.home, self.clock = Path(home), clock

    # management (CLI) ---------------------------------------------------------------------
    def add(self, name: str, password: str, role: AccountRole | str, *, street_id: str | None = None,
            community_id: str | None = None) -> Account:
        role = AccountRole.parse(role) if isinstance(role, str) else role
        check_name(name)
        scope = Scope(street_id or None, community_id or None)
        if role is AccountRole.admin and not scope.is_district:
            raise ConfigError("an administrator is district-wide: leave out --street and --community")
        check_password(password)
        with connect(self.home) as con:
            if con.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
                raise ConfigError(f"account {name!r} exists; change its password with `orgnet users passwd {name}`")
            con.execute("INSERT INTO accounts (name, role, street_id, community_id, password, created_at, "
                        "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (name, role.value, scope.street_id, scope.community_id, hash_password(password),
                         _now(), _now()))
        return Account(name, role, scope)

    def passwd(self, name: str, password: str) -> None:
        check_password(password)
        with connect(self.home) as con:
            cur = con.execute("UPDATE accounts SET password = ?, changed_at = ?, failures = 0 WHERE name = ?",
                              (hash_password(password), _now(), name))
            if not cur.rowcount:
                raise ConfigError(f"no account {name!r}; `orgnet users list` shows them")
            con.execute("DELETE FROM sessions WHERE name = ?", (name,))
            con.execute("DELETE FROM signin_failures WHERE name = ?", (name,))

    def remove(self, name: str) -> None:
        with connect(self.home) as con:
            if not con.execute("DELETE FROM accounts WHERE name = ?", (name,)).rowcount:
                raise ConfigError(f"no account {name!r}; `orgnet users list` shows them")
            con.execute("DELETE FROM sessions WHERE name = ?", (name,))

    def list(self) -> list[dict]:
        with connect(self.home) as con:
            rows = con.execute("SELECT name, role, street_id, community_id, created_at, changed_at, "
                               "(SELECT COALESCE(MAX(f.failures), 0) FROM signin_failures f "
                               "WHERE f.name = accounts.name) AS failures FROM accounts ORDER BY name").fetchall()
        return [dict(r) for r in rows]

    def exists(self) -> bool:
        """Whether any account exists."""
        with connect(self.home) as con:
            return con.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None

    def get(self, name: str) -> Account | None:
        with connect(self.home) as con:
            row = con.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        return _account(row) if row else None

    # sign-in (app) ------------------------------------------------------------------------
    def sign_in(self, name: str, password: str, address: str = "") -> Account:
        """The account, if ``password`` is right and neither this name from this client
        ``address`` nor the address itself waits after failures; else :class:`SignInFailed`
        or :class:`SignInThrottled`.

        An unknown name gets the same reply, the same work (a password check against a
        dummy hash) and the same throttling as an existing one. The failure is counted
        before the password is checked, in one transaction with the throttle check, so
        parallel guesses get at most :data:`THROTTLE_AFTER` checks; a right password then
        clears this name's count from this address. Counting per name *and* address means a
        client that fails on an account does not lock it for anyone signing in elsewhere.
        """
        stored = _dummy_hash()  # computed before any timing an attacker could compare
        with connect(self.home) as con:
            self._count_attempt(con, name, address)
            row = con.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
            if row is not None:
                stored = row["password"]
        if not verify_password(password, stored) or row is None:
            raise SignInFailed("wrong account name or password（账号或密码错误）")
        with connect(self.home) as con:  # a right password: its attempt was no failure
            con.execute("DELETE FROM signin_failures WHERE name = ? AND address = ?", (name, address))
            con.execute("UPDATE address_failures SET failures = MAX(failures - 1, 0) WHERE address = ?", (address,))
        return _account(row)

    def _count_attempt(self, con: sqlite3.Connection, name: str, address: str) -> None:
        """Refuse a throttled attempt, else count it as a failure (undone on success), atomically."""
        now = self.clock()
        con.execute("BEGIN IMMEDIATE")  # the write lock first: no parallel attempt reads the old count
        try:
            con.execute("DELETE FROM signin_failures WHERE last_failure < ?", (now - FORGET_AFTER_S,))
            con.execute("DELETE FROM address_failures WHERE last_failure < ?", (now - FORGET_AFTER_S,))
            pair = con.execute("SELECT failures, last_failure FROM signin_failures WHERE name = ? AND address = ?",
                               (name, address)).fetchone()
            addr = con.execute("SELECT failures, last_failure FROM address_failures WHERE address = ?",
                               (address,)).fetchone()
            pair_n, pair_left = self._left(pair, THROTTLE_AFTER, now)
            addr_n, addr_left = self._left(addr, ADDRESS_THROTTLE_AFTER, now)
            left = max(pair_left, addr_left)
            if left > 0:
                con.execute("COMMIT")
                raise SignInThrottled(f"too many failed sign-ins: try again in {left} s"
                                      f"（连续登录失败次数过多，请 {left} 秒后再试）", left)
            con.execute("INSERT OR REPLACE INTO signin_failures (name, address, failures, last_failure) "
                        "VALUES (?, ?, ?, ?)", (name, address, pair_n + 1, now))
            con.execute("INSERT OR REPLACE INTO address_failures (address, failures, last_failure) "
                        "VALUES (?, ?, ?)", (address, addr_n + 1, now))
            con.execute("COMMIT")
        except sqlite3.Error:
            con.execute("ROLLBACK")
            raise

    @staticmethod
    def _left(row: sqlite3.Row | None, after: int, now: float) -> tuple[int, int]:
        """(failures still counted, seconds still to wait) of one failure count."""
        if row is None or now - row["last_failure"] > FORGET_AFTER_S:
            return 0, 0
        wait = throttle_wait(row["failures"], after)
        return row["failures"], max(0, int(row["last_failure"] + wait - now)) if wait else 0


def first_admin(home: str | os.PathLike, name: str = "admin") -> str | None:
    """When no account exists yet: create the administrator ``name`` with a random password and
    return the password (shown once, by ``orgnet demo``); else None.

    >>> first_admin(tmp_home)            # doctest: +SKIP
    'mV0x3…'
    """
    book = AccountBook(home)
    if book.exists():
        return None
    password = secrets.token_urlsafe(12)
    book.add(name, password, AccountRole.admin)
    from orgnet.access import audit

    audit.record(home, "cli", "user_add", scope="district", what=name, note="first_admin")
    return password


class Sessions:
    """Signed-in browser sessions that survive a reload: a random token in the browser's cookie,
    its SHA-256 here; a session ends ``idle_s`` after its last use or ``max_s`` after sign-in.

    >>> token = Sessions(home).open("zhang")          # doctest: +SKIP
    >>> Sessions(home).resume(token, 3600, 43200)     # doctest: +SKIP
    'zhang'
    """

    def __init__(self, home: str | os.PathLike, *, clock: Callable[[], float] = time.time):
        self.home, self.clock = Path(home), clock

    @staticmethod
    def _hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    def open(self, name: str) -> str:
        token, now = secrets.token_urlsafe(32), self.clock()
        with connect(self.home) as con:
            con.execute("INSERT INTO sessions (token_hash, name, since, seen) VALUES (?, ?, ?, ?)",
                        (self._hash(token), name, now, now))
        return token

    def resume(self, token: str, idle_s: float, max_s: float) -> str | None:
        """The account name of a live session (its last use set to now), else None (and the
        session, if expired, forgotten)."""
        if not token:
            return None
        now, key = self.clock(), self._hash(token)
        with connect(self.home) as con:
            row = con.execute("SELECT name, since, seen FROM sessions WHERE token_hash = ?", (key,)).fetchone()
            if row is None:
                return None
            if now - row["seen"] > idle_s or now - row["since"] > max_s:
                con.execute("DELETE FROM sessions WHERE token_hash = ?", (key,))
                return None
            con.execute("UPDATE sessions SET seen = ? WHERE token_hash = ?", (now, key))
        return row["name"]

    def close(self, token: str | None) -> None:
        if token:
            with connect(self.home) as con:
                con.execute("DELETE FROM sessions WHERE token_hash = ?", (self._hash(token),))

    def close_all(self, name: str) -> None:
        """End every session of an account (its password changed, it was removed)."""
        with connect(self.home) as con:
            con.execute("DELETE FROM sessions WHERE name = ?", (name,))


def _account(row: sqlite3.Row) -> Account:
    return Account(row["name"], AccountRole.parse(row["role"]), Scope(row["street_id"], row["community_id"]))


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise ConfigError(f"account name {name!r}: use 2–64 letters, digits, _ . @ or -")
    return name


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise ConfigError(f"a password needs at least {MIN_PASSWORD} characters（密码至少 {MIN_PASSWORD} 位）")
    return password


__all__ = ["Account", "AccountBook", "AccountRole", "SignInFailed", "SignInThrottled", "connect", "first_admin", "Sessions",
           "hash_password", "verify_password", "store_for", "throttle_wait", "THROTTLE_AFTER",
           "ADDRESS_THROTTLE_AFTER"]
