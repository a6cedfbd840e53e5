"""Getting into an account: reset links and codes, confirmed addresses, registration that tells nothing, consent.

Mail goes through the real outbox; only the SMTP conversation is replaced (``mailbox``), so each
test reads the link a person would click.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.app.extensions import db, limiter
from portal.models import (AccountToken, AuditEvent, ConsentKind, ConsentText, Membership, MembershipStatus,
                           OutgoingMail, PersonalDataConsent, Region, TokenPurpose, User)
from portal.models._time import utcnow
from portal.services.notifications import notify
from portal.services.region_time import today
from tests.helpers import PASSWORD, at_once, form_errors, make_user

BASE = "https://portal.example.org"
NEW = "a-brand-new-password"
NUL = "a\x00b"
UNTYPABLE_EN = "This field contains a character that cannot be typed"


@pytest.fixture
def mailbox(app, monkeypatch):
    """What the outbox hands to the SMTP server: (to, subject, body)."""
    sent: list[tuple[str, str, str]] = []
    monkeypatch.setitem(app.config, "PORTAL_SMTP_HOST", "mail.example.org")
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", BASE)
    monkeypatch.setattr("portal.services.outbox.send_mail",
                        lambda to, subject, body: (sent.append((to, subject, body)), (True, ""))[1])
    return sent


def _link(mail, path: str) -> str:
    found = re.search(re.escape(BASE) + r"(" + re.escape(path) + r"[^\s]+)", mail[2])
    assert found, mail
    return found.group(1)


def _without_tokens(page: str) -> str:
    """A page as two visitors compare it: their CSRF tokens differ, nothing else may."""
    return re.sub(r'X-CSRFToken": "[^"]*"|name="csrf_token"[^>]*', "", page)


def _english(client):
    client.set_cookie("portal_lang", "en")
    return client


def _signed_in_as(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def _ask_for_link(client, email):
    return client.post("/password/forgot", data={"email": email})


# --- the reset link -----------------------------------------------------------------------------

def test_a_reset_link_sets_a_new_password_signs_in_and_ends_the_other_sessions(app, client, people, mailbox):
    graduate = people["graduate"]
    elsewhere = app.test_client().login_as(graduate)
    response = _ask_for_link(client, "Graduate@Belgorod.TEST")
    assert response.status_code == 302 and response.headers["Location"] == "/password/forgot/sent"
    [mail] = mailbox
    assert mail[0] == graduate.email and mail[2].count(BASE + "/password/reset/") == 1
    path = _link(mail, "/password/reset/")
    secret = path.rsplit("/", 1)[1]
    token = db.session.scalar(select(AccountToken))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()  # only the hash is kept
    assert secret not in token.token_hash and token.purpose == TokenPurpose.password_reset
    assert timedelta(minutes=59) < token.expires_at - token.created_at <= timedelta(hours=1)

    page = client.get(path)
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    done = client.post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/belgorod/"
    assert client.get("/profile").status_code == 200  # signed in
    assert elsewhere.get("/profile").headers["Location"].startswith("/login")  # the other session ended
    assert app.test_client().post("/login", data={"email": graduate.email, "password": PASSWORD}).status_code == 200
    assert app.test_client().post("/login", data={"email": graduate.email, "password": NEW}).status_code == 302
    again = app.test_client().post(path, data={"password": "another-password-1", "confirm": "another-password-1"})
    assert again.status_code == 404  # single use
    actions = [e.action for e in AuditEvent.query.filter_by(subject_id=graduate.id).order_by(AuditEvent.id)]
    assert actions[:3] == ["password.reset_requested", "sessions.ended", "password.reset"]


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(app, people, mailbox):
    unconfirmed = make_user("unconfirmed@example.org", {people["graduate"].memberships[0].region: ["graduate"]})
    unconfirmed.email_confirmed_at = None
    db.session.commit()
    answers = []
    for email in (people["graduate"].email, "nobody@example.org", unconfirmed.email):
        client = _english(app.test_client())
        response = _ask_for_link(client, email)
        page = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"], page.status_code,
                        _without_tokens(page.get_data(as_text=True))))
    assert answers[0] == answers[1] == answers[2]
    assert [to for to, _s, _b in mailbox] == [people["graduate"].email]  # nothing to an unconfirmed address
    assert AuditEvent.query.filter_by(action="password.reset_requested").count() == 3


def test_a_new_link_replaces_the_old_and_an_expired_link_does_nothing(client, people, mailbox):
    _ask_for_link(client, people["mentor"].email)
    _ask_for_link(client, people["mentor"].email)
    first, second = (_link(m, "/password/reset/") for m in mailbox)
    assert client.get(first).status_code == 404  # replaced by the second
    db.session.execute(AccountToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.post(second, data={"password": NEW, "confirm": NEW}).status_code == 404
    db.session.expire_all()
    assert _signed_in_as(client) is None


@pytest.mark.parametrize("data, message", [
    ({"password": "short", "confirm": "short"}, "from 10 to 128"),
    ({"password": NEW, "confirm": NEW + "x"}, "do not match"),
    ({"password": "x" * 129, "confirm": "x" * 129}, "from 10 to 128"),
    ({"password": NUL * 5, "confirm": NUL * 5}, UNTYPABLE_EN),
    ({}, ""),
])
def test_bad_new_passwords_are_refused_by_the_field_and_the_link_still_works(client, people, mailbox, data, message):
    _english(client)
    _ask_for_link(client, people["graduate"].email)
    path = _link(mailbox[0], "/password/reset/")
    response = client.post(path, data=data)
    errors = " ".join(form_errors(response.get_data(as_text=True)))
    assert response.status_code == 200 and errors and message in errors
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302


def test_odd_links_and_addresses_are_answers_not_errors(client, people, mailbox):
    for path in ("/password/reset/" + "x" * 500, "/password/reset/%00", "/email/confirm/nothing"):
        assert client.get(path).status_code == 404, path
        assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 404, path
    response = _ask_for_link(_english(client), NUL + "@example.org")
    assert response.status_code == 200 and UNTYPABLE_EN in response.get_data(as_text=True)
    assert _ask_for_link(client, "x" * 300).status_code == 200 and mailbox == []


def test_asking_for_links_is_rate_limited_like_sign_in(app, people, mailbox):
    client = app.test_client()
    answers = [_ask_for_link(client, people["graduate"].email).status_code for _ in range(6)]
    assert answers == [302] * 5 + [429]
    assert len(mailbox) == 5


def test_one_link_sent_from_two_tabs_at_once_sets_one_password(app, client, people, mailbox):
    _ask_for_link(client, people["graduate"].email)
    path = _link(mailbox[0], "/password/reset/")

    def use(n, start):
        web = app.test_client()
        token = web.csrf_token()
        start()
        password = f"password-number-{n}"
        return str(web.post(path, data={"password": password, "confirm": password, "csrf_token": token}).status_code)

    outcomes = at_once(app, range(2), use)
    assert sorted(outcomes) == ["302", "404"], outcomes
    assert AuditEvent.query.filter_by(action="password.reset").count() == 1


# --- the coordinator's one-time code -------------------------------------------------------------

def _issue(client, person) -> str:
    response = client.post(f"/belgorod/members/{person.id}/reset-code")
    assert response.status_code == 200, response.status_code
    return re.search(r'<code id="reset-code">([A-Z0-9-]+)</code>', response.get_data(as_text=True)).group(1)


def test_a_coordinator_issues_a_code_and_the_graduate_sets_a_password_with_it(app, client, people, regions):
    coordinator, graduate = people["coordinator"], people["graduate"]
    client.login_as(coordinator)
    code = _issue(client, graduate)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    token = db.session.scalar(select(AccountToken).where(AccountToken.purpose == TokenPurpose.reset_code))
    assert token.token_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert token.expires_at - token.created_at == timedelta(hours=24)
    assert (token.region_id, token.issued_by_id) == (regions["belgorod"].id, coordinator.id)
    issued = AuditEvent.query.filter_by(action="password.code_issued").one()
    assert (issued.actor_id, issued.subject_id, issued.region_id) == (coordinator.id, graduate.id,
                                                                      regions["belgorod"].id)
    assert code not in str(issued.details)

    person = app.test_client()
    typed = {"email": graduate.email.upper(), "code": code.lower().replace("-", " "), "password": NEW, "confirm": NEW}
    response = person.post("/password/code", data=typed)
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/"
    assert person.get("/profile").status_code == 200
    assert app.test_client().post("/login", data={"email": graduate.email, "password": NEW}).status_code == 302
    again = app.test_client().post("/password/code", data=dict(typed, password="third-password-1",
                                                                confirm="third-password-1"))
    assert again.status_code == 200 and form_errors(again.get_data(as_text=True))  # used once
    assert AuditEvent.query.filter_by(action="password.reset", subject_id=graduate.id).one().details == {"by": "code"}


def test_codes_only_for_non_staff_people_of_the_coordinators_own_region(client, people, regions):
    stranger = make_user("graduate@smolensk.test", {regions["smolensk"]: ["graduate"]})
    client.login_as(people["coordinator"])
    for person in (stranger, people["specialist"], people["region_admin"], people["site_admin"],
                   people["other_region_admin"], people["coordinator"]):
        assert client.post(f"/belgorod/members/{person.id}/reset-code").status_code == 404, person.email
    assert client.post("/smolensk/members/%d/reset-code" % stranger.id).status_code == 403  # not their region
    assert AccountToken.query.count() == 0
    for person in (people["mentor"], people["volunteer"]):
        assert _issue(client, person)
    waiting = make_user("waiting@example.org", {regions["belgorod"]: ["graduate"]}, status=MembershipStatus.pending)
    assert _issue(client, waiting)


def test_a_code_opens_only_its_own_account_and_wrong_codes_are_limited(app, client, people):
    client.login_as(people["coordinator"])
    code = _issue(client, people["graduate"])
    person = _english(app.test_client())
    wrong = person.post("/password/code", data={"email": people["mentor"].email, "code": code,
                                                "password": NEW, "confirm": NEW})
    assert "the code is wrong" in " ".join(form_errors(wrong.get_data(as_text=True)))
    assert 'value="mentor@belgorod.test"' in wrong.get_data(as_text=True)  # the input stays
    for _ in range(4):
        person.post("/password/code", data={"email": people["graduate"].email, "code": "AAAA-BBBB-CCCC",
                                            "password": NEW, "confirm": NEW})
    limited = person.post("/password/code", data={"email": people["graduate"].email, "code": code,
                                                  "password": NEW, "confirm": NEW})
    assert limited.status_code == 429
    assert AuditEvent.query.filter_by(action="password.code_failed").count() == 5
    limiter.reset()
    db.session.execute(AccountToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    expired = app.test_client().post("/password/code", data={"email": people["graduate"].email, "code": code,
                                                             "password": NEW, "confirm": NEW})
    assert expired.status_code == 200 and form_errors(expired.get_data(as_text=True))


@pytest.mark.parametrize("field", ["email", "code", "password"])
def test_a_nul_in_the_code_form_is_a_message(client, people, field):
    data = {"email": people["graduate"].email, "code": "AAAA", "password": NEW, "confirm": NEW, field: NUL}
    response = _english(client).post("/password/code", data=data)
    assert response.status_code == 200 and UNTYPABLE_EN in response.get_data(as_text=True)


def test_the_coordinator_finds_people_by_a_posted_search_that_is_audited(client, people, regions):
    make_user("graduate@smolensk.test", {regions["smolensk"]: ["graduate"]}, name="Graduate Smolensky")
    client.login_as(people["coordinator"])
    page = client.post("/belgorod/members/reset-codes", data={"q": "belgorod.test"}).get_data(as_text=True)
    shown = set(re.findall(r'id="person-(\d+)"', page))
    assert shown == {str(people[r].id) for r in ("graduate", "mentor", "volunteer")}  # no staff, no stranger
    event = AuditEvent.query.filter_by(action="people.searched").one()
    assert event.region_id == regions["belgorod"].id and event.details["graduates"]
    assert client.get("/belgorod/members/reset-codes").status_code == 200
    people["coordinator"].locale = "en"
    db.session.commit()
    bad = client.post("/belgorod/members/reset-codes", data={"q": NUL})
    assert bad.status_code == 200 and UNTYPABLE_EN in bad.get_data(as_text=True)


# --- confirming an address -----------------------------------------------------------------------

def _register(client, region="belgorod", **change):
    municipality = db.session.scalar(select(Region).where(Region.code == region)).municipalities[0].id
    data = {"role": "graduate", "name": "Maria Ivanova", "email": "maria@example.org", "password": "long-password-1",
            "confirm": "long-password-1", "language": "en", "birth_date": "2000-04-01", "consent": "y",
            "municipality": municipality, **change}
    return client.post(f"/{region}/register", data={k: v for k, v in data.items() if v is not None})


def test_registration_mails_a_link_that_confirms_signs_in_and_says_what_happens_next(client, people, mailbox):
    _english(client)
    response = _register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/register/sent"
    user = User.by_email("maria@example.org")
    assert user.email_confirmed_at is None and _signed_in_as(client) is None
    [mail] = [m for m in mailbox if m[0] == "maria@example.org"]  # the one mail an unconfirmed address gets
    # Until confirmed, nothing else goes there: not a notification's mail.
    notify(user, "You have no notifications.")
    db.session.commit()
    assert [m[0] for m in mailbox].count("maria@example.org") == 1
    path = _link(mail, "/email/confirm/")
    assert client.get(path).status_code == 200  # a page with a button: a link scanner confirms nothing
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is None
    done = client.post(path)
    assert done.status_code == 302 and done.headers["Location"] == "/belgorod/welcome"
    welcome = client.get("/belgorod/welcome").get_data(as_text=True)
    assert "usually within three working days" in welcome
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at is not None
    notify(db.session.get(User, user.id), "You have no notifications.")
    db.session.commit()
    assert [m[0] for m in mailbox].count("maria@example.org") == 2  # now it does
    assert client.post(path).status_code == 404  # used
    assert AuditEvent.query.filter_by(action="email.confirmed", subject_id=user.id).count() == 1


def test_an_email_change_waits_for_the_new_address_and_then_ends_the_other_sessions(app, people, mailbox):
    mentor = people["mentor"]
    elsewhere = app.test_client().login_as(mentor)
    client = app.test_client().login_as(mentor)
    assert client.post("/profile/email", data={"email": "Mentor.Moved@Example.org"}).status_code == 302
    [mail] = mailbox
    assert mail[0] == "mentor.moved@example.org"
    db.session.expire_all()
    assert db.session.get(User, mentor.id).email == "mentor@belgorod.test"  # the old one stays in use
    assert elsewhere.get("/profile").status_code == 200
    assert client.post(_link(mail, "/email/confirm/")).headers["Location"] == "/profile"
    db.session.expire_all()
    assert db.session.get(User, mentor.id).email == "mentor.moved@example.org"
    assert client.get("/profile").status_code == 200
    assert elsewhere.get("/profile").headers["Location"].startswith("/login")
    assert AuditEvent.query.filter_by(action="email.changed").one().details == {"from": "mentor@belgorod.test"}


def test_an_address_taken_while_the_link_waited_is_refused(app, people, mailbox):
    client = app.test_client().login_as(people["mentor"])
    client.post("/profile/email", data={"email": "wanted@example.org"})
    make_user("wanted@example.org")
    response = client.post(_link(mailbox[0], "/email/confirm/"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, people["mentor"].id).email == "mentor@belgorod.test"


def test_a_person_with_an_unconfirmed_address_can_have_the_link_again(client, people, mailbox):
    people["volunteer"].email_confirmed_at = None
    db.session.commit()
    client.login_as(people["volunteer"])
    assert 'action="/profile/email/confirmation"' in client.get("/profile").get_data(as_text=True)
    assert client.post("/profile/email/confirmation").status_code == 302
    assert [m[0] for m in mailbox] == [people["volunteer"].email]


# --- registration that tells nothing -------------------------------------------------------------

def _answer(client, response) -> tuple:
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return response.status_code, response.headers["Location"], _without_tokens(page)


def test_registering_with_a_taken_address_looks_the_same_and_tells_the_owner(app, people, regions, mailbox):
    owner = make_user("owner@example.org", {regions["smolensk"]: ["graduate"]}, locale="en")
    new, taken = _english(app.test_client()), _english(app.test_client())
    first = _answer(new, _register(new, email="new@example.org"))
    second = _answer(taken, _register(taken, email="Owner@Example.ORG", role="mentor"))
    assert first[:2] == second[:2] == (302, "/belgorod/register/sent")
    # The same page but for the role chosen: what a mentor brings is not what a graduate does.
    again = _english(app.test_client())
    third = _answer(again, _register(again, email="owner@example.org"))
    assert third == first
    assert User.query.filter(User.email.in_(["new@example.org", owner.email])).count() == 2
    db.session.expire_all()
    assert [(m.region.code, m.role.value) for m in owner.memberships] == [("smolensk", "graduate")]  # nothing added
    assert owner.password_hash != User.by_email("new@example.org").password_hash
    notices = [m for m in mailbox if m[0] == owner.email]
    assert len(notices) == 2 and "already has an account" in notices[0][2] and "/password/forgot" in notices[0][2]
    assert AuditEvent.query.filter_by(action="registration.existing", subject_id=owner.id).count() == 2


def test_registration_is_rate_limited_per_address(app, regions):
    answers = [_register(app.test_client(), email="same@example.org").status_code for _ in range(6)]
    assert answers == [302] * 5 + [429]


def test_consent_keeps_the_version_the_region_admin_set(client, people, regions):
    _register(_english(client), email="first@example.org")
    people["region_admin"].locale = "en"
    db.session.commit()
    admin = _english(client.application.test_client()).login_as(people["region_admin"])
    page = admin.get("/belgorod/admin/consent").get_data(as_text=True)
    assert "(version 0)" in page and "152-ФЗ" in page and "152-FZ" in page  # the default, in both languages
    saved = admin.post("/belgorod/admin/consent", data={"text_ru": "Я согласен: текст службы.", "text_en": ""})
    assert saved.status_code == 302
    again = admin.post("/belgorod/admin/consent", data={"text_ru": "Я согласен: текст службы.", "text_en": ""})
    assert again.status_code == 302 and ConsentText.query.count() == 1  # unchanged: no new version
    admin.post("/belgorod/admin/consent", data={"text_ru": "Я согласен: текст службы, версия 2.",
                                                "text_en": "I agree: the service's text."})
    assert [v for (v,) in db.session.execute(select(ConsentText.version).order_by(ConsentText.version))] == [1, 2]
    visitor = _english(client.application.test_client())
    assert "I agree: the service&#39;s text." in visitor.get("/belgorod/register").get_data(as_text=True)
    _register(visitor, email="second@example.org")
    versions = dict(db.session.execute(select(User.email, PersonalDataConsent.version)
                                       .join(PersonalDataConsent, PersonalDataConsent.user_id == User.id)).all())
    assert versions == {"first@example.org": 0, "second@example.org": 2}
    assert AuditEvent.query.filter_by(action="consent.text_changed").count() == 2


@pytest.mark.parametrize("data", [{"text_ru": ""}, {"text_ru": NUL}, {"text_ru": "ok", "text_en": NUL},
                                  {"text_ru": "x" * 20001}])
def test_bad_consent_texts_are_refused_with_the_input_kept(client, people, data):
    client.login_as(people["region_admin"])
    response = _english(client).post("/belgorod/admin/consent", data=data)
    assert response.status_code == 422 and form_errors(response.get_data(as_text=True))
    assert ConsentText.query.count() == 0


# --- a graduate under 18 --------------------------------------------------------------------------

def _born_years_ago(region, years: int) -> str:
    day = today(region)
    return date(day.year - years, day.month, min(day.day, 28)).isoformat()


def test_a_minor_is_told_and_is_approved_only_with_the_representatives_consent(app, client, people, regions):
    belgorod = regions["belgorod"]
    response = _register(_english(client), email="teen@example.org", birth_date=_born_years_ago(belgorod, 16))
    assert "legal representative" in client.get(response.headers["Location"]).get_data(as_text=True)
    teen = User.by_email("teen@example.org")
    membership = teen.memberships[0]
    people["coordinator"].locale = "en"
    db.session.commit()
    coordinator = _english(app.test_client()).login_as(people["coordinator"])
    assert "representative_consent" in coordinator.get("/belgorod/members/pending").get_data(as_text=True)
    prefix = f"approve{membership.id}-"
    refused = coordinator.post(f"/belgorod/members/{membership.id}/approve", data={prefix + "note": "ok"})
    assert refused.status_code == 422 and "under 18" in refused.get_data(as_text=True)
    no_name = coordinator.post(f"/belgorod/members/{membership.id}/approve",
                               data={prefix + "representative_consent": "y"})
    assert no_name.status_code == 422
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).status == MembershipStatus.pending
    approved = coordinator.post(f"/belgorod/members/{membership.id}/approve", data={
        prefix + "representative_consent": "y", prefix + "representative": "Иванова Е. П., опекун"})
    assert approved.status_code == 302
    given = PersonalDataConsent.query.filter_by(user_id=teen.id, kind=ConsentKind.representative).one()
    assert (given.representative, given.recorded_by_id) == ("Иванова Е. П., опекун", people["coordinator"].id)
    event = AuditEvent.query.filter_by(action="membership.approved", subject_id=teen.id).one()
    assert event.details["representative_consent_version"] == 0


def test_an_adult_graduate_needs_no_representative(app, client, people, regions):
    _register(client, email="adult@example.org", birth_date=_born_years_ago(regions["belgorod"], 19))
    membership = User.by_email("adult@example.org").memberships[0]
    coordinator = app.test_client().login_as(people["coordinator"])
    response = coordinator.post(f"/belgorod/members/{membership.id}/approve", data={})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(PersonalDataConsent.id)).where(
        PersonalDataConsent.kind == ConsentKind.representative)) == 0


def test_sign_in_and_registration_link_to_each_other_and_to_recovery(client, regions):
    login = client.get("/login").get_data(as_text=True)
    for target in ('href="/password/forgot"', 'href="/password/code"', 'href="/#regions"'):
        assert target in login, target
    assert 'href="/login"' in client.get("/belgorod/register").get_data(as_text=True)
    assert 'href="/belgorod/register"' in client.get("/").get_data(as_text=True)


def test_a_sent_reset_mail_leaves_no_link_in_the_database(client, people, mailbox):
    """The token table keeps only the hash; the outbox drops a mail's body once it is sent."""
    _ask_for_link(client, people["graduate"].email)
    secret = _link(mailbox[0], "/password/reset/").rsplit("/", 1)[1]
    sent = db.session.scalar(select(OutgoingMail))
    assert sent.sent_at is not None and sent.recipient == people["graduate"].email and sent.body == ""
    assert secret not in str(db.session.execute(select(AccountToken.__table__)).all())
