"""The rules of a stay, on top of the kit's reservations.

Every change of a stay goes through :data:`STAYS`: the stay's row is held, its status read again,
then changed, so two staff confirming one request, or a graduate cancelling while a specialist
confirms, queue up and the second is told what the first did. A stay holds a bed only through
its claim, and the claim changes only while the stay's row is held.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from plugins.social_hotel.models import Bed, Hotel, HotelSettings, Room, Stay, StayStatus
from portal.kit import (Lifecycle, Refusal, ReservationUnit, Role, db, format_day, format_span, hold, pause_point,
                        refuse_duplicates, reservations, today)

NAME = "social_hotel"
DEFAULT_MAX_NIGHTS = 30

requested, confirmed, checked_in = StayStatus.requested, StayStatus.confirmed, StayStatus.checked_in
STAYS = Lifecycle("social_hotel.stay", "stay")
STAYS.move("confirm", [requested], confirmed)
STAYS.move("reject", [requested], StayStatus.rejected)
STAYS.move("cancelled", [requested, confirmed], StayStatus.cancelled)
STAYS.move("check-in", [confirmed], checked_in)
STAYS.move("arrive-early", [confirmed], checked_in)
STAYS.move("no-show", [confirmed], StayStatus.no_show)
STAYS.move("check-out", [checked_in], StayStatus.checked_out)
# Changes within a state: the stay keeps the status it has.
STAYS.move("extend", StayStatus.holding_a_bed())
STAYS.move("move", StayStatus.holding_a_bed())

SETTINGS_SAVED_MEANWHILE = _l("The settings were just saved, perhaps by a second click. "
                              "Reload the page to see them.")


def _apply(stay: Stay, move: str, **details) -> None:
    STAYS.apply(stay, move, region=stay.hotel.region, subject=stay.graduate, details=details or None)


def _claim(stay: Stay):
    """The stay's claim as the database has it now (the stay's row is held, so it cannot change under us)."""
    if stay.claim is not None:
        db.session.refresh(stay.claim)
    return stay.claim


def settings_for(region) -> HotelSettings:
    """The region's settings; the defaults, unsaved, until a coordinator saves them.

    Reading never writes: concurrent requests would otherwise race to insert the row.
    """
    return db.session.get(HotelSettings, region.id) or HotelSettings(region_id=region.id,
                                                                     max_nights=DEFAULT_MAX_NIGHTS)


def save_settings(region, max_nights: int) -> HotelSettings:
    """The first save inserts the row: a second save at the same moment is refused, not a conflict page."""
    found = db.session.get(HotelSettings, region.id)
    if found is not None:
        found.max_nights = max_nights
        return found
    with refuse_duplicates(SETTINGS_SAVED_MEANWHILE, "max_nights"):
        found = HotelSettings(region_id=region.id, max_nights=max_nights)
        db.session.add(found)
    return found


def add_hotel(region, name: str, address: str = "", house_rules: str = "") -> Hotel:
    resource = reservations.add_resource(region, NAME, name, [])
    hotel = Hotel(region_id=region.id, name=name, address=address, house_rules=house_rules, resource=resource)
    db.session.add(hotel)
    db.session.flush()
    return hotel


def add_bed(room: Room, label: str, notes: str = "") -> Bed:
    """A bed is a unit of the hotel's resource, after the beds it already has."""
    bed = Bed(room=room, label=label, notes=notes,
              unit=reservations.add_unit(room.hotel.resource, f"{room.name} · {label}"))
    db.session.add(bed)
    db.session.flush()
    return bed


def hotel_beds(hotel: Hotel, retired: bool = False) -> list[Bed]:
    """The hotel's beds in use (with ``retired``, the retired ones too: the chart still shows who slept there)."""
    query = (select(Bed).join(Room).join(Bed.unit).where(Room.hotel_id == hotel.id).order_by(Room.id, Bed.id)
             .options(contains_eager(Bed.room), contains_eager(Bed.unit)))
    if not retired:
        query = query.where(ReservationUnit.active.is_(True))
    return list(db.session.scalars(query))


def free_beds(hotel: Hotel, arrival: date, departure: date, beds: list[Bed] | None = None) -> set[int]:
    """Ids of the beds (``beds``, by default the hotel's in use) free for every night of [arrival, departure)."""
    units = {u.id for u in reservations.free_units(hotel.resource, *reservations.nights(arrival, departure))}
    return {b.id for b in (hotel_beds(hotel) if beds is None else beds) if b.unit_id in units}


# --- rooms and beds: renamed, retired and brought back; never deleted (the history names them) -----------

def rename_room(room: Room, name: str) -> None:
    room.name = name
    for bed in room.beds:
        bed.unit.label = f"{room.name} · {bed.label}"[:200]


def rename_bed(bed: Bed, label: str, notes: str) -> None:
    bed.label, bed.notes = label, notes
    bed.unit.label = f"{bed.room.name} · {label}"[:200]


def retire_bed(bed: Bed, region) -> None:
    """No more stays on the bed. Refused while a stay ahead holds it: move those guests first."""
    ahead = db.session.scalar(select(func.count()).select_from(Stay).where(
        Stay.bed_id == bed.id, Stay.status.in_([confirmed, checked_in]), Stay.departure > today(region)))
    if ahead:
        raise Refusal(_("%(bed)s still holds stays ahead (%(count)d): move them to other beds first.",
                        bed=bed.title, count=ahead))
    reservations.retire_unit(bed.unit)


def return_bed(bed: Bed) -> None:
    bed.unit.active = True


def _taken(error: reservations.SlotsTaken, field: str | None = None) -> Refusal:
    return Refusal(_("This bed is taken on %(dates)s.", dates=format_span(date.fromordinal(min(error.slots)),
                                                                          date.fromordinal(max(error.slots)))), field)


def check_request(graduate, hotel: Hotel, arrival: date, departure: date) -> None:
    """A graduate's own stays must not overlap; their dates must make sense in the region's calendar.

    The graduate's row is held first, so the same request sent twice at once is checked twice in turn.
    """
    if departure <= arrival:
        raise Refusal(_("The departure must be at least one day after the arrival."), "departure")
    if arrival < today(hotel.region):
        raise Refusal(_("The arrival cannot be in the past."), "arrival")
    hold(graduate)
    overlapping = db.session.scalar(
        select(Stay).where(Stay.graduate_id == graduate.id, Stay.status.in_(StayStatus.open()),
                           Stay.arrival < departure, Stay.departure > arrival).limit(1)
    )
    if overlapping is not None:
        raise Refusal(_("You already have a stay from %(start)s to %(end)s; the dates overlap.",
                        start=format_day(overlapping.arrival), end=format_day(overlapping.departure)), "departure")


def _check_length(stay: Stay, arrival: date, departure: date, by) -> None:
    limit = settings_for(stay.hotel.region).max_nights
    nights = (departure - arrival).days
    if nights > limit and not by.has_role(stay.hotel.region, Role.coordinator):
        raise Refusal(_("%(nights)d nights is longer than the %(limit)d allowed in the region; "
                        "a coordinator must confirm it.", nights=nights, limit=limit))


def free_places(hotel: Hotel, start: date, days: int) -> list[tuple[date, int]]:
    """How many beds are free each night: numbers only, never who stays."""
    units = [u.id for u in hotel.resource.units if u.active]
    first = start.toordinal()
    taken = Counter(slot for (_unit, slot) in reservations.occupancy(units, first, first + days))
    return [(start + timedelta(days=i), len(units) - taken[first + i]) for i in range(days)]


def free_places_of(hotels: list[Hotel], start: date, days: int) -> list[tuple[Hotel, list[tuple[date, int]]]]:
    """``free_places`` of each hotel, in two queries however many hotels the region runs."""
    if not hotels:
        return []
    units = db.session.execute(select(ReservationUnit.id, ReservationUnit.resource_id).where(
        ReservationUnit.resource_id.in_([h.resource_id for h in hotels]), ReservationUnit.active.is_(True))).all()
    first = start.toordinal()
    resource_of = dict(units)
    taken = Counter((resource_of[unit], slot)
                    for (unit, slot) in reservations.occupancy(list(resource_of), first, first + days))
    beds = Counter(resource for _unit, resource in units)
    return [(hotel, [(start + timedelta(days=i), beds[hotel.resource_id] - taken[(hotel.resource_id, first + i)])
                     for i in range(days)]) for hotel in hotels]


def suggest_bed(stay: Stay) -> Bed | None:
    """The first free bed over the stay's nights; with a child, a bed with notes first (e.g. ground floor)."""
    free = reservations.free_units(stay.hotel.resource, *reservations.nights(stay.arrival, stay.departure))
    if not free:
        return None
    beds = {b.unit_id: b for b in db.session.scalars(select(Bed).where(Bed.unit_id.in_([u.id for u in free])))}
    ordered = [beds[u.id] for u in free if u.id in beds]
    if stay.with_child:
        ordered.sort(key=lambda bed: not bed.notes)
    return ordered[0] if ordered else None


def _same_hotel(stay: Stay, bed: Bed | None) -> Bed:
    if bed is None or bed.room.hotel_id != stay.hotel_id:
        raise Refusal(_("This bed is in another hotel."), "bed")
    if not bed.unit.active:
        raise Refusal(_("This bed is retired; choose another."), "bed")
    return bed


def confirm(stay: Stay, bed: Bed, by) -> None:
    _same_hotel(stay, bed)
    _apply(stay, "confirm", bed=bed.id)
    _check_length(stay, stay.arrival, stay.departure, by)
    try:
        held = reservations.claim(stay.hotel.resource, stay.graduate,
                                  *reservations.nights(stay.arrival, stay.departure), unit=bed.unit)
    except reservations.SlotsTaken as error:
        raise _taken(error, "bed") from None
    stay.bed, stay.claim = bed, held
    pause_point("social_hotel.booking")  # a fault test kills the process here, the booking written, not committed


def reject(stay: Stay, reason: str) -> None:
    _apply(stay, "reject")
    stay.decision_reason = reason


def _release(stay: Stay) -> None:
    held = _claim(stay)
    if held is not None:
        reservations.release(held)


def cancel(stay: Stay) -> None:
    """The graduate's own cancellation, of a request or of a confirmed stay: the bed is free again."""
    _apply(stay, "cancelled")
    _release(stay)


def _not_before_arrival(stay: Stay, day: date) -> None:
    if day < stay.arrival:
        raise Refusal(_("The stay starts on %(date)s: check-in and «Did not come» are possible from that day. "
                        "To check in today, choose «Arrive early: check in today».", date=format_day(stay.arrival)))


def no_show(stay: Stay, day: date | None = None) -> None:
    _apply(stay, "no-show")
    _not_before_arrival(stay, day or today(stay.hotel.region))
    _release(stay)


def check_in(stay: Stay, day: date | None = None) -> None:
    """From the arrival day on; before it, the stay's nights would not be the ones the graduate sleeps."""
    _apply(stay, "check-in")
    _not_before_arrival(stay, day or today(stay.hotel.region))


def arrive_early(stay: Stay, by, day: date | None = None) -> None:
    """Check in before the arrival day: the claim starts today on the same bed, all or nothing."""
    day = day or today(stay.hotel.region)
    _apply(stay, "arrive-early", arrival=day.isoformat())
    if day >= stay.arrival:
        raise Refusal(_("The stay has already begun: check the graduate in as usual."))
    _check_length(stay, day, stay.departure, by)
    try:
        reservations.reschedule(_claim(stay), *reservations.nights(day, stay.departure))
    except reservations.SlotsTaken as error:
        raise _taken(error) from None
    stay.arrival = day


def check_out(stay: Stay, day: date | None = None) -> None:
    """Leaving early frees the remaining nights; the nights stayed stay in the ledger as history."""
    _apply(stay, "check-out")
    day = day or today(stay.hotel.region)
    leave = min(max(day, stay.arrival + timedelta(days=1)), stay.departure)
    if leave < stay.departure:
        reservations.reschedule(_claim(stay), *reservations.nights(stay.arrival, leave))
        stay.departure = leave


def extend(stay: Stay, departure: date, by) -> None:
    _apply(stay, "extend", departure=departure.isoformat())
    if departure <= stay.arrival:
        raise Refusal(_("The departure must be at least one day after the arrival."), "departure")
    _check_length(stay, stay.arrival, departure, by)
    try:
        reservations.reschedule(_claim(stay), *reservations.nights(stay.arrival, departure))
    except reservations.SlotsTaken as error:
        raise _taken(error, "departure") from None
    stay.departure, stay.extension_until = departure, None


def move(stay: Stay, bed: Bed) -> None:
    _same_hotel(stay, bed)
    _apply(stay, "move", bed=bed.id)
    if stay.bed_id == bed.id:
        raise Refusal(_("The stay is already on this bed."), "bed")
    try:
        reservations.move(_claim(stay), bed.unit)
    except reservations.SlotsTaken as error:
        raise _taken(error, "bed") from None
    stay.bed = bed


def ask_extension(stay: Stay, until: date) -> None:
    """The graduate asks to stay longer; staff decide (``extend``)."""
    hold(stay)
    if stay.status not in StayStatus.holding_a_bed() or until <= stay.departure:
        raise Refusal(_("An extension must end after the current departure of a confirmed stay."), "until")
    stay.extension_until = until


def _month_starts(year: int) -> list[date]:
    """The first day of each month of the year and of the next January (13 days)."""
    return [date(year + (m == 12), m % 12 + 1, 1) for m in range(0, 13)]


def monthly_figures_of(hotels: list[Hotel], year: int) -> list[tuple[Hotel, list[dict]]]:
    """Each hotel's figures per month of the year: occupancy (bed-nights taken / beds in use x the month's
    nights, retired beds' nights counted too), the average stay of the stays arrived that month that held a bed,
    and the requests arrived that month by outcome.

    Three statements however many hotels and stays there are, each summed in SQL: the beds in use, the
    bed-nights taken per month (the ledger's rows counted through its (unit, slot) key) and the stays arrived
    per month and status (through the stays' (hotel, arrival) index)."""
    if not hotels:
        return []
    starts = _month_starts(year)
    resources = [hotel.resource_id for hotel in hotels]
    beds = dict(db.session.execute(
        select(ReservationUnit.resource_id, func.count()).where(ReservationUnit.resource_id.in_(resources),
                                                                ReservationUnit.active.is_(True))
        .group_by(ReservationUnit.resource_id)).all())
    taken = reservations.taken_between(resources, [day.toordinal() for day in starts])
    arrival_month = reservations.part_of(Stay.arrival, starts)  # the month, 1-12
    nights = (func.julianday(Stay.departure) - func.julianday(Stay.arrival)
              if db.session.get_bind().dialect.name == "sqlite" else Stay.departure - Stay.arrival)
    stays = defaultdict(list)
    for hotel_id, month, status, n, total_nights in db.session.execute(
            select(Stay.hotel_id, arrival_month, Stay.status, func.count(), func.sum(nights))
            .where(Stay.hotel_id.in_([hotel.id for hotel in hotels]), Stay.arrival >= starts[0],
                   Stay.arrival < starts[12])
            .group_by(Stay.hotel_id, arrival_month, Stay.status)):
        stays[(hotel_id, month)].append((StayStatus(status), n, int(total_nights or 0)))
    found = []
    for hotel in hotels:
        rows = []
        for month in range(1, 13):
            mine = stays[(hotel.id, month)]
            kept = [(n, total) for status, n, total in mine if status in KEPT]
            count = sum(n for n, _total in kept)
            rows.append({
                "month": starts[month - 1],
                "occupancy": round(100 * taken.get((hotel.resource_id, month), 0)
                                   / ((beds.get(hotel.resource_id) or 1) * (starts[month] - starts[month - 1]).days),
                                   1),
                "average_nights": round(sum(total for _n, total in kept) / count, 1) if count else 0,
                "requests": sum(n for _status, n, _total in mine),
                "outcomes": Counter({status: n for status, n, _total in mine}),
            })
        found.append((hotel, rows))
    return found


#: The stays whose nights count in the average: those that held (or hold) a bed.
KEPT = (StayStatus.confirmed, StayStatus.checked_in, StayStatus.checked_out)


def _waiting(query, region, hotel: Hotel | None):
    """``query`` kept to the region's (or the hotel's) requests waiting for a decision."""
    query = query.join(Hotel).where(Hotel.region_id == region.id, Stay.status == StayStatus.requested)
    return query if hotel is None else query.where(Stay.hotel_id == hotel.id)


def _open_requests_query(region, hotel: Hotel | None, *columns):
    """The waiting requests with their hotel and graduate, the longest waiting first (and ``columns`` beside)."""
    return (_waiting(select(Stay, *columns), region, hotel)
            .options(contains_eager(Stay.hotel), joinedload(Stay.graduate)).order_by(Stay.created_at, Stay.id))


def open_requests(region, hotel: Hotel | None = None, limit: int | None = None) -> list[Stay]:
    """The region's requests waiting for a decision, the longest waiting first (one hotel's, when named: filtered
    in SQL; the first ``limit`` when given)."""
    return list(db.session.scalars(_open_requests_query(region, hotel).limit(limit)))


def open_requests_counted(region, hotel: Hotel, limit: int) -> tuple[list[Stay], int]:
    """The hotel's first ``limit`` waiting requests (as :func:`open_requests`) and how many wait in all, in one
    statement: the count is a window over the rows the LIMIT then cuts (no requests: none, and 0)."""
    rows = db.session.execute(
        _open_requests_query(region, hotel, func.count().over().label("total")).limit(limit)).all()
    return [row.Stay for row in rows], (rows[0].total if rows else 0)


def requests_count_query(region, hotel: Hotel | None = None):
    """The count of the region's (or the hotel's) waiting requests, as SQL (the dashboard asks it with others)."""
    return _waiting(select(func.count(Stay.id)).select_from(Stay), region, hotel)


def count_requests(region, hotel: Hotel | None = None) -> int:
    return db.session.scalar(requests_count_query(region, hotel)) or 0
