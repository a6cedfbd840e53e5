"""A web worker killed (SIGKILL) in the middle of a booking: nothing of it is written, and it can be done again."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.social_hotel.models import Stay, StayStatus
from portal.app.extensions import db
from portal.models import AuditEvent, ClaimedSlot, ReservationClaim
from tests.helpers import killed_at
from tests.plugins.social_hotel.conftest import BASE, bed_ids, confirm, requested


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_worker_killed_half_way_through_a_booking_leaves_nothing_behind(app, people, hotel, soon, tmp_path):
    stay = requested(hotel, people["graduate"], soon, 3)
    stay_id, bed, staff_id = stay.id, bed_ids(hotel)[0], people["specialist"].id
    audit_before = _count(AuditEvent)
    killed_at(app, "social_hotel.booking", "request", tmp_path, user_id=staff_id,
              path=f"{BASE}/stays/{stay_id}/act/confirm", data={"bed": bed})
    found = db.session.get(Stay, stay_id)
    assert found.status == StayStatus.requested and found.bed_id is None and found.claim_id is None
    assert _count(ClaimedSlot) == 0 and _count(ReservationClaim) == 0 and _count(AuditEvent) == audit_before
    confirm(app, people["specialist"], found, bed)  # the bed was never held: the booking is made again at once
    found = db.session.get(Stay, stay_id)
    assert found.status == StayStatus.confirmed and _count(ClaimedSlot) == 3
