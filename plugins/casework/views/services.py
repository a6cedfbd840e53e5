"""Support services: the region admin sets them up (municipalities, staff); coordinators see them."""
from __future__ import annotations

from flask import flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from plugins.casework import services as rules
from plugins.casework.forms.services import ServiceForm, StaffForm
from plugins.casework.models import SupportService
from plugins.casework.views import bp
from portal.kit import (ConfirmForm, Municipality, Refusal, Role, User, audit, db, members, redirect_to,
                        region_object)

ACTIONS = {
    "casework.service.created": _l("Case work: support service added"),
    "casework.service.changed": _l("Case work: support service changed"),
    "casework.staff.added": _l("Case work: person added to a service"),
    "casework.staff.removed": _l("Case work: person removed from a service"),
}
MANAGERS = ("region_admin",)


def _manages() -> bool:
    return current_user.has_role(g.region, Role.region_admin) or current_user.is_site_admin


def _service(service_id: int) -> SupportService:
    return region_object(SupportService, service_id)


def _municipality_choices():
    return [(m.id, m.name) for m in db.session.scalars(
        select(Municipality).where(Municipality.region_id == g.region.id).order_by(Municipality.name))]


def _staff_form(service: SupportService) -> StaffForm:
    form = StaffForm(prefix="staff")
    working = {member.user_id for member in service.staff}
    form.person.choices = [(0, "—")] + [(u.id, f"{u.name} ({u.email})") for u in rules.staff_candidates(g.region)
                                        if u.id not in working]
    return form


def _list_page(form: ServiceForm | None, status: int = 200):
    return render_template("casework/services/index.html", services=rules.region_services(g.region),
                           counts=rules.record_counts(g.region), form=form), status


def _service_form(found: SupportService | None = None) -> ServiceForm:
    form = ServiceForm(obj=found if request.method == "GET" else None)
    form.municipalities.choices = _municipality_choices()
    if found is not None and request.method == "GET":
        form.municipalities.data = [link.municipality_id for link in found.municipalities]
    return form


@bp.route("/services")
@members("region_admin", "coordinator")
def services():
    return _list_page(_service_form() if _manages() else None)


@bp.route("/services/new", methods=["POST"])
@members(*MANAGERS)
def new_service():
    form = _service_form()
    if form.validate_on_submit():
        try:
            service = rules.save_service(g.region, None, name=form.name.data,
                                         is_resource_centre=form.is_resource_centre.data,
                                         address=form.address.data or "", contact=form.contact.data or "",
                                         municipality_ids=form.municipalities.data or [])
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="name")
        else:
            audit("casework.service.created", target=f"casework_service:{service.id}", region=g.region,
                  details={"name": service.name})
            db.session.commit()
            flash(_("The service is added. Now name the people who work in it."), "success")
            return redirect_to(url_for("casework.service", service_id=service.id))
    return _list_page(form, 422)


def _service_page(service: SupportService, form: ServiceForm | None = None, staff_form: StaffForm | None = None,
                  status: int = 200):
    manages = _manages()
    return render_template("casework/services/service.html", service=service,
                           form=form or (_service_form(service) if manages else None),
                           staff_form=staff_form or (_staff_form(service) if manages else None),
                           remove_form=ConfirmForm(prefix="remove"), manages=manages,
                           count=rules.record_counts(g.region).get(service.id, 0)), status


@bp.route("/services/<int:service_id>")
@members("region_admin", "coordinator")
def service(service_id: int):
    return _service_page(_service(service_id))


@bp.route("/services/<int:service_id>/edit", methods=["POST"])
@members(*MANAGERS)
def save_service(service_id: int):
    found = _service(service_id)
    form = _service_form(found)
    if form.validate_on_submit():
        try:
            rules.save_service(g.region, found, name=form.name.data, is_resource_centre=form.is_resource_centre.data,
                               address=form.address.data or "", contact=form.contact.data or "",
                               municipality_ids=form.municipalities.data or [])
        except Refusal as refusal:
            db.session.rollback()
            found = _service(service_id)
            refusal.show_on(form, default="name")
        else:
            audit("casework.service.changed", target=f"casework_service:{found.id}", region=g.region,
                  details={"name": found.name,
                           "municipalities": sorted(link.municipality_id for link in found.municipalities)})
            db.session.commit()
            flash(_("The service is saved."), "success")
            return redirect_to(url_for("casework.service", service_id=found.id))
    return _service_page(found, form=form, status=422)


@bp.route("/services/<int:service_id>/staff", methods=["POST"])
@members(*MANAGERS)
def add_staff(service_id: int):
    found = _service(service_id)
    staff_form = _staff_form(found)
    if staff_form.validate_on_submit():
        person = db.session.get(User, staff_form.person.data) if staff_form.person.data else None
        try:
            member = rules.add_staff(g.region, found, person, staff_form.is_coordinator.data)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(staff_form, default="person")
        else:
            audit("casework.staff.added", target=f"casework_service:{found.id}", region=g.region,
                  subject=person, details={"coordinator": member.is_coordinator})
            db.session.commit()
            flash(_("%(name)s now works in the service.", name=person.name), "success")
            return redirect_to(url_for("casework.service", service_id=found.id))
    return _service_page(found, staff_form=staff_form, status=422)


@bp.route("/services/<int:service_id>/staff/<int:staff_id>/remove", methods=["POST"])
@members(*MANAGERS)
def remove_staff(service_id: int, staff_id: int):
    found = _service(service_id)
    if ConfirmForm(prefix="remove").validate_on_submit():
        member = rules.remove_staff(found, staff_id)
        if member is not None:
            audit("casework.staff.removed", target=f"casework_service:{found.id}", region=g.region,
                  subject=member.user)
            db.session.commit()
            flash(_("%(name)s no longer works in the service.", name=member.user.name), "success")
        else:
            flash(_("This person was already removed from the service."), "info")
    else:
        flash(_("The form has expired. Please send it again."), "error")
    return redirect_to(url_for("casework.service", service_id=found.id))
