"""Two companies with a user of every role (for the auth, permission, isolation and
audit tests). Passwords are hashed with the cheap test parameters (conftest)."""

from __future__ import annotations

from decimal import Decimal

from corptui.passwords import hash_password
from corptui.session import Session
from storage.models import Company, PersonalAccount, Subscriber, SubscriberTag, Tag, User
from storage.search import search_key

PASSWORD = "Correct-horse-9"
ROLE_PHONES = {"owner": "79260000001", "admin": "79260000002",
               "accountant": "79260000003", "viewer": "79260000004"}
OTHER_OWNER = "79160000009"


def build() -> dict:
    comp = Company.create(name="ООО «Ромашка»", inn="7707083893")
    acc = PersonalAccount.create(company=comp, number="100200300", balance=Decimal("10.00"))
    people = [("79261234567", "Ёлкин Пётр"), ("79031112233", "[/]Смирнова"),
              ("79990000000", "Иванов")]
    subs = [Subscriber.create(company=comp, account=acc, msisdn=m, full_name=n,
                              search_text=search_key(n, "")) for m, n in people]
    tag = Tag.create(company=comp, name="Москва")
    SubscriberTag.create(subscriber=subs[0], tag=tag)
    pw_hash = hash_password(PASSWORD)
    users = {role: User.create(company=comp, phone=phone, role=role, password_hash=pw_hash,
                               must_change_password=False)
             for role, phone in ROLE_PHONES.items()}

    other = Company.create(name="ИП Другой", inn="500100732259")
    oacc = PersonalAccount.create(company=other, number="900")
    osubs = [Subscriber.create(company=other, account=oacc, msisdn=m, full_name=n,
                               search_text=search_key(n, ""))
             for m, n in [("79160000001", "Чужой Смирнов"), ("79261230000", "Ёлкина Чужая")]]
    otag = Tag.create(company=other, name="Чужой тег")
    SubscriberTag.create(subscriber=osubs[0], tag=otag)
    ouser = User.create(company=other, phone=OTHER_OWNER, role="owner", password_hash=pw_hash,
                        must_change_password=False)
    return {"company": comp, "account": acc, "subs": subs, "tag": tag, "users": users,
            "other": other, "other_account": oacc, "other_subs": osubs, "other_tag": otag,
            "other_user": ouser}


def session_of(user: User, source: str = "test") -> Session:
    return Session(company_id=user.company_id, role=user.role, user_id=user.id,
                   actor=user.phone, source=source)
