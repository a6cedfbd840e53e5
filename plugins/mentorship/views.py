"""Pages of mentorship: profiles, the coordinator's matching board, mentorships and their logs."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

import matching
from plugins.mentorship import pairs
from plugins.mentorship.forms import (OUTCOMES, AskEndForm, DecisionForm, EndForm, GraduateProfileForm,
                                      MeetingForm, MentorProfileForm, ProposeForm, SpecialistsForm)
from plugins.mentorship.models import (GraduateProfile, Meeting, Mentorship, MentorshipStatus, MentorProfile,
                                       Outcome)
from portal.web import access
from portal.services import audit
from portal.app.extensions import db, htmx
from portal.web.forms import ConfirmForm
from portal.web.http import redirect_to
from portal.web.ids import parse_id
from portal.services.notifications import notify
from portal.web.paging import paginate
from portal.services.support_areas import SUPPORT_AREAS

bp = Blueprint("mentorship", __name__, template_folder="templates")

STAFF = ("specialist", "coordinator")
PEOPLE = ("graduate", "mentor", *STAFF)
BOARD_PAGE = 20
STATUS_LABELS = {
    MentorshipStatus.proposed: _l("proposed"),
    MentorshipStatus.active: _l("active"),
    MentorshipStatus.ended: _l("ended"),
    MentorshipStatus.rejected: _l("rejected"),
}
OUTCOME_LABELS = dict(OUTCOMES)
REASON_TEMPLATES = {
    "covers_needs": _l("can help with %(areas)s, which is needed"),
    "shared_interests": _l("both: %(items)s"),
    "same_municipality": _l("same municipality"),
    "similar_about": _l("similar in what they say about themselves"),
    "learned": _l("coordinators approved similar pairs"),
}


@bp.app_template_global("mentorship_status")
def mentorship_status(status) -> str:
    return STATUS_LABELS.get(status, status)


@bp.app_template_global("mentorship_outcome")
def mentorship_outcome(outcome) -> str:
    return OUTCOME_LABELS.get(outcome.value if outcome else "", "")


@bp.app_template_filter("area_label")
@bp.app_template_global("area_label")
def area_label(code: str) -> str:
    return str(SUPPORT_AREAS.get(code, code))


@bp.app_template_global("reason_text")
def reason_text(reason) -> str:
    """A stored reason in the reader's language, whatever language it was made in."""
    code, params = (reason.code, reason.params) if hasattr(reason, "code") else (reason["code"], reason["params"])
    try:
        made = matching.Reason(code, params)
    except ValueError:
        return ""
    template = REASON_TEMPLATES.get(code)
    return made.render(str(template), area_label=lambda a: area_label(a).lower()) if template else str(made)


def _is(*roles) -> bool:
    return current_user.has_role(g.region, *roles)


def _mentorship(mentorship_id: int) -> Mentorship:
    """One mentorship, as far as this person may know it exists."""
    row = db.session.get(Mentorship, mentorship_id)
    if row is None or row.region_id != g.region.id:
        abort(404)
    if _follows(row):
        return row
    if _is("mentor") and row.mentor_id == current_user.id and row.status != MentorshipStatus.rejected:
        return row
    if _is("graduate") and row.graduate_id == current_user.id and row.status in (
            MentorshipStatus.active, MentorshipStatus.ended):
        return row
    abort(404)


def _follows(row: Mentorship) -> bool:
    """Coordinators follow every pair of their region; a specialist the pairs they are named to."""
    return _is("coordinator") or (_is("specialist") and current_user.id in row.specialist_ids)


def _keeps_log(row: Mentorship) -> bool:
    """The meeting log is the pair's: its mentor and the staff who follow it, nobody else."""
    return _follows(row) or row.mentor_id == current_user.id


def _municipality_choices():
    return [(0, _("not said"))] + [(m.id, m.name) for m in g.region.municipalities]


# --- everyone's start page ----------------------------------------------------

@bp.route("/")
@access.members(*PEOPLE)
def index():
    mine = db.session.scalars(
        select(Mentorship).where(Mentorship.region_id == g.region.id,
                                 or_(Mentorship.mentor_id == current_user.id, Mentorship.graduate_id == current_user.id))
        .options(selectinload(Mentorship.mentor), selectinload(Mentorship.graduate))
        .order_by(Mentorship.proposed_at.desc())).all()
    as_mentor = [m for m in mine if m.mentor_id == current_user.id and m.status != MentorshipStatus.rejected]
    as_graduate = [m for m in mine if m.graduate_id == current_user.id
                   and m.status in (MentorshipStatus.active, MentorshipStatus.ended)]
    page = render_template(
        "mentorship/index.html", as_mentor=as_mentor, as_graduate=as_graduate,
        mentor_profile=pairs.mentor_profile(current_user, g.region) if _is("mentor") else None,
        graduate_profile=pairs.graduate_profile(current_user, g.region) if _is("graduate") else None,
        ask_end_form=AskEndForm(), is_staff=_is(*STAFF), is_coordinator=_is("coordinator"))
    _record_list_read(as_mentor)
    return page


def _record_list_read(rows) -> None:
    """A list naming graduates (with their needs, in the reasons) is a read of their records."""
    if rows:
        audit.record("mentorship.list.viewed", target="mentorships", region=g.region,
                     details={"mentorships": [row.id for row in rows],
                              "graduates": sorted({row.graduate_id for row in rows})})
        db.session.commit()


# --- profiles ----------------------------------------------------------------

def _save_profile(form, profile):
    profile.interests = form.interest_list()
    profile.about = (form.about.data or "").strip()
    profile.areas = [a for a in SUPPORT_AREAS if a in (form.areas.data or [])]
    profile.languages = list(form.languages.data)
    profile.gender = form.gender.data or None
    profile.municipality_id = form.municipality.data or None


def _profile_form(form_class, profile):
    form = form_class(obj=profile) if request.method == "GET" and profile is not None else form_class()
    form.municipality.choices = _municipality_choices()
    if request.method == "GET":
        if profile is None:
            form.languages.data = ["ru"]
            form.municipality.data = current_user.municipality_id or 0
        else:
            form.interests.data = ", ".join(profile.interests or ())
            form.municipality.data = profile.municipality_id or 0
            form.gender.data = profile.gender or ""
    return form


@bp.route("/profile/mentor", methods=["GET", "POST"])
@access.members("mentor")
def mentor_profile():
    profile = pairs.mentor_profile(current_user, g.region)
    form = _profile_form(MentorProfileForm, profile)
    if form.validate_on_submit():
        if profile is None:
            profile = MentorProfile(user_id=current_user.id, region_id=g.region.id)
            db.session.add(profile)
        _save_profile(form, profile)
        profile.capacity = form.capacity.data
        profile.availability = (form.availability.data or "").strip()
        audit.record("mentorship.profile.changed", target=f"mentor:{current_user.id}", region=g.region)
        db.session.commit()
        flash(_("Your mentor profile is saved."), "success")
        return redirect(url_for("mentorship.index"))
    return render_template("mentorship/mentor_profile.html", form=form), 422 if form.errors else 200


@bp.route("/profile/graduate", methods=["GET", "POST"])
@access.members("graduate")
def graduate_profile():
    profile = pairs.graduate_profile(current_user, g.region)
    form = _profile_form(GraduateProfileForm, profile)
    if request.method == "GET" and profile is not None:
        form.prefers_gender.data = profile.prefers_gender or ""
    if form.validate_on_submit():
        if profile is None:
            profile = GraduateProfile(user_id=current_user.id, region_id=g.region.id)
            db.session.add(profile)
        _save_profile(form, profile)
        profile.wants_mentor = bool(form.wants_mentor.data)
        profile.prefers_gender = form.prefers_gender.data or None
        audit.record("mentorship.profile.changed", target=f"graduate:{current_user.id}", region=g.region,
                     subject=current_user)
        db.session.commit()
        flash(_("Saved. A coordinator will look for a mentor for you.") if profile.wants_mentor
              else _("Saved. You do not take part in mentorship now."), "success")
        return redirect(url_for("mentorship.index"))
    return render_template("mentorship/graduate_profile.html", form=form), 422 if form.errors else 200


# --- the coordinator's matching board -----------------------------------------

def _board_context():
    waiting = pairs.waiting_graduates(g.region)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pages = max((len(waiting) + BOARD_PAGE - 1) // BOARD_PAGE, 1)
    page = min(page, pages)
    proposals = db.session.scalars(
        select(Mentorship).where(Mentorship.region_id == g.region.id,
                                 Mentorship.status == MentorshipStatus.proposed)
        .options(selectinload(Mentorship.mentor), selectinload(Mentorship.graduate))
        .order_by(Mentorship.proposed_at, Mentorship.id)).all()
    return dict(waiting=waiting[(page - 1) * BOARD_PAGE:page * BOARD_PAGE], waiting_count=len(waiting),
                page=page, pages=pages, proposals=proposals, mentors=pairs.mentors_with_room(g.region),
                model=pairs.latest_model(g.region), decisions_count=pairs.decisions_count(g.region),
                min_decisions=matching.MIN_DECISIONS, confirm_form=ConfirmForm(), decision_form=DecisionForm())


@bp.route("/board")
@access.members("coordinator")
def board():
    context = _board_context()
    page = render_template("mentorship/board.html", **context)
    audit.record("mentorship.board.viewed", target="board", region=g.region,
                 details={"graduates": [p.user_id for p in context["waiting"]]})
    db.session.commit()
    return page


def _waiting_profile(graduate_id: int) -> GraduateProfile:
    profile = db.session.scalar(select(GraduateProfile).where(GraduateProfile.user_id == graduate_id,
                                                              GraduateProfile.region_id == g.region.id))
    if profile is None or not profile.user.has_role(g.region, "graduate"):
        abort(404)
    return profile


@bp.route("/board/graduates/<int:graduate_id>")
@access.members("coordinator")
def suggestions(graduate_id: int):
    profile = _waiting_profile(graduate_id)
    graduate = pairs.as_graduate(profile, g.region)
    found = pairs.suggestions_for(graduate, g.region, k=5, model=pairs.load_model(g.region))
    needs = graduate.areas
    template = "mentorship/partials/suggestions.html" if htmx else "mentorship/suggestions.html"
    page = render_template(template, profile=profile, suggestions=found, needs=needs, form=ConfirmForm(),
                           paired=profile.user_id in pairs.paired_graduates(g.region))
    audit.record("mentorship.suggestions.viewed", target=f"graduate:{profile.user_id}", region=g.region,
                 subject=profile.user)
    db.session.commit()
    return page


@bp.route("/board/propose", methods=["POST"])
@access.members("coordinator")
def propose():
    form = ProposeForm()
    graduate_id, mentor_id = parse_id(form.graduate.data), parse_id(form.mentor.data)
    if not form.validate_on_submit() or graduate_id is None or mentor_id is None:
        flash(_("Choose a graduate and a mentor."), "error")
        return redirect_to(url_for("mentorship.board"))
    profile = _waiting_profile(graduate_id)
    mentor = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor_id,
                                                           MentorProfile.region_id == g.region.id))
    if mentor is None or not mentor.user.has_role(g.region, "mentor"):
        abort(404)
    try:
        row = pairs.propose(g.region, profile, mentor, current_user, model=pairs.load_model(g.region))
    except pairs.PairingRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect_to(url_for("mentorship.board"))
    audit.record("mentorship.proposed", target=f"mentorship:{row.id}", region=g.region, subject=profile.user)
    db.session.commit()
    if htmx:  # the proposal itself appears in the list: no message left over for the next page
        return render_template("mentorship/partials/proposed.html", row=row, decision_form=DecisionForm(formdata=None))
    flash(_("Proposed: %(graduate)s with %(mentor)s. Approve or reject it below.",
            graduate=profile.user.name, mentor=mentor.user.name), "success")
    return redirect(url_for("mentorship.board") + f"#proposal-{row.id}")


@bp.route("/board/optimise", methods=["POST"])
@access.members("coordinator")
def optimise():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    made = pairs.propose_optimal(g.region, current_user, model=pairs.load_model(g.region))
    audit.record("mentorship.optimised", target="board", region=g.region,
                 details={"proposals": [row.id for row in made]})
    db.session.commit()
    flash(_("Proposed %(count)d pairs for everyone waiting; review them below.", count=len(made)), "success")
    return redirect_to(url_for("mentorship.board") + "#proposals")


@bp.route("/board/retrain", methods=["POST"])
@access.members("coordinator")
def retrain():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        row = pairs.retrain(g.region, current_user)
    except IntegrityError:  # another coordinator's retraining took this version number a moment ago
        db.session.rollback()
        flash(_("Another coordinator has just retrained the model. Try again in a moment if you wish."), "info")
        return redirect_to(url_for("mentorship.board"))
    if row is None:
        flash(_("Too few decisions to learn from: at least %(count)d, with approvals and rejections both.",
                count=matching.MIN_DECISIONS), "error")
    else:
        audit.record("mentorship.model.trained", target=f"model:{row.version}", region=g.region,
                     details={"decisions": row.decisions})
        flash(_("Trained on %(count)d decisions, version %(version)d.", count=row.decisions,
                version=row.version), "success")
    db.session.commit()
    return redirect_to(url_for("mentorship.board"))


# --- mentorships ----------------------------------------------------------------

@bp.route("/mentorships")
@access.members(*STAFF)
def mentorships():
    status = request.args.get("status", "active")
    wanted = MentorshipStatus(status) if status in MentorshipStatus._value2member_map_ else MentorshipStatus.active
    query = select(Mentorship).where(Mentorship.region_id == g.region.id, Mentorship.status == wanted)
    if not _is("coordinator"):  # a specialist sees the pairs they follow
        query = query.where(Mentorship.id.in_(pairs.followed_by(current_user, g.region)))
    rows = paginate(
        query
        .options(selectinload(Mentorship.mentor), selectinload(Mentorship.graduate))
        .order_by(Mentorship.proposed_at.desc(), Mentorship.id.desc()), per_page=30)
    page = render_template("mentorship/mentorships.html", rows=rows, status=wanted, statuses=STATUS_LABELS)
    _record_list_read(rows.items)
    return page


def _specialists_form(row: Mentorship, form: SpecialistsForm | None = None) -> SpecialistsForm:
    form = form or SpecialistsForm(formdata=None, specialists=sorted(row.specialist_ids))
    form.specialists.choices = [(u.id, u.name) for u in pairs.region_specialists(g.region)]
    return form


def _detail(row: Mentorship, status: int = 200, **forms):
    page = render_template(
        "mentorship/mentorship.html", row=row, can_log=row.status == MentorshipStatus.active and _keeps_log(row),
        sees_log=_keeps_log(row), is_coordinator=_is("coordinator"), is_staff=_follows(row),
        is_graduate=row.graduate_id == current_user.id,
        specialists_form=_specialists_form(row, forms.get("specialists_form")) if _is("coordinator") else None,
        meeting_form=forms.get("meeting_form") or MeetingForm(formdata=None, met_on=date.today()),
        end_form=forms.get("end_form") or EndForm(formdata=None),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        ask_end_form=forms.get("ask_end_form") or AskEndForm(formdata=None), confirm_form=ConfirmForm())
    return page, status


@bp.route("/mentorships/<int:mentorship_id>")
@access.members(*PEOPLE)
def mentorship(mentorship_id: int):
    row = _mentorship(mentorship_id)
    if row.graduate_id != current_user.id:
        audit.record("mentorship.viewed", target=f"mentorship:{row.id}", region=g.region, subject=row.graduate)
        db.session.commit()
    return _detail(row)


def _people_of(row: Mentorship) -> dict:
    return dict(graduate=row.graduate.name, mentor=row.mentor.name)


@bp.route("/mentorships/<int:mentorship_id>/decide", methods=["POST"])
@access.members("coordinator")
def decide(mentorship_id: int):
    row = _mentorship(mentorship_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _decided(row, form, status=422)
    approve = form.decision.data == "approve"
    try:
        pairs.decide(row, approve, form.reason.data or "", current_user)
    except pairs.PairingRefused as refusal:
        db.session.rollback()
        form.reason.errors.append(str(refusal))
        return _decided(_mentorship(mentorship_id), form, status=422)
    if approve:
        link = url_for("mentorship.mentorship", mentorship_id=row.id)
        notify(row.graduate, _l("You have a mentor: %(mentor)s. See why you were paired."), link=link,
               **_people_of(row))
        notify(row.mentor, _l("Your mentorship with %(graduate)s is approved."), link=link, **_people_of(row))
    audit.record("mentorship.approved" if approve else "mentorship.rejected", target=f"mentorship:{row.id}",
                 region=g.region, subject=row.graduate, details={"reason": row.decision_reason})
    db.session.commit()
    message = (_("Approved: %(graduate)s with %(mentor)s.", **_people_of(row)) if approve
               else _("Rejected: %(graduate)s with %(mentor)s. This pair will not be proposed again.",
                      **_people_of(row)))
    if htmx and request.headers.get("HX-Target", "").startswith("proposal-"):
        return render_template("mentorship/partials/decided.html", row=row, message=message)
    flash(message, "success")
    return redirect_to(url_for("mentorship.board") + "#proposals")


def _decided(row, form, status):
    if htmx and request.headers.get("HX-Target", "").startswith("proposal-"):
        return render_template("mentorship/partials/proposal.html", row=row, decision_form=form,
                               confirm_form=ConfirmForm()), status
    return _detail(row, status=status, decision_form=form)


@bp.route("/mentorships/<int:mentorship_id>/pin", methods=["POST"])
@access.members("coordinator")
def pin(mentorship_id: int):
    row = _mentorship(mentorship_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if row.status == MentorshipStatus.proposed:
        row.pinned = not row.pinned
        audit.record("mentorship.pinned" if row.pinned else "mentorship.unpinned", target=f"mentorship:{row.id}",
                     region=g.region, subject=row.graduate)
        db.session.commit()
    if htmx:
        return render_template("mentorship/partials/proposal.html", row=row, decision_form=DecisionForm(formdata=None),
                               confirm_form=ConfirmForm())
    return redirect(url_for("mentorship.board") + f"#proposal-{row.id}")


@bp.route("/mentorships/<int:mentorship_id>/specialists", methods=["POST"])
@access.members("coordinator")
def specialists(mentorship_id: int):
    """The coordinator names the specialists who follow the pair; each newly named is told."""
    row = _mentorship(mentorship_id)
    form = _specialists_form(row, SpecialistsForm())
    if row.status in (MentorshipStatus.rejected, MentorshipStatus.ended):
        flash(_("This pair is no longer followed: it has ended or was rejected."), "error")
        return redirect_to(url_for("mentorship.mentorship", mentorship_id=row.id))
    if not form.validate_on_submit():
        return _detail(row, status=422, specialists_form=form)
    named = pairs.name_specialists(row, set(form.specialists.data or ()), current_user)
    link = url_for("mentorship.mentorship", mentorship_id=row.id)
    for specialist in named:
        notify(specialist, _l("You now follow the mentorship of %(graduate)s and %(mentor)s."), link=link,
               **_people_of(row))
    audit.record("mentorship.specialists.named", target=f"mentorship:{row.id}", region=g.region,
                 subject=row.graduate, details={"specialists": sorted(row.specialist_ids)})
    db.session.commit()
    flash(_("Saved: who follows the pair."), "success")
    return redirect_to(url_for("mentorship.mentorship", mentorship_id=row.id) + "#followers")


@bp.route("/mentorships/<int:mentorship_id>/end", methods=["POST"])
@access.members(*STAFF)
def end(mentorship_id: int):
    row = _mentorship(mentorship_id)
    form = EndForm()
    if not form.validate_on_submit():
        return _detail(row, status=422, end_form=form)
    try:
        pairs.end(row, Outcome(form.outcome.data), form.note.data or "")
    except pairs.PairingRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect_to(url_for("mentorship.mentorship", mentorship_id=mentorship_id))
    link = url_for("mentorship.index")
    for person in (row.graduate, row.mentor):
        notify(person, _l("The mentorship of %(graduate)s and %(mentor)s has ended."), link=link,
               **_people_of(row))
    audit.record("mentorship.ended", target=f"mentorship:{row.id}", region=g.region, subject=row.graduate,
                 details={"outcome": row.outcome.value})
    db.session.commit()
    flash(_("The mentorship has ended."), "success")
    return redirect_to(url_for("mentorship.mentorship", mentorship_id=row.id))


@bp.route("/mentorships/<int:mentorship_id>/leave", methods=["POST"])
@access.members("graduate")
def leave(mentorship_id: int):
    """The graduate decides: their wish ends the mentorship at once."""
    row = _mentorship(mentorship_id)
    if row.graduate_id != current_user.id:
        abort(404)
    form = AskEndForm()
    if not form.validate_on_submit():
        return _detail(row, status=422, ask_end_form=form)
    try:
        pairs.end(row, Outcome.graduate_asked, form.note.data or "")
    except pairs.PairingRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect_to(url_for("mentorship.index"))
    notify(row.mentor, _l("%(graduate)s has ended the mentorship with you."), link=url_for("mentorship.index"),
           **_people_of(row))
    audit.record("mentorship.ended", target=f"mentorship:{row.id}", region=g.region, subject=row.graduate,
                 details={"outcome": row.outcome.value})
    db.session.commit()
    flash(_("Your mentorship has ended. You can ask for a mentor again at any time."), "success")
    return redirect_to(url_for("mentorship.index"))


@bp.route("/mentorships/<int:mentorship_id>/meetings", methods=["POST"])
@access.members("mentor", *STAFF)
def add_meeting(mentorship_id: int):
    row = _mentorship(mentorship_id)
    if not _keeps_log(row):
        abort(404)
    form = MeetingForm()
    if row.status != MentorshipStatus.active:
        flash(_("Meetings are logged only while the mentorship is active."), "error")
        return redirect_to(url_for("mentorship.mentorship", mentorship_id=row.id))
    if not form.validate_on_submit():
        return _detail(row, status=422, meeting_form=form)
    if form.met_on.data > date.today():
        form.met_on.errors.append(_("A meeting in the log cannot be in the future."))
        return _detail(row, status=422, meeting_form=form)
    if form.met_on.data < row.proposed_at.date():
        form.met_on.errors.append(_("A meeting in the log cannot be before the pair was proposed (%(date)s).",
                                    date=format_date(row.proposed_at.date())))
        return _detail(row, status=422, meeting_form=form)
    db.session.add(Meeting(mentorship=row, author_id=current_user.id, met_on=form.met_on.data,
                           what_was_done=form.what_was_done.data.strip(), next_step=(form.next_step.data or "").strip()))
    audit.record("mentorship.meeting.logged", target=f"mentorship:{row.id}", region=g.region, subject=row.graduate)
    db.session.commit()
    flash(_("The meeting is in the log."), "success")
    return redirect_to(url_for("mentorship.mentorship", mentorship_id=row.id) + "#log")
