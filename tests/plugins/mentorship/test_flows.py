"""Mentorship flows through the pages: profiles, board, proposals, decisions, meetings, ending."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

import matching
from plugins.mentorship import pairs
from plugins.mentorship.models import (GraduateProfile, Meeting, MentorProfile, Mentorship, MentorshipStatus,
                                       PairSpecialist)
from portal.app.extensions import db
from portal.models import AuditEvent, Notification
from tests.helpers import form_errors, make_user
from tests.plugins.mentorship.conftest import add_graduate, add_mentor, agree

BASE = "/belgorod/mentorship"


def _region_today() -> date:
    """The test regions' today (Moscow): after 21:00 UTC it is already tomorrow there."""
    return datetime.now(ZoneInfo("Europe/Moscow")).date()


def _propose(client, graduate, mentor, **headers):
    return client.post(f"{BASE}/board/propose", data={"graduate": graduate.id, "mentor": mentor.id}, headers=headers)


def _only(status=None) -> Mentorship:
    query = select(Mentorship)
    if status is not None:
        query = query.where(Mentorship.status == status)
    rows = db.session.scalars(query).all()
    assert len(rows) == 1, rows
    return rows[0]


def test_mentor_fills_profile_and_bad_input_keeps_what_was_typed(client, people, belgorod):
    client.login_as(people["mentor"])
    page = client.post(f"{BASE}/profile/mentor", data={
        "interests": "Футбол, гитара", "about": "Инженер", "municipality": belgorod.municipalities[1].id,
        "capacity": "7", "gender": "male", "areas": ["housing"]})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    errors = " ".join(form_errors(html))
    assert "Выберите хотя бы один язык" in errors and "7" in html and "Футбол, гитара" in html
    assert db.session.scalar(select(MentorProfile)) is None
    saved = client.post(f"{BASE}/profile/mentor", data={
        "interests": "Футбол, гитара, футбол", "about": "Инженер", "municipality": belgorod.municipalities[1].id,
        "capacity": "2", "gender": "male", "areas": ["housing", "employment"], "languages": ["ru", "en"]})
    assert saved.status_code == 302
    profile = db.session.scalar(select(MentorProfile))
    assert (profile.interests, profile.areas, profile.capacity, profile.languages) == (
        ["Футбол", "гитара"], ["housing", "employment"], 2, ["ru", "en"])
    again = client.get(f"{BASE}/profile/mentor").get_data(as_text=True)
    assert "Футбол, гитара" in again


def test_graduate_takes_part_and_can_stop(client, people, belgorod):
    client.login_as(people["graduate"])
    assert "Я хочу наставника" in client.get(f"{BASE}/").get_data(as_text=True)
    response = client.post(f"{BASE}/profile/graduate", data={
        "wants_mentor": "y", "interests": "рисование", "areas": ["housing", "legal"], "municipality": "0",
        "languages": ["ru"], "prefers_gender": "female"})
    assert response.status_code == 302
    assert [p.user_id for p in pairs.waiting_graduates(belgorod)] == [people["graduate"].id]
    client.post(f"{BASE}/profile/graduate", data={"interests": "рисование", "languages": ["ru"], "municipality": "0"})
    assert pairs.waiting_graduates(belgorod) == []


def test_board_suggests_with_reasons_and_a_click_proposes(client, people, pool, belgorod):
    client.login_as(people["coordinator"])
    board = client.get(f"{BASE}/board").get_data(as_text=True)
    assert people["graduate"].name in board and "Ожидают наставника: 1" in board
    partial = client.get(f"{BASE}/board/graduates/{people['graduate'].id}", headers={"HX-Request": "true"})
    html = partial.get_data(as_text=True)
    assert "<html" not in html
    assert html.index(people["mentor"].name) < html.index("Другой Наставник")  # best first
    assert "оба: футбол" in html and "может помочь: жильё — это нужно" in html
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentorship.suggestions.viewed")
                             ).subject_id == people["graduate"].id

    answer = _propose(client, people["graduate"], people["mentor"], **{"HX-Request": "true"})
    assert answer.status_code == 200 and "Предложено" in answer.get_data(as_text=True)
    row = _only(MentorshipStatus.proposed)
    assert row.pinned and row.score > 0 and {r["code"] for r in row.reasons} >= {"covers_needs", "shared_interests"}
    assert row.snapshot["graduate"]["areas"] == ["housing"]
    # Twice is refused: the graduate already has a proposal.
    again = _propose(client, people["graduate"], pool["other"])
    assert again.status_code == 302 and len(db.session.scalars(select(Mentorship)).all()) == 1


def _notes(user) -> list[str]:
    return list(db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def test_the_graduate_and_the_mentor_each_decide_and_the_pair_starts_when_all_three_agree(client, people, pool):
    people["mentor"].contact = "+7 900 111-22-33"
    db.session.commit()
    client.login_as(people["coordinator"])
    _propose(client, people["graduate"], people["mentor"])
    row = _only()
    assert row.status == MentorshipStatus.proposed and row.waits_for() == ["coordinator", "graduate", "mentor"]
    assert "Вам предлагают наставника: Игорь Белов" in _notes(people["graduate"])[0]
    assert "Вам предлагают подопечного: Анна Смирнова" in _notes(people["mentor"])[0]
    row.reasons = row.reasons + [{"code": "learned", "params": {"probability": 0.9}}]
    row.decision_reason = "Внутренняя заметка координатора"
    db.session.commit()

    client.login_as(people["graduate"])  # the proposal in the graduate's own words
    home = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Предлагаемый наставник: Игорь Белов" in home and "вам обоим нравится: футбол" in home
    assert "может помочь вам: жильё" in home
    page = client.get(f"{BASE}/mentorships/{row.id}").get_data(as_text=True)
    for internal in ("похожие пары", "Внутренняя заметка", "Оценка", "оценка"):
        assert internal not in page and internal not in home, internal
    assert client.post(f"{BASE}/mentorships/{row.id}/accept").status_code == 302
    db.session.refresh(row)
    assert row.graduate_answer.value == "accepted" and row.status == MentorshipStatus.proposed
    assert "Игорь" not in " ".join(_notes(people["graduate"])[1:])  # nothing more for the graduate yet
    assert "Анна Смирнова: согласие на предложенную пару с вами получено" in _notes(people["mentor"])[-1]
    again = client.post(f"{BASE}/mentorships/{row.id}/accept")
    assert again.status_code == 422 and "Вы уже согласились" in again.get_data(as_text=True)

    client.login_as(people["mentor"])  # the mentor's words: the needs the graduate stated, what they share
    home = client.get(f"{BASE}/").get_data(as_text=True)
    assert "выпускнику нужна помощь: жильё — вы её предлагаете" in home and "Ответьте на предложение" in home
    answer = client.post(f"{BASE}/mentorships/{row.id}/accept", headers={"HX-Request": "true",
                                                                         "HX-Target": f"answer-{row.id}"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in html and f'id="answer-{row.id}"' in html
    assert "Ждём ответа: координатор" in html
    db.session.refresh(row)
    assert row.status == MentorshipStatus.proposed and row.waits_for() == ["coordinator"]

    client.login_as(people["coordinator"])
    board = client.get(f"{BASE}/board").get_data(as_text=True)
    assert "Выпускник: согласие дано" in board and "Наставник: согласие дано" in board
    assert 'type="radio"' not in board and "Решить" not in board
    response = client.post(f"{BASE}/mentorships/{row.id}/approve")
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.status == MentorshipStatus.active and row.decided_by_id == people["coordinator"].id
    started = [n for n in _notes(people["graduate"]) if "началось" in n]
    assert started == ["Ваше наставничество с Игорь Белов началось. Добавьте в профиль телефон или другой контакт: "
                       "так Игорь Белов сможет с вами связаться."]
    assert [n for n in _notes(people["mentor"]) if "началось" in n] == [
        "Ваше наставничество с Анна Смирнова началось: посмотрите, как связаться друг с другом."]

    client.login_as(people["graduate"])  # both see how to reach each other; a missing contact is asked for
    mine = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Игорь Белов: <strong>+7 900 111-22-33</strong>" in mine
    assert "Вы пока не указали контакт" in mine and 'href="/profile"' in mine
    client.login_as(people["mentor"])
    theirs = client.get(f"{BASE}/mentorships/{row.id}").get_data(as_text=True)
    assert "У Анна Смирнова пока нет контакта в профиле" in theirs and "+7 900 111-22-33" in theirs


def test_a_decline_ends_the_proposal_and_its_reason_is_the_coordinators_alone(client, people, pool, belgorod):
    client.login_as(people["coordinator"])
    _propose(client, people["graduate"], people["mentor"])
    row = _only()
    pairs.name_specialists(row, {people["specialist"].id}, people["coordinator"])
    db.session.commit()
    client.login_as(people["mentor"])
    assert client.post(f"{BASE}/mentorships/{row.id}/accept").status_code == 302
    client.login_as(people["graduate"])
    too_long = client.post(f"{BASE}/mentorships/{row.id}/decline", data={"reason": "я" * 2001})
    assert too_long.status_code == 422 and "я" * 2001 in too_long.get_data(as_text=True)
    declined = client.post(f"{BASE}/mentorships/{row.id}/decline", data={"reason": "Хочу женщину-наставника"},
                           follow_redirects=True)
    assert "Вы отказались" in declined.get_data(as_text=True)
    db.session.refresh(row)
    assert (row.status, row.graduate_answer.value, row.graduate_reason) == (
        MentorshipStatus.declined, "declined", "Хочу женщину-наставника")
    assert "Анна Смирнова отказывается" in _notes(people["coordinator"])[-1]
    assert "не состоится" in _notes(people["mentor"])[-1]
    audit_line = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentorship.declined"))
    assert audit_line.details["side"] == "graduate" and "Хочу" not in str(audit_line.details)
    # The reason: the coordinator reads it; the mentor, a specialist who follows the pair, the graduate do not.
    for person, sees in (("coordinator", True), ("mentor", False), ("specialist", False), ("graduate", False)):
        client.login_as(people[person])
        page = client.get(f"{BASE}/mentorships/{row.id}")
        assert page.status_code == 200, person
        assert ("Хочу женщину-наставника" in page.get_data(as_text=True)) is sees, person
        assert ("Хочу женщину-наставника" in client.get(f"{BASE}/").get_data(as_text=True)) is False, person
    client.login_as(people["coordinator"])
    assert "Хочу женщину-наставника" not in client.get(f"{BASE}/board").get_data(as_text=True)  # not open any more
    # The graduate waits again, this mentor is never proposed to them again, and the decline is a decision.
    assert [p.user_id for p in pairs.waiting_graduates(belgorod)] == [people["graduate"].id]
    assert (str(people["graduate"].id), str(people["mentor"].id)) in pairs.excluded_pairs(belgorod)
    found = pairs.decisions(belgorod)
    assert [(d.approved, d.side) for d in found] == [(False, "graduate")] and pairs.decisions_count(belgorod) == 1
    late = client.post(f"{BASE}/mentorships/{row.id}/approve")
    assert late.status_code == 422 and "Это только что изменилось" in late.get_data(as_text=True)


def test_decisions_of_every_side_teach_the_model_in_time_order(app_context, people, pool, belgorod):
    from datetime import datetime

    first = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                          pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    pairs.decide(first, True, "", people["coordinator"])
    pairs.answer(first, "mentor", False, "Не успеваю")
    second_graduate = add_graduate(belgorod, email="second@belgorod.test")
    second = pairs.propose(belgorod, pairs.graduate_profile(second_graduate, belgorod),
                           pairs.mentor_profile(pool["other"], belgorod), people["coordinator"])
    pairs.decide(second, False, "Далеко", people["coordinator"])
    first.decided_at, first.mentor_answered_at = datetime(2026, 1, 1), datetime(2026, 1, 3)
    second.decided_at = datetime(2026, 1, 2)
    db.session.commit()
    found = pairs.decisions(belgorod)
    assert [(d.approved, d.side, d.at.day) for d in found] == [
        (True, "coordinator", 1), (False, "coordinator", 2), (False, "mentor", 3)]
    assert pairs.decisions_count(belgorod) == 3
    assert found[2].mentor.id == str(people["mentor"].id)


def test_proposals_of_another_person_or_region_cannot_be_answered(client, people, pool, belgorod, regions):
    client.login_as(people["coordinator"])
    _propose(client, people["graduate"], people["mentor"])
    row = _only()
    other_graduate = add_graduate(belgorod, email="other-graduate@belgorod.test")
    for person in (pool["other"], other_graduate):  # a mentor and a graduate of the region, not of this pair
        client.login_as(person)
        assert client.get(f"{BASE}/mentorships/{row.id}").status_code == 404
        for action in ("accept", "decline"):
            assert client.post(f"{BASE}/mentorships/{row.id}/{action}").status_code == 404, action
    client.login_as(people["specialist"])  # staff never answer for a side
    assert client.post(f"{BASE}/mentorships/{row.id}/accept").status_code == 403
    smolensk = make_user("graduate@smolensk.test", {regions["smolensk"]: ["graduate", "mentor"]})
    client.login_as(smolensk)
    for action in ("accept", "decline"):
        assert client.post(f"/smolensk/mentorship/mentorships/{row.id}/{action}").status_code == 404
    client.login_as(people["graduate"])  # their own pair through another region's address: not there
    assert client.post(f"/smolensk/mentorship/mentorships/{row.id}/accept").status_code in (403, 404)
    assert client.post(f"{BASE}/mentorships/{row.id}/approve").status_code == 403
    smolensk_coordinator = make_user("coordinator@smolensk.test", {regions["smolensk"]: ["coordinator"]})
    client.login_as(smolensk_coordinator)
    for action in ("approve", "reject"):
        assert client.post(f"/smolensk/mentorship/mentorships/{row.id}/{action}",
                           data={"reason": "x"}).status_code == 404
    db.session.refresh(row)
    assert (row.status, row.graduate_answer, row.mentor_answer) == (MentorshipStatus.proposed, None, None)


def test_a_pending_mentor_sees_what_to_bring_and_where(client, people, belgorod):
    from portal.models import Membership, MembershipStatus

    belgorod.contacts = "Белгород, ул. Попова, 25, каб. 3; тел. +7 4722 00-00-00"
    newcomer = make_user("newcomer@belgorod.test", {belgorod: ["mentor"]})
    membership = db.session.scalar(select(Membership).where(Membership.user_id == newcomer.id))
    membership.status = MembershipStatus.pending
    db.session.commit()
    client.login_as(newcomer)
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Прежде чем стать наставником" in page and "справку об отсутствии судимости" in page
    assert "ул. Попова, 25" in page and "паспорт" in page
    welcome = client.get("/belgorod/welcome").get_data(as_text=True)  # where the dashboard sends them
    assert "справку об отсутствии судимости" in welcome and "ул. Попова, 25" in welcome
    assert client.get(f"{BASE}/board").status_code == 403
    client.login_as(people["mentor"])  # an approved mentor is past that
    assert "Прежде чем стать наставником" not in client.get(f"{BASE}/").get_data(as_text=True)


def test_the_mentors_home_says_what_is_asked_next(client, people, pool, belgorod):
    client.login_as(people["mentor"])
    home = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Сейчас от вас ничего не требуется" in home and "Подопечных пока нет" in home
    row = agree(pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                              pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"]),
                people["coordinator"])
    row.proposed_at = row.proposed_at - timedelta(days=40)
    db.session.commit()
    home = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Мои подопечные" in home and "Анна Смирнова" in home
    assert "Добавьте в профиль телефон или другой контакт, чтобы подопечные" in home
    assert "Встреч с Анна Смирнова нет в журнале уже 40 дн." in home
    dashboard = client.get("/belgorod/").get_data(as_text=True)
    assert "Ваши подопечные" in dashboard


def test_the_coordinators_dashboard_counts_what_waits(client, people, pool, belgorod):
    second = add_graduate(belgorod, email="second@belgorod.test")
    first = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                          pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    other = pairs.propose(belgorod, pairs.graduate_profile(second, belgorod),
                          pairs.mentor_profile(pool["other"], belgorod), people["coordinator"])
    pairs.answer(first, "graduate", True)
    pairs.decide(other, True, "", people["coordinator"])
    db.session.commit()
    assert pairs.waiting_counts(belgorod) == {"coordinator": 1, "graduate": 1, "mentor": 2}
    # the board's numbers in one statement are the same as each counted on its own
    assert pairs.board_counts(belgorod) == {**pairs.waiting_counts(belgorod), "approved": 1,
                                            "mentors": pairs.mentors_count(belgorod),
                                            "decisions": pairs.decisions_count(belgorod)}
    assert pairs.decisions_count(belgorod) == 1 and pairs.mentors_count(belgorod) >= 2
    client.login_as(people["coordinator"])
    dashboard = client.get("/belgorod/").get_data(as_text=True)
    assert "Ждут вашего решения: 1" in dashboard and "От выпускника: 1; от наставника: 2" in dashboard
    assert f'href="{BASE}/board#proposals"' in dashboard
    board = client.get(f"{BASE}/board").get_data(as_text=True)
    assert "Одобрены, ждут ответа выпускника или наставника: 1" in board
    client.login_as(people["graduate"])
    assert "Вам предлагают наставника" not in client.get("/belgorod/").get_data(as_text=True)  # answered
    client.login_as(second)
    assert "Вам предлагают наставника" in client.get("/belgorod/").get_data(as_text=True)


def test_rejection_needs_a_reason_and_the_pair_is_never_proposed_again(client, people, pool, belgorod):
    client.login_as(people["coordinator"])
    _propose(client, people["graduate"], people["mentor"])
    row = _only()
    no_reason = client.post(f"{BASE}/mentorships/{row.id}/reject", data={"reason": " "})
    assert no_reason.status_code == 422 and "Объясните" in no_reason.get_data(as_text=True)
    client.post(f"{BASE}/mentorships/{row.id}/reject", data={"reason": "Далеко ехать"})
    db.session.refresh(row)
    assert row.status == MentorshipStatus.rejected
    partial = client.get(f"{BASE}/board/graduates/{people['graduate'].id}", headers={"HX-Request": "true"})
    assert people["mentor"].name not in partial.get_data(as_text=True)
    refused = _propose(client, people["graduate"], people["mentor"])
    assert refused.status_code == 302
    assert len(db.session.scalars(select(Mentorship)).all()) == 1
    made = pairs.propose_optimal(belgorod, people["coordinator"])
    assert [(m.graduate_id, m.mentor_id) for m in made] == [(people["graduate"].id, pool["other"].id)]


def test_a_full_mentor_is_not_suggested_and_hard_rules_hold(client, people, pool, belgorod):
    second = add_graduate(belgorod, email="second@belgorod.test")
    row = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                        pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    db.session.commit()
    found = pairs.suggestions_for(pairs.as_graduate(pairs.graduate_profile(second, belgorod), belgorod), belgorod)
    assert [m.user_id for m, _left, _s in found] == [pool["other"].id]  # capacity 1 is taken by the proposal
    picky = add_graduate(belgorod, email="picky@belgorod.test", prefers_gender="male")
    assert pairs.suggestions_for(pairs.as_graduate(pairs.graduate_profile(picky, belgorod), belgorod), belgorod) == []
    english = add_graduate(belgorod, email="english@belgorod.test", languages=("en",))
    assert pairs.suggestions_for(pairs.as_graduate(pairs.graduate_profile(english, belgorod), belgorod), belgorod) == []
    client.login_as(people["coordinator"])
    assert _propose(client, english, pool["other"]).status_code == 302
    assert db.session.scalar(select(Mentorship).where(Mentorship.graduate_id == english.id)) is None
    assert row.status == MentorshipStatus.proposed


def test_optimising_keeps_pinned_pairs_and_replaces_the_rest(client, people, belgorod):
    mentors = [add_mentor(belgorod, f"m{i}@belgorod.test", interests=(f"i{i}",), areas=("housing",), capacity=1)
               for i in range(3)]
    graduates = [add_graduate(belgorod, email=f"g{i}@belgorod.test", interests=(f"i{i}",)) for i in range(3)]
    client.login_as(people["coordinator"])
    _propose(client, graduates[0], mentors[2])  # by hand: pinned
    response = client.post(f"{BASE}/board/optimise")
    assert response.status_code == 302
    made = {(r.graduate_id, r.mentor_id): r.pinned for r in db.session.scalars(select(Mentorship))}
    assert made[(graduates[0].id, mentors[2].id)] is True
    assert len(made) == 3 and len({m for _g, m in made}) == 3  # capacity 1 each
    unpinned = [r for r in db.session.scalars(select(Mentorship)) if not r.pinned]
    assert client.post(f"{BASE}/mentorships/{unpinned[0].id}/pin").status_code == 302
    client.post(f"{BASE}/board/optimise")
    db.session.expire_all()
    pinned = {(r.graduate_id, r.mentor_id) for r in db.session.scalars(select(Mentorship)) if r.pinned}
    assert (unpinned[0].graduate_id, unpinned[0].mentor_id) in pinned and len(pinned) == 2


def test_retraining_says_how_many_decisions_and_which_version(client, people, belgorod, monkeypatch):
    client.login_as(people["coordinator"])
    first = client.post(f"{BASE}/board/retrain", follow_redirects=True).get_data(as_text=True)
    assert "Слишком мало решений" in first
    assert "Пока не учится: решений — 0, обучение начинается с 100" in client.get(f"{BASE}/board").get_data(
        as_text=True)
    monkeypatch.setattr(matching.model, "MIN_DECISIONS", 12)  # a region's hundred decisions, in short
    mentors = [add_mentor(belgorod, f"m{i}@belgorod.test", town=i // 2, capacity=3) for i in range(4)]
    for i in range(12):
        graduate = add_graduate(belgorod, email=f"g{i}@belgorod.test", town=i % 2)
        mentor = mentors[i % 4]
        row = pairs.propose(belgorod, pairs.graduate_profile(graduate, belgorod),
                            pairs.mentor_profile(mentor, belgorod), people["coordinator"])
        same_town = (i % 2) == ((i % 4) // 2)
        pairs.decide(row, same_town, "" if same_town else "Далеко", people["coordinator"])
        db.session.commit()
    page = client.post(f"{BASE}/board/retrain", follow_redirects=True).get_data(as_text=True)
    model = pairs.load_model(belgorod)
    held = model.held_out
    assert "Модель обучена: решений — 12, версия 1." in page and held["decisions"] == 4
    assert f"На последних 4 решениях, отложенных для проверки, новая модель ставила одобренные пары выше " \
           f"отклонённых в {round(held['model'] * 100)} % случаев" in page.replace("\xa0", " ")
    board = client.get(f"{BASE}/board").get_data(as_text=True).replace("\xa0", " ")
    assert model.version == 1 and model.lessons["same_municipality"] == (1.0, 0.0)
    assert "Одобренные пары гораздо чаще, чем отклонённые, жили в одном муниципалитете." in board
    if model.is_fitted:
        assert "Обучена на 12 решениях, версия 1" in board
    else:
        assert "Решения пока не улучшают подбор по одним анкетам" in board


def _active(people, belgorod) -> Mentorship:
    row = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                        pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    agree(row, people["coordinator"])
    db.session.commit()
    return row


def test_meeting_log_is_kept_by_mentor_and_specialists_not_by_other_mentors(client, people, pool, belgorod):
    row = _active(people, belgorod)
    client.login_as(people["mentor"])
    future = client.post(f"{BASE}/mentorships/{row.id}/meetings", data={
        "met_on": (_region_today() + timedelta(days=3)).isoformat(), "what_was_done": "Сходили в МФЦ"})
    assert future.status_code == 422 and "Сходили в МФЦ" in future.get_data(as_text=True)
    assert client.post(f"{BASE}/mentorships/{row.id}/meetings", data={"met_on": "вчера", "what_was_done": "x"}
                       ).status_code == 422
    ok = client.post(f"{BASE}/mentorships/{row.id}/meetings", data={
        "met_on": _region_today().isoformat(), "what_was_done": "Сходили в МФЦ", "next_step": "Паспорт"})
    assert ok.status_code == 302 and db.session.scalar(select(Meeting)).next_step == "Паспорт"
    client.login_as(people["specialist"])  # a specialist who does not follow the pair
    assert client.get(f"{BASE}/mentorships/{row.id}").status_code == 404
    pairs.name_specialists(row, {people["specialist"].id}, people["coordinator"])
    db.session.commit()
    assert "Сходили в МФЦ" in client.get(f"{BASE}/mentorships/{row.id}").get_data(as_text=True)
    client.login_as(people["coordinator"])
    assert "Сходили в МФЦ" in client.get(f"{BASE}/mentorships/{row.id}").get_data(as_text=True)
    client.login_as(pool["other"])
    assert client.get(f"{BASE}/mentorships/{row.id}").status_code == 404
    assert client.post(f"{BASE}/mentorships/{row.id}/meetings", data={
        "met_on": _region_today().isoformat(), "what_was_done": "чужое"}).status_code == 404
    client.login_as(people["graduate"])
    assert "Сходили в МФЦ" not in client.get(f"{BASE}/mentorships/{row.id}").get_data(as_text=True)


def test_the_graduate_ends_a_mentorship_at_any_time(client, people, pool, belgorod):
    row = _active(people, belgorod)
    client.login_as(people["graduate"])
    response = client.post(f"{BASE}/mentorships/{row.id}/leave", data={"note": "Не совпали"})
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.status == MentorshipStatus.ended and row.outcome.value == "graduate_asked"
    assert db.session.scalar(select(Notification).where(Notification.user_id == people["mentor"].id))
    # The graduate waits for a new mentor again, and the mentor has room again.
    assert [p.user_id for p in pairs.waiting_graduates(belgorod)] == [people["graduate"].id]
    client.login_as(pool["other"])
    assert client.post(f"{BASE}/mentorships/{row.id}/leave").status_code == 403


def test_another_regions_coordinator_sees_nothing_of_this_region(client, people, pool, belgorod, regions):
    row = _active(people, belgorod)
    smolensk = make_user("coordinator@smolensk.test", {regions["smolensk"]: ["coordinator"]})
    client.login_as(smolensk)
    assert client.get(f"/smolensk/mentorship/mentorships/{row.id}").status_code == 404
    assert client.get(f"/smolensk/mentorship/board/graduates/{people['graduate'].id}").status_code == 404
    assert people["graduate"].name not in client.get("/smolensk/mentorship/board").get_data(as_text=True)
    assert client.get(f"{BASE}/board").status_code == 403


def test_needs_known_to_other_services_join_the_graduates_own(app_context, people, pool, belgorod):
    from tests.sample_plugin.models import SampleNote

    profile = pairs.graduate_profile(people["graduate"], belgorod)
    profile.areas = ["legal"]
    db.session.add(SampleNote(region_id=belgorod.id, user_id=people["graduate"].id, text="нужна квартира"))
    db.session.commit()
    assert pairs.as_graduate(profile, belgorod).areas == ["legal", "housing"]


def test_export_and_erasure(app_context, people, pool, belgorod):
    from portal.accounts.people import erase_person, export_person

    row = _active(people, belgorod)
    db.session.add(Meeting(mentorship=row, author_id=people["mentor"].id, met_on=_region_today(), what_was_done="МФЦ"))
    db.session.commit()
    data = export_person(people["graduate"])["plugins"]["mentorship"]
    assert data["graduate_profiles"][0]["areas"] == ["housing"]
    assert data["mentorships"][0]["meetings"][0]["what_was_done"] == "МФЦ"
    erase_person(people["graduate"])
    assert db.session.scalars(select(Mentorship)).all() == []
    assert db.session.scalars(select(GraduateProfile)).all() == []
    assert db.session.scalars(select(Meeting)).all() == []


def test_approval_checks_what_changed_since_the_proposal(client, people, pool, belgorod):
    row = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                        pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    pairs.graduate_profile(people["graduate"], belgorod).wants_mentor = False
    db.session.commit()
    client.login_as(people["coordinator"])
    refused = client.post(f"{BASE}/mentorships/{row.id}/approve")
    assert refused.status_code == 422 and "не участвует" in refused.get_data(as_text=True)
    pairs.graduate_profile(people["graduate"], belgorod).wants_mentor = True
    pairs.mentor_profile(people["mentor"], belgorod).capacity = 0  # the mentor has no room any more
    db.session.commit()
    full = client.post(f"{BASE}/mentorships/{row.id}/approve")
    assert full.status_code == 422 and "нет места" in full.get_data(as_text=True)
    db.session.refresh(row)
    assert row.status == MentorshipStatus.proposed


def test_dashboard_cards_and_htmx_decision_partial(client, people, pool, belgorod):
    client.login_as(people["coordinator"])
    dashboard = client.get("/belgorod/").get_data(as_text=True)
    assert "Ожидают наставника: 1" in dashboard
    _propose(client, people["graduate"], people["mentor"])
    row = _only()
    partial = client.post(f"{BASE}/mentorships/{row.id}/approve", headers={"HX-Request": "true", "HX-Target": f"proposal-{row.id}"})
    html = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "<html" not in html and f'id="proposal-{row.id}"' in html
    assert "Одобрено" in html


def test_approval_rechecks_the_hard_rules_on_the_profiles_as_they_are_now(client, people, pool, belgorod):
    row = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                        pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    pairs.graduate_profile(people["graduate"], belgorod).prefers_gender = "male"  # the mentor is a woman
    db.session.commit()
    client.login_as(people["coordinator"])
    refused = client.post(f"{BASE}/mentorships/{row.id}/approve")
    assert refused.status_code == 422 and "нарушает правило" in refused.get_data(as_text=True)
    profile = pairs.graduate_profile(people["graduate"], belgorod)
    profile.prefers_gender, profile.languages = None, ["en"]  # no language in common any more
    db.session.commit()
    assert client.post(f"{BASE}/mentorships/{row.id}/approve").status_code == 422
    db.session.refresh(row)
    assert row.status == MentorshipStatus.proposed


def test_a_pair_that_has_ended_is_not_proposed_again(client, people, pool, belgorod):
    row = _active(people, belgorod)
    pairs.end(row, pairs.Outcome.graduate_asked, "Не совпали")
    db.session.commit()
    client.login_as(people["coordinator"])
    partial = client.get(f"{BASE}/board/graduates/{people['graduate'].id}", headers={"HX-Request": "true"})
    html = partial.get_data(as_text=True)
    assert people["mentor"].name not in html and "Другой Наставник" in html
    refused = _propose(client, people["graduate"], people["mentor"])
    assert refused.status_code == 302
    assert "не предлагается" in client.get(f"{BASE}/board").get_data(as_text=True)
    assert db.session.scalar(select(Mentorship).where(Mentorship.status == MentorshipStatus.proposed)) is None
    made = pairs.propose_optimal(belgorod, people["coordinator"])
    assert [(m.graduate_id, m.mentor_id) for m in made] == [(people["graduate"].id, pool["other"].id)]


def test_unusable_ids_in_a_proposal_get_a_message(client, people, pool):
    client.login_as(people["coordinator"])
    for graduate, mentor in (("²", "1"), ("9" * 30, str(people["mentor"].id)), ("", ""), ("-1", "abc")):
        response = client.post(f"{BASE}/board/propose", data={"graduate": graduate, "mentor": mentor})
        assert response.status_code == 302, (graduate, mentor)
        assert "Выберите выпускника и наставника" in client.get(f"{BASE}/board").get_data(as_text=True)
    assert db.session.scalars(select(Mentorship)).all() == []


def test_lists_naming_graduates_are_audited(client, people, pool, belgorod):
    row = _active(people, belgorod)
    pairs.name_specialists(row, {people["specialist"].id}, people["coordinator"])
    db.session.commit()
    client.login_as(people["mentor"])
    assert people["graduate"].name in client.get(f"{BASE}/").get_data(as_text=True)
    client.login_as(people["specialist"])
    assert people["graduate"].name in client.get(f"{BASE}/mentorships").get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mentorship.list.viewed")
                                .order_by(AuditEvent.id)).all()
    assert [e.actor_id for e in events] == [people["mentor"].id, people["specialist"].id]
    assert all(e.details["graduates"] == [people["graduate"].id] and e.details["mentorships"] == [row.id]
               for e in events)


def test_an_htmx_proposal_leaves_no_message_for_the_next_page(client, people, pool):
    client.login_as(people["coordinator"])
    html = _propose(client, people["graduate"], people["mentor"], **{"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="no-proposals" hidden hx-swap-oob="true"' in html and "proposal-" in html
    board = client.get(f"{BASE}/board").get_data(as_text=True)
    assert "Предложено:" not in board and '<p id="no-proposals" hidden class="empty">' in board


def test_a_meeting_cannot_be_logged_before_the_pair_existed(client, people, pool, belgorod):
    row = _active(people, belgorod)
    client.login_as(people["mentor"])
    for day, message in (("0001-01-01", "Укажите дату между 1900 и 2100 годами."),
                         ((row.proposed_at.date() - timedelta(days=1)).isoformat(), "раньше, чем пару предложили")):
        response = client.post(f"{BASE}/mentorships/{row.id}/meetings", data={"met_on": day, "what_was_done": "МФЦ"})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalars(select(Meeting)).all() == []


def test_two_retrainings_at_once_do_not_fail(client, people, belgorod, monkeypatch):
    monkeypatch.setattr(matching.model, "MIN_DECISIONS", 12)
    mentors = [add_mentor(belgorod, f"m{i}@belgorod.test", town=i // 2, capacity=3) for i in range(4)]
    for i in range(12):
        graduate = add_graduate(belgorod, email=f"g{i}@belgorod.test", town=i % 2)
        row = pairs.propose(belgorod, pairs.graduate_profile(graduate, belgorod),
                            pairs.mentor_profile(mentors[i % 4], belgorod), people["coordinator"])
        pairs.decide(row, i % 3 != 0, "Далеко", people["coordinator"])
    pairs.retrain(belgorod, people["coordinator"])
    db.session.commit()
    # The other coordinator read the versions before this one's model was saved: it picks version 1 too.
    monkeypatch.setattr(pairs, "latest_model", lambda region: None)
    client.login_as(people["coordinator"])
    page = client.post(f"{BASE}/board/retrain", follow_redirects=True)
    assert page.status_code == 200 and "только что переобучил" in page.get_data(as_text=True)


def test_the_coordinator_names_the_specialists_who_follow_a_pair(client, people, pool, belgorod, regions):
    row = _active(people, belgorod)
    second = make_user("second-specialist@belgorod.test", {belgorod: ["specialist"]}, name="Вера Сидорова")
    stranger = make_user("specialist@smolensk.test", {regions["smolensk"]: ["specialist"]})
    client.login_as(people["specialist"])
    assert people["graduate"].name not in client.get(f"{BASE}/mentorships").get_data(as_text=True)
    assert client.post(f"{BASE}/mentorships/{row.id}/specialists",
                       data={"specialists": [people["specialist"].id]}).status_code == 403

    client.login_as(people["coordinator"])
    page = client.get(f"{BASE}/mentorships/{row.id}").get_data(as_text=True)
    assert "Пару пока не сопровождает ни один специалист" in page and "Вера Сидорова" in page
    refused = client.post(f"{BASE}/mentorships/{row.id}/specialists", data={"specialists": [stranger.id]})
    assert refused.status_code == 422 and db.session.scalars(select(PairSpecialist)).all() == []
    saved = client.post(f"{BASE}/mentorships/{row.id}/specialists",
                        data={"specialists": [people["specialist"].id, second.id]})
    assert saved.status_code == 302
    db.session.refresh(row)
    assert row.specialist_ids == {people["specialist"].id, second.id}
    told = {n.user_id for n in db.session.scalars(select(Notification))} - {people["graduate"].id, people["mentor"].id}
    assert told == {people["specialist"].id, second.id}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "mentorship.specialists.named")
                             ).subject_id == people["graduate"].id

    client.login_as(people["specialist"])
    assert people["graduate"].name in client.get(f"{BASE}/mentorships").get_data(as_text=True)
    assert "Активных пар, которые вы сопровождаете: 1" in client.get("/belgorod/").get_data(as_text=True)
    assert client.post(f"{BASE}/mentorships/{row.id}/meetings", data={
        "met_on": _region_today().isoformat(), "what_was_done": "Сходили в МФЦ"}).status_code == 302
    client.login_as(people["graduate"])  # the graduate knows who reads the log
    assert "Вера Сидорова" in client.get(f"{BASE}/mentorships/{row.id}").get_data(as_text=True)

    client.login_as(people["coordinator"])
    client.post(f"{BASE}/mentorships/{row.id}/specialists", data={"specialists": [second.id]})
    client.login_as(people["specialist"])  # no longer named: the pair is out of sight again
    assert client.get(f"{BASE}/mentorships/{row.id}").status_code == 404
    pairs.end(row, pairs.Outcome.goals_reached, "")
    db.session.commit()
    client.login_as(people["coordinator"])
    client.post(f"{BASE}/mentorships/{row.id}/specialists", data={"specialists": [people["specialist"].id]})
    db.session.refresh(row)
    assert row.specialist_ids == {second.id}  # an ended pair keeps who followed it


def test_a_pair_shows_the_same_score_on_the_board_the_proposal_and_after_it(client, people, pool, belgorod):
    """One feature space per region: the number does not depend on who else is in the call."""
    graduate_profile = pairs.graduate_profile(people["graduate"], belgorod)
    graduate_profile.about = "Люблю футбол, ищу помощь с жильём и работой"
    for i in range(4):  # mentors whose words change what a per-call TF-IDF would weigh
        add_mentor(belgorod, f"talker{i}@belgorod.test", interests=("шахматы",), areas=("legal",))
    mentor_profile = pairs.mentor_profile(people["mentor"], belgorod)
    mentor_profile.about = "Играю в футбол, помогаю с жильём"
    db.session.commit()
    graduate = pairs.as_graduate(graduate_profile, belgorod)
    found = {p.user_id: s for p, _left, s in pairs.suggestions_for(graduate, belgorod, k=10)}
    on_board = found[people["mentor"].id]
    client.login_as(people["coordinator"])
    partial = client.get(f"{BASE}/board/graduates/{people['graduate'].id}", headers={"HX-Request": "true"})
    assert f"оценка {round(on_board.score * 100)}" in partial.get_data(as_text=True)
    _propose(client, people["graduate"], people["mentor"])
    row = _only(MentorshipStatus.proposed)
    assert row.score == round(on_board.score, 4)
    assert row.reasons == [{"code": r.code, "params": r.params} for r in on_board.reasons]
    assert f"Оценка {round(row.score * 100)}" in client.get(f"{BASE}/board").get_data(as_text=True)
    # A profile's text changes: the region's space is fitted again, for every call alike.
    before = pairs.region_vocabulary(belgorod)
    mentor_profile.about = "Играю в футбол и хоккей"
    db.session.commit()
    assert pairs.region_vocabulary(belgorod) is not before
    assert pairs.region_vocabulary(belgorod) is pairs.region_vocabulary(belgorod)


def test_retraining_keeps_the_current_model_when_it_ranks_the_latest_decisions_better(client, people, belgorod,
                                                                                      monkeypatch):
    from plugins.mentorship.models import TrainedModel

    monkeypatch.setattr(matching.model, "MIN_DECISIONS", 12)
    mentors = [add_mentor(belgorod, f"m{i}@belgorod.test", town=i // 2, capacity=3) for i in range(4)]
    for i in range(12):
        graduate = add_graduate(belgorod, email=f"g{i}@belgorod.test", town=i % 2)
        row = pairs.propose(belgorod, pairs.graduate_profile(graduate, belgorod),
                            pairs.mentor_profile(mentors[i % 4], belgorod), people["coordinator"])
        pairs.decide(row, i % 3 != 0, "Далеко", people["coordinator"])
    assert pairs.retrain(belgorod, people["coordinator"]).row.version == 1
    db.session.commit()

    class Better(matching.DecisionModel):
        """The model in use ranks every held-out decision right."""

        is_fitted = True

        def score(self, decisions, vocabulary=None):
            return 1.0

    monkeypatch.setattr(pairs, "load_model", lambda region: Better())
    client.login_as(people["coordinator"])
    page = client.post(f"{BASE}/board/retrain", follow_redirects=True).get_data(as_text=True).replace("\xa0", " ")
    assert "текущая — в 100 %: оставлена текущая." in page
    assert db.session.scalars(select(TrainedModel.version)).all() == [1]


def test_a_persons_answers_are_in_their_export_and_a_mentors_reason_goes_with_them(app_context, people, pool,
                                                                                   belgorod):
    from portal.accounts.people import erase_person, export_person

    row = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                        pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    pairs.answer(row, "graduate", True)
    pairs.answer(row, "mentor", False, "Переезжаю в другой город")
    db.session.commit()
    mine = export_person(people["mentor"])["plugins"]["mentorship"]["mentorships"][0]["answer"]
    assert (mine["answer"], mine["reason"]) == ("declined", "Переезжаю в другой город")
    theirs = export_person(people["graduate"])["plugins"]["mentorship"]["mentorships"][0]["answer"]
    assert (theirs["answer"], theirs["reason"]) == ("accepted", "")  # the mentor's reason is not theirs
    erase_person(people["mentor"])
    db.session.expire_all()
    kept = db.session.get(Mentorship, row.id)
    assert (kept.mentor_id, kept.mentor_reason, kept.status) == (None, "", MentorshipStatus.declined)
