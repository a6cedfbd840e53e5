"""In Chromium: a graduate finds a full event, joins the waiting list; another cancels; the first is moved in."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from plugins.graduate_clubs import clubs as rules
from portal.app.extensions import db
from portal.models._time import utcnow
from tests.browser.test_core_flows import sign_in, sign_out
from tests.helpers import make_user


@pytest.fixture
def full_event(regions, people):
    belgorod = regions["belgorod"]
    club = rules.add_club(belgorod, "Клуб «Ориентир»", "Региональный ресурсный центр", belgorod.municipalities[0].id,
                          organizer_ids=[people["specialist"].id])
    starts = (utcnow() + timedelta(days=7)).replace(second=0, microsecond=0)
    event = rules.add_event(club, "Финансовая грамотность", starts, starts + timedelta(hours=2), 1,
                            place="Белгород, ул. Победы, 85")
    db.session.commit()
    return event


def test_waiting_list_moves_a_graduate_in_when_another_cancels(page, live_server, people, regions, full_event,
                                                               console_errors):
    base = live_server
    first = make_user("first@belgorod.test", {regions["belgorod"]: ["graduate"]}, name="Дарья Воробьёва")
    event_url = f"{base}/belgorod/graduate_clubs/events/{full_event.id}"

    sign_in(page, base, first.email)
    page.goto(f"{base}/belgorod/graduate_clubs/")
    page.select_option("#municipality", label="Старый Оскол")  # htmx reloads the listing on change
    expect(page.locator("#listing")).to_contain_text("Ближайших встреч нет.")
    page.select_option("#municipality", label="Белгород")
    expect(page.locator("#listing .club")).to_contain_text("Клуб «Ориентир»")
    page.get_by_role("link", name="Финансовая грамотность").click()
    page.wait_for_load_state()  # htmx is loaded: the button swaps the registration box
    page.get_by_role("button", name="Записаться").click()
    expect(page.locator("main")).to_contain_text("Вы записаны. До встречи!")
    expect(page.locator(".my-status")).to_have_text("Вы записаны.")
    sign_out(page)

    sign_in(page, base, people["graduate"].email)
    page.goto(event_url)
    expect(page.locator("#registration")).to_contain_text("Все места заняты.")
    page.get_by_role("button", name="Встать в лист ожидания").click()
    expect(page.locator(".my-status")).to_have_text("Вы в листе ожидания под номером 1.")
    sign_out(page)

    sign_in(page, base, first.email)
    page.goto(event_url)
    page.locator("#registration details.confirm summary").click()  # asked first: one slip cancels nothing
    expect(page.locator("#registration details.confirm")).to_contain_text("Ваше место перейдёт")
    page.get_by_role("button", name="Да, отменить мою запись").click()
    expect(page.locator("main")).to_contain_text("Ваша запись отменена.")
    sign_out(page)

    sign_in(page, base, people["graduate"].email)
    expect(page.locator("#bell .count")).to_have_text("1")  # told that a place freed up
    page.goto(f"{base}/belgorod/graduate_clubs/my")
    expect(page.locator(".my-event .status")).to_have_text("есть запись")
    page.get_by_role("link", name="Финансовая грамотность").click()
    expect(page.locator(".my-status")).to_have_text("Вы записаны.")
    page.locator("form.language button[value=en]").click()
    expect(page.locator(".my-status")).to_have_text("You are registered.")
    expect(page.locator("#registration details.confirm summary")).to_have_text("Cancel my registration")
    assert not console_errors


def test_organizer_marks_who_came_with_one_tap(page, live_server, people, regions):
    belgorod = regions["belgorod"]
    club = rules.add_club(belgorod, "Клуб «Перспектива»", "Колледж", organizer_ids=[people["volunteer"].id])
    starts = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    event = rules.add_event(club, "Киновечер", starts, starts + timedelta(hours=2), 5, place="Актовый зал",
                            now=starts - timedelta(days=7))
    registration = rules.register(event, people["graduate"], now=starts - timedelta(days=1))
    db.session.commit()
    base = live_server

    sign_in(page, base, people["volunteer"].email)
    page.goto(f"{base}/belgorod/graduate_clubs/events/{event.id}")
    row = page.locator(f"#registration-{registration.id}")
    row.get_by_role("button", name="Отметить присутствие").click()
    expect(row.get_by_role("button")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator(f"#registration-{registration.id} button")).to_have_text("Присутствие отмечено")
    page.locator("form.language button[value=en]").click()
    expect(page.locator(f"#registration-{registration.id} button")).to_have_text("Came")


def test_an_expired_form_shows_its_message_in_the_registration_box(page, live_server, people, full_event):
    """htmx swaps only 2xx and 422: the answer to an expired form must be one of them to be seen."""
    base = live_server
    sign_in(page, base, people["graduate"].email)
    page.goto(f"{base}/belgorod/graduate_clubs/events/{full_event.id}")
    page.wait_for_load_state()
    page.locator("#registration input[name=csrf_token]").evaluate("input => input.value = 'expired'")
    with page.expect_response(lambda response: "/register" in response.url) as answer:
        page.get_by_role("button", name="Записаться").click()
    assert answer.value.status == 422
    expect(page.locator("#registration")).to_contain_text("Срок действия формы истёк")
    page.get_by_role("button", name="Записаться").click()  # the box came back with a fresh form
    expect(page.locator(".my-status")).to_have_text("Вы записаны.")


HELP_WORDS = {
    "ru": {"offer": "Я могу помочь", "thanks": "Спасибо!", "waiting": "ждёт ответа организаторов",
           "accept": "Принять", "accepted": "принято", "mine": "Моя помощь на встречах клубов"},
    "en": {"offer": "I can help", "thanks": "Thank you!", "waiting": "waiting for the organizers",
           "accept": "Accept", "accepted": "accepted", "mine": "My help at club events"},
}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_volunteer_offers_help_the_organizer_accepts_and_the_volunteer_sees_it(page, live_server, regions,
                                                                                 console_errors, language):
    words, belgorod, base = HELP_WORDS[language], regions["belgorod"], live_server
    organizer = make_user(f"organizer-{language}@belgorod.test", {belgorod: ["specialist"]}, name="Ирина Орлова",
                          locale=language)
    helper = make_user(f"helper-{language}@belgorod.test", {belgorod: ["volunteer"]}, name="Анна Волонтёрова",
                       locale=language)
    club = rules.add_club(belgorod, "Клуб «Ориентир»", "Колледж", organizer_ids=[organizer.id])
    starts = (utcnow() + timedelta(days=7)).replace(second=0, microsecond=0)
    event = rules.add_event(club, "Субботник", starts, starts + timedelta(hours=2), 10,
                            place="Белгород, парк Победы", volunteers_wanted=True)
    db.session.commit()
    event_url = f"{base}/belgorod/graduate_clubs/events/{event.id}"

    sign_in(page, base, helper.email)
    page.goto(event_url)
    page.wait_for_load_state()  # htmx is loaded: the button swaps the help box
    page.locator("#help-note").fill("Могу вести фотосъёмку")
    page.get_by_role("button", name=words["offer"]).click()
    expect(page.locator("#help")).to_contain_text(words["thanks"])
    expect(page.locator("#help .help-status")).to_contain_text(words["waiting"])
    sign_out(page)

    sign_in(page, base, organizer.email)
    expect(page.locator("#bell .count")).to_have_text("1")  # told of the offer
    page.goto(event_url)
    row = page.locator(".help-offer", has_text="Анна Волонтёрова")
    expect(row).to_contain_text("Могу вести фотосъёмку")
    row.get_by_role("button", name=words["accept"]).click()  # htmx swaps the row
    expect(page.locator(".help-offer.accepted")).to_contain_text(words["accepted"])
    expect(page.locator(".help-offer.accepted button")).to_have_count(0)
    sign_out(page)

    sign_in(page, base, helper.email)
    expect(page.locator("#bell .count")).to_have_text("1")  # told of the answer
    page.goto(f"{base}/belgorod/graduate_clubs/volunteering")
    expect(page.locator("h1")).to_have_text(words["mine"])
    mine = page.locator(".my-help li", has_text="Субботник")
    expect(mine).to_contain_text("Белгород, парк Победы")
    expect(mine.locator(".status")).to_have_text(words["accepted"])
    assert not console_errors
