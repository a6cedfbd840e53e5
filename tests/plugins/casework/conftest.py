"""Case work fixtures: two Belgorod services and the resource centre, their staff, a Smolensk service, records."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from plugins.casework.models import (Gender, GraduateRecord, LegalStatus, RecordStatus, ServiceMunicipality,
                                     ServiceStaff, SupportService, name_key)
from portal.app.extensions import db
from portal.kit import today
from portal.models import Municipality
from tests.helpers import make_user


def municipality(region, name: str) -> Municipality:
    return db.session.execute(db.select(Municipality).filter_by(region_id=region.id, name=name)).scalar_one()


def make_service(region, name, municipalities=(), *, staff=(), coordinators=(), resource_centre=False):
    service = SupportService(region_id=region.id, name=name, is_resource_centre=resource_centre)
    db.session.add(service)
    db.session.flush()
    for m in municipalities:
        db.session.add(ServiceMunicipality(service_id=service.id, municipality_id=municipality(region, m).id))
    for user in staff:
        db.session.add(ServiceStaff(service_id=service.id, user_id=user.id))
    for user in coordinators:
        db.session.add(ServiceStaff(service_id=service.id, user_id=user.id, is_coordinator=True))
    db.session.commit()
    return service


def born_aged(region, years: int, days_more: int = 30) -> date:
    """A birth date that makes the graduate ``years`` old today (and some days)."""
    day = today(region)
    return date(day.year - years, day.month, min(day.day, 28)) - timedelta(days=days_more)


def make_record(region, service, last="Иванова", first="Анастасия", middle="Сергеевна", *, years=19,
                specialist=None, user=None, status=RecordStatus.identified, town=None, **more) -> GraduateRecord:
    record = GraduateRecord(
        region_id=region.id, last_name=last, first_name=first, middle_name=middle,
        name_key=name_key(last, first, middle), birth_date=more.pop("birth_date", born_aged(region, years)),
        gender=more.pop("gender", Gender.female), legal_status=more.pop("legal_status", LegalStatus.without_care),
        service_id=service.id if service else None, specialist_id=specialist.id if specialist else None,
        user_id=user.id if user else None, status=status,
        municipality_id=municipality(region, town).id if town else None, **more)
    db.session.add(record)
    db.session.commit()
    return record


@pytest.fixture
def services(regions, people):
    """Belgorod: the city's service (the Belgorod specialist; the coordinator coordinates it), the Stary Oskol
    service (a specialist and a coordinator of its own) and the resource centre (its coordinator sees all);
    Smolensk: a service with its own specialist."""
    belgorod, smolensk = regions["belgorod"], regions["smolensk"]
    oskol_specialist = make_user("oskol-specialist@belgorod.test", {belgorod: ["specialist"]})
    oskol_coordinator = make_user("oskol-coordinator@belgorod.test", {belgorod: ["coordinator"]})
    centre_coordinator = make_user("centre-coordinator@belgorod.test", {belgorod: ["coordinator"]})
    smolensk_specialist = make_user("specialist@smolensk.test", {smolensk: ["specialist"]})
    return {
        "city": make_service(belgorod, "Служба сопровождения г. Белгорода", ["Белгород"],
                             staff=[people["specialist"]], coordinators=[people["coordinator"]]),
        "oskol": make_service(belgorod, "Служба сопровождения Старого Оскола", ["Старый Оскол"],
                              staff=[oskol_specialist], coordinators=[oskol_coordinator]),
        "centre": make_service(belgorod, "Областной ресурсный центр", [], coordinators=[centre_coordinator],
                               resource_centre=True),
        "smolensk": make_service(smolensk, "Служба сопровождения г. Смоленска", ["Смоленск"],
                                 staff=[smolensk_specialist]),
        "oskol_specialist": oskol_specialist, "oskol_coordinator": oskol_coordinator,
        "centre_coordinator": centre_coordinator, "smolensk_specialist": smolensk_specialist,
    }


# --- assessments, consilium, levels, plans (issue 15, part B) -----------------------------------------------

def make_supported(region, service, last="Иванова", first="Анастасия", middle="Сергеевна", *, starts_on=None,
                   **more) -> GraduateRecord:
    """A record under support with a contract in force (from ``starts_on``, by default 100 days ago)."""
    from plugins.casework import due
    from plugins.casework.models import SupportContract

    starts_on = starts_on or today(region) - timedelta(days=100)
    record = make_record(region, service, last, first, middle, status=RecordStatus.under_support,
                         assessment_due_on=due.first_due(starts_on), **more)
    db.session.add(SupportContract(record_id=record.id, starts_on=starts_on,
                                   ends_on=starts_on + timedelta(days=730), consent_on=starts_on))
    db.session.commit()
    return record


@pytest.fixture
def supported(services, people, regions):
    """A Belgorod city graduate under support, assigned to the city's specialist, linked to the graduate's account."""
    return make_supported(regions["belgorod"], services["city"], specialist=people["specialist"],
                          user=people["graduate"])
