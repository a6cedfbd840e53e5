"""Check-in, "arrive early" and "did not come" follow the region's calendar: a stay never holds two beds."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale

from plugins.social_hotel.models import Stay, StayStatus
from portal.app.extensions import db
from portal.kit import format_day, format_span, today
from tests.helpers import make_user
from tests.plugins.social_hotel.conftest import BASE, bed_ids, confirm, requested, slots_of, text_of


def _confirmed(app, people, hotel, arrival, nights, graduate=None, bed=0) -> Stay:
    stay = requested(hotel, graduate or people["graduate"], arrival, nights)
    confirm(app, people["specialist"], stay, bed_ids(hotel)[bed])
    return db.session.get(Stay, stay.id)


def _buttons(page: str) -> set[str]:
    return {action for action in ("check-in", "arrive-early", "no-show", "check-out") if f"/act/{action}\"" in page}


def test_checking_in_before_the_arrival_day_is_refused(app, people, regions, hotel):
    """Confirmed for the 5th to the 8th, "Check in" on the 1st: refused, the stay as it was."""
    arrival = today(regions["belgorod"]) + timedelta(days=4)
    stay = _confirmed(app, people, hotel, arrival, 3)
    ledger = slots_of(stay)
    staff = app.test_client().login_as(people["specialist"])
    assert _buttons(staff.get(f"{BASE}/stays/{stay.id}").get_data(as_text=True)) == {"arrive-early"}

    refused = staff.post(f"{BASE}/stays/{stay.id}/act/check-in")
    with force_locale("ru"):
        assert refused.status_code == 422 and format_day(arrival) in text_of(refused)
    assert staff.post(f"{BASE}/stays/{stay.id}/act/no-show").status_code == 422
    db.session.expire_all()
    assert stay.status == StayStatus.confirmed and stay.arrival == arrival and slots_of(stay) == ledger


def test_arriving_early_moves_the_stay_to_start_today(app, people, regions, hotel):
    """Staff choose "arrive early": the claim starts today, on the same bed, and the graduate has one stay."""
    day = today(regions["belgorod"])
    stay = _confirmed(app, people, hotel, day + timedelta(days=4), 3)
    unit = stay.bed.unit_id
    staff = app.test_client().login_as(people["specialist"])
    assert staff.post(f"{BASE}/stays/{stay.id}/act/arrive-early").status_code == 302
    db.session.expire_all()
    assert stay.status == StayStatus.checked_in and stay.arrival == day
    assert slots_of(stay) == [(unit, day + timedelta(days=n)) for n in range(7)]
    page = app.test_client().login_as(people["graduate"]).get(f"{BASE}/").get_data(as_text=True)
    assert page.count('<li class="stay"') == 1
    assert _buttons(staff.get(f"{BASE}/stays/{stay.id}").get_data(as_text=True)) == {"check-out"}


def test_arriving_early_onto_nights_someone_holds_is_refused_with_the_dates(app, people, regions, hotel):
    """All or nothing: the bed is someone else's tonight and tomorrow, so nothing changes."""
    day = today(regions["belgorod"])
    other = make_user("other@belgorod.test", {regions["belgorod"]: ["graduate"]})
    _confirmed(app, people, hotel, day, 2, graduate=other)
    stay = _confirmed(app, people, hotel, day + timedelta(days=4), 3)
    ledger = slots_of(stay)
    staff = app.test_client().login_as(people["specialist"])
    refused = staff.post(f"{BASE}/stays/{stay.id}/act/arrive-early")
    with force_locale("ru"):
        assert refused.status_code == 422 and format_span(day, day + timedelta(days=1)) in text_of(refused)
    db.session.expire_all()
    assert stay.status == StayStatus.confirmed and stay.arrival == day + timedelta(days=4)
    assert slots_of(stay) == ledger


def test_did_not_come_is_offered_from_the_arrival_day(app, people, regions, hotel):
    stay = _confirmed(app, people, hotel, today(regions["belgorod"]), 3)
    staff = app.test_client().login_as(people["specialist"])
    assert _buttons(staff.get(f"{BASE}/stays/{stay.id}").get_data(as_text=True)) == {"check-in", "no-show"}
    assert staff.post(f"{BASE}/stays/{stay.id}/act/no-show").status_code == 302
    db.session.expire_all()
    assert stay.status == StayStatus.no_show and slots_of(stay) == []
