"""Training apartments: set up, plan, practise, keep the budget, close with a summary the pupil sees."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import func, select

from plugins.training_apartments import programme, rules
from plugins.training_apartments.models import (Apartment, BudgetEntry, Practice, Pupil, SelfRating, Stay,
                                                StayStatus, SummaryLine)
from portal.accounts.people import erase_person, export_person
from portal.app.extensions import db
from portal.kit import graduate_needs, today
from portal.models import AuditEvent, ClaimedSlot, Notification, Role, User
from tests.helpers import make_user
from tests.plugins.training_apartments.conftest import add_pupils, stay_now

BASE = "/belgorod/training_apartments"


def _actions() -> set[str]:
    return {a for (a,) in db.session.execute(select(AuditEvent.action))}


def _nights_held(apartment) -> int:
    return db.session.scalar(select(func.count(ClaimedSlot.id)).where(
        ClaimedSlot.unit_id.in_([u.id for u in apartment.resource.units]))) or 0


def _levels(region):
    return programme.levels(region)


def _summary_form(stay, region, end_rank: int = 3, weak_area=None) -> dict:
    scale = _levels(region)
    data = {}
    for area in programme.areas(region):
        data[f"start_{area.id}"] = str(scale[0].id)
        data[f"end_{area.id}"] = str(scale[1 if area.id == weak_area else end_rank].id)
        data[f"strengths_{area.id}"] = "Старается"
        data[f"next_{area.id}"] = "Закрепить"
    return data


def test_a_specialist_sets_up_an_apartment_and_plans_a_stay_for_two(app, people, regions, home):
    belgorod = regions["belgorod"]
    specialist = app.test_client().login_as(people["specialist"])
    assert home.name in specialist.get(f"{BASE}/").get_data(as_text=True)
    answer = specialist.post(f"{BASE}/institutions/{home.id}/apartments/new",
                             data={"name": "Квартира на Губкина", "places": "3", "address": "ул. Губкина, 19",
                                   "house_rules": "Отбой в 22:30", "equipment": "Плита, холодильник"})
    assert answer.status_code == 302
    apartment = db.session.scalar(select(Apartment).where(Apartment.name == "Квартира на Губкина"))
    assert len([u for u in apartment.resource.units if u.active]) == 3
    assert len(_levels(belgorod)) == 4 and len(programme.areas(belgorod)) == 7  # the default programme

    first, second = add_pupils(home, belgorod, 2)
    arrival = today(belgorod) + timedelta(days=3)
    answer = specialist.post(f"{BASE}/apartments/{apartment.id}/stays/new", data={
        "pupils": [str(first.id), str(second.id)], "arrival": arrival.isoformat(),
        "departure": (arrival + timedelta(days=7)).isoformat()})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    stays = db.session.scalars(select(Stay).where(Stay.apartment_id == apartment.id)).all()
    assert sorted(s.pupil_id for s in stays) == sorted([first.id, second.id])
    assert all(s.status == StayStatus.planned for s in stays) and _nights_held(apartment) == 14

    page = specialist.get(f"{BASE}/apartments/{apartment.id}?start={arrival.isoformat()}&span=week")
    assert page.status_code == 200 and "Воспитанник" in page.get_data(as_text=True)
    partial = specialist.get(f"{BASE}/apartments/{apartment.id}?start={arrival.isoformat()}&span=month",
                             headers={"HX-Request": "true", "HX-Target": "schedule"}).get_data(as_text=True)
    assert "<html" not in partial and partial.count('class="taken') == 14
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "training_apartments.schedule.viewed")
                                .order_by(AuditEvent.id)).all()
    assert viewed and viewed[-1].details["pupils"] == sorted([first.id, second.id])
    assert {"training_apartments.apartment.created", "training_apartments.stay.planned"} <= _actions()


def test_a_day_of_practice_the_budget_and_a_summary_the_pupil_sees(app, people, regions, home, apartment, pupil):
    belgorod = regions["belgorod"]
    young = make_user("kirill@belgorod.test", name="Кирилл Зайцев")
    specialist = app.test_client().login_as(people["specialist"])
    assert specialist.post(f"{BASE}/pupils/{pupil.id}/account", data={"email": "KIRILL@belgorod.test"}).status_code == 302
    db.session.expire_all()
    assert young.has_role(belgorod, Role.pupil) and db.session.get(Pupil, pupil.id).user_id == young.id
    stay = stay_now(apartment, db.session.get(Pupil, pupil.id))
    area = programme.areas(belgorod)[1]
    skill, level = area.skills[0], _levels(belgorod)[2]
    day = today(belgorod)

    answer = specialist.post(f"{BASE}/stays/{stay.id}/practice", headers={"HX-Request": "true"}, data={
        "day": day.isoformat(), "skill": str(skill.id), "level": str(level.id), "note": "Посчитал сдачу сам"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in text and "Посчитал сдачу сам" in text and "Записано." in text
    assert db.session.scalar(select(func.count(Practice.id))) == 1
    for kind, amount, what in (("given", "1500", "На неделю"), ("spent", "620", "Продукты")):
        answer = specialist.post(f"{BASE}/stays/{stay.id}/budget", data={
            "day": day.isoformat(), "kind": kind, "amount": amount, "what": what})
        assert answer.status_code == 302
    page = specialist.get(f"{BASE}/stays/{stay.id}").get_data(as_text=True)
    assert "880" in page and "Продукты" in page  # what is left

    form = specialist.get(f"{BASE}/stays/{stay.id}/close").get_data(as_text=True)
    assert f'<option selected value="{level.id}">' in form  # the area starts where the practice was
    answer = specialist.post(f"{BASE}/stays/{stay.id}/close", data=_summary_form(stay, belgorod))
    assert answer.status_code == 302
    db.session.expire_all()
    stay = db.session.get(Stay, stay.id)
    assert stay.status == StayStatus.closed and stay.signed_by_id == people["specialist"].id
    assert stay.departure == day and _nights_held(apartment) == 2  # leaving early frees the nights not stayed
    assert db.session.scalar(select(func.count(SummaryLine.id))) == 7
    assert {"training_apartments.stay.close", "training_apartments.practice.recorded",
            "training_apartments.budget.recorded", "training_apartments.pupil.linked", "role.granted"} <= _actions()
    told = db.session.scalars(select(Notification.message).where(Notification.user_id == young.id)).all()
    assert len(told) == 2  # linked, summary ready

    mine = app.test_client().login_as(young).get(f"{BASE}/my").get_data(as_text=True)
    assert "Квартира «Гармония»" in mine and "Заключение о проживании" in mine and "Старается" in mine
    assert "Закрепить" in mine and "завершено" in mine


def test_a_pupil_rates_themself_with_htmx_and_only_on_the_scale(app, people, regions, home, pupil):
    belgorod = regions["belgorod"]
    young = make_user("pupil@belgorod.test", {belgorod: ["pupil"]})
    pupil.user_id = young.id
    programme.ensure_programme(belgorod)
    db.session.commit()
    skill, level = programme.areas(belgorod)[0].skills[0], _levels(belgorod)[3]
    client = app.test_client().login_as(young)
    assert client.get(f"{BASE}/").status_code == 302  # a pupil's start page is their own
    answer = client.post(f"{BASE}/my/{pupil.id}/ratings", headers={"HX-Request": "true"},
                         data={"skill": str(skill.id), "level": str(level.id)})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and f'rating-{pupil.id}-{skill.id}' in text and "сохранено" in text
    assert db.session.scalar(select(SelfRating.level_id)) == level.id
    answer = client.post(f"{BASE}/my/{pupil.id}/ratings", headers={"HX-Request": "true"},
                         data={"skill": str(skill.id), "level": "987654"})
    assert answer.status_code == 422 and "Такого уровня нет в программе региона" in answer.get_data(as_text=True)
    assert db.session.scalar(select(SelfRating.level_id)) == level.id
    page = app.test_client().login_as(people["specialist"]).get(f"{BASE}/pupils/{pupil.id}").get_data(as_text=True)
    assert "самостоятельно" in page  # the pupil's own rating, on their record


def test_weak_areas_of_the_last_summary_follow_the_graduate(app, people, regions, home, apartment, pupil):
    belgorod = regions["belgorod"]
    person = make_user("leaver@belgorod.test", {belgorod: ["pupil", "graduate"]})
    pupil.user_id = person.id
    db.session.commit()
    stay = stay_now(apartment, pupil)
    budget = next(a for a in programme.areas(belgorod) if a.key == "budget")
    lines = {area.id: {"start": _levels(belgorod)[0].id, "end": _levels(belgorod)[1 if area.id == budget.id else 3].id}
             for area in programme.areas(belgorod)}
    rules.close(stay, lines, people["specialist"])
    db.session.commit()
    assert graduate_needs(person, belgorod) == ["finances"]
    assert graduate_needs(person, regions["smolensk"]) == []


def test_a_pupils_data_is_exported_and_erased_with_the_account(app, people, regions, home, apartment, pupil):
    belgorod = regions["belgorod"]
    person = make_user("erase@belgorod.test", {belgorod: ["pupil"]})
    pupil.user_id = person.id
    db.session.commit()
    stay = stay_now(apartment, pupil)
    area = programme.areas(belgorod)[0]
    rules.record_practice(stay, today(belgorod), area.skills[0].id, _levels(belgorod)[1].id, "Суп")
    rules.record_budget(stay, today(belgorod), rules.BudgetKind.given, 500, "На продукты")
    db.session.commit()
    data = export_person(person)["plugins"]["training_apartments"]["pupil_records"]
    assert data[0]["name"] == "Кирилл Зайцев" and data[0]["stays"][0]["practice"][0]["note"] == "Суп"
    assert data[0]["stays"][0]["budget"][0]["left"] == 500
    erase_person(person)
    assert db.session.scalar(select(func.count(Pupil.id))) == 0
    assert db.session.scalar(select(func.count(Stay.id))) == 0
    assert db.session.scalar(select(func.count(BudgetEntry.id))) == 0 and _nights_held(apartment) == 0


def test_monitoring_compares_first_and_last_stays_per_institution(app, people, regions, home, other_home, apartment):
    belgorod = regions["belgorod"]
    scale, areas = _levels(belgorod), programme.areas(belgorod)
    first, second = add_pupils(home, belgorod, 2)
    day = today(belgorod)
    for number, (pupil, end) in enumerate(((first, 2), (second, 3))):
        arrival = day - timedelta(days=20 + number)
        stay, = rules.plan_stays(apartment, [pupil], arrival, arrival + timedelta(days=7), on=arrival)
        rules.close(stay, {a.id: {"start": scale[0].id, "end": scale[end].id} for a in areas}, people["specialist"],
                    on=arrival + timedelta(days=7))
    db.session.commit()
    coordinator = app.test_client().login_as(people["coordinator"])
    page = coordinator.get(f"{BASE}/monitoring?year={day.year}").get_data(as_text=True)
    assert "Прошли обучение: 2" in page and "+2.5" in page and other_home.name in page and "<svg" in page
    export = coordinator.get(f"{BASE}/monitoring.csv?year={day.year}")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    mine = [r for r in rows[1:] if r[0] == home.name]
    assert len(mine) == 7 and mine[0][1:] == ["2", "Питание и приготовление еды", "0.0", "2.5", "2.5"]
    # A specialist sees the institutions they are named to, not the others.
    page = app.test_client().login_as(people["specialist"]).get(f"{BASE}/monitoring?year={day.year}")
    assert home.name in page.get_data(as_text=True) and other_home.name not in page.get_data(as_text=True)


def test_an_apartment_cannot_have_fewer_places_than_are_held(app, people, regions, home, apartment):
    belgorod = regions["belgorod"]
    pupils = add_pupils(home, belgorod, 2)
    arrival = today(belgorod) + timedelta(days=1)
    rules.plan_stays(apartment, pupils, arrival, arrival + timedelta(days=5))
    db.session.commit()
    specialist = app.test_client().login_as(people["specialist"])
    fields = {"name": apartment.name, "address": apartment.address, "house_rules": "", "equipment": ""}
    answer = specialist.post(f"{BASE}/apartments/{apartment.id}", data={**fields, "places": "1"})
    assert answer.status_code == 422 and "меньше сделать нельзя" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Apartment, apartment.id).places == 2
    assert specialist.post(f"{BASE}/apartments/{apartment.id}", data={**fields, "places": "4"}).status_code == 302
    db.session.expire_all()
    assert len([u for u in db.session.get(Apartment, apartment.id).resource.units if u.active]) == 4


def test_the_coordinator_edits_the_programme_and_the_settings(app, people, regions, apartment):
    belgorod = regions["belgorod"]
    coordinator = app.test_client().login_as(people["coordinator"])
    area = programme.areas(belgorod)[0]
    assert coordinator.post(f"{BASE}/programme/area/{area.id}/name", data={"name": "Кухня"}).status_code == 302
    assert coordinator.post(f"{BASE}/programme/areas/{area.id}/skills", data={"name": "Испечь пирог"}).status_code == 302
    assert coordinator.post(f"{BASE}/programme/levels", data={"name": "учу других"}).status_code == 302
    skill = area.skills[0]
    assert coordinator.post(f"{BASE}/programme/skills/{skill.id}/toggle").status_code == 302
    assert coordinator.post(f"{BASE}/programme/areas", data={"name": "Досуг", "support_area": "leisure"}).status_code == 302
    db.session.expire_all()
    page = coordinator.get(f"{BASE}/programme").get_data(as_text=True)
    assert "Кухня" in page and "Испечь пирог" in page and "учу других" in page and "Досуг" in page
    assert db.session.get(type(skill), skill.id).active is False
    english = app.test_client().login_as(make_user("en@belgorod.test", {belgorod: ["coordinator"]}, locale="en"))
    english.post("/language", data={"language": "en", "next": "/"})
    assert "Money and budget" in english.get(f"{BASE}/programme").get_data(as_text=True)  # defaults in both
    specialist = app.test_client().login_as(people["specialist"])
    assert specialist.post(f"{BASE}/programme/levels", data={"name": "ещё"}).status_code == 403
    answer = coordinator.post(f"{BASE}/settings", data={"min_age": "16", "max_age": "15", "max_nights": "28"})
    assert answer.status_code == 422 and "Наименьший возраст не может быть больше" in answer.get_data(as_text=True)
    assert coordinator.post(f"{BASE}/settings", data={"min_age": "15", "max_age": "17",
                                                      "max_nights": "21"}).status_code == 302
    assert rules.settings_for(belgorod).max_nights == 21
    assert "training_apartments.programme.changed" in _actions()


def test_the_demo_has_six_smolensk_institutions_and_two_in_belgorod_once(app_context, demo):
    from portal.accounts.demo import load_demo
    from portal.models import Institution, Region

    load_demo()  # a second run (the fixture wrote the first one's rows) adds nothing
    for code, institutions, pupils in (("smolensk", 6, 13), ("belgorod", 2, 4)):
        region = db.session.scalar(select(Region).where(Region.code == code))
        # other plugins' demos add institutions of their own (festival groups come from some): count those
        # that run training apartments
        every = db.session.scalars(select(Institution).where(Institution.region_id == region.id)).all()
        homes = [h for h in every if rules.apartments_of([h])]
        assert len(homes) == institutions
        assert len(rules.apartments_of(homes)) == institutions
        assert db.session.scalar(select(func.count(Pupil.id)).where(
            Pupil.institution_id.in_([h.id for h in homes]))) == pupils
        closed = db.session.scalar(select(func.count(Stay.id)).join(Pupil).where(
            Pupil.institution_id.in_([h.id for h in homes]), Stay.status == StayStatus.closed))
        assert closed >= pupils - 1
        under_way = rules.count_under_way(homes, today(region))
        assert under_way == (1 if code == "smolensk" else 0)
    young = db.session.scalar(select(User).where(User.email == "pupil@smolensk.demo"))
    smolensk = db.session.scalar(select(Region).where(Region.code == "smolensk"))
    assert young.has_role(smolensk, Role.pupil) and rules.my_pupils(young, smolensk)


def test_the_dashboard_counts_the_stays_under_way(app, people, regions, apartment, pupil):
    stay_now(apartment, pupil)
    page = app.test_client().login_as(people["specialist"]).get("/belgorod/").get_data(as_text=True)
    assert "Проживаний сегодня: 1" in page and "Тренировочные квартиры" in page


def test_the_summary_stays_with_the_pupil_once_a_graduate(app, people, regions, home, apartment, pupil):
    """Out of care, the role pupil ends and the role graduate begins: their summaries are still theirs to read."""
    belgorod = regions["belgorod"]
    person = make_user("left@belgorod.test", {belgorod: ["graduate"]})
    pupil.user_id = person.id
    db.session.commit()
    stay = stay_now(apartment, pupil)
    scale = _levels(belgorod)
    rules.close(stay, {a.id: {"start": scale[0].id, "end": scale[2].id, "strengths": "Готовит сам"}
                       for a in programme.areas(belgorod)}, people["specialist"])
    db.session.commit()
    client = app.test_client().login_as(person)
    assert "Тренировочные квартиры" in client.get("/belgorod/").get_data(as_text=True)  # the card
    page = client.get(f"{BASE}/my").get_data(as_text=True)
    assert "Заключение о проживании" in page and "Готовит сам" in page
    other = app.test_client().login_as(people["graduate"])  # a graduate with no record of their own
    assert "Кирилл Зайцев" not in other.get(f"{BASE}/my").get_data(as_text=True)
