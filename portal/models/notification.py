from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.app.extensions import db
from portal.models._time import utcnow


class Notification(db.Model):
    """A message for one person: what happened (``source``), rendered in the reader's language when read;
    ``message`` is it in their language when it was written (the e-mail's text, and rows older than ``source``)."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500), default="")
    # {"text": [gettext, pgettext or ngettext, its arguments...], "params": {name: value}}; see notifications.py
    source: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
