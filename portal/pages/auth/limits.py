"""Rate limits of the pages that let a person in without a password: as many tries as sign-in allows.

Each page counts what its flag in ``g`` marks (every request made, or every failure), per e-mail
typed and per client address, with the limit of sign-in (PORTAL_LOGIN_FAILURE_LIMIT).
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from portal.app.extensions import limiter

COUNTED = "recovery_counted"


def _limit() -> str:
    return current_app.config["PORTAL_LOGIN_FAILURE_LIMIT"]


def _typed_email() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()


def _counted(response) -> bool:
    return bool(g.get(COUNTED))


def count_attempt() -> None:
    """This request counts against the limits of its page."""
    g.setdefault(COUNTED, True)


def limit_attempts(scope: str, *, per_account: bool = True):
    """The limits for the page called ``scope``; ``per_account``: also per e-mail typed (pages that ask for one)."""

    def decorator(view):
        if per_account:
            view = limiter.limit(_limit, key_func=_typed_email, methods=["POST"], deduct_when=_counted,
                                 scope=f"{scope}-account")(view)
        return limiter.limit(_limit, key_func=get_remote_address, methods=["POST"], deduct_when=_counted,
                             scope=f"{scope}-address")(view)

    return decorator
