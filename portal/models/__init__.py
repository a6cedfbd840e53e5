"""The core's tables. Plugins keep their own, prefixed with their name."""
from portal.models.audit import AuditEvent
from portal.models.notification import Notification
from portal.models.region import Municipality, Region, RegionPlugin
from portal.models.user import Membership, MembershipStatus, Role, User

__all__ = [
    "AuditEvent",
    "Membership",
    "MembershipStatus",
    "Municipality",
    "Notification",
    "Region",
    "RegionPlugin",
    "Role",
    "User",
]
