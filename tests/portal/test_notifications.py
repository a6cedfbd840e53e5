"""The bell, the list, and the one function plugins call."""
from __future__ import annotations

import re
import threading
import uuid
from datetime import date, datetime

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.app.extensions import db
from portal.models import Notification, OutgoingMail, Region
from portal.services import jobs
from portal.services.locking import hold
from portal.services.notifications import notify
from portal.services.outbox import deliver_pending
from tests.helpers import make_user


def test_bell_list_and_marking_read(client, people):
    graduate = people["graduate"]
    for text in ("первое", "второе"):
        notify(graduate, _l("Your registration in %(region)s is approved. Welcome!"), region=text)
    someone_else = notify(people["mentor"], _l("You have no notifications."))
    db.session.commit()
    client.login_as(graduate)
    page = client.get("/notifications").get_data(as_text=True)
    assert '<span class="count">2</span>' in page and "первое" in page and "второе" in page
    first = Notification.query.filter_by(user_id=graduate.id).order_by(Notification.id).first()
    response = client.post(f"/notifications/{first.id}/read", headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'class="read"' in response.get_data(as_text=True)
    assert '<span class="count">1</span>' in client.get("/notifications").get_data(as_text=True)
    client.post(f"/notifications/{someone_else.id}/read")  # not theirs: nothing happens
    db.session.expire_all()
    assert someone_else.read_at is None
    client.post("/notifications/read-all")
    assert Notification.query.filter_by(user_id=graduate.id, read_at=None).count() == 0


class FakeSMTP:
    """Records what an SMTP server would be told; ``during_send`` runs while a message is handed over."""

    sent: list = []
    during_send = None

    def __init__(self, host, port, timeout):
        FakeSMTP.sent.append((host, port))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        FakeSMTP.sent.append("tls")

    def login(self, user, password):
        FakeSMTP.sent.append(("login", user))

    def send_message(self, message):
        if FakeSMTP.during_send is not None:
            FakeSMTP.during_send()
        FakeSMTP.sent.append((message["To"], message["Subject"], message.get_content().strip()))


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.during_send = [], None
    monkeypatch.setattr("portal.services.mail.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "PORTAL_SMTP_HOST", "mail.example.org")
    monkeypatch.setitem(app.config, "PORTAL_SMTP_USER", "portal")
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "https://portal.example.org")
    return FakeSMTP


def test_mail_goes_out_after_the_commit_with_an_absolute_link(app, people, smtp):
    with app.test_request_context():
        notify(people["graduate"], _l("You have no notifications."), link="/notifications")
        assert smtp.sent == []  # nothing is sent inside the transaction
        db.session.commit()
    assert smtp.sent[0] == ("mail.example.org", 587) and "tls" in smtp.sent and ("login", "portal") in smtp.sent
    to, subject, body = smtp.sent[-1]
    assert to == people["graduate"].email and subject == "Портал: новое уведомление"
    assert body == "Уведомлений нет.\nhttps://portal.example.org/notifications"
    mail = db.session.scalar(select(OutgoingMail))
    assert mail.sent_at is not None and mail.attempts == 1


def test_a_rolled_back_change_sends_nothing(app, people, smtp):
    with app.test_request_context():
        notify(people["graduate"], _l("You have no notifications."))
        db.session.rollback()
        db.session.commit()
    assert smtp.sent == [] and db.session.scalar(select(OutgoingMail)) is None


def test_nothing_is_held_while_the_mail_server_talks(app, people, smtp):
    """A slow mail server used to hold the caller's rows: on SQLite everyone else got "database is locked"."""
    region = people["graduate"].memberships[0].region
    seen = []

    def someone_else_changes_the_region():
        def other():
            with app.app_context():
                try:
                    hold(db.session.get(Region, region.id))
                    db.session.commit()
                    seen.append("changed")
                except Exception as error:  # locked, or timed out waiting
                    seen.append(repr(error))
                finally:
                    db.session.remove()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(3)  # a held row would make it wait for the end of the sending transaction
        seen.append("done" if not thread.is_alive() else "still waiting")

    smtp.during_send = someone_else_changes_the_region
    with app.test_request_context():
        hold(db.session.get(Region, region.id))  # the cancelling organizer's lock on the event, say
        notify(people["graduate"], _l("You have no notifications."))
        db.session.commit()
    assert seen == ["changed", "done"]


def test_a_failed_send_is_kept_and_retried(app, people, smtp, monkeypatch):
    def refuse(self, message):
        raise OSError("connection refused")

    monkeypatch.setattr(FakeSMTP, "send_message", refuse)
    with app.test_request_context():
        notify(people["graduate"], _l("You have no notifications."))
        db.session.commit()
    mail = db.session.scalar(select(OutgoingMail))
    assert mail.sent_at is None and mail.taken_at is None and "connection refused" in mail.last_error
    monkeypatch.undo()
    monkeypatch.setattr("portal.services.mail.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "PORTAL_SMTP_HOST", "mail.example.org")
    assert deliver_pending() == 1
    db.session.expire_all()
    assert mail.sent_at is not None and mail.attempts == 2


def test_with_redis_the_outbox_is_worked_off_by_rq(app, people, smtp, monkeypatch):
    """``portal worker`` is an RQ SimpleWorker on the portal's queue; here it works one burst."""
    redis = pytest.importorskip("redis")
    from rq import SimpleWorker

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    monkeypatch.setitem(app.config, "PORTAL_REDIS_URL", url)
    monkeypatch.setitem(app.config, "PORTAL_JOBS", "")
    monkeypatch.setitem(app.config, "PORTAL_JOBS_QUEUE", f"portal-test-{uuid.uuid4().hex[:8]}")
    with app.test_request_context():
        notify(people["graduate"], _l("You have no notifications."))
        db.session.commit()
        assert smtp.sent == []  # queued, not sent by the request
        queue = jobs.queue()
        assert queue.count == 1
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert smtp.sent[-1][0] == people["graduate"].email


def test_no_mail_without_smtp(app, people, monkeypatch):
    monkeypatch.setattr("portal.services.mail.smtplib.SMTP", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    with app.test_request_context():
        notify(people["graduate"], _l("You have no notifications."))
        db.session.commit()
    assert db.session.scalar(select(OutgoingMail)) is None


def test_dates_in_a_notification_are_written_for_the_recipient(app, people):
    english = people["mentor"]
    english.locale = "en"
    db.session.commit()
    with app.test_request_context():
        russian = notify(people["graduate"], _l("Your registration in %(region)s is approved. Welcome!"),
                         region=date(2026, 12, 13))
        other = notify(english, _l("Your registration in %(region)s is approved. Welcome!"),
                       region=datetime(2026, 12, 7, 15, 0))  # stored as UTC: 18:00 in Moscow
    assert "13 декабря 2026" in russian.message
    assert "7 December 2026, 18:00" in other.message


# --- More: the bell on every page, only one's own notifications, escaping ---------------------

APPROVED = _l("Your registration in %(region)s is approved. Welcome!")


def _bell(page: str) -> int:
    found = re.search(r'<a class="bell"[^>]*>.*?<span class="count[^"]*">(\d+)</span>', page, re.DOTALL)
    assert found, "no bell in the header"
    return int(found.group(1))


def _notes(user, count, prefix="note"):
    made = [notify(user, APPROVED, link="/belgorod/", region=f"{prefix} {n}") for n in range(count)]
    db.session.commit()
    return made


@pytest.mark.parametrize("path", ["/", "/profile", "/notifications", "/belgorod/"])
def test_the_bell_shows_the_unread_number_on_every_page(client, people, path):
    graduate = people["graduate"]
    _notes(graduate, 3)
    _notes(people["mentor"], 2)  # someone else's do not count
    client.login_as(graduate)
    assert _bell(client.get(path).get_data(as_text=True)) == 3


def test_the_bell_says_zero_when_all_is_read(client, people):
    client.login_as(people["graduate"])
    page = client.get("/profile").get_data(as_text=True)
    assert _bell(page) == 0 and '<span class="count zero">0</span>' in page
    assert "<a class=\"bell\"" not in client.application.test_client().get("/").get_data(as_text=True)


def test_the_list_holds_only_ones_own_newest_first(client, people):
    graduate = people["graduate"]
    graduate.locale = "en"
    db.session.commit()
    _notes(graduate, 3, prefix="mine")
    _notes(people["mentor"], 1, prefix="theirs")
    client.login_as(graduate)
    page = client.get("/notifications").get_data(as_text=True)
    assert re.findall(r"registration in mine (\d)", page) == ["2", "1", "0"]
    assert "theirs" not in page
    assert page.count('class="unread"') == 3


def test_an_empty_list_says_so(client, people):
    people["graduate"].locale = "en"
    db.session.commit()
    client.login_as(people["graduate"])
    assert "You have no notifications." in client.get("/notifications").get_data(as_text=True)


def test_reading_one_marks_only_that_one_and_follows_its_link(client, people):
    graduate = people["graduate"]
    first, second = _notes(graduate, 2)
    client.login_as(graduate)
    response = client.post(f"/notifications/{first.id}/read")
    assert response.status_code == 302 and response.headers["Location"] == "/belgorod/"
    db.session.expire_all()
    assert first.read_at is not None and second.read_at is None
    assert _bell(client.get("/profile").get_data(as_text=True)) == 1


def test_someone_elses_notification_is_neither_read_nor_shown(client, people):
    mine, = _notes(people["graduate"], 1)
    theirs = notify(people["mentor"], APPROVED, link="/belgorod/sample/", region="secret place")
    db.session.commit()
    client.login_as(people["graduate"])
    response = client.post(f"/notifications/{theirs.id}/read")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"  # not their link
    htmx = client.post(f"/notifications/{theirs.id}/read", headers={"HX-Request": "true"})
    assert "secret place" not in htmx.get_data(as_text=True)
    assert client.post("/notifications/999999/read").status_code == 302  # no such one: no error
    client.post("/notifications/read-all")
    db.session.expire_all()
    assert theirs.read_at is None and mine.read_at is not None


def test_reading_needs_a_post_and_a_sign_in(app, client, people):
    note, = _notes(people["graduate"], 1)
    anonymous = app.test_client()
    for path in (f"/notifications/{note.id}/read", "/notifications/read-all"):
        response = anonymous.post(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    client.login_as(people["graduate"])
    assert client.get(f"/notifications/{note.id}/read").status_code == 405
    assert client.get("/notifications/read-all").status_code == 405
    db.session.expire_all()
    assert note.read_at is None


def test_notify_speaks_the_recipients_language(app, regions):
    english = make_user("en@example.org", {regions["belgorod"]: ["graduate"]}, locale="en")
    russian = make_user("ru@example.org", {regions["belgorod"]: ["graduate"]}, locale="ru")
    with app.test_request_context(headers={"Cookie": "portal_lang=en"}):
        in_english = notify(english, APPROVED, region="Smolensk")
        in_russian = notify(russian, APPROVED, region="Smolensk")
    db.session.commit()
    assert in_english.message == "Your registration in Smolensk is approved. Welcome!"
    assert in_russian.message.strip() and "Smolensk" in in_russian.message
    assert in_russian.message != in_english.message


def test_a_notification_cannot_inject_markup(client, people, regions):
    name = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.post("/belgorod/register", data={
        "role": "graduate", "name": name, "email": "xss@example.org", "password": "long-password-1",
        "confirm": "long-password-1", "language": "en", "municipality": regions["belgorod"].municipalities[0].id,
        "birth_date": "2005-04-01", "consent": "y"})
    assert response.status_code == 302
    client.login_as(people["coordinator"])
    page = client.get("/notifications").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    pending = client.get("/belgorod/members/pending").get_data(as_text=True)
    assert "<script>alert" not in pending and "&lt;script&gt;" in pending


def test_a_queue_that_is_down_delays_the_mail_and_keeps_the_change(app, people, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    monkeypatch.setitem(app.config, "PORTAL_JOBS", "")
    with app.test_request_context():
        note = notify(people["graduate"], _l("You have no notifications."))
        db.session.commit()
    assert db.session.get(Notification, note.id) is not None and smtp.sent == []
    assert deliver_pending() == 1  # the next delivery takes it


def test_times_are_written_at_the_clock_of_the_region_they_belong_to(app, people, regions):
    """Outside a request (the command line), a person of two regions reads an event's time at its region's clock."""
    far = regions["smolensk"]
    far.timezone = "Asia/Vladivostok"  # UTC+10
    db.session.commit()
    moment = datetime(2026, 12, 7, 8, 0)  # stored as UTC
    first = notify(people["graduate"], _l("Your registration in %(region)s is approved. Welcome!"), region=moment)
    there = notify(people["graduate"], _l("Your registration in %(region)s is approved. Welcome!"), region=moment,
                   times_of=far)
    assert "7 декабря 2026, 11:00" in first.message  # Belgorod: Moscow time
    assert "7 декабря 2026, 18:00" in there.message


def test_a_notification_is_read_in_the_language_its_reader_reads_now(app, client, people, regions):
    from flask_babel import lazy_pgettext

    from portal.services.labels import ROLE_LABELS

    graduate = people["graduate"]  # speaks Russian when it is written
    with app.test_request_context():
        notify(graduate, APPROVED, region=ROLE_LABELS["coordinator"])  # a lazy label as a parameter
        notify(graduate, _l("Your registration in %(region)s is approved. Welcome!"), region=date(2026, 12, 13))
        notify(graduate, lazy_pgettext("graduate_clubs", "Register"))  # a plugin's word, with its context
        notify(graduate, "Уже готовый текст")  # a plain string has no source: shown as written
    db.session.commit()
    client.login_as(graduate)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Координатор" in page and "13 декабря 2026" in page and "Уже готовый текст" in page
    graduate.locale = "en"
    db.session.commit()
    client.post("/language", data={"language": "en"})
    page = client.get("/notifications").get_data(as_text=True)
    assert "Your registration in Coordinator is approved" in page and "13 December 2026" in page
    assert "Уже готовый текст" in page and "Координатор" not in page
    stored = db.session.scalars(select(Notification).where(Notification.user_id == graduate.id)).all()
    assert any("Координатор" in note.message for note in stored)  # the e-mail's text stays as it was sent
