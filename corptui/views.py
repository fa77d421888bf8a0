"""Saved views of the numbers list: a filter, a sort and the visible columns, saved under
a name per user and applied with one key (or `corptui numbers list --view NAME`)."""

from __future__ import annotations

from corptui import audit, permissions
from corptui.errors import Conflict, NotFound, ValidationError
from corptui.i18n import _
from corptui.numbers import SORT_KEYS, NumberFilter
from corptui.usertext import clean_line
from storage.db import atomic
from storage.fields import utcnow
from storage.models import SavedView

SPEC_KEYS = ("search", "tags", "tariff", "status", "account", "sort", "descending", "columns")


def _clean_name(name) -> str:
    if not str(name or "").strip():
        raise ValidationError(_("give the view a name"), "name")
    return clean_line(name, "name", _("a view name"), max_len=60)


def spec_of(flt: NumberFilter, columns=None) -> dict:
    return {
        "search": flt.search, "tags": list(flt.tags), "tariff": flt.tariff,
        "status": flt.status, "account": flt.account, "sort": flt.sort,
        "descending": flt.descending, "columns": list(columns or []),
    }


def filter_of(spec: dict) -> NumberFilter:
    sort = spec.get("sort") or "msisdn"
    return NumberFilter(
        search=spec.get("search") or "", tags=tuple(spec.get("tags") or ()),
        tariff=spec.get("tariff"), status=spec.get("status"), account=spec.get("account"),
        sort=sort if sort in SORT_KEYS else "msisdn", descending=bool(spec.get("descending")),
    )


def _mine(session):
    q = SavedView.select().where(SavedView.company == session.company_id)
    if session.user_id is None:
        return q.where(SavedView.user.is_null())
    return q.where(SavedView.user == session.user_id)


def list_views(session) -> list[dict]:
    """The user's own views, by name (every role may keep views of its own)."""
    permissions.require(session, "read")
    return [{"name": v.name, "spec": v.spec} for v in _mine(session).order_by(SavedView.name)]


def save_view(session, name, spec: dict, overwrite: bool = False) -> dict:
    permissions.require(session, "read")  # personal: every role keeps its own views
    name = _clean_name(name)
    spec = {k: spec.get(k) for k in SPEC_KEYS}
    with atomic():
        existing = _mine(session).where(SavedView.name == name).first()
        if existing is not None and not overwrite:
            raise Conflict(_("a view named {name} exists: choose another name or replace it").format(name=name))
        if existing is not None:
            before = existing.spec
            SavedView.update(spec=spec, updated_at=utcnow()).where(
                SavedView.id == existing.id).execute()
            view_id = existing.id
        else:
            before = None
            view_id = SavedView.create(company=session.company_id, user=session.user_id,
                                       name=name, spec=spec).id
        audit.record(session, "view.save", "view", view_id, before, {"name": name, **spec})
    return {"name": name, "spec": spec}


def get_view(session, name) -> dict:
    """A view by name: the user's own; for the operator at the shell (no user), also a
    view of any user of the company when only one has that name."""
    permissions.require(session, "read")
    text = " ".join(str(name or "").split())
    view = _mine(session).where(SavedView.name == text).first()
    if view is None and session.user_id is None:
        found = list(SavedView.select().where((SavedView.company == session.company_id)
                                              & (SavedView.name == text)).limit(2))
        if len(found) == 1:
            view = found[0]
        elif len(found) > 1:
            raise ValidationError(_("several users have a view named {text}").format(text=text), "view")
    if view is None:
        raise NotFound(_("no saved view named {text}").format(text=text))
    return {"name": view.name, "spec": view.spec}


def delete_view(session, name) -> None:
    permissions.require(session, "read")
    with atomic():
        view = _mine(session).where(SavedView.name == " ".join(str(name or "").split())).first()
        if view is None:
            raise NotFound(_("no saved view named {name}").format(name=name))
        audit.record(session, "view.delete", "view", view.id, {"name": view.name, **view.spec},
                     None)
        view.delete_instance()
