"""A person's sessions: listed, ended one by one or everywhere, and never brought back by an old cookie."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.sessions import end_sessions, open_session
from portal.app.extensions import db
from portal.models import AuditEvent, Membership, MembershipStatus, Role, UserSession
from tests.helpers import PASSWORD, at_once, set_cookie_value

CHROME_ON_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Chrome/131.0.0.0 Safari/537.36")
SAFARI_ON_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
NEW_PASSWORD = "a-brand-new-password"


def _remember_cookie(response) -> str:
    return set_cookie_value(response, "remember_token")


def _browser(app, user_agent=CHROME_ON_WINDOWS, address="10.1.2.3"):
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": user_agent, "REMOTE_ADDR": address})
    return client


def _sign_in(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return _remember_cookie(response)


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def _rows(user, live_only=True):
    db.session.expire_all()
    query = select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    if live_only:
        query = query.where(UserSession.ended_at.is_(None))
    return db.session.scalars(query).all()


def _later(token):
    """A browser that kept only the remember-me cookie (closed and opened, or a copy elsewhere)."""
    from flask import current_app

    client = current_app.test_client()
    client.set_cookie("remember_token", token)
    return client


# -- signing out ends the session for good -------------------------------------------------------

def test_a_remember_cookie_kept_from_before_signing_out_opens_nothing(app, people):
    """Before this change the copy opened /profile (200): the cookie named only the person."""
    graduate = people["graduate"]
    browser = app.test_client()
    token = _sign_in(browser, graduate, remember=True)
    assert token
    assert browser.post("/logout").status_code == 302
    copy = app.test_client()  # someone kept the cookie (another device, a stolen copy)
    copy.set_cookie("remember_token", token)
    assert _to_sign_in(copy.get("/profile"))
    assert [row.end_reason for row in _rows(graduate, live_only=False)] == ["signed_out"]


def test_signing_out_deletes_the_browsers_own_remember_cookie(app, people):
    """Before: the session was cleared after Flask-Login's "delete the cookie" mark, so it stayed."""
    browser = app.test_client()
    _sign_in(browser, people["volunteer"], remember=True)
    assert browser.get_cookie("remember_token") is not None
    browser.post("/logout")
    assert browser.get_cookie("remember_token") is None
    assert _to_sign_in(browser.get("/profile"))


def test_a_copy_of_the_session_cookie_is_refused_after_signing_out(app, people):
    browser = _browser(app)
    _sign_in(browser, people["graduate"])
    copy = _browser(app)
    copy.set_cookie("session", browser.get_cookie("session").value)
    assert copy.get("/profile").status_code == 200  # the same session, so far
    browser.post("/logout")
    response = copy.get("/profile")
    assert _to_sign_in(response)
    with copy.session_transaction() as session:
        assert "_user_id" not in session  # signed out, not asked again on every request


# -- the list ------------------------------------------------------------------------------------

def test_the_list_shows_each_device_and_marks_this_one(app, people):
    graduate = people["graduate"]
    here = _browser(app, CHROME_ON_WINDOWS, "10.1.2.3")
    _sign_in(here, graduate)
    _sign_in(_browser(app, SAFARI_ON_IPHONE, "10.9.8.7"), graduate, remember=True)
    profile = here.get("/profile").get_data(as_text=True)
    assert 'href="/profile/sessions"' in profile
    page = here.get("/profile/sessions").get_data(as_text=True)
    assert "Chrome 131 на Windows 10" in page and "Mobile Safari 17 на iOS 17, Apple iPhone" in page
    assert "10.1.2.3" in page and "10.9.8.7" in page
    assert page.count("Это устройство") == 1 and page.count("Вход с «запомнить меня»") == 1
    mine = next(row for row in _rows(graduate) if row.address == "10.1.2.3")
    assert f'id="session-{mine.id}" class="current"' in page
    here.post("/language", data={"language": "en", "next": "/profile/sessions"})
    english = here.get("/profile/sessions").get_data(as_text=True)
    assert "Chrome 131 on Windows 10" in english and english.count("This device") == 1
    assert "Sign out everywhere" in english


def test_the_list_shows_only_this_persons_live_sessions(app, people):
    graduate, volunteer = people["graduate"], people["volunteer"]
    here = _browser(app)
    _sign_in(here, graduate)
    _sign_in(_browser(app, address="10.0.0.66"), volunteer)
    gone = _browser(app, address="10.0.0.77")
    _sign_in(gone, graduate)
    gone.post("/logout")
    page = here.get("/profile/sessions").get_data(as_text=True)
    assert "10.0.0.66" not in page and "10.0.0.77" not in page and page.count('id="session-') == 1


def test_an_unknown_user_agent_is_said_plainly(app, people):
    here = _browser(app, user_agent="")
    _sign_in(here, people["graduate"])
    assert "Неизвестное устройство" in here.get("/profile/sessions").get_data(as_text=True)


# -- signing out one session ---------------------------------------------------------------------

def test_signing_out_another_session_without_js(app, people):
    graduate = people["graduate"]
    here = _browser(app)
    _sign_in(here, graduate)
    phone = _browser(app, SAFARI_ON_IPHONE, "10.9.8.7")
    token = _sign_in(phone, graduate, remember=True)
    other = next(row for row in _rows(graduate) if row.address == "10.9.8.7")
    response = here.post(f"/profile/sessions/{other.id}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/profile/sessions"
    page = here.get("/profile/sessions").get_data(as_text=True)
    assert "10.9.8.7" not in page and "устройство вышло из аккаунта" in page
    assert _to_sign_in(phone.get("/profile"))
    assert _to_sign_in(_later(token).get("/profile"))  # its remember-me cookie ended with it
    assert here.get("/profile").status_code == 200
    event = AuditEvent.query.filter_by(action="session.ended").one()
    assert event.target == f"user:{graduate.id}" and event.details == {"session": other.id, "this_device": False}


def test_signing_out_another_session_with_htmx_swaps_the_list(app, people):
    graduate = people["graduate"]
    here = _browser(app)
    _sign_in(here, graduate)
    _sign_in(_browser(app, address="10.9.8.7"), graduate)
    other = next(row for row in _rows(graduate) if row.address == "10.9.8.7")
    page = here.get("/profile/sessions").get_data(as_text=True)
    assert f'hx-post="/profile/sessions/{other.id}/end" hx-target="#sessions"' in page
    response = here.post(f"/profile/sessions/{other.id}/end", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="sessions">')
    assert "<html" not in html and "10.9.8.7" not in html and html.count('id="session-') == 1


def test_signing_out_this_session_from_the_list_is_signing_out(app, people):
    graduate = people["graduate"]
    here = _browser(app)
    token = _sign_in(here, graduate, remember=True)
    mine = _rows(graduate)[0]
    response = here.post(f"/profile/sessions/{mine.id}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _to_sign_in(here.get("/profile")) and _to_sign_in(_later(token).get("/profile"))


@pytest.mark.parametrize("whose", ["unknown", "another person's", "ended"])
def test_a_session_that_is_not_ones_own_and_live_is_not_found(app, people, whose):
    graduate, volunteer = people["graduate"], people["volunteer"]
    here = _browser(app)
    _sign_in(here, graduate)
    theirs = _browser(app, address="10.0.0.66")
    _sign_in(theirs, volunteer)
    if whose == "unknown":
        session_id = 987654
    elif whose == "another person's":
        session_id = _rows(volunteer)[0].id
    else:
        old = _browser(app, address="10.0.0.77")
        _sign_in(old, graduate)
        session_id = next(row for row in _rows(graduate) if row.address == "10.0.0.77").id
        old.post("/logout")
    response = here.post(f"/profile/sessions/{session_id}/end")
    assert response.status_code == 404
    assert here.post(f"/profile/sessions/{session_id}/end", headers={"HX-Request": "true"}).status_code == 404
    assert theirs.get("/profile").status_code == 200 and here.get("/profile").status_code == 200
    assert not AuditEvent.query.filter_by(action="session.ended").count()


def test_signing_out_needs_the_forms_token(app, people):
    here = _browser(app)
    _sign_in(here, people["graduate"])
    other = _browser(app, address="10.9.8.7")
    _sign_in(other, people["graduate"])
    row = next(row for row in _rows(people["graduate"]) if row.address == "10.9.8.7")
    assert here.post(f"/profile/sessions/{row.id}/end", csrf=False).status_code == 400
    assert here.post("/profile/sessions/end-all", csrf=False).status_code == 400
    assert other.get("/profile").status_code == 200 and len(_rows(people["graduate"])) == 2


def test_the_pages_are_for_people_signed_in(client, people):
    assert _to_sign_in(client.get("/profile/sessions"))
    assert _to_sign_in(client.post("/profile/sessions/end-all"))


# -- everywhere ----------------------------------------------------------------------------------

def test_signing_out_everywhere(app, people):
    graduate = people["graduate"]
    here = _browser(app)
    here_token = _sign_in(here, graduate, remember=True)
    phone = _browser(app, SAFARI_ON_IPHONE, "10.9.8.7")
    phone_token = _sign_in(phone, graduate, remember=True)
    other_person = _browser(app, address="10.0.0.66")
    _sign_in(other_person, people["volunteer"])
    response = here.post("/profile/sessions/end-all")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Вы вышли на всех устройствах" in here.get("/").get_data(as_text=True)
    for client in (here, phone, _later(here_token), _later(phone_token)):
        assert _to_sign_in(client.get("/profile"))
    assert here.get_cookie("remember_token") is None
    assert other_person.get("/profile").status_code == 200
    assert _rows(graduate) == [] and len(_rows(people["volunteer"])) == 1
    event = AuditEvent.query.filter_by(action="sessions.ended").one()
    assert event.target == f"user:{graduate.id}" and event.details == {"reason": "everywhere", "count": 2}


def test_signing_out_everywhere_with_htmx_leads_to_a_whole_page(app, people):
    here = _browser(app)
    _sign_in(here, people["graduate"])
    response = here.post("/profile/sessions/end-all", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/"


# -- a password change ---------------------------------------------------------------------------

def test_changing_the_password_ends_every_other_session_and_keeps_this_one(app, people):
    graduate = people["graduate"]
    here = _browser(app)
    here_token = _sign_in(here, graduate, remember=True)
    phone = _browser(app, SAFARI_ON_IPHONE, "10.9.8.7")
    phone_token = _sign_in(phone, graduate, remember=True)
    response = here.post("/profile/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                     "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/profile"
    assert here.get("/profile").status_code == 200
    assert _later(here_token).get("/profile").status_code == 200  # this device's "remember me" stays
    assert _to_sign_in(phone.get("/profile")) and _to_sign_in(_later(phone_token).get("/profile"))
    assert [row.address for row in _rows(graduate)] == ["10.1.2.3"]
    event = AuditEvent.query.filter_by(action="sessions.ended").one()
    assert event.target == f"user:{graduate.id}" and event.details == {"reason": "password_changed", "count": 1}


# -- the accounts layer --------------------------------------------------------------------------

def test_end_sessions_keeps_one_and_records_where_it_was_decided(app_context, people, regions):
    mentor = people["mentor"]
    first = open_session(mentor)
    open_session(mentor)
    open_session(people["graduate"])
    assert end_sessions(mentor, keep=first, reason="suspended", region=regions["belgorod"]) == 1
    db.session.commit()
    assert [row.id for row in _rows(mentor)] == [first.id]
    assert end_sessions(mentor, reason="suspended") == 1
    db.session.commit()
    assert _rows(mentor) == [] and len(_rows(people["graduate"])) == 1
    events = AuditEvent.query.filter_by(action="sessions.ended").order_by(AuditEvent.id).all()
    assert [(e.region_id, e.details["count"], e.target) for e in events] == [
        (regions["belgorod"].id, 1, f"user:{mentor.id}"), (None, 1, f"user:{mentor.id}")]


def test_sessions_ended_at_once_end_once(app, app_context, people):
    graduate = people["graduate"]
    for _ in range(4):
        open_session(graduate)
    db.session.commit()
    user_id = graduate.id

    def work(_item, start):
        from portal.models import User

        person = db.session.get(User, user_id)
        db.session.commit()
        start()
        ended = end_sessions(person, reason="everywhere")
        db.session.commit()
        return str(ended)

    outcomes = at_once(app, range(3), work)
    assert all(o.isdigit() for o in outcomes) and sum(int(o) for o in outcomes) == 4, outcomes  # each row once
    assert _rows(graduate) == []


def test_erasing_a_person_deletes_their_sessions(app_context, people):
    from portal.accounts.people import erase_person

    graduate = people["graduate"]
    open_session(graduate, user_agent=CHROME_ON_WINDOWS, address="10.1.2.3")
    db.session.commit()
    user_id = graduate.id
    erase_person(graduate)
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == user_id)) is None


def test_the_data_export_holds_the_sessions_without_their_keys(app, people):
    browser = _browser(app)
    _sign_in(browser, people["graduate"])
    data = browser.get("/profile/export").get_json()
    assert [(s["address"], s["user_agent"], s["ended_at"]) for s in data["sessions"]] == [
        ("10.1.2.3", CHROME_ON_WINDOWS, None)]
    assert "key_hash" not in str(data) and _rows(people["graduate"])[0].key_hash not in str(data)


def test_the_key_is_stored_only_as_its_hash(app, people):
    browser = _browser(app)
    _sign_in(browser, people["graduate"])
    with browser.session_transaction() as session:
        key = session["_user_id"].split(":")[2]
    row = _rows(people["graduate"])[0]
    assert len(key) >= 43 and key not in row.key_hash
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()


# -- every request checks its row ----------------------------------------------------------------

def test_last_seen_is_written_at_most_once_a_minute(app, people):
    graduate = people["graduate"]
    browser = _browser(app)
    _sign_in(browser, graduate)
    first = _rows(graduate)[0].last_seen_at
    browser.get("/profile")
    assert _rows(graduate)[0].last_seen_at == first
    row = _rows(graduate)[0]
    row.last_seen_at = first - timedelta(minutes=2)
    db.session.commit()
    browser.get("/profile")
    assert _rows(graduate)[0].last_seen_at > first - timedelta(seconds=5)


def test_a_session_unused_for_longer_than_remember_me_lasts_is_refused(app, people):
    graduate = people["graduate"]
    browser = _browser(app)
    token = _sign_in(browser, graduate, remember=True)
    row = _rows(graduate)[0]
    row.last_seen_at -= timedelta(days=15)
    row.created_at -= timedelta(days=15)
    db.session.commit()
    assert _to_sign_in(_later(token).get("/profile"))
    assert _to_sign_in(browser.get("/profile"))
    assert _rows(graduate) == []  # and it is ended, not left to be tried again


def test_a_staff_session_that_expired_is_ended(client, people):
    client.login_as(people["coordinator"])
    with client.session_transaction() as session:
        session["seen_at"] -= 31 * 60
    assert _to_sign_in(client.get("/profile"))
    assert [row.end_reason for row in _rows(people["coordinator"], live_only=False)] == ["expired"]


def test_a_mentors_row_does_not_outlive_the_idle_limit_whatever_the_cookie_says(client, people):
    mentor = people["mentor"]
    client.login_as(mentor)
    row = _rows(mentor)[0]
    row.last_seen_at -= timedelta(minutes=40)
    db.session.commit()
    assert _to_sign_in(client.get("/profile"))


def test_a_session_moved_to_another_browser_is_ended(app, people):
    browser = _browser(app)
    _sign_in(browser, people["graduate"])
    browser.environ_base["HTTP_USER_AGENT"] = SAFARI_ON_IPHONE  # "strong" protection: not the same client
    assert _to_sign_in(browser.get("/profile"))
    assert [row.end_reason for row in _rows(people["graduate"], live_only=False)] == ["refused"]


def test_a_remember_cookie_is_refused_once_the_person_became_a_mentor(app, people, regions):
    graduate = people["graduate"]
    token = _sign_in(app.test_client(), graduate, remember=True)
    graduate.memberships.append(Membership(region=regions["belgorod"], role=Role.mentor,
                                           status=MembershipStatus.active))
    db.session.commit()
    assert _to_sign_in(_later(token).get("/profile"))
    assert [row.end_reason for row in _rows(graduate, live_only=False)] == ["remember_refused"]


def test_a_new_session_token_still_ends_every_session(app, people):
    """For code that changes User.session_token (the older way of ending them all)."""
    graduate = people["graduate"]
    browser = _browser(app)
    token = _sign_in(browser, graduate, remember=True)
    graduate.session_token = "f" * 32
    db.session.commit()
    assert _to_sign_in(browser.get("/profile")) and _to_sign_in(_later(token).get("/profile"))


@pytest.mark.parametrize("planted", ["3:abc", "1:x:", "nope", "99999999999999999999:x:y", "1:x:y:z", ""])
def test_session_ids_that_name_no_row_open_nothing(client, people, planted):
    """Also the two-part ids of before the server-side rows: such a session signs in again once."""
    with client.session_transaction() as session:
        session["_user_id"] = planted
    assert _to_sign_in(client.get("/profile"))
    assert client.get("/").status_code == 200
