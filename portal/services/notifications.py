"""Notifying a person: the one function plugins call."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from portal.app.extensions import db
from portal.models import Notification, User
from portal.models._time import utcnow
from portal.services import region_time
from portal.services.outbox import queue_mail


def notify(user: User, message, link: str = "", *, times_of=None, **params) -> Notification:
    """Leave a notification in the person's own language, and e-mail it when SMTP is set.

    ``message`` is a lazy_gettext string with %(name)s placeholders filled from ``params``;
    it is rendered in the recipient's language, not the sender's. Pass dates and stored (naive UTC)
    datetimes as they are: they are written in the recipient's language, at the clock of ``times_of``
    (the region the times belong to; by default the page's region, else the person's first). Joins the caller's
    transaction; the e-mail (when SMTP is set and the address is confirmed) goes to the outbox and is sent
    after the commit.
    """
    source = _source(message, params, user, times_of)
    with force_locale(user.locale or "ru"):
        written = {name: _written(value, user, times_of) for name, value in params.items()}
        text = str(message) % written if written else str(message)
        subject = _("Portal: a new notification")
    note = Notification(user_id=user.id, message=text, link=link, source=source)
    db.session.add(note)
    _forget_unread(user.id)
    mail_person(user, subject, f"{text}\n{absolute(link)}".strip())
    return note


# --- what happened, kept so that it is read in the reader's language of the day ------------------------

_TRANSLATORS = {"gettext": gettext, "pgettext": pgettext, "ngettext": ngettext}


def _text_of(message) -> list | None:
    """A lazy string's translator and arguments (["pgettext", context, msgid]); None for a plain string."""
    function = getattr(message, "_func", None)
    name = getattr(function, "__name__", "")
    if name not in _TRANSLATORS or getattr(message, "_kwargs", None):
        return None
    return [name, *message._args]


def _source(message, params: dict, user: User, times_of) -> dict | None:
    text = _text_of(message)
    if text is None:
        return None
    kept = {}
    for name, value in params.items():
        if isinstance(value, datetime):
            zone = region_time.zone(times_of) if times_of is not None else _zone_for(user)
            kept[name] = {"moment": value.isoformat(), "zone": zone.key}
        elif isinstance(value, date):
            kept[name] = {"day": value.isoformat()}
        elif (lazy := _text_of(value)) is not None:
            kept[name] = {"text": lazy}
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            kept[name] = value
        else:
            kept[name] = str(value)
    return {"text": text, "params": kept}


def _param(value):
    if isinstance(value, dict) and "moment" in value:
        return region_time.format_moment(datetime.fromisoformat(value["moment"]), tz=ZoneInfo(value["zone"]))
    if isinstance(value, dict) and "day" in value:
        return region_time.format_day(date.fromisoformat(value["day"]))
    if isinstance(value, dict) and "text" in value:
        return _translated(value["text"])
    return value


def _translated(text: list) -> str:
    name, *arguments = text
    return _TRANSLATORS[name](*arguments)


def text_of(note: Notification) -> str:
    """The notification in the language of the page it is read on (its stored text when it keeps no source)."""
    if not note.source:
        return note.message
    try:
        params = {name: _param(value) for name, value in note.source.get("params", {}).items()}
        text = _translated(note.source["text"])
        return text % params if params else text
    except (KeyError, TypeError, ValueError, LookupError):
        return note.message  # a source this code no longer reads: what was written then


def mail_person(user: User, subject: str, body: str) -> bool:
    """E-mail a person at their address only once they have confirmed it; the confirmation mail itself,
    sent to an address not yet confirmed, is the one exception and goes by ``queue_mail``."""
    if user.email_confirmed_at is None:
        return False
    return queue_mail(user.email, subject, body) is not None


def absolute(link: str) -> str:
    """A link as an e-mail needs it: with the portal's address (PORTAL_BASE_URL, else the request's)."""
    if not link.startswith("/") or link.startswith("//"):
        return link
    base = current_app.config.get("PORTAL_BASE_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + link if base else link


def _zone_for(user):
    """The time zone a person reads times in: the page's region, else the first region they belong to."""
    region = g.get("region") if has_request_context() else None
    if region is None:
        regions = user.regions()
        region = regions[0] if regions else None
    return region_time.zone(region)


def _written(value, user, times_of):
    """Dates and stored moments as the recipient reads them: their language, the region's clock."""
    if isinstance(value, datetime):
        zone = region_time.zone(times_of) if times_of is not None else _zone_for(user)
        return region_time.format_moment(value, locale=user.locale or "ru", tz=zone)
    if isinstance(value, date):
        return region_time.format_day(value, locale=user.locale or "ru")
    return value


def known_unread(user: User, count: int) -> None:
    """The bell's count, read with the person's session (portal/accounts/sessions.py): the layout asks no more
    this request unless a notification of theirs is written (``notify``, ``mark_read``, a flush of one)."""
    if has_request_context():
        _known_this_request()[user.id] = int(count or 0)


def _known_this_request() -> dict:
    """Kept on the request itself (not ``g``, which a test's app context shares between requests)."""
    return request.__dict__.setdefault("_portal_unread", {})


def _forget_unread(user_id: int | None = None) -> None:
    if not has_request_context():
        return
    if user_id is None:
        _known_this_request().clear()
    else:
        _known_this_request().pop(user_id, None)


@event.listens_for(Session, "before_flush")
def _notifications_flushed(session, _context, _instances):
    """A notification added or removed by any path (an erasure's delete, say): the kept count is read again."""
    if any(isinstance(item, Notification) for item in (*session.new, *session.deleted, *session.dirty)):
        _forget_unread()


def unread_count(user: User) -> int:
    known = _known_this_request().get(user.id) if has_request_context() else None
    if known is not None:
        return known
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


def mark_read(user: User, notification_id: int | None = None) -> None:
    _forget_unread(user.id)
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    db.session.execute(query.values(read_at=utcnow()))
