"""Case work benchmark: a country's registry on PostgreSQL, the registry search and a record page.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python bench/casework.py [--records 100000]
    ... python bench/casework.py --reuse     # measure again the registry an earlier run built (migrations applied)

Builds (server-side, with generate_series: a couple of minutes) one region holding a country's registry:
100,000 records over 60 services, half of them under support with a contract, 400,000 quarterly
assessments with their 3,600,000 area scores, level changes, plan goals and tasks, and a year of appeals
(1,000,000, ten per record, the recent ones open, with 2.9 M timeline entries). Then, through the
Flask test client signed in as the resource centre's coordinator (who sees every record), it requests
``casework.records`` (name search, filters, pages) and ``casework.record`` (random records under
support) and prints the median and p95 of each and the queries per page, next to a baseline measured in
the same run: the registry imports page (two small queries of its own), which pays every staff request's
fixed costs (session, region, navigation, layout) as the measured pages do. Then the appeals journal
(``casework.appeals``: as the resource centre and as a specialist of one service; status, type, service,
specialist, overdue, pages), random appeals (``casework.appeal``) and the overdue lists. Target: p95 <= 100 ms
for every page. The load average is printed with the figures: on a shared machine wall times grow with it.
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import create_app  # noqa: E402
from portal.app.extensions import db  # noqa: E402
from plugins.casework.models import AssessmentArea  # noqa: E402
from portal.app.plugins import plugin_host  # noqa: E402
from portal.models import Membership, MembershipStatus, Municipality, Region, Role, User  # noqa: E402

SERVICES = 60
ASSESSMENTS_PER_SUPPORTED = 8  # two years of quarters for each of the 50,000 under support
PASSWORD = "bench-password"
TARGET_MS = 100
LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
        "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов",
        "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
        "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев",
        "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов",
        "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
        "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов",
        "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов",
        "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов", "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров",
        "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов",
        "Филатов", "Пономарёв", "Голубев", "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников",
        "Трофимов", "Леонов", "Соболев", "Ермаков", "Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв",
        "Котов", "Гришин", "Ефремов", "Архипов", "Громов", "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев"]
FEMALE = ["Анастасия", "Мария", "Дарья", "Анна", "Виктория", "Полина", "Елизавета", "Екатерина", "Ксения", "Алина",
          "Валерия", "Софья", "Юлия", "Кристина", "Ангелина", "Вероника", "Алёна", "Ольга", "Татьяна", "Наталья"]
MALE = ["Александр", "Максим", "Дмитрий", "Артём", "Иван", "Кирилл", "Никита", "Михаил", "Егор", "Андрей", "Илья",
        "Алексей", "Роман", "Сергей", "Владислав", "Даниил", "Денис", "Евгений", "Матвей", "Тимофей"]
FATHERS = ["Александров", "Сергеев", "Андреев", "Алексеев", "Владимиров", "Дмитриев", "Николаев", "Викторов", "Юрьев",
           "Игорев", "Олегов", "Павлов", "Евгеньев", "Михайлов", "Петров", "Иванов"]


APPEALS_PER_RECORD = 10  # 1,000,000 appeals for 100,000 records
CHANNELS = ["visit", "phone", "message", "portal"]


def _appeal_types():
    from plugins.casework.models import USUAL_DAYS

    return [t.value for t in USUAL_DAYS], list(USUAL_DAYS.values())


APPEAL_TYPES, APPEAL_DAYS = _appeal_types()


#: Each assessment's difficulty bits from its area scores (as migration cw005 sets them).
DIFFICULTY_BITS = ("UPDATE casework_assessment a SET difficulties = s.bits FROM (SELECT assessment_id, sum(CASE area "
                   + " ".join(f"WHEN '{area.value}' THEN {1 << k}" for k, area in enumerate(AssessmentArea))
                   + " ELSE 0 END) AS bits FROM casework_area_score WHERE score IN ('problem', 'critical') "
                   "GROUP BY assessment_id) s WHERE s.assessment_id = a.id")


def sql_array(words) -> str:
    return "(ARRAY[" + ",".join("'" + w + "'" for w in words) + "])"


def build_app(folder: str, reuse: bool = False):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("bench/casework.py builds its registry with PostgreSQL's generate_series: set DATABASE_URL")
    app = create_app({"SECRET_KEY": "bench", "PORTAL_ENV": "testing", "DATABASE_URL": url, "INSTANCE_PATH": folder,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "PORTAL_ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    with app.app_context():
        import flask_migrate

        if not reuse:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade(revision="heads")
    return app


def person(email: str, region: Region, role: str) -> User:
    from portal.accounts.passwords import hash_password

    user = User(email=email, name=email.split("@")[0], password_hash=hash_password(PASSWORD),
                session_token=secrets.token_hex(16), locale="ru")
    user.memberships.append(Membership(region=region, role=Role(role), status=MembershipStatus.active))
    db.session.add(user)
    return user


def build(region: Region, records: int) -> dict:
    """Services and staff through the ORM; records and everything under them with INSERT ... SELECT."""
    from plugins.casework.models import ServiceMunicipality, ServiceStaff, SupportService

    coordinator = person("centre@bench.example", region, "coordinator")
    centre = SupportService(region_id=region.id, name="Ресурсный центр", is_resource_centre=True)
    db.session.add(centre)
    db.session.flush()
    db.session.add(ServiceStaff(service_id=centre.id, user_id=coordinator.id, is_coordinator=True))
    for number in range(SERVICES):
        town = Municipality(region_id=region.id, name=f"Муниципалитет {number + 1}")
        service = SupportService(region_id=region.id, name=f"Служба сопровождения {number + 1}")
        db.session.add_all([town, service])
        db.session.flush()
        db.session.add(ServiceMunicipality(service_id=service.id, municipality_id=town.id))
        for k in range(2):
            specialist = person(f"specialist{number}-{k}@bench.example", region, "specialist")
            db.session.flush()
            db.session.add(ServiceStaff(service_id=service.id, user_id=specialist.id))
    db.session.commit()
    sizes = {}
    steps = [
        ("records", f"""
        WITH staff AS (
            SELECT s.id AS service_id, m.municipality_id, array_agg(st.user_id ORDER BY st.user_id) AS people,
                   row_number() OVER (ORDER BY s.id) - 1 AS n
            FROM casework_service s JOIN casework_service_municipality m ON m.service_id = s.id
            JOIN casework_service_staff st ON st.service_id = s.id
            WHERE s.region_id = :region AND NOT s.is_resource_centre GROUP BY s.id, m.municipality_id),
        g AS (SELECT i, (i * 7919) % {len(LAST)} AS li, (i * 104729) % 20 AS fi, (i * 613) % {len(FATHERS)} AS pi,
                     i % 2 = 0 AS female, (i * 31) % 100 AS roll FROM generate_series(1::bigint, :records) AS i),
        named AS (
            SELECT g.*, {sql_array(LAST)}[li + 1] || CASE WHEN female THEN 'а' ELSE '' END AS last_name,
                   CASE WHEN female THEN {sql_array(FEMALE)}[fi + 1] ELSE {sql_array(MALE)}[fi + 1] END AS first_name,
                   {sql_array(FATHERS)}[pi + 1] || CASE WHEN female THEN 'на' ELSE 'ич' END AS middle_name FROM g)
        INSERT INTO casework_record (region_id, last_name, first_name, middle_name, name_key, birth_date, gender,
            legal_status, placement, left_care_on, municipality_id, address, phone, email, contacts, service_id,
            specialist_id, status, level, assessment_due_on, created_at, updated_at)
        SELECT :region, last_name, first_name, middle_name,
               replace(lower(last_name || ' ' || first_name || ' ' || middle_name), 'ё', 'е'),
               date '2001-01-01' + ((i * 37) % 3650)::int, CASE WHEN female THEN 'female' ELSE 'male' END,
               CASE WHEN roll < 30 THEN 'orphan' ELSE 'without_care' END, '', NULL, staff.municipality_id,
               'ул. Ленина, ' || (i % 200), '+7 900 ' || lpad((i % 10000000)::text, 7, '0'), '', '', staff.service_id,
               staff.people[1 + i % 2],
               CASE WHEN roll < 50 THEN 'under_support' WHEN roll < 65 THEN 'identified' WHEN roll < 75 THEN 'contacted'
                    WHEN roll < 85 THEN 'declined' WHEN roll < 90 THEN 'left_region' ELSE 'aged_out' END,
               CASE WHEN roll >= 50 THEN NULL WHEN roll < 34 THEN 'monitoring' WHEN roll < 46 THEN 'supporting'
                    ELSE 'intensive' END,
               CASE WHEN roll < 50 THEN current_date + ((i * 13) % 120 - 45)::int END, now(), now()
        FROM named JOIN staff ON staff.n = named.i % {SERVICES}
        ORDER BY named.i"""),
        ("contracts", """
        INSERT INTO casework_contract (record_id, number, starts_on, ends_on, service_undertakes, graduate_undertakes,
            consent_on, representative, status, end_reason, signed_by_id, created_at)
        SELECT id, 'Д-' || id, current_date - 800 + (id % 90), current_date + 300 + (id % 90), 'Сопровождение',
               'Участие', current_date - 800 + (id % 90), '', 'active', '', specialist_id, now()
        FROM casework_record WHERE status = 'under_support' AND region_id = :region"""),
        ("assessments", f"""
        INSERT INTO casework_assessment (record_id, quarter_start, assessed_on, specialist_id, created_at)
        SELECT r.id, (c.starts_on + make_interval(months => 3 * q))::date,
               (c.starts_on + make_interval(months => 3 * q))::date + ((r.id + q) % 20), r.specialist_id, now()
        FROM casework_record r JOIN casework_contract c ON c.record_id = r.id,
             generate_series(0, {ASSESSMENTS_PER_SUPPORTED - 1}) AS q
        WHERE r.status = 'under_support' AND r.region_id = :region"""),
        ("area scores", """
        INSERT INTO casework_area_score (assessment_id, area, score, reason, goal)
        SELECT a.id, area, CASE WHEN (a.id * 7 + k * 13) % 10 < 5 THEN 'good' WHEN (a.id * 7 + k * 13) % 10 < 8
               THEN 'not_ideal' WHEN (a.id * 7 + k * 13) % 10 < 9 THEN 'problem' ELSE 'critical' END,
               CASE WHEN (a.id * 7 + k * 13) % 10 >= 8 THEN 'Причина трудности' ELSE '' END,
               CASE WHEN (a.id * 7 + k * 13) % 10 >= 8 THEN 'Цель' ELSE '' END
        FROM casework_assessment a, unnest(ARRAY['legal_status','education','housing','income','employment',
             'behaviour','children','army_service','other']) WITH ORDINALITY AS t(area, k)"""),
        ("difficulty bits", DIFFICULTY_BITS),
        ("level changes", """
        INSERT INTO casework_level_change (record_id, from_level, to_level, status, proposed_by_id, proposed_at,
            decided_by_id, decided_at, reason)
        SELECT r.id, CASE WHEN step = 1 THEN NULL ELSE 'supporting' END,
               CASE WHEN step = 1 THEN 'supporting' ELSE r.level END, 'approved', r.specialist_id,
               now() - make_interval(days => 400 - step * 150), r.specialist_id,
               now() - make_interval(days => 398 - step * 150), ''
        FROM casework_record r, generate_series(1, 2) AS step
        WHERE r.status = 'under_support' AND r.region_id = :region"""),
        ("plan goals", """
        INSERT INTO casework_goal (record_id, area, text, status, created_by_id, created_at)
        SELECT r.id, CASE WHEN k = 1 THEN 'housing' ELSE 'employment' END, 'Цель плана', 'open', r.specialist_id, now()
        FROM casework_record r, generate_series(1, 2) AS k
        WHERE r.status = 'under_support' AND r.region_id = :region"""),
        ("plan tasks", """
        INSERT INTO casework_task (goal_id, record_id, text, owner, owner_user_id, owner_name, due_on, created_at)
        SELECT g.id, g.record_id, 'Задача ' || k, CASE WHEN k = 1 THEN 'specialist' ELSE 'graduate' END,
               g.created_by_id, '', current_date + (g.id % 60 - 30), now()
        FROM casework_goal g, generate_series(1, 2) AS k"""),
        ("appeals", f"""
        INSERT INTO casework_appeal (region_id, record_id, service_id, specialist_id, type, channel, status, request,
            received_at, due_on, taken_by_id, closed_at, outcome, referred_to, updated_at)
        SELECT :region, id, service_id, CASE WHEN status = 'new' THEN NULL ELSE specialist_id END, type, channel,
               status, 'Просьба выпускника о помощи', received_at,
               (received_at::date + usual), CASE WHEN channel = 'portal' THEN NULL ELSE specialist_id END,
               CASE WHEN status IN ('resolved', 'referred', 'closed')
                    THEN received_at + make_interval(days => 1 + (id % usual)) END,
               CASE WHEN status = 'resolved' THEN 'Решено' ELSE '' END,
               CASE WHEN status = 'referred' THEN 'УСЗН' ELSE '' END, received_at
        FROM (SELECT r.id, r.service_id, r.specialist_id, t.type, t.usual,
                     {sql_array(CHANNELS)}[1 + (r.id + k) % 4] AS channel, age, received_at,
                     -- a year of appeals: the recent ones open, the older ones finished (68 % resolved in all)
                     CASE WHEN age < 3 AND (r.id + k) % 3 = 0 THEN 'new'
                          WHEN age < 60 AND (r.id * 7 + k) % 10 < 6 THEN 'in_progress'
                          WHEN (r.id * 13 + k * 7) % 100 < 80 THEN 'resolved'
                          WHEN (r.id * 13 + k * 7) % 100 < 90 THEN 'referred' ELSE 'closed' END AS status
              FROM casework_record r, generate_series(1, :appeals_per_record) AS k,
                   LATERAL (SELECT (r.id * 37 + k * 101) % 365 AS age) a,
                   LATERAL (SELECT now()::timestamp - make_interval(days => age, hours => (r.id + k) % 9) AS received_at) m,
                   LATERAL (SELECT ({sql_array(APPEAL_TYPES)})[1 + (r.id * 3 + k * 5) % {len(APPEAL_TYPES)}] AS type,
                                   (ARRAY{APPEAL_DAYS})[1 + (r.id * 3 + k * 5) % {len(APPEAL_TYPES)}] AS usual) t
              WHERE r.region_id = :region ORDER BY received_at) AS made"""),
        ("appeal entries", """
        INSERT INTO casework_appeal_action (appeal_id, kind, at, by_id, text, from_status, to_status, staff_only)
        SELECT id, 'status', received_at, taken_by_id, request, NULL, 'new', false FROM casework_appeal
        UNION ALL
        SELECT id, 'action', received_at + interval '1 day', specialist_id, 'Позвонила в МФЦ', NULL, NULL, id % 5 = 0
        FROM casework_appeal WHERE status <> 'new'
        UNION ALL
        SELECT id, 'status', coalesce(closed_at, received_at + interval '1 day'), specialist_id, outcome,
               'in_progress', status, false FROM casework_appeal WHERE status IN ('resolved', 'referred', 'closed')"""),
        ("notes", """
        INSERT INTO casework_note (record_id, author_id, text, for_graduate, created_at)
        SELECT r.id, r.specialist_id, 'Заметка специалиста ' || k, k = 1, now() - make_interval(days => k * 30)
        FROM casework_record r, generate_series(1, 3) AS k
        WHERE r.status = 'under_support' AND r.region_id = :region"""),
    ]
    for name, statement in steps:
        started = time.perf_counter()
        with db.engine.begin() as conn:
            # The rows are consistent by construction: skip the per-row foreign-key triggers (superuser only).
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            count = conn.execute(text(statement), {"region": region.id, "records": records,
                                                   "appeals_per_record": APPEALS_PER_RECORD}).rowcount
        sizes[name] = (count, time.perf_counter() - started)
        print(f"  {name}: {count:,} rows in {sizes[name][1]:.1f} s", flush=True)
    count_totals()
    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"  vacuum analyze: {time.perf_counter() - started:.1f} s", flush=True)
    return sizes


def count_totals() -> None:
    """The rows above were written past the portal's session: count the monitoring's kept totals once."""
    from plugins.casework.monitoring import tallies

    started = time.perf_counter()
    with db.engine.begin() as conn:
        rows = tallies.recount(conn)
    print(f"  monitoring totals: {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


class Counter:
    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._add)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._add)

    def _add(self, conn, cursor, statement, *rest):
        self.statements.append(statement)


def measure(app, client, urls: list[str]) -> dict:
    """Each URL once to warm up, then each timed: milliseconds (median, p95, max) and queries per page."""
    with app.app_context():
        engine = db.engine
    for url in urls[:3]:
        client.get(url)
    times, queries, sizes, cpu = [], [], [], []
    for url in urls:
        with Counter(engine) as counted:
            started, used = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(counted.statements))
        sizes.append(len(response.data))
    ordered = sorted(times)
    return {"n": len(times), "median": statistics.median(times), "p95": ordered[max(0, int(len(ordered) * 0.95) - 1)],
            "max": ordered[-1], "cpu": statistics.median(cpu), "queries": (min(queries), max(queries)),
            "kib": statistics.median(sizes) / 1024,
            "slowest": urls[times.index(ordered[-1])]}


def line(name: str, found: dict, baseline: dict | None = None, target: bool = True) -> str:
    more = f" (baseline {baseline['median']:.0f}/{baseline['p95']:.0f} ms)" if baseline else ""
    verdict = ("  OK" if found["p95"] <= TARGET_MS else "  MISSES the target") if target else ""
    q = found["queries"]
    queries = f"{q[0]}" if q[0] == q[1] else f"{q[0]}-{q[1]}"
    return (f"{name:<34} n={found['n']:<4} median {found['median']:6.1f} ms  p95 {found['p95']:6.1f} ms  "
            f"max {found['max']:6.1f} ms  (python {found['cpu']:5.1f} ms)  queries {queries:<6} "
            f"{found['kib']:.0f} KiB{more}{verdict}")


def search_urls(app, region, chance, rows: int) -> list[str]:
    from flask import url_for

    from plugins.casework.models import GraduateRecord

    with app.app_context():
        towns = [m.id for m in db.session.scalars(db.select(Municipality).where(Municipality.region_id == region.id))]
        services = [s for s in db.session.scalars(text(
            "SELECT id FROM casework_service WHERE region_id = :r AND NOT is_resource_centre"), {"r": region.id})]
        names = db.session.execute(db.select(GraduateRecord.last_name, GraduateRecord.first_name)
                                   .where(GraduateRecord.region_id == region.id)
                                   .order_by(GraduateRecord.id).limit(2000)).all()
    queries = []
    for number in range(rows):
        last, first = chance.choice(names)
        kind = number % 10
        args: dict = {}
        if kind in (0, 1):
            args["q"] = last
        elif kind == 2:
            args["q"] = f"{first.lower()} {last[:4].lower()}"
        elif kind == 3:
            args["q"] = last.upper().replace("Е", "Ё")  # case- and ё-insensitive
        elif kind == 4:
            args.update(q=last[:3], municipality=chance.choice(towns))
        elif kind == 5:
            args.update(status="under_support", level=chance.choice(["intensive", "supporting", "monitoring"]))
        elif kind == 6:
            args.update(overdue=1, service=chance.choice(services))
        elif kind == 7:
            args["page"] = chance.randint(2, 400)
        elif kind == 8:
            args.update(q="Несуществующая Фамилия")  # nothing found: the worst case for a scan
        else:
            args.update(service=chance.choice(services), status="under_support", page=chance.randint(1, 20))
        queries.append(args)
    with app.test_request_context():
        return [url_for("casework.records", region_code=region.code, **args) for args in queries]


def journal_urls(app, region, chance, rows: int) -> list[str]:
    """The appeals journal as staff use it: the latest, by status, type, service, specialist, overdue, pages on."""
    from flask import url_for

    with app.app_context():
        services = list(db.session.scalars(text(
            "SELECT id FROM casework_service WHERE region_id = :r AND NOT is_resource_centre"), {"r": region.id}))
        people = list(db.session.scalars(text(
            "SELECT DISTINCT user_id FROM casework_service_staff st JOIN casework_service s ON s.id = st.service_id "
            "WHERE s.region_id = :r AND NOT st.is_coordinator"), {"r": region.id}))
    found = []
    for number in range(rows):
        kind = number % 10
        args: dict = {}
        if kind == 1:
            args["status"] = chance.choice(["open", "new", "in_progress", "resolved", "referred", "closed"])
        elif kind == 2:
            args["type"] = chance.choice(APPEAL_TYPES)
        elif kind == 3:
            args["service"] = chance.choice(services)
        elif kind == 4:
            args["specialist"] = chance.choice(people)
        elif kind == 5:
            args["overdue"] = "y"
        elif kind == 6:
            args.update(overdue="y", service=chance.choice(services))
        elif kind == 7:
            args["page"] = chance.randint(2, 40)
        elif kind == 8:
            args.update(type=chance.choice(APPEAL_TYPES), status="resolved", page=chance.randint(1, 10))
        elif kind == 9:
            args.update(specialist=chance.choice(people), status="open")
        found.append(args)
    with app.test_request_context():
        return [url_for("casework.appeals", region_code=region.code, **args) for args in found]


def measure_appeals(app, client, region, chance, requests: int) -> list[tuple[str, dict]]:
    """The journal (as the resource centre, who sees the region's million, and as a specialist, who sees their
    service's and their own), an appeal's page and the overdue lists."""
    from flask import url_for

    with app.app_context():
        appeals = list(db.session.scalars(text(
            "SELECT id FROM casework_appeal WHERE region_id = :r ORDER BY random() LIMIT :n"),
            {"r": region.id, "n": requests}))
        count = db.session.scalar(text("SELECT count(*) FROM casework_appeal"))
        entries = db.session.scalar(text("SELECT count(*) FROM casework_appeal_action"))
    print(f"appeals: {count:,} with {entries:,} entries", flush=True)
    with app.test_request_context():
        appeal_urls = [url_for("casework.appeal", region_code=region.code, appeal_id=a) for a in appeals]
        overdue_urls = [url_for("casework.overdue_appeals", region_code=region.code)] * max(20, requests // 5)
    journal = journal_urls(app, region, chance, requests)
    found = [("appeals journal, centre (casework.appeals)", measure(app, client, journal)),
             ("appeal page (casework.appeal)", measure(app, client, appeal_urls)),
             ("overdue lists, centre", measure(app, client, overdue_urls))]
    specialist = app.test_client()
    response = specialist.post("/login", data={"email": "specialist0-0@bench.example", "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    found += [("appeals journal, a specialist", measure(app, specialist, journal)),
              ("overdue lists, a specialist", measure(app, specialist, overdue_urls))]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="measure the registry an earlier run built")
    options = parser.parse_args()
    chance = random.Random(15)
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder, options.reuse)
        print(f"{date.today().isoformat()}: case work benchmark", flush=True)
        with app.app_context():
            server = db.session.execute(text("SHOW server_version")).scalar()
            region = db.session.scalar(db.select(Region).where(Region.code == "bench")) if options.reuse else None
            if region is None:
                region = Region(code="bench", name="Bench", timezone="Europe/Moscow")
                db.session.add(region)
                db.session.flush()
                plugin_host().set_enabled(region, "casework", True)
                started = time.perf_counter()
                print(f"building a registry of {options.records:,} records (PostgreSQL {server}):", flush=True)
                build(region, options.records)
                print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
            else:
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE casework_record"))
            count = db.session.scalar(text("SELECT count(*) FROM casework_record"))
            assessments = db.session.scalar(text("SELECT count(*) FROM casework_assessment"))
            print(f"registry: {count:,} records, {assessments:,} assessments (PostgreSQL {server})", flush=True)
            email, code = "centre@bench.example", region.code
            supported = list(db.session.scalars(text(
                "SELECT id FROM casework_record WHERE status = 'under_support' ORDER BY random() LIMIT :n"),
                {"n": options.requests}))
            region = db.session.get(Region, region.id)
            db.session.expunge(region)
        missing = [name for name in ("casework.records", "casework.record") if name not in app.view_functions]
        if missing:
            sys.exit(f"the registry pages are not built on this branch yet: {missing}")
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code in (302, 303), response.status_code
        with app.test_request_context():
            from flask import url_for

            baseline_urls = [url_for("casework.imports", region_code=code)] * options.requests
            record_urls = [url_for("casework.record", region_code=code, record_id=r) for r in supported]
        baseline = measure(app, client, baseline_urls)
        search = measure(app, client, search_urls(app, region, chance, options.requests))
        record = measure(app, client, record_urls)
        figures = [("registry search (casework.records)", search), ("record page (casework.record)", record)]
        if "casework.appeals" in app.view_functions:
            figures += measure_appeals(app, client, region, chance, options.requests)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(line("baseline: registry imports page", baseline, target=False))
        for name, found in figures:
            print(line(name, found, baseline))
        for name, found in figures:
            print(f"slowest {name.split(' (')[0]}: {found['slowest']}")


if __name__ == "__main__":
    main()
