"""Volunteers offer help at club events; the organizers accept or decline; the volunteer sees what they signed up for."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs import help as helping
from plugins.graduate_clubs.models import HelpOffer, HelpStatus
from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.kit import to_local
from portal.models import AuditEvent, Notification
from portal.models._time import utcnow
from tests.helpers import make_user, page_queries
from tests.plugins.graduate_clubs.conftest import add_event

BASE = "/belgorod/graduate_clubs"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def helper(regions):
    return make_user("helper@belgorod.test", {regions["belgorod"]: ["volunteer"]}, name="Анна Волонтёрова")


@pytest.fixture
def wanted(club, soon):
    return add_event(club, soon, title="Субботник", volunteers_wanted=True)


def _offer(event, user) -> HelpOffer | None:
    db.session.expire_all()
    return db.session.scalar(select(HelpOffer).where(HelpOffer.event_id == event.id,
                                                     HelpOffer.volunteer_id == user.id))


def _notes(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _actions(target: str) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target == target)
                                   .order_by(AuditEvent.id)))


def test_a_volunteer_offers_help_the_organizer_accepts_and_the_volunteer_sees_it(app, people, helper, wanted):
    volunteer = app.test_client().login_as(helper)
    page = volunteer.get(f"{BASE}/events/{wanted.id}").get_data(as_text=True)
    assert "Я могу помочь" in page
    assert volunteer.post(f"{BASE}/events/{wanted.id}/help", data={"note": "Могу вести фотосъёмку"}).status_code == 302
    offer = _offer(wanted, helper)
    assert offer.status == HelpStatus.offered and offer.note == "Могу вести фотосъёмку"
    assert _actions(f"help_offer:{offer.id}") == ["graduate_clubs.help.offered"]
    # Both organizers (the specialist and the co-organizing volunteer) are told, in their language.
    for organizer in (people["specialist"], people["volunteer"]):
        assert len(_notes(organizer)) == 1
        assert "Анна Волонтёрова" in _notes(organizer)[0] and "«Субботник»" in _notes(organizer)[0]
    page = volunteer.get(f"{BASE}/events/{wanted.id}").get_data(as_text=True)
    assert "ждёт ответа организаторов" in page and "Отозвать предложение" in page

    organizer = app.test_client().login_as(people["specialist"])
    page = organizer.get(f"{BASE}/events/{wanted.id}").get_data(as_text=True)
    assert "Анна Волонтёрова" in page and "Могу вести фотосъёмку" in page and "Принять" in page
    response = organizer.post(f"{BASE}/events/{wanted.id}/help/{offer.id}", data={"decision": "accept"})
    assert response.status_code == 302 and response.location.endswith(f"#help-offer-{offer.id}")
    offer = _offer(wanted, helper)
    assert offer.status == HelpStatus.accepted and offer.decided_by_id == people["specialist"].id
    assert offer.decided_at is not None
    assert _actions(f"help_offer:{offer.id}") == ["graduate_clubs.help.offered", "graduate_clubs.help.accepted"]
    assert len(_notes(helper)) == 1 and "приняли" in _notes(helper)[0]

    mine = volunteer.get(f"{BASE}/volunteering").get_data(as_text=True)
    assert "Субботник" in mine and "принято" in mine and "Белгород, ул. Победы, 85" in mine
    dashboard = volunteer.get("/belgorod/").get_data(as_text=True)
    assert "Принято, впереди: 1; ждут ответа: 0" in dashboard


def test_the_organizer_declines_with_htmx_and_the_row_is_swapped(app, people, helper, wanted):
    offer = helping.offer(wanted, helper, "")
    db.session.commit()
    organizer = app.test_client().login_as(people["specialist"])
    response = organizer.post(f"{BASE}/events/{wanted.id}/help/{offer.id}", data={"decision": "decline"},
                              headers=HTMX)
    row = response.get_data(as_text=True)
    assert response.status_code == 200 and row.startswith(f'<li id="help-offer-{offer.id}"')
    assert "отклонено" in row and "Принять" not in row
    assert _offer(wanted, helper).status == HelpStatus.declined
    assert len(_notes(helper)) == 1 and "отклонили" in _notes(helper)[0]
    # A second answer to the same offer is refused, with the reason, and changes nothing.
    again = organizer.post(f"{BASE}/events/{wanted.id}/help/{offer.id}", data={"decision": "accept"}, headers=HTMX)
    assert again.status_code == 422 and "отклонено" in again.get_data(as_text=True)
    assert _offer(wanted, helper).status == HelpStatus.declined and len(_notes(helper)) == 1
    # Neither a choice nor a missing one is an answer.
    bad = organizer.post(f"{BASE}/events/{wanted.id}/help/{offer.id}", data={"decision": "maybe"}, headers=HTMX)
    assert bad.status_code == 422


def test_a_volunteer_withdraws_and_offers_again_on_the_same_row(app, people, helper, wanted):
    volunteer = app.test_client().login_as(helper)
    first = volunteer.post(f"{BASE}/events/{wanted.id}/help", data={"note": ""}, headers=HTMX)
    assert first.status_code == 200 and "Спасибо!" in first.get_data(as_text=True)
    offer_id = _offer(wanted, helper).id
    again = volunteer.post(f"{BASE}/events/{wanted.id}/help", data={"note": ""}, headers=HTMX)
    assert again.status_code == 422  # the button is gone, a second click is refused
    withdrawn = volunteer.post(f"{BASE}/events/{wanted.id}/help/withdraw", headers=HTMX)
    assert withdrawn.status_code == 200 and "Я могу помочь" in withdrawn.get_data(as_text=True)
    assert _offer(wanted, helper).status == HelpStatus.withdrawn
    assert volunteer.post(f"{BASE}/events/{wanted.id}/help", data={"note": "Снова с вами"}).status_code == 302
    offer = _offer(wanted, helper)
    assert offer.id == offer_id and offer.status == HelpStatus.offered and offer.note == "Снова с вами"
    assert _actions(f"help_offer:{offer.id}") == ["graduate_clubs.help.offered", "graduate_clubs.help.withdrawn",
                                                  "graduate_clubs.help.offered"]
    # Withdrawing an accepted offer tells the organizers, who counted on it.
    helping.decide(offer, True, people["specialist"])
    db.session.commit()
    told = len(_notes(people["specialist"]))
    assert volunteer.post(f"{BASE}/events/{wanted.id}/help/withdraw").status_code == 302
    assert _offer(wanted, helper).status == HelpStatus.withdrawn
    assert len(_notes(people["specialist"])) == told + 1


def test_no_offer_without_a_call_for_volunteers_after_the_start_on_a_cancelled_event_or_by_a_graduate(
        app, people, helper, club, soon, wanted):
    volunteer = app.test_client().login_as(helper)
    plain = add_event(club, soon + timedelta(days=1), title="Без волонтёров")
    started = add_event(club, (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0),
                        title="Уже идёт", volunteers_wanted=True)
    called_off = add_event(club, soon + timedelta(days=2), title="Отменено", volunteers_wanted=True)
    rules.cancel_event(called_off)
    db.session.commit()
    assert "Я могу помочь" not in volunteer.get(f"{BASE}/events/{plain.id}").get_data(as_text=True)
    assert "Я могу помочь" not in volunteer.get(f"{BASE}/events/{started.id}").get_data(as_text=True)
    for found, words in ((plain, "не приглашают добровольцев"), (started, "уже началась"), (called_off, "отменена")):
        response = volunteer.post(f"{BASE}/events/{found.id}/help", data={"note": "x"}, headers=HTMX)
        assert response.status_code == 422 and words in response.get_data(as_text=True), found.title
        assert _offer(found, helper) is None
    graduate = app.test_client().login_as(people["graduate"])
    assert graduate.post(f"{BASE}/events/{wanted.id}/help", data={"note": "x"}).status_code == 403
    assert "Я могу помочь" not in graduate.get(f"{BASE}/events/{wanted.id}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(HelpOffer)) == 0
    # A note longer than allowed: the message, 422, and the words kept in the box.
    long = volunteer.post(f"{BASE}/events/{wanted.id}/help", data={"note": "а" * 1001}, headers=HTMX)
    assert long.status_code == 422 and "а" * 1001 in long.get_data(as_text=True)
    page = volunteer.post(f"{BASE}/events/{wanted.id}/help", data={"note": "б" * 1001})  # without htmx: the page
    assert page.status_code == 422 and "б" * 1001 in page.get_data(as_text=True)
    assert "<h1>Субботник</h1>" in page.get_data(as_text=True) and _offer(wanted, helper) is None


def test_another_regions_event_and_another_persons_offer_are_out_of_reach(app, regions, people, helper, club,
                                                                         wanted, soon):
    smolensk = regions["smolensk"]
    far_club = rules.add_club(smolensk, "Клуб в Смоленске")
    far_event = add_event(far_club, soon, title="Смоленский субботник", volunteers_wanted=True)
    far_helper = make_user("helper@smolensk.test", {smolensk: ["volunteer"]})
    far_offer = helping.offer(far_event, far_helper, "чужое")
    offer = helping.offer(wanted, helper, "")
    other_club = rules.add_club(regions["belgorod"], "Другой клуб", organizer_ids=[people["specialist"].id])
    other_event = add_event(other_club, soon, title="Другое событие", volunteers_wanted=True)
    db.session.commit()

    volunteer = app.test_client().login_as(helper)
    assert volunteer.post(f"{BASE}/events/{far_event.id}/help", data={"note": ""}).status_code == 404
    assert volunteer.post(f"{BASE}/events/{far_event.id}/help/withdraw").status_code == 404
    assert volunteer.post(f"{BASE}/events/{other_event.id}/help/withdraw").status_code == 404  # none made there
    # A volunteer who does not run the club cannot answer offers, not even their own.
    assert volunteer.post(f"{BASE}/events/{wanted.id}/help/{offer.id}", data={"decision": "accept"}).status_code \
        == 403
    organizer = app.test_client().login_as(people["specialist"])
    assert organizer.post(f"{BASE}/events/{far_event.id}/help/{far_offer.id}",
                          data={"decision": "accept"}).status_code == 404
    assert organizer.post(f"{BASE}/events/{wanted.id}/help/{far_offer.id}",
                          data={"decision": "accept"}).status_code == 404
    assert organizer.post(f"{BASE}/events/{other_event.id}/help/{offer.id}",  # the offer is of another event
                          data={"decision": "accept"}).status_code == 404
    assert organizer.post(f"{BASE}/events/{wanted.id}/help/987654", data={"decision": "accept"}).status_code == 404
    # The other volunteer's offers are not on this volunteer's page.
    other = make_user("other-helper@belgorod.test", {regions["belgorod"]: ["volunteer"]})
    helping.offer(other_event, other, "секрет другого")
    db.session.commit()
    assert "секрет другого" not in volunteer.get(f"{BASE}/volunteering").get_data(as_text=True)
    assert "Смоленский" not in volunteer.get(f"{BASE}/volunteering").get_data(as_text=True)
    assert _offer(far_event, far_helper).status == HelpStatus.offered and _offer(wanted, helper).status == \
        HelpStatus.offered
    assert db.session.get(HelpOffer, far_offer.id).note == "чужое"


def test_the_event_page_makes_the_same_number_of_queries_with_1_and_10_offers(app, regions, people, club, soon):
    few, many = (add_event(club, soon, title=title, volunteers_wanted=True) for title in ("Один", "Десять"))
    volunteers = [make_user(f"v{n}@belgorod.test", {regions["belgorod"]: ["volunteer"]}) for n in range(10)]
    helping.offer(few, volunteers[0], "заметка")
    for n, person in enumerate(volunteers):
        found = helping.offer(many, person, f"заметка {n}")
        if n % 2:
            helping.decide(found, n % 4 == 1, people["specialist"])
    first = helping.offer_of(few, volunteers[0])
    helping.decide(first, True, people["specialist"])
    db.session.commit()
    organizer = app.test_client().login_as(people["specialist"])
    organizer.get(f"{BASE}/events/{few.id}")  # the first request warms what every page loads once
    assert page_queries(app, organizer, f"{BASE}/events/{many.id}") == page_queries(app, organizer, f"{BASE}/events/{few.id}")


def test_a_volunteers_offers_are_in_their_export_and_go_with_erasure(app, people, helper, wanted):
    helping.offer(wanted, helper, "Умею играть на гитаре")
    db.session.commit()
    exported = {}
    for part in plugin_host().hook.portal_export_person(user=helper):
        exported.update(part or {})
    assert exported["help_offers"][0]["note"] == "Умею играть на гитаре"
    assert exported["help_offers"][0]["event"] == "Субботник" and exported["help_offers"][0]["status"] == "offered"
    plugin_host().hook.portal_erase_person(user=helper)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(HelpOffer)) == 0


def test_the_english_pages_speak_english(app, people, regions, wanted):
    english = make_user("helper-en@belgorod.test", {regions["belgorod"]: ["volunteer"]}, locale="en", name="Ann")
    volunteer = app.test_client().login_as(english)
    assert "I can help" in volunteer.get(f"{BASE}/events/{wanted.id}").get_data(as_text=True)
    volunteer.post(f"{BASE}/events/{wanted.id}/help", data={"note": ""})
    page = volunteer.get(f"{BASE}/volunteering").get_data(as_text=True)
    assert "My help at club events" in page and "waiting for the organizers" in page


def test_an_expired_form_says_so_where_the_button_was_and_keeps_the_note(app, people, helper, wanted):
    volunteer = app.test_client().login_as(helper)
    expired = volunteer.post(f"{BASE}/events/{wanted.id}/help", data={"note": "Помогу с чаем"}, csrf=False,
                             headers=HTMX)
    box = expired.get_data(as_text=True)
    assert expired.status_code == 422 and "Срок действия формы истёк" in box and "Помогу с чаем" in box
    assert 'class="help card"' in box and _offer(wanted, helper) is None
    offer = helping.offer(wanted, helper, "")
    db.session.commit()
    organizer = app.test_client().login_as(people["specialist"])
    row = organizer.post(f"{BASE}/events/{wanted.id}/help/{offer.id}", data={"decision": "accept"}, csrf=False,
                         headers=HTMX)
    assert row.status_code == 422 and row.get_data(as_text=True).startswith(f'<li id="help-offer-{offer.id}"')
    assert "Срок действия формы истёк" in row.get_data(as_text=True)
    assert _offer(wanted, helper).status == HelpStatus.offered


def test_volunteers_who_may_come_are_told_of_a_new_time_and_of_the_event_called_off(app, people, regions, helper,
                                                                                    wanted):
    declined = make_user("declined@belgorod.test", {regions["belgorod"]: ["volunteer"]})
    accepted = helping.offer(wanted, helper, "")
    helping.decide(accepted, True, people["specialist"])
    helping.decide(helping.offer(wanted, declined, ""), False, people["specialist"])
    db.session.commit()
    told_before = len(_notes(helper)), len(_notes(declined))
    organizer = app.test_client().login_as(people["specialist"])
    local = to_local(wanted.starts_at, regions["belgorod"]) + timedelta(hours=1)
    form = {"title": "Субботник", "starts_at": f"{local:%Y-%m-%dT%H:%M}",
            "ends_at": f"{local + timedelta(hours=2):%Y-%m-%dT%H:%M}", "capacity": "2",
            "place": "Белгород, ул. Победы, 85", "volunteers_wanted": "y"}
    assert organizer.post(f"{BASE}/events/{wanted.id}/edit", data=form).status_code == 302
    assert len(_notes(helper)) == told_before[0] + 1 and "изменилась" in _notes(helper)[-1]
    assert organizer.post(f"{BASE}/events/{wanted.id}/cancel-event", data={"reason": "Дождь"}).status_code == 302
    assert len(_notes(helper)) == told_before[0] + 2 and "Причина: Дождь" in _notes(helper)[-1]
    assert len(_notes(declined)) == told_before[1]  # declined: not coming anyway
    mine = app.test_client().login_as(helper).get(f"{BASE}/volunteering").get_data(as_text=True)
    assert "Субботник" in mine and "встреча отменена" in mine


def test_the_demo_volunteer_has_offered_help_and_one_offer_is_accepted(app, demo):
    statuses = list(db.session.scalars(select(HelpOffer.status).order_by(HelpOffer.id)))
    assert HelpStatus.accepted in statuses and HelpStatus.offered in statuses
