"""Volunteer roles and shifts on top of the core's reservations engine; check-in and hours of service.

A shift's places are the units of a resource of the engine; an assignment is a claim on one place
over a single slot, so the engine's unique ledger keeps a shift within its count whatever the
concurrency, and waiting claims are promoted in the order they came.

Nobody is in two shifts at the same time. A volunteer's changes (take, join a waiting list, be
assigned, drop) first hold their profile row, then the shift's row: two tabs taking two
overlapping shifts queue on the profile, and the second sees the first's shift. A place in a
waiting list counts as a commitment too, so a promotion from the list can never create a clash.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from plugins.volunteer_festivals.models import (AssignmentStatus, Festival, FestivalShift, ShiftAssignment,
                                                VolunteerProfile, VolunteerRole, _check_code)
from portal.kit import (ClaimStatus, Refusal, ReservationClaim, db, format_moment, hold, refuse_duplicates,
                        reservations, to_local, today, utcnow)

NAME = "volunteer_festivals"
SLOT = 0  # a shift is a single slot of its own resource
MAX_CAPACITY = 500
CHECK_IN_OPENS = timedelta(hours=2)  # before the shift starts
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("morning", "afternoon", "evening")  # before 12:00, 12:00-17:00, from 17:00
ALREADY_IN = _l("You are in this shift already.")


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def part_of_day(hour: int) -> str:
    return PARTS[0] if hour < 12 else PARTS[1] if hour < 17 else PARTS[2]


def time_keys(shift: FestivalShift, region) -> list[str]:
    """The free-time keys a shift takes ("sat:morning", …), at the region's clock."""
    start, end = to_local(shift.starts_at, region), to_local(shift.ends_at, region)
    keys, moment = [], start
    while moment < end:
        key = f"{WEEKDAYS[moment.weekday()]}:{part_of_day(moment.hour)}"
        if key not in keys:
            keys.append(key)
        moment += timedelta(hours=1)
    return keys


# --- profiles ----------------------------------------------------------------------

def profile_of(user, region) -> VolunteerProfile | None:
    return db.session.scalar(select(VolunteerProfile).where(
        VolunteerProfile.region_id == region.id, VolunteerProfile.user_id == user.id))


def held_profile(user, region) -> VolunteerProfile:
    """The volunteer's profile, made when missing, and held for the rest of the transaction."""
    found = profile_of(user, region)
    if found is None:
        try:
            with refuse_duplicates(ALREADY_IN):
                found = VolunteerProfile(region_id=region.id, user_id=user.id)
                db.session.add(found)
                db.session.flush()
        except Refusal:  # made by their other tab at the same moment
            found = profile_of(user, region)
    hold(found)
    return found


def save_profile(user, region, interests: list[str], skills: list[str], birth_date: date | None,
                 free: list[str]) -> VolunteerProfile:
    found = held_profile(user, region)
    found.interests, found.skills = _words(interests), _words(skills)
    found.birth_date = birth_date
    found.free = [key for key in free if key in all_time_keys()]
    found.updated_at = utcnow()
    db.session.flush()
    return found


def all_time_keys() -> list[str]:
    return [f"{day}:{part}" for day in WEEKDAYS for part in PARTS]


def _words(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items or ():
        word = " ".join(str(item).split())[:60]
        if word:
            seen.setdefault(word, None)
    return list(seen)[:30]


def split_words(text: str) -> list[str]:
    """Words typed comma-separated («фотография, соцсети»)."""
    return _words((text or "").replace(";", ",").split(","))


# --- roles and shifts ----------------------------------------------------------------

def add_role(festival: Festival, name: str, description: str = "", interests=(), skills=(),
             min_age: int | None = None) -> VolunteerRole:
    role = VolunteerRole(festival=festival, name=name, description=description, interests=_words(interests),
                         skills=_words(skills), min_age=min_age)
    db.session.add(role)
    db.session.flush()
    return role


def check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise Refusal(_("The number of people must be from 1 to %(max)d.", max=MAX_CAPACITY), "capacity")


def _place_label(position: int) -> str:
    return f"place {position + 1}"


def add_shift(role: VolunteerRole, starts_at: datetime, ends_at: datetime, capacity: int, place: str = "",
              restricted: bool = False) -> FestivalShift:
    from plugins.volunteer_festivals.festivals import check_times

    check_times(role.festival, starts_at, ends_at)
    check_capacity(capacity)
    resource = reservations.add_resource(role.festival.region, NAME, f"{role.festival.title}: {role.name}"[:200],
                                         [_place_label(i) for i in range(capacity)])
    shift = FestivalShift(role=role, starts_at=starts_at, ends_at=ends_at, capacity=capacity, place=place,
                  restricted=restricted, resource=resource)
    db.session.add(shift)
    db.session.flush()
    return shift


def festival_roles(festival: Festival) -> list[VolunteerRole]:
    return list(db.session.scalars(select(VolunteerRole).where(VolunteerRole.festival_id == festival.id)
                                   .options(selectinload(VolunteerRole.shifts)).order_by(VolunteerRole.name)))


def festival_shifts(festival: Festival) -> list[FestivalShift]:
    return list(db.session.scalars(select(FestivalShift).join(VolunteerRole).where(VolunteerRole.festival_id == festival.id)
                                   .options(selectinload(FestivalShift.role)).order_by(FestivalShift.starts_at, FestivalShift.id)))


def place_counts(shifts: list[FestivalShift]) -> dict[int, tuple[int, int]]:
    """shift id -> (places taken, people waiting), in one query."""
    by_resource = {s.resource_id: s.id for s in shifts}
    counts = {s.id: [0, 0] for s in shifts}
    if not by_resource:
        return {}
    rows = db.session.execute(
        select(ReservationClaim.resource_id, ReservationClaim.status, func.count(ReservationClaim.id))
        .where(ReservationClaim.resource_id.in_(by_resource),
               ReservationClaim.status.in_((ClaimStatus.held, ClaimStatus.waiting)))
        .group_by(ReservationClaim.resource_id, ReservationClaim.status))
    for resource_id, status, count in rows:
        counts[by_resource[resource_id]][0 if status == ClaimStatus.held else 1] = count
    return {shift_id: (taken, waiting) for shift_id, (taken, waiting) in counts.items()}


# --- taking and dropping ---------------------------------------------------------------

def assignment_of(shift: FestivalShift, volunteer) -> ShiftAssignment | None:
    return db.session.scalar(select(ShiftAssignment).where(ShiftAssignment.shift_id == shift.id,
                                                      ShiftAssignment.volunteer_id == volunteer.id))


def _reread(assignment: ShiftAssignment) -> None:
    db.session.refresh(assignment)
    if assignment.claim is not None:
        db.session.refresh(assignment.claim)


def commitments(volunteer, exclude_shift: FestivalShift | None = None) -> list[ShiftAssignment]:
    """The volunteer's shifts taken or waited for, in every festival (their time is one)."""
    query = (select(ShiftAssignment).join(ReservationClaim, ShiftAssignment.claim_id == ReservationClaim.id)
             .where(ShiftAssignment.volunteer_id == volunteer.id,
                    ReservationClaim.status.in_((ClaimStatus.held, ClaimStatus.waiting)))
             .options(selectinload(ShiftAssignment.shift).selectinload(FestivalShift.role)))
    if exclude_shift is not None:
        query = query.where(ShiftAssignment.shift_id != exclude_shift.id)
    return list(db.session.scalars(query))


def clash_with(volunteer, shift: FestivalShift) -> ShiftAssignment | None:
    for other in commitments(volunteer, exclude_shift=shift):
        if other.shift.starts_at < shift.ends_at and shift.starts_at < other.shift.ends_at:
            return other
    return None


def take(shift: FestivalShift, volunteer, region, wait: bool = False, by=None, now: datetime | None = None) -> ShiftAssignment:
    """Take a place in the shift (with ``wait``, a place in its waiting list when it is full).

    ``by``: the organizer who assigns them (restricted shifts are assigned only so).

    :raises Refusal: a shift that has started, restricted, too young, already in it, a clash
        with another shift, or full without ``wait``.
    """
    now = now or utcnow()
    profile = held_profile(volunteer, region)
    hold(shift)
    if shift.starts_at <= now:
        raise Refusal(_("This shift has started; it takes nobody new."))
    if shift.restricted and by is None:
        raise Refusal(_("The organizers assign people to this shift themselves."))
    minimum = shift.role.min_age
    if minimum is not None:
        age = age_on(profile.birth_date, to_local(shift.starts_at, region).date())
        if age is None:
            raise Refusal(_("This role is from age %(age)d: give the date of birth in the profile first.",
                            age=minimum))
        if age < minimum:
            raise Refusal(_("This role is from age %(age)d.", age=minimum))
    found = assignment_of(shift, volunteer)
    if found is not None:
        _reread(found)
        if found.status == AssignmentStatus.taken:
            raise Refusal(ALREADY_IN)
        if found.status == AssignmentStatus.waiting:
            raise Refusal(_("You are on the waiting list of this shift already."))
    other = clash_with(volunteer, shift)
    if other is not None:
        raise Refusal(_("At that time you are in another shift: «%(role)s», %(time)s.", role=other.shift.role.name,
                        time=format_moment(other.shift.starts_at)))
    try:
        claim = reservations.claim(shift.resource, volunteer, SLOT, SLOT + 1, wait=wait)
    except reservations.NoRoom:
        raise Refusal(_("The shift is full: all %(count)d places are taken.", count=shift.capacity)) from None
    code = _free_code(shift)
    if found is None:
        found = ShiftAssignment(shift_id=shift.id, volunteer_id=volunteer.id, claim=claim, check_code=code,
                           assigned_by_id=by.id if by is not None else None)
        with refuse_duplicates(ALREADY_IN):
            db.session.add(found)
            db.session.flush()
    found.claim, found.dropped_at, found.checked_in_at, found.approved_at = claim, None, None, None
    found.check_code, found.assigned_by_id = code, by.id if by is not None else None
    db.session.flush()
    return found


def _free_code(shift: FestivalShift) -> str:
    """A check-in code nobody else in the shift has."""
    used = set(db.session.scalars(select(ShiftAssignment.check_code).where(ShiftAssignment.shift_id == shift.id)))
    while True:
        code = _check_code()
        if code not in used:
            return code


def drop(assignment: ShiftAssignment, region, now: datetime | None = None) -> list[ShiftAssignment]:
    """Give the place back (or leave the waiting list); returns the assignments moved in from the list."""
    now = now or utcnow()
    held_profile(assignment.volunteer, region)
    hold(assignment.shift)
    _reread(assignment)
    if assignment.status == AssignmentStatus.dropped:
        raise Refusal(_("You are no longer in this shift."))
    if assignment.shift.starts_at <= now:
        raise Refusal(_("The shift has started; it can no longer be dropped."))
    assignment.dropped_at = now
    return promoted_assignments(reservations.release(assignment.claim))


def promoted_assignments(claims: list[ReservationClaim]) -> list[ShiftAssignment]:
    if not claims:
        return []
    return list(db.session.scalars(select(ShiftAssignment).where(ShiftAssignment.claim_id.in_([c.id for c in claims]))
                                   .options(selectinload(ShiftAssignment.volunteer), selectinload(ShiftAssignment.shift))))


def waiting_position(assignment: ShiftAssignment) -> int | None:
    claim = assignment.claim
    if claim is None or claim.status != ClaimStatus.waiting:
        return None
    ahead = db.session.scalar(select(func.count(ReservationClaim.id)).where(
        ReservationClaim.resource_id == claim.resource_id, ReservationClaim.status == ClaimStatus.waiting,
        (ReservationClaim.created_at < claim.created_at)
        | ((ReservationClaim.created_at == claim.created_at) & (ReservationClaim.id < claim.id))))
    return (ahead or 0) + 1


def shift_people(shift: FestivalShift) -> tuple[list[ShiftAssignment], list[ShiftAssignment]]:
    """(in the shift, by name; waiting, in order)."""
    rows = list(db.session.scalars(
        select(ShiftAssignment).join(ReservationClaim, ShiftAssignment.claim_id == ReservationClaim.id)
        .where(ShiftAssignment.shift_id == shift.id, ReservationClaim.status.in_((ClaimStatus.held, ClaimStatus.waiting)))
        .options(selectinload(ShiftAssignment.volunteer), selectinload(ShiftAssignment.claim))
        .order_by(ReservationClaim.created_at, ReservationClaim.id)))
    taken = sorted((a for a in rows if a.claim.status == ClaimStatus.held), key=lambda a: a.volunteer.name)
    return taken, [a for a in rows if a.claim.status == ClaimStatus.waiting]


def my_assignments(volunteer, region) -> list[ShiftAssignment]:
    return list(db.session.scalars(
        select(ShiftAssignment).join(FestivalShift).join(VolunteerRole).join(Festival)
        .where(ShiftAssignment.volunteer_id == volunteer.id, Festival.region_id == region.id)
        .options(selectinload(ShiftAssignment.shift).selectinload(FestivalShift.role).selectinload(VolunteerRole.festival),
                 selectinload(ShiftAssignment.claim))
        .order_by(FestivalShift.starts_at.desc())))



def coming_shifts_count_query(volunteer, region, now: datetime):
    """The volunteer's shifts with a place taken (held) that have not ended, counted: SQL (the dashboard's card)."""
    return (select(func.count(ShiftAssignment.id)).join(FestivalShift).join(VolunteerRole).join(Festival)
            .join(ReservationClaim, ReservationClaim.id == ShiftAssignment.claim_id)
            .where(ShiftAssignment.volunteer_id == volunteer.id, Festival.region_id == region.id,
                   ReservationClaim.status == ClaimStatus.held, FestivalShift.ends_at > now))


# --- at the festival: check-in and hours -----------------------------------------------------

def check_in(assignment: ShiftAssignment, came: bool = True, now: datetime | None = None) -> None:
    """Mark the volunteer as come (or undo it), from shortly before the shift starts; approved hours stay."""
    now = now or utcnow()
    hold(assignment.shift)
    _reread(assignment)
    if assignment.status != AssignmentStatus.taken:
        raise Refusal(_("Only people in the shift can be checked in."))
    if assignment.shift.starts_at - CHECK_IN_OPENS > now:
        raise Refusal(_("Check-in opens two hours before the shift starts."))
    if assignment.approved_at is not None:
        raise Refusal(_("The hours of this shift are approved already; check-in can no longer change."))
    assignment.checked_in_at = (assignment.checked_in_at or now) if came else None


def check_in_by_code(shift: FestivalShift, code: str, now: datetime | None = None) -> ShiftAssignment:
    """The desk types the code shown on the volunteer's phone.

    :raises Refusal: no one in this shift has that code.
    """
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    found = db.session.scalar(select(ShiftAssignment).where(ShiftAssignment.shift_id == shift.id,
                                                       ShiftAssignment.check_code == code)) if len(code) == 6 else None
    if found is None or found.status != AssignmentStatus.taken:
        raise Refusal(_("Nobody in this shift has the code %(code)s.", code=code or "—"), "code")
    check_in(found, True, now)
    return found


def to_approve(festival: Festival) -> list[ShiftAssignment]:
    """Checked-in assignments whose hours are not approved yet."""
    return list(db.session.scalars(
        select(ShiftAssignment).join(FestivalShift).join(VolunteerRole)
        .where(VolunteerRole.festival_id == festival.id, ShiftAssignment.checked_in_at.is_not(None),
               ShiftAssignment.approved_at.is_(None))
        .options(selectinload(ShiftAssignment.volunteer), selectinload(ShiftAssignment.shift).selectinload(FestivalShift.role))
        .order_by(FestivalShift.starts_at, ShiftAssignment.id)))


def approve_hours(festival: Festival, assignment_ids: list[int], now: datetime | None = None) -> list[ShiftAssignment]:
    """Approve in bulk; ids of other festivals or not checked in are left out. Returns what was approved."""
    now = now or utcnow()
    wanted = set(assignment_ids)
    shifts = {a.shift for a in to_approve(festival) if a.id in wanted}
    if shifts:
        hold(*sorted(shifts, key=lambda s: s.id))  # check-ins of these shifts wait, then see the approval
    approved = [a for a in to_approve(festival) if a.id in wanted]
    for assignment in approved:
        assignment.approved_at = now
    db.session.flush()
    return approved


def hours_of(volunteer, region) -> list[tuple[Festival, float, float]]:
    """(festival, approved hours, hours waiting for approval) per festival the volunteer served at."""
    found: dict[int, list] = {}
    for assignment in my_assignments(volunteer, region):
        if assignment.checked_in_at is None:
            continue
        festival = assignment.shift.role.festival
        row = found.setdefault(festival.id, [festival, 0.0, 0.0])
        row[1 if assignment.approved_at else 2] += assignment.shift.hours
    return [(f, round(a, 2), round(w, 2)) for f, a, w in sorted(found.values(), key=lambda r: r[0].first_day,
                                                                 reverse=True)]


def approved_hours(volunteer, festival: Festival) -> float:
    rows = db.session.execute(select(FestivalShift.starts_at, FestivalShift.ends_at).join(ShiftAssignment).join(VolunteerRole).where(
        VolunteerRole.festival_id == festival.id, ShiftAssignment.volunteer_id == volunteer.id,
        ShiftAssignment.approved_at.is_not(None)))
    return round(sum((end - start).total_seconds() for start, end in rows) / 3600, 2)


def festival_over(festival: Festival, region) -> bool:
    return today(region) > festival.last_day


# --- a person's data -------------------------------------------------------------------------

def erase(user, now: datetime | None = None) -> list[ShiftAssignment]:
    """Release the person's future places and waiting; returns who moved in. Past ones go with the account."""
    now = now or utcnow()
    promoted = []
    rows = db.session.scalars(select(ShiftAssignment).where(ShiftAssignment.volunteer_id == user.id)
                              .order_by(ShiftAssignment.shift_id)).all()
    for assignment in rows:
        if assignment.claim is not None:
            hold(assignment.shift)
            _reread(assignment)
            if assignment.status != AssignmentStatus.dropped and assignment.shift.starts_at > now:
                promoted += reservations.release(assignment.claim)
        db.session.delete(assignment)
    for row in db.session.scalars(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id)):
        db.session.delete(row)
    db.session.flush()
    return [a for a in promoted_assignments(promoted) if a.volunteer_id != user.id]
