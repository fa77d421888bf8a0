"""`corptui worker`: run the background jobs (documents, reports, notifications...)."""

from __future__ import annotations

import click

from corptui.cli import ID, main, pass_ctx
from corptui.i18n import _, ngettext
from corptui.output import render


@main.command("worker")
@click.option("--once", is_flag=True, help="Run what is due now, then exit.")
@click.option("--id", "worker_id", metavar="NAME",
              help="This worker's name in the queue (default host:pid).")
@click.option("--poll", type=click.FloatRange(0.05, 3600), default=2.0, show_default=True,
              metavar="SECONDS", help="Pause between looks at the queue.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@pass_ctx
def worker_cmd(obj, once, worker_id, poll, quiet) -> None:
    """Run queued jobs until stopped (SIGTERM or ctrl+c finishes the current job first).

    The app runs the queue itself while it is open; this command is for servers. On
    PostgreSQL any number of workers, on any machines, share the queue safely. On SQLite
    one worker runs a database's queue: an open app or another `corptui worker` (this one
    then says so and exits)."""
    from corptui.worker import Worker, WorkerSlot, log_to_stderr, open_database_url

    obj.open()
    slot = WorkerSlot(open_database_url())
    if not slot.acquire():
        raise click.ClickException(_(
            "another worker runs the queue of this database (an open corptui app or "
            "`corptui worker`): its jobs are being done"))
    worker = Worker(worker_id, poll=poll, log=(lambda text: None) if quiet else log_to_stderr)
    try:
        ran = worker.run(once=once)
    finally:
        slot.release()
    if once and not quiet:
        click.echo(ngettext("{n} job(s) run", "{n} job(s) run", ran).format(n=ran))


@main.group("jobs")
def jobs_group() -> None:
    """The background job queue."""


@jobs_group.command("list")
@click.option("--state", type=click.Choice(["queued", "running", "done", "failed"]),
              multiple=True, help="Only jobs in this state (repeatable).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@pass_ctx
def jobs_list(obj, state, limit, fmt) -> None:
    """List jobs of every company, newest first (times in UTC)."""
    from corptui import jobs

    obj.open()
    rows = jobs.all_jobs(states=list(state) or None, limit=limit)
    click.echo(render(rows, fmt, jobs.COLUMNS))


@main.group("outbox")
def outbox_group() -> None:
    """Notifications (email and SMS) waiting, sent, kept or failed."""


@outbox_group.command("list")
@click.option("--state", type=click.Choice(["queued", "sending", "sent", "kept", "failed"]),
              multiple=True, help="Only this state (repeatable).")
@click.option("--channel", type=click.Choice(["email", "sms"]), help="Only this channel.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@pass_ctx
def outbox_list(obj, state, channel, limit, fmt) -> None:
    """List the outbox of every company, newest first (times in UTC)."""
    from corptui import notify

    obj.open()
    rows = notify.list_all(states=list(state) or None, channel=channel, limit=limit)
    click.echo(render(rows, fmt, notify.COLUMNS + (["body"] if fmt == "json" else [])))


@outbox_group.command("retry")
@click.argument("notification_id", type=ID)
@pass_ctx
def outbox_retry(obj, notification_id) -> None:
    """Queue a failed or kept notification again (the worker sends it)."""
    from corptui import notify
    from corptui.session import Session

    obj.open()
    row = notify.retry_any(Session.system(None, source=f"cli outbox retry {notification_id}"),
                           notification_id)
    click.echo(_("notification {id} queued again").format(id=row["id"]))
