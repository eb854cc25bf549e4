"""The audit trail: who did what, when, in which scope, and how it ended.

Sign-ins (and failures), imports, exports, account changes and queries (the console, the
Query page and the CLI) are appended to the ``audit`` table of the access database
(:mod:`orgnet.access.accounts`). The table refuses updates and deletes (SQLite triggers);
the app only appends and reads it.

Every entry records its **outcome**: ``ok`` (succeeded), ``refused`` (with the reason: a
write, the account's scope, LOAD CSV, a procedure, a server command) or ``failed`` (with
the kind of failure and the error's class, ``syntax:CypherSyntaxError``). Times are stored
in UTC and shown in the server's zone (``Settings.timezone``). What the system itself says
about an entry (a sign-in by password, a replacing import) is a **note**: a key of the UI
text table and its values, so the app shows it in the page's language; ``what`` only names
things (accounts, graphs, files, rules, query texts).

Entries never carry personal data: they name accounts, graphs, files, rules and query
texts, not the rows a query returned.

>>> record(home, "zhang", "export", scope="street:S01", what="gaps.xlsx")   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from typing import Any

from orgnet.access.accounts import connect
from orgnet.errors import AccessDenied, ReachRefused, ReadOnlyViolation

#: what the log records (action → Chinese name for the app)
ACTIONS: dict[str, str] = {
    "sign_in": "登录", "sign_in_failed": "登录失败", "sign_in_throttled": "登录受限",
    "sign_out": "退出", "session_expired": "会话过期", "import": "导入", "export": "导出",
    "query": "查询", "user_add": "新增账号", "user_passwd": "修改密码", "user_remove": "删除账号",
    "denied": "拒绝访问",
}
#: how an entry ended (UI text: ``audit.outcome_<name>``)
OK, REFUSED, FAILED = "ok", "refused", "failed"
OUTCOMES: tuple[str, ...] = (OK, REFUSED, FAILED)
#: why a query was refused (UI text: ``audit.reason_<name>``)
REFUSALS: tuple[str, ...] = ("write", "scope", "load_csv", "procedure", "command")
#: kinds of failure (UI text: ``audit.reason_<name>``); the reason is ``kind:ErrorClass``
FAILURES: tuple[str, ...] = ("syntax", "timeout", "memory", "error")
#: what the system says about an entry (UI text: ``audit.note_<name>``, with these values)
NOTES: dict[str, tuple[str, ...]] = {
    "password": (), "header": ("header",), "session_ended": (), "unknown_header": ("header",),
    "wait": ("seconds",), "first_admin": (), "role": ("role",), "import_replaced": ("source",),
    "import_added": ("source",),
}
COLUMNS = ("seq", "at", "who", "action", "scope", "what", "ok", "outcome", "reason", "note")
#: the longest ``what`` kept (a console query is cut there)
MAX_WHAT = 2000
#: columns added after the first release (older logs get them empty: their outcome follows ``ok``)
_ADDED = ("outcome", "reason", "note")


def _ensure_columns(con: sqlite3.Connection) -> None:
    have = {r[1] for r in con.execute("PRAGMA table_info(audit)")}
    for col in _ADDED:
        if col not in have:
            try:
                con.execute(f"ALTER TABLE audit ADD COLUMN {col} TEXT NOT NULL DEFAULT ''")
            except sqlite3.OperationalError as e:  # another process added it meanwhile
                if "duplicate column" not in str(e):
                    raise


def utc_now() -> str:
    """Now in UTC, as the log stores it (``2026-12-07T06:44:48+0000``)."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S%z")


def outcome_of(error: BaseException) -> tuple[str, str]:
    """(outcome, reason) of a query that raised ``error``: refused (write, scope, LOAD CSV,
    procedure, command) or failed (``kind:ErrorClass``, the class of the engine's own error
    when the store wrapped it)."""
    if isinstance(error, ReachRefused):
        return REFUSED, {"reach.load_csv": "load_csv", "reach.command": "command"}.get(error.key, "procedure")
    if isinstance(error, ReadOnlyViolation):
        return REFUSED, "write"
    if isinstance(error, AccessDenied):
        return REFUSED, "scope"
    cause = error.__cause__ or error
    name, text = type(cause).__name__, f"{error} {cause}".lower()
    if "syntax" in name.lower() or "invalid input" in text or "syntax error" in text:
        kind = "syntax"
    elif "timed out" in text or "timeout" in name.lower():
        kind = "timeout"
    elif "memory" in text:
        kind = "memory"
    else:
        kind = "error"
    return FAILED, f"{kind}:{name}"


def record(home: str | os.PathLike, who: str, action: str, *, scope: str = "", what: str = "",
           ok: bool = True, outcome: str | None = None, reason: str = "", note: str = "",
           **note_values: Any) -> None:
    """Append one entry. ``action`` is one of :data:`ACTIONS`; ``outcome`` one of
    :data:`OUTCOMES` (default: ``ok`` or ``failed`` as ``ok`` says); ``note`` one of
    :data:`NOTES` with its values as keywords."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: {', '.join(ACTIONS)}")
    outcome = outcome or (OK if ok else FAILED)
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}: {', '.join(OUTCOMES)}")
    if note and (note not in NOTES or set(note_values) != set(NOTES[note])):
        raise ValueError(f"audit note {note!r} takes {NOTES.get(note)}, got {sorted(note_values)}")
    note_text = json.dumps({"key": note, **{k: str(v) for k, v in note_values.items()}},
                           ensure_ascii=False) if note else ""
    with connect(home) as con:
        _ensure_columns(con)
        con.execute("INSERT INTO audit (at, who, action, scope, what, ok, outcome, reason, note) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (utc_now(), who or "-", action, scope or "", str(what or "")[:MAX_WHAT],
                     int(outcome == OK), outcome, reason or "", note_text))


def entries(home: str | os.PathLike, *, limit: int | None = None, who: str | None = None,
            action: str | None = None) -> list[dict[str, Any]]:
    """Entries, newest first, optionally of one account or action (an entry written before
    outcomes were recorded has the outcome its ``ok`` says)."""
    sql, args = "SELECT * FROM audit", []
    where = [(c, v) for c, v in (("who", who), ("action", action)) if v]
    if where:
        sql += " WHERE " + " AND ".join(f"{c} = ?" for c, _ in where)
        args += [v for _, v in where]
    sql += " ORDER BY seq DESC"
    if limit:
        sql += " LIMIT ?"
        args.append(int(limit))
    with connect(home) as con:
        _ensure_columns(con)
        rows = [dict(r) for r in con.execute(sql, args).fetchall()]
    for r in rows:
        r["outcome"] = r["outcome"] or (OK if r["ok"] else FAILED)
    return rows


def local_time(at: str, zone: _dt.tzinfo) -> str:
    """A stored time (``…+0000``, or an older entry's own offset) in ``zone``:
    ``2026-12-07 14:44:48``; text that is not a time is returned as it is."""
    try:
        when = _dt.datetime.strptime(at, "%Y-%m-%dT%H:%M:%S%z")
    except (TypeError, ValueError):
        return at
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def note_of(entry: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """(note key, its values) of an entry, or None."""
    try:
        doc = json.loads(entry.get("note") or "null")
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("key") not in NOTES:
        return None
    return doc.pop("key"), doc


__all__ = ["ACTIONS", "COLUMNS", "OUTCOMES", "REFUSALS", "FAILURES", "NOTES", "OK", "REFUSED", "FAILED",
           "entries", "record", "outcome_of", "local_time", "note_of", "utc_now"]
