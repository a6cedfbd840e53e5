from __future__ import annotations

from datetime import date, timedelta

import pytest

from plugins.training_apartments import rules
from portal.app.extensions import db
from portal.kit import today
from portal.models import Institution, InstitutionStaff
from tests.helpers import make_user


def make_institution(region, name, *staff):
    found = Institution(region_id=region.id, name=name)
    db.session.add(found)
    db.session.flush()
    for user in staff:
        db.session.add(InstitutionStaff(institution_id=found.id, user_id=user.id))
    db.session.commit()
    return found


def born_aged(region, years: int, days_more: int = 30) -> date:
    """A birth date that makes the pupil ``years`` old today (and some days)."""
    day = today(region)
    return date(day.year - years, day.month, min(day.day, 28)) - timedelta(days=days_more)


@pytest.fixture
def home(regions, people):
    """A Belgorod children's home with the Belgorod specialist named to it."""
    return make_institution(regions["belgorod"], "Детский дом «Гармония»", people["specialist"])


@pytest.fixture
def other_home(regions):
    """Another Belgorod institution, with a specialist of its own."""
    stranger = make_user("other-specialist@belgorod.test", {regions["belgorod"]: ["specialist"]})
    return make_institution(regions["belgorod"], "Старооскольский детский дом", stranger)


@pytest.fixture
def apartment(home):
    found = rules.add_apartment(home, "Квартира «Гармония»", 2, "Белгород, ул. Губкина, 19", "Отбой в 22:30",
                                "Кухня, стиральная машина")
    db.session.commit()
    return found


@pytest.fixture
def pupil(home, regions):
    found = rules.add_pupil(home, "Кирилл Зайцев", born_aged(regions["belgorod"], 15), "9-А")
    db.session.commit()
    return found


def add_pupils(institution, region, count: int, years: int = 15):
    made = [rules.add_pupil(institution, f"Воспитанник {i}", born_aged(region, years), "8-Б") for i in range(count)]
    db.session.commit()
    return made


def stay_now(apartment, pupil, days_ago: int = 2, nights: int = 10):
    """A stay under way: planned as if from its first day."""
    day = today(apartment.institution.region)
    arrival = day - timedelta(days=days_ago)
    stay, = rules.plan_stays(apartment, [pupil], arrival, arrival + timedelta(days=nights), on=arrival)
    db.session.commit()
    return stay
