"""Consent to the processing of personal data (152-FZ): the texts a region sets, and who agreed to which."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.app.extensions import db
from portal.models._time import utcnow
from portal.models.region import Region
from portal.models.user import User


class ConsentText(db.Model):
    """One version of a region's consent text; a change is a new version, the old ones stay."""

    __tablename__ = "region_consent_text"
    __table_args__ = (UniqueConstraint("region_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    version: Mapped[int]
    text_ru: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()


class ConsentKind(str, enum.Enum):
    own = "own"  # the person, at registration
    representative = "representative"  # a minor's legal representative, recorded by a coordinator


class PersonalDataConsent(db.Model):
    """A consent given: whose, in which region, to which version of the text (0: the text the portal ships)."""

    __tablename__ = "personal_data_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(Enum(ConsentKind, native_enum=False, length=20))
    version: Mapped[int]
    locale: Mapped[str] = mapped_column(String(8), default="ru")
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    representative: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    region: Mapped[Region] = relationship()
