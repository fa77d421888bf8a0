"""Password hashing (argon2id, ~100 ms: inside the OWASP range) and generation."""

from __future__ import annotations

import secrets
import string

_hasher = None


def _ph():
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4
    return _hasher


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
