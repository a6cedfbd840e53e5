from __future__ import annotations

from datetime import timedelta

import pytest

from plugins.graduate_clubs import clubs as rules
from portal.app.extensions import db
from portal.models._time import utcnow


@pytest.fixture
def club(regions, people):
    """A Belgorod club at a college, run by the specialist with the volunteer as co-organizer."""
    belgorod = regions["belgorod"]
    found = rules.add_club(belgorod, "Клуб «Ориентир»", "Белгородский механико-технологический колледж",
                           belgorod.municipalities[0].id, "Встречи по пятницам",
                           [people["specialist"].id, people["volunteer"].id])
    db.session.commit()
    return found


@pytest.fixture
def soon():
    """Ten days ahead, on the minute (as a form gives it)."""
    return (utcnow() + timedelta(days=10)).replace(second=0, microsecond=0)


def add_event(club, starts, capacity=2, title="Чаепитие", **extra):
    """An event added a week before it starts, so past ones can be made too (new ones must be in the future)."""
    extra.setdefault("now", min(utcnow(), starts - timedelta(days=7)))
    event = rules.add_event(club, title, starts, starts + timedelta(hours=2), capacity,
                            place="Белгород, ул. Победы, 85", **extra)
    db.session.commit()
    return event


@pytest.fixture
def event(club, soon):
    return add_event(club, soon)
