"""Password hashing (argon2id, ~100 ms: inside the OWASP range) and generation.

The test suite switches new hashes to minimal argon2id parameters with
``use_fast_test_hashing()`` (called by tests/conftest.py). No environment variable,
setting or command line reaches it: a production install always hashes with
``production_hasher()``. (The old CORPTUI_ARGON2_FAST variable is not read any more.)
Verification always uses the parameters stored in the hash itself."""

from __future__ import annotations

import secrets
import string

_hashers: dict[bool, object] = {}
_dummy: dict[bool, str] = {}
_test_fast = False


def use_fast_test_hashing(on: bool = True) -> None:
    """Cheap parameters for the hashes the test suite makes (tests only)."""
    global _test_fast
    _test_fast = bool(on)


def _fast() -> bool:
    return _test_fast


def production_hasher():
    """argon2id with the production cost: t=3, m=64 MiB, p=4 (argon2-cffi's RFC 9106
    low-memory profile; ~100 ms on a server core, inside OWASP's recommendation)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)


def _ph():
    fast = _fast()
    hasher = _hashers.get(fast)
    if hasher is None:
        if fast:
            from argon2 import PasswordHasher

            hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        else:
            hasher = production_hasher()
        _hashers[fast] = hasher
    return hasher


def dummy_verify(password: str) -> None:
    """The work of one real verification against a fixed hash (unknown logins), so the
    time of an answer does not tell whether a login exists."""
    fast = _fast()
    if fast not in _dummy:
        _dummy[fast] = _ph().hash(secrets.token_hex(16))
    verify_password(_dummy[fast], password)


def hash_password(password: str) -> str:
    return _ph().hash(password)


def verify_password(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    if not stored:
        _ph().hash(password)  # same cost as a real check: no timing hint
        return False
    try:
        return _ph().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0OolI1")


def generate_temporary(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
