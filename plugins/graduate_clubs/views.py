"""Pages of the graduate clubs: graduates find clubs and events and register; organizers run them."""
from __future__ import annotations

import csv
import io
import secrets
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs import ics, notices
from plugins.graduate_clubs.forms import (AttendanceForm, CancelEventForm, ClubForm, EventForm, FilterForm,
                                          RegisterForm)
from plugins.graduate_clubs.models import Club, Event, Registration, RegistrationStatus
from portal.web import access
from portal.services import audit
from portal.app.extensions import db, htmx
from portal.web.forms import ConfirmForm
from portal.web.layout import ROLE_LABELS
from portal.models._time import utcnow

bp = Blueprint("graduate_clubs", __name__, template_folder="templates")

STAFF = rules.STAFF
EVERYONE = ("graduate", "volunteer", *STAFF)
MANAGERS = ("volunteer", *STAFF)  # volunteers only for the clubs they co-organize (checked in the view)
STATUS_LABELS = {
    RegistrationStatus.registered: _l("registered"),
    RegistrationStatus.waiting: _l("on the waiting list"),
    RegistrationStatus.cancelled: _l("cancelled"),
}
EXPIRED = _l("The form has expired. Please send it again.")


@bp.app_template_global("registration_status")
def registration_status(status) -> str:
    return STATUS_LABELS.get(status, status)


def _club(club_id: int) -> Club:
    club = db.session.get(Club, club_id)
    if club is None or club.region_id != g.region.id:
        abort(404)
    return club


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or event.club.region_id != g.region.id:
        abort(404)
    return event


def _managed(club: Club) -> Club:
    if not rules.can_manage(current_user, club):
        access.deny()
    return club


def _tz() -> str:
    return g.region.timezone


def _municipalities():
    return [(0, _("All municipalities"))] + [(m.id, m.name) for m in g.region.municipalities]


def _event_url(found: Event, external: bool = False) -> str:
    return url_for("graduate_clubs.event", event_id=found.id, _external=external)


def _promoted(promoted: list[Registration]) -> None:
    """Tell each graduate moved in from the waiting list, and keep a trace."""
    for registration in promoted:
        notices.moved_in(registration, link=_event_url(registration.event))


# --- everyone: clubs and events -------------------------------------------

@bp.route("/")
@access.members(*EVERYONE)
def index():
    form = FilterForm(request.args)
    form.municipality.choices = _municipalities()
    form.validate()  # what does not fit is left out of the filter, with the field's message
    if form.municipality.errors:
        form.municipality.data = 0
    municipality_id = form.municipality.data or None
    since = rules.to_utc(datetime.combine(form.since.data, datetime.min.time()), _tz()) \
        if form.since.data and not form.since.errors else None
    now = utcnow()
    events = rules.upcoming_events(g.region, now, municipality_id=municipality_id, since=since)
    context = dict(form=form, events=events, seats=rules.seat_counts(events),
                   clubs=rules.region_clubs(g.region, municipality_id),
                   managed=rules.managed_club_ids(current_user, g.region))
    partial = bool(htmx and htmx.target == "listing")
    template = "graduate_clubs/partials/listing.html" if partial else "graduate_clubs/index.html"
    return render_template(template, partial=partial, **context)


@bp.route("/clubs/<int:club_id>")
@access.members(*EVERYONE)
def club(club_id: int):
    found = _club(club_id)
    now = utcnow()
    upcoming = rules.upcoming_events(g.region, now, club=found)
    past = rules.past_events(found, now)
    return render_template(
        "graduate_clubs/club.html", club=found, upcoming=upcoming, past=past,
        seats=rules.seat_counts(upcoming + past), can_manage=rules.can_manage(current_user, found),
        is_member=rules.is_member(current_user, found), form=ConfirmForm(),
        feed_url=url_for("graduate_clubs.club_feed", club_id=found.id, token=found.feed_token, _external=True))


@bp.route("/clubs/<int:club_id>/join", methods=["POST"])
@access.members("graduate")
def join(club_id: int):
    found = _club(club_id)
    if ConfirmForm().validate_on_submit():
        if rules.join(found, current_user):
            audit.record("graduate_clubs.club.joined", target=f"club:{found.id}", region=g.region,
                         subject=current_user)
            flash(_("You are a member of the club now."), "success")
        else:
            flash(_("You are already a member of this club."), "info")
        db.session.commit()
    return redirect(url_for("graduate_clubs.club", club_id=found.id))


@bp.route("/clubs/<int:club_id>/leave", methods=["POST"])
@access.members("graduate")
def leave(club_id: int):
    found = _club(club_id)
    if ConfirmForm().validate_on_submit():
        if rules.leave(found, current_user):
            audit.record("graduate_clubs.club.left", target=f"club:{found.id}", region=g.region,
                         subject=current_user)
            flash(_("You have left the club."), "success")
        db.session.commit()
    return redirect(url_for("graduate_clubs.club", club_id=found.id))


@bp.route("/events/<int:event_id>")
@access.members(*EVERYONE)
def event(event_id: int):
    found = _event(event_id)
    manage = rules.can_manage(current_user, found.club)
    registered = waiting = None
    if manage:
        registered, waiting = rules.event_registrations(found)
    page = _event_page(found, manage=manage, registered=registered, waiting=waiting)
    if manage:  # written after rendering, as the social hotel does: a commit before would expire what is shown
        audit.record("graduate_clubs.attendees.viewed", target=f"event:{found.id}", region=g.region,
                     details={"registrations": sorted(r.id for r in registered + waiting)})
        db.session.commit()
    return page


def _registration_context(found: Event) -> dict:
    mine = rules.registration_of(found, current_user) if current_user.has_role(g.region, "graduate") else None
    held, waiting = rules.seat_counts([found])[found.id]
    now = utcnow()
    return dict(event=found, mine=mine, held=held, waiting_count=waiting, free=max(found.capacity - held, 0),
                position=rules.waiting_position(mine) if mine else None, form=RegisterForm(),
                cancel_form=ConfirmForm(), is_graduate=current_user.has_role(g.region, "graduate"),
                open=not found.cancelled and found.starts_at > now and found.registration_deadline >= now,
                started=found.starts_at <= now)


def _event_page(found: Event, status: int = 200, manage: bool = False, registered=None, waiting=None):
    return render_template("graduate_clubs/event.html", manage=manage, registered=registered or [],
                           waiting=waiting or [], attendance_form=AttendanceForm(),
                           **_registration_context(found)), status


def _registration_answer(found: Event, message: str, category: str, status: int = 200):
    """The registration box for htmx; for a full page, the message as a flash and back to the event."""
    if htmx:
        return render_template("graduate_clubs/partials/registration.html", message=message, category=category,
                               **_registration_context(found)), status
    flash(message, category)
    return redirect(url_for("graduate_clubs.event", event_id=found.id))


@bp.route("/events/<int:event_id>/register", methods=["POST"])
@access.members("graduate")
def register(event_id: int):
    found = _event(event_id)
    form = RegisterForm()
    if not form.validate_on_submit():
        return _registration_answer(found, str(EXPIRED), "error", 422)
    try:
        registration = rules.register(found, current_user, wait=form.wait.data == "1")
    except rules.ClubRefused as refusal:
        db.session.rollback()
        return _registration_answer(_event(event_id), str(refusal), "error", 422)
    status = registration.status
    audit.record(f"graduate_clubs.registration.{status.value}", target=f"registration:{registration.id}",
                 region=g.region, subject=current_user)
    db.session.commit()
    if status == RegistrationStatus.registered:
        message = _("You are registered. See you there!")
    else:
        message = _("The event is full. You are on the waiting list, number %(n)d; we will tell you when a "
                    "place frees up.", n=rules.waiting_position(registration))
    return _registration_answer(found, message, "success")


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@access.members("graduate")
def cancel(event_id: int):
    found = _event(event_id)
    registration = rules.registration_of(found, current_user)
    if registration is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return _registration_answer(found, str(EXPIRED), "error", 422)
    try:
        promoted = rules.cancel(registration)
    except rules.ClubRefused as refusal:
        db.session.rollback()
        return _registration_answer(_event(event_id), str(refusal), "error", 422)
    audit.record("graduate_clubs.registration.cancelled", target=f"registration:{registration.id}",
                 region=g.region, subject=current_user)
    _promoted(promoted)
    db.session.commit()
    return _registration_answer(found, _("Your registration is cancelled."), "success")


@bp.errorhandler(CSRFError)
def expired_form(error):
    """An expired form, which the core's CSRF check refuses before any view runs.

    htmx swaps only 2xx and 422 answers (base.html), so a 400 in the registration box or an
    attendee's line would show nothing: those get 422 with the message where the button was.
    A full page that sent only a button goes back to the event with the message; anything else
    (a form with typed text) gets the error page with the message. Nothing of the event is shown
    to someone the view itself would turn away.
    """
    policy = getattr(current_app.view_functions.get(request.endpoint), "access_policy", None)
    found = None
    if policy is not None and policy.permits(current_user, g.get("region")):
        found = db.session.get(Event, (request.view_args or {}).get("event_id") or 0)
        found = found if found is not None and found.club.region_id == g.region.id else None
    if found is not None and request.endpoint in ("graduate_clubs.register", "graduate_clubs.cancel"):
        return _registration_answer(found, str(EXPIRED), "error", 422)
    if found is not None and request.endpoint == "graduate_clubs.attendance" and htmx:
        registration = db.session.get(Registration, request.view_args["registration_id"])
        if registration is not None and registration.event_id == found.id \
                and rules.can_manage(current_user, found.club):
            return render_template("graduate_clubs/partials/attendee.html", registration=registration,
                                   event=found, attendance_form=AttendanceForm(), error=str(EXPIRED),
                                   started=True), 422
    if htmx:
        return render_template("graduate_clubs/partials/message.html", message=str(EXPIRED)), 422
    return render_template("errors/error.html", status=400, title=_("The form has expired"),
                           text=EXPIRED), 400


def _calendar(events: list[Event], name: str, filename: str) -> Response:
    body = ics.calendar(events, name, lambda found: _event_url(found, external=True), utcnow())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/events/<int:event_id>/calendar.ics")
@access.members(*EVERYONE)
def event_calendar(event_id: int):
    found = _event(event_id)
    return _calendar([found], found.club.name, f"event-{found.id}.ics")


@bp.route("/clubs/<int:club_id>/calendar/<token>.ics")
@access.public
def club_feed(club_id: int, token: str):
    """The club's events for calendar apps, which fetch it without signing in: the secret is in the URL."""
    found = _club(club_id)
    if not secrets.compare_digest(token.encode(), found.feed_token.encode()):
        abort(404)
    return _calendar(rules.club_events(found), found.name, f"club-{found.id}.ics")


# --- graduates: my clubs and events ----------------------------------------

@bp.route("/my")
@access.members("graduate")
def mine():
    now = utcnow()
    registrations = rules.my_registrations(current_user, g.region)
    coming = [r for r in registrations  # an event called off stays in the list, marked, until its day
              if r.event.ends_at > now and (r.status != RegistrationStatus.cancelled or r.called_off)]
    attended = [r for r in registrations if r.attended]
    attended_clubs = rules.attended_club_ids(current_user, g.region)
    clubs = rules.my_clubs(current_user, g.region)
    for registration in attended:  # the clubs they came to count as theirs too
        if registration.event.club not in clubs:
            clubs.append(registration.event.club)
    return render_template("graduate_clubs/mine.html", coming=list(reversed(coming)), attended=attended,
                           clubs=clubs, attended_clubs=attended_clubs,
                           positions={r.id: rules.waiting_position(r) for r in coming
                                      if r.status == RegistrationStatus.waiting})


# --- organizers --------------------------------------------------------------

def _club_form(form: ClubForm, club: Club | None = None) -> ClubForm:
    form.municipality.choices = [(0, _("Not set"))] + [(m.id, m.name) for m in g.region.municipalities]
    form.organizers.choices = [(u.id, f"{u.name} ({_organizer_roles(u)})")
                               for u in rules.possible_organizers(g.region)]
    return form


def _organizer_roles(user) -> str:
    held = user.active_roles(g.region) & {"specialist", "volunteer"}
    return ", ".join(str(ROLE_LABELS.get(role, role)) for role in sorted(held))


@bp.route("/clubs/new", methods=["GET", "POST"])
@access.members(*STAFF)
def new_club():
    form = _club_form(ClubForm())
    if request.method == "GET" and current_user.has_role(g.region, "specialist"):
        form.organizers.data = [current_user.id]
    if form.validate_on_submit():
        found = rules.add_club(g.region, form.name.data.strip(), (form.host.data or "").strip(),
                               form.municipality.data or None, (form.description.data or "").strip(),
                               form.organizers.data)
        audit.record("graduate_clubs.club.created", target=f"club:{found.id}", region=g.region)
        db.session.commit()
        flash(_("The club is created; now add its events."), "success")
        return redirect(url_for("graduate_clubs.club", club_id=found.id))
    return render_template("graduate_clubs/club_form.html", form=form, club=None), 422 if form.errors else 200


@bp.route("/clubs/<int:club_id>/edit", methods=["GET", "POST"])
@access.members(*MANAGERS)
def edit_club(club_id: int):
    found = _managed(_club(club_id))
    form = _club_form(ClubForm(obj=found) if request.method == "GET" else ClubForm(), found)
    staff = current_user.has_role(g.region, *STAFF)
    if not staff:
        del form.organizers  # specialists name the co-organizers; a volunteer edits the rest
    if request.method == "GET":
        form.municipality.data = found.municipality_id or 0
        if staff:
            form.organizers.data = [o.user_id for o in found.organizers]
    if form.validate_on_submit():
        found.name, found.host = form.name.data.strip(), (form.host.data or "").strip()
        found.municipality_id = form.municipality.data or None
        found.description = (form.description.data or "").strip()
        if staff:
            rules.set_organizers(found, list(form.organizers.data))
        audit.record("graduate_clubs.club.changed", target=f"club:{found.id}", region=g.region)
        db.session.commit()
        flash(_("The club is saved."), "success")
        return redirect(url_for("graduate_clubs.club", club_id=found.id))
    return render_template("graduate_clubs/club_form.html", form=form, club=found), 422 if form.errors else 200


def _event_times(form: EventForm) -> tuple[datetime, datetime, datetime | None]:
    tz = _tz()
    deadline = form.registration_deadline.data
    return (rules.to_utc(form.starts_at.data, tz), rules.to_utc(form.ends_at.data, tz),
            rules.to_utc(deadline, tz) if deadline else None)


def _event_fields(form: EventForm) -> dict:
    return dict(title=form.title.data.strip(), description=(form.description.data or "").strip(),
                place=(form.place.data or "").strip(), online_link=(form.online_link.data or "").strip(),
                volunteers_wanted=bool(form.volunteers_wanted.data))


def _refused(form: EventForm, refusal: rules.ClubRefused) -> None:
    """The rules' reason, next to the field it is about."""
    field = form[refusal.field] if refusal.field in form else form.title
    field.errors = [*field.errors, str(refusal)]


@bp.route("/clubs/<int:club_id>/events/new", methods=["GET", "POST"])
@access.members(*MANAGERS)
def new_event(club_id: int):
    found = _managed(_club(club_id))
    form = EventForm()
    if request.method == "GET":
        form.capacity.data = 20
    if form.validate_on_submit():
        starts_at, ends_at, deadline = _event_times(form)
        try:
            created = rules.add_event(found, starts_at=starts_at, ends_at=ends_at, capacity=form.capacity.data,
                                      registration_deadline=deadline, **_event_fields(form))
        except rules.ClubRefused as refusal:
            db.session.rollback()
            _refused(form, refusal)
        else:
            audit.record("graduate_clubs.event.created", target=f"event:{created.id}", region=g.region)
            db.session.commit()
            flash(_("The event is added."), "success")
            return redirect(url_for("graduate_clubs.event", event_id=created.id))
    return render_template("graduate_clubs/event_form.html", form=form, club=found, event=None), \
        422 if form.errors or request.method == "POST" else 200


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@access.members(*MANAGERS)
def edit_event(event_id: int):
    found = _event(event_id)
    _managed(found.club)
    if found.cancelled:
        flash(_("The event is cancelled; it can no longer be changed."), "info")
        return redirect(_event_url(found))
    form = EventForm(obj=found) if request.method == "GET" else EventForm()
    if request.method == "GET":
        form.starts_at.data = rules.to_local(found.starts_at, _tz())
        form.ends_at.data = rules.to_local(found.ends_at, _tz())
        form.registration_deadline.data = rules.to_local(found.registration_deadline, _tz())
    if form.validate_on_submit():
        starts_at, ends_at, deadline = _event_times(form)
        try:
            promoted, moved = rules.update_event(
                found, starts_at=starts_at, ends_at=ends_at, capacity=form.capacity.data,
                registration_deadline=deadline, **_event_fields(form))
        except rules.ClubRefused as refusal:
            db.session.rollback()
            found = _event(event_id)
            _refused(form, refusal)
        else:
            audit.record("graduate_clubs.event.changed", target=f"event:{found.id}", region=g.region)
            _promoted(promoted)
            if moved:  # those just moved in were told the new time already
                registered, waiting = rules.event_registrations(found)
                notices.event_changed([r for r in registered + waiting if r not in promoted], _event_url(found))
            db.session.commit()
            flash(_("The event is saved."), "success")
            return redirect(url_for("graduate_clubs.event", event_id=found.id))
    return render_template("graduate_clubs/event_form.html", form=form, club=found.club, event=found), \
        422 if form.errors or request.method == "POST" else 200


@bp.route("/events/<int:event_id>/cancel-event", methods=["GET", "POST"])
@access.members(*MANAGERS)
def cancel_event(event_id: int):
    """Call the event off: it stays, marked, and everyone registered or waiting is told."""
    found = _event(event_id)
    _managed(found.club)
    try:
        rules.check_cancellable(found)
    except rules.ClubRefused as refusal:
        flash(str(refusal), "info")
        return redirect(_event_url(found))
    form = CancelEventForm()
    if form.validate_on_submit():
        try:
            told = rules.cancel_event(found)
        except rules.ClubRefused as refusal:  # called off or started meanwhile
            db.session.rollback()
            flash(str(refusal), "info")
            return redirect(_event_url(_event(event_id)))
        audit.record("graduate_clubs.event.cancelled", target=f"event:{found.id}", region=g.region,
                     details={"registrations": sorted(r.id for r in told)})
        notices.event_cancelled(told, _event_url(found), (form.reason.data or "").strip())
        db.session.commit()
        flash(_("The event is cancelled; the people who registered are told."), "success")
        return redirect(_event_url(found))
    held, waiting = rules.seat_counts([found])[found.id]
    return render_template("graduate_clubs/cancel_event.html", form=form, event=found, held=held,
                           waiting=waiting), 422 if form.errors else 200


@bp.route("/events/<int:event_id>/attendance/<int:registration_id>", methods=["POST"])
@access.members(*MANAGERS)
def attendance(event_id: int, registration_id: int):
    found = _event(event_id)
    _managed(found.club)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != found.id:
        abort(404)
    form = AttendanceForm()
    error = None
    if not form.validate_on_submit():
        error = _("The form has expired. Please send it again.")
    else:
        try:
            rules.mark_attendance(registration, form.attended.data == "1")
        except rules.ClubRefused as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            audit.record("graduate_clubs.attendance.marked", target=f"registration:{registration.id}",
                         region=g.region, subject=registration.graduate,
                         details={"attended": registration.attended})
            db.session.commit()
    if htmx:
        return render_template("graduate_clubs/partials/attendee.html", registration=registration, event=found,
                               attendance_form=AttendanceForm(), error=error, started=True), 422 if error else 200
    if error:
        flash(error, "error")
    else:
        flash(_("Saved: %(name)s %(what)s.", name=registration.graduate.name,
                what=_("came") if registration.attended else _("did not come")), "success")
    return redirect(url_for("graduate_clubs.event", event_id=found.id) + f"#registration-{registration.id}")


# --- coordinator: figures ----------------------------------------------------

def _figures():
    year = request.args.get("year", type=int) or rules.region_year(g.region, utcnow())
    year = min(max(year, rules.EARLIEST_YEAR), rules.LATEST_YEAR)
    return year, rules.attendance_figures(g.region, year)


@bp.route("/stats")
@access.members("coordinator")
def stats():
    year, figures = _figures()
    peak = max([row["attended"] for _club, rows in figures for row in rows] + [1])
    return render_template("graduate_clubs/stats.html", year=year, figures=figures, peak=peak)


@bp.route("/stats.csv")
@access.members("coordinator")
def stats_csv():
    year, figures = _figures()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Club"), _("Month"), _("Events"), _("Registered"), _("Attended")])
    for found, rows in figures:
        for row in rows:
            writer.writerow([found.name, row["month"].strftime("%Y-%m"), row["events"], row["registered"],
                             row["attended"]])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=graduate-clubs-{year}.csv"})

