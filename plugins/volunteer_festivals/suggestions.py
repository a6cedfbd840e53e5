"""What `matching` sees of volunteers and shifts, and the suggestions both ways.

A volunteer becomes a :class:`matching.Person` (interests, skills, age on the festival's first
day, free times, and the shifts they hold or wait for as busy time); a shift with free places a
:class:`matching.Opportunity` (its role's interests and skills, minimum age, the time keys it
takes at the region's clock, its exact interval for clashes).
"""
from __future__ import annotations

from sqlalchemy import select

import matching
from plugins.volunteer_festivals.festivals import region_people
from plugins.volunteer_festivals.models import Festival, FestivalShift, ShiftAssignment, VolunteerProfile
from plugins.volunteer_festivals.shifts import age_on, commitments, festival_shifts, place_counts, time_keys
from portal.kit import db, to_local, utcnow

MAX_SHIFTS = 3  # a volunteer is proposed at most this many shifts by the whole-festival plan
SUGGESTED = 5


def _seconds(moment) -> float:
    return moment.timestamp()


def as_person(user, profile: VolunteerProfile | None, festival: Festival, busy=None, capacity: int = 1) \
        -> matching.Person:
    if busy is None:
        busy = [(a.shift.starts_at, a.shift.ends_at) for a in commitments(user)]
    return matching.Person(
        id=str(user.id), interests=(profile.interests if profile else []), skills=(profile.skills if profile else []),
        age=age_on(profile.birth_date if profile else None, festival.first_day),
        free=(profile.free if profile else []), capacity=capacity,
        busy=[(_seconds(a), _seconds(b)) for a, b in busy])


def as_opportunity(shift: FestivalShift, region, free_places: int) -> matching.Opportunity:
    return matching.Opportunity(
        id=str(shift.id), interests=shift.role.interests or [], skills=shift.role.skills or [],
        min_age=shift.role.min_age, times=time_keys(shift, region), start=_seconds(shift.starts_at),
        end=_seconds(shift.ends_at), capacity=free_places)


def open_shifts(festival: Festival, include_restricted: bool = False) -> list[tuple[FestivalShift, int]]:
    """Shifts still to come, with their free places (restricted ones only for the organizers)."""
    now = utcnow()
    shifts = [s for s in festival_shifts(festival) if s.starts_at > now and (include_restricted or not s.restricted)]
    counts = place_counts(shifts)
    return [(s, s.capacity - counts[s.id][0]) for s in shifts]


def for_volunteer(user, festival: Festival, k: int = SUGGESTED) -> list[tuple[FestivalShift, matching.Match]]:
    """The volunteer's best shifts with free places, none clashing with what they hold, with reasons."""
    region = festival.region
    profile = db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.region_id == region.id,
                                                               VolunteerProfile.user_id == user.id))
    shifts = [(s, free) for s, free in open_shifts(festival) if free > 0]
    mine = set(db.session.scalars(select(ShiftAssignment.shift_id).where(ShiftAssignment.volunteer_id == user.id,
                                                                    ShiftAssignment.dropped_at.is_(None))))
    shifts = [(s, free) for s, free in shifts if s.id not in mine]
    if not shifts:
        return []
    by_id = {str(s.id): s for s, _free in shifts}
    found = matching.suggest_opportunities([as_person(user, profile, festival)],
                                           [as_opportunity(s, region, free) for s, free in shifts], k=k)
    return [(by_id[m.id], m) for m in found[str(user.id)]]


def _volunteers(festival: Festival) -> tuple[list, dict[int, VolunteerProfile], dict[int, list]]:
    region = festival.region
    people = region_people(region, ("volunteer",))
    profiles = {p.user_id: p for p in db.session.scalars(select(VolunteerProfile).where(
        VolunteerProfile.region_id == region.id))}
    busy: dict[int, list] = {u.id: [] for u in people}
    if people:
        rows = db.session.execute(
            select(ShiftAssignment.volunteer_id, FestivalShift.starts_at, FestivalShift.ends_at).join(FestivalShift)
            .where(ShiftAssignment.volunteer_id.in_(list(busy)), ShiftAssignment.dropped_at.is_(None)))
        for user_id, starts_at, ends_at in rows:
            busy[user_id].append((starts_at, ends_at))
    return people, profiles, busy


def for_shift(shift: FestivalShift, k: int = SUGGESTED) -> list[tuple[object, matching.Match]]:
    """For an organizer: the region's volunteers who fit the shift best and are free then."""
    festival = shift.role.festival
    people, profiles, busy = _volunteers(festival)
    in_it = set(db.session.scalars(select(ShiftAssignment.volunteer_id).where(ShiftAssignment.shift_id == shift.id,
                                                                         ShiftAssignment.dropped_at.is_(None))))
    people = [u for u in people if u.id not in in_it]
    if not people:
        return []
    by_id = {str(u.id): u for u in people}
    found = matching.suggest_people([as_opportunity(shift, festival.region, 1)],
                                    [as_person(u, profiles.get(u.id), festival, busy[u.id]) for u in people], k=k)
    return [(by_id[m.id], m) for m in found[str(shift.id)]]


def festival_plan(festival: Festival) -> list[tuple[object, FestivalShift, matching.Match]]:
    """The best whole-festival assignment of the free places (counts and clashes kept exactly)."""
    region = festival.region
    shifts = [(s, free) for s, free in open_shifts(festival, include_restricted=True) if free > 0]
    people, profiles, busy = _volunteers(festival)
    if not shifts or not people:
        return []
    persons = [as_person(u, profiles.get(u.id), festival, busy[u.id], capacity=MAX_SHIFTS) for u in people]
    opportunities = [as_opportunity(s, region, free) for s, free in shifts]
    plan = matching.assign_opportunities(persons, opportunities)
    users, by_shift = {str(u.id): u for u in people}, {str(s.id): s for s, _f in shifts}
    person_of, opportunity_of = {p.id: p for p in persons}, {o.id: o for o in opportunities}
    scores, _admissible = matching.sides.pair_scores(persons, opportunities)
    p_index, o_index = {p.id: i for i, p in enumerate(persons)}, {o.id: j for j, o in enumerate(opportunities)}
    out = []
    for person_id, shift_ids in plan.items():
        for shift_id in shift_ids:
            match = matching.Match(shift_id, float(scores[p_index[person_id], o_index[shift_id]]),
                                   matching.sides.reasons_for(person_of[person_id], opportunity_of[shift_id]))
            out.append((users[person_id], by_shift[shift_id], match))
    return sorted(out, key=lambda row: (row[1].starts_at, row[1].id, row[0].name))


def local_day(shift: FestivalShift, region):
    return to_local(shift.starts_at, region).date()
