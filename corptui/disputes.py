"""Disputes of charges: a company disputes a charge line with a reason and an optional
attachment; the dispute goes open -> in_review -> accepted (with a credit) or rejected.

An accepted dispute creates a Payment of type "adjustment" for the credit (on the
charge's account, the charge's number, comment "dispute #N: ...") and raises the
account's balance by it, so it shows in the payments list. A charge has at most one
live (open or in review) dispute. The attachment is copied into
``locations.data_dir()/disputes`` (at most 10 MB). Every change is audited in the same
transaction."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from decimal import Decimal
from pathlib import Path

import peewee as pw

from corptui import audit, locations, permissions
from corptui.errors import Conflict, NotFound, ValidationError
from corptui.i18n import N_, _
from corptui.phones import format_msisdn
from corptui.usertext import clean_multiline
from storage.db import atomic, is_postgres
from storage.fields import utcnow
from storage.models import (
    DISPUTE_STATUSES,
    Charge,
    Dispute,
    Payment,
    PersonalAccount,
    Subscriber,
)

LIVE = ("open", "in_review")
REASON_MAX = 2000
ATTACHMENT_MAX = 10 * 1024 * 1024
CREDIT_MAX = Decimal("10000000")
STATUS_LABELS = {"open": N_("open"), "in_review": N_("in review"), "accepted": N_("accepted"),
                 "rejected": N_("rejected")}
FIELDS = ("id", "charge", "period", "number", "kind", "description", "amount", "status",
          "credit", "reason", "decision", "attachment", "created_at", "updated_at")


def disputes_dir() -> Path:
    return locations.data_dir() / "disputes"


def clean_reason(text, field: str = "reason") -> str:
    if not str(text or "").strip():
        raise ValidationError(_("give a reason"), field)
    return clean_multiline(text, field, _("a reason"), max_len=REASON_MAX)


def clean_credit(value, charge_amount: Decimal | None = None) -> Decimal:
    """A credit: a positive amount typed in either language (corptui.money.parse), at
    most the charge."""
    from corptui import money

    amount = money.parse("" if value is None else value, "credit", maximum=CREDIT_MAX)
    if amount is None or amount <= 0:
        raise ValidationError(_("a credit is a positive amount"), "credit")
    if charge_amount is not None and amount > charge_amount:
        raise ValidationError(_("the credit exceeds the charge ({charge_amount})").format(
            charge_amount=money.text(charge_amount)), "credit")
    return amount


def _check_attachment(path) -> Path:
    src = Path(os.path.expanduser(str(path)))
    if not src.is_file():
        raise ValidationError(_("no such file: {src}").format(src=src), "attachment")
    size = src.stat().st_size
    if size == 0:
        raise ValidationError(_("{name} is empty").format(name=src.name), "attachment")
    if size > ATTACHMENT_MAX:
        raise ValidationError(
            _("{name} is {value:.1f} MB: an attachment is at most {value2} MB").format(name=src.name, value=size / 1024 / 1024, value2=ATTACHMENT_MAX // 1024 // 1024), "attachment")
    return src


def _charge(session, charge_id) -> Charge:
    from corptui.ids import parse_id

    cid = parse_id(charge_id, "charge", _("charge"))
    charge = Charge.get_or_none((Charge.id == cid) & (Charge.company == session.company_id))
    if charge is None:
        raise NotFound(_("no charge {cid} in this company").format(cid=cid))
    return charge


def _dispute(session, dispute_id, for_update: bool = False) -> Dispute:
    from corptui.ids import parse_id

    did = parse_id(dispute_id, "dispute", _("dispute"))
    q = Dispute.select().where((Dispute.id == did) & (Dispute.company == session.company_id))
    if for_update and is_postgres():
        q = q.for_update()
    found = q.first()
    if found is None:
        raise NotFound(_("no dispute {did} in this company").format(did=did))
    return found


def _live(charge_id: int) -> Dispute | None:
    return (Dispute.select().where((Dispute.charge == charge_id) & Dispute.status.in_(LIVE))
            .first())


def open_dispute(session, charge_id, reason, attachment=None) -> dict:
    """Open a dispute of the company's charge ``charge_id``. A charge with an open or
    in-review dispute -> Conflict. The attachment (a path) is copied; nothing is kept
    when anything fails."""
    permissions.require(session, "disputes.open")
    reason = clean_reason(reason)
    src = _check_attachment(attachment) if attachment else None
    stored: Path | None = None
    try:
        with atomic():
            charge = _charge(session, charge_id)
            if is_postgres():
                Charge.select(Charge.id).where(Charge.id == charge.id).for_update().execute()
            live = _live(charge.id)
            if live is not None:
                raise Conflict(_("charge {id} is already disputed (dispute {id2}, {value})").format(id=charge.id, id2=live.id, value=_(STATUS_LABELS[live.status])))
            if src is not None:
                folder = disputes_dir()
                folder.mkdir(parents=True, exist_ok=True)
                stored = folder / f"{uuid.uuid4().hex}{src.suffix[:10]}"
                shutil.copyfile(src, stored)
            now = utcnow()
            d = Dispute.create(
                company=session.company_id, charge=charge.id, subscriber=charge.subscriber_id,
                user=session.user_id, reason=reason,
                attachment=str(stored) if stored else "",
                attachment_name=src.name[:255] if src else "",
                status="open", created_at=now, updated_at=now)
            audit.record(session, "disputes.open", "dispute", d.id, None,
                         {"charge": charge.id, "amount": charge.amount, "reason": reason,
                          "attachment": d.attachment_name})
    except BaseException:
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    return get_dispute(session, d.id)


def _query(session):
    return (Dispute.select(Dispute.id, Dispute.charge, Charge.period, Subscriber.msisdn,
                           Charge.kind, Charge.description, Charge.amount, Dispute.status,
                           Dispute.credit, Dispute.reason, Dispute.decision,
                           Dispute.attachment_name, Dispute.created_at, Dispute.updated_at)
            .join(Charge, on=(Dispute.charge == Charge.id))
            .switch(Dispute)
            .join(Subscriber, pw.JOIN.LEFT_OUTER, on=(Dispute.subscriber == Subscriber.id))
            .where(Dispute.company == session.company_id))


def _row(values) -> dict:
    d = dict(zip(FIELDS, values, strict=True))
    if isinstance(d["period"], str):
        d["period"] = dt.date.fromisoformat(d["period"][:10])
    d["number"] = format_msisdn(d["number"]) if d["number"] else ""
    d["status_label"] = _(STATUS_LABELS.get(d["status"], d["status"]))
    return d


def list_disputes(session, status: str | None = None) -> list[dict]:
    """The company's disputes, newest first (optionally of one status)."""
    permissions.require(session, "read")
    q = _query(session)
    if status:
        if status not in DISPUTE_STATUSES:
            raise ValidationError(
                _("unknown status {value!r}: one of {choices}").format(value=status[:20], choices=', '.join(DISPUTE_STATUSES)), "status")
        q = q.where(Dispute.status == status)
    return [_row(v) for v in q.order_by(Dispute.created_at.desc(), Dispute.id.desc()).tuples()]


def get_dispute(session, dispute_id) -> dict:
    permissions.require(session, "read")
    did = _dispute(session, dispute_id).id
    return _row(_query(session).where(Dispute.id == did).tuples().get())


def charge_summary(session, charge_id) -> dict:
    """The charge line a dispute dialog shows, and its live dispute if any."""
    permissions.require(session, "read")
    charge = _charge(session, charge_id)
    msisdn = (Subscriber.select(Subscriber.msisdn).where(Subscriber.id == charge.subscriber_id)
              .scalar() if charge.subscriber_id else None)
    live = _live(charge.id)
    return {"id": charge.id, "period": charge.period, "kind": charge.kind,
            "description": charge.description, "amount": charge.amount,
            "number": format_msisdn(msisdn) if msisdn else "",
            "disputed": live.id if live else None}


def set_status(session, dispute_id, status, *, credit=None, reason=None) -> dict:
    """Move a dispute on: "in_review"; "accepted" with a credit (creates the adjustment
    payment); "rejected" with a reason. Decided disputes do not change again."""
    permissions.require(session, "disputes.decide")
    if status not in DISPUTE_STATUSES or status == "open":
        raise ValidationError(
            _("unknown status {value!r}: in_review, accepted or rejected").format(value=str(status)[:20]), "status")
    with atomic():
        d = _dispute(session, dispute_id, for_update=True)
        if d.status not in LIVE:
            raise Conflict(_("dispute {id} is already {value}").format(id=d.id, value=_(STATUS_LABELS[d.status])))
        charge = Charge.get_by_id(d.charge_id)
        before = {"status": d.status}
        now = utcnow()
        changes: dict = {"status": status, "updated_at": now}
        if status == "in_review":
            if d.status == "in_review":
                raise Conflict(_("dispute {id} is already in review").format(id=d.id))
        elif status == "accepted":
            amount = clean_credit(credit, charge.amount)
            note = clean_reason(reason, "reason") if reason else ""
            payment = Payment.create(
                company=session.company_id, account=charge.account_id,
                subscriber=charge.subscriber_id, paid_at=now, amount=amount,
                type="adjustment", document_no=f"D-{d.id}",
                comment=f"dispute #{d.id}: credit for charge {charge.id}"[:200])
            PersonalAccount.update(balance=PersonalAccount.balance + amount).where(
                PersonalAccount.id == charge.account_id).execute()
            changes.update(credit=amount, payment=payment.id, decision=note)
        else:
            changes["decision"] = clean_reason(reason, "reason")
        Dispute.update(**changes).where(Dispute.id == d.id).execute()
        after = {k: v for k, v in changes.items() if k != "updated_at"}
        audit.record(session, f"disputes.{status}", "dispute", d.id, before, after)
    return get_dispute(session, d.id)


def accept(session, dispute_id, credit, note=None) -> dict:
    return set_status(session, dispute_id, "accepted", credit=credit, reason=note)


def reject(session, dispute_id, reason) -> dict:
    return set_status(session, dispute_id, "rejected", reason=reason)
