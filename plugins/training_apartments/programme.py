"""The region's programme: areas of independent life, their skills, and one scale of levels.

A default programme ships in both languages: its rows keep a ``key`` and an empty name, and
are shown in the reader's language; once the coordinator renames one, the name typed is shown.
The default is written the first time a region needs it (its first apartment, its first stay,
the coordinator's page); unique keys make two first times at once write it once.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from plugins.training_apartments.models import Area, Level, Skill
from portal.kit import SUPPORT_AREAS, Refusal, db

# key -> (name, the core's support area, [(skill key, skill name)])
DEFAULT_AREAS = {
    "food": (_l("Food and cooking"), "everyday_skills", [
        ("menu", _l("Plan the day's meals")), ("cook", _l("Cook a simple meal")),
        ("store", _l("Keep food fresh and safe")),
    ]),
    "budget": (_l("Money and budget"), "finances", [
        ("plan", _l("Plan a budget for the week")), ("diary", _l("Keep the budget diary")),
        ("bills", _l("Pay bills: rent, utilities, phone")),
    ]),
    "home": (_l("Cleaning and laundry"), "everyday_skills", [
        ("clean", _l("Clean the apartment")), ("laundry", _l("Do the laundry and ironing")),
    ]),
    "shopping": (_l("Shopping"), "finances", [
        ("list", _l("Make a shopping list")), ("prices", _l("Compare prices and check the receipt")),
    ]),
    "services": (_l("Public services and transport"), "everyday_skills", [
        ("transport", _l("Find the way by public transport")), ("mfc", _l("Use public services (MFC, Gosuslugi)")),
    ]),
    "health": (_l("Health"), "health", [
        ("doctor", _l("Make an appointment with a doctor")), ("first_aid", _l("Keep a first-aid kit; know when to call for help")),
    ]),
    "documents": (_l("Documents"), "legal", [
        ("keep", _l("Keep one's documents in order")), ("apply", _l("Apply for a document or a benefit")),
    ]),
}
DEFAULT_LEVELS = [("not_yet", _l("not yet")), ("with_help", _l("with help")),
                  ("with_reminder", _l("with a reminder")), ("on_my_own", _l("on my own"))]
_SKILL_NAMES = {(area, key): name for area, (_n, _s, skills) in DEFAULT_AREAS.items() for key, name in skills}
_LEVEL_NAMES = dict(DEFAULT_LEVELS)


def area_name(area: Area) -> str:
    if area.name:
        return area.name
    return str(DEFAULT_AREAS[area.key][0]) if area.key in DEFAULT_AREAS else area.key or ""


def skill_name(skill: Skill) -> str:
    if skill.name:
        return skill.name
    return str(_SKILL_NAMES.get((skill.area.key, skill.key), skill.key or ""))


def level_name(level: Level | None) -> str:
    if level is None:
        return "—"
    if level.name:
        return level.name
    return str(_LEVEL_NAMES.get(level.key, level.key or level.rank))


def has_programme(region) -> bool:
    return db.session.scalar(select(Level.id).where(Level.region_id == region.id).limit(1)) is not None


def ensure_programme(region) -> None:
    """Write the default programme when the region has none; a second writer at the same moment loses quietly."""
    if has_programme(region):
        return
    try:
        with db.session.begin_nested():
            db.session.add_all(Level(region_id=region.id, rank=rank, key=key)
                               for rank, (key, _label) in enumerate(DEFAULT_LEVELS))
            for position, (key, (_name, support, skills)) in enumerate(DEFAULT_AREAS.items()):
                area = Area(region_id=region.id, key=key, support_area=support, position=position)
                area.skills = [Skill(key=skill, position=i) for i, (skill, _label) in enumerate(skills)]
                db.session.add(area)
            db.session.flush()
    except IntegrityError:  # written meanwhile by another request
        pass


def areas(region) -> list[Area]:
    return list(db.session.scalars(select(Area).where(Area.region_id == region.id)
                                   .options(selectinload(Area.skills)).order_by(Area.position, Area.id)))


def levels(region) -> list[Level]:
    return list(db.session.scalars(select(Level).where(Level.region_id == region.id).order_by(Level.rank)))


def weak_below(scale: list[Level]) -> int:
    """Ranks below this are still weak: the lower half of the scale ("not yet", "with help")."""
    return (len(scale) + 1) // 2


def region_level(region, level_id) -> Level:
    """The level, if it is a step of the region's scale.

    :raises Refusal: any other id (another region's, made up).
    """
    found = db.session.get(Level, level_id) if isinstance(level_id, int) else None
    if found is None or found.region_id != region.id:
        raise Refusal(_("This level is not in the region's programme; choose one of the list."), "level")
    return found


def region_skill(region, skill_id, active_only: bool = True) -> Skill:
    found = db.session.get(Skill, skill_id) if isinstance(skill_id, int) else None
    if found is None or found.area.region_id != region.id or (active_only and not found.active):
        raise Refusal(_("This skill is not in the region's programme; choose one of the list."), "skill")
    return found


def region_area(region, area_id) -> Area:
    found = db.session.get(Area, area_id) if isinstance(area_id, int) else None
    if found is None or found.region_id != region.id:
        raise Refusal(_("This area is not in the region's programme."), "area")
    return found


# --- the coordinator's changes ---------------------------------------------------------------------

def add_area(region, name: str, support_area: str) -> Area:
    if support_area not in SUPPORT_AREAS:
        raise Refusal(_("Choose one of the support areas of the list."), "support_area")
    position = db.session.scalar(select(func.coalesce(func.max(Area.position) + 1, 0))
                                 .where(Area.region_id == region.id))
    area = Area(region_id=region.id, name=name, support_area=support_area, position=position)
    db.session.add(area)
    db.session.flush()
    return area


def add_skill(area: Area, name: str) -> Skill:
    position = db.session.scalar(select(func.coalesce(func.max(Skill.position) + 1, 0))
                                 .where(Skill.area_id == area.id))
    skill = Skill(area_id=area.id, name=name, position=position)
    db.session.add(skill)
    db.session.flush()
    return skill


def add_level(region, name: str) -> Level:
    """A step above the top one: records made on the scale keep their meaning."""
    rank = db.session.scalar(select(func.coalesce(func.max(Level.rank) + 1, 0)).where(Level.region_id == region.id))
    level = Level(region_id=region.id, rank=rank, name=name)
    db.session.add(level)
    db.session.flush()
    return level
