"""The demo at scale: a region (2,500 graduates, 600 mentors) or a country (85 regions, 100,000 graduates).

``portal demo --scale region|country`` loads the ordinary demo first (its people sign in as always), then
gives regions their crowds of people in bulk, lets every plugin on there add its rows in proportion
(``portal_demo_crowd``) and fills the audit log. Rows go in by the thousand (``bulk_insert``), so a
country takes minutes. Running it again adds nothing: a region whose crowd exists is left alone.
"""
from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, text

from portal.accounts.demo import DEMO_REGIONS, DemoReport, _shared_hash, load_demo
from portal.app.extensions import db
from portal.app.plugin_types import DemoCrowd
from portal.app.plugins import plugin_host
from portal.models import AuditEvent, Membership, MembershipStatus, Municipality, Region, Role, User
from portal.models._time import utcnow
from portal.services.bulk import bulk_insert


@dataclass(frozen=True)
class Scale:
    regions: int
    graduates: int  # in all
    mentors: int
    big_graduates: int  # of them, in the first demo region (Belgorod)
    big_mentors: int
    audit_events: int


SCALES = {
    "region": Scale(regions=1, graduates=2_500, mentors=600, big_graduates=2_500, big_mentors=600,
                    audit_events=25_000),
    "country": Scale(regions=85, graduates=100_000, mentors=20_000, big_graduates=10_000, big_mentors=2_000,
                     audit_events=1_000_000),
}
TOWNS = ["Центральный район", "Северный район", "Южный район", "Заречье", "Пригородный район", "Посёлок Лесной"]
FIRST = ["Анна", "Мария", "Дарья", "Полина", "Ксения", "Алина", "Иван", "Егор", "Никита", "Артём", "Кирилл", "Роман"]
LAST = ["Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов",
        "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов"]
ROLES = ("graduate", "mentor", "volunteer", "specialist", "coordinator")
ACTIONS = ["login", "logout", "mentorship.board.viewed", "social_hotel.stay.viewed", "graduate_clubs.event.viewed",
           "casework.record.viewed", "member.approved", "password.changed", "access.denied"]


@dataclass
class CrowdReport:
    scale: str
    regions: int = 0
    people: int = 0
    audit_events: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    demo_seconds: float = 0.0
    demo: DemoReport | None = None  # the ordinary demo's, with its logins


def crowd_email(role: str, number: int, region_code: str) -> str:
    return f"{role}-{number:05d}@{region_code}.crowd"


def _name(chance: random.Random, number: int) -> str:
    first = FIRST[number % len(FIRST)]
    last = chance.choice(LAST) + ("а" if FIRST.index(first) < 6 else "")
    return f"{first} {last}"


def _regions(scale: Scale) -> list[Region]:
    """The demo regions first (the first is the big one), then ``region-03`` … up to the scale's number."""
    known = {r.code: r for r in db.session.scalars(select(Region))}
    wanted = [spec["code"] for spec in DEMO_REGIONS][:scale.regions]
    wanted += [f"region-{n:02d}" for n in range(len(wanted) + 1, scale.regions + 1)]
    host = plugin_host()
    for code in wanted:
        if code not in known:
            region = Region(code=code, name=f"Регион {code[-2:]}", timezone="Europe/Moscow", default_locale="ru")
            region.municipalities = [Municipality(name=town) for town in TOWNS]
            db.session.add(region)
            db.session.flush()
            for name in host.names():  # every service on, so every plugin has its rows at scale
                host.set_enabled(region, name, True)
            known[code] = region
    db.session.flush()
    return [known[code] for code in wanted]


def _shares(total: int, big: int, count: int) -> list[int]:
    """``big`` for the first region, the rest of ``total`` spread evenly over the others."""
    if count == 1:
        return [big]
    rest, extra = divmod(total - big, count - 1)
    return [big] + [rest + (1 if n < extra else 0) for n in range(count - 1)]


def _people(region: Region, counts: dict[str, int], password_hash: str, chance: random.Random) -> dict[str, list]:
    towns = [m.id for m in region.municipalities]
    made = utcnow()
    rows, roles = [], []
    for role, count in counts.items():
        for number in range(count):
            rows.append({"email": crowd_email(role, number, region.code), "name": _name(chance, number),
                         "password_hash": password_hash, "locale": "ru", "session_token": secrets.token_hex(16),
                         "municipality_id": towns[number % len(towns)], "email_confirmed_at": made,
                         "created_at": made})
            roles.append(role)
    ids = bulk_insert(User, rows, returning=True)
    bulk_insert(Membership, ({"user_id": user_id, "region_id": region.id, "role": Role(role),
                              "status": MembershipStatus.active, "created_at": made,
                              "documents_checked_at": made if role in ("mentor", "volunteer") else None}
                             for user_id, role in zip(ids, roles)))
    found: dict[str, list] = {role: [] for role in counts}
    for user_id, role in zip(ids, roles):
        found[role].append(user_id)
    return found


def _audit(region: Region, people: list[int], count: int, chance: random.Random) -> None:
    start = utcnow() - timedelta(days=365)
    step = 365 * 24 * 3600 / max(count, 1)
    bulk_insert(AuditEvent, ({"at": start + timedelta(seconds=n * step), "actor_id": chance.choice(people),
                              "actor_label": "", "action": ACTIONS[n % len(ACTIONS)], "target": f"record:{n}",
                              "region_id": region.id, "address": "127.0.0.1", "details": {}}
                             for n in range(count)))


def add_crowd(region: Region, counts: dict[str, int], audit_events: int, password_hash: str,
              seed: int = 0) -> dict[str, int]:
    """One region's crowd: ``counts`` people by role in bulk, every plugin's rows on them
    (``portal_demo_crowd``, for the plugins on there) and ``audit_events`` lines; not committed.
    Returns the plugins' rows made, by name. The tests grow a region with it too."""
    chance = random.Random(f"crowd-{region.code}-{seed}")
    people = _people(region, {role: counts.get(role, 0) for role in ROLES}, password_hash, chance)
    crowd = DemoCrowd(region_id=region.id, municipality_ids=[m.id for m in region.municipalities],
                      graduates=people["graduate"], mentors=people["mentor"], volunteers=people["volunteer"],
                      specialists=people["specialist"], coordinators=people["coordinator"], seed=seed)
    host = plugin_host()
    made: dict[str, int] = {}
    for _plugin, rows in host.each("portal_demo_crowd", only=host.enabled_in(region), region=region, crowd=crowd):
        for name, count in rows.items():
            made[name] = made.get(name, 0) + count
    _audit(region, people["specialist"] + people["coordinator"], audit_events, chance)
    return made


def load_crowd(scale_name: str, password: str, echo=lambda line: None) -> CrowdReport:
    """The ordinary demo, then the scale's regions with their crowds; each region is committed when done."""
    scale = SCALES[scale_name]
    report = CrowdReport(scale=scale_name)
    started = time.perf_counter()
    report.demo = load_demo(password)
    report.demo_seconds = time.perf_counter() - started
    regions = _regions(scale)
    db.session.commit()
    password_hash = _shared_hash(password)
    graduates = _shares(scale.graduates, scale.big_graduates, len(regions))
    mentors = _shares(scale.mentors, scale.big_mentors, len(regions))
    events = _shares(scale.audit_events, scale.audit_events * scale.big_graduates // scale.graduates, len(regions))
    for number, region in enumerate(regions):
        if db.session.scalar(select(User.id).where(User.email == crowd_email("graduate", 0, region.code))):
            continue
        counts = {"graduate": graduates[number], "mentor": mentors[number],
                  "volunteer": max(2, graduates[number] // 50), "specialist": max(2, graduates[number] // 100),
                  "coordinator": 2}
        for name, count in add_crowd(region, counts, events[number], password_hash, seed=number).items():
            report.rows[name] = report.rows.get(name, 0) + count
        db.session.commit()
        report.regions += 1
        report.people += sum(counts.values())
        report.audit_events += events[number]
        echo(f"  {region.code}: {sum(counts.values()):,} people ({time.perf_counter() - started:.0f} s)")
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))  # the planner's figures, as autovacuum would keep them
    report.seconds = time.perf_counter() - started
    return report
