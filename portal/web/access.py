"""Access policies: every view declares one, and the policy is what enforces it.

The access-control matrix test reads ``view.access_policy`` for every route,
so a view without a policy cannot slip through.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from portal.app.extensions import login_manager

PUBLIC = "public"
AUTHENTICATED = "authenticated"
SITE_ADMIN = "site_admin"
REGION = "region"


@dataclass(frozen=True)
class Policy:
    kind: str
    roles: frozenset[str] = frozenset()  # with REGION; empty means any active member
    pending_ok: bool = False  # with REGION: people still waiting for approval come in too

    def permits(self, user, region) -> bool:
        if self.kind == PUBLIC:
            return True
        if not user.is_authenticated:
            return False
        if self.kind == AUTHENTICATED:
            return True
        if self.kind == SITE_ADMIN:
            return user.is_site_admin
        if self.kind == REGION:
            if self.pending_ok and region is not None and any(
                m.region_id == region.id and m.status.value == "pending" for m in user.memberships
            ):
                return True
            if not self.roles:
                return bool(user.active_roles(region))
            return bool(roles_held(user, region) & self.roles)
        return False


def roles_held(user, region) -> set[str]:
    """The person's active roles in the region; a site admin also runs every region's admin pages
    (a new region has nobody else to run it), never the pages of its members' daily work."""
    held = user.active_roles(region)
    if region is not None and user.is_site_admin:
        held = held | {"region_admin"}
    return held


def _protect(policy: Policy):
    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if policy.kind != PUBLIC:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if not policy.permits(current_user, g.get("region")):
                    deny()
            return view(*args, **kwargs)

        guarded.access_policy = policy
        return guarded

    return decorator


def deny():
    """Refuse with 403 and keep a trace of who tried."""
    from portal.services.audit import record

    record("access.denied", target=request.path, region=g.get("region"), commit=True)
    abort(403)


public = _protect(Policy(PUBLIC))
authenticated = _protect(Policy(AUTHENTICATED))
site_admin = _protect(Policy(SITE_ADMIN))


def members(*roles: str, pending_ok: bool = False):
    """Active members of the URL's region holding one of ``roles`` (any role if none).

    ``pending_ok`` lets in people whose registration there still waits for approval.
    """
    wanted = frozenset(r.value if hasattr(r, "value") else r for r in roles)
    return _protect(Policy(REGION, wanted, pending_ok))
