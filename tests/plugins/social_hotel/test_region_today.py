"""The hotel's "today" is the region's: on the far side of the date line the server's day is another one."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale

from plugins.social_hotel.models import Stay, StayStatus
from portal.app.extensions import db
from portal.kit import format_day
from tests.helpers import form_errors
from tests.plugins.social_hotel.conftest import BASE, bed_ids, confirm, requested, text_of


@pytest.fixture
def region_day(regions):
    """Belgorod moved to a time zone whose date, right now, is not the server's; returns the region's date."""
    server = date.today()
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC−11: one is always another day
        there = datetime.now(ZoneInfo(zone)).date()
        if there != server:
            regions["belgorod"].timezone = zone
            db.session.commit()
            return there
    pytest.fail("no time zone found whose date differs from the server's")


def _ask(client, hotel, arrival):
    return client.post(f"{BASE}/request", data={"hotel": hotel.id, "arrival": arrival.isoformat(),
                                                 "departure": (arrival + timedelta(days=2)).isoformat(),
                                                 "reason": "Ремонт"})


def test_a_stay_may_start_on_the_regions_today_not_on_its_yesterday(app, people, hotel, region_day):
    graduate = app.test_client().login_as(people["graduate"])
    yesterday = _ask(graduate, hotel, region_day - timedelta(days=1))
    assert yesterday.status_code == 422 and "прошлом" in " ".join(form_errors(yesterday.get_data(as_text=True)))
    assert _ask(graduate, hotel, region_day).status_code == 302


def test_the_chart_and_the_free_places_start_on_the_regions_today(app, people, hotel, region_day):
    chart = text_of(app.test_client().login_as(people["specialist"]).get(f"{BASE}/chart"))
    places = text_of(app.test_client().login_as(people["graduate"]).get(f"{BASE}/"))
    with force_locale("ru"):
        assert f"<span>{format_day(region_day)} – " in chart
        first_night = places.split('<tbody><tr><td>', 1)[1].split("</td>", 1)[0]
        assert first_night == format_day(region_day)


def test_leaving_early_frees_the_nights_from_the_regions_today(app, people, hotel, region_day):
    """Arrived two days ago, leaves today: the departure is the region's today, the nights after are free."""
    stay = requested(hotel, people["graduate"], region_day - timedelta(days=2), 4)
    confirm(app, people["specialist"], stay, bed_ids(hotel)[0])
    staff = app.test_client().login_as(people["specialist"])
    assert staff.post(f"{BASE}/stays/{stay.id}/act/check-in").status_code == 302
    assert staff.post(f"{BASE}/stays/{stay.id}/act/check-out").status_code == 302
    db.session.expire_all()
    stay = db.session.get(Stay, stay.id)
    assert stay.status == StayStatus.checked_out and stay.departure == region_day
