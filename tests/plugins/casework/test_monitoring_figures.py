"""The monitoring figures: the demo's Belgorod reproduces seed 004, and each figure counts what it says."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from plugins.casework import demo as casework_demo
from plugins.casework.models import RecordStatus, SupportLevel, SupportService
from plugins.casework.monitoring import figures, periods
from portal.app.extensions import db
from portal.kit import today
from portal.models import Region
from tests.plugins.casework.conftest import make_record, make_supported

SEED_004_DIFFICULTIES = [280, 391, 728, 398, 352, 398, 294, 96, 113]  # legal status ... other


def test_the_demos_belgorod_gives_seed_004s_figures(app, demo):
    belgorod = db.session.scalar(select(Region).where(Region.code == "belgorod"))
    day = today(belgorod)
    period = periods.latest_complete_quarter(day)
    assert (period.first, period.last) == casework_demo.latest_quarters(day)[-1]
    with app.test_request_context():
        found = {f.key: f for f in figures.for_scope(belgorod, figures.Scope(belgorod.id), period, day)}
    assert [row[1] for row in found["difficulties"].rows] == SEED_004_DIFFICULTIES
    levels = {row[0]: row[1:] for row in found["levels"].rows}
    with app.test_request_context():
        from plugins.casework.models import SUPPORT_LEVEL_LABELS

        names = {level: str(SUPPORT_LEVEL_LABELS(level)) for level in SupportLevel}
    assert levels == {names[SupportLevel.monitoring]: [545, 501], names[SupportLevel.supporting]: [203, 189],
                      names[SupportLevel.intensive]: [53, 46]}
    assert sum(row[1] for row in found["statuses"].rows) == 2300
    assert len(found["overdue"].rows) == 21
    # One service's figures add up to the region's.
    services = db.session.scalars(select(SupportService).where(SupportService.region_id == belgorod.id,
                                                               ~SupportService.is_resource_centre)).all()
    total = [0] * 9
    for service in services:
        with app.test_request_context():
            rows = figures.for_scope(belgorod, figures.Scope(belgorod.id, service.id), period, day)[0].rows
        total = [a + row[1] for a, row in zip(total, rows)]
    assert total == SEED_004_DIFFICULTIES


def test_levels_count_who_was_under_support_on_the_day_by_the_level_approved_by_then(app, regions, services,
                                                                                      people):
    from plugins.casework.models import LevelChange, LevelChangeStatus, SupportContract
    from portal.kit import to_utc

    belgorod = regions["belgorod"]
    period = periods.quarter(2026, 2)
    start = period.first - timedelta(days=1)
    early = make_supported(belgorod, services["city"], "Ранняя", starts_on=period.first - timedelta(days=40))
    late = make_supported(belgorod, services["city"], "Поздняя", starts_on=period.first + timedelta(days=10))
    gone = make_supported(belgorod, services["oskol"], "Ушедшая", starts_on=period.first - timedelta(days=400))
    contract = db.session.scalar(select(SupportContract).where(SupportContract.record_id == gone.id))
    contract.ended_on = period.first + timedelta(days=20)

    def approved(record, level, day, hour=12):
        from datetime import datetime, time

        db.session.add(LevelChange(record_id=record.id, to_level=level, status=LevelChangeStatus.approved,
                                   decided_at=to_utc(datetime.combine(day, time(hour)), belgorod)))

    approved(early, SupportLevel.intensive, period.first - timedelta(days=30))
    approved(early, SupportLevel.supporting, period.first + timedelta(days=45))
    approved(gone, SupportLevel.monitoring, period.first - timedelta(days=300))
    db.session.add(LevelChange(record_id=late.id, to_level=SupportLevel.intensive,
                               status=LevelChangeStatus.rejected))
    approved(late, SupportLevel.monitoring, period.last, hour=23)  # the last evening still counts
    db.session.commit()
    days = (start, period.last)
    at_start, at_end = figures.level_counts(figures.Scope(belgorod.id), *days)
    key = belgorod.id
    assert at_start == {(key, SupportLevel.intensive): 1, (key, SupportLevel.monitoring): 1}
    assert at_end == {(key, SupportLevel.supporting): 1, (key, SupportLevel.monitoring): 1}
    every = figures.level_counts(figures.Scope(None), *days)
    assert every == (at_start, at_end)  # the country's view: the same counts, per region
    city = figures.Scope(belgorod.id, services["city"].id)
    assert figures.level_counts(city, *days) == ({(key, SupportLevel.intensive): 1},
                                                 {(key, SupportLevel.supporting): 1, (key, SupportLevel.monitoring): 1})


def test_statuses_overdue_and_rating_count_today(app, regions, services, people):
    from plugins.casework.models import GraduateRecord

    belgorod = regions["belgorod"]
    day = today(belgorod)
    for number in range(3):
        record = make_supported(belgorod, services["city"], f"Город{number}")
        record.assessment_due_on = day - timedelta(days=1) if number else day
    make_supported(belgorod, services["oskol"], "Оскол").assessment_due_on = day + timedelta(days=5)
    make_record(belgorod, services["oskol"], "Найденная")
    merged = make_record(belgorod, services["oskol"], "Дубль")
    merged.merged_into_id = db.session.scalar(select(GraduateRecord.id).where(GraduateRecord.last_name == "Оскол"))
    make_supported(regions["smolensk"], services["smolensk"], "Смоленская").assessment_due_on = day - timedelta(days=9)
    db.session.commit()
    with app.test_request_context():
        statuses = figures.status_counts(figures.Scope(belgorod.id))
        assert statuses == {(belgorod.id, RecordStatus.under_support): 4, (belgorod.id, RecordStatus.identified): 1}
        overdue = {row[1]: row[2:] for row in figures.overdue_per_service(figures.Scope(belgorod.id), day)}
        assert overdue == {services["city"].name: (3, 2), services["oskol"].name: (1, 0)}
        rating = figures.rating(belgorod, periods.quarter_of(day), day)
        assert rating.rows == [[services["oskol"].name, 100.0, None, 1, 0], [services["city"].name, 33.3, None, 3, 0]]
        assert figures.overdue_counts(figures.Scope(None), day) == {belgorod.id: (4, 2), regions["smolensk"].id: (1, 1)}


def test_appeals_by_type_share_resolved_median_and_in_time(app, regions, services, people):
    from datetime import datetime, time

    from plugins.casework.models import Appeal, AppealChannel, AppealStatus, AppealType
    from plugins.casework.monitoring import appeals
    from portal.kit import to_utc

    belgorod, smolensk = regions["belgorod"], regions["smolensk"]
    period = periods.quarter(2026, 1)
    record = make_supported(belgorod, services["city"], "Обратившаяся")
    other = make_supported(smolensk, services["smolensk"], "Смоленская")

    def appeal(kind, received_day, took=None, *, region=belgorod, on=record, status=None, due_in=10, hour=10):
        received = to_utc(datetime.combine(received_day, time(hour)), region)
        closed = received + timedelta(days=took) if took is not None else None
        db.session.add(Appeal(region_id=region.id, record_id=on.id, service_id=on.service_id, type=kind,
                              channel=AppealChannel.phone, request="просьба", received_at=received,
                              due_on=received_day + timedelta(days=due_in), closed_at=closed,
                              status=status or (AppealStatus.resolved if took is not None else AppealStatus.new)))

    first = period.first
    for took in (1, 2, 9, 30):  # documents: resolved in 1, 2, 9 and 30 days; median (2 + 9) / 2
        appeal(AppealType.documents, first + timedelta(days=5), took)
    appeal(AppealType.documents, first + timedelta(days=6))  # still open, past due by the period's end
    appeal(AppealType.permanent_housing, first + timedelta(days=7), 3)
    appeal(AppealType.legal, first + timedelta(days=8), status=AppealStatus.referred, took=4)
    appeal(AppealType.legal, first, hour=0)  # 00:00 local on the first day: in the period
    appeal(AppealType.legal, first - timedelta(days=1), 1, hour=23)  # the evening before: not in it
    appeal(AppealType.documents, first + timedelta(days=2), 5, region=smolensk, on=other)
    db.session.commit()
    day = period.last + timedelta(days=30)
    with app.test_request_context():
        found = {f.key: f for f in figures.for_scope(belgorod, figures.Scope(belgorod.id), period, day)}
        from plugins.casework.models import APPEAL_TYPE_LABELS

        rows = {row[0]: row[1:] for row in found["appeals"].rows}
        assert rows[str(APPEAL_TYPE_LABELS(AppealType.documents))] == [5, 4, 80.0]
        assert rows[str(APPEAL_TYPE_LABELS(AppealType.legal))] == [2, 0, 0.0]
        assert found["appeals"].rows[-1][1:] == [8, 5, 62.5]  # all appeals
        medians = {row[0]: row[1] for row in found["resolution"].rows}
        assert medians[str(APPEAL_TYPE_LABELS(AppealType.documents))] == 5.5
        assert medians[str(APPEAL_TYPE_LABELS(AppealType.permanent_housing))] == 3.0
        assert medians[str(APPEAL_TYPE_LABELS(AppealType.medical))] is None
        assert found["resolution"].rows[-1][1] == 3.0  # all appeals: 1, 2, 3, 9, 30
        # In time: due 10 days after; 30 days is late, the open one is past due, the referred one counts too.
        in_time = appeals.service_counts(figures.Scope(belgorod.id), [belgorod], period, day)
        assert in_time == {services["city"].id: (8, 4)}
        _counts, _by_type, country = appeals.figures(figures.Scope(None), [belgorod, smolensk], period, day)
        assert country == {belgorod.id: 3.0, smolensk.id: 5.0}


def test_the_median_of_counted_values():
    from plugins.casework.monitoring.appeals import median

    assert median({}) is None
    assert median({4: 1}) == 4.0
    assert median({1: 1, 2: 1, 9: 1, 30: 1}) == 5.5
    assert median({0: 3, 7: 1}) == 0.0
    assert median({2: 2, 5: 2}) == 3.5
    assert median({1: 5, 2: 1, 3: 5}) == 2.0
