"""What a document covers: whole personal accounts, or some numbers of them. Validated at
the order (every account and number of the company, the numbers on the chosen accounts)
and resolved to ids when the document is built."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from corptui.errors import ValidationError
from corptui.i18n import _
from storage.idsets import in_ids
from storage.models import Charge, Payment, Subscriber


@dataclass(frozen=True)
class Scope:
    company_id: int
    account_ids: tuple[int, ...]
    subscriber_ids: tuple[int, ...]
    accounts: tuple[str, ...]
    numbers: tuple[str, ...]

    def charge_cond(self):
        cond = Charge.company == self.company_id
        if self.subscriber_ids:
            return cond & in_ids(Charge.subscriber, self.subscriber_ids)
        return cond & in_ids(Charge.account, self.account_ids)

    def payment_cond(self):
        cond = Payment.company == self.company_id
        if self.subscriber_ids:
            return cond & in_ids(Payment.subscriber, self.subscriber_ids)
        return cond & in_ids(Payment.account, self.account_ids)

    def key(self) -> str:
        """A short stable name of the scope (the number sequences' key)."""
        text = json.dumps([sorted(self.accounts), sorted(self.numbers)])
        return hashlib.sha1(text.encode()).hexdigest()[:16]


def resolve_scope(session, scope: dict) -> Scope:
    from corptui import scope as which_numbers

    accounts = tuple(scope.get("accounts") or ())
    numbers = tuple(scope.get("numbers") or ())
    sub_ids, acc_ids = which_numbers.numbers_and_accounts(session, numbers, accounts)
    return Scope(session.company_id, tuple(acc_ids), tuple(sub_ids), accounts, numbers)


def validate_scope(session, accounts, numbers, errors: dict[str, str]) -> dict:
    """The accounts and numbers a document or a schedule covers: cleaned, without repeats,
    not empty and all of the session's company; problems go into ``errors``."""
    from corptui.phones import normalize

    accounts = list(dict.fromkeys(a.strip() for a in (accounts or ()) if a and a.strip()))
    try:
        msisdns = list(dict.fromkeys(normalize(n, "numbers") for n in (numbers or ())
                                     if n and str(n).strip()))
    except ValidationError as exc:
        errors["numbers"] = _("numbers: {message}").format(message=exc.message)
        msisdns = []
    if not accounts and not msisdns and "numbers" not in errors:
        errors["accounts"] = _("choose at least one personal account or number")
    if not errors:
        try:
            _check_scope(session, accounts, msisdns)
        except ValidationError as exc:
            errors[exc.field or "accounts"] = exc.message
    return {"accounts": accounts, "numbers": msisdns}


def _check_scope(session, accounts: list[str], msisdns: list[str]) -> None:
    from corptui import scope as which_numbers

    sub_ids, acc_ids = which_numbers.numbers_and_accounts(session, msisdns, accounts)
    if acc_ids and sub_ids:
        outside = (Subscriber.select(Subscriber.msisdn)
                   .where(in_ids(Subscriber.id, sub_ids)
                          & ~(Subscriber.account.in_(list(acc_ids))))
                   .limit(1).tuples().first())
        if outside:
            raise ValidationError(
                _("numbers: {value} is not on the chosen account(s)").format(value=outside[0]), "numbers")
