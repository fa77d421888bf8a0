"""SIM cards: the company's stock, importing stock from a file (ICCID;PUK1 per line), and
replacing a number's SIM.

An ICCID is 19-20 digits with a valid Luhn check digit; a PUK1 is 8 digits and is stored
only as a salted scrypt hash (``scrypt$n$r$p$salt$hash``; verification reads the cost
from the hash). A replacement must name an in-stock SIM of the company and its PUK1;
three wrong PUKs lock that SIM (the count is committed even though the attempt fails).
The old SIM is retired, the new one becomes active; the audit log has the ICCIDs, never
a PUK."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from concurrent.futures import ThreadPoolExecutor

import peewee as pw

from corptui import audit, permissions
from corptui.errors import NotFound, ValidationError
from corptui.i18n import _
from storage.bulk import in_values
from storage.db import atomic
from storage.fields import utcnow
from storage.models import SimCard, Subscriber

ACTION = "sim.replace"
MAX_PUK_FAILURES = 3
PUK_COST = 2 ** 12  # scrypt n: ~9 ms a hash (the hash holds its cost; verify reads it)
IMPORT_MAX_LINES = 100_000
_SEPARATORS = re.compile(r"[;,\t]")


# -- ICCID and PUK ----------------------------------------------------------------------

def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_digit(body: str) -> str:
    """The check digit that makes ``body + digit`` pass the Luhn check."""
    for d in "0123456789":
        if luhn_ok(body + d):
            return d
    raise AssertionError(_("unreachable"))


def clean_iccid(text) -> str:
    raw = str(text or "").strip()
    digits = re.sub(r"[\s-]", "", raw)
    if not digits:
        raise ValidationError(_("the ICCID is empty"), "iccid")
    if not digits.isdigit() or not digits.isascii():
        raise ValidationError(_("an ICCID has digits only"), "iccid")
    if not 19 <= len(digits) <= 20:
        raise ValidationError(_("an ICCID has 19 or 20 digits, not {digits_count}").format(digits_count=len(digits)), "iccid")
    if not luhn_ok(digits):
        raise ValidationError(_("the ICCID's check digit is wrong (Luhn): a typo?"), "iccid")
    return digits


def clean_puk(text) -> str:
    digits = str(text or "").strip().replace(" ", "")
    if not digits:
        raise ValidationError(_("the PUK1 is empty"), "puk")
    if not (digits.isascii() and digits.isdigit() and len(digits) == 8):
        raise ValidationError(_("a PUK1 is 8 digits"), "puk")
    return digits


def hash_puk(puk: str, cost: int = PUK_COST, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(puk.encode(), salt=salt, n=cost, r=8, p=1, dklen=32)
    return f"scrypt${cost}$8$1${salt.hex()}${digest.hex()}"


def verify_puk(puk: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(puk.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


# -- stock ------------------------------------------------------------------------------

STATES = ("in_stock", "locked", "active", "retired", "all")


def stock(session, state: str = "in_stock") -> list[dict]:
    """The company's SIMs by state: in_stock (usable), locked (after wrong PUKs), active,
    retired, or all; ordered by ICCID."""
    permissions.require(session, "read")
    if state not in STATES:
        raise ValidationError(_("unknown state: choose one of {choices}").format(choices=', '.join(STATES)), "state")
    q = (SimCard.select(SimCard.id, SimCard.iccid, SimCard.state, SimCard.locked,
                        SimCard.puk_failures, Subscriber.msisdn)
         .join(Subscriber, on=(SimCard.subscriber == Subscriber.id), join_type=pw.JOIN.LEFT_OUTER)
         .where(SimCard.company == session.company_id))
    if state == "in_stock":
        q = q.where((SimCard.state == "in_stock") & (SimCard.locked == False))  # noqa: E712
    elif state == "locked":
        q = q.where(SimCard.locked == True)  # noqa: E712
    elif state != "all":
        q = q.where(SimCard.state == state)
    return [
        {"id": sid, "iccid": iccid, "state": "locked" if locked and st == "in_stock" else st,
         "puk_failures": fails, "msisdn": msisdn or ""}
        for sid, iccid, st, locked, fails, msisdn in q.order_by(SimCard.iccid).tuples()
    ]


def stock_count(session) -> int:
    permissions.require(session, "read")
    return SimCard.select().where((SimCard.company == session.company_id)
                                  & (SimCard.state == "in_stock")
                                  & (SimCard.locked == False)).count()  # noqa: E712


def parse_stock(text: str) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """Lines "ICCID;PUK1" (';', ',' or tab between): (rows of (line, iccid, puk), errors of
    (line, message)). Blank lines, '#' comments and a header line are skipped."""
    rows: list[tuple[int, str, str]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for no, line in enumerate(text.splitlines(), 1):
        if no > IMPORT_MAX_LINES:
            errors.append((no, f"the file has more than {IMPORT_MAX_LINES} lines"))
            break
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in _SEPARATORS.split(line)]
        if no == 1 and parts and parts[0].lower() in ("iccid", "icc", "icc id"):
            continue
        if len(parts) != 2:
            errors.append((no, "expected ICCID;PUK1"))
            continue
        problems = []
        iccid = puk = ""
        try:
            iccid = clean_iccid(parts[0])
        except ValidationError as exc:
            problems.append(exc.message)
        try:
            puk = clean_puk(parts[1])
        except ValidationError as exc:
            problems.append(exc.message)
        if iccid and iccid in seen:
            problems.append(f"the ICCID repeats line {seen[iccid]}")
        if problems:
            errors.append((no, "; ".join(problems)))
            continue
        seen[iccid] = no
        rows.append((no, iccid, puk))
    return rows, errors


def preview_import(session, text: str) -> dict:
    """Check a stock file without writing: {"rows": n ok, "errors": [(line, message)]}.
    An ICCID already registered (in any company) is an error of its line."""
    permissions.require(session, "read")
    rows, errors = parse_stock(text)
    if rows:
        known = set()
        iccids = [r[1] for r in rows]
        for i in range(0, len(iccids), 5000):
            known.update(i for (i,) in SimCard.select(SimCard.iccid)
                         .where(in_values(SimCard.iccid, iccids[i:i + 5000])).tuples())
        for no, iccid, _puk in rows:
            if iccid in known:
                errors.append((no, "this ICCID is already registered"))
        rows = [r for r in rows if r[1] not in known]
    errors.sort()
    return {"rows": len(rows), "errors": errors, "_rows": rows}


def import_stock(session, text: str, cost: int = PUK_COST) -> dict:
    """Add the file's SIMs to the company's stock; any bad line imports nothing
    (ValidationError listing the first lines). Returns {"imported": n}."""
    permissions.require(session, "sim.replace")
    checked = preview_import(session, text)
    errors = checked["errors"]
    if errors:
        shown = "; ".join(f"line {no}: {msg}" for no, msg in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise ValidationError(_("{errors_count} bad line(s), nothing imported: {shown}{more}").format(errors_count=len(errors), shown=shown, more=more),
                              "file")
    rows = checked["_rows"]
    if not rows:
        raise ValidationError(_("the file has no SIMs (lines ICCID;PUK1)"), "file")
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        hashes = list(pool.map(lambda r: hash_puk(r[2], cost), rows, chunksize=64))
    with atomic():
        data = [{"company": session.company_id, "iccid": iccid, "puk1_hash": h,
                 "state": "in_stock"} for (_no, iccid, _puk), h in zip(rows, hashes, strict=True)]
        for i in range(0, len(data), 500):
            SimCard.insert_many(data[i:i + 500]).execute()
        audit.record(session, "sim.import", "sim_card", "", None,
                     {"count": len(rows), "first": rows[0][1], "last": rows[-1][1]})
    return {"imported": len(rows)}


# -- replacement ------------------------------------------------------------------------

def _stock_sim(session, iccid: str) -> SimCard:
    q = SimCard.select().where((SimCard.company == session.company_id)
                               & (SimCard.iccid == iccid))
    from storage.db import is_postgres

    if is_postgres():
        q = q.for_update()
    sim = q.first()
    if sim is None or sim.state != "in_stock":
        raise ValidationError(_("no SIM with this ICCID in the company's stock"), "iccid")
    return sim


def replace_sim(session, subscriber_id, iccid, puk) -> dict:
    """Put the stock SIM ``iccid`` into the number; the old SIM is retired. A wrong PUK
    counts (committed) and the third locks that SIM."""
    permissions.require(session, "sim.replace")
    errors: dict[str, str] = {}
    try:
        iccid = clean_iccid(iccid)
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        puk = clean_puk(puk)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(next(iter(errors.values())), next(iter(errors)), errors)
    wrong: str | None = None
    with atomic():
        sub = Subscriber.get_or_none((Subscriber.id == int(subscriber_id))
                                     & (Subscriber.company == session.company_id))
        if sub is None:
            raise NotFound(_("no number {subscriber_id} in this company").format(subscriber_id=subscriber_id))
        sim = _stock_sim(session, iccid)
        if sim.locked:
            raise ValidationError(_("this SIM is locked after 3 wrong PUKs: choose another"),
                                  "iccid")
        if not verify_puk(puk, sim.puk1_hash):
            failures = sim.puk_failures + 1
            locked = failures >= MAX_PUK_FAILURES
            SimCard.update(puk_failures=failures, locked=locked).where(
                SimCard.id == sim.id).execute()
            audit.record(session, "sim.puk_wrong", "sim_card", sim.iccid,
                         {"puk_failures": sim.puk_failures},
                         {"puk_failures": failures, "locked": locked})
            left = MAX_PUK_FAILURES - failures
            wrong = ("wrong PUK1: the SIM is now locked" if locked
                     else f"wrong PUK1 ({left} attempt{'s' if left != 1 else ''} left)")
        else:
            now = utcnow()
            old = [s for (s,) in SimCard.select(SimCard.iccid).where(
                (SimCard.subscriber == sub.id) & (SimCard.state == "active")).tuples()]
            SimCard.update(state="retired", retired_at=now).where(
                (SimCard.subscriber == sub.id) & (SimCard.state == "active")).execute()
            SimCard.update(state="active", subscriber=sub.id, activated_at=now,
                           puk_failures=0).where(SimCard.id == sim.id).execute()
            audit.record(session, "sim.replace", "subscriber", sub.id,
                         {"iccid": old}, {"iccid": sim.iccid})
            return {"subscriber": sub.id, "msisdn": sub.msisdn, "old": old,
                    "new": sim.iccid}
    # outside the transaction: the failure count is committed, then the error raised
    raise ValidationError(wrong, "puk")
