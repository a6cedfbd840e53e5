"""People pressing buttons at the same moment: many staff confirming, confirm against cancel, a double click."""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from plugins.social_hotel import stays as rules
from plugins.social_hotel.models import Bed, HotelSettings, Room, Stay, StayStatus
from portal.app.extensions import db
from portal.kit import Refusal
from portal.models import ClaimedSlot, ClaimStatus, ReservationClaim, User
from tests.helpers import at_once, form_errors, make_user
from tests.plugins.social_hotel.conftest import (BASE, bed_ids, confirm, moved_on_words, requested, signed_in,
                                                 slots_of, text_of)

CROWD = 8


def test_fifty_confirmations_of_one_bed(app, people, regions, hotel, soon):
    """Fifty staff confirm fifty requests for the same bed and nights at once: one gets it."""
    graduates = [make_user(f"g{i}@belgorod.test", {regions["belgorod"]: ["graduate"]}) for i in range(50)]
    stays = [Stay(hotel=hotel, graduate_id=g.id, arrival=soon, departure=soon + timedelta(days=3), reason="x")
             for g in graduates]
    db.session.add_all(stays)
    db.session.commit()
    stay_ids = [s.id for s in stays]
    bed_id = db.session.scalar(select(Bed.id).order_by(Bed.id).limit(1))
    coordinator_id = people["coordinator"].id
    db.session.remove()

    def confirm_one(stay_id: int, start) -> str:
        stay = db.session.get(Stay, stay_id)
        bed = db.session.get(Bed, bed_id)
        by = db.session.get(User, coordinator_id)
        _ = (stay.hotel.resource, stay.hotel.region, stay.graduate, bed.unit, bed.room, by.memberships)
        db.session.commit()
        start()
        try:
            rules.confirm(stay, bed, by)
            db.session.commit()
            return "confirmed"
        except Refusal as refusal:
            db.session.rollback()
            return "taken" if "занято" in str(refusal) or "taken" in str(refusal) else str(refusal)

    outcomes = at_once(app, stay_ids, confirm_one)
    assert outcomes.count("confirmed") == 1 and outcomes.count("taken") == 49, outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReservationClaim)) == 1
        assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == 3
        assert db.session.scalar(select(func.count(Stay.id)).where(Stay.status == StayStatus.confirmed)) == 1


def _held_claims() -> list[ReservationClaim]:
    return list(db.session.scalars(select(ReservationClaim).where(ReservationClaim.status == ClaimStatus.held)))


def test_staff_confirming_one_request_onto_different_beds_at_once_take_one_bed(app, people, regions, hotel, soon):
    """Each of eight staff picks another bed for the same request: one bed is taken, seven stay free."""
    room = Room(hotel=hotel, name="C")
    db.session.add(room)
    for number in range(CROWD - 3):
        rules.add_bed(room, str(number + 1))
    db.session.commit()
    beds = bed_ids(hotel)
    assert len(beds) == CROWD
    stay = requested(hotel, people["graduate"], soon, 3)
    staff = [make_user(f"staff{i}@belgorod.test", {regions["belgorod"]: ["specialist"]}) for i in range(CROWD)]
    presses = [(*signed_in(app, person), bed) for person, bed in zip(staff, beds)]
    url, stay_id = f"{BASE}/stays/{stay.id}/act/confirm", stay.id
    db.session.commit()

    def press(number: int, start) -> str:
        web, token, bed = presses[number]
        start()
        response = web.post(url, data={"bed": bed, "csrf_token": token})
        if response.status_code == 302:
            return "confirmed"
        told = text_of(response)
        return "told" if response.status_code == 422 and moved_on_words() in told else f"{response.status_code}"

    outcomes = at_once(app, range(CROWD), press)

    db.session.expire_all()
    stay = db.session.get(Stay, stay_id)
    held = _held_claims()
    assert outcomes.count("confirmed") == 1 and outcomes.count("told") == CROWD - 1, (
        f"{outcomes.count('confirmed')} of {CROWD} confirmed, {len(held) - 1} beds held by no stay: {Counter(outcomes)}")
    assert stay.status == StayStatus.confirmed and [c.id for c in held] == [stay.claim_id]
    assert [unit for unit, _night in slots_of(stay)] == [stay.bed.unit_id] * 3
    assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == 3
    free = dict(rules.free_places(hotel, soon, 3))
    assert set(free.values()) == {CROWD - 1}


ROUNDS = 8


def test_a_cancellation_racing_a_confirmation_ends_in_one_state(app, people, hotel, soon):
    """The graduate cancels while a specialist confirms: the stay, the ledger and both messages agree."""
    stays = [requested(hotel, people["graduate"], soon + timedelta(days=4 * n), 3) for n in range(ROUNDS)]
    bed = bed_ids(hotel)[0]
    graduate, staff = signed_in(app, people["graduate"]), signed_in(app, people["specialist"])
    stay_ids = [s.id for s in stays]
    db.session.commit()
    cancelled_words, moved_on = "Проживание отменено.", moved_on_words()

    def press(who_and_stay, start) -> str:
        who, stay_id = who_and_stay
        if who == "graduate":
            web, token = graduate
            start()
            response = web.post(f"{BASE}/stays/{stay_id}/cancel", data={"csrf_token": token}, follow_redirects=True)
            told = text_of(response)
            if cancelled_words in told:
                return "cancelled"
            return "refused" if moved_on in told else f"{response.status_code}"
        web, token = staff
        start()
        response = web.post(f"{BASE}/stays/{stay_id}/act/confirm", data={"bed": bed, "csrf_token": token})
        if response.status_code == 302:
            return "confirmed"
        return "refused" if response.status_code == 422 and moved_on in text_of(response) else \
            f"{response.status_code}"

    wrong = []
    for stay_id in stay_ids:
        answers = at_once(app, [("graduate", stay_id), ("staff", stay_id)],
                          lambda item, start: f"{item[0]}={press(item, start)}")
        told = dict(answer.partition("=")[::2] for answer in answers)
        db.session.expire_all()
        stay = db.session.get(Stay, stay_id)
        holds = stay.claim is not None and stay.claim.status == ClaimStatus.held
        slots = len(slots_of(stay)) if stay.claim_id else 0
        if stay.status == StayStatus.cancelled:
            fine = not holds and slots == 0 and told["graduate"] == "cancelled" \
                and told["staff"] in ("confirmed", "refused")
        elif stay.status == StayStatus.confirmed:
            fine = holds and slots == 3 and told == {"graduate": "refused", "staff": "confirmed"}
        else:
            fine = False
        if not fine:
            wrong.append((stay.status.value, holds, slots, told))
    orphans = db.session.scalar(select(func.count()).select_from(ReservationClaim).where(
        ReservationClaim.status == ClaimStatus.held, ~ReservationClaim.id.in_(select(Stay.claim_id).where(
            Stay.claim_id.is_not(None), Stay.status.in_(StayStatus.holding_a_bed())))))
    assert wrong == [] and orphans == 0, (f"{len(wrong)} of {ROUNDS} end otherwise than people were told, "
                                          f"{orphans} beds held by no stay: {wrong}")


def test_moving_a_stay_to_the_same_bed_twice_at_once(app, people, hotel, soon):
    """A double click on "Move to this bed": every answer is a success or a clear refusal, one bed held."""
    stay = requested(hotel, people["graduate"], soon, 3)
    first, target = bed_ids(hotel)[:2]
    confirm(app, people["specialist"], stay, first)
    browsers = [signed_in(app, people["specialist"]) for _ in range(CROWD)]
    url, stay_id = f"{BASE}/stays/{stay.id}/act/move", stay.id
    db.session.commit()

    def press(number: int, start) -> str:
        web, token = browsers[number]
        start()
        response = web.post(url, data={"move-bed": target, "csrf_token": token})
        if response.status_code == 302:
            return "moved"
        told = text_of(response)
        if response.status_code == 422 and "уже" in told:
            return "told"
        messages = form_errors(told) + re.findall(r'<p class="flash error">(.*?)</p>', told)
        return f"{response.status_code}: {' '.join(messages)}"

    outcomes = at_once(app, range(CROWD), press)

    assert set(outcomes) <= {"moved", "told"} and "moved" in outcomes, Counter(outcomes)
    db.session.expire_all()
    stay = db.session.get(Stay, stay_id)
    target_unit = db.session.get(Bed, target).unit_id
    assert stay.bed_id == target and stay.claim.unit_id == target_unit
    assert [unit for unit, _night in slots_of(stay)] == [target_unit] * 3
    assert len(_held_claims()) == 1


def test_the_first_save_of_the_settings_twice_at_once(app, people, hotel):
    """A double click on the first save: one settings row, each answer a success or a clear refusal."""
    browsers = [signed_in(app, people["coordinator"]) for _ in range(CROWD)]
    db.session.commit()

    def press(number: int, start) -> str:
        web, token = browsers[number]
        start()
        response = web.post(f"{BASE}/settings", data={"max_nights": "12", "csrf_token": token})
        if response.status_code == 302:
            return "saved"
        return "told" if response.status_code == 422 and "только что" in text_of(response) else \
            f"{response.status_code}"

    outcomes = at_once(app, range(CROWD), press)

    assert set(outcomes) <= {"saved", "told"} and "saved" in outcomes, Counter(outcomes)
    db.session.expire_all()
    assert [s.max_nights for s in db.session.scalars(select(HotelSettings))] == [12]


def test_the_same_request_sent_many_times_at_once_makes_one(app, people, hotel, soon):
    """Presses of "Ask for a stay" at once: one request; every other press is told the dates overlap."""
    browsers = [signed_in(app, people["graduate"]) for _ in range(CROWD)]
    data = {"hotel": hotel.id, "arrival": soon.isoformat(), "departure": (soon + timedelta(days=3)).isoformat(),
            "reason": "Выселили из общежития"}
    db.session.commit()

    def press(number: int, start) -> str:
        web, token = browsers[number]
        start()
        response = web.post(f"{BASE}/request", data=dict(data, csrf_token=token))
        if response.status_code == 302:
            return "sent"
        return "told" if response.status_code == 422 and "пересекаются" in text_of(response) else \
            f"{response.status_code}"

    outcomes = at_once(app, range(CROWD), press)

    assert outcomes.count("sent") == 1 and outcomes.count("told") == CROWD - 1, Counter(outcomes)
    assert db.session.scalar(select(func.count()).select_from(Stay)) == 1
