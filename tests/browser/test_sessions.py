"""Sessions in a real Chromium: one person in several browsers signs out one of them, then everywhere."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_core_flows import csp_errors, sign_in, translated
from tests.helpers import PASSWORD


def _sign_in_remembered(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.check("#remember")
    page.click("form[action='/login'] [type=submit]")
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def _cookie(context, name: str) -> dict:
    found = [c for c in context.cookies() if c["name"] == name]
    assert found, f"no {name} cookie"
    return found[0]


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_signing_out_everywhere_refuses_the_other_browsers_old_cookies(page, browser, live_server, people, app,
                                                                       console_errors, locale):
    from portal.app.extensions import db

    base = live_server
    graduate = people["graduate"]
    graduate.locale = locale
    db.session.commit()

    def text(message: str, **values) -> str:
        return translated(app, message, locale, **values)

    other = browser.new_context()  # a second browser of the same person (a phone, a library computer)
    third = browser.new_context()
    try:
        other_page, third_page = other.new_page(), third.new_page()
        _sign_in_remembered(other_page, base, graduate.email)
        sign_in(third_page, base, graduate.email)
        expect(third_page.locator("form[action='/logout']")).to_have_count(1)
        _sign_in_remembered(page, base, graduate.email)
        kept_remember = _cookie(page.context, "remember_token")  # a copy kept from before signing out

        page.goto(f"{base}/profile")
        page.click("a[href='/profile/sessions']")
        expect(page.locator("h1")).to_have_text(text("Where you are signed in"))
        rows = page.locator("#sessions tbody tr")
        expect(rows).to_have_count(3)
        expect(page.locator("#sessions tr.current")).to_contain_text(text("This device"))
        on = text("%(browser)s on %(system)s", browser="HeadlessChrome", system="Linux").split(" ")[1]
        expect(page.locator("#sessions tr.current")).to_contain_text(re.compile(rf"HeadlessChrome \d+ {on} Linux"))

        # One other session, signed out with htmx: the list changes, the page stays.
        page.locator("#sessions tbody tr:not(.current)").first.locator("button").click()
        expect(rows).to_have_count(2)
        expect(page.locator("#sessions")).to_contain_text(text("That session is ended: its device is signed out."))
        expect(page).to_have_url(f"{base}/profile/sessions")

        page.click("form[action='/profile/sessions/end-all'] [type=submit]")
        expect(page).to_have_url(f"{base}/")
        expect(page.locator("form[action='/logout']")).to_have_count(0)
        expect(page.locator(".flashes")).to_contain_text(
            text("You have signed out everywhere. Please sign in again on this device."))

        for somewhere in (other_page, third_page):  # their old cookies are refused: sent to sign in
            somewhere.goto(f"{base}/profile")
            expect(somewhere).to_have_url(re.compile(r"/login\?next="))
            expect(somewhere.locator("form[action='/logout']")).to_have_count(0)

        kept = browser.new_context()  # only the remember-me cookie kept from before: it opens nothing
        try:
            kept.add_cookies([{key: kept_remember[key] for key in ("name", "value", "domain", "path")}])
            kept_page = kept.new_page()
            kept_page.goto(f"{base}/profile")
            expect(kept_page).to_have_url(re.compile(r"/login\?next="))
        finally:
            kept.close()
    finally:
        other.close()
        third.close()
    assert csp_errors(console_errors) == []
