"""A region's graduate clubs, their organizers and members, events and registrations."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_pgettext
from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.kit import (ClaimStatus, Municipality, Region, ReservationClaim, ReservationResource, User, db,
                        status_labels, utcnow)


def _feed_token() -> str:
    return secrets.token_urlsafe(18)


class Club(db.Model):
    __tablename__ = "graduate_clubs_club"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(300), default="")  # the centre or college that hosts it
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="")
    # The secret in the URL of the club's calendar feed, which calendar apps fetch without signing in.
    feed_token: Mapped[str] = mapped_column(String(40), default=_feed_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    region: Mapped[Region] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    organizers: Mapped[list[Organizer]] = relationship(back_populates="club", cascade="all, delete-orphan")
    members: Mapped[list[Member]] = relationship(back_populates="club", cascade="all, delete-orphan")


class Organizer(db.Model):
    """A specialist, or a volunteer named co-organizer, who runs the club."""

    __tablename__ = "graduate_clubs_organizer"
    __table_args__ = (UniqueConstraint("club_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("graduate_clubs_club.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)

    club: Mapped[Club] = relationship(back_populates="organizers")
    user: Mapped[User] = relationship()


class Member(db.Model):
    """A graduate who joined the club."""

    __tablename__ = "graduate_clubs_member"
    __table_args__ = (UniqueConstraint("club_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("graduate_clubs_club.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    club: Mapped[Club] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class EventStatus(str, enum.Enum):
    """An event's own life: it is held as planned, or the organizers call it off (``cancelled_at`` says when)."""

    scheduled = "scheduled"
    cancelled = "cancelled"


EVENT_LABELS = status_labels(EventStatus, {
    EventStatus.scheduled: lazy_pgettext("graduate_clubs", "scheduled"),
    EventStatus.cancelled: lazy_pgettext("graduate_clubs", "cancelled"),
})


class Event(db.Model):
    """A meeting of the club; its seats are units of a resource in the core's reservations engine."""

    __tablename__ = "graduate_clubs_event"
    __table_args__ = (Index("ix_graduate_clubs_event_club_starts", "club_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("graduate_clubs_club.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]  # naive UTC
    place: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int]
    registration_deadline: Mapped[datetime]  # naive UTC
    volunteers_wanted: Mapped[bool] = mapped_column(default=False)
    resource_id: Mapped[int] = mapped_column(ForeignKey("reservation_resource.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Called off by the organizers: the row stays, with who had registered, for the figures and the feeds.
    status: Mapped[EventStatus] = mapped_column(Enum(EventStatus, native_enum=False, length=20),
                                                default=EventStatus.scheduled, server_default="scheduled")
    cancelled_at: Mapped[datetime | None]  # when it was called off; the registrations called off share it
    # Calendar apps replace their copy of the event only when SEQUENCE grows: each change adds one.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    changed_at: Mapped[datetime | None]  # the last change, for LAST-MODIFIED; None: as created

    club: Mapped[Club] = relationship()
    resource: Mapped[ReservationResource] = relationship()

    @property
    def cancelled(self) -> bool:
        return self.status == EventStatus.cancelled


class RegistrationStatus(str, enum.Enum):
    registered = "registered"  # holds a seat
    waiting = "waiting"  # in the waiting list
    cancelled = "cancelled"


REGISTRATION_LABELS = status_labels(RegistrationStatus, {
    RegistrationStatus.registered: lazy_pgettext("graduate_clubs", "registered"),
    RegistrationStatus.waiting: lazy_pgettext("graduate_clubs", "on the waiting list"),
    RegistrationStatus.cancelled: lazy_pgettext("graduate_clubs", "cancelled"),
})


class Registration(db.Model):
    """A graduate's registration for an event: one row per graduate and event, whatever they do.

    The seat (or the place in the waiting list) is the core's claim; the status is read from it,
    so a promotion by the reservations engine shows here at once.
    """

    __tablename__ = "graduate_clubs_registration"
    __table_args__ = (UniqueConstraint("event_id", "graduate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("graduate_clubs_event.id", ondelete="CASCADE"), index=True)
    graduate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("reservation_claim.id", ondelete="SET NULL"))
    attended: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    graduate: Mapped[User] = relationship()
    claim: Mapped[ReservationClaim | None] = relationship()

    @property
    def called_off(self) -> bool:
        """Cancelled together with the event, not by the graduate."""
        return self.event.cancelled and self.cancelled_at == self.event.cancelled_at

    @property
    def status(self) -> RegistrationStatus:
        if self.claim is None or self.claim.status == ClaimStatus.released:
            return RegistrationStatus.cancelled
        if self.claim.status == ClaimStatus.waiting:
            return RegistrationStatus.waiting
        return RegistrationStatus.registered


class HelpStatus(str, enum.Enum):
    """A volunteer's offer to help at an event: the organizers accept or decline it, the volunteer may
    withdraw it (and offer again later)."""

    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


HELP_LABELS = status_labels(HelpStatus, {
    HelpStatus.offered: lazy_pgettext("graduate_clubs", "waiting for the organizers"),
    HelpStatus.accepted: lazy_pgettext("graduate_clubs", "accepted"),
    HelpStatus.declined: lazy_pgettext("graduate_clubs", "declined"),
    HelpStatus.withdrawn: lazy_pgettext("graduate_clubs", "withdrawn"),
})


class HelpOffer(db.Model):
    """A volunteer's «I can help» for an event that wants volunteers: one row per volunteer and event."""

    __tablename__ = "graduate_clubs_help_offer"
    __table_args__ = (UniqueConstraint("event_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("graduate_clubs_event.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    status: Mapped[HelpStatus] = mapped_column(Enum(HelpStatus, native_enum=False, length=20),
                                               default=HelpStatus.offered, server_default="offered")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")  # what they can do, in their words
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class EventTally(db.Model):
    """An event's kept figures: the registrations holding a seat, and of them who came (``tallies``)."""

    __tablename__ = "graduate_clubs_event_tally"

    event_id: Mapped[int] = mapped_column(ForeignKey("graduate_clubs_event.id", ondelete="CASCADE"),
                                          primary_key=True)
    registered: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)


from plugins.graduate_clubs import tallies as _tallies  # noqa: E402,F401  (the session events that keep them)
