"""The appeals figures: appeals by type, the share resolved, the median time to resolution, resolved in time.

From the kept totals (:mod:`.tallies`): how many appeals of each type took each whole number of days, so the
median is read in Python from a few counts; the appeals not resolved and not yet due are the only ones read.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from plugins.casework.models import AppealType
from plugins.casework.monitoring import tallies
from plugins.casework.monitoring.periods import Period
from portal.kit import to_utc


def moments(period: Period, region) -> tuple[datetime, datetime]:
    """The period's first and last moment in naive UTC, by the region's clock."""
    return (to_utc(datetime.combine(period.first, time(0)), region),
            to_utc(datetime.combine(period.last + timedelta(days=1), time(0)), region))


def median(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}: the middle one, or the mean of the middle two."""
    size = sum(histogram.values())
    if not size:
        return None
    wanted, found, seen = {(size - 1) // 2, size // 2}, [], 0
    for value in sorted(histogram):
        count = histogram[value]
        found += [value for position in wanted if seen <= position < seen + count]
        seen += count
    return round(sum(found) / len(found), 1)


def _sums(scope, regions, period: Period, day: date) -> dict:
    """Per (region, service, type, days taken or -1): (received, resolved, in time, counted for "in time").

    Counted: resolved, or not resolved and past the due date (those due today or later are not counted yet)."""
    found = {}
    for key, (received, resolved, in_time) in tallies.appeal_sums(scope, regions, period, moments).items():
        found[key] = (received, resolved, in_time, received if key[3] == tallies.NOT_RESOLVED else resolved)
    for (region_id, service_id, kind), waiting in tallies.not_yet_due(scope, regions, period, moments, day).items():
        key = (region_id, service_id, kind, tallies.NOT_RESOLVED)
        received, resolved, in_time, counted = found.get(key, (0, 0, 0, 0))
        found[key] = (received, resolved, in_time, counted - waiting)
    return found


def service_counts(scope, regions, period: Period, day: date) -> dict[int, tuple[int, int]]:
    """Per service: (counted for "in time", resolved in time), for the rating."""
    found: dict = {}
    for (_region_id, service_id, _kind, _taken), (_received, _resolved, in_time, counted) in \
            _sums(scope, regions, period, day).items():
        was = found.get(service_id, (0, 0))
        found[service_id] = (was[0] + counted, was[1] + in_time)
    return found


def figures(scope, regions, period: Period, day: date) -> tuple[dict, dict, dict]:
    """The period's appeals from the kept totals (region, type, whole days taken): per (region, type) (received,
    resolved, counted for "in time", resolved in time); the median days to resolution per (region, type) and per
    region, read from how many resolved appeals took each number of days.
    """
    counts: dict = {}
    per_type: dict = {}
    per_region: dict = {}
    for (region_id, _service_id, kind, taken), (received, resolved, in_time, counted) in \
            _sums(scope, regions, period, day).items():
        key = (region_id, AppealType(kind))
        counts[key] = tuple(a + b for a, b in zip(counts.get(key, (0, 0, 0, 0)), (received, resolved, counted,
                                                                                 in_time)))
        if taken == tallies.NOT_RESOLVED:
            continue
        for histogram in (per_type.setdefault(key, {}), per_region.setdefault(region_id, {})):
            histogram[taken] = histogram.get(taken, 0) + received
    return (counts, {key: median(h) for key, h in per_type.items() if sum(h.values())},
            {key: median(h) for key, h in per_region.items() if sum(h.values())})
