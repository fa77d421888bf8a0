"""The employee card: everything about one number in one read, scoped to the company.
Later issues (services, forwarding, SIM, limits) add their actions; this module reads."""

from __future__ import annotations

import peewee as pw

from corptui import money, permissions
from corptui.errors import NotFound
from corptui.i18n import _
from corptui.limits import limit_spend
from corptui.numbers import tags_by_subscriber
from storage.models import (
    Charge,
    ForwardingRule,
    Option,
    PersonalAccount,
    SimCard,
    Subscriber,
    SubscriberOption,
    Tariff,
)


def card(session, subscriber_id: int, months: int = 3) -> dict:
    permissions.require(session, "read")
    sub = (Subscriber.select(Subscriber, Tariff.name.alias("tariff_name"),
                             Tariff.code.alias("tariff_code"),
                             PersonalAccount.number.alias("account_number"))
           .join(Tariff, pw.JOIN.LEFT_OUTER, on=(Subscriber.tariff == Tariff.id))
           .switch(Subscriber)
           .join(PersonalAccount, on=(Subscriber.account == PersonalAccount.id))
           .where((Subscriber.company == session.company_id)
                  & (Subscriber.id == int(subscriber_id)))
           .objects().first())
    if sub is None:
        raise NotFound(_("no number {subscriber_id} in this company").format(subscriber_id=subscriber_id))
    options = [
        {"code": code, "name": name, "state": state}
        for code, name, state in SubscriberOption.select(Option.code, Option.name,
                                                         SubscriberOption.state)
        .join(Option).where((SubscriberOption.subscriber == sub.id)
                            & (SubscriberOption.state != "disconnected"))
        .order_by(Option.name).tuples()
    ]
    forwarding = [
        {"condition": c, "target": t, "delay_seconds": d, "active": a}
        for c, t, d, a in ForwardingRule.select(ForwardingRule.condition, ForwardingRule.target,
                                                ForwardingRule.delay_seconds,
                                                ForwardingRule.active)
        .where(ForwardingRule.subscriber == sub.id).order_by(ForwardingRule.condition).tuples()
    ]
    sims = [
        {"iccid": iccid, "state": state}
        for iccid, state in SimCard.select(SimCard.iccid, SimCard.state)
        .where((SimCard.subscriber == sub.id) & (SimCard.company == session.company_id))
        .order_by(SimCard.state).tuples()
    ]
    charges = [
        {"period": period, "amount": money.from_sum(kopecks)}  # the SUM is raw kopecks
        for period, kopecks in Charge.select(Charge.period,
                                             pw.fn.SUM(Charge.amount).coerce(False))
        .where((Charge.subscriber == sub.id) & (Charge.company == session.company_id))
        .group_by(Charge.period).order_by(Charge.period.desc()).limit(months).tuples()
    ]
    return {
        "id": sub.id, "msisdn": sub.msisdn, "full_name": sub.full_name,
        "position": sub.position, "version": sub.version, "status": sub.status,
        "tariff": sub.tariff_name or "", "tariff_code": sub.tariff_code or "",
        "account": sub.account_number,
        "spending_limit": sub.spending_limit,
        "limit_spend": limit_spend(session, [sub.id])[sub.id],
        "tags": tags_by_subscriber(session.company_id, [sub.id]).get(sub.id, []),
        "options": options, "forwarding": forwarding, "sims": sims, "charges": charges,
        "tariff_advice": _advice(session, sub.id),
    }


def _advice(session, subscriber_id: int) -> dict | None:
    from corptui import tariff_optimiser

    return tariff_optimiser.of_number(session, subscriber_id)
