"""The bell, the list, and the one function plugins call."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import Notification
from portal.notifications import notify


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


def test_notify_sends_mail_when_smtp_is_set(app, people, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append("tls")

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append((message["To"], message["Subject"], message.get_content().strip()))

    monkeypatch.setattr("portal.mail.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "PORTAL_SMTP_HOST", "mail.example.org")
    monkeypatch.setitem(app.config, "PORTAL_SMTP_USER", "portal")
    with app.test_request_context():
        notify(people["graduate"], _l("You have no notifications."), link="/notifications")
    assert sent[0] == ("mail.example.org", 587) and "tls" in sent and ("login", "portal") in sent
    to, subject, body = sent[-1]
    assert to == people["graduate"].email and subject == "Портал: новое уведомление"
    assert body.startswith("Уведомлений нет.")


def test_no_mail_without_smtp(app, people, monkeypatch):
    monkeypatch.setattr("portal.mail.smtplib.SMTP", lambda *a, **k: (_ for _ in ()).throw(AssertionError))
    with app.test_request_context():
        notify(people["graduate"], _l("You have no notifications."))
