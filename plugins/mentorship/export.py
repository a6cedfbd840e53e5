"""A person's mentorship data for their export, and its erasure."""
from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from plugins.mentorship.models import GraduateProfile, Meeting, MentorProfile, Mentorship
from portal.kit import db


def _profile(p) -> dict:
    return {"region": p.region.code, "interests": p.interests, "areas": p.areas, "about": p.about,
            "languages": p.languages, "gender": p.gender,
            "municipality": p.municipality.name if p.municipality else None}


def export_person(user) -> dict:
    mentor = db.session.scalars(select(MentorProfile).where(MentorProfile.user_id == user.id)).all()
    graduate = db.session.scalars(select(GraduateProfile).where(GraduateProfile.user_id == user.id)).all()
    rows = db.session.scalars(select(Mentorship).where(
        or_(Mentorship.mentor_id == user.id, Mentorship.graduate_id == user.id))).all()
    return {
        "mentor_profiles": [dict(_profile(p), capacity=p.capacity, availability=p.availability) for p in mentor],
        "graduate_profiles": [dict(_profile(p), wants_mentor=p.wants_mentor, prefers_gender=p.prefers_gender)
                              for p in graduate],
        "mentorships": [
            {"role": "mentor" if m.mentor_id == user.id else "graduate",
             "with": (m.graduate if m.mentor_id == user.id else m.mentor).name,
             "status": m.status.value, "proposed_at": m.proposed_at.isoformat(),
             "decided_at": m.decided_at.isoformat() if m.decided_at else None,
             "ended_at": m.ended_at.isoformat() if m.ended_at else None,
             "meetings": [{"date": x.met_on.isoformat(), "what_was_done": x.what_was_done,
                           "next_step": x.next_step} for x in m.meetings]}
            for m in rows
        ],
    }


def erase_person(user) -> None:
    """Profiles and the person's mentorships go; meetings others wrote go with the mentorship."""
    db.session.execute(delete(MentorProfile).where(MentorProfile.user_id == user.id))
    db.session.execute(delete(GraduateProfile).where(GraduateProfile.user_id == user.id))
    ids = list(db.session.scalars(select(Mentorship.id).where(
        or_(Mentorship.mentor_id == user.id, Mentorship.graduate_id == user.id))))
    db.session.execute(delete(Meeting).where(Meeting.mentorship_id.in_(ids)))
    db.session.execute(delete(Mentorship).where(Mentorship.id.in_(ids)))
    db.session.execute(update(Meeting).where(Meeting.author_id == user.id).values(author_id=None))
