"""What people click, in a real Chromium: registration and approval, services on and off, languages."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.helpers import PASSWORD


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form[action='/login'] [type=submit]")


def sign_out(page) -> None:
    page.click("form[action='/logout'] [type=submit]")


def test_mentor_registers_in_russian_coordinator_approves_mentor_signs_in(page, live_server, people,
                                                                           console_errors):
    base = live_server
    page.goto(f"{base}/belgorod/register")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_contain_text("Регистрация в регионе")
    page.select_option("#role", "mentor")
    page.fill("#name", "Виктор Наставников")
    page.fill("#email", "viktor@example.org")
    page.fill("#password", "наставник-2026")
    page.fill("#confirm", "наставник-2026")
    page.select_option("#municipality", label="Старый Оскол")
    page.click("form [type=submit].primary")
    expect(page).to_have_url(f"{base}/login")
    expect(page.locator(".flashes")).to_contain_text("Координатор рассмотрит")

    sign_in(page, base, people["coordinator"].email)
    page.goto(f"{base}/belgorod/members/pending")
    row = page.locator("li.pending-row", has_text="Виктор Наставников")
    expect(row).to_contain_text("Наставник")
    row.locator("button.primary").click()  # without the documents check: refused, in place
    expect(row.locator(".error")).to_contain_text("только после проверки")
    row.locator("input[name$='documents_checked']").check()
    row.locator("button.primary").click()
    expect(page.locator("li.decided")).to_contain_text("Виктор Наставников")
    sign_out(page)

    sign_in(page, base, "viktor@example.org", "наставник-2026")
    expect(page).to_have_url(f"{base}/belgorod/")
    expect(page.locator("main")).to_contain_text("Наставник — действует")
    expect(page.locator("#bell .count")).to_have_text("1")  # told of the approval
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_region_admin_turns_a_service_off_and_its_menu_entry_goes_without_reload(page, live_server, people,
                                                                                  console_errors):
    base = live_server
    sign_in(page, base, people["region_admin"].email)
    page.goto(f"{base}/belgorod/admin/plugins")
    entry = page.locator("#region-nav li[data-plugin='sample']")
    expect(entry).to_have_count(1)
    page.evaluate("window.__noReload = 42")

    page.locator("#plugin-sample button").click()
    expect(entry).to_have_count(0)
    expect(page.locator("#plugin-sample .badge")).to_have_text("Выключена")
    assert page.evaluate("window.__noReload") == 42  # the page was not reloaded
    assert page.request.get(f"{base}/belgorod/sample/").status == 404

    page.locator("#plugin-sample button").click()
    expect(entry).to_have_count(1)
    assert page.evaluate("window.__noReload") == 42
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_language_switch_in_the_header(page, live_server, people):
    base = live_server
    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.click("form.language button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Support for graduates of children's homes")
    sign_in(page, base, people["graduate"].email)
    expect(page.locator("html")).to_have_attribute("lang", "ru")  # the profile's language wins once signed in
    page.click("form.language button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_audit_log_pages_with_htmx(page, live_server, people, regions):
    from portal import audit
    from portal.extensions import db

    for number in range(60):
        audit.record("login", target=f"event-{number:03d}", region=regions["belgorod"], actor=people["graduate"])
    db.session.commit()
    base = live_server
    sign_in(page, base, people["region_admin"].email)
    page.goto(f"{base}/belgorod/admin/audit")
    page.evaluate("window.__noReload = 7")
    page.locator(".pager a").last.click()
    expect(page.locator(".pager")).to_contain_text("Страница 2")
    expect(page).to_have_url(f"{base}/belgorod/admin/audit?page=2")
    assert page.evaluate("window.__noReload") == 7
