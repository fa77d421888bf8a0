"""`corptui serve`: the same app in a browser through textual-serve (localhost by default;
login still required). Put it behind a reverse proxy with TLS for remote use (README).
What it promises is in corptui/serve.py."""

from __future__ import annotations

import click

from corptui.cli import main, pass_ctx
from corptui.i18n import _


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (keep localhost; use a reverse proxy for remote access).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--public-url", default=None, help="The URL users reach (behind a proxy).")
@click.option("--max-sessions", type=click.IntRange(1, 1000), default=None,
              help="Browser sessions open at once (env CORPTUI_SERVE_MAX_SESSIONS; 16).")
@pass_ctx
def serve(obj, host: str, port: int, public_url: str | None, max_sessions: int | None) -> None:
    """Serve the app to a web browser (every browser tab gets its own session)."""
    from corptui import serve as serve_uc
    from corptui.database import resolve_url

    cap = serve_uc.max_sessions(max_sessions)
    obj.open()  # fail early with a clear message if the database is unusable
    warning = serve_uc.exposure_warning(host)
    if warning:
        click.echo(warning, err=True)
    click.echo(_("serving corptui on {url} (ctrl+c to stop; at most {cap} sessions)").format(
        url=f"http://{host}:{port}", cap=cap))
    serve_uc.serve(resolve_url(obj.db_url), host=host, port=port, public_url=public_url,
                   cap=cap)
