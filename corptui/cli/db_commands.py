"""`corptui db ...`: upgrade, check, seed."""

from __future__ import annotations

import sys

import click

from corptui.cli import main, pass_ctx


@main.group("db")
def db_group() -> None:
    """Database schema, integrity checks and demo data."""


@db_group.command("upgrade")
@pass_ctx
def upgrade(obj) -> None:
    """Create the schema, or bring an older one to the current version."""
    from storage import schema

    obj.open(check_schema=False)
    before, after = _run(schema.upgrade)
    if before is None:
        click.echo(f"created schema version {after}")
    elif before == after:
        click.echo(f"schema is current (version {after})")
    else:
        click.echo(f"upgraded schema from version {before} to {after}")


@db_group.command("check")
@pass_ctx
def check(obj) -> None:
    """Run integrity checks and report the schema version (exit 1 on a problem)."""
    from storage import schema

    obj.open(create=False, check_schema=False)
    version = _run(schema.current_version)
    if version is None:
        click.echo("Error: the database holds no corptui schema", err=True)
        sys.exit(1)
    problems = _run(schema.check)
    if version != schema.SCHEMA_VERSION:
        problems.insert(0, f"schema version {version}, this corptui expects {schema.SCHEMA_VERSION}")
    click.echo(f"schema version {version}")
    for p in problems:
        click.echo(f"problem: {p}", err=True)
    if problems:
        sys.exit(1)
    click.echo("ok")


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
              help="Months of charges, payments and calls.")
@click.option("--seed", "seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed gives the same data.")
@click.option("--fresh", is_flag=True, help="Drop all existing data first.")
@pass_ctx
def seed(obj, n_numbers: int, n_calls: int | None, months: int, seed: int, fresh: bool) -> None:
    """Fill the database with deterministic Russian demo data."""
    from corptui import demo

    obj.open()
    progress = demo.tty_progress() if sys.stderr.isatty() else None
    try:
        summary = demo.seed(numbers=n_numbers, calls=n_calls, months=months, seed=seed,
                            fresh=fresh, progress=progress)
    except KeyboardInterrupt:  # the seed's one transaction was rolled back
        click.echo(f"\n{demo.INTERRUPTED}", err=True)
        sys.exit(130)
    click.echo(
        f"seeded {summary['numbers']} numbers, {summary['calls']} call records, "
        f"{summary['companies']} companies in {summary['seconds']:.1f} s"
    )


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
    click.echo(f"backed up {total} rows in {len(result['counts'])} tables to {file} "
               f"({'SQLite file' if result['format'] == 'sqlite' else 'corptui dump'})")


@db_group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Overwrite a database that already holds data (everything in it is lost).")
@pass_ctx
def restore_cmd(obj, file: str, replace: bool) -> None:
    """Restore a backup made by `corptui db backup` into the database (empty unless
    --replace). Row counts are checked against the backup."""
    from storage import backup

    obj.open(check_schema=False)
    result = _run(lambda: backup.restore(file, replace=replace))
    total = sum(result["counts"].values())
    click.echo(f"restored {total} rows in {len(result['counts'])} tables from {file}")


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
    click.echo(f"copied {sum(result['target'].values())} rows; counts match")
