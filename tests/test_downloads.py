"""Downloads that never fail silently: a download built on click is built once and
kept for further clicks of the same button; a build that fails is kept to be said on the page
and recorded in the audit log as failed; a success is recorded as an export each time."""

from __future__ import annotations

import pytest

from helpers_access import ensure_account

from orgnet.access import audit
from orgnet.access.accounts import AccountBook
from orgnet.pages._ui import Ctx, _Built
from orgnet.settings import Settings


@pytest.fixture
def ctx(tmp_path):
    settings = Settings.from_env(home=tmp_path)
    ensure_account(tmp_path, "analyst1", "analyst")
    return Ctx(settings=settings, store=None, graph="g1", lang="zh", meeting=False, as_of="2026-06-30",
               stamp="s", account=AccountBook(tmp_path).get("analyst1"))


def test_bytes_are_built_once_and_kept_for_the_next_click(ctx):
    calls = []
    failed: dict = {}
    built = _Built(ctx, lambda: calls.append(1) or b"x" * 10, "gaps.xlsx", "dl_x", failed)
    assert built() == built() == b"x" * 10
    assert calls == [1] and failed == {}
    rows = audit.entries(ctx.settings.home, action="export")
    assert [(r["what"], r["outcome"]) for r in rows] == [("g1: gaps.xlsx", "ok")] * 2


def test_a_failed_build_is_kept_to_be_said_and_audited(ctx):
    failed: dict = {}
    attempts = []

    def build():
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("disk full")
        return b"ok"

    built = _Built(ctx, build, "gaps.xlsx", "dl_x", failed)
    with pytest.raises(OSError):
        built()
    assert failed == {"dl_x": "OSError: disk full"}
    row = audit.entries(ctx.settings.home, action="export")[0]
    assert (row["outcome"], row["reason"]) == ("failed", "OSError")
    assert built() == b"ok" and failed == {}  # the next click tries again; the message goes
