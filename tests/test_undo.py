"""Undo of the last bulk change (corptui.undo), on both engines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from numbers_core_data import build

from corptui import importer, tags, undo
from corptui.errors import Conflict, CorptuiError, NotFound, PermissionDenied
from corptui.session import Session
from storage.models import AuditEntry, ForwardingRule, Subscriber, SubscriberTag, User


@pytest.fixture
def data(db):
    d = build()
    comp = d["company"].id
    users = {}
    for i, (name, role) in enumerate([("anna", "admin"), ("boris", "admin"),
                                      ("olga", "owner"), ("vera", "viewer")]):
        u = User.create(company=comp, phone=f"7900000000{i}", role=role, full_name=name)
        users[name] = Session(company_id=comp, role=role, user_id=u.id, actor=u.phone,
                              source="test")
    d["users"] = users
    return d


def links() -> set[tuple[int, int]]:
    return set(SubscriberTag.select(SubscriberTag.subscriber, SubscriberTag.tag).tuples())


def names() -> dict[str, tuple[str, str]]:
    return {m: (n, p) for m, n, p in
            Subscriber.select(Subscriber.msisdn, Subscriber.full_name, Subscriber.position)
            .tuples()}


def test_tags_assign_undo_restores_exactly_the_links(data):
    anna = data["users"]["anna"]
    subs = data["subs"]
    before = links()
    ids = [s.id for s in subs]
    result = tags.assign(anna, ids, add=["Drivers"], remove=["Продажи"])
    assert links() != before
    op = undo.last_undoable(anna)
    assert op == result["operation"]
    preview = undo.preview_undo(anna, op)
    # Drivers added on 4 numbers (one had it), Продажи removed from 2: 5 numbers changed
    assert preview["restorable"] == 5 and preview["changed_since"] == []
    assert preview["actions"] == ["tags.assign"]
    assert links() != before  # the preview changes nothing
    done = undo.undo(anna, op)
    assert done["restored"] == 5 and done["changed_since"] == []
    assert links() == before  # the number that already had Drivers keeps it
    summary = AuditEntry.get((AuditEntry.action == "undo")
                             & (AuditEntry.object_type == "operation"))
    assert summary.object_id == op and summary.after["restored"] == 5
    assert summary.user_id == anna.user_id
    per_number = AuditEntry.select().where((AuditEntry.action == "undo")
                                           & (AuditEntry.object_type == "subscriber")).count()
    assert per_number == 5


def test_import_undo_restores_names_and_positions(data, tmp_path):
    anna = data["users"]["anna"]
    before = names()
    text = ("79261234567;Иванов Иван Петрович;Главный инженер\n"
            "79261234568;Петрова Анна Сергеевна\n"  # unchanged
            "79031112233;Ёлкин Пётр;Водитель\n")
    result = importer.apply(anna, text.encode("utf-8"))
    assert result.updated == 2
    assert names()["79031112233"] == ("Ёлкин Пётр", "Водитель")
    op = undo.last_undoable(anna)
    assert op == result.operation
    assert undo.preview_undo(anna, op)["restorable"] == 2
    done = undo.undo(anna, op)
    assert done["restored"] == 2
    assert names() == before
    # the search column follows the restored name
    hit = Subscriber.get(Subscriber.msisdn == "79031112233")
    assert "ильич" in hit.search_text


def test_numbers_changed_since_are_reported_and_left_alone(data):
    anna = data["users"]["anna"]
    subs = data["subs"]
    text = "79261234567;Новое Имя;Инженер\n79990000000;Другое Имя;Директор\n"
    op = importer.apply(anna, text.encode()).operation
    # someone edits one of the imported numbers afterwards
    Subscriber.update(full_name="Правка Бориса").where(Subscriber.id == subs[0].id).execute()
    preview = undo.preview_undo(anna, op)
    assert preview["restorable"] == 1
    assert [c["number"] for c in preview["changed_since"]] == ["+7 926 123-45-67"]
    assert "Правка Бориса" in preview["changed_since"][0]["what"]
    done = undo.undo(anna, op)
    assert done["restored"] == 1 and len(done["changed_since"]) == 1
    now = names()
    assert now["79261234567"][0] == "Правка Бориса"  # kept
    assert now["79990000000"] == ("Смирнова Ольга", "Директор")  # restored

    # tags: a link removed since the assignment is reported, the other numbers restored
    before = links()
    res = tags.assign(anna, [subs[2].id, subs[3].id], add=["Drivers"])
    SubscriberTag.delete().where((SubscriberTag.subscriber == subs[2].id)
                                 & (SubscriberTag.tag == data["drivers"].id)).execute()
    done = undo.undo(anna, res["operation"])
    assert done["restored"] == 1
    assert done["changed_since"] == [{"number": "+7 903 111-22-33",
                                      "what": "tag Drivers removed since"}]
    assert links() == before


def test_undo_twice_is_refused_and_last_moves_on(data):
    anna = data["users"]["anna"]
    subs = data["subs"]
    first = tags.assign(anna, [subs[4].id], add=["Drivers"])["operation"]
    second = tags.assign(anna, [subs[4].id], add=["Продажи"])["operation"]
    assert undo.last_undoable(anna) == second
    undo.undo(anna, second)
    with pytest.raises(Conflict, match="already been undone"):
        undo.undo(anna, second)
    with pytest.raises(Conflict, match="already been undone"):
        undo.preview_undo(anna, second)
    assert undo.last_undoable(anna) == first
    assert undo.undo_last(anna)["restored"] == 1
    assert undo.last_undoable(anna) is None
    with pytest.raises(NotFound):
        undo.undo_last(anna)
    assert AuditEntry.select().where((AuditEntry.action == "undo")
                                     & (AuditEntry.object_type == "operation")).count() == 2


def test_24_hour_window(data):
    anna = data["users"]["anna"]
    op = tags.assign(anna, [data["subs"][4].id], add=["Drivers"])["operation"]
    at = AuditEntry.get(AuditEntry.operation == op).at
    AuditEntry.update(at=at - dt.timedelta(hours=24, minutes=1)).where(
        AuditEntry.operation == op).execute()
    assert undo.last_undoable(anna) is None
    with pytest.raises(Conflict, match="more than 24 hours"):
        undo.undo(anna, op)
    AuditEntry.update(at=at - dt.timedelta(hours=23, minutes=59)).where(
        AuditEntry.operation == op).execute()
    assert undo.last_undoable(anna) == op


def test_other_user_refused_owner_allowed(data):
    users = data["users"]
    anna, boris, olga = users["anna"], users["boris"], users["olga"]
    before = links()
    op = tags.assign(anna, [data["subs"][4].id], add=["Drivers"])["operation"]
    assert undo.last_undoable(boris) is None
    assert undo.last_undoable(users["vera"]) is None
    with pytest.raises(PermissionDenied):
        undo.preview_undo(boris, op)
    with pytest.raises(PermissionDenied):
        undo.undo(boris, op)
    assert links() != before
    # another company's owner does not see it at all
    with pytest.raises(NotFound):
        undo.undo(data["other_session"], op)
    assert undo.last_undoable(olga) == op
    assert undo.undo(olga, op)["restored"] == 1
    assert links() == before
    entry = AuditEntry.get((AuditEntry.action == "undo") & (AuditEntry.object_type == "operation"))
    assert entry.user_id == olga.user_id


def test_unknown_and_not_undoable_operations(data):
    anna = data["users"]["anna"]
    with pytest.raises(NotFound):
        undo.undo(anna, "nope")
    with pytest.raises(NotFound):
        undo.undo(anna, "")
    # a single-number change carries no operation; a tag rename is not a bulk change
    tags.rename_tag(anna, data["sales"].id, "Sales")
    assert undo.last_undoable(anna) is None
    # an operation with an action nobody registered is refused as a whole
    from corptui import audit

    op = audit.new_operation()
    audit.record(anna, "something.else", "subscriber", "1", None, {"x": 1}, operation=op)
    with pytest.raises(Conflict, match="cannot be undone"):
        undo.preview_undo(anna, op)


def test_limits_and_forwarding_when_their_modules_exist(data):
    """Limits and forwarding in bulk record before/after per number: undo puts them back."""
    limits = pytest.importorskip("corptui.limits")
    forwarding = pytest.importorskip("corptui.forwarding")
    anna = data["users"]["anna"]
    subs = data["subs"]
    ids = [subs[0].id, subs[1].id]
    Subscriber.update(spending_limit=Decimal("100")).where(Subscriber.id == subs[0].id).execute()
    op = limits.set_limits(anna, ids, amount=Decimal("500"), data_ban=True)["operation"]
    assert undo.last_undoable(anna) == op
    done = undo.undo(anna, op)
    assert done["restored"] == 2
    a, b = (Subscriber.get_by_id(i) for i in ids)
    assert (a.spending_limit, a.data_ban) == (Decimal("100.00"), False)
    assert (b.spending_limit, b.data_ban) == (None, False)

    ForwardingRule.create(subscriber=subs[0].id, condition="busy", target="79005554433")
    op = forwarding.bulk_set(anna, ids, "busy", "+7 900 111-22-33")["operation"]
    done = undo.undo(anna, op)
    assert done["restored"] == 2
    rules = {(r.subscriber_id, r.condition, r.target) for r in ForwardingRule.select()}
    assert rules == {(subs[0].id, "busy", "79005554433")}


def test_option_connect_undo_removes_the_connection(data):
    from storage.models import Option, SubscriberOption

    options = pytest.importorskip("corptui.options")
    anna = data["users"]["anna"]
    subs = data["subs"]
    Option.create(code="roam", name="Roaming pack", monthly_fee=Decimal("100"))
    ids = [subs[0].id, subs[1].id, subs[2].id]
    res = options.connect(anna, "roam", ids)
    assert res["connected"] == 3
    # one connection is ended by someone else meanwhile
    SubscriberOption.update(state="disconnected").where(
        SubscriberOption.subscriber == subs[2].id).execute()
    preview = undo.preview_undo(anna, res["operation"])
    assert preview["restorable"] == 2
    assert [c["number"] for c in preview["changed_since"]] == ["+7 903 111-22-33"]
    assert undo.undo(anna, res["operation"])["restored"] == 2
    left = [(r.subscriber_id, r.state) for r in SubscriberOption.select()]
    assert left == [(subs[2].id, "disconnected")]


def test_option_disconnect_undo_restores_state_and_end_date(data):
    from storage.models import Option, SubscriberOption

    options = pytest.importorskip("corptui.options")
    anna = data["users"]["anna"]
    subs = data["subs"]
    Option.create(code="roam", name="Roaming pack", monthly_fee=Decimal("100"))
    ids = [subs[0].id, subs[1].id, subs[2].id]
    options.connect(anna, "roam", ids)
    before = {r.subscriber_id: (r.state, r.connected_until) for r in SubscriberOption.select()}
    res = options.disconnect(anna, "roam", ids)
    assert all(r.state == "disconnected" for r in SubscriberOption.select())
    # one of them is connected again by someone else meanwhile: left alone, reported
    SubscriberOption.update(state="active", connected_until=None).where(
        SubscriberOption.subscriber == subs[2].id).execute()
    preview = undo.preview_undo(anna, res["operation"])
    assert preview["restorable"] == 2
    assert len(preview["changed_since"]) == 1
    assert undo.undo(anna, res["operation"])["restored"] == 2
    after = {r.subscriber_id: (r.state, r.connected_until) for r in SubscriberOption.select()}
    assert after[subs[0].id] == before[subs[0].id]
    assert after[subs[1].id] == before[subs[1].id]
    with pytest.raises(CorptuiError):
        undo.undo(anna, res["operation"])  # not twice
