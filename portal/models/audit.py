from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.app.extensions import db
from portal.models._time import utcnow
from portal.models.region import Region
from portal.models.user import User


class AuditEvent(db.Model):
    """Who did what to whom, where and when; written by portal.services.audit.record only."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_region_at", "region_id", "at"),
                      Index("ix_audit_event_region_action", "region_id", "action"))  # the log's action filter

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Kept even when the account is erased, so the log still reads.
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    # The person the event is about (a sign-in, a failed sign-in): a region admin sees
    # events without a region when they concern one of the region's people.
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(80), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id], viewonly=True)
    region: Mapped[Region | None] = relationship()
