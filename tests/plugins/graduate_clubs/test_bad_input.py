"""What does not fit gets a clear message in the user's language, keeps what was typed, and never a 500."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs.models import Club, Event, RegistrationStatus
from portal.app.extensions import db
from portal.models._time import utcnow
from portal.web.forms import UNTYPABLE
from tests.helpers import form_errors, make_user
from tests.plugins.graduate_clubs.conftest import add_event

BASE = "/belgorod/graduate_clubs"
HTMX = {"HX-Request": "true", "HX-Target": "registration"}
YEARS = "Укажите год от 2000 до 2100."


def _fields(**changes) -> dict:
    day = (utcnow() + timedelta(days=20)).date().isoformat()
    return {"title": "Мастер-класс", "starts_at": f"{day}T18:00", "ends_at": f"{day}T20:00", "capacity": "10",
            "place": "Белгород, ул. Победы, 85", **changes}


def _errors_of(response) -> str:
    return " ".join(form_errors(response.get_data(as_text=True)))


@pytest.mark.parametrize("field, value", [("starts_at", "0001-01-01T00:00"), ("ends_at", "9999-12-31T23:59"),
                                          ("registration_deadline", "1900-05-01T10:00")])
def test_a_year_out_of_reach_is_refused_with_a_message(app, people, club, field, value):
    specialist = app.test_client().login_as(people["specialist"])
    answer = specialist.post(f"{BASE}/clubs/{club.id}/events/new", data=_fields(**{field: value}))
    assert answer.status_code == 422 and YEARS in _errors_of(answer)
    assert 'value="Мастер-класс"' in answer.get_data(as_text=True)  # what was typed is kept
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_editing_to_a_year_out_of_reach_changes_nothing(app, people, club, event):
    specialist = app.test_client().login_as(people["specialist"])
    answer = specialist.post(f"{BASE}/events/{event.id}/edit", data=_fields(starts_at="0001-01-01T00:00"))
    assert answer.status_code == 422 and YEARS in _errors_of(answer)
    db.session.expire_all()
    assert event.title == "Чаепитие" and event.starts_at.year > 2000


def test_the_event_form_says_what_is_wrong_with_each_field(app, people, club):
    specialist = app.test_client().login_as(people["specialist"])
    url = f"{BASE}/clubs/{club.id}/events/new"
    for places in ("0", "1001", "десять"):
        answer = specialist.post(url, data=_fields(capacity=places))
        assert answer.status_code == 422
        assert form_errors(answer.get_data(as_text=True)) == ["Число мест — от 1 до 1000."], places
    answer = specialist.post(url, data=_fields(starts_at="завтра вечером"))
    assert answer.status_code == 422
    assert form_errors(answer.get_data(as_text=True)) == ["Это не дата и время; укажите их так: 2026-12-25 18:00."]
    answer = specialist.post(url, data=_fields(starts_at=""))
    assert form_errors(answer.get_data(as_text=True)) == ["Укажите дату и время."]
    answer = specialist.post(url, data=_fields(registration_deadline="когда-нибудь"))
    assert form_errors(answer.get_data(as_text=True)) == ["Это не дата и время; укажите их так: 2026-12-25 18:00."]
    day = (utcnow() + timedelta(days=20)).date().isoformat()
    typed = specialist.post(url, data=_fields(starts_at=f"{day} 18:00"))  # typed where there is no picker
    assert typed.status_code == 302
    assert db.session.scalar(select(func.count(Event.id))) == 1


@pytest.mark.parametrize("since, message", [("0001-01-01", YEARS), ("9999-01-01", YEARS),
                                            ("никогда", "Это не дата; укажите её так: 2026-12-25.")])
def test_an_unusable_date_in_the_listing_filter_is_left_out_with_a_message(app, people, club, event, since,
                                                                          message):
    graduate = app.test_client().login_as(people["graduate"])
    page = graduate.get(f"{BASE}/?since={since}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Чаепитие" in text and message in text
    partial = graduate.get(f"{BASE}/?since={since}", headers={"HX-Request": "true", "HX-Target": "listing"})
    text = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in text and "Чаепитие" in text and message in text


@pytest.mark.parametrize("municipality", ["99999999999999999999999", "-3", "x", "0", ""])
def test_a_municipality_that_is_no_id_shows_all(app, people, club, event, municipality):
    graduate = app.test_client().login_as(people["graduate"])
    page = graduate.get(f"{BASE}/?municipality={municipality}")
    assert page.status_code == 200 and "Чаепитие" in page.get_data(as_text=True)


def test_another_regions_municipality_is_not_a_filter(app, people, regions, club, event):
    smolensk_town = regions["smolensk"].municipalities[0]
    graduate = app.test_client().login_as(people["graduate"])
    text = graduate.get(f"{BASE}/?municipality={smolensk_town.id}").get_data(as_text=True)
    assert "Чаепитие" in text and "В регионе нет такого муниципального образования: показаны все." in text
    assert '<option selected value="0">' in text  # the filter shows what is really applied


def test_an_expired_form_in_the_registration_box_answers_422_where_htmx_shows_it(app, people, club, event):
    graduate = app.test_client().login_as(people["graduate"])
    expired = graduate.post(f"{BASE}/events/{event.id}/register", csrf=False, headers=HTMX)
    text = expired.get_data(as_text=True)
    assert expired.status_code == 422 and "<html" not in text
    assert "Срок действия формы истёк" in text and "Записаться" in text  # the message and a fresh button
    assert rules.registration_of(event, people["graduate"]) is None

    rules.register(event, people["graduate"])
    db.session.commit()
    expired = graduate.post(f"{BASE}/events/{event.id}/cancel", csrf=False, headers=HTMX)
    assert expired.status_code == 422 and "Срок действия формы истёк" in expired.get_data(as_text=True)
    db.session.expire_all()
    assert rules.registration_of(event, people["graduate"]).status == RegistrationStatus.registered
    page = graduate.post(f"{BASE}/events/{event.id}/cancel", csrf=False)  # without htmx: back to the event
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/events/{event.id}")


def test_an_expired_form_shows_nothing_of_another_regions_event(app, regions, club, event):
    smolensk = make_user("g@smolensk.test", {regions["smolensk"]: ["graduate"]})
    client = app.test_client().login_as(smolensk)
    for headers in (HTMX, {}):
        answer = client.post(f"/smolensk/graduate_clubs/events/{event.id}/register", csrf=False, headers=headers)
        text = answer.get_data(as_text=True)
        assert answer.status_code == (422 if headers else 400) and "Срок действия формы истёк" in text
        assert "Чаепитие" not in text


def test_an_expired_attendance_form_answers_422_to_organizers_only(app, people, regions, club):
    started = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    event = add_event(club, started, title="Киновечер")
    registration = rules.register(event, people["graduate"], now=started - timedelta(days=1))
    db.session.commit()
    url = f"{BASE}/events/{event.id}/attendance/{registration.id}"
    organizer = app.test_client().login_as(people["volunteer"])
    answer = organizer.post(url, data={"attended": "1"}, csrf=False, headers={"HX-Request": "true"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Срок действия формы истёк" in text and people["graduate"].name in text
    stranger = app.test_client().login_as(make_user("v2@belgorod.test", {regions["belgorod"]: ["volunteer"]}))
    answer = stranger.post(url, data={"attended": "1"}, csrf=False, headers={"HX-Request": "true"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Срок действия формы истёк" in text
    assert people["graduate"].name not in text  # the message only: nothing of the event for a stranger
    db.session.expire_all()
    assert registration.attended is False


def test_an_expired_form_with_typed_text_gets_the_error_page(app, people, club, event):
    specialist = app.test_client().login_as(people["specialist"])
    answer = specialist.post(f"{BASE}/events/{event.id}/edit", data=_fields(), csrf=False)
    assert answer.status_code == 400 and "Срок действия формы истёк" in answer.get_data(as_text=True)


# --- characters nobody types, and an empty list of organizers ---------------------------------

NUL = "a\x00b"  # PostgreSQL cannot store it: it used to be a 500 there


def _untypable() -> str:
    with force_locale("ru"):
        return str(UNTYPABLE)


def test_a_nul_in_a_club_field_is_refused_next_to_it_and_nothing_is_saved(app, people, club):
    specialist = app.test_client().login_as(people["specialist"])
    for field in ("name", "host", "description"):
        data = {"name": "Клуб «Старт»", "host": "Колледж", "municipality": "0", field: NUL}
        answer = specialist.post(f"{BASE}/clubs/new", data=data)
        assert answer.status_code == 422 and _errors_of(answer) == _untypable(), field
        answer = specialist.post(f"{BASE}/clubs/{club.id}/edit", data=data)
        assert answer.status_code == 422 and _errors_of(answer) == _untypable(), field
    assert db.session.scalar(select(func.count(Club.id))) == 1
    db.session.expire_all()
    assert club.name == "Клуб «Ориентир»" and club.host == "Белгородский механико-технологический колледж"


def test_a_nul_in_an_event_field_is_refused_next_to_it_and_nothing_is_saved(app, people, club, event):
    specialist = app.test_client().login_as(people["specialist"])
    for field in ("title", "description", "place", "online_link", "capacity", "starts_at"):
        answer = specialist.post(f"{BASE}/clubs/{club.id}/events/new", data=_fields(**{field: NUL}))
        assert answer.status_code == 422 and _errors_of(answer) == _untypable(), field
        answer = specialist.post(f"{BASE}/events/{event.id}/edit", data=_fields(**{field: NUL}))
        assert answer.status_code == 422 and _errors_of(answer) == _untypable(), field
    answer = specialist.post(f"{BASE}/events/{event.id}/cancel-event", data={"reason": NUL})
    assert answer.status_code == 422 and _errors_of(answer) == _untypable()
    assert db.session.scalar(select(func.count(Event.id))) == 1
    db.session.expire_all()
    assert event.title == "Чаепитие" and event.cancelled_at is None


@pytest.mark.parametrize("field", ["since", "municipality"])
def test_a_nul_in_the_listing_filter_is_named_and_left_out(app, people, club, event, field):
    graduate = app.test_client().login_as(people["graduate"])
    for headers in ({}, {"HX-Request": "true", "HX-Target": "listing"}):
        page = graduate.get(f"{BASE}/", query_string={field: NUL}, headers=headers)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "Чаепитие" in text and _untypable() in text


def test_a_club_saved_with_no_organizers_chosen_is_saved(app, people, club):
    """An empty choice in the organizers list was a TypeError (500); it means: nobody named."""
    specialist = app.test_client().login_as(people["specialist"])
    answer = specialist.post(f"{BASE}/clubs/{club.id}/edit", data={
        "name": "Клуб «Ориентир»", "host": "Колледж", "municipality": "0", "organizers": ""})
    assert answer.status_code == 302
    db.session.expire_all()
    assert club.host == "Колледж" and club.organizers == []


@pytest.mark.parametrize("organizers", [["", "abc"], ["abc"], ["1x"]])
def test_organizers_that_are_not_people_are_a_message(app, people, club, organizers):
    """An empty entry before a wrong one used to hide the wrong one's error, then a TypeError (500)."""
    specialist = app.test_client().login_as(people["specialist"])
    answer = specialist.post(f"{BASE}/clubs/{club.id}/edit", data={
        "name": "Клуб «Ориентир»", "host": "Колледж", "municipality": "0", "organizers": organizers})
    assert answer.status_code == 422
    db.session.expire_all()
    assert club.host != "Колледж"
