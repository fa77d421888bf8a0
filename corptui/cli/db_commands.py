"""`corptui db ...`: upgrade, check, seed."""

from __future__ import annotations

import sys
from decimal import Decimal

import click

from corptui.cli import main, pass_ctx
from corptui.i18n import _, number


@main.group("db")
def db_group() -> None:
    """Database schema, integrity checks and demo data."""


@db_group.command("upgrade")
@pass_ctx
def upgrade(obj) -> None:
    """Create the schema, or bring an older one to the current version."""
    from storage import schema

    obj.open(create=True, check_schema=False)
    before, after = _run(schema.upgrade)
    if before is None:
        click.echo(_("created schema version {version}").format(version=after))
    elif before == after:
        click.echo(_("schema is current (version {version})").format(version=after))
    else:
        click.echo(_("upgraded schema from version {before} to {after}").format(
            before=before, after=after))


@db_group.command("check")
@pass_ctx
def check(obj) -> None:
    """Run integrity checks and report the schema version (exit 1 on a problem)."""
    from storage import schema

    obj.open(create=False, check_schema=False)
    version = _run(schema.current_version)
    if version is None:
        click.echo(_("Error: {message}").format(
            message=_("the database holds no corptui schema")), err=True)
        sys.exit(1)
    problems = _run(schema.check)
    if version != schema.SCHEMA_VERSION:
        problems.insert(0, _("schema version {version}, this corptui expects {expected}").format(
            version=version, expected=schema.SCHEMA_VERSION))
    click.echo(_("schema version {version}").format(version=version))
    for p in problems:
        click.echo(_("problem: {problem}").format(problem=p), err=True)
    if problems:
        sys.exit(1)
    click.echo("ok")  # a status word, as scripts read it


def _run(fn):
    from corptui.errors import DatabaseUnavailable
    from storage.db import StorageError

    try:
        return fn()
    except StorageError as exc:
        raise DatabaseUnavailable(str(exc)) from None


@db_group.command("seed")
@click.option("--numbers", "n_numbers", type=click.IntRange(1, 1_000_000), default=2000,
              show_default=True, help="Numbers of the main company.")
@click.option("--calls", "n_calls", type=click.IntRange(0, 20_000_000), default=None,
              help="Call records in all (default: 20 per number).")
@click.option("--months", type=click.IntRange(1, 36), default=6, show_default=True,
              help="Billed months of charges, payments and calls (the month in progress comes on top).")
@click.option("--seed", "seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed gives the same data.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the data is about (YYYY-MM-DD; default: today, UTC): the months "
                   "before it are billed, its month is in progress up to that day.")
@click.option("--fresh", is_flag=True, help="Drop all existing data first.")
@pass_ctx
def seed(obj, n_numbers: int, n_calls: int | None, months: int, seed: int, as_of,
         fresh: bool) -> None:
    """Fill the database with deterministic Russian demo data (the same seed and day give
    the same data, on SQLite and PostgreSQL)."""
    from corptui import demo

    obj.open(create=True)
    progress = demo.tty_progress() if sys.stderr.isatty() else None
    try:
        summary = demo.seed(numbers=n_numbers, calls=n_calls, months=months, seed=seed,
                            fresh=fresh, progress=progress,
                            as_of=as_of.date() if as_of else None)
    except KeyboardInterrupt:  # the seed's one transaction was rolled back
        click.echo("\n" + _(demo.INTERRUPTED), err=True)
        sys.exit(130)
    click.echo(_("seeded {numbers} numbers, {calls} call records, {companies} companies in "
                 "{seconds} s").format(
        numbers=summary["numbers"], calls=summary["calls"], companies=summary["companies"],
        seconds=number(Decimal(f"{summary['seconds']:.1f}"), "0.0")))


@db_group.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@pass_ctx
def backup_cmd(obj, file: str) -> None:
    """Back the database up into FILE while others keep working.

    SQLite: a copy of the database file made with SQLite's online backup API (a consistent
    snapshot). PostgreSQL: a corptui dump (gzip JSON lines of every table, read in one
    REPEATABLE READ transaction), restorable into PostgreSQL or SQLite."""
    from storage import backup

    obj.open(create=False)
    result = _run(lambda: backup.backup(file))
    total = sum(result["counts"].values())
    kind = _("SQLite file") if result["format"] == "sqlite" else _("corptui dump")
    click.echo(_("backed up {rows} rows in {tables} tables to {file} ({kind})").format(
        rows=total, tables=len(result["counts"]), file=file, kind=kind))


@db_group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Overwrite a database that already holds data (everything in it is lost).")
@pass_ctx
def restore_cmd(obj, file: str, replace: bool) -> None:
    """Restore a backup made by `corptui db backup` into the database (empty unless
    --replace). Row counts are checked against the backup."""
    from storage import backup

    obj.open(create=True, check_schema=False)
    result = _run(lambda: backup.restore(file, replace=replace))
    total = sum(result["counts"].values())
    click.echo(_("restored {rows} rows in {tables} tables from {file}").format(
        rows=total, tables=len(result["counts"]), file=file))


@db_group.command("migrate-to")
@click.argument("url")
@pass_ctx
def migrate_to(obj, url: str) -> None:
    """Copy this (SQLite) install into the empty database at URL (e.g. PostgreSQL) and
    check the row counts of every table. The source is not changed."""
    from storage import backup

    obj.open(create=False)
    result = _run(lambda: backup.copy_to(url))
    for table, n in result["target"].items():
        if n:
            click.echo(f"{table}: {n}")
    click.echo(_("copied {rows} rows; counts match").format(rows=sum(result["target"].values())))
