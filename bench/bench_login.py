"""Login benchmark (issue 4): the time of one password verification with the production
argon2id parameters (target 50-500 ms: OWASP's range, so brute force is slow and a login
still feels instant), and of a whole ``auth.login`` on a small SQLite database. The
floor is one SHA-256 of the same password (what an unsalted fast hash would cost)."""

from __future__ import annotations

import hashlib
import statistics
from pathlib import Path

from common import Timer

SAMPLES = 7
PASSWORD = "Correct-horse-battery-9"


def login(args) -> dict:
    # production parameters: nothing but the test suite switches them
    from corptui import passwords

    hasher = passwords.production_hasher()
    stored = passwords.hash_password(PASSWORD)
    assert stored.startswith(
        f"$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}$")
    passwords.verify_password(stored, PASSWORD)  # warm up (library load, first allocation)
    verify = []
    for _ in range(SAMPLES):
        with Timer() as t:
            assert passwords.verify_password(stored, PASSWORD)
        verify.append(t.seconds)
    wrong = []
    for _ in range(3):
        with Timer() as t:
            assert not passwords.verify_password(stored, PASSWORD + "x")
        wrong.append(t.seconds)
    floor = []
    data = PASSWORD.encode()
    for _ in range(SAMPLES):
        with Timer() as t:
            for _ in range(1000):
                hashlib.sha256(data).hexdigest()
        floor.append(t.seconds / 1000)

    full = _full_login(args)
    seconds = statistics.median(verify)
    return {
        "n": SAMPLES, "seconds": seconds, "floor_seconds": statistics.median(floor),
        "floor_microseconds": round(statistics.median(floor) * 1e6, 2),
        "max_seconds": round(max(verify), 4), "wrong_password_seconds": round(min(wrong), 4),
        "login_seconds": round(full["login"], 4),
        "unknown_login_seconds": round(full["unknown"], 4),
        "params": f"argon2id t={hasher.time_cost} m={hasher.memory_cost // 1024}MiB "
                  f"p={hasher.parallelism}",
        "target": "0.05-0.5 s", "within_target": 0.05 <= seconds <= 0.5,
    }


def _full_login(args) -> dict:
    """One whole auth.login (lookup, verification, audit, update) and one for an unknown
    login (which must cost the same hashing work)."""
    from corptui import auth
    from corptui.database import close_database, open_database
    from corptui.passwords import hash_password
    from storage.models import Company, User

    path = Path(args.workdir) / "login.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    open_database(f"sqlite:///{path}")
    company = Company.create(name="Bench", inn="7707083893")
    User.create(company=company, phone="79260000001", role="owner",
                password_hash=hash_password(PASSWORD), must_change_password=False)
    auth.login("79260000001", PASSWORD)
    logins, unknown = [], []
    for _ in range(3):
        with Timer() as t:
            auth.login("+7 926 000-00-01", PASSWORD)
        logins.append(t.seconds)
        with Timer() as t:
            try:
                auth.login("79269999999", PASSWORD)
            except auth.AuthError:
                pass
        unknown.append(t.seconds)
    close_database()
    return {"login": statistics.median(logins), "unknown": statistics.median(unknown)}


BENCHES = {"login": login}
