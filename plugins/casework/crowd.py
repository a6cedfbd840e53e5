"""Case work at scale (``portal demo --scale``): a service per municipality, the registry of the crowd's graduates
(a record each, half under support with a contract) and the appeals journal (one appeal for every four), in bulk."""
from __future__ import annotations

import random
from datetime import date, timedelta

from plugins.casework.models import (USUAL_DAYS, Appeal, AppealChannel, AppealStatus, ContractStatus, Gender,
                                     GraduateRecord, LegalStatus, RecordStatus, ServiceMunicipality, ServiceStaff,
                                     SupportContract, SupportLevel, SupportService, name_key)
from portal.kit import User, bulk_insert, db, today, utcnow

STATUSES = [RecordStatus.under_support] * 10 + [RecordStatus.identified] * 3 + [RecordStatus.contacted] * 3 + [
    RecordStatus.declined] * 2 + [RecordStatus.left_region, RecordStatus.aged_out]
LEVELS = [SupportLevel.monitoring, SupportLevel.supporting, SupportLevel.intensive]
TYPES = list(USUAL_DAYS)


def _services(region, crowd) -> list[tuple[int, int, list[int]]]:
    """(service id, municipality id, its specialists) for each municipality: the region's services where they
    exist (the ordinary demo's), new ones elsewhere, and a resource centre when there is none."""
    made = utcnow()
    serving = dict(db.session.execute(
        db.select(ServiceMunicipality.municipality_id, ServiceMunicipality.service_id)
        .join(SupportService).where(SupportService.region_id == region.id)).all())
    centre = db.session.scalar(db.select(SupportService.id).where(
        SupportService.region_id == region.id, SupportService.is_resource_centre.is_(True)).limit(1))
    if centre is None:
        centre = bulk_insert(SupportService, [{"region_id": region.id, "name": "Ресурсный центр", "address": "",
                                               "is_resource_centre": True, "contact": "", "created_at": made}],
                             returning=True)[0]
    towns = [town for town in crowd.municipality_ids if town not in serving]
    new = bulk_insert(SupportService, ({"region_id": region.id, "name": f"Служба сопровождения № {n + 1}",
                                        "is_resource_centre": False, "address": "", "contact": "",
                                        "created_at": made} for n in range(len(towns))), returning=True)
    bulk_insert(ServiceMunicipality, ({"service_id": service, "municipality_id": town}
                                      for service, town in zip(new, towns)))
    serving.update(zip(towns, new))
    services = [serving[town] for town in crowd.municipality_ids]
    staff = [(services[n % len(services)], user_id) for n, user_id in enumerate(crowd.specialists)]
    bulk_insert(ServiceStaff, [{"service_id": service, "user_id": user_id, "is_coordinator": False,
                                "created_at": made} for service, user_id in staff]
                + [{"service_id": centre, "user_id": user_id, "is_coordinator": True, "created_at": made}
                   for user_id in crowd.coordinators])
    return [(service, town, [u for s, u in staff if s == service] or [None])
            for service, town in zip(services, crowd.municipality_ids)]


def load(region, crowd) -> dict[str, int]:
    if not crowd.graduates:
        return {}
    chance = random.Random(f"casework-crowd-{crowd.seed}")
    services = _services(region, crowd)
    names = dict(db.session.execute(db.select(User.id, User.name).where(User.id.in_(crowd.graduates))).all())
    made, day = utcnow(), today(region)
    records = []
    for n, user_id in enumerate(crowd.graduates):
        service, town, specialists = services[n % len(services)]
        first, last = names[user_id].split(" ", 1)
        status = STATUSES[n % len(STATUSES)]
        records.append({
            "region_id": region.id, "last_name": last, "first_name": first, "middle_name": "",
            "name_key": name_key(last, first), "birth_date": date(2003, 1, 1) + timedelta(days=(n * 37) % 2900),
            "gender": Gender.female if last.endswith("а") else Gender.male,
            "legal_status": LegalStatus.orphan if n % 3 == 0 else LegalStatus.without_care, "placement": "",
            "municipality_id": town, "address": f"ул. Ленина, {n % 200 + 1}", "phone": f"+7 900 {n:07d}",
            "email": "", "contacts": "", "service_id": service, "specialist_id": specialists[n % len(specialists)],
            "user_id": user_id, "status": status,
            "level": LEVELS[n % 3] if status == RecordStatus.under_support else None,
            "assessment_due_on": day + timedelta(days=n % 120 - 45) if status == RecordStatus.under_support else None,
            "created_at": made, "updated_at": made})
    ids = bulk_insert(GraduateRecord, records, returning=True)
    contracts = [{"record_id": record_id, "number": f"Д-{record_id}", "starts_on": day - timedelta(days=400 + n % 90),
                  "ends_on": day + timedelta(days=300 + n % 90), "service_undertakes": "Сопровождение",
                  "graduate_undertakes": "Участие", "consent_on": day - timedelta(days=400 + n % 90),
                  "representative": "", "status": ContractStatus.active, "end_reason": "",
                  "signed_by_id": row["specialist_id"], "created_at": made}
                 for n, (record_id, row) in enumerate(zip(ids, records)) if row["status"] == RecordStatus.under_support]
    bulk_insert(SupportContract, contracts)
    appeals = []
    for n, (record_id, row) in enumerate(zip(ids[::4], records[::4])):
        kind = TYPES[n % len(TYPES)]
        received = made - timedelta(days=chance.randint(0, 365), hours=chance.randint(0, 9))
        closed = n % 10 < 7
        appeals.append({
            "region_id": region.id, "record_id": record_id, "service_id": row["service_id"],
            "specialist_id": row["specialist_id"], "type": kind, "channel": list(AppealChannel)[n % 4],
            "status": AppealStatus.resolved if closed else AppealStatus.in_progress if n % 2 else AppealStatus.new,
            "request": "Нужна помощь", "received_at": received,
            "due_on": received.date() + timedelta(days=USUAL_DAYS[kind]), "taken_by_id": row["specialist_id"],
            "closed_at": received + timedelta(days=chance.randint(1, 20)) if closed else None,
            "outcome": "Помогли" if closed else "", "referred_to": "", "updated_at": made})
    bulk_insert(Appeal, appeals)
    # Written in bulk, past the session's events: the monitoring's kept totals are counted once, as the demo does.
    from plugins.casework.monitoring import tallies

    tallies.recount(db.session.connection(), [region.id])
    return {"registry records": len(records), "support contracts": len(contracts), "appeals": len(appeals)}
