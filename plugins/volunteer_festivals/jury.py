"""Jury and awards: jurors score each accepted group's project on its nomination's criteria.

A group's result is the mean, over the jurors who scored it, of each juror's total; places are
given per nomination, best first, equal results sharing a place. Scoring and publishing hold the
festival's row, so no score slips in after the results are out.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from plugins.volunteer_festivals.festivals import RESULTS_LIFE, festival_groups
from plugins.volunteer_festivals.models import (Festival, FestivalGroup, FestivalNomination, FestivalScore,
                                                GroupStatus, ResultsStatus)
from portal.kit import Refusal, db, hold, utcnow

PLACES_AWARDED = 3


@dataclass
class Result:
    group: FestivalGroup
    total: float | None  # None: nobody scored it
    jurors: int
    place: int | None


def scores_of(festival: Festival, juror) -> dict[tuple[int, int], int]:
    """(group id, criterion id) -> the juror's points."""
    rows = db.session.scalars(select(FestivalScore).join(FestivalGroup).where(FestivalGroup.festival_id == festival.id,
                                                              FestivalScore.juror_id == juror.id))
    return {(s.group_id, s.criterion_id): s.points for s in rows}


def score(group: FestivalGroup, juror, points: dict[int, int]) -> None:
    """Save the juror's points for the group (every criterion of its nomination).

    :raises Refusal: results published, group not accepted, a criterion missing or out of range.
    """
    hold(group.festival)
    if group.festival.results == ResultsStatus.published:
        raise Refusal(_("The results are published; scores can no longer change."))
    db.session.refresh(group)
    if group.status != GroupStatus.accepted:
        raise Refusal(_("Only accepted groups are scored."))
    criteria = group.nomination.criteria
    for criterion in criteria:
        value = points.get(criterion.id)
        if value is None or not 0 <= value <= criterion.max_points:
            raise Refusal(_("Give «%(criterion)s» from 0 to %(max)d points.", criterion=criterion.name,
                            max=criterion.max_points), f"c{criterion.id}")
    have = {s.criterion_id: s for s in db.session.scalars(select(FestivalScore).where(
        FestivalScore.group_id == group.id, FestivalScore.juror_id == juror.id))}
    for criterion in criteria:
        row = have.get(criterion.id)
        if row is None:
            db.session.add(FestivalScore(group_id=group.id, criterion_id=criterion.id, juror_id=juror.id,
                                 points=points[criterion.id]))
        else:
            row.points, row.scored_at = points[criterion.id], utcnow()
    db.session.flush()


def results(festival: Festival) -> list[tuple[FestivalNomination, list[Result]]]:
    """Per nomination, the accepted groups best first, with their places."""
    groups = festival_groups(festival, GroupStatus.accepted)
    totals: dict[int, dict[int, int]] = {}
    rows = db.session.execute(select(FestivalScore.group_id, FestivalScore.juror_id, FestivalScore.points).join(FestivalGroup)
                              .where(FestivalGroup.festival_id == festival.id, FestivalGroup.status == GroupStatus.accepted))
    for group_id, juror_id, points in rows:
        per_juror = totals.setdefault(group_id, {})
        per_juror[juror_id] = per_juror.get(juror_id, 0) + points
    out = []
    for nomination in festival.nominations:
        found = []
        for group in (g for g in groups if g.nomination_id == nomination.id):
            per_juror = totals.get(group.id, {})
            total = round(sum(per_juror.values()) / len(per_juror), 2) if per_juror else None
            found.append(Result(group, total, len(per_juror), None))
        found.sort(key=lambda r: (r.total is None, -(r.total or 0), r.group.name))
        place, last = 0, None
        for index, result in enumerate(found):
            if result.total is None:
                break
            if result.total != last:
                place, last = index + 1, result.total
            result.place = place
        out.append((nomination, found))
    return out


def publish(festival: Festival) -> None:
    """Publish the results; refused while no group has a score."""
    hold(festival)
    if not any(r.total is not None for _n, found in results(festival) for r in found):
        raise Refusal(_("No group has been scored yet."))
    RESULTS_LIFE.apply(festival, "published", region=festival.region)


def place_of(group: FestivalGroup) -> int | None:
    """The group's place once the results are published (None before, or without a score)."""
    if group.festival.results != ResultsStatus.published:
        return None
    for _nomination, found in results(group.festival):
        for result in found:
            if result.group.id == group.id:
                return result.place
    return None
