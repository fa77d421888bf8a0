"""Options and tariffs of the company's numbers: the catalogue, the eligibility check,
connecting and disconnecting options (now or planned), tariff changes, and the due
changes the worker applies.

Eligibility is data, not code: each ``OptionRule`` row (kind in RULE_KINDS) is one
condition, and the check returns EVERY reason a number fails, in plain words (the
rule's message when it has one). The check of a selection runs a fixed handful of
set-based queries whatever its size (10,000 numbers well under a second): the numbers
with tariff, status and balance; their live options that the rules mention; the
company's count for limited options. Connect and disconnect re-check inside their
transaction and apply to the numbers that pass; one audit entry per changed number,
grouped by an operation id."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from corptui import audit, permissions
from corptui.database import retrying
from corptui.errors import Conflict, NotFound, ValidationError, stop_if_cancelled
from corptui.i18n import N_, _, date_text, money
from corptui.periods import parse_date, utc_bounds
from corptui.phones import format_msisdn
from corptui.session import Session
from storage.db import atomic, database, is_postgres
from storage.fields import to_kopecks, utcnow
from storage.idsets import in_ids
from storage.models import (
    Option,
    OptionRule,
    PersonalAccount,
    Subscriber,
    SubscriberOption,
    Tariff,
    TariffChange,
)

LIVE = ("active", "planned")

# reasons that are not rules: marked here, translated when a check makes them (_(GONE))
ALREADY = N_("already connected")
NOT_CONNECTED = N_("not connected")
GONE = N_("the number is no longer in this company")
SAME_TARIFF = N_("already on this tariff")


def _money(value: Decimal | None) -> str:
    """An amount with its symbol, the one formatter: "1,234.50 ₽" / "1 234,50 ₽"."""
    return money(value if value is not None else Decimal("0.00"))


# -- catalogue ----------------------------------------------------------------------------

def _names() -> tuple[dict[int, Option], dict[int, str]]:
    options = {o.id: o for o in Option.select()}
    tariffs = dict(Tariff.select(Tariff.id, Tariff.name).tuples())
    return options, tariffs


def rule_words(rule: OptionRule, options: dict[int, Option], tariffs: dict[int, str]) -> str:
    """One rule in plain words (for the catalogue; independent of any number)."""
    other = options[rule.other_option_id].name if rule.other_option_id in options else "?"
    if rule.kind == "incompatible_tariff":
        return _("not on the tariff {tariff}").format(tariff=tariffs.get(rule.tariff_id, "?"))
    if rule.kind == "conflicts_option":
        return _("not together with {option}").format(option=other)
    if rule.kind == "requires_option":
        return _("needs {option}").format(option=other)
    if rule.kind == "not_blocked":
        return _("not for blocked numbers")
    if rule.kind == "min_balance":
        return _("account balance at least {amount}").format(amount=_money(rule.amount))
    if rule.kind == "company_limit":
        return _("at most {n} numbers of the company").format(n=rule.limit_count)
    return rule.kind


def list_options(session, include_archived: bool = False) -> list[dict]:
    """The option catalogue: code, name, price (monthly), connection fee, rules in words."""
    permissions.require(session, "read")
    options, tariffs = _names()
    rules: dict[int, list[str]] = {}
    for rule in OptionRule.select().order_by(OptionRule.id):
        rules.setdefault(rule.option_id, []).append(rule_words(rule, options, tariffs))
    out = []
    for o in sorted(options.values(), key=lambda o: o.code):
        if o.archived and not include_archived:
            continue
        out.append({"code": o.code, "name": o.name, "price": o.monthly_fee,
                    "connection_fee": o.connection_fee, "rules": rules.get(o.id, []),
                    "archived": o.archived})
    return out


def list_tariffs(session) -> list[dict]:
    """Tariffs a number can be moved to (archived ones left out)."""
    permissions.require(session, "read")
    return [
        {"code": t.code, "name": t.name, "price": t.monthly_fee,
         "by_application": bool(t.by_application)}
        for t in Tariff.select().where(Tariff.archived == False).order_by(Tariff.code)  # noqa: E712
    ]


def _by_code(model, value, message: str):
    """A model row given itself or its code; NotFound (``message`` with {value}) names
    the code."""
    if isinstance(value, model):
        return value
    found = model.select().where(model.code == str(value).strip()).first()
    if found is None:
        raise NotFound(message.format(value=str(value)[:40]))
    return found


def get_option(option) -> Option:
    return _by_code(Option, option, _("no option {value} (see `corptui options list`)"))


def get_tariff(tariff) -> Tariff:
    return _by_code(Tariff, tariff, _("no tariff {value}"))


# -- dates --------------------------------------------------------------------------------

def _moment(value, field: str, end: bool) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    day = parse_date(value, field)
    return utc_bounds(None, day)[1] if end else utc_bounds(day, None)[0]


def _is_now(value) -> bool:
    """The word the date fields' placeholder offers ("now", in either language)."""
    return isinstance(value, str) and value.strip().lower() in {"now", _("now").lower()}


def start_of(value, field: str = "date_from") -> dt.datetime | None:
    """A date (text or date) -> its local midnight in UTC; a datetime as it is (UTC);
    empty or "now" -> None (now)."""
    if _is_now(value):
        return None
    return _moment(value, field, end=False)


def start_from(value, now: dt.datetime, field: str = "date_from") -> dt.datetime:
    """When a change given "from ``value``" starts: now for empty, "now" or today; the
    local midnight of a later day; a day before today is an error (not silently now).
    A datetime (from code, not typed) in the past is taken as now."""
    start = start_of(value, field)
    if start is None:
        return now
    if not isinstance(value, dt.datetime):
        day = parse_date(value, field)
        if end_of(day, field) <= now:
            raise ValidationError(
                _("the start date {date} is in the past: leave the field empty (or type now) "
                  "to start now").format(date=date_text(day)), field)
    return max(start, now)


def end_of(value, field: str = "date_until") -> dt.datetime | None:
    """The end of a day (the next local midnight in UTC); a datetime as it is."""
    return _moment(value, field, end=True)


def last_day(until: dt.datetime | None) -> dt.date | None:
    """The last local day of an option that ends at ``until`` (stored as the next local
    midnight: "until 31.12.2026" ends at 01.01.2027 00:00 and is shown as 31.12.2026)."""
    if until is None:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=dt.UTC)
    return (until.astimezone() - dt.timedelta(microseconds=1)).date()


def _period(date_from, date_until, now) -> tuple[dt.datetime, dt.datetime | None]:
    start = start_from(date_from, now, "date_from")
    until = end_of(date_until, "date_until")
    if until is not None and until <= start:
        raise ValidationError(_("the end date must be after the start date"), "date_until")
    return start, until


# -- reading the facts of a selection --------------------------------------------------

def _ids(ids) -> list[int]:
    return sorted({int(i) for i in ids})


def _numbers(company_id: int, ids: list[int]) -> dict[int, tuple]:
    """id -> (msisdn, tariff_id, status, balance in kopecks), one query, raw tuples."""
    out: dict[int, tuple] = {}
    for i in range(0, len(ids), 50_000):
        chunk = ids[i : i + 50_000]
        q = (Subscriber.select(Subscriber.id, Subscriber.msisdn, Subscriber.tariff,
                               Subscriber.status, PersonalAccount.balance)
             .join(PersonalAccount, on=(Subscriber.account == PersonalAccount.id))
             .where((Subscriber.company == company_id) & in_ids(Subscriber.id, chunk)))
        for sid, msisdn, tariff_id, status, balance in database.execute(q).fetchall():
            out[sid] = (msisdn, tariff_id, status, balance or 0)
    return out


def _live_options(ids: list[int], option_ids: Iterable[int]) -> dict[int, dict[int, tuple]]:
    """subscriber id -> {option id: (state, connected_from raw)} for live rows of the
    given options."""
    option_ids = sorted(set(option_ids))
    out: dict[int, dict[int, tuple]] = {}
    if not option_ids or not ids:
        return out
    for i in range(0, len(ids), 50_000):
        chunk = ids[i : i + 50_000]
        q = (SubscriberOption.select(SubscriberOption.subscriber, SubscriberOption.option,
                                     SubscriberOption.state, SubscriberOption.connected_from)
             .where(SubscriberOption.option.in_(option_ids)
                    & SubscriberOption.state.in_(LIVE)
                    & in_ids(SubscriberOption.subscriber, chunk)))
        for sid, oid, state, start in database.execute(q).fetchall():
            out.setdefault(sid, {})[oid] = (state, start)
    return out


def _company_count(company_id: int, option_id: int) -> int:
    return (SubscriberOption.select()
            .join(Subscriber, on=(SubscriberOption.subscriber == Subscriber.id))
            .where((Subscriber.company == company_id) & (SubscriberOption.option == option_id)
                   & SubscriberOption.state.in_(LIVE))
            .count())


def _time(raw) -> dt.datetime | None:
    return SubscriberOption.connected_from.python_value(raw)


def _effective_by(row: tuple, at: dt.datetime) -> bool:
    state, start = row
    if state == "active":
        return True
    start = _time(start)
    return start is not None and start <= at


# -- the check ----------------------------------------------------------------------------

def _reason(rule: OptionRule, default: str) -> str:
    return rule.message.strip() if rule.message and rule.message.strip() else default


def _check_connect(company_id: int, option: Option, ids: list[int], at: dt.datetime,
                   extra: int = 0) -> tuple[dict[int, dict], dict[int, tuple]]:
    rules = list(OptionRule.select().where(OptionRule.option == option.id)
                 .order_by(OptionRule.id))
    options, tariffs = _names()
    numbers = _numbers(company_id, ids)
    wanted = {option.id} | {r.other_option_id for r in rules if r.other_option_id}
    live = _live_options(list(numbers), wanted)
    result: dict[int, dict] = {}
    for sid in ids:
        facts = numbers.get(sid)
        if facts is None:
            result[sid] = {"ok": False, "already": False, "reasons": [_(GONE)],
                           "msisdn": None}
            continue
        msisdn, tariff_id, status, balance = facts
        have = live.get(sid, {})
        mine = have.get(option.id)
        if mine is not None:  # nothing to do: not a failure
            start = _time(mine[1]) if mine[0] == "planned" else None
            result[sid] = {"ok": False, "already": True, "msisdn": msisdn, "reasons": [
                _("already connected (planned from {date})").format(date=date_text(start))
                if start else _(ALREADY)]}
            continue
        reasons: list[str] = []
        if option.archived:
            reasons.append(_("the option is no longer offered"))
        for rule in rules:
            other = options.get(rule.other_option_id)
            kind = rule.kind
            if kind == "incompatible_tariff":
                if tariff_id is not None and tariff_id == rule.tariff_id:
                    reasons.append(_reason(rule, _("not available on the tariff {tariff}").format(
                        tariff=tariffs.get(tariff_id, "?"))))
            elif kind == "conflicts_option":
                if rule.other_option_id in have:
                    reasons.append(_reason(rule, _("does not go together with {option}").format(
                        option=other.name)))
            elif kind == "requires_option":
                row = have.get(rule.other_option_id)
                if row is None or not _effective_by(row, at):
                    reasons.append(_reason(rule, _("needs the option {option} first").format(
                        option=other.name if other else "?")))
            elif kind == "not_blocked":
                if status == "blocked":
                    reasons.append(_reason(rule, _("the number is blocked")))
            elif kind == "min_balance":
                need = to_kopecks(rule.amount or 0)
                if balance < need:
                    reasons.append(_reason(rule, _("the account balance must be at least "
                                                   "{amount}").format(
                                                       amount=_money(rule.amount))))
            # company_limit: below, over the numbers that pass everything else
        result[sid] = {"ok": not reasons, "already": False, "reasons": reasons,
                       "msisdn": msisdn}
    for rule in rules:
        if rule.kind != "company_limit" or rule.limit_count is None:
            continue
        # the room is the company's, the same however the selection is checked (all at
        # once, or in chunks where ``extra`` numbers of it already took room)
        used = _company_count(company_id, option.id)
        room = max(0, rule.limit_count - used)
        left = max(0, room - extra)
        passing = [sid for sid in ids if result[sid]["ok"]]
        text = _reason(rule, _("at most {n} numbers of the company may have it").format(
            n=rule.limit_count))
        full = _("{reason} ({used} in use, room for {room} more)")
        for sid in passing[left:]:
            result[sid]["ok"] = False
            result[sid]["reasons"].append(full.format(reason=text, used=used, room=room))
        if room == 0:  # numbers failing other rules also learn that the limit is full
            for sid in ids:
                r = result[sid]
                if r["msisdn"] is not None and sid not in passing and not r["already"]:
                    r["reasons"].append(full.format(reason=text, used=used, room=0))
    return result, numbers


def _check_disconnect(company_id: int, option: Option, ids: list[int]
                      ) -> tuple[dict[int, dict], dict[int, tuple]]:
    options, _tariffs = _names()
    dependants = {r.option_id for r in OptionRule.select(OptionRule.option)
                  .where((OptionRule.kind == "requires_option")
                         & (OptionRule.other_option == option.id))}
    numbers = _numbers(company_id, ids)
    live = _live_options(list(numbers), {option.id} | dependants)
    result: dict[int, dict] = {}
    for sid in ids:
        facts = numbers.get(sid)
        if facts is None:
            result[sid] = {"ok": False, "already": False, "reasons": [_(GONE)],
                           "msisdn": None}
            continue
        have = live.get(sid, {})
        if option.id not in have:  # nothing to do: not a failure
            result[sid] = {"ok": False, "already": True, "reasons": [_(NOT_CONNECTED)],
                           "msisdn": facts[0]}
            continue
        reasons = []
        for dep in sorted(dependants & set(have), key=lambda d: options[d].name):
            reasons.append(_("{option} needs it: disconnect {option} first").format(
                option=options[dep].name))
        result[sid] = {"ok": not reasons, "already": False, "reasons": reasons,
                       "msisdn": facts[0]}
    return result, numbers


def check(session, option_code, subscriber_ids, at=None, action: str = "connect"
          ) -> dict[int, dict]:
    """Per number id: {"ok", "reasons": [plain words], "msisdn"} for connecting (or with
    action="disconnect", disconnecting) the option. ``at`` is when the change would take
    effect (default now): an option the rule requires that is planned by then counts."""
    permissions.require(session, "read")
    if action not in ("connect", "disconnect"):
        raise ValidationError(_("unknown action {action!r}").format(action=action), "action")
    option = get_option(option_code)
    ids = _ids(subscriber_ids)
    if action == "disconnect":
        return _check_disconnect(session.company_id, option, ids)[0]
    when = start_from(at, utcnow(), "date_from")
    return _check_connect(session.company_id, option, ids, when)[0]


def summary(result: dict[int, dict]) -> dict:
    """{"ok": n, "total": m} of a check."""
    return {"ok": sum(1 for r in result.values() if r["ok"]), "total": len(result)}


# -- connect / disconnect ----------------------------------------------------------------

def _lock_option(option: Option) -> None:
    """Serialise connections of one option on PostgreSQL (the company limit); SQLite's
    IMMEDIATE transaction already serialises writers."""
    if is_postgres():
        Option.select(Option.id).where(Option.id == option.id).for_update().execute()


@retrying
def connect(session, option, ids, date_from=None, date_until=None,
            operation: str | None = None) -> dict:
    """Connect ``option`` to the numbers that pass the check (re-checked inside the
    transaction). A future ``date_from`` plans it (state "planned", the worker activates
    it); ``date_until`` ends it then. Returns {"connected", "planned", "skipped":
    {id: reasons}, "operation"}. ``operation`` continues an audit operation (a bulk
    change applied in chunks); by default a new one."""
    permissions.require(session, "services.change")
    now = utcnow()
    start, until = _period(date_from, date_until, now)
    state = "planned" if start > now else "active"
    ids = _ids(ids)
    with atomic():
        opt = get_option(option)
        _lock_option(opt)
        result, _numbers_ = _check_connect(session.company_id, opt, ids, start)
        good = [sid for sid in ids if result[sid]["ok"]]
        skipped = {sid: r["reasons"] for sid, r in result.items()
                   if not r["ok"] and not r["already"]}
        unchanged = {sid: r["reasons"] for sid, r in result.items() if r["already"]}
        operation = operation or audit.new_operation()
        if good:
            rows = [(sid, opt.id, state, start, until, now) for sid in good]
            fields = [SubscriberOption.subscriber, SubscriberOption.option,
                      SubscriberOption.state, SubscriberOption.connected_from,
                      SubscriberOption.connected_until, SubscriberOption.created_at]
            for i in range(0, len(rows), 1000):
                SubscriberOption.insert_many(rows[i : i + 1000], fields=fields).execute()
            after = {"option": opt.code, "state": state, "from": start, "until": until}
            audit.record_many(session, "options.connect", "subscriber",
                              [(result[sid]["msisdn"], None, after) for sid in good],
                              operation)
    return {"connected": len(good) if state == "active" else 0,
            "planned": len(good) if state == "planned" else 0,
            "skipped": skipped, "unchanged": unchanged, "operation": operation, "ids": good}


@retrying
def disconnect(session, option, ids, date_from=None, operation: str | None = None) -> dict:
    """Disconnect ``option`` from the numbers that have it (now, or at the start of
    ``date_from``: a planned end the worker carries out). Numbers that do not have it,
    or have an option that needs it, are skipped with the reason. ``operation`` as in
    ``connect``."""
    permissions.require(session, "services.change")
    now = utcnow()
    when = start_from(date_from, now, "date_from")
    ids = _ids(ids)
    with atomic():
        opt = get_option(option)
        result, _n = _check_disconnect(session.company_id, opt, ids)
        good = [sid for sid in ids if result[sid]["ok"]]
        skipped = {sid: r["reasons"] for sid, r in result.items()
                   if not r["ok"] and not r["already"]}
        unchanged = {sid: r["reasons"] for sid, r in result.items() if r["already"]}
        operation = operation or audit.new_operation()
        # the rows as they are before: kept in the audit entries, so that undo can put
        # them back exactly (state and end date)
        before_rows: dict[int, list] = {}
        for i in range(0, len(good), 50_000):
            chunk = good[i : i + 50_000]
            for rid, sid, state, until in (
                    SubscriberOption.select(SubscriberOption.id, SubscriberOption.subscriber,
                                            SubscriberOption.state,
                                            SubscriberOption.connected_until)
                    .where((SubscriberOption.option == opt.id)
                           & SubscriberOption.state.in_(LIVE)
                           & in_ids(SubscriberOption.subscriber, chunk)).tuples()):
                before_rows.setdefault(sid, []).append([rid, state, audit._jsonable(until)])
        for i in range(0, len(good), 50_000):
            chunk = good[i : i + 50_000]
            base = ((SubscriberOption.option == opt.id) & SubscriberOption.state.in_(LIVE)
                    & in_ids(SubscriberOption.subscriber, chunk))
            if when <= now:
                SubscriberOption.update(state="disconnected", connected_until=now).where(
                    base).execute()
            else:
                # planned rows that would start at or after the end never start
                SubscriberOption.update(state="disconnected", connected_until=when).where(
                    base & (SubscriberOption.state == "planned")
                    & (SubscriberOption.connected_from >= when)).execute()
                SubscriberOption.update(connected_until=when).where(
                    base & (SubscriberOption.state.in_(LIVE))).execute()
        if good:
            row_ids = [r[0] for rows in before_rows.values() for r in rows]
            now_rows = {}
            for i in range(0, len(row_ids), 50_000):
                for rid, state, until in (
                        SubscriberOption.select(SubscriberOption.id, SubscriberOption.state,
                                                SubscriberOption.connected_until)
                        .where(in_ids(SubscriberOption.id, row_ids[i : i + 50_000])).tuples()):
                    now_rows[rid] = [rid, state, audit._jsonable(until)]
            audit.record_many(
                session, "options.disconnect", "subscriber",
                [(result[sid]["msisdn"],
                  {"option": opt.code, "rows": before_rows.get(sid, [])},
                  {"option": opt.code, "until": when,
                   "rows": [now_rows[r[0]] for r in before_rows.get(sid, []) if r[0] in now_rows]})
                 for sid in good], operation)
    planned = when > now
    return {"disconnected": 0 if planned else len(good), "planned": len(good) if planned else 0,
            "skipped": skipped, "unchanged": unchanged, "operation": operation, "ids": good}


# -- tariffs -------------------------------------------------------------------------------

def check_tariff(session, ids, tariff_code) -> dict[int, dict]:
    """Per number: can it move to the tariff? (not already on it; no connected option
    that is not available on the new tariff)."""
    permissions.require(session, "read")
    tariff = get_tariff(tariff_code)
    return _check_tariff(session.company_id, tariff, _ids(ids))


def _check_tariff(company_id: int, tariff: Tariff, ids: list[int]) -> dict[int, dict]:
    options, _tariffs = _names()
    bad_rules = list(OptionRule.select().where((OptionRule.kind == "incompatible_tariff")
                                               & (OptionRule.tariff == tariff.id)))
    numbers = _numbers(company_id, ids)
    live = _live_options(list(numbers), {r.option_id for r in bad_rules})
    out = {}
    for sid in ids:
        facts = numbers.get(sid)
        if facts is None:
            out[sid] = {"ok": False, "already": False, "reasons": [_(GONE)], "msisdn": None}
            continue
        if facts[1] == tariff.id:  # nothing to do: not a failure
            out[sid] = {"ok": False, "already": True, "reasons": [_(SAME_TARIFF)],
                        "msisdn": facts[0]}
            continue
        reasons = []
        if tariff.archived:
            reasons.append(_("the tariff is no longer offered"))
        have = live.get(sid, {})
        for rule in bad_rules:
            if rule.option_id in have:
                name = options[rule.option_id].name
                reasons.append(_("{option} is not available on {tariff}: disconnect {option} "
                                 "first").format(option=name, tariff=tariff.name))
        out[sid] = {"ok": not reasons, "already": False, "reasons": reasons,
                    "msisdn": facts[0]}
    return out


@retrying
def change_tariff(session, ids, tariff_code, date_from=None,
                  operation: str | None = None) -> dict:
    """Move the numbers that pass to another tariff: now, or planned from ``date_from``
    (the worker switches them when due). A tariff "by application" is refused: that
    change goes through the change application form. ``operation`` as in ``connect``."""
    permissions.require(session, "services.change")
    now = utcnow()
    start = start_from(date_from, now, "date_from")
    ids = _ids(ids)
    with atomic():
        tariff = get_tariff(tariff_code)
        if tariff.by_application:
            raise ValidationError(
                _("the tariff {name} is changed only by application: send a change application (Services: change application form)").format(name=tariff.name), "tariff")
        if tariff.archived:
            raise ValidationError(_("the tariff {name} is no longer offered").format(name=tariff.name), "tariff")
        result = _check_tariff(session.company_id, tariff, ids)
        good = [sid for sid in ids if result[sid]["ok"]]
        skipped = {sid: r["reasons"] for sid, r in result.items()
                   if not r["ok"] and not r["already"]}
        unchanged = {sid: r["reasons"] for sid, r in result.items() if r["already"]}
        operation = operation or audit.new_operation()
        if good:
            numbers = _numbers(session.company_id, good)
            for i in range(0, len(good), 50_000):
                chunk = good[i : i + 50_000]
                # a new change replaces a planned one
                TariffChange.update(state="cancelled").where(
                    (TariffChange.state == "planned")
                    & in_ids(TariffChange.subscriber, chunk)).execute()
                if start <= now:
                    Subscriber.update(tariff=tariff.id, updated_at=now).where(
                        (Subscriber.company == session.company_id)
                        & in_ids(Subscriber.id, chunk)).execute()
                    # the tariff history rating reads (the plan in force at a time)
                    from corptui.rating.tariffs import record_switches

                    record_switches([(sid, numbers[sid][1], tariff.id) for sid in chunk], now)
            if start > now:
                rows = [(session.company_id, sid, tariff.id, start, "planned", now)
                        for sid in good]
                fields = [TariffChange.company, TariffChange.subscriber, TariffChange.tariff,
                          TariffChange.effective_from, TariffChange.state,
                          TariffChange.created_at]
                for i in range(0, len(rows), 1000):
                    TariffChange.insert_many(rows[i : i + 1000], fields=fields).execute()
            tariffs = {tid: (code, name) for tid, code, name in
                       Tariff.select(Tariff.id, Tariff.code, Tariff.name).tuples()}
            audit.record_many(
                session, "tariffs.change", "subscriber",
                [(numbers[sid][0],
                  {"tariff": tariffs.get(numbers[sid][1], (None, None))[1],
                   "code": tariffs.get(numbers[sid][1], (None, None))[0]},
                  {"tariff": tariff.name, "code": tariff.code, "from": start,
                   "planned": start > now})
                 for sid in good], operation)
    planned = start > now
    return {"changed": 0 if planned else len(good), "planned": len(good) if planned else 0,
            "skipped": skipped, "unchanged": unchanged, "operation": operation, "ids": good}


# -- the bulk wizard: a plan of changes for a selection ---------------------------------

@dataclass
class Plan:
    """What the "Tariffs and options" wizard asks for: a tariff (code or None), options
    to connect and to disconnect (codes), and the period."""

    tariff: str | None = None
    connect: tuple[str, ...] = ()
    disconnect: tuple[str, ...] = ()
    date_from: object = None  # None / "" = now; a date (text or date)
    date_until: object = None  # connected options end after this day


def validate_plan(session, plan: Plan) -> Plan:
    """Field errors (ValidationError.errors) for a plan that cannot be checked: nothing
    chosen, an option both connected and disconnected, bad dates, a tariff that needs a
    change application."""
    errors: dict[str, str] = {}
    tariff = (plan.tariff or "").strip() or None
    connect_codes = tuple(dict.fromkeys(c for c in plan.connect if c))
    disconnect_codes = tuple(dict.fromkeys(c for c in plan.disconnect if c))
    if not tariff and not connect_codes and not disconnect_codes:
        errors["changes"] = _("choose a tariff, or options to connect or disconnect")
    both = set(connect_codes) & set(disconnect_codes)
    if both:
        errors["changes"] = _("an option cannot be connected and disconnected at once: "
                              "{codes}").format(codes=", ".join(sorted(both)))
    for code in connect_codes + disconnect_codes:
        try:
            get_option(code)
        except NotFound as exc:
            errors["changes"] = exc.message
    if tariff:
        try:
            t = get_tariff(tariff)
            if t.by_application:
                errors["tariff"] = (_("{name} is changed only by application: use the change application form").format(name=t.name))
            elif t.archived:
                errors["tariff"] = _("{name} is no longer offered").format(name=t.name)
        except NotFound as exc:
            errors["tariff"] = exc.message
    now = utcnow()
    start = until = None
    try:
        start = start_from(plan.date_from, now, "date_from")
    except ValidationError as exc:
        errors["date_from"] = exc.message
    try:
        until = end_of(plan.date_until, "date_until")
    except ValidationError as exc:
        errors["date_until"] = exc.message
    if until is not None:
        if until <= max(start or now, now):
            errors["date_until"] = _("the end date must be after the start date")
        elif not connect_codes:
            errors["date_until"] = _("an end date applies to options being connected")
    if errors:
        first = next(iter(errors.values()))
        raise ValidationError(first, next(iter(errors)), errors)
    return Plan(tariff, connect_codes, disconnect_codes, plan.date_from, plan.date_until)


def _plan_steps(plan: Plan) -> list[tuple[str, object, str]]:
    steps = []
    for code in plan.disconnect:
        o = get_option(code)
        steps.append(("disconnect", o, f"- {o.name}"))
    if plan.tariff:
        t = get_tariff(plan.tariff)
        steps.append(("tariff", t, _("tariff {tariff}").format(tariff=t.name)))
    for code in plan.connect:
        o = get_option(code)
        steps.append(("connect", o, f"+ {o.name}"))
    return steps


def check_plan(session, plan: Plan, ids, progress=None, chunk: int = 2000,
               cancelled=None) -> dict[int, dict]:
    """Check every change of the plan for every number, each change on its own (a
    number gets the changes it can get): {id: {"ok": gets at least one change,
    "changes": labels it gets, "already": labels it has already (nothing to do, not a
    failure), "failed": labels it cannot get, "reasons": why not (with several changes
    each reason names its change: "+ Option: ..."), "notes": what is already so,
    "steps": {label: "ok" | "already" | "fail"} in the plan's order, "msisdn"}}.
    ``progress(done, total)`` is called after each chunk of numbers; ``cancelled()`` is
    asked before each chunk and stops the check with ``Cancelled`` (it reads only)."""
    permissions.require(session, "read")
    plan = validate_plan(session, plan)
    ids = _ids(ids)
    steps = _plan_steps(plan)
    now = utcnow()
    start = start_from(plan.date_from, now)
    many = len(steps) > 1
    out: dict[int, dict] = {}
    taken = {i: 0 for i in range(len(steps))}  # a limited option's room already taken
    total = len(ids) * len(steps)
    done = 0
    for first in range(0, len(ids), chunk):
        part = ids[first : first + chunk]
        for sid in part:
            out[sid] = {"ok": False, "changes": [], "already": [], "failed": [],
                        "reasons": [], "notes": [], "steps": {}, "msisdn": None}
        for index, (kind, obj, label) in enumerate(steps):
            stop_if_cancelled(cancelled)
            if kind == "connect":
                result, _n = _check_connect(session.company_id, obj, part, start,
                                            extra=taken[index])
            elif kind == "disconnect":
                result, _n = _check_disconnect(session.company_id, obj, part)
            else:
                result = _check_tariff(session.company_id, obj, part)
            for sid, r in result.items():
                row = out[sid]
                row["msisdn"] = row["msisdn"] or r["msisdn"]
                if r["ok"]:
                    taken[index] += 1
                    row["steps"][label] = "ok"
                    row["changes"].append(label)
                    continue
                state = "already" if r["already"] else "fail"
                row["steps"][label] = state
                row["already" if r["already"] else "failed"].append(label)
                into = row["notes" if r["already"] else "reasons"]
                for reason in r["reasons"]:
                    text = reason if (reason == _(GONE) or not many) else f"{label}: {reason}"
                    if text not in into:
                        into.append(text)
            done += len(part)
            if progress is not None:
                progress(done, total)
    for row in out.values():
        row["ok"] = bool(row["changes"])
    return out


def plan_summary(result: dict[int, dict]) -> list[tuple[str, dict]]:
    """Per change of a checked plan, in its order: (label, {"ok": numbers that get it,
    "already": numbers that have it already, "fail": numbers that cannot})."""
    out: dict[str, dict] = {}
    for row in result.values():
        for label, state in row["steps"].items():
            counts = out.setdefault(label, {"ok": 0, "already": 0, "fail": 0})
            counts[state] += 1
    return list(out.items())


APPLY_CHUNK = 1000  # numbers per step between two progress reports / cancel checks


@retrying
def apply_plan(session, plan: Plan, ids, progress=None, cancelled=None) -> dict:
    """Apply the plan, re-checked inside ONE transaction: each change to the numbers that
    can get it (a number gets the changes it can; one that vanished or changed meanwhile
    is checked as it is now). Returns {"applied": numbers that got at least one change,
    "skipped": {id: reasons} of the numbers that could not get a change, "steps":
    [(label, count)], "planned": bool}. Each change is applied in chunks of numbers (one
    audit operation per change): ``progress(done, total)`` counts changes to numbers;
    ``cancelled()`` is asked before each chunk and at the end: it raises Cancelled
    inside the transaction, so nothing is changed and no audit entry is written."""
    permissions.require(session, "services.change")
    plan = validate_plan(session, plan)
    with atomic():
        result = check_plan(session, plan, ids, cancelled=cancelled)
        skipped = {sid: r["reasons"] for sid, r in result.items() if r["failed"]}
        steps = []
        planned = False
        plan_steps = _plan_steps(plan)
        todo = {label: [sid for sid, r in result.items() if r["steps"].get(label) == "ok"]
                for _kind, _obj, label in plan_steps}
        total = sum(len(v) for v in todo.values())
        done = 0
        if progress:
            progress(0, total)
        for kind, obj, label in plan_steps:
            good = todo[label]
            if not good:
                steps.append((label, 0))
                continue
            operation = audit.new_operation()
            count = 0
            for first in range(0, len(good), APPLY_CHUNK):
                stop_if_cancelled(cancelled)
                part = good[first:first + APPLY_CHUNK]
                if kind == "disconnect":
                    out = disconnect(session, obj, part, plan.date_from, operation=operation)
                elif kind == "tariff":
                    out = change_tariff(session, part, obj.code, plan.date_from,
                                        operation=operation)
                else:
                    out = connect(session, obj, part, plan.date_from, plan.date_until,
                                  operation=operation)
                if out["skipped"] or out["unchanged"]:  # an earlier change of the plan
                    # made it impossible (e.g. disconnected an option it needs)
                    raise Conflict(_("{label}: {skipped_count} number(s) cannot get it after the other changes of this plan; nothing was changed: choose the changes separately").format(label=label, skipped_count=len(out['skipped']) + len(out['unchanged'])))
                planned = planned or bool(out["planned"])
                count += len(out["ids"])
                done += len(part)
                if progress:
                    progress(done, total)
            steps.append((label, count))
        stop_if_cancelled(cancelled)  # a cancel after the last chunk still rolls back
    applied = sum(1 for r in result.values() if r["changes"])
    return {"applied": applied, "skipped": skipped, "steps": steps, "planned": planned}


# -- one number (the employee card) -------------------------------------------------------

def number_options(session, subscriber_id: int) -> dict:
    """The options of one number with price and dates, the planned tariff change, and
    the options it could still get ({"options": [...], "available": [...],
    "tariff_change": {...} | None})."""
    permissions.require(session, "read")
    sid = int(subscriber_id)
    if not Subscriber.select().where((Subscriber.company == session.company_id)
                                     & (Subscriber.id == sid)).exists():
        raise NotFound(_("no number {subscriber_id} in this company").format(subscriber_id=subscriber_id))
    rows = (SubscriberOption.select(SubscriberOption, Option)
            .join(Option).where((SubscriberOption.subscriber == sid)
                                & SubscriberOption.state.in_(LIVE))
            .order_by(Option.name))
    options = [{"code": r.option.code, "name": r.option.name, "price": r.option.monthly_fee,
                "state": r.state, "from": r.connected_from, "until": r.connected_until,
                "last_day": last_day(r.connected_until)}
               for r in rows]
    have = {o["code"] for o in options}
    available = []
    for o in Option.select().where(Option.archived == False).order_by(Option.name):  # noqa: E712
        if o.code in have:
            continue
        r = _check_connect(session.company_id, o, [sid], utcnow())[0][sid]
        available.append({"code": o.code, "name": o.name, "price": o.monthly_fee,
                          "connection_fee": o.connection_fee, "ok": r["ok"],
                          "reasons": r["reasons"]})
    change = (TariffChange.select(TariffChange, Tariff).join(Tariff)
              .where((TariffChange.subscriber == sid) & (TariffChange.state == "planned"))
              .order_by(TariffChange.effective_from).first())
    planned = ({"tariff": change.tariff.name, "code": change.tariff.code,
                "from": change.effective_from} if change else None)
    return {"options": options, "available": available, "tariff_change": planned}


# -- the worker: planned changes ---------------------------------------------------------

def apply_due(now: dt.datetime | None = None) -> dict:
    """Carry out the changes that are due: planned options start, options past their
    end are disconnected, planned tariff changes happen. Audited per company (actor
    "worker"). Returns counts."""
    now = now or utcnow()
    counts = {"activated": 0, "ended": 0, "tariffs": 0}
    with atomic():
        if is_postgres():  # one worker at a time carries out the due changes
            got = database.execute_sql("SELECT pg_try_advisory_xact_lock(42006)").fetchone()[0]
            if not got:
                return counts
        due = list(
            SubscriberOption.select(SubscriberOption.id, SubscriberOption.connected_until,
                                    Subscriber.company,
                                    Subscriber.msisdn, Option.code)
            .join(Subscriber, on=(SubscriberOption.subscriber == Subscriber.id))
            .switch(SubscriberOption).join(Option)
            .where(SubscriberOption.state.in_(LIVE)
                   & (((SubscriberOption.state == "planned")
                       & (SubscriberOption.connected_from <= now))
                      | (SubscriberOption.connected_until.is_null(False)
                         & (SubscriberOption.connected_until <= now))))
            .tuples())
        audit_rows: dict[tuple[int, str], list] = {}
        start_ids, end_ids = [], []
        for row_id, end, company, msisdn, code in due:
            # (a planned row already past its end is simply ended)
            if end is not None and end <= now:
                end_ids.append(row_id)
                audit_rows.setdefault((company, "options.end"), []).append(
                    (msisdn, {"option": code}, {"option": code, "state": "disconnected"}))
            else:
                start_ids.append(row_id)
                audit_rows.setdefault((company, "options.start"), []).append(
                    (msisdn, {"option": code, "state": "planned"},
                     {"option": code, "state": "active"}))
        if start_ids:
            counts["activated"] = SubscriberOption.update(state="active").where(
                in_ids(SubscriberOption.id, start_ids)).execute()
        if end_ids:
            counts["ended"] = SubscriberOption.update(state="disconnected").where(
                in_ids(SubscriberOption.id, end_ids)).execute()
        changes = list(
            TariffChange.select(TariffChange.id, TariffChange.subscriber, TariffChange.tariff,
                                TariffChange.company, Subscriber.msisdn, Tariff.name)
            .join(Subscriber, on=(TariffChange.subscriber == Subscriber.id))
            .switch(TariffChange).join(Tariff)
            .where((TariffChange.state == "planned") & (TariffChange.effective_from <= now))
            .tuples())
        from corptui.rating.tariffs import record_switches

        for change_id, sid, tariff_id, company, msisdn, name in changes:
            previous = Subscriber.select(Subscriber.tariff).where(Subscriber.id == sid).scalar()
            effective = TariffChange.get_by_id(change_id).effective_from
            Subscriber.update(tariff=tariff_id, updated_at=now).where(
                Subscriber.id == sid).execute()
            record_switches([(sid, previous, tariff_id)], effective)
            TariffChange.update(state="done").where(TariffChange.id == change_id).execute()
            audit_rows.setdefault((company, "tariffs.change"), []).append(
                (msisdn, None, {"tariff": name, "planned": True}))
        counts["tariffs"] = len(changes)
        operation = audit.new_operation()
        for (company, action), rows in audit_rows.items():
            audit.record_many(Session.system(company, "worker: planned changes", "worker"),
                              action, "subscriber", rows, operation)
    return counts


def run_due_job(payload: dict | None = None, progress=None) -> dict:
    """The worker's job handler for the kind "options.apply_due"."""
    return apply_due()


_last_due_run = 0.0
DUE_EVERY_SECONDS = 60.0


def periodic_apply_due() -> dict | None:
    """Called by the worker every cycle; runs apply_due at most once a minute."""
    global _last_due_run
    now = time.monotonic()
    if _last_due_run and now - _last_due_run < DUE_EVERY_SECONDS:
        return None
    _last_due_run = now
    return apply_due()


def _register_jobs() -> None:
    from corptui import jobs

    jobs.register("options.apply_due", run_due_job)
    if hasattr(jobs, "register_periodic"):
        jobs.register_periodic("options.apply_due", periodic_apply_due)


_register_jobs()


def numbers_text(result: dict[int, dict], limit: int = 5) -> str:
    """A few failing numbers with their first reason, for messages."""
    bad = [(r["msisdn"], r["reasons"]) for r in result.values() if not r["ok"]]
    parts = [f"{format_msisdn(m) if m else '?'}: {'; '.join(rs)}" for m, rs in bad[:limit]]
    if len(bad) > limit:
        parts.append(_("and {n} more").format(n=len(bad) - limit))
    return ", ".join(parts)

