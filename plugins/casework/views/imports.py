"""The registry import: upload a spreadsheet, map its columns on a preview, confirm, watch the job's progress.

Service coordinators import into their services, the resource centre's coordinators anywhere in the region.
The preview lists the graduates the file names and any existing records they may duplicate: its read is audited.
"""
from __future__ import annotations

from flask import abort, flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from plugins.casework import imports as rules
from plugins.casework import scope
from plugins.casework.forms.imports import ConfirmImportForm, UploadForm, mapping_form
from plugins.casework.models import SupportService
from plugins.casework.views import bp
from portal.kit import (ConfirmForm, Refusal, db, enqueue, htmx, members, paginate, redirect_to, region_object,
                        render_audited, template_helpers)

ACTIONS = {
    "casework.import.uploaded": _l("Case work: registry file uploaded"),
    "casework.import.read": _l("Case work: registry import previewed"),
    "casework.import.confirm": _l("Case work: registry import confirmed"),
    "casework.import.discard": _l("Case work: registry import discarded"),
    "casework.import.finish": _l("Case work: registry imported"),
    "casework.import.fail": _l("Case work: registry import failed"),
}
PER_PAGE = 20
NOT_COORDINATOR = _l("Only a coordinator of a support service or of the resource centre imports records.")

template_helpers(bp, casework_import_error=rules.error_message)


def _reach():
    return scope.reach(current_user, g.region)


def _service_choices(reach) -> list[tuple[int, str]]:
    query = select(SupportService).where(SupportService.region_id == g.region.id).order_by(SupportService.name)
    if not reach.whole_region:
        query = query.where(SupportService.id.in_(sorted(reach.coordinates) or [0]))
    return [(0, _("The service of each graduate's municipality"))] + [
        (s.id, s.name) for s in db.session.scalars(query)]


def _upload_form(reach) -> UploadForm:
    form = UploadForm()
    form.service.choices = _service_choices(reach)
    return form


def _index_page(form: UploadForm | None, status: int = 200):
    if rules.reap():  # an import whose process died is failed, not "running" for ever
        db.session.commit()
    reach = _reach()
    query = rules.visible_imports(g.region, current_user, reach).options(
        defer(rules.RegistryImport.content),  # the files themselves stay in the database
        selectinload(rules.RegistryImport.created_by), selectinload(rules.RegistryImport.service))
    page = paginate(query, PER_PAGE)
    allowed = rules.may_import(reach)
    return render_template("casework/imports/index.html", page=page, allowed=allowed,
                           form=form if form is not None else (_upload_form(reach) if allowed else None)), status


@bp.route("/imports")
@members("coordinator")
def imports():
    return _index_page(None)


@bp.route("/imports/new", methods=["POST"])
@members("coordinator")
def new_import():
    reach = _reach()
    if not rules.may_import(reach):
        flash(str(NOT_COORDINATOR), "error")
        return redirect_to(url_for("casework.imports"))
    form = _upload_form(reach)
    if form.validate_on_submit():
        service_id = form.service.data or None
        if service_id is not None and service_id not in {value for value, _label in form.service.choices}:
            form.service.errors = [_("Choose a service you coordinate.")]
            return _index_page(form, 422)
        upload = form.file.data
        content = upload.read(rules.MAX_BYTES + 1)
        try:
            job = rules.new_import(g.region, current_user, upload.filename or "", content, service_id)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="file")
        else:
            db.session.commit()
            flash(_("The file is read. Check how its columns are understood and what the rows lack."), "success")
            return redirect_to(url_for("casework.import_job", import_id=job.id))
    return _index_page(form, 422)


def _job(import_id: int) -> rules.RegistryImport:
    reach = _reach()
    return region_object(rules.RegistryImport, import_id,
                         allowed=lambda job: rules.may_handle(job, current_user, reach))


def _choices():
    return [("", _("— not imported —"))] + [(name, str(label)) for name, label in rules.FIELDS.items()]


def _job_page(job: rules.RegistryImport, mapping=None, confirm_form=None, status: int = 200):
    if job.status != rules.ImportStatus.uploaded:
        template = ("casework/imports/progress_part.html" if htmx
                    else "casework/imports/progress.html")
        return render_template(template, job=job), status
    try:
        table = rules.read_table(job.filename, job.content)
    except Refusal:
        abort(404)  # stored files were read once already; this cannot happen unless the row was tampered with
    checked = rules.check(job, _reach(), table)
    form = mapping or mapping_form(table.headers, _choices(), checked.mapping)
    problems = checked.problems
    return render_audited("casework/imports/preview.html", action="casework.import.read",
                          target=f"casework_import:{job.id}", names=checked.duplicate_record_ids,
                          details={"rows": len(checked.rows)}, status=status, job=job, checked=checked,
                          form=form, confirm_form=confirm_form or ConfirmImportForm(),
                          discard_form=ConfirmForm(prefix="discard"), problems=problems[:rules.SHOWN_PROBLEMS],
                          more_problems=max(0, len(problems) - rules.SHOWN_PROBLEMS),
                          sample=[row for row in checked.rows if not row.errors][:10])


@bp.route("/imports/<int:import_id>")
@members("coordinator")
def import_job(import_id: int):
    if rules.reap():
        db.session.commit()
    return _job_page(_job(import_id))


@bp.route("/imports/<int:import_id>/mapping", methods=["POST"])
@members("coordinator")
def import_mapping(import_id: int):
    job = _job(import_id)
    if job.status != rules.ImportStatus.uploaded:
        return redirect_to(url_for("casework.import_job", import_id=job.id))
    table = rules.read_table(job.filename, job.content)
    form = mapping_form(table.headers, _choices(), [], formdata=request.form)
    if form.validate_on_submit():
        rules.save_mapping(job, [form[f"column_{n}"].data or "" for n in range(len(table.headers))])
        db.session.commit()
        flash(_("The columns are mapped anew: the rows below are read with this mapping."), "success")
        return redirect_to(url_for("casework.import_job", import_id=job.id))
    return _job_page(job, mapping=form, status=422)


@bp.route("/imports/<int:import_id>/confirm", methods=["POST"])
@members("coordinator")
def confirm_import(import_id: int):
    job = _job(import_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return _job_page(job, confirm_form=form, status=422)
    try:
        rules.confirm(job, _reach(), form.include_duplicates.data)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect_to(url_for("casework.import_job", import_id=import_id))
    db.session.commit()
    enqueue("plugins.casework.imports.run_import", job.id)
    flash(_("The import has started. This page shows how far it is."), "success")
    return redirect_to(url_for("casework.import_job", import_id=import_id))


@bp.route("/imports/<int:import_id>/discard", methods=["POST"])
@members("coordinator")
def discard_import(import_id: int):
    job = _job(import_id)
    if not ConfirmForm(prefix="discard").validate_on_submit():
        flash(_("The form has expired. Please send it again."), "error")
        return redirect_to(url_for("casework.import_job", import_id=import_id))
    try:
        rules.discard(job)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(_("The import is discarded and its file deleted."), "success")
    return redirect_to(url_for("casework.imports"))
