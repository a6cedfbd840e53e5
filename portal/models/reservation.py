from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.app.extensions import db
from portal.models._time import utcnow


class ClaimStatus(str, enum.Enum):
    held = "held"  # units taken over its slots
    waiting = "waiting"  # in the waiting list, nothing taken yet
    released = "released"  # given back (cancelled, checked out, moved on)


class ReservationResource(db.Model):
    """Something with a limited number of places: a hotel's beds, an event's seats."""

    __tablename__ = "reservation_resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(80))  # the plugin that holds it
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    units: Mapped[list[ReservationUnit]] = relationship(
        back_populates="resource", order_by="ReservationUnit.position", cascade="all, delete-orphan"
    )


class ReservationUnit(db.Model):
    """One place: a bed, a seat."""

    __tablename__ = "reservation_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("reservation_resource.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    resource: Mapped[ReservationResource] = relationship(back_populates="units")


class ReservationClaim(db.Model):
    """A person's hold on one unit over a range of slots, or their place in the waiting list."""

    __tablename__ = "reservation_claim"
    __table_args__ = (Index("ix_reservation_claim_waiting", "resource_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("reservation_resource.id", ondelete="CASCADE"))
    holder_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("reservation_unit.id", ondelete="SET NULL"))
    first_slot: Mapped[int]
    end_slot: Mapped[int]  # exclusive: [first_slot, end_slot)
    status: Mapped[ClaimStatus] = mapped_column(
        Enum(ClaimStatus, native_enum=False, length=20), default=ClaimStatus.held
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    released_at: Mapped[datetime | None]

    resource: Mapped[ReservationResource] = relationship()
    unit: Mapped[ReservationUnit | None] = relationship()

    @property
    def slots(self) -> range:
        return range(self.first_slot, self.end_slot)


class ClaimedSlot(db.Model):
    """The ledger: one row per unit and slot taken. Its unique key is what forbids double booking."""

    __tablename__ = "reservation_slot"
    __table_args__ = (UniqueConstraint("unit_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("reservation_claim.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("reservation_unit.id", ondelete="CASCADE"))
    slot: Mapped[int]
