"""The audit log: entries written by mutations, filtered by user, object and period,
scoped to the company; CLI `corptui audit list` in json/csv/table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from access_data import OTHER_OWNER, build, session_of
from click.testing import CliRunner

from corptui import audit, auditlog, users
from corptui.cli import main
from corptui.database import close_database, open_database
from corptui.errors import ValidationError
from storage.models import AuditEntry

UTC = dt.UTC


@pytest.fixture
def data(db):
    d = build()
    # fixed-time entries for the period filter (the admin's, before the block)
    admin = session_of(d["users"]["admin"], "numbers screen")
    for day, action in ((dt.datetime(2025, 1, 10, 12, tzinfo=UTC), "number.edit"),
                        (dt.datetime(2025, 1, 20, 12, tzinfo=UTC), "tag.create"),
                        (dt.datetime(2025, 2, 1, 12, tzinfo=UTC), "number.edit")):
        entry = audit.record(admin, action, "subscriber" if action == "number.edit" else "tag",
                             d["subs"][0].id, {"full_name": "old"}, {"full_name": "new"})
        AuditEntry.update(at=day).where(AuditEntry.id == entry.id).execute()
    owner = session_of(d["users"]["owner"], "users screen")
    users.set_blocked(owner, "79260000002", True)  # today, by the owner
    users.change_role(owner, "79260000003", "viewer")
    other = session_of(d["other_user"])
    users.reset_password(other, OTHER_OWNER)  # the other company's entry
    return d


def test_mutations_are_logged_with_before_and_after(data):
    owner = session_of(data["users"]["owner"])
    rows = auditlog.list_entries(owner, object_type="user")
    assert [r["action"] for r in rows] == ["user.role", "user.block"]
    role = rows[0]
    assert role["before"] == {"role": "accountant"} and role["after"] == {"role": "viewer"}
    assert role["actor"] == "79260000001" and role["source"] == "users screen"
    assert role["object_id"] == str(data["users"]["accountant"].id)
    assert role["at"].endswith("Z") and dt.datetime.fromisoformat(role["at"])
    assert set(role) >= {"at", "actor", "action", "object_type", "object_id", "before",
                         "after", "source"}


def test_filters_by_user_object_and_period(data):
    viewer = session_of(data["users"]["viewer"])  # the viewer reads the log
    by_admin = auditlog.list_entries(viewer, user="+7 926 000-00-02")
    assert [r["at"][:10] for r in by_admin] == ["2025-02-01", "2025-01-20", "2025-01-10"]
    january = auditlog.list_entries(viewer, date_from="2025-01-01", date_to="31.01.2025",
                                    tz=UTC)
    assert [r["action"] for r in january] == ["tag.create", "number.edit"]
    one_day = auditlog.list_entries(viewer, date_from=dt.date(2025, 1, 20),
                                    date_to=dt.date(2025, 1, 20), tz=UTC)
    assert [r["action"] for r in one_day] == ["tag.create"]
    edits = auditlog.list_entries(viewer, user="79260000002", object_type="subscriber")
    assert len(edits) == 2 and all(r["action"] == "number.edit" for r in edits)
    assert auditlog.list_entries(viewer, user="79269999999") == []
    assert len(auditlog.list_entries(viewer, limit=2)) == 2
    assert auditlog.object_types(viewer) == ["subscriber", "tag", "user"]
    with pytest.raises(ValidationError) as exc:
        auditlog.list_entries(viewer, date_from="2025-02-01", date_to="2025-01-01")
    assert exc.value.field == "date_from"
    with pytest.raises(ValidationError) as bad:
        auditlog.list_entries(viewer, date_from="yesterday", limit=0)
    assert set(bad.value.errors) == {"date_from", "limit"}


def test_the_log_is_scoped_to_the_company(data):
    owner = session_of(data["users"]["owner"])
    mine = auditlog.list_entries(owner, limit=None)
    assert mine and all(r["action"] != "user.reset_password" for r in mine)
    assert auditlog.list_entries(owner, user=OTHER_OWNER) == []
    theirs = auditlog.list_entries(session_of(data["other_user"]), limit=None)
    assert [r["action"] for r in theirs] == ["user.reset_password"]


def _cli(*args):
    close_database()
    result = CliRunner().invoke(main, list(args))
    close_database()
    return result


def test_cli_audit_list_formats(data, db):
    close_database()
    out = _cli("audit", "list", "--company", "ООО «Ромашка»", "--format", "json")
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert len(rows) == 5 and rows[0]["action"] == "user.role"
    assert rows[0]["after"] == {"role": "viewer"}
    filtered = json.loads(_cli("audit", "list", "--company", "ООО «Ромашка»", "--user",
                               "89260000002", "--object", "subscriber", "--from", "2025-01-01",
                               "--to", "2025-01-31", "--format", "json").output)
    assert [r["action"] for r in filtered] == ["number.edit"]
    as_csv = _cli("audit", "list", "--company", "ООО «Ромашка»", "--format", "csv",
                  "--limit", "1")
    parsed = list(csv.reader(io.StringIO(as_csv.output)))
    assert parsed[0] == list(auditlog.COLUMNS) and len(parsed) == 2
    assert json.loads(parsed[1][6]) == {"role": "viewer"}
    table = _cli("audit", "list", "--company", "ИП Другой")
    assert "user.reset_password" in table.output and "user.role" not in table.output
    bad = _cli("audit", "list", "--company", "ООО «Ромашка»", "--from", "someday")
    assert bad.exit_code == 1 and "date_from" in bad.output
    open_database(db)
