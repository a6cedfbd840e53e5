"""Coordinators approve or reject the people waiting in their region."""
from __future__ import annotations

import re

import pytest

from portal.app.extensions import db
from portal.models import AuditEvent, MembershipStatus, Notification
from tests.helpers import form_errors, make_user, page_queries


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


# --- More on decisions: the form as the page names it, htmx rows, notices, who may decide ------


def _names(client, membership_id: int) -> dict[str, str]:
    """The field names the pending list gives one row's forms (they are prefixed per row),
    keyed by the bare field name: documents_checked, note, reason."""
    page = client.get("/belgorod/members/pending").get_data(as_text=True)
    start = page.index(f'id="membership-{membership_id}"')
    row = page[start:page.index("</li>", start)]
    names = {}
    for name in re.findall(r'name="([^"]+)"', row):
        for field in ("documents_checked", "note", "reason"):
            if name.endswith("-" + field):
                names[field] = name
    return names


def _approve(client, membership, documents=False, note="", headers=None):
    names = _names(client, membership.id)
    data = {names["note"]: note}
    if documents:
        data[names["documents_checked"]] = "y"
    return client.post(f"/belgorod/members/{membership.id}/approve", data=data, headers=headers or {})


def _reject(client, membership, reason, headers=None):
    names = _names(client, membership.id)
    return client.post(f"/belgorod/members/{membership.id}/reject", data={names["reason"]: reason},
                       headers=headers or {})


def _coordinator(people, locale="en"):
    coordinator = people["coordinator"]
    coordinator.locale = locale
    db.session.commit()
    return coordinator


def test_each_row_has_its_own_field_names(client, people, regions):
    _, first = _waiting(regions, role="mentor")
    second_user = make_user("second@example.org", {regions["belgorod"]: ["mentor"]}, status=MembershipStatus.pending)
    second = second_user.memberships[0]
    client.login_as(people["coordinator"])
    one, two = _names(client, first.id), _names(client, second.id)
    assert set(one) == set(two) == {"documents_checked", "note", "reason"}
    assert not set(one.values()) & set(two.values())
    page = client.get("/belgorod/members/pending").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # ids stay unique on the page


def test_a_mentor_without_documents_is_refused_with_the_error_by_the_box(client, people, regions):
    _coordinator(people)
    _, membership = _waiting(regions, role="mentor")
    client.login_as(people["coordinator"])
    response = _approve(client, membership, documents=False, note="looks fine")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A mentor can only be approved after their documents have been checked." in " ".join(form_errors(page))
    assert "looks fine</textarea>" in page  # the note is kept
    db.session.expire_all()
    assert membership.status == MembershipStatus.pending and membership.decided_by_id is None
    assert membership.documents_checked_at is None
    assert not Notification.query.filter_by(user_id=membership.user_id).count()
    assert not AuditEvent.query.filter_by(action="membership.approved").count()


def test_approving_a_mentor_records_everything_and_tells_them_in_english(client, people, regions):
    coordinator = _coordinator(people, locale="ru")  # the coordinator's language does not matter
    mentor, membership = _waiting(regions, role="mentor", locale="en")
    client.login_as(coordinator)
    response = _approve(client, membership, documents=True, note="certificate seen")
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/members/pending"
    db.session.expire_all()
    assert membership.status == MembershipStatus.active
    assert membership.documents_checked_at is not None and membership.decided_at is not None
    assert membership.decided_by_id == coordinator.id and membership.decided_by.email == coordinator.email
    assert membership.decision_reason == "certificate seen"
    note = Notification.query.filter_by(user_id=mentor.id).one()
    assert note.message == "Your registration in Белгородская область is approved. Welcome!"
    assert note.link == "/belgorod/" and note.read_at is None
    event = AuditEvent.query.filter_by(action="membership.approved").one()
    assert (event.actor_id, event.subject_id, event.region_id) == (coordinator.id, mentor.id, regions["belgorod"].id)
    assert event.details["role"] == "mentor" and event.details["documents_checked"] is True
    # Approved, the mentor now gets the region's services.
    assert client.application.test_client().login_as(mentor).get("/belgorod/sample/").status_code == 200


def test_a_russian_speaker_gets_a_notice_in_their_own_language(client, people, regions):
    client.login_as(_coordinator(people, locale="en"))
    mentor, membership = _waiting(regions, role="mentor", locale="ru")
    assert _approve(client, membership, documents=True).status_code == 302
    note = Notification.query.filter_by(user_id=mentor.id).one()
    assert note.message.strip() and "Белгородская область" in note.message


def test_a_graduate_needs_no_document_check(client, people, regions):
    graduate, membership = _waiting(regions, role="graduate", locale="en")
    client.login_as(people["coordinator"])
    names = _names(client, membership.id)
    assert "documents_checked" not in names  # the box is only shown for mentors
    assert _approve(client, membership).status_code == 302
    db.session.expire_all()
    assert membership.status == MembershipStatus.active and membership.documents_checked_at is None
    assert Notification.query.filter_by(user_id=graduate.id).count() == 1


def test_a_rejection_tells_the_reason_in_the_persons_language(client, people, regions):
    mentor, membership = _waiting(regions, role="mentor", locale="en")
    coordinator = _coordinator(people)
    client.login_as(coordinator)
    refused = _reject(client, membership, "   ")
    assert refused.status_code == 422 and form_errors(refused.get_data(as_text=True))
    db.session.expire_all()
    assert membership.status == MembershipStatus.pending
    response = _reject(client, membership, "Lives in another region")
    assert response.status_code == 302
    db.session.expire_all()
    assert membership.status == MembershipStatus.rejected and membership.decided_by_id == coordinator.id
    note = Notification.query.filter_by(user_id=mentor.id).one()
    assert note.message == "Your registration in Белгородская область is declined: Lives in another region"
    event = AuditEvent.query.filter_by(action="membership.rejected").one()
    assert event.details["reason"] == "Lives in another region"
    # The person sees the decision, and still has no services there.
    person = client.application.test_client().login_as(mentor)
    assert person.get("/belgorod/sample/").status_code == 403


def test_htmx_gets_the_decided_row_instead_of_a_redirect(client, people, regions):
    _, mentor_membership = _waiting(regions, role="mentor")
    client.login_as(_coordinator(people))
    htmx = {"HX-Request": "true", "HX-Target": f"membership-{mentor_membership.id}"}

    refused = _approve(client, mentor_membership, documents=False, headers=htmx)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "<html" not in page and f'id="membership-{mentor_membership.id}"' in page  # just the row
    assert "A mentor can only be approved after their documents have been checked." in page

    response = _approve(client, mentor_membership, documents=True, headers=htmx)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Location" not in response.headers
    assert "<html" not in page
    assert re.search(rf'<li id="membership-{mentor_membership.id}" class="[^"]*\bdecided\b', page)
    assert "Ждущий Человек is approved." in page


def test_deciding_twice_changes_nothing(client, people, regions):
    mentor, membership = _waiting(regions, role="mentor")
    coordinator = people["coordinator"]
    client.login_as(coordinator)
    names = _names(client, membership.id)
    assert _approve(client, membership, documents=True).status_code == 302
    db.session.expire_all()
    decided_at = membership.decided_at
    second = make_user("second-coordinator@belgorod.test", {regions["belgorod"]: ["coordinator"]})
    other = client.application.test_client().login_as(second)
    for path, data in ((f"/belgorod/members/{membership.id}/approve", {names["documents_checked"]: "y"}),
                       (f"/belgorod/members/{membership.id}/reject", {names["reason"]: "changed my mind"})):
        assert other.post(path, data=data).status_code == 302
        htmx = other.post(path, data=data, headers={"HX-Request": "true"})
        assert htmx.status_code in (200, 204) and htmx.status_code < 400
    db.session.expire_all()
    assert membership.status == MembershipStatus.active and membership.decided_by_id == coordinator.id
    assert membership.decided_at == decided_at
    assert Notification.query.filter_by(user_id=mentor.id).count() == 1
    assert AuditEvent.query.filter(AuditEvent.action.like("membership.%")).count() == 1


@pytest.mark.parametrize("who", ["specialist", "region_admin", "graduate", "mentor", "volunteer",
                                 "other_region_admin", "site_admin"])
def test_only_the_regions_coordinators_decide(app, people, regions, who):
    _, membership = _waiting(regions, role="graduate")
    client = app.test_client().login_as(people[who])
    for action, field in (("approve", "note"), ("reject", "reason")):
        response = client.post(f"/belgorod/members/{membership.id}/{action}",
                               data={f"approve{membership.id}-{field}": "x", f"reject{membership.id}-{field}": "x",
                                     f"m{membership.id}-{field}": "x"})
        assert response.status_code == 403, action
    assert client.get("/belgorod/members/pending").status_code == 403
    db.session.expire_all()
    assert membership.status == MembershipStatus.pending
    assert AuditEvent.query.filter_by(action="access.denied").count() == 3


def test_a_coordinator_of_another_region_gets_403_and_the_attempt_is_audited(app, people, regions):
    _, membership = _waiting(regions, role="mentor")
    smolensk = make_user("coordinator@smolensk.test", {regions["smolensk"]: ["coordinator"]})
    client = app.test_client().login_as(smolensk)
    response = client.post(f"/belgorod/members/{membership.id}/approve",
                           data={f"approve{membership.id}-documents_checked": "y"})
    assert response.status_code == 403
    event = AuditEvent.query.filter_by(action="access.denied").one()
    assert event.actor_id == smolensk.id and event.region_id == regions["belgorod"].id
    db.session.expire_all()
    assert membership.status == MembershipStatus.pending


def test_decisions_need_a_sign_in_a_csrf_token_and_a_real_registration(app, client, people, regions):
    _, membership = _waiting(regions, role="graduate")
    anonymous = app.test_client()
    response = anonymous.post(f"/belgorod/members/{membership.id}/approve")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    client.login_as(people["coordinator"])
    assert client.post(f"/belgorod/members/{membership.id}/approve", csrf=False).status_code == 400
    assert client.post(f"/belgorod/members/{membership.id}/reject", csrf=False,
                       headers={"HX-Request": "true"}).status_code == 400
    assert client.post("/belgorod/members/999999/approve").status_code == 404
    db.session.expire_all()
    assert membership.status == MembershipStatus.pending


def test_only_waiting_registrations_are_listed(client, people, regions):
    _, membership = _waiting(regions, role="graduate")
    rejected = make_user("rejected@example.org", {regions["belgorod"]: ["mentor"]}, status=MembershipStatus.rejected)
    client.login_as(people["coordinator"])
    page = client.get("/belgorod/members/pending").get_data(as_text=True)
    listed = re.findall(r'id="membership-(\d+)"', page)
    assert listed == [str(membership.id)]  # not the active people, not the rejected one
    assert rejected.email not in page and people["volunteer"].email not in page


def test_the_coordinators_dashboard_counts_registrations_waiting_and_the_list_is_paged(app, client, people, regions):

    for number in range(3):
        make_user(f"early-{number}@example.org", {regions["belgorod"]: ["volunteer"]}, status=MembershipStatus.pending)
    client.login_as(people["coordinator"])
    page = client.get("/belgorod/").get_data(as_text=True)
    assert "Ждут вашего решения: 3" in page and 'href="/belgorod/members/pending"' in page
    few = page_queries(app, client, "/belgorod/members/pending")
    for number in range(3, 25):
        make_user(f"early-{number}@example.org", {regions["belgorod"]: ["volunteer"]}, status=MembershipStatus.pending)
    many = page_queries(app, client, "/belgorod/members/pending")
    assert many == few  # the same work for 3 and for 25
    first = client.get("/belgorod/members/pending").get_data(as_text=True)
    assert first.count('class="pending-row"') == 20 and "Ждут вашего решения: 25" in first
    second = client.get("/belgorod/members/pending?page=2", headers={"HX-Request": "true", "HX-Target": "pending"})
    assert second.get_data(as_text=True).count('class="pending-row"') == 5
    assert "<html" not in second.get_data(as_text=True)
    client.login_as(people["graduate"])
    assert 'href="/belgorod/members/pending"' not in client.get("/belgorod/").get_data(as_text=True)
