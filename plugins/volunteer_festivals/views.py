"""Pages of the volunteer festivals: organizers run a festival, leaders register groups, volunteers take
shifts suggested for them, the desk checks them in, jurors score, and certificates come out as PDF."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

import matching
from matching.profiles import normalise_word
from plugins.volunteer_festivals import festivals as rules
from plugins.volunteer_festivals import figures as numbers
from plugins.volunteer_festivals import jury, notices, shifts, suggestions
from plugins.volunteer_festivals.certificates import group_certificate, volunteer_certificate
from plugins.volunteer_festivals.forms import (ApproveForm, AssignForm, CheckInForm, CodeForm, DropForm,
                                               FestivalForm, GroupForm, ItemForm, MemberForm, NominationForm,
                                               PeopleForm, ProfileForm, RoleForm, ShiftForm, TakeForm, VenueForm,
                                               score_form)
from plugins.volunteer_festivals.models import (AssignmentStatus, Festival, FestivalGroup, FestivalGroupMember,
                                                FestivalOrganizer, FestivalShift, FestivalStatus, GroupStatus,
                                                ResultsStatus, ShiftAssignment, VolunteerRole)
from plugins.volunteer_festivals.shifts import PARTS, WEEKDAYS
from portal.kit import (ConfirmForm, Refusal, User, audit, csv_response, db, htmx, members, redirect_to,
                        region_object, region_year, render_audited, template_helpers, to_utc, utcnow)

bp = Blueprint("volunteer_festivals", __name__, template_folder="templates")

STAFF = rules.STAFF
PEOPLE = ("graduate", "pupil", "volunteer", "mentor", *STAFF)
MANAGERS = ("volunteer", *STAFF)  # volunteers only for the festivals they organize (checked per festival)
LEADERS = rules.LEADER_ROLES
JURORS = rules.JUROR_ROLES
EXPIRED = _l("The form has expired. Please send it again.")
VIEWED = "volunteer_festivals.people.viewed"

DAY_WORDS = {"mon": _l("on Monday"), "tue": _l("on Tuesday"), "wed": _l("on Wednesday"), "thu": _l("on Thursday"),
             "fri": _l("on Friday"), "sat": _l("on Saturday"), "sun": _l("on Sunday")}
PART_WORDS = {"morning": lazy_pgettext("volunteer_festivals", "morning"),
              "afternoon": lazy_pgettext("volunteer_festivals", "afternoon"),
              "evening": lazy_pgettext("volunteer_festivals", "evening")}
# Reasons as the volunteer reads them ("you like photography; you are free on Saturday morning")…
FOR_VOLUNTEER = {
    "likes": _l("you like %(items)s"),
    "has_skills": _l("you can do what it needs: %(items)s"),
    "free_at": _l("you are free %(times)s"),
    "old_enough": _l("you are old enough: from %(min_age)s"),
}
# …and as an organizer reads them about a volunteer.
FOR_ORGANIZER = {
    "likes": _l("likes %(items)s"),
    "has_skills": _l("can do what it needs: %(items)s"),
    "free_at": _l("free %(times)s"),
    "old_enough": _l("old enough: from %(min_age)s"),
}


def time_label(key: str) -> str:
    day, _sep, part = key.partition(":")
    return " ".join(str(w) for w in (DAY_WORDS.get(day, day), PART_WORDS.get(part, part)) if w)


def reasons_text(reasons, reader: str = "volunteer", shift: FestivalShift | None = None) -> str:
    """The reasons in plain words in the reader's language, joined: "you like photography; you are free …".

    The matcher compares words lower-cased, ё as е; with the ``shift``, its role's words are shown as typed.
    """
    templates = FOR_VOLUNTEER if reader == "volunteer" else FOR_ORGANIZER
    typed = {normalise_word(w): w for w in (shift.role.interests or []) + (shift.role.skills or [])} if shift else {}
    out = []
    for reason in reasons:
        if reason.code not in templates:
            continue
        if typed and "items" in reason.params:
            reason = matching.Reason(reason.code, {**reason.params,
                                                   "items": [typed.get(i, i) for i in reason.params["items"]]})
        out.append(reason.render(str(templates[reason.code]), time_label=time_label))
    return "; ".join(out)


def status_words(assignment: ShiftAssignment | None) -> str:
    from plugins.volunteer_festivals.models import ASSIGNMENT_LABELS

    return str(ASSIGNMENT_LABELS(assignment.status)) if assignment else ""


template_helpers(bp, reasons_text=reasons_text, time_label=time_label, status_words=status_words)


# --- loading --------------------------------------------------------------------------------

def _manages(festival: Festival) -> bool:
    return rules.can_manage(current_user, festival)


def _festival(festival_id: int, manage: bool = False) -> Festival:
    return region_object(Festival, festival_id, allowed=_manages if manage else None, refuse=403)


def _shift(shift_id: int, manage: bool = False) -> FestivalShift:
    return region_object(FestivalShift, shift_id, via="role.festival.region_id",
                         allowed=(lambda s: _manages(s.role.festival)) if manage else None, refuse=403)


def _sees_group(group: FestivalGroup) -> bool:
    """The leader, the members with accounts, and the festival's organizers."""
    return (rules.is_leader(current_user, group) or _manages(group.festival)
            or any(m.user_id == current_user.id for m in group.members))


def _group(group_id: int, allowed=None) -> FestivalGroup:
    return region_object(FestivalGroup, group_id, via="festival.region_id", allowed=allowed or _sees_group, refuse=403)


def _is(*roles) -> bool:
    return current_user.has_role(g.region, *roles)


def _back(festival_id: int, anchor: str = ""):
    return redirect(url_for("volunteer_festivals.manage", festival_id=festival_id) + anchor)


# --- everyone: festivals, programme, winners -----------------------------------------------------

@bp.route("/")
@members(*PEOPLE)
def index():
    found = rules.region_festivals(g.region)
    return render_template("volunteer_festivals/index.html", festivals=found,
                           managed=rules.managed_festival_ids(current_user, g.region))


@bp.route("/<int:festival_id>")
@members(*PEOPLE)
def festival(festival_id: int):
    found = _festival(festival_id)
    manage = _manages(found)
    accepted = rules.festival_groups(found, GroupStatus.accepted)
    results = jury.results(found) if found.results == ResultsStatus.published else []
    return render_template(
        "volunteer_festivals/festival.html", festival=found, manage=manage,
        programme=rules.programme(found) if found.programme_published or manage else [],
        groups=accepted, results=results, is_juror=rules.is_juror(current_user, found),
        can_lead=_is(*LEADERS) and found.status == FestivalStatus.open, is_volunteer=_is("volunteer"),
        counts=rules.group_counts(found) if manage else {}, form=ConfirmForm())


# --- organizers: the festival, its programme and nominations -----------------------------------

def _people_choices(roles) -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in rules.region_people(g.region, roles)]


@bp.route("/new", methods=["GET", "POST"])
@members(*STAFF)
def new_festival():
    form = FestivalForm()
    form.organizers.choices = _people_choices(rules.ORGANIZER_ROLES)
    if request.method == "GET" and _is("specialist"):
        form.organizers.data = [current_user.id]
    if form.validate_on_submit():
        try:
            created = rules.add_festival(g.region, form.title.data.strip(), form.first_day.data, form.last_day.data,
                                         (form.description.data or "").strip(), form.organizers.data)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="title")
        else:
            audit("volunteer_festivals.festival.created", target=f"festival:{created.id}", region=g.region)
            db.session.commit()
            flash(_("The festival is created; now add its venues, programme, nominations and shifts."), "success")
            return redirect(url_for("volunteer_festivals.manage", festival_id=created.id))
    return render_template("volunteer_festivals/festival_form.html", form=form, festival=None), \
        422 if request.method == "POST" else 200


@bp.route("/<int:festival_id>/edit", methods=["GET", "POST"])
@members(*MANAGERS)
def edit_festival(festival_id: int):
    found = _festival(festival_id, manage=True)
    form = FestivalForm(obj=found) if request.method == "GET" else FestivalForm()
    staff = _is(*STAFF)
    if staff:
        form.organizers.choices = _people_choices(rules.ORGANIZER_ROLES)
        if request.method == "GET":
            form.organizers.data = [o.user_id for o in found.organizers]
    else:
        del form.organizers  # specialists name the organizers; a volunteer organizer edits the rest
    if form.validate_on_submit():
        try:
            rules.update_festival(found, form.title.data.strip(), form.first_day.data, form.last_day.data,
                                  (form.description.data or "").strip())
            if staff:
                rules.set_people(found, FestivalOrganizer, form.organizers.data, rules.ORGANIZER_ROLES)
        except Refusal as refusal:
            db.session.rollback()
            found = _festival(festival_id)
            refusal.show_on(form, default="title")
        else:
            audit("volunteer_festivals.festival.changed", target=f"festival:{found.id}", region=g.region)
            db.session.commit()
            flash(_("The festival is saved."), "success")
            return redirect(url_for("volunteer_festivals.manage", festival_id=found.id))
    return render_template("volunteer_festivals/festival_form.html", form=form, festival=found), \
        422 if request.method == "POST" else 200


def _item_form(found: Festival, form: ItemForm | None = None) -> ItemForm:
    form = form or ItemForm(formdata=None)
    form.venue.choices = [(0, _("Not set"))] + [(v.id, v.name) for v in found.venues]
    return form


def _shift_form(found: Festival, form: ShiftForm | None = None) -> ShiftForm:
    form = form or ShiftForm(formdata=None)
    form.role.choices = [(r.id, r.name) for r in shifts.festival_roles(found)]
    return form


def _manage_page(found: Festival, status: int = 200, **forms):
    context = dict(venue_form=VenueForm(formdata=None), item_form=_item_form(found),
                   nomination_form=NominationForm(formdata=None), role_form=RoleForm(formdata=None),
                   shift_form=_shift_form(found), jurors_form=_jurors_form(found))
    context.update(forms)
    return render_template("volunteer_festivals/manage.html", festival=found, programme=rules.programme(found),
                           roles=shifts.festival_roles(found), counts=rules.group_counts(found),
                           confirm=ConfirmForm(), **context), status


def _jurors_form(found: Festival, form: PeopleForm | None = None) -> PeopleForm:
    form = form or PeopleForm(formdata=None)
    form.people.choices = _people_choices(rules.JUROR_ROLES)
    if form.people.data is None or not request.method == "POST":
        form.people.data = [j.user_id for j in found.jurors]
    return form


@bp.route("/<int:festival_id>/manage")
@members(*MANAGERS)
def manage(festival_id: int):
    return _manage_page(_festival(festival_id, manage=True))


@bp.route("/<int:festival_id>/registration/<move>", methods=["POST"])
@members(*MANAGERS)
def registration(festival_id: int, move: str):
    found = _festival(festival_id, manage=True)
    if move not in ("opened", "closed"):
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            rules.FESTIVAL_LIFE.apply(found, move, region=g.region)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "info")
        else:
            db.session.commit()
            flash(_("Group registration is open.") if move == "opened" else _("Group registration is closed."),
                  "success")
    else:
        flash(str(EXPIRED), "error")
    return _back(festival_id)


@bp.route("/<int:festival_id>/programme/publish", methods=["POST"])
@members(*MANAGERS)
def publish_programme(festival_id: int):
    found = _festival(festival_id, manage=True)
    if ConfirmForm().validate_on_submit():
        found.programme_published = not found.programme_published
        audit("volunteer_festivals.programme.published" if found.programme_published
              else "volunteer_festivals.programme.withdrawn", target=f"festival:{found.id}", region=g.region)
        db.session.commit()
        flash(_("The programme is published.") if found.programme_published
              else _("The programme is hidden again."), "success")
    return _back(festival_id)


@bp.route("/<int:festival_id>/venues", methods=["POST"])
@members(*MANAGERS)
def add_venue(festival_id: int):
    found = _festival(festival_id, manage=True)
    form = VenueForm()
    if not form.validate_on_submit():
        return _manage_page(found, 422, venue_form=form)
    rules.add_venue(found, form.name.data.strip(), (form.address.data or "").strip())
    audit("volunteer_festivals.festival.changed", target=f"festival:{found.id}", region=g.region)
    db.session.commit()
    flash(_("The venue is added."), "success")
    return _back(festival_id, "#venues")


@bp.route("/<int:festival_id>/programme", methods=["POST"])
@members(*MANAGERS)
def add_item(festival_id: int):
    found = _festival(festival_id, manage=True)
    form = _item_form(found, ItemForm())
    if form.validate_on_submit():
        try:
            rules.add_item(found, form.title.data.strip(), to_utc(form.starts_at.data, g.region),
                           to_utc(form.ends_at.data, g.region), form.venue.data or None,
                           (form.description.data or "").strip())
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="title")
        else:
            audit("volunteer_festivals.programme.changed", target=f"festival:{found.id}", region=g.region)
            db.session.commit()
            flash(_("The session is added to the programme."), "success")
            return _back(festival_id, "#programme")
    return _manage_page(_festival(festival_id), 422, item_form=form)


@bp.route("/<int:festival_id>/nominations", methods=["POST"])
@members(*MANAGERS)
def add_nomination(festival_id: int):
    found = _festival(festival_id, manage=True)
    form = NominationForm()
    if form.validate_on_submit():
        try:
            rules.add_nomination(found, form.name.data.strip(), rules.parse_criteria(form.criteria.data),
                                 (form.description.data or "").strip())
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="criteria")
        else:
            audit("volunteer_festivals.festival.changed", target=f"festival:{found.id}", region=g.region)
            db.session.commit()
            flash(_("The nomination is added."), "success")
            return _back(festival_id, "#nominations")
    return _manage_page(_festival(festival_id), 422, nomination_form=form)


@bp.route("/<int:festival_id>/jurors", methods=["POST"])
@members(*MANAGERS)
def set_jurors(festival_id: int):
    found = _festival(festival_id, manage=True)
    form = PeopleForm()
    form.people.choices = _people_choices(rules.JUROR_ROLES)
    if not form.validate_on_submit():
        return _manage_page(found, 422, jurors_form=form)
    rules.set_people(found, rules.FestivalJuror, form.people.data, rules.JUROR_ROLES)
    audit("volunteer_festivals.jurors.named", target=f"festival:{found.id}", region=g.region,
          details={"jurors": sorted(j.user_id for j in found.jurors)})
    db.session.commit()
    flash(_("The jury is saved."), "success")
    return _back(festival_id, "#jury")


# --- roles and shifts ---------------------------------------------------------------------------

@bp.route("/<int:festival_id>/roles", methods=["POST"])
@members(*MANAGERS)
def add_role(festival_id: int):
    found = _festival(festival_id, manage=True)
    form = RoleForm()
    if not form.validate_on_submit():
        return _manage_page(found, 422, role_form=form)
    shifts.add_role(found, form.name.data.strip(), (form.description.data or "").strip(),
                    shifts.split_words(form.interests.data), shifts.split_words(form.skills.data), form.min_age.data)
    audit("volunteer_festivals.festival.changed", target=f"festival:{found.id}", region=g.region)
    db.session.commit()
    flash(_("The role is added; now give it shifts."), "success")
    return _back(festival_id, "#roles")


@bp.route("/<int:festival_id>/shifts/new", methods=["POST"])
@members(*MANAGERS)
def add_shift(festival_id: int):
    found = _festival(festival_id, manage=True)
    form = _shift_form(found, ShiftForm())
    role = db.session.get(VolunteerRole, form.role.data) if form.role.data else None
    if form.validate_on_submit():
        if role is None or role.festival_id != found.id:
            form.role.errors = [_("Choose one of the festival's roles.")]
        else:
            try:
                created = shifts.add_shift(role, to_utc(form.starts_at.data, g.region),
                                           to_utc(form.ends_at.data, g.region), form.capacity.data,
                                           (form.place.data or "").strip(), bool(form.restricted.data))
            except Refusal as refusal:
                db.session.rollback()
                refusal.show_on(form, default="starts_at")
            else:
                audit("volunteer_festivals.shift.created", target=f"shift:{created.id}", region=g.region)
                db.session.commit()
                flash(_("The shift is added."), "success")
                return _back(festival_id, "#roles")
    return _manage_page(_festival(festival_id), 422, shift_form=form)


def _grid(found: Festival) -> list[tuple[FestivalShift, int, int]]:
    listed = shifts.festival_shifts(found)
    counts = shifts.place_counts(listed)
    return [(s, *counts[s.id]) for s in listed]


@bp.route("/<int:festival_id>/shifts")
@members("volunteer", *STAFF)
def shift_grid(festival_id: int):
    """Every shift with filled/needed; a volunteer also sees the shifts suggested for them, with the reasons."""
    found = _festival(festival_id)
    volunteer = _is("volunteer")
    mine = {a.shift_id: a for a in shifts.my_assignments(current_user, g.region)} if volunteer else {}
    suggested = suggestions.for_volunteer(current_user, found) if volunteer else []
    return render_template("volunteer_festivals/shifts.html", festival=found, grid=_grid(found), mine=mine,
                           suggested=suggested, volunteer=volunteer, manage=_manages(found),
                           has_profile=shifts.profile_of(current_user, g.region) is not None, form=TakeForm(),
                           now=utcnow())


def _shift_context(found: FestivalShift) -> dict:
    mine = shifts.assignment_of(found, current_user) if _is("volunteer") else None
    if mine is not None and mine.status == AssignmentStatus.dropped:
        mine = None
    taken, waiting = shifts.place_counts([found])[found.id]
    return dict(shift=found, mine=mine, taken=taken, waiting_count=waiting, free=max(found.capacity - taken, 0),
                position=shifts.waiting_position(mine) if mine else None, form=TakeForm(),
                volunteer=_is("volunteer"), started=found.starts_at <= utcnow())


def _take_answer(found: FestivalShift, message: str, category: str, status: int = 200):
    """The shift's box for htmx; for a full page, the message as a flash and back to the shift."""
    if htmx:
        return render_template("volunteer_festivals/partials/take.html", message=message, category=category,
                               **_shift_context(found)), status
    flash(message, category)
    return redirect(url_for("volunteer_festivals.shift", shift_id=found.id))


@bp.route("/shifts/<int:shift_id>")
@members("volunteer", *STAFF)
def shift(shift_id: int):
    """The shift; its organizers also see who is in it, check them in and find who fits (on record)."""
    found = _shift(shift_id)
    manage = _manages(found.role.festival)
    taken, waiting = shifts.shift_people(found) if manage else ([], [])
    fits = suggestions.for_shift(found) if manage and found.starts_at > utcnow() else []
    shown = taken + waiting
    return render_audited("volunteer_festivals/shift.html", action=VIEWED, target=f"shift:{found.id}",
                          names=[a.volunteer_id for a in shown], audit_if=manage, manage=manage,
                          people=taken, waiting=waiting, fits=fits, check_form=CheckInForm(), code_form=CodeForm(),
                          assign_form=AssignForm(), can_check_in=found.starts_at - shifts.CHECK_IN_OPENS <= utcnow(),
                          **_shift_context(found))


@bp.route("/shifts/<int:shift_id>/take", methods=["POST"])
@members("volunteer")
def take(shift_id: int):
    found = _shift(shift_id)
    form = TakeForm()
    if not form.validate_on_submit():
        return _take_answer(found, str(EXPIRED), "error", 422)
    try:
        assignment = shifts.take(found, current_user, g.region, wait=form.wait.data == "1")
    except Refusal as refusal:
        db.session.rollback()
        return _take_answer(_shift(shift_id), str(refusal), "error", 422)
    status = assignment.status
    audit(f"volunteer_festivals.shift.{status.value}", target=f"assignment:{assignment.id}", region=g.region,
          subject=current_user)
    db.session.commit()
    if status == AssignmentStatus.taken:
        message = _("You are in the shift. Thank you!")
    else:
        message = _("The shift is full. You are on the waiting list, number %(n)d; we will tell you when a place "
                    "frees up.", n=shifts.waiting_position(assignment))
    return _take_answer(found, message, "success")


@bp.route("/shifts/<int:shift_id>/drop", methods=["GET", "POST"])
@members("volunteer")
def drop(shift_id: int):
    """Drop a shift: a page that asks first (it works without JavaScript), then the place goes to the list."""
    found = _shift(shift_id)
    assignment = shifts.assignment_of(found, current_user)
    if assignment is None or assignment.status == AssignmentStatus.dropped:
        flash(_("You are not in this shift."), "info")
        return redirect(url_for("volunteer_festivals.shift", shift_id=found.id))
    form = DropForm()
    if form.validate_on_submit():
        try:
            promoted = shifts.drop(assignment, g.region)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
            return redirect_to(url_for("volunteer_festivals.shift", shift_id=shift_id))
        audit("volunteer_festivals.shift.dropped", target=f"assignment:{assignment.id}", region=g.region,
              subject=current_user)
        _promoted(promoted)
        db.session.commit()
        flash(_("You have dropped the shift."), "success")
        return redirect_to(url_for("volunteer_festivals.shift_grid", festival_id=found.role.festival_id))
    template = "volunteer_festivals/partials/drop.html" if htmx else "volunteer_festivals/drop.html"
    return render_template(template, shift=found, assignment=assignment, form=form), \
        422 if request.method == "POST" else 200


def _promoted(promoted: list[ShiftAssignment]) -> None:
    for assignment in promoted:
        notices.moved_in(assignment, link=url_for("volunteer_festivals.shift", shift_id=assignment.shift_id))


@bp.route("/shifts/<int:shift_id>/assign", methods=["POST"])
@members(*MANAGERS)
def assign(shift_id: int):
    """An organizer puts a volunteer in a shift (restricted shifts are filled only so)."""
    found = _shift(shift_id, manage=True)
    form = AssignForm()
    volunteer = db.session.get(User, form.volunteer_id()) if form.validate_on_submit() and form.volunteer_id() \
        else None
    if volunteer is None or not volunteer.has_role(g.region, "volunteer"):
        flash(_("Choose a volunteer of the region."), "error")
        return redirect(request.referrer or url_for("volunteer_festivals.shift", shift_id=shift_id))
    try:
        assignment = shifts.take(found, volunteer, g.region, by=current_user)
    except Refusal as refusal:
        db.session.rollback()
        flash(_("%(name)s: %(reason)s", name=volunteer.name, reason=str(refusal)), "error")
    else:
        audit("volunteer_festivals.shift.assigned", target=f"assignment:{assignment.id}", region=g.region,
              subject=volunteer)
        notices.assigned(assignment, link=url_for("volunteer_festivals.shift", shift_id=found.id))
        db.session.commit()
        flash(_("%(name)s is in the shift now.", name=volunteer.name), "success")
    back = request.form.get("back")
    if back == "plan":
        return redirect(url_for("volunteer_festivals.plan", festival_id=found.role.festival_id))
    return redirect(url_for("volunteer_festivals.shift", shift_id=shift_id))


@bp.route("/<int:festival_id>/plan")
@members(*MANAGERS)
def plan(festival_id: int):
    """The best whole-festival assignment of the free places, for the organizers to apply pair by pair."""
    found = _festival(festival_id, manage=True)
    proposed = suggestions.festival_plan(found)
    return render_audited("volunteer_festivals/plan.html", action=VIEWED, target=f"festival:{found.id}",
                          names=[user.id for user, _s, _m in proposed], festival=found, proposed=proposed,
                          assign_form=AssignForm())


# --- volunteers: profile, my shifts and hours, certificates -----------------------------------------------

@bp.route("/profile", methods=["GET", "POST"])
@members("volunteer")
def profile():
    found = shifts.profile_of(current_user, g.region)
    form = ProfileForm()
    form.free.choices = [(key, time_label(key)) for key in shifts.all_time_keys()]
    if request.method == "GET" and found is not None:
        form.interests.data = ", ".join(found.interests or [])
        form.skills.data = ", ".join(found.skills or [])
        form.birth_date.data, form.free.data = found.birth_date, list(found.free or [])
    if form.validate_on_submit():
        shifts.save_profile(current_user, g.region, shifts.split_words(form.interests.data),
                            shifts.split_words(form.skills.data), form.birth_date.data, form.free.data or [])
        audit("volunteer_festivals.profile.saved", target=f"user:{current_user.id}", region=g.region,
              subject=current_user)
        db.session.commit()
        flash(_("Your profile is saved; the suggested shifts follow it."), "success")
        return redirect(url_for("volunteer_festivals.mine"))
    return render_template("volunteer_festivals/profile.html", form=form, weekdays=WEEKDAYS, parts=PARTS), \
        422 if request.method == "POST" else 200


@bp.route("/my")
@members("volunteer", "graduate", "pupil", *STAFF)
def mine():
    volunteer = _is("volunteer")
    assignments = [a for a in shifts.my_assignments(current_user, g.region)
                   if a.status != AssignmentStatus.dropped] if volunteer else []
    return render_template("volunteer_festivals/mine.html", assignments=assignments,
                           hours=shifts.hours_of(current_user, g.region) if volunteer else [],
                           groups=rules.my_groups(current_user, g.region), volunteer=volunteer, now=utcnow(),
                           positions={a.id: shifts.waiting_position(a) for a in assignments
                                      if a.status == AssignmentStatus.waiting})


def _pdf(data: bytes, filename: str):
    from flask import Response

    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


@bp.route("/<int:festival_id>/certificate.pdf")
@members("volunteer")
def my_certificate(festival_id: int):
    found = _festival(festival_id)
    hours = shifts.approved_hours(current_user, found)
    if hours <= 0:
        flash(_("A certificate comes once the organizers approve your hours at this festival."), "info")
        return redirect(url_for("volunteer_festivals.mine"))
    audit("volunteer_festivals.certificate.made", target=f"festival:{found.id}", region=g.region,
          subject=current_user)
    db.session.commit()
    return _pdf(volunteer_certificate(current_user.name, found, hours, g.region.name),
                f"certificate-{found.id}-{current_user.id}.pdf")


# --- groups -----------------------------------------------------------------------------------------

def _group_form(found: Festival, form: GroupForm | None = None) -> GroupForm:
    form = form or GroupForm()
    form.institution.choices = [(0, _("Another organisation (type its name)"))] + [
        (i.id, i.name) for i in rules.region_institutions(g.region)]
    form.nomination.choices = [(n.id, n.name) for n in found.nominations]
    return form


@bp.route("/<int:festival_id>/groups/new", methods=["GET", "POST"])
@members(*LEADERS)
def new_group(festival_id: int):
    found = _festival(festival_id)
    if found.status != FestivalStatus.open:
        flash(_("Group registration is not open."), "info")
        return redirect(url_for("volunteer_festivals.festival", festival_id=found.id))
    form = _group_form(found)
    if form.validate_on_submit():
        try:
            created = rules.register_group(found, current_user, form.name.data.strip(),
                                           form.project_title.data.strip(), form.nomination.data,
                                           form.institution.data or None, (form.organisation.data or "").strip(),
                                           (form.project_description.data or "").strip())
        except Refusal as refusal:
            db.session.rollback()
            found = _festival(festival_id)
            refusal.show_on(form, default="name")
        else:
            audit("volunteer_festivals.group.registered", target=f"group:{created.id}", region=g.region)
            notices.group_registered(created, url_for("volunteer_festivals.groups", festival_id=found.id))
            db.session.commit()
            flash(_("The group is registered; the organizers will accept it. Now add its members."), "success")
            return redirect(url_for("volunteer_festivals.group", group_id=created.id))
    return render_template("volunteer_festivals/group_form.html", form=form, festival=found, group=None), \
        422 if request.method == "POST" else 200


@bp.route("/groups/<int:group_id>")
@members(*PEOPLE)
def group(group_id: int):
    """The group and its members: names of pupils and graduates, so the look is on record."""
    found = _group(group_id)
    return render_audited("volunteer_festivals/group.html", action=VIEWED, target=f"group:{found.id}",
                          names=[m.user_id for m in found.members if m.user_id], group=found,
                          lead=rules.is_leader(current_user, found), manage=_manages(found.festival),
                          member_form=MemberForm(formdata=None), confirm=ConfirmForm(), place=jury.place_of(found))


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@members(*LEADERS)
def edit_group(group_id: int):
    found = _group(group_id, allowed=lambda row: rules.is_leader(current_user, row) or _manages(row.festival))
    form = _group_form(found.festival, GroupForm(obj=found) if request.method == "GET" else GroupForm())
    if request.method == "GET":
        form.institution.data, form.nomination.data = found.institution_id or 0, found.nomination_id
    if form.validate_on_submit():
        try:
            rules.update_group(found, form.name.data.strip(), form.project_title.data.strip(), form.nomination.data,
                               form.institution.data or None, (form.organisation.data or "").strip(),
                               (form.project_description.data or "").strip())
        except Refusal as refusal:
            db.session.rollback()
            found = _group(group_id)
            refusal.show_on(form, default="name")
        else:
            audit("volunteer_festivals.group.changed", target=f"group:{found.id}", region=g.region)
            db.session.commit()
            flash(_("The group is saved."), "success")
            return redirect(url_for("volunteer_festivals.group", group_id=found.id))
    return render_template("volunteer_festivals/group_form.html", form=form, festival=found.festival, group=found), \
        422 if request.method == "POST" else 200


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
@members(*LEADERS)
def add_member(group_id: int):
    found = _group(group_id, allowed=lambda row: rules.is_leader(current_user, row) or _manages(row.festival))
    form = MemberForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip()
        person = User.by_email(email) if email else None
        if email and (person is None or not person.active_roles(g.region)):
            form.email.errors = [_("Nobody of this region has an account with this e-mail; add the name only.")]
        else:
            try:
                member = rules.add_member(found, (form.name.data or "").strip(), person, minor=person is None)
            except Refusal as refusal:
                db.session.rollback()
                found = _group(group_id)
                refusal.show_on(form, default="email")
            else:
                audit("volunteer_festivals.group.member_added", target=f"group:{found.id}", region=g.region,
                      subject=person, details={"member": member.id})
                db.session.commit()
                flash(_("The member is added."), "success")
                return redirect(url_for("volunteer_festivals.group", group_id=found.id))
    return render_audited("volunteer_festivals/group.html", action=VIEWED, target=f"group:{found.id}",
                          names=[m.user_id for m in found.members if m.user_id], status=422, group=found,
                          lead=True, manage=_manages(found.festival), member_form=form, confirm=ConfirmForm(),
                          place=jury.place_of(found))


@bp.route("/groups/<int:group_id>/members/<int:member_id>/remove", methods=["POST"])
@members(*LEADERS)
def remove_member(group_id: int, member_id: int):
    found = _group(group_id, allowed=lambda row: rules.is_leader(current_user, row) or _manages(row.festival))
    member = region_object(FestivalGroupMember, member_id, via="group.festival.region_id",
                           allowed=lambda row: row.group_id == found.id)
    if ConfirmForm().validate_on_submit():
        try:
            rules.remove_member(found, member)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            audit("volunteer_festivals.group.member_removed", target=f"group:{found.id}", region=g.region,
                  details={"member": member_id})
            db.session.commit()
            flash(_("The member is removed."), "success")
    return redirect(url_for("volunteer_festivals.group", group_id=found.id))


@bp.route("/<int:festival_id>/groups")
@members(*MANAGERS)
def groups(festival_id: int):
    found = _festival(festival_id, manage=True)
    listed = rules.festival_groups(found)
    return render_audited("volunteer_festivals/groups.html", action=VIEWED, target=f"festival:{found.id}",
                          names=[g_.leader_id for g_ in listed if g_.leader_id], festival=found, groups=listed,
                          confirm=ConfirmForm())


@bp.route("/groups/<int:group_id>/<move>", methods=["POST"])
@members(*MANAGERS)
def decide_group(group_id: int, move: str):
    found = _group(group_id, allowed=lambda row: _manages(row.festival))
    if move not in ("accepted", "declined"):
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            rules.GROUP_LIFE.apply(found, move, region=g.region)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "info")
        else:
            notices.group_decided(found, url_for("volunteer_festivals.group", group_id=found.id))
            db.session.commit()
            flash(_("«%(group)s» is accepted.", group=found.name) if move == "accepted"
                  else _("«%(group)s» is declined.", group=found.name), "success")
    return redirect(url_for("volunteer_festivals.groups", festival_id=found.festival_id))


@bp.route("/groups/<int:group_id>/certificate.pdf")
@members(*PEOPLE)
def group_certificate_pdf(group_id: int):
    found = _group(group_id)
    if found.status != GroupStatus.accepted or not (
            found.festival.results == ResultsStatus.published or shifts.festival_over(found.festival, g.region)):
        flash(_("The group's certificate comes once the festival is over or its results are published."), "info")
        return redirect(url_for("volunteer_festivals.group", group_id=found.id))
    audit("volunteer_festivals.certificate.made", target=f"group:{found.id}", region=g.region)
    db.session.commit()
    return _pdf(group_certificate(found, jury.place_of(found), g.region.name), f"group-{found.id}.pdf")


# --- at the festival: check-in and hours ---------------------------------------------------------------

def _person_line(found: FestivalShift, assignment: ShiftAssignment, error: str | None = None, status: int = 200,
                 audited: bool = True):
    return render_audited("volunteer_festivals/partials/person.html", action=VIEWED, target=f"shift:{found.id}",
                          names=[assignment.volunteer_id], status=status, audit_if=audited, assignment=assignment,
                          shift=found, check_form=CheckInForm(), error=error, can_check_in=True, manage=True)


@bp.route("/shifts/<int:shift_id>/check-in/<int:assignment_id>", methods=["POST"])
@members(*MANAGERS)
def check_in(shift_id: int, assignment_id: int):
    """One tap per volunteer (htmx swaps the line; without JS the page comes back)."""
    found = _shift(shift_id, manage=True)
    assignment = region_object(ShiftAssignment, assignment_id, via="shift.role.festival.region_id",
                               allowed=lambda row: row.shift_id == found.id)
    form = CheckInForm()
    error = None
    if not form.validate_on_submit():
        error = str(EXPIRED)
    else:
        try:
            shifts.check_in(assignment, form.came.data == "1")
        except Refusal as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            audit("volunteer_festivals.check_in.marked", target=f"assignment:{assignment.id}", region=g.region,
                  subject=assignment.volunteer, details={"came": assignment.checked_in_at is not None})
            db.session.commit()
    if htmx:
        return _person_line(found, assignment, error=error, status=422 if error else 200, audited=error is not None)
    flash(error or _("Saved: %(name)s.", name=assignment.volunteer.name), "error" if error else "success")
    return redirect(url_for("volunteer_festivals.shift", shift_id=found.id) + f"#assignment-{assignment.id}")


@bp.route("/shifts/<int:shift_id>/code", methods=["POST"])
@members(*MANAGERS)
def check_in_code(shift_id: int):
    found = _shift(shift_id, manage=True)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            assignment = shifts.check_in_by_code(found, form.code.data)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            audit("volunteer_festivals.check_in.marked", target=f"assignment:{assignment.id}", region=g.region,
                  subject=assignment.volunteer, details={"came": True, "by_code": True})
            db.session.commit()
            flash(_("%(name)s is checked in.", name=assignment.volunteer.name), "success")
    else:
        flash(" ".join(str(e) for e in form.code.errors) or str(EXPIRED), "error")
    return redirect(url_for("volunteer_festivals.shift", shift_id=found.id))


@bp.route("/<int:festival_id>/hours", methods=["GET", "POST"])
@members(*MANAGERS)
def hours(festival_id: int):
    """Hours of service from the shifts attended, approved in bulk."""
    found = _festival(festival_id, manage=True)
    waiting = shifts.to_approve(found)
    form = ApproveForm()
    form.assignments.choices = [(a.id, a.volunteer.name) for a in waiting]
    if request.method == "GET":
        form.assignments.data = [a.id for a in waiting]
    if form.validate_on_submit():
        approved = shifts.approve_hours(found, form.assignments.data or [])
        for assignment in approved:
            audit("volunteer_festivals.hours.approved", target=f"assignment:{assignment.id}", region=g.region,
                  subject=assignment.volunteer, details={"hours": assignment.shift.hours})
        db.session.commit()
        flash(_("Hours approved: %(count)d shifts.", count=len(approved)), "success")
        return redirect(url_for("volunteer_festivals.hours", festival_id=found.id))
    return render_audited("volunteer_festivals/hours.html", action=VIEWED, target=f"festival:{found.id}",
                          names=[a.volunteer_id for a in waiting], status=422 if request.method == "POST" else 200,
                          festival=found, waiting=waiting, form=form)


# --- jury and results -------------------------------------------------------------------------------------

@bp.route("/<int:festival_id>/jury")
@members(*JURORS)
def jury_page(festival_id: int):
    found = _festival(festival_id)
    if not rules.is_juror(current_user, found):
        abort(403)
    return _jury_page(found)


def _jury_page(found: Festival, status: int = 200, failed: tuple[int, object] | None = None):
    given = jury.scores_of(found, current_user)
    forms = {}
    for group_ in rules.festival_groups(found, GroupStatus.accepted):
        if failed is not None and failed[0] == group_.id:
            forms[group_.id] = failed[1]
            continue
        form = score_form(group_.nomination.criteria)(formdata=None)
        for criterion in group_.nomination.criteria:
            getattr(form, f"c{criterion.id}").data = given.get((group_.id, criterion.id))
        forms[group_.id] = form
    listed = rules.festival_groups(found, GroupStatus.accepted)
    return render_template("volunteer_festivals/jury.html", festival=found, groups=listed, forms=forms,
                           given=given), status


@bp.route("/groups/<int:group_id>/score", methods=["POST"])
@members(*JURORS)
def score(group_id: int):
    found = _group(group_id, allowed=lambda row: rules.is_juror(current_user, row.festival))
    form = score_form(found.nomination.criteria)()
    if form.validate_on_submit():
        try:
            jury.score(found, current_user, {c.id: getattr(form, f"c{c.id}").data for c in found.nomination.criteria})
        except Refusal as refusal:
            db.session.rollback()
            found = _group(group_id, allowed=lambda row: True)
            refusal.show_on(form, default="submit")
        else:
            audit("volunteer_festivals.group.scored", target=f"group:{found.id}", region=g.region)
            db.session.commit()
            flash(_("Scores for «%(group)s» are saved.", group=found.name), "success")
            return redirect(url_for("volunteer_festivals.jury_page", festival_id=found.festival_id)
                            + f"#group-{found.id}")
    return _jury_page(found.festival, 422, failed=(found.id, form))


@bp.route("/<int:festival_id>/results", methods=["GET", "POST"])
@members(*MANAGERS)
def results(festival_id: int):
    found = _festival(festival_id, manage=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            jury.publish(found)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            notices.results_published(found, url_for("volunteer_festivals.festival", festival_id=found.id))
            db.session.commit()
            flash(_("The results are published; the winners are on the festival's page."), "success")
        return redirect(url_for("volunteer_festivals.results", festival_id=found.id))
    return render_template("volunteer_festivals/results.html", festival=found, results=jury.results(found),
                           form=form, published=found.results == ResultsStatus.published)


# --- figures ------------------------------------------------------------------------------------------------

def _years() -> tuple[int, int]:
    this = region_year(g.region, utcnow())
    last = request.args.get("to", type=int) or this
    first = request.args.get("from", type=int) or last - 2
    last = min(max(last, rules.EARLIEST_YEAR), rules.LATEST_YEAR)
    first = min(max(first, rules.EARLIEST_YEAR), last)
    return max(first, last - 20), last


@bp.route("/figures")
@members(*STAFF)
def figures():
    first, last = _years()
    rows = numbers.figures(g.region, first, last)
    peak = max([r["hours"] for r in rows] + [1])
    return render_template("volunteer_festivals/figures.html", rows=rows, first=first, last=last, peak=peak)


@bp.route("/figures.csv")
@members(*STAFF)
def figures_csv():
    first, last = _years()
    rows = numbers.figures(g.region, first, last)
    return csv_response(f"volunteer-festivals-{first}-{last}.csv",
                        [_("Year"), _("Institution or organisation"), _("Groups"), _("Group members"),
                         _("Volunteers"), _("Hours of service")],
                        ([r["year"], r["behind"] or _("Individual volunteers"), r["groups"], r["members"],
                          r["volunteers"], r["hours"]] for r in rows))

