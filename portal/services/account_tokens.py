"""Secrets of one use for getting into an account: made, found by their hash, used once.

The secret itself is shown once (in the e-mail, or on the coordinator's screen) and never
stored: the table keeps ``sha256(secret)``. Using one is a conditional UPDATE, so of two tabs
sending the same link at once exactly one gets in.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from portal.app.extensions import db
from portal.models import AccountToken, TokenPurpose, User
from portal.models._time import utcnow

LIFETIMES = {
    TokenPurpose.password_reset: timedelta(hours=1),
    TokenPurpose.reset_code: timedelta(hours=24),
    # Graduates read their mail seldom: an address may be confirmed within a week.
    TokenPurpose.email_confirmation: timedelta(days=7),
}
#: Letters and digits nobody confuses when reading them aloud or from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31**12: about 59 bits, and the code page is rate-limited


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalize_code(typed: str) -> str:
    """What a person types (lower case, spaces, dashes) as the code was made."""
    return "".join(c for c in (typed or "").upper() if c.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue(user: User, purpose: TokenPurpose, *, email: str = "", region=None, issued_by=None) -> str:
    """A new secret for ``user``, added to the caller's transaction; returns the secret (shown once).

    A new reset link or code replaces the unused ones of its kind: only the latest works.
    """
    if purpose == TokenPurpose.reset_code:
        secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    else:
        secret = secrets.token_urlsafe(32)
    if purpose != TokenPurpose.email_confirmation:
        revoke(user, purpose)
    now = utcnow()
    db.session.add(AccountToken(
        user_id=user.id, purpose=purpose, token_hash=digest(secret), email=email or user.email,
        region_id=region.id if region is not None else None,
        issued_by_id=issued_by.id if issued_by is not None else None,
        created_at=now, expires_at=now + LIFETIMES[purpose]))
    return secret


def find(secret: str, purpose: TokenPurpose, user: User | None = None) -> AccountToken | None:
    """The unused, unexpired token of this secret (and of this person, when given), else None."""
    if not secret or len(secret) > 200:
        return None
    query = select(AccountToken).where(
        AccountToken.token_hash == digest(secret), AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None), AccountToken.expires_at > utcnow())
    if user is not None:
        query = query.where(AccountToken.user_id == user.id)
    return db.session.scalar(query)


def use(token: AccountToken) -> bool:
    """Mark the token used, unless someone used it a moment ago (then False)."""
    used = db.session.execute(
        update(AccountToken).where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    return bool(used)


def revoke(user: User, *purposes: TokenPurpose) -> None:
    """End every unused secret of these kinds (all kinds if none): after a reset, none of the old ones works."""
    query = update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
    if purposes:
        query = query.where(AccountToken.purpose.in_(purposes))
    db.session.execute(query.values(used_at=utcnow()).execution_options(synchronize_session=False))
