"""`corptui users ...`."""

from __future__ import annotations

import sys

import click

from corptui.cli import ModelChoice, company_option, format_option, main, pass_ctx
from corptui.i18n import _
from corptui.output import render


@main.group("users")
def users_group() -> None:
    """Users (logins are phone numbers)."""


@users_group.command("add")
@click.argument("phone")
@company_option()
@click.option("--role", type=ModelChoice("ROLES"), required=True)
@click.option("--name", "full_name", default="", help="Full name of the user.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (else a temporary one is printed).")
@pass_ctx
def add(obj, phone: str, company: str | None, role: str, full_name: str, password_stdin: bool) -> None:
    """Add a user. Without --password-stdin a temporary password is printed; it must be
    changed at first login."""
    from corptui.users import add_user

    session = obj.session(company, "cli users add")
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    user, temporary = add_user(session, phone, role, password, full_name=full_name)
    click.echo(_("added {phone} ({role})").format(phone=user.phone, role=role))
    if temporary:
        click.echo(_("temporary password: {password}").format(password=temporary))
        click.echo(_("it must be changed at first login"))


@users_group.command("list")
@company_option()
@format_option(("table", "csv", "json"))
@pass_ctx
def list_cmd(obj, company: str | None, fmt: str) -> None:
    """List the company's users."""
    from corptui.users import list_users

    session = obj.session(company, "cli users list")
    rows = list_users(session)
    cols = ["phone", "full_name", "role", "blocked", "must_change_password", "locked_until",
            "last_login_at"]
    click.echo(render(rows, fmt, cols))


@users_group.command("reset-password")
@click.argument("phone")
@company_option()
@pass_ctx
def reset_password_cmd(obj, phone: str, company: str | None) -> None:
    """Give PHONE a new temporary password (printed once; lifts a lockout)."""
    from corptui.users import reset_password

    session = obj.session(company, "cli users reset-password")
    temporary = reset_password(session, phone)
    click.echo(_("temporary password: {password}").format(password=temporary))
    click.echo(_("it must be changed at the next login"))


def _set_blocked(obj, phone: str, company: str | None, blocked: bool) -> None:
    from corptui.users import set_blocked

    verb = "block" if blocked else "unblock"
    session = obj.session(company, f"cli users {verb}")
    result = set_blocked(session, phone, blocked)
    if result["changed"]:
        text = _("{phone} blocked") if blocked else _("{phone} unblocked")
    else:
        text = _("{phone} was blocked already") if blocked else _("{phone} was unblocked already")
    click.echo(text.format(phone=result["phone"]))


@users_group.command("block")
@click.argument("phone")
@company_option()
@pass_ctx
def block_cmd(obj, phone: str, company: str | None) -> None:
    """Block the login PHONE (it can no longer log in)."""
    _set_blocked(obj, phone, company, True)


@users_group.command("unblock")
@click.argument("phone")
@company_option()
@pass_ctx
def unblock_cmd(obj, phone: str, company: str | None) -> None:
    """Unblock the login PHONE."""
    _set_blocked(obj, phone, company, False)
