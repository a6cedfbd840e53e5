"""Rooms and beds renamed, a bed retired and brought back, the taken beds marked in the bed lists, the chart's
legend; another region's hotel and another hotel's bed are out of reach."""
from __future__ import annotations

from datetime import timedelta

from plugins.social_hotel import stays as rules
from plugins.social_hotel.models import Bed, Room, StayStatus
from portal.app.extensions import db
from tests.plugins.social_hotel.conftest import BASE, bed_ids, confirm, requested, text_of


def _staff(client, people):
    client.login_as(people["specialist"])
    return client


def test_a_room_and_a_bed_are_renamed_and_the_chart_names_them_so(client, people, hotel):
    web = _staff(client, people)
    room = db.session.scalars(db.select(Room).where(Room.hotel_id == hotel.id).order_by(Room.id)).first()
    bed = db.session.get(Bed, bed_ids(hotel)[0])
    assert web.post(f"{BASE}/hotels/{hotel.id}/rooms/{room.id}", data={f"room{room.id}-name": "Комната у входа"}
                    ).status_code == 302
    web.post(f"{BASE}/hotels/{hotel.id}/beds/{bed.id}",
             data={f"bed{bed.id}-label": "Кровать у окна с очень длинным названием", f"bed{bed.id}-notes": "низкая"})
    db.session.expire_all()
    assert bed.room.name == "Комната у входа" and bed.label.startswith("Кровать у окна") and bed.notes == "низкая"
    assert bed.unit.label == "Комната у входа · Кровать у окна с очень длинным названием"
    chart = text_of(web.get(f"{BASE}/chart"))
    assert "Комната у входа · Кровать у окна" in chart and 'class="legend"' in chart and "живёт в гостинице" in chart
    bad = web.post(f"{BASE}/hotels/{hotel.id}/beds/{bed.id}", data={f"bed{bed.id}-label": ""}, follow_redirects=True)
    assert "Дайте кровати название" in text_of(bad) or "Give the bed a name" in text_of(bad)


def test_a_retired_bed_takes_no_stay_and_comes_back(app, client, people, hotel, soon):
    web = _staff(client, people)
    first, second, third = bed_ids(hotel)
    stay = requested(hotel, people["graduate"], soon, 3)
    confirm(app, people["specialist"], stay, first)
    refused = web.post(f"{BASE}/hotels/{hotel.id}/beds/{first}/use", data={"use": "retire"}, follow_redirects=True)
    assert "(1)" in text_of(refused)  # a stay ahead holds it: move them first
    assert db.session.get(Bed, first).unit.active
    web.post(f"{BASE}/hotels/{hotel.id}/beds/{second}/use", data={"use": "retire"})
    db.session.expire_all()
    assert not db.session.get(Bed, second).unit.active
    other = requested(hotel, people["graduate"], soon + timedelta(days=10), 2)
    page = text_of(web.get(f"{BASE}/stays/{other.id}"))
    assert f'value="{second}"' not in page  # not offered
    response = web.post(f"{BASE}/stays/{other.id}/act/confirm", data={"bed": second})
    db.session.expire_all()
    assert other.status == StayStatus.requested  # not confirmed onto a retired bed
    assert rules.suggest_bed(other).id != second
    web.post(f"{BASE}/hotels/{hotel.id}/beds/{second}/use", data={"use": "return"})
    db.session.expire_all()
    assert db.session.get(Bed, second).unit.active
    assert response.status_code in (200, 302, 422)


def test_beds_taken_on_the_stays_nights_are_marked_in_the_list(app, client, people, hotel, soon):
    web = _staff(client, people)
    first, second, _third = bed_ids(hotel)
    confirm(app, people["specialist"], requested(hotel, people["graduate"], soon, 3), first)
    other = requested(hotel, people["mentor"], soon + timedelta(days=1), 2)
    page = text_of(web.get(f"{BASE}/stays/{other.id}"))
    options = page.split('name="bed"', 1)[1].split("</select>", 1)[0]
    taken_option = options.split(f'value="{first}"', 1)[1].split("</option>", 1)[0]
    free_option = options.split(f'value="{second}"', 1)[1].split("</option>", 1)[0]
    assert "занята" in taken_option and "занята" not in free_option


def test_another_regions_hotel_and_another_hotels_bed_are_out_of_reach(client, people, hotel, regions):
    other_hotel = rules.add_hotel(regions["belgorod"], "Вторая", "Старый Оскол")
    room = Room(hotel=other_hotel, name="1")
    db.session.add(room)
    foreign_bed = rules.add_bed(room, "1")
    smolensk = rules.add_hotel(regions["smolensk"], "Смоленская", "Смоленск")
    db.session.commit()
    web = _staff(client, people)
    assert web.post(f"{BASE}/hotels/{hotel.id}/beds/{foreign_bed.id}", data={}).status_code == 404
    assert web.post(f"{BASE}/hotels/{hotel.id}/beds/{foreign_bed.id}/use", data={"use": "retire"}).status_code == 404
    assert web.post(f"{BASE}/hotels/{smolensk.id}/rooms/{room.id}", data={}).status_code == 404
    assert db.session.get(Bed, foreign_bed.id).unit.active
