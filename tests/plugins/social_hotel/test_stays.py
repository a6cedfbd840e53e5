"""Social hotel flows: asked, confirmed with a bed, never booked twice."""
from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from plugins.social_hotel.models import Bed, Stay, StayStatus
from portal.app.extensions import db
from portal.kit import today
from portal.models import AuditEvent, ClaimedSlot, Notification
from tests.helpers import form_errors, make_user, page_queries
from tests.plugins.social_hotel.conftest import requested

BASE = "/belgorod/social_hotel"


def _ask(client, hotel, arrival, nights, reason="Выселили из общежития", **extra):
    return client.post(f"{BASE}/request", data={
        "hotel": hotel.id, "arrival": arrival.isoformat(),
        "departure": (arrival + timedelta(days=nights)).isoformat(), "reason": reason, **extra})


def _stay_of(user) -> Stay:
    return db.session.scalars(select(Stay).where(Stay.graduate_id == user.id).order_by(Stay.id.desc())).first()


def test_graduate_asks_specialist_confirms_graduate_sees_it(app, people, hotel, soon):
    graduate = app.test_client().login_as(people["graduate"])
    response = _ask(graduate, hotel, soon, 3, with_child="y")
    assert response.status_code == 302
    stay = _stay_of(people["graduate"])
    assert stay.status == StayStatus.requested and stay.with_child

    staff = app.test_client().login_as(people["specialist"])
    page = staff.get(f"{BASE}/stays/{stay.id}").get_data(as_text=True)
    ground_floor = db.session.scalar(select(Bed).where(Bed.notes == "первый этаж"))
    assert f'<option selected value="{ground_floor.id}">' in page  # with a child: the ground-floor bed first
    response = staff.post(f"{BASE}/stays/{stay.id}/act/confirm", data={"bed": ground_floor.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert stay.status == StayStatus.confirmed and stay.bed_id == ground_floor.id
    assert db.session.scalar(select(ClaimedSlot.id).where(ClaimedSlot.claim_id == stay.claim_id).limit(1))
    assert Notification.query.filter_by(user_id=people["graduate"].id).count() == 1

    page = graduate.get(f"{BASE}/").get_data(as_text=True)
    assert "подтверждена" in page and "A · 1" in page
    ics = graduate.get(f"{BASE}/stays/{stay.id}/calendar.ics")
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert ics.mimetype == "text/calendar"
    assert event.decoded("dtstart") == soon and event.decoded("dtend") == soon + timedelta(days=3)
    assert AuditEvent.query.filter_by(action="social_hotel.stay.viewed").count() == 1


def test_two_requests_for_the_same_bed_are_never_both_confirmed(app, people, regions, hotel, soon):
    other = make_user("other@belgorod.test", {regions["belgorod"]: ["graduate"]})
    for person in (people["graduate"], other):
        assert _ask(app.test_client().login_as(person), hotel, soon, 3).status_code == 302
    first, second = _stay_of(people["graduate"]), _stay_of(other)
    bed = hotel.resource.units[0]
    bed_id = db.session.scalar(select(Bed.id).where(Bed.unit_id == bed.id))
    staff = app.test_client().login_as(people["coordinator"])
    assert staff.post(f"{BASE}/stays/{first.id}/act/confirm", data={"bed": bed_id}).status_code == 302
    refused = staff.post(f"{BASE}/stays/{second.id}/act/confirm", data={"bed": bed_id})
    assert refused.status_code == 422
    assert "Это место занято" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert second.status == StayStatus.requested and second.claim_id is None


def test_bad_requests_are_refused_with_a_reason(app, people, hotel, soon):
    graduate = app.test_client().login_as(people["graduate"])
    past = _ask(graduate, hotel, date.today() - timedelta(days=3), 2)
    assert past.status_code == 422 and "прошлом" in " ".join(form_errors(past.get_data(as_text=True)))
    backwards = graduate.post(f"{BASE}/request", data={"hotel": hotel.id, "arrival": soon.isoformat(),
                                                        "departure": soon.isoformat(), "reason": "x"})
    assert backwards.status_code == 422
    assert _ask(graduate, hotel, soon, 5).status_code == 302
    overlap = _ask(graduate, hotel, soon + timedelta(days=2), 5)
    assert overlap.status_code == 422 and "пересекаются" in overlap.get_data(as_text=True)
    garbage = graduate.post(f"{BASE}/request", data={"hotel": "x", "arrival": "not a date", "reason": ""})
    assert garbage.status_code == 422 and len(form_errors(garbage.get_data(as_text=True))) >= 2


def test_an_overlong_stay_needs_a_coordinator(app, people, hotel, soon):
    graduate = app.test_client().login_as(people["graduate"])
    assert _ask(graduate, hotel, soon, 40).status_code == 302
    stay = _stay_of(people["graduate"])
    bed_id = db.session.scalar(select(Bed.id).limit(1))
    specialist = app.test_client().login_as(people["specialist"])
    refused = specialist.post(f"{BASE}/stays/{stay.id}/act/confirm", data={"bed": bed_id})
    assert refused.status_code == 422 and "координатор" in refused.get_data(as_text=True)
    coordinator = app.test_client().login_as(people["coordinator"])
    assert coordinator.post(f"{BASE}/stays/{stay.id}/act/confirm", data={"bed": bed_id}).status_code == 302


def _confirmed(app, people, hotel, arrival, nights, person=None):
    person = person or people["graduate"]
    _ask(app.test_client().login_as(person), hotel, arrival, nights)
    stay = _stay_of(person)
    staff = app.test_client().login_as(people["specialist"])
    bed_id = db.session.scalar(select(Bed.id).where(Bed.unit_id == hotel.resource.units[0].id))
    assert staff.post(f"{BASE}/stays/{stay.id}/act/confirm", data={"bed": bed_id}).status_code == 302
    return stay, staff


def test_check_in_extend_move_and_check_out(app, people, regions, hotel, soon):
    stay, staff = _confirmed(app, people, hotel, soon, 3)
    other = make_user("other@belgorod.test", {regions["belgorod"]: ["graduate"]})
    later, _ = _confirmed(app, people, hotel, soon + timedelta(days=4), 2, person=other)
    blocked = staff.post(f"{BASE}/stays/{stay.id}/act/extend",
                         data={"departure": (soon + timedelta(days=6)).isoformat()})
    assert blocked.status_code == 422 and "занято" in blocked.get_data(as_text=True)
    moved_to = db.session.scalar(select(Bed.id).where(Bed.unit_id == hotel.resource.units[1].id))
    assert staff.post(f"{BASE}/stays/{stay.id}/act/move", data={"move-bed": moved_to}).status_code == 302
    assert staff.post(f"{BASE}/stays/{stay.id}/act/extend",
                      data={"departure": (soon + timedelta(days=6)).isoformat()}).status_code == 302
    assert staff.post(f"{BASE}/stays/{stay.id}/act/check-in").status_code == 422  # not before the arrival day
    assert staff.post(f"{BASE}/stays/{stay.id}/act/arrive-early").status_code == 302  # unless they come early
    assert staff.post(f"{BASE}/stays/{stay.id}/act/arrive-early").status_code == 422  # not twice
    assert staff.post(f"{BASE}/stays/{stay.id}/act/check-out").status_code == 302
    db.session.expire_all()
    assert stay.status == StayStatus.checked_out and stay.bed_id == moved_to
    day = today(regions["belgorod"])
    assert (stay.arrival, stay.departure) == (day, day + timedelta(days=1))  # left at once: the nights after are free
    assert later.status == StayStatus.confirmed


def test_graduates_see_only_their_own_stays_and_no_names(app, people, regions, hotel, soon):
    stay, _ = _confirmed(app, people, hotel, soon, 3)
    other = make_user("other@belgorod.test", {regions["belgorod"]: ["graduate"]}, name="Посторонний Гость")
    client = app.test_client().login_as(other)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert people["graduate"].name not in page
    assert client.post(f"{BASE}/stays/{stay.id}/cancel").status_code == 404
    assert client.get(f"{BASE}/stays/{stay.id}/calendar.ics").status_code == 404
    assert client.get(f"{BASE}/stays/{stay.id}").status_code == 403
    owner = app.test_client().login_as(people["graduate"])
    assert owner.post(f"{BASE}/stays/{stay.id}/cancel").status_code == 302
    db.session.expire_all()
    assert stay.status == StayStatus.cancelled
    assert db.session.scalar(select(ClaimedSlot.id).where(ClaimedSlot.claim_id == stay.claim_id)) is None


def test_free_places_count_taken_beds(app, people, hotel, soon):
    _confirmed(app, people, hotel, soon, 2)
    page = app.test_client().login_as(people["mentor"]).get(f"{BASE}/")
    assert page.status_code == 403
    from plugins.social_hotel.stays import free_places

    places = dict(free_places(hotel, soon - timedelta(days=1), 4))
    assert places == {soon - timedelta(days=1): 3, soon: 2, soon + timedelta(days=1): 2, soon + timedelta(days=2): 3}


def test_occupancy_chart_and_figures(app, people, hotel, soon):
    stay, staff = _confirmed(app, people, hotel, soon, 2)
    page = staff.get(f"{BASE}/chart?start={soon.isoformat()}&span=week").get_data(as_text=True)
    assert f"{BASE}/stays/{stay.id}" in page and people["graduate"].name.split()[0] in page
    partial = staff.get(f"{BASE}/chart?start={soon.isoformat()}", headers={"HX-Request": "true", "HX-Target": "chart"})
    assert "<html" not in partial.get_data(as_text=True) and "occupancy" in partial.get_data(as_text=True)
    assert staff.get(f"{BASE}/chart?start=garbage&span=zzz").status_code == 200
    coordinator = app.test_client().login_as(people["coordinator"])
    stats = coordinator.get(f"{BASE}/stats?year={soon.year}")
    assert stats.status_code == 200 and "<svg" in stats.get_data(as_text=True)
    csv = coordinator.get(f"{BASE}/stats.csv?year={soon.year}").get_data(as_text=True)
    month = soon.strftime("%Y-%m")
    row = next(line for line in csv.splitlines() if month in line)
    assert row.split(",")[4] == "1"  # one request that month
    assert staff.get(f"{BASE}/stats").status_code == 403


def test_staff_set_up_hotels_rooms_and_beds(app, people, regions):
    staff = app.test_client().login_as(people["specialist"])
    response = staff.post(f"{BASE}/hotels", data={"name": "Новая гостиница", "address": "Губкин"})
    assert response.status_code == 302
    hotel_url = response.headers["Location"]
    response = staff.post(hotel_url, data={"room-name": "Комната 1", "room-beds": "Кровать 1 | у окна\nКровать 2\n",
                                           "room-submit": "y"})
    assert response.status_code == 302
    page = staff.get(hotel_url).get_data(as_text=True)
    assert "Кровать 1" in page and "у окна" in page and "Кровать 2" in page
    assert staff.post(f"{BASE}/hotels", data={"name": ""}).status_code == 422


def test_settings_change_the_longest_stay(app, people, hotel, soon):
    coordinator = app.test_client().login_as(people["coordinator"])
    assert coordinator.post(f"{BASE}/settings", data={"max_nights": "0"}).status_code == 422
    assert coordinator.post(f"{BASE}/settings", data={"max_nights": "5"}).status_code == 302
    _ask(app.test_client().login_as(people["graduate"]), hotel, soon, 6)
    stay = _stay_of(people["graduate"])
    bed_id = db.session.scalar(select(Bed.id).limit(1))
    refused = app.test_client().login_as(people["specialist"]).post(
        f"{BASE}/stays/{stay.id}/act/confirm", data={"bed": bed_id})
    assert refused.status_code == 422


def test_demo_hotels(app, app_context, demo):
    from plugins.social_hotel.models import Hotel

    hotels = {h.region.code: h for h in Hotel.query.all()}
    smolensk = hotels["smolensk"]
    assert len(smolensk.rooms) == 4 and sum(len(r.beds) for r in smolensk.rooms) == 12
    assert Stay.query.filter_by(hotel_id=smolensk.id).count() >= 20
    before = Stay.query.count()
    app.test_cli_runner().invoke(args=["demo", "--force"])
    assert Stay.query.count() == before


def test_the_chart_makes_a_bounded_number_of_queries(app, people, regions, hotel, soon):
    from plugins.social_hotel import stays as rules

    _confirmed(app, people, hotel, soon, 2)
    staff = app.test_client().login_as(people["specialist"])
    url = f"{BASE}/chart?hotel={hotel.id}&span=month&start={soon.isoformat()}"
    staff.get(url)
    few = page_queries(app, staff, url)
    room = hotel.rooms[0]
    for number in range(6):
        rules.add_bed(room, f"extra {number}")
    db.session.commit()
    for number in range(5):
        guest = make_user(f"guest{number}@belgorod.test", {regions["belgorod"]: ["graduate"]})
        _ask(app.test_client().login_as(guest), hotel, soon + timedelta(days=number), 3)
        stay = _stay_of(guest)
        bed = rules.suggest_bed(stay)
        staff.post(f"{BASE}/stays/{stay.id}/act/confirm", data={"bed": bed.id})
    assert page_queries(app, staff, url) == few


def test_switching_the_hotel_off_says_who_is_checked_in_and_what_waits(app, client, hotel, people, regions, soon):
    staying = requested(hotel, people["graduate"], date.today() - timedelta(days=1), 5)
    staying.status = StayStatus.checked_in
    requested(hotel, people["graduate"], soon, 3)
    db.session.commit()
    client.login_as(people["region_admin"])
    page = client.post("/belgorod/admin/plugins/social_hotel", data={"enabled": "0"}).get_data(as_text=True)
    assert "1 гость заселён" in page or "1 guest checked in" in page
    assert "1 заявка ждёт" in page or "1 request waiting" in page


def test_a_graduates_list_of_stays_makes_the_same_queries_for_one_stay_or_four(app, people, regions, hotel, soon):
    """Each stay shows its hotel, room and bed: read with the stays, not one query per stay (it was two)."""
    from tests.plugins.social_hotel.conftest import bed_ids, confirm

    graduate, beds = people["graduate"], bed_ids(hotel)
    confirm(app, people["specialist"], requested(hotel, graduate, soon, 2), beds[0])
    web = app.test_client().login_as(graduate)
    one = page_queries(app, web, f"{BASE}/")
    for number in range(1, 4):
        confirm(app, people["specialist"], requested(hotel, graduate, soon + timedelta(days=3 * number), 2),
                beds[number % len(beds)])
    page = web.get(f"{BASE}/").get_data(as_text=True)
    assert all(bed.title in page for bed in db.session.scalars(select(Bed).where(Bed.id.in_(beds[:4]))))
    assert page_queries(app, web, f"{BASE}/") == one


def test_the_charts_requests_and_their_count_come_in_one_statement(app, people, regions, hotel, soon):
    from plugins.social_hotel import stays as rules

    belgorod = regions["belgorod"]
    assert rules.open_requests_counted(belgorod, hotel, 2) == ([], 0)
    for number in range(3):
        guest = make_user(f"waiting{number}@belgorod.test", {belgorod: ["graduate"]})
        requested(hotel, guest, soon + timedelta(days=number), 2)
    for limit in (2, 3, 20):
        shown, count = rules.open_requests_counted(belgorod, hotel, limit)
        assert shown == rules.open_requests(belgorod, hotel, limit=limit)
        assert count == rules.count_requests(belgorod, hotel)
    assert count == 3 and len(rules.open_requests_counted(belgorod, hotel, 2)[0]) == 2
    assert rules.open_requests_counted(regions["smolensk"], hotel, 2) == ([], 0)  # another region's hotel: nothing
