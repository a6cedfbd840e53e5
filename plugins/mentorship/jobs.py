"""The matching board's long work as background jobs: proposing the best pairs for everyone, retraining.

A coordinator's click stores a :class:`BoardJob` row and enqueues it (``portal.kit.enqueue``); the page of
the job polls its progress and shows the result. Two coordinators starting the same work in a region get
the one already queued or running (a partial unique index on ``key``). The job beats while it runs
(``portal.kit.keep_alive``); one whose process died is marked failed at the next look (``reap``).
Proposing reads and computes without holding anything, then writes in one short transaction (one DELETE,
one INSERT, the audit line); the notifications follow once the proposals are committed.
"""
from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app, g, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.kit import (JOB_LOST, JobLease, Refusal, Region, User, audit, db, keep_alive, pause_point,
                        reap_lost_jobs, status_labels, utcnow)


class JobStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


JOB_STATUS_LABELS = status_labels(JobStatus, {
    JobStatus.queued: lazy_pgettext("mentorship job", "queued"),
    JobStatus.running: lazy_pgettext("mentorship job", "running"),
    JobStatus.done: lazy_pgettext("mentorship job", "done"),
    JobStatus.failed: lazy_pgettext("mentorship job", "failed"),
})
WORKING = (JobStatus.queued, JobStatus.running)


class JobKind(str, enum.Enum):
    propose = "propose"  # the best pairs for everyone waiting
    retrain = "retrain"  # a model from the decisions so far


#: Steps of each kind, for the progress bar.
STEPS = {JobKind.propose: 5, JobKind.retrain: 1}
STEP_NAMES = {
    0: _l("Waiting to start."),
    1: _l("Reading the profiles and what each graduate needs."),
    2: _l("Finding the best assignment of everyone."),
    3: _l("Writing down why each pair is proposed."),
    4: _l("Saving the proposals."),
    5: _l("Telling the graduates and the mentors."),
}
ERRORS = {
    JOB_LOST: _l("The work stopped half-way (the server was restarted or its process ended). Nothing of it was "
                 "saved; start it again."),
    "failed": _l("The work could not be done because of an error on the server. Nothing of it was saved; try "
                 "again, and if it fails again, tell the site's administrator."),
}


class BoardJob(JobLease, db.Model):
    """A proposal or retraining of a region's matching board, done (or being done) in the background."""

    __tablename__ = "mentorship_job"
    __table_args__ = (Index("ix_mentorship_job_working", "key", unique=True,
                            postgresql_where=text("status IN ('queued', 'running')"),
                            sqlite_where=text("status IN ('queued', 'running')")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    kind: Mapped[JobKind] = mapped_column(Enum(JobKind, native_enum=False, length=20))
    key: Mapped[str] = mapped_column(String(60))  # kind and region: the same work
    status: Mapped[JobStatus] = mapped_column(Enum(JobStatus, native_enum=False, length=20),
                                              default=JobStatus.queued)
    steps_total: Mapped[int] = mapped_column(Integer, default=1)
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict] = mapped_column(JSON, default=dict)  # what the page says when done (codes, numbers)
    error: Mapped[str] = mapped_column(Text, default="")  # a code of ERRORS: the page words it
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.steps_done / max(1, self.steps_total)))

    @property
    def working(self) -> bool:
        return self.status in WORKING

    @property
    def step_name(self) -> str:
        return str(STEP_NAMES.get(self.steps_done, "")) if self.kind == JobKind.propose else ""

    @property
    def error_message(self) -> str:
        return str(ERRORS.get(self.error, ERRORS["failed"]))


def reap(now: datetime | None = None) -> int:
    """Jobs whose process died are marked failed (``portal.kit.reap_lost_jobs``); the caller commits."""
    return reap_lost_jobs(BoardJob, queued=JobStatus.queued, running=JobStatus.running, failed=JobStatus.failed,
                          now=now)


def _working(key: str) -> BoardJob | None:
    return db.session.scalar(select(BoardJob).where(BoardJob.key == key, BoardJob.status.in_(WORKING)))


def start(region, user, kind: JobKind) -> tuple[BoardJob, bool]:
    """The job already queued or running for the same work, or a new one (True: commit, then enqueue it)."""
    reap()
    key = f"{kind.value}:{region.id}"
    running = _working(key)
    if running is not None:
        return running, False
    job = BoardJob(region_id=region.id, kind=kind, key=key, steps_total=STEPS[kind], created_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:  # another coordinator started it a moment before: theirs is the one
        running = _working(key)
        if running is None:
            raise
        return running, False
    return job, True


def _progress(job_id: int, done: int) -> None:
    """A step done, committed at once through a connection of its own (the job's session holds nothing)."""
    with db.engine.begin() as connection:
        connection.execute(update(BoardJob.__table__).where(BoardJob.__table__.c.id == job_id)
                           .values(steps_done=done))


def run_job(job_id: int) -> None:
    """The background job (``portal.kit.enqueue("plugins.mentorship.jobs.run_job", id)``)."""
    job = db.session.get(BoardJob, job_id)
    if job is None or job.status != JobStatus.queued:
        return
    job.status, job.started_at = JobStatus.running, utcnow()
    db.session.commit()
    with keep_alive(BoardJob, job_id):
        try:
            region = db.session.get(Region, job.region_id)
            by = db.session.get(User, job.created_by_id) if job.created_by_id else None
            if job.kind == JobKind.propose:
                _propose(job, region, by)
            else:
                _retrain(job, region, by)
        except Exception:
            db.session.rollback()
            db.session.execute(update(BoardJob).where(BoardJob.id == job_id, BoardJob.status == JobStatus.running)
                               .values(status=JobStatus.failed, error="failed", finished_at=utcnow()))
            db.session.commit()
            raise


def _finish(job: BoardJob, **result) -> None:
    """The job's row done, in the transaction of what it made (nothing is committed half)."""
    db.session.execute(update(BoardJob).where(BoardJob.id == job.id, BoardJob.status == JobStatus.running)
                       .values(status=JobStatus.done, steps_done=job.steps_total, result=result,
                               finished_at=utcnow()))


def _propose(job: BoardJob, region, by) -> None:
    from plugins.mentorship import pairs

    plan = pairs.plan_optimal(region, pairs.load_model(region), progress=lambda done: _progress(job.id, done))
    made = pairs.write_optimal(region, plan, by)
    ids = [row.id for row in made]
    audit("mentorship.optimised", target="board", region=region, actor=by, details={"proposals": ids})
    _finish(job, proposed=len(ids))
    pause_point("mentorship.proposals")  # a fault test kills the process here: nothing above is committed
    db.session.commit()
    _progress(job.id, 4)
    _tell(region, ids)
    _progress(job.id, STEPS[JobKind.propose])


def _tell(region, ids: list[int]) -> None:
    """Both sides of each new proposal hear of it, in their own language, once the proposals are saved."""
    from plugins.mentorship import views
    from plugins.mentorship.models import Mentorship

    if not ids:
        return
    base = current_app.config.get("PORTAL_BASE_URL") or None
    with current_app.test_request_context(base_url=base):
        g.region = region
        for start in range(0, len(ids), 1000):
            rows = db.session.scalars(select(Mentorship).where(Mentorship.id.in_(ids[start:start + 1000]))).all()
            people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(
                {r.graduate_id for r in rows} | {r.mentor_id for r in rows if r.mentor_id})))}
            for row in rows:
                views.tell_proposed(row, url_for("mentorship.mentorship", region_code=region.code,
                                                 mentorship_id=row.id), people)
            db.session.commit()


def _retrain(job: BoardJob, region, by) -> None:
    from plugins.mentorship import pairs

    try:
        found = pairs.retrain(region, by)
    except Refusal:
        db.session.rollback()
        _finish(job, outcome="just_now")
        db.session.commit()
        return
    if not found.learnt:
        _finish(job, outcome="too_few", count=pairs.min_decisions())
        db.session.commit()
        return
    figures = dict(held=found.held_out, new=found.new_figure, current=found.current_figure)
    if found.row is None:
        _finish(job, outcome="kept", **figures)
    else:
        audit("mentorship.model.trained", target=f"model:{found.row.version}", region=region, actor=by,
              details={"decisions": found.row.decisions, "held_out": found.model.held_out,
                       "used": found.model.is_fitted})
        _finish(job, outcome="trained", decisions=found.row.decisions, version=found.row.version, **figures)
    db.session.commit()
