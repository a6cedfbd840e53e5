"""A region's social hotels: rooms, beds, and graduates' stays."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_pgettext
from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.kit import (Region, ReservationClaim, ReservationResource, ReservationUnit, User, db, status_labels,
                        utcnow)


class StayStatus(str, enum.Enum):
    requested = "requested"
    confirmed = "confirmed"
    rejected = "rejected"
    checked_in = "checked_in"
    checked_out = "checked_out"
    cancelled = "cancelled"
    no_show = "no_show"

    @classmethod
    def holding_a_bed(cls) -> tuple[StayStatus, ...]:
        return (cls.confirmed, cls.checked_in)

    @classmethod
    def open(cls) -> tuple[StayStatus, ...]:
        return (cls.requested, cls.confirmed, cls.checked_in)


#: The one set of words for a stay's state: pages, the figures, the CSV and the messages use it.
LABELS = status_labels(StayStatus, {
    StayStatus.requested: lazy_pgettext("social_hotel", "requested"),
    StayStatus.confirmed: lazy_pgettext("social_hotel", "confirmed"),
    StayStatus.rejected: lazy_pgettext("social_hotel", "rejected"),
    StayStatus.checked_in: lazy_pgettext("social_hotel", "checked in"),
    StayStatus.checked_out: lazy_pgettext("social_hotel", "checked out"),
    StayStatus.cancelled: lazy_pgettext("social_hotel", "cancelled"),
    StayStatus.no_show: lazy_pgettext("social_hotel", "did not come"),
}, gendered={  # of one graduate's stay, as their profile says: «заселена» / «заселён»; the above is neutral
    StayStatus.checked_in: (lazy_pgettext("social_hotel female", "checked in"),
                            lazy_pgettext("social_hotel male", "checked in")),
    StayStatus.checked_out: (lazy_pgettext("social_hotel female", "checked out"),
                             lazy_pgettext("social_hotel male", "checked out")),
    StayStatus.no_show: (lazy_pgettext("social_hotel female", "did not come"),
                         lazy_pgettext("social_hotel male", "did not come")),
})


class HotelSettings(db.Model):
    """The region's rule for the longest stay; longer stays need a coordinator."""

    __tablename__ = "social_hotel_settings"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True)
    max_nights: Mapped[int] = mapped_column(default=30)


class Hotel(db.Model):
    __tablename__ = "social_hotel_hotel"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    house_rules: Mapped[str] = mapped_column(Text, default="")
    # Beds are units of this resource in the core's reservations engine.
    resource_id: Mapped[int] = mapped_column(ForeignKey("reservation_resource.id", ondelete="RESTRICT"))

    region: Mapped[Region] = relationship()
    resource: Mapped[ReservationResource] = relationship()
    rooms: Mapped[list[Room]] = relationship(back_populates="hotel", order_by="Room.id",
                                             cascade="all, delete-orphan")


class Room(db.Model):
    __tablename__ = "social_hotel_room"

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("social_hotel_hotel.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    hotel: Mapped[Hotel] = relationship(back_populates="rooms")
    beds: Mapped[list[Bed]] = relationship(back_populates="room", order_by="Bed.id", cascade="all, delete-orphan")


class Bed(db.Model):
    __tablename__ = "social_hotel_bed"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("social_hotel_room.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(String(300), default="")  # e.g. ground floor, for a mother and child
    unit_id: Mapped[int] = mapped_column(ForeignKey("reservation_unit.id", ondelete="RESTRICT"), unique=True)

    room: Mapped[Room] = relationship(back_populates="beds")
    unit: Mapped[ReservationUnit] = relationship()

    @property
    def title(self) -> str:
        return f"{self.room.name} · {self.label}"


class Stay(db.Model):
    """A graduate's request for a stay and its life: requested → confirmed → checked in → out."""

    __tablename__ = "social_hotel_stay"
    __table_args__ = (Index("ix_social_hotel_stay_hotel_status", "hotel_id", "status"),
                      Index("ix_social_hotel_stay_hotel_arrival", "hotel_id", "arrival"))  # the yearly figures

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("social_hotel_hotel.id", ondelete="CASCADE"))
    graduate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    arrival: Mapped[date]
    departure: Mapped[date]  # the morning they leave: nights are [arrival, departure)
    reason: Mapped[str] = mapped_column(Text, default="")
    with_child: Mapped[bool] = mapped_column(default=False)
    status: Mapped[StayStatus] = mapped_column(Enum(StayStatus, native_enum=False, length=20),
                                               default=StayStatus.requested)
    bed_id: Mapped[int | None] = mapped_column(ForeignKey("social_hotel_bed.id", ondelete="SET NULL"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("reservation_claim.id", ondelete="SET NULL"),
                                                 index=True)  # the occupancy chart finds stays by claim
    extension_until: Mapped[date | None]  # the graduate asks to stay until then
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    hotel: Mapped[Hotel] = relationship()
    graduate: Mapped[User] = relationship()
    bed: Mapped[Bed | None] = relationship()
    claim: Mapped[ReservationClaim | None] = relationship()

    @property
    def nights(self) -> int:
        return (self.departure - self.arrival).days
