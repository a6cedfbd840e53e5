"""A NUL (or another control character) in a form field gets a message next to the field, never a 500."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import func, select

from plugins.social_hotel.models import Hotel, Room, Stay, StayStatus
from portal.app.extensions import db
from tests.helpers import form_errors
from tests.plugins.social_hotel.conftest import BASE, requested

NUL = "a\x00b"


def _untypable() -> str:
    """The kit's message about a character no one types, as a Russian reader sees it."""
    from portal.web.forms import UNTYPABLE

    with force_locale("ru"):
        return str(UNTYPABLE)


def _error_of(response, field_id: str) -> str:
    """The message shown next to the field."""
    found = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    return html.unescape(found.group(1)) if found else ""


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_nul_in_the_hotel_name(app, people, regions):
    staff = app.test_client().login_as(people["specialist"])
    response = staff.post(f"{BASE}/hotels", data={"name": NUL, "address": "Губкин"})
    assert response.status_code == 422 and _untypable() in _error_of(response, "name")
    assert _count(Hotel) == 0


def test_a_nul_in_the_beds_of_a_room(app, people, hotel):
    staff = app.test_client().login_as(people["specialist"])
    rooms = _count(Room)
    response = staff.post(f"{BASE}/hotels/{hotel.id}", data={"room-name": "C", "room-beds": NUL, "room-submit": "y"})
    assert response.status_code == 422 and _untypable() in _error_of(response, "room-beds")
    assert _count(Room) == rooms


def test_a_nul_in_the_reason_of_a_request(app, people, hotel, soon):
    graduate = app.test_client().login_as(people["graduate"])
    response = graduate.post(f"{BASE}/request", data={"hotel": hotel.id, "arrival": soon.isoformat(),
                                                      "departure": (soon + timedelta(days=2)).isoformat(),
                                                      "reason": NUL})
    assert response.status_code == 422 and _untypable() in _error_of(response, "reason")
    assert _count(Stay) == 0


def test_a_nul_in_the_reason_of_a_refusal(app, people, hotel, soon):
    stay = requested(hotel, people["graduate"], soon, 3)
    staff = app.test_client().login_as(people["specialist"])
    response = staff.post(f"{BASE}/stays/{stay.id}/act/reject", data={"reason": NUL})
    assert response.status_code == 422 and _untypable() in _error_of(response, "reason")
    assert len(form_errors(response.get_data(as_text=True))) == 1
    db.session.expire_all()
    assert stay.status == StayStatus.requested and stay.decision_reason == ""
