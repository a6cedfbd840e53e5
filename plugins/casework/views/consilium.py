"""The consilium's pages (a service's specialists meet, discuss graduates, set levels) and the
coordinator's queue of level changes to approve or reject."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from plugins.casework import consilium as rules
from plugins.casework import levels, scope
from plugins.casework.forms.consilium import ConsiliumForm, DecisionForm, RejectForm
from plugins.casework.models import Consilium, GraduateRecord, LevelChange, SupportService
from plugins.casework.views import bp
from portal.kit import (ConfirmForm, Gone, Refusal, audit, db, htmx, members, paginate, redirect_to, region_object,
                        render_audited)

ACTIONS = {
    "casework.consilium.created": _l("Case work: consilium recorded"),
    "casework.consilium.viewed": _l("Case work: consilium viewed"),
    "casework.decision.added": _l("Case work: consilium decision recorded"),
    "casework.level.approve": _l("Case work: level change approved"),
    "casework.level.reject": _l("Case work: level change rejected"),
    "casework.levels.viewed": _l("Case work: level changes awaiting approval viewed"),
}
STAFF = ("specialist", "coordinator")
PER_PAGE = 30


def _consilium_form(services: list[SupportService]) -> ConsiliumForm:
    form = ConsiliumForm(prefix="consilium")
    form.service.choices = [(s.id, s.name) for s in services]
    people = {u.id: u for s in services for u in rules.staff_of(s)}
    form.attendees.choices = [(u.id, u.name) for u in sorted(people.values(), key=lambda u: u.name)]
    return form


def _index(form: ConsiliumForm | None, services: list[SupportService], status: int = 200):
    page = paginate(rules.consilia_of(services), PER_PAGE)
    return render_template("casework/consilium/index.html", page=page, form=form, services=services,
                           coordinates=bool(scope.reach(current_user, g.region).coordinates)
                           or scope.reach(current_user, g.region).whole_region), status


@bp.route("/consilia")
@members(*STAFF)
def consilia():
    services = rules.services_of(current_user, g.region)
    return _index(_consilium_form(services) if services else None, services)


@bp.route("/consilia/new", methods=["POST"])
@members(*STAFF)
def new_consilium():
    services = rules.services_of(current_user, g.region)
    form = _consilium_form(services)
    if form.validate_on_submit():
        service = next((s for s in services if s.id == form.service.data), None)
        try:
            if service is None:
                raise Refusal(_l("Choose one of your services."), "service")
            found = rules.hold_consilium(service, g.region, held_on=form.held_on.data,
                                         attendee_ids=form.attendees.data or [], notes=form.notes.data or "",
                                         by=current_user)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="held_on")
        else:
            audit("casework.consilium.created", target=f"casework_consilium:{found.id}", region=g.region,
                  details={"service": service.id, "held_on": found.held_on.isoformat()})
            db.session.commit()
            flash(_("The consilium is recorded. Now add its decisions for the graduates discussed."), "success")
            return redirect(url_for("casework.consilium", consilium_id=found.id))
    return _index(form, services, 422)


def _consilium(consilium_id: int) -> Consilium:
    def attends(found: Consilium) -> bool:
        reach = scope.reach(current_user, g.region)
        return reach.whole_region or found.service_id in reach.services

    return region_object(Consilium, consilium_id, via="service.region_id", allowed=attends)


def _decision_form(found: Consilium) -> DecisionForm:
    form = DecisionForm(prefix="decision")
    form.record.choices = [(r.id, r.full_name) for r in rules.discussable(found)]
    return form


def _consilium_page(found: Consilium, form: DecisionForm | None = None, status: int = 200):
    decisions = rules.decisions_of(found)
    return render_audited("casework/consilium/consilium.html", action="casework.consilium.viewed",
                          target=f"casework_consilium:{found.id}", status=status,
                          names=[d.record.user_id for d in decisions if d.record.user_id],
                          consilium=found, decisions=decisions, changes=rules.changes_of(decisions),
                          form=form or _decision_form(found))


@bp.route("/consilia/<int:consilium_id>")
@members(*STAFF)
def consilium(consilium_id: int):
    return _consilium_page(_consilium(consilium_id))


@bp.route("/consilia/<int:consilium_id>/decisions", methods=["POST"])
@members(*STAFF)
def add_decision(consilium_id: int):
    found = _consilium(consilium_id)
    form = _decision_form(found)
    if form.validate_on_submit():
        record = db.session.get(GraduateRecord, form.record.data) if form.record.data else None
        try:
            decision, change = rules.decide(found, record, g.region, decision=form.decision.data,
                                            level=form.level.data, by=current_user)
        except Refusal as refusal:
            db.session.rollback()
            found = _consilium(consilium_id)
            refusal.show_on(form, default="record")
        else:
            audit("casework.decision.added", target=f"casework_record:{record.id}", region=g.region,
                  subject=record.user, details={"consilium": found.id, "level": decision.level.value,
                                                "change": change.id if change else None})
            db.session.commit()
            flash(_("The decision is recorded; the change of level awaits the coordinator's approval.")
                  if change else _("The decision is recorded; the level stays as it is."), "success")
            return redirect(url_for("casework.consilium", consilium_id=found.id))
    return _consilium_page(found, form, 422)


# --- the coordinator's decisions on levels ---------------------------------------------------------------

def _change(change_id: int) -> LevelChange:
    return region_object(LevelChange, change_id, via="record.region_id",
                         allowed=lambda c: levels.may_decide(current_user, g.region, c))


def _levels_page(status: int = 200, reject_forms: dict | None = None):
    page = paginate(levels.waiting(current_user, g.region), PER_PAGE)
    return render_audited("casework/consilium/levels.html", action="casework.levels.viewed",
                          target="casework_level_changes:pending", status=status,
                          names=[c.record.user_id for c in page.items if c.record.user_id], page=page,
                          approve_form=ConfirmForm(prefix="approve"), reject_forms=reject_forms or {},
                          reject_form=RejectForm(prefix="reject", formdata=None))


@bp.route("/levels")
@members("coordinator")
def level_changes():
    return _levels_page()


def _decided(change: LevelChange, approve: bool):
    reject_form = RejectForm(prefix="reject")
    form = ConfirmForm(prefix="approve") if approve else reject_form
    error = None
    if form.validate_on_submit():
        try:
            levels.decide(change, g.region, approve=approve, by=current_user,
                          reason="" if approve else reject_form.reason.data or "")
        except Gone:
            raise
        except Refusal as refusal:
            db.session.rollback()
            change = _change(change.id)
            error = str(refusal)
        else:
            db.session.commit()
            if not htmx:
                flash(_("The change of level is approved.") if approve else _("The change of level is rejected."),
                      "success")
    else:
        error = _("The form has expired. Please send it again.")
    if htmx:
        return render_audited("casework/consilium/level_row.html", action="casework.levels.viewed",
                              target=f"casework_record:{change.record_id}", subject=change.record.user,
                              status=422 if error else 200, change=change, error=error,
                              approve_form=ConfirmForm(prefix="approve"),
                              reject_form=reject_form if error and not approve else RejectForm(prefix="reject",
                                                                                               formdata=None))
    if error:
        flash(error, "error")
    return redirect_to(request.form.get("next") if _safe(request.form.get("next")) else url_for("casework.level_changes"))


def _safe(url: str | None) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")


@bp.route("/levels/<int:change_id>/approve", methods=["POST"])
@members("coordinator")
def approve_level(change_id: int):
    return _decided(_change(change_id), True)


@bp.route("/levels/<int:change_id>/reject", methods=["POST"])
@members("coordinator")
def reject_level(change_id: int):
    return _decided(_change(change_id), False)
