"""A graduate's assessments and plan are theirs to take (export) and go with them (erasure), scores kept for counts."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from plugins.casework import assessments, plans
from plugins.casework.models import AreaScore, AssessmentArea, PlanGoal, PlanTask, Score, TaskOwner
from portal.accounts.people import erase_person, export_person
from portal.app.extensions import db
from portal.kit import today


def _work(record, region, specialist):
    areas = {area: assessments.AreaInput(Score.problem if area == AssessmentArea.housing else Score.good,
                                         f"причина {area.value}", f"цель {area.value}") for area in AssessmentArea}
    assessments.save(record, region, assessed_on=today(region), areas=areas, by=specialist)
    goal = plans.add_goal(record, region, area=AssessmentArea.housing, text="Найти жильё", by=specialist)
    plans.add_task(goal, record, region, text="Встать в очередь на жильё", owner=TaskOwner.agency,
                   owner_name="Управление соцзащиты", due_on=today(region) + timedelta(days=10),
                   by=specialist)
    db.session.commit()


def test_the_export_holds_the_assessments_scores_and_the_plan_not_staffs_reasons(app_context, supported, regions,
                                                                                 people):
    _work(supported, regions["belgorod"], people["specialist"])
    exported = export_person(people["graduate"])
    text = repr(exported)
    assert "Найти жильё" in text and "Встать в очередь на жильё" in text and "цель housing" in text
    assert "причина housing" not in text  # staff's reasons are not shown to the graduate, nor exported
    assert "'score': 'problem'" in text


def test_erasure_clears_what_was_written_about_the_graduate_and_keeps_the_scores(app_context, supported, regions,
                                                                                 people):
    _work(supported, regions["belgorod"], people["specialist"])
    erase_person(people["graduate"])
    db.session.expire_all()
    scores = db.session.scalars(select(AreaScore)).all()
    assert len(scores) == len(AssessmentArea) and {s.reason for s in scores} == {""} and {s.goal for s in scores} == {""}
    assert [s.score for s in scores if s.area == AssessmentArea.housing] == [Score.problem]
    assert {g.text for g in db.session.scalars(select(PlanGoal))} == {"—"}
    assert {(t.text, t.owner_name) for t in db.session.scalars(select(PlanTask))} == {("—", "")}
