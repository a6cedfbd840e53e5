"""People pressing the same button at the same moment: ten approvals for one place, approve against reject,
two endings of one mentorship, a first profile saved twice."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugins.mentorship import pairs
from plugins.mentorship.models import MentorProfile, Mentorship, MentorshipStatus
from portal.app.extensions import db
from portal.kit import Refusal
from portal.models import AuditEvent, Notification, User
from tests.helpers import at_once, make_user
from tests.plugins.mentorship.conftest import add_graduate, add_mentor, agree

CROWD = 10


def _approve(coordinator_id: int):
    def approve(proposal_id: int, start) -> str:
        row = db.session.get(Mentorship, proposal_id)
        coordinator = db.session.get(User, coordinator_id)
        _ = (row.region, row.graduate, row.mentor, coordinator.memberships)
        db.session.commit()  # give the connection back: the pool is smaller than the crowd
        start()
        try:
            pairs.decide(row, True, "", coordinator)
            db.session.commit()
            return "approved"
        except Refusal as refusal:
            db.session.rollback()
            return "full" if "нет места" in str(refusal) or "no room" in str(refusal) else str(refusal)

    return approve


def test_coordinators_approving_at_once_never_put_a_mentor_above_capacity(app, people, belgorod):
    mentor = add_mentor(belgorod, "busy@belgorod.test", capacity=CROWD)
    proposals = []
    for i in range(CROWD):
        graduate = add_graduate(belgorod, email=f"g{i}@belgorod.test")
        row = pairs.propose(belgorod, pairs.graduate_profile(graduate, belgorod),
                            pairs.mentor_profile(mentor, belgorod), people["coordinator"])
        for side in ("graduate", "mentor"):  # both said yes: each approval would start a pair
            pairs.answer(row, side, True)
        proposals.append(row.id)
    pairs.mentor_profile(mentor, belgorod).capacity = 1  # the mentor now takes one mentee only
    db.session.commit()
    coordinator_id = people["coordinator"].id
    db.session.remove()

    outcomes = at_once(app, proposals, _approve(coordinator_id))

    assert outcomes.count("approved") == 1 and outcomes.count("full") == CROWD - 1, outcomes
    with app.test_request_context():
        active = db.session.scalar(select(func.count()).select_from(Mentorship)
                                   .where(Mentorship.status == MentorshipStatus.active))
        assert active == 1


# --- two people deciding about one pair at the same moment ---------------------------------------

BASE = "/belgorod/mentorship"
MOVED_ON = "Это только что изменилось"
DECISIONS = ("mentorship.approved", "mentorship.rejected")


def _signed_in(app, person):
    """A browser of ``person``, signed in, with its form token: all the thread does is press the button."""
    web = app.test_client()
    web.login_as(person)
    return web, web.csrf_token()


def _press(presses):
    """Each press posts its form; the outcome is what the person is told: "done" or the refusal."""
    def press(name: str, start) -> str:
        web, token, url, data = presses[name]
        start()
        response = web.post(url, data=dict(data, csrf_token=token))
        if response.status_code == 302:
            return f"{name}: done"
        if response.status_code == 422 and MOVED_ON in response.get_data(as_text=True):
            return f"{name}: refused"
        return f"{name}: {response.status_code}"

    return press


def _actions(row_id: int, *actions: str) -> list[str]:
    return sorted(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target == f"mentorship:{row_id}", AuditEvent.action.in_(actions))))


def test_approving_and_rejecting_one_proposal_at_once_one_decision_stands(app, people, pool, belgorod):
    row = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                        pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    db.session.commit()
    second = make_user("second-coordinator@belgorod.test", {belgorod: ["coordinator"]})
    url = f"{BASE}/mentorships/{row.id}"
    presses = {"approve": (*_signed_in(app, people["coordinator"]), f"{url}/approve", {}),
               "reject": (*_signed_in(app, second), f"{url}/reject", {"reason": "Далеко ехать"})}
    row_id = row.id
    db.session.commit()

    outcomes = sorted(at_once(app, list(presses), _press(presses)))

    assert outcomes in (["approve: done", "reject: refused"], ["approve: refused", "reject: done"]), outcomes
    db.session.expire_all()
    row = db.session.get(Mentorship, row_id)
    if "approve: done" in outcomes:
        assert row.status == MentorshipStatus.approved and _actions(row_id, *DECISIONS) == ["mentorship.approved"]
    else:
        assert row.status == MentorshipStatus.rejected and _actions(row_id, *DECISIONS) == ["mentorship.rejected"]


@pytest.mark.parametrize("second_ender", ["coordinator", "graduate"])
def test_ending_one_mentorship_twice_at_once_ends_it_once(app, people, pool, belgorod, second_ender):
    row = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                        pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    agree(row, people["coordinator"])
    db.session.commit()
    end = (f"{BASE}/mentorships/{row.id}/end", {"outcome": "goals_reached"})
    presses = {"coordinator": (*_signed_in(app, people["coordinator"]), *end)}
    if second_ender == "graduate":
        presses["graduate"] = (*_signed_in(app, people["graduate"]), f"{BASE}/mentorships/{row.id}/leave", {})
    else:
        other = make_user("second-coordinator@belgorod.test", {belgorod: ["coordinator"]})
        presses["second coordinator"] = (*_signed_in(app, other), *end)
    row_id = row.id
    db.session.commit()

    outcomes = at_once(app, list(presses), _press(presses))

    assert sorted(o.split(": ")[1] for o in outcomes) == ["done", "refused"], outcomes
    db.session.expire_all()
    assert db.session.get(Mentorship, row_id).status == MentorshipStatus.ended
    assert _actions(row_id, "mentorship.ended") == ["mentorship.ended"]
    told = sorted(db.session.scalars(select(Notification.user_id).where(Notification.message.contains("заверш"))))
    graduate_ended_it = "graduate: done" in outcomes  # then only the mentor is told; staff tell both
    assert told == ([people["mentor"].id] if graduate_ended_it else
                    sorted([people["graduate"].id, people["mentor"].id])), told


def test_saving_a_first_mentor_profile_twice_at_once_makes_one(app, people, belgorod):
    data = {"interests": "футбол", "about": "Инженер", "municipality": belgorod.municipalities[0].id,
            "capacity": "2", "gender": "male", "areas": ["housing"], "languages": ["ru"]}
    browsers = [_signed_in(app, people["mentor"]) for _ in range(2)]
    db.session.commit()

    def save(n: int, start) -> str:
        web, token = browsers[n]
        start()
        response = web.post(f"{BASE}/profile/mentor", data=dict(data, csrf_token=token))
        if response.status_code == 422:
            return "refused" if "только что сохранена" in response.get_data(as_text=True) else "422 without reason"
        return str(response.status_code)

    outcomes = at_once(app, range(2), save)

    assert "302" in outcomes and set(outcomes) <= {"302", "refused"}, outcomes
    assert db.session.scalar(select(func.count()).select_from(MentorProfile)) == 1


# --- "propose the best pairs for everyone" racing a decision (found in review) ----------------------

def _in_own_session(app, work):
    """Another coordinator's request, committed in a session of its own, while this one waits."""
    import threading

    outcome = {}

    def run():
        with app.app_context():
            try:
                outcome["done"] = work()
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                outcome["error"] = repr(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    return outcome


def _unpinned_proposal(people, belgorod) -> int:
    mentor = add_mentor(belgorod, "m2@belgorod.test", capacity=2)
    graduate = add_graduate(belgorod, email="g2@belgorod.test")
    row = pairs.propose(belgorod, pairs.graduate_profile(graduate, belgorod), pairs.mentor_profile(mentor, belgorod),
                        people["coordinator"], pinned=False)
    other_mentor = add_mentor(belgorod, "m3@belgorod.test", interests=("шахматы",))
    other = add_graduate(belgorod, email="g3@belgorod.test", interests=("шахматы",))
    pairs.propose(belgorod, pairs.graduate_profile(other, belgorod), pairs.mentor_profile(other_mentor, belgorod),
                  people["coordinator"], pinned=True)  # a later id, so SQLite does not reuse the withdrawn one
    db.session.commit()
    return row.id


def test_optimising_never_withdraws_a_pair_approved_a_moment_ago(app, people, belgorod):
    from sqlalchemy import event

    proposal_id, coordinator_id = _unpinned_proposal(people, belgorod), people["coordinator"].id
    approved = []

    def another_coordinator_approves():
        if not approved:
            approved.append(_in_own_session(app, lambda: pairs.decide(
                db.session.get(Mentorship, proposal_id), True, "", db.session.get(User, coordinator_id))))

    # Just before optimising withdraws the proposals: at the flush of row-by-row deletes, or at the one
    # conditional DELETE statement.
    event.listen(db.session(), "before_flush", lambda *args: another_coordinator_approves())
    event.listen(db.session(), "do_orm_execute",
                 lambda state: another_coordinator_approves() if state.is_delete else None)
    pairs.propose_optimal(belgorod, people["coordinator"])
    db.session.commit()
    assert approved == [{"done": False}]  # approved, not yet active: both sides are still to answer
    db.session.expire_all()
    kept = db.session.get(Mentorship, proposal_id)
    assert kept is not None and kept.status == MentorshipStatus.approved


@pytest.mark.parametrize("action, data", [("approve", {}), ("reject", {"reason": "Далеко"}), ("accept", {}),
                                          ("pin", {})])
def test_a_proposal_withdrawn_a_moment_ago_is_a_message_not_an_error(app, people, belgorod, monkeypatch, action,
                                                                      data):
    from plugins.mentorship import views
    from portal.kit import Region

    proposal_id, region_id, coordinator_id = _unpinned_proposal(people, belgorod), belgorod.id, people["coordinator"].id
    original = views.region_object

    def load_then_optimise(*args, **kwargs):
        found = original(*args, **kwargs)
        _in_own_session(app, lambda: pairs.propose_optimal(db.session.get(Region, region_id),
                                                          db.session.get(User, coordinator_id)))
        return found

    monkeypatch.setattr(views, "region_object", load_then_optimise)
    client = app.test_client()
    client.login_as(db.session.get(Mentorship, proposal_id).graduate if action == "accept" else people["coordinator"])
    response = client.post(f"/belgorod/mentorship/mentorships/{proposal_id}/{action}", data=data)
    assert response.status_code == 422
    assert "удалил кто-то другой" in response.get_data(as_text=True) or "removed" in response.get_data(as_text=True)


# --- the graduate decides: answers racing the coordinator and each other ----------------------------

def _proposed(people, belgorod) -> Mentorship:
    row = pairs.propose(belgorod, pairs.graduate_profile(people["graduate"], belgorod),
                        pairs.mentor_profile(people["mentor"], belgorod), people["coordinator"])
    db.session.commit()
    return row


def _notes_of(user_id: int, *words: str) -> list[str]:
    return [text for text in db.session.scalars(select(Notification.message).where(Notification.user_id == user_id))
            if all(word in text for word in words)]


def test_the_graduate_accepting_while_the_coordinator_rejects_never_starts_the_pair(app, people, pool, belgorod):
    row = _proposed(people, belgorod)
    url = f"{BASE}/mentorships/{row.id}"
    presses = {"accept": (*_signed_in(app, people["graduate"]), f"{url}/accept", {}),
               "reject": (*_signed_in(app, people["coordinator"]), f"{url}/reject", {"reason": "Далеко ехать"})}
    row_id = row.id
    db.session.commit()

    outcomes = sorted(at_once(app, list(presses), _press(presses)))

    # Accepted first, then rejected (a yes does not bind the coordinator); or rejected first: the yes is refused.
    assert outcomes in (["accept: done", "reject: done"], ["accept: refused", "reject: done"]), outcomes
    db.session.expire_all()
    row = db.session.get(Mentorship, row_id)
    assert row.status == MentorshipStatus.rejected
    assert _actions(row_id, "mentorship.activated", "mentorship.rejected") == ["mentorship.rejected"]
    assert row.graduate_answer is (None if "accept: refused" in outcomes else pairs.Answer.accepted)
    for person in ("graduate", "mentor"):  # each side is told once that the pair does not go ahead
        assert len(_notes_of(people[person].id, "не состоится")) == 1, person


@pytest.mark.parametrize("coordinator", ["approved before", "approves at once"])
def test_both_sides_accepting_at_once_start_the_pair_exactly_once(app, people, pool, belgorod, coordinator):
    row = _proposed(people, belgorod)
    if coordinator == "approved before":
        pairs.decide(row, True, "", people["coordinator"])
        db.session.commit()
    url = f"{BASE}/mentorships/{row.id}"
    presses = {"graduate": (*_signed_in(app, people["graduate"]), f"{url}/accept", {}),
               "mentor": (*_signed_in(app, people["mentor"]), f"{url}/accept", {})}
    if coordinator == "approves at once":
        presses["coordinator"] = (*_signed_in(app, people["coordinator"]), f"{url}/approve", {})
    row_id = row.id
    db.session.commit()

    outcomes = sorted(at_once(app, list(presses), _press(presses)))

    assert outcomes == sorted(f"{name}: done" for name in presses), outcomes
    db.session.expire_all()
    row = db.session.get(Mentorship, row_id)
    assert row.status == MentorshipStatus.active
    assert _actions(row_id, "mentorship.activated") == ["mentorship.activated"]
    for person in ("graduate", "mentor"):
        assert len(_notes_of(people[person].id, "началось")) == 1, (person, outcomes)
    # The coordinator hears of the start only when a side's yes was the last: once at most.
    assert len(_notes_of(people["coordinator"].id, "все трое согласились")) <= 1


def test_a_double_click_on_accept_is_one_answer(app, people, pool, belgorod):
    row = _proposed(people, belgorod)
    presses = {f"click {n}": (*_signed_in(app, people["graduate"]), f"{BASE}/mentorships/{row.id}/accept", {})
               for n in range(2)}
    row_id = row.id
    db.session.commit()

    outcomes = at_once(app, list(presses), _press(presses))

    assert sorted(o.split(": ")[1] for o in outcomes) == ["422", "done"], outcomes
    assert _actions(row_id, "mentorship.accepted") == ["mentorship.accepted"]
