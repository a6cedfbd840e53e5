"""ASVS level 2 where it applies: limits, CSRF, headers, session limits, error pages."""
from __future__ import annotations

import re

import pytest

from portal.app.extensions import db
from portal.models import AuditEvent, Membership, MembershipStatus, Role
from tests.helpers import PASSWORD, make_user


def _fail(client, email, address="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": "not the password"},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failures_a_minute_then_429_per_address(client, people):
    for _ in range(5):
        assert _fail(client, f"nobody{_}@example.org").status_code == 200
    response = _fail(client, "someone-else@example.org")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Слишком много попыток" in page and "Traceback" not in page
    # Another address is not blocked by this one's failures.
    assert _fail(client, "x@example.org", address="10.0.0.2").status_code == 200


def test_five_failures_on_one_account_block_it_from_any_address(client, people):
    email = people["graduate"].email
    for number in range(5):
        assert _fail(client, email, address=f"10.0.1.{number}").status_code == 200
    assert _fail(client, email, address="10.0.1.99").status_code == 429
    assert AuditEvent.query.filter_by(action="login.failed").count() == 5


def test_successful_sign_ins_do_not_count(client, people):
    for _ in range(8):
        response = client.post("/login", data={"email": people["graduate"].email, "password": PASSWORD})
        assert response.status_code == 302
        client.post("/logout")


def test_state_changes_without_csrf_token_get_400(client, people):
    assert client.post("/login", data={"email": "a@b.c", "password": "x"}, csrf=False).status_code == 400
    client.login_as(people["region_admin"])
    for path in ("/logout", "/belgorod/admin/plugins/sample"):
        response = client.post(path, data={"enabled": "0"}, csrf=False)
        assert response.status_code == 400 and "Срок действия формы истёк" in response.get_data(as_text=True)
    htmx = client.post("/belgorod/admin/plugins/sample", data={"enabled": "0"}, csrf=False,
                       headers={"HX-Request": "true"})
    assert htmx.status_code == 400
    with_header = client.post("/belgorod/admin/plugins/sample", data={"enabled": "0"}, csrf=False,
                              headers={"HX-Request": "true", "X-CSRFToken": client.csrf_token()})
    assert with_header.status_code == 200


def test_security_headers(client, regions):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers
    assert "no-store" not in client.get("/static/portal.css").headers.get("Cache-Control", "")


def test_session_cookie_flags(app, people):
    plain = app.test_client().post("/login", data={"email": people["graduate"].email, "password": PASSWORD})
    cookie = next(c for c in plain.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client().post("/login", data={"email": people["graduate"].email, "password": PASSWORD},
                                    base_url="https://localhost")
    cookie = next(c for c in secure.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie


def _age_session(client, **seconds_ago):
    with client.session_transaction() as session:
        for key, seconds in seconds_ago.items():
            session[key] -= seconds


def test_staff_sessions_end_after_30_idle_minutes(client, people):
    client.login_as(people["coordinator"])
    _age_session(client, seen_at=29 * 60)
    assert client.get("/belgorod/members/pending").status_code == 200
    _age_session(client, seen_at=31 * 60)
    response = client.get("/belgorod/members/pending")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/profile").headers["Location"].startswith("/login")  # signed out for good
    assert AuditEvent.query.filter_by(action="session.expired").count() == 1


def test_staff_sessions_end_after_12_hours_in_all(client, people):
    client.login_as(people["region_admin"])
    _age_session(client, login_at=12 * 3600 + 1)
    assert client.get("/belgorod/admin/plugins").headers["Location"].startswith("/login")


def test_graduates_are_not_held_to_the_staff_idle_limit(client, people):
    client.login_as(people["graduate"])
    _age_session(client, seen_at=3 * 3600)
    assert client.get("/profile").status_code == 200


def test_a_failure_shows_an_error_id_and_no_trace(app, client, regions):
    original = app.view_functions["home.index"]

    def broken():
        raise RuntimeError("secret internals")

    broken.access_policy = original.access_policy
    app.view_functions["home.index"] = broken
    try:
        response = client.get("/")
    finally:
        app.view_functions["home.index"] = original
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Номер ошибки" in page and "secret internals" not in page and "Traceback" not in page


def test_friendly_404(client, regions):
    response = client.get("/belgorod/no-such-page")
    assert response.status_code == 404 and "Страница не найдена" in response.get_data(as_text=True)
    assert client.get("/nowhere/").status_code == 404


def test_access_denials_are_audited(client, people):
    client.login_as(people["other_region_admin"])
    assert client.get("/belgorod/admin/members").status_code == 403
    event = AuditEvent.query.filter_by(action="access.denied").one()
    assert event.actor_id == people["other_region_admin"].id and event.target == "/belgorod/admin/members"


def test_role_changes_need_a_fresh_sign_in(client, people):
    target = people["volunteer"]
    client.login_as(people["region_admin"], fresh=False)
    response = client.post(f"/belgorod/admin/members/{target.id}/roles", data={"role": "specialist"})
    assert response.headers["Location"].startswith("/reauthenticate")
    htmx = client.post(f"/belgorod/admin/members/{target.id}/roles", data={"role": "specialist"},
                       headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/reauthenticate")
    assert not AuditEvent.query.filter_by(action="role.granted").count()
    client.login_as(people["region_admin"], fresh=True)
    assert client.post(f"/belgorod/admin/members/{target.id}/roles", data={"role": "specialist"}).status_code == 302
    response = client.post(f"/belgorod/admin/members/{target.id}/roles/specialist/remove")
    assert response.status_code == 302
    assert [e.action for e in AuditEvent.query.order_by(AuditEvent.id)] == ["role.granted", "role.removed"]


def test_a_region_admin_keeps_their_own_admin_role(client, people):
    admin = people["region_admin"]
    client.login_as(admin)
    client.post(f"/belgorod/admin/members/{admin.id}/roles/region_admin/remove")
    assert client.get("/belgorod/admin/members").status_code == 200


# --- More: the limits in detail, session limits per role, CSRF, headers, errors, role changes ---
# (Pages are asked for in English so the checks do not depend on the Russian catalogue.)

CSRF_MESSAGE = "The form has expired or was not sent from this site. Please reload the page and try again."
HTTPS = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/login"}}


def _english(client):
    client.set_cookie("portal_lang", "en")
    return client


def _in_english(user):
    user.locale = "en"
    db.session.commit()
    return user


def _no_trace(page: str) -> None:
    assert "Traceback" not in page and 'File "' not in page and "werkzeug" not in page.lower()


def test_an_account_is_blocked_whatever_the_case_of_its_address(client, people):
    email = people["graduate"].email
    for number, spelling in enumerate((email, email.upper(), f"  {email}", email.title(), email)):
        assert _fail(client, spelling, address=f"10.0.2.{number}").status_code == 200
    # Blocked now: even the right password does not get in during this minute...
    right = client.post("/login", data={"email": email, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.0.2.50"})
    assert right.status_code == 429
    # ...but the sign-in page still opens, and other accounts are not blocked.
    assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.2.50"}).status_code == 200
    other = client.post("/login", data={"email": people["mentor"].email, "password": PASSWORD},
                        environ_base={"REMOTE_ADDR": "10.0.2.51"})
    assert other.status_code == 302


def test_the_429_page_is_friendly_and_carries_the_headers(client, people):
    _english(client)
    for _ in range(5):
        _fail(client, people["graduate"].email)
    response = _fail(client, people["graduate"].email)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many attempts" in page and '<html lang="en">' in page
    _no_trace(page)
    assert "Content-Security-Policy" in response.headers and response.headers["Cache-Control"] == "no-store"


def test_failed_sign_ins_are_audited_with_the_address(client, people):
    _fail(client, people["mentor"].email, address="10.0.3.7")
    _fail(client, "nobody@example.org", address="10.0.3.8")
    events = AuditEvent.query.filter_by(action="login.failed").order_by(AuditEvent.id).all()
    assert [(e.target, e.address, e.subject_id) for e in events] == [
        (people["mentor"].email, "10.0.3.7", people["mentor"].id),
        ("nobody@example.org", "10.0.3.8", None),
    ]


def test_successes_between_failures_do_not_fill_the_limit(client, people):
    for _ in range(4):
        _fail(client, people["graduate"].email)
    for _ in range(3):
        response = client.post("/login", data={"email": people["graduate"].email, "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": "10.0.0.1"})
        assert response.status_code == 302
        client.post("/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert _fail(client, people["graduate"].email).status_code == 200  # the fifth failure
    assert _fail(client, people["graduate"].email).status_code == 429


@pytest.mark.parametrize("role", ["mentor", "specialist", "coordinator", "region_admin", "site_admin"])
def test_every_kind_of_staff_and_mentors_are_held_to_the_idle_limit(client, people, role):
    client.login_as(people[role])
    _age_session(client, seen_at=29 * 60, login_at=29 * 60)
    assert client.get("/profile").status_code == 200  # activity moves the idle clock on
    _age_session(client, seen_at=29 * 60)
    assert client.get("/profile").status_code == 200
    _age_session(client, seen_at=30 * 60 + 5)
    response = client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with client.session_transaction() as session:
        assert "_user_id" not in session
    event = AuditEvent.query.filter_by(action="session.expired").one()
    assert event.target == f"user:{people[role].id}"


@pytest.mark.parametrize("role", ["mentor", "specialist", "coordinator", "region_admin", "site_admin"])
def test_every_kind_of_staff_and_mentors_are_held_to_twelve_hours_even_when_busy(client, people, role):
    client.login_as(people[role])
    _age_session(client, login_at=12 * 3600 - 60)
    assert client.get("/profile").status_code == 200
    _age_session(client, login_at=120)
    response = client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/profile").headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["graduate", "volunteer"])
def test_people_who_are_not_staff_or_mentors_have_no_idle_limit(client, people, role):
    client.login_as(people[role])
    _age_session(client, seen_at=5 * 3600)
    assert client.get("/profile").status_code == 200
    assert not AuditEvent.query.filter_by(action="session.expired").count()


def test_an_ended_session_sends_back_to_the_page_after_signing_in(client, people):
    coordinator = people["coordinator"]
    client.login_as(coordinator)
    _age_session(client, seen_at=31 * 60)
    response = client.get("/belgorod/members/pending")
    location = response.headers["Location"]
    assert location.startswith("/login?next=") and "evil" not in location
    again = client.post("/login", data={"email": coordinator.email, "password": PASSWORD,
                                        "next": "/belgorod/members/pending"})
    assert again.headers["Location"] == "/belgorod/members/pending"
    assert client.get("/belgorod/members/pending").status_code == 200


def test_a_change_sent_after_the_session_ended_is_not_made(client, people):
    volunteer = people["volunteer"]
    client.login_as(people["region_admin"])
    _age_session(client, seen_at=31 * 60)
    response = client.post(f"/belgorod/admin/members/{volunteer.id}/roles", data={"role": "coordinator"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert volunteer.active_roles(people["region_admin"].memberships[0].region) == {"volunteer"}
    assert not AuditEvent.query.filter_by(action="role.granted").count()


def test_csrf_refusals_are_friendly_and_change_nothing(client, people):
    volunteer = people["volunteer"]
    _english(client)
    response = client.post("/login", data={"email": volunteer.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400 and CSRF_MESSAGE in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    admin = _in_english(people["region_admin"])
    client.login_as(admin)
    for path, data in ((f"/belgorod/admin/members/{volunteer.id}/roles", {"role": "coordinator"}),
                       (f"/belgorod/admin/members/{admin.id}/roles/region_admin/remove", {}),
                       ("/language", {"language": "ru"}), ("/notifications/read-all", {}), ("/logout", {})):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(path, data=data, csrf=False, headers=headers)
            page = response.get_data(as_text=True)
            assert response.status_code == 400, path
            assert CSRF_MESSAGE in page, path
            _no_trace(page)
    db.session.expire_all()
    assert volunteer.active_roles(admin.memberships[0].region) == {"volunteer"}
    assert {m.role for m in admin.memberships} == {Role.region_admin} and admin.locale == "en"
    assert client.get("/profile").status_code == 200  # still signed in: /logout was refused
    assert not AuditEvent.query.filter(AuditEvent.action.in_(["role.granted", "role.removed"])).count()


def test_a_csrf_token_only_works_in_its_own_session(app, people):
    stranger = app.test_client()
    token = stranger.csrf_token()
    victim = app.test_client().login_as(people["region_admin"])
    target = people["volunteer"]
    response = victim.post(f"/belgorod/admin/members/{target.id}/roles",
                           data={"role": "coordinator", "csrf_token": token}, csrf=False)
    assert response.status_code == 400
    forged = victim.post(f"/belgorod/admin/members/{target.id}/roles",
                         data={"role": "coordinator", "csrf_token": "not-a-token"}, csrf=False)
    assert forged.status_code == 400
    assert not AuditEvent.query.filter_by(action="role.granted").count()


def test_the_csrf_token_in_the_htmx_header_is_accepted(client, people):
    target = people["volunteer"]
    client.login_as(people["region_admin"])
    response = client.post(f"/belgorod/admin/members/{target.id}/roles", data={"role": "specialist"},
                           csrf=False, headers={"HX-Request": "true", "X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200
    db.session.expire_all()
    assert "specialist" in target.active_roles(_belgorod())


def _belgorod():
    from portal.models import Region

    return Region.query.filter_by(code="belgorod").one()


def test_pages_send_a_token_for_htmx_and_forms(client, people):
    client.login_as(people["region_admin"])
    page = client.get("/belgorod/admin/members").get_data(as_text=True)
    assert re.search(r'hx-headers=\'\{"X-CSRFToken": "[^"]+"\}\'', page)
    assert 'name="csrf_token"' in page


def _directives(csp: str) -> dict[str, list[str]]:
    parts = [part.split() for part in csp.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


@pytest.mark.parametrize("path", ["/", "/login", "/belgorod/register", "/belgorod/no-such-page"])
def test_security_headers_on_every_kind_of_page(client, regions, path):
    response = client.get(path)
    csp = _directives(response.headers["Content-Security-Policy"])
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "*" not in script_src and "data:" not in script_src
    assert csp["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert "no-store" in response.headers["Cache-Control"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_over_https(client, regions):
    secure = client.get("/login", base_url="https://localhost")
    assert secure.status_code == 200
    hsts = secure.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 180 * 24 * 3600
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_pages_of_signed_in_people_are_not_cached(client, people):
    client.login_as(people["graduate"])
    for path in ("/profile", "/notifications", "/belgorod/", "/profile/export"):
        assert "no-store" in client.get(path).headers["Cache-Control"], path


def test_cookies_over_https_are_secure_after_a_real_sign_in(app, people):
    client = app.test_client()
    response = client.post("/login", data={"email": people["graduate"].email, "password": PASSWORD}, **HTTPS)
    assert response.status_code == 302  # really signed in, not refused
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    language = client.post("/language", data={"language": "en"}, **HTTPS)
    cookie = next(c for c in language.headers.getlist("Set-Cookie") if c.startswith("portal_lang="))
    assert "Secure" in cookie


def test_the_remember_cookie_is_secure_over_https(app, people):
    response = app.test_client().post("/login", data={"email": people["graduate"].email, "password": PASSWORD,
                                                      "remember": "y"}, **HTTPS)
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=1"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in cookie


def test_the_remember_cookie_is_httponly_and_lax(app, people):
    response = app.test_client().post("/login", data={"email": people["graduate"].email, "password": PASSWORD,
                                                      "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=1"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_unexpected_error_in_english_has_an_id_and_no_trace(app, client, regions):
    original = app.view_functions["home.index"]

    def broken():
        raise RuntimeError("secret internals /srv/portal/db.py")

    broken.access_policy = original.access_policy
    app.view_functions["home.index"] = broken
    try:
        _english(client)
        response = client.get("/")
        second = client.get("/")
    finally:
        app.view_functions["home.index"] = original
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and '<html lang="en">' in page
    assert "Something went wrong" in page
    error_id = re.search(r"<code>([0-9a-f]{12})</code>", page).group(1)
    assert error_id not in second.get_data(as_text=True)  # each failure has its own id
    assert "secret internals" not in page and "RuntimeError" not in page
    _no_trace(page)
    assert response.headers["Cache-Control"] == "no-store" and "Content-Security-Policy" in response.headers
    assert client.get("/").status_code == 200  # the app goes on


def test_a_database_error_is_rolled_back_and_the_next_request_works(app, client, people):
    original = app.view_functions["home.index"]

    def broken():
        db.session.execute(db.text("SELECT * FROM no_such_table"))

    broken.access_policy = original.access_policy
    app.view_functions["home.index"] = broken
    try:
        response = client.get("/")
    finally:
        app.view_functions["home.index"] = original
    assert response.status_code == 500
    _no_trace(response.get_data(as_text=True))
    client.login_as(people["graduate"])
    assert client.get("/profile").status_code == 200


@pytest.mark.parametrize("path, status, title", [
    ("/no/such/page/at/all", 404, "Page not found"),
    ("/belgorod/no-such-page", 404, "Page not found"),
    ("/nowhere/register", 404, "Page not found"),
])
def test_friendly_error_pages_in_english(client, regions, path, status, title):
    _english(client)
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status and f"<h1>{title}</h1>" in page and '<html lang="en">' in page
    _no_trace(page)


def test_a_wrong_method_gets_a_friendly_405(client, regions):
    _english(client)
    response = client.put("/login")
    assert response.status_code == 405 and "<h1>Not allowed</h1>" in response.get_data(as_text=True)


def test_a_403_page_is_friendly_and_audited(client, people):
    specialist = _in_english(people["specialist"])
    client.login_as(specialist)
    response = client.get("/belgorod/admin/plugins")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "<h1>Access denied</h1>" in page
    _no_trace(page)
    event = AuditEvent.query.filter_by(action="access.denied").one()
    assert (event.actor_id, event.target, event.region_id) == (specialist.id, "/belgorod/admin/plugins",
                                                               _belgorod().id)


def test_anonymous_visitors_are_sent_to_sign_in_not_denied(client, regions):
    response = client.get("/belgorod/admin/members")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert not AuditEvent.query.filter_by(action="access.denied").count()


def test_another_regions_admin_can_change_nothing_here(client, people):
    volunteer, admin = people["volunteer"], people["region_admin"]
    client.login_as(people["other_region_admin"])
    for method, path, data in (
        ("get", "/belgorod/admin/members", None),
        ("get", "/belgorod/admin/plugins", None),
        ("get", "/belgorod/admin/audit", None),
        ("post", f"/belgorod/admin/members/{volunteer.id}/roles", {"role": "coordinator"}),
        ("post", f"/belgorod/admin/members/{admin.id}/roles/region_admin/remove", {}),
        ("post", "/belgorod/admin/plugins/sample", {"enabled": "0"}),
    ):
        response = getattr(client, method)(path, data=data) if data is not None else client.get(path)
        assert response.status_code == 403, path
    db.session.expire_all()
    assert volunteer.active_roles(_belgorod()) == {"volunteer"}
    assert admin.active_roles(_belgorod()) == {"region_admin"}
    assert AuditEvent.query.filter_by(action="access.denied").count() == 6
    assert not AuditEvent.query.filter(AuditEvent.action.in_(["role.granted", "role.removed",
                                                              "plugin.disabled"])).count()


@pytest.mark.parametrize("role", ["graduate", "mentor", "volunteer", "specialist", "coordinator"])
def test_only_region_admins_change_roles(client, people, role):
    client.login_as(people[role])
    target = people["volunteer"]
    response = client.post(f"/belgorod/admin/members/{target.id}/roles", data={"role": "region_admin"})
    assert response.status_code == 403
    db.session.expire_all()
    assert target.active_roles(_belgorod()) == {"volunteer"}


def test_granting_and_removing_a_role_changes_the_memberships_and_is_audited(client, people):
    admin, target = people["region_admin"], people["volunteer"]
    client.login_as(admin)
    response = client.post(f"/belgorod/admin/members/{target.id}/roles", data={"role": "coordinator"})
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/admin/members"
    db.session.expire_all()
    granted = next(m for m in target.memberships if m.role == Role.coordinator)
    assert granted.status == MembershipStatus.active and granted.decided_by_id == admin.id
    assert target.active_roles(_belgorod()) == {"volunteer", "coordinator"}
    # Granting again does not make a second membership.
    client.post(f"/belgorod/admin/members/{target.id}/roles", data={"role": "coordinator"})
    assert Membership.query.filter_by(user_id=target.id, role=Role.coordinator).count() == 1

    response = client.post(f"/belgorod/admin/members/{target.id}/roles/coordinator/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert target.active_roles(_belgorod()) == {"volunteer"}
    events = AuditEvent.query.filter(AuditEvent.action.in_(["role.granted", "role.removed"])).order_by(
        AuditEvent.id).all()
    assert [(e.action, e.details["role"], e.subject_id, e.actor_id, e.region_id) for e in events] == [
        ("role.granted", "coordinator", target.id, admin.id, _belgorod().id),
        ("role.granted", "coordinator", target.id, admin.id, _belgorod().id),
        ("role.removed", "coordinator", target.id, admin.id, _belgorod().id),
    ]


def test_role_changes_refuse_what_is_not_a_staff_role_or_not_a_member(client, people, regions):
    client.login_as(people["region_admin"])
    target = people["volunteer"]
    outsider = make_user("outsider@example.org", {regions["smolensk"]: ["volunteer"]})
    assert client.post(f"/belgorod/admin/members/{outsider.id}/roles", data={"role": "coordinator"}).status_code == 404
    assert client.post("/belgorod/admin/members/999999/roles", data={"role": "coordinator"}).status_code == 404
    assert client.post(f"/belgorod/admin/members/{target.id}/roles/volunteer/remove").status_code == 404
    client.post(f"/belgorod/admin/members/{target.id}/roles", data={"role": "graduate"})  # not a staff role
    db.session.expire_all()
    assert target.active_roles(_belgorod()) == {"volunteer"} and outsider.active_roles(_belgorod()) == set()
    assert not AuditEvent.query.filter_by(action="role.granted").count()


def test_role_removal_needs_a_fresh_sign_in(client, people):
    coordinator = people["coordinator"]
    client.login_as(people["region_admin"], fresh=False)
    response = client.post(f"/belgorod/admin/members/{coordinator.id}/roles/coordinator/remove")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reauthenticate")
    db.session.expire_all()
    assert coordinator.active_roles(_belgorod()) == {"coordinator"}
    client.post("/reauthenticate", data={"password": PASSWORD})
    assert client.post(f"/belgorod/admin/members/{coordinator.id}/roles/coordinator/remove").status_code == 302
    db.session.expire_all()
    assert coordinator.active_roles(_belgorod()) == set()


def test_a_region_admin_cannot_remove_their_own_admin_role(client, people):
    admin = _in_english(people["region_admin"])
    client.login_as(admin)
    response = client.post(f"/belgorod/admin/members/{admin.id}/roles/region_admin/remove")
    assert response.status_code == 302
    page = client.get("/belgorod/admin/members").get_data(as_text=True)
    assert "You cannot remove your own region admin role" in page
    db.session.expire_all()
    assert admin.active_roles(_belgorod()) == {"region_admin"}
    assert not AuditEvent.query.filter_by(action="role.removed").count()
    # Another region admin may.
    second = make_user("second-admin@belgorod.test", {_belgorod(): ["region_admin"]})
    other = client.application.test_client().login_as(second)
    assert other.post(f"/belgorod/admin/members/{admin.id}/roles/region_admin/remove").status_code == 302
    db.session.expire_all()
    assert admin.active_roles(_belgorod()) == set()


def test_an_htmx_request_that_fails_gets_the_message_alone(client, people):
    """base.html's htmx config swaps a 4xx/5xx answer into #request-error: it must be the message, not a page."""
    client.login_as(people["graduate"])
    for path, status in (("/belgorod/no-such-page", 404), ("/belgorod/admin/plugins", 403)):
        response = client.get(path, headers={"HX-Request": "true"})
        html = response.get_data(as_text=True)
        assert response.status_code == status and "<html" not in html and 'class="flash error"' in html, path
    expired = client.post("/language", data={"language": "en"}, headers={"HX-Request": "true"}, csrf=False)
    assert expired.status_code == 400 and "<html" not in expired.get_data(as_text=True)
    assert "Срок действия формы истёк" in expired.get_data(as_text=True)
    page = client.get("/belgorod/no-such-page")
    assert "<html" in page.get_data(as_text=True) and 'id="request-error"' in page.get_data(as_text=True)
