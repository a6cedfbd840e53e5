"""The individual plan: goals from the assessment's difficulties, tasks with owners, the graduate ticks theirs."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from plugins.casework import plans
from plugins.casework.models import PlanGoal, PlanTask, TaskOwner
from portal.app.extensions import db
from portal.kit import Refusal, today
from portal.models import AuditEvent, Region, User
from tests.helpers import at_once, form_errors
from tests.plugins.casework.test_assessments_flow import BASE, scores


def _assess(client, record, day, **chosen):
    response = client.post(f"{BASE}/records/{record.id}/assessments/new",
                           data={"assessed_on": day.isoformat(), **scores(**chosen)})
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))


def _task(client, record, goal, owner="graduate", days=7, text="сходить в МФЦ", **more):
    return client.post(f"{BASE}/records/{record.id}/plan/goals/{goal.id}/tasks",
                       data={f"task{goal.id}-text": text, f"task{goal.id}-owner": owner,
                             f"task{goal.id}-due_on": (today(record_region(record)) + timedelta(days=days)).isoformat(),
                             **{f"task{goal.id}-{k}": v for k, v in more.items()}})


def record_region(record):
    return db.session.get(Region, record.region_id)


def test_goals_from_the_assessment_then_tasks(client, supported, people, regions):
    client.login_as(people["specialist"])
    _assess(client, supported, today(regions["belgorod"]), housing="critical", income="problem",
            education="not_ideal")
    page = client.get(f"{BASE}/records/{supported.id}/plan/from-assessment").get_data(as_text=True)
    assert 'name="take-housing"' in page and 'name="take-income"' in page and 'name="take-education"' not in page
    assert "цель: housing" in page  # prefilled from the assessment's goal
    response = client.post(f"{BASE}/records/{supported.id}/plan/from-assessment",
                           data={"take-housing": "1", "text-housing": "Получить жильё из спецфонда",
                                 "text-income": "не беру"})
    assert response.status_code == 302
    goal = db.session.execute(select(PlanGoal)).scalar_one()
    assert (goal.area.value, goal.text, goal.assessment_id is not None) == ("housing", "Получить жильё из спецфонда",
                                                                           True)
    again = client.get(f"{BASE}/records/{supported.id}/plan/from-assessment").get_data(as_text=True)
    assert 'name="take-housing"' not in again and 'name="take-income"' in again  # an open goal is not offered twice

    assert _task(client, supported, goal).status_code == 302
    assert _task(client, supported, goal, owner="agency", text="выдать справку").status_code == 422  # no name
    assert _task(client, supported, goal, owner="agency", text="выдать справку",
                 owner_name="Управление соцзащиты").status_code == 302
    assert _task(client, supported, goal, owner="specialist", days=-1).status_code == 422  # in the past
    assert _task(client, supported, goal, owner="nobody").status_code == 422
    tasks = db.session.execute(select(PlanTask).order_by(PlanTask.id)).scalars().all()
    assert [(t.owner, t.owner_user_id, t.owner_name) for t in tasks] == [
        (TaskOwner.graduate, people["graduate"].id, ""), (TaskOwner.agency, None, "Управление соцзащиты")]
    page = client.get(f"{BASE}/records/{supported.id}/plan").get_data(as_text=True)
    assert "сходить в МФЦ" in page and "Управление соцзащиты" in page


def _goal_with_tasks(supported, people, regions):
    goal = PlanGoal(record_id=supported.id, area="housing", text="жильё")
    db.session.add(goal)
    db.session.flush()
    day = today(regions["belgorod"])
    mine = PlanTask(goal_id=goal.id, record_id=supported.id, text="собрать документы", owner=TaskOwner.graduate,
                    owner_user_id=people["graduate"].id, due_on=day + timedelta(days=3))
    staff = PlanTask(goal_id=goal.id, record_id=supported.id, text="запрос в администрацию",
                     owner=TaskOwner.specialist, owner_user_id=people["specialist"].id, due_on=day - timedelta(days=2))
    db.session.add_all([mine, staff])
    db.session.commit()
    return mine, staff


def test_the_graduate_sees_their_plan_and_ticks_their_own_tasks(client, supported, people, regions):
    mine, staff = _goal_with_tasks(supported, people, regions)
    client.login_as(people["graduate"])
    page = client.get(f"{BASE}/mine/plan").get_data(as_text=True)
    assert "собрать документы" in page and "запрос в администрацию" in page
    assert f'action="{BASE}/tasks/{mine.id}/tick"' in page and f'action="{BASE}/tasks/{staff.id}/tick"' not in page
    response = client.post(f"{BASE}/tasks/{mine.id}/tick", data={"tick-done": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<li id="task-{mine.id}"') and "Всё-таки не выполнено" in row
    assert client.post(f"{BASE}/tasks/{staff.id}/tick", data={"tick-done": "1"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(PlanTask, mine.id).done_at is not None
    assert db.session.get(PlanTask, staff.id).done_at is None
    # Without JavaScript the same form redirects back to the plan.
    response = client.post(f"{BASE}/tasks/{mine.id}/tick", data={"tick-done": "0"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/mine/plan")
    # Staff-only pages stay closed to the graduate.
    assert client.get(f"{BASE}/records/{supported.id}/plan").status_code == 403


def test_another_graduate_sees_nothing_of_it(app, supported, people, regions):
    from tests.helpers import make_user

    mine, _staff = _goal_with_tasks(supported, people, regions)
    other = make_user("other-graduate@belgorod.test", {regions["belgorod"]: ["graduate"]})
    client = app.test_client().login_as(other)
    page = client.get(f"{BASE}/mine/plan").get_data(as_text=True)
    assert "собрать документы" not in page
    assert client.post(f"{BASE}/tasks/{mine.id}/tick", data={"tick-done": "1"}).status_code == 404


def test_overdue_tasks_reach_the_specialists_card(app, supported, people, regions):
    _goal_with_tasks(supported, people, regions)
    page = app.test_client().login_as(people["specialist"]).get("/belgorod/").get_data(as_text=True)
    assert "Просроченных задач планов: 1" in page and "/belgorod/casework/assessments/due?list=mine" in page
    graduate_page = app.test_client().login_as(people["graduate"]).get("/belgorod/").get_data(as_text=True)
    assert "задач планов" not in graduate_page


def test_a_task_ticked_twice_at_once_is_done_once(app, supported, people, regions):
    mine, _staff = _goal_with_tasks(supported, people, regions)
    task_id, graduate_id = mine.id, people["graduate"].id
    db.session.remove()

    def work(_item, start) -> str:
        region = db.session.execute(select(Region).filter_by(code="belgorod")).scalar_one()
        user = db.session.get(User, graduate_id)
        task = db.session.get(PlanTask, task_id)
        from plugins.casework.models import GraduateRecord

        record = db.session.get(GraduateRecord, task.record_id)
        _ = (record.user, region.timezone, user.memberships)
        db.session.commit()
        start()
        try:
            changed = plans.tick(task, record, region, done=True, by=user)
            db.session.commit()
            return "ticked" if changed else "already"
        except Refusal as refusal:
            db.session.rollback()
            return f"refused: {refusal}"

    outcomes = at_once(app, [1, 2], work)

    assert sorted(outcomes) == ["already", "ticked"], outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))
                                 .where(AuditEvent.action == "casework.task.done")) == 1
        assert db.session.get(PlanTask, task_id).done_at is not None


def test_a_goal_is_achieved_dropped_or_opened_again(client, supported, people, regions):
    goal = PlanGoal(record_id=supported.id, area="income", text="доход")
    db.session.add(goal)
    db.session.commit()
    client.login_as(people["specialist"])
    url = f"{BASE}/records/{supported.id}/plan/goals/{goal.id}/status"
    assert client.post(url, data={"move": "achieve"}).status_code == 302
    response = client.post(url, data={"move": "drop"}, follow_redirects=True)
    assert "Это только что изменилось" in response.get_data(as_text=True)
    assert client.post(url, data={"move": "explode"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanGoal, goal.id).status.value == "achieved"
    assert client.post(url, data={"move": "reopen"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanGoal, goal.id).status.value == "open"
    lines = db.session.execute(select(AuditEvent.action).where(AuditEvent.action.like("casework.goal.%"))
                               .order_by(AuditEvent.id)).scalars().all()
    assert lines == ["casework.goal.achieve", "casework.goal.reopen"]


def test_a_goal_achieved_and_dropped_at_once_moves_once(app, supported, people, regions):
    goal = PlanGoal(record_id=supported.id, area="income", text="доход")
    db.session.add(goal)
    db.session.commit()
    goal_id = goal.id
    db.session.remove()

    def work(move, start) -> str:
        from plugins.casework.models import GraduateRecord

        region = db.session.execute(select(Region).filter_by(code="belgorod")).scalar_one()
        found = db.session.get(PlanGoal, goal_id)
        record = db.session.get(GraduateRecord, found.record_id)
        _ = (record.user, region.timezone)
        db.session.commit()
        start()
        try:
            plans.move_goal(found, record, region, move)
            db.session.commit()
            return move
        except Refusal:
            db.session.rollback()
            return "refused"

    outcomes = at_once(app, ["achieve", "drop"], work)

    assert "refused" in outcomes and len(set(outcomes)) == 2, outcomes
    with app.test_request_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))
                                 .where(AuditEvent.action.like("casework.goal.%"))) == 1
