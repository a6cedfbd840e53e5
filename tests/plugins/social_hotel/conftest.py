from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from plugins.social_hotel import stays as rules
from plugins.social_hotel.models import Bed, Room, Stay
from portal.app.extensions import db
from portal.models import ClaimedSlot

BASE = "/belgorod/social_hotel"


@pytest.fixture
def hotel(regions):
    """A Belgorod hotel: room A with two beds (one on the ground floor), room B with one."""
    found = rules.add_hotel(regions["belgorod"], "Гостиница", "Белгород, ул. Победы, 85")
    room_a, room_b = Room(hotel=found, name="A"), Room(hotel=found, name="B")
    db.session.add_all([room_a, room_b])
    rules.add_bed(room_a, "1", "первый этаж")
    rules.add_bed(room_a, "2")
    rules.add_bed(room_b, "1")
    db.session.commit()
    return found


@pytest.fixture
def soon():
    return date.today() + timedelta(days=10)


def signed_in(app, person):
    """A browser of ``person``, signed in, with its form token: all a thread then does is press the button."""
    web = app.test_client()
    web.login_as(person)
    return web, web.csrf_token()


def bed_ids(hotel) -> list[int]:
    return list(db.session.scalars(select(Bed.id).join(Room).where(Room.hotel_id == hotel.id).order_by(Bed.id)))


def requested(hotel, graduate, arrival: date, nights: int, reason: str = "Выселили из общежития") -> Stay:
    """A request as a graduate leaves it (the form's own checks are tested elsewhere)."""
    stay = Stay(hotel=hotel, graduate_id=graduate.id, arrival=arrival, departure=arrival + timedelta(days=nights),
                reason=reason)
    db.session.add(stay)
    db.session.commit()
    return stay


def confirm(app, staff, stay: Stay, bed_id: int) -> None:
    web = app.test_client().login_as(staff)
    response = web.post(f"{BASE}/stays/{stay.id}/act/confirm", data={"bed": bed_id})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()


def slots_of(stay: Stay) -> list[tuple[int, date]]:
    """The ledger rows of the stay's claim: (unit, night)."""
    return [(unit, date.fromordinal(slot)) for unit, slot in db.session.execute(
        select(ClaimedSlot.unit_id, ClaimedSlot.slot).where(ClaimedSlot.claim_id == stay.claim_id)
        .order_by(ClaimedSlot.slot))]


def moved_on_words() -> str:
    """The start of the kit's "this has just changed" refusal, as a Russian reader sees it."""
    from portal.services.transitions import MOVED_ON

    with force_locale("ru"):
        return str(MOVED_ON).split("«")[0].strip()


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))
