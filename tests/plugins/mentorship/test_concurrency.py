"""Ten approvals for one mentor with one place left, at the same moment: one is approved, nine are refused."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.mentorship import pairs
from plugins.mentorship.models import Mentorship, MentorshipStatus
from portal.app.extensions import db
from portal.models import User
from tests.helpers import at_once
from tests.plugins.mentorship.conftest import add_graduate, add_mentor

CROWD = 10


def _approve(coordinator_id: int):
    def approve(proposal_id: int, start) -> str:
        row = db.session.get(Mentorship, proposal_id)
        coordinator = db.session.get(User, coordinator_id)
        _ = (row.region, row.graduate, row.mentor, coordinator.memberships)
        db.session.commit()  # give the connection back: the pool is smaller than the crowd
        start()
        try:
            pairs.decide(row, True, "", coordinator)
            db.session.commit()
            return "approved"
        except pairs.PairingRefused as refusal:
            db.session.rollback()
            return "full" if "нет места" in str(refusal) or "no room" in str(refusal) else str(refusal)

    return approve


def test_coordinators_approving_at_once_never_put_a_mentor_above_capacity(app, people, belgorod):
    mentor = add_mentor(belgorod, "busy@belgorod.test", capacity=CROWD)
    proposals = []
    for i in range(CROWD):
        graduate = add_graduate(belgorod, email=f"g{i}@belgorod.test")
        proposals.append(pairs.propose(belgorod, pairs.graduate_profile(graduate, belgorod),
                                       pairs.mentor_profile(mentor, belgorod), people["coordinator"]).id)
    pairs.mentor_profile(mentor, belgorod).capacity = 1  # the mentor now takes one mentee only
    db.session.commit()
    coordinator_id = people["coordinator"].id
    db.session.remove()

    outcomes = at_once(app, proposals, _approve(coordinator_id))

    assert outcomes.count("approved") == 1 and outcomes.count("full") == CROWD - 1, outcomes
    with app.test_request_context():
        active = db.session.scalar(select(func.count()).select_from(Mentorship)
                                   .where(Mentorship.status == MentorshipStatus.active))
        assert active == 1
