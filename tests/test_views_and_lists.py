"""Select by a pasted list; saved views (use cases and `numbers list --view`)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import demo_session

from corptui import numbers as n
from corptui import views
from corptui.cli import main
from corptui.database import close_database
from corptui.errors import Conflict, NotFound, ValidationError
from corptui.phones import format_msisdn
from storage.models import AuditEntry, Subscriber


def _numbers(company_id, k=3):
    return [s.msisdn for s in Subscriber.select().where(Subscriber.company == company_id)
            .order_by(Subscriber.msisdn).limit(k)]


def test_select_by_list_any_format_and_reports_problems(seeded):
    s = demo_session()
    a, b, c = _numbers(s.company_id)
    other = _numbers(2, 1)[0]
    text = (f"{format_msisdn(a)}\n8 ({b[1:4]}) {b[4:]}; {c[1:]},{a}\n"
            f"{other}\n+7 999 000-00-01\nnot a number\n\n")
    res = n.select_by_list(s, text)
    ids = {sub.msisdn: sub.id for sub in Subscriber.select()}
    assert res.ids == [ids[a], ids[b], ids[c]]
    assert res.duplicates == 1
    assert [t for _, t in res.not_found] == [other, "+7 999 000-00-01"]  # other company: not found
    assert res.invalid and res.invalid[0][0] == 5 and "not a number" in res.invalid[0][1]


@pytest.mark.parametrize("text", ["", "   \n ", "\x00\x01binary"])
def test_select_by_list_refuses_empty_and_binary(seeded, text):
    with pytest.raises(ValidationError):
        n.select_by_list(demo_session(), text)


def test_views_save_list_apply_replace_delete(seeded):
    s = demo_session()
    spec = views.spec_of(n.NumberFilter(search="ива", tags=("Москва",), sort="full_name",
                                        descending=True))
    views.save_view(s, "  Москва  по имени ", spec)
    assert views.list_views(s) == [{"name": "Москва по имени", "spec": spec}]
    with pytest.raises(Conflict, match="exists"):
        views.save_view(s, "Москва по имени", spec)
    spec2 = dict(spec, search="")
    views.save_view(s, "Москва по имени", spec2, overwrite=True)
    flt = views.filter_of(views.get_view(s, "Москва по имени")["spec"])
    assert flt.tags == ("Москва",) and flt.sort == "full_name" and flt.descending
    # per user: another user does not see it
    admin = demo_session("admin")
    assert views.list_views(admin) == []
    with pytest.raises(NotFound):
        views.get_view(admin, "Москва по имени")
    assert AuditEntry.select().where(AuditEntry.action == "view.save").count() == 2
    views.delete_view(s, "Москва по имени")
    assert views.list_views(s) == []
    with pytest.raises(ValidationError):
        views.save_view(s, "x" * 61, spec)
    with pytest.raises(ValidationError):
        views.save_view(s, "bad\x1bname", spec)


def test_cli_numbers_list_with_a_saved_view(seeded):
    s = demo_session()
    views.save_view(s, "blocked", views.spec_of(n.NumberFilter(status="blocked")))
    close_database()
    result = CliRunner().invoke(main, ["--db", seeded, "numbers", "list", "--company",
                                       "ООО «Северный ветер»", "--view", "blocked",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and all(r["status"] == "blocked" for r in rows)
    missing = CliRunner().invoke(main, ["--db", seeded, "numbers", "list", "--company",
                                        "ООО «Северный ветер»", "--view", "nope"])
    assert missing.exit_code == 1 and "no saved view" in missing.output
