"""A ready document leaves the data folder: saved to a path ("save to PC") or sent by
email. Only a file that is still the one built is served (size and hash checked). A
protected document's copy is encrypted at that moment with its password, given again and
checked against its hash (``protect``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from corptui import audit, permissions
from corptui.documents.files import outbox_folder, verified
from corptui.documents.history import as_date, get_doc
from corptui.documents.kinds import TYPE_LABELS
from corptui.documents.protect import protect, suffix
from corptui.errors import ValidationError
from corptui.i18n import Lang, _
from storage.db import atomic
from storage.fields import utcnow
from storage.models import Document


def _check_password(doc: Document, password: str | None) -> None:
    if not doc.protected:
        return
    from corptui.passwords import verify_password

    if not password:
        raise ValidationError(_("this document is protected: enter its password"), "password")
    if not verify_password(doc.password_hash or "", password):
        raise ValidationError(_("wrong password for this document"), "password")


def download_name(doc: Document, protected_suffix: bool = False, as_zip: bool = False) -> str:
    base = f"{doc.type}-{doc.id}-{as_date(doc.period_from)}-{as_date(doc.period_to)}"
    fmt = suffix(doc.format, as_zip) if protected_suffix else doc.format
    return f"{base}.{fmt}"


def save_to(session, doc_id, path: str, force: bool = False, password: str | None = None,
            as_zip: bool = False) -> str:
    """Copy a ready document to ``path`` ("save to PC"). A protected one is written
    encrypted (PDF/XLSX natively, CSV or ``as_zip`` as an AES ZIP): give its password.
    No overwrite without ``force``."""
    from corptui.writers.target import check_target, install, temp_in

    permissions.require(session, "documents.manage")
    doc = get_doc(session, doc_id)
    src = verified(doc)
    _check_password(doc, password)
    target = check_target(path, force)
    tmp = temp_in(target)
    try:
        if doc.protected:
            protect(src, Path(tmp), doc.format, password, download_name(doc), as_zip)
        else:
            shutil.copyfile(src, tmp)
        install(tmp, target, force)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    with atomic():
        audit.record(session, "document.save", "document", doc.id, None,
                     {"path": str(target), "encrypted": bool(doc.protected)})
    return str(target)


def send(session, doc_id, email: str, password: str | None = None, as_zip: bool = False) -> int:
    """Queue an email with the document attached (its protected copy when protected; the
    text in the document's language). Returns the notification id."""
    from corptui import notify
    from corptui.applications import validate_email
    from corptui.jobs import atomic_output

    permissions.require(session, "documents.manage")
    email = validate_email(email, "email")
    doc = get_doc(session, doc_id)
    src = verified(doc)
    _check_password(doc, password)
    stamp = utcnow().strftime("%Y%m%d%H%M%S%f")
    name = download_name(doc, protected_suffix=bool(doc.protected), as_zip=as_zip)
    attachment = outbox_folder(doc.company_id) / f"{stamp}-{name}"
    with atomic_output(attachment) as tmp:
        if doc.protected:
            protect(src, tmp, doc.format, password, download_name(doc), as_zip)
        else:
            shutil.copyfile(src, tmp)
    lang = Lang(doc.language or "en")
    label = lang.gettext(TYPE_LABELS.get(doc.type, doc.type))
    period = f"{lang.date(as_date(doc.period_from))} - {lang.date(as_date(doc.period_to))}"
    body = (lang.gettext("{label} for {period} is attached, protected with its password.")
            if doc.protected else lang.gettext("{label} for {period} is attached."))
    with atomic():
        nid = notify.queue_email(
            email, lang.gettext("{label} No. {number}").format(label=label,
                                                              number=doc.number or doc.id),
            body.format(label=label, period=period), attachment=str(attachment),
            company_id=doc.company_id)
        audit.record(session, "document.send", "document", doc.id, None,
                     {"email": email, "encrypted": bool(doc.protected)})
    return nid
