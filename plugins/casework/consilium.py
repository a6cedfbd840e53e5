"""The quarterly consilium (консилиум) of a service: who attended, the graduates discussed, decisions, levels.

A decision that sets a level other than the graduate's current one proposes a :class:`LevelChange` for the
coordinator (:mod:`.levels`). While one change of a graduate's level awaits the coordinator, a second is
refused: the coordinator would otherwise approve a proposal the service has already moved past, and the
queue would show two answers to one question. The coordinator rejects the older one first, or decides it.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from plugins.casework import levels, scope
from plugins.casework.models import (SUPPORT_LEVEL_LABELS, Consilium, ConsiliumAttendee, ConsiliumDecision,
                                     GraduateRecord, LevelChange, RecordStatus, ServiceStaff, SupportLevel,
                                     SupportService)
from portal.kit import Refusal, User, db, format_day, hold, refuse_duplicates, today

IN_FUTURE = _l("A consilium cannot be dated in the future.")
NOBODY = _l("Name who attended: people who work in the service.")
NOT_STAFF = _l("Only people who work in the service attend its consilium.")
NOT_OF_SERVICE = _l("Choose a graduate the service supports.")
DISCUSSED = _l("This graduate has already been discussed at this consilium.")
STILL_PENDING = _l("A change of this graduate's level to «%(level)s» (of %(date)s) still awaits the "
                   "coordinator's decision; it is decided first.")


def services_of(user, region) -> list[SupportService]:
    """The services whose consilia the person takes part in (the resource centre's coordinators: all)."""
    reach = scope.reach(user, region)
    query = select(SupportService).where(SupportService.region_id == region.id,
                                         SupportService.is_resource_centre.is_(False))
    if not reach.whole_region:
        query = query.where(SupportService.id.in_(sorted(reach.services) or [0]))
    return list(db.session.scalars(query.order_by(SupportService.name)))


def consilia_of(services: list[SupportService]):
    return (select(Consilium).where(Consilium.service_id.in_([s.id for s in services] or [0]))
            .options(selectinload(Consilium.service), selectinload(Consilium.attendees))
            .order_by(Consilium.held_on.desc(), Consilium.id.desc()))


def staff_of(service: SupportService) -> list[User]:
    return list(db.session.scalars(select(User).join(ServiceStaff, ServiceStaff.user_id == User.id)
                                   .where(ServiceStaff.service_id == service.id).order_by(User.name)))


def hold_consilium(service: SupportService, region, *, held_on: date, attendee_ids: list[int], notes: str,
                   by: User) -> Consilium:
    if held_on > today(region):
        raise Refusal(IN_FUTURE, "held_on")
    staff = {u.id for u in staff_of(service)}
    wanted = set(attendee_ids)
    if not wanted:
        raise Refusal(NOBODY, "attendees")
    if wanted - staff:
        raise Refusal(NOT_STAFF, "attendees")
    found = Consilium(service_id=service.id, held_on=held_on, notes=notes.strip(), created_by_id=by.id)
    found.attendees = [ConsiliumAttendee(user_id=uid) for uid in sorted(wanted)]
    db.session.add(found)
    db.session.flush()
    return found


def discussable(consilium: Consilium) -> list[GraduateRecord]:
    """The service's records a consilium may discuss: those under support, not yet discussed at it."""
    done = select(ConsiliumDecision.record_id).where(ConsiliumDecision.consilium_id == consilium.id)
    return list(db.session.scalars(
        select(GraduateRecord).where(GraduateRecord.service_id == consilium.service_id,
                                     GraduateRecord.merged_into_id.is_(None),
                                     GraduateRecord.restricted_at.is_(None),
                                     GraduateRecord.status == RecordStatus.under_support,
                                     GraduateRecord.id.not_in(done))
        .order_by(GraduateRecord.name_key)))


def decide(consilium: Consilium, record: GraduateRecord | None, region, *, decision: str, level: SupportLevel,
           by: User) -> tuple[ConsiliumDecision, LevelChange | None]:
    """The consilium's decision for one graduate; a level other than the current one is proposed for approval."""
    if (record is None or record.service_id != consilium.service_id or record.region_id != region.id
            or record.merged_into_id is not None or record.restricted_at is not None
            or record.status != RecordStatus.under_support):
        raise Refusal(NOT_OF_SERVICE, "record")
    hold(record)  # two consilia deciding on one graduate queue up here
    pending = levels.pending_of(record.id)
    if level != record.level and pending is not None:
        raise Refusal(STILL_PENDING % {"level": SUPPORT_LEVEL_LABELS(pending.to_level),
                                       "date": format_day(pending.proposed_at.date())}, "level")
    found = ConsiliumDecision(consilium_id=consilium.id, record_id=record.id, decision=decision.strip(),
                              level=level)
    with refuse_duplicates(DISCUSSED, "record"):
        db.session.add(found)
        db.session.flush()
    change = None
    if level != record.level:
        change = LevelChange(record_id=record.id, decision_id=found.id, from_level=record.level, to_level=level,
                             proposed_by_id=by.id)
        db.session.add(change)
        db.session.flush()
    return found, change


def decisions_of(consilium: Consilium) -> list[ConsiliumDecision]:
    return list(db.session.scalars(
        select(ConsiliumDecision).where(ConsiliumDecision.consilium_id == consilium.id)
        .options(selectinload(ConsiliumDecision.record)).order_by(ConsiliumDecision.id)))


def changes_of(decisions: list[ConsiliumDecision]) -> dict[int, LevelChange]:
    """The level change each decision proposed, by decision id (one query)."""
    ids = [d.id for d in decisions]
    if not ids:
        return {}
    return {c.decision_id: c for c in db.session.scalars(select(LevelChange).where(LevelChange.decision_id.in_(ids)))}
