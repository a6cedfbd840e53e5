from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.app.extensions import db
from portal.models._time import utcnow


class Region(db.Model):
    """A subject of the federation running its own support services and plugins."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    default_locale: Mapped[str] = mapped_column(String(8), default="ru")
    # Set by the region admin, shown in every page's footer and on the privacy page; empty: the defaults.
    contacts: Mapped[str] = mapped_column(Text, default="")
    privacy_holder: Mapped[str] = mapped_column(Text, default="")
    privacy_purpose: Mapped[str] = mapped_column(Text, default="")
    privacy_retention: Mapped[str] = mapped_column(Text, default="")
    privacy_contact: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="region", order_by="Municipality.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class Municipality(db.Model):
    """A district or city of a region: support is given where the graduate lives."""

    __tablename__ = "municipality"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    region: Mapped[Region] = relationship(back_populates="municipalities")


class RegionPlugin(db.Model):
    """Whether a region runs a plugin; a missing row means off."""

    __tablename__ = "region_plugin"
    __table_args__ = (UniqueConstraint("region_id", "plugin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    plugin: Mapped[str] = mapped_column(String(80))
    enabled: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
