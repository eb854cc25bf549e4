"""Who is using the app: sign-in, sessions that expire, a trusted proxy header, sign-out.

:func:`current_account` is called by ``app.main`` before anything else; when nobody is
signed in it shows the sign-in form and the app stops there, so no page, graph name or
figure is shown without an account.

- Local accounts: ``orgnet users add …`` on the server; passwords checked by
  :meth:`orgnet.access.accounts.AccountBook.sign_in` (scrypt, throttled after failures).
- Sessions end after ``ORGNET_SESSION_IDLE_MINUTES`` without a click (default 60) or
  ``ORGNET_SESSION_HOURS`` after sign-in (default 12), and survive a reload (a cookie
  holds a random token, the server its hash); every click re-reads the account, so a
  removed account, a new password or a changed role takes effect at once.
- Single sign-on: with ``ORGNET_TRUST_USER_HEADER=X-Remote-User`` the app trusts the
  account name that header carries (set by the office's reverse proxy, which must be the
  only way to reach the app); the account must still exist here, for its role and scope.
"""

from __future__ import annotations

from urllib.parse import urlparse

import streamlit as st

from orgnet.access import audit
from orgnet.access.accounts import Account, AccountBook, Sessions, SignInFailed, SignInThrottled
from orgnet.i18n import t
from orgnet.pages import _ui
from orgnet.settings import Settings
from orgnet.webapp import session as session_cookie

#: session-state key of the signed-in account: {"name", "token"}
K_ACCOUNT = "_orgnet_account"
#: session-state flag: clear the session cookie on the next sign-in form
K_CLEAR = "_orgnet_clear_cookie"
#: the browser cookie holding the session token (set by the server: orgnet.webapp.session)
COOKIE = session_cookie.COOKIE
#: session-state key of this session's one-time grant for the cookie (orgnet.webapp.session.grant)
K_GRANT = "_orgnet_cookie_grant"
#: the page a link asked for before the sign-in form was shown (opened after signing in)
K_WANTED = "_orgnet_wanted_page"
#: session-state key: the token of a sign-in whose cookie the browser does not hold yet
K_PENDING = "_orgnet_cookie_pending"


def current_account(settings: Settings, lang: str) -> Account | None:
    """The signed-in account of this browser session, or None after showing the sign-in form.

    A session survives a reload: the browser keeps a random token in the ``orgnet_session``
    cookie (:func:`keep_signed_in`), the server its hash (:class:`Sessions`).
    """
    book = AccountBook(settings.home)
    header = settings.trust_user_header
    if header:
        name = (st.context.headers.get(header) or "").strip()
        account = book.get(name) if name else None
        if account is None:
            _refuse_header(settings, lang, name)
            return None
        if (st.session_state.get(K_ACCOUNT) or {}).get("name") != account.name:
            st.session_state[K_ACCOUNT] = {"name": account.name, "token": None}
            audit.record(settings.home, account.name, "sign_in", scope=account.scope.key(), note="header", header=header)
        return account
    state = st.session_state.get(K_ACCOUNT)
    token = state["token"] if state else st.context.cookies.get(COOKIE)
    token = token if isinstance(token, str) else None  # no cookie (or none readable): not signed in
    name = Sessions(settings.home).resume(token, settings.session_idle_minutes * 60,
                                          settings.session_hours * 3600) if token else None
    account = book.get(name) if name else None
    if account is not None:
        st.session_state[K_ACCOUNT] = {"name": account.name, "token": token}
        return account
    if token:  # a session that ended (time, sign-out elsewhere, password change, removal)
        st.session_state.pop(K_ACCOUNT, None)
        if state:
            audit.record(settings.home, state["name"], "session_expired", note="session_ended")
        st.session_state[K_CLEAR] = True
        st.warning(t("access.expired", lang))
    sign_in_form(settings, lang, book)
    return None


def session_state_for(home, name: str) -> dict:
    """Session state of a browser session signed in as the existing account ``name``: for tools
    that drive the app headlessly (``AppTest`` in the bench and the tests).

    >>> at.session_state.update(session_state_for(home, "bench"))      # doctest: +SKIP
    """
    return {K_ACCOUNT: {"name": name, "token": Sessions(home).open(name)}}


def keep_signed_in(settings: Settings, lang: str = "zh") -> bool:
    """Keep this browser's session cookie set (nothing for proxy sign-in): a zero-height
    component hands the server a one-time grant, and the server sets the cookie
    (``HttpOnly``; :mod:`orgnet.webapp.session`), so the token never reaches the page.

    Right after a sign-in the browser does not hold the cookie yet: a page opened by a link, a
    reload or a new tab in that moment found none and showed the sign-in form again. Until the
    component reports the cookie set (or failing), this says 正在登录… and returns False: the
    caller shows nothing to click meanwhile.

    A page opened with the cookie already held draws no component: its answer would ask for a
    rerun while the first run had not reached the navigation yet (a busy server), and that rerun,
    carrying no page, landed on 总览 instead of the link's page."""
    token = (st.session_state.get(K_ACCOUNT) or {}).get("token")
    if not token:
        return True
    if st.context.cookies.get(COOKIE) == token and st.session_state.get(K_PENDING) != token:
        return True  # opened with the cookie: nothing to set (the session ends before the cookie does)
    held = st.session_state.get(K_GRANT)
    if not held or held[0] != token:
        held = (token, session_cookie.grant(token, settings.session_hours * 3600))
        st.session_state[K_GRANT] = held
    answer = _cookie_component(held[1], "_orgnet_session_cookie")
    if st.session_state.get(K_PENDING) != token:
        return True
    if answer in (held[1], "failed") or st.context.cookies.get(COOKIE) == token:
        st.session_state.pop(K_PENDING, None)
        return True
    st.info(t("access.signing_in", lang))
    st.button(t("access.signing_in_continue", lang), key="_orgnet_cookie_skip", on_click=_stop_waiting)
    return False


def _stop_waiting() -> None:
    st.session_state.pop(K_PENDING, None)


def _cookie_component(code: str, key: str):
    """POST ``code`` to the server's cookie route (an empty code clears the cookie); the
    component's answer: ``code`` once the cookie is set, ``"failed"``, or None before."""
    return _ui._component("orgnet_session", "sessioncookie")(path=session_cookie.PATH, code=code, key=key,
                                                              default=None)


def _refuse_header(settings: Settings, lang: str, name: str) -> None:
    st.title(t("app.title", lang))
    st.error(t("access.header_unknown", lang, header=settings.trust_user_header, command="orgnet users add"))
    if name and not st.session_state.get("_orgnet_header_refused"):
        st.session_state["_orgnet_header_refused"] = True
        audit.record(settings.home, name, "sign_in_failed", note="unknown_header", header=settings.trust_user_header,
                     ok=False)


def sign_in_form(settings: Settings, lang: str, book: AccountBook) -> None:
    """The sign-in page: the only thing shown until an account signs in."""
    st.title(t("app.title", lang))
    if st.session_state.pop(K_CLEAR, False):  # forget a dead session's cookie
        st.session_state.pop(K_GRANT, None)
        _cookie_component("", "_orgnet_session_clear")
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
        account = book.sign_in(name, password, client_address())
    except SignInThrottled as e:
        audit.record(settings.home, name, "sign_in_throttled", note="wait", seconds=e.wait_s, ok=False)
        middle.error(t("access.throttled", lang, seconds=e.wait_s))
        return
    except SignInFailed:
        audit.record(settings.home, name, "sign_in_failed", ok=False)
        middle.error(t("access.failed", lang))
        return
    st.session_state[K_ACCOUNT] = {"name": account.name, "token": Sessions(settings.home).open(account.name)}
    st.session_state[K_PENDING] = st.session_state[K_ACCOUNT]["token"]  # wait for the browser's cookie
    audit.record(settings.home, account.name, "sign_in", scope=account.scope.key(), note="password")
    st.session_state[K_WANTED] = urlparse(st.context.url or "").path.strip("/")  # a deep link's page
    st.rerun()


def client_address() -> str:
    """The address the browser connects from (behind a reverse proxy: the proxy's, so the
    per-address throttle then counts all its users together)."""
    return str(getattr(st.context, "ip_address", None) or "")


def sign_out(settings: Settings) -> None:
    """End this browser session's sign-in (a button's callback)."""
    session = st.session_state.pop(K_ACCOUNT, None)
    if session:
        Sessions(settings.home).close(session.get("token"))
        st.session_state[K_CLEAR] = True
        audit.record(settings.home, session["name"], "sign_out")


def scope_name(scope, lang: str) -> str:
    """A :class:`orgnet.queries.scope.Scope` for reading: 全区, 街道 S1, 社区 C1."""
    return (t("access.scope_district", lang) if scope.is_district
            else t("access.scope_street", lang, id=scope.street_id) if not scope.community_id
            else t("access.scope_community", lang, id=scope.community_id))


def account_line(settings: Settings, account: Account, lang: str) -> None:
    """Who is signed in (sidebar), with a sign-out button unless a proxy signs people in."""
    where = scope_name(account.scope, lang)
    st.sidebar.caption(t("access.signed_in_as", lang, name=account.name,
                         role=account.role.zh if lang == "zh" else account.role.value, scope=where))
    if not settings.trust_user_header:
        st.sidebar.button(t("access.sign_out", lang), on_click=sign_out, args=(settings,),
                          key="_orgnet_sign_out", icon=":material/logout:")


__all__ = ["K_ACCOUNT", "K_PENDING", "K_WANTED", "COOKIE", "current_account", "keep_signed_in", "session_state_for", "sign_in_form", "sign_out", "account_line", "scope_name"]
