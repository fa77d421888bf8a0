"""Limits that act: when a number's spend in the month crosses its notification threshold
or its limit, the company's admins (and, if the number says so, the employee: an SMS to
the number itself) are told once per month per threshold; crossing the limit applies what
the limit says: ``notify`` only, or ``block`` (outgoing paid services blocked until the
next month or until the limit is raised above the spend). Every block and lift is in the
audit log.

``check`` does it for a company (the worker runs it whenever charges arrived or limits
changed: ``periodic_check``); the ``limit_alert`` rows, unique per (number, month, level),
make a second run (or a second worker) tell nobody twice. The spend is
``spend.number_totals``: the charges of the month, however they were rated."""

from __future__ import annotations

import datetime as dt
import weakref

import peewee as pw

from corptui import audit, spend
from corptui.errors import ValidationError
from corptui.i18n import N_, _, money, ngettext
from corptui.phones import format_msisdn
from corptui.session import Session
from storage.db import atomic, database
from storage.fields import from_kopecks, to_kopecks, utcnow
from storage.idsets import in_ids
from storage.models import AuditEntry, Charge, Company, LimitAlert, Subscriber, User

ACTIONS = ("notify", "block")
ACTION_LABELS = {"notify": N_("notify only"), "block": N_("block outgoing paid services")}
DEFAULT_ACTION = "notify"
DEFAULT_PERCENT = 80  # as limits.DEFAULT_NOTIFY_PERCENT
DIGEST_LINES = 20  # numbers named in one message to an admin; the rest are counted


def clean_action(value) -> str:
    text = str(value or "").strip().lower()
    if text in ("", "notify", "уведомить", "уведомлять"):
        return "notify"
    if text in ("block", "блокировать", "блок"):
        return "block"
    raise ValidationError(_("the limit action is notify or block"), "action")


def level_of(spent: int, limit: int, percent: int | None) -> str | None:
    """"over" when the spend (kopecks) reaches the limit (a zero limit: any spend), "near"
    from the threshold percent of the limit, else None (limits.state_of in kopecks)."""
    if spent > 0 and spent >= limit:
        return "over"
    threshold = DEFAULT_PERCENT if percent is None else percent
    if limit > 0 and spent * 100 >= limit * threshold:
        return "near"
    return None


def is_blocked(blocked_at, month: dt.date) -> bool:
    """A block set in ``month`` (or later) still holds; an older one ended with its month."""
    if blocked_at is None:
        return False
    return blocked_at.date() >= month


# -- who is told ------------------------------------------------------------------------

def _admins(company_id: int) -> list[tuple[str, str]]:
    """(channel, recipient) of each owner/admin of the company: email when the user has
    one, else an SMS to the login phone."""
    out = []
    q = (User.select(User.phone, User.email)
         .where((User.company == company_id) & (User.role.in_(("owner", "admin")))
                & (User.blocked == False))  # noqa: E712
         .order_by(User.id).tuples())
    for phone, email in q:
        out.append(("email", email) if email else ("sms", phone))
    return out


def _line(row: dict) -> str:
    name = row["name"] or _("(no name)")
    return _("{number} {name}: {spent} of {limit}").format(
        number=format_msisdn(row["msisdn"]), name=name, spent=money(row["spent"]),
        limit=money(row["limit"]))


def _digest(level: str, rows: list[dict], month: dt.date) -> tuple[str, str]:
    """(subject, body) of one message to an admin about the numbers that crossed."""
    n = len(rows)
    if level == "over":
        subject = ngettext("{n} number reached its spending limit in {month:%m.%Y}",
                           "{n} numbers reached their spending limit in {month:%m.%Y}",
                           n).format(n=n, month=month)
    else:
        subject = ngettext("{n} number is near its spending limit in {month:%m.%Y}",
                           "{n} numbers are near their spending limit in {month:%m.%Y}",
                           n).format(n=n, month=month)
    lines = [subject + ":"]
    for row in rows[:DIGEST_LINES]:
        text = _line(row)
        if row.get("blocked"):
            text += " · " + _("outgoing paid services blocked until the next month "
                              "or a raise of the limit")
        lines.append(text)
    if n > DIGEST_LINES:
        lines.append(_("… and {more} more (Numbers: filter over limit).").format(
            more=n - DIGEST_LINES))
    return subject, "\n".join(lines)


def _employee_text(level: str, row: dict) -> str:
    if level == "near":
        return _("Your number has spent {spent} of its {limit} monthly limit.").format(
            spent=money(row["spent"]), limit=money(row["limit"]))
    if row.get("blocked"):
        return _("Your number reached its {limit} monthly limit: outgoing paid services "
                 "are blocked until the next month.").format(limit=money(row["limit"]))
    return _("Your number reached its {limit} monthly limit.").format(
        limit=money(row["limit"]))


def _tell(company_id: int, month: dt.date, crossed: dict[str, list[dict]]) -> int:
    """Queue the messages of one check (in its transaction). Returns how many."""
    from corptui import notify

    sent = 0
    admins = _admins(company_id)
    for level in ("over", "near"):
        rows = crossed.get(level) or []
        if not rows:
            continue
        subject, body = _digest(level, rows, month)
        for channel, recipient in admins:
            try:
                if channel == "email":
                    notify.queue_email(recipient, subject, body, company_id=company_id)
                else:
                    notify.queue_sms(recipient, body, company_id=company_id)
                sent += 1
            except ValidationError:  # a user's bad address must not stop the check
                continue
        for row in rows:
            if row["employee"]:
                notify.queue_sms(row["msisdn"], _employee_text(level, row),
                                 company_id=company_id)
                sent += 1
    return sent


# -- the check --------------------------------------------------------------------------

def _limited(company_id: int, ids=None) -> list[tuple]:
    q = (Subscriber.select(Subscriber.id, Subscriber.msisdn, Subscriber.full_name,
                           Subscriber.spending_limit, Subscriber.limit_notify_percent,
                           Subscriber.limit_action, Subscriber.limit_notify_employee,
                           Subscriber.limit_blocked_at)
         .where((Subscriber.company == company_id)
                & Subscriber.spending_limit.is_null(False)))
    if ids is not None:
        q = q.where(in_ids(Subscriber.id, ids))
    return list(q.tuples())


def _system(company_id: int, source: str) -> Session:
    return Session(company_id=company_id, role="owner", user_id=None, actor="worker",
                   source=source)


def lift_old_blocks(company_id: int, month: dt.date, now=None) -> int:
    """A new month: every block of an earlier month is lifted (audited). Returns how many."""
    start = dt.datetime.combine(month, dt.time(), dt.UTC)
    rows = list(Subscriber.select(Subscriber.id, Subscriber.limit_blocked_at)
                .where((Subscriber.company == company_id)
                       & (Subscriber.limit_blocked_at < start)).tuples())
    if rows:
        _unblock(_system(company_id, "limits: new month"), [sid for sid, _at in rows],
                 "new month", now)
    return len(rows)


def _unblock(session, ids, reason: str, now=None) -> None:
    now = now or utcnow()
    for i in range(0, len(ids), 1000):
        part = ids[i:i + 1000]
        Subscriber.update(limit_blocked_at=None, updated_at=now).where(
            (Subscriber.company == session.company_id) & in_ids(Subscriber.id, part)).execute()
    audit.record_many(session, "limits.unblock", "subscriber",
                      [(sid, {"blocked": True}, {"blocked": False, "reason": reason})
                       for sid in ids], audit.new_operation())


def _crossings(company_id: int, month: dt.date, totals: dict[int, int], ids=None):
    """[(row dict, levels newly crossed)] of the numbers with a limit that crossed a
    threshold not told yet this month (a threshold is a level of one limit amount: after
    a raise the new limit's thresholds count afresh), or that are over a limit that
    blocks but are not blocked yet (the action was switched to block meanwhile)."""
    have = set(LimitAlert.select(LimitAlert.subscriber, LimitAlert.level,
                                 LimitAlert.spending_limit)
               .where((LimitAlert.company == company_id) & (LimitAlert.month == month))
               .tuples())
    out = []
    for sid, msisdn, name, limit, percent, action, employee, blocked_at in _limited(
            company_id, ids):
        spent = totals.get(sid, 0)
        level = level_of(spent, to_kopecks(limit), percent)
        if level is None:
            continue
        levels = ["near", "over"] if level == "over" else ["near"]
        new = [lv for lv in levels if (sid, lv, limit) not in have]
        row = {"id": sid, "msisdn": msisdn, "name": name, "spent": from_kopecks(spent),
               "limit": limit, "action": action or DEFAULT_ACTION, "employee": bool(employee),
               "blocked": is_blocked(blocked_at, month)}
        must_block = level == "over" and row["action"] == "block" and not row["blocked"]
        if new or must_block:
            out.append((row, new))
    return out


def check(company_id: int, today: dt.date | None = None, ids=None, now=None) -> dict:
    """Act on the limits of the company's numbers (``ids``: only those) for the month in
    progress. Returns {"month", "near", "over", "blocked", "lifted", "messages"}."""
    now = now or utcnow()
    current = (today or now.date()).replace(day=1)
    month = spend.latest_month(company_id, today or now.date())
    result = {"month": month, "near": 0, "over": 0, "blocked": 0, "lifted": 0, "messages": 0}
    with atomic():
        result["lifted"] = lift_old_blocks(company_id, current, now)
        if month is None or month != current:
            return result  # no charges this month yet: nothing crossed
        found = _crossings(company_id, month, spend.number_totals(company_id, month), ids)
        if not found:
            return result
        crossed: dict[str, list[dict]] = {"near": [], "over": []}
        to_block, alerts = [], []
        for row, levels in found:
            over = "over" in levels or (not levels and row["action"] == "block")
            if over and row["action"] == "block" and not row["blocked"]:
                row["blocked"] = True
                to_block.append(row)
            for lv in levels:
                alerts.append((company_id, row["id"], month, lv, row["spent"], row["limit"],
                               lv == "over" and row["blocked"], now))
            # the highest level crossed now is told; "near" on the way over is only noted
            crossed["over" if over else "near"].append(row)
        fields = [LimitAlert.company, LimitAlert.subscriber, LimitAlert.month, LimitAlert.level,
                  LimitAlert.spent, LimitAlert.spending_limit, LimitAlert.blocked,
                  LimitAlert.created_at]
        for i in range(0, len(alerts), 500):
            LimitAlert.insert_many(alerts[i:i + 500], fields=fields).execute()
        if to_block:
            _block(company_id, to_block, now)
        result.update(near=len(crossed["near"]), over=len(crossed["over"]),
                      blocked=len(to_block), messages=_tell(company_id, month, crossed))
    return result


def _block(company_id: int, rows: list[dict], now) -> None:
    session = _system(company_id, "limits: limit reached")
    ids = [r["id"] for r in rows]
    for i in range(0, len(ids), 1000):
        Subscriber.update(limit_blocked_at=now, updated_at=now).where(
            (Subscriber.company == company_id) & in_ids(Subscriber.id, ids[i:i + 1000])).execute()
    audit.record_many(session, "limits.block", "subscriber",
                      [(r["id"], {"blocked": False},
                        {"blocked": True, "spent": r["spent"], "limit": r["limit"]})
                       for r in rows], audit.new_operation())


def after_limits_set(session, ids, now=None) -> int:
    """Called by limits.set_limits in its transaction: a blocked number whose limit was
    raised above its spend (or removed, or set to notify only) is unblocked at once.
    Returns how many."""
    now = now or utcnow()
    month = spend.latest_month(session.company_id, now.date()) or now.date().replace(day=1)
    rows = list(Subscriber.select(Subscriber.id, Subscriber.spending_limit,
                                  Subscriber.limit_action, Subscriber.limit_blocked_at)
                .where((Subscriber.company == session.company_id)
                       & Subscriber.limit_blocked_at.is_null(False) & in_ids(Subscriber.id, ids))
                .tuples())
    if not rows:
        return 0
    totals = spend.number_totals(session.company_id, month)
    lift = [sid for sid, limit, action, _at in rows
            if limit is None or (action or DEFAULT_ACTION) != "block"
            or totals.get(sid, 0) < to_kopecks(limit)]
    if lift:
        _unblock(session, lift, "limit raised", now)
    return len(lift)


def blocked_ids(company_id: int, today: dt.date | None = None) -> set[int]:
    """The numbers whose outgoing paid services are blocked by their limit now."""
    start = dt.datetime.combine((today or utcnow().date()).replace(day=1), dt.time(), dt.UTC)
    return {sid for (sid,) in Subscriber.select(Subscriber.id).where(
        (Subscriber.company == company_id) & (Subscriber.limit_blocked_at >= start)).tuples()}


# -- the worker's hook ------------------------------------------------------------------

# (database -> {company id: (version, day)} of the last check): a check only when charges
# arrived or limits changed since, or the day changed
_LAST: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _version(company_id: int) -> tuple:
    return (Charge.select(pw.fn.MAX(Charge.id)).where(Charge.company == company_id).scalar(),
            AuditEntry.select(pw.fn.MAX(AuditEntry.id))
            .where(AuditEntry.company == company_id).scalar())


def periodic_check() -> dict[int, dict]:
    """Check every company whose charges or audit log moved since its last check."""
    seen = _LAST.setdefault(database.obj, {})
    out = {}
    today = utcnow().date()
    for (cid,) in Company.select(Company.id).tuples():
        version = (_version(cid), today)
        if seen.get(cid) == version:
            continue
        try:
            out[cid] = check(cid, today)
        except pw.IntegrityError:  # another worker told them first: next time
            continue
        seen[cid] = (_version(cid), today)  # after our own audit entries
    return out


def _register() -> None:
    from corptui import jobs

    jobs.register_periodic("limits.check", periodic_check)


_register()
