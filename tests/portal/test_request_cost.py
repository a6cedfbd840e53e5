"""What every signed-in request costs the core: the statements it makes, and what it keeps for the request."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.app.extensions import db
from portal.models import Notification, RegionPlugin
from portal.services.notifications import known_unread, mark_read, notify, unread_count
from tests.helpers import page_queries


def test_a_region_page_reads_the_region_the_session_and_the_bell_in_one_statement(app, client, people, regions):
    """The URL's region with its plugins on, the person's session with their roles, and the unread count."""
    client.login_as(people["coordinator"])
    assert page_queries(app, client, "/belgorod/contacts") == 1  # the page itself shows the region only
    assert page_queries(app, client, "/notifications") == 2  # no region: the session and bell, then the list
    visitor = app.test_client()
    assert page_queries(app, visitor, "/belgorod/contacts") == 1  # the region alone


def test_what_the_region_has_on_is_read_at_every_request(app, client, people, regions):
    """A region admin turning a plugin off: the next request, in any worker, no longer serves it."""
    client.login_as(people["graduate"])
    assert client.get("/belgorod/social_hotel/").status_code == 200
    assert 'data-plugin="social_hotel"' in client.get("/belgorod/contacts").get_data(as_text=True)
    db.session.execute(RegionPlugin.__table__.update().where(RegionPlugin.plugin == "social_hotel",
                                                             RegionPlugin.region_id == regions["belgorod"].id)
                       .values(enabled=False))
    db.session.commit()
    assert client.get("/belgorod/social_hotel/").status_code == 404
    assert 'data-plugin="social_hotel"' not in client.get("/belgorod/contacts").get_data(as_text=True)


def test_a_session_read_with_the_region_opens_only_what_it_would_alone(app, client, people, regions):
    """Ended or on another browser: the session read with the region opens nothing, as Flask-Login's checks say."""
    client.login_as(people["graduate"])
    assert client.get("/belgorod/").status_code == 200
    other = app.test_client()
    with client.session_transaction() as kept:
        copied = dict(kept)
    with other.session_transaction() as stolen:
        stolen.update(copied)
    other.environ_base = {"HTTP_USER_AGENT": "another browser"}
    assert other.get("/belgorod/").status_code == 302  # strong session protection: refused, and ended
    assert client.get("/belgorod/").status_code == 302


def test_the_bell_comes_with_the_session(app, client, people):
    graduate = people["graduate"]
    notify(graduate, _l("You have no notifications."))
    db.session.commit()
    client.login_as(graduate)
    assert '<span class="count">1</span>' in client.get("/notifications").get_data(as_text=True)
    client.post("/notifications/read-all")
    assert '<span class="count zero">0</span>' in client.get("/notifications").get_data(as_text=True)


def test_the_kept_count_is_read_again_once_a_notification_is_written(app, people):
    graduate, mentor = people["graduate"], people["mentor"]
    with app.test_request_context("/"):
        known_unread(graduate, 0)
        assert unread_count(graduate) == 0  # kept: no statement
        notify(graduate, _l("You have no notifications."))  # the person's own: forgotten
        assert unread_count(graduate) == 1
        known_unread(graduate, 1)
        mark_read(graduate)
        assert unread_count(graduate) == 0
        known_unread(graduate, 0)
        db.session.add(Notification(user_id=graduate.id, message="written by hand", link=""))
        db.session.flush()  # any path that writes one: forgotten at the flush
        assert unread_count(graduate) == 1
        known_unread(graduate, 1)
        notify(mentor, _l("You have no notifications."))
        db.session.flush()
        assert unread_count(mentor) == 1 and unread_count(graduate) == 1
    with app.test_request_context("/"):
        db.session.rollback()
        assert unread_count(graduate) == 0  # nothing outlives its request


def test_a_dashboard_asks_every_cards_numbers_in_one_statement(app, client, people, regions):
    """Six plugins' cards and the core's: their numbers are one statement, whatever the plugins on."""
    client.login_as(people["coordinator"])
    # the region and session; case work's reach of the person (its filters); every card's numbers
    assert page_queries(app, client, "/belgorod/") == 3
    client.login_as(people["graduate"])
    # the region and session; every card's numbers; the graduate's own record (the menu and a card ask it)
    assert page_queries(app, client, "/belgorod/") == 3
