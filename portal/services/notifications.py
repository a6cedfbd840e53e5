"""Notifying a person: the one function plugins call."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from portal.app.extensions import db
from portal.services.mail import send_mail
from portal.models import Notification, User
from portal.models._time import utcnow


def notify(user: User, message, link: str = "", **params) -> Notification:
    """Leave a notification in the person's own language, and e-mail it when SMTP is set.

    ``message`` is a lazy_gettext string with %(name)s placeholders filled from ``params``;
    it is rendered in the recipient's language, not the sender's. Joins the caller's
    transaction.
    """
    with force_locale(user.locale or "ru"):
        text = str(message) % params if params else str(message)
        subject = _("Portal: a new notification")
    note = Notification(user_id=user.id, message=text, link=link)
    db.session.add(note)
    send_mail(user.email, subject, f"{text}\n{link}".strip())
    return note


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ) or 0


def mark_read(user: User, notification_id: int | None = None) -> None:
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    db.session.execute(query.values(read_at=utcnow()))
