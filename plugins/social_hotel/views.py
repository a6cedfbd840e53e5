"""Pages of the social hotel: graduates ask for a stay, staff run the beds."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from plugins.social_hotel import stays as rules
from plugins.social_hotel.forms import (BedForm, BedNameForm, ChartForm, DepartureForm, ExtensionRequestForm,
                                        HotelForm, ReasonForm, RoomForm, RoomNameForm, SettingsForm,
                                        StayRequestForm)
from plugins.social_hotel.models import LABELS, Bed, Hotel, Room, Stay, StayStatus
from portal.kit import (SUPPORT_STAFF, CalendarEntry, ConfirmForm, Refusal, audit, calendar_response, csv_response,
                        db, htmx, members, notify, redirect_to, region_object, region_year, render_audited,
                        reservations, today, utcnow)

bp = Blueprint("social_hotel", __name__, template_folder="templates")

STAFF = SUPPORT_STAFF


def _hotels():
    return list(db.session.scalars(select(Hotel).where(Hotel.region_id == g.region.id).order_by(Hotel.name)))


def _stay(stay_id: int) -> Stay:
    return region_object(Stay, stay_id, via="hotel.region_id")


def _own_stay(stay_id: int) -> Stay:
    """A graduate's own stay; another graduate's does not exist, as far as this one knows (404)."""
    return region_object(Stay, stay_id, via="hotel.region_id", allowed=lambda stay: stay.graduate_id == current_user.id)


def _is_staff() -> bool:
    return current_user.has_role(g.region, *STAFF)


# --- graduates -------------------------------------------------------------

@bp.route("/")
@members("graduate", *STAFF)
def index():
    hotels = _hotels()
    if _is_staff():
        requests = rules.open_requests(g.region)
        return render_audited("social_hotel/staff_index.html", action="social_hotel.requests.viewed",
                              target=f"region:{g.region.code}", names=[s.graduate_id for s in requests],
                              hotels=hotels, requests=requests)
    first = today(g.region)
    places = rules.free_places_of(hotels, first, 28)
    # with each stay's hotel, bed and room in the same statement: the list shows them (not a query per stay)
    mine = db.session.scalars(select(Stay).where(Stay.graduate_id == current_user.id)
                              .options(joinedload(Stay.hotel), joinedload(Stay.bed).joinedload(Bed.room))
                              .order_by(Stay.arrival.desc())).all()
    return render_template("social_hotel/graduate_index.html", places=places, stays=mine,
                           form=ConfirmForm(), extension_form=ExtensionRequestForm())


@bp.route("/request", methods=["GET", "POST"])
@members("graduate")
def ask():
    hotels = _hotels()
    form = StayRequestForm()
    form.hotel.choices = [(h.id, h.name) for h in hotels]
    if request.method == "GET" and request.args.get("reason"):
        # Prefilled from another service's offer (a resolved housing appeal): the graduate may change it.
        form.reason.data = "".join(c for c in request.args["reason"] if c >= " " or c == "\n")[:2000]
    if form.validate_on_submit():
        hotel = region_object(Hotel, form.hotel.data)
        try:
            rules.check_request(current_user._get_current_object(), hotel, form.arrival.data, form.departure.data)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="departure")
        else:
            stay = Stay(hotel=hotel, graduate_id=current_user.id, arrival=form.arrival.data,
                        departure=form.departure.data, reason=form.reason.data.strip(),
                        with_child=bool(form.with_child.data))
            db.session.add(stay)
            db.session.flush()
            audit("social_hotel.stay.requested", target=f"stay:{stay.id}", region=g.region, subject=current_user)
            db.session.commit()
            flash(_("Your request is sent. Staff will confirm it and assign a bed."), "success")
            return redirect(url_for("social_hotel.index"))
    status = 422 if form.errors else 200
    return render_template("social_hotel/request.html", form=form, hotels=hotels,
                           limit=rules.settings_for(g.region).max_nights), status


@bp.route("/stays/<int:stay_id>/cancel", methods=["POST"])
@members("graduate")
def cancel(stay_id: int):
    stay = _own_stay(stay_id)
    if ConfirmForm().validate_on_submit():
        try:
            rules.cancel(stay)
            db.session.commit()
            flash(_("Your stay is cancelled."), "success")
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
    return redirect(url_for("social_hotel.index"))


@bp.route("/stays/<int:stay_id>/extension", methods=["POST"])
@members("graduate")
def ask_extension(stay_id: int):
    stay = _own_stay(stay_id)
    form = ExtensionRequestForm()
    if not form.validate_on_submit():
        flash(_("Choose the date until which you want to stay."), "error")
        return redirect(url_for("social_hotel.index"))
    try:
        rules.ask_extension(stay, form.until.data)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        audit("social_hotel.stay.extension_asked", target=f"stay:{stay.id}", region=g.region, subject=current_user)
        db.session.commit()
        flash(_("Your request to extend is sent."), "success")
    return redirect(url_for("social_hotel.index"))


@bp.route("/stays/<int:stay_id>/calendar.ics")
@members("graduate")
def calendar(stay_id: int):
    stay = _own_stay(stay_id)
    if stay.status not in StayStatus.holding_a_bed():
        abort(404)
    entry = CalendarEntry(
        uid=f"social-hotel-stay-{stay.id}@portal", summary=_("Social hotel: %(name)s", name=stay.hotel.name),
        start=stay.arrival, end=stay.departure, location=stay.hotel.address,
        description=stay.bed.title if stay.bed else "", last_modified=stay.updated_at,
        # Grows with every change of the stay, so a calendar app replaces the copy it has.
        sequence=int((stay.updated_at - stay.created_at).total_seconds()))
    return calendar_response(f"stay-{stay.id}.ics", _("Social hotel"), [entry], made_at=utcnow())


# --- staff -----------------------------------------------------------------

def _window(form: ChartForm) -> tuple[date, int]:
    days = 31 if form.span.data == "month" else 7
    start = form.start.data if form.validate() and form.start.data else today(g.region)
    return start, days


#: The chart lists the hotel's longest-waiting requests; the staff page lists them all.
CHART_REQUESTS = 20


@bp.route("/chart")
@members(*STAFF)
def chart():
    hotels = _hotels()
    form = ChartForm(request.args)
    form.hotel.choices = [(h.id, h.name) for h in hotels]
    if not hotels:
        return render_template("social_hotel/chart.html", form=form, hotel=None)
    hotel = next((h for h in hotels if h.id == form.hotel.data), hotels[0])
    form.hotel.data = hotel.id
    start, days = _window(form)
    beds = rules.hotel_beds(hotel, retired=True)
    first = start.toordinal()
    grid = reservations.occupancy([b.unit_id for b in beds], first, first + days)
    used = {unit for unit, _night in grid}
    beds = [b for b in beds if b.unit.active or b.unit_id in used]  # a retired bed while it still had guests
    by_claim = {s.claim_id: s for s in db.session.scalars(
        select(Stay).where(Stay.claim_id.in_(set(grid.values()))).options(joinedload(Stay.graduate)))}
    requests, requests_count = rules.open_requests_counted(g.region, hotel, limit=CHART_REQUESTS)
    # A row per bed: a stay's nights in a row are one cell spanning them (its link made once), a free night a cell.
    cells = {claim_id: (stay.status.value, url_for("social_hotel.stay", stay_id=stay.id), stay.graduate.name,
                        stay.graduate.name.split()[0]) for claim_id, stay in by_claim.items()}
    rows = []
    for bed in beds:
        runs: list[list] = []  # [nights spanned, claim id or None, the stay's cell or None]
        for night in range(first, first + days):
            claim_id = grid.get((bed.unit_id, night))
            cell = cells.get(claim_id)
            if cell is not None and runs and runs[-1][1] == claim_id:
                runs[-1][0] += 1
            else:
                runs.append([1, claim_id if cell is not None else None, cell])
        rows.append((bed, runs))
    template = "social_hotel/partials/chart_grid.html" if htmx and htmx.target == "chart" else "social_hotel/chart.html"
    return render_audited(
        template, action="social_hotel.chart.viewed", target=f"hotel:{hotel.id}",
        names=[s.graduate_id for s in [*by_claim.values(), *requests]],
        details={"from": start.isoformat(), "days": days, "stays": sorted(s.id for s in by_claim.values())},
        form=form, hotel=hotel, timedelta=timedelta, rows=rows, start=start, days=days,
        nights=[start + timedelta(days=i) for i in range(days)], span=form.span.data or "week", requests=requests,
        requests_count=requests_count, statuses=StayStatus)


def _bed_choices(stay: Stay) -> list[tuple[int, str]]:
    """The hotel's beds in use, those taken on some of the stay's nights marked so (they stay choosable: the
    answer then says which nights)."""
    beds = rules.hotel_beds(stay.hotel)
    free = rules.free_beds(stay.hotel, stay.arrival, stay.departure, beds)
    taken = _("taken on some of these nights")
    return [(b.id, f"{b.title}{' — ' + b.notes if b.notes else ''}"
                   f"{'' if b.id in free or b.id == stay.bed_id else ' (' + taken + ')'}") for b in beds]


def _bed_form(stay: Stay, formdata=True, prefix: str = "", choices: list | None = None) -> BedForm:
    form = BedForm(prefix=prefix) if formdata else BedForm(formdata=None, prefix=prefix)
    form.bed.choices = _bed_choices(stay) if choices is None else choices
    return form


def _stay_page(stay: Stay, status: int = 200, **forms):
    """The stay page, first render or re-render after a form error or a refusal: audited every time."""
    choices = _bed_choices(stay)  # one list for both forms
    bed_form = forms.get("bed_form") or _bed_form(stay, formdata=False, choices=choices)
    move_form = forms.get("move_form") or _bed_form(stay, formdata=False, prefix="move", choices=choices)
    suggestion = rules.suggest_bed(stay) if stay.status == StayStatus.requested else None
    if suggestion is not None and not bed_form.bed.data:
        bed_form.bed.data = suggestion.id
    return render_audited(
        "social_hotel/stay.html", action="social_hotel.stay.viewed", target=f"stay:{stay.id}", subject=stay.graduate,
        status=status, stay=stay, suggestion=suggestion, bed_form=bed_form, move_form=move_form,
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        departure_form=forms.get("departure_form") or DepartureForm(formdata=None, departure=stay.extension_until),
        confirm_form=ConfirmForm(), limit=rules.settings_for(g.region).max_nights, today=today(g.region))


@bp.route("/stays/<int:stay_id>")
@members(*STAFF)
def stay(stay_id: int):
    return _stay_page(_stay(stay_id))


def _act_confirm(stay, forms) -> bool:
    form = forms["bed_form"] = _bed_form(stay)
    if not form.validate_on_submit():
        return False
    rules.confirm(stay, db.session.get(Bed, form.bed.data), current_user)
    notify(stay.graduate, _l("Your stay at %(hotel)s from %(start)s is confirmed: %(bed)s."),
           link=url_for("social_hotel.index"), hotel=stay.hotel.name, start=stay.arrival, bed=stay.bed.title)
    return True


def _act_reject(stay, forms) -> bool:
    form = forms["reason_form"] = ReasonForm()
    if not form.validate_on_submit():
        return False
    rules.reject(stay, form.reason.data.strip())
    notify(stay.graduate, _l("Your request for a stay at %(hotel)s is declined: %(reason)s"),
           link=url_for("social_hotel.index"), hotel=stay.hotel.name, reason=stay.decision_reason)
    return True


def _act_extend(stay, forms) -> bool:
    form = forms["departure_form"] = DepartureForm()
    if not form.validate_on_submit():
        return False
    rules.extend(stay, form.departure.data, current_user)
    notify(stay.graduate, _l("Your stay at %(hotel)s is extended until %(end)s."),
           link=url_for("social_hotel.index"), hotel=stay.hotel.name, end=stay.departure)
    return True


def _act_move(stay, forms) -> bool:
    form = forms["move_form"] = _bed_form(stay, prefix="move")
    if not form.validate_on_submit():
        return False
    rules.move(stay, db.session.get(Bed, form.bed.data))
    return True


def _simple(change):
    def act(stay, forms) -> bool:
        if not ConfirmForm().validate_on_submit():
            abort(400)
        change(stay)
        return True
    return act


ACTIONS = {
    "confirm": _act_confirm,
    "reject": _act_reject,
    "check-in": _simple(rules.check_in),
    "arrive-early": _simple(lambda stay: rules.arrive_early(stay, current_user)),
    "check-out": _simple(rules.check_out),
    "no-show": _simple(rules.no_show),
    "extend": _act_extend,
    "move": _act_move,
}


@bp.route("/stays/<int:stay_id>/act/<action>", methods=["POST"])
@members(*STAFF)
def act(stay_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    found, forms = _stay(stay_id), {}
    try:
        done = ACTIONS[action](found, forms)
    except Refusal as refusal:
        db.session.rollback()
        form = next(iter(forms.values()), None)
        if form is not None and refusal.field:
            refusal.show_on(form)
        else:
            flash(str(refusal), "error")
        return _stay_page(_stay(stay_id), 422, **forms)
    if not done:
        return _stay_page(found, 422, **forms)
    db.session.commit()
    flash(_("Done: %(status)s.", status=LABELS(found.status)), "success")
    return redirect_to(url_for("social_hotel.stay", stay_id=found.id))


@bp.route("/hotels", methods=["GET", "POST"])
@members(*STAFF)
def hotels():
    form = HotelForm()
    if form.validate_on_submit():
        hotel = rules.add_hotel(g.region, form.name.data.strip(), form.address.data or "", form.house_rules.data or "")
        db.session.commit()
        flash(_("The hotel is added; now add its rooms and beds."), "success")
        return redirect(url_for("social_hotel.hotel", hotel_id=hotel.id))
    return render_template("social_hotel/hotels.html", hotels=_hotels(), form=form), 422 if form.errors else 200


@bp.route("/hotels/<int:hotel_id>", methods=["GET", "POST"])
@members(*STAFF)
def hotel(hotel_id: int):
    found = region_object(Hotel, hotel_id)
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
    beds = rules.hotel_beds(found, retired=True)
    return render_template("social_hotel/hotel.html", hotel=found, hotel_form=hotel_form, room_form=room_form,
                           beds=beds, room_names={room.id: RoomNameForm(prefix=f"room{room.id}", formdata=None,
                                                                        obj=room) for room in found.rooms},
                           bed_names={bed.id: BedNameForm(prefix=f"bed{bed.id}", formdata=None, obj=bed)
                                      for bed in beds}, confirm_form=ConfirmForm()), status


def _hotel_bed(hotel_id: int, bed_id: int) -> tuple[Hotel, Bed]:
    found = region_object(Hotel, hotel_id)
    bed = db.session.get(Bed, bed_id)
    if bed is None or bed.room.hotel_id != found.id:
        abort(404)
    return found, bed


@bp.route("/hotels/<int:hotel_id>/rooms/<int:room_id>", methods=["POST"])
@members(*STAFF)
def rename_room(hotel_id: int, room_id: int):
    found = region_object(Hotel, hotel_id)
    room = db.session.get(Room, room_id)
    if room is None or room.hotel_id != found.id:
        abort(404)
    form = RoomNameForm(prefix=f"room{room.id}")
    if form.validate_on_submit():
        rules.rename_room(room, form.name.data.strip())
        audit("social_hotel.room.renamed", target=f"room:{room.id}", region=g.region)
        db.session.commit()
        flash(_("The room is renamed."), "success")
    else:
        flash(_("Give the room a name (up to 100 characters)."), "error")
    return redirect(url_for("social_hotel.hotel", hotel_id=found.id))


@bp.route("/hotels/<int:hotel_id>/beds/<int:bed_id>", methods=["POST"])
@members(*STAFF)
def rename_bed(hotel_id: int, bed_id: int):
    found, bed = _hotel_bed(hotel_id, bed_id)
    form = BedNameForm(prefix=f"bed{bed.id}")
    if form.validate_on_submit():
        rules.rename_bed(bed, form.label.data.strip(), (form.notes.data or "").strip())
        audit("social_hotel.bed.renamed", target=f"bed:{bed.id}", region=g.region)
        db.session.commit()
        flash(_("The bed is saved."), "success")
    else:
        flash(_("Give the bed a name (up to 100 characters) and notes of up to 300."), "error")
    return redirect(url_for("social_hotel.hotel", hotel_id=found.id))


@bp.route("/hotels/<int:hotel_id>/beds/<int:bed_id>/use", methods=["POST"])
@members(*STAFF)
def bed_use(hotel_id: int, bed_id: int):
    """Retire a bed (no more stays on it) or bring it back."""
    found, bed = _hotel_bed(hotel_id, bed_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("use") == "retire":
            rules.retire_bed(bed, g.region)
            audit("social_hotel.bed.retired", target=f"bed:{bed.id}", region=g.region)
            message = _("%(bed)s is retired: no new stays on it.", bed=bed.title)
        else:
            rules.return_bed(bed)
            audit("social_hotel.bed.returned", target=f"bed:{bed.id}", region=g.region)
            message = _("%(bed)s is in use again.", bed=bed.title)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("social_hotel.hotel", hotel_id=found.id))


@bp.route("/settings", methods=["GET", "POST"])
@members("coordinator")
def settings():
    form = SettingsForm(obj=rules.settings_for(g.region))
    if form.validate_on_submit():
        try:
            saved = rules.save_settings(g.region, form.max_nights.data)
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form)
        else:
            audit("social_hotel.settings.changed", target="settings", region=g.region,
                  details={"max_nights": saved.max_nights})
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("social_hotel.settings"))
    return render_template("social_hotel/settings.html", form=form), 422 if form.errors else 200


def _figures():
    year = request.args.get("year", type=int) or region_year(g.region)
    year = min(max(year, 2000), 2100)
    return year, rules.monthly_figures_of(_hotels(), year)


@bp.route("/stats")
@members("coordinator")
def stats():
    year, figures = _figures()
    return render_template("social_hotel/stats.html", year=year, figures=figures, outcomes=list(LABELS.items()))


@bp.route("/stats.csv")
@members("coordinator")
def stats_csv():
    year, figures = _figures()
    header = [_("Hotel"), _("Month"), _("Occupancy, per cent"), _("Average stay, nights"), _("Requests"),
              *LABELS.values()]
    rows = ([hotel.name, month["month"].strftime("%Y-%m"), month["occupancy"], month["average_nights"],
             month["requests"], *(month["outcomes"].get(status, 0) for status in LABELS)]
            for hotel, months in figures for month in months)
    return csv_response(f"social-hotel-{year}.csv", header, rows)
