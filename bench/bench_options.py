"""Options benchmark (issue 6): the eligibility check of 10,000 selected numbers of the
seeded 100k database, for every option of the demo catalogue that has rules (together
they cover every rule kind: tariff, conflicting option, required option, blocked number,
minimum balance, company limit). The floor runs the same rule queries with the raw
sqlite3 module and evaluates them in plain Python, in the same run.

Target: under 2 s for the 10,000 numbers (each option's check, and all six together)."""

from __future__ import annotations

import json
import sqlite3
import statistics
import time

from common import seeded_db

SELECTED = 10_000


def _rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _floor_one(raw, company_id, option_id, ids) -> int:
    """The same facts as corptui.options.check with raw sqlite3: rules, numbers with
    tariff/status/balance, their live options the rules mention, the company count."""
    blob = json.dumps(ids)
    rules = raw.execute("SELECT kind, tariff_id, other_option_id, amount, limit_count, message "
                        "FROM option_rule WHERE option_id = ? ORDER BY id",
                        (option_id,)).fetchall()
    raw.execute("SELECT id, name FROM tariff").fetchall()
    raw.execute("SELECT id, code, name FROM option").fetchall()
    numbers = {r[0]: r[1:] for r in raw.execute(
        "SELECT s.id, s.msisdn, s.tariff_id, s.status, a.balance FROM subscriber s "
        "JOIN personal_account a ON a.id = s.account_id WHERE s.company_id = ? AND s.id IN "
        "(SELECT value FROM json_each(?))", (company_id, blob))}
    wanted = sorted({option_id} | {r[2] for r in rules if r[2]})
    live: dict[int, set[int]] = {}
    for sid, oid in raw.execute(
            "SELECT subscriber_id, option_id FROM subscriber_option WHERE option_id IN "
            f"({','.join('?' * len(wanted))}) AND state IN ('active', 'planned') AND "
            "subscriber_id IN (SELECT value FROM json_each(?))", (*wanted, blob)):
        live.setdefault(sid, set()).add(oid)
    used = 0
    if any(r[0] == "company_limit" for r in rules):
        used = raw.execute(
            "SELECT count(*) FROM subscriber_option o JOIN subscriber s ON s.id = "
            "o.subscriber_id WHERE s.company_id = ? AND o.option_id = ? AND o.state IN "
            "('active', 'planned')", (company_id, option_id)).fetchone()[0]
    ok = 0
    for sid in ids:
        facts = numbers.get(sid)
        if facts is None:
            continue
        _msisdn, tariff_id, status, balance = facts
        have = live.get(sid, ())
        reasons = []
        if option_id in have:
            reasons.append("already connected")
        for kind, tariff, other, amount, limit, message in rules:
            if kind == "incompatible_tariff" and tariff_id == tariff:
                reasons.append(message)
            elif kind == "conflicts_option" and other in have:
                reasons.append(message)
            elif kind == "requires_option" and other not in have:
                reasons.append(message)
            elif kind == "not_blocked" and status == "blocked":
                reasons.append(message)
            elif kind == "min_balance" and (balance or 0) < (amount or 0):
                reasons.append(message)
            elif kind == "company_limit" and used + ok >= (limit or 0):
                reasons.append(message)
        ok += not reasons
    return ok


def _median(fn, runs=3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def options_check(args) -> dict:
    from corptui import options
    from corptui.database import open_database
    from corptui.session import Session

    path = seeded_db(args)
    # read-only: the check needs only tables every schema version has, so the shared
    # benchmark database is not upgraded
    open_database(f"sqlite:///{path}", check_schema=False)
    raw = sqlite3.connect(path, isolation_level=None)
    company_id = raw.execute(
        "SELECT company_id FROM subscriber GROUP BY company_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    all_ids = [r[0] for r in raw.execute(
        "SELECT id FROM subscriber WHERE company_id = ? ORDER BY id", (company_id,))]
    step = max(1, len(all_ids) // SELECTED)
    ids = all_ids[::step][:SELECTED]
    ruled = raw.execute("SELECT o.id, o.code FROM option o WHERE o.id IN "
                        "(SELECT option_id FROM option_rule) ORDER BY o.code").fetchall()
    session = Session.system(company_id, "bench")

    per_option = {}
    passing = {}
    for oid, code in ruled:
        options.check(session, code, ids)  # warm the page cache
        per_option[code] = round(_median(lambda c=code: options.check(session, c, ids)), 4)
        result = options.check(session, code, ids)
        passing[code] = sum(1 for r in result.values() if r["ok"])
        floor_ok = _floor_one(raw, company_id, oid, ids)
        assert floor_ok == passing[code], (code, floor_ok, passing[code])
    seconds = _median(lambda: [options.check(session, code, ids) for _, code in ruled])
    floor = _median(lambda: [_floor_one(raw, company_id, oid, ids) for oid, _ in ruled])
    return {
        "n": len(ids), "seconds": seconds, "floor_seconds": floor,
        "options": len(ruled), "slowest_option_seconds": max(per_option.values()),
        "per_option_seconds": per_option, "passing": passing, "rss_mb": _rss_mb(),
    }


BENCHES = {"options_check": options_check}
