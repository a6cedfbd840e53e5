"""The appeals figures: appeals by type, the share resolved, the median time to resolution, resolved in time.

Aggregates on both databases: the median comes from ``row_number()`` and ``count()`` over a window (the
middle one or two rows of each group's ordered durations), which SQLite and PostgreSQL both have, in one
query whatever the number of groups. Durations are counted in days from a database-specific day number.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Float, and_, case, cast, func, literal, or_, select

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


def type_counts(scope, regions, period: Period, day: date) -> dict[tuple[int, AppealType], tuple[int, int, int, int]]:
    """Per region and type: (received, resolved, counted for "in time", resolved in time)."""
    resolved = Appeal.status == AppealStatus.resolved
    rows = db.session.execute(
        select(Appeal.region_id, Appeal.type, func.count(), func.count().filter(resolved),
               func.count().filter(_counted(regions, period, day)), func.count().filter(_in_time(regions, period)))
        .where(_scope(scope, regions, period)).group_by(Appeal.region_id, Appeal.type))
    return {(region_id, AppealType(kind)): tuple(numbers) for region_id, kind, *numbers in rows}


def service_counts(scope, regions, period: Period, day: date) -> dict[int, tuple[int, int]]:
    """Per service: (counted for "in time", resolved in time), for the rating."""
    rows = db.session.execute(
        select(Appeal.service_id, func.count().filter(_counted(regions, period, day)),
               func.count().filter(_in_time(regions, period)))
        .where(_scope(scope, regions, period)).group_by(Appeal.service_id))
    return {service_id: (counted, in_time) for service_id, counted, in_time in rows}


def medians(scope, regions, period: Period, by_type: bool) -> dict:
    """The median days from received to resolved of the appeals received in the period and resolved:
    per (region, type) with ``by_type``, else per region."""
    duration = (days(Appeal.closed_at) - days(Appeal.received_at)).label("duration")
    groups = [Appeal.region_id] + ([Appeal.type] if by_type else [])
    inner = (select(*[c.label(c.key) for c in groups], duration,
                    func.row_number().over(partition_by=groups, order_by=duration).label("position"),
                    func.count().over(partition_by=groups).label("size"))
             .where(_scope(scope, regions, period), Appeal.status == AppealStatus.resolved,
                    Appeal.closed_at.is_not(None))
             .subquery())
    keys = [inner.c[c.key] for c in groups]
    middle = inner.c.position.in_([(inner.c.size + 1) // 2, (inner.c.size + 2) // 2])
    rows = db.session.execute(select(*keys, func.avg(inner.c.duration)).where(middle).group_by(*keys))
    found = {}
    for row in rows:
        key = (row[0], AppealType(row[1])) if by_type else row[0]
        found[key] = round(float(row[-1]), 1)
    return found
