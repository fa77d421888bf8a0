"""The closing documents of a billed month and the invoice: the act of services (акт
оказанных услуг), the invoice-facture (счёт-фактура) in the official form's columns, the
UPD (универсальный передаточный документ, status 1) that replaces the pair, and the
invoice for payment (счёт на оплату). One form per billed month of the period, each
numbered in its type's sequence (a reprint finds the same number and date)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from corptui.documents import figures, ledger
from corptui.documents.forms.common import DASH, context, party_fields, scope_note, signatures, total_line
from corptui.documents.model import Col, Content, Fields, Form, Signatures, Table, Text
from corptui.documents.numbering import number_for
from corptui.documents.parties import contract
from corptui.errors import ValidationError
from corptui.periods import month_end

ZERO = Decimal("0.00")


def _months(c) -> list:
    months = ledger.billed_months(c.scope, c.date_from, c.date_to, c.as_of)
    if not months:
        raise ValidationError(c._("no billed month in {start} - {end}: a month is billed "
                                  "once it is closed").format(start=c.lang.date(c.date_from),
                                                              end=c.lang.date(c.date_to)),
                              "date_from")
    return months


def _lines(c, month) -> list[dict]:
    rate = figures.vat_rate(month_end(month))
    out = []
    for line in figures.service_lines(c.scope, month, c.as_of):
        gross = line["amount"]
        vat = figures.vat_of(gross, rate)
        price = (gross / line["quantity"]).quantize(Decimal("0.01"), ROUND_HALF_UP) \
            if line["quantity"] else gross
        out.append({**line, "gross": gross, "vat": vat, "net": gross - vat, "rate": rate,
                    "price": price, "net_price": ((gross - vat) / line["quantity"]).quantize(
                        Decimal("0.01"), ROUND_HALF_UP) if line["quantity"] else gross - vat})
    return out


def numbered(c, type_: str, month) -> tuple[int, object]:
    return number_for(c.doc.company_id, type_, f"{month.isoformat()}:{c.scope.key()}",
                      month_end(month))


def _content(c, type_label: str, forms: list[Form], numbers: list[int]) -> Content:
    text = ", ".join(str(n) for n in numbers)
    return Content(f"{type_label} {text}", forms, c.lang.code, text)


# -- act of services ----------------------------------------------------------------------

def make_acts(session, doc, scope, progress=None) -> Content:
    c = context(doc, scope)
    forms, numbers = [], []
    months = _months(c)
    for i, month in enumerate(months):
        n, on = numbered(c, "act_of_services", month)
        numbers.append(n)
        forms.append(_act(c, month, n, on))
        if progress:
            progress(10 + int(60 * (i + 1) / len(months)))
    return _content(c, c._("Act"), forms, numbers)


def _act(c, month, n, on) -> Form:
    _ = c._
    lines = _lines(c, month)
    rows = []
    for i, li in enumerate(lines, start=1):
        code, unit = c.unit(li["unit"])
        rows.append((str(i), c.service(li["key"]), li["quantity"], unit, li["price"],
                     li["gross"], li["vat"]))
    total = sum((li["gross"] for li in lines), ZERO)
    vat = sum((li["vat"] for li in lines), ZERO)
    rate = lines[0]["rate"] if lines else figures.vat_rate(on)
    table = Table("", [Col(_("No."), "text", 0.5), Col(_("Service"), "text", 4),
                       Col(_("Qty"), "qty", 1.2), Col(_("Unit"), "text", 1),
                       Col(_("Price, ₽"), "money", 1.3), Col(_("Amount, ₽"), "money", 1.5),
                       Col(_("incl. VAT, ₽"), "money", 1.4, brief=False)], rows,
                  [("", _("Total"), None, "", None, total, vat)])
    title = _("Act No. {n} of {date}").format(n=n, date=c.lang.date(on))
    return Form(title, [
        Text(title, "title"),
        Text(_("of the telecommunication services rendered in {month}").format(
            month=c.lang.month(month)), "subtitle"),
        party_fields(c, _("Contractor"), _("Customer")), *scope_note(c), table,
        Text(_("Total: {amount}, including VAT {rate}%: {vat}").format(
            amount=c.money(total), rate=rate, vat=c.money(vat))),
        *total_line(c, len(rows), total),
        Text(_("The services above were rendered in full and on time. The customer has "
               "no claims as to their volume, quality or timing.")),
        signatures(c, _("Contractor"), _("Customer"), accountant=False),
    ], "P", title)


# -- invoice-facture and UPD --------------------------------------------------------------

def _facture_fields(c, n, on, act_ref: str) -> Fields:
    _ = c._
    s, b = c.seller, c.buyer
    return Fields([
        (_("Correction No."), f"{DASH} " + _("of") + f" {DASH} (1а)"),
        (_("Seller") + " (2)", s.name), (_("Address") + " (2а)", s.address),
        (_("Seller's INN/KPP") + " (2б)", s.inn_kpp()),
        (_("Consignor and its address") + " (3)", DASH),
        (_("Consignee and its address") + " (4)", DASH),
        (_("To payment document") + " (5)", f"№ {DASH} " + _("of") + f" {DASH}"),
        (_("Shipping document") + " (5а)", act_ref),
        (_("Buyer") + " (6)", b.name), (_("Address") + " (6а)", b.address),
        (_("Buyer's INN/KPP") + " (6б)", b.inn_kpp()),
        (_("Currency: name, code") + " (7)", _("Russian rouble, 643")),
        (_("Government contract identifier") + " (8)", DASH),
    ])


def _facture_table(c, lines, upd: bool) -> Table:
    _ = c._
    cols = [Col(_("Name of the goods, work, services"), "text", 4.2),
            Col(_("Kind code"), "text", 0.8, brief=False), Col(_("Unit code"), "text", 0.8, brief=False),
            Col(_("Unit"), "text", 0.9), Col(_("Quantity"), "qty", 1.1),
            Col(_("Price per unit"), "money", 1.2, brief=False),
            Col(_("Cost without tax"), "money", 1.4), Col(_("Excise"), "text", 1.1, brief=False),
            Col(_("Tax rate"), "text", 0.95), Col(_("Tax amount"), "money", 1.3),
            Col(_("Cost with tax"), "money", 1.4), Col(_("Country code"), "text", 0.8, brief=False),
            Col(_("Country"), "text", 0.9, brief=False),
            Col(_("Customs declaration No."), "text", 1.3, brief=False)]
    numbers = ["1", "1а", "2", "2а", "3", "4", "5", "6", "7", "8", "9", "10", "10а", "11"]
    rows = []
    for i, li in enumerate(lines, start=1):
        code, unit = c.unit(li["unit"])
        rows.append([c.service(li["key"]), DASH, code, unit, li["quantity"], li["net_price"],
                     li["net"], _("no excise"), f"{li['rate']}%", li["vat"], li["gross"],
                     DASH, DASH, DASH])
        if upd:
            rows[-1][:0] = [str(i), DASH]
    net = sum((li["net"] for li in lines), ZERO)
    vat = sum((li["vat"] for li in lines), ZERO)
    gross = sum((li["gross"] for li in lines), ZERO)
    total = [_("Total payable") + " (9)", "", "", "", None, None, net, "", "", vat, gross,
             "", "", ""]
    if upd:
        cols[:0] = [Col(_("No."), "text", 0.5), Col(_("Code"), "text", 0.7, brief=False)]
        numbers[:0] = ["А", "Б"]
        total[:0] = ["", ""]
    return Table("", cols, [tuple(r) for r in rows], [tuple(total)], numbered_header=numbers,
                 font_size=6.5)


def make_invoice_factures(session, doc, scope, progress=None) -> Content:
    c = context(doc, scope)
    forms, numbers = [], []
    for month in _months(c):
        n, on = numbered(c, "invoice_facture", month)
        act_n, act_on = numbered(c, "act_of_services", month)
        numbers.append(n)
        lines = _lines(c, month)
        _ = c._
        ref = _("No. 1-{rows} act No. {act} of {date}").format(
            rows=len(lines), act=act_n, date=c.lang.date(act_on))
        title = _("Invoice-facture No. {n} of {date}").format(n=n, date=c.lang.date(on))
        forms.append(Form(title, [
            Text(title + " (1)", "title"), _facture_fields(c, n, on, ref), *scope_note(c),
            _facture_table(c, lines, upd=False),
            Signatures(
                [(c.seller.name, [(_("Head of the organisation or other authorised person"),
                                   c.seller.director),
                                  (_("Chief accountant or other authorised person"),
                                   c.seller.chief_accountant)])], stamp=False),
        ], "L", title))
    return _content(c, c._("Invoice-facture"), forms, numbers)


def make_upds(session, doc, scope, progress=None) -> Content:
    c = context(doc, scope)
    forms, numbers = [], []
    for month in _months(c):
        n, on = numbered(c, "upd", month)
        numbers.append(n)
        forms.append(_upd(c, month, n, on))
    return _content(c, c._("UPD"), forms, numbers)


def _upd(c, month, n, on) -> Form:
    _ = c._
    lines = _lines(c, month)
    title = _("Universal transfer document No. {n} of {date}").format(n=n, date=c.lang.date(on))
    ref = _("No. 1-{rows} UPD No. {n} of {date}").format(rows=len(lines), n=n,
                                                         date=c.lang.date(on))
    s, b = c.seller, c.buyer
    inn_kpp = _("INN/KPP")
    foot = Table("", [Col(_("Seller"), "text", 1), Col(_("Buyer"), "text", 1)], [
        (_("Basis of the transfer: {basis}").format(basis=contract(c.doc.company_id, c.lang)),
         _("Transport and cargo data: {none}").format(none=DASH)),
        (_("Services rendered by: {position} ________ {name}").format(
            position=_("Director"), name=s.director),
         _("Services accepted by: ________ {name}").format(name=b.director or "________")),
        (_("Date of the transfer: {date}").format(date=c.lang.date(on)),
         _("Date of acceptance: ____.____.________")),
        (_("Responsible for the record: {position} ________ {name}").format(
            position=_("Chief accountant"), name=s.chief_accountant),
         _("Responsible for the record: ________ {name}").format(
             name=b.chief_accountant or "________")),
        (f"{s.name}, {inn_kpp} {s.inn_kpp()}", f"{b.name}, {inn_kpp} {b.inn_kpp()}"),
    ], plain=True)
    return Form(title, [
        Text(title, "title"),
        Text(_("Status: 1 (invoice-facture and transfer document (act))"), "subtitle"),
        Text(_("Invoice-facture No. {n} of {date}").format(n=n, date=c.lang.date(on)) + " (1)",
             "bold"),
        _facture_fields(c, n, on, ref), *scope_note(c), _facture_table(c, lines, upd=True),
        Text(_("The services of {month} were rendered in full; the customer has no "
               "claims.").format(month=c.lang.month(month))),
        foot,
    ], "L", title)


# -- invoice for payment ------------------------------------------------------------------

def make_invoice(session, doc, scope, progress=None) -> Content:
    c = context(doc, scope)
    _ = c._
    months = _months(c)
    on = month_end(months[-1])
    n, on = number_for(doc.company_id, "invoice", f"{c.date_from}:{c.date_to}:{scope.key()}",
                       on)
    totals: dict[str, Decimal] = {}
    vat = ZERO
    for month in months:
        for li in _lines(c, month):
            totals[li["key"]] = totals.get(li["key"], ZERO) + li["gross"]
            vat += li["vat"]
    rows = [(str(i), c.service(k), Decimal(1), c.unit("unit")[1], a, a)
            for i, (k, a) in enumerate(totals.items(), start=1)]
    total = sum(totals.values(), ZERO)
    s = c.seller
    inn_kpp = _("INN/KPP")
    title = _("Invoice No. {n} of {date}").format(n=n, date=c.lang.date(on))
    table = Table("", [Col(_("No."), "text", 0.5), Col(_("Service"), "text", 4),
                       Col(_("Qty"), "qty", 1), Col(_("Unit"), "text", 1),
                       Col(_("Price, ₽"), "money", 1.4), Col(_("Amount, ₽"), "money", 1.5)],
                  rows, [("", _("Total"), None, "", None, total),
                         ("", _("incl. VAT"), None, "", None, vat)])
    return _content(c, _("Invoice"), [Form(title, [
        Fields([(_("Payee's bank"), s.bank), (_("BIC"), s.bik),
                (_("Corr. account"), s.corr_account), (_("Account"), s.account),
                (_("Payee"), f"{s.name}, {inn_kpp} {s.inn_kpp()}")]),
        Text(title, "title"),
        Text(_("for the telecommunication services of {start} - {end}").format(
            start=c.lang.month(months[0]), end=c.lang.month(months[-1])), "subtitle"),
        party_fields(c, _("Supplier"), _("Payer")), *scope_note(c), table,
        *total_line(c, len(rows), total),
        Signatures(
            [(_("Supplier"), [(_("Director"), s.director),
                              (_("Chief accountant"), s.chief_accountant)])], stamp=True),
    ], "P", title)], [n])
