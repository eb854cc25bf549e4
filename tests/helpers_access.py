"""Accounts for app tests: create one in a test home and sign a session in as it."""

from __future__ import annotations

from pathlib import Path

from orgnet.access.accounts import AccountBook, Sessions
from orgnet.pages._access import K_ACCOUNT

PASSWORD = "test-password-1"
#: the header the test app trusts (``serve_app(..., trust_header=True)``)
TEST_HEADER = "X-Orgnet-Test-User"


def ensure_account(home: str | Path, name: str = "admin", role: str = "admin", *, street_id: str | None = None,
                   community_id: str | None = None, password: str = PASSWORD) -> str:
    """An account in ``home``'s book (kept if it exists with the same role and scope)."""
    book = AccountBook(home)
    found = book.get(name)
    if found is not None and (found.role.value, found.scope.street_id, found.scope.community_id) != (
            role, street_id, community_id):
        book.remove(name)
        found = None
    if found is None:
        book.add(name, password, role, street_id=street_id, community_id=community_id)
    return name


def signed_in(home: str | Path, name: str = "admin", role: str = "admin", **scope) -> dict:
    """Session state of a browser session signed in as this account (for AppTest)."""
    ensure_account(home, name, role, **scope)
    return {K_ACCOUNT: {"name": name, "token": Sessions(home).open(name)}}
