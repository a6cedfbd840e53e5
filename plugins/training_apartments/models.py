"""Training apartments: an institution's apartments, its pupils, the region's programme, stays and their records."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_pgettext
from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.kit import Institution, ReservationClaim, ReservationResource, User, db, status_labels, utcnow


class ApartmentSettings(db.Model):
    """The region's rules: the ages a pupil may be at a stay's start, the longest stay."""

    __tablename__ = "training_apartments_settings"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    min_age: Mapped[int] = mapped_column(default=14)
    max_age: Mapped[int] = mapped_column(default=18)
    max_nights: Mapped[int] = mapped_column(default=28)


class Apartment(db.Model):
    """A supervised apartment of an institution; its places are units of a resource of the reservations engine."""

    __tablename__ = "training_apartments_apartment"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    places: Mapped[int]
    house_rules: Mapped[str] = mapped_column(Text, default="")
    equipment: Mapped[str] = mapped_column(Text, default="")  # what is in it
    resource_id: Mapped[int] = mapped_column(ForeignKey("reservation_resource.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship()
    resource: Mapped[ReservationResource] = relationship()


class Pupil(db.Model):
    """A young person in the institution's care; an account (role pupil) is optional: most are minors."""

    __tablename__ = "training_apartments_pupil"
    __table_args__ = (UniqueConstraint("institution_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date]
    group_name: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship()
    user: Mapped[User | None] = relationship()

    def age_on(self, day: date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class Area(db.Model):
    """An area of the region's programme (cooking, budget, …); ``support_area``: the core's word for it.

    ``key`` names a default area, shown in the reader's language until the coordinator renames it.
    """

    __tablename__ = "training_apartments_area"
    __table_args__ = (UniqueConstraint("region_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    key: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), default="")
    support_area: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)

    skills: Mapped[list[Skill]] = relationship(back_populates="area", order_by="Skill.position, Skill.id")


class Skill(db.Model):
    __tablename__ = "training_apartments_skill"
    __table_args__ = (UniqueConstraint("area_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_area.id", ondelete="CASCADE"), index=True)
    key: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)  # retired skills keep their records

    area: Mapped[Area] = relationship(back_populates="skills")


class Level(db.Model):
    """A step of the region's scale, from ``rank`` 0 ("not yet") up."""

    __tablename__ = "training_apartments_level"
    __table_args__ = (UniqueConstraint("region_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    key: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100), default="")


class StayStatus(str, enum.Enum):
    planned = "planned"  # holds its place; under way from its first day
    closed = "closed"  # ended with a signed-off summary
    cancelled = "cancelled"


STAY_LABELS = status_labels(StayStatus, {
    StayStatus.planned: lazy_pgettext("training_apartments", "planned"),
    StayStatus.closed: lazy_pgettext("training_apartments", "closed"),
    StayStatus.cancelled: lazy_pgettext("training_apartments", "cancelled"),
})


class Stay(db.Model):
    """A pupil's stay in an apartment: nights [arrival, departure), one place held by the stay's claim."""

    __tablename__ = "training_apartments_stay"
    __table_args__ = (Index("ix_training_apartments_stay_pupil_arrival", "pupil_id", "arrival"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    apartment_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_apartment.id", ondelete="CASCADE"),
                                              index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_pupil.id", ondelete="CASCADE"))
    arrival: Mapped[date]
    departure: Mapped[date]  # the morning they leave
    status: Mapped[StayStatus] = mapped_column(Enum(StayStatus, native_enum=False, length=20),
                                               default=StayStatus.planned)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("reservation_claim.id", ondelete="SET NULL"))
    planned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    apartment: Mapped[Apartment] = relationship()
    pupil: Mapped[Pupil] = relationship()
    claim: Mapped[ReservationClaim | None] = relationship()
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])

    @property
    def nights(self) -> int:
        return (self.departure - self.arrival).days


class Practice(db.Model):
    """A day's practice of a skill during a stay: the level reached and a short note."""

    __tablename__ = "training_apartments_practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_stay.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    skill_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_skill.id", ondelete="RESTRICT"))
    level_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_level.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    skill: Mapped[Skill] = relationship()
    level: Mapped[Level] = relationship()


class BudgetKind(str, enum.Enum):
    given = "given"  # money handed to the pupil
    spent = "spent"  # what was bought


BUDGET_LABELS = status_labels(BudgetKind, {
    BudgetKind.given: lazy_pgettext("training_apartments", "money given"),
    BudgetKind.spent: lazy_pgettext("training_apartments", "spent"),
})


class BudgetEntry(db.Model):
    """A line of the stay's budget diary, in whole roubles."""

    __tablename__ = "training_apartments_budget"

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_stay.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    kind: Mapped[BudgetKind] = mapped_column(Enum(BudgetKind, native_enum=False, length=20))
    amount: Mapped[int]
    what: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SummaryLine(db.Model):
    """One area of the readiness summary signed off at a stay's end."""

    __tablename__ = "training_apartments_summary_line"
    __table_args__ = (UniqueConstraint("stay_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stay_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_stay.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_area.id", ondelete="RESTRICT"))
    start_level_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_level.id", ondelete="RESTRICT"))
    end_level_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_level.id", ondelete="RESTRICT"))
    strengths: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")

    area: Mapped[Area] = relationship()
    start_level: Mapped[Level] = relationship(foreign_keys=[start_level_id])
    end_level: Mapped[Level] = relationship(foreign_keys=[end_level_id])


class SelfRating(db.Model):
    """How a pupil with an account rates themself on a skill (the latest rating)."""

    __tablename__ = "training_apartments_self_rating"
    __table_args__ = (UniqueConstraint("pupil_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_pupil.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_skill.id", ondelete="CASCADE"))
    level_id: Mapped[int] = mapped_column(ForeignKey("training_apartments_level.id", ondelete="RESTRICT"))
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)

    skill: Mapped[Skill] = relationship()
    level: Mapped[Level] = relationship()
