from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.app.extensions import db
from portal.models._time import utcnow
from portal.models.region import Municipality, Region


class Role(str, enum.Enum):
    graduate = "graduate"
    mentor = "mentor"
    volunteer = "volunteer"
    specialist = "specialist"
    coordinator = "coordinator"
    region_admin = "region_admin"
    # A young person still in a children's home (training apartments); invited, never self-registered.
    pupil = "pupil"

    @classmethod
    def staff(cls) -> tuple[Role, ...]:
        return (cls.specialist, cls.coordinator, cls.region_admin)

    @classmethod
    def self_registered(cls) -> tuple[Role, ...]:
        return (cls.graduate, cls.mentor, cls.volunteer)


class MembershipStatus(str, enum.Enum):
    pending = "pending"
    active = "active"
    rejected = "rejected"
    # Held back by a coordinator or region admin (a reason is kept); reinstating makes it active again.
    suspended = "suspended"
    # A role that is over (a mentor who stops, a graduate who left the region); kept, never deleted.
    ended = "ended"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (Index("ix_user_account_name", "name", "id"),)  # a region's members listed by name, paged

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    contact: Mapped[str] = mapped_column(String(200), default="")
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    locale: Mapped[str] = mapped_column(String(8), default="ru")
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    # Changing it ends every session and "remember me" cookie of the person at once
    # (accounts.sessions.end_sessions ends them one by one, and can keep the current one).
    session_token: Mapped[str] = mapped_column(String(64))
    # None until the person follows the link sent there: no other e-mail goes to an unconfirmed address.
    email_confirmed_at: Mapped[datetime | None]
    # How the portal's words speak of the person ("заселена", "заселён"): "female", "male" or unknown (None).
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None]  # asked of graduates: a minor's consent is their legal representative's
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    municipality: Mapped[Municipality | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        foreign_keys="Membership.user_id",
    )

    # The session of this request (portal/accounts/sessions.py binds them); not columns.
    session_key = None
    current_session = None

    def get_id(self) -> str:
        """Flask-Login's alternative id, kept in the session and remember-me cookies.

        It names the server-side session (user_session) by its key, so ending that row, or
        changing ``session_token``, makes every copy of those cookies open nothing.
        """
        return f"{self.id}:{self.session_token}:{self.session_key or ''}"

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    def active_roles(self, region: Region | None) -> set[str]:
        if region is None:
            return set()
        return {
            m.role.value
            for m in self.memberships
            if m.region_id == region.id and m.status == MembershipStatus.active
        }

    def has_role(self, region: Region | None, *roles: str | Role) -> bool:
        wanted = {r.value if isinstance(r, Role) else r for r in roles}
        return bool(self.active_roles(region) & wanted)

    @property
    def is_staff(self) -> bool:
        staff = {r for r in Role.staff()}
        return self.is_site_admin or any(
            m.role in staff and m.status == MembershipStatus.active for m in self.memberships
        )

    def regions(self) -> list[Region]:
        """Regions where the person holds a membership that is active or waits for approval."""
        seen: dict[int, Region] = {}
        for m in self.memberships:
            if m.status in (MembershipStatus.active, MembershipStatus.pending):
                seen.setdefault(m.region_id, m.region)
        return sorted(seen.values(), key=lambda r: r.name)

    @staticmethod
    def by_email(email: str) -> User | None:
        return db.session.scalar(select(User).where(User.email == email.strip().lower()))

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    """A role a person holds in a region; graduates and mentors wait for approval."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "region_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    status: Mapped[MembershipStatus] = mapped_column(
        Enum(MembershipStatus, native_enum=False, length=20), default=MembershipStatus.pending
    )
    # For mentors: when and by whom the documents (e.g. no criminal record) were checked.
    documents_checked_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    region: Mapped[Region] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
