"""A background job's row that says it is alive: a job whose process died is not "running" for ever.

A plugin's job table takes :class:`JobLease` (a ``heartbeat_at`` column); the job runs inside
:func:`keep_alive`, which writes the moment into its row at once and then every quarter of the lease,
from a thread of its own through a connection of its own (so the beat is seen while the job's own
transaction is still open). A process killed (SIGKILL, the machine stopped) beats no more, and the
next look at the job (its page, the next start of the same job) calls :func:`reap`, which marks
every row whose beat is older than the lease failed, with a compare-and-set on its status: a job
that finished a moment before is left as it is. A job still queued (never started) waits longer:
``PORTAL_JOB_QUEUE_WAIT_SECONDS``, since RQ may have a queue ahead of it.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from portal.app.extensions import db
from portal.models._time import utcnow

#: What a reaped job's ``error`` says (its page turns it into words in the reader's language).
LOST = "lost"


class JobLease:
    """The mixin of a job's row: when its process last said it was alive (None: never started)."""

    heartbeat_at: Mapped[datetime | None] = mapped_column(nullable=True)


def lease_seconds(app=None) -> int:
    return int((app or current_app).config.get("PORTAL_JOB_LEASE_SECONDS", 120))


def queue_wait_seconds(app=None) -> int:
    return int((app or current_app).config.get("PORTAL_JOB_QUEUE_WAIT_SECONDS", 3600))


def _beat(engine, table, job_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == job_id).values(heartbeat_at=utcnow()))


@contextmanager
def keep_alive(model, job_id: int):
    """The job's row beats while the block runs; a beat that cannot be written now (SQLite's one writer
    busy with the job itself) is tried again at the next quarter of the lease."""
    app = current_app._get_current_object()
    engine, table, every = db.engine, model.__table__, max(lease_seconds(app) / 4, 0.05)
    stop = threading.Event()

    def beating():
        while not stop.wait(every):
            try:
                _beat(engine, table, job_id)
            except SQLAlchemyError:
                app.logger.warning("job %s %s: heartbeat not written this time", table.name, job_id)

    _beat(engine, table, job_id)
    beater = threading.Thread(target=beating, daemon=True, name=f"heartbeat {table.name} {job_id}")
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join()


def reap(model, *, queued, running, failed, now: datetime | None = None, **values) -> int:
    """Marks ``failed`` (error :data:`LOST`) the rows of ``model`` whose process is gone: running with no beat
    for a lease (none yet: a lease since it was asked for), or queued for longer than the queue wait. ``values``: more columns to set. Returns how many.

    Call it where a job is looked at; commit after it. ``now`` is the moment of the look (a test gives
    one after the lease, instead of waiting).
    """
    now = now or utcnow()
    lease = now - timedelta(seconds=lease_seconds())
    waited = now - timedelta(seconds=queue_wait_seconds())
    beat = func.coalesce(model.heartbeat_at, model.created_at)  # started a moment ago, before its first beat
    stale = or_(and_(model.status == running, beat < lease), and_(model.status == queued, model.created_at < waited))
    if db.session.scalar(select(model.id).where(stale).limit(1)) is None:
        return 0  # the usual case: a read, no write (SQLite would hold its one writer's lock till the commit)
    found = db.session.execute(update(model).where(stale).values(status=failed, error=LOST, finished_at=now,
                                                                  **values)
                               .execution_options(synchronize_session=False))
    db.session.expire_all()
    return found.rowcount
