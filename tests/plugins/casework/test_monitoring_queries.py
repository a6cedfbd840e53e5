"""Every monitoring page makes the same number of queries with few rows and with many (aggregates only)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from plugins.casework.models import (Appeal, AppealChannel, AppealStatus, AppealType, LevelChange,
                                     LevelChangeStatus, SupportLevel)
from plugins.casework.monitoring import periods
from portal.app.extensions import db
from portal.kit import to_utc, today
from tests.helpers import page_queries
from tests.plugins.casework.conftest import make_supported
from tests.plugins.casework.test_monitoring_pages import _assessed

BASE = "/belgorod/casework/monitoring"


def _add(regions, services, start, count):
    belgorod = regions["belgorod"]
    period = periods.latest_complete_quarter(today(belgorod))
    for number in range(start, start + count):
        region, service = ((regions["smolensk"], services["smolensk"]) if number % 3 == 0 else
                           (belgorod, services["city" if number % 2 else "oskol"]))
        record = make_supported(region, service, f"Фамилия{number}", starts_on=period.first - timedelta(days=300))
        _assessed(record, period.first + timedelta(days=number % 60), difficult=("housing", "income"))
        db.session.add(LevelChange(record_id=record.id, to_level=list(SupportLevel)[number % 3],
                                   status=LevelChangeStatus.approved,
                                   decided_at=to_utc(datetime.combine(period.first + timedelta(days=number % 80),
                                                                      time(10)), region)))
        received = to_utc(datetime.combine(period.first + timedelta(days=number % 70), time(11)), region)
        db.session.add(Appeal(region_id=region.id, record_id=record.id, service_id=service.id,
                              type=list(AppealType)[number % 13], channel=AppealChannel.visit, request="просьба",
                              received_at=received, due_on=received.date() + timedelta(days=10),
                              status=AppealStatus.resolved if number % 2 else AppealStatus.new,
                              closed_at=received + timedelta(days=number % 20) if number % 2 else None))
    db.session.commit()


def test_monitoring_pages_make_the_same_queries_at_few_and_at_many_rows(app, regions, services, people):
    city = services["city"]
    centre = app.test_client().login_as(services["centre_coordinator"])
    admin = app.test_client().login_as(people["site_admin"])
    pages = [(centre, BASE), (centre, f"{BASE}?period=2025"), (centre, f"{BASE}/services/{city.id}"),
             (centre, f"{BASE}/rating"), (centre, f"{BASE}/figures/appeals.xlsx"), (admin, f"{BASE}/country")]
    _add(regions, services, 0, 3)
    few = [page_queries(app, client, url) for client, url in pages]
    _add(regions, services, 3, 30)
    many = [page_queries(app, client, url) for client, url in pages]
    assert few == many
