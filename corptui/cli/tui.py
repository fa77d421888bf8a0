"""Commands that open the Textual app (textual is imported only here, lazily)."""

from __future__ import annotations

import os
import sys

import click

from corptui.cli import main, pass_ctx
from corptui.i18n import _


def run_app(obj, *, demo_logins=None) -> None:
    """The app at its login screen. The database is opened right after the first frame
    (peewee, the models and the schema check are about a fifth of the start); a database
    that cannot be opened ends the app and is reported here as before (exit 1)."""
    from corptui.app import CorptuiApp

    def open_db() -> None:
        if not database_is_open():
            # the default database is made on first use (the demo's, while there is no other)
            obj.open(create=obj.db_url is None, prefer_demo=True)

    app = CorptuiApp(db_url=obj.db_url, demo_logins=demo_logins, open_db=open_db)
    app.run()
    if app.open_error is not None:
        raise app.open_error


def database_is_open() -> bool:
    from storage.db import database

    return database.obj is not None and not database.is_closed()


@main.command("demo")
@click.option("--numbers", "n_numbers", type=click.IntRange(1, 1_000_000), default=2000,
              show_default=True)
@click.option("--fresh", is_flag=True, help="Rebuild the demo database from scratch.")
@click.option("--no-app", is_flag=True, help="Create the database and print the logins only.")
@pass_ctx
def demo_cmd(obj, n_numbers: int, fresh: bool, no_app: bool) -> None:
    """Open the app on a demo database (created if missing), printing the demo logins."""
    from corptui import demo, locations

    if not obj.db_url:
        obj.db_url = f"sqlite:///{locations.demo_db_path()}"
    obj.open(create=True, check_schema=False)
    from storage import schema

    before, after = schema.upgrade()  # a demo database from an older corptui is upgraded
    if before is not None and before != after:
        click.echo(_("upgraded the demo database from schema version {before} to {after}")
                   .format(before=before, after=after))
    stale = not fresh and demo.has_data() and demo.is_stale()
    if stale:
        click.echo(_("the demo data is about an earlier month: it is made again about today"))
    if fresh or stale or not demo.has_data():
        click.echo(_("creating the demo database ({n} numbers)...").format(n=n_numbers))
        try:
            demo.seed(numbers=n_numbers, fresh=True, progress=demo.tty_progress())
        except KeyboardInterrupt:  # rolled back: the next `corptui demo` seeds again
            click.echo("\n" + _(demo.INTERRUPTED), err=True)
            sys.exit(130)
    from corptui.database import resolve_url

    if not os.environ.get("CORPTUI_DB") and not locations.default_db_path().exists() \
            and obj.db_url == f"sqlite:///{locations.demo_db_path()}":
        click.echo(_("the demo database is {path}: while there is no other, every corptui "
                     "command uses it (e.g. `corptui applications list`)").format(
            path=locations.demo_db_path()))
    elif resolve_url() != obj.db_url:
        click.echo(_("the demo database is {path}; other commands use it with --db {url}")
                   .format(path=locations.demo_db_path(), url=obj.db_url))
    from corptui import config

    if not no_app and not config.smtp_url():  # no mail server: the email stays in the outbox
        os.environ["CORPTUI_SMTP_URL"] = "outbox:"
        click.echo(_("email and SMS of the demo are not sent: they stay in the local outbox "
                     "(the Outbox section, or `corptui outbox list`)"))
    click.echo(_("demo logins (phone / password):"))
    for login in demo.DEMO_LOGINS:
        click.echo(f"  {login['phone']}  {login['password']}  ({login['role']}, {login['company']})")
    if not no_app:
        run_app(obj, demo_logins=demo.DEMO_LOGINS)


@main.command("kiosk")
@click.option("--numbers", "n_numbers", type=click.IntRange(10, 100_000), default=2000,
              show_default=True, help="Numbers of the demo company (first start only).")
def kiosk_cmd(n_numbers: int) -> None:
    """Sales-office demo: a welcome screen, resets itself after idle minutes and at logout;
    quitting needs the staff PIN ([kiosk] pin in config.toml or CORPTUI_KIOSK_PIN)."""
    from corptui import demo, kiosk
    from corptui.database import open_database

    cfg = kiosk.settings()
    if not cfg["pin"]:
        raise click.ClickException(_("set a staff PIN first: [kiosk] pin = \"...\" in config.toml "
                                 "or CORPTUI_KIOSK_PIN"))
    try:
        pristine, working = kiosk.prepare(n_numbers, progress=demo.tty_progress())
    except KeyboardInterrupt:  # seeded into a temporary file: nothing is left behind
        click.echo("\n" + _(demo.INTERRUPTED), err=True)
        sys.exit(130)
    open_database(kiosk.reset(pristine, working))
    from corptui.app import KioskApp

    KioskApp(pristine, working, idle_seconds=cfg["idle_minutes"] * 60).run()
