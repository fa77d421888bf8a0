"""Automatic reports: a schedule orders a document every day, week or month and has it
delivered by email and/or SMS (the document's ready notifications).

A schedule has a document type and format, a scope (accounts and/or numbers, as in
documents.order), a period (``daily``; ``weekly`` on ``day`` 1-7 = Monday-Sunday;
``monthly`` on ``day`` 1-28) and a local time ``at_time`` "HH:MM". ``next_run_at`` (UTC)
is the next local day and time that matches. When it is due, ``due(now)`` orders the
report for the period just ended (daily: yesterday; weekly: the 7 days up to yesterday;
monthly: the previous calendar month) and moves ``next_run_at`` on. Each schedule is
claimed with a compare-and-set on ``next_run_at``, so two workers never order the same
run twice. The worker calls ``due`` through the periodic hook ``schedules.due``.
"""

from __future__ import annotations

import datetime as dt
import re

from corptui import audit, permissions
from corptui.errors import NotFound, ValidationError
from corptui.i18n import N_, _
from corptui.i18n import language as _language
from corptui.periods import add_months, month_end, raise_errors
from storage.db import atomic
from storage.fields import utcnow
from storage.models import SCHEDULE_PERIODS, ReportSchedule

PERIODS = SCHEDULE_PERIODS
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _tz(tz):
    return tz or dt.datetime.now().astimezone().tzinfo


def next_run(period: str, day: int, at_time: str, after: dt.datetime,
             tz: dt.tzinfo | None = None) -> dt.datetime:
    """The first local ``at_time`` on a matching day strictly after ``after`` (UTC)."""
    hour, minute = (int(x) for x in at_time.split(":"))
    local_after = after.astimezone(_tz(tz)) if tz else after.astimezone()
    day0 = local_after.date()
    for offset in range(0, 400):
        cand_day = day0 + dt.timedelta(days=offset)
        if period == "weekly" and cand_day.isoweekday() != day:
            continue
        if period == "monthly" and cand_day.day != day:
            continue
        naive = dt.datetime.combine(cand_day, dt.time(hour, minute))
        cand = naive.replace(tzinfo=tz) if tz else naive.astimezone()
        if cand > after:
            return cand.astimezone(dt.UTC)
    raise ValueError(_("no next run"))  # pragma: no cover - a matching day exists in 400 days


def report_period(period: str, run_day: dt.date) -> tuple[dt.date, dt.date]:
    """The period a run on ``run_day`` reports: the day, week or month just ended."""
    yesterday = run_day - dt.timedelta(days=1)
    if period == "daily":
        return yesterday, yesterday
    if period == "weekly":
        return run_day - dt.timedelta(days=7), yesterday
    first = add_months(run_day, -1)
    return first, month_end(first)


def _validate(session, type_, accounts, numbers, fmt, period, day, at_time, email, phone,
              language=""):
    from corptui import documents
    from corptui.i18n import LANGUAGES
    from corptui.applications import validate_email
    from corptui.phones import normalize

    errors: dict[str, str] = {}
    values: dict = {}
    try:
        values["type"] = documents.type_of(type_)
    except ValidationError as exc:
        errors["type"] = exc.message
    allowed = documents.FORMATS.get(values.get("type", ""), ("pdf", "xlsx", "csv"))
    if fmt not in allowed:
        errors["format"] = _("format: use {choices} for this document").format(choices=', '.join(allowed))
    if period not in PERIODS:
        errors["period"] = _("period: use {choices}").format(choices=', '.join(PERIODS))
    try:
        day = int(day)
    except (TypeError, ValueError):
        day = 0
    if period == "weekly" and not 1 <= day <= 7:
        errors["day"] = _("day: 1-7 (Monday-Sunday) for a weekly report")
    elif period == "monthly" and not 1 <= day <= 28:
        errors["day"] = _("day: 1-28 for a monthly report")
    if period == "daily":
        day = 1
    at_time = (at_time or "").strip()
    m = _TIME.match(at_time)
    if not m:
        errors["at_time"] = _("time: HH:MM, 00:00-23:59")
    else:
        at_time = f"{int(m.group(1)):02d}:{m.group(2)}"
    values["email"] = values["phone"] = ""
    if email and email.strip():
        try:
            values["email"] = validate_email(email, "email")
        except ValidationError as exc:
            errors["email"] = exc.message
    if phone and phone.strip():
        try:
            values["phone"] = normalize(phone, "phone")
        except ValidationError as exc:
            errors["phone"] = _("phone: {message}").format(message=exc.message)
    if not (email and email.strip()) and not (phone and phone.strip()):
        errors["email"] = _("give an email and/or a phone for the delivery")
    language = language or _language()
    if language not in LANGUAGES:
        errors["language"] = _("language: use {choices}").format(choices=", ".join(LANGUAGES))
    scope = documents.validate_scope(session, accounts, numbers, errors)
    raise_errors(errors)
    values.update(format=fmt, period=period, day=day, at_time=at_time, scope=scope,
                  language=language)
    return values


def _public(s: ReportSchedule) -> dict:
    scope = dict(s.scope or {})
    if s.period == "weekly":
        when = _("weekly, {weekday} {time}").format(weekday=_(WEEKDAYS[s.day - 1]),
                                                     time=s.at_time)
    elif s.period == "monthly":
        when = _("monthly, day {day} {time}").format(day=s.day, time=s.at_time)
    else:
        when = _("daily {time}").format(time=s.at_time)
    return {"id": s.id, "type": s.type, "format": s.format, "period": s.period, "day": s.day,
            "at_time": s.at_time, "when": when, "accounts": list(scope.get("accounts", [])),
            "numbers": list(scope.get("numbers", [])), "email": s.email, "phone": s.phone,
            "active": bool(s.active), "next_run_at": s.next_run_at,
            "last_run_at": s.last_run_at, "language": s.language or "ru"}


def _get(session, sid) -> ReportSchedule:
    from corptui.ids import parse_id

    sid = parse_id(sid, "schedule", _("schedule"))
    s = ReportSchedule.get_or_none((ReportSchedule.id == sid)
                                   & (ReportSchedule.company == session.company_id))
    if s is None:
        raise NotFound(_("no schedule {sid} in this company").format(sid=sid))
    return s


def create(session, type: str, accounts=(), numbers=(), fmt: str = "pdf",
           period: str = "monthly", day: int = 1, at_time: str = "09:00",
           email: str | None = None, phone: str | None = None,
           now: dt.datetime | None = None, tz: dt.tzinfo | None = None,
           language: str | None = None) -> dict:
    """An automatic report; its documents are in ``language`` (default: the creating
    user's language)."""
    permissions.require(session, "reports.schedule")
    v = _validate(session, type, accounts, numbers, fmt, period, day, at_time, email, phone,
                  language or "")
    now = now or utcnow()
    with atomic():
        s = ReportSchedule.create(
            company=session.company_id, user=session.user_id, type=v["type"],
            format=v["format"], period=v["period"], day=v["day"], at_time=v["at_time"],
            scope=v["scope"], email=v["email"], phone=v["phone"], active=True,
            language=v["language"],
            next_run_at=next_run(v["period"], v["day"], v["at_time"], now, tz),
            created_at=now)
        audit.record(session, "schedule.create", "report_schedule", s.id, None, _public(s))
    return _public(s)


def edit(session, sid, now: dt.datetime | None = None, tz: dt.tzinfo | None = None,
         **changes) -> dict:
    """Change any of type, accounts, numbers, fmt, period, day, at_time, email, phone,
    language."""
    permissions.require(session, "reports.schedule")
    s = _get(session, sid)
    cur = _public(s)
    merged = {"type": s.type, "accounts": cur["accounts"], "numbers": cur["numbers"],
              "fmt": s.format, "period": s.period, "day": s.day, "at_time": s.at_time,
              "email": s.email, "phone": s.phone, "language": s.language or "ru"}
    unknown = set(changes) - set(merged)
    if unknown:
        raise ValidationError(_("cannot change {value}").format(value=sorted(unknown)[0]), sorted(unknown)[0])
    merged.update({k: v for k, v in changes.items() if v is not None})
    v = _validate(session, merged["type"], merged["accounts"], merged["numbers"],
                  merged["fmt"], merged["period"], merged["day"], merged["at_time"],
                  merged["email"], merged["phone"], merged["language"])
    with atomic():
        ReportSchedule.update(
            language=v["language"],
            type=v["type"], format=v["format"], period=v["period"], day=v["day"],
            at_time=v["at_time"], scope=v["scope"], email=v["email"], phone=v["phone"],
            next_run_at=next_run(v["period"], v["day"], v["at_time"], now or utcnow(), tz),
        ).where(ReportSchedule.id == s.id).execute()
        after = _public(ReportSchedule.get_by_id(s.id))
        audit.record(session, "schedule.edit", "report_schedule", s.id, cur, after)
    return after


def list_schedules(session) -> list[dict]:
    permissions.require(session, "read")
    return [_public(s) for s in ReportSchedule.select()
            .where(ReportSchedule.company == session.company_id).order_by(ReportSchedule.id)]


def get(session, sid) -> dict:
    permissions.require(session, "read")
    return _public(_get(session, sid))


def _set_active(session, sid, active: bool, now=None, tz=None) -> dict:
    permissions.require(session, "reports.schedule")
    s = _get(session, sid)
    before = _public(s)
    values = {"active": active}
    if active:  # resuming: the next run from now, not the runs missed while paused
        values["next_run_at"] = next_run(s.period, s.day, s.at_time, now or utcnow(), tz)
    with atomic():
        ReportSchedule.update(**values).where(ReportSchedule.id == s.id).execute()
        after = _public(ReportSchedule.get_by_id(s.id))
        audit.record(session, "schedule.resume" if active else "schedule.pause",
                     "report_schedule", s.id, before, after)
    return after


def pause(session, sid) -> dict:
    return _set_active(session, sid, False)


def resume(session, sid, now: dt.datetime | None = None, tz=None) -> dict:
    return _set_active(session, sid, True, now, tz)


def delete(session, sid) -> None:
    permissions.require(session, "reports.schedule")
    s = _get(session, sid)
    before = _public(s)
    with atomic():
        ReportSchedule.delete().where(ReportSchedule.id == s.id).execute()
        audit.record(session, "schedule.delete", "report_schedule", s.id, before, None)


def due(now: dt.datetime | None = None, tz: dt.tzinfo | None = None) -> list[int]:
    """Order the report of every active schedule whose time has come; returns the new
    document ids. The document's notifications deliver it (email with the file, SMS)."""
    from corptui import documents
    from corptui.session import Session

    now = now or utcnow()
    made = []
    rows = list(ReportSchedule.select().where(
        (ReportSchedule.active == True) & (ReportSchedule.next_run_at <= now))  # noqa: E712
        .order_by(ReportSchedule.next_run_at, ReportSchedule.id))
    for s in rows:
        local_run = s.next_run_at.astimezone(tz) if tz else s.next_run_at.astimezone()
        date_from, date_to = report_period(s.period, local_run.date())
        session = Session(company_id=s.company_id, role="owner", user_id=s.user_id,
                          actor="worker", source=f"schedule {s.id}")
        with atomic():
            claimed = (ReportSchedule.update(
                last_run_at=now, next_run_at=next_run(s.period, s.day, s.at_time, now, tz))
                .where((ReportSchedule.id == s.id)
                       & (ReportSchedule.next_run_at == s.next_run_at)).execute())
            if not claimed:  # another worker took this run
                continue
            lang = s.language or "ru"
            doc = documents.create(
                session, s.type, dict(s.scope or {}), date_from, date_to, s.format, 1,
                s.email, s.phone, "", action="schedule.run", language=lang,
                options={"as_of": local_run.date().isoformat(), "excel_ru": lang == "ru"})
            made.append(doc.id)
    return made


def _job(payload: dict, progress) -> dict:
    return {"documents": due()}


def _register() -> None:
    from corptui import jobs

    jobs.register("schedules.due", _job)
    if hasattr(jobs, "register_periodic"):
        jobs.register_periodic("schedules.due", due)


_register()
