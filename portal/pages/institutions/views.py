"""Region admins and coordinators keep the region's institutions and name specialists to them.

The institutions are the core's because several services follow the same places (training
apartments, clubs, festival groups, case work); the specialists named here are the staff those
services let see the institution's records.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.app.extensions import db
from portal.models import Institution, InstitutionKind, InstitutionStaff, Role, User
from portal.pages.institutions.forms import KIND_LABELS, InstitutionForm, StaffForm
from portal.services import audit
from portal.services.institutions import name_staff, possible_staff, region_institutions, remove_staff
from portal.services.refusals import Refusal, refuse_duplicates
from portal.web import access
from portal.web.forms import ConfirmForm
from portal.web.http import redirect_to
from portal.web.loading import region_object

bp = Blueprint("institutions", __name__)

KEEPERS = (Role.region_admin, Role.coordinator)
TAKEN = _l("The region has an institution with this name already.")


def _institution(institution_id: int) -> Institution:
    return region_object(Institution, institution_id)


def _form(form: InstitutionForm) -> InstitutionForm:
    form.municipality.choices = [(0, _("Not set"))] + [(m.id, m.name) for m in g.region.municipalities]
    return form


def _filled(found: Institution) -> InstitutionForm:
    form = _form(InstitutionForm(formdata=None, obj=found))
    form.kind.data, form.municipality.data = found.kind.value, found.municipality_id or 0
    return form


def _save(form: InstitutionForm, found: Institution | None) -> Institution | None:
    """Write the form into the institution (a new one when None); None when the name is taken."""
    creating = found is None
    if creating:
        found = Institution(region_id=g.region.id)
        db.session.add(found)
    found.name = form.name.data.strip()
    found.kind = InstitutionKind(form.kind.data)
    municipalities = {m.id for m in g.region.municipalities}
    found.municipality_id = form.municipality.data if form.municipality.data in municipalities else None
    found.address = (form.address.data or "").strip()
    found.contact = (form.contact.data or "").strip()
    try:
        with refuse_duplicates(TAKEN, "name"):
            db.session.flush()
    except Refusal as refusal:
        db.session.rollback()
        refusal.show_on(form)
        return None
    audit.record("institution.created" if creating else "institution.changed", target=f"institution:{found.id}",
                 region=g.region)
    db.session.commit()
    return found


@bp.route("/<region_code>/institutions")
@access.members(*KEEPERS)
def index():
    rows = region_institutions(g.region)
    return render_template("institutions/index.html", institutions=rows, kinds=KIND_LABELS)


@bp.route("/<region_code>/institutions/new", methods=["GET", "POST"])
@access.members(*KEEPERS)
def new():
    form = _form(InstitutionForm())
    if form.validate_on_submit():
        found = _save(form, None)
        if found is not None:
            flash(_("The institution is added; now name its specialists."), "success")
            return redirect(url_for("institutions.edit", institution_id=found.id))
    return render_template("institutions/form.html", form=form, institution=None), 422 if form.errors else 200


def _page(found: Institution, form: InstitutionForm, staff_form: StaffForm | None = None, status: int = 200):
    staff = db.session.scalars(db.select(InstitutionStaff).where(InstitutionStaff.institution_id == found.id)
                               .options(selectinload(InstitutionStaff.user))).all()
    staff_form = staff_form or StaffForm(formdata=None)
    named = {s.user_id for s in staff}
    staff_form.user.choices = [(u.id, u.name) for u in possible_staff(g.region) if u.id not in named]
    return render_template("institutions/form.html", form=form, institution=found,
                           staff=sorted(staff, key=lambda s: s.user.name), staff_form=staff_form,
                           remove_form=ConfirmForm()), status


@bp.route("/<region_code>/institutions/<int:institution_id>", methods=["GET", "POST"])
@access.members(*KEEPERS)
def edit(institution_id: int):
    found = _institution(institution_id)
    if request.method == "GET":
        form = _filled(found)
        return _page(found, form)
    form = _form(InstitutionForm())
    if form.validate() and _save(form, found) is not None:
        flash(_("The institution is saved."), "success")
        return redirect(url_for("institutions.edit", institution_id=institution_id))
    return _page(_institution(institution_id), form, status=422)


@bp.route("/<region_code>/institutions/<int:institution_id>/staff", methods=["POST"])
@access.members(*KEEPERS)
def add_staff(institution_id: int):
    found = _institution(institution_id)
    form = StaffForm()
    form.user.choices = [(u.id, u.name) for u in possible_staff(g.region)]
    if not form.validate_on_submit():
        form_page = _filled(found)
        if not form.user.errors and not form.errors:
            form.user.errors = [_("Choose a specialist of the region.")]
        return _page(found, form_page, staff_form=form, status=422)
    user = db.session.get(User, form.user.data)
    try:
        with refuse_duplicates(_l("This specialist is named to the institution already."), "user"):
            named = name_staff(found, user)
    except Refusal as refusal:  # the same name sent twice at once
        db.session.rollback()
        flash(str(refusal), "info")
        return redirect_to(url_for("institutions.edit", institution_id=institution_id))
    db.session.commit()
    if named:
        flash(_("%(name)s is named to the institution.", name=user.name), "success")
    return redirect_to(url_for("institutions.edit", institution_id=institution_id))


@bp.route("/<region_code>/institutions/<int:institution_id>/staff/<int:user_id>/remove", methods=["POST"])
@access.members(*KEEPERS)
def drop_staff(institution_id: int, user_id: int):
    found = _institution(institution_id)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if remove_staff(found, user):
        db.session.commit()
        flash(_("%(name)s is no longer named to the institution.", name=user.name), "success")
    return redirect_to(url_for("institutions.edit", institution_id=institution_id))
