"""The reconciliation act (акт сверки взаимных расчётов): both parties with their
details, the period, the opening balance, one line per document of the period (the act
or UPD of each billed month for the charges, each payment order for the payments) with
date, document and debit/credit on each party's side, the turnovers, the closing
balance, in whose favour the debt is (in words) and both parties' signatures."""

from __future__ import annotations

from decimal import Decimal

from corptui.documents import figures, ledger
from corptui.documents.forms.common import context, party_fields, scope_note, signatures
from corptui.documents.kinds import closing_types
from corptui.documents.model import Col, Content, Form, Table, Text
from corptui.documents.numbering import number_for
from corptui.periods import month_end
from storage.models import Company

ZERO = Decimal("0.00")
# "Credit" is already a refund ("Возврат") in the screens' catalog: the ledger's term here
CREDIT = {"ru": "Кредит", "en": "Credit"}


def _side(amount: Decimal) -> tuple:
    """A balance as (debit, credit) on the operator's side: the customer's debt is the
    operator's debit, an advance its credit."""
    if amount < 0:
        return -amount, None
    if amount > 0:
        return None, amount
    return None, None


def _lines(c, r, act_type) -> list[tuple]:
    """(date, operator's document, debit, credit) per document of the period."""
    _ = c._
    label = _("Act") if act_type == "act_of_services" else _("UPD")
    out = []
    for m in r["months"]:
        if m["charges"]:
            n, on = number_for(c.doc.company_id, act_type,
                               f"{m['month'].isoformat()}:{c.scope.key()}", month_end(m["month"]))
            out.append((on, _("{doc} No. {n} of {date}").format(doc=label, n=n,
                                                                  date=c.lang.date(on)),
                        m["charges"], None))
    for day, number, amount in ledger.payments_in(c.scope, c.date_from, c.date_to):
        text = (_("Payment, payment order No. {n}").format(n=number) if number
                else _("Payment"))
        # a refund or a negative adjustment adds to the debt: the operator's debit
        out.append((day, text, -amount, None) if amount < 0 else (day, text, None, amount))
    out.sort(key=lambda li: (li[0], li[3] is not None))
    return out


def make(session, doc, scope, progress=None) -> Content:
    c = context(doc, scope)
    _ = c._
    r = figures.reconciliation(session, scope, c.date_from, c.date_to, progress=progress,
                               as_of=c.as_of)
    act_type = closing_types(Company.get_by_id(doc.company_id).document_set)[0]
    n, on = number_for(doc.company_id, "reconciliation_act",
                       f"{c.date_from}:{c.date_to}:{scope.key()}", c.as_of)
    s, b = c.seller, c.buyer
    rows = [("", _("Opening balance"), *_side(r["opening"]), "", "", *reversed(_side(r["opening"])))]
    debits = credits = ZERO
    for day, text, debit, credit in _lines(c, r, act_type):
        rows.append((day, text, debit, credit, day, text, credit, debit))
        debits += debit or ZERO
        credits += credit or ZERO
    totals = [("", _("Turnover for the period"), debits, credits, "", "", credits, debits),
              ("", _("Closing balance"), *_side(r["closing"]), "", "",
               *reversed(_side(r["closing"])))]
    cols = [Col(_("Date"), "date", 1.45), Col(_("Document"), "text", 2.1),
            Col(_("Debit"), "money", 1.6), Col(CREDIT[c.lang.code], "money", 1.6),
            Col(_("Date"), "date", 1.45, brief=False), Col(_("Document"), "text", 2.1, brief=False),
            Col(_("Debit"), "money", 1.6, brief=False),
            Col(CREDIT[c.lang.code], "money", 1.6, brief=False)]
    table = Table("", cols, rows, totals, font_size=7, group_header=[
        (_("According to {party}, ₽").format(party=s.name), 4),
        (_("According to {party}, ₽").format(party=b.name), 4)])
    title = _("Reconciliation act No. {n} of {date}").format(n=n, date=c.lang.date(on))
    return Content(title, [Form(title, [
        Text(title, "title"),
        Text(_("of mutual settlements for {start} - {end} between {seller} and {buyer}").format(
            start=c.lang.date(c.date_from), end=c.lang.date(c.date_to), seller=s.name,
            buyer=b.name), "subtitle"),
        party_fields(c, _("Seller"), _("Buyer")), *scope_note(c),
        Text(_("We, the undersigned, have drawn up this act: the state of mutual settlements "
               "according to the records is as follows.")),
        table, _verdict(c, r["closing"]),
        signatures(c, _("For {party}").format(party=s.name),
                   _("For {party}").format(party=b.name)),
    ], "P", title)], c.lang.code, str(n))


def _verdict(c, closing: Decimal) -> Text:
    _ = c._
    s, b = c.seller, c.buyer
    when = c.lang.date(c.date_to)
    if closing == 0:
        return Text(_("According to {party}, on {date} there is no debt.").format(
            party=s.name, date=when), "bold")
    creditor = s.name if closing < 0 else b.name
    return Text(_("According to {party}, on {date} the debt in favour of {creditor} is "
                  "{amount} ({words}).").format(party=s.name, date=when, creditor=creditor,
                                                amount=c.money(abs(closing)),
                                                words=c.words(abs(closing))), "bold")
