"""Granting a role in a region outside the admin's members page (a service names a pupil, say)."""
from __future__ import annotations

from sqlalchemy import select

from portal.app.extensions import db
from portal.models import Membership, MembershipStatus, Role, User
from portal.models._time import utcnow
from portal.services import audit


def grant_role(user: User, region, role: Role | str, by: User | None = None) -> Membership:
    """Make ``role`` an active membership of ``user`` in ``region`` (again, if it was pending or
    rejected); audited as ``role.granted`` with the role. Joins the caller's transaction.
    """
    role = Role(role)
    found = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.region_id == region.id, Membership.role == role))
    if found is None:
        found = Membership(user_id=user.id, region_id=region.id, role=role, status=MembershipStatus.active,
                           decided_by_id=by.id if by is not None else None)
        db.session.add(found)
    elif found.status == MembershipStatus.active:
        return found
    else:
        found.status = MembershipStatus.active
        found.decided_by_id = by.id if by is not None else None
    found.decided_at = utcnow()
    db.session.flush()
    db.session.expire(user, ["memberships"])
    audit.record("role.granted", target=f"user:{user.id}", region=region, subject=user, actor=by,
                 details={"role": role.value})
    return found
