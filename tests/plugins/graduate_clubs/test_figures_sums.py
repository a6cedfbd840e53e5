"""The clubs' yearly figures are exactly what counting every event and registration in Python gives: randomised
events around the region's month and year boundaries (its midnight, not UTC's), registrations held and waiting,
cancelled, promoted when seats free, marked as attended or not, events moved and called off, several clubs."""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs import tallies
from plugins.graduate_clubs.models import Club, Event, EventStatus, Registration
from portal.app.extensions import db
from portal.kit import ClaimStatus, Refusal, ReservationClaim, region_year, to_local, to_utc
from tests.helpers import make_user


def counted_in_python(region, year: int) -> list:
    """The figures as the page computed them until 2026-12-02: every event and registration read."""
    start, end = to_utc(datetime(year, 1, 1), region), to_utc(datetime(year + 1, 1, 1), region)
    clubs = rules.region_clubs(region)
    events = db.session.execute(select(Event.id, Event.club_id, Event.starts_at).join(Club).where(
        Club.region_id == region.id, Event.starts_at >= start, Event.starts_at < end,
        Event.status == EventStatus.scheduled)).all()
    month_of = {e.id: to_local(e.starts_at, region).month for e in events}
    club_of = {e.id: e.club_id for e in events}
    held_events = Counter((e.club_id, month_of[e.id]) for e in events)
    registered, attended = Counter(), Counter()
    if events:
        rows = db.session.execute(
            select(Registration.event_id, Registration.attended)
            .join(ReservationClaim, Registration.claim_id == ReservationClaim.id)
            .where(Registration.event_id.in_(list(month_of)), ReservationClaim.status == ClaimStatus.held))
        for event_id, came in rows:
            key = (club_of[event_id], month_of[event_id])
            registered[key] += 1
            attended[key] += bool(came)
    figures = defaultdict(list)
    for club in clubs:
        for month in range(1, 13):
            key = (club.id, month)
            figures[club.id].append({"month": datetime(year, month, 1), "events": held_events[key],
                                     "registered": registered[key], "attended": attended[key]})
    return [(club, figures[club.id]) for club in clubs]


def _kept_is_counted():
    connection = db.session.connection()
    ids = list(db.session.scalars(select(Event.id)))
    assert tallies.kept(connection, ids) == tallies.counts(connection, ids)


def _check(region, year):
    db.session.expire_all()
    _kept_is_counted()
    summed = rules.attendance_figures(region, year)
    counted = counted_in_python(region, year)
    assert [(club.id, rows) for club, rows in summed] == [(club.id, rows) for club, rows in counted]
    return summed


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summed_figures_are_the_counted_ones(regions, people, seed):
    chance = random.Random(seed)
    region = regions["belgorod"]  # Europe/Moscow: a local month starts at 21:00 UTC the day before
    clubs = [rules.add_club(region, f"Клуб {n}", "", None, "", [people["specialist"].id]) for n in range(3)]
    graduates = [make_user(f"c{seed}-{n}@belgorod.test", {region: ["graduate"]}) for n in range(8)]
    db.session.commit()
    year = 2026
    _check(region, year)
    events = []
    for n in range(40):
        month = chance.randint(0, 13)
        local = datetime(year - 1 + (month + 11) // 12, (month + 11) % 12 + 1, 1) + timedelta(
            minutes=chance.choice([-61, -1, 0, 1, 60 * 24 * 14]))
        starts = to_utc(local, region)
        added = starts - timedelta(days=30)
        event = rules.add_event(chance.choice(clubs), f"Встреча {n}", starts, starts + timedelta(hours=2),
                                chance.randint(1, 4), now=added)
        for graduate in chance.sample(graduates, chance.randint(0, 6)):
            rules.register(event, graduate, wait=True, now=added)
        events.append((event, added))
        db.session.commit()
    _check(region, year)
    for event, added in chance.sample(events, 30):
        registrations = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))
        action = chance.choice(["cancel", "attend", "attend", "move", "call off", "seats", "register"])
        try:
            with db.session.begin_nested():
                if action == "cancel" and registrations:
                    rules.cancel(chance.choice(registrations), now=added)
                elif action == "attend" and registrations:
                    for registration in registrations:
                        try:
                            rules.mark_attendance(registration, chance.random() < 0.6, now=event.starts_at)
                        except Refusal:
                            pass
                elif action == "move":
                    starts = event.starts_at + timedelta(days=chance.choice([-40, -1, 1, 31]), minutes=chance.choice(
                        [0, 61]))
                    rules.update_event(event, title=event.title, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                       capacity=event.capacity, registration_deadline=None, description="",
                                       place="", online_link="", volunteers_wanted=False,
                                       now=min(added, starts - timedelta(days=1)))
                elif action == "call off":
                    rules.cancel_event(event, now=added)
                elif action == "seats":
                    rules.set_capacity(event, event.capacity + 2, now=added)
                else:
                    rules.register(event, chance.choice(graduates), wait=True, now=added)
        except Refusal:
            pass
        db.session.commit()
        _kept_is_counted()
    # a change taken back takes its figures back
    event, added = events[0]
    before = tallies.kept(db.session.connection(), [event.id])
    newcomer = make_user(f"c{seed}-late@belgorod.test", {region: ["graduate"]})
    db.session.commit()
    rules.register(event if event.starts_at > added else events[1][0], newcomer, wait=True, now=added)
    db.session.flush()
    db.session.rollback()
    assert tallies.kept(db.session.connection(), [event.id]) == before
    _kept_is_counted()
    # a person erased: their seats given back, the waiting lists moved in
    rules.erase(graduates[0], now=min(added for _event, added in events))
    db.session.commit()
    _kept_is_counted()
    for shown in (year - 1, year, year + 1):
        summed = _check(region, shown)
    rows = [row for _club, months in _check(region, year) for row in months]
    assert any(row["events"] for row in rows) and any(row["registered"] for row in rows)
    assert any(row["attended"] for row in rows)
    assert summed  # the year after: its clubs, with what was moved into it
    kept = tallies.kept(db.session.connection(), [event.id for event, _added in events])
    assert tallies.recount(db.session.connection()) == len(events)
    assert tallies.kept(db.session.connection(), [event.id for event, _added in events]) == kept


def test_the_demo_at_scale_counts_its_bulk_rows(regions, people):
    """The crowd's registrations go in by bulk statements the session does not see: counted once after them."""
    from portal.accounts.crowd import add_crowd
    from portal.accounts.demo import _shared_hash

    made = add_crowd(regions["belgorod"], {"graduate": 200, "specialist": 2, "coordinator": 1}, 0,
                     _shared_hash("crowd-password"))
    db.session.commit()
    assert made["club registrations"] > 100
    _kept_is_counted()
    year = region_year(regions["belgorod"])
    rows = [row for _club, months in rules.attendance_figures(regions["belgorod"], year) for row in months]
    assert rows == [row for _club, months in counted_in_python(regions["belgorod"], year) for row in months]
    assert any(row["registered"] for row in rows)
