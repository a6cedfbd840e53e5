"""A membership's life after registration: decided, suspended and reinstated, ended.

Every change is a guarded move (two coordinators at once: one decides, the other is told).
Plugins hear of a role that stopped or came back through ``portal_membership_changed`` and keep their
records: a mentor whose role ends leaves mentorships to look at, never a hole.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.app.plugins import plugin_host
from portal.models import Membership, MembershipStatus, Role
from portal.models._time import utcnow
from portal.services.transitions import Lifecycle

#: Roles a coordinator suspends or ends; staff roles are granted and removed by region admins.
PEOPLE_ROLES = (Role.graduate, Role.mentor, Role.volunteer, Role.pupil)

#: Volunteers work beside graduates (many of them minors) like mentors: both wait for a coordinator
#: who records that their documents (a certificate of no criminal record) were checked.
VETTED_ROLES = (Role.mentor, Role.volunteer)

MEMBERSHIPS = Lifecycle("membership", "membership")
MEMBERSHIPS.move("approved", [MembershipStatus.pending], MembershipStatus.active)
MEMBERSHIPS.move("rejected", [MembershipStatus.pending], MembershipStatus.rejected)
MEMBERSHIPS.move("suspended", [MembershipStatus.active], MembershipStatus.suspended,
                 refused=_l("Only an active role can be suspended."))
MEMBERSHIPS.move("reinstated", [MembershipStatus.suspended], MembershipStatus.active,
                 refused=_l("Only a suspended role can be reinstated."))
MEMBERSHIPS.move("ended", [MembershipStatus.active, MembershipStatus.suspended, MembershipStatus.pending],
                 MembershipStatus.ended, refused=_l("This role has already ended."))


def change(membership: Membership, move: str, *, by, reason: str = "") -> None:
    """Apply ``move`` (held, re-read, audited with the reason); the caller commits.

    :raises Refusal: someone changed the membership a moment ago.
    """
    reason = (reason or "").strip()
    MEMBERSHIPS.apply(membership, move, region=membership.region, subject=membership.user,
                      details={"role": membership.role.value, "reason": reason})
    membership.decided_by_id = by.id if by is not None else None
    membership.decided_at = utcnow()
    membership.decision_reason = reason
    if move in ("suspended", "ended", "reinstated"):
        plugin_host().hook.portal_membership_changed(membership=membership, reason=reason)
