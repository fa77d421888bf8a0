"""Insights (issue 12) on the demo seed with known unused lines and known changes built on
top of it; each expectation is recomputed from the rows by brute force in Python."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from corptui import demo, insights, limits, options
from corptui import tags as tags_uc
from corptui.cli import main
from corptui.database import close_database, open_database
from corptui.errors import NotFound, ValidationError
from corptui.session import Session
from storage.models import (
    AuditEntry,
    CallRecord,
    Charge,
    Option,
    PersonalAccount,
    Subscriber,
    SubscriberOption,
    Tariff,
)

A, B = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
UNTIL = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _session(company=1):
    return Session(company_id=company, role="owner", user_id=None, actor="tester",
                   source="tests/insights")


@pytest.fixture
def demo_db(db):
    # the demo as of 1 November: August to October billed, nothing of November yet
    demo.seed(numbers=60, calls=300, months=3, seed=1, as_of=dt.date(2026, 11, 1))
    return db


def _main_ids():
    return [s.id for s in Subscriber.select(Subscriber.id).where(Subscriber.company == 1)
            .order_by(Subscriber.id)]


def _idle_oracle(days, company=1):
    since = UNTIL - dt.timedelta(days=days)
    out = {}
    for sub in Subscriber.select().where(Subscriber.company == company):
        fees = [c.amount for c in Charge.select().where(
            (Charge.subscriber == sub.id) & (Charge.period == B) & (Charge.kind == "subscription"))]
        if not fees:
            continue
        used = [c for c in CallRecord.select().where(CallRecord.subscriber == sub.id)
                if since <= c.started_at < UNTIL]
        if not used:
            out[sub.id] = sum(fees, Decimal("0"))
    return out


def test_unused_lines_known_idle_numbers(demo_db):
    s = _session()
    made_idle = _main_ids()[2:5]
    since = UNTIL - dt.timedelta(days=60)
    CallRecord.delete().where(CallRecord.subscriber.in_(made_idle)
                              & (CallRecord.started_at >= since)).execute()
    r = insights.unused_lines(s)
    assert (r["since"], r["until"], r["month"]) == (since, UNTIL, B)
    found = {row["subscriber_id"]: row["monthly"] for row in r["lines"]}
    expected = _idle_oracle(60)
    assert found == expected
    assert set(made_idle) <= set(found)
    # the money: the tariff fee plus the fees of the paid options charged in October
    for sid in made_idle:
        sub = Subscriber.get_by_id(sid)
        opts = sum((Option.get_by_id(o.option_id).monthly_fee for o in SubscriberOption.select()
                    .where((SubscriberOption.subscriber == sid)
                           & (SubscriberOption.state == "active"))), Decimal("0"))
        assert found[sid] == Tariff.get_by_id(sub.tariff_id).monthly_fee + opts
    money = [row["monthly"] for row in r["lines"]]
    assert money == sorted(money, reverse=True)
    assert r["total"] == sum(expected.values(), Decimal("0"))
    # another company's numbers never show
    assert not {row["subscriber_id"] for row in r["lines"]} & {
        x.id for x in Subscriber.select().where(Subscriber.company == 2)}
    # a longer window finds fewer (or the same), each one also idle by the oracle
    r90 = insights.unused_lines(s, days=90)
    assert {x["subscriber_id"] for x in r90["lines"]} == set(_idle_oracle(90))
    # one account only
    acc = PersonalAccount.get_by_id(Subscriber.get_by_id(made_idle[0]).account_id)
    r_acc = insights.unused_lines(s, account=acc.number)
    assert {x["subscriber_id"] for x in r_acc["lines"]} == {
        sid for sid in expected if Subscriber.get_by_id(sid).account_id == acc.id}


@pytest.mark.parametrize("days", [0, 366, "abc", -5, "1.5"])
def test_unused_days_out_of_range(demo_db, days):
    with pytest.raises(ValidationError) as exc:
        insights.unused_lines(_session(), days=days)
    assert exc.value.field == "days" and "1 to 365" in exc.value.message


def test_unused_options_match_the_call_records(demo_db):
    s = _session()
    r = insights.unused_options(s)
    oracle = set()
    for so in SubscriberOption.select().join(Subscriber).where(
            (Subscriber.company == 1) & (SubscriberOption.state == "active")):
        opt = Option.get_by_id(so.option_id)
        kind = insights.OPTION_USAGE.get(opt.code)
        if not kind or opt.monthly_fee <= 0:
            continue
        calls = [c for c in CallRecord.select().where(CallRecord.subscriber == so.subscriber_id)
                 if c.started_at >= so.connected_from]
        def used(c, kind=kind):
            if kind == "roaming":
                return c.roaming
            if kind == "international":
                return c.kind == "voice" and c.direction == "out" and not c.counterpart.startswith("7")
            return c.kind == kind
        if not any(used(c) for c in calls):
            oracle.add((so.subscriber_id, opt.code))
    assert {(x["subscriber_id"], x["option"]) for x in r["lines"]} == oracle
    assert oracle  # the demo has unused roaming and international options
    assert r["total"] == sum((x["monthly"] for x in r["lines"]), Decimal("0"))
    # using it once removes it from the list
    sid, code = sorted(oracle)[0]
    kind = insights.OPTION_USAGE[code]
    CallRecord.create(subscriber=sid, started_at=UNTIL - dt.timedelta(days=1),
                      direction="out", kind="voice" if kind in ("voice", "international",
                                                                "roaming") else kind,
                      counterpart="4930123456" if kind == "international" else "79990000000",
                      roaming=kind == "roaming", cost=Decimal("1.00"))
    again = {(x["subscriber_id"], x["option"]) for x in insights.unused_options(s)["lines"]}
    assert (sid, code) not in again and again <= oracle


def _make_changes():
    """Known changes from September to October on top of the seed."""
    ids = _main_ids()
    x_new, y_gone, z_opt, w_opt, v_fee, u_tariff, s_roam = ids[10:17]
    Charge.delete().where((Charge.subscriber == x_new) & (Charge.period == A)).execute()
    Charge.delete().where((Charge.subscriber == y_gone) & (Charge.period == B)).execute()
    pbx = Option.get(Option.code == "virt-pbx")
    z = Subscriber.get_by_id(z_opt)
    Charge.create(company=1, account=z.account_id, subscriber=z.id, kind="subscription",
                  period=B, amount=pbx.monthly_fee, description="Опция", option=pbx.id)
    geo = Option.get(Option.code == "geo")
    w = Subscriber.get_by_id(w_opt)
    Charge.create(company=1, account=w.account_id, subscriber=w.id, kind="subscription",
                  period=A, amount=geo.monthly_fee, description="Опция", option=geo.id)
    Charge.update(amount=Decimal("1490.00")).where(
        (Charge.subscriber == v_fee) & (Charge.period == B) & (Charge.kind == "subscription")
        & Charge.option.is_null(True)).execute()
    # a tariff change made in corptui in October (the entry is moved into October)
    sess = _session()
    sub_u = Subscriber.get_by_id(u_tariff)
    target = next(t.code for t in Tariff.select().where(Tariff.archived == False)  # noqa: E712
                  .order_by(Tariff.code) if t.id != sub_u.tariff_id and not t.by_application
                  and t.code not in ("iot-data",))
    res = options.change_tariff(sess, [u_tariff], target)
    assert res["changed"] == 1
    AuditEntry.update(at=dt.datetime(2026, 10, 15, 12, tzinfo=dt.UTC)).where(
        AuditEntry.operation == res["operation"]).execute()
    sr = Subscriber.get_by_id(s_roam)
    Charge.create(company=1, account=sr.account_id, subscriber=sr.id, kind="roaming",
                  period=B, amount=Decimal("50000.00"), description="Роуминг")
    return {"new": x_new, "gone": y_gone, "z": z_opt, "w": w_opt, "v": v_fee,
            "u": u_tariff, "s": s_roam, "target": Tariff.get(Tariff.code == target).name}


def _sums(month, sid=None, kind=None):
    q = Charge.select().where((Charge.company == 1) & (Charge.period == month))
    if sid is not None:
        q = q.where(Charge.subscriber == sid)
    if kind is not None:
        q = q.where(Charge.kind == kind)
    return sum((c.amount for c in q), Decimal("0"))


def test_changes_finds_the_known_changes(demo_db):
    k = _make_changes()
    r = insights.changes(_session())
    assert (r["month_a"], r["month_b"]) == (A, B)
    assert [x["subscriber_id"] for x in r["new_numbers"]] == [k["new"]]
    assert [x["subscriber_id"] for x in r["removed_numbers"]] == [k["gone"]]
    assert [(x["subscriber_id"], x["option"], x["monthly"]) for x in r["new_options"]] == [
        (k["z"], "virt-pbx", Decimal("1200.00"))]
    assert [(x["subscriber_id"], x["option"]) for x in r["removed_options"]] == [(k["w"], "geo")]
    seen = {(x["subscriber_id"], x["seen"]) for x in r["tariff_changes"]}
    assert seen == {(k["v"], "bill"), (k["u"], "audit")}
    audit_row = next(x for x in r["tariff_changes"] if x["seen"] == "audit")
    assert audit_row["after"] == k["target"] and audit_row["actor"] == "tester"
    assert audit_row["source"] == "tests/insights"
    # roaming spikes first: the number with the new 50 000 RUB roaming line leads
    spike = r["roaming_spikes"][0]
    assert spike["subscriber_id"] == k["s"]
    assert spike["delta"] == _sums(B, k["s"], "roaming") - _sums(A, k["s"], "roaming")
    assert r["top_numbers"][0]["subscriber_id"] == k["s"]
    assert r["top_numbers"][0]["delta"] == _sums(B, k["s"]) - _sums(A, k["s"])
    deltas = [x["delta"] for x in r["top_numbers"]]
    assert deltas == sorted(deltas, reverse=True) and len(deltas) == 10
    # the top list is the true top: no other number grew more than the tenth
    grew = sorted((_sums(B, sid) - _sums(A, sid) for sid in _main_ids()), reverse=True)
    assert deltas == grew[:10]
    assert r["total"] == {"a": _sums(A), "b": _sums(B), "delta": _sums(B) - _sums(A)}
    assert r["kinds"][0]["kind"] == "roaming"  # it grew: first
    assert sum((x["delta"] for x in r["accounts"]), Decimal("0")) == r["total"]["delta"]


def test_changes_per_account_and_bad_input(demo_db):
    k = _make_changes()
    s = _session()
    acc = PersonalAccount.get_by_id(Subscriber.get_by_id(k["s"]).account_id)
    r = insights.changes(s, "2026-09", "2026-10", account=acc.number)
    assert r["account"] == acc.number
    assert r["roaming_spikes"][0]["subscriber_id"] == k["s"]
    for key in ("new_numbers", "removed_numbers", "top_numbers"):
        assert all(x["account"] == acc.number for x in r[key])
    assert r["total"]["b"] == sum((c.amount for c in Charge.select().where(
        (Charge.account == acc.id) & (Charge.period == B))), Decimal("0"))
    with pytest.raises(ValidationError, match="no charges for 2027-01"):
        insights.changes(s, None, "2027-01")
    with pytest.raises(ValidationError, match="must be before"):
        insights.changes(s, "2026-10", "2026-09")
    with pytest.raises(ValidationError, match="not a month"):
        insights.changes(s, "spring", "2026-10")
    other = PersonalAccount.get(PersonalAccount.company == 2)
    with pytest.raises(NotFound):
        insights.changes(s, account=other.number)


def test_blame_option_tariff_limit_tag_and_charge(demo_db):
    s = _session()
    sid = _main_ids()[0]
    sub = Subscriber.get_by_id(sid)
    # a seeded option: nobody in corptui connected it, and the answer says so
    seeded = (SubscriberOption.select().join(Subscriber)
              .where(Subscriber.company == 1).order_by(SubscriberOption.id).first())
    code = Option.get_by_id(seeded.option_id).code
    r = insights.blame(s, seeded.subscriber_id, f"option:{code}")
    assert r["changes"] == [] and "before corptui" in r["origin"] and "seed" in r["origin"]
    # connected and then disconnected in corptui: both entries, newest first
    options.connect(s, "geo", [sid])
    options.disconnect(_session().with_source("cli options disconnect"), "geo", [sid])
    r = insights.blame(s, sub.msisdn, "option:geo")
    assert [c["action"] for c in r["changes"]] == ["options.disconnect", "options.connect"]
    assert r["changes"][1]["after"]["option"] == "geo"
    assert r["changes"][1]["source"] == "tests/insights"
    assert r["changes"][0]["source"] == "cli options disconnect"
    assert r["origin"] == ""
    # limits and tags
    limits.set_limits(s, [sid], amount="1500")
    r = insights.blame(s, "+" + sub.msisdn, "limit")
    assert r["changes"][0]["after"]["spending_limit"] == "1500.00"
    tags_uc.set_number_tags(s, sid, ["VIP"])
    r = insights.blame(s, sid, "tag:VIP")
    assert r["changes"][0]["action"] == "tags.set" and r["current"] == "tagged"
    # a recurring charge line: the tariff fee leads to the tariff's history
    fee = Charge.get((Charge.subscriber == sid) & (Charge.period == B)
                     & (Charge.kind == "subscription") & Charge.option.is_null(True))
    r = insights.blame(s, sid, f"charge:{fee.id}")
    assert r["label"] == "Tariff" and r["charge"]["amount"] == fee.amount
    assert "seed" in r["origin"]
    calls = Charge.get((Charge.subscriber == sid) & (Charge.kind == "calls"))
    with pytest.raises(ValidationError, match="not a recurring fee"):
        insights.blame(s, sid, f"charge:{calls.id}")
    items = [i["item"] for i in insights.blame_items(s, sid)]
    assert "tariff" in items and "limit" in items and "tag:VIP" in items
    assert f"charge:{fee.id}" in items


def test_blame_bad_input(demo_db):
    s = _session()
    other = Subscriber.get(Subscriber.company == 2)
    with pytest.raises(NotFound, match="not in this company"):
        insights.blame(s, other.msisdn, "tariff")
    with pytest.raises(NotFound, match="not in this company"):
        insights.blame_items(s, other.id)
    other_charge = Charge.get(Charge.company == 2)
    with pytest.raises(NotFound, match="no charge line"):
        insights.blame(s, None, f"charge:{other_charge.id}")
    with pytest.raises(ValidationError, match="unknown item"):
        insights.blame(s, _main_ids()[0], "colour")
    with pytest.raises(NotFound, match="has no option"):
        insights.blame(s, _main_ids()[0], "option:no-such")


def _cli(*args):
    close_database()
    result = CliRunner().invoke(main, list(args))
    close_database()
    return result


def test_cli_unused_changes_blame(demo_db):
    s = _session()
    expected = insights.unused_lines(s)
    sid = _main_ids()[0]
    msisdn = Subscriber.get_by_id(sid).msisdn
    result = _cli("insights", "unused", "--company", demo.MAIN_COMPANY["inn"], "--format",
                  "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [x["number"] for x in data["unused_lines"]["lines"]] == [
        x["number"] for x in expected["lines"]]
    result = _cli("insights", "unused", "--company", demo.MAIN_COMPANY["inn"])
    assert result.exit_code == 0 and f"{len(expected['lines'])} numbers" in result.output
    result = _cli("insights", "changes", "--company", demo.MAIN_COMPANY["inn"], "--to",
                  "2026-10")
    assert result.exit_code == 0 and "from 2026-09 to 2026-10" in result.output
    result = _cli("insights", "blame", "--company", demo.MAIN_COMPANY["inn"], msisdn, "tariff")
    assert result.exit_code == 0 and "seed" in result.output
    bad = _cli("insights", "unused", "--company", demo.MAIN_COMPANY["inn"], "--days", "400")
    assert bad.exit_code == 1 and "1 to 365" in bad.output
    bad = _cli("insights", "changes", "--company", demo.MAIN_COMPANY["inn"], "--to", "2030-01")
    assert bad.exit_code == 1 and "no charges for 2030-01" in bad.output
    open_database(demo_db)
    other = Subscriber.get(Subscriber.company == 2).msisdn
    bad = _cli("insights", "blame", "--company", demo.MAIN_COMPANY["inn"], other, "tariff")
    assert bad.exit_code == 1 and "not in this company" in bad.output
    open_database(demo_db)


def test_what_changed_report_document_and_schedule(demo_db, tmp_path):
    """The "what changed" report type of the documents: a CSV with the known changes, and a
    monthly schedule of it is accepted."""
    import csv

    from corptui import documents, jobs, schedules

    k = _make_changes()
    s = _session()
    accs = [a.number for a in PersonalAccount.select().where(PersonalAccount.company == 1)]
    doc = documents.order(s, "changes", accs, [], "2026-10-01", "2026-10-31", "csv",
                          today=dt.date(2026, 11, 20))
    while jobs.run_one("test-worker", kinds=[documents.JOB_KIND]):
        pass
    row = documents.get(s, doc.id)
    assert row["state"] == "ready", row["error"]
    with open(row["file"], encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh))
    text = "\n".join(",".join(r) for r in lines)
    assert "Months: September 2026 -> October 2026" in text
    def section(title):
        i = lines.index([title])
        out = []
        for r in lines[i + 2:]:
            if not r:
                break
            out.append([c.lstrip("'") for c in r])  # CSV: no cell starts a formula
        return out
    from corptui.phones import format_msisdn

    def shown(sid):
        return format_msisdn(Subscriber.get_by_id(sid).msisdn)

    assert [r[0] for r in section("New numbers")] == [shown(k["new"])]
    assert [r[0] for r in section("Removed numbers")] == [shown(k["gone"])]
    assert section("Roaming spikes")[0][0] == shown(k["s"])
    assert [r[0] for r in section("New paid options")] == [shown(k["z"])]
    total = next(r for r in section("Spending by kind (roaming first when it grew)")
                 if r[0] == "Total")
    assert Decimal(total[3].replace(" ", "")) == _sums(B) - _sums(A)
    # a month with no data fails the document with a clear message
    bad = documents.order(s, "changes", accs, [], "2026-05-01", "2026-05-31", "csv",
                          today=dt.date(2026, 11, 20))
    while jobs.run_one("test-worker", kinds=[documents.JOB_KIND]):
        pass
    assert "no charges for 2026-05" in documents.get(s, bad.id)["error"]
    sched = schedules.create(s, "changes", accounts=accs[:1], fmt="pdf", period="monthly",
                             day=2, email="boss@example.com")
    got = sched if isinstance(sched, dict) else {"type": sched.type}
    assert got["type"] == "changes_report"
