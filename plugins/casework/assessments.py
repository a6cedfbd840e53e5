"""The quarterly life-situation assessment (карта оценки жизненной ситуации).

Every area gets a score on the four-step scale with the reason and a goal. An assessment belongs to a
quarter of support counted from the contract's start (:mod:`.due`); a quarter has one assessment: a
second one for the same quarter is refused, because later assessments are compared with it and the
consilium decided on it, so rewriting it would change the history they stand on. Saving one moves
the record's next due date on, under the record's row lock (two saves for one quarter queue up).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from plugins.casework import due, scope
from plugins.casework.models import (ASSESSMENT_AREA_LABELS, DIFFICULTIES, SCORE_RANK, AreaScore, Assessment,
                                     AssessmentArea, ContractStatus, GraduateRecord, RecordStatus, Score,
                                     SupportContract)
from portal.kit import Refusal, User, db, format_day, hold, today

AREAS = tuple(AssessmentArea)
AREA_MISSING = _l("Give a score for every area; missing: %(areas)s.")
NO_CONTRACT = _l("An assessment needs a support contract in force.")
IN_FUTURE = _l("An assessment cannot be dated in the future.")
BEFORE_CONTRACT = _l("An assessment cannot be dated before the contract's start (%(date)s).")
ONE_PER_QUARTER = _l("This quarter of support already has its assessment (of %(date)s); a quarter has one.")

#: The latest assessment's difficulties as the shared support areas (portal_support_needs).
#: Behaviour and "other" have no honest counterpart there: a mentor matched on a guessed need helps nobody.
SUPPORT_AREA_OF = {
    AssessmentArea.legal_status: "legal",
    AssessmentArea.education: "education",
    AssessmentArea.housing: "housing",
    AssessmentArea.income: "finances",
    AssessmentArea.employment: "employment",
    AssessmentArea.children: "parenting",
    AssessmentArea.army_service: "army",
}


@dataclass(frozen=True)
class AreaInput:
    score: Score | None
    reason: str = ""
    goal: str = ""


def active_contract(record: GraduateRecord) -> SupportContract | None:
    return db.session.scalar(
        select(SupportContract).where(SupportContract.record_id == record.id,
                                      SupportContract.status == ContractStatus.active)
        .order_by(SupportContract.starts_on.desc(), SupportContract.id.desc()).limit(1))


def latest(record_id: int, before: date | None = None) -> Assessment | None:
    """The latest assessment of the record (of a quarter before ``before`` when given), with its areas."""
    query = select(Assessment).where(Assessment.record_id == record_id)
    if before is not None:
        query = query.where(Assessment.quarter_start < before)
    return db.session.scalar(query.options(selectinload(Assessment.areas))
                             .order_by(Assessment.quarter_start.desc(), Assessment.id.desc()).limit(1))


def assessments_of(record: GraduateRecord, limit: int = 8) -> list[Assessment]:
    return list(db.session.scalars(
        select(Assessment).where(Assessment.record_id == record.id)
        .options(selectinload(Assessment.areas), selectinload(Assessment.specialist))
        .order_by(Assessment.quarter_start.desc(), Assessment.id.desc()).limit(limit)))


def scores_of(assessment: Assessment | None) -> dict[AssessmentArea, AreaScore]:
    return {row.area: row for row in assessment.areas} if assessment is not None else {}


def change(now: Score, before: Score | None) -> str | None:
    """better / worse / same against the previous score of the area (None: nothing to compare)."""
    if before is None:
        return None
    step = SCORE_RANK[Score(now)] - SCORE_RANK[Score(before)]
    return "better" if step < 0 else "worse" if step > 0 else "same"


def changes(assessment: Assessment, previous: Assessment | None) -> dict[AssessmentArea, str | None]:
    before = scores_of(previous)
    return {row.area: change(row.score, before[row.area].score if row.area in before else None)
            for row in assessment.areas}


def difficulties(assessment: Assessment | None) -> list[AreaScore]:
    """The problem and critical areas, in the areas' order."""
    found = scores_of(assessment)
    return [found[a] for a in AREAS if a in found and found[a].score in DIFFICULTIES]


def save(record: GraduateRecord, region, *, assessed_on: date, areas: dict[AssessmentArea, AreaInput],
         by: User) -> Assessment:
    """A new assessment of the record; moves ``record.assessment_due_on`` to the next quarter's."""
    missing = [a for a in AREAS if a not in areas or areas[a].score is None]
    if missing:
        raise Refusal(AREA_MISSING % {"areas": ", ".join(str(ASSESSMENT_AREA_LABELS(a)) for a in missing)})
    if assessed_on > today(region):
        raise Refusal(IN_FUTURE, "assessed_on")
    hold(record)
    contract = active_contract(record)
    if contract is None or record.status != RecordStatus.under_support:
        raise Refusal(NO_CONTRACT)
    if assessed_on < contract.starts_on:
        raise Refusal(BEFORE_CONTRACT % {"date": format_day(contract.starts_on)}, "assessed_on")
    quarter = due.quarter_start(contract.starts_on, assessed_on)
    same = db.session.scalar(select(Assessment).where(Assessment.record_id == record.id,
                                                      Assessment.quarter_start == quarter))
    if same is not None:
        raise Refusal(ONE_PER_QUARTER % {"date": format_day(same.assessed_on)}, "assessed_on")
    previous = latest(record.id, before=quarter)
    last_quarter = db.session.scalar(select(func.max(Assessment.quarter_start))
                                     .where(Assessment.record_id == record.id))
    assessment = Assessment(record_id=record.id, quarter_start=quarter, assessed_on=assessed_on,
                            specialist_id=by.id, previous_id=previous.id if previous else None)
    assessment.areas = [AreaScore(area=a, score=areas[a].score, reason=areas[a].reason.strip(),
                                  goal=areas[a].goal.strip()) for a in AREAS]
    db.session.add(assessment)
    # A late assessment of an earlier quarter never moves the next due date back.
    record.assessment_due_on = due.due_after(contract.starts_on, max(quarter, last_quarter or quarter))
    db.session.flush()
    return assessment


# --- due and overdue ------------------------------------------------------------------------------------

WHEN = ("overdue", "soon")


def due_records(user, region, *, when: str, mine: bool):
    """A select of the records whose assessment is overdue (or due within :data:`due.SOON`), soonest first.

    ``mine``: the records assigned to the person; otherwise the services they coordinate (the region for
    the resource centre). One indexed comparison of ``assessment_due_on``, whatever the size.
    """
    reach = scope.reach(user, region)
    day = today(region)
    query = select(GraduateRecord).where(reach.record_filter(), GraduateRecord.status == RecordStatus.under_support,
                                         GraduateRecord.restricted_at.is_(None),
                                         GraduateRecord.assessment_due_on.is_not(None))
    if mine:
        query = query.where(GraduateRecord.specialist_id == user.id)
    elif not reach.whole_region:
        query = query.where(GraduateRecord.service_id.in_(sorted(reach.coordinates) or [0]))
    if when == "overdue":
        query = query.where(GraduateRecord.assessment_due_on < day)
    else:
        query = query.where(and_(GraduateRecord.assessment_due_on >= day,
                                 GraduateRecord.assessment_due_on <= day + due.SOON))
    # The names the list shows come in the same statement (many-to-one: the page's LIMIT still counts records).
    return query.options(joinedload(GraduateRecord.specialist), joinedload(GraduateRecord.municipality)) \
        .order_by(GraduateRecord.assessment_due_on, GraduateRecord.id)


def overdue_count_query(user, region, *, mine: bool):
    """The records whose assessment is overdue, counted, as SQL."""
    query = due_records(user, region, when="overdue", mine=mine).order_by(None).options()
    return select(func.count()).select_from(query.subquery())


# --- what other services learn: portal_support_needs ---------------------------------------------------

def support_needs(user, region) -> list[str]:
    """The latest assessment's difficulties of the graduate's linked record, as support-area codes.

    Nothing once consent is withdrawn: what the service knows is no longer shared.
    """
    record = db.session.scalar(select(GraduateRecord).where(
        GraduateRecord.region_id == region.id, GraduateRecord.user_id == user.id,
        GraduateRecord.merged_into_id.is_(None), GraduateRecord.restricted_at.is_(None)))
    if record is None:
        return []
    found = latest(record.id)
    return sorted({SUPPORT_AREA_OF[row.area] for row in difficulties(found) if row.area in SUPPORT_AREA_OF})


def support_needs_of(user_ids, region) -> dict[int, list[str]]:
    """:func:`support_needs` of many graduates in one query: each linked record's latest assessment's bits."""
    ranked = (select(GraduateRecord.user_id, Assessment.difficulties, func.row_number().over(
        partition_by=Assessment.record_id, order_by=(Assessment.quarter_start.desc(), Assessment.id.desc()))
        .label("rank")).join(Assessment, Assessment.record_id == GraduateRecord.id).where(
        GraduateRecord.region_id == region.id, GraduateRecord.user_id.in_(list(user_ids)),
        GraduateRecord.merged_into_id.is_(None), GraduateRecord.restricted_at.is_(None)).subquery())
    found: dict[int, set[str]] = {}
    for user_id, bits in db.session.execute(select(ranked.c.user_id, ranked.c.difficulties)
                                            .where(ranked.c.rank == 1)):
        areas = found.setdefault(user_id, set())
        areas.update(SUPPORT_AREA_OF[area] for k, area in enumerate(AssessmentArea)
                     if bits >> k & 1 and area in SUPPORT_AREA_OF)
    return {user_id: sorted(areas) for user_id, areas in found.items()}


# --- a graduate's own data: export and erasure (called by registry.export / erase) ----------------

def export_of(record: GraduateRecord) -> dict:
    """The record's assessments as the graduate sees them: scores and goals, not staff's reasons."""
    found = db.session.scalars(select(Assessment).where(Assessment.record_id == record.id)
                               .options(selectinload(Assessment.areas)).order_by(Assessment.quarter_start))
    return {"assessments": [{"quarter_start": a.quarter_start.isoformat(), "assessed_on": a.assessed_on.isoformat(),
                             "areas": [{"area": s.area.value, "score": s.score.value, "goal": s.goal}
                                       for s in a.areas]} for a in found]}


def erase_of(record: GraduateRecord) -> None:
    """An erased graduate: the reasons and goals written about them go; the scores stay for the region's counts."""
    db.session.execute(update(AreaScore).where(AreaScore.assessment_id.in_(
        select(Assessment.id).where(Assessment.record_id == record.id))).values(reason="", goal="")
        .execution_options(synchronize_session=False))
