"""Volunteer festivals at scale (``portal demo --scale``): a festival a year for four years and one to come,
each with its roles and shifts, and the crowd's volunteers in the shifts' places, in bulk."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from plugins.volunteer_festivals.festivals import NAME
from plugins.volunteer_festivals.models import (Festival, FestivalOrganizer, FestivalShift, FestivalStatus,
                                                ShiftAssignment, VolunteerRole)
from portal.kit import ClaimStatus, bulk_insert, reservations, to_utc, today, utcnow

ROLES = [("Встреча гостей", ["общение"]), ("Фото и видео", ["фотография"]), ("Площадки", ["организация"])]
SHIFTS_PER_ROLE, PLACES = 6, 8


def load(region, crowd) -> dict[str, int]:
    if not crowd.volunteers:
        return {}
    chance = random.Random(f"festivals-crowd-{crowd.seed}")
    made, day = utcnow(), today(region)
    years = [date(day.year - back, 6, 10) for back in (4, 3, 2, 1)] + [day + timedelta(days=40)]
    festival_ids = bulk_insert(Festival, ({"title": f"Фестиваль добровольцев {first.year}", "region_id": region.id,
                                           "description": "", "first_day": first, "last_day": first + timedelta(days=2),
                                           "status": FestivalStatus.open if first > day else FestivalStatus.closed,
                                           "programme_published": True, "created_at": made} for first in years),
                               returning=True)
    staff = crowd.specialists or crowd.coordinators
    bulk_insert(FestivalOrganizer, ({"festival_id": festival_id, "user_id": staff[0]} for festival_id in festival_ids))
    role_rows = [{"festival_id": festival_id, "name": name, "description": "", "interests": interests, "skills": [],
                  "min_age": None} for festival_id in festival_ids for name, interests in ROLES]
    role_ids = bulk_insert(VolunteerRole, role_rows, returning=True)
    starts = {festival_id: first for festival_id, first in zip(festival_ids, years)}
    shift_rows = []
    for role_id, role in zip(role_ids, role_rows):
        for n in range(SHIFTS_PER_ROLE):
            begins = to_utc(datetime.combine(starts[role["festival_id"]] + timedelta(days=n // 2),
                                             time(10 if n % 2 == 0 else 14)), region)
            shift_rows.append({"role_id": role_id, "starts_at": begins, "ends_at": begins + timedelta(hours=4),
                               "place": "", "capacity": PLACES, "restricted": False, "with_graduates": False,
                               "created_at": made})
    places = reservations.bulk_resources(region.id, NAME, [("Смена", PLACES)] * len(shift_rows))
    for shift, (resource_id, _units) in zip(shift_rows, places):
        shift["resource_id"] = resource_id
    shift_ids = bulk_insert(FestivalShift, shift_rows, returning=True)
    claims, assignments = [], []
    for shift_id, shift, (resource_id, units) in zip(shift_ids, shift_rows, places):
        volunteers = chance.sample(crowd.volunteers, min(len(crowd.volunteers), chance.randint(3, PLACES)))
        for unit, volunteer_id in zip(units, volunteers):
            claims.append({"resource_id": resource_id, "holder_id": volunteer_id, "unit_id": unit, "first_slot": 0,
                           "end_slot": 1, "status": ClaimStatus.held, "created_at": made})
            past = shift["ends_at"] < made
            assignments.append({"shift_id": shift_id, "volunteer_id": volunteer_id,
                                "check_code": f"{chance.randrange(10 ** 6):06d}", "created_at": made,
                                "checked_in_at": shift["starts_at"] if past else None,
                                "approved_at": shift["ends_at"] if past else None})
    for assignment, claim_id in zip(assignments, reservations.bulk_claims(claims)):
        assignment["claim_id"] = claim_id
    bulk_insert(ShiftAssignment, assignments)
    return {"festivals": len(festival_ids), "festival shifts": len(shift_ids), "shift assignments": len(assignments)}
