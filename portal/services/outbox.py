"""E-mail goes out after the commit that wrote it, never while database rows are held.

:func:`portal.services.notifications.notify` adds an :class:`OutgoingMail` to the caller's
transaction; when that transaction commits, a background job (:mod:`portal.services.jobs`)
sends what waits. A rolled-back change sends nothing; a sent mail keeps its recipient and subject, not its body. Each mail is taken by one sender (a
conditional UPDATE), committed, and only then handed to the SMTP server.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from portal.app.extensions import db
from portal.models import OutgoingMail
from portal.models._time import utcnow
from portal.services import jobs
from portal.services.mail import mail_configured, send_mail

PENDING = "portal_outbox_pending"
RETRY_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def queue_mail(to: str, subject: str, body: str) -> OutgoingMail | None:
    """Write the e-mail into the current transaction; sent once it commits. None without SMTP."""
    if not mail_configured():
        return None
    mail = OutgoingMail(recipient=to, subject=subject[:300], body=body)
    db.session.add(mail)
    db.session.info[PENDING] = True
    return mail


@event.listens_for(Session, "after_commit")
def _send_after_commit(session) -> None:
    """The change is committed whatever happens here: a queue that is down only delays the mail,
    which waits in the outbox for the next delivery."""
    if session.info.pop(PENDING, False):
        try:
            jobs.run("portal.services.outbox.deliver_pending")
        except Exception:
            current_app.logger.exception("outbox: could not start the delivery; the mail waits for the next one")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop(PENDING, None)


def _take(mail_id: int) -> bool:
    """Mark the mail as ours, or learn that another sender has it; committed at once."""
    now = utcnow()
    taken = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id, OutgoingMail.sent_at.is_(None),
               or_(OutgoingMail.taken_at.is_(None), OutgoingMail.taken_at < now - RETRY_AFTER))
        .values(taken_at=now, attempts=OutgoingMail.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(taken)


def deliver_pending(limit: int = 200) -> int:
    """Send what waits in the outbox (the job); returns how many went out."""
    waiting = db.session.scalars(
        select(OutgoingMail.id).where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
        .order_by(OutgoingMail.id).limit(limit)).all()
    db.session.commit()  # nothing is held while the SMTP server talks
    sent = 0
    for mail_id in waiting:
        if not _take(mail_id):
            continue
        mail = db.session.get(OutgoingMail, mail_id)
        db.session.commit()
        ok, error = send_mail(mail.recipient, mail.subject, mail.body)
        # A sent mail keeps no body: a copy of the database then holds no link that opens an account.
        values = {"sent_at": utcnow(), "body": ""} if ok else {"taken_at": None, "last_error": (error or "")[:300]}
        db.session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values))
        db.session.commit()
        sent += ok
    if waiting and sent < len(waiting):
        current_app.logger.warning("outbox: %d of %d mails sent", sent, len(waiting))
    return sent
