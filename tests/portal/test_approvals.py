"""Coordinators approve or reject the people waiting in their region."""
from __future__ import annotations

from portal.extensions import db
from portal.models import MembershipStatus, Notification
from tests.helpers import make_user


def _waiting(regions, role="mentor", locale="ru", region="belgorod"):
    user = make_user(f"waiting-{role}-{region}@example.org", {regions[region]: [role]},
                     status=MembershipStatus.pending, locale=locale, name="Ждущий Человек")
    return user, user.memberships[0]


def test_pending_list_shows_only_the_region(client, people, regions):
    _waiting(regions)
    other, _ = _waiting(regions, region="smolensk")
    client.login_as(people["coordinator"])
    page = client.get("/belgorod/members/pending").get_data(as_text=True)
    assert "waiting-mentor-belgorod@example.org" in page and other.email not in page


def test_a_mentor_is_approved_only_with_documents_checked(client, people, regions):
    mentor, membership = _waiting(regions, locale="en")
    client.login_as(people["coordinator"])
    prefix = f"approve{membership.id}-"
    refused = client.post(f"/belgorod/members/{membership.id}/approve", data={prefix + "note": "ok"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "только после проверки" in page and "ok</textarea>" in page  # the note is kept
    db.session.expire_all()
    assert membership.status == MembershipStatus.pending

    approved = client.post(f"/belgorod/members/{membership.id}/approve",
                           data={prefix + "documents_checked": "y", prefix + "note": "справка проверена"})
    assert approved.status_code == 302
    db.session.expire_all()
    assert membership.status == MembershipStatus.active and membership.documents_checked_at is not None
    assert membership.decided_by_id == people["coordinator"].id
    note = Notification.query.filter_by(user_id=mentor.id).one()
    assert note.message == "Your registration in Белгородская область is approved. Welcome!"  # in English


def test_rejection_needs_a_reason_and_tells_the_person(client, people, regions):
    graduate, membership = _waiting(regions, role="graduate")
    client.login_as(people["coordinator"])
    prefix = f"reject{membership.id}-"
    assert client.post(f"/belgorod/members/{membership.id}/reject", data={prefix + "reason": ""}).status_code == 422
    response = client.post(f"/belgorod/members/{membership.id}/reject", data={prefix + "reason": "Не наш регион"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'class="pending-row decided"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert membership.status == MembershipStatus.rejected and membership.decision_reason == "Не наш регион"
    note = Notification.query.filter_by(user_id=graduate.id).one()
    assert "отказано" in note.message and "Не наш регион" in note.message


def test_a_decided_registration_is_not_decided_again(client, people, regions):
    _, membership = _waiting(regions, role="graduate")
    client.login_as(people["coordinator"])
    client.post(f"/belgorod/members/{membership.id}/approve", data={f"approve{membership.id}-note": ""})
    again = client.post(f"/belgorod/members/{membership.id}/reject",
                        data={f"reject{membership.id}-reason": "передумали"})
    assert again.status_code == 302
    db.session.expire_all()
    assert membership.status == MembershipStatus.active


def test_other_regions_and_other_roles_cannot_decide(app, people, regions):
    _, membership = _waiting(regions)
    smolensk_coordinator = make_user("coordinator@smolensk.test", {regions["smolensk"]: ["coordinator"]})
    for person in (people["specialist"], people["region_admin"], smolensk_coordinator):
        client = app.test_client().login_as(person)
        response = client.post(f"/belgorod/members/{membership.id}/approve",
                               data={f"approve{membership.id}-documents_checked": "y"})
        assert response.status_code == 403
    smolensk = app.test_client().login_as(smolensk_coordinator)
    assert smolensk.post(f"/smolensk/members/{membership.id}/approve").status_code == 404
    db.session.expire_all()
    assert membership.status == MembershipStatus.pending


def test_a_pending_person_sees_their_status(client, regions):
    user, _ = _waiting(regions, role="graduate")
    client.login_as(user)
    page = client.get("/belgorod/").get_data(as_text=True)
    assert "ждёт подтверждения координатора" in page
    assert client.get("/belgorod/sample/").status_code == 403  # no services before approval
