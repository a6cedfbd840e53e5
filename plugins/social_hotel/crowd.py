"""The social hotel at scale (``portal demo --scale``): a hotel sized to the region and years of stays.

A country's 100,000 graduates had 212,000 stays, so a region's crowd gets 2.12 a graduate, bed after bed
back from a month ahead: past ones checked out, today's checked in, the coming ones confirmed, a few
requests still waiting. Every night of a held stay is in the reservations ledger, as a real booking makes it.
"""
from __future__ import annotations

import random
from datetime import timedelta

from plugins.social_hotel import stays as rules
from plugins.social_hotel.models import Room, Stay, StayStatus
from portal.kit import ClaimStatus, bulk_insert, db, reservations, today, utcnow

STAYS_PER_GRADUATE = 2.12
GRADUATES_PER_BED = 80


def _hotel(region, beds: int):
    hotel = rules.add_hotel(region, "Социальная гостиница", "ул. Центральная, 1",
                            "Тишина с 23:00 до 7:00. Гостей принимаем до 21:00.")
    made = []
    for number in range(0, beds, 3):
        room = Room(hotel=hotel, name=f"Комната {number // 3 + 1}")
        db.session.add(room)
        made += [rules.add_bed(room, f"Кровать {k + 1}") for k in range(min(3, beds - number))]
    return hotel, made


def load(region, crowd) -> dict[str, int]:
    if not crowd.graduates:
        return {}
    chance = random.Random(f"hotel-crowd-{crowd.seed}")
    hotel, beds = _hotel(region, max(12, len(crowd.graduates) // GRADUATES_PER_BED))
    wanted = round(len(crowd.graduates) * STAYS_PER_GRADUATE)
    day, made = today(region), utcnow()
    stays, claims = [], []
    free_from = {bed.id: day + timedelta(days=chance.randint(0, 30)) for bed in beds}  # going back in time
    for number in range(wanted):
        bed = beds[number % len(beds)]
        departure = free_from[bed.id] - timedelta(days=chance.randint(0, 3))
        arrival = departure - timedelta(days=chance.randint(2, 10))
        free_from[bed.id] = arrival
        status = (StayStatus.checked_out if departure <= day else StayStatus.checked_in if arrival <= day
                  else StayStatus.confirmed)
        stays.append({"hotel_id": hotel.id, "graduate_id": crowd.graduates[(number * 7) % len(crowd.graduates)],
                      "arrival": arrival, "departure": departure, "reason": "Нужно временное жильё",
                      "status": status, "bed_id": bed.id, "with_child": number % 15 == 0, "decision_reason": "",
                      "created_at": made, "updated_at": made})
        first, end = reservations.nights(arrival, departure)
        claims.append({"resource_id": hotel.resource_id, "holder_id": stays[-1]["graduate_id"],
                       "unit_id": bed.unit_id, "first_slot": first, "end_slot": end, "status": ClaimStatus.held,
                       "created_at": made})
    for stay, claim_id in zip(stays, reservations.bulk_claims(claims)):
        stay["claim_id"] = claim_id
    requests = [{"hotel_id": hotel.id, "graduate_id": graduate_id, "arrival": day + timedelta(days=5 + n % 20),
                 "departure": day + timedelta(days=9 + n % 20), "reason": "Ремонт в квартире",
                 "status": StayStatus.requested, "bed_id": None, "claim_id": None, "with_child": False, "decision_reason": "", "created_at": made,
                 "updated_at": made} for n, graduate_id in enumerate(crowd.graduates[1::97])]
    bulk_insert(Stay, stays + requests)
    return {"hotel beds": len(beds), "hotel stays": len(stays) + len(requests)}
