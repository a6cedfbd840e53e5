"""The individual plan (индивидуальный план): goals, usually from the latest assessment's difficulties, and
their tasks: who does it (the specialist, the graduate, a mentor, another agency), by when, done or not.

The graduate ticks their own tasks; ticking holds the task's row and reads it again, so two ticks at once
make one change and one audit line.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from plugins.casework import assessments, scope
from plugins.casework.models import (ASSESSMENT_AREA_LABELS, Assessment, AssessmentArea, GoalStatus,
                                     GraduateRecord, PlanGoal, PlanTask, RecordStatus, TaskOwner)
from portal.kit import Lifecycle, Refusal, User, audit, db, hold, today, utcnow

GOALS = Lifecycle("casework.goal", "casework_record")
GOALS.move("achieve", {GoalStatus.open}, GoalStatus.achieved)
GOALS.move("drop", {GoalStatus.open}, GoalStatus.dropped)
GOALS.move("reopen", {GoalStatus.achieved, GoalStatus.dropped}, GoalStatus.open)

NO_TEXT = _l("Say what the goal is.")
NO_TASK = _l("Say what is to be done.")
NAME_AGENCY = _l("Name the agency that does it.")
NO_GRADUATE = _l("The graduate has no account on the portal yet: give the task to someone who has, or link the record.")
PAST = _l("A new task cannot be due in the past.")
NOT_THEIRS = _l("You can tick only your own tasks.")


def plan_of(record: GraduateRecord) -> list[PlanGoal]:
    """The record's goals (open first) with their tasks, in two queries."""
    return list(db.session.scalars(
        select(PlanGoal).where(PlanGoal.record_id == record.id)
        .options(selectinload(PlanGoal.tasks))
        .order_by((PlanGoal.status != GoalStatus.open), PlanGoal.created_at, PlanGoal.id)))


def suggestions(record: GraduateRecord) -> tuple[Assessment | None, list[tuple[AssessmentArea, str, object]]]:
    """Goals from the latest assessment: each problem or critical area not already an open goal,
    prefilled with the goal the assessment set for it (or the area's name)."""
    latest = assessments.latest(record.id)
    have = set(db.session.scalars(select(PlanGoal.area).where(PlanGoal.record_id == record.id,
                                                              PlanGoal.status == GoalStatus.open)))
    found = [(row.area, row.goal or str(ASSESSMENT_AREA_LABELS(row.area)), row.score)
             for row in assessments.difficulties(latest) if row.area not in have]
    return latest, found


def add_goal(record: GraduateRecord, region, *, area: AssessmentArea, text: str, by: User,
             assessment_id: int | None = None) -> PlanGoal:
    text = text.strip()
    if not text:
        raise Refusal(NO_TEXT, "text")
    goal = PlanGoal(record_id=record.id, area=area, text=text, assessment_id=assessment_id, created_by_id=by.id)
    db.session.add(goal)
    db.session.flush()
    audit("casework.goal.added", target=f"casework_record:{record.id}", region=region, subject=record.user,
          details={"goal": goal.id, "area": area.value})
    return goal


def add_task(goal: PlanGoal, record: GraduateRecord, region, *, text: str, owner: TaskOwner, owner_name: str,
             due_on: date, by: User) -> PlanTask:
    text, owner_name = text.strip(), owner_name.strip()
    if not text:
        raise Refusal(NO_TASK, "text")
    if owner == TaskOwner.agency and not owner_name:
        raise Refusal(NAME_AGENCY, "owner_name")
    if due_on < today(region):
        raise Refusal(PAST, "due_on")
    owner_user_id = None
    if owner == TaskOwner.graduate:
        if record.user_id is None:
            raise Refusal(NO_GRADUATE, "owner")
        owner_user_id = record.user_id
    elif owner == TaskOwner.specialist:
        owner_user_id = record.specialist_id or by.id
    task = PlanTask(goal_id=goal.id, record_id=record.id, text=text, owner=owner, owner_user_id=owner_user_id,
                    owner_name=owner_name if owner in (TaskOwner.agency, TaskOwner.mentor) else "", due_on=due_on)
    db.session.add(task)
    db.session.flush()
    audit("casework.task.added", target=f"casework_record:{record.id}", region=region, subject=record.user,
          details={"task": task.id, "owner": owner.value, "due_on": due_on.isoformat()})
    return task


def move_goal(goal: PlanGoal, record: GraduateRecord, region, move: str) -> None:
    """A goal achieved, dropped or opened again (audited on the record, as every change of the plan)."""
    if move not in GOALS.moves:
        raise Refusal(_l("This cannot be done with a goal."))
    # The audit target is the record (the Lifecycle's id is the goal's): one line per change, naming both.
    GOALS.apply(goal, move, region=region, subject=record.user, record=False)
    audit(f"casework.goal.{move}", target=f"casework_record:{record.id}", region=region, subject=record.user,
          details={"goal": goal.id})


def may_tick(user, region, task: PlanTask, record: GraduateRecord) -> bool:
    """Staff who see the record tick any of its tasks; the graduate only their own."""
    if scope.reach(user, region).sees(record) and scope.sees_details(record):
        return True
    return scope.is_own(user, record) and task.owner == TaskOwner.graduate


def tick(task: PlanTask, record: GraduateRecord, region, *, done: bool, by: User) -> bool:
    """Mark the task done (or not done again); False when it already was (a second click, another tab)."""
    if not may_tick(by, region, task, record):
        raise Refusal(NOT_THEIRS)
    hold(task)
    if (task.done_at is not None) == done:
        return False
    task.done_at, task.done_by_id = (utcnow(), by.id) if done else (None, None)
    audit("casework.task.done" if done else "casework.task.reopened", target=f"casework_record:{record.id}",
          region=region, subject=record.user, details={"task": task.id})
    return True


def overdue_tasks(user, region):
    """Open tasks past their date on the records assigned to the specialist (their dashboard card)."""
    reach = scope.reach(user, region)
    return (select(PlanTask).join(GraduateRecord, GraduateRecord.id == PlanTask.record_id)
            .where(reach.record_filter(), GraduateRecord.specialist_id == user.id,
                   GraduateRecord.status == RecordStatus.under_support, GraduateRecord.restricted_at.is_(None),
                   PlanTask.done_at.is_(None), PlanTask.due_on < today(region))
            .order_by(PlanTask.due_on, PlanTask.id))


def overdue_tasks_count_query(user, region):
    """The specialist's overdue tasks, counted, as SQL (the dashboard asks it with its other numbers)."""
    return select(func.count()).select_from(overdue_tasks(user, region).order_by(None).subquery())


# --- a graduate's own data: export and erasure (called by registry.export / erase) ----------------

def export_of(record: GraduateRecord) -> dict:
    return {"plan": [{"area": goal.area.value, "goal": goal.text, "status": goal.status.value,
                      "tasks": [{"task": t.text, "owner": t.owner.value, "due_on": t.due_on.isoformat(),
                                 "done": t.done_at is not None} for t in goal.tasks]}
                     for goal in plan_of(record)]}


def erase_of(record: GraduateRecord) -> None:
    """An erased graduate: what the plan says about them goes; goals and tasks stay as dated, empty lines."""
    db.session.execute(update(PlanGoal).where(PlanGoal.record_id == record.id).values(text="—")
                       .execution_options(synchronize_session=False))
    db.session.execute(update(PlanTask).where(PlanTask.record_id == record.id).values(text="—", owner_name="")
                       .execution_options(synchronize_session=False))
