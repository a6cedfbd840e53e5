from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.app.extensions import db
from portal.models._time import utcnow
from portal.models.region import Municipality, Region


class InstitutionKind(str, enum.Enum):
    children_home = "children_home"
    boarding_school = "boarding_school"
    family_centre = "family_centre"
    other = "other"


class Institution(db.Model):
    """A children's home or boarding school of a region.

    In the core because several services follow the same place: training apartments are run
    by one, club events and festival groups come from one, a graduate's record names the one
    they left.
    """

    __tablename__ = "institution"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[InstitutionKind] = mapped_column(
        Enum(InstitutionKind, native_enum=False, length=30), default=InstitutionKind.children_home
    )
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    region: Mapped[Region] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    staff: Mapped[list[InstitutionStaff]] = relationship(
        back_populates="institution", cascade="all, delete-orphan"
    )


class InstitutionStaff(db.Model):
    """A specialist named to an institution: they run its daily work (apartments, pupils)."""

    __tablename__ = "institution_staff"
    __table_args__ = (UniqueConstraint("institution_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship(back_populates="staff")
    user: Mapped["User"] = relationship()  # noqa: F821
