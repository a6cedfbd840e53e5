"""Registration, sign-in and the person's own account."""
from __future__ import annotations

import hashlib
import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from portal.app.extensions import db
from portal.models import AuditEvent, Membership, MembershipStatus, Notification, Role, User, UserSession
from tests.helpers import PASSWORD, form_errors, make_user, set_cookie_value
from tests.sample_plugin.models import SampleNote


def _register(client, role, email="new@example.org", **extra):
    municipality = extra.pop("municipality", None)
    data = {"role": role, "name": "Мария Иванова", "email": email, "password": "long-password-1",
            "confirm": "long-password-1", "language": "ru", "birth_date": "2005-04-01", "consent": "y", **extra}
    if municipality is not None:
        data["municipality"] = municipality
    return client.post("/belgorod/register", data=data)


def test_graduates_mentors_and_volunteers_all_wait_for_the_coordinator(client, people, regions):
    town = regions["belgorod"].municipalities[0].id
    for role in ("graduate", "mentor", "volunteer"):
        response = _register(client, role, email=f"{role}@example.org", municipality=town)
        assert response.status_code == 302 and response.headers["Location"] == "/belgorod/register/sent"
        user = User.by_email(f"{role}@example.org")
        assert [(m.role.value, m.status.value) for m in user.memberships] == [(role, "pending")]
        assert user.municipality_id == town and user.password_hash.startswith("$argon2id$")
        assert user.email_confirmed_at is None  # until the link sent there is followed
        assert (user.birth_date is not None) == (role == "graduate")  # asked of graduates only
    coordinator_notes = Notification.query.filter_by(user_id=people["coordinator"].id).count()
    assert coordinator_notes == 3  # told of each of them


def test_registration_errors_are_shown_by_the_field_and_input_kept(client, people, regions):
    town = regions["belgorod"].municipalities[0].id
    cases = [
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
    # The old address stays until the new one is confirmed by the link sent there (tests/portal/test_recovery.py).
    assert people["mentor"].email == "mentor@belgorod.test"
    assert AuditEvent.query.filter_by(action="email.change_requested").one().details == {"to": "mentor.new@example.org"}


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


# --- More on registration, sign-in, fresh sign-ins, the profile and the language -------------
# (Pages are asked for in English, by the language cookie or the person's locale, so the checks
# do not depend on how far the Russian catalogue has come.)

NEW_PASSWORD = "a-brand-new-password"


def _english(client):
    client.set_cookie("portal_lang", "en")
    return client


def _registration(regions, **change):
    data = {"role": "graduate", "name": "Maria Ivanova", "email": "maria@example.org",
            "password": "long-password-1", "confirm": "long-password-1", "language": "en",
            "municipality": regions["belgorod"].municipalities[0].id, "birth_date": "2005-04-01", "consent": "y"}
    data.update(change)
    return {key: value for key, value in data.items() if value is not None}


def _error_of(page: str, field: str) -> str:
    """The error paragraph the form macro puts right under one field ('' when there is none)."""
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.DOTALL)
    return found.group(1).strip() if found else ""


def test_registration_confirms_and_tells_the_coordinators_in_their_language(client, people, regions):
    english_coordinator = make_user("en-coordinator@belgorod.test", {regions["belgorod"]: ["coordinator"]},
                                    locale="en")
    waiting_coordinator = make_user("new-coordinator@belgorod.test", {regions["belgorod"]: ["coordinator"]},
                                    status=MembershipStatus.pending)
    smolensk_coordinator = make_user("coordinator@smolensk.test", {regions["smolensk"]: ["coordinator"]})
    response = client.post("/belgorod/register", data=_registration(regions, email="Maria.New@Example.ORG"))
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/register/sent"

    user = User.by_email("maria.new@example.org")
    assert user is not None and user.email == "maria.new@example.org" and user.locale == "en"
    assert user.password_hash.startswith("$argon2id$")
    PasswordHasher().verify(user.password_hash, "long-password-1")
    assert AuditEvent.query.filter_by(action="registration", actor_id=user.id).count() == 1

    note = Notification.query.filter_by(user_id=english_coordinator.id).one()
    assert note.message == "Maria Ivanova registered and waits for approval."
    assert note.link == "/belgorod/members/pending"
    russian = Notification.query.filter_by(user_id=people["coordinator"].id).one()
    assert russian.message.strip() and "Maria Ivanova" in russian.message
    # Nobody else hears of it: not a coordinator still waiting, not another region's.
    assert Notification.query.filter_by(user_id=waiting_coordinator.id).count() == 0
    assert Notification.query.filter_by(user_id=smolensk_coordinator.id).count() == 0


def test_a_volunteer_waits_for_the_coordinator_like_a_mentor(client, people, regions):
    response = client.post("/belgorod/register", data=_registration(regions, role="volunteer"))
    assert response.status_code == 302
    user = User.by_email("maria@example.org")
    assert [(m.role, m.status) for m in user.memberships] == [(Role.volunteer, MembershipStatus.pending)]
    assert Notification.query.filter_by(user_id=people["coordinator"].id).count() == 1


BAD_REGISTRATIONS = {
    "no consent": ({"consent": None}, "consent",
                   "Registration needs your consent to the processing of personal data."),
    "graduate without a birth date": ({"birth_date": None}, "birth_date", "Graduates give their date of birth."),
    "birth date in the future": ({"birth_date": "2999-01-01"}, "birth_date", None),
    "birth date not a date": ({"birth_date": "tomorrow"}, "birth_date", None),
    "passwords differ": ({"confirm": "long-password-2"}, "confirm", "The passwords do not match."),
    "short password": ({"password": "nine-char", "confirm": "nine-char"}, "password",
                       "The password must be from 10 to 128 characters long."),
    "too long password": ({"password": "x" * 129, "confirm": "x" * 129}, "password",
                          "The password must be from 10 to 128 characters long."),
    "no municipality": ({"municipality": None}, "municipality", None),
    "another region's municipality": ({"municipality": "smolensk"}, "municipality", None),
    "municipality not a number": ({"municipality": "abc"}, "municipality", None),
    "not an e-mail": ({"email": "not an address"}, "email", None),
    "no name": ({"name": ""}, "name", None),
    "staff role": ({"role": "coordinator"}, "role", None),
    "unknown language": ({"language": "de"}, "language", None),
}


@pytest.mark.parametrize("change, field, message", BAD_REGISTRATIONS.values(), ids=BAD_REGISTRATIONS.keys())
def test_registration_errors_sit_by_their_field_and_the_input_stays(client, people, regions,
                                                                    change, field, message):
    if change.get("municipality") == "smolensk":
        change = dict(change, municipality=regions["smolensk"].municipalities[0].id)
    make_user("taken@example.org", {regions["belgorod"]: ["graduate"]})
    _english(client)
    users_before = User.query.count()
    response = client.post("/belgorod/register", data=_registration(regions, **change))
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422)
    error = _error_of(page, field)
    assert error, f"no error shown by {field}: {form_errors(page)}"
    if message:
        assert error == message
    assert f'aria-describedby="{field}-error"' in page  # tied to its field for screen readers
    if field != "name":
        assert 'value="Maria Ivanova"' in page  # what was typed is kept
    assert "Traceback" not in page
    assert User.query.count() == users_before


def test_registration_in_an_unknown_region_is_404(client, regions):
    assert client.get("/nowhere/register").status_code == 404
    assert client.post("/nowhere/register", data=_registration(regions)).status_code == 404


def test_a_waiting_person_can_sign_in_and_lands_on_the_region(client, regions):
    make_user("waiting@example.org", {regions["belgorod"]: ["graduate"]}, status=MembershipStatus.pending)
    response = client.post("/login", data={"email": "waiting@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/"


def test_people_of_several_regions_or_none_land_on_the_start_page(app, people, regions):
    both = make_user("both@example.org", {regions["belgorod"]: ["volunteer"], regions["smolensk"]: ["volunteer"]})
    for user in (both, people["site_admin"]):
        response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/", user.email


def test_unknown_and_disabled_accounts_get_the_same_answer(client, people, regions):
    disabled = make_user("disabled@example.org", {regions["belgorod"]: ["graduate"]})
    disabled.is_disabled = True
    db.session.commit()
    _english(client)
    for email, password in (("nobody@example.org", PASSWORD), (disabled.email, PASSWORD),
                            (people["graduate"].email, "wrong password")):
        response = client.post("/login", data={"email": email, "password": password})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert _error_of(page, "password") == "Wrong e-mail or password.", email
        assert f'value="{email}"' in page  # the e-mail stays in the form
    assert client.get("/profile").headers["Location"].startswith("/login")  # nobody signed in
    targets = [e.target for e in AuditEvent.query.filter_by(action="login.failed").order_by(AuditEvent.id)]
    assert targets == ["nobody@example.org", disabled.email, people["graduate"].email]


def test_someone_signed_in_is_sent_on_from_the_sign_in_page(client, people):
    client.login_as(people["volunteer"])
    response = client.get("/login")
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example", "///evil.example", " //evil.example", "/\\evil.example",
    "\\\\evil.example", "https:evil.example", "javascript:alert(1)", "/\t/evil.example",
    "http://localhost.evil.example/", "evil.example",
])
def test_next_never_leads_off_site_whatever_its_spelling(client, people, target):
    response = client.post("/login", data={"email": people["graduate"].email, "password": PASSWORD,
                                           "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/belgorod/"


def test_a_safe_next_is_carried_from_the_address_to_the_form_and_followed(client, people):
    page = client.get("/login?next=/notifications").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="next"[^>]*value="/notifications"', page)
    response = client.post("/login", data={"email": people["graduate"].email, "password": PASSWORD,
                                           "next": "/notifications?x=1"})
    assert response.headers["Location"] == "/notifications?x=1"


def test_sign_in_and_out_change_the_session(client, people):
    with client.session_transaction() as session:
        session["planted"] = "fixation attempt"
        session["_user_id"] = "999:nope"
    response = client.post("/login", data={"email": people["volunteer"].email, "password": PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        user_id, token, key = session["_user_id"].split(":")
    volunteer = people["volunteer"]
    assert (int(user_id), token) == (volunteer.id, volunteer.session_token)
    row = db.session.scalar(select(UserSession).where(UserSession.key_hash == hashlib.sha256(key.encode()).hexdigest()))
    assert row.user_id == volunteer.id and row.ended_at is None
    with client.session_transaction() as session:
        assert session["_fresh"] is True and {"login_at", "seen_at", "fresh_at"} <= set(session)
    assert client.get("/profile").status_code == 200
    assert client.get("/logout").status_code != 200  # signing out changes state: POST only
    assert client.get("/profile").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert client.get("/profile").headers["Location"].startswith("/login")
    assert AuditEvent.query.filter_by(action="logout", actor_id=people["volunteer"].id).count() == 1


def _remember_cookie(response) -> str:
    return set_cookie_value(response, "remember_token")


@pytest.mark.parametrize("role", ["graduate", "volunteer"])
def test_remember_me_is_offered_to_people_who_are_not_staff(app, people, role):
    response = app.test_client().post("/login", data={"email": people[role].email, "password": PASSWORD,
                                                      "remember": "y"})
    assert response.status_code == 302 and _remember_cookie(response)
    without = app.test_client().post("/login", data={"email": people[role].email, "password": PASSWORD})
    assert without.status_code == 302 and not _remember_cookie(without)


@pytest.mark.parametrize("role", ["mentor", "specialist", "coordinator", "region_admin", "site_admin"])
def test_remember_me_is_never_given_to_staff_or_mentors(app, people, role):
    response = app.test_client().post("/login", data={"email": people[role].email, "password": PASSWORD,
                                                      "remember": "y"})
    assert response.status_code == 302
    assert not _remember_cookie(response)


def test_a_remember_cookie_signs_in_later(app, people):
    graduate = people["graduate"]
    token = _remember_cookie(app.test_client().post(
        "/login", data={"email": graduate.email, "password": PASSWORD, "remember": "y"}))
    later = app.test_client()  # the browser was closed: only the remember cookie is left
    later.set_cookie("remember_token", token)
    response = later.get("/profile")
    assert response.status_code == 200 and graduate.email in response.get_data(as_text=True)


def test_a_remember_cookie_keeps_the_person_signed_in_but_not_freshly(app, people):
    graduate = people["graduate"]
    token = _remember_cookie(app.test_client().post(
        "/login", data={"email": graduate.email, "password": PASSWORD, "remember": "y"}))
    later = app.test_client()
    later.set_cookie("remember_token", token)
    for _ in range(3):
        assert later.get("/profile").status_code == 200
    assert later.get_cookie("remember_token") is not None
    response = later.get("/profile/password")  # a remembered session is not a fresh one
    assert response.status_code == 302 and response.headers["Location"].startswith("/reauthenticate")


def test_a_remember_cookie_stops_working_when_the_password_changes(app, people):
    graduate = people["graduate"]
    token = _remember_cookie(app.test_client().post(
        "/login", data={"email": graduate.email, "password": PASSWORD, "remember": "y"}))
    app.test_client().login_as(graduate).post("/profile/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    later = app.test_client()
    later.set_cookie("remember_token", token)
    assert later.get("/profile").headers["Location"].startswith("/login")


def test_a_remember_cookie_is_refused_once_the_person_became_staff(app, people, regions):
    graduate = people["graduate"]
    token = _remember_cookie(app.test_client().post(
        "/login", data={"email": graduate.email, "password": PASSWORD, "remember": "y"}))
    graduate.memberships.append(Membership(region=regions["belgorod"], role=Role.coordinator,
                                           status=MembershipStatus.active))
    db.session.commit()
    later = app.test_client()
    later.set_cookie("remember_token", token)
    assert later.get("/profile").headers["Location"].startswith("/login")


def test_a_current_hash_is_not_rewritten_at_sign_in(client, people):
    before = people["graduate"].password_hash
    assert before.startswith("$argon2id$")
    assert client.post("/login", data={"email": people["graduate"].email, "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert people["graduate"].password_hash == before


def test_a_wrong_password_does_not_upgrade_an_old_hash(client, regions):
    user = make_user("old-wrong@belgorod.test", {regions["belgorod"]: ["graduate"]})
    old_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    user.password_hash = old_hash
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": "not it at all"}).status_code == 200
    db.session.expire_all()
    assert user.password_hash == old_hash


def test_a_sign_in_stays_fresh_for_ten_minutes_only(client, people):
    client.login_as(people["graduate"], fresh=True)
    with client.session_transaction() as session:
        session["fresh_at"] -= 9 * 60
    assert client.get("/profile/password").status_code == 200
    with client.session_transaction() as session:
        session["fresh_at"] -= 2 * 60
    response = client.get("/profile/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reauthenticate")


def test_reauthentication_refreshes_and_follows_only_a_local_next(client, people):
    graduate = people["graduate"]
    client.login_as(graduate, fresh=False)
    _english(client)  # the person's own locale wins once signed in; make it English too
    graduate.locale = "en"
    db.session.commit()
    assert client.get("/profile/email").headers["Location"].startswith("/reauthenticate")
    wrong = client.post("/reauthenticate", data={"password": "not the password"})
    assert wrong.status_code == 200 and _error_of(wrong.get_data(as_text=True), "password") == "Wrong password."
    assert AuditEvent.query.filter_by(action="login.failed", subject_id=graduate.id).count() == 1
    assert client.get("/profile/email").status_code == 302  # still not fresh
    response = client.post("/reauthenticate", data={"password": PASSWORD, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/profile"
    assert client.get("/profile/email").status_code == 200
    client.login_as(graduate, fresh=False)
    response = client.post("/reauthenticate", data={"password": PASSWORD, "next": "/profile/email"})
    assert response.headers["Location"] == "/profile/email"


def test_reauthentication_needs_a_sign_in(client, regions):
    response = client.get("/reauthenticate")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_wrong_passwords_at_reauthentication_are_rate_limited_too(client, people):
    client.login_as(people["graduate"], fresh=False)
    for number in range(5):
        assert client.post("/reauthenticate", data={"password": f"guess number {number}"}).status_code == 200
    response = client.post("/reauthenticate", data={"password": "guess number 6"})
    assert response.status_code == 429


def test_a_changed_password_is_the_one_that_signs_in(app, people):
    graduate = people["graduate"]
    client = app.test_client().login_as(graduate)
    graduate.locale = "en"
    db.session.commit()
    for data, field in (({"current": PASSWORD, "password": NEW_PASSWORD, "confirm": "something-else-1"},
                         "confirm"),
                        ({"current": PASSWORD, "password": "short", "confirm": "short"}, "password"),
                        ({"current": "wrong password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                         "current")):
        response = client.post("/profile/password", data=data)
        assert response.status_code in (200, 422) and _error_of(response.get_data(as_text=True), field)
    db.session.expire_all()
    PasswordHasher().verify(graduate.password_hash, PASSWORD)  # refused changes changed nothing
    response = client.post("/profile/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                      "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    db.session.expire_all()
    assert graduate.password_hash.startswith("$argon2id$")
    old = app.test_client().post("/login", data={"email": graduate.email, "password": PASSWORD})
    assert old.status_code == 200
    new = app.test_client().post("/login", data={"email": graduate.email, "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_the_account_pages_need_a_sign_in(client, regions):
    for path in ("/profile", "/profile/password", "/profile/email", "/profile/export", "/notifications"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), path


def test_profile_municipality_comes_from_the_persons_regions(client, people, regions):
    graduate = people["graduate"]
    graduate.locale = "en"
    db.session.commit()
    client.login_as(graduate)
    page = client.get("/profile").get_data(as_text=True)
    for town in regions["belgorod"].municipalities:
        assert f'value="{town.id}"' in page and town.name in page
    for town in regions["smolensk"].municipalities:
        assert town.name not in page  # not a region of theirs

    elsewhere = regions["smolensk"].municipalities[0].id
    response = client.post("/profile", data={"name": "Anna", "contact": "", "municipality": elsewhere,
                                             "language": "en"})
    assert response.status_code in (200, 422)
    assert _error_of(response.get_data(as_text=True), "municipality")
    assert 'value="Anna"' in response.get_data(as_text=True)

    town = regions["belgorod"].municipalities[0].id
    assert client.post("/profile", data={"name": "Anna", "municipality": town, "language": "en"}).status_code == 302
    db.session.expire_all()
    assert graduate.municipality_id == town
    response = client.post("/profile", data={"name": "Anna", "municipality": "0", "language": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    assert graduate.municipality_id is None  # 0 means "not set"
    assert AuditEvent.query.filter_by(action="profile.changed").count() == 2


def test_profile_refuses_what_it_cannot_store(client, people):
    client.login_as(people["graduate"])
    for data, field in (({"name": "x" * 201, "municipality": "0", "language": "ru"}, "name"),
                        ({"name": "Anna", "contact": "x" * 201, "municipality": "0", "language": "ru"}, "contact"),
                        ({"name": "Anna", "municipality": "0", "language": "de"}, "language"),
                        ({"name": "Anna", "language": "ru"}, "municipality")):
        response = client.post("/profile", data=data)
        assert response.status_code in (200, 422), field
        assert _error_of(response.get_data(as_text=True), field), field
    db.session.expire_all()
    assert people["graduate"].name == "Graduate"


def test_data_export_carries_the_plugins_data(client, people, regions):
    graduate = people["graduate"]
    db.session.add(SampleNote(region_id=regions["belgorod"].id, user_id=graduate.id, text="my own note"))
    db.session.add(SampleNote(region_id=regions["belgorod"].id, user_id=people["mentor"].id, text="not mine"))
    graduate.contact = "+7 900 000-00-00"
    graduate.municipality_id = regions["belgorod"].municipalities[0].id
    db.session.commit()
    client.login_as(graduate)
    response = client.get("/profile/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["account"]["name"] == "Graduate" and data["account"]["contact"] == "+7 900 000-00-00"
    assert data["account"]["municipality"] == regions["belgorod"].municipalities[0].name
    assert data["memberships"] == [{"region": "belgorod", "role": "graduate", "status": "active",
                                    "decided_at": None, "decision_reason": ""}]
    assert data["plugins"]["sample"] == {"notes": ["my own note"]}
    assert "password_hash" not in response.get_data(as_text=True)
    event = AuditEvent.query.filter_by(action="person.exported").one()
    assert event.actor_id == graduate.id and event.target == f"user:{graduate.id}"


def test_an_anonymous_language_choice_is_kept_in_a_cookie(client, regions):
    response = client.post("/language", data={"language": "en", "next": "/belgorod/register"})
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/register"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("portal_lang="))
    assert cookie.startswith("portal_lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert '<html lang="en">' in client.get("/belgorod/register").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_a_signed_in_language_choice_is_stored_on_the_person(app, people):
    graduate = people["graduate"]
    client = app.test_client().login_as(graduate)
    assert '<html lang="ru">' in client.get("/profile").get_data(as_text=True)
    response = client.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.expire_all()
    assert graduate.locale == "en"
    assert '<html lang="en">' in client.get("/profile").get_data(as_text=True)
    # Another device of the same person speaks English too: the choice is the person's.
    assert '<html lang="en">' in app.test_client().login_as(graduate).get("/profile").get_data(as_text=True)


def test_an_unknown_language_changes_nothing(client, people):
    client.login_as(people["graduate"])
    response = client.post("/language", data={"language": "de", "next": "/profile"})
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    assert not any(c.startswith("portal_lang=") for c in response.headers.getlist("Set-Cookie"))
    db.session.expire_all()
    assert people["graduate"].locale == "ru"
