"""A region's volunteer festivals: programme, nominations, groups, volunteer roles and shifts, jury scores."""
from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_pgettext
from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.kit import (ClaimStatus, Institution, Region, ReservationClaim, ReservationResource, User, db,
                        status_labels, utcnow)


class FestivalStatus(str, enum.Enum):
    """Group registration: not open yet (draft), open, closed (it may open again)."""

    draft = "draft"
    open = "open"
    closed = "closed"


FESTIVAL_LABELS = status_labels(FestivalStatus, {
    FestivalStatus.draft: lazy_pgettext("volunteer_festivals", "registration not open yet"),
    FestivalStatus.open: lazy_pgettext("volunteer_festivals", "registration open"),
    FestivalStatus.closed: lazy_pgettext("volunteer_festivals", "registration closed"),
})


class ResultsStatus(str, enum.Enum):
    pending = "pending"
    published = "published"


RESULTS_LABELS = status_labels(ResultsStatus, {
    ResultsStatus.pending: lazy_pgettext("volunteer_festivals", "results not published"),
    ResultsStatus.published: lazy_pgettext("volunteer_festivals", "results published"),
})


class Festival(db.Model):
    __tablename__ = "volunteer_festivals_festival"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    first_day: Mapped[date]
    last_day: Mapped[date]
    status: Mapped[FestivalStatus] = mapped_column(Enum(FestivalStatus, native_enum=False, length=20),
                                                   default=FestivalStatus.draft)
    programme_published: Mapped[bool] = mapped_column(default=False)
    results: Mapped[ResultsStatus] = mapped_column(Enum(ResultsStatus, native_enum=False, length=20),
                                                   default=ResultsStatus.pending)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    region: Mapped[Region] = relationship()
    organizers: Mapped[list[FestivalOrganizer]] = relationship(back_populates="festival", cascade="all, delete-orphan")
    jurors: Mapped[list[FestivalJuror]] = relationship(back_populates="festival", cascade="all, delete-orphan")
    venues: Mapped[list[FestivalVenue]] = relationship(back_populates="festival", cascade="all, delete-orphan",
                                               order_by="FestivalVenue.name")
    nominations: Mapped[list[FestivalNomination]] = relationship(back_populates="festival", cascade="all, delete-orphan",
                                                         order_by="FestivalNomination.id")


class FestivalOrganizer(db.Model):
    """A specialist, or a volunteer they named, who runs the festival."""

    __tablename__ = "volunteer_festivals_organizer"
    __table_args__ = (UniqueConstraint("festival_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_festival.id", ondelete="CASCADE"),
                                             index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)

    festival: Mapped[Festival] = relationship(back_populates="organizers")
    user: Mapped[User] = relationship()


class FestivalJuror(db.Model):
    """Someone the organizers named to score the groups' projects."""

    __tablename__ = "volunteer_festivals_juror"
    __table_args__ = (UniqueConstraint("festival_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_festival.id", ondelete="CASCADE"),
                                             index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)

    festival: Mapped[Festival] = relationship(back_populates="jurors")
    user: Mapped[User] = relationship()


class FestivalVenue(db.Model):
    __tablename__ = "volunteer_festivals_venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_festival.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")

    festival: Mapped[Festival] = relationship(back_populates="venues")


class ProgrammeItem(db.Model):
    """A session of the programme: time and place."""

    __tablename__ = "volunteer_festivals_programme_item"
    __table_args__ = (Index("ix_volunteer_festivals_programme_item_festival_starts", "festival_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_festival.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_festivals_venue.id", ondelete="SET NULL"))

    festival: Mapped[Festival] = relationship()
    venue: Mapped[FestivalVenue | None] = relationship()


class FestivalNomination(db.Model):
    __tablename__ = "volunteer_festivals_nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_festival.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    festival: Mapped[Festival] = relationship(back_populates="nominations")
    criteria: Mapped[list[FestivalCriterion]] = relationship(back_populates="nomination", cascade="all, delete-orphan",
                                                     order_by="FestivalCriterion.position")


class FestivalCriterion(db.Model):
    """What the jury scores a project on, from 0 to ``max_points``."""

    __tablename__ = "volunteer_festivals_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_festivals_nomination.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    max_points: Mapped[int] = mapped_column(default=10)
    position: Mapped[int] = mapped_column(default=0)

    nomination: Mapped[FestivalNomination] = relationship(back_populates="criteria")


class GroupStatus(str, enum.Enum):
    applied = "applied"
    accepted = "accepted"
    declined = "declined"


GROUP_LABELS = status_labels(GroupStatus, {
    GroupStatus.applied: lazy_pgettext("volunteer_festivals", "waiting for the organizers"),
    GroupStatus.accepted: lazy_pgettext("volunteer_festivals", "accepted"),
    GroupStatus.declined: lazy_pgettext("volunteer_festivals", "declined"),
})


class FestivalGroup(db.Model):
    """A volunteer group that brings a project to the festival and enters a nomination."""

    __tablename__ = "volunteer_festivals_group"
    __table_args__ = (UniqueConstraint("festival_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_festival.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(200))
    # The institution or organisation behind it: one of the region's institutions, or a name typed in.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="SET NULL"),
                                                       index=True)
    organisation: Mapped[str] = mapped_column(String(300), default="")
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    project_title: Mapped[str] = mapped_column(String(200))
    project_description: Mapped[str] = mapped_column(Text, default="")
    nomination_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_nomination.id",
                                                          ondelete="RESTRICT"), index=True)
    status: Mapped[GroupStatus] = mapped_column(Enum(GroupStatus, native_enum=False, length=20),
                                                default=GroupStatus.applied)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    festival: Mapped[Festival] = relationship()
    institution: Mapped[Institution | None] = relationship()
    leader: Mapped[User | None] = relationship()
    nomination: Mapped[FestivalNomination] = relationship()
    members: Mapped[list[FestivalGroupMember]] = relationship(back_populates="group", cascade="all, delete-orphan",
                                                      order_by="FestivalGroupMember.id")

    @property
    def behind(self) -> str:
        """The institution's name, or the organisation typed in."""
        return self.institution.name if self.institution is not None else self.organisation


class FestivalGroupMember(db.Model):
    """A member: a person with an account, or only a name (minors, added by the leader)."""

    __tablename__ = "volunteer_festivals_group_member"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_group.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    minor: Mapped[bool] = mapped_column(default=False)

    group: Mapped[FestivalGroup] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship()


class VolunteerProfile(db.Model):
    """What the matcher reads of a volunteer in a region: interests, skills, age, when they are free.

    Its row is also what a volunteer's shift changes hold, so nobody gets two shifts at one time.
    """

    __tablename__ = "volunteer_festivals_profile"
    __table_args__ = (UniqueConstraint("region_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    interests: Mapped[list] = mapped_column(JSON, default=list)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    birth_date: Mapped[date | None]
    free: Mapped[list] = mapped_column(JSON, default=list)  # ["sat:morning", ...]: weekday:part of day
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class VolunteerRole(db.Model):
    """What volunteers do at the festival (host, guide, photographer…) and what it needs."""

    __tablename__ = "volunteer_festivals_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_festival.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    interests: Mapped[list] = mapped_column(JSON, default=list)  # what a volunteer who likes it likes
    skills: Mapped[list] = mapped_column(JSON, default=list)  # what it needs
    min_age: Mapped[int | None]

    festival: Mapped[Festival] = relationship()
    shifts: Mapped[list[FestivalShift]] = relationship(back_populates="role", cascade="all, delete-orphan",
                                               order_by="FestivalShift.starts_at")


class FestivalShift(db.Model):
    """A time and place of a role for so many people; its places are units in the reservations engine."""

    __tablename__ = "volunteer_festivals_shift"
    __table_args__ = (Index("ix_volunteer_festivals_shift_role_starts", "role_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_role.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int]
    restricted: Mapped[bool] = mapped_column(default=False)  # assigned by the organizers only
    with_graduates: Mapped[bool] = mapped_column(default=False)  # works with graduates or pupils
    resource_id: Mapped[int] = mapped_column(ForeignKey("reservation_resource.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    role: Mapped[VolunteerRole] = relationship(back_populates="shifts")
    resource: Mapped[ReservationResource] = relationship()

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


def _check_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


class AssignmentStatus(str, enum.Enum):
    taken = "taken"  # holds a place
    waiting = "waiting"
    dropped = "dropped"


ASSIGNMENT_LABELS = status_labels(AssignmentStatus, {
    AssignmentStatus.taken: lazy_pgettext("volunteer_festivals", "taken"),
    AssignmentStatus.waiting: lazy_pgettext("volunteer_festivals", "on the waiting list"),
    AssignmentStatus.dropped: lazy_pgettext("volunteer_festivals", "dropped"),
})


class ShiftAssignment(db.Model):
    """A volunteer in a shift (or waiting for a place): one row per volunteer and shift.

    The place is the core's claim and the status is read from it, so a promotion shows at once.
    """

    __tablename__ = "volunteer_festivals_assignment"
    __table_args__ = (UniqueConstraint("shift_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_shift.id", ondelete="CASCADE"),
                                          index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("reservation_claim.id", ondelete="SET NULL"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    check_code: Mapped[str] = mapped_column(String(6), default=_check_code)  # shown on the volunteer's phone
    checked_in_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]  # hours of service approved by an organizer
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dropped_at: Mapped[datetime | None]

    shift: Mapped[FestivalShift] = relationship()
    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id])
    claim: Mapped[ReservationClaim | None] = relationship()

    @property
    def status(self) -> AssignmentStatus:
        if self.claim is None or self.claim.status == ClaimStatus.released:
            return AssignmentStatus.dropped
        if self.claim.status == ClaimStatus.waiting:
            return AssignmentStatus.waiting
        return AssignmentStatus.taken


class FestivalScore(db.Model):
    """One juror's points for one group on one criterion."""

    __tablename__ = "volunteer_festivals_score"
    __table_args__ = (UniqueConstraint("group_id", "criterion_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_group.id", ondelete="CASCADE"),
                                          index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("volunteer_festivals_criterion.id", ondelete="CASCADE"),
                                              index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    points: Mapped[int]
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)
