"""Pages of the social hotel: graduates ask for a stay, staff run the beds."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from plugins.social_hotel import stays as rules
from plugins.social_hotel.forms import (BedForm, ChartForm, DepartureForm, ExtensionRequestForm, HotelForm,
                                        ReasonForm, RoomForm, SettingsForm, StayRequestForm)
from plugins.social_hotel.models import Bed, Hotel, Room, Stay, StayStatus
from portal.web import access
from portal.services import audit, reservations
from portal.app.extensions import db, htmx
from portal.web.forms import ConfirmForm
from portal.web.http import redirect_to
from portal.services.notifications import notify

bp = Blueprint("social_hotel", __name__, template_folder="templates")

STAFF = ("specialist", "coordinator")
STATUS_LABELS = {
    StayStatus.requested: _l("requested"),
    StayStatus.confirmed: _l("confirmed"),
    StayStatus.rejected: _l("rejected"),
    StayStatus.checked_in: _l("checked in"),
    StayStatus.checked_out: _l("checked out"),
    StayStatus.cancelled: _l("cancelled"),
    StayStatus.no_show: _l("did not come"),
}


@bp.app_template_global("stay_status")
def stay_status(status) -> str:
    return STATUS_LABELS.get(status, status)


def _hotels():
    return list(db.session.scalars(select(Hotel).where(Hotel.region_id == g.region.id).order_by(Hotel.name)))


def _hotel(hotel_id: int) -> Hotel:
    hotel = db.session.get(Hotel, hotel_id)
    if hotel is None or hotel.region_id != g.region.id:
        abort(404)
    return hotel


def _stay(stay_id: int, own: bool = False) -> Stay:
    stay = db.session.get(Stay, stay_id)
    if stay is None or stay.hotel.region_id != g.region.id:
        abort(404)
    if own and stay.graduate_id != current_user.id:
        abort(404)  # another graduate's stay does not exist, as far as this one knows
    return stay


def _is_staff() -> bool:
    return current_user.has_role(g.region, *STAFF)


# --- graduates -------------------------------------------------------------

@bp.route("/")
@access.members("graduate", *STAFF)
def index():
    hotels = _hotels()
    if _is_staff():
        return render_template("social_hotel/staff_index.html", hotels=hotels,
                               requests=rules.open_requests(g.region))
    today = date.today()
    places = [(hotel, rules.free_places(hotel, today, 28)) for hotel in hotels]
    mine = db.session.scalars(select(Stay).where(Stay.graduate_id == current_user.id)
                              .options(selectinload(Stay.hotel)).order_by(Stay.arrival.desc())).all()
    return render_template("social_hotel/graduate_index.html", places=places, stays=mine,
                           form=ConfirmForm(), extension_form=ExtensionRequestForm())


@bp.route("/request", methods=["GET", "POST"])
@access.members("graduate")
def ask():
    hotels = _hotels()
    form = StayRequestForm()
    form.hotel.choices = [(h.id, h.name) for h in hotels]
    if form.validate_on_submit():
        hotel = _hotel(form.hotel.data)
        try:
            rules.check_request(current_user, hotel, form.arrival.data, form.departure.data)
        except rules.StayRefused as refusal:
            form.departure.errors.append(str(refusal))
        else:
            stay = Stay(hotel=hotel, graduate_id=current_user.id, arrival=form.arrival.data,
                        departure=form.departure.data, reason=form.reason.data.strip(),
                        with_child=bool(form.with_child.data))
            db.session.add(stay)
            db.session.flush()
            audit.record("social_hotel.stay.requested", target=f"stay:{stay.id}", region=g.region,
                         subject=current_user)
            db.session.commit()
            flash(_("Your request is sent. Staff will confirm it and assign a bed."), "success")
            return redirect(url_for("social_hotel.index"))
    status = 422 if form.errors else 200
    return render_template("social_hotel/request.html", form=form, hotels=hotels,
                           limit=rules.settings_for(g.region).max_nights), status


@bp.route("/stays/<int:stay_id>/cancel", methods=["POST"])
@access.members("graduate")
def cancel(stay_id: int):
    stay = _stay(stay_id, own=True)
    if ConfirmForm().validate_on_submit():
        try:
            rules.cancel(stay)
            audit.record("social_hotel.stay.cancelled", target=f"stay:{stay.id}", region=g.region,
                         subject=current_user)
            db.session.commit()
            flash(_("Your stay is cancelled."), "success")
        except rules.StayRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
    return redirect(url_for("social_hotel.index"))


@bp.route("/stays/<int:stay_id>/extension", methods=["POST"])
@access.members("graduate")
def ask_extension(stay_id: int):
    stay = _stay(stay_id, own=True)
    form = ExtensionRequestForm()
    if not form.validate_on_submit():
        flash(_("Choose the date until which you want to stay."), "error")
    elif stay.status not in StayStatus.holding_a_bed() or form.until.data <= stay.departure:
        flash(_("An extension must end after the current departure of a confirmed stay."), "error")
    else:
        stay.extension_until = form.until.data
        audit.record("social_hotel.stay.extension_asked", target=f"stay:{stay.id}", region=g.region,
                     subject=current_user)
        db.session.commit()
        flash(_("Your request to extend is sent."), "success")
    return redirect(url_for("social_hotel.index"))


@bp.route("/stays/<int:stay_id>/calendar.ics")
@access.members("graduate")
def calendar(stay_id: int):
    stay = _stay(stay_id, own=True)
    if stay.status not in StayStatus.holding_a_bed():
        abort(404)
    cal = Calendar()
    cal.add("prodid", "-//Portal//social hotel//RU")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"social-hotel-stay-{stay.id}@portal")
    event.add("summary", _("Social hotel: %(name)s", name=stay.hotel.name))
    event.add("dtstart", stay.arrival)
    event.add("dtend", stay.departure)
    event.add("location", stay.hotel.address)
    event.add("description", stay.bed.title if stay.bed else "")
    cal.add_component(event)
    return Response(cal.to_ical(), mimetype="text/calendar",
                    headers={"Content-Disposition": f"attachment; filename=stay-{stay.id}.ics"})


# --- staff -----------------------------------------------------------------

def _window(form: ChartForm) -> tuple[date, int]:
    days = 31 if form.span.data == "month" else 7
    start = form.start.data if form.validate() and form.start.data else date.today()
    return start, days


@bp.route("/chart")
@access.members(*STAFF)
def chart():
    hotels = _hotels()
    form = ChartForm(request.args)
    form.hotel.choices = [(h.id, h.name) for h in hotels]
    if not hotels:
        return render_template("social_hotel/chart.html", form=form, hotel=None)
    hotel = next((h for h in hotels if h.id == form.hotel.data), hotels[0])
    form.hotel.data = hotel.id
    start, days = _window(form)
    beds = rules.hotel_beds(hotel)
    first = start.toordinal()
    grid = reservations.occupancy([b.unit_id for b in beds], first, first + days)
    by_claim = {s.claim_id: s for s in db.session.scalars(
        select(Stay).where(Stay.claim_id.in_(set(grid.values()))).options(selectinload(Stay.graduate)))}
    context = dict(form=form, hotel=hotel, timedelta=timedelta, beds=beds, grid=grid, stays=by_claim, start=start, days=days,
                   nights=[start + timedelta(days=i) for i in range(days)], span=form.span.data or "week",
                   requests=[s for s in rules.open_requests(g.region) if s.hotel_id == hotel.id])
    template = "social_hotel/partials/chart_grid.html" if htmx and htmx.target == "chart" else "social_hotel/chart.html"
    page = render_template(template, **context)
    # Written after rendering: a commit before would expire every stay shown and reload each one.
    audit.record("social_hotel.chart.viewed", target=f"hotel:{hotel.id}", region=g.region,
                 details={"from": start.isoformat(), "days": days, "stays": sorted(s.id for s in by_claim.values())})
    db.session.commit()
    return page


def _stay_page(stay: Stay, status: int = 200, **forms):
    bed_form = forms.get("bed_form") or BedForm(formdata=None)
    move_form = forms.get("move_form") or BedForm(formdata=None, prefix="move")
    beds = rules.hotel_beds(stay.hotel)
    choices = [(b.id, f"{b.title}{' — ' + b.notes if b.notes else ''}") for b in beds]
    bed_form.bed.choices = move_form.bed.choices = choices
    suggestion = rules.suggest_bed(stay) if stay.status == StayStatus.requested else None
    if suggestion is not None and not bed_form.bed.data:
        bed_form.bed.data = suggestion.id
    return render_template(
        "social_hotel/stay.html", stay=stay, suggestion=suggestion, bed_form=bed_form, move_form=move_form,
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        departure_form=forms.get("departure_form") or DepartureForm(formdata=None, departure=stay.extension_until),
        confirm_form=ConfirmForm(), limit=rules.settings_for(g.region).max_nights,
    ), status


@bp.route("/stays/<int:stay_id>")
@access.members(*STAFF)
def stay(stay_id: int):
    found = _stay(stay_id)
    audit.record("social_hotel.stay.viewed", target=f"stay:{found.id}", region=g.region, subject=found.graduate)
    db.session.commit()
    return _stay_page(found)


def _act_confirm(stay):
    form = BedForm()
    form.bed.choices = [(b.id, b.title) for b in rules.hotel_beds(stay.hotel)]
    if not form.validate_on_submit():
        return {"bed_form": form}
    rules.confirm(stay, db.session.get(Bed, form.bed.data), current_user)
    notify(stay.graduate, _l("Your stay at %(hotel)s from %(start)s is confirmed: %(bed)s."),
           link=url_for("social_hotel.index"), hotel=stay.hotel.name, start=format_date(stay.arrival),
           bed=stay.bed.title)


def _act_reject(stay):
    form = ReasonForm()
    if not form.validate_on_submit():
        return {"reason_form": form}
    rules.reject(stay, form.reason.data.strip())
    notify(stay.graduate, _l("Your request for a stay at %(hotel)s is declined: %(reason)s"),
           link=url_for("social_hotel.index"), hotel=stay.hotel.name, reason=stay.decision_reason)


def _act_extend(stay):
    form = DepartureForm()
    if not form.validate_on_submit():
        return {"departure_form": form}
    rules.extend(stay, form.departure.data, current_user)
    notify(stay.graduate, _l("Your stay at %(hotel)s is extended until %(end)s."),
           link=url_for("social_hotel.index"), hotel=stay.hotel.name, end=format_date(stay.departure))


def _act_move(stay):
    form = BedForm(prefix="move")
    form.bed.choices = [(b.id, b.title) for b in rules.hotel_beds(stay.hotel)]
    if not form.validate_on_submit():
        return {"move_form": form}
    rules.move(stay, db.session.get(Bed, form.bed.data))


def _simple(change):
    def act(stay):
        if not ConfirmForm().validate_on_submit():
            abort(400)
        change(stay)
    return act


ACTIONS = {
    "confirm": _act_confirm,
    "reject": _act_reject,
    "check-in": _simple(rules.check_in),
    "check-out": _simple(rules.check_out),
    "no-show": _simple(rules.no_show),
    "extend": _act_extend,
    "move": _act_move,
}


@bp.route("/stays/<int:stay_id>/act/<action>", methods=["POST"])
@access.members(*STAFF)
def act(stay_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    found = _stay(stay_id)
    try:
        invalid = ACTIONS[action](found)
    except rules.StayRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return _stay_page(_stay(stay_id), status=422)
    if invalid:
        return _stay_page(found, status=422, **invalid)
    audit.record(f"social_hotel.stay.{action}", target=f"stay:{found.id}", region=g.region,
                 subject=found.graduate)
    db.session.commit()
    flash(_("Done: %(status)s.", status=stay_status(found.status)), "success")
    return redirect_to(url_for("social_hotel.stay", stay_id=found.id))


@bp.route("/hotels", methods=["GET", "POST"])
@access.members(*STAFF)
def hotels():
    form = HotelForm()
    if form.validate_on_submit():
        hotel = rules.add_hotel(g.region, form.name.data.strip(), form.address.data or "", form.house_rules.data or "")
        db.session.commit()
        flash(_("The hotel is added; now add its rooms and beds."), "success")
        return redirect(url_for("social_hotel.hotel", hotel_id=hotel.id))
    return render_template("social_hotel/hotels.html", hotels=_hotels(), form=form), 422 if form.errors else 200


@bp.route("/hotels/<int:hotel_id>", methods=["GET", "POST"])
@access.members(*STAFF)
def hotel(hotel_id: int):
    found = _hotel(hotel_id)
    hotel_form = HotelForm(obj=found, prefix="hotel") if request.method == "GET" else HotelForm(prefix="hotel")
    room_form = RoomForm(prefix="room")
    if request.method == "POST":
        if "hotel-submit" in request.form and hotel_form.validate():
            found.name, found.address = hotel_form.name.data.strip(), hotel_form.address.data or ""
            found.house_rules = hotel_form.house_rules.data or ""
            found.resource.label = found.name
            db.session.commit()
            flash(_("The hotel is saved."), "success")
            return redirect(url_for("social_hotel.hotel", hotel_id=found.id))
        if "room-submit" in request.form and room_form.validate():
            room = Room(hotel=found, name=room_form.name.data.strip())
            db.session.add(room)
            for label, notes in room_form.bed_lines():
                rules.add_bed(room, label, notes)
            db.session.commit()
            flash(_("The room is added."), "success")
            return redirect(url_for("social_hotel.hotel", hotel_id=found.id))
    status = 422 if hotel_form.errors or room_form.errors else 200
    return render_template("social_hotel/hotel.html", hotel=found, hotel_form=hotel_form,
                           room_form=room_form), status


@bp.route("/settings", methods=["GET", "POST"])
@access.members("coordinator")
def settings():
    current = rules.settings_for(g.region)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        current.max_nights = form.max_nights.data
        db.session.merge(current)
        audit.record("social_hotel.settings.changed", target="settings", region=g.region,
                     details={"max_nights": current.max_nights})
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("social_hotel.settings"))
    return render_template("social_hotel/settings.html", form=form), 422 if form.errors else 200


def _figures():
    year = request.args.get("year", type=int) or date.today().year
    year = min(max(year, 2000), 2100)
    return year, [(hotel, rules.monthly_figures(hotel, year)) for hotel in _hotels()]


@bp.route("/stats")
@access.members("coordinator")
def stats():
    year, figures = _figures()
    return render_template("social_hotel/stats.html", year=year, figures=figures,
                           outcomes=[(s.value, STATUS_LABELS[s]) for s in StayStatus])


@bp.route("/stats.csv")
@access.members("coordinator")
def stats_csv():
    year, figures = _figures()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Hotel"), _("Month"), _("Occupancy, per cent"), _("Average stay, nights"), _("Requests")]
                    + [str(STATUS_LABELS[s]) for s in StayStatus])
    for hotel, rows in figures:
        for row in rows:
            writer.writerow([hotel.name, row["month"].strftime("%Y-%m"), row["occupancy"], row["average_nights"],
                             row["requests"]] + [row["outcomes"].get(s.value, 0) for s in StayStatus])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=social-hotel-{year}.csv"})
