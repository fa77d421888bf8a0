"""Outbox: the company's email and SMS notifications (channel, recipient, state, attempts,
last error), `r` sends a failed or kept one again, enter shows it whole; below, the
background jobs with their live progress (polled every second)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from corptui import jobs as jobs_uc
from corptui import notify
from corptui.errors import CorptuiError
from corptui.i18n import N_, _, number
from corptui.phones import format_msisdn
from screens.access_dialogs import MessageDialog
from screens.actions.documents import OUTBOX
from screens.base import KeyedRowsScreen
from screens.widgets.safe import plain
from screens.widgets.virtual_table import Column, VirtualTable

COLUMNS = [
    Column("id", "#", 4),
    Column("channel", N_("Via"), 5),
    Column("recipient", N_("Recipient"), 22),
    Column("state", N_("State"), 7),
    Column("attempts", N_("Tries"), 5),
    Column("last_error", N_("Last error"), 20, flex=1),
]

STATE_TEXT = {"queued": N_("queued"), "sending": N_("sending"), "sent": N_("sent"),
              "kept": N_("kept"), "failed": N_("FAILED")}
JOB_ROWS = 4
BAR = 20


def recipient_text(row: dict) -> str:
    if row["channel"] == "sms" and row["recipient"].isdigit():
        return format_msisdn(row["recipient"])
    return row["recipient"]


def render_cell(row: dict, key: str) -> str:
    if key == "recipient":
        return recipient_text(row)
    if key == "channel":
        return _("SMS") if row["channel"] == "sms" else _("email")
    if key == "state":
        return _(STATE_TEXT.get(row["state"], row["state"]))
    if key == "last_error":
        if row["state"] == "kept":
            return _("no SMS gateway: kept here")
        return " ".join((row.get("last_error") or "").split())
    return str(row.get(key, ""))


def detail_text(row: dict) -> str:
    when = row["created_at"].strftime("%Y-%m-%d %H:%M UTC") if row.get("created_at") else "-"
    sent = row["sent_at"].strftime("%Y-%m-%d %H:%M UTC") if row.get("sent_at") else "-"
    state = row["state"]  # the words of STATE_TEXT, in lower case (failed, not FAILED)
    lines = [
        _("Channel: {channel}").format(channel=render_cell(row, "channel")),
        _("To: {recipient}").format(recipient=recipient_text(row)),
        _("State: {state} · attempts {attempts}").format(
            state=_(state), attempts=row["attempts"]),
        _("Queued: {queued} · sent: {sent}").format(queued=when, sent=sent),
    ]
    if row.get("subject"):
        lines.append(_("Subject: {subject}").format(subject=row['subject']))
    if row.get("attachment"):
        lines.append(_("Attachment: {attachment}").format(attachment=row['attachment']))
    if row.get("last_error"):
        lines.append(_("Last error: {last_error}").format(last_error=row['last_error']))
    lines += ["", row.get("body") or ""]
    return "\n".join(lines)


def progress_bar(percent: int) -> str:
    filled = max(0, min(BAR, round(percent * BAR / 100)))
    return "[" + "#" * filled + "." * (BAR - filled) + f"] {percent:3d}%"


def job_lines(rows: list[dict]) -> str:
    running = [r for r in rows if r["state"] == "running"]
    queued = [r for r in rows if r["state"] == "queued"]
    head = _("Background jobs: {running} running, {queued} queued").format(
        running=number(len(running)), queued=number(len(queued)))
    if not rows:
        return head + " · " + _("run `corptui worker` to process them")
    lines = [head]
    for r in (running + queued)[:JOB_ROWS]:
        kind = r["kind"][:22]
        if r["state"] == "running":
            lines.append(f" #{r['id']:<5} {kind:<22} {progress_bar(r['progress'])}")
        else:
            note = (_("retry {attempt}/{max}").format(attempt=r["attempts"], max=r["max_attempts"])
                    if r["attempts"] else _("waiting"))
            lines.append(f" #{r['id']:<5} {kind:<22} {note}")
    return "\n".join(lines)


class OutboxScreen(KeyedRowsScreen):
    SECTION = "outbox"
    TITLE = N_("Outbox")
    ACTIONS = OUTBOX
    DEFAULT_CSS = """
    OutboxScreen #outbox-table { height: 1fr; }
    OutboxScreen #jobs-pane { height: auto; max-height: 5; background: $boost; padding: 0 1; }
    OutboxScreen #outbox-status { height: 1; padding: 0 1; }
    """
    POLL_SECONDS = 1.0

    def compose_body(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, self._fetch, render_cell, checkboxes=False,
                           id="outbox-table", empty_text=_("The outbox is empty."))
        yield Static("", id="jobs-pane")
        yield Static("", id="outbox-status")

    def on_mount(self) -> None:
        self.reload()
        self.refresh_jobs()
        self.table.focus()
        self._ticks = 0
        self.set_interval(self.POLL_SECONDS, self._poll)

    def _poll(self) -> None:
        self._ticks += 1
        self.refresh_jobs()
        if self._ticks % 3 == 0:  # the outbox changes slower than job progress
            self.reload(keep_cursor=True)

    def reload(self, keep_cursor: bool = False) -> None:
        try:
            rows = notify.list_outbox(self.session)
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.rows = {r["id"]: r for r in rows}
        self.table.invalidate()
        self.table.set_ids([r["id"] for r in rows], keep_cursor=keep_cursor)
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["state"]] = counts.get(r["state"], 0) + 1
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "empty"
        self.query_one("#outbox-status", Static).update(plain(
            _("{n_rows} notifications: {summary} · enter details · r send again").format(n_rows=len(rows), summary=summary)))

    def refresh_jobs(self) -> None:
        try:
            rows = jobs_uc.list_jobs(self.session, states=["running", "queued"], limit=50)
        except CorptuiError:
            return
        self.query_one("#jobs-pane", Static).update(plain(job_lines(rows), multiline=True))

    def action_reload(self) -> None:
        self.reload(keep_cursor=True)
        self.refresh_jobs()

    def action_retry(self) -> None:
        row = self.rows.get(self.table.cursor_id) if self.table.cursor_id is not None else None
        if row is None:
            return
        try:
            notify.retry(self.session.with_source("tui outbox"), row["id"])
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.notify(_("Notification {id} queued again.").format(id=row['id']))
        self.reload(keep_cursor=True)
        self.refresh_jobs()

    def on_virtual_table_opened(self, event: VirtualTable.Opened) -> None:
        row = self.rows.get(event.row_id)
        if row is not None:
            self.app.push_screen(MessageDialog(_("Notification {id}").format(id=row['id']), detail_text(row)))
