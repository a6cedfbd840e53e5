"""The appeals journal's pages: the journal, an appeal (its timeline and forms), a new appeal (from a record or
from the journal), the overdue lists, and the graduate's own appeals on /mine."""
from __future__ import annotations

from flask import flash, g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from plugins.casework import appeals as rules
from plugins.casework import registry, scope
from plugins.casework.forms.appeals import (ActionForm, AppealForm, CorrectionForm, JournalFilter, MineAppealForm,
                                            RecordSearch, StatusForm)
from plugins.casework.models import (APPEAL_STATUS_LABELS, OPEN_APPEAL, Appeal, AppealStatus, AppealType,
                                     GraduateRecord, ServiceStaff, SupportService)
from plugins.casework.views import bp
from portal.kit import (ConfirmForm, Refusal, User, db, help_offers, htmx, members, paginate, parse_id,
                        redirect_to, region_object, render_audited, template_helpers, today)

STAFF = ("specialist", "coordinator")
PER_PAGE = 25
#: The journal counts at most this many rows for its pager ("page 3 of more than 40"); a page past it still opens.
COUNT_CAP = 1000
READ = "casework.appeal.viewed"
ACTIONS = {
    "casework.appeals.viewed": _l("Case work: appeals journal viewed"),
    "casework.appeals.overdue_viewed": _l("Case work: overdue appeals viewed"),
    READ: _l("Case work: appeal viewed"),
    "casework.appeal.logged": _l("Case work: appeal logged by staff"),
    "casework.appeal.filed": _l("Case work: appeal filed by the graduate"),
    "casework.appeal.action": _l("Case work: action on an appeal"),
    "casework.appeal.corrected": _l("Case work: entry of an appeal corrected"),
    **{f"casework.appeal.{name}": _l("Case work: appeal status changed") for name in rules.APPEALS.moves},
}
MOVE_LABELS = {
    "resolve": _l("resolved"), "refer": _l("referred to another agency"), "close": _l("closed unresolved"),
    "reopen": _l("open again"),
}
EXPIRED = _l("The form has expired. Please send it again.")
#: The needs an appeal of these types stands for when it is resolved: other services may offer help with them.
OFFER_NEEDS = {AppealType.temporary_housing: "temporary_housing", AppealType.permanent_housing: "housing",
               AppealType.utility_debts: "utility_debts"}


def _reach():
    return scope.reach(current_user, g.region)


def _appeal(appeal_id: int) -> Appeal:
    """An appeal of a record this person sees (scope.py's rule); others: 404."""
    reach = _reach()
    return region_object(Appeal, appeal_id, allowed=lambda a: reach.sees(a.record))


def _services():
    return list(db.session.scalars(select(SupportService).where(SupportService.region_id == g.region.id)
                                   .order_by(SupportService.is_resource_centre, SupportService.name)))


def _staff():
    return list(db.session.scalars(
        select(User).join(ServiceStaff, ServiceStaff.user_id == User.id)
        .join(SupportService, SupportService.id == ServiceStaff.service_id)
        .where(SupportService.region_id == g.region.id).distinct().order_by(User.name)))


def offers_for(appeal: Appeal) -> list:
    """Help other services of the region offer for a resolved appeal (the social hotel for a housing need)."""
    need = OFFER_NEEDS.get(appeal.type)
    record = appeal.record
    if need is None or appeal.status != AppealStatus.resolved or record is None or record.user is None:
        return []
    return help_offers(g.region, record.user, need)


template_helpers(bp, casework_appeal_counts=lambda record: rules.counts_of(record, today(g.region)),
                 casework_my_appeals=lambda record: rules.of_record(record))


# --- the journal ------------------------------------------------------------------------------------------------

def _filter_form() -> JournalFilter:
    form = JournalFilter(request.args)
    form.service.choices = [(0, "—")] + [(s.id, s.name) for s in _services()]
    form.specialist.choices = [(0, "—")] + [(u.id, u.name) for u in _staff()]
    form.validate()
    return form


def journal_query(reach, form: JournalFilter, day):
    """The journal's one query: the person's reach (the records they see) and the filters, latest first."""
    query = rules.visible(reach)
    if form.status.data == "open":
        query = query.where(Appeal.status.in_(OPEN_APPEAL))
    elif form.status.data in AppealStatus.__members__:
        query = query.where(Appeal.status == AppealStatus(form.status.data))
    if form.type.data in AppealType.__members__:
        query = query.where(Appeal.type == AppealType(form.type.data))
    if form.service.data and form.service.data in {v for v, _label in form.service.choices}:
        query = query.where(Appeal.service_id == form.service.data)
    if form.specialist.data and form.specialist.data in {v for v, _label in form.specialist.choices}:
        query = query.where(Appeal.specialist_id == form.specialist.data)
    if form.overdue.data:
        query = query.where(rules.overdue_filter(day))
    if form.record.data:
        query = query.where(Appeal.record_id == form.record.data)
    # The page's records, services and specialists come in three small queries after it: joined into the page's
    # query they would be joined for every appeal before the sort picks the 25 (a specialist's journal: 86 -> 16 ms).
    return (query.options(selectinload(Appeal.record), selectinload(Appeal.service), selectinload(Appeal.specialist))
            .order_by(Appeal.received_at.desc(), Appeal.id.desc()))


@bp.route("/appeals")
@members(*STAFF)
def appeals():
    form = _filter_form()
    day = today(g.region)
    page = paginate(journal_query(_reach(), form, day), PER_PAGE, count_cap=COUNT_CAP)
    args = {k: v for k, v in request.args.items() if k != "page" and v not in ("", "0")}
    record = None
    if form.record.data:
        found = db.session.get(GraduateRecord, form.record.data)
        record = found if found is not None and _reach().sees(found) else None
    partial = bool(htmx and htmx.target == "appeals-results")
    template = "casework/appeals/partials/results.html" if partial else "casework/appeals/index.html"
    return render_audited(template, action="casework.appeals.viewed", target=f"region:{g.region.id}",
                          names=[a.record.user_id for a in page.items if a.record.user_id],
                          details={"appeals": [a.id for a in page.items], "page": page.page},
                          form=form, page=page, args=args, day=day, record=record)


@bp.route("/appeals/overdue")
@members(*STAFF)
def overdue_appeals():
    """Overdue appeals counted per specialist and per service (each line leads to the journal's list)."""
    day = today(g.region)
    reach = _reach()
    by_specialist, by_service = rules.overdue_by(reach, day)
    people = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_([i for i, _n in by_specialist if i])))} if by_specialist else {}
    services = {s.id: s for s in db.session.scalars(select(SupportService).where(
        SupportService.id.in_([i for i, _n in by_service if i])))} if by_service else {}
    return render_audited("casework/appeals/overdue.html", action="casework.appeals.overdue_viewed",
                          target=f"region:{g.region.id}", by_specialist=by_specialist, by_service=by_service,
                          people=people, services=services, day=day)


@bp.route("/appeals/new")
@members(*STAFF)
def find_record_for_appeal():
    """A new appeal from the journal: find the graduate's record first (the appeal is logged on it)."""
    form = RecordSearch(request.args)
    form.validate()
    found = []
    query = registry.search_filter(form.q.data) if form.q.data and not form.q.errors else None
    if query is not None:
        found = list(db.session.scalars(scope.visible_records(current_user, g.region).where(query)
                                        .order_by(*registry.search_order(True)).limit(20)))
    return render_audited("casework/appeals/find_record.html", action="casework.records.viewed",
                          target=f"region:{g.region.id}", names=[r.user_id for r in found if r.user_id],
                          details={"records": [r.id for r in found]}, form=form, found=found)


# --- a new appeal on a record --------------------------------------------------------------------------------

def _new_page(record: GraduateRecord, form: AppealForm, status: int = 200):
    return render_audited("casework/appeals/new.html", action="casework.record.viewed",
                          target=f"casework_record:{record.id}", subject=record.user, status=status,
                          record=record, form=form)


@bp.route("/records/<int:record_id>/appeals/new", methods=["GET", "POST"])
@members(*STAFF)
def new_appeal(record_id: int):
    reach = _reach()
    record = region_object(GraduateRecord, record_id, allowed=lambda r: reach.sees(r))
    form = AppealForm()
    if request.method == "GET":
        form.received_on.data = today(g.region)
    elif form.validate_on_submit():
        try:
            appeal = rules.log(g.region, record, current_user, kind=form.type.data, channel=form.channel.data,
                               request=form.request.data, received_on=form.received_on.data)
        except Refusal as refusal:
            db.session.rollback()
            record = region_object(GraduateRecord, record_id, allowed=lambda r: reach.sees(r))
            refusal.show_on(form, default="request")
        else:
            db.session.commit()
            flash(_("The appeal is logged; it is due by %(day)s.", day=_day(appeal.due_on)), "success")
            return redirect_to(url_for("casework.appeal", appeal_id=appeal.id))
    return _new_page(record, form, 422 if form.errors else 200)


def _day(value):
    from portal.kit import format_day

    return format_day(value)


# --- an appeal ----------------------------------------------------------------------------------------------

def _status_form(appeal: Appeal, formdata=None) -> StatusForm:
    form = StatusForm(formdata=formdata, prefix="status") if formdata is not None else StatusForm(formdata=None,
                                                                                                    prefix="status")
    form.move.choices = [(m, str(MOVE_LABELS[m])) for m in rules.STATUS_MOVES if rules.APPEALS.can(appeal, m)]
    return form


def appeal_page(appeal: Appeal, status: int = 200, **forms):
    """The appeal with its timeline and forms, also re-rendered with a form's errors: one audited read."""
    entries = rules.timeline(appeal)
    offers = offers_for(appeal)
    return render_audited(
        "casework/appeals/appeal.html", action=READ, target=f"casework_appeal:{appeal.id}",
        subject=appeal.record.user, status=status, appeal=appeal, record=appeal.record, entries=entries,
        corrected={e.corrects_id for e in entries if e.corrects_id}, day=today(g.region),
        full=scope.sees_details(appeal.record), offers=offers,
        open=appeal.status in OPEN_APPEAL, may_take=rules.may_take(current_user, g.region, appeal),
        action_form=forms.get("action_form") or ActionForm(formdata=None, prefix="action"),
        status_form=forms.get("status_form") or _status_form(appeal),
        correction_form=forms.get("correction_form") or CorrectionForm(formdata=None),
        confirm=ConfirmForm(formdata=None))


@bp.route("/appeals/<int:appeal_id>")
@members(*STAFF)
def appeal(appeal_id: int):
    return appeal_page(_appeal(appeal_id))


def _changed(appeal_id: int, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect_to(url_for("casework.appeal", appeal_id=appeal_id))


@bp.route("/appeals/<int:appeal_id>/actions", methods=["POST"])
@members(*STAFF)
def add_appeal_action(appeal_id: int):
    found = _appeal(appeal_id)
    form = ActionForm(prefix="action")
    if form.validate_on_submit():
        try:
            rules.add_action(g.region, found, current_user, form.text.data, staff_only=form.staff_only.data)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="text")
        else:
            return _changed(appeal_id, _("The action is added."))
    return appeal_page(_appeal(appeal_id), 422, action_form=form)


@bp.route("/appeals/<int:appeal_id>/take", methods=["POST"])
@members(*STAFF)
def take_appeal(appeal_id: int):
    found = _appeal(appeal_id)
    if not ConfirmForm().validate_on_submit():
        flash(str(EXPIRED), "error")
        return redirect_to(url_for("casework.appeal", appeal_id=appeal_id))
    try:
        taken = rules.take(g.region, found, current_user)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect_to(url_for("casework.appeal", appeal_id=appeal_id))
    if not taken:
        db.session.rollback()
        flash(str(rules.TAKEN_ALREADY), "info")
        return redirect_to(url_for("casework.appeal", appeal_id=appeal_id))
    return _changed(appeal_id, _("You are working on this appeal."))


@bp.route("/appeals/<int:appeal_id>/status", methods=["POST"])
@members(*STAFF)
def appeal_status(appeal_id: int):
    found = _appeal(appeal_id)
    form = _status_form(found, request.form)
    if form.validate_on_submit():
        try:
            # The move is checked against the status the database has now (another person may have moved it).
            rules.change_status(g.region, found, form.move.data, current_user, form.text.data or "",
                                form.agency.data or "")
            rules.offered(g.region, found, offers_for(found))  # staff see in the timeline what was offered
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="move")
        else:
            return _changed(appeal_id, _("The appeal is %(status)s.", status=APPEAL_STATUS_LABELS(found.status)))
    found = _appeal(appeal_id)
    return appeal_page(found, 422, status_form=form)


@bp.route("/appeals/<int:appeal_id>/corrections", methods=["POST"])
@members(*STAFF)
def correct_appeal_entry(appeal_id: int):
    found = _appeal(appeal_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            rules.correct(g.region, found, parse_id(form.entry.data) or 0, current_user, form.text.data)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="text")
        else:
            return _changed(appeal_id, _("The correction is added; the earlier entry stays as it was."))
    return appeal_page(_appeal(appeal_id), 422, correction_form=form)


# --- the graduate's own appeals ------------------------------------------------------------------------------

def _own_record() -> GraduateRecord | None:
    return registry.record_of(current_user, g.region)


@bp.route("/mine/appeals/<int:appeal_id>")
@members("graduate")
def mine_appeal(appeal_id: int):
    """The graduate follows their appeal: its status, due date and every entry not kept for staff."""
    record = _own_record()
    found = region_object(Appeal, appeal_id, allowed=lambda a: record is not None and a.record_id == record.id)
    return render_audited("casework/appeals/mine_appeal.html", action=READ, target=f"casework_appeal:{found.id}",
                          audit_if=False, appeal=found, entries=rules.timeline(found, for_graduate=True),
                          offers=offers_for(found))


@bp.route("/mine/appeals/new", methods=["GET", "POST"])
@members("graduate")
def file_appeal():
    """The graduate files an appeal themself (it needs their record, linked to their account by the service)."""
    record = _own_record()
    if record is None:
        flash(_("No record of yours is kept here: ask the support service to link it to your account."), "info")
        return redirect_to(url_for("casework.mine"))
    form = MineAppealForm()
    if form.validate_on_submit():
        try:
            appeal = rules.log(g.region, record, current_user, kind=form.type.data, channel=None,
                               request=form.request.data, by_graduate=True)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="request")
        else:
            db.session.commit()
            flash(_("Your appeal is sent to the support service; it is due by %(day)s.", day=_day(appeal.due_on)),
                  "success")
            return redirect_to(url_for("casework.mine_appeal", appeal_id=appeal.id))
    from flask import render_template

    return render_template("casework/appeals/mine_new.html", form=form), 422 if form.errors else 200
