"""Demo hotels: Smolensk's 12 beds in 4 rooms and Belgorod's, with months of stays around today."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from plugins.social_hotel import stays as rules
from plugins.social_hotel.models import Hotel, Room, Stay, StayStatus
from portal.kit import db, demo_member, today

HOTELS = {
    "smolensk": ("Социальная гостиница центра «Точка опоры»", "Смоленск, ул. Октябрьской революции, 9",
                 [("Комната 1", ["Кровать 1 | первый этаж, для мамы с ребёнком", "Кровать 2", "Кровать 3"]),
                  ("Комната 2", ["Кровать 1", "Кровать 2", "Кровать 3"]),
                  ("Комната 3", ["Кровать 1", "Кровать 2", "Кровать 3"]),
                  ("Комната 4", ["Кровать 1", "Кровать 2", "Кровать 3"])]),
    "belgorod": ("Социальная гостиница регионального центра", "Белгород, ул. Победы, 85",
                 [("Комната 1", ["Кровать 1 | первый этаж", "Кровать 2"]),
                  ("Комната 2", ["Кровать 1", "Кровать 2", "Кровать 3"]),
                  ("Комната 3", ["Кровать 1", "Кровать 2", "Кровать 3"])]),
}
GUESTS = ["Кирилл Павлов", "Алина Зайцева", "Денис Егоров", "Полина Киселёва", "Роман Фролов",
          "Ксения Белова", "Никита Медведев", "Валерия Тихонова"]
REASONS = ["Выселили из общежития колледжа", "Ремонт в квартире по договору соцнайма",
           "Конфликт с соседями, ищу новое жильё", "Жду ключи от квартиры из специализированного фонда"]


def load(region, people, password: str = "demo-portal-2026") -> None:
    spec = HOTELS.get(region.code)
    if spec is None or db.session.scalar(select(Hotel.id).where(Hotel.region_id == region.id).limit(1)):
        return
    name, address, rooms = spec
    hotel = rules.add_hotel(region, name, address, "Тишина с 23:00 до 7:00. Гостей принимаем до 21:00.")
    for room_name, beds in rooms:
        room = Room(hotel=hotel, name=room_name)
        db.session.add(room)
        for line in beds:
            label, _, notes = line.partition("|")
            rules.add_bed(room, label.strip(), notes.strip())
    coordinator = people["coordinator"]
    guests = [people["graduate"]] + [demo_member(region, f"hotel-guest{i}@{region.code}.demo", n, "graduate", password)
                                     for i, n in enumerate(GUESTS)]
    chance = random.Random(region.code)
    day = today(region)
    for number in range(40):
        guest = guests[number % len(guests)]
        arrival = day + timedelta(days=chance.randint(-100, 30))
        departure = arrival + timedelta(days=chance.randint(2, 21))
        stay = Stay(hotel=hotel, graduate_id=guest.id, arrival=arrival, departure=departure,
                    reason=chance.choice(REASONS), with_child=chance.random() < 0.15)
        db.session.add(stay)
        db.session.flush()
        clash = db.session.scalar(select(Stay.id).where(
            Stay.graduate_id == guest.id, Stay.id != stay.id, Stay.status.in_(StayStatus.open()),
            Stay.arrival < departure, Stay.departure > arrival))
        bed = rules.suggest_bed(stay)
        if clash or bed is None:
            stay.status = StayStatus.rejected
            stay.decision_reason = "Нет свободных мест на эти даты"
            continue
        if arrival > day and chance.random() < 0.3:
            continue  # still waiting for staff
        rules.confirm(stay, bed, coordinator)
        if arrival <= day:
            rules.check_in(stay)
            if departure <= day:
                rules.check_out(stay, day=departure)
    db.session.flush()
