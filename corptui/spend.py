"""Spend: what the company's numbers cost, read from the charges in one place, and the
spend per tag (department, city) per month against the tag's budget.

``number_totals`` is THE read of a number's spend in a month (integer kopecks, straight
from the (company, period, subscriber, amount) covering index): limits, budgets and the
overview all go through it, so whatever writes the charges (the rating engine, a month
in progress or billed) is what they count.

Spend per tag: a number with several tags counts in each of them (a department AND a
city), so the rows may add up to more than the company's total; ``by_tag`` says by how
much and how many numbers carry several tags. Numbers with no tag are one row of their
own. Growth is month over month in percent (none when the month before was zero)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import peewee as pw

from corptui import audit, permissions
from corptui.errors import ValidationError
from corptui.i18n import N_, _
from corptui.periods import add_months, month_start, parse_amount, parse_date
from storage.db import atomic
from storage.fields import from_kopecks, utcnow
from storage.models import Charge, SubscriberTag, Tag

ZERO = Decimal("0.00")
BUDGET_MAX = Decimal("100000000000")  # 100 bn rubles a month: beyond that a typo
HISTORY = 6  # months shown per tag
UNTAGGED = N_("(no tag)")


# -- the one read of spend --------------------------------------------------------------

def _as_month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    return dt.date.fromisoformat(str(value)[:10]).replace(day=1)


def number_totals(company_id: int, month: dt.date) -> dict[int, int]:
    """{subscriber id: kopecks charged in the month} for every number of the company
    with a charge that month (the account's own lines, with no number, left out)."""
    total = pw.fn.SUM(Charge.amount).coerce(False)
    q = (Charge.select(Charge.subscriber, total)
         .where((Charge.company == company_id) & (Charge.period == _as_month(month))
                & Charge.subscriber.is_null(False))
         .group_by(Charge.subscriber).tuples())
    return {sid: int(kop or 0) for sid, kop in q.iterator()}


def company_total(company_id: int, month: dt.date) -> int:
    """Kopecks charged to the company for the month (its numbers and its accounts' own
    lines): one pass over the (company, period, kind, amount) covering index."""
    total = (Charge.select(pw.fn.SUM(Charge.amount).coerce(False))
             .where((Charge.company == company_id) & (Charge.period == _as_month(month)))
             .scalar())
    return int(total or 0)


def months_totals(company_id: int, first: dt.date, last: dt.date) -> dict[dt.date, dict[int, int]]:
    """``number_totals`` for every month from ``first`` to ``last`` in one query."""
    total = pw.fn.SUM(Charge.amount).coerce(False)
    q = (Charge.select(Charge.period, Charge.subscriber, total)
         .where((Charge.company == company_id) & (Charge.period >= _as_month(first))
                & (Charge.period <= _as_month(last)) & Charge.subscriber.is_null(False))
         .group_by(Charge.period, Charge.subscriber).tuples())
    out: dict[dt.date, dict[int, int]] = {}
    for period, sid, kop in q.iterator():
        out.setdefault(_as_month(period), {})[sid] = int(kop or 0)
    return out


def latest_month(company_id: int, today: dt.date | None = None) -> dt.date | None:
    """The month the spend is read for: the latest the company has charges for, not
    after the current one (the month in progress once its charges accrue)."""
    today = today or utcnow().date()
    latest = (Charge.select(pw.fn.MAX(Charge.period))
              .where((Charge.company == company_id) & (Charge.period <= month_start(today)))
              .scalar())
    return None if latest is None else _as_month(latest)


def growth(current: Decimal, previous: Decimal) -> Decimal | None:
    """Month over month in percent, one decimal; None when there is nothing to compare."""
    if not previous:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal("0.1"), ROUND_HALF_UP)


def use_percent(spent: Decimal, budget: Decimal | None) -> Decimal | None:
    if budget is None or budget <= 0:
        return None
    return (spent * 100 / budget).quantize(Decimal("0.1"), ROUND_HALF_UP)


# -- spend per tag ----------------------------------------------------------------------

def _links(company_id: int) -> dict[int, list[int]]:
    """{subscriber id: [tag ids]} of the company's tagged numbers (the covering
    (tag, subscriber) index through the company's tags)."""
    q = (SubscriberTag.select(SubscriberTag.subscriber, SubscriberTag.tag)
         .join(Tag, on=(SubscriberTag.tag == Tag.id))
         .where(Tag.company == company_id).tuples())
    out: dict[int, list[int]] = {}
    for sid, tid in q.iterator():
        out.setdefault(sid, []).append(tid)
    return out


def _month_arg(session, month) -> dt.date | None:
    if month is None or (isinstance(month, str) and not month.strip()):
        return latest_month(session.company_id)
    day = parse_date(month if not isinstance(month, str) or len(month.strip()) > 7
                     else month.strip() + "-01", "month")
    return month_start(day)


def tag_totals(totals: dict[int, int], links: dict[int, list[int]]
               ) -> tuple[dict[int | None, int], dict[int | None, int]]:
    """({tag id or None: kopecks}, {tag id or None: numbers charged}) of one month's
    ``number_totals``: a number with several tags in each, an untagged one under None."""
    spend: dict[int | None, int] = {}
    count: dict[int | None, int] = {}
    for sid, kop in totals.items():
        for tid in links.get(sid) or (None,):
            spend[tid] = spend.get(tid, 0) + kop
            count[tid] = count.get(tid, 0) + 1
    return spend, count


def by_tag(session, month=None, history: int = HISTORY) -> dict:
    """Spend per tag for ``month`` (default: the latest charged month) and the months
    before it. {"month", "months" (oldest first), "rows": [{"tag_id", "name", "color",
    "budget", "numbers", "shared", "spend": {month: Decimal}, "current", "previous",
    "growth", "use", "over"}], "total": {month: Decimal}, "shared_numbers",
    "overlap"}; rows by current spend, the untagged row (tag_id None) last."""
    permissions.require(session, "read")
    month = _month_arg(session, month)
    result = {"month": month, "months": [], "rows": [], "total": {}, "shared_numbers": 0,
              "overlap": ZERO}
    if month is None:
        return result
    months = [add_months(month, -i) for i in range(max(2, int(history)) - 1, -1, -1)]
    result["months"] = months
    per_month = months_totals(session.company_id, months[0], month)
    links = _links(session.company_id)
    tags = {t.id: t for t in Tag.select().where(Tag.company == session.company_id)}
    sums = {m: tag_totals(per_month.get(m, {}), links)[0] for m in months}
    result["total"] = {m: from_kopecks(sum(per_month.get(m, {}).values())) for m in months}
    numbers: dict[int, int] = {}
    shared: dict[int, int] = {}
    for tids in links.values():
        for tid in tids:
            numbers[tid] = numbers.get(tid, 0) + 1
            if len(tids) > 1:
                shared[tid] = shared.get(tid, 0) + 1
    result["shared_numbers"] = sum(1 for tids in links.values() if len(tids) > 1)
    current = per_month.get(month, {})
    tagged_total = sum(k for sid, k in current.items() if sid in links)
    result["overlap"] = from_kopecks(
        sum(v for t, v in sums[month].items() if t is not None) - tagged_total)
    prev = months[-2]
    rows = []
    for tid in [*tags, None]:
        spend = {m: from_kopecks(sums[m].get(tid, 0)) for m in months}
        if tid is None and not any(spend.values()):
            continue
        tag = tags.get(tid)
        budget = tag.budget if tag is not None else None
        use = use_percent(spend[month], budget)
        rows.append({
            "tag_id": tid, "name": tag.name if tag else _(UNTAGGED),
            "color": tag.color if tag else "", "budget": budget,
            "numbers": numbers.get(tid, 0) if tid is not None else
            sum(1 for sid in current if sid not in links),
            "shared": shared.get(tid, 0), "spend": spend, "current": spend[month],
            "previous": spend[prev], "growth": growth(spend[month], spend[prev]),
            "use": use, "over": budget is not None and spend[month] > budget})
    rows.sort(key=lambda r: (r["tag_id"] is None, -r["current"], r["name"].casefold()))
    result["rows"] = rows
    return result


# -- budgets ----------------------------------------------------------------------------

def clean_budget(value) -> Decimal | None:
    """A monthly budget in rubles (above zero; the money parser of the filters) or None
    ('' / none: no budget)."""
    if isinstance(value, str) and value.strip().lower() in ("none", "no", "-", "нет"):
        return None
    amount = parse_amount(value, "budget")
    if amount is None:
        return None
    if amount <= 0:
        raise ValidationError(_("the budget is an amount above zero (or empty: no budget)"),
                              "budget")
    if amount > BUDGET_MAX:
        raise ValidationError(_("the budget is at most {amount} rubles a month").format(
            amount=BUDGET_MAX), "budget")
    return amount


def set_budget(session, tag, amount) -> dict:
    """Set (or remove, with None / '') the monthly budget of a tag. Audited."""
    from corptui.tags import get_tag

    permissions.require(session, "budgets.manage")
    budget = clean_budget(amount)
    with atomic():
        found = get_tag(session, tag)
        before = found.budget
        if before != budget:
            Tag.update(budget=budget).where(Tag.id == found.id).execute()
            audit.record(session, "tags.budget", "tag", found.id,
                         {"name": found.name, "budget": before},
                         {"name": found.name, "budget": budget})
    return {"tag_id": found.id, "name": found.name, "budget": budget,
            "changed": before != budget}


# -- export and the automatic report -----------------------------------------------------

def _table(r: dict) -> tuple[list[tuple[str, str]], list[tuple], tuple | None]:
    """(columns (title, kind), rows, total row) of a ``by_tag`` result: English titles,
    the way documents and exports are written."""
    months = r["months"]
    cols = [("Tag", "text"), ("Numbers", "int"), ("Also in another tag", "int"),
            ("Budget", "money")]
    cols += [(f"{m:%Y-%m}", "money") for m in months]
    cols += [("Change, %", "text"), ("Budget used, %", "text")]
    rows = []
    for row in r["rows"]:
        rows.append((row["name"], row["numbers"], row["shared"], row["budget"],
                     *(row["spend"][m] for m in months),
                     "" if row["growth"] is None else f"{row['growth']:+}",
                     "" if row["use"] is None else f"{row['use']}"))
    total = ("Company total", None, None, None, *(r["total"].get(m, ZERO) for m in months),
             "", "") if months else None
    return cols, rows, total


def note(r: dict) -> str:
    """Why the rows add up to more than the total (English: exports and documents)."""
    if not r["shared_numbers"]:
        return "Every number carries at most one tag: the rows add up to the total."
    return (f"{r['shared_numbers']} numbers carry several tags and count in each of them: "
            f"the tag rows add up to {r['overlap']} RUB more than those numbers cost.")


def export_by_tag(session, fmt: str, path: str, month=None, *, company_name: str = "",
                  force: bool = False, sep: str = ","):
    """Write spend per tag (the month and the months before it) to CSV, XLSX, PDF or
    JSON (corptui.export: nothing half-written, formulas neutralised)."""
    from corptui.export import Column, export_rows

    permissions.require(session, "payments.export")
    r = by_tag(session, month)
    cols, rows, total = _table(r)
    keys = [f"c{i}" for i in range(len(cols))]
    columns = [Column(k, title, kind) for k, (title, kind) in zip(keys, cols, strict=True)]
    body = [dict(zip(keys, row, strict=True)) for row in rows]
    if total:
        body.append(dict(zip(keys, total, strict=True)))
    month_text = f"{r['month']:%Y-%m}" if r["month"] else "-"
    return export_rows(columns, body, fmt, path,
                       title=f"Spend by tag — {company_name}".strip(" —"),
                       subtitle=f"{month_text}. {note(r)}", force=force, sep=sep)


def report(session, date_to=None) -> dict:
    """The automatic report "spend by tag": the month of ``date_to`` (default the latest
    charged) and the months before it. {"month", "tables": [(title, columns, rows,
    total)], "summary": [(label, value)], "footer": [lines]}."""
    month = month_start(parse_date(date_to, "date_to")) if date_to else None
    r = by_tag(session, month)
    cols, rows, total = _table(r)
    over = [row for row in r["rows"] if row["over"]]
    summary = []
    if r["month"]:
        summary = [(f"Charged {r['month']:%Y-%m}", r["total"].get(r["month"], ZERO)),
                   ("Tags over budget", str(len(over))), ("Note", note(r))]
    return {"month": r["month"], "tables": [("Spend by tag", cols, rows, total)],
            "summary": summary, "footer": [note(r)]}
