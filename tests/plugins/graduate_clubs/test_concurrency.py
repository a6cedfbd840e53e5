"""Forty graduates register for five places at the same moment: five get in, the rest wait in line."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs.models import Event, Registration, RegistrationStatus
from portal.app.extensions import db
from portal.models import ClaimedSlot, ClaimStatus, ReservationClaim, User
from tests.helpers import at_once, make_user
from tests.plugins.graduate_clubs.conftest import add_event

CROWD = 40
PLACES = 5


def _register(event_id: int, wait: bool):
    def register(graduate_id: int, start) -> str:
        event = db.session.get(Event, event_id)
        graduate = db.session.get(User, graduate_id)
        _ = (event.resource.units, event.club.region, graduate.memberships)
        db.session.commit()  # give the connection back: the pool is smaller than the crowd
        start()
        try:
            registration = rules.register(event, graduate, wait=wait)
            status = registration.status.value
            db.session.commit()
            return status
        except rules.ClubRefused as refusal:
            db.session.rollback()
            return "full" if "Мест нет" in str(refusal) or "full" in str(refusal) else str(refusal)

    return register


@pytest.mark.parametrize("wait", [True, False], ids=["waiting-list", "no-waiting"])
def test_a_crowd_registers_at_once_and_the_event_is_never_over_capacity(app, regions, club, soon, wait):
    event = add_event(club, soon, capacity=PLACES)
    graduates = [make_user(f"crowd{i}@belgorod.test", {regions["belgorod"]: ["graduate"]}) for i in range(CROWD)]
    event_id, graduate_ids = event.id, [g.id for g in graduates]
    db.session.remove()

    outcomes = at_once(app, graduate_ids, _register(event_id, wait))

    assert outcomes.count("registered") == PLACES, outcomes
    assert outcomes.count("waiting" if wait else "full") == CROWD - PLACES, outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == PLACES
        held = db.session.scalar(select(func.count()).select_from(ReservationClaim)
                                 .where(ReservationClaim.status == ClaimStatus.held))
        assert held == PLACES
        if wait:
            # Each who cancels lets the first in line in, in the order they came.
            event = db.session.get(Event, event_id)
            registered, waiting = rules.event_registrations(event)
            line = [r.graduate_id for r in waiting]
            for number, leaving in enumerate(registered[:3]):
                rules.cancel(leaving)
                db.session.commit()
                moved_in = db.session.scalar(select(Registration).where(Registration.graduate_id == line[number],
                                                                        Registration.event_id == event_id))
                assert moved_in.status == RegistrationStatus.registered
            assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == PLACES


def test_fewer_places_while_a_graduate_registers_never_overfill_the_event(app, regions, club, soon, monkeypatch):
    """Capacity 2 with one registered: lowering it to 1 while a second registers lets one of the two win.

    The organizer's change pauses right after counting the seats, which is where a registration
    used to slip in; with the event locked, the registration waits for the change instead.
    """
    event = add_event(club, soon, capacity=2)
    first, second = [make_user(f"race{i}@belgorod.test", {regions["belgorod"]: ["graduate"]}) for i in range(2)]
    rules.register(event, first)
    db.session.commit()
    event_id, second_id = event.id, second.id
    db.session.remove()

    counted, registered = threading.Event(), threading.Event()
    real_counts = rules.seat_counts

    def count_then_pause(events):
        found = real_counts(events)
        if threading.current_thread().name == "organizer":
            counted.set()
            registered.wait(3)  # long enough for an unserialized registration to land here
        return found

    monkeypatch.setattr(rules, "seat_counts", count_then_pause)
    outcomes = {}

    def lower():
        with app.test_request_context():
            try:
                rules.set_capacity(db.session.get(Event, event_id), 1)
                db.session.commit()
                outcomes["organizer"] = "lowered"
            except rules.ClubRefused:
                db.session.rollback()
                outcomes["organizer"] = "refused"
            except Exception as error:
                db.session.rollback()
                outcomes["organizer"] = f"error: {error!r}"
            finally:
                db.session.remove()

    def register():
        counted.wait(10)
        with app.test_request_context():
            try:
                rules.register(db.session.get(Event, event_id), db.session.get(User, second_id))
                db.session.commit()
                outcomes["graduate"] = "registered"
            except rules.ClubRefused:
                db.session.rollback()
                outcomes["graduate"] = "full"
            except Exception as error:
                db.session.rollback()
                outcomes["graduate"] = f"error: {error!r}"
            finally:
                registered.set()
                db.session.remove()

    threads = [threading.Thread(target=lower, name="organizer"), threading.Thread(target=register, name="graduate")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(outcomes.values()) in (["full", "lowered"], ["refused", "registered"]), outcomes
    with app.test_request_context():
        event = db.session.get(Event, event_id)
        held = rules.seat_counts([event])[event.id][0]
        active = sum(1 for unit in event.resource.units if unit.active)
        assert held <= event.capacity == active, (held, event.capacity, active)
