"""In Chromium: a site admin opens a region and invites its first admin, who takes it over;
a coordinator suspends a member and reinstates them; a region admin filters the members, grants a role and is
asked before removing it — in Russian and in English."""
from __future__ import annotations


import pytest
from playwright.sync_api import expect

from tests.browser.test_core_flows import sign_in, sign_out, translated


def _speaks(person, locale: str) -> None:
    """Signed-in pages speak the person's own language."""
    from portal.app.extensions import db

    person.locale = locale
    db.session.commit()


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_site_admin_invites_the_first_region_admin_who_takes_the_region_over(page, live_server, people, app,
                                                                            console_errors, locale):
    base = live_server
    _speaks(people["site_admin"], locale)
    page.context.add_cookies([{"name": "portal_lang", "value": locale, "url": base}])
    sign_in(page, base, people["site_admin"].email)
    page.goto(f"{base}/admin/regions/new")
    page.fill("#code", "tver")
    page.fill("#name", "Тверская область")
    page.fill("#municipalities", "Тверь\nРжев")
    page.click("form[action='/admin/regions/new'] [type=submit]")
    expect(page).to_have_url(f"{base}/admin/regions/tver/admins")
    expect(page.locator("h1")).to_contain_text(
        translated(app, "Region admins of %(region)s", locale, region="Тверская область"))
    page.fill("#email", "irina@example.org")
    page.click("form[action='/admin/regions/tver/admins'] [type=submit]")
    link = page.locator(".notice code").inner_text()
    assert "/invitations/" in link
    sign_out(page)

    page.goto(link)
    expect(page.locator("h1")).to_contain_text(translated(app, "Invitation to %(region)s", locale,
                                                          region="Тверская область"))
    page.fill("#name", "Ирина Петрова")
    page.fill("#password", "тверь-админ-2026")
    page.fill("#confirm", "тверь-админ-2026")
    page.click("form.stack [type=submit]")
    expect(page).to_have_url(f"{base}/tver/")
    page.goto(f"{base}/tver/admin/plugins")
    expect(page.locator("h1")).to_be_visible()
    assert page.url.endswith("/tver/admin/plugins")
    page.goto(link)  # used once
    expect(page.locator("h1")).to_contain_text(translated(app, "This invitation cannot be used", locale))
    assert not [e for e in console_errors if "404" not in e]


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_coordinator_suspends_and_reinstates_a_member(page, live_server, people, app, console_errors, locale):
    base = live_server
    _speaks(people["coordinator"], locale)
    page.context.add_cookies([{"name": "portal_lang", "value": locale, "url": base}])
    graduate = people["graduate"]
    sign_in(page, base, people["coordinator"].email)
    page.goto(f"{base}/belgorod/admin/members")
    page.fill("#q", graduate.email)
    page.locator("form[role=search] [type=submit]").click()
    expect(page.locator("#members")).to_contain_text(graduate.email)
    assert graduate.email not in page.url  # the search is posted, never in the address
    page.locator(f"#members a[href='/belgorod/people/{graduate.id}']").click()
    expect(page.locator("h1")).to_have_text(graduate.name)
    page.locator("details summary").first.click()
    page.fill("#suspend-graduate-reason", "Проверка жалобы")
    page.locator("details form [type=submit]").first.click()
    expect(page.locator("#roles")).to_contain_text(translated(app, "suspended", locale))
    expect(page.locator("#roles")).to_contain_text("Проверка жалобы")
    page.locator("#roles form.inline [type=submit]").click()  # reinstate
    expect(page.locator("#roles")).to_contain_text(translated(app, "active", locale))
    assert not console_errors


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_region_admin_filters_members_grants_a_role_and_is_asked_before_removing_it(page, live_server, people, app,
                                                                                     console_errors, locale):
    base, volunteer = live_server, people["volunteer"]
    _speaks(people["region_admin"], locale)
    page.context.add_cookies([{"name": "portal_lang", "value": locale, "url": base}])
    sign_in(page, base, people["region_admin"].email)
    page.goto(f"{base}/belgorod/admin/members")
    page.select_option("#member-role", "volunteer")
    page.locator("form[role=search] [type=submit]").click()
    row = page.locator(f"#member-{volunteer.id}")
    expect(row).to_be_visible()
    expect(page.locator(f"#member-{people['graduate'].id}")).to_have_count(0)
    expect(row.locator("select")).to_have_value("")  # nothing preselected
    row.locator("select").select_option("specialist")
    row.get_by_role("button", name=translated(app, "Grant", locale)).click()
    expect(page.locator(f"#member-{volunteer.id} ul.roles")).to_contain_text(translated(app, "Support specialist", locale))
    page.evaluate("window.notReloaded = true")
    page.locator(f"#member-{volunteer.id} ul.roles a.link").click()
    question = page.locator(f"#member-{volunteer.id} form.confirm")
    expect(question).to_contain_text(volunteer.name)
    question.get_by_role("button", name=translated(app, "Remove the role", locale)).click()
    expect(page.locator(f"#member-{volunteer.id} ul.roles")).not_to_contain_text(
        translated(app, "Support specialist", locale))
    assert page.evaluate("window.notReloaded") is True  # asked and removed in place
    assert not console_errors
