from __future__ import annotations

import pytest

from plugins.mentorship.models import GraduateProfile, MentorProfile
from portal.app.extensions import db
from tests.helpers import make_user


def add_mentor(region, email, *, interests=("футбол",), areas=("housing",), capacity=1, gender="female",
               languages=("ru",), town=0, name=None):
    user = make_user(email, {region: ["mentor"]}, name=name)
    db.session.add(MentorProfile(user_id=user.id, region_id=region.id, interests=list(interests), areas=list(areas),
                                 capacity=capacity, gender=gender, languages=list(languages),
                                 municipality_id=region.municipalities[town].id, about="Помогаю с жильём"))
    db.session.commit()
    return user


def add_graduate(region, user=None, email=None, *, interests=("футбол",), areas=("housing",), prefers_gender=None,
                 languages=("ru",), town=0, wants=True):
    user = user or make_user(email, {region: ["graduate"]})
    db.session.add(GraduateProfile(user_id=user.id, region_id=region.id, interests=list(interests),
                                   areas=list(areas), prefers_gender=prefers_gender, languages=list(languages),
                                   municipality_id=region.municipalities[town].id, wants_mentor=wants,
                                   gender="female"))
    db.session.commit()
    return user


@pytest.fixture
def belgorod(regions):
    return regions["belgorod"]


@pytest.fixture
def pool(people, belgorod):
    """The Belgorod demo mentor (housing, football) and a second mentor (education, chess), one graduate waiting."""
    people["mentor"].name, people["graduate"].name = "Игорь Белов", "Анна Смирнова"
    add_graduate(belgorod, people["graduate"])
    db.session.add(MentorProfile(user_id=people["mentor"].id, region_id=belgorod.id, interests=["футбол", "кулинария"],
                                 areas=["housing", "finances"], capacity=1, gender="female", languages=["ru"],
                                 municipality_id=belgorod.municipalities[0].id, about="Юрист по жилью"))
    db.session.commit()
    other = add_mentor(belgorod, "other-mentor@belgorod.test", interests=("шахматы",), areas=("education",),
                       town=1, name="Другой Наставник")
    return {"graduate": people["graduate"], "mentor": people["mentor"], "other": other}


def agree(row, coordinator):
    """The graduate and the mentor accept, the coordinator approves: the pair is active."""
    from plugins.mentorship import pairs

    for side in ("graduate", "mentor"):
        pairs.answer(row, side, True)
    assert pairs.decide(row, True, "", coordinator)
    return row
