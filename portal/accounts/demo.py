"""Demo data: two real regions, one person of every role, and each plugin's own."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select

from portal.accounts.passwords import hash_password
from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.models import Membership, MembershipStatus, Municipality, Region, RegionPlugin, Role, User
from portal.models._time import utcnow

DEFAULT_PASSWORD = "demo-portal-2026"

DEMO_REGIONS = [
    {
        "code": "belgorod",
        "name": "Белгородская область",
        "timezone": "Europe/Moscow",
        "municipalities": [
            "Белгород", "Старый Оскол", "Губкин", "Шебекинский городской округ",
            "Алексеевский городской округ", "Валуйский городской округ",
            "Яковлевский городской округ", "Новооскольский городской округ",
        ],
        "people": {
            "graduate": "Анна Смирнова",
            "mentor": "Игорь Белов",
            "volunteer": "Дарья Кузнецова",
            "specialist": "Елена Воронова",
            "coordinator": "Ольга Никитина",
            "region_admin": "Сергей Романов",
        },
    },
    {
        "code": "smolensk",
        "name": "Смоленская область",
        "timezone": "Europe/Moscow",
        "municipalities": [
            "Смоленск", "Вязьма", "Рославль", "Ярцево", "Сафоново", "Гагаринский район", "Десногорск",
        ],
        "people": {
            "graduate": "Максим Орлов",
            "mentor": "Наталья Фёдорова",
            "volunteer": "Артём Соколов",
            "specialist": "Ирина Морозова",
            "coordinator": "Татьяна Лебедева",
            "region_admin": "Алексей Григорьев",
        },
    },
]

SITE_ADMIN = ("admin@portal.demo", "Администратор портала")


@dataclass
class DemoReport:
    people: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    created_people: int = 0


def _user(email: str, name: str, password: str, report: DemoReport, municipality=None) -> User:
    user = User.by_email(email)
    if user is None:
        user = User(email=email, name=name, password_hash=hash_password(password), locale="ru",
                    session_token=secrets.token_hex(16), municipality=municipality, email_confirmed_at=utcnow())
        db.session.add(user)
        report.created_people += 1
    return user


@lru_cache(maxsize=4)
def _shared_hash(password: str) -> str:
    """Demo people share one password, so one hash serves them all: hundreds load in seconds."""
    return hash_password(password)


def demo_member(region: Region, email: str, name: str, role: str | Role, password: str,
                municipality: Municipality | None = None) -> User:
    """A demo person with an active ``role`` in ``region``, made once: plugins call it for their demo people.

    Mentors come with their documents checked, as the service would have done before approval.
    """
    role = Role(role)
    user = User.by_email(email)
    if user is None:
        user = User(email=email, name=name, password_hash=_shared_hash(password), locale="ru",
                    session_token=secrets.token_hex(16), municipality=municipality, email_confirmed_at=utcnow())
        db.session.add(user)
    if not any(m.region_id == region.id and m.role == role for m in user.memberships):
        user.memberships.append(Membership(region=region, role=role, status=MembershipStatus.active,
                                           documents_checked_at=utcnow() if role == Role.mentor else None))
    db.session.flush()
    return user


def _region(spec: dict) -> Region:
    region = db.session.scalar(select(Region).where(Region.code == spec["code"]))
    if region is None:
        region = Region(code=spec["code"], name=spec["name"], timezone=spec["timezone"], default_locale="ru")
        db.session.add(region)
    known = {m.name for m in region.municipalities}
    region.municipalities.extend(Municipality(name=n) for n in spec["municipalities"] if n not in known)
    db.session.flush()
    return region


def _switch_plugins(region: Region) -> None:
    """First run only: a region admin's later choices are left alone."""
    host = plugin_host()
    existing = set(db.session.scalars(select(RegionPlugin.plugin).where(RegionPlugin.region_id == region.id)))
    for name in host.names():
        if name in existing:
            continue
        wanted = host.info(name).demo_regions
        host.set_enabled(region, name, not wanted or region.code in wanted)


def load_demo(password: str = DEFAULT_PASSWORD) -> DemoReport:
    report = DemoReport()
    admin = _user(*SITE_ADMIN, password, report)
    admin.is_site_admin = True
    report.people["site"] = [("site admin", SITE_ADMIN[0])]
    host = plugin_host()
    for spec in DEMO_REGIONS:
        region = _region(spec)
        _switch_plugins(region)
        people: dict[str, User] = {}
        listed = []
        for role_name, name in spec["people"].items():
            email = f"{role_name}@{region.code}.demo"
            user = _user(email, name, password, report, municipality=region.municipalities[0])
            role = Role(role_name)
            if not any(m.region_id == region.id and m.role == role for m in user.memberships):
                user.memberships.append(Membership(region=region, role=role, status=MembershipStatus.active))
            people[role_name] = user
            listed.append((role_name, email))
        db.session.flush()
        host.each("portal_demo_data", only=host.enabled_in(region), region=region, people=people,
                  password=password)
        report.people[region.code] = listed
    db.session.commit()
    return report
