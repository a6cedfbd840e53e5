"""In Chromium: the coordinator proposes the top suggestion from the board and approves it; the mentor sees why."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_core_flows import sign_in, sign_out
from tests.plugins.mentorship.conftest import add_mentor
from tests.plugins.mentorship.conftest import pool as pool  # noqa: F401  (the fixture)


@pytest.fixture
def belgorod(regions):
    return regions["belgorod"]


def test_coordinator_proposes_and_approves_the_mentor_sees_the_reasons(page, pool, live_server, people,
                                                                       console_errors):
    base = live_server
    sign_in(page, base, people["coordinator"].email)
    page.goto(f"{base}/belgorod/mentorship/board")
    graduate = page.locator(f"#graduate-{people['graduate'].id}")
    first = graduate.locator(".suggestion").first  # loaded by htmx
    expect(first).to_contain_text("Игорь Белов")
    expect(first).to_contain_text("оба: футбол")
    first.get_by_role("button", name="Предложить").click()
    expect(graduate).to_contain_text("Предложено: Анна Смирнова и Игорь Белов")
    proposal = page.locator("#proposals-list .proposal").first
    expect(proposal).to_contain_text("может помочь: жильё")
    proposal.get_by_label("Одобрить").check()
    proposal.get_by_role("button", name="Решить").click()
    expect(page.locator("#proposals-list")).to_contain_text("Одобрено: Анна Смирнова и Игорь Белов")
    page.reload()
    expect(page.locator("#proposals-list .proposal")).to_have_count(0)
    sign_out(page)

    sign_in(page, base, people["mentor"].email)
    page.goto(f"{base}/belgorod/mentorship/")
    match = page.locator(".match.active")
    expect(match).to_contain_text("Анна Смирнова")
    expect(match).to_contain_text("оба: футбол")
    expect(page.locator("#bell .count")).to_have_text("1")
    page.click("form.language button[value=en]")
    expect(page.locator(".match.active")).to_contain_text("both: футбол")
    expect(page.locator(".match.active")).to_contain_text("can help with housing, which is needed")
    assert not console_errors


def test_the_board_works_in_english_and_without_javascript(browser, pool, live_server, people, belgorod):
    add_mentor(belgorod, "third@belgorod.test", interests=("гитара",), areas=("housing",), name="Третий Наставник")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, people["coordinator"].email)
    page.click("form.language button[value=en]")
    page.goto(f"{live_server}/belgorod/mentorship/board")
    expect(page.locator("h1")).to_have_text("Matching board")
    page.get_by_role("link", name="Show suggested mentors").click()
    expect(page.locator("h1")).to_contain_text("Suggested mentors for Анна Смирнова")
    page.locator(".suggestion").first.get_by_role("button", name="Propose").click()
    expect(page.locator(".flashes")).to_contain_text("Proposed: Анна Смирнова with Игорь Белов")
    proposal = page.locator("#proposals-list .proposal").first
    proposal.get_by_label("Reject").check()
    proposal.get_by_role("button", name="Decide").click()
    expect(page.locator(".proposal .error")).to_contain_text("Say why the pair is rejected")
    page.get_by_label("Reason").fill("They live too far apart")
    page.get_by_label("Reject").check()
    page.get_by_role("button", name="Decide").click()
    expect(page.locator(".flashes")).to_contain_text("This pair will not be proposed again")
    context.close()


def test_a_graduate_asks_for_a_mentor(page, live_server, people, belgorod):
    sign_in(page, live_server, people["graduate"].email)
    page.goto(f"{live_server}/belgorod/mentorship/")
    page.get_by_role("link", name="Я хочу наставника").click()
    page.fill("#interests", "рисование, футбол")
    page.get_by_label("Жильё").check()
    page.get_by_label("Образование", exact=True).check()
    page.select_option("#prefers_gender", "female")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".flashes")).to_contain_text("Координатор подберёт вам наставника")
    expect(page.locator("#as-graduate + p")).to_contain_text("Вы попросили наставника")
    page.get_by_role("link", name="Мои пожелания к наставнику").click()
    expect(page.locator("#interests")).to_have_value("рисование, футбол")
    expect(page.get_by_label("Жильё")).to_be_checked()
