"""Running a use case from a thread worker (``@work(thread=True)``) and handing its
outcome back to the UI thread."""

from __future__ import annotations

from collections.abc import Callable

from corptui.errors import Cancelled, CorptuiError


def run_in_worker(app, call: Callable[[], object], done: Callable[[object], None],
                  failed: Callable[[str], None], *,
                  on_cancel: Callable[[], None] | None = None) -> None:
    """Call ``call()`` here (a worker thread), then ``done(result)`` on the app's thread,
    or ``failed(message)`` when it raised: a CorptuiError's message, or the type and text
    of any other error (shown, never a crash). The thread's database connection is
    closed either way. A ``Cancelled`` use case (the user's cancel key) calls ``on_cancel()`` when
    given (else ``failed`` with its message)."""
    from corptui.database import close_thread_connection

    try:
        result = call()
    except Cancelled as exc:
        if on_cancel is not None:
            app.call_from_thread(on_cancel)
        else:
            app.call_from_thread(failed, exc.message)
        return
    except CorptuiError as exc:
        app.call_from_thread(failed, exc.message)
        return
    except Exception as exc:  # noqa: BLE001 - shown, never a crash
        app.call_from_thread(failed, f"{type(exc).__name__}: {exc}")
        return
    finally:
        close_thread_connection()
    app.call_from_thread(done, result)
