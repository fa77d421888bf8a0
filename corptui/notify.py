"""Notifications: the outbox (email and SMS) and their delivery by the worker.

``queue_email``/``queue_sms`` add an outbox row and a ``notify.send`` job in the caller's
transaction. Rows written straight into the outbox (e.g. by applications.approve) are picked
up too: the worker's periodic ``notify.schedule`` hook queues a job for every queued row
that has none.

States: ``queued`` (waiting, or waiting for a retry: ``last_error`` says why), ``sending``
(a worker has it), ``sent`` (handed to the SMTP server / the SMS gateway), ``kept`` (an SMS
while no SMS gateway is configured: it stays in the outbox, readable in the Outbox screen
and `corptui outbox list`, and is not sent anywhere), ``failed`` (gave up after the job's
attempts, or refused for good, e.g. the server refused the recipient; `r` in the Outbox or
`corptui outbox retry ID` queues it again).

Email goes with smtplib to ``CORPTUI_SMTP_URL`` or ``[mail] smtp_url`` in config.toml
(``smtp://user:pass@host:587?starttls=1``, ``smtps://...:465``); sender ``CORPTUI_MAIL_FROM``.
An unreachable server leaves the row queued with the error; the job retries with backoff
(jobs.backoff_seconds), nothing is lost. SMS goes through a gateway chosen by
``CORPTUI_SMS_URL``: ``http(s)://...`` POSTs JSON ``{"to": "79..", "text": ".."}`` (2xx
means accepted; ``Authorization: Bearer`` with CORPTUI_SMS_TOKEN); empty or ``outbox:``
keeps the message in the outbox (state ``kept``). ``SMS_GATEWAYS`` maps a URL scheme to a
gateway class, so other gateways plug in by scheme."""

from __future__ import annotations

import json
import mimetypes
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from corptui import audit, config, jobs, permissions
from corptui.applications import validate_email
from corptui.errors import NotFound, ValidationError
from corptui.i18n import _
from corptui.phones import normalize
from storage.db import atomic, is_postgres
from storage.fields import utcnow
from storage.models import Job, Notification

SEND_KIND = "notify.send"
SEND_ATTEMPTS = 8  # with the default 30 s base backoff: about two hours of retries
STATES = ("queued", "sending", "sent", "kept", "failed")
MAX_SUBJECT = 200
MAX_SMS = 1000


class SendError(Exception):
    """Delivery failed; ``permanent`` means retrying cannot help."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


# -- queueing -------------------------------------------------------------------------


def queue_email(recipient: str, subject: str, body: str, attachment: str | os.PathLike = "",
                company_id: int | None = None, field: str = "email") -> int:
    """Queue an email (attachment: a file path, read when sending). Returns the row id.
    A bad address raises ValidationError(field)."""
    address = validate_email(recipient, field)
    subject = " ".join((subject or "").split())[:MAX_SUBJECT]
    with atomic():
        row = Notification.create(company=company_id, channel="email", recipient=address,
                                  subject=subject, body=body or "",
                                  attachment=str(attachment or ""), state="queued")
        _enqueue_send(row)
    return row.id


def queue_sms(recipient: str, text: str, company_id: int | None = None,
              field: str = "phone") -> int:
    """Queue an SMS to a phone number (any usual form). Returns the row id."""
    phone = normalize(recipient, field)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("the SMS text is empty"), "text")
    with atomic():
        row = Notification.create(company=company_id, channel="sms", recipient=phone,
                                  body=text[:MAX_SMS], state="queued")
        _enqueue_send(row)
    return row.id


def _enqueue_send(row: Notification) -> int:
    return jobs.enqueue(SEND_KIND, {"notification": row.id}, company_id=row.company_id,
                        max_attempts=SEND_ATTEMPTS)


def schedule_pending() -> int:
    """Queue a send job for every queued outbox row without one (rows written directly
    into the outbox). Serialised between workers. Returns the number of jobs queued."""
    with atomic():
        if is_postgres():
            from storage.db import database

            database.execute_sql("SELECT pg_advisory_xact_lock(hashtext('corptui.notify'))")
        queued = list(Notification.select(Notification.id, Notification.company,
                                          Notification.state)
                      .where(Notification.state.in_(["queued", "sending"])).limit(5000))
        if not queued:
            return 0
        covered = set()
        pending = (Job.select(Job.payload)
                   .where((Job.kind == SEND_KIND) & (Job.state.in_(["queued", "running"])))
                   .tuples())
        for (payload,) in pending:
            if isinstance(payload, dict) and payload.get("notification") is not None:
                covered.add(int(payload["notification"]))
        count = 0
        for row in queued:
            if row.id not in covered:
                if row.state == "sending":  # its job is gone (worker killed on its last try)
                    Notification.update(state="queued").where(
                        Notification.id == row.id).execute()
                _enqueue_send(row)
                count += 1
        return count


# -- delivery -------------------------------------------------------------------------


def parse_smtp_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
        raise SendError(_("not an SMTP URL: {url!r} (use smtp://user:pass@host:587?starttls=1)").format(url=url),
                        permanent=False)
    query = parse_qs(parsed.query)
    flag = (query.get("starttls") or ["0"])[0].lower()
    return {
        "ssl": parsed.scheme == "smtps",
        "host": parsed.hostname,
        "port": parsed.port or (465 if parsed.scheme == "smtps" else 25),
        "user": unquote(parsed.username or ""),
        "password": unquote(parsed.password or ""),
        "starttls": flag in ("1", "true", "yes", "on"),
    }


def build_email(row: Notification, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.recipient
    msg["Subject"] = row.subject or "corptui"
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=(sender.rpartition("@")[2] or "corptui"))
    msg.set_content(row.body or "")
    if row.attachment:
        path = Path(row.attachment)
        try:
            data = path.read_bytes()
        except OSError:
            raise SendError(_("the attachment {name} no longer exists").format(name=path.name), permanent=True) from None
        ctype, encoding = mimetypes.guess_type(path.name)
        if ctype is None or encoding is not None:
            ctype = "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def email_kept() -> bool:
    """Email stays in the local outbox (state ``kept``, readable in the Outbox screen and
    `corptui outbox list`) when the SMTP URL is ``outbox:`` (what `corptui demo` uses
    while no mail server is configured)."""
    return (config.smtp_url() or "").strip().lower() == "outbox:"


def send_email(row: Notification) -> str:
    sender = config.mail_from() or "corptui@localhost"
    msg = build_email(row, sender)  # a missing attachment fails for good, server or not
    url = config.smtp_url()
    if not url:
        raise SendError(_("no SMTP server configured (CORPTUI_SMTP_URL or [mail] smtp_url)"))
    info = parse_smtp_url(url)
    timeout = config.mail_timeout()
    try:
        if info["ssl"]:
            client = smtplib.SMTP_SSL(info["host"], info["port"], timeout=timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(info["host"], info["port"], timeout=timeout)
        with client:
            if info["starttls"]:
                client.starttls(context=ssl.create_default_context())
            if info["user"]:
                client.login(info["user"], info["password"])
            client.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        detail = "; ".join(f"{rcpt}: {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                           for rcpt, (code, text) in exc.recipients.items())
        raise SendError(_("the server refused the recipient ({detail})").format(detail=detail), permanent=True) from None
    except smtplib.SMTPException as exc:
        raise SendError(_("SMTP {host}:{port}: {exc}").format(host=info['host'], port=info['port'], exc=exc)) from None
    except (OSError, ssl.SSLError) as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise SendError(_("cannot reach the SMTP server {host}:{port}: {reason}").format(host=info['host'], port=info['port'], reason=reason)) from None
    return msg["Message-ID"]


class OutboxGateway:
    """No SMS gateway: the message stays in the outbox (state ``kept``)."""

    final_state = "kept"

    def __init__(self, url: str = ""):
        self.url = url

    def send(self, to: str, text: str) -> str:
        return ""


class HttpGateway:
    """POST {"to", "text"} as JSON to the gateway URL; any 2xx answer means accepted."""

    final_state = "sent"

    def __init__(self, url: str, token: str = "", timeout: float = 20):
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, to: str, text: str) -> str:
        body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "corptui"})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        where = urlparse(self.url).netloc
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read(2000).decode("utf-8", errors="replace")
        except urllib.error.HTTPError as exc:
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise SendError(_("SMS gateway {where}: HTTP {code} {reason}").format(where=where, code=exc.code, reason=exc.reason),
                            permanent=permanent) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise SendError(_("cannot reach the SMS gateway {where}: {reason}").format(where=where, reason=reason)) from None
        return answer.strip()[:200]


SMS_GATEWAYS = {"http": HttpGateway, "https": HttpGateway, "outbox": OutboxGateway, "": OutboxGateway}


def sms_gateway():
    url = config.sms_url()
    scheme = urlparse(url).scheme.lower() if url else ""
    cls = SMS_GATEWAYS.get(scheme)
    if cls is None:
        raise SendError(_("unknown SMS gateway URL {url!r} (use http(s)://... or outbox:)").format(url=url))
    if cls is HttpGateway:
        return HttpGateway(url, config.sms_token(), config.sms_timeout())
    return cls(url)


def _take(notification_id: int) -> Notification | None:
    """Mark the row as being sent (one attempt more); None when there is nothing to send."""
    with atomic():
        row = Notification.get_or_none(Notification.id == notification_id)
        if row is None or row.state not in ("queued", "sending"):
            return None
        Notification.update(state="sending", attempts=Notification.attempts + 1).where(
            Notification.id == row.id).execute()
        row.attempts += 1
        return row


def deliver(notification_id: int) -> str:
    """Send one outbox row now. Returns its new state; raises SendError on failure (the row
    is back to queued with the error, or failed when the error is permanent)."""
    row = _take(notification_id)
    if row is None:
        row = Notification.get_or_none(Notification.id == notification_id)
        return row.state if row is not None else "gone"
    try:
        if row.channel == "email" and email_kept():
            build_email(row, config.mail_from() or "corptui@localhost")  # the attachment
            final = "kept"
        elif row.channel == "email":
            send_email(row)
            final = "sent"
        elif row.channel == "sms":
            gateway = sms_gateway()
            gateway.send(row.recipient, row.body)
            final = gateway.final_state
        else:
            raise SendError(_("unknown channel {channel!r}").format(channel=row.channel), permanent=True)
    except SendError as exc:
        with atomic():
            Notification.update(state="failed" if exc.permanent else "queued",
                                last_error=str(exc)[:2000]).where(
                Notification.id == row.id).execute()
        raise
    with atomic():
        Notification.update(state=final, last_error="", sent_at=utcnow()).where(
            Notification.id == row.id).execute()
    return final


def _send_job(payload: dict, progress) -> dict:
    notification_id = int(payload.get("notification") or 0)
    try:
        state = deliver(notification_id)
    except SendError as exc:
        ctx = jobs.current()
        last = exc.permanent or (ctx is not None and ctx.attempt >= ctx.max_attempts)
        if last and not exc.permanent:
            with atomic():
                Notification.update(state="failed").where(
                    (Notification.id == notification_id)
                    & (Notification.state == "queued")).execute()
        if exc.permanent:
            raise jobs.PermanentError(str(exc)) from None
        raise
    return {"notification": notification_id, "state": state}


jobs.register(SEND_KIND, _send_job)
jobs.register_periodic("notify.schedule", schedule_pending)


# -- reading and retrying (the Outbox screen, `corptui outbox`) ----------------------

COLUMNS = ["id", "channel", "recipient", "subject", "state", "attempts", "last_error",
           "attachment", "created_at", "sent_at"]


def _row(n: Notification) -> dict:
    return {"id": n.id, "channel": n.channel, "recipient": n.recipient, "subject": n.subject,
            "body": n.body, "attachment": n.attachment, "state": n.state,
            "attempts": n.attempts, "last_error": n.last_error, "created_at": n.created_at,
            "sent_at": n.sent_at, "company_id": n.company_id}


def list_outbox(session, states=None, channel: str | None = None, limit: int = 1000) -> list[dict]:
    """The company's outbox, newest first."""
    permissions.require(session, "read")
    query = Notification.select().where(Notification.company == session.company_id)
    return _list(query, states, channel, limit)


def list_all(states=None, channel: str | None = None, limit: int = 1000) -> list[dict]:
    """Every outbox row, of every company (the operator's CLI)."""
    return _list(Notification.select(), states, channel, limit)


def _list(query, states, channel, limit):
    if states:
        query = query.where(Notification.state.in_(list(states)))
    if channel:
        query = query.where(Notification.channel == channel)
    return [_row(n) for n in query.order_by(Notification.id.desc()).limit(limit)]


def retry(session, notification_id: int) -> dict:
    """Queue a failed (or kept) notification again, now."""
    from corptui.ids import parse_id

    permissions.require(session, "documents.manage")
    notification_id = parse_id(notification_id, "notification", _("notification"))
    with atomic():
        row = Notification.get_or_none((Notification.id == notification_id)
                                       & (Notification.company == session.company_id))
        if row is None:
            raise NotFound(_("no notification {notification_id}").format(notification_id=notification_id))
        return _requeue(session, row)


def retry_any(session, notification_id: int) -> dict:
    """The operator's retry (CLI): any company's notification."""
    with atomic():
        row = Notification.get_or_none(Notification.id == notification_id)
        if row is None:
            raise NotFound(_("no notification {notification_id}").format(notification_id=notification_id))
        return _requeue(session, row)


def _requeue(session, row: Notification) -> dict:
    if row.state not in ("failed", "kept"):
        raise ValidationError(_("notification {id} is {state}: only a failed or kept one can be sent again").format(id=row.id, state=row.state), "state")
    before = {"state": row.state, "last_error": row.last_error}
    Notification.update(state="queued").where(Notification.id == row.id).execute()
    row.state = "queued"
    job_id = _enqueue_send(row)
    audit.record(session, "notification.retry", "notification", row.id, before,
                 {"state": "queued", "job": job_id})
    return _row(Notification.get_by_id(row.id))
