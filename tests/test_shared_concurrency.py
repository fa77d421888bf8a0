"""Many admins and workers on one database at once (real processes): 8 on PostgreSQL, 2 on
SQLite (WAL, busy timeout). After a bounded run the database must match what the
processes reported: no lost update, no duplicate, every audit entry, every job once."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from numbers_core_data import build

from corptui import employees, jobs, tags
from corptui.cli import main
from corptui.database import close_database, open_database
from corptui.employees import VersionConflict
from storage.db import is_postgres
from storage.models import (
    AuditEntry,
    Job,
    Option,
    Subscriber,
    SubscriberOption,
    SubscriberTag,
    Tag,
)

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
LOAD = TESTS / "shared_load.py"
CARDS, IMPORTS = 30, 40


def seed_company():
    """The company of numbers_core_data plus cards (7977100xxxx) and import targets
    (7977200xxxx), the shared tag and an option without rules."""
    from storage.models import PersonalAccount
    from storage.search import search_key

    data = build()
    acc = PersonalAccount.get()
    for prefix, n in (("7977100", CARDS), ("7977200", IMPORTS)):
        Subscriber.insert_many([
            {"company": data["company"].id, "account": acc.id, "msisdn": f"{prefix}{i:04d}",
             "full_name": f"Сотрудник {prefix} {i}", "search_text": search_key(f"Сотрудник {i}")}
            for i in range(n)]).execute()
    tags.create_tag(data["session"], "Общий")
    Option.create(code="SHARED", name="Общая опция")
    return data


def run_processes(url: str, roles: list[tuple[str, str]], seconds: float, tmp_path: Path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(ROOT), env.get("PYTHONPATH", "")])
    procs = []
    for role, name in roles:
        out = tmp_path / f"{name}.json"
        procs.append((subprocess.Popen(
            [sys.executable, str(LOAD), url, role, name, str(seconds), str(out)],
            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE), out))
    results = []
    for proc, out in procs:
        stdout, stderr = proc.communicate(timeout=180)
        assert proc.returncode == 0, stderr.decode()[-3000:]
        results.append(json.loads(out.read_text(encoding="utf-8")))
    return results


def test_many_admins_and_workers_at_once_lose_and_duplicate_nothing(db, tmp_path):
    data = seed_company()
    before = {s.id: s.version for s in Subscriber.select()}
    job_ids = [jobs.enqueue("shared.tick", {"n": i}) for i in range(150)]
    audits_before = AuditEntry.select().count()
    if is_postgres():
        roles = [("admin", f"a{i}") for i in range(6)] + [("worker", f"w{i}") for i in range(2)]
    else:
        roles = [("admin", "a0"), ("worker", "w0")]
    close_database()  # the processes own the database for the run
    results = run_processes(db, roles, 4.0, tmp_path)
    open_database(db)

    errors = [e for r in results for e in r["errors"]]
    assert errors == []  # no "database is locked", no deadlock, no traceback reached a user

    # cards: each successful save bumped the version once; the last save is what is there
    saves = collections.defaultdict(list)
    for r in results:
        for sid, label, version in r["card"]:
            saves[sid].append((version, label))
    imports = [(label, n) for r in results for label, n in r["import"]]
    import_ids = {s.id for s in Subscriber.select().where(Subscriber.msisdn.startswith("7977200"))}
    assert sum(len(v) for v in saves.values()) > 0
    for sub in Subscriber.select():
        if sub.id in import_ids:
            continue
        mine = sorted(saves.get(sub.id, []))
        assert sub.version == before[sub.id] + len(mine), sub.msisdn  # no lost update
        assert [v for v, _ in mine] == list(range(before[sub.id] + 1, sub.version + 1))
        if mine:
            assert sub.full_name == mine[-1][1]
    n_cards = sum(len(v) for v in saves.values())
    assert AuditEntry.select().where(AuditEntry.action == "employee.update").count() == n_cards

    # imports: all or nothing, each one whole (every line carries the same import's label)
    labels = {s.full_name.rsplit(" ", 1)[0] for s in Subscriber.select()
              .where(Subscriber.id.in_(list(import_ids)))}
    if imports:
        assert len(labels) == 1 and labels.pop() in {label for label, _ in imports}
        for sid in import_ids:
            assert Subscriber.get_by_id(sid).version == before[sid] + len(imports)
    assert AuditEntry.select().where(AuditEntry.action == "import.employees").count() == len(imports)
    assert (AuditEntry.select().where(AuditEntry.action == "employee.import").count()
            == sum(n for _, n in imports))

    # tags: the links are exactly the union of what succeeded, no duplicates
    union = collections.defaultdict(set)
    audited = 0
    for r in results:
        for tag, subset, changed in r["tags"]:
            union[tag] |= set(subset)
            audited += bool(changed)
    union["Общий"] |= set()
    for name, ids in union.items():
        tag = Tag.get(Tag.name == name)
        links = [s for (s,) in SubscriberTag.select(SubscriberTag.subscriber)
                 .where(SubscriberTag.tag == tag.id).tuples()]
        assert sorted(links) == sorted(ids), name
    assert AuditEntry.select().where(AuditEntry.action == "tags.assign").count() == audited

    # option: connected once per number, audited once per connection
    connected = [sid for r in results for ids, _ in r["option"] for sid in ids]
    assert len(connected) == len(set(connected))  # never twice
    rows = [s for (s,) in SubscriberOption.select(SubscriberOption.subscriber).tuples()]
    assert sorted(rows) == sorted(connected)
    assert AuditEntry.select().where(AuditEntry.action == "options.connect").count() == len(connected)

    # jobs: every job ran exactly once, on one try, and the work was shared on PostgreSQL
    ticks = [t for r in results for t in r["ticks"]]
    assert sorted(ticks) == sorted(job_ids)
    assert {(j.state, j.attempts) for j in Job.select()} == {("done", 1)}
    if is_postgres():
        assert all(r["ticks"] for r in results if r["name"].startswith("w"))

    # every kind of change really ran at once (else the checks above prove little)
    assert n_cards and imports and connected and audited

    # every audit entry is there: one per reported change, and nothing else
    new = collections.Counter(a for (a,) in AuditEntry.select(AuditEntry.action)
                              .order_by(AuditEntry.id).offset(audits_before).tuples())
    assert new == collections.Counter({
        "employee.update": n_cards, "import.employees": len(imports),
        "employee.import": sum(n for _, n in imports), "tags.assign": audited,
        "options.connect": len(connected),
        "tags.create": sum(r["name"].startswith("a") for r in results)}) + collections.Counter()

    result = CliRunner().invoke(main, ["--db", db, "db", "check"])
    assert result.exit_code == 0, result.output


def test_two_admins_save_the_same_card_one_gets_the_conflict(db, tmp_path):
    """Two processes open the same card, then both save at once: exactly one is saved."""
    data = seed_company()
    sid = data["subs"][0].id
    start = employees.get_employee(data["session"], sid)
    script = (
        "import sys, time, os\n"
        "sys.path[:0] = [os.environ['T'], os.environ['R']]\n"
        "from corptui import employees\n"
        "from corptui.employees import VersionConflict\n"
        "from corptui.database import open_database\n"
        "from corptui.session import Session\n"
        "open_database(sys.argv[1])\n"
        "s = Session.system(int(sys.argv[2]), 'test')\n"
        "card = employees.get_employee(s, int(sys.argv[3]))\n"
        "print('open', card['version'], flush=True)\n"
        "sys.stdin.readline()\n"
        "try:\n"
        "    employees.update_employee(s, card['id'], sys.argv[4], '', card['version'])\n"
        "    print('saved', flush=True)\n"
        "except VersionConflict as exc:\n"
        "    print('conflict', exc.current_version, flush=True)\n"
    )
    env = dict(os.environ, T=str(TESTS), R=str(ROOT))
    close_database()
    procs = [subprocess.Popen([sys.executable, "-c", script, db, str(data["company"].id),
                               str(sid), name], env=env, cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
             for name in ("Первый Админ", "Второй Админ")]
    for p in procs:
        assert p.stdout.readline().split() == ["open", str(start["version"])]
    for p in procs:  # both have the card open at the same version: now both save
        p.stdin.write("\n")
        p.stdin.flush()
    outs = sorted(p.communicate(timeout=60)[0].split()[0] for p in procs)
    open_database(db)
    assert outs == ["conflict", "saved"]
    row = Subscriber.get_by_id(sid)
    assert row.version == start["version"] + 1
    assert row.full_name in ("Первый Админ", "Второй Админ")
    assert AuditEntry.select().where(AuditEntry.action == "employee.update").count() == 1
    with pytest.raises(VersionConflict):  # the loser's stale version is still refused
        employees.update_employee(data["session"], sid, "Третий", "", start["version"])
    assert time is not None
