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


def medians(scope, regions, period: Period) -> tuple[dict, dict]:
    """The median days from received to resolved of the appeals received in the period and resolved, per
    (region, type) and per region, in one query: two windows over one scan; each group's middle one or two
    rows are summed per (region, type), and the region's are added up here."""
    duration = (days(Appeal.closed_at) - days(Appeal.received_at)).label("duration")
    by_type, by_region = [Appeal.region_id, Appeal.type], [Appeal.region_id]
    inner = (select(Appeal.region_id.label("region_id"), Appeal.type.label("type"), duration,
                    func.row_number().over(partition_by=by_type, order_by=duration).label("type_position"),
                    func.count().over(partition_by=by_type).label("type_size"),
                    func.row_number().over(partition_by=by_region, order_by=duration).label("position"),
                    func.count().over(partition_by=by_region).label("size"))
             .where(_scope(scope, regions, period), Appeal.status == AppealStatus.resolved,
                    Appeal.closed_at.is_not(None))
             .subquery())

    def middle(position, size):
        return position.in_([(size + 1) // 2, (size + 2) // 2])

    in_type = middle(inner.c.type_position, inner.c.type_size)
    in_region = middle(inner.c.position, inner.c.size)
    rows = db.session.execute(
        select(inner.c.region_id, inner.c.type, func.sum(inner.c.duration).filter(in_type),
               func.count().filter(in_type), func.sum(inner.c.duration).filter(in_region),
               func.count().filter(in_region))
        .where(in_type | in_region).group_by(inner.c.region_id, inner.c.type))
    kinds, regions_found = {}, {}
    for region_id, kind, type_sum, type_count, region_sum, region_count in rows:
        if type_count:
            kinds[(region_id, AppealType(kind))] = round(float(type_sum) / type_count, 1)
        if region_count:
            total, count = regions_found.get(region_id, (0.0, 0))
            regions_found[region_id] = (total + float(region_sum), count + region_count)
    return kinds, {region_id: round(total / count, 1) for region_id, (total, count) in regions_found.items()}
