"""The rules of pairing: who waits, who has room, proposals, decisions, endings, learning.

Views call these; they never commit, so a view decides what one change is.
"""
from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import String, and_, case, cast, delete, func, insert, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

import matching
from matching.explain import explain_pairs
from plugins.mentorship.models import (SIDES, Answer, GraduateProfile, Meeting, MentorProfile, Mentorship,
                                       MentorshipStatus, Outcome, PairSpecialist, TrainedModel)
from portal.kit import (Lifecycle, Membership, MembershipStatus, Municipality, Refusal, Role, User, db, format_day,
                        graduate_needs, graduates_needs, hold, refuse_duplicates, to_local, today, utcnow)

TAKING = MentorshipStatus.taking_a_place()
OPEN = MentorshipStatus.open_proposal()
BREAKS_A_RULE = _l("This pair breaks a rule: a language in common, or the graduate's preference about the "
                   "mentor's gender.")

#: Every status change of a pair: the row is held and its status read again, so of two people deciding
#: at once the second is told what the first did. The coordinator approves or rejects; the graduate and
#: the mentor accept (no change of status until the third yes activates it) or decline, before or after
#: the coordinator. Audit actions: mentorship.<move>.
LIFECYCLE = Lifecycle("mentorship", "mentorship")
LIFECYCLE.move("approved", [MentorshipStatus.proposed], MentorshipStatus.approved)
LIFECYCLE.move("rejected", [MentorshipStatus.proposed], MentorshipStatus.rejected)
LIFECYCLE.move("accepted", OPEN)
LIFECYCLE.move("declined", OPEN, MentorshipStatus.declined)
LIFECYCLE.move("activated", [MentorshipStatus.approved], MentorshipStatus.active)
LIFECYCLE.move("ended", [MentorshipStatus.active], MentorshipStatus.ended)


# --- profiles as the matcher sees them -------------------------------------------

def _active_members(region, role: Role):
    return select(Membership.user_id).where(Membership.region_id == region.id, Membership.role == role,
                                            Membership.status == MembershipStatus.active)


def mentor_profiles(region) -> list[MentorProfile]:
    """Mentors of the region whose membership is active and whose profile is filled."""
    return list(db.session.scalars(
        select(MentorProfile).where(MentorProfile.region_id == region.id,
                                    MentorProfile.user_id.in_(_active_members(region, Role.mentor)))
        # Joined, not selectin: selectinload asks again for every 500 mentors, and a region has thousands.
        .options(joinedload(MentorProfile.user), joinedload(MentorProfile.municipality))
        .order_by(MentorProfile.id)))


def places_taken(region, statuses=TAKING) -> Counter:
    """Mentor user id -> mentorships in ``statuses`` (by default those holding a place: proposed or active)."""
    rows = db.session.execute(
        select(Mentorship.mentor_id, func.count()).where(Mentorship.region_id == region.id,
                                                          Mentorship.status.in_(statuses))
        .group_by(Mentorship.mentor_id))
    return Counter(dict(rows.all()))


def paired_graduates(region) -> set[int]:
    return set(db.session.scalars(select(Mentorship.graduate_id).where(
        Mentorship.region_id == region.id, Mentorship.status.in_(TAKING))))


def is_paired(region, graduate_id: int) -> bool:
    """Whether the graduate has a mentor or a proposal here (one row looked for, not the region's pairs)."""
    return db.session.scalar(select(Mentorship.id).where(
        Mentorship.region_id == region.id, Mentorship.graduate_id == graduate_id, Mentorship.status.in_(TAKING))
        .limit(1)) is not None


def _waiting(region):
    """Graduates who want a mentor and have neither a mentor nor a proposal (the conditions, to select or count)."""
    paired = select(Mentorship.graduate_id).where(Mentorship.region_id == region.id,
                                                  Mentorship.status.in_(TAKING))
    return (GraduateProfile.region_id == region.id, GraduateProfile.wants_mentor.is_(True),
            GraduateProfile.user_id.in_(_active_members(region, Role.graduate)), GraduateProfile.user_id.not_in(paired))


def waiting_graduates(region) -> list[GraduateProfile]:
    """Graduates who want a mentor and have neither a mentor nor a proposal."""
    return list(db.session.scalars(waiting_query(region)))


def waiting_query(region, municipality_id: int | None = None, need: str | None = None):
    """The waiting graduates as a query the board pages, longest waiting first; narrowed to a municipality
    and to a need they stated (stored as a JSON list: matched as its quoted item, on either database)."""
    query = select(GraduateProfile).where(*_waiting(region))
    if municipality_id:
        query = query.where(GraduateProfile.municipality_id == municipality_id)
    if need:
        query = query.where(cast(GraduateProfile.areas, String).like(f'%"{need}"%'))
    # The person and the municipality in the same statement (many-to-one: the board's LIMIT still counts profiles).
    return (query.options(joinedload(GraduateProfile.user), joinedload(GraduateProfile.municipality))
            .order_by(GraduateProfile.updated_at, GraduateProfile.id))


def mentors_query(region):
    """The region's mentors (active, profile filled) as a query to page, by name."""
    return (select(MentorProfile).join(MentorProfile.user)
            .where(MentorProfile.region_id == region.id,
                   MentorProfile.user_id.in_(_active_members(region, Role.mentor)))
            .options(contains_eager(MentorProfile.user), selectinload(MentorProfile.municipality))
            .order_by(User.name, MentorProfile.id))


def _mentors_count_query(region):
    return select(func.count()).select_from(MentorProfile).where(
        MentorProfile.region_id == region.id, MentorProfile.user_id.in_(_active_members(region, Role.mentor)))


def mentors_count(region) -> int:
    return db.session.scalar(_mentors_count_query(region)) or 0


def waiting_count_query(region):
    """How many graduates wait for a mentor, as SQL: counted by the database, never loaded (the dashboard asks)."""
    return select(func.count()).select_from(GraduateProfile).where(*_waiting(region))


def meeting_counts(mentorship_ids: list[int]) -> Counter:
    """Meetings logged per pair, in one grouped count (a list of pairs never loads their logs)."""
    if not mentorship_ids:
        return Counter()
    return Counter(dict(db.session.execute(
        select(Meeting.mentorship_id, func.count()).where(Meeting.mentorship_id.in_(mentorship_ids))
        .group_by(Meeting.mentorship_id)).all()))


def graduate_profile(user, region) -> GraduateProfile | None:
    return db.session.scalar(select(GraduateProfile).where(GraduateProfile.user_id == user.id,
                                                           GraduateProfile.region_id == region.id))


def mentor_profile(user, region) -> MentorProfile | None:
    return db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user.id,
                                                         MentorProfile.region_id == region.id))


def as_graduate(profile: GraduateProfile, region, needs=None) -> matching.Profile:
    """The graduate's own answers plus what the region's other services know they need (``needs``: as
    ``graduates_needs`` found them for many at once; else asked for this graduate)."""
    needs = set(profile.areas or ()) | set(graduate_needs(profile.user, region) if needs is None else needs)
    return matching.Profile(
        id=str(profile.user_id), interests=list(profile.interests or ()),
        areas=[a for a in matching.AREAS if a in needs], about=profile.about or "",
        municipality=profile.municipality.name if profile.municipality else None,
        languages=list(profile.languages or ["ru"]), gender=profile.gender, prefers_gender=profile.prefers_gender)


def as_mentor(profile: MentorProfile, capacity: int | None = None) -> matching.Profile:
    return matching.Profile(
        id=str(profile.user_id), interests=list(profile.interests or ()),
        areas=[a for a in matching.AREAS if a in set(profile.areas or ())], about=profile.about or "",
        municipality=profile.municipality.name if profile.municipality else None,
        languages=list(profile.languages or ["ru"]),
        capacity=profile.capacity if capacity is None else capacity, gender=profile.gender)


def mentors_with_room(region) -> list[tuple[MentorProfile, int]]:
    """(profile, places left) for every mentor of the region, full ones included."""
    taken = places_taken(region)
    return [(p, max(p.capacity - taken[p.user_id], 0)) for p in mentor_profiles(region)]


def excluded_pairs(region, graduate_id: int | None = None) -> set[tuple[str, str]]:
    """Pairs never proposed again: rejected by a coordinator, declined by a side, or ended already (of one
    graduate when given)."""
    query = select(Mentorship.graduate_id, Mentorship.mentor_id).where(
        Mentorship.region_id == region.id,
        Mentorship.status.in_((MentorshipStatus.rejected, MentorshipStatus.declined, MentorshipStatus.ended)))
    if graduate_id is not None:
        query = query.where(Mentorship.graduate_id == graduate_id)
    rows = db.session.execute(query)
    return {(str(g), str(m)) for g, m in rows}


# --- one feature space per region: the same number for the same pair ----------------

@dataclasses.dataclass
class _Population:
    """A region's profiles as this process keeps them between requests, each part under the state it was read at."""

    state: tuple = ()
    vocabulary: matching.Vocabulary | None = None
    mentors_state: tuple = ()
    mentors: dict[int, matching.Profile] = dataclasses.field(default_factory=dict)  # full places, every mentor


#: Region id -> its population (per process).
_POPULATIONS: dict[int, _Population] = {}


def _profiles_state(region) -> tuple[tuple, tuple]:
    """(mentors' part, graduates' part): each profile table's rows of the region counted, their ids summed and
    the latest ``updated_at``, asked in one statement. Adding, removing or editing a profile (an edit moves its
    ``updated_at``) changes its part, so what was read under an equal state is still what the rows hold."""
    columns = []
    for kind in (MentorProfile, GraduateProfile):
        mine = kind.region_id == region.id
        columns += [select(func.count()).where(mine).scalar_subquery(),
                    select(func.coalesce(func.sum(kind.id), 0)).where(mine).scalar_subquery(),
                    select(func.max(kind.updated_at)).where(mine).scalar_subquery()]
    found = tuple(db.session.execute(select(*columns)).one())
    return found[:3], found[3:]


def _population(region, state=None) -> _Population:
    state = state or _profiles_state(region)
    found = _POPULATIONS.setdefault(region.id, _Population())
    if found.state != state:
        texts = [*db.session.scalars(select(MentorProfile.about).where(MentorProfile.region_id == region.id)),
                 *db.session.scalars(select(GraduateProfile.about).where(GraduateProfile.region_id == region.id))]
        texts = [text or "" for text in texts]
        if found.vocabulary is None or found.vocabulary.fingerprint != matching.features.texts_fingerprint(texts):
            found.vocabulary = matching.Vocabulary(
                [matching.Profile(id=str(i), interests=[], areas=[], about=text) for i, text in enumerate(texts)])
        found.state = state
    return found


def region_vocabulary(region) -> matching.Vocabulary:
    """The region's population (every mentor's and graduate's profile) as one fitted about space.

    Fitted once and kept; fitted again when any profile's text changes (the fingerprint of the texts
    differs), so the board, its partials, a proposal and its reasons score a pair alike, whoever else
    is in the call. Every process fits the same space from the same profiles. A request whose region's
    profiles are as they were (:func:`_profiles_state`, one small query) reads no text.
    """
    return _population(region).vocabulary


def _mentor_pool(region) -> tuple[dict[int, matching.Profile], matching.Vocabulary]:
    """Every mentor profile of the region as the matcher sees it (all their places), by user id, and the region's
    vocabulary: kept per process while the mentors' profiles and the region's municipalities are as they were."""
    state = _profiles_state(region)
    found = _population(region, state)
    towns = tuple(sorted(tuple(row) for row in db.session.execute(select(Municipality.id, Municipality.name)
                                                                  .where(Municipality.region_id == region.id))))
    if found.mentors_state != (state[0], towns):
        profiles = db.session.scalars(select(MentorProfile).where(MentorProfile.region_id == region.id)
                                      .options(selectinload(MentorProfile.municipality))
                                      .order_by(MentorProfile.id)).all()
        found.mentors = {p.user_id: as_mentor(p) for p in profiles}
        found.mentors_state = (state[0], towns)
    return found.mentors, found.vocabulary


# --- the model learnt from decisions ------------------------------------------

def latest_model(region) -> TrainedModel | None:
    return db.session.scalar(select(TrainedModel).where(TrainedModel.region_id == region.id)
                             .order_by(TrainedModel.version.desc()).limit(1))


def load_model(region) -> matching.DecisionModel | None:
    """The region's latest model; None without one, or when it is of another features version."""
    return model_of(latest_model(region))


def model_of(row: TrainedModel | None) -> matching.DecisionModel | None:
    """The model a row of :func:`latest_model` holds (a page that has the row reads it once)."""
    if row is None:
        return None
    try:
        return matching.DecisionModel.from_dict(row.model)
    except ValueError:
        return None


def min_decisions() -> int:
    """Decisions needed before anything is learnt (read where the library keeps it)."""
    return matching.model.MIN_DECISIONS


def _declined_by(side: str):
    return getattr(Mentorship, f"{side}_answer") == Answer.declined


def _decisions_columns() -> list:
    """The coordinators' approvals and rejections, the graduates' declines, the mentors' declines: three sums."""
    counted = [func.coalesce(func.sum(case((Mentorship.decided_at.is_not(None), 1), else_=0)), 0)]
    return counted + [func.coalesce(func.sum(case((_declined_by(side), 1), else_=0)), 0) for side in SIDES]


def decisions_count(region) -> int:
    """The coordinators' approvals and rejections plus the graduates' and mentors' declines: one SQL query."""
    return sum(db.session.execute(select(*_decisions_columns()).where(Mentorship.region_id == region.id)).one())


def board_counts(region) -> dict[str, int]:
    """The board's numbers in one statement: ``waiting_counts``' three, the approved proposals
    (approved by a coordinator, waiting for the graduate or the mentor), ``decisions_count`` and
    ``mentors_count`` (one scan of the region's pairs)."""
    waiting = _waiting_on(region)
    approved = func.coalesce(func.sum(case((Mentorship.status == MentorshipStatus.approved, 1), else_=0)), 0)
    mentors = _mentors_count_query(region).scalar_subquery()
    decided = _decisions_columns()
    row = db.session.execute(select(*waiting.values(), approved, mentors, *decided)
                             .where(Mentorship.region_id == region.id)).one()
    counts = dict(zip(waiting, (int(n) for n in row[:len(waiting)])))
    rest = [int(n or 0) for n in row[len(waiting):]]
    return counts | {"approved": rest[0], "mentors": rest[1], "decisions": sum(rest[2:])}


def decisions(region) -> list[matching.Decision]:
    """Every decision of the region, oldest first, on the profiles as they were proposed: the coordinators'
    approvals and rejections, and the graduates' and mentors' declines
    (``matching.Decision(..., approved=False, side="graduate" | "mentor")``). A side's acceptance is not
    one: the pair's outcome is the coordinator's, and two yeses would count one pair twice.
    """
    rows = db.session.scalars(select(Mentorship).where(
        Mentorship.region_id == region.id,
        (Mentorship.decided_at.is_not(None)) | _declined_by("graduate") | _declined_by("mentor"))
        .order_by(Mentorship.id))
    found = []
    for row in rows:
        snap = row.snapshot or {}
        if "graduate" not in snap or "mentor" not in snap:
            continue
        graduate, mentor = matching.Profile(**snap["graduate"]), matching.Profile(**snap["mentor"])
        if row.decided_at is not None:
            found.append(matching.Decision(graduate, mentor, row.coordinator_approved, at=row.decided_at))
        for side in SIDES:
            if row.answer_of(side) == Answer.declined:
                found.append(matching.Decision(graduate, mentor, False, side=side,
                                               at=getattr(row, f"{side}_answered_at")))
    return sorted(found, key=lambda d: d.at)


RETRAINED_JUST_NOW = _l("Another coordinator has just retrained the model. Try again in a moment if you wish.")


@dataclasses.dataclass
class Retraining:
    """What a retraining found: the new model, the held-out figures of it and of the current one, which is kept."""

    model: matching.DecisionModel
    row: TrainedModel | None = None        # the new row when the new model is kept
    held_out: int = 0                      # the latest decisions both were measured on
    new_figure: float | None = None        # held-out AUC of the new model's scores (the profiles' when not used)
    current_figure: float | None = None    # the same for the model in use now (the profiles alone without one)
    current_version: int | None = None

    @property
    def learnt(self) -> bool:
        return self.model.version > 0


def retrain(region, by) -> Retraining:
    """Fits a model on every decision so far and keeps it only when it does at least as well as the current
    one on the latest decisions, held out; nothing is stored below the minimum of decisions."""
    known = decisions(region)
    model = matching.DecisionModel().fit(known, vocabulary=region_vocabulary(region))
    found = Retraining(model)
    if not found.learnt:
        return found
    previous = latest_model(region)
    current = load_model(region)
    held = model.held_out_part(known)
    found.held_out = len(held)
    found.new_figure = model.held_out["model"] if model.is_fitted else model.held_out["unsupervised"]
    found.current_figure = (current.score(held, region_vocabulary(region)) if current is not None
                            else model.held_out["unsupervised"])
    found.current_version = previous.version if previous else None
    if current is not None and current.is_fitted and found.current_figure > found.new_figure:
        return found  # the current model stays: it ranks the latest decisions better
    version = (previous.version if previous else 0) + 1
    model.version = version
    found.row = TrainedModel(region_id=region.id, version=version, decisions=len(known),
                             trained_by_id=by.id if by is not None else None, model=model.to_dict())
    with refuse_duplicates(RETRAINED_JUST_NOW):  # another coordinator's retraining took this version
        db.session.add(found.row)
        db.session.flush()
    return found


# --- suggestions and proposals -------------------------------------------------

def suggestions_for(graduate: matching.Profile, region, k: int = 5, model=None):
    """[(mentor profile, places left, Suggestion)] best first, never a full mentor or an excluded pair.

    Takes the graduate as :func:`as_graduate` made them, so a caller showing their needs asks the hooks once.
    A handful of queries whatever the region's size: the mentors as the matcher sees them are kept between
    requests (:func:`_mentor_pool`); who of them is an active member and their places taken are asked each
    time, and only the ``k`` mentors found are loaded.
    """
    mentors, vocabulary = _mentor_pool(region)
    active = set(db.session.scalars(_active_members(region, Role.mentor)))
    taken = places_taken(region)
    pool = []
    for user_id, mentor in mentors.items():
        left = mentor.capacity - taken[user_id]
        if left > 0 and user_id in active:
            pool.append(copy.copy(mentor))  # the kept profile, with this request's places left
            pool[-1].capacity = left
    found = matching.suggest([graduate], pool, k=k, model=model,
                             exclude=excluded_pairs(region, int(graduate.id)), vocabulary=vocabulary)
    found = found.get(graduate.id, [])
    left = {int(m.id): m.capacity for m in pool}
    profiles = {p.user_id: p for p in db.session.scalars(
        select(MentorProfile).where(MentorProfile.region_id == region.id,
                                    MentorProfile.user_id.in_([int(s.mentor_id) for s in found]))
        .options(joinedload(MentorProfile.user), joinedload(MentorProfile.municipality)))} if found else {}
    return [(profiles[int(s.mentor_id)], left[int(s.mentor_id)], s) for s in found]


def _explain(graduate: matching.Profile, mentor: matching.Profile, model, region) -> matching.Suggestion | None:
    """The pair scored and explained in the region's feature space: the number the board showed."""
    found = matching.suggest([graduate], [dataclasses.replace(mentor, capacity=1)], k=1, model=model,
                             vocabulary=region_vocabulary(region))
    return next(iter(found.get(graduate.id, [])), None)


def _reasons(suggestion: matching.Suggestion) -> list[dict]:
    return [{"code": r.code, "params": r.params} for r in suggestion.reasons]


def propose(region, graduate_profile_: GraduateProfile, mentor_profile_: MentorProfile, by,
            pinned: bool = True, model=None) -> Mentorship:
    """A coordinator's proposal; hand-made ones are pinned so optimising leaves them be."""
    hold(graduate_profile_, mentor_profile_)  # two coordinators deciding about one person queue up
    if graduate_profile_.user_id in paired_graduates(region):
        raise Refusal(_l("This graduate already has a mentor or a proposal."))
    if not graduate_profile_.wants_mentor:
        raise Refusal(_l("This graduate does not take part in mentorship now."))
    left = mentor_profile_.capacity - places_taken(region)[mentor_profile_.user_id]
    if left <= 0:
        raise Refusal(_l("This mentor has no room for another mentee."))
    if (str(graduate_profile_.user_id), str(mentor_profile_.user_id)) in excluded_pairs(region):
        raise Refusal(_l("This pair was rejected or has ended earlier and is not proposed again."))
    graduate, mentor = as_graduate(graduate_profile_, region), as_mentor(mentor_profile_)
    suggestion = _explain(graduate, mentor, model, region)
    if suggestion is None:
        raise Refusal(BREAKS_A_RULE)
    return _new_proposal(region, graduate, mentor, suggestion, by, pinned)


def _new_proposal(region, graduate: matching.Profile, mentor: matching.Profile, suggestion, by,
                  pinned: bool) -> Mentorship:
    row = Mentorship(region_id=region.id, graduate_id=int(graduate.id), mentor_id=int(mentor.id),
                     status=MentorshipStatus.proposed, pinned=pinned, score=round(float(suggestion.score), 4),
                     reasons=_reasons(suggestion), proposed_by_id=by.id if by is not None else None,
                     snapshot={"graduate": dataclasses.asdict(graduate), "mentor": dataclasses.asdict(mentor)})
    db.session.add(row)
    db.session.flush()
    return row


def _withdrawable():
    """Proposals optimising replaces: made by it (not pinned), not yet approved nor answered by a side."""
    return and_(Mentorship.status == MentorshipStatus.proposed, Mentorship.pinned.is_(False),
                Mentorship.graduate_answer.is_(None), Mentorship.mentor_answer.is_(None))


@dataclasses.dataclass
class OptimalPlan:
    """What optimising would propose, computed from reads alone (nothing held meanwhile)."""

    rows: list[dict]  # the new proposals' columns, by graduate
    capacity: dict[int, int]  # mentor user id -> places in all


def plan_optimal(region, model=None, progress=None) -> OptimalPlan:
    """The best assignment of everyone waiting, or waiting once the unpinned proposals are withdrawn, around
    the fixed pairs (pinned, approved or answered): a handful of queries whatever the region's size, one for
    every graduate's needs (``graduates_needs``), and the reasons from one feature space over the pairs."""
    step = progress or (lambda done: None)
    withdrawable = _withdrawable()
    kept = db.session.execute(select(Mentorship.graduate_id, Mentorship.mentor_id).where(
        Mentorship.region_id == region.id, Mentorship.status.in_(OPEN), ~withdrawable)).all()
    active = places_taken(region, (MentorshipStatus.active,))
    profiles = db.session.scalars(select(MentorProfile).where(
        MentorProfile.region_id == region.id, MentorProfile.user_id.in_(_active_members(region, Role.mentor)))
        .options(selectinload(MentorProfile.municipality)).order_by(MentorProfile.id)).all()
    mentors = {str(p.user_id): as_mentor(p, max(p.capacity - active[p.user_id], 0)) for p in profiles}
    fixed = {str(g): str(m) for g, m in kept if str(m) in mentors}
    still_paired = select(Mentorship.graduate_id).where(Mentorship.region_id == region.id,
                                                        Mentorship.status.in_(TAKING), ~withdrawable)
    waiting = db.session.scalars(select(GraduateProfile).where(
        GraduateProfile.region_id == region.id, GraduateProfile.wants_mentor.is_(True),
        GraduateProfile.user_id.in_(_active_members(region, Role.graduate)),
        GraduateProfile.user_id.not_in(still_paired)).options(selectinload(GraduateProfile.municipality))).all()
    pinned = db.session.scalars(select(GraduateProfile).where(
        GraduateProfile.region_id == region.id, GraduateProfile.user_id.in_([int(g) for g in fixed]))
        .options(selectinload(GraduateProfile.municipality))).all() if fixed else []
    everyone = {p.user_id: p for p in [*waiting, *pinned]}
    needs = graduates_needs(list(everyone), region)
    graduates = {str(i): as_graduate(p, region, needs=needs.get(i, ())) for i, p in everyone.items()}
    step(1)
    vocabulary = region_vocabulary(region)
    result = matching.assign(list(graduates.values()), list(mentors.values()), model=model, fixed=fixed,
                             forbidden=excluded_pairs(region), vocabulary=vocabulary)
    step(2)
    chosen = [(graduates[g], mentors[m]) for g, m in sorted(result.items(), key=lambda p: int(p[0]))
              if g not in fixed]
    rows = [_proposal_columns(region, graduate, mentor, suggestion)
            for (graduate, mentor), suggestion in zip(chosen, explain_pairs(chosen, model, vocabulary))
            if suggestion is not None]
    step(3)
    return OptimalPlan(rows, {p.user_id: p.capacity for p in profiles})


def _proposal_columns(region, graduate: matching.Profile, mentor: matching.Profile, suggestion) -> dict:
    return dict(region_id=region.id, graduate_id=int(graduate.id), mentor_id=int(mentor.id),
                status=MentorshipStatus.proposed, pinned=False, score=round(float(suggestion.score), 4),
                reasons=_reasons(suggestion),
                snapshot={"graduate": dataclasses.asdict(graduate), "mentor": dataclasses.asdict(mentor)})


def write_optimal(region, plan: OptimalPlan, by) -> list[Mentorship]:
    """One conditional DELETE of the unpinned proposals and one INSERT of the plan's: quick, nothing slow while
    rows are held. A proposal approved, rejected, pinned or answered a moment ago no longer matches the delete
    (PostgreSQL re-reads each row it waited for), so it stays; the plan's pairs of its graduate, or beyond its
    mentor's places, are left out."""
    db.session.execute(delete(Mentorship).where(Mentorship.region_id == region.id, _withdrawable())
                       .execution_options(synchronize_session="fetch"))
    paired = paired_graduates(region)
    taken = places_taken(region)
    rows = []
    for row in plan.rows:
        if row["graduate_id"] in paired or taken[row["mentor_id"]] >= plan.capacity.get(row["mentor_id"], 0):
            continue
        taken[row["mentor_id"]] += 1
        rows.append(dict(row, proposed_by_id=by.id if by is not None else None, proposed_at=utcnow()))
    if not rows:
        return []
    return list(db.session.scalars(insert(Mentorship).returning(Mentorship, sort_by_parameter_order=True), rows))


def propose_optimal(region, by, model=None, progress=None) -> list[Mentorship]:
    """Withdraws unpinned proposals and proposes the best assignment of everyone around the fixed pairs
    (the work of the background job ``plugins.mentorship.jobs.run_job``; the caller commits)."""
    return write_optimal(region, plan_optimal(region, model, progress), by)


def decide(row: Mentorship, approve: bool, reason: str, by) -> bool:
    """A coordinator's decision on a proposal; kept, since decisions teach the model.

    The row is held first: of an approval and a rejection at the same moment, the second is refused.
    :return: whether the pair became active (both sides had accepted already).
    """
    reason = reason.strip()
    if not approve and not reason:
        raise Refusal(_l("Say why the pair is rejected: it helps the next suggestions."), field="reason")
    LIFECYCLE.apply(row, "approved" if approve else "rejected", region=row.region, subject=row.graduate,
                    details={"reason": reason})
    if approve:
        _check_approvable(row)
    row.decided_by_id = by.id
    row.decided_at = utcnow()
    row.decision_reason = reason
    return _activate_if_ready(row, checked=True)


ANSWERED = _l("You have already accepted this proposal.")


def answer(row: Mentorship, side: str, accept: bool, reason: str = "") -> bool:
    """The graduate's or the mentor's answer to a proposal: taking part is their choice.

    A decline closes the proposal at once (its reason, optional, is for coordinators only); one who
    accepted may still decline until the pair is active. The row is held first, so of the two sides
    answering at once the second sees the first's answer, and the pair becomes active exactly once.
    :return: whether the pair became active now.
    :raises Refusal: the proposal moved on meanwhile, or this side has accepted already.
    """
    if side not in SIDES:
        raise ValueError(f"unknown side {side!r}")
    hold(row)
    if accept and row.status in OPEN and row.answer_of(side) == Answer.accepted:
        raise Refusal(ANSWERED)
    LIFECYCLE.apply(row, "accepted" if accept else "declined", region=row.region, subject=row.graduate,
                    details={"side": side})  # the reason stays out of the audit log: it is the coordinators'
    setattr(row, f"{side}_answer", Answer.accepted if accept else Answer.declined)
    setattr(row, f"{side}_answered_at", utcnow())
    setattr(row, f"{side}_reason", "" if accept else reason.strip())
    return _activate_if_ready(row) if accept else False


def _activate_if_ready(row: Mentorship, checked: bool = False) -> bool:
    """The third yes makes the pair active, after a look at what may have changed since it was proposed."""
    if row.status != MentorshipStatus.approved or any(row.answer_of(s) != Answer.accepted for s in SIDES):
        return False
    if not checked:
        _check_approvable(row)
    LIFECYCLE.apply(row, "activated", region=row.region, subject=row.graduate)
    return True


def _waiting_on(region) -> dict[str, Any]:
    """Open proposals waiting for the coordinator, for the graduate, for the mentor, as sums of one scan."""
    is_open = Mentorship.status.in_(OPEN)
    columns = {"coordinator": func.sum(case((Mentorship.status == MentorshipStatus.proposed, 1), else_=0))}
    columns |= {side: func.sum(case((is_open & getattr(Mentorship, f"{side}_answer").is_(None), 1), else_=0))
                for side in SIDES}
    return {who: func.coalesce(column, 0) for who, column in columns.items()}


def waiting_counts(region) -> dict[str, int]:
    """Open proposals waiting for the coordinator, for the graduate, for the mentor: one SQL query."""
    columns = _waiting_on(region)
    found = db.session.execute(select(*columns.values()).where(Mentorship.region_id == region.id)).one()
    return dict(zip(columns, (int(n) for n in found)))


def waiting_count_queries(region) -> dict[str, Any]:
    """The same three numbers as SQL, one scalar query each (the dashboard asks them with its other numbers)."""
    return {who: select(column).where(Mentorship.region_id == region.id)
            for who, column in _waiting_on(region).items()}


def _count_query(region_id: int, status: MentorshipStatus | tuple, *where):
    """Mentorships of the region in ``status`` (one or a tuple) matching ``where``, counted: SQL."""
    statuses = status if isinstance(status, tuple) else (status,)
    return select(func.count()).select_from(Mentorship).where(
        Mentorship.region_id == region_id, Mentorship.status.in_(statuses), *where)


def _counted(region_id: int, status: MentorshipStatus | tuple, *where) -> int:
    """Mentorships of the region in ``status`` (one or a tuple) matching ``where``: one SQL count."""
    return db.session.scalar(_count_query(region_id, status, *where))


def _active_besides(row: Mentorship, *where) -> int:
    """Active mentorships of the region matching ``where``, this one left out."""
    return _counted(row.region_id, MentorshipStatus.active, Mentorship.id != row.id, *where)


def _check_approvable(row: Mentorship) -> None:
    """What may have changed since the proposal: the graduate's wish and profile, the mentor's places."""
    graduate = graduate_profile(row.graduate, row.region)
    mentor = mentor_profile(row.mentor, row.region)
    hold(*(p for p in (graduate, mentor) if p is not None))
    if _active_besides(row, Mentorship.graduate_id == row.graduate_id):
        raise Refusal(_l("This graduate already has an active mentorship."))
    if graduate is None or not graduate.wants_mentor:
        raise Refusal(_l("This graduate does not take part in mentorship now."))
    if mentor is None or _active_besides(row, Mentorship.mentor_id == row.mentor_id) >= mentor.capacity:
        raise Refusal(_l("This mentor has no room for another mentee."))
    if _explain(as_graduate(graduate, row.region), as_mentor(mentor), None, row.region) is None:
        raise Refusal(BREAKS_A_RULE)


def end(row: Mentorship, outcome: Outcome, note: str) -> None:
    """Staff end an active mentorship, or the graduate does; of two endings at once the second is refused."""
    LIFECYCLE.apply(row, "ended", region=row.region, subject=row.graduate, details={"outcome": outcome.value})
    row.ended_at = utcnow()
    row.outcome = outcome
    row.outcome_note = note.strip()


def log_meeting(row: Mentorship, by, met_on, what_was_done: str, next_step: str, region) -> Meeting:
    """One line of the log, on a day that has come in the region and not before the pair was proposed there."""
    if met_on > today(region):
        raise Refusal(_l("A meeting in the log cannot be in the future."), field="met_on")
    proposed_on = to_local(row.proposed_at, region).date()
    if met_on < proposed_on:
        raise Refusal(_l("A meeting in the log cannot be before the pair was proposed (%(date)s).")
                      % {"date": format_day(proposed_on)}, field="met_on")
    hold(row)  # an ending at the same moment comes first or after, never half-way
    if row.status != MentorshipStatus.active:
        raise Refusal(_l("Meetings are logged only while the mentorship is active."))
    meeting = Meeting(mentorship=row, author_id=by.id, met_on=met_on, what_was_done=what_was_done.strip(),
                      next_step=next_step.strip())
    db.session.add(meeting)
    return meeting


# --- profiles the people keep ---------------------------------------------------

PROFILE_JUST_SAVED = _l("Your profile has just been saved, perhaps by a second click. Reload the page to see it.")


def offer_places(profile: MentorProfile, capacity: int, region) -> int:
    """The mentor sets how many mentees they take: never fewer than they have now.

    The profile is held, as an approval holds it, so an approval at the same moment is counted.
    Proposals not yet approved do not bind the mentor: an approval checks the places again.
    :return: how many proposals waiting for the mentor exceed the places left (to tell them).
    """
    if profile.id is not None:
        hold(profile)
    mine = Mentorship.mentor_id == profile.user_id
    active = _counted(region.id, MentorshipStatus.active, mine)
    if capacity < active:
        raise Refusal(ngettext("You have %(num)d active mentee, so you cannot take fewer. Ask the coordinator "
                               "if a mentorship should end.",
                               "You have %(num)d active mentees, so you cannot take fewer. Ask the coordinator "
                               "if a mentorship should end.", active), field="capacity")
    profile.capacity = capacity
    return max(active + _counted(region.id, OPEN, mine) - capacity, 0)


def keep_new_profile(profile) -> None:
    """The first save of a profile: the same save twice at once (a double click) is refused, not a 500."""
    if profile.id is None:
        with refuse_duplicates(PROFILE_JUST_SAVED):
            db.session.add(profile)
            db.session.flush()


# --- the specialists who follow a pair --------------------------------------------

def region_specialists(region) -> list[User]:
    """Support specialists of the region whose membership is active: who may follow a pair."""
    return list(db.session.scalars(select(User).where(User.id.in_(_active_members(region, Role.specialist)))
                                   .order_by(User.name, User.id)))


def followed_by(user, region):
    """The ids of the region's pairs this specialist follows, as a subquery."""
    return select(PairSpecialist.mentorship_id).join(Mentorship).where(
        PairSpecialist.user_id == user.id, Mentorship.region_id == region.id)


def flagged_count_query(region):
    """Pairs whose mentor's or graduate's role stopped, still open: a coordinator decides what happens."""
    return select(func.count()).select_from(Mentorship).where(
        Mentorship.region_id == region.id, Mentorship.flagged_at.is_not(None),
        Mentorship.status.in_(TAKING))


def active_followed_count_query(user, region):
    return select(func.count()).select_from(Mentorship).where(
        Mentorship.id.in_(followed_by(user, region)), Mentorship.status == MentorshipStatus.active)


NOT_FOLLOWED = _l("This pair is no longer followed: it has ended, was rejected or declined.")
#: A pair nobody follows any more.
CLOSED = (MentorshipStatus.rejected, MentorshipStatus.declined, MentorshipStatus.ended)
FOLLOWERS_JUST_CHANGED = _l("Another coordinator has just changed who follows this pair. Reload the page to "
                            "see it.")


def name_specialists(row: Mentorship, user_ids: set[int], by) -> list[User]:
    """Sets who follows the pair; returns those newly named (to be told). Only the region's specialists.

    The pair's row is held first: a pair ended a moment ago is not followed any more.
    """
    hold(row)
    if row.status in CLOSED:
        raise Refusal(NOT_FOLLOWED)
    allowed = {u.id: u for u in region_specialists(row.region)}
    wanted = {i for i in user_ids if i in allowed}
    new = wanted - row.specialist_ids
    with refuse_duplicates(FOLLOWERS_JUST_CHANGED):  # two coordinators naming the same specialist at once
        for follower in list(row.followers):
            if follower.user_id not in wanted:
                row.followers.remove(follower)
        for user_id in sorted(new):
            row.followers.append(PairSpecialist(user_id=user_id, named_by_id=by.id if by is not None else None))
    return [allowed[i] for i in sorted(new)]


def own_needs(graduate_ids, region) -> dict[int, set[str]]:
    """What each graduate said themself they would like help with (their profile), one query.

    A mentor reads these among a proposal's reasons, never what other services know of the graduate.
    """
    ids = sorted(set(graduate_ids))
    if not ids:
        return {}
    rows = db.session.execute(select(GraduateProfile.user_id, GraduateProfile.areas).where(
        GraduateProfile.region_id == region.id, GraduateProfile.user_id.in_(ids)))
    return {user_id: set(areas or ()) for user_id, areas in rows}


def answers_awaited_query(user, region, side: str):
    """Open proposals where this person, as ``side``, has not answered yet: one SQL count."""
    person = Mentorship.graduate_id if side == "graduate" else Mentorship.mentor_id
    return _count_query(region.id, OPEN, person == user.id, getattr(Mentorship, f"{side}_answer").is_(None))
