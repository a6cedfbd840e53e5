"""Many volunteers press «take» on the last places at the same moment, and one volunteer takes two
overlapping shifts from two tabs at once: the shift never goes over its count, nobody gets a clash."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.volunteer_festivals import shifts
from plugins.volunteer_festivals.models import AssignmentStatus, FestivalShift, ShiftAssignment
from portal.app.extensions import db
from portal.kit import Refusal
from portal.models import ClaimedSlot, ClaimStatus, Region, ReservationClaim, User
from tests.helpers import at_once
from tests.plugins.volunteer_festivals.conftest import add_shift, volunteer

CROWD = 12


def _take(shift_id: int, wait: bool = False):
    def take(volunteer_id: int, start) -> str:
        shift = db.session.get(FestivalShift, shift_id)
        person = db.session.get(User, volunteer_id)
        region = db.session.scalar(select(Region).where(Region.code == "belgorod"))
        _ = (shift.resource.units, shift.role.festival.region, person.memberships)
        db.session.commit()  # give the connection back: the pool is smaller than the crowd
        start()
        try:
            status = shifts.take(shift, person, region, wait=wait).status.value
            db.session.commit()
            return status
        except Refusal as refusal:
            db.session.rollback()
            return "full" if "заполнена" in str(refusal) or "full" in str(refusal) else str(refusal)

    return take


def test_a_crowd_races_for_the_last_places(app, regions, role):
    shift = add_shift(role, 9, capacity=3)
    first = volunteer(regions, "early")
    shifts.take(shift, first, regions["belgorod"])
    db.session.commit()
    crowd = [volunteer(regions, f"v{i}").id for i in range(CROWD)]
    shift_id = shift.id
    db.session.remove()

    outcomes = at_once(app, crowd, _take(shift_id))

    assert outcomes.count("taken") == 2, outcomes  # the two places left, never more
    assert outcomes.count("full") == CROWD - 2, outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count()).select_from(ClaimedSlot)) == 3
        assert db.session.scalar(select(func.count()).select_from(ReservationClaim).where(
            ReservationClaim.status == ClaimStatus.held)) == 3


def test_the_waiting_list_keeps_the_order_they_pressed_in(app, regions, role):
    shift = add_shift(role, 9, capacity=1)
    crowd = [volunteer(regions, f"w{i}").id for i in range(6)]
    shift_id = shift.id
    db.session.remove()

    outcomes = at_once(app, crowd, _take(shift_id, wait=True))

    assert sorted(outcomes) == ["taken"] + ["waiting"] * 5, outcomes
    with app.test_request_context():
        shift = db.session.get(FestivalShift, shift_id)
        taken, waiting = shifts.shift_people(shift)
        line = [a.volunteer_id for a in waiting]
        assert [shifts.waiting_position(a) for a in waiting] == [1, 2, 3, 4, 5]
        region = db.session.scalar(select(Region).where(Region.code == "belgorod"))
        promoted = shifts.drop(taken[0], region)
        db.session.commit()
        assert [a.volunteer_id for a in promoted] == line[:1]


def test_two_tabs_take_two_overlapping_shifts_at_once(app, regions, role):
    ann = volunteer(regions, "ann")
    morning, overlapping = add_shift(role, 9), add_shift(role, 10)
    ann_id, ids = ann.id, [morning.id, overlapping.id]
    db.session.remove()

    def take(shift_id: int, start) -> str:
        return _take(shift_id)(ann_id, start)

    outcomes = at_once(app, ids, take)

    assert outcomes.count("taken") == 1, outcomes  # the other tab is told about the clash
    assert any("другой смене" in o or "another shift" in o for o in outcomes), outcomes
    with app.test_request_context():
        rows = db.session.scalars(select(ShiftAssignment).where(ShiftAssignment.volunteer_id == ann_id)).all()
        assert [a.status for a in rows] == [AssignmentStatus.taken]
