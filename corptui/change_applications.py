"""Change applications: changes only the operator can make (a tariff marked "by
application", services not sold online), sent as a form: the numbers, the desired tariff
or services, a comment and a contact. Saved with a reference ("Z-2026-000001") and a
status; the company sees its history, newest first, and may cancel one still submitted."""

from __future__ import annotations

from corptui import audit, permissions
from corptui.applications import clean_text
from corptui.errors import Conflict, NotFound, ValidationError, check_all
from corptui.i18n import N_, _
from corptui.phones import format_msisdn, normalize
from storage.bulk import in_values
from storage.db import atomic
from storage.fields import utcnow
from storage.models import CHANGE_APPLICATION_STATUSES, ChangeApplication, Subscriber

ACTION = "services.change"
STATUS_LABELS = {"submitted": N_("submitted"), "in_progress": N_("in progress"),
                 "done": N_("done"), "rejected": N_("rejected"), "cancelled": N_("cancelled")}
MAX_DESIRED = 1000
MAX_COMMENT = 2000
MAX_CONTACT = 200


def _clean_contact(value) -> str:
    text = clean_text(value, "contact", "a contact (phone or email)", max_len=MAX_CONTACT)
    if "@" in text:
        from corptui.applications import validate_email

        return validate_email(text, "contact")
    try:
        return "+" + normalize(text, "contact")
    except ValidationError:
        raise ValidationError(_("the contact is a phone number or an email address"),
                              "contact") from None


def _clean_numbers(session, numbers) -> list[str]:
    """Company numbers (E.164) from text or a list of strings, in the given order."""
    from corptui import scope

    return scope.numbers(session, numbers, field_name="numbers").msisdns


def numbers_text(session, ids) -> str:
    """The msisdns of subscriber ids as the form's text (one per line, +7 format)."""
    permissions.require(session, "read")
    ids = [int(i) for i in ids]
    rows = dict(Subscriber.select(Subscriber.id, Subscriber.msisdn).where(
        (Subscriber.company == session.company_id) & in_values(Subscriber.id, ids)).tuples())
    return "\n".join(format_msisdn(rows[i]) for i in ids if i in rows)


def _as_dict(app: ChangeApplication) -> dict:
    numbers = [n for n in app.numbers.splitlines() if n]
    return {"reference": app.reference, "status": app.status, "numbers": numbers,
            "desired": app.desired, "comment": app.comment, "contact": app.contact,
            "actor": app.actor, "created_at": app.created_at, "updated_at": app.updated_at}


def create(session, numbers, desired, comment="", contact="") -> dict:
    """Validate every field (ValidationError.errors names each bad one) and save."""
    permissions.require(session, "services.change")
    values = check_all((
        ("numbers", lambda: _clean_numbers(session, numbers)),
        ("desired", lambda: clean_text(desired, "desired", "the desired tariff or services",
                                       max_len=MAX_DESIRED)),
        ("comment", lambda: clean_text(comment, "comment", "the comment", required=False,
                                       max_len=MAX_COMMENT)),
        ("contact", lambda: _clean_contact(contact)),
    ))
    now = utcnow()
    with atomic():
        app = ChangeApplication.create(
            company=session.company_id, reference="tmp-" + audit.new_operation()[:16],
            user=session.user_id, actor=session.actor, numbers="\n".join(values["numbers"]),
            desired=values["desired"], comment=values["comment"], contact=values["contact"],
            status="submitted", created_at=now, updated_at=now)
        app.reference = f"Z-{now.year}-{app.id:06d}"
        ChangeApplication.update(reference=app.reference).where(
            ChangeApplication.id == app.id).execute()
        audit.record(session, "change_application.create", "change_application", app.reference,
                     None, {"numbers": len(values["numbers"]), "desired": values["desired"],
                            "contact": values["contact"]})
    return _as_dict(app)


def list_applications(session, status: str | None = None) -> list[dict]:
    permissions.require(session, "read")
    q = ChangeApplication.select().where(ChangeApplication.company == session.company_id)
    if status:
        if status not in CHANGE_APPLICATION_STATUSES:
            raise ValidationError(
                _("unknown status: choose one of {choices}").format(choices=', '.join(CHANGE_APPLICATION_STATUSES)),
                "status")
        q = q.where(ChangeApplication.status == status)
    return [_as_dict(a) for a in q.order_by(ChangeApplication.created_at.desc(),
                                            ChangeApplication.id.desc())]


def _find(session, reference) -> ChangeApplication:
    app = ChangeApplication.get_or_none(
        (ChangeApplication.company == session.company_id)
        & (ChangeApplication.reference == str(reference or "").strip().upper()))
    if app is None:
        raise NotFound(_("no change application {reference} in this company").format(reference=reference))
    return app


def get_application(session, reference) -> dict:
    permissions.require(session, "read")
    return _as_dict(_find(session, reference))


def cancel(session, reference) -> dict:
    permissions.require(session, "services.change")
    with atomic():
        app = _find(session, reference)
        if app.status != "submitted":
            raise Conflict(_("application {reference} is {status}: only a submitted one can be "
                             "cancelled").format(reference=app.reference,
                                                 status=_(STATUS_LABELS[app.status])))
        now = utcnow()
        ChangeApplication.update(status="cancelled", updated_at=now).where(
            ChangeApplication.id == app.id).execute()
        audit.record(session, "change_application.cancel", "change_application", app.reference,
                     {"status": app.status}, {"status": "cancelled"})
        app.status, app.updated_at = "cancelled", now
    return _as_dict(app)
