"""Who sees which graduates' records: the one place the plugin's object-level rules live.

- a specialist: the records of the services they are staff of, and records assigned to them;
- a service's coordinator: the service's records (and approves its level changes);
- a coordinator of the region's resource centre: every record of the region;
- the graduate: their own record, once it is linked to their account;
- nobody: another region's records (every query here is bounded by the region).

A record whose graduate withdrew consent is still visible to those staff, but pages show only what
the law keeps (:func:`sees_details`).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import false, or_, select

from plugins.casework.models import GraduateRecord, ServiceStaff, SupportService
from portal.kit import Role, db

STAFF = ("specialist", "coordinator")


@dataclass(frozen=True)
class Reach:
    """What one person reaches in one region, worked out once per request (two small queries)."""

    region_id: int
    user_id: int
    whole_region: bool  # a coordinator of the resource centre
    services: frozenset[int]  # the services they are staff of
    coordinates: frozenset[int]  # the services they coordinate

    def record_filter(self):
        """A WHERE clause: the region's records this person may open (merged-away records excluded)."""
        base = (GraduateRecord.region_id == self.region_id) & GraduateRecord.merged_into_id.is_(None)
        if self.whole_region:
            return base
        shown = [GraduateRecord.specialist_id == self.user_id]
        if self.services:
            shown.append(GraduateRecord.service_id.in_(sorted(self.services)))
        return base & or_(*shown)

    def sees(self, record: GraduateRecord) -> bool:
        if record.region_id != self.region_id:
            return False
        return (self.whole_region or record.specialist_id == self.user_id
                or (record.service_id is not None and record.service_id in self.services))

    def coordinates_service(self, service_id: int | None) -> bool:
        return self.whole_region or (service_id is not None and service_id in self.coordinates)


NOBODY = frozenset()


def reach(user, region) -> Reach:
    """The person's reach (kept for the request); staff roles of the region are required for anything at all."""
    key = ("casework_reach", getattr(user, "id", None), region.id)
    if has_request_context() and key in g.setdefault("casework_reach", {}):
        return g.casework_reach[key]
    found = _reach(user, region)
    if has_request_context():
        g.casework_reach[key] = found
    return found


def _reach(user, region) -> Reach:
    if not user.is_authenticated or not user.has_role(region, *STAFF):
        return Reach(region.id, getattr(user, "id", 0) or 0, False, NOBODY, NOBODY)
    rows = db.session.execute(
        select(ServiceStaff.service_id, ServiceStaff.is_coordinator, SupportService.is_resource_centre)
        .join(SupportService, SupportService.id == ServiceStaff.service_id)
        .where(ServiceStaff.user_id == user.id, SupportService.region_id == region.id)
    ).all()
    is_coordinator = user.has_role(region, Role.coordinator)
    services = frozenset(r.service_id for r in rows)
    coordinates = frozenset(r.service_id for r in rows if r.is_coordinator and is_coordinator)
    whole_region = is_coordinator and any(r.is_coordinator and r.is_resource_centre for r in rows)
    return Reach(region.id, user.id, whole_region, services, coordinates)


def is_own(user, record: GraduateRecord) -> bool:
    """The graduate reading their own record (an active graduate role in the record's region)."""
    return (user.is_authenticated and record.user_id is not None and record.user_id == user.id
            and user.has_role(record_region(record), Role.graduate))


def record_region(record: GraduateRecord):
    from portal.kit import Region

    return db.session.get(Region, record.region_id)


def may_read(user, region, record: GraduateRecord) -> bool:
    return reach(user, region).sees(record) or is_own(user, record)


def sees_details(record: GraduateRecord) -> bool:
    """False once consent is withdrawn: contacts, address, assessments and plans are no longer shown to staff."""
    return record.restricted_at is None


def visible_records(user, region):
    """A select of the records this person may open in the region (none for non-staff)."""
    found = reach(user, region)
    if not user.is_authenticated or not user.has_role(region, *STAFF):
        return select(GraduateRecord).where(false())
    return select(GraduateRecord).where(found.record_filter())
