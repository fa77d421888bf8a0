"""Tags through corptui.tags, on both engines."""

from __future__ import annotations

import pytest
from numbers_core_data import build

from corptui import tags
from corptui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from storage.models import AuditEntry, PersonalAccount, Subscriber, SubscriberTag, Tag


@pytest.fixture
def data(db):
    return build()


def links(tag) -> set[int]:
    return {r[0] for r in SubscriberTag.select(SubscriberTag.subscriber)
            .where(SubscriberTag.tag == tag.id).tuples()}


def test_list_tags_counts_and_company_scope(data):
    rows = tags.list_tags(data["session"])
    assert [(r["name"], r["color"], r["numbers"]) for r in rows] == [
        ("Drivers", "red", 1), ("Продажи", "green", 2)]
    other = tags.list_tags(data["other_session"])
    assert [(r["name"], r["numbers"]) for r in other] == [("Чужой тег", 1)]


def test_create_trims_validates_and_refuses_an_existing_name(data):
    s = data["session"]
    tag = tags.create_tag(s, "  Новый   тег ", "Magenta")
    assert (tag["name"], tag["color"], tag["numbers"]) == ("Новый тег", "magenta", 0)
    assert Tag.get_by_id(tag["id"]).company_id == data["company"].id
    with pytest.raises(Conflict, match="a tag named Продажи exists"):
        tags.create_tag(s, "продажи")
    for bad in ("", "   ", "x" * 61, "bad\x1b[31m", "tab\tname"):
        with pytest.raises(ValidationError) as err:
            tags.create_tag(s, bad)
        assert err.value.field == "name"
    with pytest.raises(ValidationError) as err:
        tags.create_tag(s, "ok", "purple")
    assert err.value.field == "color"
    assert tags.create_tag(s, "x" * 60)["name"] == "x" * 60
    # the other company may use the same name
    assert tags.create_tag(data["other_session"], "Продажи")["name"] == "Продажи"
    assert tags.create_tag(s, "[b]markup[/b]")["name"] == "[b]markup[/b]"


def test_rename_recolor_and_their_conflicts(data):
    s = data["session"]
    sales = data["sales"]
    assert tags.rename_tag(s, sales.id, " Sales ")["name"] == "Sales"
    assert Tag.get_by_id(sales.id).name == "Sales"
    with pytest.raises(Conflict, match="a tag named Drivers exists"):
        tags.rename_tag(s, sales.id, "DRIVERS")
    assert tags.rename_tag(s, sales.id, "SALES")["name"] == "SALES"  # own name, new case
    assert tags.recolor_tag(s, sales.id, "yellow")["color"] == "yellow"
    with pytest.raises(ValidationError):
        tags.recolor_tag(s, sales.id, "pink")
    with pytest.raises(NotFound):
        tags.rename_tag(s, data["foreign_tag"].id, "mine now")
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.object_id == str(sales.id))
               .order_by(AuditEntry.id)]
    assert actions == ["tags.rename", "tags.rename", "tags.recolor"]


def test_delete_reports_usage_and_removes_links(data):
    s = data["session"]
    sales = data["sales"]
    assert tags.tag_usage(s, sales.id) == 2
    assert tags.delete_tag(s, sales.id) == 2
    assert Tag.get_or_none(Tag.id == sales.id) is None
    assert SubscriberTag.select().where(SubscriberTag.tag == sales.id).count() == 0
    with pytest.raises(NotFound):
        tags.delete_tag(s, data["foreign_tag"].id)
    assert Tag.get_or_none(Tag.id == data["foreign_tag"].id) is not None


def test_preview_matches_assign_and_changes_nothing(data):
    s = data["session"]
    subs = data["subs"]
    ids = {x.id for x in subs}
    before_sales, before_drivers = links(data["sales"]), links(data["drivers"])
    preview = tags.preview_assign(s, ids, add=["Продажи"], remove=[data["drivers"].id])
    # 5 numbers, 2 already have Продажи; subs[1] loses Drivers (and already has Продажи)
    assert preview == {"adds": 3, "removes": 1, "numbers_changed": 4}
    assert (links(data["sales"]), links(data["drivers"])) == (before_sales, before_drivers)
    result = tags.assign(s, ids, add=["Продажи"], remove=[data["drivers"].id])
    assert {k: result[k] for k in preview} == preview
    assert links(data["sales"]) == ids
    assert links(data["drivers"]) == set()
    again = tags.preview_assign(s, ids, add=["Продажи"], remove=["Drivers"])
    assert again == {"adds": 0, "removes": 0, "numbers_changed": 0}


def test_assign_is_all_or_nothing(data):
    s = data["session"]
    ids = {x.id for x in data["subs"]}
    before = links(data["sales"])
    with pytest.raises(NotFound):
        tags.assign(s, ids | {data["osub"].id}, add=["Drivers"])
    with pytest.raises(NotFound):
        tags.assign(s, ids, add=["Drivers", "no such tag"])
    with pytest.raises(NotFound):
        tags.assign(s, ids, add=[data["foreign_tag"].id])
    with pytest.raises(ValidationError):
        tags.assign(s, ids, add=["Drivers"], remove=["drivers"])
    assert links(data["drivers"]) == {data["subs"][1].id}
    assert links(data["sales"]) == before
    assert links(data["foreign_tag"]) == {data["osub"].id}


def test_assign_is_audited_once_with_the_changed_numbers(data):
    s = data["session"]
    subs = data["subs"]
    result = tags.assign(s, {subs[0].id, subs[2].id}, add=["Drivers"])
    entries = list(AuditEntry.select().where(AuditEntry.operation == result["operation"]))
    assert len(entries) == 1
    assert entries[0].action == "tags.assign"
    assert entries[0].after["subscribers"] == sorted([subs[0].id, subs[2].id])
    assert entries[0].after["adds"] == 2


def test_assign_to_thousands_of_numbers(data):
    s = data["session"]
    acc = PersonalAccount.get(PersonalAccount.company == data["company"])
    rows = [{"company": data["company"].id, "account": acc.id, "msisdn": f"7966{i:07d}"}
            for i in range(3000)]
    for i in range(0, len(rows), 500):
        Subscriber.insert_many(rows[i:i + 500]).execute()
    ids = {r[0] for r in Subscriber.select(Subscriber.id)
           .where(Subscriber.msisdn.startswith("7966")).tuples()}
    half = set(sorted(ids)[:1500])
    assert tags.assign(s, half, add=["Drivers"])["adds"] == 1500
    preview = tags.preview_assign(s, ids, add=["Drivers"], remove=["Продажи"])
    assert preview == {"adds": 1500, "removes": 0, "numbers_changed": 1500}
    result = tags.assign(s, ids | {data["subs"][0].id}, add=["Drivers"], remove=["Продажи"])
    assert (result["adds"], result["removes"], result["numbers_changed"]) == (1501, 1, 1501)
    assert links(data["drivers"]) == ids | {data["subs"][0].id, data["subs"][1].id}
    assert tags.list_tags(s)[0]["numbers"] == 3002


def test_set_number_tags_on_the_card(data):
    s = data["session"]
    sub = data["subs"][1]  # has Продажи and Drivers
    tags.create_tag(s, "Новый", "cyan")
    assert tags.set_number_tags(s, sub.id, ["drivers", "Новый"]) == ["Drivers", "Новый"]
    assert sub.id not in links(data["sales"])
    assert sub.id in links(data["drivers"])
    entry = AuditEntry.select().where(AuditEntry.action == "tags.set").get()
    assert entry.before == {"tags": ["Drivers", "Продажи"]}
    assert entry.after == {"tags": ["Drivers", "Новый"]}
    assert tags.set_number_tags(s, sub.id, []) == []
    with pytest.raises(NotFound):
        tags.set_number_tags(s, data["osub"].id, ["Drivers"])
    with pytest.raises(NotFound):
        tags.set_number_tags(s, sub.id, ["missing"])


def test_viewer_may_read_but_not_change(data):
    v = data["viewer"]
    assert len(tags.list_tags(v)) == 2
    with pytest.raises(PermissionDenied):
        tags.create_tag(v, "x")
    with pytest.raises(PermissionDenied):
        tags.assign(v, {data["subs"][0].id}, add=["Drivers"])
    with pytest.raises(PermissionDenied):
        tags.delete_tag(v, data["sales"].id)
