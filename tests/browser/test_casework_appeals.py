"""In Chromium, in both languages: a specialist logs an appeal on a record, takes it, acts and resolves it; the
graduate files one on their page and sees it change as the specialist works on it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_core_flows import sign_in, sign_out
from tests.plugins.casework.conftest import services, supported  # noqa: F401  (the fixtures)

WORDS = {
    "ru": {"new": "Новое обращение", "log": "Зарегистрировать обращение", "logged": "Обращение зарегистрировано",
           "take": "Взять в работу", "taken": "Обращение взято вами в работу", "add": "Добавить",
           "added": "Действие добавлено.", "change": "Изменить статус", "resolved": "решено",
           "in_progress": "в работе", "new_status": "новое", "mine": "Моё сопровождение",
           "ask": "Обратиться в службу за помощью", "send": "Отправить обращение", "journal": "Журнал обращений"},
    "en": {"new": "New appeal", "log": "Log the appeal", "logged": "The appeal is logged", "take": "Take it",
           "taken": "You are working on this appeal", "add": "Add", "added": "The action is added.",
           "change": "Change the status", "resolved": "resolved", "in_progress": "in progress",
           "new_status": "new", "mine": "My support", "ask": "Ask the service for help", "send": "Send the appeal",
           "journal": "Appeals journal"},
}


def _language(page, language: str) -> None:
    if language == "en":
        page.locator("form.language button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_an_appeals_life_for_staff_and_the_graduate(page, live_server, people, regions, supported,  # noqa: F811
                                                    console_errors, language):
    base, words = live_server, WORDS[language]
    sign_in(page, base, people["specialist"].email)
    _language(page, language)
    page.goto(f"{base}/belgorod/casework/records/{supported.id}")
    page.locator("#appeals").get_by_role("link", name=words["new"]).click()
    page.select_option("#type", "documents")
    page.select_option("#channel", "phone")
    page.fill("#request", "Восстановить паспорт")
    page.get_by_role("button", name=words["log"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["logged"])
    expect(page.locator(".appeal-status")).to_have_text(words["new_status"])
    page.get_by_role("button", name=words["take"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["taken"])
    expect(page.locator(".appeal-status")).to_have_text(words["in_progress"])
    page.fill("#action-text", "Записала в МФЦ на четверг")
    page.get_by_role("button", name=words["add"], exact=True).click()
    expect(page.locator(".flashes")).to_contain_text(words["added"])
    expect(page.locator("#timeline")).to_contain_text("Записала в МФЦ на четверг")
    page.select_option("#status-move", "resolve")
    page.get_by_role("button", name=words["change"]).click()  # no outcome given: refused, nothing lost
    expect(page.locator("#status-text-error")).to_be_visible()
    page.fill("#status-text", "Паспорт получен")
    page.get_by_role("button", name=words["change"]).click()
    expect(page.locator(".appeal-status")).to_have_text(words["resolved"])
    page.get_by_role("link", name=words["journal"]).first.click()
    expect(page.locator("#appeals-results")).to_contain_text(supported.full_name)
    sign_out(page)

    # The graduate files one on their page and follows it.
    sign_in(page, base, people["graduate"].email)
    _language(page, language)
    page.goto(f"{base}/belgorod/casework/mine")
    expect(page.locator("#my-appeals")).to_contain_text(words["resolved"])
    page.get_by_role("link", name=words["ask"]).click()
    page.select_option("#type", "legal")
    page.fill("#request", "Нужна помощь юриста")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator(".appeal-status")).to_have_text(words["new_status"])
    own = page.url
    sign_out(page)

    sign_in(page, base, people["specialist"].email)
    appeal_id = own.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{base}/belgorod/casework/appeals/{appeal_id}")
    page.get_by_role("button", name=words["take"]).click()
    expect(page.locator(".appeal-status")).to_have_text(words["in_progress"])
    sign_out(page)

    sign_in(page, base, people["graduate"].email)
    page.goto(own)
    expect(page.locator(".appeal-status")).to_have_text(words["in_progress"])
    expect(page.locator("main")).to_contain_text(people["specialist"].name)
    # The one refusal (a resolution with no outcome) answers 422, as it should; nothing else went wrong.
    assert [e for e in console_errors if "422" not in e] == [], console_errors
