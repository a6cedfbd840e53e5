"""Demo festivals in Smolensk: «Кто, если не мы?!» three weeks ahead (groups, programme, shifts half
filled) and last year's, over, with check-ins, approved hours, jury scores and published results."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from plugins.volunteer_festivals import festivals as rules
from plugins.volunteer_festivals import jury, shifts
from plugins.volunteer_festivals.models import Festival, FestivalStatus, GroupStatus
from portal.kit import Institution, InstitutionKind, db, demo_member, to_utc, today

TITLE = "Кто, если не мы?!"
INSTITUTIONS = [  # name, kind, town
    ("Смоленский детский дом «Радуга»", InstitutionKind.children_home, "Смоленск"),
    ("Вяземская школа-интернат", InstitutionKind.boarding_school, "Вязьма"),
    ("Рославльский центр содействия семейному воспитанию", InstitutionKind.family_centre, "Рославль"),
]
ORGANISATIONS = ["Смоленский педагогический колледж", "АНО «Добрые сердца»"]
GROUPS = [  # name, behind (index of INSTITUTIONS, or an organisation), project, nomination
    ("Радужные", 0, "Двор, где хочется гулять: субботники и роспись стен", 0),
    ("Свои люди", 1, "Клуб старших для младших: помощь с уроками", 1),
    ("Тёплые руки", 2, "Посылки и письма пожилым соседям", 0),
    ("Педотряд «Искра»", "Смоленский педагогический колледж", "Игротека для детей в больнице", 1),
    ("Добрые сердца", "АНО «Добрые сердца»", "Приют для животных: выгул и пристройство", 0),
]
NOMINATIONS = [("Социальный проект", [("Социальная значимость", 10), ("Результат", 10), ("Команда", 5)]),
               ("Наставничество и забота", [("Польза для детей", 10), ("Продуманность", 10), ("Презентация", 5)])]
ROLES = [  # name, description, interests, skills, minimum age, [(day, start hour, hours, people, restricted)]
    ("Ведущий сцены", "Объявляет выступления и держит время.", ["театр", "выступления", "музыка"],
     ["ведение", "микрофон"], 16, [(0, 10, 3, 2, False), (1, 10, 3, 2, False)]),
    ("Фотограф", "Снимает площадки и награждение.", ["фотография", "видео", "соцсети"], ["фотосъёмка"], 14,
     [(0, 10, 4, 2, False), (1, 14, 4, 2, False)]),
    ("Регистрация участников", "Встречает группы, выдаёт бейджи.", ["общение", "порядок"], ["регистрация"], None,
     [(0, 9, 3, 4, False), (1, 9, 3, 3, True)]),
    ("Аниматор детской зоны", "Игры и мастер-классы для младших.", ["дети", "игры", "рисование"],
     ["работа с детьми"], 18, [(0, 13, 3, 3, False), (1, 13, 3, 3, False)]),
]
VOLUNTEERS = [  # name, interests, skills, age, free
    ("Полина Зайцева", ["фотография", "соцсети"], ["фотосъёмка"], 19, ["sat:morning", "sat:afternoon"]),
    ("Егор Медведев", ["театр", "музыка"], ["ведение", "микрофон"], 22, ["sat:morning", "sun:morning"]),
    ("Алина Киселёва", ["дети", "рисование"], ["работа с детьми"], 20, ["sat:afternoon", "sun:afternoon"]),
    ("Кирилл Павлов", ["порядок", "общение"], ["регистрация"], 17, ["sat:morning", "sun:morning"]),
    ("Вероника Голубева", ["игры", "дети"], ["работа с детьми", "первая помощь"], 24,
     ["sat:afternoon", "sun:afternoon", "sun:morning"]),
    ("Даниил Смирнов", ["видео", "музыка"], ["фотосъёмка"], 16, ["sun:afternoon", "sat:morning"]),
    ("Ксения Белова", ["общение", "театр"], ["регистрация", "ведение"], 21, ["sat:morning", "sat:afternoon"]),
    ("Матвей Фролов", ["походы", "общение"], [], 15, ["sun:morning"]),
]
PROGRAMME = [(0, 10, 1, "Открытие фестиваля", 0), (0, 11, 3, "Защита проектов: социальный проект", 1),
             (0, 15, 2, "Мастер-классы групп", 2), (1, 10, 3, "Защита проектов: наставничество и забота", 1),
             (1, 14, 2, "Награждение победителей и концерт", 0)]


def load(region, people, password: str = "demo-portal-2026") -> None:
    if region.code != "smolensk" or db.session.scalar(
            select(Festival.id).where(Festival.region_id == region.id).limit(1)):
        return
    chance = random.Random("festivals-smolensk")
    places = {m.name: m for m in region.municipalities}
    institutions = [_institution(region, name, kind, places.get(town)) for name, kind, town in INSTITUTIONS]
    volunteers = [people["volunteer"]] + [demo_member(region, f"festival-volunteer{i}@{region.code}.demo", name,
                                                      "volunteer", password) for i, (name, *_r) in
                                          enumerate(VOLUNTEERS)]
    shifts.save_profile(people["volunteer"], region, ["фотография", "дети"], ["фотосъёмка"], date(2001, 4, 12),
                        ["sat:morning", "sat:afternoon", "sun:afternoon"])
    for person, (_name, likes, skills, age, free) in zip(volunteers[1:], VOLUNTEERS, strict=True):
        born = today(region).replace(year=today(region).year - age) - timedelta(days=40)
        shifts.save_profile(person, region, likes, skills, born, free)
    staff = [people["specialist"].id, people["volunteer"].id]
    next_saturday = today(region) + timedelta(days=(5 - today(region).weekday()) % 7 + 21)
    last_year = next_saturday - timedelta(weeks=52)
    past = _festival(region, people, staff, last_year, institutions, volunteers, chance, past=True)
    _festival(region, people, staff, next_saturday, institutions, volunteers, chance, past=False)
    del past
    db.session.flush()


def _institution(region, name, kind, municipality) -> Institution:
    found = db.session.scalar(select(Institution).where(Institution.region_id == region.id,
                                                        Institution.name == name))
    if found is None:
        found = Institution(region_id=region.id, name=name, kind=kind,
                            municipality_id=municipality.id if municipality else None)
        db.session.add(found)
        db.session.flush()
    return found


def _at(region, day: date, hour: int) -> datetime:
    return to_utc(datetime.combine(day, time(hour, 0)), region)


def _festival(region, people, staff, first: date, institutions, volunteers, chance, past: bool) -> Festival:
    festival = rules.add_festival(region, TITLE, first, first + timedelta(days=1),
                                  "Фестиваль добровольческих групп детских домов, колледжей и НКО Смоленской "
                                  "области: защита проектов, мастер-классы, награждение.", staff)
    venues = [rules.add_venue(festival, "Дворец молодёжи", "Смоленск, ул. Кирова, 29"),
              rules.add_venue(festival, "Большой зал", "Смоленск, ул. Кирова, 29, 2 этаж"),
              rules.add_venue(festival, "Малый зал", "Смоленск, ул. Кирова, 29, 1 этаж")]
    for day, hour, hours, title, venue in PROGRAMME:
        rules.add_item(festival, title, _at(region, first + timedelta(days=day), hour),
                       _at(region, first + timedelta(days=day), hour + hours), venues[venue].id)
    festival.programme_published = True
    nominations = [rules.add_nomination(festival, name, criteria) for name, criteria in NOMINATIONS]
    rules.set_people(festival, rules.FestivalJuror, [people["specialist"].id, people["coordinator"].id,
                                                     people["mentor"].id], rules.JUROR_ROLES)
    rules.FESTIVAL_LIFE.apply(festival, "opened", region=region, record=False)
    leader = people["specialist"]
    groups = []
    for name, behind, project, nomination in GROUPS:
        institution = institutions[behind] if isinstance(behind, int) else None
        group = rules.register_group(festival, leader, name, project, nominations[nomination].id,
                                     institution.id if institution else None,
                                     "" if institution else behind, "Проект группы: " + project.lower() + ".")
        for i in range(chance.randint(3, 6)):
            rules.add_member(group, f"Участник {i + 1} ({name})", minor=True)
        member = volunteers[len(groups) % len(volunteers)]
        if all(m.user_id != member.id for m in group.members):
            rules.add_member(group, member.name, member)
        groups.append(group)
    for group in groups[:4] if not past else groups:
        rules.GROUP_LIFE.apply(group, "accepted", region=region, record=False)
    if past:
        rules.FESTIVAL_LIFE.apply(festival, "closed", region=region, record=False)
    created = []
    for name, description, likes, skills, minimum, times in ROLES:
        role = shifts.add_role(festival, name, description, likes, skills, minimum)
        for day, hour, hours, count, restricted in times:
            created.append(shifts.add_shift(role, _at(region, first + timedelta(days=day), hour),
                                            _at(region, first + timedelta(days=day), hour + hours), count,
                                            venues[0].name, restricted))
    before = created[0].starts_at - timedelta(days=10)
    for shift in created:
        want = shift.capacity if past else shift.capacity // 2  # the coming festival: about half filled
        for person in chance.sample(volunteers, len(volunteers)):
            if want <= 0:
                break
            try:
                shifts.take(shift, person, region, by=leader if shift.restricted else None, now=before)
            except shifts.Refusal:
                continue  # too young, or in another shift then: the next one
            want -= 1
    if past:
        _held(festival, region, created, groups, people)
    return festival


def _held(festival, region, created, groups, people) -> None:
    """Last year's festival took place: people came, hours approved, projects scored, results out."""
    for shift in created:
        taken, _waiting = shifts.shift_people(shift)
        for assignment in taken:
            shifts.check_in(assignment, True, now=shift.starts_at)
    shifts.approve_hours(festival, [a.id for a in shifts.to_approve(festival)],
                         now=created[-1].ends_at + timedelta(days=1))
    chance = random.Random("festival-jury")
    for juror in (people["specialist"], people["coordinator"], people["mentor"]):
        for group in groups:
            if group.status == GroupStatus.accepted:
                jury.score(group, juror, {c.id: chance.randint(c.max_points // 2, c.max_points)
                                          for c in group.nomination.criteria})
    jury.publish(festival)
    festival.status = FestivalStatus.closed
