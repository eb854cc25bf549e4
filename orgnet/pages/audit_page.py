"""审计日志 Audit log: sign-ins, imports, exports, account changes and console queries
(administrators only; read and export, never edit)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from orgnet.access import audit
from orgnet.export import csv_bytes
from orgnet.pages._ui import Ctx, download, download_name, page_header

#: entries shown at most (newest first); the export has the same
SHOWN = 5000


def render(c: Ctx) -> None:
    page_header(c, "page.audit", "audit.caption")
    actions = list(audit.ACTIONS)
    col1, col2 = st.columns(2)
    action = col1.selectbox(c.t("audit.action"), [None] + actions, key="audit_action", placeholder=c.t("common.choose"),
                            format_func=lambda a: c.t("common.all") if a is None else _action_name(c, a))
    who = col2.text_input(c.t("audit.who"), key="audit_who").strip() or None
    rows = audit.entries(c.settings.home, limit=SHOWN, who=who, action=action)
    df = pd.DataFrame(rows, columns=list(audit.COLUMNS))
    df["action"] = df["action"].map(lambda a: _action_name(c, a))
    df["scope"] = df["scope"].map(lambda k: _scope_text(c, k))
    df["ok"] = df["ok"].map(lambda ok: c.t("audit.ok") if ok else c.t("audit.failed"))
    df.columns = [c.t(f"audit.col_{col}") for col in audit.COLUMNS]
    st.caption(c.t("common.rows", n=len(df)))
    st.dataframe(df, hide_index=True, width="stretch", height=min(640, 38 + 35 * max(len(df), 1)))
    download(c, st, c.t("common.download_csv"), csv_bytes(df), file_name=download_name(c, "audit", "csv"),
             mime="text/csv", key="audit_csv")


def _scope_text(c: Ctx, key: str) -> str:
    """An entry's scope (``Scope.key``: district, street:S1, community:C1) in the page language."""
    from orgnet.pages._access import scope_name
    from orgnet.queries.scope import Scope

    scope = Scope.from_key(key)
    return key if scope is None else scope_name(scope, c.lang)


def _action_name(c: Ctx, action: str) -> str:
    return audit.ACTIONS.get(action, action) if c.lang == "zh" else action.replace("_", " ")
