"""The appeals figures: appeals by type, the share resolved, the median time to resolution, resolved in time.

Aggregates on both databases: the median comes from a GROUP BY of how many appeals took each whole number
of days (no sort of the appeals themselves, one query whatever the number of groups), read in Python from
those few counts. Durations are counted from a database-specific day number.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, or_, select

from plugins.casework.models import Appeal, AppealStatus, AppealType
from plugins.casework.monitoring.periods import Period
from portal.kit import db, to_utc


def days(column):
    """A column as a number of days (fractional), so a difference of two is a duration in days."""
    if db.session.get_bind().dialect.name == "postgresql":  # as float8: numeric sorts twice as slowly
        return cast(func.extract("epoch", column), Float) / 86400.0
    return func.julianday(column)


def moments(period: Period, region) -> tuple[datetime, datetime]:
    """The period's first and last moment in naive UTC, by the region's clock."""
    return (to_utc(datetime.combine(period.first, time(0)), region),
            to_utc(datetime.combine(period.last + timedelta(days=1), time(0)), region))


def utc_offset_days(region, day: date) -> float:
    """How far the region's clock is ahead of UTC, in days (for "by the end of the due day")."""
    local = datetime.combine(day, time(12))
    return (local - to_utc(local, region)).total_seconds() / 86400


def _scope(scope, regions, period: Period):
    """Appeals received in the period (each region's clock), of the scope (a service: its appeals)."""
    clauses = []
    for region in regions:
        first, end = moments(period, region)
        clauses.append(and_(Appeal.region_id == region.id, Appeal.received_at >= first, Appeal.received_at < end))
    clause = or_(*clauses) if clauses else literal(False)
    if scope.service_id is not None:
        clause = clause & (Appeal.service_id == scope.service_id)
    return clause


def _in_time(regions, period: Period):
    """Resolved before the end of its due day, by its region's clock."""
    offsets = {region.id: utc_offset_days(region, period.last) for region in regions}
    offset = case(offsets, value=Appeal.region_id, else_=0.0) if len(offsets) > 1 else literal(
        next(iter(offsets.values()), 0.0))
    return (Appeal.status == AppealStatus.resolved) & (days(Appeal.closed_at) < days(Appeal.due_on) + 1 - offset)


def _counted(regions, period: Period, day: date):
    """Appeals that count for "in time": resolved, or not resolved and past their due date."""
    return or_(Appeal.status == AppealStatus.resolved, Appeal.due_on < day)


def service_counts(scope, regions, period: Period, day: date) -> dict[int, tuple[int, int]]:
    """Per service: (counted for "in time", resolved in time), for the rating."""
    rows = db.session.execute(
        select(Appeal.service_id, func.count().filter(_counted(regions, period, day)),
               func.count().filter(_in_time(regions, period)))
        .where(_scope(scope, regions, period)).group_by(Appeal.service_id))
    return {service_id: (counted, in_time) for service_id, counted, in_time in rows}


def whole_days(expression):
    """A non-negative number of days, rounded down (PostgreSQL's cast would round to the nearest)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.floor(expression)
    return cast(expression, Integer)


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


def figures(scope, regions, period: Period, day: date) -> tuple[dict, dict, dict]:
    """The period's appeals in one GROUP BY (region, type, whole days taken; NULL days for those not resolved):
    per (region, type) (received, resolved, counted for "in time", resolved in time); the median days to
    resolution per (region, type) and per region, read from how many resolved appeals took each number of days.
    """
    resolved = (Appeal.status == AppealStatus.resolved) & Appeal.closed_at.is_not(None)
    taken = case((resolved, whole_days(days(Appeal.closed_at) - days(Appeal.received_at))), else_=None).label("taken")
    rows = db.session.execute(
        select(Appeal.region_id, Appeal.type, taken, func.count(), func.count().filter(Appeal.status ==
                                                                                       AppealStatus.resolved),
               func.count().filter(_counted(regions, period, day)), func.count().filter(_in_time(regions, period)))
        .where(_scope(scope, regions, period)).group_by(Appeal.region_id, Appeal.type, taken))
    counts: dict = {}
    per_type: dict = {}
    per_region: dict = {}
    for region_id, kind, value, *numbers in rows:
        key = (region_id, AppealType(kind))
        counts[key] = tuple(a + b for a, b in zip(counts.get(key, (0, 0, 0, 0)), numbers))
        if value is None:
            continue
        value = int(value)
        for histogram in (per_type.setdefault(key, {}), per_region.setdefault(region_id, {})):
            histogram[value] = histogram.get(value, 0) + numbers[0]
    return (counts, {key: median(h) for key, h in per_type.items()},
            {key: median(h) for key, h in per_region.items()})
