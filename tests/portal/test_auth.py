"""Registration, sign-in and the person's own account."""
from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Membership, MembershipStatus, Notification, User
from tests.helpers import PASSWORD, form_errors, make_user


def _register(client, role, email="new@example.org", **extra):
    municipality = extra.pop("municipality", None)
    data = {"role": role, "name": "Мария Иванова", "email": email, "password": "long-password-1",
            "confirm": "long-password-1", "language": "ru", **extra}
    if municipality is not None:
        data["municipality"] = municipality
    return client.post("/belgorod/register", data=data)


def test_graduates_and_mentors_wait_volunteers_start_at_once(client, people, regions):
    town = regions["belgorod"].municipalities[0].id
    for role, status in (("graduate", "pending"), ("mentor", "pending"), ("volunteer", "active")):
        response = _register(client, role, email=f"{role}@example.org", municipality=town)
        assert response.status_code == 302 and response.headers["Location"] == "/login"
        user = User.by_email(f"{role}@example.org")
        assert [(m.role.value, m.status.value) for m in user.memberships] == [(role, status)]
        assert user.municipality_id == town and user.password_hash.startswith("$argon2id$")
    coordinator_notes = Notification.query.filter_by(user_id=people["coordinator"].id).count()
    assert coordinator_notes == 2  # told of the graduate and of the mentor


def test_registration_errors_are_shown_by_the_field_and_input_kept(client, people, regions):
    town = regions["belgorod"].municipalities[0].id
    cases = [
        ({"email": people["graduate"].email}, "уже есть"),
        ({"confirm": "something-else-1"}, "не совпадают"),
        ({"password": "short", "confirm": "short"}, "от 10 до 128"),
        ({"municipality": "999999"}, ""),
    ]
    for change, message in cases:
        data = {"municipality": town, **change}
        response = _register(client, "graduate", **data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert form_errors(page) and message in " ".join(form_errors(page))
        assert 'value="Мария Иванова"' in page
    assert db.session.scalar(select(Membership).where(Membership.role == "graduate",
                                                      Membership.status == MembershipStatus.pending)) is None


def test_sign_in_lands_on_the_region_and_is_audited(client, people):
    response = client.post("/login", data={"email": people["graduate"].email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/"
    assert AuditEvent.query.filter_by(action="login", actor_id=people["graduate"].id).count() == 1


def test_wrong_password_is_refused_and_audited(client, people):
    response = client.post("/login", data={"email": people["graduate"].email, "password": "wrong one!"})
    assert response.status_code == 200
    assert "Неверный адрес эл. почты или пароль." in response.get_data(as_text=True)
    event = AuditEvent.query.filter_by(action="login.failed").one()
    assert event.subject_id == people["graduate"].id


def test_next_never_leads_off_site(client, people):
    for target, landing in (("https://evil.example/", "/belgorod/"), ("//evil.example/x", "/belgorod/"),
                            ("/\\evil.example", "/belgorod/"), ("/profile", "/profile")):
        fresh = client.application.test_client()
        response = fresh.post("/login", data={"email": people["graduate"].email, "password": PASSWORD,
                                              "next": target})
        assert response.headers["Location"] == landing, target


def test_a_new_session_at_sign_in(client, people):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"email": people["graduate"].email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_remember_me_for_graduates_never_for_staff(app, people):
    graduate = app.test_client()
    response = graduate.post("/login", data={"email": people["graduate"].email, "password": PASSWORD,
                                             "remember": "y"})
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))
    staff = app.test_client()
    response = staff.post("/login", data={"email": people["coordinator"].email, "password": PASSWORD,
                                          "remember": "y"})
    assert response.status_code == 302
    assert "remember_token=" not in " ".join(c for c in response.headers.getlist("Set-Cookie")
                                             if "Expires=Thu, 01 Jan 1970" not in c)


def test_old_hash_parameters_are_upgraded_at_sign_in(client, regions):
    user = make_user("old@belgorod.test", {regions["belgorod"]: ["graduate"]})
    old_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    user.password_hash = old_hash
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert user.password_hash != old_hash and user.password_hash.startswith("$argon2id$")
    PasswordHasher().verify(user.password_hash, PASSWORD)


def test_password_change_needs_a_fresh_sign_in_and_ends_other_sessions(app, people):
    graduate = people["graduate"]
    elsewhere = app.test_client().login_as(graduate)
    client = app.test_client().login_as(graduate, fresh=False)
    data = {"current": PASSWORD, "password": "a-brand-new-password", "confirm": "a-brand-new-password"}
    response = client.post("/profile/password", data=data)
    assert response.status_code == 302 and response.headers["Location"].startswith("/reauthenticate")
    assert client.post("/reauthenticate", data={"password": "wrong"}).status_code == 200
    assert client.post("/reauthenticate", data={"password": PASSWORD}).status_code == 302
    wrong = client.post("/profile/password", data=dict(data, current="not-it"))
    assert "Неверный пароль." in wrong.get_data(as_text=True)
    assert client.post("/profile/password", data=data).headers["Location"] == "/profile"
    assert client.get("/profile").status_code == 200  # this session goes on
    assert elsewhere.get("/profile").headers["Location"].startswith("/login")  # the other one ended
    assert AuditEvent.query.filter_by(action="password.changed").count() == 1


def test_email_change_needs_a_fresh_sign_in(app, people):
    client = app.test_client().login_as(people["mentor"], fresh=False)
    assert client.post("/profile/email", data={"email": "x@example.org"}).headers["Location"].startswith(
        "/reauthenticate")
    client.login_as(people["mentor"], fresh=True)
    make_user("taken@example.org")
    taken = client.post("/profile/email", data={"email": "taken@example.org"})
    assert taken.status_code == 200 and "уже есть" in " ".join(form_errors(taken.get_data(as_text=True)))
    invalid = client.post("/profile/email", data={"email": "not an address"})
    assert invalid.status_code == 200 and form_errors(invalid.get_data(as_text=True))
    response = client.post("/profile/email", data={"email": "Mentor.New@Example.org"})
    assert response.status_code == 302
    db.session.expire_all()
    assert people["mentor"].email == "mentor.new@example.org"


def test_profile_saves_and_explains_bad_input(client, people, regions):
    client.login_as(people["graduate"])
    town = regions["belgorod"].municipalities[1].id
    response = client.post("/profile", data={"name": "Анна Новая", "contact": "+7 900 000-00-00",
                                             "municipality": town, "language": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (people["graduate"].name, people["graduate"].municipality_id, people["graduate"].locale) == \
        ("Анна Новая", town, "en")
    bad = client.post("/profile", data={"name": "", "municipality": "abc", "language": "xx"})
    assert bad.status_code == 200 and len(form_errors(bad.get_data(as_text=True))) >= 2


def test_data_export_holds_everything_and_is_audited(client, people):
    client.login_as(people["graduate"])
    response = client.get("/profile/export")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["account"]["email"] == people["graduate"].email
    assert data["memberships"][0]["role"] == "graduate" and "sample" in data["plugins"]
    assert AuditEvent.query.filter_by(action="person.exported").count() == 1
