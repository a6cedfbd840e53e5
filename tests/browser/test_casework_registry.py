"""In Chromium, in both languages: a specialist creates a record past the duplicates step, signs the contract and
links the graduate's account; the graduate signs in and sees their record."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from portal.kit import today
from tests.browser.test_core_flows import sign_in, sign_out
from tests.helpers import make_user
from tests.plugins.casework.conftest import born_aged, make_record, services  # noqa: F401  (the fixture)

WORDS = {
    "ru": {"new": "Новая карта", "create": "Завести карту", "duplicates": "Возможные дубли",
           "created": "Карта заведена.", "sign": "Заключить договор", "signed": "Договор заключён",
           "link": "Привязать учётную запись", "linked": "Карта привязана", "mine": "Моё сопровождение",
           "status": "на сопровождении"},
    "en": {"new": "New record", "create": "Create the record", "duplicates": "Possible duplicates",
           "created": "The record is created.", "sign": "Sign the contract", "signed": "The contract is signed",
           "link": "Link the account", "linked": "The record is linked", "mine": "My support",
           "status": "under support"},
}


def _language(page, language: str) -> None:
    if language == "en":
        page.locator("form.language button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_record_from_creation_to_the_graduates_own_page(page, live_server, people, regions, services,  # noqa: F811
                                                          console_errors, language):
    base, words, belgorod = live_server, WORDS[language], regions["belgorod"]
    birth = born_aged(belgorod, 19)
    make_record(belgorod, services["city"], "Смирнова", "Анастасия", "Олеговна", birth_date=birth)
    graduate = make_user("nastya@example.org", {belgorod: ["graduate"]}, name="Настя Смирнова")
    from portal.app.extensions import db

    db.session.commit()
    sign_in(page, base, people["specialist"].email)
    _language(page, language)
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
    expect(page.locator("#address")).to_have_value("ул. Преображенская, 10")
    page.check("#different_person")
    page.get_by_role("button", name=words["create"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["created"])
    expect(page.locator("h1")).to_have_text("Смирнова Настя")

    day = today(belgorod)
    page.fill("#starts_on", day.isoformat())
    page.fill("#ends_on", date(day.year + 2, 1, 1).isoformat())
    page.fill("#consent_on", day.isoformat())
    page.fill("#graduate_undertakes", "Сообщать о переезде")
    page.get_by_role("button", name=words["sign"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["signed"])

    page.fill("#email", graduate.email)
    page.get_by_role("button", name=words["link"]).click()
    expect(page.locator(".flashes")).to_contain_text(words["linked"])
    sign_out(page)

    sign_in(page, base, graduate.email)
    _language(page, language)
    page.goto(f"{base}/belgorod/")
    page.get_by_role("link", name=words["mine"]).first.click()
    expect(page.locator("h1")).to_have_text(words["mine"])
    expect(page.locator("main")).to_contain_text("Смирнова Настя")
    expect(page.locator("main")).to_contain_text(words["status"])
    expect(page.locator("main")).to_contain_text("Сообщать о переезде")
    assert not console_errors
