"""The session cookie, set by the app's own server: ``HttpOnly; SameSite=Strict``,
``Secure`` when the browser came over https, so no script in the page can read the token.

After a sign-in the page holds a one-time *grant* (a random code, in this process's memory
for :data:`GRANT_S` seconds); a zero-height component POSTs it to :data:`PATH`, a route of
the app's own server (:func:`routes`, mounted by ``st.App`` in ``streamlit_app.py`` and the
root ``app.py``), which answers with the ``Set-Cookie`` header. An empty code clears the
cookie (sign-out, an ended session). The token never appears in the page.

>>> code = grant("tok", 3600); redeem(code), redeem(code)
(('tok', 3600), None)
>>> cookie_options(3600, secure=False)["samesite"], cookie_options(0, secure=True)["secure"]
('strict', True)
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from typing import Any

__all__ = ["COOKIE", "PATH", "GRANT_S", "grant", "redeem", "cookie_options", "is_https", "routes"]

#: the browser cookie holding the session token
COOKIE = "orgnet_session"
#: the route that sets (or clears) it
PATH = "/_orgnet/session"
#: how long a grant may wait for its component's request (seconds)
GRANT_S = 60
#: the largest request body the route reads (bytes)
MAX_BODY = 1024

_grants: dict[str, tuple[str, int, float]] = {}
_lock = threading.Lock()


def grant(token: str, max_age: int) -> str:
    """A one-time code the browser exchanges at :data:`PATH` for the cookie holding ``token``."""
    code, now = secrets.token_urlsafe(24), time.monotonic()
    with _lock:
        for old in [c for c, (_, _, until) in _grants.items() if until < now]:
            del _grants[old]
        _grants[code] = (token, int(max_age), now + GRANT_S)
    return code


def redeem(code: str) -> tuple[str, int] | None:
    """``(token, max_age)`` of a live grant, which is then gone; else None."""
    with _lock:
        got = _grants.pop(code, None)
    if got is None or got[2] < time.monotonic():
        return None
    return got[0], got[1]


def cookie_options(max_age: int, *, secure: bool) -> dict[str, Any]:
    """The cookie's attributes (Starlette's ``set_cookie`` keywords)."""
    return {"max_age": max(0, int(max_age)), "path": "/", "httponly": True, "samesite": "strict",
            "secure": secure}


def is_https(scheme: str, forwarded_proto: str | None) -> bool:
    """Whether the browser came over https: directly, or through a proxy saying so
    (``X-Forwarded-Proto``; a client faking it only makes its own cookie stricter).

    >>> is_https("http", "https"), is_https("http", None), is_https("https", "")
    (True, False, True)
    """
    return scheme == "https" or (forwarded_proto or "").split(",")[0].strip().lower() == "https"


async def _endpoint(request):  # a Starlette endpoint
    from starlette.responses import Response

    raw = b""
    async for chunk in request.stream():  # a grant is ~50 bytes: never buffer a big body
        raw += chunk
        if len(raw) > MAX_BODY:
            return Response(status_code=413)
    try:
        body = json.loads(raw or b"{}")
        code = str(body.get("code") or "") if isinstance(body, dict) else ""
    except ValueError:
        return Response(status_code=400)
    if code:
        got = redeem(code)
        if got is None:
            return Response(status_code=403)
        token, max_age = got
    else:
        token, max_age = "", 0
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    secure = is_https(request.url.scheme, request.headers.get("x-forwarded-proto"))
    response.set_cookie(COOKIE, token, **cookie_options(max_age, secure=secure))
    return response


def routes() -> list:
    """The app server's own routes (for ``st.App(..., routes=routes())``)."""
    from starlette.routing import Route

    return [Route(PATH, _endpoint, methods=["POST"])]
