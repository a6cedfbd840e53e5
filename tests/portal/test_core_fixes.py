"""Bugs of the core that the plugin kit's issue lists: each of these failed before it was fixed."""
from __future__ import annotations

import pytest
from flask import Blueprint
from sqlalchemy import func, select, table

from portal import create_app
from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.kit import DashboardCard, hookimpl, members
from portal.models import AuditEvent, Membership, MembershipStatus, Municipality, Region, User
from tests.conftest import TEST_SETTINGS
from tests.helpers import PASSWORD, at_once, form_errors, make_user
from tests.sample_plugin.models import SampleNote

NUL = "a\x00b"
UNTYPABLE = "символ, который нельзя набрать"


# --- 7. a switched-off plugin answers 404 to every method, before CSRF --------------------------

@pytest.mark.parametrize("with_token", [False, True])
def test_a_switched_off_plugin_answers_404_to_a_post(client, people, regions, with_token):
    plugin_host().set_enabled(regions["belgorod"], "sample", False)
    db.session.commit()
    client.login_as(people["specialist"])
    response = client.post("/belgorod/sample/notes", data={"text": "hello"}, csrf=with_token)
    assert response.status_code == 404
    assert "registration" not in response.get_data(as_text=True).lower()
    assert db.session.scalar(select(func.count(SampleNote.id))) == 0


def test_a_plugin_that_is_on_still_checks_the_token(client, people):
    client.login_as(people["specialist"])
    assert client.post("/belgorod/sample/notes", data={"text": "hello"}, csrf=False).status_code == 400
    assert client.post("/belgorod/sample/notes", data={"text": "hello"}).status_code == 302


# --- 8. one failing plugin does not break the dashboard and the menu ---------------------------

class Broken:
    """A plugin whose menu and card hooks raise, next to the working sample plugin."""

    @hookimpl
    def portal_blueprint(self):
        bp = Blueprint("broken", __name__)

        @bp.route("/")
        @members()
        def index():
            return "broken but alive"

        return bp

    @hookimpl
    def portal_navigation(self, region, user):
        raise RuntimeError("navigation is broken")

    @hookimpl
    def portal_dashboard_cards(self, region, user):
        raise RuntimeError("cards are broken")


def _with_plugins(app, tmp_path, **extra):
    """The test app's database served with the sample plugin and ``extra`` ones (name: plugin object)."""
    from tests import sample_plugin

    made = create_app(dict(TEST_SETTINGS, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                           INSTANCE_PATH=str(tmp_path),
                           PORTAL_EXTRA_PLUGINS=[("sample", sample_plugin), *extra.items()]))
    made.test_client_class = app.test_client_class
    return made


def _coordinators_dashboard(app, person, regions, switched_on):
    """The coordinator's dashboard with the plugins ``switched_on`` in every region: (status, page)."""
    with app.app_context():
        for region in regions.values():
            for name in switched_on:
                plugin_host().set_enabled(db.session.get(Region, region.id), name, True)
        db.session.commit()
        client = app.test_client()
        client.login_as(person)
        page = client.get("/belgorod/")
        db.session.remove()
    return page.status_code, page.get_data(as_text=True)


@pytest.fixture
def app_with_broken_plugin(app, tmp_path):
    return _with_plugins(app, tmp_path, broken=Broken())


def test_a_plugin_failing_in_its_menu_and_cards_is_left_out(app_with_broken_plugin, people, regions, caplog):
    status, text = _coordinators_dashboard(app_with_broken_plugin, people["coordinator"], regions, ["broken"])
    assert status == 200
    assert 'data-plugin="sample"' in text  # the working plugin's entry and card are there
    assert "notes:" in text
    failures = [r for r in caplog.records if "plugin broken failed" in r.getMessage()]
    assert {("portal_navigation" in r.getMessage()) for r in failures} == {True, False}
    assert all("error" in r.getMessage() for r in failures)


class BadCounts:
    """A plugin whose dashboard numbers the database refuses (a table that is not there)."""

    @hookimpl
    def portal_dashboard_counts(self, region, user):
        return {"lost": select(func.count()).select_from(table("no_such_table"))}

    @hookimpl
    def portal_dashboard_cards(self, region, user, counts):
        return [DashboardCard("Bad counts", f"lost: {counts['lost']}")]


class RaisingCounts:
    """A plugin whose counts hook itself raises."""

    @hookimpl
    def portal_dashboard_counts(self, region, user):
        raise RuntimeError("counts are broken")

    @hookimpl
    def portal_dashboard_cards(self, region, user, counts):
        return [DashboardCard("Raising counts", f"counted: {sorted(counts)}")]


def test_a_plugin_whose_counts_fail_is_left_out_and_the_others_are_counted(app, tmp_path, people, regions, caplog):
    """The numbers of every card come in one statement; one plugin's refused SQL costs only its own cards."""
    odd = _with_plugins(app, tmp_path, bad=BadCounts(), raising=RaisingCounts())
    db.session.add(SampleNote(region_id=regions["belgorod"].id, user_id=people["specialist"].id, text="one"))
    db.session.add(Membership(user=make_user("waiting@belgorod.test"), region=regions["belgorod"],
                              role="graduate", status=MembershipStatus.pending))
    db.session.commit()
    status, text = _coordinators_dashboard(odd, people["coordinator"], regions, ["bad", "raising"])
    assert status == 200
    assert "notes: 1" in text  # the sample plugin's number, counted again on its own
    assert "Bad counts" not in text  # no numbers: its card failed and was left out
    assert "counted: []" in text  # a counts hook that raised: its cards get no numbers
    assert "Ждут вашего решения: 1" in text  # the core's own number, in the same statement
    messages = [r.getMessage() for r in caplog.records]
    assert any("counts of bad failed" in m for m in messages)
    assert any("plugin raising failed in portal_dashboard_counts" in m for m in messages)


# --- 10. control characters get a message, never a 500 ------------------------------------------

def test_a_nul_in_the_login_email_is_a_message(client, people):
    response = client.post("/login", data={"email": "a\x00b@example.org", "password": "x"})
    assert response.status_code in (200, 422)
    assert any(UNTYPABLE in error for error in form_errors(response.get_data(as_text=True)))
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "login.failed")) == 0


@pytest.mark.parametrize("field", ["name", "email", "password"])
def test_a_nul_in_registration_is_a_message_and_nothing_is_saved(client, regions, field):
    data = {"name": "Мария", "email": "maria@example.org", "password": PASSWORD, "confirm": PASSWORD,
            "role": "graduate", "municipality": str(regions["belgorod"].municipalities[0].id), "language": "ru"}
    data[field] = NUL
    response = client.post("/belgorod/register", data=data)
    assert response.status_code in (200, 422)
    assert any(UNTYPABLE in error for error in form_errors(response.get_data(as_text=True)))
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_nul_in_the_profile_email_change_and_searches_is_a_message(client, people):
    client.login_as(people["region_admin"])
    for path, data in (("/profile", {"name": NUL, "contact": ""}), ("/profile/email", {"email": NUL})):
        response = client.post(path, data=data)
        assert response.status_code in (200, 422), path
        assert UNTYPABLE in response.get_data(as_text=True), path
    for path, data in (("/belgorod/admin/members", {"q": "a\x00b"}), ("/belgorod/admin/audit", {"person": "a\x00b"})):
        response = client.post(path, data=data)
        assert response.status_code == 422 and UNTYPABLE in response.get_data(as_text=True), path


def test_a_nul_in_a_region_edit_is_a_message(client, people, regions):
    client.login_as(people["site_admin"])
    response = client.post("/admin/regions/belgorod/edit", data={
        "code": "belgorod", "name": NUL, "timezone": "Europe/Moscow", "default_locale": "ru",
        "municipalities": "Белгород\nНовое\x00место"})
    assert response.status_code == 422 and UNTYPABLE in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Region, regions["belgorod"].id).name == "Белгородская область"


def test_a_line_break_in_next_of_the_language_switch_goes_home(client):
    response = client.post("/language", data={"language": "en", "next": "/belgorod/\r\nSet-Cookie: x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


# --- 11. a double click is the same refusal as the check before it ------------------------------

def test_registering_twice_at_once_makes_one_account(app, client, regions):
    data = {"name": "Мария", "email": "maria@example.org", "password": PASSWORD, "confirm": PASSWORD,
            "role": "volunteer", "municipality": str(regions["belgorod"].municipalities[0].id), "language": "ru",
            "consent": "y"}

    def register(_n, start):
        web = app.test_client()
        token = web.csrf_token()
        start()
        response = web.post("/belgorod/register", data=dict(data, csrf_token=token))
        return str(response.status_code)

    outcomes = at_once(app, range(5), register)
    # Every one gets the same answer (registration never tells that an address is taken), and one account.
    assert outcomes == ["302"] * 5, outcomes
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "maria@example.org")) == 1


def test_adding_a_municipality_twice_at_once_adds_it_once(app, people, regions):
    data = {"code": "belgorod", "name": "Белгородская область", "timezone": "Europe/Moscow",
            "default_locale": "ru", "municipalities": "Белгород\nСтарый Оскол\nГубкин"}

    admin_id = people["site_admin"].id

    def save(_n, start):
        web = app.test_client()
        web.login_as(db.session.get(User, admin_id))  # this thread's own session, not the test's
        token = web.csrf_token()
        start()
        return str(web.post("/admin/regions/belgorod/edit", data=dict(data, csrf_token=token)).status_code)

    outcomes = at_once(app, range(4), save)
    assert "302" in outcomes and set(outcomes) <= {"302", "422"}, outcomes
    assert db.session.scalar(select(func.count(Municipality.id)).where(
        Municipality.region_id == regions["belgorod"].id, Municipality.name == "Губкин")) == 1


# --- the core's own status changes are guarded too -------------------------------------------------

def test_approving_and_rejecting_one_registration_at_once_one_decision_stands(app, people, regions):
    newcomer = make_user("newcomer@belgorod.test", {regions["belgorod"]: ["graduate"]},
                         status=MembershipStatus.pending)
    membership_id, coordinator_id = newcomer.memberships[0].id, people["coordinator"].id

    def decide(move, start):
        web = app.test_client()
        web.login_as(db.session.get(User, coordinator_id))
        token = web.csrf_token()
        field = {"approve": {f"approve{membership_id}-note": ""},
                 "reject": {f"reject{membership_id}-reason": "не из нашего региона"}}[move]
        start()
        response = web.post(f"/belgorod/members/{membership_id}/{move}", data=dict(field, csrf_token=token),
                            headers={"HX-Request": "true"})
        return move if response.status_code == 200 else f"refused {response.status_code}"

    outcomes = at_once(app, ["approve", "reject"] * 2, decide)
    winners = [o for o in outcomes if not o.startswith("refused")]
    assert len(winners) == 1, outcomes
    db.session.expire_all()
    assert db.session.get(Membership, membership_id).status.value == {"approve": "active",
                                                                      "reject": "rejected"}[winners[0]]
    decided = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.in_(("membership.approved", "membership.rejected")))).all()
    assert decided == [{"approve": "membership.approved", "reject": "membership.rejected"}[winners[0]]]
