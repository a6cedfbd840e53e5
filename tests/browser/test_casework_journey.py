"""In Chromium, in both languages, the issue's whole journey on one record: a specialist creates the record past
the duplicates step, signs the contract, links the graduate's account and fills the quarterly assessment, takes
goals from it into the plan with a task for the graduate; the consilium sets a level, the coordinator approves it
(htmx, in place); the graduate signs in, sees their record, level and plan, and ticks their task."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from plugins.casework.models import AssessmentArea
from portal.kit import today
from tests.browser.test_core_flows import sign_in, sign_out
from tests.helpers import make_user
from tests.plugins.casework.conftest import born_aged, make_record, services  # noqa: F401  (the fixture)

WORDS = {
    "ru": {"new": "Новая карта", "create": "Завести карту", "duplicates": "Возможные дубли",
           "created": "Карта заведена.", "sign": "Заключить договор", "signed": "Договор заключён",
           "link": "Привязать учётную запись", "linked": "Карта привязана", "mine": "Моё сопровождение",
           "status": "на сопровождении", "save": "Сохранить оценку", "saved": "Оценка сохранена",
           "from": "Цели из оценки", "add": "Добавить цели", "added": "Целей добавлено в план: 2",
           "task": "Добавить задачу", "task_added": "Задача добавлена", "record": "Записать консилиум",
           "decide": "Записать решение", "awaits": "ждёт утверждения", "approve": "Подтвердить",
           "approved": "утверждено", "level": "интенсивный", "done": "Выполнено", "undo": "Всё-таки не выполнено",
           "graduate": "выпускник"},
    "en": {"new": "New record", "create": "Create the record", "duplicates": "Possible duplicates",
           "created": "The record is created.", "sign": "Sign the contract", "signed": "The contract is signed",
           "link": "Link the account", "linked": "The record is linked", "mine": "My support",
           "status": "under support", "save": "Save the assessment", "saved": "The assessment is saved",
           "from": "Goals from the assessment", "add": "Add the goals", "added": "Goals added to the plan: 2",
           "task": "Add the task", "task_added": "The task is added", "record": "Record the consilium",
           "decide": "Record the decision", "awaits": "awaits the coordinator", "approve": "Approve",
           "approved": "approved", "level": "intensive", "done": "Done", "undo": "Not done after all",
           "graduate": "the graduate"},
}
CHOSEN = {"housing": "critical", "income": "problem", "education": "not_ideal"}


def _language(page, language: str) -> None:
    if language == "en":
        page.locator("form.language button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


def _create_sign_and_link(page, base, words, birth, graduate, day) -> str:
    """As the specialist: a new record past the duplicates step, the contract, the account; returns its URL."""
    page.goto(f"{base}/belgorod/casework/")
    page.get_by_role("link", name=words["new"]).click()
    page.fill("#last_name", "Смирнова")
    page.fill("#first_name", "Настя")
    page.fill("#birth_date", birth.isoformat())
    page.select_option("#gender", "female")
    page.select_option("#legal_status", "orphan")
    page.select_option("#municipality", label="Белгород")
    page.fill("#address", "ул. Преображенская, 10")
    page.get_by_role("button", name=words["create"]).click()
    expect(page.locator("#duplicates")).to_contain_text(words["duplicates"])
    expect(page.locator("#duplicates")).to_contain_text("Смирнова Анастасия Олеговна")
    expect(page.locator("#address")).to_have_value("ул. Преображенская, 10")  # nothing typed is lost
    page.check("#different_person")
    page.get_by_role("button", name=words["create"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["created"])
    expect(page.locator("h1")).to_have_text("Смирнова Настя")
    record_url = page.url

    page.fill("#starts_on", day.isoformat())
    page.fill("#ends_on", date(day.year + 2, 1, 1).isoformat())
    page.fill("#consent_on", day.isoformat())
    page.fill("#graduate_undertakes", "Сообщать о переезде")
    page.get_by_role("button", name=words["sign"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["signed"])

    page.fill("#email", graduate.email)
    page.get_by_role("button", name=words["link"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["linked"])
    return record_url


def _assess_and_plan(page, words, record_url, day) -> None:
    """As the specialist: the quarterly assessment, goals from it, a task for the graduate."""
    page.goto(record_url)
    page.locator("#assessments a.button").click()
    page.fill("#assessed_on", day.isoformat())
    for area in AssessmentArea:
        page.select_option(f"#{area.value}_score", CHOSEN.get(area.value, "good"))
    page.fill("#housing_reason", "Живёт у знакомых, договор найма не заключён")
    page.fill("#housing_goal", "Получить жильё из специализированного фонда")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["saved"])
    expect(page.locator("table.assessment .score-critical")).to_have_count(1)

    page.goto(f"{record_url}/plan")
    page.get_by_role("link", name=words["from"]).click()
    expect(page.locator("#text-housing")).to_have_value("Получить жильё из специализированного фонда")
    page.get_by_role("button", name=words["add"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["added"])
    goal = page.locator("article.goal").first
    goal.locator("summary").click()
    goal.locator("input[name$='-text']").fill("Собрать документы для очереди")
    goal.locator("select[name$='-owner']").select_option("graduate")
    goal.locator("input[name$='-due_on']").fill((day + timedelta(days=10)).isoformat())
    goal.get_by_role("button", name=words["task"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["task_added"])


def _consilium(page, words, casework, service, specialist, record_id, day) -> None:
    page.goto(f"{casework}/consilia")
    page.select_option("#consilium-service", str(service.id))
    page.fill("#consilium-held_on", day.isoformat())
    page.select_option("#consilium-attendees", [str(specialist.id)])
    page.get_by_role("button", name=words["record"]).click()
    page.select_option("#decision-record", str(record_id))
    page.fill("#decision-decision", "Усилить сопровождение: жильё")
    page.select_option("#decision-level", "intensive")
    page.get_by_role("button", name=words["decide"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["awaits"])


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_graduates_record_from_creation_to_their_own_plan(page, live_server, people, regions, services,  # noqa: F811
                                                            console_errors, language):
    base, words, belgorod = live_server, WORDS[language], regions["belgorod"]
    casework, day = f"{base}/belgorod/casework", today(belgorod)
    birth = born_aged(belgorod, 19)
    make_record(belgorod, services["city"], "Смирнова", "Анастасия", "Олеговна", birth_date=birth)
    graduate = make_user("nastya@example.org", {belgorod: ["graduate"]}, name="Настя Смирнова")
    from portal.app.extensions import db

    db.session.commit()
    sign_in(page, base, people["specialist"].email)
    _language(page, language)
    record_url = _create_sign_and_link(page, base, words, birth, graduate, day)
    record_id = int(record_url.rstrip("/").rsplit("/", 1)[1])
    _assess_and_plan(page, words, record_url, day)
    _consilium(page, words, casework, services["city"], people["specialist"], record_id, day)
    sign_out(page)

    sign_in(page, base, people["coordinator"].email)
    _language(page, language)
    page.goto(f"{casework}/levels")
    page.wait_for_load_state()
    page.evaluate("window.notReloaded = true")
    row = page.locator("tr.level-change", has_text="Смирнова Настя")
    row.get_by_role("button", name=words["approve"]).click()
    expect(page.locator("tr.level-change", has_text="Смирнова Настя")).to_contain_text(words["approved"])
    assert page.evaluate("window.notReloaded") is True  # the row swapped in place
    sign_out(page)

    sign_in(page, base, graduate.email)
    _language(page, language)
    page.goto(f"{base}/belgorod/")
    page.get_by_role("link", name=words["mine"]).first.click()
    expect(page.locator("h1")).to_have_text(words["mine"])
    expect(page.locator("main")).to_contain_text("Смирнова Настя")
    expect(page.locator("main")).to_contain_text(words["status"])
    expect(page.locator("main")).to_contain_text("Сообщать о переезде")
    page.goto(f"{casework}/mine/plan")
    task = page.locator("li.task", has_text="Собрать документы для очереди")
    expect(task).to_contain_text(words["graduate"])
    page.wait_for_load_state()
    task.get_by_role("button", name=words["done"]).click()
    expect(page.locator("li.task.done")).to_have_count(1)
    expect(page.locator("li.task.done").get_by_role("button", name=words["undo"])).to_be_visible()
    expect(page.locator("#my-assessments")).to_contain_text(words["level"])
    assert "Живёт у знакомых" not in page.content()  # staff's reasons stay with staff
    assert not console_errors
