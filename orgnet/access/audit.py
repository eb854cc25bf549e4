"""The audit trail: who did what, when, in which scope (issue 14).

Sign-ins (and failures), imports, exports, account changes and console queries are appended
to the ``audit`` table of the access database (:mod:`orgnet.access.accounts`). The table
refuses updates and deletes (SQLite triggers); the app only appends and reads it.

Entries never carry personal data: they name accounts, graphs, files, rules and query
texts, not the rows a query returned.

>>> record(home, "zhang", "export", scope="street:S01", what="gaps.xlsx")   # doctest: +SKIP
"""

from __future__ import annotations

import os
from typing import Any

from orgnet.access.accounts import _now, connect

#: what the log records (action → Chinese name for the app)
ACTIONS: dict[str, str] = {
    "sign_in": "登录", "sign_in_failed": "登录失败", "sign_in_throttled": "登录受限",
    "sign_out": "退出", "session_expired": "会话过期", "import": "导入", "export": "导出",
    "query": "查询", "user_add": "新增账号", "user_passwd": "修改密码", "user_remove": "删除账号",
    "denied": "拒绝访问",
}
COLUMNS = ("seq", "at", "who", "action", "scope", "what", "ok")
#: the longest ``what`` kept (a console query is cut there)
MAX_WHAT = 2000


def record(home: str | os.PathLike, who: str, action: str, *, scope: str = "", what: str = "",
           ok: bool = True) -> None:
    """Append one entry. ``action`` is one of :data:`ACTIONS`."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: {', '.join(ACTIONS)}")
    with connect(home) as con:
        con.execute("INSERT INTO audit (at, who, action, scope, what, ok) VALUES (?, ?, ?, ?, ?, ?)",
                    (_now(), who or "-", action, scope or "", str(what or "")[:MAX_WHAT], int(bool(ok))))


def entries(home: str | os.PathLike, *, limit: int | None = None, who: str | None = None,
            action: str | None = None) -> list[dict[str, Any]]:
    """Entries, newest first, optionally of one account or action."""
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
        return [dict(r) for r in con.execute(sql, args).fetchall()]


__all__ = ["ACTIONS", "COLUMNS", "entries", "record"]
