"""Fifty staff confirm fifty requests for the same bed and nights at once: one gets it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from plugins.social_hotel import stays as rules
from plugins.social_hotel.models import Bed, Stay, StayStatus
from portal.app.extensions import db
from portal.models import ClaimedSlot, ReservationClaim, User
from tests.helpers import at_once, make_user


def test_fifty_confirmations_of_one_bed(app, people, regions, hotel, soon):
    graduates = [make_user(f"g{i}@belgorod.test", {regions["belgorod"]: ["graduate"]}) for i in range(50)]
    stays = [Stay(hotel=hotel, graduate_id=g.id, arrival=soon, departure=soon + timedelta(days=3), reason="x")
             for g in graduates]
    db.session.add_all(stays)
    db.session.commit()
    stay_ids = [s.id for s in stays]
    bed_id = db.session.scalar(select(Bed.id).order_by(Bed.id).limit(1))
    coordinator_id = people["coordinator"].id
    db.session.remove()

    def confirm(stay_id: int, start) -> str:
        stay = db.session.get(Stay, stay_id)
        bed = db.session.get(Bed, bed_id)
        by = db.session.get(User, coordinator_id)
        _ = (stay.hotel.resource, stay.graduate, bed.unit, bed.room, by.memberships)
        db.session.commit()
        start()
        try:
            rules.confirm(stay, bed, by)
            db.session.commit()
            return "confirmed"
        except rules.StayRefused as refusal:
            db.session.rollback()
            return "taken" if "занято" in str(refusal) or "taken" in str(refusal) else str(refusal)

    outcomes = at_once(app, stay_ids, confirm)
    assert outcomes.count("confirmed") == 1 and outcomes.count("taken") == 49, outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReservationClaim)) == 1
        assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == 3
        assert db.session.scalar(select(func.count(Stay.id)).where(Stay.status == StayStatus.confirmed)) == 1
