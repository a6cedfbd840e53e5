"""In Chromium: a graduate asks for a stay, a specialist confirms it from the occupancy chart."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from plugins.social_hotel import stays as rules
from plugins.social_hotel.models import Room
from portal.app.extensions import db
from tests.browser.test_core_flows import sign_in, sign_out


@pytest.fixture
def hotel(regions):
    found = rules.add_hotel(regions["belgorod"], "Гостиница регионального центра", "Белгород")
    room = Room(hotel=found, name="Комната 1")
    db.session.add(room)
    rules.add_bed(room, "Кровать 1")
    rules.add_bed(room, "Кровать 2")
    db.session.commit()
    return found


def test_graduate_asks_specialist_confirms_from_the_chart(page, hotel, live_server, people):
    base = live_server
    arrival = date.today() + timedelta(days=3)
    sign_in(page, base, people["graduate"].email)
    page.goto(f"{base}/belgorod/social_hotel/request")
    page.fill("#arrival", arrival.isoformat())
    page.fill("#departure", (arrival + timedelta(days=4)).isoformat())
    page.fill("#reason", "Ремонт в квартире")
    page.click("form [type=submit].primary")
    expect(page.locator(".flashes")).to_contain_text("Заявка отправлена")
    expect(page.locator(".stay .status")).to_have_text("заявка")
    sign_out(page)

    sign_in(page, base, people["specialist"].email)
    page.goto(f"{base}/belgorod/social_hotel/chart?start={arrival.isoformat()}")
    page.locator("#chart").get_by_role("link", name=people["graduate"].name).click()
    expect(page.locator("#bed")).to_have_value(str(hotel.rooms[0].beds[0].id))  # the proposed bed
    page.get_by_role("button", name="Подтвердить и назначить место").click()
    expect(page.locator(".status")).to_have_text("подтверждена")
    # Three days before the arrival: no "Check in", only an early arrival from today.
    expect(page.get_by_role("button", name="Заселить", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Заселить раньше: сегодня")).to_be_visible()
    page.goto(f"{base}/belgorod/social_hotel/chart?start={arrival.isoformat()}")
    expect(page.locator("td.taken.confirmed")).to_have_count(1)  # one cell on the chart, spanning the four nights
    expect(page.locator("td.taken.confirmed")).to_have_attribute("colspan", "4")
    page.get_by_role("link", name="Позже").click()  # htmx moves the week
    expect(page.locator("td.taken")).to_have_count(0)
    sign_out(page)

    sign_in(page, base, people["graduate"].email)
    page.goto(f"{base}/belgorod/social_hotel/")
    expect(page.locator(".stay .status")).to_have_text("подтверждена")
    expect(page.locator(".stay")).to_contain_text("Комната 1 · Кровать 1")
    expect(page.locator("#bell .count")).to_have_text("1")


def test_cancelling_a_long_stay_asks_first(page, hotel, live_server, people):
    from plugins.social_hotel.models import Stay

    arrival = date.today() + timedelta(days=5)
    db.session.add(Stay(hotel=hotel, graduate_id=people["graduate"].id, arrival=arrival,
                        departure=arrival + timedelta(days=16), reason="Выселили из общежития"))
    db.session.commit()
    base = live_server
    sign_in(page, base, people["graduate"].email)
    page.goto(f"{base}/belgorod/social_hotel/")
    expect(page.get_by_role("button", name="Да, отменить проживание")).to_be_hidden()  # behind the question
    page.locator(".stay details.confirm summary").click()
    expect(page.locator(".stay details.confirm")).to_contain_text("на 16 ночей")
    page.get_by_role("button", name="Да, отменить проживание").click()
    expect(page.locator(".flashes")).to_contain_text("отменено")
