"""The rules of training apartments, on top of the kit's reservations and institutions.

An apartment's places are the units of a resource of the engine; a stay is a claim on one
place over its nights, so two pupils never share a place on a night, whatever the concurrency
(the engine's unique ledger refuses the second). Planning holds the apartment's row, as a change
of its number of places does, so fewer places never retire one a stay is taking meanwhile. A pupil's own stays must not overlap: the
pupil's row is held while the check runs, so the same pupil planned twice at once is checked
twice in turn. Every change of a stay's status goes through :data:`STAYS` (row held, status
read again, audited). Who may see what: an institution's records are for its named
specialists and the region's coordinators; a pupil sees their own.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from plugins.training_apartments import programme
from plugins.training_apartments.models import (STAY_LABELS, Apartment, ApartmentSettings, BudgetEntry, BudgetKind,
                                                Level, Practice, Pupil, SelfRating, Skill, Stay, StayStatus,
                                                SummaryLine)
from portal.kit import (Institution, Lifecycle, Refusal, Role, db, format_day, format_span, grant_role, hold,
                        institution_ids_of, institutions_of, is_staff_of, refuse_duplicates, reservations, today,
                        utcnow)

NAME = "training_apartments"
MAX_PLACES = 12
DEFAULTS = {"min_age": 14, "max_age": 18, "max_nights": 28}
SETTINGS_SAVED_MEANWHILE = _l("The settings were just saved, perhaps by a second click. Reload the page to see them.")

STAYS = Lifecycle("training_apartments.stay", "stay")
STAYS.move("close", [StayStatus.planned], StayStatus.closed)
STAYS.move("cancel", [StayStatus.planned], StayStatus.cancelled)


# --- who may see and run what ----------------------------------------------------------------------

def runs(user, institution: Institution) -> bool:
    """The institution's named specialists and the region's coordinators."""
    return user.has_role(institution.region, Role.coordinator) or is_staff_of(user, institution)


#: Who reads their own record: pupils, and those who left care and are graduates now (the summary follows them).
OWN_ROLES = (Role.pupil, Role.graduate)


def is_own(user, pupil: Pupil) -> bool:
    return pupil.user_id is not None and pupil.user_id == user.id and user.has_role(pupil.institution.region,
                                                                                    *OWN_ROLES)


def may_see(user, pupil: Pupil) -> bool:
    return runs(user, pupil.institution) or is_own(user, pupil)


def visible_institutions(user, region) -> list[Institution]:
    if user.has_role(region, Role.coordinator):
        return list(db.session.scalars(select(Institution).where(Institution.region_id == region.id)
                                       .order_by(Institution.name)))
    return institutions_of(user, region)


def visible_institution_ids(user, region):
    """The ids of ``visible_institutions`` as SQL (None: none), for a count made in the database."""
    if user.has_role(region, Role.coordinator):
        return select(Institution.id).where(Institution.region_id == region.id)
    return institution_ids_of(user, region)


# --- settings --------------------------------------------------------------------------------------

def settings_for(region) -> ApartmentSettings:
    """The region's settings; the defaults, unsaved, until a coordinator saves them (reading never writes)."""
    return db.session.get(ApartmentSettings, region.id) or ApartmentSettings(region_id=region.id, **DEFAULTS)


def save_settings(region, min_age: int, max_age: int, max_nights: int) -> ApartmentSettings:
    if min_age > max_age:
        raise Refusal(_("The youngest age cannot be above the oldest."), "min_age")
    found = db.session.get(ApartmentSettings, region.id)
    if found is None:
        with refuse_duplicates(SETTINGS_SAVED_MEANWHILE, "min_age"):
            found = ApartmentSettings(region_id=region.id, min_age=min_age, max_age=max_age, max_nights=max_nights)
            db.session.add(found)
        return found
    found.min_age, found.max_age, found.max_nights = min_age, max_age, max_nights
    return found


# --- apartments ------------------------------------------------------------------------------------

def _place_label(position: int) -> str:
    return f"place {position + 1}"


def check_places(places: int) -> None:
    if not 1 <= places <= MAX_PLACES:
        raise Refusal(_("An apartment has from 1 to %(max)d places.", max=MAX_PLACES), "places")


def add_apartment(institution: Institution, name: str, places: int, address: str = "", house_rules: str = "",
                  equipment: str = "") -> Apartment:
    check_places(places)
    programme.ensure_programme(institution.region)
    resource = reservations.add_resource(institution.region, NAME, f"{institution.name}: {name}"[:200],
                                         [_place_label(i) for i in range(places)])
    apartment = Apartment(institution=institution, name=name, places=places, address=address,
                          house_rules=house_rules, equipment=equipment, resource=resource)
    db.session.add(apartment)
    db.session.flush()
    return apartment


def update_apartment(apartment: Apartment, *, name: str, places: int, address: str, house_rules: str,
                     equipment: str) -> None:
    """Fewer places than are held on some night are refused (the engine never pushes a pupil out)."""
    check_places(places)
    hold(apartment)
    if places != apartment.places:
        try:
            reservations.resize(apartment.resource, places, _place_label)
        except reservations.ReservationError:
            raise Refusal(_("Pupils hold more places than that on some nights; the apartment cannot have fewer."),
                          "places") from None
        apartment.places = places
    apartment.name, apartment.address = name, address
    apartment.house_rules, apartment.equipment = house_rules, equipment
    apartment.resource.label = f"{apartment.institution.name}: {name}"[:200]
    db.session.flush()


def apartments_of(institutions: list[Institution]) -> list[Apartment]:
    ids = [i.id for i in institutions]
    if not ids:
        return []
    return list(db.session.scalars(select(Apartment).where(Apartment.institution_id.in_(ids))
                                   .options(selectinload(Apartment.institution))
                                   .order_by(Apartment.institution_id, Apartment.name)))


def places_by_unit(apartment: Apartment) -> list:
    return [u for u in apartment.resource.units if u.active]


# --- pupils ----------------------------------------------------------------------------------------

def add_pupil(institution: Institution, name: str, birth_date: date, group_name: str = "") -> Pupil:
    pupil = Pupil(institution=institution, name=name, birth_date=birth_date, group_name=group_name)
    db.session.add(pupil)
    db.session.flush()
    return pupil


def pupils_of(institution: Institution) -> list[Pupil]:
    return list(db.session.scalars(select(Pupil).where(Pupil.institution_id == institution.id)
                                   .options(selectinload(Pupil.user)).order_by(Pupil.name)))


def link_account(pupil: Pupil, user, by) -> None:
    """Link the pupil's record to an existing account and give it the role pupil in the region.

    :raises Refusal: the account is linked to another pupil of the institution already.
    """
    hold(pupil)
    if pupil.user_id == user.id:
        raise Refusal(_("This account is linked to the pupil already."), "email")
    taken = db.session.scalar(select(Pupil.id).where(Pupil.institution_id == pupil.institution_id,
                                                     Pupil.user_id == user.id, Pupil.id != pupil.id))
    if taken is not None:
        raise Refusal(_("This account is linked to another pupil of the institution."), "email")
    with refuse_duplicates(_("This account is linked to another pupil of the institution."), "email"):
        pupil.user_id = user.id
        db.session.flush()
    grant_role(user, pupil.institution.region, Role.pupil, by=by)


def _mine(user, region) -> tuple:
    return Pupil.user_id == user.id, Institution.region_id == region.id


def my_pupils(user, region) -> list[Pupil]:
    """The pupil records linked to the person's account in the region."""
    return list(db.session.scalars(select(Pupil).join(Institution).where(*_mine(user, region)).order_by(Pupil.id)))


def my_pupils_count_query(user, region):
    """How many pupil records the account has in the region, as SQL (the dashboard asks whether any)."""
    return select(func.count(Pupil.id)).join(Institution).where(*_mine(user, region))


# --- stays -----------------------------------------------------------------------------------------

def _no_place(arrival: date, departure: date) -> Refusal:
    return Refusal(_("All places of the apartment are taken on some of the nights %(dates)s.",
                     dates=format_span(arrival, departure)), "arrival")


def check_dates(region, arrival: date, departure: date, on: date | None = None) -> None:
    """``on``: the day taken as today (the region's today; demo data plans stays in the past)."""
    if departure <= arrival:
        raise Refusal(_("The stay must end at least one day after it starts."), "departure")
    if arrival < (on or today(region)):
        raise Refusal(_("The stay cannot start in the past."), "arrival")
    limit = settings_for(region).max_nights
    if (departure - arrival).days > limit:
        raise Refusal(_("A stay is at most %(limit)d nights in the region.", limit=limit), "departure")


def check_pupil(pupil: Pupil, arrival: date, departure: date, region) -> None:
    """The pupil's age at the start and their own stays; the pupil's row is held first."""
    rules = settings_for(region)
    age = pupil.age_on(arrival)
    if not rules.min_age <= age <= rules.max_age:
        raise Refusal(_("%(name)s is %(age)d on %(date)s; a stay is for pupils of %(min)d to %(max)d.",
                        name=pupil.name, age=age, date=format_day(arrival), min=rules.min_age, max=rules.max_age),
                      "pupils")
    hold(pupil)
    overlapping = db.session.scalar(select(Stay).where(
        Stay.pupil_id == pupil.id, Stay.status == StayStatus.planned,
        Stay.arrival < departure, Stay.departure > arrival).limit(1))
    if overlapping is not None:
        raise Refusal(_("%(name)s already has a stay from %(start)s to %(end)s; the dates overlap.",
                        name=pupil.name, start=format_day(overlapping.arrival),
                        end=format_day(overlapping.departure)), "pupils")


def plan_stays(apartment: Apartment, pupils: list[Pupil], arrival: date, departure: date, by=None,
               on: date | None = None) -> list[Stay]:
    """One stay per pupil, all or none; each holds a place of the apartment over the nights.

    :raises Refusal: no pupil, more pupils than places, dates that make no sense, a pupil too young or
        too old, overlapping stays, or no free place on some night.
    """
    region = apartment.institution.region
    if not pupils:
        raise Refusal(_("Choose at least one pupil."), "pupils")
    # The apartment first (its places as a change of them left them), then its pupils, always in that order.
    hold(apartment)
    if len(pupils) > apartment.places:
        raise Refusal(_("The apartment has %(places)d places; %(count)d pupils were chosen.",
                        places=apartment.places, count=len(pupils)), "pupils")
    if any(p.institution_id != apartment.institution_id for p in pupils):
        raise Refusal(_("Only the institution's own pupils can stay in its apartment."), "pupils")
    check_dates(region, arrival, departure, on)
    programme.ensure_programme(region)
    made = []
    for pupil in sorted(pupils, key=lambda p: p.id):  # rows are held always in one order
        check_pupil(pupil, arrival, departure, region)
        try:
            held = reservations.claim(apartment.resource, pupil.user, *reservations.nights(arrival, departure))
        except reservations.NoRoom:
            raise _no_place(arrival, departure) from None
        stay = Stay(apartment=apartment, pupil=pupil, arrival=arrival, departure=departure, claim=held,
                    planned_by_id=by.id if by is not None else None)
        db.session.add(stay)
        db.session.flush()
        made.append(stay)
    return made


def under_way(stay: Stay, day: date | None = None) -> bool:
    day = day or today(stay.apartment.institution.region)
    return stay.status == StayStatus.planned and stay.arrival <= day < stay.departure


def started(stay: Stay, day: date | None = None) -> bool:
    return stay.arrival <= (day or today(stay.apartment.institution.region))


def _claim(stay: Stay):
    if stay.claim is not None:
        db.session.refresh(stay.claim)
    return stay.claim


def cancel(stay: Stay) -> None:
    """A planned stay called off before or during it: the place is free again from today on."""
    region = stay.apartment.institution.region
    STAYS.apply(stay, "cancel", region=region, subject=stay.pupil.user, details={"pupil": stay.pupil_id})
    held = _claim(stay)
    day = today(region)
    if held is None or day >= stay.departure:  # over already: its nights stay in the ledger as history
        return
    if stay.arrival < day:  # called off during the stay: the nights stayed are kept, the rest is free
        reservations.reschedule(held, *reservations.nights(stay.arrival, day))
        stay.departure = day
    else:
        reservations.release(held)


def _recordable(stay: Stay, day: date, on: date | None = None) -> None:
    region = stay.apartment.institution.region
    hold(stay)
    if stay.status != StayStatus.planned:
        raise Refusal(_("The stay is %(status)s; nothing more can be recorded in it.",
                        status=STAY_LABELS(stay.status)))
    if not stay.arrival <= day < max(stay.departure, stay.arrival + timedelta(days=1)):
        raise Refusal(_("Give a day of the stay: from %(start)s to %(end)s.", start=format_day(stay.arrival),
                        end=format_day(stay.departure - timedelta(days=1))), "day")
    if day > (on or today(region)):
        raise Refusal(_("This day has not come yet."), "day")


def record_practice(stay: Stay, day: date, skill_id, level_id, note: str, by=None,
                    on: date | None = None) -> Practice:
    region = stay.apartment.institution.region
    skill = programme.region_skill(region, skill_id)
    level = programme.region_level(region, level_id)
    _recordable(stay, day, on)
    found = Practice(stay_id=stay.id, day=day, skill=skill, level=level, note=note,
                     recorded_by_id=by.id if by is not None else None)
    db.session.add(found)
    db.session.flush()
    return found


def record_budget(stay: Stay, day: date, kind: BudgetKind, amount: int, what: str,
                  on: date | None = None) -> BudgetEntry:
    if amount <= 0:
        raise Refusal(_("Give an amount above zero."), "amount")
    _recordable(stay, day, on)
    entry = BudgetEntry(stay_id=stay.id, day=day, kind=kind, amount=amount, what=what)
    db.session.add(entry)
    db.session.flush()
    return entry


def practice_of(stay: Stay) -> list[Practice]:
    return list(db.session.scalars(select(Practice).where(Practice.stay_id == stay.id)
                                   .options(selectinload(Practice.skill).selectinload(Skill.area),
                                            selectinload(Practice.level))
                                   .order_by(Practice.day.desc(), Practice.id.desc())))


def budget_of(stay: Stay) -> list[tuple[BudgetEntry, int]]:
    """The diary in order, each line with what is left after it."""
    rows = db.session.scalars(select(BudgetEntry).where(BudgetEntry.stay_id == stay.id)
                              .order_by(BudgetEntry.day, BudgetEntry.id)).all()
    left, lines = 0, []
    for entry in rows:
        left += entry.amount if entry.kind == BudgetKind.given else -entry.amount
        lines.append((entry, left))
    return lines


def suggested_summary(stay: Stay) -> dict[int, tuple[int | None, int | None]]:
    """area id -> (level id of the first record in the area, of the last): where the form starts."""
    first, last = {}, {}
    for record in sorted(practice_of(stay), key=lambda p: (p.day, p.id)):
        area = record.skill.area_id
        first.setdefault(area, record.level_id)
        last[area] = record.level_id
    return {area: (first[area], last[area]) for area in first}


def close(stay: Stay, lines: dict[int, dict], by, on: date | None = None) -> None:
    """Sign off the readiness summary and end the stay; leaving early frees the nights not stayed.

    :param lines: area id -> {"start": level id, "end": level id, "strengths": str, "next_steps": str},
        one for every area of the programme.
    :raises Refusal: the stay has not started, is no longer planned, or a level is not in the programme.
    """
    region = stay.apartment.institution.region
    day = on or today(region)
    if stay.arrival > day:
        raise Refusal(_("The stay starts on %(date)s; it can be closed from that day.", date=format_day(stay.arrival)))
    checked = {}
    for area in programme.areas(region):
        given = lines.get(area.id)
        if given is None:
            raise Refusal(_("Give the levels of every area."))
        checked[area.id] = (programme.region_level(region, given["start"]), programme.region_level(region, given["end"]),
                            given)
    STAYS.apply(stay, "close", region=region, subject=stay.pupil.user, details={"pupil": stay.pupil_id})
    for area_id, (start, end, given) in checked.items():
        db.session.add(SummaryLine(stay_id=stay.id, area_id=area_id, start_level_id=start.id, end_level_id=end.id,
                                   strengths=given.get("strengths", ""), next_steps=given.get("next_steps", "")))
    stay.signed_by_id, stay.signed_at = by.id if by is not None else None, utcnow()
    held = _claim(stay)
    leave = min(max(day, stay.arrival + timedelta(days=1)), stay.departure)
    if held is not None and leave < stay.departure:
        reservations.reschedule(held, *reservations.nights(stay.arrival, leave))
        stay.departure = leave
    db.session.flush()


def summary_of(stay: Stay) -> list[SummaryLine]:
    return list(db.session.scalars(select(SummaryLine).where(SummaryLine.stay_id == stay.id)
                                   .options(selectinload(SummaryLine.area), selectinload(SummaryLine.start_level),
                                            selectinload(SummaryLine.end_level))
                                   .order_by(SummaryLine.id)))


def stays_of(pupil: Pupil) -> list[Stay]:
    return list(db.session.scalars(select(Stay).where(Stay.pupil_id == pupil.id)
                                   .options(selectinload(Stay.apartment)).order_by(Stay.arrival.desc())))


def apartment_stays(apartment: Apartment, since: date) -> list[Stay]:
    return list(db.session.scalars(select(Stay).where(Stay.apartment_id == apartment.id,
                                                      Stay.status == StayStatus.planned, Stay.departure > since)
                                   .options(selectinload(Stay.pupil)).order_by(Stay.arrival)))


def last_summary(pupil: Pupil) -> list[SummaryLine]:
    stay = db.session.scalar(select(Stay).where(Stay.pupil_id == pupil.id, Stay.status == StayStatus.closed)
                             .order_by(Stay.signed_at.desc(), Stay.id.desc()).limit(1))
    return summary_of(stay) if stay is not None else []


def weak_support_areas(pupils: list[Pupil], region) -> list[str]:
    """The core's support areas of the areas still weak at each pupil's last signed-off summary."""
    scale = programme.levels(region)
    below = programme.weak_below(scale)
    found = set()
    for pupil in pupils:
        for line in last_summary(pupil):
            if line.end_level.rank < below:
                found.add(line.area.support_area)
    return sorted(found)


def weak_support_areas_of(user_ids, region) -> dict[int, list[str]]:
    """:func:`weak_support_areas` of many graduates: their pupil records in one query, then each record's
    last summary (only the graduates who lived in an apartment have one)."""
    pupils = db.session.scalars(select(Pupil).join(Institution).where(
        Pupil.user_id.in_(list(user_ids)), Institution.region_id == region.id).order_by(Pupil.id))
    by_user: dict[int, list[Pupil]] = {}
    for pupil in pupils:
        by_user.setdefault(pupil.user_id, []).append(pupil)
    return {user_id: weak_support_areas(found, region) for user_id, found in by_user.items()}


# --- the pupil's own ratings ---------------------------------------------------------------------

def rate_self(pupil: Pupil, skill_id, level_id) -> SelfRating:
    region = pupil.institution.region
    skill = programme.region_skill(region, skill_id)
    level = programme.region_level(region, level_id)
    hold(pupil)
    found = db.session.scalar(select(SelfRating).where(SelfRating.pupil_id == pupil.id,
                                                       SelfRating.skill_id == skill.id))
    if found is None:
        found = SelfRating(pupil_id=pupil.id, skill_id=skill.id, level_id=level.id)
        db.session.add(found)
    found.level_id, found.rated_at = level.id, utcnow()
    db.session.flush()
    return found


def self_ratings(pupil: Pupil) -> dict[int, SelfRating]:
    return {r.skill_id: r for r in db.session.scalars(select(SelfRating).where(SelfRating.pupil_id == pupil.id)
                                                      .options(selectinload(SelfRating.level)))}


def latest_levels(pupil: Pupil) -> dict[int, Level]:
    """skill id -> the level of the pupil's latest practice of it: their progress."""
    rows = db.session.execute(select(Practice.skill_id, Practice.level_id, Practice.day, Practice.id)
                              .join(Stay).where(Stay.pupil_id == pupil.id)
                              .order_by(Practice.day, Practice.id)).all()
    latest = {}
    for skill_id, level_id, _day, _id in rows:
        latest[skill_id] = level_id
    by_id = {lv.id: lv for lv in db.session.scalars(select(Level).where(Level.id.in_(set(latest.values()))))} \
        if latest else {}
    return {skill: by_id[level] for skill, level in latest.items()}


# --- yearly readiness monitoring -------------------------------------------------------------------

def monitoring(region, year: int, institutions: list[Institution]) -> list[dict]:
    """Per institution: pupils trained in the year (a stay closed in it), and per area the average rank at
    each one's first stay (its start) and at their last stay up to the year's end (its end), and the change.

    One query for the summary lines of every pupil concerned; the averages are over pupils.
    """
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    area_list = programme.areas(region)
    ids = [i.id for i in institutions]
    trained = defaultdict(set)
    if ids:
        for institution_id, pupil_id in db.session.execute(
                select(Pupil.institution_id, Pupil.id).join(Stay, Stay.pupil_id == Pupil.id).where(
                    Pupil.institution_id.in_(ids), Stay.status == StayStatus.closed,
                    Stay.departure > start, Stay.arrival < end).distinct()):
            trained[institution_id].add(pupil_id)
    pupil_ids = set().union(*trained.values()) if trained else set()
    first, last = {}, {}  # (pupil, area) -> rank
    if pupil_ids:
        rows = db.session.execute(
            select(Stay.pupil_id, SummaryLine.area_id, Stay.arrival, Stay.id, Level.rank, SummaryLine.end_level_id)
            .join(SummaryLine, SummaryLine.stay_id == Stay.id).join(Level, Level.id == SummaryLine.start_level_id)
            .where(Stay.pupil_id.in_(pupil_ids), Stay.status == StayStatus.closed, Stay.arrival < end)
            .order_by(Stay.arrival, Stay.id)).all()
        end_ranks = dict(db.session.execute(select(Level.id, Level.rank).where(Level.region_id == region.id)).all())
        for pupil_id, area_id, _arrival, _stay, start_rank, end_level in rows:
            first.setdefault((pupil_id, area_id), start_rank)
            last[(pupil_id, area_id)] = end_ranks.get(end_level, 0)
    figures = []
    for institution in institutions:
        people = trained.get(institution.id, set())
        rows = []
        for area in area_list:
            starts = [first[(p, area.id)] for p in people if (p, area.id) in first]
            ends = [last[(p, area.id)] for p in people if (p, area.id) in last]
            at_first = round(sum(starts) / len(starts), 1) if starts else None
            at_last = round(sum(ends) / len(ends), 1) if ends else None
            change = round(at_last - at_first, 1) if at_first is not None and at_last is not None else None
            rows.append({"area": area, "first": at_first, "last": at_last, "change": change, "pupils": len(ends)})
        figures.append({"institution": institution, "trained": len(people), "rows": rows})
    return figures


def under_way_count_query(institution_ids, day: date):
    """Stays under way on ``day`` in the apartments of ``institution_ids`` (ids, or SQL giving them), as SQL."""
    return select(func.count(Stay.id)).join(Apartment).where(
        Apartment.institution_id.in_(institution_ids), Stay.status == StayStatus.planned, Stay.arrival <= day,
        Stay.departure > day)


def count_under_way(institutions: list[Institution], day: date) -> int:
    ids = [i.id for i in institutions]
    if not ids:
        return 0
    return db.session.scalar(under_way_count_query(ids, day)) or 0


# --- a person's data -------------------------------------------------------------------------------

def erase(user) -> None:
    """The pupil records linked to the account go with it, their stays too; places to come are given back."""
    for pupil in db.session.scalars(select(Pupil).where(Pupil.user_id == user.id).order_by(Pupil.id)).all():
        hold(pupil)
        for stay in db.session.scalars(select(Stay).where(Stay.pupil_id == pupil.id).order_by(Stay.id)).all():
            hold(stay)
            if stay.status == StayStatus.planned and stay.claim is not None:
                reservations.release(stay.claim)
            db.session.delete(stay)
        db.session.delete(pupil)
    db.session.flush()


def export(user) -> list[dict]:
    out = []
    for pupil in db.session.scalars(select(Pupil).where(Pupil.user_id == user.id).order_by(Pupil.id)):
        stays = []
        for stay in stays_of(pupil):
            stays.append({
                "apartment": stay.apartment.name, "arrival": stay.arrival.isoformat(),
                "departure": stay.departure.isoformat(), "status": stay.status.value,
                "practice": [{"day": p.day.isoformat(), "skill": programme.skill_name(p.skill),
                              "level": programme.level_name(p.level), "note": p.note} for p in practice_of(stay)],
                "budget": [{"day": e.day.isoformat(), "kind": e.kind.value, "amount": e.amount, "what": e.what,
                            "left": left} for e, left in budget_of(stay)],
                "summary": [{"area": programme.area_name(line.area), "start": programme.level_name(line.start_level),
                             "end": programme.level_name(line.end_level), "strengths": line.strengths,
                             "next_steps": line.next_steps} for line in summary_of(stay)],
            })
        out.append({"institution": pupil.institution.name, "name": pupil.name,
                    "birth_date": pupil.birth_date.isoformat(), "group": pupil.group_name, "stays": stays,
                    "self_ratings": [{"skill": programme.skill_name(r.skill), "level": programme.level_name(r.level),
                                      "rated_at": r.rated_at.isoformat() + "Z"}
                                     for r in self_ratings(pupil).values()]})
    return out
