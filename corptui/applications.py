"""Access applications: how a new company gets into its corporate account.

An applicant (not logged in) submits company name, INN, the director's or
entrepreneur's name, the numbers to link and a contact phone and email; the answer is a
reference number ("A-2026-000123"). The operator lists, approves or rejects applications
(CLI). Approval creates the company, its personal account, the numbers, the owner user
with a temporary password and queues the credentials by email (and an SMS); rejection
queues an email with the reason. Each step is one transaction with its audit entries."""

from __future__ import annotations

import re

from corptui import audit
from corptui.errors import Conflict, NotFound, ValidationError, check_all
from corptui.i18n import _
from corptui.passwords import generate_temporary, hash_password
from corptui.phones import format_msisdn, normalize, scan_numbers, shorten
from corptui.session import Session
from corptui.usertext import clean_line, clean_multiline, fold_digits
from storage.db import atomic
from storage.fields import utcnow
from storage.models import (
    APPLICATION_STATUSES,
    AccessApplication,
    Company,
    Notification,
    PersonalAccount,
    Subscriber,
    User,
)
from storage.search import search_key

MAX_COMPANY_NAME = 200
MAX_PERSON_NAME = 100
MAX_EMAIL = 200
MAX_NUMBERS = 10_000
MAX_REASON = 1000

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PERSON = re.compile(r"^[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?$")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def _check_digit(digits: str, weights) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def validate_inn(text: str, field: str = "inn") -> str:
    """The INN (tax id) digits: 10 for a company, 12 for an entrepreneur, with the
    check digits right; else ValidationError naming the field."""
    raw = fold_digits(text or "").strip()
    if not raw:
        raise ValidationError(_("enter the INN (10 digits for a company, 12 for an entrepreneur)"),
                              field)
    if not raw.isascii() or not raw.isdigit():
        raise ValidationError(_("the INN must be digits only, not {shorten!r}").format(shorten=shorten(raw)), field)
    if len(raw) == 10:
        if _check_digit(raw, _INN10) != int(raw[9]):
            raise ValidationError(_("the INN's check digit is wrong: check for a typo"), field)
        return raw
    if len(raw) == 12:
        if (_check_digit(raw, _INN11) != int(raw[10])
                or _check_digit(raw, _INN12) != int(raw[11])):
            raise ValidationError(_("the INN's check digits are wrong: check for a typo"), field)
        return raw
    raise ValidationError(
        _("the INN has {raw_count} digits: a company's has 10, an entrepreneur's 12").format(raw_count=len(raw)), field)


def clean_text(value: str | None, field: str, label: str, *, required: bool = True,
               max_len: int = MAX_COMPANY_NAME) -> str:
    """One line of user text (the rule of corptui.usertext), not too long."""
    text = clean_line(value, field, label, max_len=max_len, required=False)
    if not text and required:
        raise ValidationError(_("{label} is required").format(label=label), field)
    return text


def is_inn(text: str) -> bool:
    """Whether ``text`` is a valid INN (10 or 12 digits with the right check digits)."""
    try:
        validate_inn(text)
    except ValidationError:
        return False
    return True


def clean_company_name(value: str | None, field: str = "company_name") -> str:
    """A company name: the user-text rule, and never a valid INN (``--company`` looks an
    INN up by INN only, so a company named like another's INN could not be told apart)."""
    text = clean_text(value, field, _("the company name"))
    if is_inn(text.replace(" ", "")):
        raise ValidationError(_("the company name may not be an INN: give the name"), field)
    return text


def clean_person_name(value: str | None, field: str, label: str, *,
                      required: bool = True) -> str:
    text = clean_text(value, field, label, required=required, max_len=MAX_PERSON_NAME)
    if not text:
        return text
    if not _PERSON.match(text):
        raise ValidationError(
            _("{label} may hold only letters, spaces, hyphens and apostrophes").format(label=label), field)
    for word in re.split(r"[ '’.-]+", text):
        if _CYRILLIC.search(word) and _LATIN.search(word):
            raise ValidationError(
                _("{label} mixes Cyrillic and Latin letters in {shorten!r}: check the keyboard layout").format(label=label, shorten=shorten(word)), field)
    return text


def validate_email(value: str | None, field: str = "contact_email") -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("enter the contact email"), field)
    if len(text) > MAX_EMAIL or not _EMAIL.match(text):
        raise ValidationError(_("not an email address: {shorten!r}").format(shorten=shorten(text)), field)
    return text


def parse_numbers(text: str | None, field: str = "numbers") -> list[str]:
    """Numbers one per line, or a pasted list separated by commas, semicolons, spaces
    or newlines -> E.164 digits in the given order without repeats. An error names the
    line ("line 3: not a phone number: ...")."""
    raw = text or ""
    out: list[str] = []
    seen: set[str] = set()
    for lineno, _text, number, error in scan_numbers(raw):
        if error:
            raise ValidationError(_("line {lineno}: {error}").format(lineno=lineno, error=error), field)
        if number not in seen:
            seen.add(number)
            out.append(number)
            if len(out) > MAX_NUMBERS:
                raise ValidationError(_("more than {max_numbers} numbers in one application").format(max_numbers=MAX_NUMBERS),
                                      field)
    if not out:
        raise ValidationError(_("list at least one number to link"), field)
    return out


def submit(company_name: str, inn: str, last_name: str, first_name: str,
           patronymic: str, numbers: str, contact_phone: str, contact_email: str) -> dict:
    """Save a pending application; every bad field at once in ValidationError.errors.
    The same application sent again while it is pending is not saved twice: its
    reference comes back with "existing" True. Returns {"id", "reference", "numbers",
    "existing"}."""
    checks = [
        ("company_name", lambda: clean_company_name(company_name)),
        ("inn", lambda: validate_inn(inn, "inn")),
        ("last_name", lambda: clean_person_name(last_name, "last_name", "the last name")),
        ("first_name", lambda: clean_person_name(first_name, "first_name", "the first name")),
        ("patronymic", lambda: clean_person_name(patronymic, "patronymic", "the patronymic",
                                                 required=False)),
        ("numbers", lambda: parse_numbers(numbers, "numbers")),
        ("contact_phone", lambda: normalize(contact_phone, "contact_phone")),
        ("contact_email", lambda: validate_email(contact_email, "contact_email")),
    ]
    values = check_all(checks)
    now = utcnow()
    with atomic():
        # the same application sent again (a second Submit, a retry): the pending one
        # it repeats, not a second application
        same = (AccessApplication.select()
                .where((AccessApplication.status == "pending")
                       & (AccessApplication.inn == values["inn"])
                       & (AccessApplication.contact_phone == values["contact_phone"])
                       & (AccessApplication.company_name == values["company_name"])
                       & (AccessApplication.contact_email == values["contact_email"])
                       & (AccessApplication.last_name == values["last_name"])
                       & (AccessApplication.first_name == values["first_name"])
                       & (AccessApplication.patronymic == values["patronymic"])
                       & (AccessApplication.numbers == "\n".join(values["numbers"])))
                .order_by(AccessApplication.id).first())
        if same is not None:
            return {"id": same.id, "reference": same.reference,
                    "numbers": len(values["numbers"]), "existing": True}
        app = AccessApplication.create(
            reference="tmp-" + generate_temporary(16), company_name=values["company_name"],
            inn=values["inn"], last_name=values["last_name"], first_name=values["first_name"],
            patronymic=values["patronymic"], numbers="\n".join(values["numbers"]),
            contact_phone=values["contact_phone"], contact_email=values["contact_email"],
            status="pending", created_at=now,
        )
        reference = f"A-{now.year}-{app.id:06d}"
        AccessApplication.update(reference=reference).where(
            AccessApplication.id == app.id).execute()
        audit.record(_applicant(values["contact_phone"]), "application.submit", "application",
                     app.id, None, {"reference": reference, "company_name": values["company_name"],
                                    "inn": values["inn"], "numbers": len(values["numbers"])})
    return {"id": app.id, "reference": reference, "numbers": len(values["numbers"]),
            "existing": False}


def _applicant(phone: str) -> Session:
    return Session(company_id=None, role="", user_id=None, actor=phone, source="apply")


def _operator(operator: str, company_id=None, source: str = "") -> Session:
    return Session(company_id=company_id, role="operator", user_id=None, actor=operator,
                   source=source)


def _as_dict(app: AccessApplication) -> dict:
    numbers = [n for n in app.numbers.split("\n") if n]
    return {
        "id": app.id, "reference": app.reference, "status": app.status,
        "company_name": app.company_name, "inn": app.inn,
        "applicant": " ".join(p for p in (app.last_name, app.first_name, app.patronymic) if p),
        "last_name": app.last_name, "first_name": app.first_name,
        "patronymic": app.patronymic, "numbers": numbers, "numbers_count": len(numbers),
        "contact_phone": app.contact_phone, "contact_email": app.contact_email,
        "created_at": app.created_at, "decided_at": app.decided_at, "reason": app.reason,
    }


def list_applications(status: str | None = None) -> list[dict]:
    """Applications (operator side), newest first; ``status`` one of pending/approved/
    rejected."""
    q = AccessApplication.select().order_by(AccessApplication.id.desc())
    if status:
        if status not in APPLICATION_STATUSES:
            raise ValidationError(
                _("unknown status {status!r}: one of {choices}").format(status=status, choices=', '.join(APPLICATION_STATUSES)), "status")
        q = q.where(AccessApplication.status == status)
    return [_as_dict(a) for a in q]


def _find(app_ref) -> AccessApplication:
    from corptui.ids import is_id

    text = fold_digits(str(app_ref)).strip()
    app = None
    if text.isascii() and text.isdigit() and is_id(text):
        app = AccessApplication.get_or_none(AccessApplication.id == int(text))
    if app is None:
        app = AccessApplication.get_or_none(AccessApplication.reference == text.upper())
    if app is None:
        raise NotFound(_("no application {shorten!r}").format(shorten=shorten(text)))
    return app


def get_application(app_ref) -> dict:
    return _as_dict(_find(app_ref))


def _pending(app_ref) -> AccessApplication:
    app = _find(app_ref)
    if app.status != "pending":
        raise Conflict(_("application {reference} is {status} already").format(reference=app.reference, status=app.status))
    return app


def _account_number() -> str:
    base = 700_000_000 + PersonalAccount.select().count()
    while PersonalAccount.select().where(PersonalAccount.number == str(base)).exists():
        base += 1
    return str(base)


def approve(app_ref, operator: str = "cli") -> dict:
    """Approve a pending application: company, personal account, numbers, owner user
    with a temporary password, credentials queued by email and SMS. All or nothing.
    Returns the login and the temporary password (shown once to the operator)."""
    temporary = generate_temporary()
    password_hash = hash_password(temporary)
    with atomic():
        app = _pending(app_ref)
        numbers = [n for n in app.numbers.split("\n") if n]
        clean_company_name(app.company_name)  # applications stored before the rule
        inn = validate_inn(app.inn)
        if Company.select().where(Company.name == app.company_name).exists():
            raise Conflict(_("a company named {company_name!r} exists already").format(company_name=app.company_name))
        if Company.select().where(Company.inn == inn).exists():
            raise Conflict(_("a company with the INN {inn} exists already").format(inn=inn))
        taken = [m for (m,) in Subscriber.select(Subscriber.msisdn)
                 .where(Subscriber.msisdn.in_(numbers)).tuples()] if numbers else []
        if taken:
            shown = ", ".join(format_msisdn(m) for m in sorted(taken)[:5])
            more = f" and {len(taken) - 5} more" if len(taken) > 5 else ""
            raise Conflict(_("numbers already linked to another company: {shown}{more}").format(shown=shown, more=more))
        if User.select().where(User.phone == app.contact_phone).exists():
            raise Conflict(_("the contact phone {number} is already a login: choose another contact phone").format(number=format_msisdn(app.contact_phone)))
        now = utcnow()
        company = Company.create(name=app.company_name, inn=app.inn,
                                 contact_email=app.contact_email,
                                 contact_phone=app.contact_phone, created_at=now)
        session = _operator(operator, company.id, f"applications approve {app.reference}")
        account = PersonalAccount.create(company=company, number=_account_number(),
                                         name=app.company_name, created_at=now)
        rows = [{"company": company.id, "account": account.id, "msisdn": m, "status": "active",
                 "search_text": search_key("", ""), "created_at": now, "updated_at": now}
                for m in numbers]
        for i in range(0, len(rows), 500):
            Subscriber.insert_many(rows[i : i + 500]).execute()
        ids = dict(Subscriber.select(Subscriber.msisdn, Subscriber.id)
                   .where(Subscriber.company == company.id).tuples())
        full_name = " ".join(p for p in (app.last_name, app.first_name, app.patronymic) if p)
        owner = User.create(company=company, phone=app.contact_phone, full_name=full_name,
                            email=app.contact_email, role="owner", password_hash=password_hash,
                            must_change_password=True, created_at=now)
        login_text = format_msisdn(app.contact_phone)
        Notification.create(
            company=company, channel="email", recipient=app.contact_email,
            subject=f"Access to the corporate account approved ({app.reference})",
            body=(f"Hello, {app.first_name}!\n\n"
                  f"Your application {app.reference} for {app.company_name} is approved.\n"
                  f"Login: {login_text}\nTemporary password: {temporary}\n\n"
                  f"Change the password at your first login. Numbers linked: {len(numbers)}.\n"
                  f"Personal account: {account.number}.\n"),
        )
        Notification.create(
            company=company, channel="sms", recipient=app.contact_phone,
            body=(f"Access to the corporate account of {app.company_name} is approved. "
                  f"Login: {login_text}; the temporary password is in the email to "
                  f"{app.contact_email}."),
        )
        AccessApplication.update(status="approved", decided_at=now, company=company).where(
            AccessApplication.id == app.id).execute()
        audit.record(session, "application.approve", "application", app.id,
                     {"status": "pending"}, {"status": "approved", "company": company.id})
        audit.record(session, "company.create", "company", company.id, None,
                     {"name": company.name, "inn": company.inn})
        audit.record(session, "account.create", "account", account.id, None,
                     {"number": account.number})
        audit.record(session, "user.add", "user", owner.id, None,
                     {"phone": owner.phone, "role": "owner", "temporary": True})
        if numbers:
            audit.record_many(session, "number.link", "subscriber",
                              [(ids[m], None, {"msisdn": m, "account": account.number})
                               for m in numbers], audit.new_operation())
    return {"reference": app.reference, "company_id": company.id, "company": company.name,
            "account": account.number, "numbers": len(numbers), "login": owner.phone,
            "temporary_password": temporary}


def reject(app_ref, reason: str, operator: str = "cli") -> dict:
    """Reject a pending application with a reason, emailed to the contact address."""
    if not (reason or "").strip():
        raise ValidationError(_("give the reason for the rejection"), "reason")
    text = clean_multiline(reason, "reason", _("the reason"), max_len=MAX_REASON)
    with atomic():
        app = _pending(app_ref)
        now = utcnow()
        AccessApplication.update(status="rejected", decided_at=now, reason=text).where(
            AccessApplication.id == app.id).execute()
        Notification.create(
            company=None, channel="email", recipient=app.contact_email,
            subject=f"Application {app.reference} rejected",
            body=(f"Hello, {app.first_name}!\n\nYour application {app.reference} for "
                  f"{app.company_name} was rejected.\nReason: {text}\n"),
        )
        audit.record(_operator(operator, None, f"applications reject {app.reference}"),
                     "application.reject", "application", app.id, {"status": "pending"},
                     {"status": "rejected", "reason": text})
    return {"reference": app.reference, "status": "rejected", "reason": text}
