"""What the forms share: the document's context (language, parties, period, scope),
the parties' details, the scope line, signature blocks, units of measure, labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from corptui.documents import parties
from corptui.documents.history import as_date
from corptui.documents.model import Fields, Signatures, Text
from corptui.documents.words import amount_in_words
from corptui.i18n import N_, Lang

# OKEI (the all-Russian classifier of units): code and the unit's short name
UNITS = {"month": ("362", N_("month")), "calls": ("355", N_("min")),
         "sms": ("796", N_("pcs")), "data": ("2553", N_("MB")),
         "unit": ("876", N_("conv. unit"))}
SERVICE_LABELS = {"subscription": N_("Subscription fees"), "calls": N_("Calls"),
                  "sms": N_("SMS"), "data": N_("Mobile internet"), "roaming": N_("Roaming"),
                  "one_off": N_("One-off charges"), "options": N_("Options (services)")}
DASH = "—"


@dataclass
class Ctx:
    """A document being made: its language, parties, period and scope."""

    doc: object
    scope: object
    lang: Lang
    seller: parties.Party
    buyer: parties.Party
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date

    @property
    def _(self):
        return self.lang.gettext

    def money(self, value) -> str:
        return self.lang.money(value)

    def words(self, value) -> str:
        return amount_in_words(value, self.lang.code)

    def unit(self, key: str) -> tuple[str, str]:
        code, name = UNITS[key]
        return code, self._(name)

    def service(self, key: str) -> str:
        return self._(SERVICE_LABELS.get(key, key))


def context(doc, scope) -> Ctx:
    lang = Lang(doc.language or "en")
    options = dict(doc.options or {})
    as_of = as_date(options.get("as_of")) if options.get("as_of") else dt.date.today()
    return Ctx(doc, scope, lang, parties.operator(lang), parties.customer(doc.company_id),
               as_date(doc.period_from), as_date(doc.period_to), as_of)


def scope_text(c: Ctx) -> str:
    _ = c._
    s = c.scope
    parts = []
    if s.accounts:
        parts.append(_("personal accounts: {accounts}").format(accounts=", ".join(s.accounts)))
    if s.numbers:
        shown = ", ".join(s.numbers[:5])
        if len(s.numbers) > 5:
            shown = _("{numbers} and {n} more").format(numbers=shown, n=len(s.numbers) - 5)
        parts.append(_("only the numbers ({n}): {numbers}").format(n=len(s.numbers),
                                                                   numbers=shown))
    return "; ".join(parts)


def scope_note(c: Ctx) -> list:
    """The line that says a document covers some numbers, not whole accounts."""
    if not c.scope.numbers:
        return []
    return [Text(c._("This document covers the chosen numbers only, not the whole "
                     "personal accounts."), "small")]


def party_fields(c: Ctx, seller_label: str, buyer_label: str) -> Fields:
    _ = c._
    rows = []
    for label, p in ((seller_label, c.seller), (buyer_label, c.buyer)):
        rows.append((label, p.name))
        rows.append((_("INN/KPP"), p.inn_kpp()))
        rows.append((_("Address"), p.address))
    rows.append((_("Basis"), parties.contract(c.doc.company_id, c.lang)))
    rows.append((_("Scope"), scope_text(c)))
    return Fields(rows)


def signatures(c: Ctx, seller_title: str, buyer_title: str, accountant: bool = True) -> Signatures:
    _ = c._
    seller = [(_("Director"), c.seller.director)]
    buyer = [(_("Director"), c.buyer.director)]
    if accountant:
        seller.append((_("Chief accountant"), c.seller.chief_accountant))
        buyer.append((_("Chief accountant"), c.buyer.chief_accountant))
    return Signatures([(seller_title, seller), (buyer_title, buyer)])


def total_line(c: Ctx, count: int, total) -> list:
    _ = c._
    return [Text(_("Services rendered: {n}, for the amount of {amount}").format(
                n=count, amount=c.money(total)), "bold"),
            Text(c.words(total), "bold")]
