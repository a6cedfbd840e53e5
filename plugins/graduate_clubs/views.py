"""Pages of the graduate clubs: graduates find clubs and events and register; organizers run them."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound

from plugins.graduate_clubs import clubs as rules
from plugins.graduate_clubs import help as helping
from plugins.graduate_clubs import ics, notices
from plugins.graduate_clubs.forms import (AttendanceForm, CancelEventForm, ClubForm, DecisionForm, EventForm,
                                          FilterForm, HelpOfferForm, RegisterForm)
from plugins.graduate_clubs.models import Club, Event, HelpOffer, Registration, RegistrationStatus
from portal.kit import (ConfirmForm, Refusal, audit, calendar_response, csv_response, db, htmx, members, public,
                        region_object, region_year, render_audited, role_label, to_local, to_utc, utcnow)

bp = Blueprint("graduate_clubs", __name__, template_folder="templates")

STAFF = rules.STAFF
EVERYONE = ("graduate", "volunteer", *STAFF)
MANAGERS = ("volunteer", *STAFF)  # volunteers only for the clubs they co-organize (checked per club)
EXPIRED = _l("The form has expired. Please send it again.")
VIEWED = "graduate_clubs.attendees.viewed"


def _runs(club: Club) -> bool:
    return rules.can_manage(current_user, club)


def _club(club_id: int, manage: bool = False) -> Club:
    """The region's club; with ``manage``, only for those who run it (403, on record, for others)."""
    return region_object(Club, club_id, allowed=_runs if manage else None, refuse=403)


def _event(event_id: int, manage: bool = False) -> Event:
    """The region's event; with ``manage``, only for those who run its club (403, on record, for others)."""
    return region_object(Event, event_id, via="club.region_id",
                         allowed=(lambda found: _runs(found.club)) if manage else None, refuse=403)


def _municipalities():
    return [(0, _("All municipalities"))] + [(m.id, m.name) for m in g.region.municipalities]


def _event_url(found: Event, external: bool = False) -> str:
    return url_for("graduate_clubs.event", event_id=found.id, _external=external)


def _promoted(promoted: list[Registration]) -> None:
    """Tell each graduate moved in from the waiting list, and keep a trace."""
    for registration in promoted:
        notices.moved_in(registration, link=_event_url(registration.event))


# --- everyone: clubs and events -------------------------------------------

#: The listing shows the next events up to this many; a later date in the filter shows the ones after.
LISTED_EVENTS = 30


@bp.route("/")
@members(*EVERYONE)
def index():
    form = FilterForm(request.args)
    form.municipality.choices = _municipalities()
    form.validate()  # what does not fit is left out of the filter, with the field's message
    if form.municipality.errors:
        form.municipality.data = 0
    municipality_id = form.municipality.data or None
    since = to_utc(datetime.combine(form.since.data, datetime.min.time()), g.region) \
        if form.since.data and not form.since.errors else None
    now = utcnow()
    events = rules.upcoming_events(g.region, now, municipality_id=municipality_id, since=since, limit=LISTED_EVENTS)
    context = dict(form=form, events=events, seats=rules.seat_counts(events), listed_events=LISTED_EVENTS,
                   clubs=rules.region_clubs(g.region, municipality_id, organizers=False),
                   managed=rules.managed_club_ids(current_user, g.region))
    partial = bool(htmx and htmx.target == "listing")
    template = "graduate_clubs/partials/listing.html" if partial else "graduate_clubs/index.html"
    return render_template(template, partial=partial, **context)


@bp.route("/clubs/<int:club_id>")
@members(*EVERYONE)
def club(club_id: int):
    found = _club(club_id)
    now = utcnow()
    upcoming = rules.upcoming_events(g.region, now, club=found)
    past = rules.past_events(found, now)
    return render_template(
        "graduate_clubs/club.html", club=found, upcoming=upcoming, past=past,
        seats=rules.seat_counts(upcoming + past), can_manage=_runs(found),
        is_member=rules.is_member(current_user, found), form=ConfirmForm(),
        feed_url=url_for("graduate_clubs.club_feed", club_id=found.id, token=found.feed_token, _external=True))


@bp.route("/clubs/<int:club_id>/join", methods=["POST"])
@members("graduate")
def join(club_id: int):
    found = _club(club_id)
    if ConfirmForm().validate_on_submit():
        try:
            rules.join(found, current_user)
        except Refusal as refusal:  # a member already, perhaps by the first of two clicks
            db.session.rollback()
            flash(str(refusal), "info")
        else:
            audit("graduate_clubs.club.joined", target=f"club:{found.id}", region=g.region, subject=current_user)
            db.session.commit()
            flash(_("You are a member of the club now."), "success")
    return redirect(url_for("graduate_clubs.club", club_id=club_id))


@bp.route("/clubs/<int:club_id>/leave", methods=["POST"])
@members("graduate")
def leave(club_id: int):
    found = _club(club_id)
    if ConfirmForm().validate_on_submit():
        if rules.leave(found, current_user):
            audit("graduate_clubs.club.left", target=f"club:{found.id}", region=g.region, subject=current_user)
            flash(_("You have left the club."), "success")
        db.session.commit()
    return redirect(url_for("graduate_clubs.club", club_id=found.id))


@bp.route("/events/<int:event_id>")
@members(*EVERYONE)
def event(event_id: int):
    """The event; its organizers also see who registered and who waits, and that look is on record."""
    return _event_page(_event(event_id))


def _event_page(found: Event, status: int = 200, **help_box):
    """The event's page; ``help_box`` overrides the help box (a refused offer shown with its note)."""
    manage = _runs(found.club)
    registered, waiting = rules.event_registrations(found) if manage else ([], [])
    shown = registered + waiting
    context = {**_help_context(found, manage), **help_box}
    return render_audited("graduate_clubs/event.html", action=VIEWED, target=f"event:{found.id}",
                          names=[r.graduate_id for r in shown],
                          details={"registrations": sorted(r.id for r in shown)}, audit_if=manage, status=status,
                          manage=manage, registered=registered, waiting=waiting,
                          attendance_form=AttendanceForm(), offers=helping.event_offers(found) if manage else [],
                          decision_form=DecisionForm(), **context, **_registration_context(found))


def _registration_context(found: Event) -> dict:
    mine = rules.registration_of(found, current_user) if current_user.has_role(g.region, "graduate") else None
    held, waiting = rules.seat_counts([found])[found.id]
    now = utcnow()
    return dict(event=found, mine=mine, held=held, waiting_count=waiting, free=max(found.capacity - held, 0),
                position=rules.waiting_position(mine) if mine else None, form=RegisterForm(),
                cancel_form=ConfirmForm(), is_graduate=current_user.has_role(g.region, "graduate"),
                open=not found.cancelled and found.starts_at > now and found.registration_deadline >= now,
                started=found.starts_at <= now)


def _registration_answer(found: Event, message: str, category: str, status: int = 200):
    """The registration box for htmx; for a full page, the message as a flash and back to the event."""
    if htmx:
        return render_template("graduate_clubs/partials/registration.html", message=message, category=category,
                               **_registration_context(found)), status
    flash(message, category)
    return redirect(url_for("graduate_clubs.event", event_id=found.id))


def _attendee_line(found: Event, registration: Registration, error: str | None = None, status: int = 200,
                   audited: bool = True):
    """One attendee's line for htmx. It names a graduate, so showing it is a read on record, unless the
    change just written (``attendance.marked``, about that graduate) is the trace already."""
    return render_audited("graduate_clubs/partials/attendee.html", action=VIEWED, target=f"event:{found.id}",
                          names=[registration.graduate_id], details={"registrations": [registration.id]},
                          status=status, audit_if=audited, registration=registration, event=found,
                          attendance_form=AttendanceForm(), error=error, started=True)


@bp.route("/events/<int:event_id>/register", methods=["POST"])
@members("graduate")
def register(event_id: int):
    found = _event(event_id)
    form = RegisterForm()
    if not form.validate_on_submit():
        return _registration_answer(found, str(EXPIRED), "error", 422)
    try:
        registration = rules.register(found, current_user, wait=form.wait.data == "1")
    except Refusal as refusal:
        db.session.rollback()
        return _registration_answer(_event(event_id), str(refusal), "error", 422)
    status = registration.status
    audit(f"graduate_clubs.registration.{status.value}", target=f"registration:{registration.id}",
          region=g.region, subject=current_user)
    db.session.commit()
    if status == RegistrationStatus.registered:
        message = _("You are registered. See you there!")
    else:
        message = _("The event is full. You are on the waiting list, number %(n)d; we will tell you when a "
                    "place frees up.", n=rules.waiting_position(registration))
    return _registration_answer(found, message, "success")


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@members("graduate")
def cancel(event_id: int):
    found = _event(event_id)
    registration = rules.registration_of(found, current_user)
    if registration is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return _registration_answer(found, str(EXPIRED), "error", 422)
    try:
        promoted = rules.cancel(registration)
    except Refusal as refusal:
        db.session.rollback()
        return _registration_answer(_event(event_id), str(refusal), "error", 422)
    audit("graduate_clubs.registration.cancelled", target=f"registration:{registration.id}",
          region=g.region, subject=current_user)
    _promoted(promoted)
    db.session.commit()
    return _registration_answer(found, _("Your registration is cancelled."), "success")


# --- volunteers: «I can help» ------------------------------------------------

def _help_context(found: Event, manage: bool | None = None) -> dict:
    volunteer = helping.is_volunteer(current_user, g.region)
    manage = _runs(found.club) if manage is None else manage
    return dict(help_offerer=volunteer and not manage,  # who runs the event does not offer to help at it
                my_offer=helping.offer_of(found, current_user) if volunteer else None,
                help_open=helping.wants_help(found), help_started=found.starts_at <= utcnow(),
                help_form=HelpOfferForm(formdata=None))


def _help_answer(found: Event, message: str, category: str, status: int = 200, form: HelpOfferForm | None = None):
    """The volunteer's help box for htmx; for a full page, the message as a flash and back to the event.

    A refused offer with a note typed comes back on the page itself, the note in its box.
    """
    if htmx:
        context = _help_context(found)
        if form is not None:
            context["help_form"] = form
        return render_template("graduate_clubs/partials/help.html", event=found, help_message=message,
                               help_category=category, **context), status
    if form is not None and (form.note.data or "").strip():
        return _event_page(found, status, help_form=form, help_message=message, help_category=category)
    flash(message, category)
    return redirect(_event_url(found) + "#help")


@bp.route("/events/<int:event_id>/help", methods=["POST"])
@members("volunteer")
def offer_help(event_id: int):
    """«I can help»: the organizers are told and answer on the event's page."""
    found = _event(event_id)
    form = HelpOfferForm()
    if not form.validate_on_submit():
        message = str(EXPIRED) if "csrf_token" in form.errors else " ".join(map(str, form.note.errors))
        return _help_answer(found, message, "error", 422, form)
    try:
        offer = helping.offer(found, current_user, (form.note.data or "").strip())
    except Refusal as refusal:
        db.session.rollback()
        return _help_answer(_event(event_id), str(refusal), "error", 422, form)
    notices.help_to_organizers(offer, helping.organizers_to_tell(found), _event_url(found))
    db.session.commit()
    return _help_answer(found, _("Thank you! The organizers are told; you will get their answer."), "success")


@bp.route("/events/<int:event_id>/help/withdraw", methods=["POST"])
@members("volunteer")
def withdraw_help(event_id: int):
    found = _event(event_id)
    offer = helping.offer_of(found, current_user)
    if offer is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return _help_answer(found, str(EXPIRED), "error", 422)
    was_accepted = offer.status.value == "accepted"
    try:
        helping.withdraw(offer)
    except Refusal as refusal:
        db.session.rollback()
        return _help_answer(_event(event_id), str(refusal), "error", 422)
    if was_accepted:  # they counted on this volunteer
        notices.help_to_organizers(offer, helping.organizers_to_tell(found), _event_url(found), withdrawn=True)
    db.session.commit()
    return _help_answer(found, _("Your offer is withdrawn."), "success")


@bp.route("/events/<int:event_id>/help/<int:offer_id>", methods=["POST"])
@members(*MANAGERS)
def decide_help(event_id: int, offer_id: int):
    """Accept or decline an offer; the volunteer is told. htmx swaps the offer's row."""
    found = _event(event_id, manage=True)
    offer = region_object(HelpOffer, offer_id, via="event.club.region_id",
                          allowed=lambda row: row.event_id == found.id)
    form = DecisionForm()
    error = None
    if not form.validate_on_submit():
        error = str(EXPIRED) if "csrf_token" in form.errors else _("Choose to accept or to decline.")
    else:
        try:
            helping.decide(offer, form.decision.data == "accept", current_user)
        except Refusal as refusal:  # answered meanwhile, perhaps by another organizer
            db.session.rollback()
            error = str(refusal)
            offer = db.session.get(HelpOffer, offer_id)
        else:
            notices.help_decided(offer, _event_url(found))
            db.session.commit()
    if htmx:
        return render_template("graduate_clubs/partials/help_offer.html", offer=offer, event=found,
                               decision_form=DecisionForm(formdata=None), error=error), 422 if error else 200
    if error:
        flash(error, "error")
    else:
        flash(_("You accepted the offer of %(name)s; they are told.", name=offer.volunteer.name)
              if offer.status.value == "accepted"
              else _("You declined the offer of %(name)s; they are told.", name=offer.volunteer.name), "success")
    return redirect(_event_url(found) + f"#help-offer-{offer.id}")


@bp.route("/volunteering")
@members("volunteer")
def volunteering():
    """What the volunteer signed up for: their offers, with the event, its date and place."""
    now = utcnow()
    offers = helping.my_offers(current_user, g.region)
    ahead = [o for o in offers if o.event.ends_at > now]
    return render_template("graduate_clubs/volunteering.html", ahead=list(reversed(ahead)),
                           past=[o for o in offers if o.event.ends_at <= now])


def _found_or_none(model, object_id, **where):
    """``region_object`` for an error handler, which must answer rather than abort: None when not found."""
    try:
        return region_object(model, object_id, **where)
    except NotFound:
        return None


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
    args = request.view_args or {}
    found = None
    if policy is not None and policy.permits(current_user, g.get("region")):
        found = _found_or_none(Event, args.get("event_id"), via="club.region_id")
    if found is not None and request.endpoint in ("graduate_clubs.register", "graduate_clubs.cancel"):
        return _registration_answer(found, str(EXPIRED), "error", 422)
    if found is not None and request.endpoint in ("graduate_clubs.offer_help", "graduate_clubs.withdraw_help"):
        return _help_answer(found, str(EXPIRED), "error", 422, HelpOfferForm())  # the note typed is kept
    if found is not None and request.endpoint == "graduate_clubs.decide_help" and htmx and _runs(found.club):
        offer = _found_or_none(HelpOffer, args.get("offer_id"), via="event.club.region_id")
        if offer is not None and offer.event_id == found.id:
            return render_template("graduate_clubs/partials/help_offer.html", offer=offer, event=found,
                                   error=str(EXPIRED)), 422
    if found is not None and request.endpoint == "graduate_clubs.attendance" and htmx and _runs(found.club):
        registration = _found_or_none(Registration, args.get("registration_id"), via="event.club.region_id")
        if registration is not None and registration.event_id == found.id:
            return _attendee_line(found, registration, error=str(EXPIRED), status=422)
    if htmx:
        return render_template("graduate_clubs/partials/message.html", message=str(EXPIRED)), 422
    return render_template("errors/error.html", status=400, title=_("The form has expired"),
                           text=EXPIRED), 400


def _calendar(events: list[Event], name: str, filename: str):
    return calendar_response(filename, name, [ics.entry(found, _event_url(found, external=True))
                                              for found in events], utcnow())


@bp.route("/events/<int:event_id>/calendar.ics")
@members(*EVERYONE)
def event_calendar(event_id: int):
    found = _event(event_id)
    return _calendar([found], found.club.name, f"event-{found.id}.ics")


@bp.route("/clubs/<int:club_id>/calendar/<token>.ics")
@public
def club_feed(club_id: int, token: str):
    """The club's events for calendar apps, which fetch it without signing in: the secret is in the URL."""
    found = _club(club_id)
    if not secrets.compare_digest(token.encode(), found.feed_token.encode()):
        abort(404)
    return _calendar(rules.club_events(found), found.name, f"club-{found.id}.ics")


# --- graduates: my clubs and events ----------------------------------------

@bp.route("/my")
@members("graduate")
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

def _club_form(form: ClubForm) -> ClubForm:
    form.municipality.choices = [(0, _("Not set"))] + [(m.id, m.name) for m in g.region.municipalities]
    form.organizers.choices = [(u.id, f"{u.name} ({_organizer_roles(u)})")
                               for u in rules.possible_organizers(g.region)]
    return form


def _organizer_roles(user) -> str:
    held = user.active_roles(g.region) & set(rules.ORGANIZER_ROLES)
    return ", ".join(role_label(role) for role in sorted(held))


@bp.route("/clubs/new", methods=["GET", "POST"])
@members(*STAFF)
def new_club():
    form = _club_form(ClubForm())
    if request.method == "GET" and current_user.has_role(g.region, "specialist"):
        form.organizers.data = [current_user.id]
    if form.validate_on_submit():
        found = rules.add_club(g.region, form.name.data.strip(), (form.host.data or "").strip(),
                               form.municipality.data or None, (form.description.data or "").strip(),
                               form.organizers.data)
        audit("graduate_clubs.club.created", target=f"club:{found.id}", region=g.region)
        db.session.commit()
        flash(_("The club is created; now add its events."), "success")
        return redirect(url_for("graduate_clubs.club", club_id=found.id))
    return render_template("graduate_clubs/club_form.html", form=form, club=None), 422 if form.errors else 200


@bp.route("/clubs/<int:club_id>/edit", methods=["GET", "POST"])
@members(*MANAGERS)
def edit_club(club_id: int):
    found = _club(club_id, manage=True)
    form = _club_form(ClubForm(obj=found) if request.method == "GET" else ClubForm())
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
            rules.set_organizers(found, form.organizers.data)
        audit("graduate_clubs.club.changed", target=f"club:{found.id}", region=g.region)
        db.session.commit()
        flash(_("The club is saved."), "success")
        return redirect(url_for("graduate_clubs.club", club_id=found.id))
    return render_template("graduate_clubs/club_form.html", form=form, club=found), 422 if form.errors else 200


def _event_times(form: EventForm) -> tuple[datetime, datetime, datetime | None]:
    deadline = form.registration_deadline.data
    return (to_utc(form.starts_at.data, g.region), to_utc(form.ends_at.data, g.region),
            to_utc(deadline, g.region) if deadline else None)


def _event_fields(form: EventForm) -> dict:
    starts_at, ends_at, deadline = _event_times(form)
    return dict(title=form.title.data.strip(), description=(form.description.data or "").strip(),
                place=(form.place.data or "").strip(), online_link=(form.online_link.data or "").strip(),
                volunteers_wanted=bool(form.volunteers_wanted.data), starts_at=starts_at, ends_at=ends_at,
                registration_deadline=deadline, capacity=form.capacity.data)


@bp.route("/clubs/<int:club_id>/events/new", methods=["GET", "POST"])
@members(*MANAGERS)
def new_event(club_id: int):
    found = _club(club_id, manage=True)
    form = EventForm()
    if request.method == "GET":
        form.capacity.data = 20
    if form.validate_on_submit():
        try:
            created = rules.add_event(found, **_event_fields(form))
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="title")
        else:
            audit("graduate_clubs.event.created", target=f"event:{created.id}", region=g.region)
            db.session.commit()
            flash(_("The event is added."), "success")
            return redirect(url_for("graduate_clubs.event", event_id=created.id))
    return render_template("graduate_clubs/event_form.html", form=form, club=found, event=None), \
        422 if form.errors or request.method == "POST" else 200


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@members(*MANAGERS)
def edit_event(event_id: int):
    found = _event(event_id, manage=True)
    if found.cancelled:
        flash(_("The event is cancelled; it can no longer be changed."), "info")
        return redirect(_event_url(found))
    form = EventForm(obj=found) if request.method == "GET" else EventForm()
    if request.method == "GET":
        form.starts_at.data = to_local(found.starts_at, g.region)
        form.ends_at.data = to_local(found.ends_at, g.region)
        form.registration_deadline.data = to_local(found.registration_deadline, g.region)
    if form.validate_on_submit():
        try:
            promoted, moved = rules.update_event(found, **_event_fields(form))
        except Refusal as refusal:
            db.session.rollback()
            found = _event(event_id)
            refusal.show_on(form, default="title")
        else:
            audit("graduate_clubs.event.changed", target=f"event:{found.id}", region=g.region)
            _promoted(promoted)
            if moved:  # those just moved in were told the new time already
                registered, waiting = rules.event_registrations(found)
                notices.event_changed([r for r in registered + waiting if r not in promoted], _event_url(found))
                notices.help_event_changed(helping.standing_offers(found), _event_url(found))
            db.session.commit()
            flash(_("The event is saved."), "success")
            return redirect(url_for("graduate_clubs.event", event_id=found.id))
    return render_template("graduate_clubs/event_form.html", form=form, club=found.club, event=found), \
        422 if form.errors or request.method == "POST" else 200


@bp.route("/events/<int:event_id>/cancel-event", methods=["GET", "POST"])
@members(*MANAGERS)
def cancel_event(event_id: int):
    """Call the event off: it stays, marked, and everyone registered or waiting is told."""
    found = _event(event_id, manage=True)
    try:
        rules.check_cancellable(found)
    except Refusal as refusal:
        flash(str(refusal), "info")
        return redirect(_event_url(found))
    form = CancelEventForm()
    if form.validate_on_submit():
        try:
            told = rules.cancel_event(found)  # the audit line is the event's move, written there
        except Refusal as refusal:  # called off or started meanwhile
            db.session.rollback()
            flash(str(refusal), "info")
            return redirect(_event_url(_event(event_id)))
        notices.event_cancelled(told, _event_url(found), (form.reason.data or "").strip())
        notices.help_event_cancelled(helping.standing_offers(found), _event_url(found),
                                     (form.reason.data or "").strip())
        db.session.commit()
        flash(_("The event is cancelled; the people who registered are told."), "success")
        return redirect(_event_url(found))
    held, waiting = rules.seat_counts([found])[found.id]
    return render_template("graduate_clubs/cancel_event.html", form=form, event=found, held=held,
                           waiting=waiting), 422 if form.errors else 200


@bp.route("/events/<int:event_id>/attendance/<int:registration_id>", methods=["POST"])
@members(*MANAGERS)
def attendance(event_id: int, registration_id: int):
    found = _event(event_id, manage=True)
    registration = region_object(Registration, registration_id, via="event.club.region_id",
                                 allowed=lambda row: row.event_id == found.id)
    form = AttendanceForm()
    error = None
    if not form.validate_on_submit():
        error = str(EXPIRED)
    else:
        try:
            rules.mark_attendance(registration, form.attended.data == "1")
        except Refusal as refusal:
            db.session.rollback()
            error = str(refusal)
        else:
            audit("graduate_clubs.attendance.marked", target=f"registration:{registration.id}",
                  region=g.region, subject=registration.graduate, details={"attended": registration.attended})
            db.session.commit()
    if htmx:
        return _attendee_line(found, registration, error=error, status=422 if error else 200,
                              audited=error is not None)
    if error:
        flash(error, "error")
    else:
        flash(_("Saved: %(name)s %(what)s.", name=registration.graduate.name,
                what=pgettext("graduate_clubs", "came") if registration.attended
                else pgettext("graduate_clubs", "did not come")), "success")
    return redirect(url_for("graduate_clubs.event", event_id=found.id) + f"#registration-{registration.id}")


# --- coordinator: figures ----------------------------------------------------

def _figures():
    year = request.args.get("year", type=int) or region_year(g.region, utcnow())
    year = min(max(year, rules.EARLIEST_YEAR), rules.LATEST_YEAR)
    return year, rules.attendance_figures(g.region, year)


@bp.route("/stats")
@members("coordinator")
def stats():
    year, figures = _figures()
    peak = max([row["attended"] for _club, rows in figures for row in rows] + [1])
    return render_template("graduate_clubs/stats.html", year=year, figures=figures, peak=peak)


@bp.route("/stats.csv")
@members("coordinator")
def stats_csv():
    year, figures = _figures()
    return csv_response(f"graduate-clubs-{year}.csv",
                        [_("Club"), _("Month"), _("Events"), pgettext("graduate_clubs", "Registered"), _("Attended")],
                        ([found.name, row["month"].strftime("%Y-%m"), row["events"], row["registered"],
                          row["attended"]] for found, rows in figures for row in rows))
