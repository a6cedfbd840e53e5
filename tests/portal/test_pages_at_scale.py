"""Every main page makes the same queries on the demo's few rows as on a region grown by thousands (issue 17).

The demo gives each page its ten-odd rows; then the demo at scale's own builder (``add_crowd``, bulk
inserts through every plugin's ``portal_demo_crowd``) adds 2,500 graduates and 600 mentors to Belgorod
and 600 graduates to Smolensk, with their stays (over 5,000), club registrations (over 10,000), registry
records, appeals, pupils, festival shifts and 10,000 audit lines. A page that loads a region's people, or
asks once per row (N+1), makes more queries afterwards.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts.crowd import add_crowd
from portal.accounts.demo import _shared_hash
from portal.app.extensions import db
from portal.models import AuditEvent, Region, User
from tests.helpers import PortalClient, page_queries

# (who signs in, page): every role's dashboard and the main list pages of the core and each plugin.
PAGES = [
    (None, "/"),
    ("graduate@belgorod.demo", "/belgorod/"),
    ("mentor@belgorod.demo", "/belgorod/"),
    ("volunteer@belgorod.demo", "/belgorod/"),
    ("specialist@belgorod.demo", "/belgorod/"),
    ("coordinator@belgorod.demo", "/belgorod/"),
    ("region_admin@belgorod.demo", "/belgorod/"),
    ("graduate@belgorod.demo", "/belgorod/social_hotel/"),
    ("coordinator@belgorod.demo", "/belgorod/social_hotel/"),
    ("coordinator@belgorod.demo", "/belgorod/social_hotel/chart"),
    ("graduate@belgorod.demo", "/belgorod/graduate_clubs/"),
    ("graduate@belgorod.demo", "/belgorod/graduate_clubs/my"),
    ("specialist@belgorod.demo", "/belgorod/graduate_clubs/"),
    ("mentor@belgorod.demo", "/belgorod/mentorship/"),
    ("graduate@belgorod.demo", "/belgorod/mentorship/"),
    ("coordinator@belgorod.demo", "/belgorod/mentorship/board"),
    ("coordinator@belgorod.demo", "/belgorod/mentorship/board/mentors"),
    ("coordinator@belgorod.demo", "/belgorod/mentorship/mentorships"),
    ("specialist@belgorod.demo", "/belgorod/casework/records"),
    ("coordinator@belgorod.demo", "/belgorod/casework/appeals"),
    ("coordinator@belgorod.demo", "/belgorod/casework/assessments/due"),
    ("region_admin@belgorod.demo", "/belgorod/admin/audit"),
    ("region_admin@belgorod.demo", "/belgorod/admin/members"),
    ("coordinator@belgorod.demo", "/belgorod/members/pending"),
    ("specialist@smolensk.demo", "/smolensk/training_apartments/"),
    ("volunteer@smolensk.demo", "/smolensk/volunteer_festivals/"),
    ("specialist@smolensk.demo", "/smolensk/volunteer_festivals/"),
    ("volunteer@smolensk.demo", "/smolensk/volunteer_festivals/my"),
    # and the other list pages bench/pages.py measures on the country data
    ("coordinator@belgorod.demo", "/belgorod/mentorship/board?page=2"),
    ("volunteer@belgorod.demo", "/belgorod/graduate_clubs/volunteering"),
    ("coordinator@belgorod.demo", "/belgorod/graduate_clubs/stats"),
    ("coordinator@belgorod.demo", "/belgorod/social_hotel/stats"),
    ("coordinator@belgorod.demo", "/belgorod/casework/records/ageing-out"),
    ("coordinator@belgorod.demo", "/belgorod/casework/appeals/overdue"),
    ("coordinator@belgorod.demo", "/belgorod/casework/consilia"),
    ("coordinator@belgorod.demo", "/belgorod/casework/services"),
    ("coordinator@belgorod.demo", "/belgorod/casework/monitoring"),
    ("specialist@smolensk.demo", "/smolensk/training_apartments/monitoring"),
    ("specialist@smolensk.demo", "/smolensk/volunteer_festivals/figures"),
    ("region_admin@belgorod.demo", "/belgorod/admin/audit?page=2"),
    ("region_admin@belgorod.demo", "/belgorod/institutions"),
    ("coordinator@belgorod.demo", "/notifications"),
]


def _suggestions_page() -> tuple[str, str]:
    """The board's suggestions partial for the demo graduate (who waits for a mentor in the demo)."""
    graduate = User.by_email("graduate-01@belgorod.demo")
    return "coordinator@belgorod.demo", f"/belgorod/mentorship/board/graduates/{graduate.id}"


def _counts(app, pages) -> dict:
    clients, found = {}, {}
    for who, url in pages:
        if who not in clients:
            clients[who] = app.test_client()
            if who:
                clients[who].login_as(User.by_email(who))
        client = clients[who]
        page_queries(app, client, url)  # warm: a session's first page loads the person
        found[(who, url)] = page_queries(app, client, url)
    return found


def test_every_main_page_makes_the_same_queries_on_ten_rows_and_on_thousands(app_context, demo):
    app = app_context
    app.test_client_class = PortalClient
    pages = PAGES + [_suggestions_page()]
    few = _counts(app, pages)
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    password_hash = _shared_hash("crowd-password")
    made = add_crowd(regions["belgorod"], {"graduate": 2_500, "mentor": 600, "volunteer": 50, "specialist": 25,
                                           "coordinator": 2}, 10_000, password_hash)
    made_too = add_crowd(regions["smolensk"], {"graduate": 600, "volunteer": 40, "specialist": 6,
                                               "coordinator": 2}, 1_000, password_hash, seed=1)
    db.session.commit()
    assert made["hotel stays"] > 5_000 and made["club registrations"] > 10_000
    assert made["registry records"] == 2_500 and made["mentor profiles"] == 600
    assert made_too["shift assignments"] > 0 and made_too["apartment stays"] > 100
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) > 10_000
    many = _counts(app, pages)
    grown = {page: (few[page], many[page]) for page in pages if many[page] != few[page]}
    assert not grown, f"pages whose queries grew with the rows (few, many): {grown}"


@pytest.mark.parametrize("scale", ["region"])
def test_the_demo_at_scale_loads_once_and_again_adds_nothing(app, app_context, demo, scale, monkeypatch):
    """``portal demo --scale region`` at a smaller size (the command's path, every plugin's hook), run twice;
    the ordinary demo is there already (the fixture's rows), as after ``portal demo``."""
    from portal.accounts import crowd

    monkeypatch.setitem(crowd.SCALES, "region", crowd.Scale(regions=1, graduates=120, mentors=30, big_graduates=120,
                                                            big_mentors=30, audit_events=500))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--force", "--scale", scale, "--password", "a-demo-password"])
    assert result.exit_code == 0, result.output
    assert "Added 1 regions' crowds: 156 people" in result.output and "coordinator@belgorod.demo" in result.output
    assert "hotel stays" in result.output and "club registrations" in result.output and "Took " in result.output
    people = db.session.scalar(select(func.count()).select_from(User))
    again = runner.invoke(args=["demo", "--force", "--scale", scale])
    assert again.exit_code == 0, again.output
    assert "Added 0 regions' crowds" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == people
