"""What the pages must get right besides the flows: audited re-renders, the region's today, a mentor's
capacity against their mentees, and input no one types."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from plugins.mentorship import pairs
from plugins.mentorship.models import Meeting, MentorProfile, Mentorship, MentorshipStatus
from portal.app.extensions import db
from portal.models import AuditEvent
from tests.helpers import make_user, page_queries
from tests.plugins.mentorship.conftest import add_graduate, add_mentor, agree

BASE = "/belgorod/mentorship"
NUL = "a\x00b"
UNTYPABLE = "символ, который нельзя набрать"


def _proposal(people, belgorod, *, graduate=None, mentor=None) -> Mentorship:
    row = pairs.propose(belgorod, pairs.graduate_profile(graduate or people["graduate"], belgorod),
                        pairs.mentor_profile(mentor or people["mentor"], belgorod), people["coordinator"])
    db.session.commit()
    return row


def _active(people, belgorod, **who) -> Mentorship:
    row = agree(_proposal(people, belgorod, **who), people["coordinator"])
    db.session.commit()
    return row


def _views(row) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "mentorship.viewed", AuditEvent.target == f"mentorship:{row.id}")
        .order_by(AuditEvent.id)).all()


def _error_of(html: str, field_id: str) -> str:
    """The message shown next to a field (the macros' ``<p class="error" id="<field>-error">``)."""
    found = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


# --- 3. a decision on a pair decided a moment ago -----------------------------------------------

@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_decision_on_a_pair_decided_a_moment_ago_says_what_happened(client, people, pool, belgorod, htmx):
    row = _proposal(people, belgorod)
    client.login_as(people["coordinator"])
    page = client.get(f"{BASE}/board").get_data(as_text=True)  # the card is on the screen ...
    assert f'id="proposal-{row.id}"' in page
    pairs.decide(row, False, "Далеко ехать", people["coordinator"])  # ... when someone else rejects it
    db.session.commit()
    headers = {"HX-Request": "true", "HX-Target": f"proposal-{row.id}"} if htmx else {}
    late = client.post(f"{BASE}/mentorships/{row.id}/approve", headers=headers)
    html = late.get_data(as_text=True)
    assert late.status_code == 422 and "Это только что изменилось: теперь «отклонено»" in html
    assert ("<html" in html) is not htmx
    db.session.expire_all()
    assert db.session.get(Mentorship, row.id).status == MentorshipStatus.rejected
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "mentorship.approved")) == 0


# --- 4. the mentorship page is audited however often it is rendered -----------------------------

def test_the_mentorship_page_shown_again_after_a_form_error_is_audited(client, people, pool, belgorod, regions):
    proposal = _proposal(people, belgorod)
    client.login_as(people["coordinator"])
    reject = f"{BASE}/mentorships/{proposal.id}/reject"
    for headers in ({}, {"HX-Request": "true", "HX-Target": f"proposal-{proposal.id}"}):
        before = len(_views(proposal))
        assert client.post(reject, data={"reason": " "}, headers=headers).status_code == 422
        assert len(_views(proposal)) == before + 1, headers

    agree(proposal, people["coordinator"])
    db.session.commit()
    stranger = make_user("specialist@smolensk.test", {regions["smolensk"]: ["specialist"]})
    for form, data in (("meetings", {"met_on": "вчера", "what_was_done": "МФЦ"}), ("end", {"outcome": "x"}),
                       ("specialists", {"specialists": [stranger.id]})):
        before = len(_views(proposal))
        assert client.post(f"{BASE}/mentorships/{proposal.id}/{form}", data=data).status_code == 422, form
        seen = _views(proposal)
        assert len(seen) == before + 1, form
        assert (seen[-1].actor_id, seen[-1].subject_id) == (people["coordinator"].id, people["graduate"].id)

    client.login_as(people["graduate"])  # their own mentorship: not a read of someone else's record
    before = len(_views(proposal))
    assert client.post(f"{BASE}/mentorships/{proposal.id}/leave", data={"note": "я" * 2001}).status_code == 422
    assert client.get(f"{BASE}/mentorships/{proposal.id}").status_code == 200
    assert len(_views(proposal)) == before


def test_the_board_names_every_graduate_it_shows(client, people, pool, belgorod):
    waiting = add_graduate(belgorod, email="waiting@belgorod.test")
    _proposal(people, belgorod)
    client.login_as(people["coordinator"])
    board = client.get(f"{BASE}/board").get_data(as_text=True)
    assert people["graduate"].name in board and waiting.name in board
    line = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentorship.board.viewed"))
    assert line.details["graduates"] == sorted([people["graduate"].id, waiting.id])


# --- 6. "today" is the region's -----------------------------------------------------------------

def test_the_meeting_log_knows_the_regions_today(client, people, pool, belgorod):
    # A zone 14 hours ahead of UTC or 12 behind: at any moment one of them is not on the server's day.
    zone = next(z for z in ("Pacific/Kiritimati", "Etc/GMT+12") if datetime.now(ZoneInfo(z)).date() != date.today())
    belgorod.timezone = zone
    db.session.commit()
    region_today = datetime.now(ZoneInfo(zone)).date()
    row = _active(people, belgorod)
    client.login_as(people["mentor"])
    page = client.get(f"{BASE}/mentorships/{row.id}").get_data(as_text=True)
    assert re.search(rf'name="met_on"[^>]*value="{region_today.isoformat()}"', page), "the form starts on today"

    tomorrow = client.post(f"{BASE}/mentorships/{row.id}/meetings", data={
        "met_on": (region_today + timedelta(days=1)).isoformat(), "what_was_done": "Завтрашнее"})
    assert tomorrow.status_code == 422 and "в будущем" in _error_of(tomorrow.get_data(as_text=True), "met_on")
    today = client.post(f"{BASE}/mentorships/{row.id}/meetings", data={
        "met_on": region_today.isoformat(), "what_was_done": "Сегодняшнее"})
    assert today.status_code == 302
    assert [m.met_on for m in db.session.scalars(select(Meeting))] == [region_today]


# --- 9. a mentor's places and the mentees they have ------------------------------------------------

def _mentor_form(belgorod, **changes) -> dict:
    return dict({"interests": "футбол", "about": "Инженер", "municipality": belgorod.municipalities[0].id,
                 "capacity": "3", "gender": "female", "areas": ["housing"], "languages": ["ru"],
                 "availability": "вечера"}, **changes)


def test_a_mentor_cannot_offer_fewer_places_than_their_active_mentees(client, people, belgorod):
    mentor = add_mentor(belgorod, "busy@belgorod.test", capacity=3)
    for n in range(2):
        _active(people, belgorod, graduate=add_graduate(belgorod, email=f"g{n}@belgorod.test"), mentor=mentor)
    client.login_as(mentor)
    refused = client.post(f"{BASE}/profile/mentor", data=_mentor_form(belgorod, capacity="1", about="Другое"))
    assert refused.status_code == 422
    message = _error_of(refused.get_data(as_text=True), "capacity")
    assert "2" in message and "активн" in message, message
    db.session.expire_all()
    profile = pairs.mentor_profile(mentor, belgorod)
    assert (profile.capacity, profile.about) == (3, "Помогаю с жильём")  # nothing saved
    # A proposal waiting for the mentor does not bind them: fewer places are saved, and they are told.
    _proposal(people, belgorod, graduate=add_graduate(belgorod, email="g2@belgorod.test"), mentor=mentor)
    saved = client.post(f"{BASE}/profile/mentor", data=_mentor_form(belgorod, capacity="2"), follow_redirects=True)
    assert "Вам предложено больше пар, чем вы теперь берёте" in saved.get_data(as_text=True)
    db.session.expire_all()
    assert pairs.mentor_profile(mentor, belgorod).capacity == 2


# --- 10. a NUL in a field is a message next to it, never a 500 ----------------------------------------

@pytest.mark.parametrize("field", ["interests", "about", "availability"])
def test_a_nul_in_the_mentor_profile(client, people, belgorod, field):
    client.login_as(people["mentor"])
    response = client.post(f"{BASE}/profile/mentor", data=_mentor_form(belgorod, **{field: NUL}))
    assert response.status_code == 422
    assert UNTYPABLE in _error_of(response.get_data(as_text=True), field)
    assert db.session.scalar(select(func.count()).select_from(MentorProfile)) == 0


@pytest.mark.parametrize("field", ["interests", "about"])
def test_a_nul_in_the_graduate_profile(client, people, belgorod, field):
    client.login_as(people["graduate"])
    data = dict({"wants_mentor": "y", "interests": "рисование", "about": "Учусь", "municipality": "0",
                 "languages": ["ru"]}, **{field: NUL})
    response = client.post(f"{BASE}/profile/graduate", data=data)
    assert response.status_code == 422
    assert UNTYPABLE in _error_of(response.get_data(as_text=True), field)
    assert pairs.graduate_profile(people["graduate"], belgorod) is None


@pytest.mark.parametrize("field", ["what_was_done", "next_step"])
def test_a_nul_in_the_meeting_log(client, people, pool, belgorod, field):
    row = _active(people, belgorod)
    client.login_as(people["mentor"])
    data = dict({"met_on": date.today().isoformat(), "what_was_done": "МФЦ", "next_step": "Паспорт"}, **{field: NUL})
    response = client.post(f"{BASE}/mentorships/{row.id}/meetings", data=data)
    assert response.status_code == 422
    assert UNTYPABLE in _error_of(response.get_data(as_text=True), field)
    assert db.session.scalars(select(Meeting)).all() == []


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-Target": "proposal-"}], ids=["page", "htmx"])
def test_a_nul_in_a_decision_reason(client, people, pool, belgorod, headers):
    row = _proposal(people, belgorod)
    if headers:
        headers = dict(headers, **{"HX-Target": f"proposal-{row.id}"})
    client.login_as(people["coordinator"])
    response = client.post(f"{BASE}/mentorships/{row.id}/reject", data={"reason": NUL}, headers=headers)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    reason = re.search(rf'id="reason-{row.id}".*?</textarea>\s*<p class="error">(.*?)</p>', html, re.S)
    assert reason and UNTYPABLE in reason.group(1)
    db.session.expire_all()
    row = db.session.get(Mentorship, row.id)
    assert (row.status, row.decision_reason) == (MentorshipStatus.proposed, "")


# --- the mentor's home does not grow its queries with its mentees and proposals ------------------------


def test_the_mentors_home_costs_the_same_queries_for_one_pair_or_six(app, client, people, belgorod):
    mentor = add_mentor(belgorod, "busy@belgorod.test", capacity=3)
    _active(people, belgorod, graduate=add_graduate(belgorod, email="g0@belgorod.test"), mentor=mentor)
    client.login_as(mentor)
    one = page_queries(app, client, f"{BASE}/")
    for n in range(1, 3):
        row = _active(people, belgorod, graduate=add_graduate(belgorod, email=f"g{n}@belgorod.test"), mentor=mentor)
        db.session.add(Meeting(mentorship=row, author_id=mentor.id, met_on=date.today(), what_was_done="МФЦ"))
    for n in range(3, 6):  # proposals to answer, beyond the places: they do not bind the mentor
        graduate = add_graduate(belgorod, email=f"g{n}@belgorod.test")
        row = Mentorship(region_id=belgorod.id, graduate_id=graduate.id, mentor_id=mentor.id, reasons=[],
                         snapshot={})
        db.session.add(row)
    db.session.commit()
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert page.count('class="match active"') == 3 and page.count('class="match proposed"') == 3
    assert page_queries(app, client, f"{BASE}/") == one


def test_answers_through_htmx_come_back_in_place_with_what_went_wrong(client, people, pool, belgorod):
    row = _proposal(people, belgorod)
    headers = {"HX-Request": "true", "HX-Target": f"answer-{row.id}"}
    client.login_as(people["graduate"])
    long = client.post(f"{BASE}/mentorships/{row.id}/decline", data={"reason": "я" * 2001}, headers=headers)
    html = long.get_data(as_text=True)
    assert long.status_code == 422 and "<html" not in html and f'id="answer-{row.id}"' in html
    assert "я" * 2001 in html and 'class="error"' in html
    pairs.decide(row, False, "Далеко", people["coordinator"])  # meanwhile the coordinator says no
    db.session.commit()
    late = client.post(f"{BASE}/mentorships/{row.id}/accept", headers=headers)
    html = late.get_data(as_text=True)
    assert late.status_code == 422 and "<html" not in html
    assert "Это только что изменилось" in html and "Это предложение не состоится" in html
    assert "Далеко" not in html  # the coordinator's reason is not the graduate's to read
    db.session.expire_all()
    assert db.session.get(Mentorship, row.id).graduate_answer is None


def test_the_coordinators_dashboard_counts_the_waiting_graduates_without_loading_them(app, client, people, belgorod):
    from tests.plugins.mentorship.conftest import add_graduate

    for number in range(3):
        add_graduate(belgorod, email=f"waiting-{number}@example.org")
    client.login_as(people["coordinator"])
    few = page_queries(app, client, "/belgorod/")
    assert "ожидают наставника: 3" in client.get("/belgorod/").get_data(as_text=True).lower()
    for number in range(3, 30):
        add_graduate(belgorod, email=f"waiting-{number}@example.org")
    assert page_queries(app, client, "/belgorod/") == few
    assert "ожидают наставника: 30" in client.get("/belgorod/").get_data(as_text=True).lower()


def test_a_sign_language_is_named_in_the_readers_language(client, people):
    client.login_as(people["mentor"])
    client.post("/language", data={"language": "en"})
    page = client.get("/belgorod/mentorship/profile/mentor").get_data(as_text=True)
    assert "Russian Sign Language" in page and "Жестовый" not in page and "Татарча" in page


def test_the_board_pages_and_filters_the_waiting_in_sql_and_loads_suggestions_on_demand(app, client, people,
                                                                                      belgorod):
    from tests.plugins.mentorship.conftest import add_graduate, add_mentor

    for number in range(5):
        add_graduate(belgorod, email=f"w{number}@example.org", areas=("housing",), town=0)
    add_mentor(belgorod, "namesake-1@example.org")
    client.login_as(people["coordinator"])
    few = page_queries(app, client, "/belgorod/mentorship/board")
    for number in range(5, 45):
        add_graduate(belgorod, email=f"w{number}@example.org", areas=("education",) if number % 2 else ("housing",),
                     town=number % 2)
    many = page_queries(app, client, "/belgorod/mentorship/board")
    assert many == few  # 5 or 45 waiting: the same work
    page = client.get("/belgorod/mentorship/board").get_data(as_text=True)
    assert page.count('class="graduate"') == 20 and "Ожидают наставника: 45" in page
    assert 'hx-trigger="load"' not in page and len(page) < 100 * 1024  # no twenty requests behind the page
    town = belgorod.municipalities[1]
    narrowed = client.get(f"/belgorod/mentorship/board?municipality={town.id}&need=education").get_data(as_text=True)
    assert narrowed.count('class="graduate"') == 20 and "Ожидают наставника: 20" in narrowed
    assert f'value="{town.id}" selected' in narrowed
    odd = client.get("/belgorod/mentorship/board?municipality=999999&need=%3Cscript%3E&page=-3")
    assert odd.status_code == 200 and "Ожидают наставника: 45" in odd.get_data(as_text=True)


def test_the_mentors_list_tells_namesakes_apart_and_is_paged(client, people, belgorod):
    from tests.plugins.mentorship.conftest import add_mentor

    add_mentor(belgorod, "olga-1@example.org")
    add_mentor(belgorod, "olga-2@example.org")
    for email in ("olga-1@example.org", "olga-2@example.org"):
        db.session.scalar(select(MentorProfile).join(MentorProfile.user).where(
            MentorProfile.user.has(email=email))).user.name = "Ольга Иванова"
    db.session.commit()
    client.login_as(people["coordinator"])
    page = client.get("/belgorod/mentorship/board/mentors").get_data(as_text=True)
    assert page.count("Ольга Иванова") == 2 and "olga-1@example.org" in page and "olga-2@example.org" in page
    client.login_as(people["mentor"])
    assert client.get("/belgorod/mentorship/board/mentors").status_code == 403
