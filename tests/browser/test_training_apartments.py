"""In Chromium, in both languages: a specialist plans a stay, records a day's practice with htmx, closes the stay
with a summary; the pupil signs in and sees it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from plugins.training_apartments import programme, rules
from portal.app.extensions import db
from portal.kit import today
from tests.browser.test_core_flows import sign_in, sign_out
from tests.helpers import make_user
from tests.plugins.training_apartments.conftest import born_aged, make_institution

WORDS = {
    "ru": {"plan": "Запланировать проживание", "submit_plan": "Запланировать", "planned": "Проживание запланировано.",
           "record": "Записать", "recorded": "Записано.", "close": "Завершить проживание заключением",
           "sign": "Подписать и завершить проживание", "closed": "Проживание завершено, заключение подписано.",
           "status": "завершено", "summary": "Заключение о проживании", "mine": "Моя тренировочная квартира",
           "level": "с напоминанием", "skill": "Деньги и бюджет: Спланировать бюджет на неделю"},
    "en": {"plan": "Plan a stay", "submit_plan": "Plan the stay", "planned": "The stay is planned.",
           "record": "Record", "recorded": "Recorded.", "close": "Close the stay with a summary",
           "sign": "Sign off and close the stay", "closed": "The stay is closed and its summary signed off.",
           "status": "closed", "summary": "Summary of the stay", "mine": "My training apartment",
           "level": "with a reminder", "skill": "Money and budget: Plan a budget for the week"},
}


@pytest.fixture
def setting(regions, people):
    belgorod = regions["belgorod"]
    home = make_institution(belgorod, "Детский дом «Гармония»", people["specialist"])
    apartment = rules.add_apartment(home, "Квартира на Губкина", 2, "Белгород, ул. Губкина, 19", "Отбой в 22:30")
    young = make_user("kirill@belgorod.test", {belgorod: ["pupil"]}, name="Кирилл Зайцев")
    pupil = rules.add_pupil(home, "Кирилл Зайцев", born_aged(belgorod, 15), "9-А")
    pupil.user_id = young.id
    db.session.commit()
    return {"apartment": apartment, "pupil": pupil, "young": young, "region": belgorod}


def _language(page, language: str) -> None:
    if language == "en":
        page.locator("form.language button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_stay_from_plan_to_summary_and_the_pupil_sees_it(page, live_server, people, setting, console_errors,
                                                           language):
    base, words, apartment = live_server, WORDS[language], setting["apartment"]
    day = today(setting["region"])
    sign_in(page, base, people["specialist"].email)
    _language(page, language)
    page.goto(f"{base}/belgorod/training_apartments/apartments/{apartment.id}")
    page.get_by_role("link", name=words["plan"]).click()
    page.select_option("#pupils", label="Кирилл Зайцев (9-А)")
    page.fill("#arrival", day.isoformat())
    page.fill("#departure", (day + timedelta(days=7)).isoformat())
    page.get_by_role("button", name=words["submit_plan"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["planned"])
    expect(page.locator("h1")).to_have_text("Кирилл Зайцев")

    page.wait_for_load_state()  # htmx is loaded: the form swaps the practice list
    page.evaluate("window.notReloaded = true")
    page.select_option("#skill", label=words["skill"])
    page.select_option("#level", label=words["level"])
    page.fill("#note", "Сам посчитал, на что хватит 1500 рублей")
    page.locator("#practice").get_by_role("button", name=words["record"]).click()
    expect(page.locator("#practice")).to_contain_text(words["recorded"])
    expect(page.locator("#practice table.practice")).to_contain_text("Сам посчитал, на что хватит 1500 рублей")
    assert page.evaluate("window.notReloaded") is True  # swapped in place, no new page

    page.get_by_role("link", name=words["close"]).click()
    budget = next(a for a in programme.areas(setting["region"]) if a.key == "budget")
    expect(page.locator(f"#end_{budget.id}")).to_have_value(str(programme.levels(setting["region"])[2].id))
    page.fill(f"#strengths_{budget.id}", "Планирует траты заранее")
    page.fill(f"#next_{budget.id}", "Оплата коммунальных счетов")
    page.get_by_role("button", name=words["sign"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["closed"])
    expect(page.locator("#stay-status")).to_have_text(words["status"])
    sign_out(page)

    sign_in(page, base, setting["young"].email)
    _language(page, language)
    page.goto(f"{base}/belgorod/")
    page.get_by_role("link", name=words["mine"]).first.click()
    expect(page.locator(".summary")).to_contain_text(words["summary"])
    expect(page.locator(".summary")).to_contain_text("Планирует траты заранее")
    expect(page.locator(".summary")).to_contain_text("Оплата коммунальных счетов")
    expect(page.locator(".my-stay .status")).to_have_text(words["status"])
    assert not console_errors
