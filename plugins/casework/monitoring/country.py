"""The country's view for the site admin: the same figures for every region side by side, counts only.

No graduate, record id or name reaches this page: each cell is a count of one region (or a share, or a
median, made of such counts). Counts from 1 to :data:`SMALL` - 1 are shown as "< 5", and a share or a median
made of fewer than :data:`SMALL` appeals or graduates is not shown, so that a small region's cell cannot
point at one person.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from plugins.casework.models import (ASSESSMENT_AREA_LABELS, RECORD_STATUS_LABELS, SUPPORT_LEVEL_LABELS,
                                     AppealType, AssessmentArea, RecordStatus, SupportService)
from plugins.casework.monitoring import appeals
from plugins.casework.monitoring import figures as counts
from plugins.casework.monitoring.figures import LEVEL_ORDER, Figure, Scope
from plugins.casework.monitoring.periods import Period
from portal.kit import Region, db, today

SMALL = 5
HIDDEN = "< 5"


def small(value):
    """A count as shown to the country: "< 5" for 1-4."""
    return HIDDEN if isinstance(value, int) and 0 < value < SMALL else value


def regions() -> list[Region]:
    """The regions that keep case work (have a support service)."""
    with_services = select(SupportService.region_id).distinct()
    return list(db.session.scalars(select(Region).where(Region.id.in_(with_services)).order_by(Region.name)))


def figures(period: Period) -> list[Figure]:
    """Six tables, one row per region; a fixed number of queries whatever the number of regions."""
    found = regions()
    if not found:
        return []
    everyone = Scope(None)
    day = max(today(region) for region in found)
    start = period.first - timedelta(days=1)
    difficulty, made = counts.difficulty_counts(everyone, period)
    at_start, at_end = counts.level_counts(everyone, start, period.last)
    statuses = counts.status_counts(everyone)
    overdue = counts.overdue_counts(everyone, day)
    kinds, _by_type, medians = appeals.figures(everyone, found, period, day)
    names = {r.id: r.name for r in found}

    difficulties = Figure("difficulties", _("Difficulties found per area"),
                          _("Areas scored «problem» or «critical» in the assessments made in the period, per region."),
                          [_("Region"), _("Assessments made")] + [str(ASSESSMENT_AREA_LABELS(a)) for a in AssessmentArea],
                          charted=1)
    levels = Figure("levels", _("Graduates per support level"),
                    _("Graduates under support at the start and at the end of the period, by the level approved by "
                      "then, per region."),
                    [_("Region")] + [f"{SUPPORT_LEVEL_LABELS(level)}: {label}" for level in LEVEL_ORDER
                                     for label in (_("start"), _("end"))], charted=2)
    status = Figure("statuses", _("Records per status"), _("Graduates' records by their status today, per region."),
                    [_("Region")] + [str(RECORD_STATUS_LABELS(s)) for s in RecordStatus], charted=1)
    late = Figure("overdue", _("Assessments overdue"),
                  _("Graduates under support today, and those of them whose next assessment was due before today."),
                  [_("Region"), _("Under support"), _("Assessment overdue"), _("With a current assessment, %")],
                  charted=2)
    appeal = Figure("appeals", _("Appeals"),
                    _("Appeals received in the period; resolved by now; resolved by the end of their due day (of "
                      "those resolved or past due); the median days from receiving to resolving."),
                    [_("Region"), _("Received"), _("Resolved"), _("Resolved, %"), _("Appeals resolved in time, %"),
                     _("Median, days")], charted=2)
    for region_id, name in names.items():
        difficulties.rows.append([name, small(made.get(region_id, 0))] + [
            small(difficulty.get((region_id, a), 0)) for a in AssessmentArea])
        levels.rows.append([name] + [small(source.get((region_id, level), 0)) for level in LEVEL_ORDER
                                     for source in (at_start, at_end)])
        status.rows.append([name] + [small(statuses.get((region_id, s), 0)) for s in RecordStatus])
        supported, behind = overdue.get(region_id, (0, 0))
        late.rows.append([name, small(supported), small(behind),
                          counts.share(supported - behind, supported) if supported >= SMALL else None])
        received = sum(kinds.get((region_id, k), (0,))[0] for k in AppealType)
        resolved = sum(kinds.get((region_id, k), (0, 0))[1] for k in AppealType)
        counted = sum(kinds.get((region_id, k), (0, 0, 0))[2] for k in AppealType)
        timely = sum(kinds.get((region_id, k), (0, 0, 0, 0))[3] for k in AppealType)
        appeal.rows.append([name, small(received), small(resolved),
                            counts.share(resolved, received) if received >= SMALL else None,
                            counts.share(timely, counted) if counted >= SMALL else None,
                            medians.get(region_id) if resolved >= SMALL else None])
    return [difficulties, levels, status, late, appeal]


__all__ = ["HIDDEN", "SMALL", "figures", "regions", "small"]
