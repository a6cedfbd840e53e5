"""A person's mentorship data for their export, and its erasure."""
from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from plugins.mentorship.models import (GraduateProfile, Meeting, MentorProfile, Mentorship, MentorshipStatus,
                                       Outcome)
from portal.kit import db, utcnow


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
             "with": (m.graduate.name if m.mentor_id == user.id else m.mentor.name if m.mentor else ""),
             "status": m.status.value, "proposed_at": m.proposed_at.isoformat(),
             "decided_at": m.decided_at.isoformat() if m.decided_at else None,
             "ended_at": m.ended_at.isoformat() if m.ended_at else None,
             # The person's own answer to the proposal, and the reason they gave for a decline.
             "answer": _own_answer(m, "mentor" if m.mentor_id == user.id else "graduate"),
             "meetings": [{"date": x.met_on.isoformat(), "what_was_done": x.what_was_done,
                           "next_step": x.next_step} for x in m.meetings]}
            for m in rows
        ],
    }


def _own_answer(row, side: str) -> dict | None:
    answer = row.answer_of(side)
    if answer is None:
        return None
    moment = getattr(row, f"{side}_answered_at")
    return {"answer": answer.value, "at": moment.isoformat() if moment else None,
            "reason": getattr(row, f"{side}_reason")}


def erase_person(user) -> None:
    """A graduate's pairs go with them (the history is theirs). A mentor's pairs stay for the
    graduate without the mentor: the pair loses the mentor's name and profile, its meeting log
    loses who wrote each line and keeps what was done; an active pair ends, a proposal goes."""
    db.session.execute(delete(MentorProfile).where(MentorProfile.user_id == user.id))
    db.session.execute(delete(GraduateProfile).where(GraduateProfile.user_id == user.id))
    theirs = list(db.session.scalars(select(Mentorship.id).where(
        or_(Mentorship.graduate_id == user.id,
            (Mentorship.mentor_id == user.id) & (Mentorship.status.in_(MentorshipStatus.open_proposal()))))))
    db.session.execute(delete(Meeting).where(Meeting.mentorship_id.in_(theirs)))
    db.session.execute(delete(Mentorship).where(Mentorship.id.in_(theirs)))
    db.session.execute(update(Meeting).where(Meeting.author_id == user.id).values(author_id=None))
    for row in db.session.scalars(select(Mentorship).where(Mentorship.mentor_id == user.id)):
        if row.status == MentorshipStatus.active:
            row.status, row.ended_at, row.outcome = MentorshipStatus.ended, utcnow(), Outcome.other
        row.snapshot = {key: value for key, value in (row.snapshot or {}).items() if key != "mentor"}
        row.mentor_reason = ""
        row.mentor_id = None


def flag_pairs_of(membership, reason: str) -> None:
    """A mentor's or a graduate's role stopped: their open pairs in the region wait for a coordinator's
    look (flagged, never deleted); the role is active again: the flag goes."""
    if membership.role.value not in ("mentor", "graduate"):
        return
    person = Mentorship.mentor_id if membership.role.value == "mentor" else Mentorship.graduate_id
    back = membership.status.value == "active"
    db.session.execute(
        update(Mentorship)
        .where(person == membership.user_id, Mentorship.region_id == membership.region_id,
               Mentorship.status.in_(MentorshipStatus.taking_a_place()))
        .values(flagged_at=None if back else utcnow(), flag_reason="" if back else reason)
    )
