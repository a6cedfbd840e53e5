"""The assessment's pages: a new one (prefilled from the last), one assessment with the change per area,
the record's assessments and level, and the lists of assessments due and overdue."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from plugins.casework import assessments as rules
from plugins.casework import due, levels, plans, scope
from plugins.casework.forms.assessments import AssessmentForm
from plugins.casework.models import Assessment, AssessmentArea, GraduateRecord
from plugins.casework.views import bp
from portal.kit import (Refusal, audit, db, format_day, htmx, members, paginate, region_object, render_audited,
                        template_helpers, today)

ACTIONS = {
    "casework.assessment.created": _l("Case work: assessment saved"),
    "casework.assessment.viewed": _l("Case work: assessment viewed"),
    "casework.assessments.viewed": _l("Case work: a record's assessments viewed"),
    "casework.assessments.due_viewed": _l("Case work: assessments due viewed"),
}
STAFF = ("specialist", "coordinator")
PER_PAGE = 30


def staff_record(record_id: int) -> GraduateRecord:
    """A record the person sees, with its details (a withdrawn consent hides assessments and plans: 404)."""
    return region_object(GraduateRecord, record_id, allowed=lambda r: scope.reach(current_user, g.region).sees(r)
                         and scope.sees_details(r))


def _assessments_of(record: GraduateRecord) -> dict:
    """What the record's section shows: recent assessments, the change of the latest, the level's history."""
    found = rules.assessments_of(record)
    latest = found[0] if found else None
    previous = found[1] if len(found) > 1 and latest.previous_id == found[1].id else None
    return {"items": found, "latest": latest, "changes": rules.changes(latest, previous) if latest else {},
            "pending": levels.pending_of(record.id), "history": levels.history_of(record),
            "overdue": due.is_overdue(record.assessment_due_on, today(g.region)),
            "can_decide": scope.reach(current_user, g.region).coordinates_service(record.service_id)}


template_helpers(bp, casework_assessments_of=_assessments_of, casework_plan_of=plans.plan_of,
                 casework_sees_details=scope.sees_details)


def _prefill(form: AssessmentForm, last: Assessment | None) -> None:
    form.assessed_on.data = today(g.region)
    for area, score in rules.scores_of(last).items():
        form[f"{area.value}_score"].data = score.score
        form[f"{area.value}_reason"].data = score.reason
        form[f"{area.value}_goal"].data = score.goal


def _inputs(form: AssessmentForm) -> dict:
    return {area: rules.AreaInput(score.data, reason.data or "", goal.data or "")
            for area, score, reason, goal in form.area_fields() if score.data is not None}


@bp.route("/records/<int:record_id>/assessments/new", methods=["GET", "POST"])
@members(*STAFF)
def new_assessment(record_id: int):
    record = staff_record(record_id)
    last = rules.latest(record.id)
    form = AssessmentForm()
    error = None
    if request.method == "GET":
        _prefill(form, last)
    elif form.validate_on_submit():
        try:
            found = rules.save(record, g.region, assessed_on=form.assessed_on.data, areas=_inputs(form),
                               by=current_user)
        except Refusal as refusal:
            db.session.rollback()
            record = staff_record(record_id)
            if refusal.field:
                refusal.show_on(form)
            else:
                error = str(refusal)
        else:
            audit("casework.assessment.created", target=f"casework_record:{record.id}", region=g.region,
                  subject=record.user, details={"assessment": found.id, "quarter": found.quarter_start.isoformat()})
            db.session.commit()
            flash(_("The assessment is saved. The next one is due by %(date)s.",
                    date=format_day(record.assessment_due_on)), "success")
            return redirect(url_for("casework.assessment", assessment_id=found.id))
    elif any(form[f"{a.value}_score"].errors for a in AssessmentArea):
        error = _("Give a score for every area; what you wrote is kept below.")
    return render_audited("casework/assessments/form.html", action="casework.assessment.viewed",
                          target=f"casework_record:{record.id}", subject=record.user,
                          status=422 if request.method == "POST" else 200, record=record, form=form, last=last,
                          error=error, contract=rules.active_contract(record),
                          before=rules.scores_of(last))


def _readable(found: Assessment) -> bool:
    record = found.record
    if scope.is_own(current_user, record):
        return True
    return scope.reach(current_user, g.region).sees(record) and scope.sees_details(record)


@bp.route("/assessments/<int:assessment_id>")
@members(*STAFF, "graduate")
def assessment(assessment_id: int):
    found = region_object(Assessment, assessment_id, via="record.region_id", allowed=_readable)
    record = found.record
    own = scope.is_own(current_user, record)
    previous = db.session.get(Assessment, found.previous_id) if found.previous_id else None
    return render_audited("casework/assessments/assessment.html", action="casework.assessment.viewed",
                          target=f"casework_record:{record.id}", subject=record.user, audit_if=not own,
                          details={"assessment": found.id}, assessment=found, record=record, own=own,
                          previous=previous, changes=rules.changes(found, previous),
                          before=rules.scores_of(previous))


@bp.route("/records/<int:record_id>/assessments")
@members(*STAFF)
def record_assessments(record_id: int):
    record = staff_record(record_id)
    return render_audited("casework/assessments/history.html", action="casework.assessments.viewed",
                          target=f"casework_record:{record.id}", subject=record.user, record=record,
                          reach=scope.reach(current_user, g.region))


@bp.route("/assessments/due")
@members(*STAFF)
def due_assessments():
    reach = scope.reach(current_user, g.region)
    coordinates = bool(reach.coordinates) or reach.whole_region
    mine = not coordinates or request.args.get("list") == "mine"  # a coordinator starts from the service's
    when = request.args.get("when") if request.args.get("when") in rules.WHEN else "overdue"
    page = paginate(rules.due_records(current_user, g.region, when=when, mine=mine), PER_PAGE)
    tasks = db.session.scalars(plans.overdue_tasks(current_user, g.region).limit(20)).all() if mine else []
    template = "casework/assessments/due_list.html" if htmx and htmx.target == "due-list" \
        else "casework/assessments/due.html"
    return render_audited(template, action="casework.assessments.due_viewed", target="casework_records:due",
                          names=[r.user_id for r in page.items if r.user_id], page=page, mine=mine, when=when,
                          coordinates=coordinates, tasks=tasks, today=today(g.region),
                          args={"list": "mine" if mine else "service", "when": when})
