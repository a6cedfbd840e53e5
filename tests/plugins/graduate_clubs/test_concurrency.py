"""Forty graduates register for five places at the same moment: five get in, the rest wait in line."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs.models import Event, Member, Registration, RegistrationStatus
from portal.app.extensions import db
from portal.kit import Refusal
from portal.models import AuditEvent, ClaimedSlot, ClaimStatus, ReservationClaim, User
from portal.models._time import utcnow
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
        except Refusal as refusal:
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
            except Refusal:
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
            except Refusal:
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


# --- a double click, and decisions taken on what the database has now ------------------------

def test_joining_a_club_with_a_double_click_makes_one_membership(app, people, club):
    """Ten identical posts at once: each is told it joined or that it is a member already, never a 500."""
    url = f"/belgorod/graduate_clubs/clubs/{club.id}/join"
    clients = [app.test_client().login_as(people["graduate"]) for _ in range(10)]
    tokens = [web.csrf_token() for web in clients]
    club_id, graduate_id = club.id, people["graduate"].id
    db.session.remove()

    def join(number: int, start) -> str:
        web = clients[number]
        start()
        answer = web.post(url, data={"csrf_token": tokens[number]}, csrf=False)
        with web.session_transaction() as session:
            told = " ".join(message for _category, message in session.get("_flashes", []))
        return f"{answer.status_code} {told}"

    outcomes = at_once(app, list(range(10)), join)

    assert outcomes.count("302 Теперь вы участник клуба.") == 1, outcomes
    assert set(outcomes) == {"302 Теперь вы участник клуба.", "302 Вы уже участник этого клуба."}, outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count(Member.id)).where(
            Member.club_id == club_id, Member.user_id == graduate_id)) == 1


def _in_another_tab(app, work) -> None:
    """Runs ``work`` in its own thread, request and session, as a second request at the same time would."""
    failures = []

    def run():
        with app.test_request_context():
            try:
                work()
                db.session.commit()
            except Exception as error:  # the test fails on it below
                db.session.rollback()
                failures.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert failures == []


def test_a_cancel_decides_on_the_registration_as_the_database_has_it(app, people, club, soon):
    """Loaded with its first seat; meanwhile the graduate cancelled and registered again in another tab.

    The cancel must take back the registration as it is now (the new seat), not refuse on the old one.
    """
    event = add_event(club, soon, capacity=1)
    registration = rules.register(event, people["graduate"])
    db.session.commit()
    assert registration.claim.status == ClaimStatus.held and registration.event.starts_at == soon  # as loaded
    event_id, graduate_id = event.id, people["graduate"].id

    def cancel_and_register_again():
        found = rules.registration_of(db.session.get(Event, event_id), db.session.get(User, graduate_id))
        rules.cancel(found)
        rules.register(found.event, found.graduate)

    _in_another_tab(app, cancel_and_register_again)
    rules.cancel(registration)
    db.session.commit()
    db.session.expire_all()
    assert rules.registration_of(event, people["graduate"]).status == RegistrationStatus.cancelled
    assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == 0


def test_attendance_is_decided_on_the_event_as_the_database_has_it(app, people, club):
    """Loaded as started; meanwhile another organizer moved it to next week: nobody came to it yet."""
    started = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    event = add_event(club, started, title="Киновечер")
    registration = rules.register(event, people["graduate"], now=started - timedelta(days=1))
    db.session.commit()
    assert registration.event.starts_at == started and registration.status == RegistrationStatus.registered
    event_id, later = event.id, started + timedelta(days=7)

    def move_to_next_week():
        found = db.session.get(Event, event_id)
        rules.update_event(found, title=found.title, starts_at=later, ends_at=later + timedelta(hours=2),
                           capacity=found.capacity, registration_deadline=None, description="",
                           place=found.place, online_link="", volunteers_wanted=False)

    _in_another_tab(app, move_to_next_week)
    with pytest.raises(Refusal, match="когда встреча началась"):
        rules.mark_attendance(registration, True)
    db.session.rollback()
    db.session.expire_all()
    assert registration.attended is False


def test_two_organizers_call_an_event_off_at_once(app, people, regions, club, soon):
    """One calls it off; the other is told it is cancelled already; each graduate is told once."""
    event = add_event(club, soon, capacity=3)
    graduates = [make_user(f"off{i}@belgorod.test", {regions["belgorod"]: ["graduate"]}) for i in range(3)]
    for graduate in graduates:
        rules.register(event, graduate)
    db.session.commit()
    event_id = event.id
    db.session.remove()

    def call_off(_organizer: int, start) -> str:
        found = db.session.get(Event, event_id)
        _ = (found.club.region, found.resource.units)
        db.session.commit()
        start()
        try:
            told = rules.cancel_event(found)
            db.session.commit()
            return f"cancelled {len(told)}"
        except Refusal as refusal:
            db.session.rollback()
            return str(refusal)

    outcomes = at_once(app, [0, 1], call_off)

    assert sorted(outcomes) == ["cancelled 3", "Встреча уже отменена."], outcomes
    with app.test_request_context():
        lines = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "graduate_clubs.event.cancelled")).all()
        assert len(lines) == 1 and lines[0].details["to"] == "cancelled"
        assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == 0
