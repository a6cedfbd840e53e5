"""Password hashing with argon2id (argon2-cffi); hashes are upgraded on login."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from portal.models import User


def _hasher() -> PasswordHasher:
    params = current_app.config.get("PORTAL_ARGON2_PARAMETERS") or {}
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _dummy_hash() -> str:
    cached = current_app.extensions.get("portal_dummy_hash")
    if cached is None:
        cached = current_app.extensions["portal_dummy_hash"] = hash_password("not-a-password")
    return cached


def check_password(user: User | None, password: str) -> bool:
    """True when the password is right; spends the same effort for unknown accounts."""
    hasher = _hasher()
    if user is None:
        try:
            hasher.verify(_dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True
