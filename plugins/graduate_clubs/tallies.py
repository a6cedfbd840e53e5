"""The clubs' kept figures: per event, the registrations holding a seat and, of them, who came, so that the
yearly figures sum an event's row instead of reading every registration with its seat.

An event's figures are counted again, from its registrations and their claims, after every flush that changes
one of its registrations (event, claim, attendance) or one of its claims (status, resource), and after the bulk
statements the session does not see (the core's promotion of a waiting list: :func:`recount_events` after
``reservations.release`` and ``resize``). The event's row is locked first (it is already held by every change of
its seats), so two transactions counting the same event count one after the other, each seeing what the other
committed; the count is written in the same transaction, and a rollback takes it back too. :func:`recount`
counts every event from scratch (the migration, the demo at scale's bulk rows, ``portal graduate_clubs
recount``); tests keep the kept figures equal to it.
"""
from __future__ import annotations

from sqlalchemy import event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from plugins.graduate_clubs.models import Event, EventTally, Registration
from portal.kit import ClaimStatus, ReservationClaim, db

REGISTRATION_FIELDS = ("event_id", "claim_id", "attended")
CLAIM_FIELDS = ("status", "resource_id")
KEY = "graduate_clubs.tallies"
CHUNK = 1000


def counts(connection, event_ids) -> dict[int, tuple[int, int]]:
    """Per event: (registrations holding a seat, of them who came), as the database has them now; (0, 0) for the
    events with none."""
    ids = sorted(set(event_ids))
    found = {event_id: (0, 0) for event_id in ids}
    for start in range(0, len(ids), CHUNK):
        part = ids[start:start + CHUNK]
        for event_id, registered, attended in connection.execute(
                select(Registration.event_id, func.count(), func.count().filter(Registration.attended.is_(True)))
                .join(ReservationClaim, Registration.claim_id == ReservationClaim.id)
                .where(Registration.event_id.in_(part), ReservationClaim.status == ClaimStatus.held)
                .group_by(Registration.event_id)):
            found[event_id] = (registered, attended)
    return found


def write(connection, found: dict[int, tuple[int, int]]) -> None:
    """Set the events' kept figures, in event order."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    rows = [{"event_id": event_id, "registered": n, "attended": came} for event_id, (n, came) in sorted(found.items())]
    for start in range(0, len(rows), CHUNK):
        statement = dialect.insert(EventTally.__table__).values(rows[start:start + CHUNK])
        connection.execute(statement.on_conflict_do_update(
            index_elements=["event_id"],
            set_={"registered": statement.excluded.registered, "attended": statement.excluded.attended}))


def _recount(connection, event_ids) -> None:
    ids = sorted(set(event_ids))
    if not ids:
        return
    # the events' rows first, in id order: a second transaction counting them waits for this one's commit
    existing = list(connection.scalars(select(Event.id).where(Event.id.in_(ids)).order_by(Event.id)
                                       .with_for_update()))
    if existing:
        write(connection, counts(connection, existing))


def recount_events(event_ids) -> None:
    """Count the events again (after bulk statements on their registrations or seats)."""
    session = db.session
    session.flush()
    _recount(session.connection(), event_ids)


def _changed(instance, fields) -> bool:
    attributes = inspect(instance).attrs
    return any(attributes[name].history.has_changes() for name in fields)


def _values(instance, name) -> set:
    history = inspect(instance).attrs[name].history
    return {value for value in (getattr(instance, name), *history.deleted) if value is not None}


@event.listens_for(Session, "before_flush")
def _before_flush(session, _context, _instances) -> None:
    events, resources, new = set(), set(), []
    deleted = set(session.deleted)
    for instance in (*session.new, *session.dirty, *deleted):
        fresh = instance in session.new
        if isinstance(instance, Registration):
            if fresh:
                new.append(instance)
            elif instance in deleted or _changed(instance, REGISTRATION_FIELDS):
                events |= _values(instance, "event_id")
                if instance.__dict__.get("event") is not None:
                    events.add(instance.event.id)
        elif isinstance(instance, ReservationClaim):
            if fresh or instance in deleted or _changed(instance, CLAIM_FIELDS):
                resources |= _values(instance, "resource_id")
    if events or resources or new:
        found = session.info.setdefault(KEY, [set(), set(), []])
        found[0] |= events
        found[1] |= resources
        found[2] += new


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    found = session.info.pop(KEY, None)
    if found is None:
        return
    events, resources, new = found
    events |= {r.event_id for r in new if r.event_id is not None}
    events |= {r.event.id for r in new if r.__dict__.get("event") is not None and r.event.id is not None}
    connection = session.connection()
    if resources:
        events |= set(connection.scalars(select(Event.id).where(Event.resource_id.in_(sorted(resources)))))
    _recount(connection, events)


def recount(connection, region_ids=None) -> int:
    """Replace the kept figures of the regions' events (all when None) by a count from scratch; returns how many
    events there are."""
    from plugins.graduate_clubs.models import Club

    query = select(Event.id).order_by(Event.id)
    if region_ids is not None:
        query = query.join(Club, Club.id == Event.club_id).where(Club.region_id.in_(sorted(region_ids)))
    ids = list(connection.scalars(query))
    for start in range(0, len(ids), 20 * CHUNK):
        write(connection, counts(connection, ids[start:start + 20 * CHUNK]))
    return len(ids)


def kept(connection, event_ids) -> dict[int, tuple[int, int]]:
    """The events' figures as kept ((0, 0) for those without a row)."""
    ids = sorted(set(event_ids))
    found = {event_id: (0, 0) for event_id in ids}
    for event_id, registered, attended in connection.execute(
            select(EventTally.event_id, EventTally.registered, EventTally.attended)
            .where(EventTally.event_id.in_(ids))):
        found[event_id] = (registered, attended)
    return found
