"""Mentorship at scale (``portal demo --scale``): a profile for every graduate and mentor of the crowd, and the
pairs already running (a third of the mentors have one), in bulk."""
from __future__ import annotations

import random
from datetime import timedelta

from plugins.mentorship.demo import AREAS_BY_ABOUT, GRADUATE_ABOUT, INTERESTS, MENTOR_ABOUT, NEEDS_BY_ABOUT
from plugins.mentorship.models import Answer, GraduateProfile, MentorProfile, Mentorship, MentorshipStatus
from portal.kit import bulk_insert, utcnow


def load(region, crowd) -> dict[str, int]:
    chance = random.Random(f"mentorship-crowd-{crowd.seed}")
    towns = crowd.municipality_ids
    made = utcnow()
    mentors = [{"user_id": user_id, "region_id": region.id, "municipality_id": towns[n % len(towns)],
                "interests": chance.sample(INTERESTS, 3), "areas": AREAS_BY_ABOUT[n % len(AREAS_BY_ABOUT)],
                "about": MENTOR_ABOUT[n % len(MENTOR_ABOUT)], "languages": ["ru"], "capacity": 1 + n % 3,
                "gender": "female" if n % 2 else "male", "availability": "вечера по будням", "updated_at": made}
               for n, user_id in enumerate(crowd.mentors)]
    graduates = [{"user_id": user_id, "region_id": region.id, "municipality_id": towns[(n * 3) % len(towns)],
                  "interests": chance.sample(INTERESTS, 3), "areas": NEEDS_BY_ABOUT[n % len(NEEDS_BY_ABOUT)],
                  "about": GRADUATE_ABOUT[n % len(GRADUATE_ABOUT)], "languages": ["ru"],
                  "gender": "female" if n % 2 else "male", "wants_mentor": n % 4 != 3, "updated_at": made}
                 for n, user_id in enumerate(crowd.graduates)]
    bulk_insert(MentorProfile, mentors)
    bulk_insert(GraduateProfile, graduates)
    coordinator = crowd.coordinators[0] if crowd.coordinators else None
    paired = list(zip(crowd.mentors[::3], crowd.graduates[::2]))  # a graduate paired does not wait any more
    bulk_insert(Mentorship, ({"region_id": region.id, "graduate_id": graduate_id, "mentor_id": mentor_id,
                              "status": MentorshipStatus.active, "score": round(chance.uniform(0.3, 0.9), 3),
                              "reasons": [], "snapshot": {}, "proposed_by_id": coordinator,
                              "proposed_at": made - timedelta(days=60 + n % 200), "decided_by_id": coordinator,
                              "decided_at": made - timedelta(days=57 + n % 200), "decision_reason": "",
                              "graduate_answer": Answer.accepted, "mentor_answer": Answer.accepted}
                             for n, (mentor_id, graduate_id) in enumerate(paired)))
    return {"mentor profiles": len(mentors), "graduate profiles": len(graduates), "mentorships": len(paired)}
