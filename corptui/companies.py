"""Companies: listing and lookup (CLI scope resolution)."""

from __future__ import annotations

import peewee as pw

from corptui.errors import NotFound, ValidationError
from corptui.i18n import _
from corptui.phones import shorten
from corptui.usertext import fold_digits
from storage.models import Company, Subscriber


def list_companies() -> list[dict]:
    counts = (
        Subscriber.select(Subscriber.company, pw.fn.COUNT(Subscriber.id).alias("n"))
        .group_by(Subscriber.company)
        .tuples()
    )
    by_company = dict(counts)
    return [
        {"id": c.id, "name": c.name, "inn": c.inn, "numbers": by_company.get(c.id, 0)}
        for c in Company.select().order_by(Company.name)
    ]


def resolve_company(name: str | None) -> Company:
    """The company of ``--company``: 10 or 12 digits are an INN and are looked up by INN
    only (a company name is never a valid INN); anything else is a name, matched
    exactly, else case-insensitively when that is unambiguous. Without a name, the only
    company in the database."""
    if name:
        text = fold_digits(name).strip()
        if text.isascii() and text.isdigit() and len(text) in (10, 12):
            company = Company.get_or_none(Company.inn == text)
            if company is None:
                raise NotFound(_("no company with the INN {inn} (see `corptui companies list`)")
                               .format(inn=text))
            return company
        company = Company.get_or_none(Company.name == text)
        if company is None:
            folded = " ".join(text.split()).casefold()
            matches = [c for c in Company.select() if c.name.casefold() == folded]
            if len(matches) > 1:
                raise ValidationError(_("several companies are named {name!r}: give the INN")
                                      .format(name=shorten(text)), "company")
            company = matches[0] if matches else None
        if company is None:
            raise NotFound(_("no company named {name!r} (see `corptui companies list`)").format(
                name=shorten(text)))
        return company
    companies = list(Company.select().limit(2))
    if not companies:
        raise NotFound(_("the database holds no company yet (try `corptui db seed`)"))
    if len(companies) > 1:
        raise ValidationError(
            _("the database holds several companies: choose one with --company NAME"), "company"
        )
    return companies[0]


def session_header(session) -> dict:
    """What the top bar shows: the company's name, the user's login and role."""
    from corptui.phones import format_msisdn

    company = Company.get_or_none(Company.id == session.company_id)
    login = session.actor if session.actor and session.actor.isdigit() else ""
    return {
        "company": company.name if company else "",
        "user": format_msisdn(login) if login else (session.actor or ""),
        "role": session.role,
    }
