"""Training apartments at scale (``portal demo --scale``): an institution for every 500 graduates of the crowd,
one apartment of three places each, a pupil for every five graduates and their stays, past and planned, in bulk."""
from __future__ import annotations

import random
from datetime import timedelta

from plugins.training_apartments import rules
from plugins.training_apartments.models import Pupil, Stay, StayStatus
from portal.kit import (ClaimStatus, Institution, InstitutionKind, InstitutionStaff, bulk_insert, db, reservations,
                        today, utcnow)

GRADUATES_PER_INSTITUTION = 500
PUPILS_PER_GRADUATE = 0.2
PLACES = 3


def load(region, crowd) -> dict[str, int]:
    if not crowd.graduates:
        return {}
    chance = random.Random(f"apartments-crowd-{crowd.seed}")
    towns = crowd.municipality_ids
    count = max(2, len(crowd.graduates) // GRADUATES_PER_INSTITUTION)
    apartments = []
    for n in range(count):
        institution = Institution(region_id=region.id, name=f"Детский дом № {n + 1}", kind=InstitutionKind.children_home,
                                  municipality_id=towns[n % len(towns)], address=f"ул. Школьная, {n + 1}")
        db.session.add(institution)
        db.session.flush()
        if crowd.specialists:
            db.session.add(InstitutionStaff(institution_id=institution.id,
                                            user_id=crowd.specialists[n % len(crowd.specialists)]))
        apartments.append(rules.add_apartment(institution, "Тренировочная квартира", PLACES, "ул. Школьная, 1, кв. 1"))
    made, day = utcnow(), today(region)
    pupils = round(len(crowd.graduates) * PUPILS_PER_GRADUATE)
    pupil_ids = bulk_insert(Pupil, ({"institution_id": apartments[n % count].institution_id,
                                     "name": f"Воспитанник {n + 1}", "group_name": "", "created_at": made,
                                     "birth_date": day - timedelta(days=14 * 365 + (n * 53) % 1400)}
                                    for n in range(pupils)), returning=True)
    units = {a.id: [u.id for u in a.resource.units] for a in apartments}
    free_from = {(a.id, unit): day + timedelta(days=chance.randint(10, 60)) for a in apartments for unit in units[a.id]}
    stays, claims = [], []
    for n, pupil_id in enumerate(pupil_ids):
        apartment = apartments[n % count]
        unit = units[apartment.id][(n // count) % PLACES]
        departure = free_from[(apartment.id, unit)] - timedelta(days=chance.randint(0, 5))
        arrival = departure - timedelta(days=chance.randint(7, 28))
        free_from[(apartment.id, unit)] = arrival
        stays.append({"apartment_id": apartment.id, "pupil_id": pupil_id, "arrival": arrival, "departure": departure,
                      "status": StayStatus.closed if departure <= day else StayStatus.planned, "created_at": made,
                      "signed_at": made if departure <= day else None})
        first, end = reservations.nights(arrival, departure)
        claims.append({"resource_id": apartment.resource_id, "holder_id": None, "unit_id": unit,
                       "first_slot": first, "end_slot": end, "status": ClaimStatus.held, "created_at": made})
    for stay, claim_id in zip(stays, reservations.bulk_claims(claims)):
        stay["claim_id"] = claim_id
    bulk_insert(Stay, stays)
    return {"training apartments": count, "pupils": pupils, "apartment stays": len(stays)}
