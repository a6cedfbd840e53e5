"""Social hotel benchmark: the month's occupancy chart over two years of history, and concurrent bookings.

    python bench/hotel.py                      # SQLite in a temporary folder
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python bench/hotel.py

Prints the number of SQL queries and the time the chart takes for 100 beds, and how
many of 50 simultaneous confirmations of the same bed and nights succeed.
"""
from __future__ import annotations

import os
import random
import secrets
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plugins.social_hotel import stays as rules  # noqa: E402
from plugins.social_hotel.models import Bed, Hotel, Room, Stay, StayStatus  # noqa: E402
from portal import create_app  # noqa: E402
from portal.app.extensions import db  # noqa: E402
from portal.app.plugins import plugin_host  # noqa: E402
from portal.models import (ClaimedSlot, ClaimStatus, Membership, MembershipStatus, Region,  # noqa: E402
                           ReservationClaim, Role, User)

BEDS, ROOMS, DAYS_OF_HISTORY = 100, 10, 730


def build_app(folder: str):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"SECRET_KEY": "bench", "PORTAL_ENV": "testing", "DATABASE_URL": url,
                      "INSTANCE_PATH": folder, "WTF_CSRF_ENABLED": False,
                      "PORTAL_ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        import flask_migrate

        flask_migrate.upgrade(revision="heads")
    return app


def person(email: str, region: Region, role: str) -> User:
    from portal.accounts.passwords import hash_password

    user = User(email=email, name=email.split("@")[0], password_hash=hash_password("bench-password"),
                session_token=secrets.token_hex(16))
    user.memberships.append(Membership(region=region, role=Role(role), status=MembershipStatus.active))
    db.session.add(user)
    return user


def fill_history(region: Region, staff: User):
    hotel = rules.add_hotel(region, "Bench hotel")
    for r in range(ROOMS):
        room = Room(hotel=hotel, name=f"Room {r + 1}")
        db.session.add(room)
        for b in range(BEDS // ROOMS):
            rules.add_bed(room, f"Bed {b + 1}")
    guests = [person(f"guest{i}@bench.example", region, "graduate") for i in range(300)]
    db.session.flush()
    chance = random.Random(7)
    today = date.today()
    first_day = today - timedelta(days=DAYS_OF_HISTORY)
    stays, claims, spans = [], [], []
    for bed in rules.hotel_beds(hotel):
        day = first_day
        while day < today + timedelta(days=30):
            day += timedelta(days=chance.randint(0, 3))
            nights = chance.randint(2, 14)
            guest = chance.choice(guests)
            claims.append({"resource_id": hotel.resource_id, "holder_id": guest.id,
                           "unit_id": bed.unit_id, "first_slot": day.toordinal(),
                           "end_slot": day.toordinal() + nights, "status": ClaimStatus.held.name,
                           "created_at": today})
            spans.append((bed.unit_id, day.toordinal(), nights))
            stays.append({"hotel_id": hotel.id, "graduate_id": guest.id, "arrival": day,
                          "departure": day + timedelta(days=nights), "reason": "bench",
                          "status": (StayStatus.checked_out if day < today else StayStatus.confirmed).name,
                          "bed_id": bed.id, "with_child": False,
                          "decision_reason": "", "created_at": today, "updated_at": today})
            day += timedelta(days=nights)
    claim_ids = db.session.scalars(
        insert(ReservationClaim).returning(ReservationClaim.id, sort_by_parameter_order=True), claims).all()
    slots = [{"claim_id": claim_id, "unit_id": unit_id, "slot": first + n}
             for claim_id, (unit_id, first, nights) in zip(claim_ids, spans) for n in range(nights)]
    for stay, claim_id in zip(stays, claim_ids):
        stay["claim_id"] = claim_id
    db.session.execute(insert(ClaimedSlot), slots)
    db.session.execute(insert(Stay), stays)
    db.session.commit()
    return hotel, len(stays), len(slots)


def measure_chart(app, region: Region, staff: User, hotel) -> None:
    client = app.test_client()
    client.post("/login", data={"email": staff.email, "password": "bench-password"})
    url = f"/{region.code}/social_hotel/chart?hotel={hotel.id}&span=month&start={date.today().isoformat()}"
    client.get(url)  # warm up templates
    queries = []
    listener = lambda conn, cursor, statement, *rest: queries.append(statement)  # noqa: E731
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, response.status_code
    print(f"chart: month x {BEDS} beds, {DAYS_OF_HISTORY} days of history: "
          f"{len(queries)} queries, {elapsed * 1000:.0f} ms, {len(response.data) // 1024} KiB")


def concurrent_confirmations(app, region_id: int, hotel_id: int, staff_id: int) -> None:
    with app.app_context():
        region = db.session.get(Region, region_id)
        hotel = db.session.get(Hotel, hotel_id)
        arrival = date.today() + timedelta(days=400)
        guests = [person(f"rush{i}@bench.example", region, "graduate") for i in range(50)]
        db.session.flush()
        stays = [Stay(hotel=hotel, graduate_id=g.id, arrival=arrival, departure=arrival + timedelta(days=3),
                      reason="rush") for g in guests]
        db.session.add_all(stays)
        db.session.commit()
        stay_ids = [s.id for s in stays]
        bed_id = rules.hotel_beds(hotel)[0].id
    outcomes: list[str] = []
    barrier = threading.Barrier(len(stay_ids))

    def confirm(stay_id: int):
        with app.test_request_context():
            stay, bed, by = db.session.get(Stay, stay_id), db.session.get(Bed, bed_id), db.session.get(User, staff_id)
            _ = (stay.hotel.resource, stay.graduate, bed.unit, bed.room, by.memberships)
            db.session.commit()
            barrier.wait()
            try:
                rules.confirm(stay, bed, by)
                db.session.commit()
                outcomes.append("booked")
            except rules.StayRefused:
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in stay_ids]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(f"concurrent: 50 confirmations of one bed: {outcomes.count('booked')} booked, "
          f"{outcomes.count('conflict')} conflicts, {len(outcomes) - outcomes.count('booked') - outcomes.count('conflict')} "
          f"other, {elapsed * 1000:.0f} ms")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder)
        with app.app_context():
            print(f"database: {db.engine.dialect.name}")
            region = Region(code="bench", name="Bench", timezone="Europe/Moscow")
            db.session.add(region)
            db.session.flush()
            plugin_host().set_enabled(region, "social_hotel", True)
            staff = person("coordinator@bench.example", region, "coordinator")
            started = time.perf_counter()
            hotel, stays, nights = fill_history(region, staff)
            print(f"history: {stays} stays, {nights} bed-nights, written in {time.perf_counter() - started:.1f} s")
            region_id, hotel_id, staff_id = region.id, hotel.id, staff.id
        with app.app_context():
            region, staff = db.session.get(Region, region_id), db.session.get(User, staff_id)
            measure_chart(app, region, staff, db.session.get(Hotel, hotel_id))
        concurrent_confirmations(app, region_id, hotel_id, staff_id)


if __name__ == "__main__":
    main()
