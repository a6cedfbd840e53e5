"""Races of an appeal: two staff resolving, closing or taking the same appeal at once make one change."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.casework import appeals
from plugins.casework.models import Appeal, AppealAction, AppealActionKind, AppealChannel, AppealStatus, AppealType
from portal.app.extensions import db
from portal.kit import Refusal
from portal.models import AuditEvent, Notification, Region, User
from tests.helpers import at_once


def _region():
    return db.session.execute(select(Region).filter_by(code="belgorod")).scalar_one()


def _logged(app, supported, people, regions) -> int:
    with app.test_request_context():
        appeal = appeals.log(regions["belgorod"], supported, people["specialist"], kind=AppealType.documents,
                             channel=AppealChannel.visit, request="паспорт")
        db.session.commit()
        return appeal.id


def _race(app, appeal_id, moves):
    def work(item, start) -> str:
        user_id, move = item
        region, user = _region(), db.session.get(User, user_id)
        appeal = db.session.get(Appeal, appeal_id)
        db.session.commit()
        start()
        try:
            appeals.change_status(region, appeal, move, user, "причина", "УСЗН")
            db.session.commit()
            return move
        except Refusal:
            db.session.rollback()
            return "refused"

    return at_once(app, moves, work)


def test_two_staff_resolving_and_closing_at_once_make_one_change(app, supported, services, people, regions):
    appeal_id = _logged(app, supported, people, regions)
    graduate_id = people["graduate"].id
    told_before = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == graduate_id))
    moves = [(people["specialist"].id, "resolve"), (people["coordinator"].id, "close")]
    db.session.remove()

    outcomes = _race(app, appeal_id, moves)

    assert sorted(outcomes) in (["refused", "resolve"], ["close", "refused"]), outcomes
    with app.test_request_context():
        appeal = db.session.get(Appeal, appeal_id)
        assert appeal.status == (AppealStatus.resolved if "resolve" in outcomes else AppealStatus.closed)
        changes = db.session.scalar(select(func.count(AppealAction.id)).where(
            AppealAction.appeal_id == appeal_id, AppealAction.kind == AppealActionKind.status,
            AppealAction.from_status.is_not(None)))
        assert changes == 1
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.target == f"casework_appeal:{appeal_id}",
            AuditEvent.action.in_(["casework.appeal.resolve", "casework.appeal.close"]))) == 1
        told = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == graduate_id))
        assert told == told_before + 1


def test_two_staff_resolving_at_once_resolve_once(app, supported, services, people, regions):
    appeal_id = _logged(app, supported, people, regions)
    moves = [(people["specialist"].id, "resolve"), (services["centre_coordinator"].id, "resolve")]
    db.session.remove()

    outcomes = _race(app, appeal_id, moves)

    assert sorted(outcomes) == ["refused", "resolve"], outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count(AppealAction.id)).where(
            AppealAction.appeal_id == appeal_id, AppealAction.to_status == AppealStatus.resolved)) == 1
