"""Errors a user can cause. Each carries a clear one-line message; screens show it in a
dialog or next to the field, the CLI prints it on one line and exits 1."""

from __future__ import annotations

from corptui.i18n import N_, _


class CorptuiError(Exception):
    title = N_("Error")  # marked only: translated where shown, _(exc.title)

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(CorptuiError):
    """Bad input in a named field (or several: ``errors`` maps field -> message)."""

    title = N_("Invalid input")

    def __init__(self, message: str, field: str = "", errors: dict[str, str] | None = None):
        super().__init__(message)
        self.field = field
        self.errors = errors or ({field: message} if field else {})


class NotFound(CorptuiError):
    title = N_("Not found")


class PermissionDenied(CorptuiError):
    title = N_("Not allowed")


class SessionEnded(PermissionDenied):
    """The logged-in user was blocked, removed or given another role since the login:
    nothing is changed, and the TUI ends the session with this message."""

    title = N_("Session ended")


class Conflict(CorptuiError):
    title = N_("Conflict")


class AuthError(CorptuiError):
    title = N_("Login failed")


class DatabaseUnavailable(CorptuiError):
    title = N_("Database")


class Cancelled(CorptuiError):
    """Long work stopped at the user's request (the cancel key of a progress bar, ctrl+c).
    Raised between chunks by a use case whose ``cancelled()`` callback says so; a use case
    that writes raises it inside its transaction, so nothing it did is kept."""

    title = N_("Cancelled")

    def __init__(self, message: str | None = None):
        super().__init__(message or _("cancelled: nothing was changed"))


def stop_if_cancelled(cancelled) -> None:
    """Raise Cancelled when the optional ``cancelled()`` callback returns true."""
    if cancelled is not None and cancelled():
        raise Cancelled()


def chunked(items: list, size: int, progress=None, cancelled=None):
    """``items`` in slices of ``size`` for long bulk work: ``cancelled()`` is asked
    before each slice (Cancelled, raised inside the caller's transaction, rolls it
    back) and ``progress(items done, items)`` is told before the first and after each."""
    total = len(items)
    if progress:
        progress(0, total)
    for first in range(0, total, size):
        stop_if_cancelled(cancelled)
        chunk = items[first:first + size]
        yield chunk
        if progress:
            progress(first + len(chunk), total)


def check_all(checks) -> dict:
    """Run (field, check) pairs; return {field: value}, or raise one ValidationError
    that names every bad field (the first one as the main message)."""
    values, errors = {}, {}
    for field, check in checks:
        try:
            values[field] = check()
        except ValidationError as exc:
            errors[field] = exc.message
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], first, errors)
    return values
