"""Settings from ``config.toml`` (``corptui.locations.config_file()``), with defaults and
environment overrides. Example::

    [mail]
    smtp_url = "smtp://user:pass@smtp.example.com:587?starttls=1"   # env CORPTUI_SMTP_URL
    from = "corptui@example.com"                                      # env CORPTUI_MAIL_FROM

    [sms]
    url = "https://sms.example.com/send"     # env CORPTUI_SMS_URL; empty: keep in the outbox
    token = ""                               # sent as "Authorization: Bearer ..." (env CORPTUI_SMS_TOKEN)

    [[help.hotlines]]
    number = "8-800-550-05-00"
    who = "individuals (free in Russia)"

    [[help.social]]
    name = "VKontakte"
    url = "https://vk.com/megafon"
"""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path

from corptui import locations
from corptui.errors import CorptuiError
from corptui.i18n import N_, _

DEFAULT_HOTLINES = [
    {"number": "8-800-550-05-00", "who": N_("individuals (free in Russia)")},
    {"number": "8-800-550-05-55", "who": N_("legal entities (free in Russia)")},
    {"number": "0500", "who": N_("individuals, short number from a mobile")},
    {"number": "0555", "who": N_("legal entities, short number from a mobile")},
]

DEFAULT_SOCIAL = [
    {"name": "VKontakte", "url": "https://vk.com/megafon"},
    {"name": "Odnoklassniki", "url": "https://ok.ru/megafon"},
    {"name": "Facebook", "url": "https://www.facebook.com/MegaFon.ru/"},
    {"name": "Habr", "url": "https://habr.com/en/company/megafon/"},
    {"name": "Twitter", "url": "https://twitter.com/megafonru"},
    {"name": "Youtube", "url": "https://www.youtube.com/user/MegaFonTV"},
]

DEFAULTS: dict = {
    "mail": {"smtp_url": "", "from": "corptui@localhost", "timeout": 20},
    "sms": {"url": "", "token": "", "timeout": 20},
    "help": {"hotlines": DEFAULT_HOTLINES, "social": DEFAULT_SOCIAL},
}


class ConfigError(CorptuiError):
    title = N_("Configuration")


_cache: dict = {}


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load(path: Path | None = None) -> dict:
    """The settings: defaults, then the config file (if any). Raises ConfigError on a file
    that is not valid TOML. Re-read when the file changes."""
    path = Path(path) if path is not None else locations.config_file()
    try:
        stat = path.stat()
    except OSError:
        return copy.deepcopy(DEFAULTS)
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if _cache.get("key") == key:
        return copy.deepcopy(_cache["value"])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(_("{path}: {exc}").format(path=path, exc=exc)) from None
    except OSError as exc:
        raise ConfigError(_("cannot read {path}: {strerror}").format(path=path, strerror=exc.strerror)) from None
    problems = check_schema(data)
    if problems:
        raise ConfigError(_("{path}: {problem}").format(path=path, problem=problems[0]) + (
            " " + _("(and {n} more problems)").format(n=len(problems) - 1)
            if len(problems) > 1 else ""))
    value = _merge(DEFAULTS, data)
    _cache.update(key=key, value=value)
    return copy.deepcopy(value)


# the file's schema: section -> key -> (type name, check); lists of tables by their keys
_TEXT = ("text", lambda v: isinstance(v, str))
_SECONDS = ("a number of seconds (1-600)",
            lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 1 <= v <= 600)
SCHEMA: dict[str, dict] = {
    "ui": {"theme": _TEXT,
           "idle_minutes": ("a whole number of minutes (1-720)",
                            lambda v: isinstance(v, int) and not isinstance(v, bool)
                            and 1 <= v <= 720),
           "language": ("\"en\", \"ru\" or \"\"", lambda v: v in ("", "en", "ru")),
           "start": ("\"overview\" or \"numbers\"", lambda v: v in ("overview", "numbers"))},
    "files": {"exports": _TEXT},
    "mail": {"smtp_url": _TEXT, "from": _TEXT, "timeout": _SECONDS},
    "sms": {"url": _TEXT, "token": _TEXT, "timeout": _SECONDS},
    "kiosk": {"pin": _TEXT,
              "idle_minutes": ("a number of minutes (0.1-720)",
                               lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
                               and 0.1 <= v <= 720)},
    "help": {"hotlines": ("a list of tables with number and who", ("number", "who")),
             "social": ("a list of tables with name and url", ("name", "url"))},
}


def check_schema(data: dict) -> list[str]:
    """What is wrong in a config file's data: each problem names the section, the key
    and the type expected (an unknown section or key is a problem: a typo would
    otherwise be ignored without a word)."""
    problems = []
    for section, values in data.items():
        keys = SCHEMA.get(section)
        if keys is None:
            problems.append(_("unknown section [{section}] (known: {known})").format(
                section=section, known=", ".join(sorted(SCHEMA))))
            continue
        if not isinstance(values, dict):
            problems.append(_("[{section}] must be a table").format(section=section))
            continue
        for key, value in values.items():
            rule = keys.get(key)
            if rule is None:
                problems.append(_("[{section}] unknown key {key!r} (known: {known})").format(
                    section=section, key=key, known=", ".join(sorted(keys))))
                continue
            expected, check = rule
            ok = (_table_list(value, check) if isinstance(check, tuple) else check(value))
            if not ok:
                problems.append(_("[{section}] {key}: expected {expected}, not {value}").format(
                    section=section, key=key, expected=_(expected), value=repr(value)[:40]))
    return problems


def _table_list(value, keys: tuple[str, ...]) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict) and set(item) <= set(keys)
        and all(isinstance(v, str) for v in item.values()) for item in value)


def load_or_defaults() -> tuple[dict, str]:
    """(settings, error): the defaults and the reason when the file is broken."""
    try:
        return load(), ""
    except ConfigError as exc:
        return copy.deepcopy(DEFAULTS), exc.message


def smtp_url() -> str:
    return os.environ.get("CORPTUI_SMTP_URL") or str(load()["mail"].get("smtp_url") or "")


def mail_from() -> str:
    return os.environ.get("CORPTUI_MAIL_FROM") or str(load()["mail"].get("from") or "")


def mail_timeout() -> float:
    return float(load()["mail"].get("timeout") or 20)


def sms_url() -> str:
    return os.environ.get("CORPTUI_SMS_URL") or str(load()["sms"].get("url") or "")


def sms_token() -> str:
    return os.environ.get("CORPTUI_SMS_TOKEN") or str(load()["sms"].get("token") or "")


def sms_timeout() -> float:
    return float(load()["sms"].get("timeout") or 20)


def _pairs(items, first: str, second: str) -> list[tuple[str, str]]:
    out = []
    for item in items or []:
        if isinstance(item, dict) and item.get(first):
            out.append((str(item[first]), str(item.get(second, ""))))
    return out


def hotlines(settings: dict | None = None) -> list[tuple[str, str]]:
    """[(number, who)] for the help screen."""
    settings = settings if settings is not None else load_or_defaults()[0]
    return _pairs(settings["help"].get("hotlines"), "number", "who")


def social_links(settings: dict | None = None) -> list[tuple[str, str]]:
    """[(name, url)] of the operator's social networks."""
    settings = settings if settings is not None else load_or_defaults()[0]
    return _pairs(settings["help"].get("social"), "name", "url")
