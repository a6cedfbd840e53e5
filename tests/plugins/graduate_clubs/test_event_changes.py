"""Organizers change and call off events: past times refused, people told, calendar apps kept up to date."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime
from icalendar import Calendar
from sqlalchemy import func, select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs import views
from plugins.graduate_clubs.models import Event, Registration, RegistrationStatus
from portal.accounts.people import erase_person
from portal.app.extensions import db
from portal.kit import Refusal, to_local
from portal.models import AuditEvent, ClaimedSlot, Notification
from portal.models._time import utcnow
from tests.helpers import form_errors, make_user
from tests.plugins.graduate_clubs.conftest import add_event

BASE = "/belgorod/graduate_clubs"


def _graduates(regions, count, locale="ru"):
    return [make_user(f"c{i}-{locale}@belgorod.test", {regions["belgorod"]: ["graduate"]}, locale=locale)
            for i in range(count)]


def _form(event, **changes) -> dict:
    local = to_local(event.starts_at, event.club.region)
    ends = to_local(event.ends_at, event.club.region)
    return {"title": event.title, "starts_at": f"{local:%Y-%m-%dT%H:%M}", "ends_at": f"{ends:%Y-%m-%dT%H:%M}",
            "capacity": str(event.capacity), "place": event.place, **changes}


def _notes(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _vevent(response):
    return Calendar.from_ical(response.data).walk("VEVENT")[0]


# --- times that have passed ---------------------------------------------------

def test_a_new_event_cannot_start_in_the_past(app, people, club):
    before = to_local(utcnow() - timedelta(hours=2), club.region)
    specialist = app.test_client().login_as(people["specialist"])
    answer = specialist.post(f"{BASE}/clubs/{club.id}/events/new", data={
        "title": "Вчерашняя встреча", "starts_at": f"{before:%Y-%m-%dT%H:%M}",
        "ends_at": f"{before + timedelta(hours=3):%Y-%m-%dT%H:%M}", "capacity": "5", "place": "Зал"})
    assert answer.status_code == 422
    assert form_errors(answer.get_data(as_text=True)) == [
        "Это время уже прошло: новая встреча должна начинаться в будущем."]
    assert db.session.scalar(select(func.count(Event.id))) == 0
    with pytest.raises(Refusal):
        rules.add_event(club, "Вчерашняя встреча", utcnow() - timedelta(hours=2), utcnow() + timedelta(hours=1), 5)


def test_a_past_event_can_still_be_edited_but_an_upcoming_one_not_moved_into_the_past(app, people, club, soon):
    past = add_event(club, (utcnow() - timedelta(days=3)).replace(second=0, microsecond=0), title="Киновечер")
    specialist = app.test_client().login_as(people["specialist"])
    fixed = specialist.post(f"{BASE}/events/{past.id}/edit", data=_form(past, title="Киновечер: «Дом»"))
    assert fixed.status_code == 302
    db.session.expire_all()
    assert past.title == "Киновечер: «Дом»"

    upcoming = add_event(club, soon)
    yesterday = to_local(utcnow() - timedelta(days=1), club.region)
    moved = specialist.post(f"{BASE}/events/{upcoming.id}/edit", data=_form(
        upcoming, starts_at=f"{yesterday:%Y-%m-%dT%H:%M}", ends_at=f"{yesterday + timedelta(hours=2):%Y-%m-%dT%H:%M}"))
    assert moved.status_code == 422 and "Это время уже прошло" in moved.get_data(as_text=True)
    db.session.expire_all()
    assert upcoming.starts_at == soon


def test_more_places_after_the_start_move_nobody_in(app, people, regions, club):
    """The event is over for the waiting list: more places then would tell someone to come to the past."""
    started = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    event = add_event(club, started, capacity=1, title="Киновечер")
    came, waiting = _graduates(regions, 2)
    rules.register(event, came, now=started - timedelta(days=1))
    rules.register(event, waiting, wait=True, now=started - timedelta(days=1))
    db.session.commit()
    specialist = app.test_client().login_as(people["specialist"])
    answer = specialist.post(f"{BASE}/events/{event.id}/edit", data=_form(event, capacity="2"))
    assert answer.status_code == 422
    assert form_errors(answer.get_data(as_text=True)) == ["Встреча уже началась; число мест больше нельзя изменить."]
    db.session.expire_all()
    assert event.capacity == 1 and rules.registration_of(event, waiting).status == RegistrationStatus.waiting
    assert _notes(waiting) == []
    with pytest.raises(Refusal):
        rules.set_capacity(event, 2)
    db.session.rollback()
    assert specialist.post(f"{BASE}/events/{event.id}/edit", data=_form(event, title="Кино")).status_code == 302

    erase_person(came)  # a seat given up after the start moves nobody in either
    db.session.expire_all()
    assert rules.registration_of(event, waiting).status == RegistrationStatus.waiting and _notes(waiting) == []


# --- calling an event off -------------------------------------------------------

def test_organizer_cancels_an_event_everyone_is_told_and_the_data_stays(app, people, regions, club, soon):
    event = add_event(club, soon, capacity=1)
    registered, = _graduates(regions, 1)
    waiting, = _graduates(regions, 1, locale="en")
    left = people["graduate"]
    rules.register(event, left)
    rules.cancel(rules.registration_of(event, left))  # cancelled before: not told again
    rules.register(event, registered)
    rules.register(event, waiting, wait=True)
    db.session.commit()

    volunteer = app.test_client().login_as(people["volunteer"])  # a co-organizer
    assert "Отменить встречу" in volunteer.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    page = volunteer.get(f"{BASE}/events/{event.id}/cancel-event").get_data(as_text=True)
    assert "Записались: 1, в листе ожидания: 1." in page
    long = volunteer.post(f"{BASE}/events/{event.id}/cancel-event", data={"reason": "я" * 501})
    assert long.status_code == 422 and event.cancelled_at is None
    answer = volunteer.post(f"{BASE}/events/{event.id}/cancel-event", data={"reason": "Зал закрыт на ремонт."})
    assert answer.status_code == 302
    db.session.expire_all()

    assert event.cancelled_at is not None and db.session.get(Event, event.id) is not None  # kept, marked
    assert db.session.scalar(select(func.count(ClaimedSlot.id))) == 0  # the seats are released
    for graduate in (registered, waiting):
        registration = rules.registration_of(event, graduate)
        assert registration.status == RegistrationStatus.cancelled and registration.called_off
    assert db.session.scalar(select(func.count(Registration.id))) == 3
    assert len(_notes(registered)) == 1 and "отменена организаторами. Причина: Зал закрыт на ремонт." in _notes(
        registered)[0]
    assert _notes(waiting)[0].startswith("«Чаепитие» on ") and "is cancelled by the organizers" in _notes(waiting)[0]
    assert _notes(left) == []
    trace = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "graduate_clubs.event.cancelled"))
    assert len(trace.details["registrations"]) == 2

    graduate = app.test_client().login_as(left)
    page = graduate.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert "Эта встреча отменена." in page and "Записаться" not in page
    again = graduate.post(f"{BASE}/events/{event.id}/register", headers={"HX-Request": "true"})
    assert again.status_code == 422 and "Эта встреча отменена; запись закрыта." in again.get_data(as_text=True)
    assert rules.registration_of(event, left).status == RegistrationStatus.cancelled
    assert "отменена" in graduate.get(f"{BASE}/").get_data(as_text=True)
    mine = app.test_client().login_as(registered).get(f"{BASE}/my").get_data(as_text=True)
    assert "Чаепитие" in mine and "встреча отменена" in mine

    assert volunteer.post(f"{BASE}/events/{event.id}/cancel-event").status_code == 302  # nothing twice
    assert len(_notes(registered)) == 1
    assert volunteer.get(f"{BASE}/events/{event.id}/edit").status_code == 302
    feed = app.test_client().get(f"{BASE}/clubs/{club.id}/calendar/{club.feed_token}.ics")
    item = _vevent(feed)
    assert str(item["status"]) == "CANCELLED" and item["sequence"] == 1


def test_a_started_event_cannot_be_cancelled(app, people, club):
    started = add_event(club, (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0))
    specialist = app.test_client().login_as(people["specialist"])
    answer = specialist.post(f"{BASE}/events/{started.id}/cancel-event")
    assert answer.status_code == 302
    assert "отменить её больше нельзя" in specialist.get(f"{BASE}/events/{started.id}").get_data(as_text=True)
    db.session.expire_all()
    assert started.cancelled_at is None


def test_people_registered_are_told_of_a_new_time_or_place_not_of_a_new_title(app, people, regions, club, soon):
    event = add_event(club, soon, capacity=1)
    registered, waiting, left = _graduates(regions, 3)
    rules.register(event, registered)
    rules.register(event, waiting, wait=True)
    rules.register(event, left, wait=True)
    rules.cancel(rules.registration_of(event, left))
    db.session.commit()
    specialist = app.test_client().login_as(people["specialist"])
    assert specialist.post(f"{BASE}/events/{event.id}/edit", data=_form(event, title="Чай")).status_code == 302
    assert _notes(registered) == []
    assert specialist.post(f"{BASE}/events/{event.id}/edit", data=_form(
        event, title="Чай", place="Белгород, ул. Попова, 2")).status_code == 302
    for graduate in (registered, waiting):
        assert _notes(graduate) == [
            f"Встреча «Чай» изменилась. Теперь: {_local_date(soon)}, Белгород, ул. Попова, 2."]
    assert _notes(left) == []
    later = to_local(soon + timedelta(days=1), club.region)
    assert specialist.post(f"{BASE}/events/{event.id}/edit", data=_form(
        event, title="Чай", place="Белгород, ул. Попова, 2", starts_at=f"{later:%Y-%m-%dT%H:%M}",
        ends_at=f"{later + timedelta(hours=2):%Y-%m-%dT%H:%M}")).status_code == 302
    assert len(_notes(registered)) == 2 and _local_date(soon + timedelta(days=1)) in _notes(registered)[1]


def _local_date(moment: datetime) -> str:
    """The portal's one way of writing a moment, at the region's time."""
    return format_datetime(moment.replace(tzinfo=timezone.utc), "d MMMM y, HH:mm", tzinfo=ZoneInfo("Europe/Moscow"),
                           locale="ru")


def test_calendar_files_say_which_version_when_and_where_to_look(app, people, club, soon):
    event = add_event(club, soon)
    event.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    graduate = app.test_client().login_as(people["graduate"])
    url = f"{BASE}/events/{event.id}/calendar.ics"
    item = _vevent(graduate.get(url))
    assert item["sequence"] == 0 and str(item["status"]) == "CONFIRMED"
    assert str(item["url"]) == f"http://localhost{BASE}/events/{event.id}"
    stamp = item.decoded("dtstamp").replace(tzinfo=None)
    assert abs(stamp - utcnow()) < timedelta(minutes=1)  # when the file was made, not when the event was
    assert item.decoded("last-modified").replace(tzinfo=None) == event.created_at.replace(microsecond=0)

    specialist = app.test_client().login_as(people["specialist"])
    assert specialist.post(f"{BASE}/events/{event.id}/edit", data=_form(event, place="Онлайн-зал")).status_code == 302
    item = _vevent(graduate.get(url))
    assert item["sequence"] == 1 and str(item["location"]) == "Онлайн-зал"
    assert abs(item.decoded("last-modified").replace(tzinfo=None) - utcnow()) < timedelta(minutes=1)
    assert specialist.post(f"{BASE}/events/{event.id}/edit", data=_form(event, place="Онлайн-зал")).status_code == 302
    assert _vevent(graduate.get(url))["sequence"] == 1  # saved without a change: the same version


# --- figures -------------------------------------------------------------------

def test_the_figures_open_on_the_regions_year(app, people, regions, monkeypatch):
    """On New Year's night the region may be in the next year already while the server is not."""
    vladivostok = regions["belgorod"]
    vladivostok.timezone = "Asia/Vladivostok"  # UTC+10
    db.session.commit()
    next_year = utcnow().year + 5
    monkeypatch.setattr(views, "utcnow", lambda: datetime(next_year - 1, 12, 31, 20, 0))
    coordinator = app.test_client().login_as(people["coordinator"])
    page = coordinator.get(f"{BASE}/stats").get_data(as_text=True)
    assert f"Посещаемость клубов, {next_year}" in page


def test_line_breaks_in_a_club_or_event_name_keep_the_calendars_readable(app, people, regions, soon):
    """A name with a line break used to break the club's feed for every subscriber, for good."""
    club = rules.add_club(regions["belgorod"], "Клуб\r\nX-INJECTED:1", organizer_ids=[people["specialist"].id])
    db.session.commit()
    event = add_event(club, soon, title="Чай\r\nBEGIN:VEVENT")
    feed = app.test_client().get(f"{BASE}/clubs/{club.id}/calendar/{club.feed_token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    assert str(calendar["x-wr-calname"]) == "Клуб X-INJECTED:1"
    items = calendar.walk("VEVENT")
    assert [str(item["summary"]) for item in items] == ["Чай BEGIN:VEVENT · Клуб X-INJECTED:1"]
    graduate = app.test_client().login_as(people["graduate"])
    single = graduate.get(f"{BASE}/events/{event.id}/calendar.ics")
    assert single.status_code == 200
    assert [str(item["summary"]) for item in _vevent_list(single)] == ["Чай BEGIN:VEVENT · Клуб X-INJECTED:1"]


def _vevent_list(response):
    return Calendar.from_ical(response.data).walk("VEVENT")


def test_calling_an_event_off_is_one_audited_move_from_scheduled_to_cancelled(app, people, club, event):
    rules.register(event, people["graduate"])
    db.session.commit()
    volunteer = app.test_client().login_as(people["volunteer"])
    assert volunteer.post(f"{BASE}/events/{event.id}/cancel-event", data={"reason": ""}).status_code == 302
    line, = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "graduate_clubs.event.cancelled"))
    assert (line.details["from"], line.details["to"]) == ("scheduled", "cancelled")
    assert line.target == f"event:{event.id}" and len(line.details["registrations"]) == 1
    assert line.actor_id == people["volunteer"].id
