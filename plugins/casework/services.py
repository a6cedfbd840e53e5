"""The region's support services: which municipalities each serves and who works in it.

A municipality has at most one service (its primary key says so), so a record's municipality names
the service responsible for it. Staff are people holding the specialist or coordinator role in the
region; only a coordinator can be a service's coordinator.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from plugins.casework.models import GraduateRecord, ServiceMunicipality, ServiceStaff, SupportService
from portal.kit import Membership, MembershipStatus, Municipality, Refusal, Role, User, db, hold, refuse_duplicates

SAME_NAME = _l("The region already has a service with this name.")
TAKEN = _l("%(municipality)s is already served by «%(service)s».")
NOT_STAFF = _l("Only people with the role specialist or coordinator in the region can work in a service.")
NOT_COORDINATOR = _l("Only a person with the role coordinator can be a service's coordinator.")
ALREADY = _l("This person already works in the service.")
UNKNOWN_MUNICIPALITY = _l("Choose municipalities of this region.")


def region_services(region) -> list[SupportService]:
    return list(db.session.scalars(
        select(SupportService).where(SupportService.region_id == region.id)
        .options(selectinload(SupportService.municipalities).selectinload(ServiceMunicipality.municipality),
                 selectinload(SupportService.staff).selectinload(ServiceStaff.user))
        .order_by(SupportService.is_resource_centre.desc(), SupportService.name)))


def record_counts(region) -> dict[int, int]:
    """Records (not merged away) per service, in one query."""
    return dict(db.session.execute(
        select(GraduateRecord.service_id, func.count()).where(GraduateRecord.region_id == region.id,
                                                              GraduateRecord.merged_into_id.is_(None))
        .group_by(GraduateRecord.service_id)).all())


def service_of_municipality(municipality_id: int | None) -> SupportService | None:
    if municipality_id is None:
        return None
    link = db.session.get(ServiceMunicipality, municipality_id)
    return link.service if link else None


def save_service(region, service: SupportService | None, *, name: str, is_resource_centre: bool, address: str,
                 contact: str, municipality_ids: list[int]) -> SupportService:
    name = name.strip()
    same = db.session.scalar(select(SupportService.id).where(SupportService.region_id == region.id,
                                                             SupportService.name == name))
    if same is not None and (service is None or same != service.id):
        raise Refusal(SAME_NAME, "name")
    if service is not None:
        hold(service)
    with refuse_duplicates(SAME_NAME, "name"):
        if service is None:
            service = SupportService(region_id=region.id)
            db.session.add(service)
        service.name, service.is_resource_centre = name, is_resource_centre
        service.address, service.contact = address.strip(), contact.strip()
        db.session.flush()
    _serve(region, service, municipality_ids)
    return service


def _serve(region, service: SupportService, municipality_ids: list[int]) -> None:
    wanted = set(municipality_ids)
    known = {m.id: m for m in db.session.scalars(
        select(Municipality).where(Municipality.region_id == region.id, Municipality.id.in_(wanted or {0})))}
    if wanted - set(known):
        raise Refusal(UNKNOWN_MUNICIPALITY, "municipalities")
    for link in list(service.municipalities):
        if link.municipality_id not in wanted:
            service.municipalities.remove(link)
    db.session.flush()
    have = {link.municipality_id for link in service.municipalities}
    for municipality_id in sorted(wanted - have):
        other = db.session.get(ServiceMunicipality, municipality_id)
        if other is not None:
            raise Refusal(TAKEN % {"municipality": known[municipality_id].name, "service": other.service.name},
                          "municipalities")
        with refuse_duplicates(TAKEN % {"municipality": known[municipality_id].name, "service": "…"},
                               "municipalities"):
            service.municipalities.append(ServiceMunicipality(municipality_id=municipality_id))
            db.session.flush()


def staff_candidates(region) -> list[User]:
    """People who may work in a service: the region's active specialists and coordinators."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.region_id == region.id, Membership.status == MembershipStatus.active,
               Membership.role.in_([Role.specialist, Role.coordinator]))
        .distinct().order_by(User.name)))


def add_staff(region, service: SupportService, user: User | None, is_coordinator: bool) -> ServiceStaff:
    if user is None or not user.has_role(region, Role.specialist, Role.coordinator):
        raise Refusal(NOT_STAFF, "person")
    if is_coordinator and not user.has_role(region, Role.coordinator):
        raise Refusal(NOT_COORDINATOR, "is_coordinator")
    member = ServiceStaff(service_id=service.id, user_id=user.id, is_coordinator=is_coordinator)
    with refuse_duplicates(ALREADY, "person"):
        db.session.add(member)
        db.session.flush()
    return member


def remove_staff(service: SupportService, staff_id: int) -> ServiceStaff | None:
    member = db.session.get(ServiceStaff, staff_id)
    if member is None or member.service_id != service.id:
        return None
    db.session.delete(member)
    db.session.flush()
    return member
