"""A member's life after registration: volunteers vetted, roles suspended, reinstated and ended; erasure."""
from __future__ import annotations

from sqlalchemy import select

from plugins.mentorship.models import Meeting, Mentorship, MentorshipStatus
from portal.app.extensions import db
from portal.models import AuditEvent, Membership, MembershipStatus, User
from tests import sample_plugin
from tests.helpers import at_once, form_errors, make_user


def _membership(user, region, role):
    db.session.expire_all()
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                      Membership.region_id == region.id,
                                                      Membership.role == role))


def test_volunteers_register_pending_and_are_approved_only_with_documents_checked(client, people, regions):
    belgorod = regions["belgorod"]
    response = client.post("/belgorod/register", data={
        "role": "volunteer", "name": "Вера Волонтёрова", "email": "vera@example.org", "password": "a-long-password",
        "confirm": "a-long-password", "municipality": belgorod.municipalities[0].id, "language": "ru",
        "consent": "y", "birth_date": "1990-01-01"})
    assert response.status_code in (200, 302)
    vera = User.by_email("vera@example.org")
    membership = _membership(vera, belgorod, "volunteer")
    assert membership.status == MembershipStatus.pending
    assert not vera.has_role(belgorod, "volunteer")  # sees nothing that places a graduate
    coordinator = client.application.test_client().login_as(people["coordinator"])
    prefix = f"approve{membership.id}"
    refused = coordinator.post(f"/belgorod/members/{membership.id}/approve", data={f"{prefix}-note": ""})
    assert refused.status_code == 422 and "документов" in " ".join(form_errors(refused.get_data(as_text=True)))
    assert _membership(vera, belgorod, "volunteer").status == MembershipStatus.pending
    done = coordinator.post(f"/belgorod/members/{membership.id}/approve", data={f"{prefix}-documents_checked": "y"})
    assert done.status_code == 302
    approved = _membership(vera, belgorod, "volunteer")
    assert approved.status == MembershipStatus.active and approved.documents_checked_at is not None


def test_a_coordinator_suspends_and_reinstates_a_member(client, people, regions):
    belgorod = regions["belgorod"]
    graduate = people["graduate"]
    own = client.application.test_client().login_as(graduate)
    assert own.get("/belgorod/").status_code == 200
    client.login_as(people["coordinator"])
    page = client.get(f"/belgorod/people/{graduate.id}")
    assert page.status_code == 200 and graduate.email in page.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.viewed",
                                                      AuditEvent.subject_id == graduate.id)) is not None
    empty = client.post(f"/belgorod/people/{graduate.id}/roles/graduate/suspend", data={"suspend-graduate-reason": " "})
    assert empty.status_code == 422 and form_errors(empty.get_data(as_text=True))
    sample_plugin.calls.clear()
    done = client.post(f"/belgorod/people/{graduate.id}/roles/graduate/suspend",
                       data={"suspend-graduate-reason": "Нарушение правил гостиницы"})
    assert done.status_code == 302
    membership = _membership(graduate, belgorod, "graduate")
    assert membership.status == MembershipStatus.suspended and membership.decision_reason.startswith("Нарушение")
    assert sample_plugin.calls == ["membership:graduate:suspended"]
    # the person's sessions end, and the region is closed to them
    assert own.get("/belgorod/").status_code in (302, 403)
    again = client.application.test_client().login_as(db.session.get(User, graduate.id))
    assert again.get("/belgorod/").status_code == 403
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.suspended"))
    assert event.details["reason"].startswith("Нарушение") and event.subject_id == graduate.id
    # twice: told, nothing changes
    client.post(f"/belgorod/people/{graduate.id}/roles/graduate/suspend", data={"suspend-graduate-reason": "x"})
    assert _membership(graduate, belgorod, "graduate").status == MembershipStatus.suspended
    assert client.post(f"/belgorod/people/{graduate.id}/roles/graduate/reinstate", data={}).status_code == 302
    assert _membership(graduate, belgorod, "graduate").status == MembershipStatus.active
    back = client.application.test_client().login_as(db.session.get(User, graduate.id))
    assert back.get("/belgorod/").status_code == 200


def test_staff_roles_and_other_regions_are_out_of_reach(client, people, regions):
    client.login_as(people["coordinator"])
    specialist = people["specialist"]
    assert client.post(f"/belgorod/people/{specialist.id}/roles/specialist/suspend",
                       data={"suspend-specialist-reason": "x"}).status_code == 404
    stranger = make_user("stranger@smolensk.test", {regions["smolensk"]: ["graduate"]})
    assert client.get(f"/belgorod/people/{stranger.id}").status_code == 404
    assert client.post(f"/belgorod/people/{stranger.id}/roles/graduate/suspend",
                       data={"suspend-graduate-reason": "x"}).status_code == 404
    assert _membership(stranger, regions["smolensk"], "graduate").status == MembershipStatus.active
    assert client.post(f"/belgorod/people/{people['graduate'].id}/roles/graduate/fly", data={}).status_code == 404
    assert client.get("/belgorod/people/987654").status_code == 404


def _active_pair(region, mentor, graduate):
    pair = Mentorship(region_id=region.id, mentor_id=mentor.id, graduate_id=graduate.id,
                      status=MentorshipStatus.active, snapshot={"mentor": {"about": "x"}, "graduate": {}})
    db.session.add(pair)
    db.session.flush()
    db.session.add(Meeting(mentorship_id=pair.id, author_id=mentor.id, met_on=pair.proposed_at.date(),
                           what_was_done="Составили резюме"))
    db.session.commit()
    return pair.id


def test_ending_a_mentors_role_flags_their_pairs_and_keeps_them(client, people, regions):
    belgorod = regions["belgorod"]
    pair_id = _active_pair(belgorod, people["mentor"], people["graduate"])
    client.login_as(people["coordinator"])
    response = client.post(f"/belgorod/people/{people['mentor'].id}/roles/mentor/end",
                           data={"end-mentor-reason": "Не прошёл проверку"})
    assert response.status_code == 302
    db.session.expire_all()
    pair = db.session.get(Mentorship, pair_id)
    assert pair.status == MentorshipStatus.active and pair.flagged_at is not None
    assert pair.flag_reason == "Не прошёл проверку"
    assert _membership(people["mentor"], belgorod, "mentor").status == MembershipStatus.ended
    dashboard = client.get("/belgorod/").get_data(as_text=True)
    assert "Pairs to look at" in dashboard or "Пары, на которые стоит посмотреть" in dashboard
    listing = client.get("/belgorod/mentorship/mentorships?flagged=1").get_data(as_text=True)
    assert "Не прошёл проверку" in listing


def test_two_coordinators_at_once_change_a_role_once(app, people, regions):
    graduate_id = people["graduate"].id
    coordinator_ids = [people["coordinator"].id,
                       make_user("second@belgorod.test", {regions["belgorod"]: ["coordinator"]}).id]

    def suspend(coordinator_id, start):
        client = app.test_client().login_as(db.session.get(User, coordinator_id))
        db.session.commit()
        start()
        client.post(f"/belgorod/people/{graduate_id}/roles/graduate/suspend",
                    data={"suspend-graduate-reason": f"by {coordinator_id}"})
        return "done"

    at_once(app, coordinator_ids, suspend)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "membership.suspended")).all()
    assert len(events) == 1


def test_erasing_a_mentor_keeps_the_graduates_history_and_no_personal_data(client, people, regions):
    from portal.accounts.people import erase_person
    from portal.services import audit

    belgorod = regions["belgorod"]
    mentor, graduate = people["mentor"], people["graduate"]
    pair_id = _active_pair(belgorod, mentor, graduate)
    mentor_id, old_email = mentor.id, mentor.email
    audit.record("email.changed", target=f"user:{mentor_id}", actor=mentor, details={"from": "before@example.org"})
    audit.record("login.failed", target="before@example.org", subject=mentor)
    audit.record("membership.suspended", target=f"user:{mentor_id}", region=belgorod, subject=mentor,
                 actor=people["coordinator"], details={"from": "active", "to": "suspended",
                                                       "reason": "Жалоба выпускника Анны"})
    db.session.commit()
    erase_person(db.session.get(User, mentor_id))
    db.session.expire_all()
    pair = db.session.get(Mentorship, pair_id)
    assert pair is not None and pair.mentor_id is None and pair.status == MentorshipStatus.ended
    assert "mentor" not in pair.snapshot
    meeting = db.session.scalar(select(Meeting).where(Meeting.mentorship_id == pair_id))
    assert meeting.what_was_done == "Составили резюме" and meeting.author_id is None
    text = repr([(e.actor_label, e.target, e.details) for e in db.session.scalars(select(AuditEvent))])
    for trace in (old_email, "before@example.org", "Жалоба"):
        assert trace not in text, trace
    suspended = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "membership.suspended"))
    assert suspended.details == {"from": "active", "to": "suspended"}
    # the pair and its log are still there to read, without the mentor's name
    assert client.login_as(db.session.get(User, graduate.id)).get(
        f"/belgorod/mentorship/mentorships/{pair_id}").status_code == 200
    page = client.login_as(people["coordinator"]).get(f"/belgorod/mentorship/mentorships/{pair_id}")
    assert page.status_code == 200 and "Составили резюме" in page.get_data(as_text=True)


def test_searches_for_people_never_put_them_in_the_address(client, people):
    client.login_as(people["region_admin"])
    response = client.post("/belgorod/admin/members", data={"q": "graduate@belgorod"})
    assert response.status_code == 302 and "graduate" not in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "graduate@belgorod.test" in page and "coordinator@belgorod.test" not in page
    response = client.post("/belgorod/admin/audit", data={"person": "coordinator@belgorod.test", "action": ""})
    assert response.status_code == 302 and "coordinator" not in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200
