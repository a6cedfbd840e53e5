"""The graduate's side of the registry: navigation, the dashboard, their data export and erasure."""
from __future__ import annotations

from datetime import date

from plugins.casework.models import ContractStatus, GraduateRecord, RecordNote, SupportContract
from portal.accounts.people import erase_person, export_person
from portal.app.extensions import db
from portal.models import AuditEvent
from tests.helpers import make_user
from tests.plugins.casework.conftest import born_aged, make_record

BASE = "/belgorod/casework"


def test_my_support_is_in_the_navigation_only_with_a_linked_record(app, services, people, regions):
    belgorod = regions["belgorod"]
    graduate = make_user("nav@example.org", {belgorod: ["graduate"]})
    client = app.test_client().login_as(graduate)
    assert "Моё сопровождение" not in client.get("/belgorod/").get_data(as_text=True)
    make_record(belgorod, services["city"], user=graduate)
    page = client.get("/belgorod/").get_data(as_text=True)
    assert "Моё сопровождение" in page and f"{BASE}/mine" in page


def test_the_specialists_dashboard_counts_their_records(app, services, people, regions):
    belgorod = regions["belgorod"]
    make_record(belgorod, services["city"], "Первая", "Анна", "", specialist=people["specialist"])
    make_record(belgorod, services["city"], "Вторая", "Анна", "", specialist=people["specialist"])
    make_record(belgorod, services["city"], "Чужая", "Анна", "")
    page = app.test_client().login_as(people["specialist"]).get("/belgorod/").get_data(as_text=True)
    assert "Ваших карт: 2." in page


def _supported(belgorod, services, graduate, **more):
    record = make_record(belgorod, services["city"], "Белова", "Алина", "Игоревна", user=graduate,
                         address="ул. Мира, 1", phone="+7 900 1", email="alina@example.org", **more)
    db.session.add(RecordNote(record_id=record.id, text="Для Алины", for_graduate=True))
    db.session.add(RecordNote(record_id=record.id, text="Служебная", for_graduate=False))
    db.session.commit()
    return record


def test_the_export_holds_the_record_the_contract_and_the_notes_for_the_graduate(app_context, services, regions):
    belgorod = regions["belgorod"]
    graduate = make_user("alina@example.org", {belgorod: ["graduate"]})
    record = _supported(belgorod, services, graduate)
    db.session.add(SupportContract(record_id=record.id, starts_on=date(2025, 2, 1), ends_on=date(2027, 2, 1),
                                   consent_on=date(2025, 1, 20), graduate_undertakes="Приходить"))
    db.session.commit()
    data = export_person(graduate)["plugins"]["casework"]["records"]
    assert len(data) == 1 and data[0]["name"] == "Белова Алина Игоревна"
    assert data[0]["contracts"][0]["consent_on"] == "2025-01-20"
    assert [n["text"] for n in data[0]["notes_for_you"]] == ["Для Алины"]


def test_erasure_keeps_what_the_law_asks_when_a_contract_exists(app_context, services, regions, people):
    belgorod = regions["belgorod"]
    graduate = make_user("alina@example.org", {belgorod: ["graduate"]})
    record = _supported(belgorod, services, graduate)
    db.session.add(SupportContract(record_id=record.id, starts_on=date(2025, 2, 1), ends_on=date(2027, 2, 1),
                                   consent_on=date(2025, 1, 20)))
    db.session.commit()
    birth, record_id = record.birth_date, record.id
    app_context.test_client().login_as(people["specialist"]).get(f"{BASE}/records/{record_id}")
    erase_person(graduate)
    db.session.expire_all()
    kept = db.session.get(GraduateRecord, record_id)
    assert (kept.full_name, kept.birth_date, kept.user_id) == ("Белова Алина Игоревна", birth, None)
    assert (kept.address, kept.phone, kept.email, kept.contacts) == ("", "", "", "")
    assert kept.restricted_at is not None
    assert db.session.execute(db.select(RecordNote)).first() is None
    contract = db.session.execute(db.select(SupportContract)).scalar_one()
    assert contract.status == ContractStatus.withdrawn and contract.consent_on == date(2025, 1, 20)
    reads = db.session.scalars(db.select(AuditEvent).where(AuditEvent.target == f"casework_record:{record_id}")).all()
    assert reads and all("alina@example.org" not in str(e.details) for e in reads)


def test_erasure_anonymises_a_record_without_a_contract(app_context, services, regions):
    belgorod = regions["belgorod"]
    graduate = make_user("alina@example.org", {belgorod: ["graduate"]})
    record = _supported(belgorod, services, graduate, birth_date=born_aged(belgorod, 19))
    record_id, year = record.id, record.birth_date.year
    erase_person(graduate)
    db.session.expire_all()
    kept = db.session.get(GraduateRecord, record_id)
    assert "Белова" not in kept.full_name and "Алина" not in kept.name_key
    assert kept.birth_date == date(year, 1, 1) and kept.user_id is None and kept.email == ""
