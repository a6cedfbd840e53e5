"""A region's privacy notice and contacts: public, linked from every page, set by the region admin."""
from __future__ import annotations

from sqlalchemy import select

from portal.app.extensions import db
from portal.models import AuditEvent, Region
from tests.helpers import form_errors


def test_every_page_links_to_the_regions_notice_and_contacts(client, people):
    page = client.get("/belgorod/register").get_data(as_text=True)
    assert 'href="/belgorod/privacy"' in page and 'href="/belgorod/contacts"' in page
    home = client.get("/").get_data(as_text=True)
    assert 'href="/privacy"' in home
    listing = client.get("/privacy").get_data(as_text=True)
    assert "/smolensk/privacy" in listing and "/belgorod/contacts" in listing


def test_defaults_until_the_region_admin_writes_its_own(client, people):
    notice = client.get("/belgorod/privacy")
    assert notice.status_code == 200 and "152-ФЗ" in notice.get_data(as_text=True)
    assert "Белгородская область" in notice.get_data(as_text=True)
    english = client.get("/belgorod/privacy", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Who holds it" in english or "Кто" in english
    client.login_as(people["region_admin"])
    response = client.post("/belgorod/admin/notices", data={
        "contacts": "г. Белгород, ул. Победы, 1; +7 4722 00-00-00", "privacy_holder": "ОГБУ «Центр»",
        "privacy_purpose": "", "privacy_retention": "", "privacy_contact": ""})
    assert response.status_code == 302
    assert "ул. Победы" in client.get("/belgorod/contacts").get_data(as_text=True)
    assert "ОГБУ «Центр»" in client.get("/belgorod/privacy").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "region.notices_changed"))
    assert event.details["fields"] == ["contacts", "privacy_holder"]
    # another region keeps its own
    assert "ул. Победы" not in client.get("/smolensk/contacts").get_data(as_text=True)


def test_notice_form_refuses_bad_input_and_other_people(client, people):
    client.login_as(people["region_admin"])
    response = client.post("/belgorod/admin/notices", data={"contacts": "x" * 5001})
    assert response.status_code == 422 and form_errors(response.get_data(as_text=True))
    assert db.session.scalar(select(Region).where(Region.code == "belgorod")).contacts == ""
    for visitor in ("coordinator", "other_region_admin", "graduate"):
        other = client.application.test_client().login_as(people[visitor])
        assert other.post("/belgorod/admin/notices", data={"contacts": "hacked"}).status_code == 403
    assert client.get("/nowhere/privacy").status_code == 404
