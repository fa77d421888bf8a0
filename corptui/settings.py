"""Settings the users change from the app: the workstation's look (theme), the idle
timeout and the language (every role: they are this machine's), and the SMTP and SMS
gateway (owner only). Stored in the TOML config file in the user config folder; the
keymap file next to it overrides any key by its binding id."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from corptui import config, locations, permissions
from corptui.errors import ValidationError
from corptui.i18n import _

THEMES = ("textual-dark", "textual-light", "ansi-dark", "ansi-light")
LANGUAGES = ("en", "ru")
START_SCREENS = ("overview", "numbers")  # where a login lands
DEFAULT_UI = {"theme": "textual-dark", "idle_minutes": 15, "language": "", "start": "overview"}


def _read_file(path: Path):
    """The config file as a tomlkit document: saving keeps the user's comments and order."""
    import tomlkit

    try:
        text = path.read_text(encoding="utf-8")
        tomllib.loads(text)  # the same judge of validity as config.load
        return tomlkit.parse(text)
    except FileNotFoundError:
        return tomlkit.document()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(_("{path} is not valid TOML ({exc}): fix or remove it").format(path=path, exc=exc),
                              "config") from None


def _write_file(path: Path, data) -> None:
    import tomlkit

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # may hold a password
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(tomlkit.dumps(data))
    os.replace(tmp, path)


def terminal_theme(environ=None) -> str:
    """The theme for this terminal when the settings name none: an ansi theme where the
    terminal has 16 colours (over SSH COLORTERM is not forwarded, TERM=xterm) or
    NO_COLOR is set, where textual-dark's greys would come out black on black."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return "ansi-dark"
    if (env.get("COLORTERM") or "").lower() in ("truecolor", "24bit"):
        return DEFAULT_UI["theme"]
    if "256color" in (env.get("TERM") or ""):
        return DEFAULT_UI["theme"]
    return "ansi-dark"


def ui(environ=None) -> dict:
    """The theme, idle minutes and language in effect (file, then the environment; a
    theme not set in the file follows the terminal: terminal_theme)."""
    data, _ = config.load_or_defaults()
    out = dict(DEFAULT_UI)
    out["theme"] = terminal_theme(environ)
    out.update({k: v for k, v in (data.get("ui") or {}).items() if k in DEFAULT_UI})
    if out["theme"] not in THEMES:
        out["theme"] = DEFAULT_UI["theme"]
    if out["start"] not in START_SCREENS:
        out["start"] = DEFAULT_UI["start"]
    try:
        out["idle_minutes"] = int(out["idle_minutes"])
    except (TypeError, ValueError):
        out["idle_minutes"] = DEFAULT_UI["idle_minutes"]
    return out


def validate_ui(theme, idle_minutes, language, start="overview") -> dict:
    errors = {}
    if start not in START_SCREENS:
        errors["start"] = _("choose one of {choices}").format(choices=', '.join(START_SCREENS))
    if theme not in THEMES:
        errors["theme"] = _("choose one of {choices}").format(choices=', '.join(THEMES))
    try:
        minutes = int(str(idle_minutes).strip())
        if not 1 <= minutes <= 720:
            raise ValueError
    except ValueError:
        errors["idle_minutes"] = _("the idle timeout is a whole number of minutes, 1 to 720")
        minutes = 0
    if language not in ("", *LANGUAGES):
        errors["language"] = _("choose one of {choices} (or empty: from LANG)").format(choices=', '.join(LANGUAGES))
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationError(message, field, errors)
    return {"theme": theme, "idle_minutes": minutes, "language": language, "start": start}


def save_ui(session, theme, idle_minutes, language="", start=None) -> dict:
    """``start``: the screen a login lands on (overview or numbers; None keeps it)."""
    permissions.require(session, "read")  # this workstation's look: every role
    values = validate_ui(theme, idle_minutes, language,
                         ui()["start"] if start is None else start)
    path = locations.config_file()
    data = _read_file(path)
    before = data["ui"].unwrap() if "ui" in data else {}
    data["ui"] = values
    _write_file(path, data)
    _audit(session, "settings.ui", before, values)
    return values


def gateways() -> dict:
    data, _ = config.load_or_defaults()
    return {"smtp_url": data["mail"].get("smtp_url", ""), "mail_from": data["mail"].get("from", ""),
            "sms_url": data["sms"].get("url", "")}


def save_gateways(session, smtp_url: str, mail_from: str, sms_url: str) -> dict:
    """SMTP server, sender address and SMS gateway URL (owner only)."""
    permissions.require(session, "settings.manage")
    errors = {}
    smtp_url, mail_from, sms_url = (smtp_url or "").strip(), (mail_from or "").strip(), \
        (sms_url or "").strip()
    if smtp_url and not smtp_url.startswith(("smtp://", "smtps://")):
        errors["smtp_url"] = _("an SMTP URL starts with smtp:// or smtps://")
    if mail_from and ("@" not in mail_from or " " in mail_from):
        errors["mail_from"] = _("the sender is an email address")
    if sms_url and not sms_url.startswith(("http://", "https://")):
        errors["sms_url"] = _("the SMS gateway URL starts with http:// or https://")
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationError(message, field, errors)
    path = locations.config_file()
    data = _read_file(path)
    before = {"smtp_url": _mask(data.get("mail", {}).get("smtp_url", "")),
              "sms_url": data.get("sms", {}).get("url", "")}
    data.setdefault("mail", {}).update({"smtp_url": smtp_url, "from": mail_from})
    data.setdefault("sms", {})["url"] = sms_url
    _write_file(path, data)
    _audit(session, "settings.gateways", before,
           {"smtp_url": _mask(smtp_url), "mail_from": mail_from, "sms_url": sms_url})
    return {"smtp_url": smtp_url, "mail_from": mail_from, "sms_url": sms_url}


# -- the exports folder -------------------------------------------------------------------

def exports_dir() -> Path:
    """The folder an export given as a bare file name goes to: Settings' choice
    ([files] exports), else corptui's data folder's ``exports``."""
    data, _unused = config.load_or_defaults()
    value = str((data.get("files") or {}).get("exports") or "").strip()
    return Path(value).expanduser() if value else locations.exports_dir()


def save_exports_dir(session, folder: str) -> Path:
    """Remember the exports folder of this workstation (every role; empty: the default).
    A full path (from / or ~); a file there is refused. Returns the folder in effect."""
    permissions.require(session, "read")
    text = (folder or "").strip()
    if text:
        path = Path(text).expanduser()
        if not path.is_absolute():
            raise ValidationError(_("give a full path of a folder (starting with / or ~)"),
                                  "exports")
        if path.exists() and not path.is_dir():
            raise ValidationError(_("{path} is a file, not a folder").format(path=path),
                                  "exports")
    cfg = locations.config_file()
    data = _read_file(cfg)
    before = dict(data.get("files", {}))
    if text:
        data.setdefault("files", {})["exports"] = text
    else:
        data.get("files", {}).pop("exports", None)
        if "files" in data and not data["files"]:
            del data["files"]
    _write_file(cfg, data)
    _audit(session, "settings.files", before, {"exports": text})
    return exports_dir()


def shown_path(path) -> str:
    """A full path as users read it: under the home folder as ``~/...``."""
    p = Path(path)
    try:
        rest = p.relative_to(Path.home())
    except (ValueError, RuntimeError):
        return str(p)
    return "~" if str(rest) == "." else f"~/{rest}"


def export_target(name: str) -> Path:
    """Where an export typed as ``name`` is written: a bare file name goes into the
    exports folder (created on first use); a path (with a folder, or ~) as given, made
    absolute."""
    text = (name or "").strip()
    if not text:
        raise ValidationError(_("give a file name"), "output")
    if "/" in text or text.startswith("~") or (os.sep != "/" and os.sep in text):
        return Path(text).expanduser().absolute()
    folder = exports_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(_("cannot create the exports folder {path}: {reason}").format(
            path=folder, reason=exc.strerror or exc), "output") from None
    return folder / text


def _mask(url: str) -> str:
    """An SMTP URL without its password, for the audit log."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def _audit(session, action, before, after) -> None:
    from storage.db import atomic

    with atomic():
        from corptui import audit

        audit.record(session, action, "settings", "config.toml", before, after)


# -- keymap ---------------------------------------------------------------------------
def load_keymap(known_ids=None) -> tuple[dict[str, str], list[str]]:
    """keymap.toml ("[keys]" table: binding id = "key1,key2") -> (keymap, problems).
    Unknown ids and bad values are reported, not fatal. ``known_ids`` may be a function:
    it is called only when the file exists (finding every binding id imports every
    screen, which start-up must not pay for a file that is not there)."""
    path = locations.keymap_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        return {}, [f"{path}: {exc}"]
    if callable(known_ids):
        known_ids = known_ids()
    keys = data.get("keys", data)
    keymap, problems = {}, []
    for binding_id, value in keys.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(_("{path}: {binding_id}: the keys must be a string like "
                              "\"f5,ctrl+r\"").format(path=path, binding_id=binding_id))
            continue
        if known_ids is not None and binding_id not in known_ids:
            problems.append(_("{path}: unknown binding id {binding_id}").format(
                path=path, binding_id=repr(binding_id)))
            continue
        keymap[binding_id] = ",".join(k.strip() for k in value.split(",") if k.strip())
    return keymap, problems
