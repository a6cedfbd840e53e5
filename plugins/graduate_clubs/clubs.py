"""The rules of clubs and their events, on top of the core's reservations engine.

An event's seats are the units of a resource of the engine; a registration is a claim on
one seat over a single slot. The engine's unique ledger refuses a second claim on a seat,
so an event is never over capacity whatever the concurrency; a claim that finds no seat
waits, and the engine promotes waiting claims in the order they came.

Every change of an event's seats or of its registrations (a registration, a cancellation,
attendance, more or fewer places, the event called off) first holds the event's row
(``hold``), then reads again what it decides on: fewer places switch off free seats, and
without the lock a registration could take one of them between the count and the switch.
A registration's status is its claim's, so it is read from the claim, never kept twice.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from plugins.graduate_clubs import tallies
from plugins.graduate_clubs.models import (Club, Event, EventStatus, EventTally, Member, Organizer, Registration,
                                           RegistrationStatus)
from portal.kit import (SUPPORT_STAFF, ClaimStatus, Lifecycle, Membership, MembershipStatus, Refusal,
                        ReservationClaim, Role, User, db, format_moment, hold, refuse_duplicates, reservations,
                        to_utc, utcnow)

NAME = "graduate_clubs"
SLOT = 0  # an event is a single slot of its own resource
STAFF = SUPPORT_STAFF
ORGANIZER_ROLES = ("specialist", "volunteer")  # who may be named an organizer, and must stay so to run a club
MAX_CAPACITY = 1000
# Times outside these years are typing errors (0001-01-01 cannot even be moved to UTC).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
ALREADY_MEMBER = _l("You are already a member of this club.")
ALREADY_REGISTERED = _l("You are already registered for this event.")
ALREADY_CALLED_OFF = _l("The event is already cancelled.")

# An event is scheduled until its organizers call it off; the audit line is graduate_clubs.event.cancelled.
EVENT_LIFE = Lifecycle("graduate_clubs.event", "event")
EVENT_LIFE.move("cancelled", [EventStatus.scheduled], EventStatus.cancelled, refused=ALREADY_CALLED_OFF)


def reasonable_year(year: int) -> bool:
    return EARLIEST_YEAR <= year <= LATEST_YEAR


# --- clubs -----------------------------------------------------------------

def possible_organizers(region) -> list[User]:
    """Active specialists and volunteers of the region: the people who may run a club."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.region_id == region.id, Membership.status == MembershipStatus.active,
            Membership.role.in_([Role(r) for r in ORGANIZER_ROLES]), User.is_disabled.is_(False))
        .distinct().order_by(User.name)
    ))


def add_club(region, name: str, host: str = "", municipality_id: int | None = None, description: str = "",
             organizer_ids: list[int] | None = None) -> Club:
    club = Club(region_id=region.id, name=name, host=host, municipality_id=municipality_id,
                description=description)
    db.session.add(club)
    db.session.flush()
    set_organizers(club, organizer_ids or [])
    return club


def set_organizers(club: Club, user_ids: list[int]) -> None:
    allowed = {u.id for u in possible_organizers(club.region)}
    wanted = [i for i in dict.fromkeys(user_ids) if i in allowed]
    club.organizers = [o for o in club.organizers if o.user_id in wanted]
    have = {o.user_id for o in club.organizers}
    club.organizers.extend(Organizer(user_id=i) for i in wanted if i not in have)
    db.session.flush()


def is_organizer(user, club: Club) -> bool:
    """Named an organizer and still a specialist or volunteer of the region: an ended role ends the running."""
    if not user.has_role(club.region, *ORGANIZER_ROLES):
        return False
    return db.session.scalar(select(Organizer.id).where(
        Organizer.club_id == club.id, Organizer.user_id == user.id).limit(1)) is not None


def can_manage(user, club: Club) -> bool:
    """Staff of the region (specialists, coordinators) and the club's own organizers."""
    return user.has_role(club.region, *STAFF) or is_organizer(user, club)


def managed_club_ids(user, region) -> set[int]:
    if user.has_role(region, *STAFF):
        return set(db.session.scalars(select(Club.id).where(Club.region_id == region.id)))
    if not user.has_role(region, *ORGANIZER_ROLES):
        return set()
    return set(db.session.scalars(select(Organizer.club_id).join(Club).where(
        Organizer.user_id == user.id, Club.region_id == region.id)))


def is_member(user, club: Club) -> bool:
    return db.session.scalar(select(Member.id).where(
        Member.club_id == club.id, Member.user_id == user.id).limit(1)) is not None


def join(club: Club, graduate) -> None:
    """Make the graduate a member; a second click at the same moment gets the same refusal as the check.

    :raises Refusal: a member already.
    """
    if is_member(graduate, club):
        raise Refusal(ALREADY_MEMBER)
    with refuse_duplicates(ALREADY_MEMBER):
        db.session.add(Member(club_id=club.id, user_id=graduate.id))
        db.session.flush()


def leave(club: Club, graduate) -> bool:
    member = db.session.scalar(select(Member).where(Member.club_id == club.id, Member.user_id == graduate.id))
    if member is None:
        return False
    db.session.delete(member)
    return True


def region_clubs(region, municipality_id: int | None = None, organizers: bool = True) -> list[Club]:
    query = select(Club).where(Club.region_id == region.id).options(selectinload(Club.municipality)).order_by(Club.name)
    if organizers:
        query = query.options(selectinload(Club.organizers).selectinload(Organizer.user))
    if municipality_id:
        query = query.where(Club.municipality_id == municipality_id)
    return list(db.session.scalars(query))


# --- events ----------------------------------------------------------------

def add_event(club: Club, title: str, starts_at: datetime, ends_at: datetime, capacity: int,
              registration_deadline: datetime | None = None, description: str = "", place: str = "",
              online_link: str = "", volunteers_wanted: bool = False, now: datetime | None = None) -> Event:
    """A new event, which must start in the future (``now``: when it was added, for demo data)."""
    check_times(starts_at, ends_at, registration_deadline or starts_at)
    if starts_at <= (now or utcnow()):
        raise Refusal(_("This time has passed: a new event must start in the future."), "starts_at")
    check_capacity(capacity)
    resource = reservations.add_resource(club.region, NAME, f"{club.name}: {title}"[:200],
                                         [_seat_label(i) for i in range(capacity)])
    event = Event(club=club, title=title, description=description, starts_at=starts_at, ends_at=ends_at,
                  place=place, online_link=online_link, capacity=capacity,
                  registration_deadline=registration_deadline or starts_at, volunteers_wanted=volunteers_wanted,
                  resource=resource)
    db.session.add(event)
    db.session.flush()
    return event


def _seat_label(position: int) -> str:
    return f"seat {position + 1}"


def check_times(starts_at: datetime, ends_at: datetime, deadline: datetime) -> None:
    if not all(reasonable_year(moment.year) for moment in (starts_at, ends_at, deadline)):
        raise Refusal(_("Give a year from %(first)d to %(last)d.", first=EARLIEST_YEAR, last=LATEST_YEAR),
                      "starts_at")
    if ends_at <= starts_at:
        raise Refusal(_("The event must end after it starts."), "ends_at")
    if deadline > starts_at:
        raise Refusal(_("Registration must close before the event starts."), "registration_deadline")


def check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise Refusal(_("The number of places must be from 1 to %(max)d.", max=MAX_CAPACITY), "capacity")


def _calendar_fields(event: Event) -> tuple:
    return (event.title, event.description, event.starts_at, event.ends_at, event.place, event.online_link)


def update_event(event: Event, *, title: str, starts_at: datetime, ends_at: datetime, capacity: int,
                 registration_deadline: datetime | None, description: str, place: str, online_link: str,
                 volunteers_wanted: bool, now: datetime | None = None) -> tuple[list[Registration], bool]:
    """Change an event: (the registrations moved in by more seats, whether its time or place changed)."""
    now = now or utcnow()
    check_times(starts_at, ends_at, registration_deadline or starts_at)
    hold(event)
    if event.cancelled:
        raise Refusal(_("The event is cancelled; it can no longer be changed."))
    if starts_at != event.starts_at and starts_at <= now:
        raise Refusal(_("This time has passed: the event cannot be moved to it."), "starts_at")
    before = _calendar_fields(event)
    promoted = _set_capacity(event, capacity, now)
    event.title, event.description, event.place, event.online_link = title, description, place, online_link
    event.starts_at, event.ends_at, event.volunteers_wanted = starts_at, ends_at, volunteers_wanted
    event.registration_deadline = registration_deadline or starts_at
    event.resource.label = f"{event.club.name}: {title}"[:200]
    if _calendar_fields(event) != before:
        event.sequence, event.changed_at = event.sequence + 1, now
    moved = (before[2:] != _calendar_fields(event)[2:])
    db.session.flush()
    return promoted, moved


def set_capacity(event: Event, capacity: int, now: datetime | None = None) -> list[Registration]:
    """More seats promote the waiting list in order; fewer seats cannot push out people already in.

    Once the event has started the number is kept: the event is over for the waiting list.
    """
    hold(event)
    return _set_capacity(event, capacity, now)


def _set_capacity(event: Event, capacity: int, now: datetime | None) -> list[Registration]:
    """set_capacity, the event held already: the seats counted here stay as counted."""
    check_capacity(capacity)
    if capacity == event.capacity:
        return []
    if event.starts_at <= (now or utcnow()):
        raise Refusal(_("The event has started; its number of places can no longer change."), "capacity")
    held = seat_counts([event])[event.id][0]
    if capacity < held:
        raise _too_few(held)
    try:
        promoted = reservations.resize(event.resource, capacity, _seat_label)
    except reservations.ReservationError:  # the engine's own check of the same rule
        raise _too_few(seat_counts([event])[event.id][0]) from None
    tallies.recount_events([event.id])  # the waiting list promoted by bulk statements
    event.capacity = capacity
    return promoted_registrations(promoted)


def _too_few(held: int) -> Refusal:
    return Refusal(_("%(held)d people are registered already; the event cannot have fewer places.", held=held),
                   "capacity")


def check_cancellable(event: Event, now: datetime | None = None) -> None:
    if event.cancelled:
        raise Refusal(ALREADY_CALLED_OFF)
    if event.starts_at <= (now or utcnow()):
        raise Refusal(_("The event has already started; it can no longer be cancelled."))


def cancel_event(event: Event, now: datetime | None = None) -> list[Registration]:
    """Call the event off, keeping it and its registrations; returns the people to tell.

    The move is the event's Lifecycle, audited with who was registered or waiting. The waiting
    list is released first, so the seats given back after it move nobody in.
    """
    now = now or utcnow()
    hold(event)
    check_cancellable(event, now)  # as the database has it now
    registered, waiting = event_registrations(event)
    EVENT_LIFE.apply(event, "cancelled", region=event.club.region,
                     details={"registrations": sorted(r.id for r in registered + waiting)})
    for registration in waiting + registered:
        reservations.release(registration.claim)
        registration.cancelled_at = now
    event.cancelled_at, event.changed_at, event.sequence = now, now, event.sequence + 1
    tallies.recount_events([event.id])
    return registered + waiting


def seat_counts(events: list[Event]) -> dict[int, tuple[int, int]]:
    """event id -> (seats held, people waiting), in one query."""
    by_resource = {e.resource_id: e.id for e in events}
    counts = {e.id: [0, 0] for e in events}
    if not by_resource:
        return {}
    rows = db.session.execute(
        select(ReservationClaim.resource_id, ReservationClaim.status, func.count(ReservationClaim.id))
        .where(ReservationClaim.resource_id.in_(by_resource),
               ReservationClaim.status.in_((ClaimStatus.held, ClaimStatus.waiting)))
        .group_by(ReservationClaim.resource_id, ReservationClaim.status))
    for resource_id, status, count in rows:
        counts[by_resource[resource_id]][0 if status == ClaimStatus.held else 1] = count
    return {event_id: (held, waiting) for event_id, (held, waiting) in counts.items()}


def upcoming_events(region, now: datetime, municipality_id: int | None = None, since: datetime | None = None,
                    club: Club | None = None, limit: int = 100) -> list[Event]:
    query = (select(Event).join(Club).where(Club.region_id == region.id, Event.ends_at > max(now, since or now))
             .options(selectinload(Event.club).selectinload(Club.municipality))
             .order_by(Event.starts_at, Event.id).limit(limit))
    if municipality_id:
        query = query.where(Club.municipality_id == municipality_id)
    if club is not None:
        query = query.where(Event.club_id == club.id)
    return list(db.session.scalars(query))


def upcoming_count_query(region, now: datetime):
    """The region's events not over yet, counted, as SQL (the dashboard's card asks it with its other numbers)."""
    return select(func.count(Event.id)).join(Club).where(
        Club.region_id == region.id, Event.ends_at > now, Event.status == EventStatus.scheduled)


def past_events(club: Club, now: datetime, limit: int = 50) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.club_id == club.id, Event.ends_at <= now)
                                   .order_by(Event.starts_at.desc()).limit(limit)))


def club_events(club: Club, limit: int = 500) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.club_id == club.id)
                                   .order_by(Event.starts_at.desc()).limit(limit)))


# --- registrations ---------------------------------------------------------

def registration_of(event: Event, graduate) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.graduate_id == graduate.id))


def _reread(registration: Registration) -> None:
    """The registration and its seat as the database has them now; call it with the event held."""
    db.session.refresh(registration)
    if registration.claim is not None:
        db.session.refresh(registration.claim)


def register(event: Event, graduate, wait: bool = False, now: datetime | None = None) -> Registration:
    """Take a seat; with ``wait``, join the waiting list when there is none.

    :raises Refusal: a past event, a closed registration, a second registration, or a full
        event without ``wait``.
    """
    now = now or utcnow()
    hold(event)
    if event.cancelled:
        raise Refusal(_("This event is cancelled; registration is closed."))
    if event.starts_at <= now:
        raise Refusal(_("This event has already started; registration is closed."))
    if event.registration_deadline < now:
        raise Refusal(_("Registration closed on %(date)s.", date=format_moment(event.registration_deadline)))
    found = registration_of(event, graduate)
    if found is not None:
        _reread(found)
    if found is not None and found.status == RegistrationStatus.registered:
        raise Refusal(ALREADY_REGISTERED)
    if found is not None and found.status == RegistrationStatus.waiting:
        raise Refusal(_("You are already on the waiting list for this event."))
    # The lock opened the transaction, so the savepoints below nest in it (on SQLite too), and the
    # caller's rollback undoes both.
    try:
        held = reservations.claim(event.resource, graduate, SLOT, SLOT + 1, wait=wait)
    except reservations.NoRoom:
        raise Refusal(_("The event is full: all %(count)d places are taken. You can join the waiting list.",
                        count=event.capacity)) from None
    if found is None:
        found = Registration(event_id=event.id, graduate_id=graduate.id, claim=held)
        with refuse_duplicates(ALREADY_REGISTERED):  # the same graduate, twice at the same moment
            db.session.add(found)
            db.session.flush()
    found.claim, found.cancelled_at, found.attended = held, None, False
    db.session.flush()
    return found


def cancel(registration: Registration, now: datetime | None = None) -> list[Registration]:
    """Give the seat back (or leave the waiting list); returns the registrations moved in."""
    now = now or utcnow()
    hold(registration.event)
    _reread(registration)  # as the last change of the event's seats left it, perhaps in another tab
    if registration.status == RegistrationStatus.cancelled:
        raise Refusal(_("This registration is already cancelled."))
    if registration.event.starts_at <= now:
        raise Refusal(_("The event has already started; the registration can no longer be cancelled."))
    registration.cancelled_at = now
    promoted = reservations.release(registration.claim)
    tallies.recount_events([registration.event_id])  # the waiting list promoted by bulk statements
    return promoted_registrations(promoted)


def promoted_registrations(claims: list[ReservationClaim]) -> list[Registration]:
    if not claims:
        return []
    return list(db.session.scalars(select(Registration).where(
        Registration.claim_id.in_([c.id for c in claims])).options(selectinload(Registration.graduate))))


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in the waiting list; None when not waiting."""
    claim = registration.claim
    if claim is None or claim.status != ClaimStatus.waiting:
        return None
    ahead = db.session.scalar(select(func.count(ReservationClaim.id)).where(
        ReservationClaim.resource_id == claim.resource_id, ReservationClaim.status == ClaimStatus.waiting,
        (ReservationClaim.created_at < claim.created_at)
        | and_(ReservationClaim.created_at == claim.created_at, ReservationClaim.id < claim.id)))
    return (ahead or 0) + 1


def event_registrations(event: Event) -> tuple[list[Registration], list[Registration]]:
    """(registered, waiting in order) for the organizers' list."""
    rows = list(db.session.scalars(
        select(Registration).join(ReservationClaim, Registration.claim_id == ReservationClaim.id)
        .where(Registration.event_id == event.id,
               ReservationClaim.status.in_((ClaimStatus.held, ClaimStatus.waiting)))
        .options(selectinload(Registration.graduate), selectinload(Registration.claim))
        .order_by(ReservationClaim.created_at, ReservationClaim.id)))
    registered = sorted((r for r in rows if r.claim.status == ClaimStatus.held), key=lambda r: r.graduate.name)
    return registered, [r for r in rows if r.claim.status == ClaimStatus.waiting]


def mark_attendance(registration: Registration, attended: bool, now: datetime | None = None) -> None:
    """Came or not; decided on the event's time and the seat as they are now (the event may have moved)."""
    now = now or utcnow()
    hold(registration.event)
    _reread(registration)
    if registration.event.starts_at > now:
        raise Refusal(_("Attendance can be marked once the event has started."))
    if registration.status != RegistrationStatus.registered:
        raise Refusal(_("Only people registered for the event can be marked."))
    registration.attended = attended


def my_registrations(graduate, region) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).join(Event).join(Club)
        .where(Registration.graduate_id == graduate.id, Club.region_id == region.id)
        .options(selectinload(Registration.event).selectinload(Event.club), selectinload(Registration.claim))
        .order_by(Event.starts_at.desc())))


def coming_registrations_count_query(graduate, region, now: datetime):
    """The graduate's registrations for events not over yet, not cancelled (the dashboard's card): one COUNT,
    however many events they went to before, as SQL."""
    return (select(func.count(Registration.id)).join(Event).join(Club)
            .join(ReservationClaim, ReservationClaim.id == Registration.claim_id).where(
        Registration.graduate_id == graduate.id, Club.region_id == region.id, Event.ends_at > now,
        ReservationClaim.status != ClaimStatus.released))  # a released claim (or none) is a cancelled registration


def my_clubs(graduate, region) -> list[Club]:
    return list(db.session.scalars(select(Club).join(Member).where(
        Member.user_id == graduate.id, Club.region_id == region.id).order_by(Club.name)))


def attended_club_ids(graduate, region) -> set[int]:
    return set(db.session.scalars(select(Event.club_id).join(Registration).join(Club).where(
        Registration.graduate_id == graduate.id, Registration.attended.is_(True), Club.region_id == region.id)))


# --- figures ---------------------------------------------------------------

def attendance_figures(region, year: int) -> list[tuple[Club, list[dict]]]:
    """Per club and month of the year (in the region's time zone): events held, people registered, who came.

    Events called off were not held, and nobody is registered for them any more.

    Two statements however many events and registrations there are: the clubs, and the year's events counted
    per club and month with their kept figures summed (``tallies``: each event's registrations holding a seat
    and who came), through the events' (club, start) index. A month runs from the region's midnight of its
    first day, in UTC, to the next one's.
    """
    bounds = [to_utc(datetime(year + (m == 12), m % 12 + 1, 1), region) for m in range(0, 13)]
    month = case(*[(Event.starts_at < bounds[m], m) for m in range(1, 13)])
    clubs = region_clubs(region, organizers=False)
    found = {(club_id, m): (n, int(registered or 0), int(attended or 0))
             for club_id, m, n, registered, attended in db.session.execute(
                 select(Event.club_id, month, func.count(), func.sum(EventTally.registered),
                        func.sum(EventTally.attended))
                 .join(Club, Club.id == Event.club_id).outerjoin(EventTally, EventTally.event_id == Event.id)
                 .where(Club.region_id == region.id, Event.starts_at >= bounds[0], Event.starts_at < bounds[12],
                        Event.status == EventStatus.scheduled)
                 .group_by(Event.club_id, month))}
    return [(club, [dict(zip(("month", "events", "registered", "attended"),
                             (datetime(year, m, 1), *found.get((club.id, m), (0, 0, 0))))) for m in range(1, 13)])
            for club in clubs]


# --- a person's data -------------------------------------------------------

def erase(user, now: datetime | None = None) -> list[Registration]:
    """Release the person's seats and places in waiting lists; returns who was moved in.

    A seat at an event that has started is not given back: nobody moves into an event that is
    over, and the claim goes with the person's account.
    """
    now = now or utcnow()
    promoted = []
    registrations = db.session.scalars(select(Registration).where(Registration.graduate_id == user.id)
                                       .order_by(Registration.event_id)).all()  # locks always in one order
    for registration in registrations:
        if registration.claim is not None:
            hold(registration.event)
            _reread(registration)
            if registration.status != RegistrationStatus.cancelled and registration.event.starts_at > now:
                promoted += reservations.release(registration.claim)
        db.session.delete(registration)
    for model in (Member, Organizer):
        for row in db.session.scalars(select(model).where(model.user_id == user.id)):
            db.session.delete(row)
    tallies.recount_events([r.event_id for r in registrations])  # waiting lists promoted by bulk statements
    return [r for r in promoted_registrations(promoted) if r.graduate_id != user.id]
