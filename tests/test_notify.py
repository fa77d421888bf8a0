"""Notifications through the worker: a real aiosmtpd server on localhost (attachment, auth,
unreachable server, refused recipient) and a local HTTP SMS gateway."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner

from corptui import applications, config, jobs, notify
from corptui.cli import main
from corptui.errors import PermissionDenied, ValidationError
from corptui.session import Session
from corptui.worker import Worker
from storage.fields import utcnow
from storage.models import Company, Job, Notification

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps every message; refuses recipients at refused.example."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({
            "from": envelope.mail_from, "to": list(envelope.rcpt_tos),
            "login": session.auth_data,
            "message": email.message_from_bytes(envelope.content, policy=email.policy.default),
        })
        return "250 Message accepted"


def _auth(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"mailer" and auth_data.password == b"s3cret:pw"
    return AuthResult(success=ok, auth_data=auth_data.login if ok else None)


@pytest.fixture
def smtp_server(monkeypatch):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=_auth,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    monkeypatch.setenv("CORPTUI_SMTP_URL", f"smtp://mailer:s3cret%3Apw@127.0.0.1:{port}")
    monkeypatch.setenv("CORPTUI_MAIL_FROM", "reports@corptui.example")
    inbox.port = port
    yield inbox
    controller.stop()


def _send_all():
    notify.schedule_pending()
    return jobs.run_due("test-worker")


def _n(nid) -> Notification:
    return Notification.get_by_id(nid)


def test_email_with_attachment_reaches_the_smtp_server(db, smtp_server, tmp_path):
    company = Company.create(name="Ромашка")
    attachment = tmp_path / "Акт сверки.pdf"
    data = b"%PDF-1.4\n" + bytes(range(256)) * 40
    attachment.write_bytes(data)
    nid = notify.queue_email("buh@romashka.example", "Акт сверки № 5 готов",
                             "Здравствуйте!\nАкт во вложении.", attachment=attachment,
                             company_id=company.id)
    assert _n(nid).state == "queued"
    assert _send_all() == 1
    row = _n(nid)
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None
    [got] = smtp_server.messages
    assert got["from"] == "reports@corptui.example"
    assert got["to"] == ["buh@romashka.example"]
    assert got["login"] == b"mailer"
    msg = got["message"]
    assert msg["Subject"] == "Акт сверки № 5 готов"
    assert "Акт во вложении." in msg.get_body(("plain",)).get_content()
    [part] = list(msg.iter_attachments())
    assert part.get_filename() == "Акт сверки.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == data


def test_unreachable_server_keeps_the_email_queued_and_retries(db, monkeypatch, tmp_path):
    port = _free_port()  # nothing listens here yet
    monkeypatch.setenv("CORPTUI_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.delenv("CORPTUI_JOB_BACKOFF", raising=False)
    nid = notify.queue_email("a@b.example", "Hello", "body")
    before = utcnow()
    _send_all()
    row = _n(nid)
    assert row.state == "queued" and row.attempts == 1
    assert f"cannot reach the SMTP server 127.0.0.1:{port}" in row.last_error
    [job] = list(Job.select().where(Job.kind == notify.SEND_KIND))
    assert job.state == "queued" and job.run_after >= before + dt.timedelta(seconds=29)
    assert _send_all() == 0  # backoff: not yet
    assert notify.schedule_pending() == 0  # no duplicate job for a row that has one
    # the server comes up; once the backoff is over the same email goes out
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        Job.update(run_after=utcnow()).where(Job.id == job.id).execute()
        assert _send_all() == 1
    finally:
        controller.stop()
    row = _n(nid)
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, "")
    assert [m["message"]["Subject"] for m in inbox.messages] == ["Hello"]


def test_after_the_last_attempt_it_is_failed_and_can_be_retried(db, smtp_server, monkeypatch):
    company = Company.create(name="C")
    monkeypatch.setenv("CORPTUI_SMTP_URL", f"smtp://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("CORPTUI_JOB_BACKOFF", "0")
    nid = notify.queue_email("a@b.example", "Late", "body", company_id=company.id)
    while _send_all():
        pass
    row = _n(nid)
    assert row.state == "failed" and row.attempts == notify.SEND_ATTEMPTS
    assert "cannot reach" in row.last_error
    viewer = Session(company_id=company.id, role="viewer", actor="v")
    with pytest.raises(PermissionDenied):
        notify.retry(viewer, nid)
    monkeypatch.setenv("CORPTUI_SMTP_URL", f"smtp://mailer:s3cret%3Apw@127.0.0.1:{smtp_server.port}")
    accountant = Session(company_id=company.id, role="accountant", actor="acc")
    assert notify.retry(accountant, nid)["state"] == "queued"
    with pytest.raises(ValidationError):
        notify.retry(accountant, nid)  # already queued
    _send_all()
    assert _n(nid).state == "sent"
    assert [m["message"]["Subject"] for m in smtp_server.messages] == ["Late"]


def test_refused_recipient_and_missing_attachment_fail_without_retries(db, smtp_server, tmp_path):
    refused = notify.queue_email("ghost@refused.example", "x", "y")
    gone = tmp_path / "gone.pdf"
    gone.write_bytes(b"x")
    missing = notify.queue_email("a@b.example", "x", "y", attachment=gone)
    gone.unlink()
    _send_all()
    assert _n(refused).state == "failed" and "refused the recipient" in _n(refused).last_error
    assert _n(missing).state == "failed" and "gone.pdf no longer exists" in _n(missing).last_error
    assert smtp_server.messages == []
    assert {j.state for j in Job.select()} == {"failed"}


def test_no_smtp_server_configured_keeps_it_queued(db, monkeypatch):
    monkeypatch.delenv("CORPTUI_SMTP_URL", raising=False)
    nid = notify.queue_email("a@b.example", "x", "y")
    _send_all()
    assert _n(nid).state == "queued" and "no SMTP server configured" in _n(nid).last_error


def test_bad_addresses_are_refused_when_queued(db):
    with pytest.raises(ValidationError) as bad_email:
        notify.queue_email("boss@", "x", "y")
    assert bad_email.value.field == "email"
    with pytest.raises(ValidationError) as bad_phone:
        notify.queue_sms("call me", "text")
    assert bad_phone.value.field == "phone"
    with pytest.raises(ValidationError):
        notify.queue_sms("+79261234567", "   ")
    assert Notification.select().count() == 0 and Job.select().count() == 0


def test_approved_application_credentials_are_sent_by_the_worker(db, smtp_server, monkeypatch):
    monkeypatch.delenv("CORPTUI_SMS_URL", raising=False)
    ref = applications.submit(
        company_name="ООО Ромашка", inn="7707083893", last_name="Иванов", first_name="Иван",
        patronymic="", numbers="+7 926 123-45-67", contact_phone="8 926 555-44-33",
        contact_email="boss@romashka.example")["reference"]
    result = applications.approve(ref)
    assert Notification.select().where(Notification.state == "queued").count() == 2
    Worker("w-apps", poll=0.1).cycle()  # the periodic hook schedules the rows, then sends
    [got] = smtp_server.messages
    assert got["to"] == ["boss@romashka.example"]
    assert result["temporary_password"] in got["message"].get_body(("plain",)).get_content()
    states = {n.channel: n.state for n in Notification.select()}
    assert states == {"email": "sent", "sms": "kept"}  # no SMS gateway: kept in the outbox


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        type(self).received.append({"body": json.loads(self.rfile.read(length)),
                                    "auth": self.headers.get("Authorization"),
                                    "path": self.path})
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b'{"id": "msg-1"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_gateway(monkeypatch):
    handler = type("Gateway", (_Gateway,), {"received": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CORPTUI_SMS_URL", f"http://127.0.0.1:{server.server_port}/send")
    monkeypatch.setenv("CORPTUI_SMS_TOKEN", "tok-123")
    yield handler
    server.shutdown()
    server.server_close()


def test_sms_goes_through_the_http_gateway(db, sms_gateway):
    nid = notify.queue_sms("8 (926) 123-45-67", "Акт сверки готов")
    _send_all()
    assert sms_gateway.received == [{"body": {"to": "79261234567", "text": "Акт сверки готов"},
                                     "auth": "Bearer tok-123", "path": "/send"}]
    row = _n(nid)
    assert (row.state, row.attempts) == ("sent", 1)


def test_sms_gateway_errors(db, sms_gateway):
    sms_gateway.status = 503
    busy = notify.queue_sms("+79261234567", "one")
    _send_all()
    assert _n(busy).state == "queued" and "HTTP 503" in _n(busy).last_error
    sms_gateway.status = 400
    bad = notify.queue_sms("+79261234568", "two")
    _send_all()
    assert _n(bad).state == "failed" and "HTTP 400" in _n(bad).last_error


def test_sms_without_gateway_is_kept_in_the_outbox(db, monkeypatch):
    monkeypatch.delenv("CORPTUI_SMS_URL", raising=False)
    one = Company.create(name="One")
    two = Company.create(name="Two")
    mine = notify.queue_sms("+79261234567", "hello", company_id=one.id)
    notify.queue_sms("+79261234568", "theirs", company_id=two.id)
    _send_all()
    session = Session(company_id=one.id, role="owner", actor="o")
    rows = notify.list_outbox(session)
    assert [(r["id"], r["state"], r["recipient"], r["body"]) for r in rows] == [
        (mine, "kept", "79261234567", "hello")]
    assert notify.retry(session, mine)["state"] == "queued"


def test_cli_outbox_list_and_retry(db, monkeypatch):
    monkeypatch.delenv("CORPTUI_SMS_URL", raising=False)
    nid = notify.queue_sms("+79261234567", "cli text")
    monkeypatch.setenv("CORPTUI_JOB_MODULES", "")
    result = CliRunner().invoke(main, ["worker", "--once", "--quiet"])
    assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(main, ["outbox", "list", "--format", "json"])
    assert listed.exit_code == 0
    [row] = json.loads(listed.output)
    assert (row["id"], row["state"], row["body"]) == (nid, "kept", "cli text")
    again = CliRunner().invoke(main, ["outbox", "retry", str(nid)])
    assert again.exit_code == 0 and f"notification {nid} queued again" in again.output
    twice = CliRunner().invoke(main, ["outbox", "retry", str(nid)])
    assert twice.exit_code == 1 and "only a failed or kept one" in twice.output


def test_config_file_settings_and_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("CORPTUI_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("CORPTUI_SMTP_URL", raising=False)
    assert ("8-800-550-05-55", "legal entities (free in Russia)") in config.hotlines()
    assert ("VKontakte", "https://vk.com/megafon") in config.social_links()
    (tmp_path / "config.toml").write_text(
        '[mail]\nsmtp_url = "smtp://mail.example:2525"\n'
        '[[help.hotlines]]\nnumber = "8-800-000-00-01"\nwho = "тест"\n', encoding="utf-8")
    assert config.smtp_url() == "smtp://mail.example:2525"
    assert config.hotlines() == [("8-800-000-00-01", "тест")]
    assert config.social_links()[0][0] == "VKontakte"  # defaults kept where not set
    monkeypatch.setenv("CORPTUI_SMTP_URL", "smtp://env.example:25")
    assert config.smtp_url() == "smtp://env.example:25"
    (tmp_path / "config.toml").write_text("[mail\nbroken", encoding="utf-8")
    settings, error = config.load_or_defaults()
    assert "config.toml" in error and settings["help"]["hotlines"] == config.DEFAULT_HOTLINES
    with pytest.raises(config.ConfigError):
        config.load()


def test_email_stays_in_the_local_outbox_with_the_outbox_url(db, monkeypatch):
    """`corptui demo` without a mail server: email is kept in the outbox (readable in the
    Outbox screen and `corptui outbox list`), not retried against no server."""
    monkeypatch.setenv("CORPTUI_SMTP_URL", "outbox:")
    nid = notify.queue_email("a@b.example", "Акт сверки готов", "body")
    _send_all()
    row = _n(nid)
    assert row.state == "kept" and row.last_error == ""
    listed = CliRunner().invoke(main, ["outbox", "list", "--state", "kept", "--format", "json"])
    assert listed.exit_code == 0 and "Акт сверки готов" in listed.output
