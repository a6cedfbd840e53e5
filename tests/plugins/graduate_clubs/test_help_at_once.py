"""Two organizers answer the same offer of help at the same moment: one decision, one notification."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugins.graduate_clubs import help as helping
from plugins.graduate_clubs import notices
from plugins.graduate_clubs.models import HelpOffer, HelpStatus
from portal.app.extensions import db
from portal.kit import Refusal
from portal.models import AuditEvent, Notification, User
from tests.helpers import at_once, make_user
from tests.plugins.graduate_clubs.conftest import add_event


def _decide(offer_id: int, accept_by: int):
    """Each organizer answers as the view does: decide, then tell the volunteer, in one transaction."""
    def decide(organizer_id: int, start) -> str:
        offer = db.session.get(HelpOffer, offer_id)
        organizer = db.session.get(User, organizer_id)
        _ = (offer.event.club.region, offer.volunteer.memberships, organizer.memberships)
        db.session.commit()  # give the connection back before the race
        start()
        try:
            helping.decide(offer, organizer_id == accept_by, organizer)
            notices.help_decided(offer)
            db.session.commit()
            return offer.status.value
        except Refusal:
            db.session.rollback()
            return "refused"

    return decide


@pytest.mark.parametrize("who_accepts", ["specialist", "volunteer"])
def test_two_organizers_answer_one_offer_at_once(app, regions, people, club, soon, who_accepts):
    event = add_event(club, soon, title="Субботник", volunteers_wanted=True)
    helper = make_user("helper@belgorod.test", {regions["belgorod"]: ["volunteer"]})
    offer = helping.offer(event, helper, "Помогу с чаем")
    db.session.commit()
    offer_id, helper_id = offer.id, helper.id
    organizers = [people["specialist"].id, people["volunteer"].id]  # both run the club
    accept_by = people[who_accepts].id
    db.session.remove()

    outcomes = at_once(app, organizers, _decide(offer_id, accept_by))

    assert sorted(outcomes) in (["accepted", "refused"], ["declined", "refused"]), outcomes
    with app.test_request_context():
        found = db.session.get(HelpOffer, offer_id)
        decided = [o for o in outcomes if o != "refused"][0]
        assert found.status == HelpStatus(decided)
        assert found.decided_by_id == (accept_by if decided == "accepted" else
                                       next(i for i in organizers if i != accept_by))
        assert db.session.scalar(select(func.count()).select_from(Notification)
                                 .where(Notification.user_id == helper_id)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.target == f"help_offer:{offer_id}",
            AuditEvent.action.in_(("graduate_clubs.help.accepted", "graduate_clubs.help.declined")))) == 1


def test_a_volunteer_withdraws_while_an_organizer_accepts(app, regions, people, club, soon):
    """One of the two wins; the offer is never left accepted after a withdrawal nor told twice."""
    event = add_event(club, soon, title="Субботник", volunteers_wanted=True)
    helper = make_user("helper@belgorod.test", {regions["belgorod"]: ["volunteer"]})
    offer = helping.offer(event, helper, "")
    db.session.commit()
    offer_id, helper_id, organizer_id = offer.id, helper.id, people["specialist"].id
    db.session.remove()

    def act(person_id: int, start) -> str:
        found = db.session.get(HelpOffer, offer_id)
        person = db.session.get(User, person_id)
        _ = (found.event.club.region, found.volunteer.memberships, person.memberships)
        db.session.commit()
        start()
        try:
            if person_id == helper_id:
                helping.withdraw(found)
            else:
                helping.decide(found, True, person)
            status = found.status.value  # as this transaction left it, before the other's commit
            db.session.commit()
            return status
        except Refusal:
            db.session.rollback()
            return "refused"

    outcomes = at_once(app, [helper_id, organizer_id], act)

    assert not any(o.startswith("error") for o in outcomes), outcomes
    with app.test_request_context():
        found = db.session.get(HelpOffer, offer_id)
        # Withdrawn first: the acceptance is refused. Accepted first: the volunteer may still withdraw.
        assert outcomes in (["withdrawn", "refused"], ["refused", "withdrawn"], ["accepted", "withdrawn"],
                            ["withdrawn", "accepted"]), outcomes
        assert found.status == (HelpStatus.withdrawn if "withdrawn" in outcomes else HelpStatus.accepted)
