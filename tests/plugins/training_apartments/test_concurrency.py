"""Stays racing for places: never two pupils in one place on one night, nor one pupil in two stays at once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from plugins.training_apartments import rules
from plugins.training_apartments.models import Apartment, Pupil, Stay, StayStatus
from portal.app.extensions import db
from portal.kit import Refusal, today
from portal.models import ClaimedSlot, ClaimStatus, ReservationClaim
from tests.helpers import at_once
from tests.plugins.training_apartments.conftest import add_pupils

CROWD = 12


def _plan(apartment_id: int, first_offset: int = 2, nights: int = 7):
    def plan(pupil_id: int, start) -> str:
        apartment = db.session.get(Apartment, apartment_id)
        pupil = db.session.get(Pupil, pupil_id)
        _ = (apartment.resource.units, apartment.institution.region, pupil.institution, pupil.user)
        arrival = today(apartment.institution.region) + timedelta(days=first_offset)
        db.session.commit()  # give the connection back: the pool is smaller than the crowd
        start()
        try:
            rules.plan_stays(apartment, [pupil], arrival, arrival + timedelta(days=nights))
            db.session.commit()
            return "planned"
        except Refusal as refusal:
            db.session.rollback()
            return "full" if "заняты" in str(refusal) or "taken" in str(refusal) else str(refusal)

    return plan


def test_a_dozen_stays_for_two_places_at_once_hold_two(app, regions, home, apartment):
    pupils = add_pupils(home, regions["belgorod"], CROWD)
    apartment_id, ids = apartment.id, [p.id for p in pupils]
    db.session.remove()

    outcomes = at_once(app, ids, _plan(apartment_id))

    assert outcomes.count("planned") == 2, outcomes
    assert outcomes.count("full") == CROWD - 2, outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == 2 * 7
        held = db.session.scalar(select(func.count()).select_from(ReservationClaim)
                                 .where(ReservationClaim.status == ClaimStatus.held))
        assert held == 2
        assert db.session.scalar(select(func.count(Stay.id))) == 2


def test_one_pupil_planned_in_two_apartments_at_once_gets_one_stay(app, regions, home, apartment):
    other = rules.add_apartment(home, "Вторая квартира", 2)
    pupil, = add_pupils(home, regions["belgorod"], 1)
    db.session.commit()
    pupil_id, apartments = pupil.id, [apartment.id, other.id]
    db.session.remove()

    def plan(apartment_id: int, start) -> str:
        return _plan(apartment_id)(pupil_id, start)

    outcomes = at_once(app, apartments, plan)

    assert outcomes.count("planned") == 1, outcomes
    assert any("даты пересекаются" in o or "overlap" in o for o in outcomes), outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count(Stay.id)).where(Stay.status == StayStatus.planned)) == 1
        assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == 7


def test_fewer_places_while_stays_are_planned_never_overfill_the_apartment(app, regions, home, apartment):
    """Lowering two places to one while two pupils are planned: the apartment never holds more than its places."""
    pupils = add_pupils(home, regions["belgorod"], 2)
    apartment_id, ids = apartment.id, [p.id for p in pupils]
    db.session.remove()

    def act(item, start) -> str:
        if item == "lower":
            found = db.session.get(Apartment, apartment_id)
            _ = (found.resource.units, found.institution.region)
            db.session.commit()
            start()
            try:
                rules.update_apartment(found, name=found.name, places=1, address="", house_rules="", equipment="")
                db.session.commit()
                return "lowered"
            except Refusal:
                db.session.rollback()
                return "refused"
        return _plan(apartment_id)(item, start)

    outcomes = at_once(app, ["lower", *ids], act)

    with app.test_request_context():
        found = db.session.get(Apartment, apartment_id)
        active = sum(1 for unit in found.resource.units if unit.active)
        planned = db.session.scalar(select(func.count(Stay.id)).where(Stay.status == StayStatus.planned))
        assert active == found.places and planned <= found.places, (outcomes, active, planned)
        assert planned == outcomes.count("planned"), outcomes
        assert not [o for o in outcomes if o.startswith("error")], outcomes
