"""The registry's pages: the list, a new record (after the duplicates step), the record, the graduate's own page."""
from __future__ import annotations

from flask import flash, g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from plugins.casework import contracts as contract_rules
from plugins.casework import registry, scope
from plugins.casework.forms.contracts import ContractForm, EndForm
from plugins.casework.forms.registry import FilterForm, LinkForm, MergeForm, MoveForm, NoteForm, RecordForm
from plugins.casework.models import (ContractStatus, Gender, GraduateRecord, LegalStatus, RecordStatus,
                                     ServiceStaff, SupportLevel, SupportService)
from plugins.casework.views import bp
from portal.kit import (ConfirmForm, Municipality, Refusal, Role, User, db, htmx, invite, label_of, members,
                        paginate, redirect_to, region_institutions, region_object, render_audited, today)

STAFF = ("specialist", "coordinator")
PER_PAGE = 25
READ = "casework.record.viewed"
ACTIONS = {
    "casework.records.viewed": _l("Case work: registry list viewed"),
    READ: _l("Case work: graduate's record viewed"),
    "casework.record.created": _l("Case work: record created"),
    "casework.record.changed": _l("Case work: record changed"),
    "casework.record.merged": _l("Case work: records merged"),
    "casework.record.moved": _l("Case work: record handed to another service"),
    "casework.record.linked": _l("Case work: record linked to an account"),
    "casework.record.unlinked": _l("Case work: record unlinked from an account"),
    "casework.record.invited": _l("Case work: graduate invited to the portal"),
    "casework.note.added": _l("Case work: note added"),
    "casework.duplicates.viewed": _l("Case work: possible duplicates viewed"),
    "casework.ageing_out.viewed": _l("Case work: list of graduates ageing out viewed"),
    **{f"casework.record.{name}": _l("Case work: record status changed") for name in registry.RECORDS.moves},
}
EXPIRED = _l("The form has expired. Please send it again.")


def _reach():
    return scope.reach(current_user, g.region)


def _record(record_id: int) -> GraduateRecord:
    """A record this person may open (merged-away ones lead to the record kept); others: 404."""
    found = region_object(GraduateRecord, record_id, allowed=lambda r: _reach().sees(r))
    return found


def _municipalities():
    """The region's municipalities for a select: (id, name) rows, not whole rows of the table."""
    return db.session.execute(select(Municipality.id, Municipality.name).where(Municipality.region_id == g.region.id)
                              .order_by(Municipality.name)).all()


def _services():
    """The region's services for a select: (id, name) rows, the resource centre last."""
    return db.session.execute(select(SupportService.id, SupportService.name)
                              .where(SupportService.region_id == g.region.id)
                              .order_by(SupportService.is_resource_centre, SupportService.name)).all()


def _staff_choices(service_id: int | None = None):
    query = (select(User).join(ServiceStaff, ServiceStaff.user_id == User.id)
             .join(SupportService, SupportService.id == ServiceStaff.service_id)
             .where(SupportService.region_id == g.region.id).distinct().order_by(User.name))
    if service_id is not None:
        query = query.where(ServiceStaff.service_id == service_id)
    return [(0, "—")] + [(u.id, u.name) for u in db.session.scalars(query)]


def _record_form(found: GraduateRecord | None = None, formdata=None) -> RecordForm:
    form = RecordForm(formdata=formdata, obj=None) if formdata is not None else RecordForm()
    if found is not None and request.method == "GET":
        form = RecordForm(formdata=None, obj=found)
        form.gender.data, form.legal_status.data = found.gender.value, found.legal_status.value
        form.institution.data, form.municipality.data = found.institution_id or 0, found.municipality_id or 0
        form.service.data, form.specialist.data = found.service_id or 0, found.specialist_id or 0
    form.institution.choices = [(0, "—")] + [(i.id, i.name) for i in region_institutions(g.region)]
    form.municipality.choices = [(0, "—")] + [(m.id, m.name) for m in _municipalities()]
    form.service.choices = [(0, _("the municipality's service"))] + [(s.id, s.name) for s in _services()]
    form.specialist.choices = _staff_choices(found.service_id if found else None)
    return form


def _fields(form: RecordForm) -> registry.Fields:
    return registry.Fields(
        last_name=form.last_name.data, first_name=form.first_name.data, middle_name=form.middle_name.data or "",
        birth_date=form.birth_date.data, gender=Gender(form.gender.data),
        legal_status=LegalStatus(form.legal_status.data),
        institution_id=form.institution.data or None, placement=form.placement.data or "",
        left_care_on=form.left_care_on.data, municipality_id=form.municipality.data or None,
        address=form.address.data or "", phone=form.phone.data or "", email=form.email.data or "",
        contacts=form.contacts.data or "", service_id=form.service.data or None,
        specialist_id=form.specialist.data or None)


# --- the list -------------------------------------------------------------------------------------------

def _filter_form() -> FilterForm:
    form = FilterForm(request.args)
    form.municipality.choices = [(0, "—")] + [(m.id, m.name) for m in _municipalities()]
    form.service.choices = [(0, "—")] + [(s.id, s.name) for s in _services()]
    form.validate()
    return form


def registry_query(reach, form: FilterForm, day):
    """The list's one query: the person's reach and the filters, ordered by name (index: region, name_key)."""
    query = select(GraduateRecord).where(reach.record_filter())
    found = registry.search_filter(form.q.data) if form.q.data and not form.q.errors else None
    # A filter that keeps few rows (a name, a place, a service, the overdue) sorts its matches rather than walking
    # the whole name index to fill a page (bench/casework.py: ?overdue=1&service=… 701 ms -> 2 ms).
    narrow = found is not None or bool(form.overdue.data)
    if found is not None:
        query = query.where(found)
    known = {value for value, _label in form.municipality.choices}
    if form.municipality.data and form.municipality.data in known:
        query = query.where(GraduateRecord.municipality_id == form.municipality.data)
        narrow = True
    if form.service.data and form.service.data in {value for value, _label in form.service.choices}:
        query = query.where(GraduateRecord.service_id == form.service.data)
        narrow = True
    if form.status.data in {s.value for s in RecordStatus}:
        query = query.where(GraduateRecord.status == RecordStatus(form.status.data))
    if form.level.data in {s.value for s in SupportLevel}:
        query = query.where(GraduateRecord.level == SupportLevel(form.level.data))
    if form.overdue.data:
        query = query.where(GraduateRecord.assessment_due_on < day)
    return (query.options(joinedload(GraduateRecord.municipality), joinedload(GraduateRecord.service),
                          joinedload(GraduateRecord.specialist))
            .order_by(*registry.search_order(narrow)))


@bp.route("/records")
@members(*STAFF)
def records():
    form = _filter_form()
    day = today(g.region)
    page = paginate(registry_query(_reach(), form, day), PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v not in ("", "0")}
    partial = bool(htmx and htmx.target == "registry-results")
    template = "casework/records/partials/results.html" if partial else "casework/records/index.html"
    return render_audited(template, action="casework.records.viewed", target=f"region:{g.region.id}",
                          names=[r.user_id for r in page.items if r.user_id],
                          details={"records": [r.id for r in page.items], "page": page.page},
                          form=form, page=page, args=args, day=day, labels=_row_labels())


def _row_labels() -> dict:
    """The statuses' and levels' labels in the reader's language, looked up once for the page's rows."""
    return {member: label_of(member) for member in (*RecordStatus, *SupportLevel)}


@bp.route("/records/ageing-out")
@members(*STAFF)
def ageing_out():
    day = today(g.region)
    rows = registry.ageing_out(_reach().record_filter(), day)
    first, last = registry.quarter_of(day)
    return render_audited("casework/records/ageing_out.html", action="casework.ageing_out.viewed",
                          target=f"region:{g.region.id}", names=[r.user_id for r in rows if r.user_id],
                          details={"records": [r.id for r in rows]}, rows=rows, first=first, last=last)


# --- a new record, with the duplicates step ---------------------------------------------------------------

@bp.route("/records/new", methods=["GET", "POST"])
@members(*STAFF)
def new_record():
    form = _record_form()
    duplicates: list[GraduateRecord] = []
    if form.validate_on_submit():
        fields = _fields(form)
        duplicates = registry.possible_duplicates(g.region, fields.last_name, fields.first_name, fields.birth_date)
        if duplicates and not form.different_person.data:
            form.shown_duplicates.data = ",".join(str(r.id) for r in duplicates)
            return render_audited("casework/records/new.html", action="casework.duplicates.viewed",
                                  target=f"region:{g.region.id}", names=[r.user_id for r in duplicates if r.user_id],
                                  details={"records": [r.id for r in duplicates]}, form=form,
                                  duplicates=duplicates, reach=_reach(), status=200)
        try:
            found = registry.create_record(g.region, current_user, fields, today(g.region))
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="last_name")
        else:
            from portal.kit import audit

            audit("casework.record.created", target=f"casework_record:{found.id}", region=g.region,
                  details={"service": found.service_id, "duplicates_shown": [r.id for r in duplicates]})
            db.session.commit()
            g.pop("casework_reach", None)
            if _reach().sees(found):
                flash(_("The record is created."), "success")
                return redirect_to(url_for("casework.record", record_id=found.id))
            flash(_("The record is created and handed to «%(service)s», which serves where the graduate lives.",
                    service=found.service.name), "success")
            return redirect_to(url_for("casework.records"))
    from flask import render_template

    return render_template("casework/records/new.html", form=form, duplicates=[], reach=_reach()), \
        422 if form.errors else 200


# --- the record ---------------------------------------------------------------------------------------------

def record_page(found: GraduateRecord, status: int = 200, **forms):
    """The record page, also re-rendered with a form's errors (contracts' views use it too): one audited read."""
    reach = _reach()
    details = scope.sees_details(found)
    move_form = forms.get("move_form") or MoveForm(formdata=None)
    move_form.municipality.choices = [(0, "—")] + [(m.id, m.name) for m in _municipalities()]
    move_form.service.choices = [(0, _("the municipality's service"))] + [(s.id, s.name) for s in _services()]
    day = today(g.region)
    contract_form = forms.get("contract_form") or ContractForm(formdata=None)
    if contract_form.starts_on.data is None and not contract_form.errors:
        contract_form.starts_on.data = contract_form.consent_on.data = day
    end_form = forms.get("end_form") or EndForm(formdata=None)
    if end_form.ended_on.data is None and not end_form.errors:
        end_form.ended_on.data = day
    contracts = contract_rules.contracts_of(found)
    context = dict(
        record=found, reach=reach, full=details, day=day,
        history=registry.status_history(found), handovers=registry.handovers_of(found),
        # With details shown, the assessments' section shows the level and its history; without, this page does.
        levels=[] if details else registry.level_history(found), contracts=contracts,
        active=next((c for c in contracts if c.status == ContractStatus.active), None),
        notes=registry.notes_of(found) if details else [],
        duplicates=registry.possible_duplicates(g.region, found.last_name, found.first_name, found.birth_date,
                                                exclude_id=found.id),
        moves=[m for m in registry.MANUAL_MOVES if registry.RECORDS.can(found, m)],
        can_merge=reach.coordinates_service(found.service_id) and current_user.has_role(g.region, Role.coordinator),
        move_form=move_form, contract_form=contract_form, end_form=end_form,
        link_form=forms.get("link_form") or LinkForm(formdata=None),
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        merge_form=forms.get("merge_form") or MergeForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
    )
    return render_audited("casework/records/record.html", action=READ, target=f"casework_record:{found.id}",
                          subject=found.user, status=status, **context)


@bp.route("/records/<int:record_id>")
@members(*STAFF)
def record(record_id: int):
    found = db.session.get(GraduateRecord, record_id)
    if found is not None and found.merged_into_id is not None and found.region_id == g.region.id:
        kept = db.session.get(GraduateRecord, found.merged_into_id)
        if kept is not None and _reach().sees(kept):
            flash(_("This record was merged into this one."), "info")
            return redirect_to(url_for("casework.record", record_id=kept.id))
    return record_page(_record(record_id))


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
@members(*STAFF)
def edit_record(record_id: int):
    found = _record(record_id)
    form = _record_form(found)
    if not scope.sees_details(found):
        flash(_("Consent was withdrawn: the record can no longer be changed."), "error")
        return redirect_to(url_for("casework.record", record_id=found.id))
    if form.validate_on_submit():
        try:
            registry.edit_record(g.region, found, _fields(form), today(g.region))
        except Refusal as refusal:
            db.session.rollback()
            found = _record(record_id)
            refusal.show_on(form, default="last_name")
        else:
            from portal.kit import audit

            audit("casework.record.changed", target=f"casework_record:{found.id}", region=g.region,
                  subject=found.user)
            db.session.commit()
            flash(_("The record is saved."), "success")
            return redirect_to(url_for("casework.record", record_id=found.id))
    return render_audited("casework/records/edit.html", action=READ, target=f"casework_record:{found.id}",
                          subject=found.user, status=422 if form.errors else 200, record=found, form=form)


@bp.route("/records/<int:record_id>/status", methods=["POST"])
@members(*STAFF)
def record_status(record_id: int):
    found = _record(record_id)
    name = request.form.get("move", "")
    if not ConfirmForm().validate_on_submit():
        flash(str(EXPIRED), "error")
    elif name not in registry.MANUAL_MOVES:
        flash(_("This change of status is not offered."), "error")
    else:
        try:
            registry.move(g.region, found, name, current_user)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(_("The status is changed."), "success")
    return redirect_to(url_for("casework.record", record_id=record_id))


@bp.route("/records/<int:record_id>/move", methods=["POST"])
@members(*STAFF)
def move_record(record_id: int):
    found = _record(record_id)
    form = MoveForm()
    form.municipality.choices = [(0, "—")] + [(m.id, m.name) for m in _municipalities()]
    form.service.choices = [(0, "")] + [(s.id, s.name) for s in _services()]
    if form.validate_on_submit():
        try:
            handover = registry.move_record(g.region, found, form.municipality.data or 0, form.service.data or None,
                                            form.reason.data or "", current_user)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="municipality")
        else:
            db.session.commit()
            g.pop("casework_reach", None)
            flash(_("The record is handed to «%(service)s».", service=handover.to_service.name), "success")
            if _reach().sees(found):
                return redirect_to(url_for("casework.record", record_id=found.id))
            return redirect_to(url_for("casework.records"))
    return record_page(_record(record_id), 422, move_form=form)


@bp.route("/records/<int:record_id>/link", methods=["POST"])
@members(*STAFF)
def link_account(record_id: int):
    found = _record(record_id)
    form = LinkForm()
    if form.validate_on_submit():
        email = form.email.data.strip()
        account = registry.linkable_account(g.region, email)
        try:
            if account is None:
                if not form.invite.data:
                    raise Refusal(_l("Nobody has an account with this e-mail yet: tick «send an invitation»."),
                                  "email")
                account, link = invite(email, g.region, Role.graduate, by=current_user)
                from portal.kit import audit

                audit("casework.record.invited", target=f"casework_record:{found.id}", region=g.region,
                      subject=account)
                if account is None:
                    db.session.commit()
                    flash(_("An invitation is sent. Link the record once the graduate has joined."), "success")
                    if link:
                        flash(_("The invitation's address: %(link)s", link=link), "info")
                    return redirect_to(url_for("casework.record", record_id=found.id))
            registry.link_account(g.region, found, account, current_user)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="email")
        else:
            db.session.commit()
            flash(_("The record is linked to %(name)s's account.", name=account.name), "success")
            return redirect_to(url_for("casework.record", record_id=found.id))
    return record_page(_record(record_id), 422, link_form=form)


@bp.route("/records/<int:record_id>/unlink", methods=["POST"])
@members(*STAFF)
def unlink_account(record_id: int):
    found = _record(record_id)
    if ConfirmForm().validate_on_submit():
        if registry.unlink_account(g.region, found, current_user) is not None:
            db.session.commit()
            flash(_("The record is no longer linked to an account."), "success")
    else:
        flash(str(EXPIRED), "error")
    return redirect_to(url_for("casework.record", record_id=record_id))


@bp.route("/records/<int:record_id>/notes", methods=["POST"])
@members(*STAFF)
def add_note(record_id: int):
    found = _record(record_id)
    form = NoteForm()
    if not scope.sees_details(found):
        flash(_("Consent was withdrawn: notes can no longer be added."), "error")
        return redirect_to(url_for("casework.record", record_id=found.id))
    if form.validate_on_submit():
        try:
            registry.add_note(g.region, found, current_user, form.text.data, form.for_graduate.data)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="text")
        else:
            db.session.commit()
            flash(_("The note is added."), "success")
            return redirect_to(url_for("casework.record", record_id=found.id) + "#notes")
    return record_page(_record(record_id), 422, note_form=form)


@bp.route("/records/<int:record_id>/merge", methods=["POST"])
@members("coordinator")
def merge_records(record_id: int):
    """Merges the record named in the form into this one; asks first (a page showing both), then merges."""
    keep = _record(record_id)
    form = MergeForm()
    reach = _reach()
    if form.validate_on_submit():
        other_id = form.other_id()
        gone = db.session.get(GraduateRecord, other_id) if other_id else None
        if gone is None or not reach.sees(gone) or gone.merged_into_id is not None:
            form.other.errors = [*form.other.errors, _("There is no such record among those you see.")]
        elif not (reach.coordinates_service(keep.service_id) and reach.coordinates_service(gone.service_id)):
            form.other.errors = [*form.other.errors,
                                 _("Records are merged by the coordinator of their service or of the resource "
                                   "centre.")]
        elif request.form.get("confirmed") != "1":
            return render_audited("casework/records/merge.html", action=READ, target=f"casework_record:{gone.id}",
                                  subject=gone.user, keep=keep, gone=gone, form=form)
        else:
            try:
                registry.merge(g.region, keep, gone, current_user)
            except Refusal as refusal:
                db.session.rollback()
                form.other.errors = [*form.other.errors, str(refusal)]
            else:
                db.session.commit()
                flash(_("The records are merged."), "success")
                return redirect_to(url_for("casework.record", record_id=keep.id))
    return record_page(_record(record_id), 422, merge_form=form)


# --- the graduate's own page ------------------------------------------------------------------------------

@bp.route("/mine")
@members("graduate")
def mine():
    found = registry.record_of(current_user, g.region)
    return render_audited("casework/records/mine.html", action=READ,
                          target=f"casework_record:{found.id}" if found else f"user:{current_user.id}",
                          audit_if=False, record=found,
                          notes=registry.notes_of(found, for_graduate_only=True) if found else [],
                          contracts=contract_rules.contracts_of(found) if found else [],
                          active=registry.active_contract(found) if found else None,
                          adult=found is not None and found.age_on(today(g.region)) >= contract_rules.ADULT,
                          confirm=ConfirmForm(formdata=None))


@bp.route("/mine/withdraw", methods=["POST"])
@members("graduate")
def withdraw_mine():
    found = registry.record_of(current_user, g.region)
    if found is None:
        flash(_("No record of yours is kept here."), "info")
    elif not ConfirmForm().validate_on_submit():
        flash(str(EXPIRED), "error")
    else:
        try:
            contract_rules.withdraw_consent(g.region, found, current_user, today(g.region), by_graduate=True)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(_("Your consent is withdrawn: support has ended, and the service's staff no longer see your "
                    "contacts, notes, assessments or plan."), "success")
    return redirect_to(url_for("casework.mine"))
