"""Demo apartments: Smolensk's six institutions (up from four) and two in Belgorod, pupils with past stays.

Each institution of the region gets one apartment; a dozen Smolensk pupils have stays of past
months with their practice, budget diary and signed-off summary, and one stay is under way
today, that of the demo pupil who signs in (pupil@smolensk.demo). Loading twice adds nothing.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from plugins.training_apartments import programme, rules
from plugins.training_apartments.models import Apartment, BudgetKind, Pupil
from portal.kit import Institution, InstitutionKind, InstitutionStaff, db, demo_member, grant_role, to_utc, today

# name, kind, municipality, address, apartment (name, places, address)
INSTITUTIONS = {
    "smolensk": [
        ("Детский дом «Радуга»", InstitutionKind.children_home, "Смоленск", "Смоленск, ул. Кирова, 12",
         ("Квартира на Кирова", 3, "Смоленск, ул. Кирова, 12, кв. 4")),
        ("Смоленская школа-интернат № 2", InstitutionKind.boarding_school, "Смоленск", "Смоленск, ул. Шевченко, 79",
         ("Квартира «Первый шаг»", 2, "Смоленск, ул. Шевченко, 79, корпус 2")),
        ("Вяземский детский дом", InstitutionKind.children_home, "Вязьма", "Вязьма, ул. Ленина, 40",
         ("Квартира на Ленина", 2, "Вязьма, ул. Ленина, 40, кв. 1")),
        ("Рославльская школа-интернат", InstitutionKind.boarding_school, "Рославль", "Рославль, ул. Мичурина, 5",
         ("Квартира «Свой угол»", 3, "Рославль, ул. Мичурина, 5, флигель")),
        ("Ярцевский центр содействия семейному воспитанию", InstitutionKind.family_centre, "Ярцево",
         "Ярцево, ул. Советская, 28", ("Квартира на Советской", 2, "Ярцево, ул. Советская, 28, кв. 3")),
        ("Сафоновский детский дом «Надежда»", InstitutionKind.children_home, "Сафоново", "Сафоново, ул. Октябрьская, 17",
         ("Квартира «Надежда»", 2, "Сафоново, ул. Октябрьская, 17, кв. 2")),
    ],
    "belgorod": [
        ("Центр содействия семейному воспитанию «Гармония»", InstitutionKind.family_centre, "Белгород",
         "Белгород, ул. Губкина, 19", ("Квартира «Гармония»", 3, "Белгород, ул. Губкина, 19, кв. 7")),
        ("Старооскольский детский дом", InstitutionKind.children_home, "Старый Оскол", "Старый Оскол, мкр. Солнечный, 4",
         ("Квартира на Солнечном", 2, "Старый Оскол, мкр. Солнечный, 4, кв. 12")),
    ],
}
PUPILS = ["Кирилл Зайцев", "Алина Павлова", "Денис Громов", "Вероника Егорова", "Никита Фомин", "Милана Киселёва",
          "Роман Беляев", "Ульяна Маслова", "Глеб Тихонов", "Ева Королёва", "Ярослав Панов", "Полина Гусева"]
NOTES = ["Сварил суп сам, по рецепту", "Посчитала сдачу без подсказки", "Забыл убрать продукты в холодильник",
         "Записалась к врачу через Госуслуги", "Постирал и развесил бельё", "Составил список покупок на три дня"]
HOUSE_RULES = "Отбой в 22:30. Гости — по согласованию со специалистом. Уборка по графику, продукты — по списку."
EQUIPMENT = "Кухня с плитой и холодильником, стиральная машина, утюг, две кровати, письменный стол."


def _institution(region, name, kind, town, address) -> Institution:
    found = db.session.scalar(select(Institution).where(Institution.region_id == region.id, Institution.name == name))
    if found is None:
        places = {m.name: m for m in region.municipalities}
        found = Institution(region_id=region.id, name=name, kind=kind, address=address,
                            municipality_id=places[town].id if town in places else None,
                            contact="Дежурный специалист: +7 (4812) 00-00-00")
        db.session.add(found)
        db.session.flush()
    return found


def load(region, people, password: str = "demo-portal-2026") -> None:
    spec = INSTITUTIONS.get(region.code)
    if spec is None:
        return
    institutions = [_institution(region, *row[:4]) for row in spec]
    specialist = people["specialist"]
    for institution in institutions:  # the demo specialist runs them all
        if not db.session.scalar(select(InstitutionStaff.id).where(InstitutionStaff.institution_id == institution.id,
                                                                  InstitutionStaff.user_id == specialist.id)):
            db.session.add(InstitutionStaff(institution_id=institution.id, user_id=specialist.id))
    db.session.flush()
    if db.session.scalar(select(Apartment.id).join(Institution).where(Institution.region_id == region.id).limit(1)):
        return
    programme.ensure_programme(region)
    chance = random.Random(f"apartments-{region.code}")
    day = today(region)
    apartments = [rules.add_apartment(institution, name, places, address, HOUSE_RULES, EQUIPMENT)
                  for institution, (*_head, (name, places, address)) in zip(institutions, spec)]
    names = PUPILS if region.code == "smolensk" else PUPILS[:4]
    for number, name in enumerate(names):
        apartment = apartments[number % len(apartments)]
        born = day - timedelta(days=365 * (15 + number % 3) + 40 + number * 9)
        pupil = rules.add_pupil(apartment.institution, name, born, f"{7 + number % 4}-{'АБ'[number % 2]}")
        weeks_ago = 30 - number  # one stay each, spread over the past months, no two on one place at once
        _past_stay(apartment, pupil, day - timedelta(weeks=weeks_ago), 7 + 7 * (number % 3), specialist, chance,
                   first=True)
        if number % 3 == 0:  # some came back for a second stay
            _past_stay(apartment, pupil, day - timedelta(weeks=weeks_ago - 12), 14, specialist, chance, first=False)
    if region.code == "smolensk":
        _under_way(apartments[0], region, people, password, day, specialist, chance)
    db.session.flush()


def _levels(chance, first: bool) -> tuple[int, int]:
    start = chance.randint(0, 1) if first else chance.randint(1, 2)
    return start, min(3, start + chance.randint(0, 2))


def _past_stay(apartment, pupil, arrival: date, nights: int, by, chance, first: bool):
    region = apartment.institution.region
    departure = arrival + timedelta(days=nights)
    stay, = rules.plan_stays(apartment, [pupil], arrival, departure, by=by, on=arrival)
    scale = programme.levels(region)
    areas = programme.areas(region)
    plan = {area.id: _levels(chance, first) for area in areas}
    for offset in range(0, nights, 2):
        area = areas[chance.randrange(len(areas))]
        skill = chance.choice(area.skills)
        start, end = plan[area.id]
        rank = start + round((end - start) * offset / max(nights - 1, 1))
        rules.record_practice(stay, arrival + timedelta(days=offset), skill.id, scale[rank].id,
                              chance.choice(NOTES), by=by, on=departure)
    rules.record_budget(stay, arrival, BudgetKind.given, 1500 * (nights // 7), "На продукты и бытовые мелочи",
                        on=departure)
    rules.record_budget(stay, arrival + timedelta(days=1), BudgetKind.spent, chance.randint(400, 900),
                        "Продукты на три дня", on=departure)
    lines = {area.id: {"start": scale[plan[area.id][0]].id, "end": scale[plan[area.id][1]].id,
                       "strengths": "Старается, доводит дело до конца" if plan[area.id][1] >= 2 else "",
                       "next_steps": "Закрепить без напоминаний" if plan[area.id][1] < 3 else ""} for area in areas}
    rules.close(stay, lines, by, on=departure)
    stay.signed_at = to_utc(datetime.combine(departure, time(12, 0)), region)
    return stay


def _under_way(apartment, region, people, password, day: date, by, chance) -> None:
    """The demo pupil, who signs in, in the first apartment since three days ago."""
    user = demo_member(region, f"pupil@{region.code}.demo", "Тимофей Ершов", "pupil", password)
    pupil = db.session.scalar(select(Pupil).where(Pupil.user_id == user.id))
    if pupil is None:
        pupil = rules.add_pupil(apartment.institution, user.name, day - timedelta(days=365 * 16 + 100), "10-А")
        pupil.user_id = user.id
        grant_role(user, region, "pupil", by=by)
    arrival = day - timedelta(days=3)
    stay, = rules.plan_stays(apartment, [pupil], arrival, arrival + timedelta(days=14), by=by, on=arrival)
    scale = programme.levels(region)
    areas = programme.areas(region)
    for offset in range(3):
        area = areas[offset % len(areas)]
        rules.record_practice(stay, arrival + timedelta(days=offset), area.skills[0].id, scale[1 + offset // 2].id,
                              NOTES[offset], by=by, on=day)
    rules.record_budget(stay, arrival, BudgetKind.given, 3000, "На две недели", on=day)
    rules.record_budget(stay, arrival + timedelta(days=1), BudgetKind.spent, 740, "Продукты: крупа, овощи, курица",
                        on=day)
