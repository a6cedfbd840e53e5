"""A worker killed (SIGKILL) in the middle of a proposal job: no partial writes; the job is failed at the next
look and can be started again."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from plugins.mentorship import jobs
from plugins.mentorship.models import Mentorship
from portal.app.extensions import db
from portal.models import AuditEvent, Notification
from portal.models._time import utcnow
from tests.helpers import killed_at
from tests.plugins.mentorship.conftest import add_graduate, add_mentor

BASE = "/belgorod/mentorship"


def _pairs() -> set[tuple[int, int, int]]:
    return set(db.session.execute(select(Mentorship.id, Mentorship.graduate_id, Mentorship.mentor_id)).all())


def test_a_worker_killed_half_way_through_proposing_leaves_the_proposals_as_they_were(app, people, belgorod,
                                                                                       tmp_path):
    for i in range(3):
        add_mentor(belgorod, f"m{i}@belgorod.test", interests=(f"i{i}",), capacity=2)
        add_graduate(belgorod, email=f"g{i}@belgorod.test", interests=(f"i{i}",))
    client = app.test_client()
    client.login_as(people["coordinator"])
    client.post(f"{BASE}/board/optimise")  # the first proposals, made and told
    before, notes = _pairs(), db.session.scalar(select(func.count()).select_from(Notification))
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert len(before) == 3
    for i in range(3, 5):
        add_graduate(belgorod, email=f"g{i}@belgorod.test", interests=(f"i{i % 3}",))
    job, new = jobs.start(belgorod, people["coordinator"], jobs.JobKind.propose)
    assert new
    db.session.commit()
    job_id = job.id

    killed_at(app, "mentorship.proposals", "job", tmp_path, path="plugins.mentorship.jobs.run_job", args=[job_id])
    assert _pairs() == before  # the delete and the insert were never committed
    assert db.session.scalar(select(func.count()).select_from(Notification)) == notes
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits
    job = db.session.get(jobs.BoardJob, job_id)
    assert job.status == jobs.JobStatus.running and job.heartbeat_at is not None  # as the dead worker left it

    assert client.post(f"{BASE}/board/optimise").headers["Location"].endswith(f"/board/jobs/{job_id}")  # in lease
    lease = timedelta(seconds=app.config["PORTAL_JOB_LEASE_SECONDS"] + 1)
    assert jobs.reap(now=utcnow() + lease) == 1
    db.session.commit()
    page = client.get(f"{BASE}/board/jobs/{job_id}").get_data(as_text=True)
    assert "остановилась на полпути" in page
    again = client.post(f"{BASE}/board/optimise", follow_redirects=True).get_data(as_text=True)
    assert "Предложено 5 пар" in again and len(_pairs()) == 5
