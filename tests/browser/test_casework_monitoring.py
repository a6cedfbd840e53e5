"""In Chromium, in both languages: the resource centre's coordinator opens the region's monitoring, switches
the period, opens a service's figures and the rating, and downloads a figure as CSV and as XLSX."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from plugins.casework.monitoring import periods
from portal.kit import today
from tests.browser.test_casework_journey import _language
from tests.browser.test_core_flows import sign_in
from tests.plugins.casework.conftest import services  # noqa: F401  (the fixture)
from tests.plugins.casework.test_monitoring_pages import _graduates

WORDS = {
    "ru": {"title": "Мониторинг", "difficulties": "Выявлено трудностей по сферам", "show": "Показать",
           "rating": "Рейтинг служб", "housing": "жильё", "area": "Сфера", "year": "год"},
    "en": {"title": "Monitoring", "difficulties": "Difficulties found per area", "show": "Show",
           "rating": "Rating of services", "housing": "housing", "area": "Area", "year": "year"},
}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_monitoring_pages_a_period_and_the_downloads(page, live_server, people, regions,
                                                         services, console_errors, language):  # noqa: F811
    base, words = live_server, WORDS[language]
    _graduates(regions, services, people)
    sign_in(page, base, services["centre_coordinator"].email)
    _language(page, language)
    page.goto(f"{base}/belgorod/casework/")
    page.locator("a.button[href$='/casework/monitoring']").click()  # the registry page's button
    expect(page.locator("h1")).to_contain_text(words["title"])
    expect(page.locator("#figure-difficulties")).to_have_text(words["difficulties"])
    expect(page.locator("svg[role=img]").first).to_be_visible()
    expect(page.locator("table.monitoring-table").first).to_contain_text(words["housing"])

    year = today(regions["belgorod"]).year
    page.select_option("#period", str(year))
    page.get_by_role("button", name=words["show"]).click()
    expect(page).to_have_url(f"{base}/belgorod/casework/monitoring?period={year}")
    expect(page.locator("p.lead")).to_contain_text(str(year))

    with page.expect_download() as found:
        page.locator("#figure-difficulties").locator("xpath=..").get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(open(found.value.path(), encoding="utf-8-sig").read())))
    assert rows[0][0] == words["area"] and [words["housing"], "3"] in rows
    with page.expect_download() as found:
        page.locator("#figure-difficulties").locator("xpath=..").get_by_role("link", name="XLSX").click()
    assert found.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(found.value.path(), "rb").read())).active
    assert sheet["A1"].value == words["area"]

    page.get_by_role("link", name=services["oskol"].name).click()
    expect(page.locator("h1")).to_contain_text(services["oskol"].name)
    page.goto(f"{base}/belgorod/casework/monitoring/rating?period={periods.latest_complete_quarter(today(regions['belgorod'])).key}")
    expect(page.locator("h1")).to_contain_text(words["rating"])
    assert console_errors == []
