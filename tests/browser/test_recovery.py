"""A person forgets the password, resets it by the link mailed to them, and signs in: in Russian and in English.

The mail really leaves the portal: the outbox hands it to a local SMTP server (aiosmtpd) after the
commit, and the test reads the link from what that server received.
"""
from __future__ import annotations

import email
import email.policy
import re
import socket
import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_core_flows import sign_in, sign_out, translated
from tests.helpers import PASSWORD

NEW_PASSWORD = "новый-пароль-2026"


class Sink:
    """An SMTP server's handler that keeps every message it is given."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def wait_for(self, to: str, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.messages if m["To"] == to]
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"no mail to {to}; got {[m['To'] for m in self.messages]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(app, live_server, monkeypatch):
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    for key, value in (("PORTAL_SMTP_HOST", "127.0.0.1"), ("PORTAL_SMTP_PORT", controller.port),
                       ("PORTAL_SMTP_STARTTLS", False), ("PORTAL_SMTP_USER", None),
                       ("PORTAL_BASE_URL", live_server)):
        monkeypatch.setitem(app.config, key, value)
    try:
        yield sink
    finally:
        controller.stop()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_person_resets_a_forgotten_password_by_the_mailed_link_and_signs_in(page, live_server, people, app,
                                                                            smtp_sink, console_errors, language):
    from portal.app.extensions import db

    base = live_server
    graduate = people["graduate"]
    graduate.locale = language  # the mail is written in the person's language
    db.session.commit()
    page.context.add_cookies([{"name": "portal_lang", "value": language, "url": base}])

    page.goto(f"{base}/login")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.click("a[href='/password/forgot']")
    expect(page.locator("h1")).to_have_text(translated(app, "Forgot your password?", language))
    page.fill("#email", graduate.email)
    page.click("form[action='/password/forgot'] [type=submit]")
    expect(page).to_have_url(f"{base}/password/forgot/sent")
    expect(page.locator("h1")).to_have_text(translated(app, "Check your mail", language))

    mail = smtp_sink.wait_for(graduate.email)
    assert mail["Subject"] == translated(app, "Portal: setting a new password", language)
    link = re.search(re.escape(base) + r"/password/reset/\S+", mail.get_content()).group(0)

    page.goto(link)
    expect(page.locator("h1")).to_have_text(translated(app, "A new password", language))
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.click("form[action^='/password/reset/'] [type=submit]")
    expect(page).to_have_url(f"{base}/belgorod/")
    expect(page.locator(".flashes")).to_contain_text(
        translated(app, "Your new password is set and you are signed in.", language))
    sign_out(page)

    page.goto(link)  # the link worked once
    expect(page.locator("#link-invalid")).to_be_visible()

    sign_in(page, base, graduate.email, PASSWORD)  # the old password no longer opens the account
    expect(page).to_have_url(f"{base}/login")
    expect(page.locator("#password-error")).to_have_text(translated(app, "Wrong e-mail or password.", language))
    sign_in(page, base, graduate.email, NEW_PASSWORD)
    expect(page).to_have_url(f"{base}/belgorod/")
    expect(page.locator("form[action='/logout']")).to_have_count(1)
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
