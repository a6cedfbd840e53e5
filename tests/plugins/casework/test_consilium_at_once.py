"""Two coordinators decide the same change of level at the same moment: one decision, one audit line."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.casework import levels
from plugins.casework.models import GraduateRecord, LevelChange, LevelChangeStatus, SupportLevel
from portal.app.extensions import db
from portal.kit import Refusal
from portal.models import AuditEvent, Region, User
from tests.helpers import at_once


def _pending(supported, people) -> int:
    change = LevelChange(record_id=supported.id, from_level=None, to_level=SupportLevel.intensive,
                         proposed_by_id=people["specialist"].id)
    db.session.add(change)
    db.session.commit()
    return change.id


def test_approve_and_reject_at_once_make_one_decision(app, supported, services, people, regions):
    change_id = _pending(supported, people)
    deciders = [(people["coordinator"].id, True), (services["centre_coordinator"].id, False)]
    record_id = supported.id
    db.session.remove()

    def work(item, start) -> str:
        user_id, approve = item
        region = db.session.execute(select(Region).filter_by(code="belgorod")).scalar_one()
        user = db.session.get(User, user_id)
        change = db.session.get(LevelChange, change_id)
        _ = (change.record.user, change.record.service_id, region.timezone)
        levels.may_decide(user, region, change)
        db.session.commit()
        start()
        try:
            levels.decide(change, region, approve=approve, by=user, reason="не сейчас")
            db.session.commit()
            return "approved" if approve else "rejected"
        except Refusal as refusal:
            db.session.rollback()
            return f"refused: {refusal}"

    outcomes = at_once(app, deciders, work)

    assert sorted(o.split(":")[0] for o in outcomes) in (["approved", "refused"], ["refused", "rejected"]), outcomes
    with app.test_request_context():
        change = db.session.get(LevelChange, change_id)
        record = db.session.get(GraduateRecord, record_id)
        assert change.status in (LevelChangeStatus.approved, LevelChangeStatus.rejected)
        assert record.level == (SupportLevel.intensive if change.status == LevelChangeStatus.approved else None)
        lines = db.session.scalar(select(func.count(AuditEvent.id))
                                  .where(AuditEvent.action.in_(["casework.level.approve", "casework.level.reject"])))
        assert lines == 1


def test_two_approvals_at_once_approve_once(app, supported, services, people, regions):
    change_id = _pending(supported, people)
    deciders = [people["coordinator"].id, services["centre_coordinator"].id]
    db.session.remove()

    def work(user_id, start) -> str:
        region = db.session.execute(select(Region).filter_by(code="belgorod")).scalar_one()
        user = db.session.get(User, user_id)
        change = db.session.get(LevelChange, change_id)
        _ = (change.record.user, region.timezone)
        levels.may_decide(user, region, change)
        db.session.commit()
        start()
        try:
            levels.decide(change, region, approve=True, by=user)
            db.session.commit()
            return "approved"
        except Refusal:
            db.session.rollback()
            return "refused"

    outcomes = at_once(app, deciders, work)

    assert sorted(outcomes) == ["approved", "refused"], outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))
                                 .where(AuditEvent.action == "casework.level.approve")) == 1
