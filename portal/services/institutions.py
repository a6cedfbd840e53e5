"""Institutions (children's homes, boarding schools) and the specialists named to them.

A record that belongs to an institution (a pupil, a training apartment) is seen by its staff
and by the region's coordinators: :func:`is_staff_of` is the object-level check every service
that follows institutions uses, so "named to it" means the same everywhere. A specialist whose
role in the region ends is no longer staff, whatever the list says.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.app.extensions import db
from portal.models import Institution, InstitutionStaff, Membership, MembershipStatus, Role, User
from portal.services import audit

#: Who may be named to an institution: the region's specialists.
STAFF_ROLE = Role.specialist


def region_institutions(region) -> list[Institution]:
    """The region's institutions by name, with their municipality and staff loaded in two queries (not per row)."""
    return list(db.session.scalars(select(Institution).where(Institution.region_id == region.id)
                                   .options(selectinload(Institution.municipality), selectinload(Institution.staff))
                                   .order_by(Institution.name)))


def _named(user, region) -> bool:
    return user is not None and getattr(user, "is_authenticated", True) and user.has_role(region, STAFF_ROLE)


def institutions_of(user, region) -> list[Institution]:
    """The region's institutions where ``user`` is named staff (and still a specialist there)."""
    if not _named(user, region):
        return []
    return list(db.session.scalars(
        select(Institution).join(InstitutionStaff)
        .where(InstitutionStaff.user_id == user.id, Institution.region_id == region.id)
        .order_by(Institution.name)))


def institution_ids_of(user, region):
    """The ids of the same institutions as SQL, to filter by in the database (a count, a dashboard's number);
    None when there are none to be had (the person is no specialist there)."""
    if not _named(user, region):
        return None
    return (select(InstitutionStaff.institution_id).join(Institution)
            .where(InstitutionStaff.user_id == user.id, Institution.region_id == region.id))


def is_staff_of(user, institution: Institution) -> bool:
    """Named to the institution and still a specialist of its region."""
    if not user.has_role(institution.region, STAFF_ROLE):
        return False
    return db.session.scalar(select(InstitutionStaff.id).where(
        InstitutionStaff.institution_id == institution.id, InstitutionStaff.user_id == user.id).limit(1)) is not None


def possible_staff(region) -> list[User]:
    """Active specialists of the region: the people who may be named to one of its institutions."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.region_id == region.id, Membership.status == MembershipStatus.active,
            Membership.role == STAFF_ROLE, User.is_disabled.is_(False)).distinct().order_by(User.name)))


def name_staff(institution: Institution, user: User) -> bool:
    """Name ``user`` to the institution; False when they were already (nothing written)."""
    if db.session.scalar(select(InstitutionStaff.id).where(
            InstitutionStaff.institution_id == institution.id, InstitutionStaff.user_id == user.id)) is not None:
        return False
    db.session.add(InstitutionStaff(institution_id=institution.id, user_id=user.id))
    db.session.flush()
    audit.record("institution.staff_named", target=f"institution:{institution.id}", region=institution.region,
                 subject=user)
    return True


def remove_staff(institution: Institution, user: User) -> bool:
    found = db.session.scalar(select(InstitutionStaff).where(
        InstitutionStaff.institution_id == institution.id, InstitutionStaff.user_id == user.id))
    if found is None:
        return False
    db.session.delete(found)
    db.session.flush()
    audit.record("institution.staff_removed", target=f"institution:{institution.id}", region=institution.region,
                 subject=user)
    return True
