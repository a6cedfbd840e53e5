"""Pages of mentorship: profiles, the coordinator's matching board, mentorships and their logs."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

import matching
from plugins.mentorship import jobs, pairs, words
from plugins.mentorship.forms import (AskEndForm, DeclineForm, EndForm, GraduateProfileForm, MeetingForm,
                                      MentorProfileForm, ProposeForm, RejectForm, SpecialistsForm)
from plugins.mentorship.models import (ANSWER_LABELS, STATUS_LABELS, GraduateProfile, MentorProfile, Mentorship,
                                       MentorshipStatus, Outcome)
from portal.kit import (SUPPORT_AREAS, SUPPORT_STAFF, ConfirmForm, Gone, Refusal, audit, db, enqueue, hold, htmx,
                        members, notify, paginate, parse_id, redirect_to, region_object, render_audited,
                        template_helpers, today)

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


#: The support areas' labels per language: they depend on the language and the codes alone.
_AREA_LABELS: dict[str, dict[str, str]] = {}


def _area_labels_here() -> dict[str, str]:
    locale = str(get_locale())
    found = _AREA_LABELS.get(locale)
    if found is None:
        found = _AREA_LABELS[locale] = {code: str(label) for code, label in SUPPORT_AREAS.items()}
    return found


def area_label(code: str) -> str:
    return _area_labels_here().get(code, code)


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


template_helpers(bp, area_label=area_label, area_labels=area_labels, reason_text=reason_text, mentor_name=mentor_name,
                 side_reasons=words.side_reasons, answer_label=ANSWER_LABELS, waiting_for=words.waiting_for,
                 job_status=jobs.JOB_STATUS_LABELS)


def _is(*roles) -> bool:
    return current_user.has_role(g.region, *roles)


def _my_side(row: Mentorship) -> str | None:
    """The person's side of the pair ("graduate" or "mentor"), only while they hold that role here."""
    side = row.side_of(current_user)
    return side if side is not None and _is(side) else None


def _may_see(row: Mentorship) -> bool:
    """Who knows a pair exists: the staff who follow it, and its graduate and mentor from the proposal on."""
    return _follows(row) or _my_side(row) is not None


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


def _pending_as(role: str) -> bool:
    """The person registered here as ``role`` and waits for the coordinator's approval."""
    return any(m.region_id == g.region.id and m.role.value == role and m.status.value == "pending"
               for m in current_user.memberships)


@bp.route("/")
@members(*PEOPLE, pending_ok=True)
def index():
    """Everyone's start: a mentor's proposals, mentees and next steps; a graduate's proposal and mentor;
    a mentor still waiting for approval, what to bring and where."""
    sides = [side for side in ("mentor", "graduate") if _is(side)]
    mine = db.session.scalars(
        select(Mentorship).where(Mentorship.region_id == g.region.id,
                                 or_(Mentorship.mentor_id == current_user.id, Mentorship.graduate_id == current_user.id))
        .options(selectinload(Mentorship.mentor), selectinload(Mentorship.graduate),
                 selectinload(Mentorship.meetings))
        .order_by(Mentorship.proposed_at.desc(), Mentorship.id.desc())).all() if sides else []
    as_mentor = [m for m in mine if m.mentor_id == current_user.id and "mentor" in sides]
    as_graduate = [m for m in mine if m.graduate_id == current_user.id and "graduate" in sides]
    mentor_profile_ = pairs.mentor_profile(current_user, g.region) if "mentor" in sides else None
    return render_audited(
        "mentorship/index.html", **_list_read(as_mentor), as_mentor=as_mentor, as_graduate=as_graduate,
        mentor_profile=mentor_profile_,
        graduate_profile=pairs.graduate_profile(current_user, g.region) if "graduate" in sides else None,
        own_needs=pairs.own_needs([m.graduate_id for m in as_mentor], g.region),
        next_steps=words.mentor_next_steps(as_mentor, mentor_profile_, current_user, g.region)
        if "mentor" in sides else [],
        pending_mentor=_pending_as("mentor") and "mentor" not in sides,
        pending_graduate=_pending_as("graduate") and "graduate" not in sides,
        ask_end_form=AskEndForm(), decline_form=DeclineForm(formdata=None), confirm_form=ConfirmForm(),
        is_staff=_is(*STAFF), is_coordinator=_is("coordinator"))


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

def _board_filters() -> tuple[int | None, str | None, list, list]:
    """The board's GET filters, kept only when they name a municipality of the region and a known need."""
    towns = [(m.id, m.name) for m in g.region.municipalities]
    municipality = request.args.get("municipality", type=int)
    need = request.args.get("need") or None
    return (municipality if municipality in dict(towns) else None, need if need in matching.AREAS else None,
            towns, [(area, area_label(area)) for area in matching.AREAS])


def _board_context():
    municipality, need, towns, needs = _board_filters()
    waiting = paginate(pairs.waiting_query(g.region, municipality, need), per_page=BOARD_PAGE)
    open_rows = db.session.scalars(
        select(Mentorship).where(Mentorship.region_id == g.region.id,
                                 Mentorship.status.in_(MentorshipStatus.open_proposal()))
        .options(joinedload(Mentorship.mentor), joinedload(Mentorship.graduate))
        .order_by(Mentorship.proposed_at, Mentorship.id).limit(2 * BOARD_PAGE + 1)).all()
    proposals = [row for row in open_rows if row.status == MentorshipStatus.proposed][:BOARD_PAGE]
    answering = [row for row in open_rows if row.status == MentorshipStatus.approved][:BOARD_PAGE]
    counts = pairs.board_counts(g.region)
    model_row = pairs.latest_model(g.region)
    learnt = pairs.model_of(model_row)
    return dict(waiting=waiting.items, waiting_page=waiting, waiting_count=waiting.total,
                filters={"municipality": municipality or "", "need": need or ""}, towns=towns, needs=needs,
                proposals=proposals, proposals_count=counts["coordinator"], answering=answering,
                answering_count=counts["approved"], mentors_count=counts["mentors"],
                model=model_row, learnt=learnt, lessons=model_lessons(learnt), percent=percent,
                decisions_count=counts["decisions"], min_decisions=pairs.min_decisions(),
                confirm_form=ConfirmForm(), reject_form=RejectForm(formdata=None))


@bp.route("/board")
@members("coordinator")
def board():
    context = _board_context()
    shown = [p.user_id for p in context["waiting"]] + [row.graduate_id for row in
                                                       context["proposals"] + context["answering"]]
    return render_audited("mentorship/board.html", action="mentorship.board.viewed", target="board", names=shown,
                          **context)


@bp.route("/board/mentors")
@members("coordinator")
def board_mentors():
    """The region's mentors and their places left, paged: two namesakes told apart by municipality and e-mail."""
    page = paginate(pairs.mentors_query(g.region), per_page=50)
    taken = pairs.places_taken(g.region)
    rows = [(mentor, max(mentor.capacity - taken[mentor.user_id], 0)) for mentor in page.items]
    template = ("mentorship/partials/mentors_table.html" if htmx and htmx.target == "mentors"
                else "mentorship/board_mentors.html")
    return render_template(template, page=page, rows=rows)


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
                          paired=pairs.is_paired(g.region, profile.user_id))


def _pair_read(row: Mentorship) -> dict:
    """The audit line of a page or partial showing one pair; none when its graduate reads their own."""
    return dict(action="mentorship.viewed", target=f"mentorship:{row.id}", subject=row.graduate,
                audit_if=row.graduate_id != current_user.id)


def _pair_link(row: Mentorship) -> str:
    return url_for("mentorship.mentorship", mentorship_id=row.id)


def _tell_proposed(row: Mentorship) -> None:
    tell_proposed(row, _pair_link(row))


def tell_proposed(row: Mentorship, link: str, people: dict | None = None) -> None:
    """Both sides hear of a proposal at once: each decides for themself (``people``: id -> User, loaded
    beforehand for many proposals)."""
    graduate = people[row.graduate_id] if people else row.graduate
    mentor = (people.get(row.mentor_id) if people else row.mentor) if row.mentor_id else None
    names = dict(graduate=graduate.name, mentor=mentor.name if mentor is not None else mentor_name(row))
    notify(graduate, _l("A mentor is proposed to you: %(mentor)s. See why, and say whether you agree."),
           link=link, **names)
    if mentor is not None:
        notify(mentor, _l("A graduate is proposed to you as a mentee: %(graduate)s. See why, and say whether "
                              "you agree."), link=link, **names)


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
    _tell_proposed(row)
    db.session.commit()
    if htmx:  # the proposal itself appears in the list: no message left over for the next page
        return render_audited("mentorship/partials/proposed.html", **_pair_read(row), row=row,
                              reject_form=RejectForm(formdata=None), confirm_form=ConfirmForm())
    flash(_("Proposed: %(graduate)s with %(mentor)s. Approve or reject it below.",
            graduate=profile.user.name, mentor=mentor.user.name), "success")
    return redirect(url_for("mentorship.board") + f"#proposal-{row.id}")


def _start(kind):
    """The board's long work: the job already running for it in the region, or a new one; its page at once."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job, new = jobs.start(g.region, current_user, kind)
    db.session.commit()
    if new:
        enqueue("plugins.mentorship.jobs.run_job", job.id)
    return redirect_to(url_for("mentorship.board_job", job_id=job.id))


@bp.route("/board/optimise", methods=["POST"])
@members("coordinator")
def optimise():
    """Propose the best pairs for everyone: a background job (thousands of graduates take seconds)."""
    return _start(jobs.JobKind.propose)


@bp.route("/board/retrain", methods=["POST"])
@members("coordinator")
def retrain():
    return _start(jobs.JobKind.retrain)


@bp.route("/board/jobs/<int:job_id>")
@members("coordinator")
def board_job(job_id: int):
    """The job's progress (the partial, polled by htmx; the page refreshes itself without JavaScript), then
    its result in the reader's language."""
    if jobs.reap():
        db.session.commit()
    job = region_object(jobs.BoardJob, job_id)
    template = "mentorship/partials/job.html" if htmx else "mentorship/job.html"
    return render_template(template, job=job, lines=job_lines(job))


def job_lines(job) -> list[tuple[str, str]]:
    """(category, sentence) of a finished job, as the flash messages said them when the work was in the request."""
    found = job.result or {}
    if job.status != jobs.JobStatus.done:
        return []
    if job.kind == jobs.JobKind.propose:
        return [("success", ngettext("Proposed %(num)d pair for everyone waiting; review them on the board.",
                                     "Proposed %(num)d pairs for everyone waiting; review them on the board.",
                                     found.get("proposed", 0)))]
    outcome = found.get("outcome")
    if outcome == "just_now":
        return [("info", str(pairs.RETRAINED_JUST_NOW))]
    if outcome == "too_few":
        return [("error", _("Too few decisions to learn from: at least %(count)d, with approvals and rejections "
                            "both.", count=found.get("count", 0)))]
    figures = dict(held=found.get("held", 0), new=percent(found.get("new")), current=percent(found.get("current")))
    if outcome == "kept":
        return [("info", _("On the latest %(held)d decisions, held out, the new model put approved pairs above "
                           "rejected ones %(new)d %% of the time, the current one %(current)d %%: the current one "
                           "is kept.", **figures))]
    return [("success", _("Trained on %(count)d decisions, version %(version)d.", count=found.get("decisions", 0),
                          version=found.get("version", 0)) + " " + _(
        "On the latest %(held)d decisions, held out, the new model put approved pairs above rejected ones "
        "%(new)d %% of the time, the current one %(current)d %%: the new one is kept.", **figures))]


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
        .options(joinedload(Mentorship.mentor), joinedload(Mentorship.graduate))
        .order_by(Mentorship.proposed_at.desc(), Mentorship.id.desc()), per_page=30)
    return render_audited("mentorship/mentorships.html", **_list_read(rows.items), rows=rows, shown=wanted,
                          statuses=STATUS_LABELS, flagged=flagged,
                          meetings=pairs.meeting_counts([row.id for row in rows.items]))


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
        is_graduate=row.graduate_id == current_user.id, side=_my_side(row),
        own_needs=pairs.own_needs([row.graduate_id], g.region),
        specialists_form=_specialists_form(row, forms.get("specialists_form")) if _is("coordinator") else None,
        meeting_form=forms.get("meeting_form") or MeetingForm(formdata=None, met_on=today(g.region)),
        end_form=forms.get("end_form") or EndForm(formdata=None),
        reject_form=forms.get("reject_form") or RejectForm(formdata=None),
        decline_form=forms.get("decline_form") or DeclineForm(formdata=None),
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


def _proposal(row: Mentorship, form: RejectForm | None = None, status: int = 200):
    return render_audited("mentorship/partials/proposal.html", **_pair_read(row), status=status, row=row,
                          reject_form=form or RejectForm(formdata=None), confirm_form=ConfirmForm())


def _coordinator_of(row: Mentorship):
    """The coordinator who answers for the pair: who decided it, else who proposed it."""
    return row.decided_by or row.proposed_by


def _tell_active(row: Mentorship, by_side: bool) -> None:
    """The pair has started: each side is told once, and asked for a contact if they shared none."""
    link = _pair_link(row) + "#contacts"
    for person, other in ((row.graduate, mentor_name(row)), (row.mentor, row.graduate.name)):
        if person is None:
            continue
        message = (_l("Your mentorship with %(name)s has started: see how to reach each other.") if person.contact
                   else _l("Your mentorship with %(name)s has started. Add a phone or another contact to your "
                           "profile so that %(name)s can reach you."))
        notify(person, message, link=link, name=other)
    coordinator = _coordinator_of(row)
    if by_side and coordinator is not None:
        notify(coordinator, _l("The pair %(graduate)s — %(mentor)s is active: all three said yes."), link=link,
               **_people_of(row))


def _decided(row: Mentorship, approve: bool, activated: bool) -> str:
    if not approve:
        return _("Rejected: %(graduate)s with %(mentor)s. This pair will not be proposed again.", **_people_of(row))
    if activated:
        return _("Approved: %(graduate)s with %(mentor)s. Both had accepted: the pair is active.", **_people_of(row))
    return _("Approved: %(graduate)s with %(mentor)s. Waiting for: %(who)s.", who=words.waiting_for(row),
             **_people_of(row))


def _decide(row: Mentorship, approve: bool, form):
    """Both coordinator's buttons: the decision, its notifications, the card or the board again."""
    try:
        activated = pairs.decide(row, approve, (form.reason.data or "") if form is not None else "", current_user)
    except Gone:
        raise  # withdrawn meanwhile: nothing left to show in its place; the core says so
    except Refusal as refusal:
        if not _in_proposal():
            return _refused(row, refusal, reject_form=form or RejectForm(formdata=None))
        db.session.rollback()
        if row.status != MentorshipStatus.proposed:  # decided a moment ago by someone else: say so in its place
            return render_template("mentorship/partials/decided.html", row=row, message=str(refusal)), 422
        form = form or RejectForm(formdata=None)
        refusal.show_on(form, "reason")
        return _proposal(row, form, 422)
    if activated:
        _tell_active(row, by_side=False)
    elif not approve:
        for person, other in ((row.graduate, mentor_name(row)), (row.mentor, row.graduate.name)):
            if person is not None:
                notify(person, _l("The proposed pair with %(name)s does not go ahead. The coordinator will look "
                                  "for another."), link=url_for("mentorship.index"), name=other)
    db.session.commit()
    message = _decided(row, approve, activated)
    if _in_proposal():
        return render_template("mentorship/partials/decided.html", row=row, message=message)
    flash(message, "success")
    return redirect_to(url_for("mentorship.board") + "#proposals")


@bp.route("/mentorships/<int:mentorship_id>/approve", methods=["POST"])
@members("coordinator")
def approve(mentorship_id: int):
    row = _mentorship(mentorship_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _decide(row, True, None)


@bp.route("/mentorships/<int:mentorship_id>/reject", methods=["POST"])
@members("coordinator")
def reject(mentorship_id: int):
    row = _mentorship(mentorship_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _proposal(row, form, 422) if _in_proposal() else _detail(row, status=422, reject_form=form)
    return _decide(row, False, form)


# --- the graduate's and the mentor's answers ------------------------------------------

def _answering(mentorship_id: int) -> tuple[Mentorship, str]:
    """The pair and the person's side of it; staff and everyone else have no answer to give: 404."""
    row = _mentorship(mentorship_id)
    side = _my_side(row)
    if side is None:
        abort(404)
    return row, side


def _in_answer() -> bool:
    return bool(htmx) and request.headers.get("HX-Target", "").startswith("answer-")


def _answer_box(row: Mentorship, side: str, status: int = 200, form: DeclineForm | None = None,
                message: str = ""):
    """The answer part of a proposal, as htmx swaps it in place."""
    return render_audited("mentorship/partials/answer.html", **_pair_read(row), status=status, row=row, side=side,
                          decline_form=form or DeclineForm(formdata=None), confirm_form=ConfirmForm(),
                          message=message)


def _answered(row: Mentorship, side: str, accept: bool, form: DeclineForm | None):
    try:
        activated = pairs.answer(row, side, accept, (form.reason.data or "") if form is not None else "")
    except Gone:
        raise
    except Refusal as refusal:
        db.session.rollback()
        db.session.refresh(row)
        if _in_answer():
            return _answer_box(row, side, 422, form, message=str(refusal))
        return _refused(row, refusal, decline_form=form or DeclineForm(formdata=None))
    other_side = "mentor" if side == "graduate" else "graduate"
    other = row.mentor if side == "graduate" else row.graduate
    me = current_user.name
    if activated:
        _tell_active(row, by_side=True)
        message = _("You accepted. Everyone agreed: the mentorship has started. See below how to reach each other.")
    elif accept:
        if other is not None and row.answer_of(other_side) is None:
            notify(other, _l("%(name)s has accepted the proposed pair with you. Your answer is awaited."),
                   link=_pair_link(row), name=me)
        message = _("You accepted. Waiting for: %(who)s.", who=words.waiting_for(row))
    else:
        coordinator = _coordinator_of(row)
        if coordinator is not None:
            notify(coordinator, _l("%(name)s declined the proposed pair %(graduate)s — %(mentor)s."),
                   link=_pair_link(row), name=me, **_people_of(row))
        if other is not None:
            notify(other, _l("The proposed pair with %(name)s does not go ahead. The coordinator will look for "
                             "another."), link=url_for("mentorship.index"), name=me)
        message = _("You declined. Thank you for saying so: the coordinator will look for another pair.")
    db.session.commit()
    if _in_answer():
        return _answer_box(row, side, message=message)
    flash(message, "success")
    return redirect_to(_pair_link(row))


@bp.route("/mentorships/<int:mentorship_id>/accept", methods=["POST"])
@members("graduate", "mentor")
def accept(mentorship_id: int):
    """The graduate or the mentor says yes to a proposal."""
    row, side = _answering(mentorship_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _answered(row, side, True, None)


@bp.route("/mentorships/<int:mentorship_id>/decline", methods=["POST"])
@members("graduate", "mentor")
def decline(mentorship_id: int):
    """The graduate or the mentor says no, with a reason for the coordinator if they wish."""
    row, side = _answering(mentorship_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        if _in_answer():
            return _answer_box(row, side, 422, form)
        return _detail(row, status=422, decline_form=form)
    return _answered(row, side, False, form)


@bp.route("/mentorships/<int:mentorship_id>/pin", methods=["POST"])
@members("coordinator")
def pin(mentorship_id: int):
    row = _mentorship(mentorship_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    hold(row)  # the status as the database has it now: a proposal decided a moment ago is not pinned
    if row.status in MentorshipStatus.open_proposal():
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
    if row.status in pairs.CLOSED:
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
