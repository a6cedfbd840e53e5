"""The individual plan's pages: staff keep goals and tasks; the graduate sees the plan and ticks their own tasks."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from plugins.casework import plans as rules
from plugins.casework import scope
from plugins.casework.forms.plans import GoalForm, TaskForm, TickForm
from plugins.casework.models import AssessmentArea, GraduateRecord, PlanGoal, PlanTask
from plugins.casework.views import bp
from plugins.casework.views.assessments import staff_record
from portal.kit import (Form, Refusal, db, htmx, label_of, members, region_object, render_audited,
                        template_helpers, today)

ACTIONS = {
    "casework.plan.viewed": _l("Case work: individual plan viewed"),
    "casework.goal.added": _l("Case work: plan goal added"),
    "casework.goal.achieve": _l("Case work: plan goal achieved"),
    "casework.goal.drop": _l("Case work: plan goal dropped"),
    "casework.goal.reopen": _l("Case work: plan goal open again"),
    "casework.task.added": _l("Case work: plan task added"),
    "casework.task.done": _l("Case work: plan task done"),
    "casework.task.reopened": _l("Case work: plan task not done after all"),
}
STAFF = ("specialist", "coordinator")


def _forms() -> dict:
    return {"goal": GoalForm(prefix="goal", formdata=None), "tick": TickForm(prefix="tick", formdata=None)}


template_helpers(bp, casework_plan_forms=_forms, casework_today=lambda: today(g.region),
                 casework_task_form=lambda goal_id: TaskForm(prefix=f"task{goal_id}", formdata=None))


def _plan_page(record: GraduateRecord, status: int = 200, **forms):
    return render_audited("casework/plans/plan.html", action="casework.plan.viewed",
                          target=f"casework_record:{record.id}", subject=record.user, status=status, record=record,
                          reach=scope.reach(current_user, g.region), **forms)


@bp.route("/records/<int:record_id>/plan")
@members(*STAFF)
def plan(record_id: int):
    return _plan_page(staff_record(record_id))


@bp.route("/records/<int:record_id>/plan/goals", methods=["POST"])
@members(*STAFF)
def add_goal(record_id: int):
    record = staff_record(record_id)
    form = GoalForm(prefix="goal")
    if form.validate_on_submit():
        try:
            rules.add_goal(record, g.region, area=form.area.data, text=form.text.data, by=current_user)
        except Refusal as refusal:
            db.session.rollback()
            record = staff_record(record_id)
            refusal.show_on(form, default="text")
        else:
            db.session.commit()
            flash(_("The goal is added to the plan."), "success")
            return redirect(url_for("casework.plan", record_id=record.id))
    return _plan_page(record, 422, goal_form=form)


@bp.route("/records/<int:record_id>/plan/from-assessment", methods=["GET", "POST"])
@members(*STAFF)
def goals_from_assessment(record_id: int):
    """The latest assessment's problem and critical areas as goals, prefilled and editable, each to take or leave."""
    record = staff_record(record_id)
    latest, offered = rules.suggestions(record)
    form = Form()
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        chosen = [(area, (request.form.get(f"text-{area.value}") or "").strip()) for area, _t, _s in offered
                  if request.form.get(f"take-{area.value}")]
        errors = {area.value: _("Say what the goal is.") for area, text in chosen if not text}
        if chosen and not errors:
            for area, text in chosen:
                rules.add_goal(record, g.region, area=AssessmentArea(area), text=text, by=current_user,
                               assessment_id=latest.id)
            db.session.commit()
            flash(_("Goals added to the plan: %(count)d.", count=len(chosen)), "success")
            return redirect(url_for("casework.plan", record_id=record.id))
        if not chosen:
            errors["_"] = _("Tick the goals to add.")
    elif request.method == "POST":
        errors["_"] = _("The form has expired. Please send it again.")
    return render_audited("casework/plans/from_assessment.html", action="casework.plan.viewed",
                          target=f"casework_record:{record.id}", subject=record.user,
                          status=422 if request.method == "POST" else 200, record=record, latest=latest,
                          offered=offered, form=form, errors=errors, posted=request.form)


@bp.route("/records/<int:record_id>/plan/goals/<int:goal_id>/tasks", methods=["POST"])
@members(*STAFF)
def add_task(record_id: int, goal_id: int):
    record = staff_record(record_id)
    goal = db.session.get(PlanGoal, goal_id)
    if goal is None or goal.record_id != record.id:
        abort(404)
    form = TaskForm(prefix=f"task{goal.id}")
    if form.validate_on_submit():
        try:
            rules.add_task(goal, record, g.region, text=form.text.data, owner=form.owner.data,
                           owner_name=form.owner_name.data or "", due_on=form.due_on.data, by=current_user)
        except Refusal as refusal:
            db.session.rollback()
            record = staff_record(record_id)
            refusal.show_on(form, default="text")
        else:
            db.session.commit()
            flash(_("The task is added."), "success")
            return redirect(url_for("casework.plan", record_id=record.id))
    return _plan_page(record, 422, task_form=form, task_goal_id=goal_id)


@bp.route("/records/<int:record_id>/plan/goals/<int:goal_id>/status", methods=["POST"])
@members(*STAFF)
def move_goal(record_id: int, goal_id: int):
    record = staff_record(record_id)
    goal = db.session.get(PlanGoal, goal_id)
    if goal is None or goal.record_id != record.id:
        abort(404)
    if Form().validate_on_submit():
        try:
            rules.move_goal(goal, record, g.region, request.form.get("move", ""))
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(_("The goal is %(status)s.", status=label_of(goal.status)), "success")
    else:
        flash(_("The form has expired. Please send it again."), "error")
    return redirect(url_for("casework.plan", record_id=record_id) + f"#goal-{goal_id}")


def _record_of(task: PlanTask) -> GraduateRecord:
    return db.session.get(GraduateRecord, task.record_id)


def _tickable(task: PlanTask) -> bool:
    return rules.may_tick(current_user, g.region, task, _record_of(task))


@bp.route("/tasks/<int:task_id>/tick", methods=["POST"])
@members(*STAFF, "graduate")
def tick_task(task_id: int):
    task = region_object(PlanTask, task_id, via=lambda t: _record_of(t).region_id,
                         allowed=_tickable)
    record = _record_of(task)
    own = scope.is_own(current_user, record)
    form = TickForm(prefix="tick")
    error = None
    if form.validate_on_submit():
        try:
            changed = rules.tick(task, record, g.region, done=form.done.data == "1", by=current_user)
        except Refusal as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            db.session.commit()
            if not htmx:
                flash(_("Marked as done.") if task.done_at else _("Marked as not done."), "success"
                      if changed else "info")
    else:
        error = _("The form has expired. Please send it again.")
    back = url_for("casework.my_plan") if own else url_for("casework.plan", record_id=record.id)
    if htmx:
        task = db.session.get(PlanTask, task_id)
        return render_template("casework/plans/task_row.html", task=task, record=record, own=own, error=error,
                               tick=TickForm(prefix="tick", formdata=None)), 422 if error else 200
    if error:
        flash(error, "error")
    return redirect(back)


@bp.route("/mine/plan")
@members("graduate")
def my_plan():
    """The graduate's own plan and assessments (their record page shows the same sections)."""
    record = db.session.scalar(select(GraduateRecord).where(GraduateRecord.region_id == g.region.id,
                                                            GraduateRecord.user_id == current_user.id,
                                                            GraduateRecord.merged_into_id.is_(None)))
    if record is not None and not scope.is_own(current_user, record):
        record = None
    return render_audited("casework/plans/mine.html", action="casework.plan.viewed", audit_if=False,
                          target=f"casework_record:{record.id if record else 0}", record=record)
