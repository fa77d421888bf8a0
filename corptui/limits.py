"""Communication limits of the company's numbers: a monthly spending limit (Decimal
rubles, or none), data and roaming bans, and a notification threshold (percent of the
limit). Set on one number or on many at once (all-or-nothing, with a preview, one audit
entry per changed number).

``limit_states`` tells the numbers list which numbers are near or over their limit: the
charges of the billing month (the latest month the company has charges for, not after
the current month) against the limit; "near" from the number's threshold (80 % when it
has none)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from corptui import audit, money, permissions
from corptui.errors import NotFound, ValidationError, chunked, stop_if_cancelled
from corptui.i18n import _, number
from storage.bulk import in_values
from storage.db import atomic
from storage.fields import utcnow
from storage.models import Charge, Subscriber

ACTION = "limits.change"
AMOUNT_MAX = Decimal("10000000")
DEFAULT_NOTIFY_PERCENT = 80
UNSET = object()  # "leave this field as it is" in a bulk change
CHUNK = 500  # numbers between two progress reports / cancel checks of a bulk change
FIELDS = ("spending_limit", "data_ban", "roaming_ban", "limit_notify_percent", "limit_action",
          "limit_notify_employee")


# -- validation -------------------------------------------------------------------------

def clean_amount(value) -> Decimal | None:
    """A limit in rubles (>= 0, at most 2 decimals; "1 000,50", "1,000.50", "1000"), or
    None (the Python value) to remove the limit. Typed text never removes it: an empty
    field, "-" or "none" is an error, removing is its own action (the dialog's "Remove
    the limit", ``limits set --remove-limit``)."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() in ("", "-", "none", "no", "нет"):
        raise ValidationError(_("give the limit as an amount; removing the limit is its "
                                "own action (the Remove the limit button, or "
                                "--remove-limit)"), "amount")
    amount = money.parse(value, "amount", maximum=AMOUNT_MAX)
    return amount


def clean_percent(value) -> int | None:
    """The notification threshold, 1-100 %, or None."""
    if value is None:
        return None
    text = str(value).strip().rstrip("%").strip()
    if text.lower() in ("", "none", "no", "-", "нет"):
        return None
    try:
        percent = int(text)
    except ValueError:
        raise ValidationError(_("the threshold is a whole percent (1-100)"), "notify_percent") from None
    if not 1 <= percent <= 100:
        raise ValidationError(_("the threshold is 1 to 100 percent"), "notify_percent")
    return percent


def clean_changes(amount=UNSET, data_ban=UNSET, roaming_ban=UNSET, notify_percent=UNSET,
                  action=UNSET, notify_employee=UNSET) -> dict:
    """{column: value} of the fields given (UNSET fields are left out); every field is
    checked, ValidationError.errors names each bad one. ``action`` / ``notify_employee``:
    what crossing the limit does (corptui.limit_actions)."""
    out: dict = {}
    errors: dict[str, str] = {}
    _clean_acting(out, errors, action, notify_employee)
    if amount is not UNSET:
        try:
            out["spending_limit"] = clean_amount(amount)
        except ValidationError as exc:
            errors.update(exc.errors)
    if notify_percent is not UNSET:
        try:
            out["limit_notify_percent"] = clean_percent(notify_percent)
        except ValidationError as exc:
            errors.update(exc.errors)
    if data_ban is not UNSET and data_ban is not None:
        out["data_ban"] = bool(data_ban)
    if roaming_ban is not UNSET and roaming_ban is not None:
        out["roaming_ban"] = bool(roaming_ban)
    if errors:
        raise ValidationError(next(iter(errors.values())), next(iter(errors)), errors)
    return out


def _clean_acting(out: dict, errors: dict, action, notify_employee) -> None:
    """The acting fields of a limit (limit_actions): notify or block, tell the employee."""
    from corptui.limit_actions import clean_action

    if action is not UNSET and action is not None:
        try:
            out["limit_action"] = clean_action(action)
        except ValidationError as exc:
            errors.update(exc.errors or {exc.field: exc.message})
    if notify_employee is not UNSET and notify_employee is not None:
        out["limit_notify_employee"] = bool(notify_employee)


# -- reading ----------------------------------------------------------------------------

def _limits_dict(values) -> dict:
    sid, limit, data_ban, roaming_ban, percent, action, employee, blocked_at = values
    return {"id": sid, "spending_limit": limit, "data_ban": bool(data_ban),
            "roaming_ban": bool(roaming_ban), "limit_notify_percent": percent,
            "limit_action": action or "notify", "limit_notify_employee": bool(employee),
            "limit_blocked_at": blocked_at}


def _read(session, ids) -> dict[int, dict]:
    rows = (Subscriber.select(Subscriber.id, Subscriber.spending_limit, Subscriber.data_ban,
                              Subscriber.roaming_ban, Subscriber.limit_notify_percent,
                              Subscriber.limit_action, Subscriber.limit_notify_employee,
                              Subscriber.limit_blocked_at)
            .where((Subscriber.company == session.company_id) & in_values(Subscriber.id, ids))
            .tuples())
    return {r[0]: _limits_dict(r) for r in rows}


def get_limits(session, subscriber_id) -> dict:
    permissions.require(session, "read")
    found = _read(session, [int(subscriber_id)])
    if not found:
        raise NotFound(_("no number {subscriber_id} in this company").format(subscriber_id=subscriber_id))
    return found[int(subscriber_id)]


def _company_limits(session, ids) -> dict[int, dict]:
    ids = {int(i) for i in ids}
    if not ids:
        raise ValidationError(_("no numbers selected"), "numbers")
    found = _read(session, ids)
    missing = ids - set(found)
    if missing:
        raise NotFound(_("{missing_count} of the selected numbers are not in this company (deleted meanwhile?); nothing changed").format(missing_count=len(missing)))
    return found


def _diff(current: dict[int, dict], changes: dict) -> list[tuple[int, dict, dict]]:
    rows = []
    for sid in sorted(current):
        before = {k: current[sid][k] for k in changes}
        if any(before[k] != v for k, v in changes.items()):
            rows.append((sid, before, dict(changes)))
    return rows


def preview(session, ids, **changes) -> dict:
    """What set_limits would do: how many numbers, how many of them change."""
    permissions.require(session, "read")
    clean = clean_changes(**changes)
    current = _company_limits(session, ids)
    return {"numbers": len(current), "changed": len(_diff(current, clean)), "changes": clean}


def set_limits(session, ids, progress=None, cancelled=None, **changes) -> dict:
    """Set the given fields (amount=, data_ban=, roaming_ban=, notify_percent=) on every
    number of ``ids``; fields left out stay as they are. All or nothing.
    ``progress(numbers done, numbers to change)`` is called after each chunk;
    ``cancelled()`` is asked before each chunk and at the end: it raises Cancelled inside
    the transaction, so nothing is changed and no audit entry is written."""
    permissions.require(session, "limits.change")
    clean = clean_changes(**changes)
    if not clean:
        raise ValidationError(_("nothing to change"), "amount")
    with atomic():
        current = _company_limits(session, ids)
        rows = _diff(current, clean)
        op = audit.new_operation()
        for chunk in chunked(rows, CHUNK, progress, cancelled):
            Subscriber.update(**clean, updated_at=utcnow()).where(
                (Subscriber.company == session.company_id)
                & Subscriber.id.in_([sid for sid, _b, _a in chunk])).execute()
            audit.record_many(session, "limits.set", "subscriber", chunk, op)
        if rows:  # a raised limit lifts its block at once (limit_actions)
            from corptui.limit_actions import after_limits_set

            after_limits_set(session, [sid for sid, _b, _a in rows])
        stop_if_cancelled(cancelled)  # a cancel after the last chunk still rolls back
    return {"numbers": len(current), "changed": len(rows), "operation": op, "changes": clean}


# -- near or over the limit -------------------------------------------------------------

def billing_month(session, today: dt.date | None = None) -> dt.date | None:
    """The month whose charges count against the limits: the latest month the company
    has charges for, not after the current one (charges arrive after the fact)."""
    today = today or utcnow().date()
    first = today.replace(day=1)
    latest = (Charge.select(Charge.period)
              .where((Charge.company == session.company_id) & (Charge.period <= first))
              .order_by(Charge.period.desc()).limit(1).scalar())
    if latest is None:
        return None
    if isinstance(latest, str):
        latest = dt.date.fromisoformat(latest[:10])
    return latest


def state_of(spent: Decimal, limit: Decimal | None, percent: int | None) -> str | None:
    """"over" when spent reaches the limit (a zero limit: at any charge), "near" when spent
    reaches the threshold percent of the limit, else None."""
    if limit is None:
        return None
    if spent > 0 and spent >= limit:
        return "over"
    threshold = percent if percent is not None else DEFAULT_NOTIFY_PERCENT
    if limit > 0 and spent * 100 >= limit * threshold:
        return "near"
    return None


def limit_states(session, ids=None, month: dt.date | None = None) -> dict[int, str]:
    """{subscriber id: "near" | "over" | "blocked"} for the numbers with a limit (``ids``
    None = the whole company) in the billing month; numbers within their limit are left
    out; "blocked": over a limit that blocked its outgoing paid services (limit_actions)."""
    return {sid: state for sid, (state, _pct) in limit_marks(session, ids, month).items()}


def limit_marks(session, ids=None, month: dt.date | None = None) -> dict[int, tuple]:
    """``limit_states`` with the spend: {subscriber id: (state, percent of the limit
    spent, whole; None for a zero limit)}. The spend is spend.number_totals (kopecks: no
    Decimal per number)."""
    from corptui import spend
    from corptui.limit_actions import is_blocked, level_of
    from storage.fields import to_kopecks

    permissions.require(session, "read")
    month = month or billing_month(session)
    if month is None:
        return {}
    spent = spend.number_totals(session.company_id, month)
    q = (Subscriber.select(Subscriber.id, Subscriber.spending_limit,
                           Subscriber.limit_notify_percent, Subscriber.limit_blocked_at)
         .where((Subscriber.company == session.company_id)
                & Subscriber.spending_limit.is_null(False)))
    wanted = None if ids is None else {int(i) for i in ids}
    out: dict[int, tuple] = {}
    for sid, limit, percent, blocked_at in q.tuples().iterator():
        if wanted is not None and sid not in wanted:
            continue
        kop, limit_k = spent.get(sid, 0), to_kopecks(limit)
        pct = kop * 100 // limit_k if limit_k > 0 else None
        if is_blocked(blocked_at, month):
            out[sid] = ("blocked", pct)
            continue
        state = level_of(kop, limit_k, percent)
        if state:
            out[sid] = (state, pct)
    return out


def limit_spend(session, ids, month: dt.date | None = None) -> dict[int, dict]:
    """{subscriber id: {"spent", "limit", "percent", "state", "month"}} for the numbers of
    ``ids`` (in the company): what each spent in the billing month against its limit
    (money as Decimal rubles; percent of the limit, whole, None without a limit; state
    as limit_states). One query for the charges of just these numbers."""
    import peewee as pw

    from corptui.limit_actions import is_blocked, level_of
    from storage.fields import to_kopecks

    permissions.require(session, "read")
    ids = [int(i) for i in ids]
    month = month or billing_month(session)
    spent: dict[int, int] = {}
    if month is not None and ids:
        q = (Charge.select(Charge.subscriber, pw.fn.SUM(Charge.amount).coerce(False))
             .where((Charge.company == session.company_id) & (Charge.period == month)
                    & in_values(Charge.subscriber, ids))
             .group_by(Charge.subscriber).tuples())
        spent = {sid: int(k or 0) for sid, k in q}
    out: dict[int, dict] = {}
    for sid, row in _read(session, ids).items():
        kop, limit = spent.get(sid, 0), row["spending_limit"]
        state = None
        if limit is not None and month is not None:
            state = ("blocked" if is_blocked(row["limit_blocked_at"], month) else
                     level_of(kop, to_kopecks(limit), row["limit_notify_percent"]))
        out[sid] = {"spent": money.from_kopecks(kop), "limit": limit,
                    "percent": money.percent_of(money.from_kopecks(kop), limit),
                    "state": state, "month": month}
    return out


def spend_line(info: dict, today: dt.date | None = None) -> str:
    """A number's limit with its spend, for people: "1,234.50 of 1,500.00 ₽ this month
    (82%)"; the month named when the billing month is not the current one; "none"."""
    if info.get("limit") is None:
        return _("none")
    month = info.get("month")
    today = today or utcnow().date()
    text = money.spend_text(info["spent"], info["limit"])
    if month is not None and (month.year, month.month) != (today.year, today.month):
        pct = info.get("percent")
        text = (_("{spent} of {limit} in {month} ({percent}%)") if pct is not None else
                _("{spent} of {limit} in {month}")).format(
            spent=money.text(info["spent"], symbol=False), limit=money.text(info["limit"]),
            month=f"{month:%m.%Y}", percent=number(pct) if pct is not None else "")
    return text
