"""Who is using the app: sign-in, sessions that expire, a trusted proxy header, sign-out.

:func:`current_account` is called by ``app.main`` before anything else; when nobody is
signed in it shows the sign-in form and the app stops there, so no page, graph name or
figure is shown without an account.

- Local accounts: ``orgnet users add …`` on the server; passwords checked by
  :meth:`orgnet.access.accounts.AccountBook.sign_in` (scrypt, throttled after failures).
- Sessions end after ``ORGNET_SESSION_IDLE_MINUTES`` without a click (default 60) or
  ``ORGNET_SESSION_HOURS`` after sign-in (default 12); every click re-reads the account,
  so a removed account or a changed role takes effect at once.
- Single sign-on: with ``ORGNET_TRUST_USER_HEADER=X-Remote-User`` the app trusts the
  account name that header carries (set by the office's reverse proxy, which must be the
  only way to reach the app); the account must still exist here, for its role and scope.
"""

from __future__ import annotations

import time
from urllib.parse import urlparse

import streamlit as st

from orgnet.access import audit
from orgnet.access.accounts import Account, AccountBook, SignInFailed, SignInThrottled
from orgnet.i18n import t
from orgnet.settings import Settings

#: session-state key of the signed-in account: {"name", "since", "seen"}
K_ACCOUNT = "_orgnet_account"
#: the page a link asked for before the sign-in form was shown (opened after signing in)
K_WANTED = "_orgnet_wanted_page"


def current_account(settings: Settings, lang: str) -> Account | None:
    """The signed-in account of this browser session, or None after showing the sign-in form."""
    book = AccountBook(settings.home)
    header = settings.trust_user_header
    if header:
        name = (st.context.headers.get(header) or "").strip()
        account = book.get(name) if name else None
        if account is None:
            _refuse_header(settings, lang, name)
            return None
        _remember(settings, account, via=header)
        return account
    session = st.session_state.get(K_ACCOUNT)
    if session:
        account = book.get(session["name"])
        now = time.time()
        expired = (now - session["seen"] > settings.session_idle_minutes * 60
                   or now - session["since"] > settings.session_hours * 3600)
        if account is not None and not expired:
            session["seen"] = now
            return account
        st.session_state.pop(K_ACCOUNT, None)
        audit.record(settings.home, session["name"], "session_expired" if account else "denied",
                     what="session ended" if account else "account removed")
        st.warning(t("access.expired", lang))
    sign_in_form(settings, lang, book)
    return None


def _remember(settings: Settings, account: Account, via: str) -> None:
    if (st.session_state.get(K_ACCOUNT) or {}).get("name") != account.name:
        now = time.time()
        st.session_state[K_ACCOUNT] = {"name": account.name, "since": now, "seen": now}
        audit.record(settings.home, account.name, "sign_in", scope=account.scope.key(), what=f"via {via}")


def _refuse_header(settings: Settings, lang: str, name: str) -> None:
    st.title(t("app.title", lang))
    st.error(t("access.header_unknown", lang, header=settings.trust_user_header))
    if name and not st.session_state.get("_orgnet_header_refused"):
        st.session_state["_orgnet_header_refused"] = True
        audit.record(settings.home, name, "sign_in_failed", what=f"unknown account via {settings.trust_user_header}",
                     ok=False)


def sign_in_form(settings: Settings, lang: str, book: AccountBook) -> None:
    """The sign-in page: the only thing shown until an account signs in."""
    st.title(t("app.title", lang))
    _, middle, _ = st.columns([1, 1.3, 1])
    if not book.exists():
        middle.info(t("access.no_accounts", lang, command="orgnet users add NAME --role admin"))
    with middle.form("orgnet_sign_in"):
        st.subheader(t("access.sign_in", lang))
        name = st.text_input(t("access.name", lang), key="_orgnet_sign_in_name")
        password = st.text_input(t("access.password", lang), type="password", key="_orgnet_sign_in_password")
        go = st.form_submit_button(t("access.sign_in", lang), type="primary")
    if not go:
        return
    name = name.strip()
    try:
        account = book.sign_in(name, password)
    except SignInThrottled as e:
        audit.record(settings.home, name, "sign_in_throttled", what=f"wait {e.wait_s} s", ok=False)
        st.error(t("access.throttled", lang, seconds=e.wait_s))
        return
    except SignInFailed:
        audit.record(settings.home, name, "sign_in_failed", ok=False)
        st.error(t("access.failed", lang))
        return
    _remember(settings, account, via="password")
    st.session_state[K_WANTED] = urlparse(st.context.url or "").path.strip("/")  # a deep link's page
    st.rerun()


def sign_out(settings: Settings) -> None:
    """End this browser session's sign-in (a button's callback)."""
    session = st.session_state.pop(K_ACCOUNT, None)
    if session:
        audit.record(settings.home, session["name"], "sign_out")


def account_line(settings: Settings, account: Account, lang: str) -> None:
    """Who is signed in (sidebar), with a sign-out button unless a proxy signs people in."""
    scope = account.scope
    where = (t("access.scope_district", lang) if scope.is_district
             else t("access.scope_street", lang, id=scope.street_id) if not scope.community_id
             else t("access.scope_community", lang, id=scope.community_id))
    st.sidebar.caption(t("access.signed_in_as", lang, name=account.name,
                         role=account.role.zh if lang == "zh" else account.role.value, scope=where))
    if not settings.trust_user_header:
        st.sidebar.button(t("access.sign_out", lang), on_click=sign_out, args=(settings,),
                          key="_orgnet_sign_out", icon=":material/logout:")


__all__ = ["K_ACCOUNT", "K_WANTED", "current_account", "sign_in_form", "sign_out", "account_line"]
