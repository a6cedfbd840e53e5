"""Access at the level of one club and one event: the role in the region is not enough, nor another region."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs.models import Event, Registration
from portal.app.extensions import db
from portal.models import AuditEvent, Membership, Role
from portal.models._time import utcnow
from tests.helpers import make_user
from tests.plugins.graduate_clubs.conftest import add_event

BELGOROD = "/belgorod/graduate_clubs"
SMOLENSK = "/smolensk/graduate_clubs"


@pytest.fixture
def started(club):
    """A meeting that began an hour ago, with the Belgorod graduate registered: attendance can be marked."""
    return add_event(club, (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0), title="Киновечер")


@pytest.fixture
def registration(people, started):
    found = rules.register(started, people["graduate"], now=started.starts_at - timedelta(days=1))
    db.session.commit()
    return found


def _event_form(event) -> dict:
    local = rules.to_local(event.starts_at, "Europe/Moscow")
    return {"title": "Чужая правка", "starts_at": f"{local:%Y-%m-%dT%H:%M}",
            "ends_at": f"{local + timedelta(hours=2):%Y-%m-%dT%H:%M}", "capacity": "5", "place": "Зал"}


def test_a_volunteer_who_does_not_run_the_club_changes_nothing(app, regions, club, event, started, registration):
    stranger = make_user("stranger@belgorod.test", {regions["belgorod"]: ["volunteer"]})
    client = app.test_client().login_as(stranger)
    posts = {
        f"{BELGOROD}/events/{started.id}/attendance/{registration.id}": {"attended": "1"},
        f"{BELGOROD}/events/{event.id}/edit": _event_form(event),
        f"{BELGOROD}/clubs/{club.id}/edit": {"name": "Чужой клуб", "municipality": "0"},
        f"{BELGOROD}/clubs/{club.id}/events/new": _event_form(event),
        f"{BELGOROD}/events/{event.id}/cancel-event": {"reason": ""},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
        assert client.post(url, data=data, headers={"HX-Request": "true"}).status_code == 403, url
    assert client.get(f"{BELGOROD}/events/{event.id}/cancel-event").status_code == 403
    db.session.expire_all()
    assert registration.attended is False and event.title == "Чаепитие" and club.name == "Клуб «Ориентир»"
    assert event.cancelled_at is None
    assert db.session.scalar(select(Event.id).where(Event.title == "Чужая правка")) is None
    denied = db.session.scalars(select(AuditEvent.target).where(AuditEvent.action == "access.denied",
                                                               AuditEvent.actor_id == stranger.id)).all()
    assert len(denied) == 11  # each refusal is on record


def test_a_graduate_opens_no_organizer_page(app, people, club, event, started, registration):
    graduate = app.test_client().login_as(people["graduate"])
    for url in (f"{BELGOROD}/stats", f"{BELGOROD}/stats.csv", f"{BELGOROD}/clubs/new",
                f"{BELGOROD}/clubs/{club.id}/edit", f"{BELGOROD}/clubs/{club.id}/events/new",
                f"{BELGOROD}/events/{event.id}/edit", f"{BELGOROD}/events/{event.id}/cancel-event"):
        assert graduate.get(url).status_code == 403, url
    answer = graduate.post(f"{BELGOROD}/events/{started.id}/attendance/{registration.id}", data={"attended": "1"})
    assert answer.status_code == 403  # not even for their own registration
    db.session.expire_all()
    assert registration.attended is False
    page = graduate.get(f"{BELGOROD}/events/{started.id}").get_data(as_text=True)
    assert "Записались:" not in page and "Отметить" not in page


@pytest.mark.parametrize("role", ["graduate", "volunteer", "specialist", "coordinator"])
def test_smolensk_people_do_not_find_belgorod_clubs_and_events(app, regions, club, event, started, registration,
                                                               role):
    person = make_user(f"{role}@smolensk.test", {regions["smolensk"]: [role]})
    client = app.test_client().login_as(person)
    gets = [f"/clubs/{club.id}", f"/events/{event.id}", f"/events/{event.id}/calendar.ics",
            f"/clubs/{club.id}/calendar/{club.feed_token}.ics"]
    if role != "graduate":
        gets += [f"/clubs/{club.id}/edit", f"/clubs/{club.id}/events/new", f"/events/{event.id}/edit",
                 f"/events/{event.id}/cancel-event"]
    for path in gets:
        assert client.get(SMOLENSK + path).status_code == 404, path
        if "/calendar/" not in path:  # the club's feed is for whoever holds its secret address
            assert client.get(BELGOROD + path).status_code == 403, path  # not a member there at all
    posts = {"graduate": [f"/events/{event.id}/register", f"/events/{event.id}/cancel", f"/clubs/{club.id}/join"],
             "volunteer": [f"/events/{started.id}/attendance/{registration.id}"]}
    for path in posts.get(role, [f"/events/{started.id}/attendance/{registration.id}",
                                  f"/events/{event.id}/cancel-event"]):
        assert client.post(SMOLENSK + path, data={"attended": "1"}).status_code == 404, path
    db.session.expire_all()
    assert registration.attended is False and event.cancelled_at is None
    assert db.session.scalar(select(Registration.id).where(Registration.graduate_id == person.id)) is None


def test_a_co_organizer_whose_volunteer_role_ended_no_longer_runs_the_club(app, people, regions, club, started,
                                                                         registration):
    """A graduate who also volunteered, named co-organizer; the volunteer role ends, the graduate one stays."""
    helper = make_user("helper@belgorod.test", {regions["belgorod"]: ["graduate", "volunteer"]})
    rules.set_organizers(club, [people["specialist"].id, helper.id])
    db.session.commit()
    client = app.test_client().login_as(helper)
    assert "Записались: 1 из 2" in client.get(f"{BELGOROD}/events/{started.id}").get_data(as_text=True)

    db.session.execute(delete(Membership).where(Membership.user_id == helper.id, Membership.role == Role.volunteer))
    db.session.commit()
    db.session.expire_all()
    assert not rules.can_manage(helper, club) and rules.managed_club_ids(helper, regions["belgorod"]) == set()
    page = client.get(f"{BELGOROD}/events/{started.id}").get_data(as_text=True)
    assert page and "Записались: 1 из 2" not in page and people["graduate"].name not in page
    assert "вы ведёте" not in client.get(f"{BELGOROD}/").get_data(as_text=True)
    answer = client.post(f"{BELGOROD}/events/{started.id}/attendance/{registration.id}", data={"attended": "1"})
    assert answer.status_code == 403
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "graduate_clubs.attendees.viewed",
                                                         AuditEvent.actor_id == helper.id)).all()
    assert len(viewed) == 1  # only the look while the role held
