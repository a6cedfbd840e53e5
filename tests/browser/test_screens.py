"""The main pages on the demo data, at 1280 px and on a phone (390 × 844), in Russian and English.

Each page is checked on the phone: its heading and its first action are inside the first screen
and nothing scrolls sideways. Each page is also photographed at both widths into a folder
(``PORTAL_SCREENSHOTS``, or ``screenshots`` under pytest's temporary folder) that the run's
summary and CI print, so anyone can look at the pages without starting the portal.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from portal.accounts.demo import DEFAULT_PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# (who signs in, the page, a short name for its screenshot); the demo's Belgorod runs every service but the
# festivals, which Smolensk runs.
PAGES = [
    (None, "/", "home"),
    (None, "/login", "login"),
    (None, "/belgorod/register", "register"),
    ("graduate", "/belgorod/", "graduate-dashboard"),
    ("graduate", "/belgorod/social_hotel/request", "graduate-hotel-request"),
    ("graduate", "/belgorod/mentorship/", "graduate-mentorship"),
    ("graduate", "/profile", "graduate-profile"),
    ("volunteer", "/belgorod/graduate_clubs/volunteering", "volunteer-clubs"),
    ("mentor", "/belgorod/mentorship/", "mentor-mentorship"),
    ("coordinator", "/belgorod/", "coordinator-dashboard"),
    ("coordinator", "/belgorod/members/pending", "coordinator-pending"),
    ("coordinator", "/belgorod/mentorship/board", "coordinator-board"),
    ("coordinator", "/belgorod/social_hotel/", "coordinator-hotel"),
    ("coordinator", "/belgorod/social_hotel/chart", "coordinator-chart"),
    ("coordinator", "/belgorod/graduate_clubs/", "coordinator-clubs"),
    ("coordinator@smolensk.demo", "/smolensk/volunteer_festivals/", "coordinator-festivals"),
    ("coordinator", "/belgorod/training_apartments/", "coordinator-apartments"),
    ("specialist", "/belgorod/casework/", "specialist-casework"),
    ("specialist", "/belgorod/casework/records", "specialist-records"),
    ("region_admin", "/belgorod/admin/members", "admin-members"),
    ("region_admin", "/belgorod/admin/plugins", "admin-plugins"),
    ("region_admin", "/belgorod/admin/audit", "admin-audit"),
    ("coordinator", "/notifications", "notifications"),
]

# A page's first action: the first primary button or link of its content (none on some pages).
FIRST_ACTION = "main .button.primary, main button.primary"


def screenshots_default(basetemp: Path) -> Path:
    """The run's own temporary folder (a worker's is inside it), where the summary finds the pictures."""
    return (basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp) / "screenshots"


@pytest.fixture(scope="session")
def screenshots_folder(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("PORTAL_SCREENSHOTS") or screenshots_default(tmp_path_factory.getbasetemp()))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo_server(app, demo):
    """The test app with the demo data, served on a free port of 127.0.0.1."""
    from tests.browser.conftest import serving

    yield from serving(app, "demo-portal")


def _sign_in(page, base: str, role: str | None) -> None:
    page.context.clear_cookies()
    if role is None:
        return
    page.goto(f"{base}/login")
    page.fill("#email", role if "@" in role else f"{role}@belgorod.demo")
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("form[action='/login'] [type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def _set_language(page, base: str, language: str) -> None:
    page.goto(f"{base}/")
    current = page.locator(f"form.language button[value='{language}']")
    if current.get_attribute("aria-current") != "true":
        current.click()
        page.wait_for_load_state()


def _phone_problems(page, where: str) -> list[str]:
    """What does not fit the first screen of a phone on the page shown."""
    found = []
    wide = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if wide[0] > wide[1]:
        found.append(f"{where}: scrolls sideways ({wide[0]} px wide in a {wide[1]} px screen)")
    for what, selector in (("heading", "main h1"), ("first action", FIRST_ACTION)):
        target = page.locator(selector).first
        if not page.locator(selector).count():
            if what == "heading":
                found.append(f"{where}: no h1")
            continue
        box = target.bounding_box()
        if box is None or box["y"] + box["height"] > PHONE["height"] or box["x"] + box["width"] > PHONE["width"]:
            found.append(f"{where}: the {what} is not in the first screen ({box})")
    return found


@pytest.mark.parametrize("language", ["ru", "en"])
def test_main_pages_fit_a_phone_and_are_photographed(page, demo_server, app, language, screenshots_folder):
    if app.config["PORTAL_DATABASE_KIND"] != "sqlite":
        pytest.skip("the pages look the same on both databases: photographed once, on the first")
    base = demo_server
    problems: list[str] = []
    signed_in = object()
    for role, path, name in PAGES:
        if role != signed_in:
            page.set_viewport_size(DESKTOP)
            _sign_in(page, base, role)
            _set_language(page, base, language)
            signed_in = role
        page.set_viewport_size(DESKTOP)
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, f"{path} as {role}: {response and response.status}"
        assert page.locator("html").get_attribute("lang") == language
        page.screenshot(path=str(screenshots_folder / f"{name}-{language}-1280.png"), full_page=True)
        size = len(page.content().encode("utf-8"))
        assert size < 100_000, f"{path} as {role}: {size} bytes of HTML"
        page.set_viewport_size(PHONE)
        page.evaluate("() => window.scrollTo(0, 0)")
        problems += _phone_problems(page, f"{path} as {role or 'a visitor'}")
        page.screenshot(path=str(screenshots_folder / f"{name}-{language}-390.png"), full_page=True)
    assert not problems, "; ".join(problems)
