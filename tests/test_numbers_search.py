"""The in-memory search (typing) finds exactly what the SQL search finds, in the same
order, whatever the query and however it was typed."""

from __future__ import annotations

from conftest import demo_session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corptui import numbers as n

QUERIES = ["9", "92", "926", "8", "8 9", "8 (91", "+7 9", "55-1", "и", "ив", "иван",
           "ИВАН", "петр", "пётр", "смирнова ан", "ё", "менеджер", "бух", "  ", "%", "_",
           "[/]", "a", "ан смирнова", "в п с", "менеджер ан"]


def test_typing_each_query_matches_sql(seeded):
    s = demo_session()
    for sort in ("msisdn", "full_name", "tariff"):
        ids = n.matching_ids(s, n.NumberFilter(sort=sort))
        view = n.SearchIndex(s).view(ids)
        for q in QUERIES:
            typed = None
            for k in range(1, len(q) + 1):  # as typed, narrowing the last result
                typed = view.filter(q[:k])
            expected = n.matching_ids(s, n.NumberFilter(search=q, sort=sort))
            assert typed == expected, (sort, q)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(st.sampled_from(list("0123456789 8+-()иванпетрсмоё")), max_size=6))
def test_any_sequence_of_keystrokes_matches_sql(seeded, keys):
    s = demo_session()
    ids = n.matching_ids(s, n.NumberFilter())
    view = n.SearchIndex(s).view(ids)
    q = ""
    for ch in keys:
        q += ch
        assert view.filter(q) == n.matching_ids(s, n.NumberFilter(search=q)), q


def test_data_version_moves_with_a_change_and_only_then(seeded):
    from conftest import demo_session

    from corptui import employees, numbers, tags
    from storage.models import Subscriber

    owner = demo_session("owner")
    v0 = numbers.data_version(owner)
    assert numbers.data_version(owner) == v0  # reading changes nothing
    sub = Subscriber.select().where(Subscriber.company == owner.company_id).first()
    employees.update_employee(owner, sub.id, "Новое Имя", sub.position, sub.version)
    v1 = numbers.data_version(owner)
    assert v1 != v0
    tag = tags.create_tag(owner, "версия")
    assert numbers.data_version(owner) != v1
    # another company's change is not this company's
    other = demo_session("owner", company=2)
    v2 = numbers.data_version(owner)
    tags.create_tag(other, "чужой")
    assert numbers.data_version(owner) == v2
    assert tag
