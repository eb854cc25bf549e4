"""审计日志 Audit log: sign-ins, imports, exports, account changes and queries with how each
ended (administrators only; read and export, never edit). Times in the server's zone, every
word the system wrote in the page language."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from orgnet.access import audit
from orgnet.export import csv_bytes
from orgnet.pages._ui import Ctx, download, download_name, page_header

#: entries shown at most (newest first); the export has the same
SHOWN = 5000
#: the page's columns (``audit.col_<name>``)
SHOWN_COLUMNS = ("seq", "at", "who", "action", "scope", "what", "ok")
#: what entries written before notes existed say, as (pattern, note, its values' groups)
LEGACY_NOTES: tuple[tuple[re.Pattern, str, tuple[str, ...]], ...] = (
    (re.compile(r"^password$"), "password", ()),
    (re.compile(r"^via (?P<header>.+)$"), "header", ("header",)),
    (re.compile(r"^session ended$"), "session_ended", ()),
    (re.compile(r"^unknown account via (?P<header>.+)$"), "unknown_header", ("header",)),
    (re.compile(r"^wait (?P<seconds>\d+) s$"), "wait", ("seconds",)),
)
#: an older import entry: "graph: replaced" / "graph: added to"
_LEGACY_IMPORT = re.compile(r"^(?P<graph>.+): (?P<how>replaced|added to)$")
_LEGACY_FIRST_ADMIN = re.compile(r"^(?P<name>.+) admin \(first administrator\)$")


def render(c: Ctx) -> None:
    page_header(c, "page.audit", "audit.caption")
    actions = list(audit.ACTIONS)
    col1, col2 = st.columns(2)
    action = col1.selectbox(c.t("audit.action"), [None] + actions, key="audit_action", placeholder=c.t("common.choose"),
                            format_func=lambda a: c.t("common.all") if a is None else _action_name(c, a))
    who = col2.text_input(c.t("audit.who"), key="audit_who").strip() or None
    rows = audit.entries(c.settings.home, limit=SHOWN, who=who, action=action)
    df = audit_frame(c, rows)
    st.caption(c.t("common.rows", n=len(df)) + "　" + c.t("audit.times", zone=c.settings.timezone))
    st.dataframe(df, hide_index=True, width="stretch", height=min(640, 38 + 35 * max(len(df), 1)))
    download(c, st, c.t("common.download_csv"), csv_bytes(df), file_name=download_name(c, "audit", "csv"),
             mime="text/csv", key="audit_csv")


def audit_frame(c: Ctx, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The entries as the page shows them: local times, names and notes in the page language,
    the outcome with its reason."""
    zone = c.settings.zone()
    out = [{"seq": r["seq"], "at": audit.local_time(r["at"], zone), "who": r["who"],
            "action": _action_name(c, r["action"]), "scope": _scope_text(c, r["scope"]),
            "what": _what_text(c, r), "ok": outcome_text(c, r)} for r in rows]
    df = pd.DataFrame(out, columns=list(SHOWN_COLUMNS))
    df.columns = [c.t(f"audit.col_{col}") for col in SHOWN_COLUMNS]
    return df


def outcome_text(c: Ctx, entry: dict[str, Any]) -> str:
    """成功 / 已拒绝（会修改数据）/ 失败（语法错误） in the page language (English adds the error class)."""
    outcome = c.t(f"audit.outcome_{entry['outcome']}")
    reason = entry.get("reason") or ""
    if not reason:
        return outcome
    kind, _, error = reason.partition(":")
    known = kind in audit.REFUSALS or kind in audit.FAILURES
    text = c.t(f"audit.reason_{kind}") if known else c.t("audit.reason_error")
    if error:
        text = c.t("audit.reason_class", reason=text, error=error)
    return c.t("audit.outcome_with", outcome=outcome, reason=text)


def _what_text(c: Ctx, entry: dict[str, Any]) -> str:
    """``what`` (names) and the system's note in the page language."""
    what, note = entry.get("what") or "", audit.note_of(entry)
    if note is None:
        what, note = _legacy_note(entry["action"], what)
    if note is None:
        return what
    key, values = note
    if key == "role":
        values = {**values, "role": _role_name(c, values.get("role", ""))}
    text = c.t(f"audit.note_{key}", **values)
    return f"{what} · {text}" if what else text


def _legacy_note(action: str, what: str) -> tuple[str, tuple[str, dict[str, str]] | None]:
    """(what, note) of an entry written before notes existed, when it says a known phrase."""
    for pattern, key, groups in LEGACY_NOTES:
        m = pattern.match(what)
        if m:
            return "", (key, {g: m.group(g) for g in groups})
    m = _LEGACY_IMPORT.match(what) if action == "import" else None
    if m:
        how = "import_replaced" if m.group("how") == "replaced" else "import_added"
        return m.group("graph"), (how, {"source": "-"})
    m = _LEGACY_FIRST_ADMIN.match(what) if action == "user_add" else None
    if m:
        return m.group("name"), ("first_admin", {})
    return what, None


def _role_name(c: Ctx, role: str) -> str:
    from orgnet.access.accounts import AccountRole

    try:
        r = AccountRole.parse(role)
    except (ValueError, KeyError):
        return role
    return r.zh if c.lang == "zh" else r.value


def _scope_text(c: Ctx, key: str) -> str:
    """An entry's scope (``Scope.key``: district, street:S1, community:C1) in the page language."""
    from orgnet.pages._access import scope_name
    from orgnet.queries.scope import Scope

    scope = Scope.from_key(key)
    return key if scope is None else scope_name(scope, c.lang)


def _action_name(c: Ctx, action: str) -> str:
    return audit.ACTIONS.get(action, action) if c.lang == "zh" else action.replace("_", " ")
