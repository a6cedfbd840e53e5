"""Server-side sessions: one row per signed-in browser, so that signing out ends it for good.

Flask-Login keeps ``User.get_id()`` in the session cookie and in the remember-me cookie:
``"<id>:<session_token>:<key>"``, where the key is a ``secrets.token_urlsafe`` value whose
SHA-256 is the row's ``key_hash``. Every request finds its row by that hash; an ended or
expired row opens nothing, whichever cookie (or copy of it) carries the key. Changing
``User.session_token`` still ends every session of the person at once; ``end_sessions`` is the
way to end them that also shows in the person's list of sessions.
"""
from __future__ import annotations

import functools
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from portal.app.extensions import db
from portal.models import MembershipStatus, Notification, Region, RegionPlugin, Role, User, UserSession
from portal.models._time import utcnow
from portal.services import audit
from portal.services.account_tokens import digest

#: How often ``last_seen_at`` is written: not on every request, which would make each one a write.
TOUCH_EVERY = timedelta(minutes=1)
#: How long rows that ended stay (for the person's own questions, "was that me?"), then they go.
KEEP_ENDED = timedelta(days=30)
MAX_USER_ID = 2**31 - 1


def short_sessions(user: User) -> bool:
    """Staff and mentors (who read meeting logs): 30 idle minutes, 12 hours in all, no remember-me."""
    return user.is_staff or any(
        m.role == Role.mentor and m.status == MembershipStatus.active for m in user.memberships
    )


def _limits(user: User) -> tuple[timedelta, timedelta | None]:
    """(idle, in all) after which a row of this person no longer opens anything.

    For staff and mentors the session cookie's own clock (web/security.py) ends the session
    first; the row allows one more ``TOUCH_EVERY``, as its last-seen time may be that late.
    Others are held only to the remember-me cookie's life, counted from their last visit.
    """
    config = current_app.config
    if short_sessions(user):
        return config["PORTAL_STAFF_IDLE_TIMEOUT"] + TOUCH_EVERY, config["PORTAL_STAFF_ABSOLUTE_TIMEOUT"]
    return config["REMEMBER_COOKIE_DURATION"], None


def is_live(record: UserSession, user: User, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if record.ended_at is not None:
        return False
    idle, absolute = _limits(user)
    if now - record.last_seen_at > idle:
        return False
    return absolute is None or now - record.created_at <= absolute


def _bind(user: User, record: UserSession, key: str) -> None:
    """The row and key of this request, on the person: get_id() and "this device" read them."""
    user.session_key = key
    user.current_session = record


def open_session(user: User, *, remembered: bool = False, user_agent: str = "", address: str = "") -> UserSession:
    """A new row for a sign-in; the person's rows that ended long ago are removed on the way."""
    now = utcnow()
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.ended_at < now - KEEP_ENDED, UserSession.last_seen_at < now - KEEP_ENDED),
    ))
    key = secrets.token_urlsafe(32)
    record = UserSession(user_id=user.id, key_hash=digest(key), created_at=now, last_seen_at=now,
                         user_agent=(user_agent or "")[:400], address=(address or "")[:64],
                         remembered=remembered)
    db.session.add(record)
    db.session.flush()
    _bind(user, record, key)
    return record


def _parse(session_id: str) -> tuple[int, str, str] | None:
    parts = str(session_id or "").split(":")
    if len(parts) != 3 or not parts[0].isascii() or not parts[0].isdigit() or not parts[2]:
        return None
    user_id = int(parts[0])
    if not 0 < user_id <= MAX_USER_ID:
        return None
    return user_id, parts[1], parts[2]


def _unread():
    """The person's unread notifications (the layout's bell), as a column of the session's query."""
    return (select(func.count(Notification.id))
            .where(Notification.user_id == UserSession.user_id, Notification.read_at.is_(None))
            .scalar_subquery())


def _opened(parsed: tuple[int, str, str], record: UserSession | None, unread: int | None) -> User | None:
    """The person behind a session row found by its key, if the row is theirs and still live."""
    user_id, token, key = parsed
    if record is None or record.user_id != user_id:
        return None
    user = record.user
    if user.session_token != token or user.is_disabled or not is_live(record, user):
        return None
    _bind(user, record, key)
    from portal.services.notifications import known_unread

    known_unread(user, unread)
    return user


def _resumed_this_request() -> dict:
    """Sessions already read this request (by ``resume_with_region``), by the cookie's session id."""
    return request.__dict__.setdefault("_portal_resumed", {}) if has_request_context() else {}


def resume_session(session_id: str) -> User | None:
    """The person behind a cookie's session id while its row is live, else None. Writes nothing."""
    resumed = _resumed_this_request()
    if session_id in resumed:  # read with the URL's region, in the request's first statement
        return resumed.pop(session_id)
    parsed = _parse(session_id)
    if parsed is None:
        return None
    row = db.session.execute(_session_query(), {"key_hash": digest(parsed[2])}).unique().first()
    return _opened(parsed, *(row or (None, None)))


# Every request asks one of these two: they are built once (building a statement and its cache key costs
# about what running it does), their values bound at each call.

@functools.cache
def _session_query():
    """The session by its key, with the person's roles and the bell's count (access, navigation, cards and the
    layout's bell all ask them)."""
    return (select(UserSession, _unread()).options(joinedload(UserSession.user).joinedload(User.memberships))
            .where(UserSession.key_hash == bindparam("key_hash")))


@functools.cache
def _region_and_session_query():
    """The URL's region with the names of the plugins it has on, and the session as ``_session_query``."""
    plugins = (select(func.aggregate_strings(RegionPlugin.plugin, ","))
               .where(RegionPlugin.region_id == Region.id, RegionPlugin.enabled.is_(True))
               .scalar_subquery())
    return (select(Region, plugins, UserSession, _unread())
            .outerjoin(UserSession, UserSession.key_hash == bindparam("key_hash"))
            .options(joinedload(UserSession.user).joinedload(User.memberships))
            .where(Region.code == bindparam("region_code")))


def resume_with_region(session_id: str, code: str) -> tuple[Region | None, list[str]] | None:
    """The URL's region with the plugins it has on, and the session the cookie names, in one statement.

    Every page under /<region_code>/ of a signed-in person asks both. The session is kept for
    ``resume_session``, which Flask-Login calls once its own checks of the cookie pass (so nothing
    opens here that would not open there). ``(None, [])`` when there is no such region; None when the
    cookie names no session to read (the caller reads the region alone).
    """
    parsed = _parse(session_id)
    if parsed is None or not has_request_context():
        return None
    row = db.session.execute(_region_and_session_query(),
                             {"key_hash": digest(parsed[2]), "region_code": code}).unique().first()
    if row is None:
        return None, []
    region, names, record, unread = row
    _resumed_this_request()[session_id] = _opened(parsed, record, unread)
    return region, [name for name in (names or "").split(",") if name]


def touch(record: UserSession) -> bool:
    """Moves last-seen on, at most once a ``TOUCH_EVERY``; True when a write is to be committed."""
    now = utcnow()
    if now - record.last_seen_at < TOUCH_EVERY:
        return False
    record.last_seen_at = now
    return True


def end_refused(session_id: str, reason: str = "refused") -> bool:
    """Ends the row a cookie named when the request was refused all the same (another network, expiry).

    The id comes from a signed cookie, so it is the portal's own; True when a live row was ended.
    """
    parsed = _parse(session_id)
    if parsed is None:
        return False
    user_id, _token, key = parsed
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.key_hash == digest(key), UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    return bool(result.rowcount)


def end_session(record: UserSession | None, reason: str) -> bool:
    """Ends one row unless it has ended already (a conditional UPDATE: two at once end it once)."""
    if record is None:
        return False
    result = db.session.execute(  # the ORM's UPDATE also sets the loaded row's attributes
        update(UserSession).where(UserSession.id == record.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    return bool(result.rowcount)


def end_sessions(user: User, *, keep: UserSession | None = None, reason: str = "ended", region=None) -> int:
    """Ends every live session of the person but ``keep``; audited as ``sessions.ended``.

    For sign out everywhere, a password change, a suspension (``region`` is where it was
    decided: the audit line belongs there; the sessions end in every region). Joins the
    caller's transaction; returns how many ended.
    """
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    ended = db.session.execute(query.values(ended_at=utcnow(), end_reason=reason)).rowcount
    audit.record("sessions.ended", target=f"user:{user.id}", region=region,
                 details={"reason": reason, "count": ended}, subject=user)
    return ended


def live_sessions(user: User, limit: int = 100) -> list[UserSession]:
    """The person's sessions that still open something, the latest seen first."""
    now = utcnow()
    idle, absolute = _limits(user)
    query = select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.last_seen_at >= now - idle,
    )
    if absolute is not None:
        query = query.where(UserSession.created_at >= now - absolute)
    return list(db.session.scalars(query.order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
                                   .limit(limit)))


def own_live_session(user: User, session_id: int) -> UserSession | None:
    """One live session of this person by its id; another person's, or an ended one, is None."""
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != user.id or not is_live(record, user):
        return None
    return record
