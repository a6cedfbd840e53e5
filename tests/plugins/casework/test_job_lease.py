"""Case work's background jobs (registry imports, monitoring workbooks) whose process died: failed at the next
look, with words saying so, never "running" for ever; one that still beats is left alone."""
from __future__ import annotations

from datetime import timedelta

from plugins.casework import imports
from plugins.casework.monitoring import exports
from portal.app.extensions import db
from portal.models._time import utcnow

BASE = "/belgorod/casework"


def _later(app) -> timedelta:
    return timedelta(seconds=app.config["PORTAL_JOB_LEASE_SECONDS"] + 1)


def test_an_import_whose_worker_died_is_failed_when_its_page_is_opened(app, regions, services):
    job = imports.RegistryImport(region_id=regions["belgorod"].id, filename="registry.csv", content=b"x",
                                 status=imports.ImportStatus.running, total_rows=10, done_rows=5,
                                 created_by_id=services["centre_coordinator"].id,
                                 heartbeat_at=utcnow() - _later(app))
    db.session.add(job)
    db.session.commit()
    client = app.test_client().login_as(services["centre_coordinator"])
    page = client.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)
    db.session.expire_all()
    assert job.status == imports.ImportStatus.failed and job.error == "lost" and job.done_rows == 0
    assert "Импорт остановился на полпути" in page and "<progress" not in page


def test_a_workbook_whose_worker_died_is_not_the_one_being_made(app, regions, services):
    region = regions["belgorod"]
    job = exports.MonitoringExport(region_id=region.id, kind=exports.ExportKind.region, period_key="2026",
                                   key="region:x", status=exports.ExportStatus.running, heartbeat_at=utcnow())
    db.session.add(job)
    db.session.commit()
    assert exports.reap() == 0  # it beat a moment ago
    assert exports.reap(now=utcnow() + _later(app)) == 1
    db.session.commit()
    db.session.expire_all()
    assert job.status == exports.ExportStatus.failed and job.lost and job.finished_at is not None
    client = app.test_client().login_as(services["centre_coordinator"])
    page = client.get(f"{BASE}/monitoring/workbooks/{job.id}").get_data(as_text=True)
    assert "Работа остановилась на полпути" in page
