"""Mentor and graduate profiles, mentorships with their decisions, meeting logs, trained models."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.kit import Municipality, Region, User, db, status_labels, utcnow


class _Profile:
    """What mentor and graduate profiles share: what `matching` reads from both."""

    @declared_attr.directive
    def __table_args__(cls):
        return (UniqueConstraint("user_id", "region_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="SET NULL"))
    interests: Mapped[list] = mapped_column(JSON, default=list)
    areas: Mapped[list] = mapped_column(JSON, default=list)
    about: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list] = mapped_column(JSON, default=lambda: ["ru"])
    gender: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @declared_attr
    def user(cls) -> Mapped[User]:
        return relationship()

    @declared_attr
    def region(cls) -> Mapped[Region]:
        return relationship()

    @declared_attr
    def municipality(cls) -> Mapped[Municipality | None]:
        return relationship()


class MentorProfile(_Profile, db.Model):
    """A checked mentor's side: what they can help with and how many mentees they take."""

    __tablename__ = "mentorship_mentor_profile"

    capacity: Mapped[int] = mapped_column(default=1)
    availability: Mapped[str] = mapped_column(String(300), default="")


class GraduateProfile(_Profile, db.Model):
    """A graduate's side; taking part is their choice and they may stop at any time."""

    __tablename__ = "mentorship_graduate_profile"

    @declared_attr.directive
    def __table_args__(cls):  # the board's waiting graduates, longest waiting first, read in the index's order
        return (UniqueConstraint("user_id", "region_id"),
                Index("ix_mentorship_graduate_profile_region_updated", "region_id", "updated_at", "id"))

    wants_mentor: Mapped[bool] = mapped_column(default=True)
    prefers_gender: Mapped[str | None] = mapped_column(String(10))


class MentorshipStatus(str, enum.Enum):
    proposed = "proposed"   # waiting for the coordinator's decision (the sides may answer meanwhile)
    approved = "approved"   # the coordinator said yes; waiting for the graduate's or the mentor's acceptance
    active = "active"       # the coordinator, the graduate and the mentor all said yes
    ended = "ended"
    rejected = "rejected"   # by a coordinator
    declined = "declined"   # by the graduate or the mentor: taking part is their choice

    @classmethod
    def taking_a_place(cls) -> tuple[MentorshipStatus, ...]:
        """A proposal already holds the mentor's place until it is decided."""
        return (cls.proposed, cls.approved, cls.active)

    @classmethod
    def open_proposal(cls) -> tuple[MentorshipStatus, ...]:
        """Proposals not yet active nor closed: the graduate and the mentor may still answer."""
        return (cls.proposed, cls.approved)


class Answer(str, enum.Enum):
    """A side's answer to a proposal: the graduate's and the mentor's own choice."""

    accepted = "accepted"
    declined = "declined"


#: The two sides who answer a proposal, as the columns ``<side>_answer`` and the matching library name them.
SIDES = ("graduate", "mentor")


class Outcome(str, enum.Enum):
    goals_reached = "goals_reached"
    graduate_asked = "graduate_asked"
    mentor_left = "mentor_left"
    moved_away = "moved_away"
    other = "other"


#: What pages, the audit log and exports call each status and each way a mentorship ended.
STATUS_LABELS = status_labels(MentorshipStatus, {
    MentorshipStatus.proposed: lazy_pgettext("mentorship", "proposed"),
    MentorshipStatus.approved: lazy_pgettext("mentorship", "approved, waiting for answers"),
    MentorshipStatus.active: lazy_pgettext("mentorship", "active"),
    MentorshipStatus.ended: lazy_pgettext("mentorship", "ended"),
    MentorshipStatus.rejected: lazy_pgettext("mentorship", "rejected"),
    MentorshipStatus.declined: lazy_pgettext("mentorship", "declined"),
})
ANSWER_LABELS = status_labels(Answer, {
    Answer.accepted: lazy_pgettext("mentorship", "agreed"),
    Answer.declined: lazy_pgettext("mentorship", "said no"),
}, gendered={  # of the graduate or the mentor who answered, as their profile says; the above is neutral
    Answer.accepted: (lazy_pgettext("mentorship female", "agreed"), lazy_pgettext("mentorship male", "agreed")),
    Answer.declined: (lazy_pgettext("mentorship female", "said no"), lazy_pgettext("mentorship male", "said no")),
})
OUTCOME_LABELS = status_labels(Outcome, {
    Outcome.goals_reached: _l("the goals are reached"),
    Outcome.graduate_asked: _l("the graduate asked to end"),
    Outcome.mentor_left: _l("the mentor could not go on"),
    Outcome.moved_away: _l("moved away"),
    Outcome.other: _l("other"),
})


class Mentorship(db.Model):
    """A pairing: proposed → approved (by a coordinator) → active → ended; or rejected (by a coordinator),
    or declined (by the graduate or the mentor, while proposed or approved).

    The graduate and the mentor answer in any order, before or after the coordinator; the pair is active
    once all three said yes. Every decision, a side's decline too, is training data.
    """

    __tablename__ = "mentorship_mentorship"
    __table_args__ = (Index("ix_mentorship_mentorship_region_status", "region_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    graduate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # None once the mentor's data is erased: the graduate's history of the pair stays.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    status: Mapped[MentorshipStatus] = mapped_column(Enum(MentorshipStatus, native_enum=False, length=20),
                                                     default=MentorshipStatus.proposed)
    pinned: Mapped[bool] = mapped_column(default=False)  # kept as it is when the rest is optimised
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # [{"code": ..., "params": {...}}]
    # Both profiles as they were when proposed: what the coordinator decided on, for the model.
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    # Each side's answer; a decline's reason is private: coordinators alone read it.
    graduate_answer: Mapped[Answer | None] = mapped_column(Enum(Answer, native_enum=False, length=10))
    graduate_answered_at: Mapped[datetime | None]
    graduate_reason: Mapped[str] = mapped_column(Text, default="")
    mentor_answer: Mapped[Answer | None] = mapped_column(Enum(Answer, native_enum=False, length=10))
    mentor_answered_at: Mapped[datetime | None]
    mentor_reason: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[datetime | None]
    outcome: Mapped[Outcome | None] = mapped_column(Enum(Outcome, native_enum=False, length=20))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    # Set when the mentor's or the graduate's role stopped (suspended, ended): a coordinator looks at it.
    flagged_at: Mapped[datetime | None]
    flag_reason: Mapped[str] = mapped_column(Text, default="")

    region: Mapped[Region] = relationship()
    graduate: Mapped[User] = relationship(foreign_keys=[graduate_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    meetings: Mapped[list[Meeting]] = relationship(back_populates="mentorship", cascade="all, delete-orphan",
                                                   order_by="(Meeting.met_on.desc(), Meeting.id.desc())")
    followers: Mapped[list[PairSpecialist]] = relationship(back_populates="mentorship",
                                                           cascade="all, delete-orphan")

    @property
    def specialist_ids(self) -> set[int]:
        return {f.user_id for f in self.followers}

    @property
    def coordinator_approved(self) -> bool:
        """The coordinator said yes (a rejection is a status of its own)."""
        return self.decided_at is not None and self.status != MentorshipStatus.rejected

    def answer_of(self, side: str) -> Answer | None:
        return getattr(self, f"{side}_answer")

    def side_of(self, user) -> str | None:
        """Which side of the pair this person is: "graduate", "mentor" or None."""
        if user is None:
            return None
        if self.graduate_id == user.id:
            return "graduate"
        return "mentor" if self.mentor_id is not None and self.mentor_id == user.id else None

    def waits_for(self) -> list[str]:
        """Who has still to say yes: "coordinator", "graduate", "mentor" (empty once active or closed)."""
        if self.status not in MentorshipStatus.open_proposal():
            return []
        return ([] if self.status == MentorshipStatus.approved else ["coordinator"]) + [
            s for s in SIDES if self.answer_of(s) is None]


class PairSpecialist(db.Model):
    """A support specialist who follows a pair: the one staff besides coordinators who sees its log."""

    __tablename__ = "mentorship_pair_specialist"
    __table_args__ = (UniqueConstraint("mentorship_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship_mentorship.id", ondelete="CASCADE"),
                                               index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    named_at: Mapped[datetime] = mapped_column(default=utcnow)

    mentorship: Mapped[Mentorship] = relationship(back_populates="followers")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Meeting(db.Model):
    """One line of the meeting log the mentor and the specialists keep."""

    __tablename__ = "mentorship_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship_mentorship.id", ondelete="CASCADE"),
                                               index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    met_on: Mapped[date]
    what_was_done: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    mentorship: Mapped[Mentorship] = relationship(back_populates="meetings")
    author: Mapped[User | None] = relationship()


class TrainedModel(db.Model):
    """A region's model learnt from its coordinators' decisions, kept in the database for every process."""

    __tablename__ = "mentorship_trained_model"
    __table_args__ = (UniqueConstraint("region_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    decisions: Mapped[int]
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    trained_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # matching.DecisionModel.to_dict(): coefficients, weight, held-out figures, features version. Never a pickle.
    model: Mapped[dict] = mapped_column(JSON)
