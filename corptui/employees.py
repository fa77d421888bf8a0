"""The employee card: who holds a number (full name, position).

Saving checks the card's version (optimistic locking): two admins editing the same card
never silently overwrite each other; the second gets a ``VersionConflict`` that carries
both values."""

from __future__ import annotations

from corptui import audit, permissions
from corptui.database import retrying
from corptui.errors import Conflict, NotFound, ValidationError
from corptui.i18n import _
from corptui.usertext import clean_line
from storage.db import atomic, is_postgres
from storage.fields import utcnow
from storage.models import Subscriber
from storage.search import search_key

NAME_MAX = 200
POSITION_MAX = 200


class VersionConflict(Conflict):
    """Someone saved the card since it was opened. ``theirs`` is what is stored now,
    ``yours`` what was being saved (dicts with full_name and position)."""

    def __init__(self, message: str, theirs: dict, yours: dict, current_version: int,
                 expected_version: int):
        super().__init__(message)
        self.theirs = theirs
        self.yours = yours
        self.current_version = current_version
        self.expected_version = expected_version


def clean_full_name(value, field: str = "full_name") -> str:
    """The user-text rule (corptui.usertext): 1..200 characters."""
    return clean_line(value, field, _("the full name"), max_len=NAME_MAX)


def clean_position(value, field: str = "position") -> str:
    return clean_line(value, field, _("the position"), max_len=POSITION_MAX, required=False)


@retrying
def get_employee(session, subscriber_id: int) -> dict:
    """The card's editable part with its version (pass it back to update_employee)."""
    permissions.require(session, "read")
    sub = _load(session, subscriber_id)
    return {"id": sub.id, "msisdn": sub.msisdn, "full_name": sub.full_name,
            "position": sub.position, "version": sub.version}


def _load(session, subscriber_id: int) -> Subscriber:
    sub = (Subscriber.select(Subscriber.id, Subscriber.msisdn, Subscriber.full_name,
                             Subscriber.position, Subscriber.version)
           .where((Subscriber.company == session.company_id)
                  & (Subscriber.id == int(subscriber_id))).first())
    if sub is None:
        raise NotFound(_("no number {subscriber_id} in this company").format(subscriber_id=subscriber_id))
    return sub


@retrying
def update_employee(session, subscriber_id: int, full_name, position, expected_version: int) -> dict:
    """Save name and position if the card is still at ``expected_version``; returns the
    saved card (with the new version). Raises ValidationError (field full_name or
    position) or VersionConflict."""
    permissions.require(session, "numbers.edit")
    errors = {}
    try:
        name = clean_full_name(full_name)
    except ValidationError as exc:
        errors["full_name"] = exc.message
    try:
        pos = clean_position(position)
    except ValidationError as exc:
        errors["position"] = exc.message
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationError(message, field, errors)
    with atomic():
        if is_postgres():  # the second of two saves waits, then sees the new version
            (Subscriber.select(Subscriber.id).where(
                (Subscriber.company == session.company_id)
                & (Subscriber.id == int(subscriber_id))).for_update().execute())
        sub = _load(session, subscriber_id)
        theirs = {"full_name": sub.full_name, "position": sub.position}
        yours = {"full_name": name, "position": pos}
        if sub.version != int(expected_version):
            raise VersionConflict(
                _("this card was changed by someone else since you opened it (version {version}, yours {expected_version}): theirs: {full_name!r}, {position!r}; yours: {name!r}, {pos!r}").format(version=sub.version, expected_version=expected_version, full_name=sub.full_name, position=sub.position, name=name, pos=pos),
                theirs, yours, sub.version, int(expected_version),
            )
        if theirs == yours:
            return {"id": sub.id, "msisdn": sub.msisdn, **yours, "version": sub.version}
        updated = (
            Subscriber.update(full_name=name, position=pos, search_text=search_key(name, pos),
                              version=Subscriber.version + 1, updated_at=utcnow())
            .where((Subscriber.id == sub.id) & (Subscriber.version == sub.version)
                   & (Subscriber.company == session.company_id))
            .execute()
        )
        if updated != 1:  # pragma: no cover - the IMMEDIATE transaction excludes this
            raise Conflict(_("this card was changed by someone else; open it again"))
        audit.record(session, "employee.update", "subscriber", sub.msisdn, theirs, yours)
    return {"id": sub.id, "msisdn": sub.msisdn, **yours, "version": sub.version + 1}
