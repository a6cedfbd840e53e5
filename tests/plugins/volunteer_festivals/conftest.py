from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from plugins.volunteer_festivals import festivals as rules
from plugins.volunteer_festivals import shifts
from portal.app.extensions import db
from portal.models._time import utcnow
from tests.helpers import make_user


@pytest.fixture
def festival(regions, people):
    """A Belgorod festival in ten days, run by the specialist, with one nomination and open registration."""
    belgorod = regions["belgorod"]
    day = (utcnow() + timedelta(days=10)).date()
    found = rules.add_festival(belgorod, "Кто, если не мы?!", day, day + timedelta(days=1), "Фестиваль групп",
                               [people["specialist"].id])
    rules.add_venue(found, "Дворец молодёжи", "Белгород, ул. Победы, 1")
    rules.add_nomination(found, "Социальный проект", [("Значимость", 10), ("Команда", 5)])
    found.status = rules.FestivalStatus.open
    db.session.commit()
    return found


@pytest.fixture
def role(festival):
    found = shifts.add_role(festival, "Фотограф", "Снимает площадку", ["фотография"], ["фотосъёмка"], min_age=16)
    db.session.commit()
    return found


def at(festival, hour: int, day: int = 0) -> datetime:
    """A UTC moment on the festival's day (naive UTC, the hour as given)."""
    first = festival.first_day + timedelta(days=day)
    return datetime(first.year, first.month, first.day, hour, 0)


def add_shift(role, start_hour: int, hours: int = 3, capacity: int = 2, day: int = 0, **extra):
    found = shifts.add_shift(role, at(role.festival, start_hour, day), at(role.festival, start_hour + hours, day),
                             capacity, place="Главная сцена", **extra)
    db.session.commit()
    return found


@pytest.fixture
def shift(role):
    return add_shift(role, 9)


def volunteer(regions, name: str, born: date | None = date(2000, 5, 1), **profile):
    """An active volunteer of Belgorod with a profile."""
    person = make_user(f"{name}@belgorod.test", {regions["belgorod"]: ["volunteer"]}, name=name.title())
    shifts.save_profile(person, regions["belgorod"], profile.get("interests", ["фотография"]),
                        profile.get("skills", ["фотосъёмка"]), born, profile.get("free", []))
    db.session.commit()
    return person
