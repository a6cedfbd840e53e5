from __future__ import annotations

from datetime import date, timedelta

import pytest

from plugins.social_hotel import stays as rules
from plugins.social_hotel.models import Room
from portal.app.extensions import db


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
