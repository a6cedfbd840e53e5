"""Demo mentorship: a few dozen mentors and graduates per region, past decisions and a trained model."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from plugins.mentorship import pairs
from plugins.mentorship.models import GraduateProfile, Meeting, MentorProfile, Outcome
from portal.kit import User, db, demo_member, today, utcnow

WOMEN = ["Анастасия", "Мария", "Екатерина", "Ольга", "Светлана", "Юлия", "Виктория", "Дарья", "Алёна",
         "Ксения", "Полина", "Вера", "Надежда", "Людмила", "Софья", "Евгения"]
MEN = ["Александр", "Дмитрий", "Михаил", "Андрей", "Павел", "Николай", "Владимир", "Иван", "Евгений",
       "Кирилл", "Роман", "Олег", "Георгий", "Константин", "Степан", "Тимур"]
SURNAMES = [("Иванов", "Иванова"), ("Петров", "Петрова"), ("Соколов", "Соколова"), ("Попов", "Попова"),
            ("Лебедев", "Лебедева"), ("Козлов", "Козлова"), ("Новиков", "Новикова"), ("Морозов", "Морозова"),
            ("Волков", "Волкова"), ("Алексеев", "Алексеева"), ("Степанов", "Степанова"), ("Зайцев", "Зайцева"),
            ("Павлов", "Павлова"), ("Семёнов", "Семёнова"), ("Голубев", "Голубева"), ("Виноградов", "Виноградова"),
            ("Богданов", "Богданова"), ("Воробьёв", "Воробьёва"), ("Фёдоров", "Фёдорова"), ("Михайлов", "Михайлова")]
INTERESTS = ["футбол", "волейбол", "кулинария", "рисование", "гитара", "музыка", "фотография",
             "программирование", "чтение", "кино", "танцы", "рыбалка", "шахматы", "походы", "велосипед",
             "автомобили", "рукоделие", "театр", "английский язык", "плавание", "бокс", "садоводство"]
MENTOR_ABOUT = [
    "Работаю инженером, двое детей. Помогу разобраться с документами и найти работу.",
    "Бухгалтер, умею планировать бюджет. Люблю готовить и ходить в походы.",
    "Юрист, много лет консультирую по жилищным вопросам.",
    "Преподаю в колледже, помогаю с учёбой и выбором профессии.",
    "Предприниматель, готов рассказать, как устроиться на работу и не бояться собеседований.",
    "Медсестра, подскажу, как следить за здоровьем и куда обращаться.",
    "Мама троих детей, помогу молодым родителям.",
    "Служил в армии, помогу подготовиться к службе.",
]
GRADUATE_ABOUT = [
    "Учусь в колледже на повара, живу в общежитии.",
    "Ищу работу, хочу научиться планировать деньги.",
    "Получил квартиру, не знаю, как платить за коммунальные услуги.",
    "Скоро в армию, хочу поговорить с тем, кто служил.",
    "Растим сына, нужна поддержка и совет.",
    "Хочу поступить в техникум, нужна помощь с подготовкой.",
    "Люблю спорт, хочу найти друзей и занятие по душе.",
]
AREAS_BY_ABOUT = [["education", "employment"], ["finances", "everyday_skills"], ["legal", "housing"],
                  ["education", "employment"], ["employment", "finances"], ["health", "everyday_skills"],
                  ["parenting", "health"], ["army", "leisure"]]
NEEDS_BY_ABOUT = [["education", "everyday_skills"], ["employment", "finances"], ["housing", "finances", "legal"],
                  ["army"], ["parenting"], ["education"], ["leisure", "employment"]]
CANNOT_HELP = "Наставник не занимается тем, что нужно выпускнику."
MENTORS, GRADUATES = 24, 36


def _person(region, email: str, name: str, role: str, password: str, municipality) -> User:
    """A demo mentor or graduate with a phone number, so an approved pair has a way to meet."""
    user = demo_member(region, email, name, role, password, municipality)
    user.contact = user.contact or f"+7 9{random.Random(email).randint(10, 99)} {random.Random(name).randint(100, 999)}-00-00"
    return user


def _gender(user: User) -> str:
    """As the demo name says (the core's demo people too): Russian women's surnames end in -а or -я."""
    return "female" if user.name.split()[-1].endswith(("а", "я")) else "male"


def _name(chance: random.Random, woman: bool) -> str:
    surname = chance.choice(SURNAMES)[1 if woman else 0]
    return f"{chance.choice(WOMEN if woman else MEN)} {surname}"


def load(region, people, password: str) -> None:
    if db.session.scalar(select(MentorProfile.id).where(MentorProfile.region_id == region.id).limit(1)):
        return
    chance = random.Random(f"mentorship-{region.code}")
    towns = region.municipalities
    mentors = [people["mentor"]] + [
        _person(region, f"mentor-{n:02d}@{region.code}.demo", _name(chance, n % 3 != 0), "mentor", password,
                towns[n % len(towns)]) for n in range(1, MENTORS)]
    graduates = [people["graduate"]] + [
        _person(region, f"graduate-{n:02d}@{region.code}.demo", _name(chance, n % 2 == 0), "graduate", password,
                towns[(n * 3) % len(towns)]) for n in range(1, GRADUATES)]
    db.session.flush()
    for n, user in enumerate(mentors):
        kind = n % len(MENTOR_ABOUT)
        db.session.add(MentorProfile(
            user_id=user.id, region_id=region.id, municipality_id=towns[n % len(towns)].id,
            interests=chance.sample(INTERESTS, 3), areas=AREAS_BY_ABOUT[kind], about=MENTOR_ABOUT[kind],
            languages=["ru", "en"] if n % 4 == 0 else ["ru"], capacity=1 + n % 3,
            gender=_gender(user), availability="вечера по будням, суббота"))
    for n, user in enumerate(graduates):
        kind = n % len(GRADUATE_ABOUT)
        db.session.add(GraduateProfile(
            user_id=user.id, region_id=region.id, municipality_id=towns[(n * 3) % len(towns)].id,
            interests=chance.sample(INTERESTS, 3), areas=NEEDS_BY_ABOUT[kind], about=GRADUATE_ABOUT[kind],
            languages=["ru"], gender=_gender(user),
            prefers_gender="female" if kind == 4 else None, wants_mentor=n % 9 != 8))
    db.session.flush()
    _past_decisions(region, people["coordinator"], people["specialist"], graduates[1:19], chance)
    _open_proposal(region, people["coordinator"], graduates[0])
    pairs.retrain(region, people["coordinator"])


def _open_proposal(region, coordinator, graduate) -> None:
    """The demo graduate has a mentor proposed, whom the mentor already accepted: their decision is next."""
    profile = pairs.graduate_profile(graduate, region)
    found = pairs.suggestions_for(pairs.as_graduate(profile, region), region, k=1)
    if found:
        row = pairs.propose(region, profile, found[0][0], coordinator)
        pairs.answer(row, "mentor", True)


def _past_decisions(region, coordinator, specialist, graduates, chance) -> None:
    """Approvals of good suggestions, rejections of weak ones: what coordinators really did."""
    for n, user in enumerate(graduates):
        profile = pairs.graduate_profile(user, region)
        found = pairs.suggestions_for(pairs.as_graduate(profile, region), region, k=5) if profile.wants_mentor else []
        if len(found) < 3:
            continue
        helps = [item for item in found if "covers_needs" in {r.code for r in item[2].reasons}]
        cannot_help = [item for item in found if item not in helps]
        # As coordinators do: a pair that covers the needs is approved, one that does not is turned down.
        reject = n % 3 == 2 and bool(cannot_help) or not helps
        mentor, _left, _suggestion = cannot_help[-1] if reject else helps[0]
        row = pairs.propose(region, profile, mentor, coordinator)
        row.proposed_at = utcnow() - timedelta(days=200 - n * 5)
        if n % 6 == 5:  # the graduate said no: a decision too, and theirs to make
            pairs.answer(row, "graduate", False, "Хочу сначала сам попробовать.")
            row.graduate_answered_at = row.proposed_at + timedelta(days=2)
            continue
        if not reject:  # both sides said yes first; the coordinator's approval starts the pair
            for side in ("graduate", "mentor"):
                pairs.answer(row, side, True)
                setattr(row, f"{side}_answered_at", row.proposed_at + timedelta(days=1))
        pairs.decide(row, not reject, CANNOT_HELP if reject else "Хорошая пара, познакомили.",
                     coordinator)
        row.decided_at = row.proposed_at + timedelta(days=3)
        if not reject:
            pairs.name_specialists(row, {specialist.id}, coordinator)
        if reject:
            continue
        for week in range(1 + n % 3):
            db.session.add(Meeting(mentorship=row, author_id=row.mentor_id,
                                   met_on=today(region) - timedelta(days=90 - week * 14),
                                   what_was_done=chance.choice(["Разобрали квитанции за квартиру",
                                                                "Составили резюме", "Сходили в МФЦ",
                                                                "Готовились к экзамену"]),
                                   next_step="Встретиться через две недели"))
        if n % 4 == 3:
            pairs.end(row, Outcome.goals_reached, "Цели достигнуты, продолжают общаться.")
    db.session.flush()
