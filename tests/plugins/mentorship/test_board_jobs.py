"""The board's long work in the background: the page at once, its progress, its result or why it failed;
the one job for two coordinators; a job whose process died is failed at the next look."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from plugins.mentorship import jobs, pairs, views
from plugins.mentorship.models import Mentorship, MentorshipStatus
from portal.app.extensions import db
from portal.models import Notification
from portal.models._time import utcnow
from tests.helpers import make_user
from tests.plugins.mentorship.conftest import add_graduate, add_mentor

BASE = "/belgorod/mentorship"


def _three_pairs(belgorod):
    mentors = [add_mentor(belgorod, f"m{i}@belgorod.test", interests=(f"i{i}",), capacity=1) for i in range(3)]
    graduates = [add_graduate(belgorod, email=f"g{i}@belgorod.test", interests=(f"i{i}",)) for i in range(3)]
    return mentors, graduates


def _reads_english(user) -> None:
    user.locale = "en"
    db.session.merge(user)
    db.session.commit()


def _held(monkeypatch) -> list:
    """The jobs enqueued, not run: the page as a coordinator sees it while the work goes on."""
    started = []
    monkeypatch.setattr(views, "enqueue", lambda path, *args: started.append((path, *args)))
    return started


def test_proposing_returns_at_once_with_a_progress_page_then_the_result(client, people, belgorod, monkeypatch):
    _three_pairs(belgorod)
    started = _held(monkeypatch)
    client.login_as(people["coordinator"])
    response = client.post(f"{BASE}/board/optimise")
    assert response.status_code == 302 and db.session.scalars(select(Mentorship)).all() == []
    job = db.session.scalar(select(jobs.BoardJob))
    assert started == [("plugins.mentorship.jobs.run_job", job.id)] and job.status == jobs.JobStatus.queued
    assert response.headers["Location"].endswith(f"{BASE}/board/jobs/{job.id}")
    page = client.get(f"{BASE}/board/jobs/{job.id}").get_data(as_text=True)
    assert "<progress" in page and 'http-equiv="refresh"' in page and "Обновить" in page  # works without JS
    part = client.get(f"{BASE}/board/jobs/{job.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in part and f'hx-get="{BASE}/board/jobs/{job.id}"' in part and 'every 2s' in part

    jobs.run_job(job.id)  # what the worker does
    db.session.expire_all()
    assert db.session.get(jobs.BoardJob, job.id).status == jobs.JobStatus.done
    made = db.session.scalars(select(Mentorship)).all()
    assert len(made) == 3 and {m.status for m in made} == {MentorshipStatus.proposed}
    assert all(m.reasons and m.snapshot["graduate"]["id"] == str(m.graduate_id) for m in made)
    assert len(db.session.scalars(select(Notification)).all()) == 6  # both sides of each pair, after the commit
    part = client.get(f"{BASE}/board/jobs/{job.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Предложено 3 пары" in part and "hx-get" not in part and "<progress" not in part
    _reads_english(people["coordinator"])
    english = client.get(f"{BASE}/board/jobs/{job.id}").get_data(as_text=True)
    assert "Proposed 3 pairs for everyone waiting" in english


def test_two_coordinators_get_the_one_job_already_running(client, people, belgorod, monkeypatch):
    _three_pairs(belgorod)
    started = _held(monkeypatch)
    second = make_user("second-coordinator@belgorod.test", {belgorod: ["coordinator"]})
    client.login_as(people["coordinator"])
    first = client.post(f"{BASE}/board/optimise").headers["Location"]
    client.login_as(second)
    again = client.post(f"{BASE}/board/optimise").headers["Location"]
    assert first == again and len(started) == 1
    retraining = client.post(f"{BASE}/board/retrain").headers["Location"]
    assert retraining != first and len(started) == 2  # another kind of work: its own job
    jobs.run_job(started[0][1])
    anew = client.post(f"{BASE}/board/optimise").headers["Location"]
    assert anew != first and len(started) == 3  # the first one is done: a new one starts


def test_a_job_that_fails_says_why_in_the_readers_language_and_saves_nothing(client, people, belgorod,
                                                                               monkeypatch):
    _three_pairs(belgorod)

    def broken(*args, **kwargs):
        raise RuntimeError("the solver ran out of memory")

    monkeypatch.setattr(pairs, "plan_optimal", broken)
    client.login_as(people["coordinator"])
    page = client.post(f"{BASE}/board/optimise", follow_redirects=True).get_data(as_text=True)
    assert "из-за ошибки на сервере" in page and "out of memory" not in page and "Traceback" not in page
    assert db.session.scalars(select(Mentorship)).all() == []
    job = db.session.scalar(select(jobs.BoardJob))
    assert (job.status, job.error) == (jobs.JobStatus.failed, "failed")
    _reads_english(people["coordinator"])
    assert "because of an error on the server" in client.get(f"{BASE}/board/jobs/{job.id}").get_data(as_text=True)


def test_a_job_whose_process_died_is_failed_at_the_next_look(client, people, belgorod, monkeypatch):
    _held(monkeypatch)
    client.login_as(people["coordinator"])
    client.post(f"{BASE}/board/optimise")
    job = db.session.scalar(select(jobs.BoardJob))
    job.status, job.heartbeat_at = jobs.JobStatus.running, utcnow()  # its worker beat once, then was killed
    db.session.commit()
    assert jobs.reap() == 0  # within its lease: still running
    lease = timedelta(seconds=client.application.config["PORTAL_JOB_LEASE_SECONDS"] + 1)
    assert jobs.reap(now=utcnow() + lease) == 1
    db.session.commit()
    page = client.get(f"{BASE}/board/jobs/{job.id}").get_data(as_text=True)
    assert "остановилась на полпути" in page and "<progress" not in page
    assert client.post(f"{BASE}/board/optimise").headers["Location"] != f"{BASE}/board/jobs/{job.id}"


def test_a_running_job_beats_and_a_finished_one_is_left_as_it_is(client, people, belgorod):
    _three_pairs(belgorod)
    client.login_as(people["coordinator"])
    client.post(f"{BASE}/board/optimise")
    job = db.session.scalar(select(jobs.BoardJob))
    assert job.status == jobs.JobStatus.done and job.heartbeat_at is not None and job.started_at is not None
    assert jobs.reap(now=utcnow() + timedelta(days=1)) == 0


def test_a_job_of_another_region_is_not_found(client, people, belgorod, regions, monkeypatch):
    _held(monkeypatch)
    client.login_as(people["coordinator"])
    client.post(f"{BASE}/board/optimise")
    job = db.session.scalar(select(jobs.BoardJob))
    smolensk = make_user("coordinator@smolensk.test", {regions["smolensk"]: ["coordinator"]})
    client.login_as(smolensk)
    assert client.get(f"/smolensk/mentorship/board/jobs/{job.id}").status_code == 404
    assert client.get(f"{BASE}/board/jobs/{job.id}").status_code == 403
    client.login_as(people["specialist"])
    assert client.get(f"{BASE}/board/jobs/{job.id}").status_code == 403


def test_retraining_is_a_job_too(client, people, belgorod):
    client.login_as(people["coordinator"])
    response = client.post(f"{BASE}/board/retrain")
    job = db.session.scalar(select(jobs.BoardJob))
    assert job.kind == jobs.JobKind.retrain and response.headers["Location"].endswith(f"/board/jobs/{job.id}")
    assert "Слишком мало решений" in client.get(response.headers["Location"]).get_data(as_text=True)
