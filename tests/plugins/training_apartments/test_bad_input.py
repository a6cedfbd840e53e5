"""Bad input gets a clear message next to its field, the input is kept, and nothing is written."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plugins.training_apartments import programme, rules
from plugins.training_apartments.models import BudgetEntry, Practice, Stay, SummaryLine
from portal.app.extensions import db
from portal.kit import Refusal, today
from tests.helpers import form_errors
from tests.plugins.training_apartments.conftest import add_pupils, born_aged, make_institution, stay_now

BASE = "/belgorod/training_apartments"


def _stays() -> int:
    return db.session.scalar(select(func.count(Stay.id))) or 0


def _plan(client, apartment, pupils, arrival, departure):
    return client.post(f"{BASE}/apartments/{apartment.id}/stays/new", data={
        "pupils": [str(p.id) for p in pupils], "arrival": arrival.isoformat(), "departure": departure.isoformat()})


def test_overlapping_stays_for_one_pupil_are_refused(app, people, regions, home, apartment, pupil):
    other = rules.add_apartment(home, "Вторая квартира", 2)
    day = today(regions["belgorod"]) + timedelta(days=2)
    rules.plan_stays(apartment, [pupil], day, day + timedelta(days=7))
    db.session.commit()
    answer = _plan(app.test_client().login_as(people["specialist"]), other, [pupil], day + timedelta(days=6),
                   day + timedelta(days=10))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "даты пересекаются" in text
    assert (day + timedelta(days=6)).isoformat() in text  # the input is kept
    assert _stays() == 1


def test_a_stay_in_the_past_is_refused(app, people, regions, apartment, pupil):
    day = today(regions["belgorod"])
    answer = _plan(app.test_client().login_as(people["specialist"]), apartment, [pupil], day - timedelta(days=1),
                   day + timedelta(days=3))
    assert answer.status_code == 422 and "Проживание не может начаться в прошлом." in form_errors(
        answer.get_data(as_text=True))
    assert _stays() == 0


@pytest.mark.parametrize("arrival, departure, message", [
    (3, 3, "хотя бы на день позже начала"),
    (3, 1, "хотя бы на день позже начала"),
    (1, 40, "не больше 28 ночей"),
])
def test_dates_that_make_no_stay_are_refused(app, people, regions, apartment, pupil, arrival, departure, message):
    day = today(regions["belgorod"])
    answer = _plan(app.test_client().login_as(people["specialist"]), apartment, [pupil], day + timedelta(days=arrival),
                   day + timedelta(days=departure))
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert _stays() == 0


def test_more_pupils_than_places_are_refused(app, people, regions, home, apartment):
    pupils = add_pupils(home, regions["belgorod"], 3)
    day = today(regions["belgorod"]) + timedelta(days=1)
    answer = _plan(app.test_client().login_as(people["specialist"]), apartment, pupils, day, day + timedelta(days=5))
    assert answer.status_code == 422 and "В квартире мест: 2; выбрано воспитанников: 3." in answer.get_data(as_text=True)
    assert _stays() == 0


def test_no_free_place_on_some_night_is_refused_for_all(app, people, regions, home, apartment):
    first, second, third = add_pupils(home, regions["belgorod"], 3)
    day = today(regions["belgorod"]) + timedelta(days=1)
    rules.plan_stays(apartment, [first, second], day + timedelta(days=4), day + timedelta(days=6))
    db.session.commit()
    answer = _plan(app.test_client().login_as(people["specialist"]), apartment, [third], day, day + timedelta(days=5))
    assert answer.status_code == 422 and "Все места квартиры заняты" in answer.get_data(as_text=True)
    assert _stays() == 2


@pytest.mark.parametrize("years, allowed", [(13, False), (14, True), (18, True), (19, False)])
def test_a_pupil_younger_or_older_than_the_region_allows_is_refused(app, people, regions, home, apartment, years,
                                                                     allowed):
    belgorod = regions["belgorod"]
    pupil = rules.add_pupil(home, "Денис Громов", born_aged(belgorod, years, days_more=10))
    db.session.commit()
    day = today(belgorod) + timedelta(days=1)
    answer = _plan(app.test_client().login_as(people["specialist"]), apartment, [pupil], day, day + timedelta(days=5))
    if allowed:
        assert answer.status_code == 302
    else:
        assert answer.status_code == 422 and "проживание — для воспитанников от 14 до 18 лет" in answer.get_data(
            as_text=True)
    assert _stays() == (1 if allowed else 0)


def test_the_age_bounds_are_the_regions_setting(app, people, regions, home, apartment):
    belgorod = regions["belgorod"]
    rules.save_settings(belgorod, 15, 17, 28)
    pupil = rules.add_pupil(home, "Ева Королёва", born_aged(belgorod, 14, days_more=10))
    db.session.commit()
    day = today(belgorod) + timedelta(days=1)
    answer = _plan(app.test_client().login_as(people["specialist"]), apartment, [pupil], day, day + timedelta(days=3))
    assert answer.status_code == 422 and "от 15 до 17 лет" in answer.get_data(as_text=True)


def test_a_pupil_of_another_institution_cannot_stay_in_the_apartment(app, people, regions, home, other_home,
                                                                      apartment):
    stranger, = add_pupils(other_home, regions["belgorod"], 1)
    day = today(regions["belgorod"]) + timedelta(days=1)
    answer = _plan(app.test_client().login_as(people["specialist"]), apartment, [stranger], day,
                   day + timedelta(days=3))
    assert answer.status_code == 422 and "только её воспитанники" in answer.get_data(as_text=True)
    assert _stays() == 0


def test_a_level_or_skill_not_in_the_programme_is_refused(app, people, regions, apartment, pupil):
    belgorod, smolensk = regions["belgorod"], regions["smolensk"]
    stay = stay_now(apartment, pupil)
    smolensk_home = make_institution(smolensk, "Вяземский детский дом")
    rules.add_apartment(smolensk_home, "Смоленская квартира", 2)  # writes Smolensk's programme
    db.session.commit()
    skill, level = programme.areas(belgorod)[0].skills[0], programme.levels(belgorod)[1]
    foreign_level, foreign_skill = programme.levels(smolensk)[1], programme.areas(smolensk)[0].skills[0]
    client = app.test_client().login_as(people["specialist"])
    day = today(belgorod).isoformat()
    for data, message in (
        ({"skill": str(skill.id), "level": str(foreign_level.id)}, "Такого уровня нет в программе региона"),
        ({"skill": str(skill.id), "level": "987654"}, "Такого уровня нет в программе региона"),
        ({"skill": str(skill.id), "level": "две"}, "Такого уровня нет в программе региона"),
        ({"skill": str(foreign_skill.id), "level": str(level.id)}, "Такого навыка нет в программе региона"),
    ):
        answer = client.post(f"{BASE}/stays/{stay.id}/practice", headers={"HX-Request": "true"},
                             data={"day": day, "note": "Сварил суп", **data})
        text = answer.get_data(as_text=True)
        assert answer.status_code == 422 and message in text and "Сварил суп" in text, data
    assert db.session.scalar(select(func.count(Practice.id))) == 0
    scale = programme.levels(belgorod)
    lines = {a.id: {"start": scale[0].id, "end": foreign_level.id} for a in programme.areas(belgorod)}
    with pytest.raises(Refusal):
        rules.close(stay, lines, people["specialist"])
    db.session.rollback()
    data = {}
    for area in programme.areas(belgorod):
        data[f"start_{area.id}"], data[f"end_{area.id}"] = str(scale[0].id), str(foreign_level.id)
    answer = client.post(f"{BASE}/stays/{stay.id}/close", data=data)
    assert answer.status_code == 422 and "Такого уровня нет в программе региона" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SummaryLine.id))) == 0


@pytest.mark.parametrize("field, value, message", [
    ("day", "вчера", "Это не дата"),
    ("day", "2026-02-30", "Это не дата"),
    ("amount", "0", "Укажите сумму больше нуля."),
    ("amount", "сто", "Укажите сумму больше нуля."),
    ("what", "a\x00b", "символ, который нельзя набрать"),
])
def test_a_budget_line_that_makes_no_sense_is_refused_next_to_its_field(app, people, regions, apartment, pupil, field,
                                                                       value, message):
    stay = stay_now(apartment, pupil)
    data = {"day": today(regions["belgorod"]).isoformat(), "kind": "spent", "amount": "300", "what": "Хлеб"}
    data[field] = value
    answer = app.test_client().login_as(people["specialist"]).post(f"{BASE}/stays/{stay.id}/budget", data=data)
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BudgetEntry.id))) == 0


def test_practice_outside_the_stay_or_after_it_is_refused(app, people, regions, apartment, pupil):
    belgorod = regions["belgorod"]
    stay = stay_now(apartment, pupil, days_ago=1, nights=5)
    skill, level = programme.areas(belgorod)[0].skills[0], programme.levels(belgorod)[1]
    client = app.test_client().login_as(people["specialist"])
    for day, message in ((stay.arrival - timedelta(days=1), "Укажите день проживания"),
                         (today(belgorod) + timedelta(days=1), "Этот день ещё не наступил.")):
        answer = client.post(f"{BASE}/stays/{stay.id}/practice", data={
            "day": day.isoformat(), "skill": str(skill.id), "level": str(level.id)})
        assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    rules.cancel(stay)
    db.session.commit()
    answer = client.post(f"{BASE}/stays/{stay.id}/practice", data={
        "day": today(belgorod).isoformat(), "skill": str(skill.id), "level": str(level.id)})
    assert answer.status_code == 422 and "записывать в него больше нельзя" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Practice.id))) == 0


def test_places_and_pupil_fields_out_of_range_keep_the_input(app, people, home):
    client = app.test_client().login_as(people["specialist"])
    answer = client.post(f"{BASE}/institutions/{home.id}/apartments/new", data={"name": "Квартира", "places": "40"})
    assert answer.status_code == 422 and "от 1 до 12 мест" in answer.get_data(as_text=True)
    answer = client.post(f"{BASE}/institutions/{home.id}/pupils", data={"name": "Никита Фомин", "birth_date": "0001-01-01"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Никита Фомин" in text
    answer = client.post(f"{BASE}/institutions/{home.id}/pupils", data={"name": "Никита\x00Фомин",
                                                                       "birth_date": "2010-05-05"})
    assert answer.status_code == 422 and "нельзя набрать" in answer.get_data(as_text=True)
