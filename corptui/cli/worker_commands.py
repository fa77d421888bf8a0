"""`corptui worker`: run the background jobs (documents, reports, notifications...)."""

from __future__ import annotations

import click

from corptui.cli import main, pass_ctx
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

    On PostgreSQL any number of workers, on any machines, share the queue safely. On
    SQLite run one worker at a time."""
    from corptui.worker import Worker, log_to_stderr

    obj.open()
    worker = Worker(worker_id, poll=poll, log=(lambda text: None) if quiet else log_to_stderr)
    ran = worker.run(once=once)
    if once and not quiet:
        click.echo(f"{ran} job(s) run")


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
