"""Support levels: a consilium proposes a change, the service's coordinator approves or rejects it.

As in Primero's approvals: a change waits (pending) until a coordinator of the record's service (or of
the resource centre) decides; the approved ones, in order, are the level's history. Deciding goes
through :data:`LEVEL_CHANGES`, so two coordinators pressing at once make one decision.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from plugins.casework import scope
from plugins.casework.models import GraduateRecord, LevelChange, LevelChangeStatus
from portal.kit import Lifecycle, Refusal, User, db, hold, utcnow

LEVEL_CHANGES = Lifecycle("casework.level", "casework_level_change")
LEVEL_CHANGES.move("approve", {LevelChangeStatus.pending}, LevelChangeStatus.approved,
                   refused=_l("This change of level has already been decided."))
LEVEL_CHANGES.move("reject", {LevelChangeStatus.pending}, LevelChangeStatus.rejected,
                   refused=_l("This change of level has already been decided."))

NO_REASON = _l("Say why the change is rejected.")
NOT_YOURS = _l("Only the coordinator of the graduate's service decides on its level.")


def pending_of(record_id: int) -> LevelChange | None:
    return db.session.scalar(select(LevelChange).where(LevelChange.record_id == record_id,
                                                       LevelChange.status == LevelChangeStatus.pending))


def history_of(record: GraduateRecord) -> list[LevelChange]:
    """Every proposed change of the record's level, newest first (approved ones are the level's history)."""
    return list(db.session.scalars(
        select(LevelChange).where(LevelChange.record_id == record.id)
        .options(selectinload(LevelChange.decided_by), selectinload(LevelChange.proposed_by))
        .order_by(LevelChange.proposed_at.desc(), LevelChange.id.desc())))


def _waiting(user, region, *columns):
    reach = scope.reach(user, region)
    query = (select(*columns).join(GraduateRecord, GraduateRecord.id == LevelChange.record_id)
             .where(LevelChange.status == LevelChangeStatus.pending, reach.record_filter()))
    if not reach.whole_region:
        query = query.where(GraduateRecord.service_id.in_(sorted(reach.coordinates) or [0]))
    return query


def waiting_count_query(user, region):
    """The level changes waiting for this person's decision, counted, as SQL."""
    return _waiting(user, region, func.count(LevelChange.id)).select_from(LevelChange)


def waiting(user, region):
    """A select of the pending changes this person decides, oldest first."""
    return _waiting(user, region, LevelChange).options(selectinload(LevelChange.record).selectinload(GraduateRecord.service),
                         selectinload(LevelChange.proposed_by),
                         selectinload(LevelChange.decision)).order_by(LevelChange.proposed_at, LevelChange.id)


def may_decide(user, region, change: LevelChange) -> bool:
    return scope.reach(user, region).coordinates_service(change.record.service_id)


def decide(change: LevelChange, region, *, approve: bool, by: User, reason: str = "") -> None:
    """Approve (the record takes the level) or reject (with the reason); the change's row is held first."""
    reason = reason.strip()
    if not approve and not reason:
        raise Refusal(NO_REASON, "reason")
    if not may_decide(by, region, change):
        raise Refusal(NOT_YOURS)
    record = change.record
    LEVEL_CHANGES.apply(change, "approve" if approve else "reject", region=region, subject=record.user,
                        details={"record": record.id, "level": change.to_level.value})
    change.decided_by_id, change.decided_at = by.id, utcnow()
    if approve:
        hold(record)
        record.level = change.to_level
    else:
        change.reason = reason
    db.session.flush()
