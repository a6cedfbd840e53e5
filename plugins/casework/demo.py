"""Demo case work at Belgorod's scale and in its shape (seed 004, «Выпускник Плюс»).

21 municipal support services over the oblast's 22 municipal districts and the regional resource centre,
with their coordinators and specialists; 2,300 graduates on record, 800 under support with contracts; a
year of quarterly assessments (the four calendar quarters up to the latest complete one) whose difficulties
per area in the latest quarter are seed 004's (legal status 280, education 391, housing 728, income 398,
employment 352, behaviour 398, children 294, army service 96, other 113); support levels set by quarterly
consilia and approved by the coordinators, so that at the start / end of the latest quarter monitoring is
545 / 501, supporting 203 / 189, intensive 53 / 46 (65 graduates left support during it; 64 signed a contract
this quarter and await their first consilium); plan goals and tasks. The demo graduate has a record.

Rows go in with multi-row INSERTs (a few seconds on either database). Loading twice adds nothing.
"""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, insert, select, update

from plugins.casework import due
from plugins.casework.models import (DIFFICULTIES, USUAL_DAYS, Appeal, AppealAction, AppealActionKind,
                                     AppealChannel, AppealStatus, AppealType, AreaScore, Assessment,
                                     AssessmentArea, Consilium, ConsiliumAttendee, ConsiliumDecision,
                                     ContractStatus, Gender, GoalStatus, GraduateRecord, LegalStatus, LevelChange,
                                     LevelChangeStatus, PlanGoal, PlanTask, RecordStatus, Score,
                                     ServiceMunicipality, ServiceStaff, SupportContract, SupportLevel,
                                     SupportService, TaskOwner, difficulty_mask, name_key)
from portal.kit import Municipality, db, demo_member, to_utc, today

# (service, [municipalities it serves: names as the demo region has them], weight by population)
SERVICES = [
    ("Служба сопровождения г. Белгорода", ["Белгород"], 22),
    ("Служба сопровождения Старооскольского городского округа", ["Старый Оскол"], 14),
    ("Служба сопровождения Губкинского городского округа", ["Губкин"], 7),
    ("Служба сопровождения Белгородского района", ["Белгородский район"], 8),
    ("Служба сопровождения Шебекинского городского округа", ["Шебекинский городской округ"], 5),
    ("Служба сопровождения Алексеевского городского округа и Красненского района",
     ["Алексеевский городской округ", "Красненский район"], 4),
    ("Служба сопровождения Валуйского городского округа", ["Валуйский городской округ"], 4),
    ("Служба сопровождения Яковлевского городского округа", ["Яковлевский городской округ"], 4),
    ("Служба сопровождения Новооскольского городского округа", ["Новооскольский городской округ"], 3),
    ("Служба сопровождения Грайворонского городского округа", ["Грайворонский городской округ"], 2),
    ("Служба сопровождения Борисовского района", ["Борисовский район"], 2),
    ("Служба сопровождения Вейделевского района", ["Вейделевский район"], 2),
    ("Служба сопровождения Волоконовского района", ["Волоконовский район"], 2),
    ("Служба сопровождения Ивнянского района", ["Ивнянский район"], 2),
    ("Служба сопровождения Корочанского района", ["Корочанский район"], 3),
    ("Служба сопровождения Красногвардейского района", ["Красногвардейский район"], 3),
    ("Служба сопровождения Краснояружского района", ["Краснояружский район"], 2),
    ("Служба сопровождения Прохоровского района", ["Прохоровский район"], 2),
    ("Служба сопровождения Ракитянского района", ["Ракитянский район"], 2),
    ("Служба сопровождения Ровеньского района", ["Ровеньский район"], 2),
    ("Служба сопровождения Чернянского района", ["Чернянский район"], 3),
]
RESOURCE_CENTRE = "ОГБУ «Областной ресурсно-консультационный центр по работе с семьей и детьми»"
RECORDS, UNDER_SUPPORT = 2300, 800
# Seed 004: difficulties found per area in one quarter's assessments.
DIFFICULTIES_PER_AREA = {
    AssessmentArea.legal_status: 280, AssessmentArea.education: 391, AssessmentArea.housing: 728,
    AssessmentArea.income: 398, AssessmentArea.employment: 352, AssessmentArea.behaviour: 398,
    AssessmentArea.children: 294, AssessmentArea.army_service: 96, AssessmentArea.other: 113,
}
# Seed 004: graduates by support level at the start / end of the latest quarter.
LEVELS_AT_START = {SupportLevel.monitoring: 545, SupportLevel.supporting: 203, SupportLevel.intensive: 53}
LEVELS_AT_END = {SupportLevel.monitoring: 501, SupportLevel.supporting: 189, SupportLevel.intensive: 46}
LEFT_DURING = {SupportLevel.monitoring: 44, SupportLevel.supporting: 14, SupportLevel.intensive: 7}  # = start - end
NEW_THIS_QUARTER = UNDER_SUPPORT - sum(LEVELS_AT_END.values())  # 64: contracts since, no level yet
# Changes at the latest quarter's consilium that leave the counts as they are (as many up as down).
SWAPS = [(SupportLevel.monitoring, SupportLevel.supporting, 12), (SupportLevel.supporting, SupportLevel.monitoring, 12),
         (SupportLevel.supporting, SupportLevel.intensive, 5), (SupportLevel.intensive, SupportLevel.supporting, 5)]
EARLIER_QUARTERS_SCALE = (1.12, 1.08, 1.04)  # difficulties were a little more frequent a year ago
WEIGHT = {SupportLevel.intensive: 5.0, SupportLevel.supporting: 2.5, SupportLevel.monitoring: 1.0}

FEMALE = ["Анастасия", "Мария", "Дарья", "Анна", "Виктория", "Полина", "Елизавета", "Екатерина", "Ксения",
          "Алина", "Валерия", "Софья", "Юлия", "Кристина", "Ангелина", "Вероника", "Алёна", "Ольга"]
MALE = ["Александр", "Максим", "Дмитрий", "Артём", "Иван", "Кирилл", "Никита", "Михаил", "Егор", "Андрей",
        "Илья", "Алексей", "Роман", "Сергей", "Владислав", "Даниил", "Денис", "Евгений"]
FATHERS = ["Александров", "Сергеев", "Андреев", "Алексеев", "Владимиров", "Дмитриев", "Николаев", "Викторов",
           "Юрьев", "Игорев", "Олегов", "Павлов", "Евгеньев", "Михайлов"]
LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
        "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов",
        "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
        "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров",
        "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов",
        "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров"]
STREETS = ["ул. Ленина", "ул. Октябрьская", "ул. Мичурина", "ул. Садовая", "ул. Молодёжная", "ул. Гагарина",
           "ул. Победы", "пр. Славы", "ул. Советская", "ул. Школьная"]
REASONS = {
    AssessmentArea.legal_status: ("Не восстановлены документы (СНИЛС, полис)", "Восстановить документы"),
    AssessmentArea.education: ("Пропуски занятий в колледже, задолженности", "Закрыть задолженности"),
    AssessmentArea.housing: ("Жильё из специализированного фонда не предоставлено", "Получить жильё по договору"),
    AssessmentArea.income: ("Доход ниже прожиточного минимума, долги за ЖКУ", "Оформить выплаты, погасить долг"),
    AssessmentArea.employment: ("Не работает, не стоит на учёте в центре занятости", "Встать на учёт, найти работу"),
    AssessmentArea.behaviour: ("Конфликты с соседями, состоит на учёте в КДН", "Снять с учёта"),
    AssessmentArea.children: ("Ребёнок без оформленного пособия, нет места в детском саду", "Оформить пособие"),
    AssessmentArea.army_service: ("Не встал на воинский учёт", "Встать на воинский учёт"),
    AssessmentArea.other: ("Нуждается в лечении, не прикреплён к поликлинике", "Прикрепиться к поликлинике"),
}
TASKS = ["Записаться на приём", "Собрать документы", "Подать заявление", "Сходить вместе на консультацию",
         "Позвонить и договориться о встрече", "Проверить результат"]
DECISIONS = {SupportLevel.intensive: "Еженедельные встречи, сопровождение в учреждения",
             SupportLevel.supporting: "Встречи раз в две недели, помощь с документами",
             SupportLevel.monitoring: "Ежемесячный звонок, встреча раз в квартал"}


# The appeals journal: how often each type comes (housing and documents most), what is asked, how it ends.
APPEAL_TYPE_WEIGHTS = {
    AppealType.documents: 14, AppealType.social_payments: 12, AppealType.permanent_housing: 10,
    AppealType.employment: 9, AppealType.legal: 8, AppealType.medical: 8, AppealType.education: 8,
    AppealType.material: 8, AppealType.psychological: 6, AppealType.utility_debts: 6, AppealType.rights: 5,
    AppealType.temporary_housing: 3, AppealType.other: 3,
}
CHANNELS = (AppealChannel.visit, AppealChannel.phone, AppealChannel.message)
APPEAL_TEXTS = {
    AppealType.medical: ("Прикрепиться к поликлинике по месту жительства", "Прикреплён, выдан полис"),
    AppealType.social_payments: ("Оформить выплату на питание и проезд", "Выплата назначена"),
    AppealType.documents: ("Восстановить утерянный паспорт", "Паспорт получен"),
    AppealType.rights: ("Разъяснить права при выпуске из организации", "Проведена консультация"),
    AppealType.employment: ("Помочь найти работу", "Трудоустроен через центр занятости"),
    AppealType.permanent_housing: ("Узнать очередь на жильё из специализированного фонда",
                                   "Подтверждено место в списке, выданы документы"),
    AppealType.utility_debts: ("Долг за коммунальные услуги, грозит отключение", "Оформлена рассрочка долга"),
    AppealType.temporary_housing: ("Негде жить после выпуска из колледжа", "Предоставлено место в общежитии"),
    AppealType.education: ("Восстановиться в колледже", "Восстановлен на втором курсе"),
    AppealType.psychological: ("Нужна консультация психолога", "Проведены три консультации"),
    AppealType.legal: ("Помочь составить исковое заявление", "Заявление подано в суд"),
    AppealType.material: ("Нужна помощь с одеждой к зиме", "Выдан комплект зимней одежды"),
    AppealType.other: ("Помочь с оформлением банковской карты", "Карта оформлена"),
}
APPEAL_ACTIONS = ["Позвонила в МФЦ, записала на приём", "Сопроводила в управление соцзащиты",
                  "Подготовили заявление вместе с выпускником", "Направлен запрос в отдел опеки",
                  "Консультация по телефону", "Встреча в службе, собраны документы"]


def quarter_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def latest_quarters(day: date, count: int = 4) -> list[tuple[date, date]]:
    """The ``count`` complete calendar quarters before ``day``'s, oldest first: (first day, last day)."""
    start = quarter_of(day)
    found = []
    for _ in range(count):
        first = due.add_months(start, -3)
        found.append((first, start - timedelta(days=1)))
        start = first
    return found[::-1]


def load(region, people, password: str) -> None:
    if region.code != "belgorod":
        return
    if db.session.scalar(select(GraduateRecord.id).where(GraduateRecord.region_id == region.id).limit(1)):
        return
    _Loader(region, people, password).run()


class _Loader:
    def __init__(self, region, people, password):
        self.region, self.people, self.password = region, people, password
        self.chance = random.Random("casework-belgorod")
        self.day = today(region)
        self.quarters = latest_quarters(self.day)  # Q1..Q4, the latest complete one last
        self.q4_start, self.q4_end = self.quarters[-1]
        self.stamp = datetime.now().replace(microsecond=0)

    # --- places and people -------------------------------------------------------------------------------
    def services(self):
        known = {m.name: m for m in db.session.scalars(select(Municipality).where(Municipality.region_id ==
                                                                                   self.region.id))}
        for _name, towns, _weight in SERVICES:
            for town in towns:
                if town not in known:
                    known[town] = Municipality(region_id=self.region.id, name=town)
                    db.session.add(known[town])
        db.session.flush()
        existing = {s.name: s for s in db.session.scalars(select(SupportService).where(
            SupportService.region_id == self.region.id))}
        self.list = []
        for number, (name, towns, weight) in enumerate(SERVICES, start=1):
            service = existing.get(name)
            if service is None:
                service = SupportService(region_id=self.region.id, name=name,
                                         address=f"{towns[0]}, {STREETS[number % 10]}, {number}",
                                         contact=f"+7 (4722) {30 + number:02d}-{10 + number:02d}-00")
                db.session.add(service)
                db.session.flush()
                for town in towns:
                    if db.session.get(ServiceMunicipality, known[town].id) is None:
                        db.session.add(ServiceMunicipality(service_id=service.id, municipality_id=known[town].id))
            self.list.append((service, [known[t] for t in towns], weight, number))
        centre = existing.get(RESOURCE_CENTRE) or SupportService(
            region_id=self.region.id, name=RESOURCE_CENTRE, is_resource_centre=True,
            address="Белгород, ул. Есенина, 9", contact="+7 (4722) 26-50-01")
        db.session.add(centre)
        db.session.flush()
        self.centre = centre

    def staff(self):
        """A coordinator and one to three specialists per service; the demo coordinator runs the resource
        centre (and so sees every record); the demo specialist works in the city's service."""
        rows = []
        self.specialists: dict[int, list[int]] = {}
        self.coordinator_of: dict[int, int] = {}
        rows.append(dict(service_id=self.centre.id, user_id=self.people["coordinator"].id, is_coordinator=True))
        for service, towns, weight, number in self.list:
            coordinator = demo_member(self.region, f"cw-coordinator-{number}@belgorod.demo",
                                      f"{self.chance.choice(FEMALE)} {self._last(Gender.female)}", "coordinator",
                                      self.password, towns[0])
            rows.append(dict(service_id=service.id, user_id=coordinator.id, is_coordinator=True))
            self.coordinator_of[service.id] = coordinator.id
            team = []
            if number == 1:
                team.append(self.people["specialist"])
            for extra in range(1 if weight < 5 else 3 if weight > 10 else 2):
                team.append(demo_member(self.region, f"cw-specialist-{number}-{extra + 1}@belgorod.demo",
                                        f"{self.chance.choice(FEMALE)} {self._last(Gender.female)}", "specialist",
                                        self.password, towns[0]))
            rows.extend(dict(service_id=service.id, user_id=user.id, is_coordinator=False) for user in team)
            self.specialists[service.id] = [user.id for user in team]
        have = {tuple(row) for row in db.session.execute(select(ServiceStaff.service_id, ServiceStaff.user_id))}
        rows = [row for row in rows if (row["service_id"], row["user_id"]) not in have]
        if rows:
            db.session.execute(insert(ServiceStaff), [dict(row, created_at=self.stamp) for row in rows])

    def _last(self, gender: Gender) -> str:
        last = self.chance.choice(LAST)
        return last + "а" if gender == Gender.female else last

    # --- records and contracts ---------------------------------------------------------------------------
    def records(self):
        """2,300 graduates in groups: continuing support (736), left support in the latest quarter (65), new
        contracts this quarter (64), and the rest not (or no longer) under support."""
        chance = self.chance
        start_levels = [lvl for lvl, n in LEVELS_AT_END.items() for _ in range(n)]
        left_levels = [lvl for lvl, n in LEFT_DURING.items() for _ in range(n)]
        groups = (["continuing"] * len(start_levels) + ["left"] * len(left_levels) + ["new"] * NEW_THIS_QUARTER)
        groups += (["identified"] * 520 + ["contacted"] * 310 + ["declined"] * 190 + ["left_region"] * 90)
        groups += ["aged_out"] * (RECORDS - len(groups))
        levels = iter(start_levels + left_levels)
        weights = [w for _s, _t, w, _n in self.list]
        self.people_rows: list[dict] = []
        seen = set()
        left_how = ["aged_out"] * 30 + ["declined"] * 20 + ["left_region"] * 15
        for index, group in enumerate(groups):
            service, towns, _w, number = chance.choices(self.list, weights)[0]
            gender = Gender.female if chance.random() < 0.52 else Gender.male
            first = chance.choice(FEMALE if gender == Gender.female else MALE)
            father = chance.choice(FATHERS)
            middle = father + ("на" if gender == Gender.female else "ич")  # Сергеевна, Сергеевич
            last = self._last(gender)
            q1_start = self.quarters[0][0]
            how = left_how[index - len(start_levels)] if group == "left" else group
            if how == "aged_out" and group == "left":  # turned 23 during the latest quarter
                born = due.add_months(self.q4_start + timedelta(days=chance.randint(50, 85)), -12 * 23)
            elif how == "aged_out":
                born = self.day - timedelta(days=chance.randint(23 * 365 + 10, 27 * 365))
            else:
                born = self.day - timedelta(days=chance.randint(16 * 365 + 100, 22 * 365 + 300))
            key = (name_key(last, first, middle), born)
            while key in seen:  # no accidental duplicates in the demo registry
                born -= timedelta(days=1)
                key = (name_key(last, first, middle), born)
            seen.add(key)
            town = chance.choice(towns)
            staff = self.specialists[service.id]
            row = dict(
                region_id=self.region.id, last_name=last, first_name=first, middle_name=middle, name_key=key[0],
                birth_date=born, gender=gender,
                legal_status=LegalStatus.orphan if chance.random() < 0.3 else LegalStatus.without_care,
                placement="" if chance.random() < 0.8 else f"приёмная семья {last.removesuffix('а')}ых",
                left_care_on=born + timedelta(days=365 * 18 + chance.randint(0, 200)),
                municipality_id=town.id, address=f"{town.name}, {chance.choice(STREETS)}, {chance.randint(1, 120)}",
                phone=f"+7 9{chance.randint(10, 99)} {chance.randint(100, 999)}-{chance.randint(10, 99)}-"
                      f"{chance.randint(10, 99)}",
                service_id=service.id, specialist_id=chance.choice(staff) if group != "identified" else None,
                status=RecordStatus.under_support if group in ("continuing", "new") else RecordStatus(how),
                created_at=self.stamp, updated_at=self.stamp)
            if row["left_care_on"] > self.day:
                row["left_care_on"] = None
            meta = dict(group=group, how=how, row=row, level=next(levels) if group in ("continuing", "left")
                        else None)
            if group in ("continuing", "left"):
                meta["start"] = q1_start - timedelta(days=chance.randint(30, 700))
            elif group == "new":
                meta["start"] = self.q4_end + timedelta(days=chance.randint(1, max(1, (self.day - self.q4_end).days
                                                                                   - 1)))
            if group == "left":
                meta["ended"] = self.q4_start + timedelta(days=chance.randint(50, 88))
                if how == "aged_out":
                    meta["ended"] = due.add_months(born, 12 * 23)
                if how == "declined":
                    row["restricted_at"] = datetime.combine(meta["ended"], time(12))
            self.people_rows.append(meta)
        graduate = self.people["graduate"]  # the demo graduate, Анна Смирнова, is supported in Belgorod city
        target = next(m for m in self.people_rows if m["group"] == "continuing"
                      and m["row"]["service_id"] == self.list[0][0].id)
        first, _, last = graduate.name.partition(" ")
        last = last or "Смирнова"
        target["row"].update(last_name=last, first_name=first, middle_name="Викторовна", user_id=graduate.id,
                             gender=Gender.female, name_key=name_key(last, first, "Викторовна"),
                             specialist_id=self.people["specialist"].id)
        ids = db.session.scalars(insert(GraduateRecord).returning(GraduateRecord.id, sort_by_parameter_order=True),
                                 [m["row"] for m in self.people_rows]).all()
        for meta, record_id in zip(self.people_rows, ids):
            meta["id"] = record_id
        self.supported = [m for m in self.people_rows if "start" in m]
        contracts = []
        for meta in self.supported:
            start = meta["start"]
            ended = meta.get("ended")
            status = (ContractStatus.active if ended is None else ContractStatus.withdrawn
                      if meta["how"] == "declined" else ContractStatus.ended)
            contracts.append(dict(
                record_id=meta["id"], number=f"{meta['row']['service_id']}-{meta['id']}", starts_on=start,
                ends_on=due.add_months(start, 12 * 3), consent_on=start,
                service_undertakes="Сопровождение по индивидуальному плану, консультации, помощь в получении мер "
                                   "поддержки",
                graduate_undertakes="Участвовать в оценке и выполнять свои задачи плана",
                status=status, ended_on=ended,
                end_reason={"aged_out": "Достиг 23 лет", "declined": "Отозвал согласие на сопровождение",
                            "left_region": "Переехал в другой регион"}.get(meta["how"], "") if ended else "",
                signed_by_id=meta["row"]["specialist_id"], created_at=self.stamp))
        db.session.execute(insert(SupportContract), contracts)

    # --- consilia, levels and assessments -------------------------------------------------------------------
    def levels(self):
        """Per service a consilium each quarter (and one before, that set the first levels); approved changes."""
        chance = self.chance
        consilia_rows, keys = [], []
        held_days = [("before", self.quarters[0][0] - timedelta(days=20))] + [
            (k, first + timedelta(days=45)) for k, (first, _last) in enumerate(self.quarters)]
        for service, _towns, _w, _n in self.list:
            for key, held in held_days:
                consilia_rows.append(dict(service_id=service.id, held_on=held, created_at=self.stamp,
                                          created_by_id=self.coordinator_of[service.id],
                                          notes="Квартальный консилиум службы сопровождения"))
                keys.append((service.id, key))
        ids = db.session.scalars(insert(Consilium).returning(Consilium.id, sort_by_parameter_order=True),
                                 consilia_rows).all()
        self.consilium = dict(zip(keys, ids))
        held_on = dict(zip(keys, [row["held_on"] for row in consilia_rows]))
        attendees = [dict(consilium_id=cid, user_id=uid) for (sid, _k), cid in self.consilium.items()
                     for uid in self.specialists[sid] + [self.coordinator_of[sid]]]
        db.session.execute(insert(ConsiliumAttendee), attendees)
        continuing = [m for m in self.supported if m["group"] == "continuing"]
        for source, target, count in SWAPS:  # the latest quarter's changes
            pool = [m for m in continuing if m["level"] == source and "q4_to" not in m]
            for meta in chance.sample(pool, count):
                meta["q4_to"] = target
        # levels before the latest quarter: some came down from a more intensive one at quarter 2 or 3
        steps = {SupportLevel.monitoring: SupportLevel.supporting, SupportLevel.supporting: SupportLevel.intensive}
        for meta in self.supported:
            if meta["group"] == "new":
                continue
            end_level = meta["level"]
            meta["history"] = [("before", end_level)]
            if end_level in steps and chance.random() < 0.25:
                meta["history"] = [("before", steps[end_level]), (chance.choice([1, 2]), end_level)]
            if "q4_to" in meta:
                meta["history"].append((3, meta["q4_to"]))
        decisions, decision_keys = [], []
        for meta in self.supported:
            if meta["group"] == "new":
                continue
            history = dict(meta["history"])
            level = history["before"]
            for key in ["before", 0, 1, 2, 3]:
                level = history.get(key, level)
                decisions.append(dict(consilium_id=self.consilium[(meta["row"]["service_id"], key)],
                                      record_id=meta["id"], decision=DECISIONS[level], level=level))
                decision_keys.append((meta["id"], key))
        ids = db.session.scalars(insert(ConsiliumDecision).returning(ConsiliumDecision.id,
                                                                     sort_by_parameter_order=True), decisions).all()
        decision_of = dict(zip(decision_keys, ids))
        changes = []
        for meta in self.supported:
            if meta["group"] == "new":
                continue
            previous = None
            sid = meta["row"]["service_id"]
            for key, level in meta["history"]:
                held = held_on[(sid, key)]
                proposed = to_utc(datetime.combine(held, time(15)), self.region)
                changes.append(dict(record_id=meta["id"], decision_id=decision_of[(meta["id"], key)],
                                    from_level=previous, to_level=level, status=LevelChangeStatus.approved,
                                    proposed_by_id=meta["row"]["specialist_id"], proposed_at=proposed,
                                    decided_by_id=self.coordinator_of[sid], decided_at=proposed + timedelta(days=2)))
                previous = level
            meta["current"] = previous
        db.session.execute(insert(LevelChange), changes)
        pending = [m for m in self.supported if m["group"] == "new"][:12]  # this quarter: awaiting approval
        for meta in pending:
            changes_row = dict(record_id=meta["id"], from_level=None, to_level=SupportLevel.monitoring,
                               status=LevelChangeStatus.pending, proposed_by_id=meta["row"]["specialist_id"],
                               proposed_at=to_utc(datetime.combine(self.day - timedelta(days=1), time(11)),
                                                  self.region))
            db.session.execute(insert(LevelChange), [changes_row])

    def assessments(self):
        """One assessment per quarter of support in each of the four quarters (and this quarter's, for some)."""
        chance = self.chance
        by_quarter: list[list[dict]] = []
        for k, (first, last) in enumerate(self.quarters):
            rows = []
            for meta in self.supported:
                if meta["group"] == "new":
                    continue
                quarter = due.quarter_start(meta["start"], last)  # the support quarter under way at its end
                if quarter > last - timedelta(days=3):
                    quarter = due.add_months(quarter, -3)
                room = max(0, min(20, (last - max(quarter, first)).days))
                assessed = max(quarter, first) + timedelta(days=chance.randint(0, room))
                rows.append(dict(meta=meta, quarter_start=quarter, assessed_on=assessed))
            by_quarter.append(rows)
        previous: dict[int, int] = {}
        for k, rows in enumerate(by_quarter):
            scale = EARLIER_QUARTERS_SCALE[k] if k < 3 else 1.0
            hard = self._difficulties(rows, scale)
            ids = db.session.scalars(insert(Assessment).returning(Assessment.id, sort_by_parameter_order=True), [
                dict(record_id=r["meta"]["id"], quarter_start=r["quarter_start"], assessed_on=r["assessed_on"],
                     specialist_id=r["meta"]["row"]["specialist_id"], previous_id=previous.get(r["meta"]["id"]),
                     difficulties=difficulty_mask((a, Score.problem) for a in AssessmentArea
                                                  if (r["meta"]["id"], a) in hard),
                     created_at=self.stamp) for r in rows]).all()
            scores = []
            for row, assessment_id in zip(rows, ids):
                previous[row["meta"]["id"]] = assessment_id
                row["meta"]["last_quarter"] = row["quarter_start"]
                row["id"] = assessment_id
                for area in AssessmentArea:
                    if (row["meta"]["id"], area) in hard:
                        critical = chance.random() < (0.45 if row["meta"]["level"] == SupportLevel.intensive else 0.12)
                        reason, goal = REASONS[area]
                        scores.append(dict(assessment_id=assessment_id, area=area,
                                           score=Score.critical if critical else Score.problem,
                                           reason=reason, goal=goal))
                    else:
                        scores.append(dict(assessment_id=assessment_id, area=area,
                                           score=Score.good if chance.random() < 0.6 else Score.not_ideal,
                                           reason="", goal=""))
            db.session.execute(insert(AreaScore), scores)
            if k == 3:
                self.latest = rows
                self.latest_hard = hard
        self._due()

    def _difficulties(self, rows, scale: float) -> set:
        """Exactly the seed's number of difficulties per area (scaled for earlier quarters), more often where
        the level is more intensive; army service only for young men."""
        hard = set()
        for area, count in DIFFICULTIES_PER_AREA.items():
            pool = [r for r in rows if area != AssessmentArea.army_service or r["meta"]["row"]["gender"] == Gender.male]
            wanted = min(len(pool), round(count * scale))
            keyed = sorted(pool, key=lambda r: self.chance.random() ** (1 / WEIGHT[r["meta"]["level"]]),
                           reverse=True)
            hard.update((r["meta"]["id"], area) for r in keyed[:wanted])
        return hard

    def _due(self):
        """The next assessment's date on each record under support (see due.py)."""
        for meta in self.supported:
            if meta["group"] == "left":
                continue
            if meta["group"] == "new":
                meta["row"]["assessment_due_on"] = due.first_due(meta["start"])
            else:
                meta["row"]["assessment_due_on"] = due.due_after(meta["start"], meta["last_quarter"])
        rows = [dict(id=m["id"], assessment_due_on=m["row"]["assessment_due_on"], level=m.get("current"))
                for m in self.supported if m["group"] != "left"]
        table = GraduateRecord.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("record_id"))
                           .values(assessment_due_on=bindparam("due"), level=bindparam("lvl")),
                           [dict(record_id=r["id"], due=r["assessment_due_on"], lvl=r["level"]) for r in rows])

    def plans(self):
        """Goals from the latest assessment's problem areas for about 300 graduates, with tasks."""
        chance = self.chance
        graduate_id = self.people["graduate"].id
        chosen = [r for r in self.latest if r["meta"]["row"].get("user_id") == graduate_id]
        chosen += chance.sample([r for r in self.latest if r["meta"]["group"] == "continuing"
                                 and r not in chosen], 300)
        goals, meta_of = [], []
        for row in chosen:
            areas = [a for a in AssessmentArea if (row["meta"]["id"], a) in self.latest_hard][:2]
            for area in areas:
                goals.append(dict(record_id=row["meta"]["id"], area=area, text=REASONS[area][1],
                                  assessment_id=row["id"], status=GoalStatus.open,
                                  created_by_id=row["meta"]["row"]["specialist_id"], created_at=self.stamp))
                meta_of.append(row["meta"])
        ids = db.session.scalars(insert(PlanGoal).returning(PlanGoal.id, sort_by_parameter_order=True), goals).all()
        tasks = []
        for goal_id, meta in zip(ids, meta_of):
            for number in range(2):
                owner = TaskOwner.graduate if number == 1 else TaskOwner.specialist
                due_on = self.day + timedelta(days=chance.randint(-20, 40))
                done = due_on < self.day and chance.random() < 0.6
                tasks.append(dict(goal_id=goal_id, record_id=meta["id"], text=chance.choice(TASKS), owner=owner,
                                  owner_user_id=(meta["row"].get("user_id") if owner == TaskOwner.graduate
                                                 else meta["row"]["specialist_id"]),
                                  owner_name="", due_on=due_on, created_at=self.stamp,
                                  done_at=datetime.combine(due_on, time(12)) if done else None,
                                  done_by_id=meta["row"]["specialist_id"] if done else None))
        db.session.execute(insert(PlanTask), tasks)

    # --- the appeals journal -----------------------------------------------------------------------------------
    def appeals(self):
        """A year of appeals at Belgorod's proportions (seed 004: 32,608 appeals, 68 % resolved): about six a year
        for each graduate under support and one for a third of the others; 68 % resolved, the rest in progress
        (the recent ones mostly). The demo graduate has three: a resolved one about temporary housing (the social
        hotel is offered on it), one in progress and a new one they filed on the portal."""
        chance = self.chance
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        graduate_id = self.people["graduate"].id
        plan = []
        for meta in self.people_rows:
            row = meta["row"]
            if row.get("user_id") == graduate_id:
                continue
            supported = meta["row"]["status"] == RecordStatus.under_support or meta["group"] == "left"
            count = chance.choice((3, 5, 6, 7, 9)) if supported else (1 if chance.random() < 0.33 else 0)
            plan.extend((meta, None, None) for _ in range(count))
        own = next(m for m in self.people_rows if m["row"].get("user_id") == graduate_id)
        plan += [(own, AppealType.temporary_housing, "resolved"), (own, AppealType.documents, "in_progress"),
                 (own, AppealType.employment, "new")]
        kinds, weights = zip(*APPEAL_TYPE_WEIGHTS.items())
        appeals, story = [], []
        for meta, kind, status in plan:
            row = meta["row"]
            kind = kind or chance.choices(kinds, weights)[0]
            back = chance.randint(0, 364) if status is None else {"resolved": 40, "in_progress": 12, "new": 1}[status]
            day = self.day - timedelta(days=back)
            if status is None:  # older appeals are resolved more often: 68 % in all
                status = "resolved" if chance.random() < min(0.97, 0.25 + back / 400) else "in_progress"
            channel = (AppealChannel.portal if status == "new" else
                       chance.choices(CHANNELS, (40, 35, 15))[0])
            received = to_utc(datetime.combine(day, time(chance.randint(9, 17), chance.randint(0, 59))), self.region)
            specialist = row["specialist_id"] or chance.choice(self.specialists[row["service_id"]])
            request, outcome = APPEAL_TEXTS[kind]
            closed = None
            if status == "resolved":
                closed = min(received + timedelta(days=chance.randint(1, int(USUAL_DAYS[kind] * 1.3) + 1),
                                                  hours=chance.randint(0, 6)), now)
            appeals.append(dict(
                region_id=self.region.id, record_id=meta["id"], service_id=row["service_id"],
                specialist_id=None if status == "new" else specialist, type=kind, channel=channel,
                status=AppealStatus(status), request=request, received_at=received,
                due_on=day + timedelta(days=USUAL_DAYS[kind]),
                taken_by_id=None if channel == AppealChannel.portal else specialist, closed_at=closed,
                outcome=outcome if closed else "", referred_to="", updated_at=closed or received))
            story.append((status, specialist, received, closed, request, outcome))
        ids = db.session.scalars(insert(Appeal).returning(Appeal.id, sort_by_parameter_order=True), appeals).all()
        entries = []
        for appeal_id, (status, specialist, received, closed, request, outcome) in zip(ids, story):
            entries.append(dict(appeal_id=appeal_id, kind=AppealActionKind.status, at=received, by_id=None
                                if status == "new" else specialist, text=request, to_status=AppealStatus.new))
            if status == "new":
                continue
            taken = received + timedelta(hours=chance.randint(1, 30))
            entries.append(dict(appeal_id=appeal_id, kind=AppealActionKind.status, at=taken, by_id=specialist,
                                text="", from_status=AppealStatus.new, to_status=AppealStatus.in_progress))
            last = closed or now
            for number in range(chance.randint(0, 2)):
                moment = taken + (last - taken) * (number + 1) / 3
                entries.append(dict(appeal_id=appeal_id, kind=AppealActionKind.action, at=moment, by_id=specialist,
                                    text=chance.choice(APPEAL_ACTIONS)))
            if closed:
                entries.append(dict(appeal_id=appeal_id, kind=AppealActionKind.status, at=closed, by_id=specialist,
                                    text=outcome, from_status=AppealStatus.in_progress,
                                    to_status=AppealStatus.resolved))
        for start in range(0, len(entries), 5000):
            db.session.execute(insert(AppealAction), [dict(dict(text="", from_status=None, to_status=None,
                                                                staff_only=False), **e)
                                                      for e in entries[start:start + 5000]])

    def run(self):
        self.services()
        self.staff()
        self.records()
        self.levels()
        self.assessments()
        self.plans()
        self.appeals()
        db.session.flush()
        # Written in bulk, past the session's events: the monitoring's totals are counted once, at the end.
        from plugins.casework.monitoring import tallies

        tallies.recount(db.session.connection(), [self.region.id])


__all__ = ["DIFFICULTIES", "DIFFICULTIES_PER_AREA", "LEVELS_AT_END", "LEVELS_AT_START", "load", "latest_quarters"]
