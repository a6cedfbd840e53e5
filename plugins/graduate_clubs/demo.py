"""Demo clubs: Smolensk's four (from one in two years) and two in Belgorod, with past and upcoming events."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs import help as helping
from plugins.graduate_clubs.models import Club
from portal.kit import db, demo_member, to_utc, today

# name, host, municipality, description, [(event title, place, capacity, volunteers wanted)]
CLUBS = {
    "smolensk": [
        ("Клуб выпускников «Точка опоры»", "Центр постинтернатного сопровождения «Точка опоры»", "Смоленск",
         "Первый клуб области: встречаемся по четвергам, пьём чай, разбираем взрослые вопросы и просто общаемся.",
         [("Чаепитие и разговор о первой зарплате", "Смоленск, ул. Октябрьской революции, 9, зал 2", 15, False),
          ("Как платить за квартиру: коммунальные счета без страха", "Смоленск, ул. Октябрьской революции, 9", 12,
           False),
          ("Киновечер: «Дом» и обсуждение", "Смоленск, ул. Октябрьской революции, 9, зал 2", 20, True)]),
        ("Клуб «Новый старт»", "Смоленский автотранспортный колледж", "Смоленск",
         "Клуб при колледже для студентов-выпускников: учёба, общежитие, подработка.",
         [("Как составить резюме и пройти собеседование", "Смоленск, ул. Кирова, 22, ауд. 204", 10, False),
          ("Настольные игры в общежитии", "Смоленск, ул. Кирова, 22, общежитие, холл", 16, True)]),
        ("Клуб «Свой дом»", "Вяземский политехнический техникум", "Вязьма",
         "Учимся вести хозяйство: готовим, планируем бюджет, обустраиваем жильё.",
         [("Готовим на неделю за 1500 рублей", "Вязьма, ул. Ленина, 77, кабинет домоводства", 8, False),
          ("Мастерская: мелкий ремонт своими руками", "Вязьма, ул. Ленина, 77, мастерская", 8, True)]),
        ("Клуб «Вместе»", "Рославльский многопрофильный колледж", "Рославль",
         "Встречи выпускников колледжа с наставниками и добровольцами.",
         [("Встреча с юристом: права выпускников на жильё", "Рославль, ул. Пролетарская, 63", 14, False),
          ("Спортивный день", "Рославль, стадион «Юность»", 25, True)]),
    ],
    "belgorod": [
        ("Клуб выпускников «Ориентир»", "Региональный ресурсный центр сопровождения", "Белгород",
         "Клуб при ресурсном центре: встречи, мастер-классы, поездки.",
         [("Финансовая грамотность: первая банковская карта", "Белгород, ул. Победы, 85, зал", 15, False),
          ("Экскурсия по музею-диораме «Курская битва»", "Белгород, ул. Богдана Хмельницкого, 163", 20, True)]),
        ("Клуб «Перспектива»", "Старооскольский технологический колледж", "Старый Оскол",
         "Клуб для студентов колледжа: учёба, профессия, свободное время.",
         [("Профессиональные пробы: день на предприятии", "Старый Оскол, мкр. Макаренко, 40", 10, False),
          ("Онлайн-встреча с выпускниками прошлых лет", "", 30, False)]),
    ],
}
MEMBERS = ["Артём Соколов", "Дарья Воробьёва", "Илья Никитин", "Екатерина Орлова", "Максим Лебедев",
           "Анастасия Козлова", "Владислав Морозов", "Софья Волкова", "Тимур Алексеев", "Юлия Семёнова"]


def load(region, people, password: str = "demo-portal-2026") -> None:
    spec = CLUBS.get(region.code)
    if spec is None or db.session.scalar(select(Club.id).where(Club.region_id == region.id).limit(1)):
        return
    places = {m.name: m for m in region.municipalities}
    chance = random.Random(f"clubs-{region.code}")
    graduates = [people["graduate"]] + [demo_member(region, f"club-member{i}@{region.code}.demo", name, "graduate",
                                                    password, places.get(spec[i % len(spec)][2]))
                                        for i, name in enumerate(MEMBERS)]
    organizers = [people["specialist"].id, people["volunteer"].id]
    today_there = today(region)
    for number, (name, host, town, description, events) in enumerate(spec):
        municipality = places.get(town)
        club = rules.add_club(region, name, host, municipality.id if municipality else None, description,
                              organizers if number == 0 else [people["specialist"].id])
        for person in chance.sample(graduates, 6):
            rules.join(club, person)
        # Past meetings, every three weeks, with who came; then the events to come.
        for weeks_ago in (12, 9, 6, 3):
            starts = _at(region, today_there - timedelta(weeks=weeks_ago, days=chance.randint(0, 3)), time(17, 0))
            past = rules.add_event(club, "Встреча клуба", starts, starts + timedelta(hours=2), 12,
                                   description="Обычная встреча: новости, чай, планы на месяц.",
                                   place=host, now=starts - timedelta(weeks=2))  # added two weeks before
            _fill(past, chance.sample(graduates, chance.randint(5, 9)), before=starts - timedelta(days=2),
                  chance=chance)
        for index, (title, place, capacity, volunteers) in enumerate(events):
            starts = _at(region, today_there + timedelta(days=5 + 7 * index + number), time(18, 0))
            event = rules.add_event(club, title, starts, starts + timedelta(hours=2), capacity,
                                    registration_deadline=starts - timedelta(hours=3),
                                    description="Приходите сами и зовите друзей-выпускников.", place=place,
                                    online_link="" if place else "https://meet.example.org/perspektiva",
                                    volunteers_wanted=volunteers)
            crowd = min(capacity + 2, len(graduates)) if capacity <= 8 else chance.randint(3, 8)  # small ones fill up
            for person in chance.sample(graduates, crowd):
                rules.register(event, person, wait=True, now=starts - timedelta(days=3))
            if volunteers and number:  # the demo volunteer co-runs the first club and helps at the others
                offer = helping.offer(event, people["volunteer"], "Могу встречать гостей и фотографировать.",
                                      now=starts - timedelta(days=4))
                if number == 1:  # one answered already, the others wait for the organizers
                    helping.decide(offer, True, people["specialist"], now=starts - timedelta(days=3))
    db.session.flush()


def _at(region, day: date, clock: time) -> datetime:
    return to_utc(datetime.combine(day, clock), region)


def _fill(event, people, before: datetime, chance: random.Random) -> None:
    """Registrations made before the event, and most of them came."""
    for person in people:
        registration = rules.register(event, person, wait=True, now=before)
        if registration.status.value == "registered" and chance.random() < 0.8:
            rules.mark_attendance(registration, True, now=event.starts_at)
