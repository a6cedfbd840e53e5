"""The hotel's yearly figures, summed in SQL per month (three statements for all the region's hotels), are exactly
what counting every stay and every night of the ledger in Python gives: randomised stays across the year's ends
and the months' edges, confirmed, moved, extended, checked in and out, cancelled, rejected, retired beds, deleted
stays, several hotels."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from plugins.social_hotel import stays as rules
from plugins.social_hotel.models import Bed, Hotel, Room, Stay, StayStatus
from portal.app.extensions import db
from portal.kit import Refusal, reservations
from tests.helpers import make_user


def counted_in_python(hotel: Hotel, year: int) -> list[dict]:
    """The figures as the page computed them until 2026-12-02: every night of the ledger and every stay read."""
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
        rows.append({
            "month": start,
            "occupancy": round(100 * taken[month] / (beds * days), 1),
            "average_nights": round(sum((s.departure - s.arrival).days for s in kept) / len(kept), 1) if kept else 0,
            "requests": len(mine),
            "outcomes": Counter(s.status for s in mine),
        })
    return rows


def _hotel(region, name: str, beds: int) -> Hotel:
    found = rules.add_hotel(region, name)
    room = Room(hotel=found, name="A")
    db.session.add(room)
    for k in range(beds):
        rules.add_bed(room, str(k + 1))
    return found


def _check(hotels, year):
    db.session.expire_all()
    summed = rules.monthly_figures_of(hotels, year)
    assert [hotel.id for hotel, _rows in summed] == [hotel.id for hotel in hotels]
    for hotel, rows in summed:
        assert rows == counted_in_python(hotel, year), hotel.name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summed_figures_are_the_counted_ones(regions, people, seed):
    chance = random.Random(seed)
    region = regions["belgorod"]
    coordinator = people["coordinator"]
    hotels = [_hotel(region, "Гостиница 1", 4), _hotel(region, "Гостиница 2", 2), _hotel(region, "Пустая", 0)]
    graduates = [make_user(f"g{seed}-{n}@belgorod.test", {region: ["graduate"]}) for n in range(6)]
    db.session.commit()
    year = 2026
    empty = _hotel(region, "Без постояльцев", 1)
    _check(hotels + [empty], year)
    stays = []
    for n in range(70):
        hotel = chance.choice(hotels[:2])
        # arrivals around the year's ends and the months' edges (the last and first days of months)
        month = chance.randint(0, 13)
        arrival = date(year - 1 + (month + 11) // 12, (month + 11) % 12 + 1, 1) + timedelta(days=chance.choice(
            [-2, -1, 0, 1, 14]))
        stay = Stay(hotel=hotel, graduate_id=chance.choice(graduates).id, arrival=arrival,
                    departure=arrival + timedelta(days=chance.randint(1, 40)), reason="")
        db.session.add(stay)
        db.session.flush()
        beds = list(db.session.scalars(select(Bed).join(Room).where(Room.hotel_id == hotel.id)))
        if beds and chance.random() < 0.75:
            for bed in chance.sample(beds, len(beds)):
                try:
                    with db.session.begin_nested():
                        rules.confirm(stay, bed, coordinator)
                    break
                except Refusal:
                    db.session.refresh(stay)
        elif chance.random() < 0.5:
            rules.reject(stay, "нет мест")
        stays.append(stay)
        db.session.commit()
    _check(hotels, year)
    for stay in chance.sample(stays, 40):
        db.session.refresh(stay)
        action = chance.choice(["cancel", "extend", "move", "check-in", "check-out", "no-show", "delete"])
        try:
            with db.session.begin_nested():
                if action == "cancel":
                    rules.cancel(stay)
                elif action == "extend":
                    rules.extend(stay, stay.departure + timedelta(days=chance.randint(1, 20)), coordinator)
                elif action == "move":
                    beds = list(db.session.scalars(select(Bed).join(Room).where(Room.hotel_id == stay.hotel_id)))
                    rules.move(stay, chance.choice(beds))
                elif action == "check-in":
                    rules.check_in(stay, stay.arrival)
                elif action == "check-out":
                    rules.check_in(stay, stay.arrival)
                    rules.check_out(stay, stay.arrival + timedelta(days=chance.randint(0, 5)))
                elif action == "no-show":
                    rules.no_show(stay, stay.arrival)
                else:
                    if stay.claim is not None:
                        reservations.release(stay.claim)
                    db.session.delete(stay)
        except Refusal:
            pass
        db.session.commit()
    retired = db.session.scalars(select(Bed).join(Room).where(Room.hotel_id == hotels[0].id)).first()
    reservations.retire_unit(retired.unit)
    db.session.commit()
    for shown in (year - 1, year, year + 1):
        _check(hotels + [empty], shown)
    rows = [row for _hotel, months in rules.monthly_figures_of(hotels, year) for row in months]
    assert any(row["occupancy"] for row in rows) and any(row["average_nights"] for row in rows)
    assert len({status for row in rows for status in row["outcomes"]}) >= 4  # the figures hold every kind of stay
    assert rules.monthly_figures_of([], year) == []
