"""The `corptui` command line (click). Commands that need no UI never import textual.

Errors print one line on stderr: usage errors (a bad option, a missing argument, a value
out of range) exit 2, runtime errors (invalid data, nothing found, a database fault) exit
1; no traceback reaches a user (set CORPTUI_DEBUG=1 to see one)."""

from __future__ import annotations

import os
import sys

import click

from corptui import __version__, i18n
from corptui.errors import CorptuiError
from corptui.i18n import _


class CorptuiGroup(click.Group):
    """The top-level group: its commands are loaded when used (``COMMANDS``)."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str):
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, help_text = COMMANDS[cmd_name]
            if self._listing:  # the list of `corptui --help`: its line only
                return click.Command(cmd_name, help=help_text)
            import importlib

            importlib.import_module(f"corptui.cli.{module}")
            for extra in EXTENDS.get(cmd_name, ()):  # modules that add to its group
                importlib.import_module(f"corptui.cli.{extra}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        i18n.set_language()  # once per run: CORPTUI_LANG / LC_ALL / LC_MESSAGES / LANG
        _sweep_partial_files()
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            click.echo(_("Aborted."), err=True)
            sys.exit(1)
        except click.ClickException as exc:
            # one line (plus the hint); usage errors exit 2 as click and POSIX tools do
            msg = exc.format_message()
            ctx = getattr(exc, "ctx", None)
            hint = (" " + _("(see `{command} --help`)").format(command=ctx.command_path)
                    if ctx is not None else "")
            click.echo(_("Error: {message}").format(message=msg) + hint, err=True)
            sys.exit(exc.exit_code if exc.exit_code in (1, 2) else 1)
        except CorptuiError as exc:
            click.echo(_("Error: {message}").format(message=exc.message), err=True)
            sys.exit(1)
        except (KeyboardInterrupt, BrokenPipeError):
            sys.exit(1)
        except Exception as exc:  # last resort: never a traceback for the user
            if os.environ.get("CORPTUI_DEBUG"):
                raise
            from corptui.database import failure_message

            message = failure_message(exc)  # lost connection, statement timeout, busy...
            if message:
                click.echo(_("Error: {message}").format(message=message), err=True)
                sys.exit(1)
            click.echo(_("Error: {message}").format(
                message=_("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}")),
                err=True)
            sys.exit(1)
        _tell_unattended_jobs()
        if isinstance(rv, int) and rv:
            sys.exit(rv)
        return rv


def _tell_unattended_jobs() -> None:
    """A command that queued background work (a document, a report, an email) while no
    app and no `corptui worker` runs this database's queue says how to get it done."""
    jobs = sys.modules.get("corptui.jobs")
    if jobs is None or not jobs.ENQUEUED["count"]:
        return
    try:
        from corptui import worker
        from storage.db import database

        if database.obj is None or database.is_closed():
            return
        text = worker.unattended_text()
    except Exception:  # never in the way of the command's own result
        return
    if text:
        click.echo(_("note: {text}").format(text=text), err=True)


def _sweep_partial_files() -> None:
    """What a killed export left behind goes at the next start (corptui.partial_files)."""
    try:
        from corptui import partial_files

        partial_files.sweep()
    except Exception:  # never in the way of the command itself
        pass


class CliContext:
    def __init__(self, db_url: str | None):
        self.db_url = db_url

    def open(self, *, create: bool = False, check_schema: bool = True,
             prefer_demo: bool | None = None):
        """Open the database. Only the commands that make one (db upgrade, db seed, db
        restore, demo, the app on the default database) pass ``create``: a mistyped
        --db for any other command creates no folder and no empty database. Without --db
        and CORPTUI_DB, the commands that do not make a database (and the app) use the
        demo database while there is no default one (``prefer_demo``)."""
        from corptui.database import open_database, set_notice

        set_notice(lambda text: click.echo(_("note: {text}").format(text=text), err=True))
        return open_database(self.db_url, create=create, check_schema=check_schema,
                             prefer_demo=not create if prefer_demo is None else prefer_demo)

    def session(self, company: str | None, source: str):
        """Open the database and act as the operator within one company."""
        from corptui.companies import resolve_company
        from corptui.session import Session

        self.open()
        comp = resolve_company(company)
        return Session.cli(comp.id, source=source)


pass_ctx = click.make_pass_decorator(CliContext)


class ModelChoice(click.Choice):
    """A click.Choice of one of storage.models' enumerations, read when first needed, so
    that `corptui --help` does not import peewee and the models (~0.1 s)."""

    def __init__(self, name: str, case_sensitive: bool = True) -> None:
        self._enum = name
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple:
        from storage import models

        return tuple(getattr(models, self._enum))

    @choices.setter
    def choices(self, value) -> None:  # click's own __init__ (not used)
        pass

DB_HELP = "Database URL: sqlite:///path or postgresql://user@host:port/db (env CORPTUI_DB)."


@click.group(cls=CorptuiGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", envvar="CORPTUI_DB", metavar="URL", help=DB_HELP)
@click.version_option(__version__, prog_name="corptui")
@click.pass_context
def main(ctx: click.Context, db_url: str | None) -> None:
    """corptui: the corporate mobile account in your terminal.

    Without a command it opens the app at the login screen."""
    ctx.obj = CliContext(db_url)
    if ctx.invoked_subcommand is None:
        from corptui.cli.tui import run_app

        run_app(ctx.obj)


# a record id argument: 1 .. 2^63 - 1 (what both engines store); a usage error otherwise
ID = click.IntRange(1, 2**63 - 1)


def format_option(choices=("table", "csv", "json"), default="table"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default,
                        show_default=True, help="Output format.")


def company_option():
    return click.option("--company", metavar="NAME",
                        help="Company name or INN (may be left out with one company).")


# The commands, each with the module that defines it and the first line of its help:
# `corptui --help` lists them from here and a command's module is imported only when that
# command runs or shows its own help (importing all of them cost about a third of
# `corptui --help`). tests/test_cli_foundation.py checks this table against the commands.
# a group that another command module adds subcommands to (``tags budget`` lives with spend)
EXTENDS: dict[str, tuple[str, ...]] = {"tags": ("spend_commands",)}

COMMANDS: dict[str, tuple[str, str]] = {
    'accounts': ('money_commands', "The company's personal accounts."),
    'applications': ('applications_commands', 'Access applications of new companies (operator).'),
    'audit': ('audit_commands', 'The audit log (who changed what, when).'),
    'change-requests': ('change_requests_commands',
        'Change applications (changes that need the operator).'),
    'companies': ('companies_commands', 'Companies in the database.'),
    'db': ('db_commands', 'Database schema, integrity checks and demo data.'),
    'demo': ('tui',
        'Open the app on a demo database (created if missing), printing the demo logins.'),
    'disputes': ('disputes_commands',
        'Disputes of charges (open, in review, accepted with a credit, rejected).'),
    'documents': ('documents_commands',
        'Accounting documents: order, history, save, send by email.'),
    'export': ('money_commands',
        'Export payments, charges or call details to CSV, XLSX, PDF or JSON.'),
    'forwarding': ('forwarding_commands', 'Call forwarding of numbers.'),
    'import': ('import_commands', 'Import data from files.'),
    'insights': ('insights_commands',
        'Unused lines, month-over-month changes and who turned what on.'),
    'jobs': ('worker_commands', 'The background job queue.'),
    'kiosk': ('tui',
        "Sales-office demo: a welcome screen, resets itself after idle minutes and at logout; "
        "quitting needs the staff PIN ([kiosk] pin in config.toml or CORPTUI_KIOSK_PIN)."),
    'months': ('rating_commands',
        'Billing months: rating the records, the month close (operator).'),
    'limits': ('limits_commands',
        'Communication limits: spending limit, data and roaming bans, notification.'),
    'numbers': ('numbers_commands', "The company's numbers."),
    'payments': ('payments_commands', 'Payments of imported bank statements.'),
    'options': ('options_commands', 'Options (services) of the numbers, and tariff changes.'),
    'outbox': ('worker_commands', 'Notifications (email and SMS) waiting, sent, kept or failed.'),
    'schedules': ('documents_commands', 'Automatic reports by email and/or SMS.'),
    'serve': ('serve_commands',
        'Serve the app to a web browser (every browser tab gets its own session).'),
    'sims': ('sims_commands', 'SIM cards: stock and replacement.'),
    'spend': ('spend_commands', 'Spend per tag (department, city) per month against budgets.'),
    'tags': ('tags_commands', 'Tags (groups of numbers).'),
    'tariffs': ('rating_commands', 'Tariffs: fees, bundles and prices (the operator edits them).'),
    'undo': ('undo_commands', 'Undo a bulk change of the last 24 hours.'),
    'users': ('users_commands', 'Users (logins are phone numbers).'),
    'worker': ('worker_commands',
        'Run queued jobs until stopped (SIGTERM or ctrl+c finishes the current job first).'),
}
