"""The reservations engine: the database refuses a double booking."""
from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.app.extensions import db
from portal.models import ClaimedSlot, ClaimStatus, Notification, ReservationClaim, ReservationResource
from portal.services import reservations
from portal.services.reservations import NoRoom, SlotsTaken, nights
from tests.helpers import make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hotel(regions):
    resource = reservations.add_resource(regions["belgorod"], "tests", "Hotel", ["bed 1", "bed 2"])
    db.session.commit()
    return resource


@pytest.fixture
def guests(regions):
    return [make_user(f"guest{i}@belgorod.test", {regions["belgorod"]: ["graduate"]}) for i in range(4)]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_taken_bed_is_refused_with_the_nights_that_clash(hotel, guests):
    bed = hotel.units[0]
    reservations.claim(hotel, guests[0], *nights(date(2026, 3, 12), date(2026, 3, 15)), unit=bed)
    db.session.commit()
    with pytest.raises(SlotsTaken) as refused:
        reservations.claim(hotel, guests[1], *nights(date(2026, 3, 14), date(2026, 3, 20)), unit=bed)
    assert refused.value.slots == [date(2026, 3, 14).toordinal()]
    db.session.commit()
    assert _count(ReservationClaim) == 1 and _count(ClaimedSlot) == 3


def test_departure_day_is_the_next_arrival_day(hotel, guests):
    bed = hotel.units[0]
    reservations.claim(hotel, guests[0], *nights(date(2026, 3, 12), date(2026, 3, 15)), unit=bed)
    reservations.claim(hotel, guests[1], *nights(date(2026, 3, 15), date(2026, 3, 16)), unit=bed)
    db.session.commit()
    assert _count(ClaimedSlot) == 4


def test_a_failed_claim_keeps_the_callers_other_changes(hotel, guests):
    bed = hotel.units[0]
    reservations.claim(hotel, guests[0], 10, 12, unit=bed)
    db.session.commit()
    db.session.add(Notification(user_id=guests[1].id, message="written before the clash"))
    with pytest.raises(SlotsTaken):
        reservations.claim(hotel, guests[1], 11, 13, unit=bed)
    db.session.commit()
    assert _count(Notification) == 1 and _count(ReservationClaim) == 1


def test_first_free_unit_then_no_room_then_waiting(hotel, guests):
    first = reservations.claim(hotel, guests[0], 0, 1)
    second = reservations.claim(hotel, guests[1], 0, 1)
    assert {first.unit_id, second.unit_id} == {u.id for u in hotel.units}
    with pytest.raises(NoRoom):
        reservations.claim(hotel, guests[2], 0, 1)
    waiting = reservations.claim(hotel, guests[2], 0, 1, wait=True)
    later = reservations.claim(hotel, guests[3], 0, 1, wait=True)
    db.session.commit()
    assert waiting.status == ClaimStatus.waiting and waiting.unit_id is None

    promoted = reservations.release(first)
    db.session.commit()
    assert promoted == [waiting] and waiting.status == ClaimStatus.held
    assert later.status == ClaimStatus.waiting  # the order holds: the second waits on
    promoted = reservations.release(second)
    db.session.commit()
    assert promoted == [later]


def test_waiting_line_keeps_its_order_when_the_first_does_not_fit(hotel, guests):
    reservations.claim(hotel, guests[0], 0, 10, unit=hotel.units[0])
    short = reservations.claim(hotel, guests[1], 0, 2, unit=hotel.units[1])
    long_wait = reservations.claim(hotel, guests[2], 0, 5, wait=True)
    short_wait = reservations.claim(hotel, guests[3], 0, 2, wait=True)
    db.session.commit()
    reservations.release(short)  # bed 2 is free for nights 0-1 and 2-4: the first in line fits
    db.session.commit()
    assert long_wait.status == ClaimStatus.held and short_wait.status == ClaimStatus.waiting


def test_move_and_reschedule_are_all_or_nothing(hotel, guests):
    one = reservations.claim(hotel, guests[0], 0, 3, unit=hotel.units[0])
    other = reservations.claim(hotel, guests[1], 3, 5, unit=hotel.units[0])
    db.session.commit()
    with pytest.raises(SlotsTaken) as refused:
        reservations.reschedule(one, 0, 4)  # extend into the next guest's night
    assert refused.value.slots == [3]
    db.session.commit()
    assert (one.first_slot, one.end_slot) == (0, 3)
    assert sorted(db.session.scalars(select(ClaimedSlot.slot).where(ClaimedSlot.claim_id == one.id))) == [0, 1, 2]
    reservations.move(other, hotel.units[1])
    reservations.reschedule(one, 0, 5)
    db.session.commit()
    assert other.unit_id == hotel.units[1].id and one.end_slot == 5


def test_occupancy_in_one_query(hotel, guests):
    held = reservations.claim(hotel, guests[0], 5, 7, unit=hotel.units[1])
    db.session.commit()
    grid = reservations.occupancy([u.id for u in hotel.units], 0, 10)
    assert grid == {(hotel.units[1].id, 5): held.id, (hotel.units[1].id, 6): held.id}


def test_fifty_threads_confirm_the_same_bed_and_nights(app, hotel, guests):
    resource_id, unit_id = hotel.id, hotel.units[0].id
    holder_ids = [g.id for g in guests]
    db.session.remove()
    outcomes: list[str] = []
    start = threading.Barrier(50)

    def book(number: int):
        with app.app_context():
            resource = db.session.get(ReservationResource, resource_id)
            unit = next(u for u in resource.units if u.id == unit_id)
            holder = db.session.get(type(guests[0]), holder_ids[number % len(holder_ids)])
            db.session.commit()  # give the connection back: the pool is smaller than the crowd
            start.wait()
            try:
                reservations.claim(resource, holder, 100, 103, unit=unit)
                db.session.commit()
                outcomes.append("booked")
            except SlotsTaken:
                db.session.rollback()
                outcomes.append("conflict")
            except Exception as error:  # anything else is a failure of the engine
                db.session.rollback()
                outcomes.append(f"error: {error!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(set(outcomes)) == ["booked", "conflict"], outcomes
    assert outcomes.count("booked") == 1 and outcomes.count("conflict") == 49
    assert _count(ReservationClaim) == 1 and _count(ClaimedSlot) == 3  # nothing else was written


PROCESS = """
import sys, time
from pathlib import Path
from portal import create_app
from portal.services import reservations
from portal.app.extensions import db
from portal.models import ReservationResource, User
app = create_app({"SECRET_KEY": "test", "PORTAL_ENV": "testing", "PORTAL_LOAD_ENTRY_POINTS": False,
                  "DATABASE_URL": sys.argv[1]})
go = Path(sys.argv[2])
with app.app_context():
    resource = db.session.get(ReservationResource, int(sys.argv[3]))
    unit = resource.units[0]
    holder = db.session.get(User, int(sys.argv[4]))
    db.session.commit()
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.01)
    try:
        reservations.claim(resource, holder, 200, 205, unit=unit)
        db.session.commit()
        print("booked", flush=True)
    except reservations.SlotsTaken:
        db.session.rollback()
        print("conflict", flush=True)
"""


def test_four_processes_confirm_the_same_bed_and_nights(app, hotel, guests, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    go = tmp_path / "go"
    workers = [
        subprocess.Popen([sys.executable, "-c", PROCESS, url, str(go), str(hotel.id), str(guest.id)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for guest in guests
    ]
    db.session.remove()
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    go.touch()
    outcomes = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]
        outcomes.append(out.strip())
    assert sorted(outcomes) == ["booked", "conflict", "conflict", "conflict"]
    assert _count(ReservationClaim) == 1 and _count(ClaimedSlot) == 5
