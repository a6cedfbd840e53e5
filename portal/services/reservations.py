"""The one place where capacity is enforced: beds by the night, seats at an event.

A resource has units (beds, seats). A claim takes one unit over a range of
integer slots (nights as date ordinals; a single slot for an event). Each
(unit, slot) taken is a row of the ledger ``reservation_slot``, whose unique
key lets the database, not Python, refuse a second claim on the same place:
two processes on two machines cannot both take the last bed. A claim that
finds no room can wait; when units free up, waiting claims are promoted in
the order they came.

Every function here joins the caller's transaction and never commits; a
failed attempt is undone with a savepoint, so the caller's other changes
stay as they were.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import case, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from portal.app.extensions import db
from portal.models._time import utcnow
from portal.models.reservation import (ClaimedSlot, ClaimStatus, ReservationClaim, ReservationResource,
                                       ReservationUnit)
from portal.services.bulk import bulk_insert

__all__ = [
    "ClaimStatus", "NoRoom", "ReservationError", "SlotsTaken",
    "add_resource", "add_unit", "claim", "claims_held_by", "free_units", "move", "night", "nights",
    "occupancy", "promote_waiting", "release", "reschedule", "resize", "retire_unit",
]


class ReservationError(Exception):
    """A claim the rules refuse; the plugin turns it into a message for the person."""


class SlotsTaken(ReservationError):
    """The unit is taken on some of the slots asked for; ``slots`` says which."""

    def __init__(self, unit: ReservationUnit, slots: list[int]):
        super().__init__(f"unit {unit.id} is taken on slots {slots}")
        self.unit = unit
        self.slots = slots


class NoRoom(ReservationError):
    """No unit of the resource is free over the slots asked for."""


def night(day: date) -> int:
    """The slot of the night that starts on ``day``."""
    return day.toordinal()


def nights(arrival: date, departure: date) -> tuple[int, int]:
    """Half-open [arrival, departure): the departure day is free for the next guest."""
    if departure <= arrival:
        raise ValueError("the departure must come after the arrival")
    return night(arrival), night(departure)


def add_resource(region, owner: str, label: str, unit_labels: list[str]) -> ReservationResource:
    resource = ReservationResource(region_id=region.id, owner=owner, label=label)
    resource.units = [ReservationUnit(label=text, position=i) for i, text in enumerate(unit_labels)]
    db.session.add(resource)
    db.session.flush()
    return resource


def add_unit(resource: ReservationResource, label: str) -> ReservationUnit:
    """One more place (a bed, a seat) at the end of the resource's order."""
    position = db.session.scalar(select(func.coalesce(func.max(ReservationUnit.position) + 1, 0))
                                 .where(ReservationUnit.resource_id == resource.id))
    unit = ReservationUnit(label=label[:200], position=position)
    resource.units.append(unit)
    db.session.flush()
    return unit


def retire_unit(unit: ReservationUnit) -> None:
    """No new claims on the unit; what it holds now stays held (a bed out of use after the last guest)."""
    unit.active = False
    db.session.flush()


def resize(resource: ReservationResource, count: int, label_of=lambda position: f"{position + 1}") \
        -> list[ReservationClaim]:
    """Make ``count`` units active: retired ones come back first, then new ones; fewer retire free units.

    A unit someone holds is never retired, so fewer places than are held is refused. Hold the
    owner's row first (``portal.services.locking.hold``), or a claim may take a unit between
    the count and the change. Returns the waiting claims promoted into new room.

    :raises ReservationError: ``count`` is below the number of places held.
    """
    units = list(db.session.scalars(
        select(ReservationUnit).where(ReservationUnit.resource_id == resource.id)
        .order_by(ReservationUnit.position, ReservationUnit.id).execution_options(populate_existing=True)))
    taken = set(db.session.scalars(select(ReservationClaim.unit_id).where(
        ReservationClaim.resource_id == resource.id, ReservationClaim.status == ClaimStatus.held)))
    if count < len(taken):
        raise ReservationError(f"{len(taken)} places are held; cannot have {count}")
    active = [u for u in units if u.active]
    if count > len(active):
        need = count - len(active)
        for unit in [u for u in units if not u.active][:need]:
            unit.active = True
            need -= 1
        for position in range(len(units), len(units) + need):
            resource.units.append(ReservationUnit(label=label_of(position), position=position))
    else:
        for unit in [u for u in reversed(active) if u.id not in taken][:len(active) - count]:
            unit.active = False
    db.session.flush()
    return promote_waiting(resource)


def claims_held_by(holder, owner: str | None = None) -> list[ReservationClaim]:
    """What a person holds or waits for now, across resources (of one plugin, with ``owner``)."""
    query = (select(ReservationClaim).join(ReservationResource)
             .where(ReservationClaim.holder_id == holder.id,
                    ReservationClaim.status.in_((ClaimStatus.held, ClaimStatus.waiting)))
             .order_by(ReservationClaim.first_slot, ReservationClaim.id))
    if owner is not None:
        query = query.where(ReservationResource.owner == owner)
    return list(db.session.scalars(query))


def free_units(resource: ReservationResource, first: int, end: int) -> list[ReservationUnit]:
    """Active units with none of the slots taken, in their order."""
    busy = exists().where(
        ClaimedSlot.unit_id == ReservationUnit.id, ClaimedSlot.slot >= first, ClaimedSlot.slot < end
    )
    return list(db.session.scalars(
        select(ReservationUnit)
        .where(ReservationUnit.resource_id == resource.id, ReservationUnit.active.is_(True), ~busy)
        .order_by(ReservationUnit.position, ReservationUnit.id)
    ))


def _taken_slots(unit: ReservationUnit, first: int, end: int, claim_id: int | None = None) -> list[int]:
    query = select(ClaimedSlot.slot).where(
        ClaimedSlot.unit_id == unit.id, ClaimedSlot.slot >= first, ClaimedSlot.slot < end
    )
    if claim_id is not None:
        query = query.where(ClaimedSlot.claim_id != claim_id)
    return sorted(db.session.scalars(query))


def _take(held: ReservationClaim, unit: ReservationUnit) -> None:
    """Write the ledger rows under a savepoint; the unique key refuses what is taken."""
    try:
        with db.session.begin_nested():
            db.session.add_all(
                ClaimedSlot(claim_id=held.id, unit_id=unit.id, slot=slot) for slot in held.slots
            )
    except IntegrityError:
        raise SlotsTaken(unit, _taken_slots(unit, held.first_slot, held.end_slot) or list(held.slots)) from None
    held.unit_id = unit.id
    held.status = ClaimStatus.held


def claim(resource: ReservationResource, holder, first: int, end: int, unit: ReservationUnit | None = None,
          wait: bool = False) -> ReservationClaim:
    """Take ``unit`` (or the first free one) over [first, end).

    :raises SlotsTaken: the unit asked for is taken on some of the slots.
    :raises NoRoom: no unit is free and ``wait`` is false.
    :return: the claim, held, or waiting when ``wait`` and there was no room.
    """
    if end <= first:
        raise ValueError("a claim needs at least one slot")
    held = ReservationClaim(resource_id=resource.id, holder_id=holder.id if holder else None,
                            first_slot=first, end_slot=end, status=ClaimStatus.waiting)
    db.session.add(held)
    db.session.flush()  # the claim's row first, so the savepoints below nest in this transaction
    if unit is not None:
        try:
            _take(held, unit)
        except SlotsTaken:
            db.session.delete(held)
            db.session.flush()
            raise
        return held
    if _take_any(held, resource):
        return held
    if wait:
        return held
    db.session.delete(held)
    db.session.flush()
    raise NoRoom(resource.label)


def _take_any(held: ReservationClaim, resource: ReservationResource) -> bool:
    for candidate in free_units(resource, held.first_slot, held.end_slot):
        try:
            _take(held, candidate)
            return True
        except SlotsTaken:
            continue  # taken by someone else since we looked: try the next one
    return False


def release(held: ReservationClaim) -> list[ReservationClaim]:
    """Give the units back and promote whoever waits; returns the claims promoted."""
    if held.status == ClaimStatus.released:
        return []
    db.session.execute(delete(ClaimedSlot).where(ClaimedSlot.claim_id == held.id))
    held.status = ClaimStatus.released
    held.released_at = utcnow()
    db.session.flush()
    return promote_waiting(held.resource)


def promote_waiting(resource: ReservationResource) -> list[ReservationClaim]:
    """Waiting claims take free units in the order they came; the first that cannot fit stops the line.

    A claim is promoted once even when two releases run at the same time: the status
    change is conditional, so only one transaction wins it.
    """
    promoted = []
    waiting = db.session.scalars(
        select(ReservationClaim)
        .where(ReservationClaim.resource_id == resource.id, ReservationClaim.status == ClaimStatus.waiting)
        .order_by(ReservationClaim.created_at, ReservationClaim.id)
    ).all()
    for candidate in waiting:
        units = free_units(resource, candidate.first_slot, candidate.end_slot)
        if not units:
            break
        won = db.session.execute(
            update(ReservationClaim)
            .where(ReservationClaim.id == candidate.id, ReservationClaim.status == ClaimStatus.waiting)
            .values(status=ClaimStatus.held)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not won:
            continue  # another transaction promoted it
        if _take_any(candidate, resource):
            promoted.append(candidate)
        else:  # the free unit went to someone else meanwhile: back in line, first as before
            db.session.execute(update(ReservationClaim).where(ReservationClaim.id == candidate.id)
                               .values(status=ClaimStatus.waiting))
            break
    return promoted


def _replace_slots(held: ReservationClaim, unit: ReservationUnit, first: int, end: int) -> None:
    """Swap the claim's ledger rows for new ones, all or nothing."""
    if end <= first:
        raise ValueError("a claim needs at least one slot")
    try:
        with db.session.begin_nested():
            db.session.execute(delete(ClaimedSlot).where(ClaimedSlot.claim_id == held.id))
            db.session.add_all(ClaimedSlot(claim_id=held.id, unit_id=unit.id, slot=s) for s in range(first, end))
            db.session.flush()
    except IntegrityError:
        raise SlotsTaken(unit, _taken_slots(unit, first, end, claim_id=held.id) or list(range(first, end))) from None
    held.unit_id, held.first_slot, held.end_slot = unit.id, first, end
    db.session.flush()


def move(held: ReservationClaim, unit: ReservationUnit) -> None:
    """The same slots on another unit (another bed); the unit it is on already changes nothing."""
    if unit.id == held.unit_id:
        return
    _replace_slots(held, unit, held.first_slot, held.end_slot)


def reschedule(held: ReservationClaim, first: int, end: int) -> list[ReservationClaim]:
    """Other slots on the same unit (an extended or shortened stay); promotes on shrinking."""
    _replace_slots(held, held.unit, first, end)
    return promote_waiting(held.resource)


def occupancy(unit_ids: list[int], first: int, end: int) -> dict[tuple[int, int], int]:
    """(unit id, slot) -> claim id over a window, in one query: for charts."""
    rows = db.session.execute(
        select(ClaimedSlot.unit_id, ClaimedSlot.slot, ClaimedSlot.claim_id).where(
            ClaimedSlot.unit_id.in_(unit_ids), ClaimedSlot.slot >= first, ClaimedSlot.slot < end
        )
    )
    return {(unit_id, slot): claim_id for unit_id, slot, claim_id in rows}


def part_of(column, bounds: list):
    """The k (from 1) of the part [bounds[k-1], bounds[k]) a value of ``column`` falls in, as SQL, for figures
    grouped by month or any ascending cut of slots or days; the caller keeps the values within [bounds[0],
    bounds[-1]) (past the last bound it is NULL)."""
    return case(*[(column < bounds[k], k) for k in range(1, len(bounds))], else_=None)


def taken_between(resource_ids: list[int], bounds: list[int]) -> dict[tuple[int, int], int]:
    """(resource id, k) -> how many of the resources' slots are taken in [bounds[k-1], bounds[k]) (k from 1),
    over every unit, retired ones too: one counting statement through the ledger's (unit, slot) key, for
    figures (bed-nights per month). ``bounds`` ascend."""
    if not resource_ids or len(bounds) < 2:
        return {}
    part = part_of(ClaimedSlot.slot, bounds)
    rows = db.session.execute(
        select(ReservationUnit.resource_id, part, func.count())
        .join(ReservationUnit, ReservationUnit.id == ClaimedSlot.unit_id)
        .where(ReservationUnit.resource_id.in_(resource_ids), ClaimedSlot.slot >= bounds[0],
               ClaimedSlot.slot < bounds[-1])
        .group_by(ReservationUnit.resource_id, part))
    return {(resource_id, k): n for resource_id, k, n in rows}


def bulk_resources(region_id: int, owner: str, places: list[tuple[str, int]]) -> list[tuple[int, list[int]]]:
    """Many resources at once (the demo at scale): ``places`` is [(label, number of units)];
    returns [(resource id, [unit ids in order])]."""
    resource_ids = bulk_insert(ReservationResource, ({"region_id": region_id, "owner": owner, "label": label[:200]}
                                                     for label, _count in places), returning=True)
    units = [{"resource_id": rid, "label": f"{n + 1}", "position": n}
             for rid, (_label, count) in zip(resource_ids, places) for n in range(count)]
    unit_ids = iter(bulk_insert(ReservationUnit, units, returning=True))
    return [(rid, [next(unit_ids) for _ in range(count)]) for rid, (_label, count) in zip(resource_ids, places)]


def bulk_claims(claims: list[dict]) -> list[int]:
    """Many claims at once, the ledger rows of the held ones with them (the demo at scale).

    Each claim: ``resource_id``, ``holder_id``, ``unit_id``, ``first_slot``, ``end_slot``, ``status`` (a
    :class:`ClaimStatus`). The caller makes sure no two held claims share a unit's slot: the unique
    ledger refuses the whole batch otherwise. Returns the claim ids in order.
    """
    ids = bulk_insert(ReservationClaim, claims, returning=True)
    bulk_insert(ClaimedSlot, ({"claim_id": claim_id, "unit_id": row["unit_id"], "slot": slot}
                              for claim_id, row in zip(ids, claims) if row["status"] == ClaimStatus.held
                              for slot in range(row["first_slot"], row["end_slot"])))
    return ids
