"""Access at the level of one club and one event: the role in the region is not enough, nor another region."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs.models import Event, Registration
from portal.app.extensions import db
from portal.kit import to_local
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
    local = to_local(event.starts_at, event.club.region)
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


# --- who saw the list of people ---------------------------------------------------------------

def _viewed(actor) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "graduate_clubs.attendees.viewed", AuditEvent.actor_id == actor.id)
        .order_by(AuditEvent.id)))


def test_the_event_page_names_in_its_audit_line_the_graduates_it_shows(app, people, regions, club, event):
    waiting = make_user("w@belgorod.test", {regions["belgorod"]: ["graduate"]})
    other = make_user("o@belgorod.test", {regions["belgorod"]: ["graduate"]})
    for graduate in (people["graduate"], other):
        rules.register(event, graduate)
    rules.register(event, waiting, wait=True)
    db.session.commit()
    page = app.test_client().login_as(people["volunteer"]).get(f"{BELGOROD}/events/{event.id}")
    assert page.status_code == 200 and waiting.name in page.get_data(as_text=True)
    line, = _viewed(people["volunteer"])
    assert line.details["graduates"] == sorted([people["graduate"].id, other.id, waiting.id])
    assert line.target == f"event:{event.id}"


def test_an_attendee_line_shown_again_with_its_error_is_audited(app, people, club, event):
    """The htmx answer to a refused mark shows the graduate's name again: it is a read like the page."""
    registration = rules.register(event, people["graduate"])  # the event has not started: marking is refused
    db.session.commit()
    organizer = app.test_client().login_as(people["volunteer"])
    answer = organizer.post(f"{BELGOROD}/events/{event.id}/attendance/{registration.id}", data={"attended": "1"},
                            headers={"HX-Request": "true"})
    assert answer.status_code == 422 and people["graduate"].name in answer.get_data(as_text=True)
    line, = _viewed(people["volunteer"])
    assert line.details["graduates"] == [people["graduate"].id]


def test_an_attendee_line_shown_after_an_expired_form_is_audited(app, people, club, started, registration):
    organizer = app.test_client().login_as(people["volunteer"])
    answer = organizer.post(f"{BELGOROD}/events/{started.id}/attendance/{registration.id}", data={"attended": "1"},
                            csrf=False, headers={"HX-Request": "true"})
    assert answer.status_code == 422 and people["graduate"].name in answer.get_data(as_text=True)
    line, = _viewed(people["volunteer"])
    assert line.details["graduates"] == [people["graduate"].id]
