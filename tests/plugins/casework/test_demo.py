"""The case work demo: Belgorod's shape and seed 004's figures, once (how long it takes is bench-like, not tested:
tests never assert wall-clock time)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, time

from sqlalchemy import func, select

from plugins.casework import demo
from plugins.casework.models import (DIFFICULTIES, AreaScore, Assessment, ConsiliumDecision, ContractStatus,
                                     GraduateRecord, LevelChange, LevelChangeStatus, PlanGoal, PlanTask,
                                     RecordStatus, SupportContract, SupportService)
from portal.app.extensions import db
from portal.kit import to_utc, today


def _level_on(changes, record_id, moment):
    found = None
    for change in changes.get(record_id, []):
        if change.decided_at <= moment:
            found = change.to_level
    return found


def _under_support_on(contracts, day):
    return {c.record_id for c in contracts if c.starts_on <= day and (c.ended_on is None or c.ended_on > day)}


def test_the_demo_has_belgorods_shape_and_seed_004s_figures(app, regions, people):
    belgorod = regions["belgorod"]
    demo.load(belgorod, people, "demo-portal-2026")
    db.session.commit()
    services = db.session.scalars(select(SupportService).where(SupportService.region_id == belgorod.id)).all()
    assert len([s for s in services if not s.is_resource_centre]) == 21
    assert len([s for s in services if s.is_resource_centre]) == 1
    assert sum(len(s.municipalities) for s in services) == 22
    assert db.session.scalar(select(func.count()).select_from(GraduateRecord)) == 2300
    statuses = Counter(db.session.scalars(select(GraduateRecord.status)))
    assert statuses[RecordStatus.under_support] == 800
    contracts = db.session.scalars(select(SupportContract)).all()
    active = {c.record_id for c in contracts if c.status == ContractStatus.active}
    supported = set(db.session.scalars(select(GraduateRecord.id).where(
        GraduateRecord.status == RecordStatus.under_support)))
    assert active == supported

    first, last = demo.latest_quarters(today(belgorod))[-1]
    assessments = db.session.execute(
        select(AreaScore.area, func.count()).join(Assessment).where(
            Assessment.assessed_on >= first, Assessment.assessed_on <= last, AreaScore.score.in_(DIFFICULTIES))
        .group_by(AreaScore.area)).all()
    assert dict(assessments) == demo.DIFFICULTIES_PER_AREA
    per_record = Counter(db.session.scalars(select(Assessment.record_id).where(Assessment.assessed_on >= first,
                                                                                  Assessment.assessed_on <= last)))
    assert len(per_record) == 801 and set(per_record.values()) == {1}
    assert db.session.scalar(select(func.count(func.distinct(Assessment.assessed_on)))) > 100
    year = db.session.scalar(select(func.count()).select_from(Assessment))
    assert year == 4 * 801

    changes: dict = {}
    for change in db.session.scalars(select(LevelChange).where(LevelChange.status == LevelChangeStatus.approved)
                                     .order_by(LevelChange.decided_at)):
        changes.setdefault(change.record_id, []).append(change)
    start = to_utc(datetime.combine(first, time(0)), belgorod)
    end = to_utc(datetime.combine(last, time(23, 59)), belgorod)
    at_start = Counter(_level_on(changes, r, start) for r in _under_support_on(contracts, first))
    at_end = Counter(_level_on(changes, r, end) for r in _under_support_on(contracts, last))
    assert dict(at_start) == demo.LEVELS_AT_START
    assert dict(at_end) == demo.LEVELS_AT_END
    levels = dict(db.session.execute(select(GraduateRecord.id, GraduateRecord.level)).all())
    assert all(levels[r] == found[-1].to_level for r, found in changes.items() if r in supported)
    decided = {(d.record_id, d.level) for d in db.session.scalars(select(ConsiliumDecision))}
    assert all((c.record_id, c.to_level) in decided for found in changes.values() for c in found)
    assert db.session.scalar(select(func.count()).select_from(PlanGoal)) > 300
    assert db.session.scalar(select(func.count()).select_from(PlanTask)) > 600

    own = db.session.scalar(select(GraduateRecord).where(GraduateRecord.user_id == people["graduate"].id))
    assert own.status == RecordStatus.under_support and own.first_name == people["graduate"].name.split()[0]
    demo.load(belgorod, people, "demo-portal-2026")  # twice: nothing more
    assert db.session.scalar(select(func.count()).select_from(GraduateRecord)) == 2300


def test_the_demo_has_a_year_of_appeals_two_thirds_resolved(app, regions, people):
    from plugins.casework.models import Appeal, AppealAction, AppealStatus, AppealType

    belgorod = regions["belgorod"]
    demo.load(belgorod, people, "demo-portal-2026")
    db.session.commit()
    statuses = Counter(db.session.scalars(select(Appeal.status)))
    total = sum(statuses.values())
    assert 4000 < total < 8000, total
    assert 0.64 < statuses[AppealStatus.resolved] / total < 0.72, statuses
    assert set(statuses) == {AppealStatus.resolved, AppealStatus.in_progress, AppealStatus.new}
    first = db.session.scalar(select(func.min(Appeal.received_at)))
    assert (today(belgorod) - first.date()).days <= 366
    assert db.session.scalar(select(func.count(AppealAction.id))) > 2 * total
    own = db.session.scalars(select(Appeal).join(GraduateRecord).where(
        GraduateRecord.user_id == people["graduate"].id)).all()
    assert {(a.type, a.status) for a in own} == {(AppealType.temporary_housing, AppealStatus.resolved),
                                                 (AppealType.documents, AppealStatus.in_progress),
                                                 (AppealType.employment, AppealStatus.new)}
    assert all(a.closed_at is not None for a in own if a.status == AppealStatus.resolved)
