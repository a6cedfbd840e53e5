"""In Chromium, in both languages: a specialist fills a quarterly assessment, takes goals from it into the plan,
the consilium sets a level, the coordinator approves it (htmx), the graduate ticks their task on their plan."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from plugins.casework.models import AssessmentArea
from portal.kit import today
from tests.browser.test_core_flows import sign_in, sign_out
from tests.plugins.casework.conftest import services, supported  # noqa: F401  (the case work fixtures)

WORDS = {
    "ru": {"save": "Сохранить оценку", "saved": "Оценка сохранена", "from": "Цели из оценки", "add": "Добавить цели",
           "added": "Целей добавлено в план: 2", "task": "Добавить задачу", "task_added": "Задача добавлена",
           "record": "Записать консилиум", "decide": "Записать решение", "awaits": "ждёт утверждения",
           "approve": "Подтвердить", "approved": "утверждено", "level": "интенсивный", "plan": "Мой план",
           "done": "Выполнено", "undo": "Всё-таки не выполнено", "graduate": "выпускник"},
    "en": {"save": "Save the assessment", "saved": "The assessment is saved", "from": "Goals from the assessment",
           "add": "Add the goals", "added": "Goals added to the plan: 2", "task": "Add the task",
           "task_added": "The task is added", "record": "Record the consilium", "decide": "Record the decision",
           "awaits": "awaits the coordinator", "approve": "Approve", "approved": "approved", "level": "intensive",
           "plan": "My plan", "done": "Done", "undo": "Not done after all", "graduate": "the graduate"},
}
CHOSEN = {"housing": "critical", "income": "problem", "education": "not_ideal"}


def _language(page, language: str) -> None:
    if language == "en":
        page.locator("form.language button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_assessment_consilium_approval_and_the_graduates_plan(page, supported, services, live_server, people,  # noqa: F811
                                                              regions, console_errors, language):
    base, words, record = live_server, WORDS[language], supported
    casework = f"{base}/belgorod/casework"
    day = today(regions["belgorod"])

    sign_in(page, base, people["specialist"].email)
    _language(page, language)
    page.goto(f"{casework}/assessments/due?list=mine&when=overdue")
    page.get_by_role("link", name=record.full_name).click()
    page.locator("#assessments a.button").click()
    page.fill("#assessed_on", day.isoformat())
    for area in AssessmentArea:
        page.select_option(f"#{area.value}_score", CHOSEN.get(area.value, "good"))
    page.fill("#housing_reason", "Живёт у знакомых, договор найма не заключён")
    page.fill("#housing_goal", "Получить жильё из специализированного фонда")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["saved"])
    expect(page.locator("table.assessment .score-critical")).to_have_count(1)

    page.goto(f"{casework}/records/{record.id}/plan")
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

    page.goto(f"{casework}/consilia")
    page.select_option("#consilium-service", str(services["city"].id))
    page.fill("#consilium-held_on", day.isoformat())
    page.select_option("#consilium-attendees", [str(people["specialist"].id)])
    page.get_by_role("button", name=words["record"]).click()
    page.select_option("#decision-record", str(record.id))
    page.fill("#decision-decision", "Усилить сопровождение: жильё")
    page.select_option("#decision-level", "intensive")
    page.get_by_role("button", name=words["decide"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["awaits"])
    sign_out(page)

    sign_in(page, base, people["coordinator"].email)
    _language(page, language)
    page.goto(f"{casework}/levels")
    page.wait_for_load_state()
    page.evaluate("window.notReloaded = true")
    row = page.locator("tr.level-change").first
    expect(row).to_contain_text(record.full_name)
    row.get_by_role("button", name=words["approve"]).click()
    expect(page.locator("tr.level-change").first).to_contain_text(words["approved"])
    assert page.evaluate("window.notReloaded") is True  # the row swapped in place
    page.goto(f"{casework}/records/{record.id}/assessments")
    expect(page.locator("strong.level")).to_have_text(words["level"])
    sign_out(page)

    sign_in(page, base, people["graduate"].email)
    _language(page, language)
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
