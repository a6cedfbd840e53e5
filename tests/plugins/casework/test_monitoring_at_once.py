"""Two people ask for the same monitoring workbook at the same moment: one job is made, both get it."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.casework.monitoring import exports, periods
from portal.app.extensions import db
from portal.models import Region, User
from tests.helpers import at_once


def test_two_requests_for_one_workbook_at_once_make_one_job(app, services, people, regions):
    askers = [people["region_admin"].id, services["centre_coordinator"].id]
    db.session.remove()

    def work(user_id, start) -> str:
        region = db.session.execute(select(Region).filter_by(code="belgorod")).scalar_one()
        user = db.session.get(User, user_id)
        _ = (region.timezone, user.email)
        db.session.commit()
        start()
        job, new = exports.start(region, user, exports.ExportKind.region, periods.parse("2026-Q3"), "ru")
        db.session.commit()
        return f"{job.id}:{new}"

    outcomes = at_once(app, askers, work)

    ids = {o.split(":")[0] for o in outcomes}
    assert len(ids) == 1, outcomes
    assert sorted(o.split(":")[1] for o in outcomes) == ["False", "True"], outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count(exports.MonitoringExport.id))) == 1
