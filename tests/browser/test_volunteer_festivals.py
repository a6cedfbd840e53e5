"""In Chromium: a volunteer sees the shifts suggested for them with the reasons, takes one (htmx), the desk
types the code from their phone, an organizer approves the hours, and the volunteer downloads a certificate
that names them in Cyrillic; in Russian, then in English."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from plugins.volunteer_festivals import festivals as rules
from plugins.volunteer_festivals import shifts
from portal.app.extensions import db
from portal.models._time import utcnow
from portal.services.region_time import to_local
from tests.browser.test_core_flows import sign_in, sign_out
from tests.helpers import make_user


@pytest.fixture
def festival_today(regions, people):
    """A festival today, with a photographer's shift starting in half an hour and a desk shift."""
    belgorod = regions["belgorod"]
    starts = (utcnow() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    day = to_local(starts, belgorod).date()
    festival = rules.add_festival(belgorod, "Кто, если не мы?!", day, day + timedelta(days=1),
                                  organizer_ids=[people["specialist"].id])
    photo = shifts.add_role(festival, "Фотограф", "Снимает площадки", ["фотография", "соцсети"], ["фотосъёмка"], 16)
    desk = shifts.add_role(festival, "Регистрация", "Встречает группы", ["порядок"], ["регистрация"])
    shift = shifts.add_shift(photo, starts, starts + timedelta(hours=3), 2, "Главная сцена")
    shifts.add_shift(desk, starts + timedelta(hours=4), starts + timedelta(hours=6), 3, "Холл")
    db.session.commit()
    return festival, shift


def test_a_volunteer_takes_a_suggested_shift_is_checked_in_and_gets_a_certificate(
        page, live_server, people, regions, festival_today, console_errors):
    festival, shift = festival_today
    base = live_server
    ann = make_user("ann@belgorod.test", {regions["belgorod"]: ["volunteer"]}, name="Анна Ёлкина")
    shifts.save_profile(ann, regions["belgorod"], ["Фотография"], ["фотосъёмка"], date(2002, 3, 8), [])
    db.session.commit()

    sign_in(page, base, ann.email)
    page.goto(f"{base}/belgorod/volunteer_festivals/{festival.id}/shifts")
    card = page.locator(f"#suggested-{shift.id}")
    expect(card).to_contain_text("Фотограф")
    expect(card.locator(".reasons")).to_contain_text("вам нравится фотография")
    expect(card.locator(".reasons")).to_contain_text("вы умеете то, что нужно: фотосъёмка")
    page.wait_for_load_state()  # htmx is loaded: the button swaps the card
    card.get_by_role("button", name="Взять смену").click()
    expect(card).to_contain_text("Вы в смене. Спасибо!")
    code = card.locator(".code").inner_text()
    assert len(code) == 6 and code.isdigit()
    sign_out(page)

    sign_in(page, base, people["specialist"].email)
    page.goto(f"{base}/belgorod/volunteer_festivals/shifts/{shift.id}")
    page.fill("input[name=code]", code)
    page.locator("form.code-form [type=submit]").click()
    expect(page.locator(".flashes")).to_contain_text("Анна Ёлкина: отметка о приходе поставлена.")
    expect(page.locator(".attendees li button")).to_have_attribute("aria-pressed", "true")
    page.goto(f"{base}/belgorod/volunteer_festivals/{festival.id}/hours")
    expect(page.locator("table.hours")).to_contain_text("Анна Ёлкина")
    page.get_by_role("button", name="Подтвердить выбранные часы").click()
    expect(page.locator(".flashes")).to_contain_text("Часы подтверждены: смен — 1.")
    sign_out(page)

    sign_in(page, base, ann.email)
    page.goto(f"{base}/belgorod/volunteer_festivals/my")
    expect(page.locator("table.hours")).to_contain_text("Кто, если не мы?!")
    page.locator("form.language button[value=en]").click()
    expect(page.locator("h1")).to_have_text("My shifts and hours")
    expect(page.locator(".my-shift .status")).to_contain_text("checked in")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    text = PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages[0].extract_text()
    assert "Анна Ёлкина" in text and "Certificate" in text and "Hours of service: 3" in text
    page.goto(f"{base}/belgorod/volunteer_festivals/{festival.id}/shifts")
    expect(page.locator("#suggested-title")).to_have_text("Suggested for you")
    assert not console_errors
