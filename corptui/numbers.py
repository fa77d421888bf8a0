"""Numbers (subscribers) of the session's company: filtering and listing.

The same ``NumberFilter`` drives the CLI list and the TUI's virtualized table, so both
find exactly the same numbers. Filters run in SQL; phone search matches digits anywhere
in the MSISDN, name search matches the normalised search column (Cyrillic case folded,
ё = е)."""

from __future__ import annotations

from dataclasses import dataclass, field

import peewee as pw

from corptui import permissions
from corptui.errors import NotFound
from corptui.i18n import _, number
from corptui.phones import search_digits
from storage.db import database
from storage.idsets import in_ids
from storage.models import PersonalAccount, Subscriber, SubscriberTag, Tag, Tariff
from storage.search import fold

SORT_KEYS = ("msisdn", "full_name", "position", "tariff", "status", "account")


@dataclass
class NumberFilter:
    search: str = ""
    tags: tuple[str, ...] = ()  # tag names; a number must carry all of them
    tariff: str | None = None  # tariff code
    status: str | None = None
    account: str | None = None  # personal account number
    sort: str = "msisdn"
    descending: bool = False
    extra_ids: frozenset[int] | None = field(default=None)  # restrict to these ids


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_condition(query: str):
    digits = search_digits(query)
    if digits:
        conds = [Subscriber.msisdn.contains(digits)]
        if digits[0] == "8" and len(digits) > 1:
            conds.append(Subscriber.msisdn.startswith("7" + digits[1:]))
        expr = conds[0]
        for c in conds[1:]:
            expr |= c
        return expr
    cond = None
    for word in fold(query).split():
        part = Subscriber.search_text.contains(word)
        cond = part if cond is None else (cond & part)
    return cond


def filtered(session, flt: NumberFilter):
    """A query of Subscriber rows of the session's company matching ``flt`` (unordered)."""
    permissions.require(session, "read")
    q = Subscriber.select().where(Subscriber.company == session.company_id)
    if flt.search and flt.search.strip():
        cond = _search_condition(flt.search)
        if cond is not None:
            q = q.where(cond)
    for name in flt.tags:
        sub = (
            SubscriberTag.select(SubscriberTag.subscriber)
            .join(Tag)
            .where((Tag.company == session.company_id) & (Tag.name == name))
        )
        q = q.where(Subscriber.id.in_(sub))
    if flt.tariff:
        q = q.where(Subscriber.tariff.in_(Tariff.select(Tariff.id).where(Tariff.code == flt.tariff)))
    if flt.status:
        q = q.where(Subscriber.status == flt.status)
    if flt.extra_ids is not None:
        q = q.where(in_ids(Subscriber.id, flt.extra_ids))
    if flt.account:
        q = q.where(
            Subscriber.account.in_(
                PersonalAccount.select(PersonalAccount.id).where(
                    (PersonalAccount.number == flt.account)
                    & (PersonalAccount.company == session.company_id)
                )
            )
        )
    return q


def _order(q, flt: NumberFilter):
    key = flt.sort if flt.sort in SORT_KEYS else "msisdn"
    if key == "tariff":
        q = q.join(Tariff, pw.JOIN.LEFT_OUTER, on=(Subscriber.tariff == Tariff.id))
        col = Tariff.name
    elif key == "account":
        q = q.join(PersonalAccount, on=(Subscriber.account == PersonalAccount.id))
        col = PersonalAccount.number
    else:
        col = getattr(Subscriber, key)
    if flt.descending:
        return q.order_by(col.desc(), Subscriber.id.desc())
    return q.order_by(col, Subscriber.id)


def matching_ids(session, flt: NumberFilter, limit: int | None = None) -> list[int]:
    """Ids of the matching numbers in display order (100k ids in tens of ms); ``limit``:
    the first ones only (a first page while the whole list loads)."""
    q = _order(filtered(session, flt).select(Subscriber.id), flt)
    if limit is not None:
        q = q.limit(limit)
    return [row[0] for row in database.execute(q)]


def data_version(session) -> tuple:
    """Changes when anything the numbers list shows may have changed: every mutation
    writes an audit entry, charges (limit marks) only arrive, numbers only come and go.
    Three index lookups (well under a millisecond on 100k numbers)."""
    import peewee as pw

    from storage.models import AuditEntry, Charge

    permissions.require(session, "read")
    return (
        AuditEntry.select(pw.fn.MAX(AuditEntry.id))
        .where(AuditEntry.company == session.company_id).scalar(),
        Charge.select(pw.fn.MAX(Charge.id)).scalar(),
        count_all(session),
    )


def count_all(session) -> int:
    permissions.require(session, "read")
    return Subscriber.select().where(Subscriber.company == session.company_id).count()


def tags_by_subscriber(company_id: int, ids) -> dict[int, list[str]]:
    """Tag names (sorted) of the given subscriber ids; ids=None means all of the company.

    Reads (subscriber, tag) pairs from the covering index as raw tuples and maps the few
    tag ids to names in Python: 200k pairs in ~0.1 s."""
    names = dict(
        database.execute(Tag.select(Tag.id, Tag.name).where(Tag.company == company_id)).fetchall()
    )
    out: dict[int, list[str]] = {}
    if not names:
        return out
    base = SubscriberTag.select(SubscriberTag.subscriber, SubscriberTag.tag).where(
        SubscriberTag.tag.in_(list(names))
    )
    if ids is None:
        chunks = [base]
    else:
        ids = list(ids)
        chunks = [base.where(SubscriberTag.subscriber.in_(ids[i : i + 900]))
                  for i in range(0, len(ids), 900)]
    for q in chunks:
        for sid, tid in database.execute(q).fetchall():
            lst = out.get(sid)
            if lst is None:
                out[sid] = [names[tid]]
            else:
                lst.append(names[tid])
    for lst in out.values():
        if len(lst) > 1:
            lst.sort()
    return out


ROW_FIELDS = ("id", "msisdn", "full_name", "position", "tariff", "status", "account")


def _row_query(session):
    return (
        Subscriber.select(
            Subscriber.id, Subscriber.msisdn, Subscriber.full_name, Subscriber.position,
            Tariff.name, Subscriber.status, PersonalAccount.number,
        )
        .join(Tariff, pw.JOIN.LEFT_OUTER, on=(Subscriber.tariff == Tariff.id))
        .switch(Subscriber)
        .join(PersonalAccount, on=(Subscriber.account == PersonalAccount.id))
        .where(Subscriber.company == session.company_id)
    )


def rows_by_ids(session, ids: list[int]) -> dict[int, dict]:
    """Display rows (with tags) for a page of ids, scoped to the session's company. Raw
    tuples (every column is text or an id): a page in about a millisecond, as the table
    fetches it while it draws."""
    permissions.require(session, "read")
    out: dict[int, dict] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        q = _row_query(session).where(Subscriber.id.in_(chunk))
        for row in database.execute(q).fetchall():
            d = dict(zip(ROW_FIELDS, row, strict=True))
            d["tariff"] = d["tariff"] or ""
            d["tags"] = []
            out[d["id"]] = d
    for sid, names in tags_by_subscriber(session.company_id, list(out)).items():
        out[sid]["tags"] = names
    return out


def _list_query(session, flt: NumberFilter | None, limit: int | None):
    flt = flt or NumberFilter()
    permissions.require(session, "read")
    q = _row_query(session)
    matching = filtered(session, flt).select(Subscriber.id)
    if flt.search or flt.tags or flt.tariff or flt.status or flt.account:
        q = q.where(Subscriber.id.in_(matching))
    key = flt.sort if flt.sort in SORT_KEYS else "msisdn"
    col = {"tariff": Tariff.name, "account": PersonalAccount.number}.get(key) or getattr(Subscriber, key)
    q = q.order_by(col.desc() if flt.descending else col, Subscriber.msisdn)
    if limit is not None:
        q = q.limit(limit)
    return q


def iter_numbers(session, flt: NumberFilter | None = None, limit: int | None = None,
                 batch: int = 2000):
    """The CLI list as a stream (the same rows as ``list_numbers``, one batch of rows and
    their tags in memory at a time: a 300k-number CSV or JSON in constant memory)."""
    from storage.db import stream

    rows = []
    for values in stream(_list_query(session, flt, limit), batch):
        rows.append(dict(zip(ROW_FIELDS, values, strict=True)))
        if len(rows) >= batch:
            yield from _with_tags(session, rows)
            rows = []
    yield from _with_tags(session, rows)


def _with_tags(session, rows: list[dict]) -> list[dict]:
    tags = tags_by_subscriber(session.company_id, [r["id"] for r in rows]) if rows else {}
    for r in rows:
        r["tags"] = tags.get(r["id"], [])
        r["tariff"] = r["tariff"] or ""
    return rows


def list_numbers(session, flt: NumberFilter | None = None, limit: int | None = None) -> list[dict]:
    """The CLI list: ordered by MSISDN (or flt.sort), tags sorted by name."""
    q = _list_query(session, flt, limit)
    # raw tuples: every column is text or an integer id, so peewee's per-value
    # conversion (1 s at 100k rows) buys nothing here
    rows = [dict(zip(ROW_FIELDS, r, strict=True)) for r in database.execute(q).fetchall()]
    if limit is not None and limit < 5000:
        tags = tags_by_subscriber(session.company_id, [r["id"] for r in rows])
    else:
        tags = tags_by_subscriber(session.company_id, None)
    for r in rows:
        r["tags"] = tags.get(r["id"], [])
        r["tariff"] = r["tariff"] or ""
    return rows


def get_subscriber(session, msisdn_or_id) -> Subscriber:
    permissions.require(session, "read")
    q = Subscriber.select().where(Subscriber.company == session.company_id)
    if isinstance(msisdn_or_id, int):
        from corptui.ids import is_id

        if not is_id(msisdn_or_id):
            raise NotFound(_("no number {msisdn_or_id} in this company").format(
                msisdn_or_id=msisdn_or_id))
        q = q.where(Subscriber.id == msisdn_or_id)
    else:
        q = q.where(Subscriber.msisdn == msisdn_or_id)
    sub = q.first()
    if sub is None:
        raise NotFound(_("no number {msisdn_or_id} in this company").format(msisdn_or_id=msisdn_or_id))
    return sub


def filter_choices(session) -> dict:
    """What the filter dialog offers: the company's tags, tariffs in use, statuses and
    personal accounts."""
    permissions.require(session, "read")
    tags = [name for (name,) in Tag.select(Tag.name).where(Tag.company == session.company_id)
            .order_by(Tag.name).tuples()]
    tariffs = list(
        Tariff.select(Tariff.code, Tariff.name)
        .where(Tariff.id.in_(Subscriber.select(Subscriber.tariff).distinct()
                             .where(Subscriber.company == session.company_id)))
        .order_by(Tariff.name).tuples()
    )
    accounts = list(
        PersonalAccount.select(PersonalAccount.number, PersonalAccount.name)
        .where(PersonalAccount.company == session.company_id)
        .order_by(PersonalAccount.number).tuples()
    )
    from storage.models import SUBSCRIBER_STATUSES

    return {"tags": tags, "tariffs": tariffs, "statuses": list(SUBSCRIBER_STATUSES),
            "accounts": accounts}


from corptui.number_search import SearchIndex, SearchView, load_view  # noqa: E402,F401


@dataclass
class ListSelection:
    ids: list[int]  # the company's numbers found, in the order pasted, no repeats
    not_found: list[tuple[int, str]]  # (line, text): valid numbers not in this company
    invalid: list[tuple[int, str, str]]  # (line, text, reason)
    duplicates: int  # numbers pasted more than once
    repeated: list[tuple[int, str, int]] = field(default_factory=list)
    # (line, text, the line it repeats)

    def summary(self) -> str:
        parts = [_("{n} found").format(n=number(len(self.ids)))]
        if self.not_found:
            parts.append(_("{n} not in this company").format(n=number(len(self.not_found))))
        if self.invalid:
            parts.append(_("{n} invalid").format(n=number(len(self.invalid))))
        if self.duplicates:
            parts.append(_("{n} repeated").format(n=number(self.duplicates)))
        return ", ".join(parts)


def select_by_list(session, text: str) -> ListSelection:
    """The company's numbers of a pasted list (any count, any usual format, separated by
    newlines, commas, semicolons, tabs or spaces): corptui.scope in lenient mode.
    Numbers of another company are reported as not found, exactly like numbers nobody
    has: no existence leaks."""
    from corptui import scope
    from corptui.errors import ValidationError

    if text is None or not text.strip():
        raise ValidationError(_("the list is empty: paste numbers or choose a file"), "numbers")
    sel = scope.numbers(session, text, strict=False, allow_empty=True)
    return ListSelection(sel.ids, sel.not_found, sel.invalid, sel.duplicates, sel.repeated)
