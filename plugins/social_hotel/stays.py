"""The rules of a stay, on top of the core's reservations engine."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from plugins.social_hotel.models import Bed, Hotel, HotelSettings, Room, Stay, StayStatus
from portal.services import reservations
from portal.app.extensions import db
from portal.models import ReservationUnit, Role

NAME = "social_hotel"


class StayRefused(Exception):
    """A clear reason, in the user's language, why the stay cannot be done."""


DEFAULT_MAX_NIGHTS = 30


def settings_for(region) -> HotelSettings:
    """The region's settings; the defaults, unsaved, until a coordinator saves them.

    Reading never writes: concurrent requests would otherwise race to insert the row.
    """
    return db.session.get(HotelSettings, region.id) or HotelSettings(region_id=region.id,
                                                                     max_nights=DEFAULT_MAX_NIGHTS)


def add_hotel(region, name: str, address: str = "", house_rules: str = "") -> Hotel:
    resource = reservations.add_resource(region, NAME, name, [])
    hotel = Hotel(region_id=region.id, name=name, address=address, house_rules=house_rules, resource=resource)
    db.session.add(hotel)
    db.session.flush()
    return hotel


def add_bed(room: Room, label: str, notes: str = "") -> Bed:
    resource = room.hotel.resource
    unit = ReservationUnit(resource=resource, label=f"{room.name} · {label}", position=len(resource.units))
    bed = Bed(room=room, label=label, notes=notes, unit=unit)
    db.session.add(bed)
    db.session.flush()
    return bed


def hotel_beds(hotel: Hotel) -> list[Bed]:
    return list(db.session.scalars(
        select(Bed).join(Room).where(Room.hotel_id == hotel.id).order_by(Room.id, Bed.id)
        .options(contains_eager(Bed.room))
    ))


def _date_span(slots: list[int]) -> str:
    first, last = date.fromordinal(min(slots)), date.fromordinal(max(slots))
    if first == last:
        return format_date(first, "d MMMM")
    return f"{format_date(first, 'd MMMM')} – {format_date(last, 'd MMMM')}"


def check_dates(arrival: date, departure: date, today: date | None = None) -> None:
    today = today or date.today()
    if departure <= arrival:
        raise StayRefused(_("The departure must be at least one day after the arrival."))
    if arrival < today:
        raise StayRefused(_("The arrival cannot be in the past."))


def check_request(graduate, hotel: Hotel, arrival: date, departure: date, ignore: Stay | None = None) -> None:
    """A graduate's own stays must not overlap; their dates must make sense."""
    check_dates(arrival, departure)
    overlapping = db.session.scalar(
        select(Stay).where(Stay.graduate_id == graduate.id, Stay.status.in_(StayStatus.open()),
                           Stay.arrival < departure, Stay.departure > arrival,
                           Stay.id != (ignore.id if ignore else -1)).limit(1)
    )
    if overlapping is not None:
        raise StayRefused(_("You already have a stay from %(start)s to %(end)s; the dates overlap.",
                            start=format_date(overlapping.arrival), end=format_date(overlapping.departure)))


def _check_length(stay: Stay, departure: date, by) -> None:
    limit = settings_for(stay.hotel.region).max_nights
    nights = (departure - stay.arrival).days
    if nights > limit and not by.has_role(stay.hotel.region, Role.coordinator):
        raise StayRefused(_("%(nights)d nights is longer than the %(limit)d allowed in the region; "
                            "a coordinator must confirm it.", nights=nights, limit=limit))


def free_places(hotel: Hotel, start: date, days: int) -> list[tuple[date, int]]:
    """How many beds are free each night: numbers only, never who stays."""
    units = [u.id for u in hotel.resource.units if u.active]
    first = start.toordinal()
    taken = Counter(slot for (_unit, slot) in reservations.occupancy(units, first, first + days))
    return [(start + timedelta(days=i), len(units) - taken[first + i]) for i in range(days)]


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


def _taken_message(bed: Bed, error: reservations.SlotsTaken) -> str:
    return _("This bed is taken on %(dates)s.", dates=_date_span(error.slots))


def confirm(stay: Stay, bed: Bed, by) -> None:
    if stay.status != StayStatus.requested:
        raise StayRefused(_("Only a requested stay can be confirmed."))
    if bed.room.hotel_id != stay.hotel_id:
        raise StayRefused(_("This bed is in another hotel."))
    _check_length(stay, stay.departure, by)
    try:
        held = reservations.claim(stay.hotel.resource, stay.graduate, *reservations.nights(stay.arrival, stay.departure),
                                  unit=bed.unit)
    except reservations.SlotsTaken as error:
        raise StayRefused(_taken_message(bed, error)) from None
    stay.status, stay.bed, stay.claim = StayStatus.confirmed, bed, held


def reject(stay: Stay, reason: str) -> None:
    if stay.status != StayStatus.requested:
        raise StayRefused(_("Only a requested stay can be rejected."))
    stay.status, stay.decision_reason = StayStatus.rejected, reason


def _release(stay: Stay) -> None:
    if stay.claim is not None:
        reservations.release(stay.claim)


def cancel(stay: Stay) -> None:
    if stay.status not in (StayStatus.requested, StayStatus.confirmed):
        raise StayRefused(_("This stay can no longer be cancelled."))
    _release(stay)
    stay.status = StayStatus.cancelled


def no_show(stay: Stay) -> None:
    if stay.status != StayStatus.confirmed:
        raise StayRefused(_("Only a confirmed stay can be marked as a no-show."))
    _release(stay)
    stay.status = StayStatus.no_show


def check_in(stay: Stay) -> None:
    if stay.status != StayStatus.confirmed:
        raise StayRefused(_("Only a confirmed stay can be checked in."))
    stay.status = StayStatus.checked_in


def check_out(stay: Stay, today: date | None = None) -> None:
    """Leaving early frees the remaining nights; the nights stayed stay in the ledger as history."""
    if stay.status != StayStatus.checked_in:
        raise StayRefused(_("Only a stay that is checked in can be checked out."))
    today = today or date.today()
    leave = min(max(today, stay.arrival + timedelta(days=1)), stay.departure)
    if leave < stay.departure:
        reservations.reschedule(stay.claim, *reservations.nights(stay.arrival, leave))
        stay.departure = leave
    stay.status = StayStatus.checked_out


def extend(stay: Stay, departure: date, by) -> None:
    if stay.status not in StayStatus.holding_a_bed():
        raise StayRefused(_("Only a confirmed or current stay can be extended."))
    if departure <= stay.arrival:
        raise StayRefused(_("The departure must be at least one day after the arrival."))
    _check_length(stay, departure, by)
    try:
        reservations.reschedule(stay.claim, *reservations.nights(stay.arrival, departure))
    except reservations.SlotsTaken as error:
        raise StayRefused(_taken_message(stay.bed, error)) from None
    stay.departure, stay.extension_until = departure, None


def move(stay: Stay, bed: Bed) -> None:
    if stay.status not in StayStatus.holding_a_bed():
        raise StayRefused(_("Only a confirmed or current stay can move to another bed."))
    if bed.room.hotel_id != stay.hotel_id:
        raise StayRefused(_("This bed is in another hotel."))
    try:
        reservations.move(stay.claim, bed.unit)
    except reservations.SlotsTaken as error:
        raise StayRefused(_taken_message(bed, error)) from None
    stay.bed = bed


def monthly_figures(hotel: Hotel, year: int) -> list[dict]:
    """Occupancy per month (bed-nights taken / available), average stay, requests by outcome."""
    beds = len([u for u in hotel.resource.units if u.active]) or 1
    first, end = date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal()
    taken = Counter(date.fromordinal(slot).month for (_u, slot) in
                    reservations.occupancy([u.id for u in hotel.resource.units], first, end))
    stays = db.session.execute(
        select(Stay.arrival, Stay.departure, Stay.status).where(
            Stay.hotel_id == hotel.id, Stay.arrival >= date(year, 1, 1), Stay.arrival < date(year + 1, 1, 1))
    ).all()
    rows = []
    for month in range(1, 13):
        start = date(year, month, 1)
        days = ((date(year + (month == 12), month % 12 + 1, 1)) - start).days
        mine = [s for s in stays if s.arrival.month == month]
        kept = [s for s in mine if s.status in (StayStatus.confirmed, StayStatus.checked_in, StayStatus.checked_out)]
        outcomes = Counter(s.status.value for s in mine)
        rows.append({
            "month": start,
            "occupancy": round(100 * taken[month] / (beds * days), 1),
            "average_nights": round(sum((s.departure - s.arrival).days for s in kept) / len(kept), 1) if kept else 0,
            "requests": len(mine),
            "outcomes": outcomes,
        })
    return rows


def open_requests(region) -> list[Stay]:
    return list(db.session.scalars(
        select(Stay).join(Hotel).where(Hotel.region_id == region.id, Stay.status == StayStatus.requested)
        .options(contains_eager(Stay.hotel), selectinload(Stay.graduate)).order_by(Stay.created_at)
    ))


def count_requests(region) -> int:
    return db.session.scalar(select(func.count(Stay.id)).join(Hotel).where(
        Hotel.region_id == region.id, Stay.status == StayStatus.requested)) or 0
