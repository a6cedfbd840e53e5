"""Region admins: the audit log with its filters and pages, and the members list."""
from __future__ import annotations

from datetime import datetime, timedelta

from portal.app.extensions import db
from portal.models import AuditEvent, MembershipStatus
from portal.services import audit
from tests.helpers import make_user


def _event(action, actor, region, at, target="x"):
    event = audit.record(action, target=target, region=region, actor=actor)
    event.at = at
    return event


def test_audit_log_filters_by_person_action_and_date(client, people, regions):
    belgorod, smolensk = regions["belgorod"], regions["smolensk"]
    day = datetime(2026, 3, 10, 12, 0)
    _event("login", people["graduate"], belgorod, day)
    _event("membership.approved", people["coordinator"], belgorod, day + timedelta(days=2), target="user:77")
    _event("login", people["other_region_admin"], smolensk, day)
    db.session.commit()
    client.login_as(people["region_admin"])

    page = client.get("/belgorod/admin/audit").get_data(as_text=True)
    assert "user:77" in page and people["graduate"].email in page
    assert people["other_region_admin"].email not in page  # another region's events stay hidden

    page = client.post("/belgorod/admin/audit", data={"person": "coordinator"}, follow_redirects=True)
    page = page.get_data(as_text=True)
    assert "user:77" in page and people["graduate"].email not in page

    client.post("/belgorod/admin/audit", data={"person": ""})  # the person's filter is cleared
    page = client.get("/belgorod/admin/audit?action=login").get_data(as_text=True)
    assert people["graduate"].email in page and "user:77" not in page

    page = client.get("/belgorod/admin/audit?date_from=2026-03-11&date_to=2026-03-12").get_data(as_text=True)
    assert "user:77" in page and people["graduate"].email not in page


def test_audit_filter_errors_are_explained_not_500(client, people):
    client.login_as(people["region_admin"])
    response = client.get("/belgorod/admin/audit?date_from=2026-05-01&date_to=2026-04-01")
    assert response.status_code == 200
    assert "Дата окончания раньше даты начала." in response.get_data(as_text=True)
    response = client.get("/belgorod/admin/audit?date_from=not-a-date&page=abc")
    assert response.status_code == 200


def test_audit_log_pages_with_htmx(client, people, regions, app):
    size = app.config["PORTAL_AUDIT_PAGE_SIZE"]
    for number in range(size + 5):
        audit.record("login", target=f"event-{number:03d}", region=regions["belgorod"], actor=people["graduate"])
    db.session.commit()
    client.login_as(people["region_admin"])
    full = client.get("/belgorod/admin/audit").get_data(as_text=True)
    assert "<html" in full and "page=2" in full
    partial = client.get("/belgorod/admin/audit?page=2",
                         headers={"HX-Request": "true", "HX-Target": "audit-results"})
    body = partial.get_data(as_text=True)
    assert "<html" not in body and "<table" in body
    assert body.count("<tr>") == 5 + 1  # five events and the header row


def test_a_long_audit_log_counts_only_up_to_a_cap_and_still_pages_on(client, people, regions, app, monkeypatch):
    """A country's log is not counted to its end for every page: past the cap the pager says "more than"."""
    from portal.pages.admin import views

    monkeypatch.setitem(app.config, "PORTAL_AUDIT_PAGE_SIZE", 4)
    monkeypatch.setattr(views, "AUDIT_COUNT_CAP", 6)
    for number in range(11):
        audit.record("login", target=f"event-{number:03d}", region=regions["belgorod"], actor=people["graduate"])
    db.session.commit()
    client.login_as(people["region_admin"])
    first = client.get("/belgorod/admin/audit").get_data(as_text=True)
    assert "Страница 1 из более чем 2" in first and "page=2" in first
    seen, page = set(), 1
    while True:  # "Next" leads through every line, also past the cap
        body = client.get(f"/belgorod/admin/audit?page={page}&action=login").get_data(as_text=True)
        found = {n for n in range(11) if f"event-{n:03d}" in body}
        if not found:
            break
        seen |= found
        page += 1
    assert seen == set(range(11)) and page == 4
    last = client.get("/belgorod/admin/audit?page=3&action=login").get_data(as_text=True)
    assert "page=4" not in last  # the end is known when a page is not full
    exact = client.get("/belgorod/admin/audit?action=login&date_from=2000-01-01").get_data(as_text=True)
    assert "из более чем" in exact


def test_audit_log_is_for_region_admins_only(client, people):
    client.login_as(people["coordinator"])
    assert client.get("/belgorod/admin/audit").status_code == 403
    assert AuditEvent.query.filter_by(action="access.denied").count() == 1


def test_members_list_search_and_grant_with_htmx(client, people, regions):
    newcomer = make_user("newcomer@belgorod.test", {regions["belgorod"]: ["volunteer"]}, name="Пётр Новиков")
    make_user("stranger@smolensk.test", {regions["smolensk"]: ["volunteer"]}, name="Чужой Человек")
    client.login_as(people["region_admin"])
    page = client.get("/belgorod/admin/members").get_data(as_text=True)
    assert "Пётр Новиков" in page and "Чужой Человек" not in page
    page = client.post("/belgorod/admin/members", data={"q": "новиков"}, follow_redirects=True).get_data(as_text=True)
    assert "Пётр Новиков" in page and people["graduate"].email not in page
    response = client.post(f"/belgorod/admin/members/{newcomer.id}/roles", data={"role": "specialist"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="member-{newcomer.id}"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert newcomer.has_role(regions["belgorod"], "specialist")


def test_members_of_another_region_cannot_be_touched(client, people, regions):
    stranger = make_user("stranger@smolensk.test", {regions["smolensk"]: ["volunteer"]})
    client.login_as(people["region_admin"])
    response = client.post(f"/belgorod/admin/members/{stranger.id}/roles", data={"role": "coordinator"})
    assert response.status_code == 404
    db.session.expire_all()
    assert not stranger.has_role(regions["belgorod"], "coordinator")


def test_sign_ins_of_the_regions_people_appear_in_its_log(client, people, app):
    stranger = people["other_region_admin"]
    for person in (people["graduate"], stranger):
        app.test_client().post("/login", data={"email": person.email, "password": "correct horse battery"})
    app.test_client().post("/login", data={"email": people["mentor"].email, "password": "wrong password!"})
    client.login_as(people["region_admin"])
    page = client.get("/belgorod/admin/audit").get_data(as_text=True)
    assert f"/belgorod/people/{people['graduate'].id}\">{people['graduate'].name}</a>" in page  # named, linked
    assert f"user:{people['graduate'].id}" not in page  # not an internal id
    assert people["mentor"].email in page  # the failed sign-in on the mentor's account
    assert f"user:{stranger.id}" not in page and stranger.email not in page  # a Smolensk sign-in stays there


def test_members_filter_by_role_and_status(client, people, regions):
    belgorod = regions["belgorod"]
    waiting = make_user("waiting@belgorod.test", {belgorod: ["mentor"]}, name="Ждущий Наставник")
    waiting.memberships[0].status = MembershipStatus.pending
    make_user("active-mentor@belgorod.test", {belgorod: ["mentor"]}, name="Активный Наставник")
    db.session.commit()
    client.login_as(people["region_admin"])
    page = client.post("/belgorod/admin/members", data={"role": "mentor"}, follow_redirects=True).get_data(as_text=True)
    assert "Ждущий Наставник" in page and "Активный Наставник" in page and people["graduate"].email not in page
    page = client.post("/belgorod/admin/members", data={"role": "mentor", "status": "pending"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Ждущий Наставник" in page and "Активный Наставник" not in page
    assert 'selected value="pending"' in page  # the filter is kept on the page it leads to
    bad = client.post("/belgorod/admin/members", data={"role": "emperor"})
    assert bad.status_code == 422  # an unknown role is refused with the form, not a 500


def test_no_role_is_preselected_and_an_empty_choice_grants_nothing(client, people, regions):
    newcomer = make_user("newcomer@belgorod.test", {regions["belgorod"]: ["volunteer"]}, name="Пётр Новиков")
    client.login_as(people["region_admin"])
    page = client.get("/belgorod/admin/members").get_data(as_text=True)
    row = page.split(f'id="member-{newcomer.id}"', 1)[1].split("</tr>", 1)[0]
    assert '<option value="">' in row and "selected" not in row
    response = client.post(f"/belgorod/admin/members/{newcomer.id}/roles", data={"role": ""}, follow_redirects=True)
    assert "Choose a staff role" in response.get_data(as_text=True) or "Выберите" in response.get_data(as_text=True)
    db.session.expire_all()
    assert newcomer.active_roles(regions["belgorod"]) == {"volunteer"}


def test_removing_a_role_asks_first_with_and_without_htmx(client, people, regions):
    belgorod = regions["belgorod"]
    target = make_user("staff@belgorod.test", {belgorod: ["volunteer", "specialist"]}, name="Анна Специалистова")
    client.login_as(people["region_admin"])
    path = f"/belgorod/admin/members/{target.id}/roles/specialist/remove"
    page = client.get("/belgorod/admin/members").get_data(as_text=True)
    assert f'href="{path}"' in page  # a link to the question, not a button that removes at once
    question = client.get(path)
    assert question.status_code == 200 and "Анна Специалистова" in question.get_data(as_text=True)
    row = client.get(path, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert row.startswith("<tr") or f'id="member-{target.id}"' in row
    assert f'hx-post="{path}"' in row
    db.session.expire_all()
    assert target.has_role(belgorod, "specialist")  # asking removed nothing
    response = client.post(path, headers={"HX-Request": "true"})
    assert response.status_code == 200 and f'href="{path}"' not in response.get_data(as_text=True)
    db.session.expire_all()
    assert not target.has_role(belgorod, "specialist")
    assert client.get(path).status_code == 302  # nothing left to remove: back to the list


def test_the_audit_log_names_who_did_what_to_whom(client, people, regions):
    target = make_user("newcomer@belgorod.test", {regions["belgorod"]: ["volunteer"]}, name="Ирина Петрова")
    outsider = make_user("outsider@smolensk.test", {regions["smolensk"]: ["volunteer"]}, name="Чужой Человек")
    audit.record("role.granted", target=f"user:{target.id}", region=regions["belgorod"], subject=target,
                 actor=people["region_admin"], details={"role": "coordinator"})
    audit.record("plugin.disabled", target="plugin:sample", region=regions["belgorod"], actor=people["region_admin"])
    audit.record("role.granted", target=f"user:{outsider.id}", region=regions["belgorod"],
                 actor=people["region_admin"], details={"role": "specialist"})
    db.session.commit()
    client.login_as(people["region_admin"])
    page = client.get("/belgorod/admin/audit").get_data(as_text=True)
    assert "Координатор" in page and f'/belgorod/people/{target.id}">Ирина Петрова</a>' in page
    assert f"user:{target.id}" not in page and "plugin:sample" not in page and "Пробная служба" in page
    assert "Чужой Человек" not in page and f"user:{outsider.id}" in page  # not the region's: not named


def test_time_zones_are_offered_by_their_cities_in_the_readers_language(client, people):
    client.login_as(people["site_admin"])
    page = client.get("/admin/regions/new").get_data(as_text=True)
    assert '<option selected value="Europe/Moscow">Москва (UTC+3)</option>' in page
    assert "Красноярск (UTC+7)" in page and page.index("Калининград") < page.index("Москва (UTC+3)")
    assert "Europe/Moscow</td>" not in client.get("/admin/regions").get_data(as_text=True)
    client.post("/language", data={"language": "en"})
    assert "Moscow (UTC+3)" in client.get("/admin/regions/new").get_data(as_text=True)
