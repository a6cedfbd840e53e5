"""The lists of assessments due, level changes and consilia make the same number of queries at 10 and at many."""
from __future__ import annotations

from datetime import timedelta


from plugins.casework.models import (Consilium, ConsiliumAttendee, ConsiliumDecision, LevelChange, PlanGoal,
                                     PlanTask, SupportLevel, TaskOwner)
from portal.app.extensions import db
from portal.kit import today
from tests.helpers import make_user, page_queries
from tests.plugins.casework.conftest import make_supported
from tests.plugins.casework.test_assessments_access import add_assessment

BASE = "/belgorod/casework"


def add_records(regions, services, people, count, start):
    """``count`` records of the city service, each assessment overdue, a pending level change, a consilium
    decision, an overdue plan task, a linked graduate (and a specialist of their own for every other one)."""
    belgorod = regions["belgorod"]
    day = today(belgorod)
    consilium = db.session.execute(db.select(Consilium)).scalars().first()
    for number in range(start, start + count):
        specialist = people["specialist"] if number % 2 else make_user(f"s{number}@belgorod.test",
                                                                       {belgorod: ["specialist"]})
        user = make_user(f"g{number}@belgorod.test", {belgorod: ["graduate"]})
        record = make_supported(belgorod, services["city"], f"Фамилия{number}", "Имя", "", specialist=specialist,
                                user=user, starts_on=day - timedelta(days=200))
        record.assessment_due_on = day - timedelta(days=number % 5 + 1)
        add_assessment(record, day - timedelta(days=190))
        decision = ConsiliumDecision(consilium_id=consilium.id, record_id=record.id, decision="обсудили",
                                     level=SupportLevel.intensive)
        db.session.add(decision)
        db.session.flush()
        db.session.add(LevelChange(record_id=record.id, decision_id=decision.id, to_level=SupportLevel.intensive,
                                   proposed_by_id=specialist.id))
        goal = PlanGoal(record_id=record.id, area="housing", text="жильё")
        db.session.add(goal)
        db.session.flush()
        db.session.add(PlanTask(goal_id=goal.id, record_id=record.id, text="задача", owner=TaskOwner.specialist,
                                owner_user_id=specialist.id, due_on=day - timedelta(days=1)))
    db.session.commit()


def test_lists_make_the_same_queries_at_10_and_at_many(app, services, people, regions):
    consilium = Consilium(service_id=services["city"].id, held_on=today(regions["belgorod"]))
    consilium.attendees = [ConsiliumAttendee(user_id=people["specialist"].id)]
    db.session.add(consilium)
    db.session.commit()
    consilium_id = consilium.id
    add_records(regions, services, people, 10, 0)
    specialist = app.test_client().login_as(people["specialist"])
    coordinator = app.test_client().login_as(people["coordinator"])
    centre = app.test_client().login_as(services["centre_coordinator"])
    pages = [(specialist, f"{BASE}/assessments/due?list=mine"), (coordinator, f"{BASE}/assessments/due?list=service"),
             (centre, f"{BASE}/assessments/due?list=service&when=overdue"), (coordinator, f"{BASE}/levels"),
             (centre, f"{BASE}/levels"), (specialist, f"{BASE}/consilia"),
             (specialist, f"{BASE}/consilia/{consilium_id}")]
    for client, url in pages:  # warm up: sessions, caches
        client.get(url)
    few = [page_queries(app, client, url) for client, url in pages]
    add_records(regions, services, people, 35, 10)
    many = [page_queries(app, client, url) for client, url in pages]
    assert many == few, list(zip([u for _c, u in pages], few, many))
    page = specialist.get(f"{BASE}/assessments/due?list=mine").get_data(as_text=True)
    assert "Фамилия1 Имя" in page and "Фамилия0 Имя" not in page  # mine: the even ones have their own specialist
