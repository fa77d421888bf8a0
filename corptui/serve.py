"""`corptui serve`: the app in a web browser through textual-serve, each tab its own
process (`python -P -m corptui` at the login screen).

What is promised (README, "Security"):

- the database URL (with any PostgreSQL password) reaches the sessions in their
  environment (CORPTUI_DB), never on a command line that `ps` shows to every user;
- the sessions run with ``python -P``, so a ``storage/`` or ``screens/`` folder in the
  working directory cannot shadow the app's own packages;
- sessions are capped (``--max-sessions``, CORPTUI_SERVE_MAX_SESSIONS, default 16): a
  reload loop cannot fork without bound; one over the cap is refused with 503;
- the page loads nothing from the internet (textual-serve's page asks a web font
  service: our copy of its page uses the font textual-serve ships), so it works on an
  offline office network;
- served on anything but a loopback address it warns that the app is then reachable
  from the network and that TLS and a reverse proxy belong in front of it."""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
import tempfile
from pathlib import Path

from corptui.errors import ValidationError
from corptui.i18n import _

DEFAULT_MAX_SESSIONS = 16
_FONT_LINK = '<link\n      rel="stylesheet"\n      href="https://fonts.googleapis.com/css?family=Roboto%20Mono"\n    />'
_LOCAL_FONT = """<style>
      @font-face { font-family: "Roboto Mono"; font-style: normal;
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf"); }
      @font-face { font-family: "Roboto Mono"; font-style: italic;
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf"); }
    </style>"""


def app_command() -> str:
    """The shell command textual-serve runs for each browser session: no database URL in
    it (the sessions read CORPTUI_DB from the environment)."""
    return " ".join(shlex.quote(p) for p in (sys.executable, "-P", "-m", "corptui"))


def is_loopback(host: str) -> bool:
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    if is_loopback(host):
        return None
    return _("warning: serving on {host} makes the app reachable from the network. Put a "
             "reverse proxy with TLS in front of it (README, 'Serving over a network') and "
             "keep this port closed to everyone else").format(host=host)


def max_sessions(value: int | None = None) -> int:
    """--max-sessions, else CORPTUI_SERVE_MAX_SESSIONS, else 16."""
    if value is None:
        raw = os.environ.get("CORPTUI_SERVE_MAX_SESSIONS", "").strip()
        if not raw:
            return DEFAULT_MAX_SESSIONS
        try:
            value = int(raw)
        except ValueError:
            raise ValidationError(_("CORPTUI_SERVE_MAX_SESSIONS must be a whole number, not "
                                    "{raw!r}").format(raw=raw[:20]), "max_sessions") from None
    if not 1 <= value <= 1000:
        raise ValidationError(_("the session cap must be between 1 and 1000"), "max_sessions")
    return value


def offline_templates(folder: Path) -> Path:
    """textual-serve's page with the web font link replaced by the font it ships."""
    import textual_serve

    page = (Path(textual_serve.__file__).parent / "templates" / "app_index.html").read_text(
        encoding="utf-8")
    if _FONT_LINK in page:
        page = page.replace(_FONT_LINK, _LOCAL_FONT)
    (folder / "app_index.html").write_text(page, encoding="utf-8")
    return folder


def make_server(*, host: str, port: int, public_url: str | None, cap: int, templates: Path):
    from aiohttp import web
    from textual_serve.server import Server

    class CappedServer(Server):
        """textual-serve's server with at most ``cap`` sessions at once."""

        active = 0

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
            if CappedServer.active >= cap:
                raise web.HTTPServiceUnavailable(
                    text=f"corptui: {cap} sessions are open, the most this server allows")
            CappedServer.active += 1
            try:
                return await super().handle_websocket(request)
            finally:
                CappedServer.active -= 1

    return CappedServer(app_command(), host=host, port=port, title="corptui",
                        public_url=public_url, templates_path=templates)


def serve(db_url: str, *, host: str, port: int, public_url: str | None, cap: int) -> None:
    """Serve until interrupted. ``db_url`` goes to the sessions in their environment."""
    os.environ["CORPTUI_DB"] = db_url
    with tempfile.TemporaryDirectory(prefix="corptui-serve-") as folder:
        server = make_server(host=host, port=port, public_url=public_url, cap=cap,
                             templates=offline_templates(Path(folder)))
        server.serve()
