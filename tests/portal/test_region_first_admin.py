"""A new region can be run: the site admin names its first region admin, by account or by invitation."""
from __future__ import annotations

import re

from sqlalchemy import select

from portal.app.extensions import db
from portal.models import AuditEvent, Invitation, Region, User
from tests.helpers import at_once, form_errors, make_user


def _new_region(client):
    response = client.post("/admin/regions/new", data={"code": "tver", "name": "Тверская область",
                                                        "timezone": "Europe/Moscow", "default_locale": "ru",
                                                        "municipalities": "Тверь"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/regions/tver/admins")
    return db.session.scalar(select(Region).where(Region.code == "tver"))


def test_site_admin_runs_a_new_regions_admin_pages(client, people):
    client.login_as(people["site_admin"])
    _new_region(client)
    for path in ("/tver/admin/plugins", "/tver/admin/members", "/tver/admin/audit"):
        assert client.get(path).status_code == 200, path
    # never the pages of the region's daily work
    assert client.get("/belgorod/members/pending").status_code == 403


def test_naming_an_existing_account_grants_the_role_at_once(client, people):
    client.login_as(people["site_admin"])
    region = _new_region(client)
    anna = make_user("anna@example.org", name="Анна Смирнова")
    response = client.post("/admin/regions/tver/admins", data={"email": " Anna@Example.org "})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, anna.id).has_role(region, "region_admin")
    page = client.get("/admin/regions/tver/admins").get_data(as_text=True)
    assert "Анна Смирнова" in page
    anna_client = client.application.test_client().login_as(db.session.get(User, anna.id))
    assert anna_client.get("/tver/admin/members").status_code == 200
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "role.granted",
                                                      AuditEvent.subject_id == anna.id)) is not None


def _invite(client, email="irina@example.org") -> str:
    response = client.post("/admin/regions/tver/admins", data={"email": email})
    assert response.status_code == 200  # no mail server in tests: the link is shown once
    link = re.search(r"<code>(\S+/invitations/[^<\s]+)</code>", response.get_data(as_text=True)).group(1)
    return link.split("localhost", 1)[-1]


def test_an_invitation_opens_an_account_with_the_role(client, people):
    client.login_as(people["site_admin"])
    region = _new_region(client)
    path = _invite(client)
    invitation = db.session.scalar(select(Invitation))
    assert invitation.token_hash not in path and len(invitation.token_hash) == 64  # only the hash is kept
    visitor = client.application.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "irina@example.org" in page.get_data(as_text=True)
    bad = visitor.post(path, data={"name": "Ирина", "password": "short", "confirm": "short", "language": "ru"})
    assert bad.status_code == 422 and form_errors(bad.get_data(as_text=True))
    done = visitor.post(path, data={"name": "Ирина Петрова", "password": "a-long-password", "confirm":
                                    "a-long-password", "language": "ru"})
    assert done.status_code == 302 and done.headers["Location"] == "/tver/"
    assert visitor.get("/tver/admin/members").status_code == 200  # signed in, with the role
    irina = User.by_email("irina@example.org")
    assert irina.has_role(region, "region_admin")
    # used once
    assert client.application.test_client().get(path).status_code == 404


def test_an_invitation_for_an_address_that_has_an_account_asks_to_sign_in(client, people):
    client.login_as(people["site_admin"])
    region = _new_region(client)
    path = _invite(client, "late@example.org")
    late = make_user("late@example.org")
    visitor = client.application.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "/login?next=" in page.get_data(as_text=True)
    visitor.login_as(late)
    assert visitor.post(path, data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, late.id).has_role(region, "region_admin")
    # someone else signed in cannot take it
    path2 = _invite(client, "third@example.org")
    other = client.application.test_client().login_as(people["graduate"])
    assert other.get(path2).status_code == 403


def test_expired_forged_or_used_invitations_are_refused(client, people):
    client.login_as(people["site_admin"])
    _new_region(client)
    path = _invite(client)
    visitor = client.application.test_client()
    assert visitor.get(path + "x").status_code == 404
    assert visitor.get("/invitations/").status_code == 404
    invitation = db.session.scalar(select(Invitation))
    from datetime import timedelta

    invitation.expires_at -= timedelta(days=8)
    db.session.commit()
    assert visitor.get(path).status_code == 404


def test_two_clicks_at_once_use_an_invitation_once(app, client, people):
    client.login_as(people["site_admin"])
    region = _new_region(client)
    path = _invite(client, "twice@example.org")
    twice_id = make_user("twice@example.org").id

    def accept(_item, start):
        visitor = app.test_client().login_as(db.session.get(User, twice_id))
        db.session.commit()
        start()
        return str(visitor.post(path, data={}).status_code)

    results = at_once(app, list(range(4)), accept)
    assert results.count("302") >= 1 and set(results) <= {"302", "404"}, results
    db.session.expire_all()
    assert db.session.scalar(select(Invitation)).accepted_by_id == twice_id
    granted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "invitation.accepted")).all()
    assert len(granted) == 1 and region.id == granted[0].region_id


def test_region_admins_page_refuses_bad_input_and_other_people(client, people):
    client.login_as(people["site_admin"])
    _new_region(client)
    response = client.post("/admin/regions/tver/admins", data={"email": "not an address"})
    assert response.status_code == 422 and form_errors(response.get_data(as_text=True))
    assert client.get("/admin/regions/nowhere/admins").status_code == 404
    other = client.application.test_client().login_as(people["region_admin"])
    assert other.get("/admin/regions/tver/admins").status_code == 403


def test_an_account_opened_by_an_invitation_has_its_address_confirmed(client, people):
    client.login_as(people["site_admin"])
    _new_region(client)
    path = _invite(client, "olga@example.org")
    client.application.test_client().post(path, data={"name": "Ольга", "password": "a-long-password",
                                                      "confirm": "a-long-password", "language": "ru"})
    assert User.by_email("olga@example.org").email_confirmed_at is not None
