"""Pages of the training apartments: specialists run the institution's apartments, pupils and stays."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from plugins.training_apartments import programme, rules
from plugins.training_apartments.forms import (AccountForm, ApartmentForm, BudgetForm, NameForm, NewAreaForm,
                                               NewLevelForm, NewSkillForm, PracticeForm, PupilForm, RatingForm,
                                               ScheduleForm, SettingsForm, StayForm, _id)
from plugins.training_apartments.models import (STAY_LABELS, Apartment, Area, BudgetKind, Level, Pupil, Skill,
                                                Stay, StayStatus)
from portal.kit import (SUPPORT_AREAS, ConfirmForm, Form, Institution, Refusal, Role, User, audit, csv_response,
                        db, htmx, members, notify, redirect_to, refuse_duplicates, region_object, region_year,
                        render_audited, reservations, template_helpers, today)

bp = Blueprint("training_apartments", __name__, template_folder="templates")
template_helpers(bp, area_name=programme.area_name, skill_name=programme.skill_name,
                 level_name=programme.level_name, support_area_name=lambda code: str(SUPPORT_AREAS.get(code, code)))

STAFF = ("specialist", "coordinator")
EXPIRED = _l("The form has expired. Please send it again.")
PUPIL_READ = "training_apartments.pupil.viewed"
STAY_READ = "training_apartments.stay.viewed"


def _runs(institution: Institution) -> bool:
    return rules.runs(current_user, institution)


def _institution(institution_id: int) -> Institution:
    """The region's institution, for those who run it (others: 404, as if it were not there)."""
    return region_object(Institution, institution_id, allowed=_runs)


def _apartment(apartment_id: int) -> Apartment:
    return region_object(Apartment, apartment_id, via="institution.region_id",
                         allowed=lambda found: _runs(found.institution))


def _pupil(pupil_id: int) -> Pupil:
    return region_object(Pupil, pupil_id, via="institution.region_id",
                         allowed=lambda found: _runs(found.institution))


def _stay(stay_id: int) -> Stay:
    return region_object(Stay, stay_id, via="apartment.institution.region_id",
                         allowed=lambda found: _runs(found.apartment.institution))


def _is_staff() -> bool:
    return current_user.has_role(g.region, *STAFF)


def _choices_of_levels():
    return [(lv.id, programme.level_name(lv)) for lv in programme.levels(g.region)]


def _choices_of_skills():
    return [(s.id, f"{programme.area_name(a)}: {programme.skill_name(s)}")
            for a in programme.areas(g.region) for s in a.skills if s.active]


# --- the start page ------------------------------------------------------------------------------

@bp.route("/")
@members(*STAFF, "pupil")
def index():
    if not _is_staff():
        return redirect(url_for("training_apartments.mine"))
    institutions = rules.visible_institutions(current_user, g.region)
    apartments = rules.apartments_of(institutions)
    day = today(g.region)
    return render_template("training_apartments/index.html", institutions=institutions,
                           apartments={i.id: [a for a in apartments if a.institution_id == i.id] for i in institutions},
                           under_way=rules.count_under_way(institutions, day),
                           is_pupil=current_user.has_role(g.region, Role.pupil))


# --- apartments ----------------------------------------------------------------------------------

def _apartment_fields(form: ApartmentForm) -> dict:
    return dict(name=form.name.data.strip(), places=form.places.data, address=(form.address.data or "").strip(),
                house_rules=(form.house_rules.data or "").strip(), equipment=(form.equipment.data or "").strip())


@bp.route("/institutions/<int:institution_id>/apartments/new", methods=["GET", "POST"])
@members(*STAFF)
def new_apartment(institution_id: int):
    institution = _institution(institution_id)
    form = ApartmentForm()
    if request.method == "GET":
        form.places.data = 2
    if form.validate_on_submit():
        try:
            found = rules.add_apartment(institution, **_apartment_fields(form))
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="name")
        else:
            audit("training_apartments.apartment.created", target=f"apartment:{found.id}", region=g.region)
            db.session.commit()
            flash(_("The apartment is added; now plan its stays."), "success")
            return redirect(url_for("training_apartments.apartment", apartment_id=found.id))
    return render_template("training_apartments/apartment_form.html", form=form, institution=institution,
                           apartment=None), 422 if form.errors else 200


def _window(form: ScheduleForm) -> tuple[date, int, str]:
    span = "month" if form.span.data == "month" else "week"
    start = form.start.data if form.validate() and form.start.data else today(g.region)
    return start, 31 if span == "month" else 7, span


def _schedule(apartment: Apartment) -> dict:
    form = ScheduleForm(request.args)
    start, days, span = _window(form)
    form.span.data = span
    units = rules.places_by_unit(apartment)
    first = start.toordinal()
    grid = reservations.occupancy([u.id for u in units], first, first + days)
    stays = {s.claim_id: s for s in db.session.scalars(
        select(Stay).where(Stay.claim_id.in_(set(grid.values()))).options(selectinload(Stay.pupil)))} if grid else {}
    return dict(units=units, grid=grid, stays=stays, start=start, days=days, span=span, timedelta=timedelta,
                nights=[start + timedelta(days=i) for i in range(days)], schedule_form=form)


def _apartment_page(apartment: Apartment, form: ApartmentForm, status: int = 200):
    schedule = _schedule(apartment)
    coming = rules.apartment_stays(apartment, today(g.region))
    shown = {s.pupil_id for s in coming} | {s.pupil_id for s in schedule["stays"].values()}
    template = "training_apartments/partials/schedule.html" if htmx and htmx.target == "schedule" \
        else "training_apartments/apartment.html"
    return render_audited(template, action="training_apartments.schedule.viewed", target=f"apartment:{apartment.id}",
                          details={"pupils": sorted(shown), "from": schedule["start"].isoformat(),
                                   "days": schedule["days"]},
                          status=status, apartment=apartment, form=form, coming=coming, **schedule)


@bp.route("/apartments/<int:apartment_id>", methods=["GET", "POST"])
@members(*STAFF)
def apartment(apartment_id: int):
    found = _apartment(apartment_id)
    form = ApartmentForm(obj=found) if request.method == "GET" else ApartmentForm()
    if request.method == "POST" and form.validate():
        try:
            rules.update_apartment(found, **_apartment_fields(form))
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="name")
            return _apartment_page(_apartment(apartment_id), form, 422)
        audit("training_apartments.apartment.changed", target=f"apartment:{found.id}", region=g.region,
              details={"places": found.places})
        db.session.commit()
        flash(_("The apartment is saved."), "success")
        return redirect(url_for("training_apartments.apartment", apartment_id=found.id))
    return _apartment_page(found, form, 422 if form.errors else 200)


# --- pupils --------------------------------------------------------------------------------------

@bp.route("/institutions/<int:institution_id>/pupils", methods=["GET", "POST"])
@members(*STAFF)
def pupils(institution_id: int):
    institution = _institution(institution_id)
    form = PupilForm()
    if form.validate_on_submit():
        found = rules.add_pupil(institution, form.name.data.strip(), form.birth_date.data,
                                (form.group_name.data or "").strip())
        audit("training_apartments.pupil.added", target=f"pupil:{found.id}", region=g.region)
        db.session.commit()
        flash(_("%(name)s is added.", name=found.name), "success")
        return redirect(url_for("training_apartments.pupil", pupil_id=found.id))
    rows = rules.pupils_of(institution)
    return render_audited("training_apartments/pupils.html", action="training_apartments.pupils.viewed",
                          target=f"institution:{institution.id}", details={"pupils": [p.id for p in rows]},
                          names=[p.user_id for p in rows if p.user_id], status=422 if form.errors else 200,
                          institution=institution, pupils=rows, form=form, today=today(g.region))


def _pupil_page(found: Pupil, form: PupilForm | None = None, account_form: AccountForm | None = None,
                status: int = 200):
    stays = rules.stays_of(found)
    closed = [s for s in stays if s.status == StayStatus.closed]
    return render_audited(
        "training_apartments/pupil.html", action=PUPIL_READ, target=f"pupil:{found.id}", subject=found.user,
        details={"pupils": [found.id]}, status=status, pupil=found, stays=stays,
        summaries=[(s, rules.summary_of(s)) for s in closed], areas=programme.areas(g.region),
        latest=rules.latest_levels(found), ratings=rules.self_ratings(found), today=today(g.region),
        form=form or PupilForm(formdata=None, obj=found), account_form=account_form or AccountForm(formdata=None))


@bp.route("/pupils/<int:pupil_id>", methods=["GET", "POST"])
@members(*STAFF)
def pupil(pupil_id: int):
    found = _pupil(pupil_id)
    if request.method == "GET":
        return _pupil_page(found)
    form = PupilForm()
    if not form.validate_on_submit():
        return _pupil_page(found, form=form, status=422)
    found.name, found.birth_date = form.name.data.strip(), form.birth_date.data
    found.group_name = (form.group_name.data or "").strip()
    audit("training_apartments.pupil.changed", target=f"pupil:{found.id}", region=g.region, subject=found.user)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("training_apartments.pupil", pupil_id=found.id))


@bp.route("/pupils/<int:pupil_id>/account", methods=["POST"])
@members(*STAFF)
def link_account(pupil_id: int):
    """Link the record to an account that exists already, and give it the role pupil here."""
    found = _pupil(pupil_id)
    form = AccountForm()
    if not form.validate_on_submit():
        return _pupil_page(found, account_form=form, status=422)
    user = User.by_email(form.email.data)
    if user is None or user.is_disabled:
        form.email.errors = [_("There is no account with this e-mail on the portal.")]
        return _pupil_page(found, account_form=form, status=422)
    try:
        rules.link_account(found, user, by=current_user._get_current_object())
    except Refusal as refusal:
        db.session.rollback()
        refusal.show_on(form)
        return _pupil_page(_pupil(pupil_id), account_form=form, status=422)
    audit("training_apartments.pupil.linked", target=f"pupil:{found.id}", region=g.region, subject=user)
    notify(user, _l("You can now see your training apartment stays at %(institution)s on the portal."),
           link=url_for("training_apartments.mine"), institution=found.institution.name)
    db.session.commit()
    flash(_("The account of %(name)s is linked; they can sign in and see their stays.", name=user.name), "success")
    return redirect(url_for("training_apartments.pupil", pupil_id=found.id))


# --- stays ---------------------------------------------------------------------------------------

@bp.route("/apartments/<int:apartment_id>/stays/new", methods=["GET", "POST"])
@members(*STAFF)
def new_stay(apartment_id: int):
    found = _apartment(apartment_id)
    form = StayForm()
    candidates = rules.pupils_of(found.institution)
    form.pupils.choices = [(p.id, f"{p.name} ({p.group_name})" if p.group_name else p.name) for p in candidates]
    if request.method == "GET":
        form.arrival.data = today(g.region)
        form.departure.data = today(g.region) + timedelta(days=7)
    if form.validate_on_submit():
        by_id = {p.id: p for p in candidates}
        chosen = [by_id[i] for i in dict.fromkeys(form.pupils.data) if i in by_id]
        try:
            if len(chosen) != len(set(form.pupils.data)):
                raise Refusal(_("Only the institution's own pupils can stay in its apartment."), "pupils")
            made = rules.plan_stays(found, chosen, form.arrival.data, form.departure.data,
                                    by=current_user._get_current_object())
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="pupils")
        else:
            for stay in made:
                audit("training_apartments.stay.planned", target=f"stay:{stay.id}", region=g.region,
                      subject=stay.pupil.user, details={"pupil": stay.pupil_id})
                if stay.pupil.user is not None:
                    notify(stay.pupil.user, _l("A stay in the training apartment %(apartment)s is planned for you "
                                               "from %(start)s."), link=url_for("training_apartments.mine"),
                           apartment=found.name, start=stay.arrival)
            db.session.commit()
            flash(_("The stay is planned."), "success")
            return redirect(url_for("training_apartments.stay", stay_id=made[0].id) if len(made) == 1
                            else url_for("training_apartments.apartment", apartment_id=found.id))
    found = _apartment(apartment_id)
    return render_audited("training_apartments/stay_form.html", action="training_apartments.pupils.viewed",
                          target=f"apartment:{found.id}", details={"pupils": [p.id for p in candidates]},
                          status=422 if form.errors else 200, form=form, apartment=found,
                          limit=rules.settings_for(g.region))


def _practice_form(stay: Stay, formdata=True) -> PracticeForm:
    form = PracticeForm() if formdata else PracticeForm(formdata=None)
    form.skill.choices, form.level.choices = _choices_of_skills(), _choices_of_levels()
    if not formdata:
        day = today(g.region)
        form.day.data = min(max(day, stay.arrival), stay.departure - timedelta(days=1))
    return form


def _budget_form(stay: Stay, formdata=True) -> BudgetForm:
    form = BudgetForm() if formdata else BudgetForm(formdata=None)
    if not formdata:
        form.day.data = min(max(today(g.region), stay.arrival), stay.departure - timedelta(days=1))
    return form


def _stay_context(stay: Stay, practice_form=None, budget_form=None, message=None, error=None) -> dict:
    return dict(stay=stay, practice=rules.practice_of(stay), budget=rules.budget_of(stay),
                practice_form=practice_form or _practice_form(stay, formdata=False),
                budget_form=budget_form or _budget_form(stay, formdata=False), summary=rules.summary_of(stay),
                under_way=rules.under_way(stay), started=rules.started(stay), confirm_form=ConfirmForm(),
                open=stay.status == StayStatus.planned, message=message, error=error)


def _stay_page(stay: Stay, status: int = 200, template: str = "training_apartments/stay.html", **forms):
    return render_audited(template, action=STAY_READ, target=f"stay:{stay.id}", subject=stay.pupil.user,
                          details={"pupils": [stay.pupil_id]}, status=status, **_stay_context(stay, **forms))


@bp.route("/stays/<int:stay_id>")
@members(*STAFF)
def stay(stay_id: int):
    return _stay_page(_stay(stay_id))


def _record(stay_id: int, kind: str):
    """Practice or a budget line: the list's partial for htmx, the stay page otherwise; refused input stays."""
    found = _stay(stay_id)
    make = _practice_form if kind == "practice" else _budget_form
    form = make(found)
    partial = f"training_apartments/partials/{kind}.html"
    key = f"{kind}_form"
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            form.csrf_token.errors = [str(EXPIRED)]
        return _stay_page(found, 422, partial if htmx else "training_apartments/stay.html", **{key: form})
    try:
        if kind == "practice":
            made = rules.record_practice(found, form.day.data, form.skill.data, form.level.data,
                                         (form.note.data or "").strip(), by=current_user._get_current_object())
        else:
            made = rules.record_budget(found, form.day.data, BudgetKind(form.kind.data), form.amount.data,
                                       (form.what.data or "").strip())
    except Refusal as refusal:
        db.session.rollback()
        found = _stay(stay_id)
        if refusal.field is None:  # about the stay, not a field: said above the list
            return _stay_page(found, 422, partial if htmx else "training_apartments/stay.html", error=str(refusal),
                              **{key: form})
        refusal.show_on(form)
        return _stay_page(found, 422, partial if htmx else "training_apartments/stay.html", **{key: form})
    audit(f"training_apartments.{kind}.recorded", target=f"stay:{found.id}", region=g.region,
          subject=found.pupil.user, details={"record": made.id})
    db.session.commit()
    message = _("Recorded.")
    if htmx:
        return _stay_page(found, 200, partial, message=message)
    flash(message, "success")
    return redirect(url_for("training_apartments.stay", stay_id=found.id) + f"#{kind}")


@bp.route("/stays/<int:stay_id>/practice", methods=["POST"])
@members(*STAFF)
def practice(stay_id: int):
    return _record(stay_id, "practice")


@bp.route("/stays/<int:stay_id>/budget", methods=["POST"])
@members(*STAFF)
def budget(stay_id: int):
    return _record(stay_id, "budget")


@bp.route("/stays/<int:stay_id>/cancel", methods=["POST"])
@members(*STAFF)
def cancel(stay_id: int):
    found = _stay(stay_id)
    if not ConfirmForm().validate_on_submit():
        flash(str(EXPIRED), "error")
        return redirect_to(url_for("training_apartments.stay", stay_id=found.id))
    try:
        rules.cancel(found)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(_("The stay is cancelled; its place is free."), "success")
    return redirect_to(url_for("training_apartments.stay", stay_id=stay_id))


def _summary_form(areas: list[Area], scale: list[Level]):
    """A form with the start and end level, strengths and next steps of every area of the programme."""
    choices = [(lv.id, programme.level_name(lv)) for lv in scale]

    class SummaryForm(Form):
        pass

    for area in areas:  # the area's name is the legend of its fieldset
        setattr(SummaryForm, f"start_{area.id}", SelectField(_l("At the start"), coerce=_id, choices=choices,
                                                             validate_choice=False))
        setattr(SummaryForm, f"end_{area.id}", SelectField(_l("At the end"), coerce=_id, choices=choices,
                                                           validate_choice=False))
        setattr(SummaryForm, f"strengths_{area.id}", TextAreaField(_l("Strengths"),
                                                                   validators=[Optional(), Length(max=2000)]))
        setattr(SummaryForm, f"next_{area.id}", TextAreaField(_l("What to practise next"),
                                                              validators=[Optional(), Length(max=2000)]))
    return SummaryForm


@bp.route("/stays/<int:stay_id>/close", methods=["GET", "POST"])
@members(*STAFF)
def close(stay_id: int):
    found = _stay(stay_id)
    if found.status != StayStatus.planned:
        flash(_("The stay is %(status)s already.", status=STAY_LABELS(found.status)), "info")
        return redirect(url_for("training_apartments.stay", stay_id=found.id))
    areas, scale = programme.areas(g.region), programme.levels(g.region)
    form_class = _summary_form(areas, scale)
    form = form_class()
    if request.method == "GET":
        suggested = rules.suggested_summary(found)
        lowest = scale[0].id if scale else 0
        for area in areas:
            start, end = suggested.get(area.id, (lowest, lowest))
            form[f"start_{area.id}"].data, form[f"end_{area.id}"].data = start, end
    elif form.validate_on_submit():
        lines = {area.id: {"start": form[f"start_{area.id}"].data, "end": form[f"end_{area.id}"].data,
                           "strengths": (form[f"strengths_{area.id}"].data or "").strip(),
                           "next_steps": (form[f"next_{area.id}"].data or "").strip()} for area in areas}
        try:
            rules.close(found, lines, by=current_user._get_current_object())
        except Refusal as refusal:
            db.session.rollback()
            found = _stay(stay_id)
            bad = next((f"{side}_{area.id}" for area in areas for side in ("start", "end")
                        if not _in_scale(form[f"{side}_{area.id}"].data, scale)), None)
            if bad:
                form[bad].errors = [str(refusal)]
            else:
                flash(str(refusal), "error")
        else:
            if found.pupil.user is not None:
                notify(found.pupil.user, _l("Your stay in %(apartment)s is over; your readiness summary is ready."),
                       link=url_for("training_apartments.mine"), apartment=found.apartment.name)
            db.session.commit()
            flash(_("The stay is closed and its summary signed off."), "success")
            return redirect(url_for("training_apartments.stay", stay_id=found.id))
    status = 422 if request.method == "POST" else 200
    return render_audited("training_apartments/close.html", action=STAY_READ, target=f"stay:{found.id}",
                          subject=found.pupil.user, details={"pupils": [found.pupil_id]}, status=status,
                          stay=found, form=form, areas=areas, suggested=rules.suggested_summary(found))


def _in_scale(level_id, scale) -> bool:
    return level_id in {lv.id for lv in scale}


# --- the pupil's own page --------------------------------------------------------------------------

def _my_context(message=None, errors=None) -> dict:
    mine = [p for p in rules.my_pupils(current_user, g.region) if rules.is_own(current_user, p)]
    records = []
    for found in mine:
        stays = rules.stays_of(found)
        records.append({"pupil": found, "stays": stays,
                        "summaries": [(s, rules.summary_of(s)) for s in stays if s.status == StayStatus.closed],
                        "practice": {s.id: rules.practice_of(s)[:10] for s in stays
                                     if s.status == StayStatus.planned and rules.started(s)},
                        "latest": rules.latest_levels(found), "ratings": rules.self_ratings(found)})
    return dict(records=records, areas=programme.areas(g.region), scale=programme.levels(g.region),
                message=message, errors=errors or {})


@bp.route("/my")
@members("pupil", "graduate")
def mine():
    return render_template("training_apartments/mine.html", **_my_context())


@bp.route("/my/<int:pupil_id>/ratings", methods=["POST"])
@members("pupil", "graduate")
def rate(pupil_id: int):
    found = region_object(Pupil, pupil_id, via="institution.region_id",
                          allowed=lambda row: rules.is_own(current_user, row))
    form = RatingForm()
    form.skill.choices, form.level.choices = _choices_of_skills(), _choices_of_levels()
    error = None
    if not form.validate_on_submit():
        error = str(EXPIRED) if form.csrf_token.errors else " ".join(e for errs in form.errors.values() for e in errs)
    else:
        try:
            rules.rate_self(found, form.skill.data, form.level.data)
        except Refusal as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            audit("training_apartments.rating.saved", target=f"pupil:{found.id}", region=g.region,
                  subject=current_user, details={"skill": form.skill.data})
            db.session.commit()
    if htmx:
        skill = db.session.get(Skill, form.skill.data) if form.skill.data else None
        if skill is None or skill.area.region_id != g.region.id:
            return render_template("training_apartments/partials/message.html", message=error or ""), 422
        return render_template("training_apartments/partials/rating.html", pupil=found, skill=skill,
                               latest=rules.latest_levels(found), ratings=rules.self_ratings(found),
                               scale=programme.levels(g.region), error=error,
                               saved=error is None), 422 if error else 200
    if error:
        flash(error, "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("training_apartments.mine"))


# --- the programme ---------------------------------------------------------------------------------

@bp.route("/programme")
@members(*STAFF)
def programme_page():
    return _programme()


def _programme(status: int = 200, **forms):
    return render_template("training_apartments/programme.html", areas=programme.areas(g.region),
                           scale=programme.levels(g.region), name_form=NameForm(formdata=None),
                           area_form=forms.get("area_form") or _area_form(formdata=False),
                           skill_form=NewSkillForm(formdata=None), level_form=forms.get("level_form") or
                           NewLevelForm(formdata=None), error_area=forms.get("error_area"),
                           skill_error=forms.get("skill_error"), confirm_form=ConfirmForm(),
                           editable=current_user.has_role(g.region, Role.coordinator)), status


def _area_form(formdata=True) -> NewAreaForm:
    form = NewAreaForm() if formdata else NewAreaForm(formdata=None)
    form.support_area.choices = [(code, str(label)) for code, label in SUPPORT_AREAS.items()]
    return form


def _changed(what: str, target: str):
    audit("training_apartments.programme.changed", target=target, region=g.region, details={"change": what})
    db.session.commit()
    flash(_("The programme is saved."), "success")
    return redirect(url_for("training_apartments.programme_page"))


@bp.route("/programme/default", methods=["POST"])
@members("coordinator")
def programme_default():
    if ConfirmForm().validate_on_submit():
        programme.ensure_programme(g.region)
        return _changed("default", f"region:{g.region.code}")
    abort(400)


@bp.route("/programme/areas", methods=["POST"])
@members("coordinator")
def add_area():
    form = _area_form()
    if not form.validate_on_submit():
        return _programme(422, area_form=form)
    try:
        area = programme.add_area(g.region, form.name.data.strip(), form.support_area.data)
    except Refusal as refusal:
        db.session.rollback()
        refusal.show_on(form)
        return _programme(422, area_form=form)
    return _changed("area added", f"area:{area.id}")


@bp.route("/programme/areas/<int:area_id>/skills", methods=["POST"])
@members("coordinator")
def add_skill(area_id: int):
    area = region_object(Area, area_id)
    form = NewSkillForm()
    if not form.validate_on_submit():
        return _programme(422, error_area=area.id,
                              skill_error=" ".join(e for errs in form.errors.values() for e in errs))
    skill = programme.add_skill(area, form.name.data.strip())
    return _changed("skill added", f"skill:{skill.id}")


@bp.route("/programme/levels", methods=["POST"])
@members("coordinator")
def add_level():
    form = NewLevelForm()
    if not form.validate_on_submit():
        return _programme(422, level_form=form)
    try:
        with refuse_duplicates(_l("A level was just added by someone else; reload the page."), "name"):
            level = programme.add_level(g.region, form.name.data.strip())
    except Refusal as refusal:
        db.session.rollback()
        refusal.show_on(form)
        return _programme(422, level_form=form)
    return _changed("level added", f"level:{level.id}")


RENAMED = {"area": (Area, "region_id"), "skill": (Skill, "area.region_id"), "level": (Level, "region_id")}


@bp.route("/programme/<kind>/<int:item_id>/name", methods=["POST"])
@members("coordinator")
def rename(kind: str, item_id: int):
    if kind not in RENAMED:
        abort(404)
    model, via = RENAMED[kind]
    item = region_object(model, item_id, via=via)
    form = NameForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errs in form.errors.values() for e in errs) or str(EXPIRED), "error")
        return redirect_to(url_for("training_apartments.programme_page"))
    item.name = (form.name.data or "").strip()
    return _changed(f"{kind} renamed", f"{kind}:{item.id}")


@bp.route("/programme/skills/<int:skill_id>/toggle", methods=["POST"])
@members("coordinator")
def toggle_skill(skill_id: int):
    skill = region_object(Skill, skill_id, via="area.region_id")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    skill.active = not skill.active
    return _changed("skill retired" if not skill.active else "skill back", f"skill:{skill.id}")


# --- settings and monitoring ---------------------------------------------------------------------

@bp.route("/settings", methods=["GET", "POST"])
@members("coordinator")
def settings():
    form = SettingsForm(obj=rules.settings_for(g.region))
    if form.validate_on_submit():
        try:
            saved = rules.save_settings(g.region, form.min_age.data, form.max_age.data, form.max_nights.data)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form)
        else:
            audit("training_apartments.settings.changed", target="settings", region=g.region,
                  details={"min_age": saved.min_age, "max_age": saved.max_age, "max_nights": saved.max_nights})
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("training_apartments.settings"))
    return render_template("training_apartments/settings.html", form=form), 422 if form.errors else 200


def _figures():
    year = request.args.get("year", type=int) or region_year(g.region)
    year = min(max(year, 2000), 2100)
    return year, rules.monitoring(g.region, year, rules.visible_institutions(current_user, g.region))


@bp.route("/monitoring")
@members(*STAFF)
def monitoring():
    year, figures = _figures()
    top = max([lv.rank for lv in programme.levels(g.region)] + [1])
    return render_template("training_apartments/monitoring.html", year=year, figures=figures, top=top,
                           scale=programme.levels(g.region))


@bp.route("/monitoring.csv")
@members(*STAFF)
def monitoring_csv():
    year, figures = _figures()
    header = [_("Institution"), _("Pupils trained"), _("Area"), _("At the first stay"), _("At the last stay"),
              _("Change")]
    rows = ([f["institution"].name, f["trained"], programme.area_name(row["area"]),
             "" if row["first"] is None else row["first"], "" if row["last"] is None else row["last"],
             "" if row["change"] is None else row["change"]] for f in figures for row in f["rows"])
    return csv_response(f"training-apartments-{year}.csv", header, rows)
