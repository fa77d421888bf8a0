"""Document numbers: one sequence per company, type and year (1, 2, 3 ... from January).

A number belongs to what the document is (its type, period and scope: ``key``), not to
the order: ordering the same act again, or reordering it, finds the number and the date
it was given first, so a reprint is the same document. Numbers are given in one
transaction; two workers numbering at once on PostgreSQL meet the unique index and the
loser takes the next one."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from storage.db import atomic
from storage.models import DocumentNumber

ATTEMPTS = 5


def number_for(company_id: int, type_: str, key: str, issued_on: dt.date) -> tuple[int, dt.date]:
    """(number, date) of the document ``key`` of this type: the one it got before, or
    the next of the year of ``issued_on``."""
    for attempt in range(ATTEMPTS):
        try:
            with atomic():
                row = DocumentNumber.get_or_none(
                    (DocumentNumber.company == company_id) & (DocumentNumber.type == type_)
                    & (DocumentNumber.key == key))
                if row is not None:
                    return row.seq, _date(row.issued_on)
                last = (DocumentNumber.select(pw.fn.MAX(DocumentNumber.seq))
                        .where((DocumentNumber.company == company_id)
                               & (DocumentNumber.type == type_)
                               & (DocumentNumber.year == issued_on.year)).scalar())
                seq = int(last or 0) + 1
                DocumentNumber.create(company=company_id, type=type_, year=issued_on.year,
                                      seq=seq, key=key[:255], issued_on=issued_on)
                return seq, issued_on
        except pw.IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value
