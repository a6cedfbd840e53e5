"""The core's tables. Plugins keep their own, prefixed with their name."""
from portal.models.account import AccountToken, TokenPurpose
from portal.models.audit import AuditEvent
from portal.models.consent import ConsentKind, ConsentText, PersonalDataConsent
from portal.models.institution import Institution, InstitutionKind, InstitutionStaff
from portal.models.invitation import Invitation
from portal.models.notification import Notification
from portal.models.outbox import OutgoingMail
from portal.models.region import Municipality, Region, RegionPlugin
from portal.models.reservation import (ClaimedSlot, ClaimStatus, ReservationClaim, ReservationResource,
                                       ReservationUnit)
from portal.models.user import Membership, MembershipStatus, Role, User
from portal.models.user_session import UserSession

__all__ = [
    "AccountToken",
    "AuditEvent",
    "ClaimStatus",
    "ClaimedSlot",
    "ConsentKind",
    "ConsentText",
    "Institution",
    "InstitutionKind",
    "InstitutionStaff",
    "Invitation",
    "Membership",
    "MembershipStatus",
    "Municipality",
    "Notification",
    "OutgoingMail",
    "PersonalDataConsent",
    "Region",
    "RegionPlugin",
    "ReservationClaim",
    "ReservationResource",
    "ReservationUnit",
    "Role",
    "TokenPurpose",
    "User",
    "UserSession",
]
