"""The appeals journal (журнал обращений): a graduate's appeals, their life, and what was done about them.

An appeal is logged by staff (a visit, a call, a message) or filed by the graduate on the portal. Its life is
:data:`APPEALS`: new → in progress → resolved / referred to another agency / closed unresolved (with why); every
status change holds the row and reads it again, so two staff resolving one appeal at once make one change.
Each step is an :class:`AppealAction` (when, who, what); nothing is edited in place or deleted: a correction is
a new entry naming the one it corrects. The graduate with an account is told of each change in their language.

What the graduate sees: the whole appeal and every entry except those staff marked ``staff_only`` (a note
about other agencies or the family that is not theirs to read). Who else sees it: the record's rule (scope.py).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import ARRAY, Integer, and_, case, func, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from plugins.casework import scope
from plugins.casework.models import (APPEAL_TYPE_LABELS, FINISHED_APPEAL, OPEN_APPEAL, USUAL_DAYS, Appeal,
                                     AppealAction, AppealActionKind, AppealChannel, AppealStatus, AppealType,
                                     GraduateRecord)
from plugins.casework.monitoring import tallies
from portal.kit import Lifecycle, Refusal, User, audit, db, notify, to_local, to_utc, today, utcnow

S = AppealStatus
APPEALS = Lifecycle("casework.appeal", "casework_appeal")
APPEALS.move("start", {S.new}, S.in_progress)
APPEALS.move("resolve", OPEN_APPEAL, S.resolved)
APPEALS.move("refer", OPEN_APPEAL, S.referred)
APPEALS.move("close", OPEN_APPEAL, S.closed)
APPEALS.move("reopen", FINISHED_APPEAL, S.in_progress)
#: A specialist takes the appeal (or it is handed to them): a change within the status, guarded all the same.
APPEALS.move("take", OPEN_APPEAL)

#: The status moves a page offers (``start`` and ``take`` are the «take it» button).
STATUS_MOVES = ("resolve", "refer", "close", "reopen")

NO_REQUEST = _l("Say what the graduate asks for.")
NO_TEXT = _l("Write what was done.")
NO_REASON = _l("Say why the appeal is closed without a solution.")
NO_OUTCOME = _l("Say how the appeal was resolved.")
NO_AGENCY = _l("Name the agency the appeal is referred to.")
NO_REOPEN_REASON = _l("Say why the appeal is opened again.")
IN_FUTURE = _l("An appeal cannot be received in the future.")
TOO_OLD = _l("An appeal is logged within a year of receiving it.")
RESTRICTED = _l("Consent was withdrawn: no new appeal can be logged on this record.")
NOT_THIS_APPEAL = _l("This entry is not one of this appeal's.")
NO_CORRECTION = _l("Write the corrected text.")
UNKNOWN_MOVE = _l("This change of status is not offered.")
TAKEN_ALREADY = _l("You are already working on this appeal.")
NOT_STAFF = _l("Only a specialist or a coordinator of the record's service can take the appeal.")

#: What each move asks for (the why), and the message the graduate gets.
WHY = {"resolve": NO_OUTCOME, "refer": NO_AGENCY, "close": NO_REASON, "reopen": NO_REOPEN_REASON}
TOLD = {
    "filed": _l("Your appeal «%(type)s» of %(day)s is registered; it is due by %(due)s."),
    "resolve": _l("Your appeal «%(type)s» of %(day)s is resolved: %(text)s"),
    "refer": _l("Your appeal «%(type)s» of %(day)s is referred to %(agency)s: %(text)s"),
    "close": _l("Your appeal «%(type)s» of %(day)s is closed without a solution: %(text)s"),
    "reopen": _l("Your appeal «%(type)s» of %(day)s is open again: %(text)s"),
    "take": _l("%(name)s is working on your appeal «%(type)s» of %(day)s."),
    "action": _l("New on your appeal «%(type)s» of %(day)s: %(text)s"),
    "correction": _l("An entry on your appeal «%(type)s» of %(day)s is corrected: %(text)s"),
}
NEW_FROM_PORTAL = _l("%(name)s filed an appeal «%(type)s» on the portal.")


def due_on(kind: AppealType, received: date) -> date:
    """The due date: the region's day it was received plus the type's usual time."""
    return received + timedelta(days=USUAL_DAYS[kind])


def _received_at(region, day: date | None) -> tuple[datetime, date]:
    """Stored moment and the region's day of an appeal received on ``day`` (today: now)."""
    current = today(region)
    if day is None or day == current:
        return utcnow(), current
    if day > current:
        raise Refusal(IN_FUTURE, "received_on")
    if day < current - timedelta(days=366):
        raise Refusal(TOO_OLD, "received_on")
    return to_utc(datetime.combine(day, time(12, 0)), region), day


def _entry(appeal: Appeal, kind: AppealActionKind, by: User | None, text: str = "", **more) -> AppealAction:
    entry = AppealAction(appeal_id=appeal.id, kind=kind, by_id=by.id if by else None, text=text, at=utcnow(),
                         **more)
    db.session.add(entry)
    return entry


def _tell(appeal: Appeal, region, what: str, **params) -> None:
    """The graduate with an account hears of the change, in their own language."""
    record = appeal.record
    if record is None or record.user is None:
        return
    day = to_local(appeal.received_at, region).date()  # the region's day it was received
    notify(record.user, TOLD[what], url_for("casework.mine_appeal", region_code=region.code, appeal_id=appeal.id),
           times_of=region, type=APPEAL_TYPE_LABELS[appeal.type], day=day, **params)


def _target(appeal: Appeal) -> str:
    return f"casework_appeal:{appeal.id}"


# --- logging and filing ----------------------------------------------------------------------------------

def log(region, record: GraduateRecord, by: User, *, kind: AppealType, channel: AppealChannel, request: str,
        received_on: date | None = None, by_graduate: bool = False) -> Appeal:
    """A new appeal on ``record``: the record's service and specialist take it, due by the type's usual time.

    ``by_graduate``: the graduate filed it on the portal (nobody has taken it yet; the specialist is told).
    """
    request = (request or "").strip()
    if not request:
        raise Refusal(NO_REQUEST, "request")
    if not scope.sees_details(record):
        raise Refusal(RESTRICTED)
    received_at, day = _received_at(region, None if by_graduate else received_on)
    appeal = Appeal(region_id=region.id, record_id=record.id, service_id=record.service_id,
                    specialist_id=record.specialist_id, type=kind,
                    channel=AppealChannel.portal if by_graduate else channel, status=S.new, request=request,
                    received_at=received_at, due_on=due_on(kind, day), taken_by_id=None if by_graduate else by.id)
    db.session.add(appeal)
    db.session.flush()
    _entry(appeal, AppealActionKind.status, by, request, to_status=S.new)
    audit("casework.appeal.filed" if by_graduate else "casework.appeal.logged", target=_target(appeal),
          region=region, subject=record.user, details={"record": record.id, "type": kind.value})
    if by_graduate:
        if record.specialist is not None:
            notify(record.specialist, NEW_FROM_PORTAL, url_for("casework.appeal", region_code=region.code,
                                                               appeal_id=appeal.id),
                   times_of=region, name=record.full_name, type=APPEAL_TYPE_LABELS[kind])
    else:
        _tell(appeal, region, "filed", due=appeal.due_on)
    return appeal


# --- its life -------------------------------------------------------------------------------------------------

def add_action(region, appeal: Appeal, by: User, text: str, *, staff_only: bool = False) -> AppealAction:
    """Something done about the appeal (a call, a visit to an agency, a document sent), dated and signed."""
    text = (text or "").strip()
    if not text:
        raise Refusal(NO_TEXT, "text")
    entry = _entry(appeal, AppealActionKind.action, by, text, staff_only=staff_only)
    db.session.flush()
    audit("casework.appeal.action", target=_target(appeal), region=region, subject=appeal.record.user,
          details={"entry": entry.id, "staff_only": staff_only})
    if not staff_only:
        _tell(appeal, region, "action", text=text)
    return entry


def may_take(user, region, appeal: Appeal) -> bool:
    """Staff of the appeal's service, or anyone who sees the record (a resource centre, an assigned specialist)."""
    return scope.reach(user, region).sees(appeal.record)


def take(region, appeal: Appeal, by: User) -> bool:
    """The specialist takes the appeal: it is theirs, and in progress. False when it already was theirs."""
    if not may_take(by, region, appeal):
        raise Refusal(NOT_STAFF)
    before = APPEALS.apply(appeal, "take", region=region, subject=appeal.record.user, details={"by": by.id})
    if appeal.specialist_id == by.id and before == S.in_progress:
        return False
    if before == S.new:
        APPEALS.apply(appeal, "start", region=region, subject=appeal.record.user)
        _entry(appeal, AppealActionKind.status, by, from_status=S.new, to_status=S.in_progress)
    appeal.specialist_id = by.id
    if appeal.service_id is None:
        appeal.service_id = appeal.record.service_id
    _entry(appeal, AppealActionKind.assigned, by, by.name)
    db.session.flush()
    _tell(appeal, region, "take", name=by.name)
    return True


def change_status(region, appeal: Appeal, move: str, by: User, text: str, agency: str = "") -> AppealStatus:
    """Resolve, refer, close (each with its why) or reopen; returns the status before. Refused when someone else
    changed it first (the row is held and read again)."""
    if move not in STATUS_MOVES:
        raise Refusal(UNKNOWN_MOVE)
    text, agency = (text or "").strip(), (agency or "").strip()
    if move == "refer" and not agency:
        raise Refusal(NO_AGENCY, "agency")
    if not text and move != "refer":
        raise Refusal(WHY[move], "text")
    before = APPEALS.apply(appeal, move, region=region, subject=appeal.record.user)
    if appeal.status in FINISHED_APPEAL:
        appeal.closed_at = utcnow()
        appeal.outcome = text
        appeal.referred_to = agency if move == "refer" else ""
    else:
        appeal.closed_at = None
    _entry(appeal, AppealActionKind.status, by, f"{agency}: {text}" if move == "refer" and text else (text or agency),
           from_status=before, to_status=appeal.status)
    if appeal.specialist_id is None and move != "reopen":
        appeal.specialist_id = by.id
    db.session.flush()
    _tell(appeal, region, move, text=text or agency, agency=agency)
    return before


def correct(region, appeal: Appeal, entry_id: int, by: User, text: str) -> AppealAction:
    """A correction of an earlier entry: a new entry naming it; the earlier one stays as it was written."""
    text = (text or "").strip()
    if not text:
        raise Refusal(NO_CORRECTION, "text")
    earlier = db.session.get(AppealAction, entry_id) if entry_id else None
    if earlier is None or earlier.appeal_id != appeal.id:
        raise Refusal(NOT_THIS_APPEAL, "entry")
    entry = _entry(appeal, AppealActionKind.correction, by, text, corrects_id=earlier.id,
                   staff_only=earlier.staff_only)
    db.session.flush()
    audit("casework.appeal.corrected", target=_target(appeal), region=region, subject=appeal.record.user,
          details={"entry": entry.id, "corrects": earlier.id})
    if not earlier.staff_only:
        _tell(appeal, region, "correction", text=text)
    return entry


def offered(region, appeal: Appeal, offers) -> None:
    """Help other services offered on a resolved appeal is written once, so staff see what the graduate saw."""
    if not offers:
        return
    have = set(db.session.scalars(select(AppealAction.text).where(AppealAction.appeal_id == appeal.id,
                                                                  AppealAction.kind == AppealActionKind.offer)))
    for offer in offers:
        label = str(offer.label)
        if label not in have:
            _entry(appeal, AppealActionKind.offer, None, label)
            have.add(label)


def hand_over(record: GraduateRecord, service_id: int | None, specialist_id: int | None) -> None:
    """The record went to another service: its open appeals go with it (finished ones stay where they were)."""
    with tallies.changing(appeals_of_records=[record.id]):
        db.session.execute(update(Appeal).where(Appeal.record_id == record.id, Appeal.status.in_(OPEN_APPEAL))
                           .values(service_id=service_id, specialist_id=specialist_id)
                           .execution_options(synchronize_session=False))


# --- reading -------------------------------------------------------------------------------------------------

class _ArrayOf(ColumnElement):
    """PostgreSQL's ``ARRAY(SELECT ...)``: the ids a subquery finds, computed once before the query runs."""

    inherit_cache = True
    _traverse_internals = [("query", InternalTraversal.dp_clauseelement)]
    type = ARRAY(Integer)

    def __init__(self, query):
        self.query = query


@compiles(_ArrayOf)
def _array_of(element, compiler, **kw):
    return f"ARRAY({compiler.process(element.query.scalar_subquery(), **kw)})"


def _reached(query, reach):
    """Bounds ``query`` (over appeals) to the records this person sees (scope.py's rule).

    The resource centre sees the region's: no join (appeals of a merged record moved to the record kept, so none
    points to a merged one). Anyone else sees the appeals of a few thousand records at most: on PostgreSQL their
    ids go in as one array, so the appeals are read from the (record, received) index that holds the filters'
    columns, instead of walking the region's million in date order to find the few that are theirs
    (bench/casework.py: a specialist's journal by type 200 ms -> 15-45 ms)."""
    query = query.where(Appeal.region_id == reach.region_id)
    if reach.whole_region:
        return query
    records = select(GraduateRecord.id).where(reach.record_filter())
    if db.session.get_bind().dialect.name == "postgresql":
        return query.where(Appeal.record_id == func.any(_ArrayOf(records)))
    return query.where(Appeal.record_id.in_(records))


def visible(reach):
    """A select of the appeals this person may open."""
    return _reached(select(Appeal), reach)


def timeline(appeal: Appeal, *, for_graduate: bool = False) -> list[AppealAction]:
    """The appeal's entries in order (one query); the graduate's view leaves out the staff-only ones."""
    query = (select(AppealAction).where(AppealAction.appeal_id == appeal.id).options(joinedload(AppealAction.by))
             .order_by(AppealAction.at, AppealAction.id))
    if for_graduate:
        query = query.where(AppealAction.staff_only.is_(False))
    return list(db.session.scalars(query))


def of_record(record: GraduateRecord, limit: int = 100) -> list[Appeal]:
    return list(db.session.scalars(
        select(Appeal).where(Appeal.record_id == record.id).options(joinedload(Appeal.specialist))
        .order_by(Appeal.received_at.desc(), Appeal.id.desc()).limit(limit)))


def counts_of(record: GraduateRecord, day: date) -> dict:
    """The record page's appeals line: open, overdue and all, in one query."""
    row = db.session.execute(
        select(func.count(Appeal.id),
               func.coalesce(func.sum(case((Appeal.status.in_(OPEN_APPEAL), 1), else_=0)), 0),
               func.coalesce(func.sum(case((and_(Appeal.status.in_(OPEN_APPEAL), Appeal.due_on < day), 1),
                                           else_=0)), 0))
        .where(Appeal.record_id == record.id)).one()
    return {"all": row[0] or 0, "open": int(row[1] or 0), "overdue": int(row[2] or 0)}


def overdue_filter(day: date):
    """Open (``closed_at`` is set exactly when an appeal is finished, cleared when reopened) and past its due date;
    written on ``closed_at`` so PostgreSQL takes the partial index of open appeals."""
    return and_(Appeal.closed_at.is_(None), Appeal.due_on < day)


def overdue_by(reach, day: date) -> tuple[list[tuple[int | None, int]], list[tuple[int | None, int]]]:
    """Overdue appeals this person sees, counted per specialist and per service (most first), from one pass over the
    partial index: counted by (specialist, service) pairs, which are as many as the staff, not as the appeals."""
    query = (_reached(select(Appeal.specialist_id, Appeal.service_id, func.count()), reach).where(overdue_filter(day))
             .group_by(Appeal.specialist_id, Appeal.service_id))
    by_specialist: dict = {}
    by_service: dict = {}
    for specialist_id, service_id, count in db.session.execute(query):
        by_specialist[specialist_id] = by_specialist.get(specialist_id, 0) + count
        by_service[service_id] = by_service.get(service_id, 0) + count

    def ordered(counts: dict):
        return sorted(counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] or 0))

    return ordered(by_specialist), ordered(by_service)


def dashboard_count_queries(user, region, day: date) -> dict:
    """New appeals the person sees, and the overdue ones they work on, counted: SQL for the dashboard's card."""
    reach = scope.reach(user, region)
    return {"new": select(func.count()).select_from(
                visible(reach).where(Appeal.status == S.new).with_only_columns(Appeal.id).subquery()),
            "overdue": select(func.count(Appeal.id)).where(
                Appeal.region_id == region.id, Appeal.specialist_id == user.id, overdue_filter(day))}


def dashboard_counts(user, region, day: date) -> tuple[int, int]:
    """New appeals the person sees, and the overdue ones they work on."""
    queries = dashboard_count_queries(user, region, day)
    return db.session.scalar(queries["new"]) or 0, db.session.scalar(queries["overdue"]) or 0


# --- a graduate's own data: export and erasure (called by registry.export / erase) ------------------------------

def export_of(record: GraduateRecord) -> dict:
    """The graduate's appeals and every entry they may read (staff-only entries are staff's, not theirs)."""
    out = []
    for appeal in of_record(record, limit=100_000):
        out.append({
            "type": appeal.type.value, "channel": appeal.channel.value, "status": appeal.status.value,
            "request": appeal.request, "received_at": appeal.received_at.isoformat(),
            "due_on": appeal.due_on.isoformat(), "closed_at": appeal.closed_at.isoformat() if appeal.closed_at else None,
            "outcome": appeal.outcome, "referred_to": appeal.referred_to,
            "entries": [{"at": e.at.isoformat(), "kind": e.kind.value, "text": e.text,
                         "status": e.to_status.value if e.to_status else None}
                        for e in timeline(appeal, for_graduate=True)],
        })
    return {"appeals": out}


def erase_of(record: GraduateRecord) -> None:
    """An erased graduate: what was asked and written goes; the appeals stay as dated lines of a type and a status
    (the region's counts of appeals and of how many were resolved)."""
    ids = select(Appeal.id).where(Appeal.record_id == record.id).scalar_subquery()
    db.session.execute(update(AppealAction).where(AppealAction.appeal_id.in_(ids)).values(text="—")
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Appeal).where(Appeal.record_id == record.id)
                       .values(request="—", outcome="", referred_to="")
                       .execution_options(synchronize_session=False))

