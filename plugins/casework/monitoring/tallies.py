"""The monitoring's kept totals: appeals, difficulties and support levels counted as they change, so that a page
sums a few hundred rows instead of reading a region's appeals, assessments, contracts and level changes.

Each total is a sum over appeals (:func:`appeal_counts`) or over records, from their contracts, approved level
changes and assessments (:func:`record_counts`). Whenever the session flushes a change to one of them, the counts
of the appeals and records it touches are read before and after the flush and the difference is added to the
totals in the same transaction (a rollback takes it back too). Bulk statements, which the session does not see,
go through :func:`changing`. :func:`recount` counts from scratch with the same two functions (the migration, the
demo, the bench, ``portal casework recount``); tests keep the kept totals equal to it.

Regions' clocks: a level approved at a moment counts from the region's day of that moment, an appeal is in time
when resolved before the end of its due day, both by the region's time zone when the total changes; a region whose
time zone changes is recounted (``portal casework recount``).
"""
from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, event, func, inspect, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from plugins.casework.models import (Appeal, AppealStatus, AppealTally, Assessment, AssessmentArea,
                                     DifficultyTally, GraduateRecord, LevelChange, LevelChangeStatus, LevelTally,
                                     RecordStatus, RecordTally, SupportContract)
from plugins.casework.monitoring.periods import quarter_of
from portal.kit import Region, db, to_local, to_utc

AREAS = list(AssessmentArea)
MADE = ""  # DifficultyTally.area of the assessments made
NO_LEVEL = ""  # LevelTally.level of graduates under support with no level approved yet
NOT_RESOLVED = -1  # AppealTally.taken of appeals not resolved
NONE_DUE = date(9999, 12, 31)  # RecordTally.due_on of records with no assessment due
#: Per total: its table, its key columns and the columns it adds up.
TABLES = {
    "appeal": (AppealTally, ("region_id", "service_id", "month", "type", "taken"), ("appeals", "resolved", "in_time")),
    "difficulty": (DifficultyTally, ("region_id", "service_id", "month", "area"), ("count",)),
    "level": (LevelTally, ("region_id", "service_id", "since", "level"), ("change",)),
    "record": (RecordTally, ("region_id", "service_id", "status", "due_on"), ("count",)),
}
#: The columns whose change changes a total.
APPEAL_FIELDS = ("region_id", "service_id", "received_at", "type", "status", "closed_at", "due_on")
RECORD_FIELDS = ("region_id", "service_id", "merged_into_id", "status", "assessment_due_on")
CHILD_FIELDS = {SupportContract: ("record_id", "starts_on", "ended_on"),
                LevelChange: ("record_id", "status", "decided_at", "to_level"),
                Assessment: ("record_id", "assessed_on", "difficulties")}
APPEAL_COLUMNS = (Appeal.region_id, Appeal.service_id, Appeal.received_at, Appeal.type, Appeal.status,
                  Appeal.closed_at, Appeal.due_on)
CHUNK = 2000  # records read at once by a recount


# --- what one appeal, one record adds ----------------------------------------------------------------------------

def month_of(day: date | datetime) -> date:
    return date(day.year, day.month, 1)


def quarter_end(day: date) -> date:
    """The last day of ``day``'s quarter: the first quarter end on or after it."""
    return quarter_of(day).last


def end_of_day(day: date, zone) -> datetime:
    """The moment (naive UTC) the region's ``day`` ends."""
    return to_utc(datetime.combine(day + timedelta(days=1), time(0)), zone)


def appeal_key(row, zones: dict) -> tuple[tuple, tuple[int, int, int]]:
    """An appeal's total: (region, service or 0, UTC month received, type, whole days taken or -1) and what it
    adds: (1, resolved, resolved in time)."""
    region_id, service_id, received_at, kind, status, closed_at, due_on = row
    resolved = AppealStatus(status) == AppealStatus.resolved
    finished = resolved and closed_at is not None
    taken = (closed_at - received_at) // timedelta(days=1) if finished else NOT_RESOLVED
    in_time = finished and closed_at < end_of_day(due_on, zones[region_id])
    return ((region_id, service_id or 0, month_of(received_at), getattr(kind, "value", kind), taken),
            (1, int(resolved), int(in_time)))


def appeal_counts(rows, zones: dict, into: dict | None = None) -> dict:
    found = into if into is not None else defaultdict(lambda: [0, 0, 0])
    for row in rows:
        key, adds = appeal_key(row, zones)
        totals = found[("appeal", key)]
        for k, n in enumerate(adds):
            totals[k] += n
    return found


def level_steps(contracts, changes, zone) -> list[tuple[date, str | None]]:
    """The record's level at each quarter end where it changes: (quarter end, level or "" or None: not under
    support). Under support on a day: a contract started on or before it and not ended by it; the level: the
    last approved before the end of the day (by the region's clock)."""
    changes = sorted(changes, key=lambda c: (c[1], c[2]))  # (level, decided at, id)
    days = {quarter_end(starts) for starts, _ended in contracts}
    days |= {quarter_end(ended) for _starts, ended in contracts if ended is not None}
    days |= {quarter_end(to_local(decided, zone).date()) for _level, decided, _id in changes}
    steps, was = [], None
    for day in sorted(days):
        level = None
        if any(starts <= day and (ended is None or ended > day) for starts, ended in contracts):
            moment = end_of_day(day, zone)
            level = NO_LEVEL
            for to_level, decided, _id in changes:
                if decided < moment:
                    level = getattr(to_level, "value", to_level)
        if level != was:
            steps.append((day, level))
            was = level
    return steps


def record_counts(connection, record_ids, zones: dict | None = None, into: dict | None = None) -> dict:
    """The records' status and assessment due, their difficulties per month and area and their level steps, as
    the database has them now (``zones``: the regions already read; the others are read and added)."""
    found = into if into is not None else defaultdict(lambda: [0])
    ids = sorted({i for i in record_ids if i is not None})
    if not ids:
        return found
    live = {}
    for rid, region_id, service_id, status, due in connection.execute(
            select(GraduateRecord.id, GraduateRecord.region_id, GraduateRecord.service_id, GraduateRecord.status,
                   GraduateRecord.assessment_due_on)
            .where(GraduateRecord.id.in_(ids), GraduateRecord.merged_into_id.is_(None))):
        live[rid] = (region_id, service_id or 0)
        found[("record", (region_id, service_id or 0, RecordStatus(status).value, due or NONE_DUE))][0] += 1
    if not live:
        return found
    zones = zones if zones is not None else {}
    missing = {region for region, _s in live.values()} - zones.keys()
    if missing:
        zones.update(region_zones(connection, missing))
    contracts, changes = defaultdict(list), defaultdict(list)
    for rid, starts, ended in connection.execute(select(SupportContract.record_id, SupportContract.starts_on,
                                                        SupportContract.ended_on)
                                                 .where(SupportContract.record_id.in_(live))):
        contracts[rid].append((starts, ended))
    for rid, level, decided, change_id in connection.execute(
            select(LevelChange.record_id, LevelChange.to_level, LevelChange.decided_at, LevelChange.id)
            .where(LevelChange.record_id.in_(live), LevelChange.status == LevelChangeStatus.approved,
                   LevelChange.decided_at.is_not(None))):
        changes[rid].append((level, decided, change_id))
    for rid, assessed_on, bits in connection.execute(select(Assessment.record_id, Assessment.assessed_on,
                                                            Assessment.difficulties)
                                                     .where(Assessment.record_id.in_(live))):
        region_id, service_id = live[rid]
        month = month_of(assessed_on)
        found[("difficulty", (region_id, service_id, month, MADE))][0] += 1
        for k, area in enumerate(AREAS):
            if (bits or 0) >> k & 1:
                found[("difficulty", (region_id, service_id, month, area.value))][0] += 1
    for rid in contracts:
        region_id, service_id = live[rid]
        was = None
        for day, level in level_steps(contracts[rid], changes[rid], zones[region_id]):
            if was is not None:
                found[("level", (region_id, service_id, day, was))][0] -= 1
            if level is not None:
                found[("level", (region_id, service_id, day, level))][0] += 1
            was = level
    return found


def region_zones(connection, region_ids) -> dict:
    """Each region as :func:`portal.kit.to_utc` needs it (its time zone)."""
    return {rid: SimpleNamespace(timezone=zone) for rid, zone in connection.execute(
        select(Region.id, Region.timezone).where(Region.id.in_(sorted(region_ids))))}


# --- keeping the totals --------------------------------------------------------------------------------------------

def _state(connection, appeal_clause, record_ids) -> dict:
    """What the touched appeals and records add to the totals now."""
    appeals = list(connection.execute(select(*APPEAL_COLUMNS).where(appeal_clause))) \
        if appeal_clause is not None else []
    zones = region_zones(connection, {row[0] for row in appeals}) if appeals else {}
    return {**appeal_counts(appeals, zones), **record_counts(connection, record_ids, zones)}


def _difference(before: dict, after: dict) -> dict:
    found = {}
    for key in set(before) | set(after):
        width = len(TABLES[key[0]][2])
        change = [a - b for a, b in zip(after.get(key, [0] * width), before.get(key, [0] * width))]
        if any(change):
            found[key] = change
    return found


def add(connection, changes: dict) -> None:
    """Add each change to its total: one upsert per table, in key order (two transactions adding to the same
    totals take their rows in the same order and cannot deadlock)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    ordered = sorted(changes.items())
    for kind, (model, keys, values) in TABLES.items():
        rows = [dict(zip(keys, key), **dict(zip(values, change))) for (k, key), change in ordered if k == kind]
        for start in range(0, len(rows), 1000):
            statement = dialect.insert(model.__table__).values(rows[start:start + 1000])
            connection.execute(statement.on_conflict_do_update(
                index_elements=list(keys),
                set_={column: model.__table__.c[column] + statement.excluded[column] for column in values}))


def _changed(instance, fields) -> bool:
    attributes = inspect(instance).attrs
    return any(attributes[name].history.has_changes() for name in fields)


def _record_ids_of(instance) -> set:
    """The record a contract, level change or assessment belongs to, and the one it belonged to before."""
    history = inspect(instance).attrs.record_id.history
    found = {instance.record_id, *history.deleted}
    record = instance.__dict__.get("record")
    if record is not None:
        found.add(record.id)
    return {i for i in found if i is not None}


class _Touched:
    """The appeals and records a flush changes (new ones get their ids during the flush)."""

    def __init__(self):
        self.appeal_ids: set[int] = set()
        self.new_appeals: list = []
        self.record_ids: set[int] = set()
        self.new_records: list = []
        self.children: list = []

    def __bool__(self):
        return bool(self.appeal_ids or self.new_appeals or self.record_ids or self.new_records or self.children)

    def appeal_clause(self):
        ids = self.appeal_ids | {a.id for a in self.new_appeals if a.id is not None}
        return Appeal.id.in_(sorted(ids)) if ids else None

    def records(self) -> set:
        found = self.record_ids | {r.id for r in self.new_records if r.id is not None}
        for child in self.children:
            found |= _record_ids_of(child)
        return found


KEY = "casework.tallies"


@event.listens_for(Session, "before_flush")
def _before_flush(session, _context, _instances) -> None:
    session.info.pop(KEY, None)
    touched = _Touched()
    deleted = set(session.deleted)
    for instance in (*session.new, *session.dirty, *deleted):
        new = instance in session.new
        if isinstance(instance, Appeal):
            if new:
                touched.new_appeals.append(instance)
            elif instance in deleted or _changed(instance, APPEAL_FIELDS):
                touched.appeal_ids.add(instance.id)
        elif isinstance(instance, GraduateRecord):
            if new:
                touched.new_records.append(instance)
            elif instance in deleted or _changed(instance, RECORD_FIELDS):
                touched.record_ids.add(instance.id)
        elif type(instance) in CHILD_FIELDS:
            if new or instance in deleted or _changed(instance, CHILD_FIELDS[type(instance)]):
                touched.children.append(instance)
    if not touched:
        return
    with session.no_autoflush:
        connection = session.connection()
        session.info[KEY] = (touched, _state(connection, touched.appeal_clause(), touched.records()))


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    found = session.info.pop(KEY, None)
    if found is None:
        return
    touched, before = found
    connection = session.connection()
    after = _state(connection, touched.appeal_clause(), touched.records())
    add(connection, _difference(before, after))


@contextmanager
def changing(records=(), appeals_of_records=()):
    """Around bulk statements on appeals (of the given records) or on what records hold: the totals follow."""
    session = db.session
    session.flush()
    connection = session.connection()
    clause = Appeal.record_id.in_(sorted(appeals_of_records)) if appeals_of_records else None
    before = _state(connection, clause, set(records))
    yield
    after = _state(connection, clause, set(records))
    add(connection, _difference(before, after))


def records_added(record_ids) -> None:
    """Records inserted in bulk (an import): what they add."""
    connection = db.session.connection()
    add(connection, _difference({}, _state(connection, None, set(record_ids))))


# --- counting from scratch -----------------------------------------------------------------------------------------

def count_all(connection, region_ids=None) -> dict:
    """Every total of the regions (all when None), counted from the appeals and records themselves."""
    where = [] if region_ids is None else [Appeal.region_id.in_(sorted(region_ids))]
    zones = region_zones(connection, region_ids if region_ids is not None else
                         set(connection.scalars(select(Region.id))))
    found: dict = {}
    appeals = appeal_counts(connection.execute(select(*APPEAL_COLUMNS).where(*where)
                                               .execution_options(yield_per=20_000)), zones)
    found.update(appeals)
    records = select(GraduateRecord.id).where(GraduateRecord.merged_into_id.is_(None))
    if region_ids is not None:
        records = records.where(GraduateRecord.region_id.in_(sorted(region_ids)))
    ids = list(connection.scalars(records.order_by(GraduateRecord.id)))
    counted = defaultdict(lambda: [0])
    for start in range(0, len(ids), CHUNK):
        record_counts(connection, ids[start:start + CHUNK], zones, into=counted)
    found.update(counted)
    return {key: value for key, value in found.items() if any(value)}


def kept(connection, region_ids=None) -> dict:
    """The totals as they are kept (rows adding up to nothing left out)."""
    found = {}
    for kind, (model, keys, values) in TABLES.items():
        query = select(*[model.__table__.c[c] for c in keys + values])
        if region_ids is not None:
            query = query.where(model.__table__.c.region_id.in_(sorted(region_ids)))
        for row in connection.execute(query):
            if any(row[len(keys):]):
                found[(kind, tuple(row[:len(keys)]))] = list(row[len(keys):])
    return found


def recount(connection, region_ids=None) -> int:
    """Replace the regions' totals (all when None) by a count from scratch; returns how many rows there are."""
    counted = count_all(connection, region_ids)
    for model, _keys, _values in TABLES.values():
        statement = model.__table__.delete()
        if region_ids is not None:
            statement = statement.where(model.__table__.c.region_id.in_(sorted(region_ids)))
        connection.execute(statement)
    add(connection, counted)
    return len(counted)


# --- reading: a period's sums ---------------------------------------------------------------------------------------

def _where(model, scope):
    clauses = []
    if scope.region_id is not None:
        clauses.append(model.region_id == scope.region_id)
    if scope.service_id is not None:
        clauses.append(model.service_id == scope.service_id)
    return clauses


def appeal_sums(scope, regions, period, moments) -> dict:
    """Per (region, service or None, type, days taken or -1): [received, resolved, in time] of the appeals received
    in the period by each region's clock: the period's calendar months as kept (UTC), corrected by the appeals of
    the hours between each region's start and end of the period and the months' (``moments(period, region)``)."""
    found = defaultdict(lambda: [0, 0, 0])
    ids = [region.id for region in regions]
    rows = db.session.execute(
        select(AppealTally.region_id, AppealTally.service_id, AppealTally.type, AppealTally.taken,
               func.sum(AppealTally.appeals), func.sum(AppealTally.resolved), func.sum(AppealTally.in_time))
        .where(AppealTally.region_id.in_(ids), AppealTally.month >= period.first, AppealTally.month <= period.last,
               *_where(AppealTally, scope))
        .group_by(AppealTally.region_id, AppealTally.service_id, AppealTally.type, AppealTally.taken))
    for region_id, service_id, kind, taken, *sums in rows:
        totals = found[(region_id, service_id or None, kind, taken)]
        for k, n in enumerate(sums):
            totals[k] += int(n or 0)
    months_start = datetime.combine(period.first, time(0))
    months_end = datetime.combine(period.last + timedelta(days=1), time(0))
    edges = []  # (region, from, until, +1: in the period, not in its months; -1: in its months, not in the period)
    for region in regions:
        first, end = moments(period, region)
        for moment, month, inside in ((first, months_start, 1), (end, months_end, -1)):
            if moment != month:
                edges.append((region.id, min(moment, month), max(moment, month), inside if moment < month else -inside))
    if edges:
        zones = {region.id: region for region in regions}
        clause = or_(*[and_(Appeal.region_id == rid, Appeal.received_at >= lo, Appeal.received_at < hi)
                       for rid, lo, hi, _sign in edges])
        for row in db.session.execute(select(*APPEAL_COLUMNS).where(clause, *_where(Appeal, scope))):
            sign = next(sign for rid, lo, hi, sign in edges if rid == row[0] and lo <= row[2] < hi)
            (region_id, service_id, _month, kind, taken), adds = appeal_key(row, zones)
            totals = found[(region_id, service_id or None, kind, taken)]
            for k, n in enumerate(adds):
                totals[k] += sign * n
    return found


def not_yet_due(scope, regions, period, moments, day: date) -> dict:
    """Per (region, service or None, type): the period's appeals not resolved and due today or later (they count
    neither for nor against "resolved in time")."""
    clauses = []
    for region in regions:
        first, end = moments(period, region)
        clauses.append(and_(Appeal.region_id == region.id, Appeal.due_on >= day, Appeal.received_at >= first,
                            Appeal.received_at < end))
    if not clauses:
        return {}
    rows = db.session.execute(
        select(Appeal.region_id, Appeal.service_id, Appeal.type, func.count())
        .where(or_(*clauses), Appeal.status != AppealStatus.resolved, *_where(Appeal, scope))
        .group_by(Appeal.region_id, Appeal.service_id, Appeal.type))
    return {(region_id, service_id, getattr(kind, "value", kind)): n for region_id, service_id, kind, n in rows}


def difficulty_sums(scope, period) -> dict:
    """Per (region, area or "" for the assessments made): the assessments made in the period's months."""
    rows = db.session.execute(
        select(DifficultyTally.region_id, DifficultyTally.area, func.sum(DifficultyTally.count))
        .where(DifficultyTally.month >= period.first, DifficultyTally.month <= period.last,
               *_where(DifficultyTally, scope))
        .group_by(DifficultyTally.region_id, DifficultyTally.area))
    return {(region_id, area): int(n or 0) for region_id, area, n in rows}


def level_sums(scope, start: date, end: date) -> tuple[dict, dict]:
    """Per (region, level or ""): the graduates under support at the end of ``start`` and of ``end`` (quarter
    ends both): the sums of the changes up to each."""
    at = {day: func.sum(LevelTally.change).filter(LevelTally.since <= day) for day in (start, end)}
    rows = db.session.execute(
        select(LevelTally.region_id, LevelTally.level, at[start], at[end])
        .where(LevelTally.since <= max(start, end), *_where(LevelTally, scope))
        .group_by(LevelTally.region_id, LevelTally.level))
    found_start, found_end = {}, {}
    for region_id, level, at_start, at_end in rows:
        for found, n in ((found_start, at_start), (found_end, at_end)):
            if n:
                found[(region_id, level)] = int(n)
    return found_start, found_end


def record_sums(scope, day: date | None = None) -> dict:
    """Per (region, service or None, status): [records, of them with an assessment due before ``day``]."""
    columns = [RecordTally.region_id, RecordTally.service_id, RecordTally.status, func.sum(RecordTally.count)]
    if day is not None:
        columns.append(func.sum(RecordTally.count).filter(RecordTally.due_on < day))
    rows = db.session.execute(select(*columns).where(*_where(RecordTally, scope))
                              .group_by(RecordTally.region_id, RecordTally.service_id, RecordTally.status))
    return {(row[0], row[1] or None, row[2]): [int(n or 0) for n in row[3:]] for row in rows}

