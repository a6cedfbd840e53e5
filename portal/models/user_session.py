from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.app.extensions import db
from portal.models._time import utcnow


class UserSession(db.Model):
    """One signed-in browser: its cookie and its remember-me cookie carry the key, the table its hash.

    Ending the row ends both cookies for good, wherever copies of them are kept; a stolen
    copy of the database holds no key that would open a session.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # hashlib.sha256 of the secrets.token_urlsafe key, in hex.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(400), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    remembered: Mapped[bool] = mapped_column(default=False)
    ended_at: Mapped[datetime | None]
    # Why it ended: signed_out, everywhere, password_changed, expired, suspended ...
    end_reason: Mapped[str] = mapped_column(String(40), default="")

    user: Mapped["User"] = relationship()  # noqa: F821
