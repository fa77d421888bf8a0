"""Small data for the tags / employee card / import tests: two companies (scoping),
numbers with Cyrillic names, a few tags."""

from __future__ import annotations

from corptui.session import Session
from storage.models import Company, PersonalAccount, Subscriber, SubscriberTag, Tag
from storage.search import search_key

PEOPLE = [
    ("79261234567", "Иванов Иван Иванович", "Инженер"),
    ("79261234568", "Петрова Анна Сергеевна", "Бухгалтер"),
    ("79031112233", "Ёлкин Пётр Ильич", ""),
    ("79990000000", "Смирнова Ольга", "Директор"),
    ("79161110000", "", ""),
]
OTHER_MSISDN = "79160000001"


def build(extra: int = 0) -> dict:
    comp = Company.create(name="ООО «Ромашка»", inn="7707083893")
    acc = PersonalAccount.create(company=comp, number="100200300", name="Основной")
    subs = [
        Subscriber.create(company=comp, account=acc, msisdn=m, full_name=n, position=p,
                          search_text=search_key(n, p))
        for m, n, p in PEOPLE
    ]
    for i in range(extra):
        m = f"7977{i:07d}"
        subs.append(Subscriber.create(company=comp, account=acc, msisdn=m,
                                      full_name=f"Сотрудник {i}", search_text=search_key(f"Сотрудник {i}")))
    other = Company.create(name="ИП Другой", inn="500100732259")
    oacc = PersonalAccount.create(company=other, number="900")
    osub = Subscriber.create(company=other, account=oacc, msisdn=OTHER_MSISDN,
                             full_name="Чужой Сотрудник")
    sales = Tag.create(company=comp, name="Продажи", color="green")
    drivers = Tag.create(company=comp, name="Drivers", color="red")
    foreign_tag = Tag.create(company=other, name="Чужой тег", color="blue")
    SubscriberTag.create(subscriber=subs[0], tag=sales)
    SubscriberTag.create(subscriber=subs[1], tag=sales)
    SubscriberTag.create(subscriber=subs[1], tag=drivers)
    SubscriberTag.create(subscriber=osub, tag=foreign_tag)
    return {
        "company": comp, "other": other, "account": acc, "subs": subs, "osub": osub,
        "sales": sales, "drivers": drivers, "foreign_tag": foreign_tag,
        "session": Session.system(comp.id, "test"),
        "other_session": Session.system(other.id, "test"),
        "viewer": Session(company_id=comp.id, role="viewer", actor="viewer", source="test"),
    }
