"""ASVS level 2 where it applies: limits, CSRF, headers, session limits, error pages."""
from __future__ import annotations

from portal.models import AuditEvent
from tests.helpers import PASSWORD


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
