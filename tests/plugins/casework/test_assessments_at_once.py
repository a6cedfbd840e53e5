"""Races of the assessment and the consilium: two saves of one quarter, two consilia on one graduate's level."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.casework import assessments, consilium
from plugins.casework.models import (Assessment, AssessmentArea, Consilium, ConsiliumAttendee, GraduateRecord,
                                     LevelChange, Score, SupportLevel)
from portal.app.extensions import db
from portal.kit import Refusal, today
from portal.models import Region, User
from tests.helpers import at_once


def _region():
    return db.session.execute(select(Region).filter_by(code="belgorod")).scalar_one()


def test_two_specialists_saving_one_quarter_at_once_save_one(app, supported, services, people, regions):
    record_id = supported.id
    authors = [people["specialist"].id, people["coordinator"].id]
    db.session.remove()

    def work(user_id, start) -> str:
        region, user = _region(), db.session.get(User, user_id)
        record = db.session.get(GraduateRecord, record_id)
        day = today(region)
        db.session.commit()
        start()
        try:
            assessments.save(record, region, assessed_on=day, by=user,
                             areas={a: assessments.AreaInput(Score.good) for a in AssessmentArea})
            db.session.commit()
            return "saved"
        except Refusal:
            db.session.rollback()
            return "refused"

    outcomes = at_once(app, authors, work)

    assert sorted(outcomes) == ["refused", "saved"], outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count(Assessment.id))) == 1


def test_two_consilia_setting_a_level_at_once_propose_one_change(app, supported, services, people, regions):
    day = today(regions["belgorod"])
    ids = []
    for _ in range(2):
        found = Consilium(service_id=services["city"].id, held_on=day)
        found.attendees = [ConsiliumAttendee(user_id=people["specialist"].id)]
        db.session.add(found)
        db.session.flush()
        ids.append(found.id)
    db.session.commit()
    record_id, author_id = supported.id, people["specialist"].id
    db.session.remove()

    def work(item, start) -> str:
        consilium_id, level = item
        region, user = _region(), db.session.get(User, author_id)
        record = db.session.get(GraduateRecord, record_id)
        found = db.session.get(Consilium, consilium_id)
        db.session.commit()
        start()
        try:
            consilium.decide(found, record, region, decision="решение", level=level, by=user)
            db.session.commit()
            return "proposed"
        except Refusal:
            db.session.rollback()
            return "refused"

    outcomes = at_once(app, [(ids[0], SupportLevel.intensive), (ids[1], SupportLevel.monitoring)], work)

    assert sorted(outcomes) == ["proposed", "refused"], outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count(LevelChange.id))) == 1
