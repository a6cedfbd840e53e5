"""The monitoring's kept totals equal a count from scratch, after every kind of change, and under races."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from plugins.casework import appeals, contracts, levels, registry
from plugins.casework.models import (Appeal, AppealChannel, AppealTally, AppealType, AreaScore, Assessment,
                                     AssessmentArea, LevelChange, LevelTally, Score, SupportContract, SupportLevel)
from plugins.casework.monitoring import figures, periods, tallies
from portal.app.extensions import db
from portal.kit import to_utc, today
from portal.models import Region, User
from tests.helpers import at_once
from tests.plugins.casework.conftest import make_supported


def assert_kept_equals_a_recount():
    connection = db.session.connection()
    kept, counted = tallies.kept(connection), tallies.count_all(connection)
    assert kept == counted, {key: (kept.get(key), counted.get(key)) for key in set(kept) | set(counted)
                             if kept.get(key) != counted.get(key)}
    return kept


def test_the_demos_totals_equal_a_recount(app, demo):
    kept = assert_kept_equals_a_recount()
    assert {kind for kind, _key in kept} == {"appeal", "difficulty", "level", "record"}


def test_every_change_keeps_the_totals_equal_to_a_recount(app, regions, services, people):
    belgorod = regions["belgorod"]
    specialist, coordinator = people["specialist"], people["coordinator"]
    day = today(belgorod)
    with app.test_request_context():
        first = make_supported(belgorod, services["city"], "Первая", starts_on=day - timedelta(days=200))
        second = make_supported(belgorod, services["city"], "Вторая", starts_on=day - timedelta(days=120))
        assert_kept_equals_a_recount()

        # Appeals: logged (one backdated across a month's end), taken, resolved, referred, closed, reopened.
        logged = [appeals.log(belgorod, first, specialist, kind=kind, channel=AppealChannel.visit, request="просьба",
                              received_on=on) for kind, on in ((AppealType.documents, day - timedelta(days=40)),
                                                              (AppealType.legal, day - timedelta(days=3)),
                                                              (AppealType.medical, day))]
        db.session.commit()
        assert_kept_equals_a_recount()
        appeals.change_status(belgorod, logged[0], "resolve", specialist, "получен паспорт")
        appeals.change_status(belgorod, logged[1], "refer", specialist, "", "юридическая клиника")
        db.session.commit()
        appeals.change_status(belgorod, logged[1], "reopen", coordinator, "не помогли")
        appeals.change_status(belgorod, logged[2], "close", specialist, "не нужно")
        db.session.commit()
        kept = assert_kept_equals_a_recount()
        resolved = sum(v[1] for (kind, key), v in kept.items() if kind == "appeal" and key[0] == belgorod.id)
        assert resolved == 1

        # Levels: proposed and approved, then a contract ends.
        for record, level in ((first, SupportLevel.intensive), (second, SupportLevel.supporting)):
            change = LevelChange(record_id=record.id, to_level=level)
            db.session.add(change)
            db.session.flush()
            levels.decide(change, belgorod, approve=True, by=coordinator)
            db.session.commit()
        assert_kept_equals_a_recount()
        contract = db.session.scalar(select(SupportContract).where(SupportContract.record_id == second.id))
        contracts.end(belgorod, contract, day - timedelta(days=1), "по соглашению", coordinator, day)
        db.session.commit()
        assert_kept_equals_a_recount()

        # An assessment with two difficulties.
        assessment = Assessment(record_id=first.id, quarter_start=day.replace(day=1), assessed_on=day,
                                specialist_id=specialist.id)
        assessment.areas = [AreaScore(area=area, score=score) for area, score in (
            (AssessmentArea.housing, Score.critical), (AssessmentArea.income, Score.problem),
            (AssessmentArea.education, Score.good))]
        db.session.add(assessment)
        db.session.commit()
        kept = assert_kept_equals_a_recount()
        assert kept[("difficulty", (belgorod.id, services["city"].id, tallies.month_of(day), "housing"))] == [1]

        # Handed over to another service: the record's totals and its open appeals move with it.
        oskol = services["oskol"]
        town = next(m for m in oskol.municipalities)
        registry.move_record(belgorod, first, town.municipality_id, oskol.id, "переехала", coordinator)
        db.session.commit()
        kept = assert_kept_equals_a_recount()
        assert any(key[1] == oskol.id for kind, key in kept if kind in ("level", "difficulty"))

        # Merged: the duplicate's contracts, levels and assessments count once, for the record kept.
        registry.merge(belgorod, first, second, coordinator)
        db.session.commit()
        assert_kept_equals_a_recount()

        # What is rolled back is not counted.
        appeals.log(belgorod, first, specialist, kind=AppealType.material, channel=AppealChannel.phone,
                    request="передумала")
        db.session.flush()
        db.session.rollback()
        assert_kept_equals_a_recount()


def test_the_figures_read_from_the_totals_match_the_appeals_and_records(app, regions, services, people):
    """A quarter's figures straight from the totals: by the region's clock at both ends of the quarter."""
    belgorod = regions["belgorod"]
    period = periods.quarter(2026, 2)
    record = make_supported(belgorod, services["city"], "Граница", starts_on=date(2026, 1, 10))
    for local in (datetime(2026, 3, 31, 23, 30), datetime(2026, 4, 1, 0, 30), datetime(2026, 6, 30, 23, 30),
                  datetime(2026, 7, 1, 0, 30)):
        received = to_utc(local, belgorod)
        db.session.add(Appeal(region_id=belgorod.id, record_id=record.id, service_id=record.service_id,
                              type=AppealType.documents, channel=AppealChannel.phone, request="просьба",
                              received_at=received, due_on=local.date() + timedelta(days=30)))
    db.session.commit()
    with app.test_request_context():
        found = {f.key: f for f in figures.for_scope(belgorod, figures.Scope(belgorod.id), period, date(2026, 8, 1))}
    assert found["appeals"].rows[-1][1] == 2  # the two inside the quarter by Belgorod's clock, whatever UTC says
    levels_rows = {row[0]: row[1:] for row in found["levels"].rows}
    with app.test_request_context():
        assert levels_rows[str(figures._("no level approved yet"))] == [1, 1]


def test_two_appeals_resolved_at_once_both_count(app, regions, services, people):
    """Two specialists resolving two appeals of the same month, type and service at once add to the same total
    row: neither addition is lost."""
    belgorod = regions["belgorod"]
    record = make_supported(belgorod, services["city"], "Одновременная")
    with app.test_request_context():
        ids = []
        for _ in range(2):
            appeal = appeals.log(belgorod, record, people["specialist"], kind=AppealType.documents,
                                 channel=AppealChannel.visit, request="справка")
            db.session.commit()
            ids.append(appeal.id)
    staff = {ids[0]: people["specialist"].id, ids[1]: people["coordinator"].id}
    region_id = belgorod.id
    db.session.remove()

    def work(appeal_id, start) -> str:
        region = db.session.scalar(select(Region).filter_by(code="belgorod"))
        appeal, user = db.session.get(Appeal, appeal_id), db.session.get(User, staff[appeal_id])
        db.session.commit()
        start()
        appeals.change_status(region, appeal, "resolve", user, "выдана")
        db.session.commit()
        return "resolved"

    assert at_once(app, ids, work) == ["resolved", "resolved"]
    rows = db.session.scalars(select(AppealTally).where(AppealTally.region_id == region_id)).all()
    assert sum(row.resolved for row in rows) == 2 and sum(row.appeals for row in rows) == 2
    assert_kept_equals_a_recount()


def test_recount_rebuilds_what_bulk_writes_missed(app, regions, services, people):
    belgorod = regions["belgorod"]
    record = make_supported(belgorod, services["city"], "Массовая")
    db.session.execute(LevelTally.__table__.delete())  # as if rows had been written past the portal
    db.session.commit()
    assert tallies.kept(db.session.connection(), [belgorod.id]) != tallies.count_all(db.session.connection(),
                                                                                      [belgorod.id])
    assert tallies.recount(db.session.connection(), [belgorod.id]) > 0
    db.session.commit()
    assert_kept_equals_a_recount()
    assert record.id
