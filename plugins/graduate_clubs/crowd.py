"""Graduate clubs at scale (``portal demo --scale``): clubs, a year of events and their registrations, in bulk.

A country's 100,000 graduates had 20,000 club events with 500,000 registrations: a region's crowd gets an
event for every five graduates, a club for every 250, each graduate a member of one club; 20 to 30 of its
members register for each of its events (30 seats, each a unit of the event's resource in the reservations
ledger), and four in five of those registered came to the past ones.
"""
from __future__ import annotations

import random
from datetime import timedelta

from plugins.graduate_clubs import tallies
from plugins.graduate_clubs.clubs import NAME, SLOT
from plugins.graduate_clubs.models import Club, Event, Member, Organizer, Registration
from portal.kit import ClaimStatus, bulk_insert, db, reservations, utcnow

EVENTS_PER_GRADUATE = 0.2
GRADUATES_PER_CLUB = 250
SEATS = 30


def load(region, crowd) -> dict[str, int]:
    if not crowd.graduates:
        return {}
    chance = random.Random(f"clubs-crowd-{crowd.seed}")
    made = utcnow()
    clubs = max(2, len(crowd.graduates) // GRADUATES_PER_CLUB)
    towns = crowd.municipality_ids
    club_ids = bulk_insert(Club, ({"region_id": region.id, "name": f"Клуб выпускников № {n + 1}",
                                   "host": "Ресурсный центр", "municipality_id": towns[n % len(towns)],
                                   "description": "Встречи, мастер-классы, поездки.", "created_at": made}
                                  for n in range(clubs)), returning=True)
    members = {club_id: crowd.graduates[n::clubs] for n, club_id in enumerate(club_ids)}
    bulk_insert(Member, ({"club_id": club_id, "user_id": user_id, "joined_at": made}
                         for club_id, people in members.items() for user_id in people))
    staff = crowd.specialists or crowd.coordinators
    bulk_insert(Organizer, ({"club_id": club_id, "user_id": staff[n % len(staff)]}
                            for n, club_id in enumerate(club_ids)))
    events = round(len(crowd.graduates) * EVENTS_PER_GRADUATE)
    places = reservations.bulk_resources(region.id, NAME, [(f"Событие {n + 1}", SEATS) for n in range(events)])
    rows, who = [], []
    for n, (resource_id, _units) in enumerate(places):
        starts = made + timedelta(days=-330 + (n * 390) // max(events, 1), hours=chance.randint(0, 8))
        club_id = club_ids[n % clubs]
        rows.append({"club_id": club_id, "title": f"Встреча клуба № {n + 1}", "description": "", "place": "Зал",
                     "online_link": "", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                     "capacity": SEATS, "registration_deadline": starts - timedelta(hours=3),
                     "volunteers_wanted": n % 5 == 0, "resource_id": resource_id, "created_at": made})
        people = members[club_id]
        crowd_size = min(len(people), chance.randint(20, SEATS))
        first = chance.randrange(len(people))
        who.append([people[(first + k) % len(people)] for k in range(crowd_size)])
    event_ids = bulk_insert(Event, rows, returning=True)
    claims, registrations = [], []
    for event_id, event, (resource_id, units), people in zip(event_ids, rows, places, who):
        past = event["starts_at"] < made
        for seat, graduate_id in enumerate(people):
            claims.append({"resource_id": resource_id, "holder_id": graduate_id, "unit_id": units[seat],
                           "first_slot": SLOT, "end_slot": SLOT + 1, "status": ClaimStatus.held,
                           "created_at": event["starts_at"] - timedelta(days=3)})
            registrations.append({"event_id": event_id, "graduate_id": graduate_id,
                                  "attended": past and chance.random() < 0.8,
                                  "created_at": event["starts_at"] - timedelta(days=3)})
    for registration, claim_id in zip(registrations, reservations.bulk_claims(claims)):
        registration["claim_id"] = claim_id
    bulk_insert(Registration, registrations)
    # Written in bulk, past the session's events: the events' kept figures are counted once, here.
    connection = db.session.connection()
    tallies.write(connection, tallies.counts(connection, event_ids))
    return {"clubs": clubs, "club events": events, "club registrations": len(registrations)}
