"""``orgnet users add|list|passwd|remove`` and ``orgnet audit``: accounts and their trail.

The CLI runs on the server as the operator: it manages accounts and reads the audit log;
every account change is itself recorded in the log (as ``cli``).
"""

from __future__ import annotations

import sys

import click

from orgnet.access import audit
from orgnet.access.accounts import AccountBook, AccountRole
from orgnet.cli.output import emit, out_option
from orgnet.settings import Settings

OPERATOR = "cli"


def _password(prompt: str, from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


@click.group()
def users() -> None:
    """Accounts of the web app (账号): roles admin / analyst / viewer, scoped to the district,
    a street or a community."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice([r.value for r in AccountRole]),
              help="admin (区级管理员, district-wide), analyst (分析员) or viewer (查看员).")
@click.option("--street", "street_id", default=None, help="Scope: one street's id (default: the district).")
@click.option("--community", "community_id", default=None, help="Scope: one community's id.")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of standard input.")
@click.pass_obj
def add(settings: Settings, name: str, role: str, street_id: str | None, community_id: str | None,
        password_stdin: bool) -> None:
    """Add an account."""
    account = AccountBook(settings.home).add(name, _password("Password", password_stdin), role,
                                             street_id=street_id, community_id=community_id)
    audit.record(settings.home, OPERATOR, "user_add", scope=account.scope.key(),
                 what=name, note="role", role=account.role.value)
    click.echo(f"added {name}: {account.role.value} ({account.role.zh}), scope {account.scope.key()}")


@users.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
def list_(settings: Settings, fmt: str) -> None:
    """List the accounts (never their passwords)."""
    emit(AccountBook(settings.home).list(), fmt)


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from one line of standard input.")
@click.pass_obj
def passwd(settings: Settings, name: str, password_stdin: bool) -> None:
    """Set an account's password (also ends its wait after failed sign-ins)."""
    AccountBook(settings.home).passwd(name, _password("New password", password_stdin))
    audit.record(settings.home, OPERATOR, "user_passwd", what=name)
    click.echo(f"password of {name} changed")


@users.command("remove")
@click.argument("name")
@click.pass_obj
def remove(settings: Settings, name: str) -> None:
    """Remove an account (its sessions end at their next click)."""
    AccountBook(settings.home).remove(name)
    audit.record(settings.home, OPERATOR, "user_remove", what=name)
    click.echo(f"removed {name}")


@click.command("audit")
@click.option("--limit", default=200, show_default=True, help="Newest N entries (0: all).")
@click.option("--who", default=None, help="Only this account's entries.")
@click.option("--action", default=None, type=click.Choice(list(audit.ACTIONS)), help="Only this action.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@out_option
@click.pass_obj
def audit_cmd(settings: Settings, limit: int, who: str | None, action: str | None, fmt: str,
              out: str | None) -> None:
    """Read the audit log (sign-ins, imports, exports, account changes, console queries)."""
    rows = audit.entries(settings.home, limit=limit or None, who=who, action=action)
    emit(rows, fmt, columns=audit.COLUMNS, out=out)


COMMANDS = [users, audit_cmd]
