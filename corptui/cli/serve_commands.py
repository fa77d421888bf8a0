"""`corptui serve`: the same app in a browser through textual-serve (localhost by default;
login still required). Put it behind a reverse proxy with TLS for remote use (README)."""

from __future__ import annotations

import shlex
import sys

import click

from corptui.cli import main, pass_ctx
from corptui.i18n import _


def app_command(db_url: str | None) -> str:
    """The shell command textual-serve runs for each browser session."""
    parts = [sys.executable, "-m", "corptui"]
    if db_url:
        parts += ["--db", db_url]
    return " ".join(shlex.quote(p) for p in parts)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (keep localhost; use a reverse proxy for remote access).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--public-url", default=None, help="The URL users reach (behind a proxy).")
@pass_ctx
def serve(obj, host: str, port: int, public_url: str | None) -> None:
    """Serve the app to a web browser (every browser tab gets its own session)."""
    obj.open()  # fail early with a clear message if the database is unusable
    from textual_serve.server import Server

    click.echo(_("serving corptui on {url} (ctrl+c to stop)").format(
        url=f"http://{host}:{port}"))
    Server(app_command(obj.db_url), host=host, port=port, title="corptui",
           public_url=public_url).serve()
