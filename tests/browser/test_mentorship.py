"""In Chromium: the coordinator proposes the top suggestion from the board and approves it; the mentor sees why;
the graduate and the mentor each decide, and once all three agreed both see how to reach each other."""
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
    graduate.locator("td.suggestions a").click()  # on demand: the board does not fire one request per graduate
    first = graduate.locator(".suggestion").first  # loaded by htmx
    expect(first).to_contain_text("Игорь Белов")
    expect(first).to_contain_text("оба: футбол")
    first.get_by_role("button", name="Предложить").click()
    expect(graduate).to_contain_text("Предложено: Анна Смирнова и Игорь Белов")
    proposal = page.locator("#proposals-list .proposal").first
    expect(proposal).to_contain_text("может помочь: жильё")
    from plugins.mentorship import pairs
    from plugins.mentorship.models import Mentorship
    from portal.app.extensions import db

    row = db.session.query(Mentorship).one()
    for side in ("graduate", "mentor"):  # both have said yes on their own pages (the journey tests below)
        pairs.answer(row, side, True)
    db.session.commit()
    proposal.get_by_role("button", name="Одобрить", exact=True).click()
    expect(page.locator("#proposals-list")).to_contain_text("Одобрено: Анна Смирнова и Игорь Белов")
    page.reload()
    expect(page.locator("#proposals-list .proposal")).to_have_count(0)
    sign_out(page)

    sign_in(page, base, people["mentor"].email)
    page.goto(f"{base}/belgorod/mentorship/")
    match = page.locator(".match.active")
    expect(match).to_contain_text("Анна Смирнова")
    expect(match).to_contain_text("вам обоим нравится: футбол")
    expect(page.locator("#bell .count")).to_have_text("2")  # the proposal, then the start
    page.click("form.language button[value=en]")
    expect(page.locator(".match.active")).to_contain_text("you both like футбол")
    expect(page.locator(".match.active")).to_contain_text("the graduate would like help with housing, which you offer")
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
    proposal.get_by_role("button", name="Reject", exact=True).click()
    expect(page.locator(".proposal .error")).to_contain_text("Say why the pair is rejected")
    page.get_by_label("Reason for rejecting").fill("They live too far apart")
    page.get_by_role("button", name="Reject", exact=True).click()
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


# --- the graduate decides: the whole journey, in both languages -------------------------------------

WORDS = {
    "ru": {"propose": "Предложить", "proposed": "Предлагаемый наставник: Игорь Белов",
           "both_like": "вам обоим нравится: футбол", "accept": "Согласиться",
           "graduate_waits": "Ждём ответа: координатор, наставник", "mentor_waits": "Ждём ответа: координатор",
           "graduate_agreed": "Выпускник: согласие дано", "approve": "Одобрить",
           "active": "Оба уже согласились: пара начала работу", "reach": "Как связаться друг с другом",
           "no_contact": "Вы пока не указали контакт", "decline": "Отказаться",
           "why": "Почему (по желанию; это прочитает только координатор)", "declined": "Вы отказались"},
    "en": {"propose": "Propose", "proposed": "Proposed mentor: Игорь Белов",
           "both_like": "you both like футбол", "accept": "Accept",
           "graduate_waits": "Waiting for: the coordinator, the mentor", "mentor_waits": "Waiting for: the coordinator",
           "graduate_agreed": "Graduate: agreed", "approve": "Approve",
           "active": "Both had accepted: the pair is active", "reach": "How to reach each other",
           "no_contact": "You have not shared a contact yet", "decline": "Decline",
           "why": "Why (optional; only the coordinator reads it)", "declined": "You declined"},
}


def _as(page, base, person, language):
    sign_in(page, base, person.email)
    if language == "en":
        page.click("form.language button[value=en]")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_graduate_and_the_mentor_decide_then_see_how_to_reach_each_other(page, pool, live_server, people,
                                                                            console_errors, language):
    from portal.app.extensions import db

    words, base, home = WORDS[language], live_server, f"{live_server}/belgorod/mentorship/"
    people["mentor"].contact = "+7 900 111-22-33"
    db.session.commit()
    _as(page, base, people["coordinator"], language)
    page.goto(f"{base}/belgorod/mentorship/board")
    page.locator(f"#graduate-{people['graduate'].id} td.suggestions a").click()
    page.locator(f"#graduate-{people['graduate'].id} .suggestion").first.get_by_role(
        "button", name=words["propose"]).click()
    expect(page.locator("#proposals-list .proposal")).to_have_count(1)
    sign_out(page)

    _as(page, base, people["graduate"], language)  # the graduate: the proposal in their words, their choice
    page.goto(home)
    card = page.locator(".match.proposed")
    expect(card).to_contain_text(words["proposed"])
    expect(card).to_contain_text(words["both_like"])
    card.get_by_role("button", name=words["accept"], exact=True).click()
    expect(page.locator(".answer")).to_contain_text(words["graduate_waits"])
    sign_out(page)

    _as(page, base, people["mentor"], language)
    page.goto(home)
    page.locator(".match.proposed").get_by_role("button", name=words["accept"], exact=True).click()
    expect(page.locator(".answer")).to_contain_text(words["mentor_waits"])
    sign_out(page)

    _as(page, base, people["coordinator"], language)  # two plain buttons, no radio
    page.goto(f"{base}/belgorod/mentorship/board")
    proposal = page.locator("#proposals-list .proposal").first
    expect(proposal).to_contain_text(words["graduate_agreed"])
    expect(proposal.locator("input[type=radio]")).to_have_count(0)
    proposal.get_by_role("button", name=words["approve"], exact=True).click()
    expect(page.locator("#proposals-list")).to_contain_text(words["active"])
    sign_out(page)

    _as(page, base, people["graduate"], language)
    page.goto(home)
    contacts = page.locator(".match.active .contacts")
    expect(contacts).to_contain_text(words["reach"])
    expect(contacts).to_contain_text("+7 900 111-22-33")
    expect(contacts).to_contain_text(words["no_contact"])
    expect(contacts.locator("a[href='/profile']")).to_have_count(1)
    sign_out(page)

    _as(page, base, people["mentor"], language)
    page.goto(home)
    expect(page.locator(".match.active .contacts")).to_contain_text(words["reach"])
    assert not console_errors


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_decline_with_a_reason_only_the_coordinator_reads(browser, pool, live_server, people, belgorod, language):
    from plugins.mentorship import pairs
    from portal.app.extensions import db

    row = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                        pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    db.session.commit()
    words, base, pair = WORDS[language], live_server, f"{live_server}/belgorod/mentorship/mentorships/{row.id}"
    context = browser.new_context(java_script_enabled=False)  # a plain form, without JavaScript
    page = context.new_page()
    _as(page, base, people["graduate"], language)
    page.goto(pair)
    page.get_by_label(words["why"]).fill("Хочу наставника поближе к дому")
    page.get_by_role("button", name=words["decline"], exact=True).click()
    expect(page.locator(".flashes")).to_contain_text(words["declined"])
    expect(page.locator("body")).not_to_contain_text("Хочу наставника поближе к дому")
    sign_out(page)

    _as(page, base, people["mentor"], language)
    page.goto(pair)
    expect(page.locator("h1")).to_contain_text("Анна Смирнова")
    expect(page.locator("body")).not_to_contain_text("Хочу наставника поближе к дому")
    sign_out(page)

    _as(page, base, people["coordinator"], language)
    page.goto(pair)
    expect(page.locator(".answers")).to_contain_text("Хочу наставника поближе к дому")
    context.close()
