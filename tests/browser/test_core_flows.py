"""What people click, in a real Chromium: registration and approval, services on and off, languages.

Fields are found by their id/name and choices by value; texts the page should show are
looked up in the app's own catalogue (`translated`), so the tests follow the Russian
catalogue as it is edited while still proving the pages are rendered in Russian.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.helpers import PASSWORD


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form[action='/login'] [type=submit]")


def sign_out(page) -> None:
    page.click("form[action='/logout'] [type=submit]")
    expect(page.locator("form[action='/logout']")).to_have_count(0)


def translated(app, message: str, locale: str = "ru", **variables) -> str:
    """`message` as the portal renders it in `locale`."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(locale):
        return gettext(message, **variables)


def csp_errors(errors: list[str]) -> list[str]:
    """Scripts the policy blocked, and htmx refusing to eval (allowEval is off)."""
    return [e for e in errors if "Content Security Policy" in e or "evalDisallowed" in e]


def test_mentor_registers_in_russian_coordinator_approves_mentor_signs_in(page, live_server, people, app,
                                                                           console_errors):
    base = live_server
    page.goto(f"{base}/belgorod/register")
    expect(page.locator("html")).to_have_attribute("lang", "ru")  # Russian is the default
    expect(page.locator("h1")).to_contain_text(
        translated(app, "Registration in the region: %(region)s", region="Белгородская область"))
    page.select_option("#role", "mentor")
    page.fill("#name", "Виктор Наставников")
    page.fill("#email", "viktor@example.org")
    page.fill("#password", "наставник-2026")
    page.fill("#confirm", "наставник-2026")
    page.select_option("#municipality", label="Старый Оскол")
    page.select_option("#language", "ru")
    expect(page.locator("#consent-text")).to_contain_text("152-ФЗ")  # the region's text, here the default
    page.check("#consent")
    page.click("form[action='/belgorod/register'] [type=submit]")
    expect(page).to_have_url(f"{base}/belgorod/register/sent")
    expect(page.locator("h1")).to_have_text(translated(app, "Check your mail"))
    expect(page.locator(".next-steps")).to_have_attribute("data-role", "mentor")  # what a mentor brings

    sign_in(page, base, people["coordinator"].email)
    page.goto(f"{base}/belgorod/members/pending")
    row = page.locator("li.pending-row", has_text="Виктор Наставников")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(translated(app, "Mentor"))
    row_id = row.get_attribute("id")
    assert row_id and row_id.startswith("membership-")
    page.evaluate("window.__noReload = 1")

    # Without the documents check the coordinator is refused, in place.
    row.locator("form").first.locator("button.primary").click()
    expect(row.locator(".error")).to_contain_text(
        translated(app, "A mentor can only be approved after their documents have been checked."))
    expect(row).not_to_have_class(re.compile(r"\bdecided\b"))

    row.locator("input[name$='documents_checked']").check()
    row.locator("form").first.locator("button.primary").click()
    decided = page.locator(f"li#{row_id}")
    expect(decided).to_have_class(re.compile(r"\bdecided\b"))  # htmx swapped the row in place
    expect(decided).to_have_text(translated(app, "%(name)s is approved.", name="Виктор Наставников"))
    expect(page.locator("li.pending-row:not(.decided)")).to_have_count(0)
    assert page.evaluate("window.__noReload") == 1
    sign_out(page)

    sign_in(page, base, "viktor@example.org", "наставник-2026")
    expect(page).to_have_url(f"{base}/belgorod/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    my_roles = page.locator("section[aria-labelledby='my-roles'] li")
    expect(my_roles).to_have_count(1)
    expect(my_roles).to_contain_text(f"{translated(app, 'Mentor')} — {translated(app, 'active')}")
    expect(page.locator("main")).not_to_contain_text(translated(app, "waiting for approval by the coordinator"))
    expect(page.locator("#bell .count")).to_have_text("1")  # told of the approval
    assert not csp_errors(console_errors), console_errors


def test_region_admin_turns_a_service_off_and_its_menu_entry_goes_without_reload(page, live_server, people,
                                                                                  console_errors):
    base = live_server
    sign_in(page, base, people["region_admin"].email)
    response = page.goto(f"{base}/belgorod/admin/plugins")
    assert response.status == 200
    # The policy htmx has to live with: no inline scripts, no eval.
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert page.evaluate("typeof window.htmx") == "object"

    entry = page.locator("#region-nav li[data-plugin='sample']")
    row = page.locator("#plugin-sample")
    expect(entry).to_have_count(1)
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bon\b"))
    page.evaluate("window.__noReload = 42")

    row.locator("button[type=submit]").click()
    expect(entry).to_have_count(0)
    expect(row.locator(".badge")).to_have_class(re.compile(r"\boff\b"))
    expect(row.locator("input[name=enabled]")).to_have_value("1")  # the button now turns it on
    assert page.evaluate("window.__noReload") == 42  # the page was not reloaded

    other = page.context.new_page()  # same session, another tab
    assert other.goto(f"{base}/belgorod/sample/").status == 404
    other.close()

    row.locator("button[type=submit]").click()
    expect(entry).to_have_count(1)
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bon\b"))
    assert page.evaluate("window.__noReload") == 42

    other = page.context.new_page()
    assert other.goto(f"{base}/belgorod/sample/").status == 200
    other.close()
    assert not csp_errors(console_errors), console_errors


def test_language_switch_in_the_header(page, live_server, people, app, console_errors):
    base = live_server
    english_heading = "Support for graduates of children's homes"
    russian_heading = translated(app, english_heading)
    assert russian_heading != english_heading, "the Russian catalogue lacks the home page heading"

    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text(russian_heading)
    page.click("form.language button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(english_heading)
    expect(page.locator("form.language button[value=en]")).to_have_attribute("aria-current", "true")
    page.reload()  # remembered (cookie)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("form.language button[value=ru]")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text(russian_heading)

    sign_in(page, base, people["graduate"].email)
    expect(page.locator("html")).to_have_attribute("lang", "ru")  # the profile's language once signed in
    page.click("form.language button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert not csp_errors(console_errors), console_errors


def test_audit_log_pages_with_htmx(page, live_server, people, regions, app):
    from portal.app.extensions import db
    from portal.services import audit

    for number in range(60):
        audit.record("login", target=f"event-{number:03d}", region=regions["belgorod"], actor=people["graduate"])
    db.session.commit()
    base = live_server
    sign_in(page, base, people["region_admin"].email)
    page.goto(f"{base}/belgorod/admin/audit")
    page.evaluate("window.__noReload = 7")
    page.locator(".pager a").last.click()
    expect(page).to_have_url(f"{base}/belgorod/admin/audit?page=2")  # hx-push-url
    expect(page.locator(".pager")).to_contain_text(translated(app, "Page %(page)d of %(pages)d", page=2, pages=2))
    assert page.evaluate("window.__noReload") == 7


def test_a_refused_htmx_click_says_why_instead_of_doing_nothing(page, live_server, people, app):
    base = live_server
    sign_in(page, base, people["region_admin"].email)
    page.goto(f"{base}/belgorod/admin/plugins")
    row = page.locator("#plugin-sample")
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bon\b"))
    expect(page.locator("#request-error")).to_be_hidden()
    # The form has gone stale (e.g. the page stayed open past the session): every token is refused.
    page.evaluate("""() => {
        document.querySelectorAll("input[name=csrf_token]").forEach(input => input.value = "stale");
        document.body.setAttribute("hx-headers", '{"X-CSRFToken": "stale"}');
        window.__noReload = 42;
    }""")
    row.locator("button[type=submit]").click()
    message = translated(app, "The form has expired or was not sent from this site. Please reload the page and "
                              "try again.")
    expect(page.locator("#request-error")).to_contain_text(message)
    expect(page.locator("#request-error")).to_be_visible()
    expect(row.locator(".badge")).to_have_class(re.compile(r"\bon\b"))  # nothing changed
    assert page.evaluate("window.__noReload") == 42
