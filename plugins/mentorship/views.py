"""Pages of mentorship: profiles, the coordinator's matching board, mentorships and their logs."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

import matching
from plugins.mentorship import pairs
from plugins.mentorship.forms import (AskEndForm, DecisionForm, EndForm, GraduateProfileForm, MeetingForm,
                                      MentorProfileForm, ProposeForm, SpecialistsForm)
from plugins.mentorship.models import (STATUS_LABELS, GraduateProfile, MentorProfile, Mentorship, MentorshipStatus,
                                       Outcome)
from portal.kit import (SUPPORT_AREAS, SUPPORT_STAFF, ConfirmForm, Gone, Refusal, audit, db, hold, htmx, members,
                        notify, paginate, parse_id, redirect_to, region_object, render_audited, template_helpers,
                        today)

bp = Blueprint("mentorship", __name__, template_folder="templates")

STAFF = SUPPORT_STAFF
PEOPLE = ("graduate", "mentor", *STAFF)
BOARD_PAGE = 20
REASON_TEMPLATES = {
    "covers_needs": _l("can help with %(areas)s, which is needed"),
    "shared_interests": _l("both: %(items)s"),
    "same_municipality": _l("same municipality"),
    "similar_about": _l("similar in what they say about themselves"),
    "learned": _l("coordinators approved similar pairs"),
}


def area_label(code: str) -> str:
    return str(SUPPORT_AREAS.get(code, code))


def area_labels(codes) -> str:
    return ", ".join(area_label(code) for code in codes or ())


def reason_text(reason) -> str:
    """A stored reason in the reader's language, whatever language it was made in."""
    code, params = (reason.code, reason.params) if hasattr(reason, "code") else (reason["code"], reason["params"])
    try:
        made = matching.Reason(code, params)
    except ValueError:
        return ""
    template = REASON_TEMPLATES.get(code)
    return made.render(str(template), area_label=lambda a: area_label(a).lower()) if template else str(made)




#: What the decisions taught a model, one sentence per feature; %(how)s is one of HOW.
LESSONS = {
    "cover": _l("Approved pairs covered the graduate's needs %(how)s than rejected ones."),
    "interests": _l("Approved pairs shared interests %(how)s than rejected ones."),
    "about": _l("Approved pairs said alike things about themselves %(how)s than rejected ones."),
    "same_municipality": _l("Approved pairs lived in the same municipality %(how)s than rejected ones."),
    "shared_languages": _l("Approved pairs spoke two languages in common %(how)s than rejected ones."),
}
HOW = {"far_more": _l("far more often"), "more": _l("more often"), "less": _l("less often"),
       "far_less": _l("far less often")}


def percent(value: float | None) -> int:
    return int(round((value or 0.0) * 100))


def model_lessons(model: matching.DecisionModel | None) -> list[str]:
    """What the decisions taught the model, in words, the biggest difference first."""
    if model is None:
        return []
    found = []
    for name, (approved, rejected) in model.lessons.items():
        how = matching.model.lesson_strength(approved, rejected)
        if how and name in LESSONS:
            found.append((-abs(approved - rejected), str(LESSONS[name]) % {"how": HOW[how]}))
    return [text for _order, text in sorted(found)]


def mentor_name(row: Mentorship) -> str:
    """The pair's mentor as people read it; a mentor whose data was erased has no name left."""
    return row.mentor.name if row.mentor is not None else _("a mentor whose data was erased")


template_helpers(bp, area_label=area_label, area_labels=area_labels, reason_text=reason_text, mentor_name=mentor_name)


def _is(*roles) -> bool:
    return current_user.has_role(g.region, *roles)


def _may_see(row: Mentorship) -> bool:
    """Who knows a pair exists: the staff who follow it, its mentor (unless rejected), its graduate once approved."""
    if _follows(row):
        return True
    if _is("mentor") and row.mentor_id == current_user.id and row.status != MentorshipStatus.rejected:
        return True
    return _is("graduate") and row.graduate_id == current_user.id and row.status in (
        MentorshipStatus.active, MentorshipStatus.ended)


def _mentorship(mentorship_id: int) -> Mentorship:
    return region_object(Mentorship, mentorship_id, allowed=_may_see)


def _follows(row: Mentorship) -> bool:
    """Coordinators follow every pair of their region; a specialist the pairs they are named to."""
    return _is("coordinator") or (_is("specialist") and current_user.id in row.specialist_ids)


def _keeps_log(row: Mentorship) -> bool:
    """The meeting log is the pair's: its mentor and the staff who follow it, nobody else."""
    return _follows(row) or row.mentor_id == current_user.id


def _municipality_choices():
    return [(0, _("not said"))] + [(m.id, m.name) for m in g.region.municipalities]


def _tell(refusal: Refusal, form) -> None:
    """A refusal about one field goes next to it; one about the whole thing is the page's message."""
    if refusal.field:
        refusal.show_on(form)
    else:
        flash(str(refusal), "error")


# --- everyone's start page ----------------------------------------------------

def _list_read(rows) -> dict:
    """A list naming graduates (with their needs, in the reasons) is a read of their records."""
    return dict(action="mentorship.list.viewed", target="mentorships", names=[row.graduate_id for row in rows],
                details={"mentorships": [row.id for row in rows]}, audit_if=bool(rows))


@bp.route("/")
@members(*PEOPLE)
def index():
    mine = db.session.scalars(
        select(Mentorship).where(Mentorship.region_id == g.region.id,
                                 or_(Mentorship.mentor_id == current_user.id, Mentorship.graduate_id == current_user.id))
        .options(selectinload(Mentorship.mentor), selectinload(Mentorship.graduate))
        .order_by(Mentorship.proposed_at.desc())).all()
    as_mentor = [m for m in mine if m.mentor_id == current_user.id and m.status != MentorshipStatus.rejected]
    as_graduate = [m for m in mine if m.graduate_id == current_user.id
                   and m.status in (MentorshipStatus.active, MentorshipStatus.ended)]
    return render_audited(
        "mentorship/index.html", **_list_read(as_mentor), as_mentor=as_mentor, as_graduate=as_graduate,
        mentor_profile=pairs.mentor_profile(current_user, g.region) if _is("mentor") else None,
        graduate_profile=pairs.graduate_profile(current_user, g.region) if _is("graduate") else None,
        ask_end_form=AskEndForm(), is_staff=_is(*STAFF), is_coordinator=_is("coordinator"))


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
@members("mentor")
def mentor_profile():
    profile = pairs.mentor_profile(current_user, g.region)
    form = _profile_form(MentorProfileForm, profile)
    if form.validate_on_submit():
        profile = profile or MentorProfile(user_id=current_user.id, region_id=g.region.id)
        try:
            beyond = pairs.offer_places(profile, form.capacity.data, g.region)
            _save_profile(form, profile)
            profile.availability = (form.availability.data or "").strip()
            pairs.keep_new_profile(profile)
        except Refusal as refusal:
            db.session.rollback()
            _tell(refusal, form)
            return render_template("mentorship/mentor_profile.html", form=form), 422
        audit("mentorship.profile.changed", target=f"mentor:{current_user.id}", region=g.region)
        db.session.commit()
        flash(_("Your mentor profile is saved."), "success")
        if beyond:
            flash(_("More pairs are proposed to you than you now take: the coordinator approves only as many "
                    "as you take."), "info")
        return redirect(url_for("mentorship.index"))
    return render_template("mentorship/mentor_profile.html", form=form), 422 if form.errors else 200


@bp.route("/profile/graduate", methods=["GET", "POST"])
@members("graduate")
def graduate_profile():
    profile = pairs.graduate_profile(current_user, g.region)
    form = _profile_form(GraduateProfileForm, profile)
    if request.method == "GET" and profile is not None:
        form.prefers_gender.data = profile.prefers_gender or ""
    if form.validate_on_submit():
        profile = profile or GraduateProfile(user_id=current_user.id, region_id=g.region.id)
        _save_profile(form, profile)
        profile.wants_mentor = bool(form.wants_mentor.data)
        profile.prefers_gender = form.prefers_gender.data or None
        try:
            pairs.keep_new_profile(profile)
        except Refusal as refusal:
            db.session.rollback()
            _tell(refusal, form)
            return render_template("mentorship/graduate_profile.html", form=form), 422
        audit("mentorship.profile.changed", target=f"graduate:{current_user.id}", region=g.region,
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
    model_row = pairs.latest_model(g.region)
    learnt = pairs.load_model(g.region) if model_row is not None else None
    return dict(waiting=waiting[(page - 1) * BOARD_PAGE:page * BOARD_PAGE], waiting_count=len(waiting),
                page=page, pages=pages, proposals=proposals, mentors=pairs.mentors_with_room(g.region),
                model=model_row, learnt=learnt, lessons=model_lessons(learnt), percent=percent,
                decisions_count=pairs.decisions_count(g.region), min_decisions=pairs.min_decisions(),
                confirm_form=ConfirmForm(), decision_form=DecisionForm())


@bp.route("/board")
@members("coordinator")
def board():
    context = _board_context()
    shown = [p.user_id for p in context["waiting"]] + [row.graduate_id for row in context["proposals"]]
    return render_audited("mentorship/board.html", action="mentorship.board.viewed", target="board", names=shown,
                          **context)


def _region_profile(kind, user_id: int, role: str):
    """A graduate's or mentor's profile in this region, for a person who holds the role here; else 404."""
    profile = db.session.scalar(select(kind).where(kind.user_id == user_id, kind.region_id == g.region.id))
    if profile is None or not profile.user.has_role(g.region, role):
        abort(404)
    return profile


@bp.route("/board/graduates/<int:graduate_id>")
@members("coordinator")
def suggestions(graduate_id: int):
    profile = _region_profile(GraduateProfile, graduate_id, "graduate")
    graduate = pairs.as_graduate(profile, g.region)
    found = pairs.suggestions_for(graduate, g.region, k=5, model=pairs.load_model(g.region))
    template = "mentorship/partials/suggestions.html" if htmx else "mentorship/suggestions.html"
    return render_audited(template, action="mentorship.suggestions.viewed", target=f"graduate:{profile.user_id}",
                          subject=profile.user, names=[profile.user_id], profile=profile, suggestions=found,
                          needs=graduate.areas, form=ConfirmForm(),
                          paired=profile.user_id in pairs.paired_graduates(g.region))


def _pair_read(row: Mentorship) -> dict:
    """The audit line of a page or partial showing one pair; none when its graduate reads their own."""
    return dict(action="mentorship.viewed", target=f"mentorship:{row.id}", subject=row.graduate,
                audit_if=row.graduate_id != current_user.id)


@bp.route("/board/propose", methods=["POST"])
@members("coordinator")
def propose():
    form = ProposeForm()
    graduate_id, mentor_id = parse_id(form.graduate.data), parse_id(form.mentor.data)
    if not form.validate_on_submit() or graduate_id is None or mentor_id is None:
        flash(_("Choose a graduate and a mentor."), "error")
        return redirect_to(url_for("mentorship.board"))
    profile = _region_profile(GraduateProfile, graduate_id, "graduate")
    mentor = _region_profile(MentorProfile, mentor_id, "mentor")
    try:
        row = pairs.propose(g.region, profile, mentor, current_user, model=pairs.load_model(g.region))
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect_to(url_for("mentorship.board"))
    audit("mentorship.proposed", target=f"mentorship:{row.id}", region=g.region, subject=profile.user)
    db.session.commit()
    if htmx:  # the proposal itself appears in the list: no message left over for the next page
        return render_audited("mentorship/partials/proposed.html", **_pair_read(row), row=row,
                              decision_form=DecisionForm(formdata=None))
    flash(_("Proposed: %(graduate)s with %(mentor)s. Approve or reject it below.",
            graduate=profile.user.name, mentor=mentor.user.name), "success")
    return redirect(url_for("mentorship.board") + f"#proposal-{row.id}")


@bp.route("/board/optimise", methods=["POST"])
@members("coordinator")
def optimise():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    made = pairs.propose_optimal(g.region, current_user, model=pairs.load_model(g.region))
    audit("mentorship.optimised", target="board", region=g.region, details={"proposals": [row.id for row in made]})
    db.session.commit()
    flash(_("Proposed %(count)d pairs for everyone waiting; review them below.", count=len(made)), "success")
    return redirect_to(url_for("mentorship.board") + "#proposals")


@bp.route("/board/retrain", methods=["POST"])
@members("coordinator")
def retrain():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        found = pairs.retrain(g.region, current_user)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal), "info")
        return redirect_to(url_for("mentorship.board"))
    if not found.learnt:
        flash(_("Too few decisions to learn from: at least %(count)d, with approvals and rejections both.",
                count=pairs.min_decisions()), "error")
        return redirect_to(url_for("mentorship.board"))
    figures = dict(held=found.held_out, new=percent(found.new_figure), current=percent(found.current_figure))
    if found.row is None:
        flash(_("On the latest %(held)d decisions, held out, the new model put approved pairs above rejected "
                "ones %(new)d %% of the time, the current one %(current)d %%: the current one is kept.",
                **figures), "info")
    else:
        audit("mentorship.model.trained", target=f"model:{found.row.version}", region=g.region,
              details={"decisions": found.row.decisions, "held_out": found.model.held_out,
                       "used": found.model.is_fitted})
        flash(_("Trained on %(count)d decisions, version %(version)d.", count=found.row.decisions,
                version=found.row.version) + " " + _(
            "On the latest %(held)d decisions, held out, the new model put approved pairs above rejected ones "
            "%(new)d %% of the time, the current one %(current)d %%: the new one is kept.", **figures),
            "success")
    db.session.commit()
    return redirect_to(url_for("mentorship.board"))


# --- mentorships ----------------------------------------------------------------

@bp.route("/mentorships")
@members(*STAFF)
def mentorships():
    status = request.args.get("status", "active")
    wanted = MentorshipStatus(status) if status in MentorshipStatus._value2member_map_ else MentorshipStatus.active
    query = select(Mentorship).where(Mentorship.region_id == g.region.id, Mentorship.status == wanted)
    flagged = request.args.get("flagged") == "1"
    if flagged:
        query = query.where(Mentorship.flagged_at.is_not(None))
    if not _is("coordinator"):  # a specialist sees the pairs they follow
        query = query.where(Mentorship.id.in_(pairs.followed_by(current_user, g.region)))
    rows = paginate(
        query
        .options(selectinload(Mentorship.mentor), selectinload(Mentorship.graduate))
        .order_by(Mentorship.proposed_at.desc(), Mentorship.id.desc()), per_page=30)
    return render_audited("mentorship/mentorships.html", **_list_read(rows.items), rows=rows, status=wanted,
                          statuses=STATUS_LABELS, flagged=flagged)


def _specialists_form(row: Mentorship, form: SpecialistsForm | None = None) -> SpecialistsForm:
    form = form or SpecialistsForm(formdata=None, specialists=sorted(row.specialist_ids))
    form.specialists.choices = [(u.id, u.name) for u in pairs.region_specialists(g.region)]
    return form


def _detail(row: Mentorship, status: int = 200, **forms):
    """The pair's page: its first render and every render again after a form error, each audited."""
    return render_audited(
        "mentorship/mentorship.html", **_pair_read(row), status=status, row=row,
        can_log=row.status == MentorshipStatus.active and _keeps_log(row),
        sees_log=_keeps_log(row), is_coordinator=_is("coordinator"), is_staff=_follows(row),
        is_graduate=row.graduate_id == current_user.id,
        specialists_form=_specialists_form(row, forms.get("specialists_form")) if _is("coordinator") else None,
        meeting_form=forms.get("meeting_form") or MeetingForm(formdata=None, met_on=today(g.region)),
        end_form=forms.get("end_form") or EndForm(formdata=None),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        ask_end_form=forms.get("ask_end_form") or AskEndForm(formdata=None), confirm_form=ConfirmForm())


def _refused(row: Mentorship, refusal: Refusal, **forms):
    """After a refusal: the pair as it is now, the message next to its field or on top of the page."""
    db.session.rollback()
    _tell(refusal, next(iter(forms.values())))
    return _detail(row, status=422, **forms)


@bp.route("/mentorships/<int:mentorship_id>")
@members(*PEOPLE)
def mentorship(mentorship_id: int):
    return _detail(_mentorship(mentorship_id))


def _people_of(row: Mentorship) -> dict:
    return dict(graduate=row.graduate.name, mentor=mentor_name(row))


def _in_proposal() -> bool:
    """An htmx request from a proposal card on the board: it gets the card back, not a page."""
    return bool(htmx) and request.headers.get("HX-Target", "").startswith("proposal-")


def _proposal(row: Mentorship, form: DecisionForm | None = None, status: int = 200):
    return render_audited("mentorship/partials/proposal.html", **_pair_read(row), status=status, row=row,
                          decision_form=form or DecisionForm(formdata=None), confirm_form=ConfirmForm())


@bp.route("/mentorships/<int:mentorship_id>/decide", methods=["POST"])
@members("coordinator")
def decide(mentorship_id: int):
    row = _mentorship(mentorship_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _proposal(row, form, 422) if _in_proposal() else _detail(row, status=422, decision_form=form)
    approve = form.decision.data == "approve"
    try:
        pairs.decide(row, approve, form.reason.data or "", current_user)
    except Gone:
        raise  # withdrawn meanwhile: nothing left to show in its place; the core says so
    except Refusal as refusal:
        if not _in_proposal():
            return _refused(row, refusal, decision_form=form)
        db.session.rollback()
        if row.status != MentorshipStatus.proposed:  # decided a moment ago by someone else: say so in its place
            return render_template("mentorship/partials/decided.html", row=row, message=str(refusal)), 422
        refusal.show_on(form, "reason")
        return _proposal(row, form, 422)
    if approve:
        link = url_for("mentorship.mentorship", mentorship_id=row.id)
        notify(row.graduate, _l("You have a mentor: %(mentor)s. See why you were paired."), link=link,
               **_people_of(row))
        notify(row.mentor, _l("Your mentorship with %(graduate)s is approved."), link=link, **_people_of(row))
    db.session.commit()
    message = (_("Approved: %(graduate)s with %(mentor)s.", **_people_of(row)) if approve
               else _("Rejected: %(graduate)s with %(mentor)s. This pair will not be proposed again.",
                      **_people_of(row)))
    if _in_proposal():
        return render_template("mentorship/partials/decided.html", row=row, message=message)
    flash(message, "success")
    return redirect_to(url_for("mentorship.board") + "#proposals")


@bp.route("/mentorships/<int:mentorship_id>/pin", methods=["POST"])
@members("coordinator")
def pin(mentorship_id: int):
    row = _mentorship(mentorship_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    hold(row)  # the status as the database has it now: a proposal decided a moment ago is not pinned
    if row.status == MentorshipStatus.proposed:
        row.pinned = not row.pinned
        audit("mentorship.pinned" if row.pinned else "mentorship.unpinned", target=f"mentorship:{row.id}",
              region=g.region, subject=row.graduate)
        db.session.commit()
    if htmx:
        return _proposal(row)
    return redirect(url_for("mentorship.board") + f"#proposal-{row.id}")


@bp.route("/mentorships/<int:mentorship_id>/specialists", methods=["POST"])
@members("coordinator")
def specialists(mentorship_id: int):
    """The coordinator names the specialists who follow the pair; each newly named is told."""
    row = _mentorship(mentorship_id)
    form = _specialists_form(row, SpecialistsForm())
    if row.status in (MentorshipStatus.rejected, MentorshipStatus.ended):
        flash(str(pairs.NOT_FOLLOWED), "error")
        return redirect_to(url_for("mentorship.mentorship", mentorship_id=row.id))
    if not form.validate_on_submit():
        return _detail(row, status=422, specialists_form=form)
    try:
        named = pairs.name_specialists(row, set(form.specialists.data or ()), current_user)
    except Refusal as refusal:
        return _refused(row, refusal, specialists_form=form)
    link = url_for("mentorship.mentorship", mentorship_id=row.id)
    for specialist in named:
        notify(specialist, _l("You now follow the mentorship of %(graduate)s and %(mentor)s."), link=link,
               **_people_of(row))
    audit("mentorship.specialists.named", target=f"mentorship:{row.id}", region=g.region, subject=row.graduate,
          details={"specialists": sorted(row.specialist_ids)})
    db.session.commit()
    flash(_("Saved: who follows the pair."), "success")
    return redirect_to(url_for("mentorship.mentorship", mentorship_id=row.id) + "#followers")


@bp.route("/mentorships/<int:mentorship_id>/end", methods=["POST"])
@members(*STAFF)
def end(mentorship_id: int):
    row = _mentorship(mentorship_id)
    form = EndForm()
    if not form.validate_on_submit():
        return _detail(row, status=422, end_form=form)
    try:
        pairs.end(row, Outcome(form.outcome.data), form.note.data or "")
    except Refusal as refusal:
        return _refused(row, refusal, end_form=form)
    link = url_for("mentorship.index")
    for person in (row.graduate, row.mentor):
        notify(person, _l("The mentorship of %(graduate)s and %(mentor)s has ended."), link=link,
               **_people_of(row))
    db.session.commit()
    flash(_("The mentorship has ended."), "success")
    return redirect_to(url_for("mentorship.mentorship", mentorship_id=row.id))


@bp.route("/mentorships/<int:mentorship_id>/leave", methods=["POST"])
@members("graduate")
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
    except Refusal as refusal:
        return _refused(row, refusal, ask_end_form=form)
    notify(row.mentor, _l("%(graduate)s has ended the mentorship with you."), link=url_for("mentorship.index"),
           **_people_of(row))
    db.session.commit()
    flash(_("Your mentorship has ended. You can ask for a mentor again at any time."), "success")
    return redirect_to(url_for("mentorship.index"))


@bp.route("/mentorships/<int:mentorship_id>/meetings", methods=["POST"])
@members("mentor", *STAFF)
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
    try:
        pairs.log_meeting(row, current_user, form.met_on.data, form.what_was_done.data,
                          form.next_step.data or "", g.region)
    except Refusal as refusal:
        return _refused(row, refusal, meeting_form=form)
    audit("mentorship.meeting.logged", target=f"mentorship:{row.id}", region=g.region, subject=row.graduate)
    db.session.commit()
    flash(_("The meeting is in the log."), "success")
    return redirect_to(url_for("mentorship.mentorship", mentorship_id=row.id) + "#log")
