"""The support contract: signed with checked dates, one in force at a time, ended, consent withdrawn."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from plugins.casework import contracts, due
from plugins.casework.models import ContractStatus, GraduateRecord, RecordNote, RecordStatus, SupportContract
from portal.app.extensions import db
from portal.kit import today
from tests.helpers import at_once, form_errors, make_user
from tests.plugins.casework.conftest import make_record

BASE = "/belgorod/casework"


def _terms(region, **more):
    day = today(region)
    data = {"number": "17/2026", "starts_on": day.isoformat(), "ends_on": date(day.year + 1, day.month, 1).isoformat(),
            "consent_on": day.isoformat(), "service_undertakes": "Помогать с жильём",
            "graduate_undertakes": "Приходить на встречи"}
    data.update(more)
    return data


def _count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


def test_a_contract_is_signed_and_ended(client, services, people, regions):
    belgorod = regions["belgorod"]
    record = make_record(belgorod, services["city"], status=RecordStatus.contacted)
    client.login_as(people["specialist"])
    response = client.post(f"{BASE}/records/{record.id}/contract", data=_terms(belgorod))
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    db.session.expire_all()
    found = db.session.get(GraduateRecord, record.id)
    contract = db.session.execute(db.select(SupportContract)).scalar_one()
    assert found.status == RecordStatus.under_support
    assert found.assessment_due_on == due.first_due(today(belgorod))
    assert contract.status == ContractStatus.active and contract.signed_by_id == people["specialist"].id

    response = client.post(f"{BASE}/records/{record.id}/contract", data=_terms(belgorod))
    assert response.status_code == 422 and _count(SupportContract) == 1  # one in force at a time

    response = client.post(f"{BASE}/contracts/{contract.id}/end",
                           data={"ended_on": today(belgorod).isoformat(), "reason": "По соглашению"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SupportContract, contract.id).status == ContractStatus.ended
    found = db.session.get(GraduateRecord, record.id)
    assert found.status == RecordStatus.contacted and found.assessment_due_on is None
    response = client.post(f"{BASE}/contracts/{contract.id}/end", data={"ended_on": today(belgorod).isoformat()})
    assert response.status_code == 422  # no longer in force


@pytest.mark.parametrize("change, field", [
    ({"starts_on": "1990-01-01", "consent_on": "1990-01-01"}, "starts_on"),
    ({"ends_on": "2000-01-01"}, "ends_on"),
    ({"consent_on": (date.today() + timedelta(days=40)).isoformat(),
      "starts_on": (date.today() + timedelta(days=50)).isoformat()}, "consent_on"),
    ({"consent_on": (date.today() + timedelta(days=3)).isoformat()}, "consent_on"),
    ({"starts_on": "2026-13-45"}, "starts_on"),
    ({"number": "№\x0717"}, "number"),
])
def test_bad_contract_dates_are_refused_clearly(client, services, people, regions, change, field):
    belgorod = regions["belgorod"]
    record = make_record(belgorod, services["city"])
    client.login_as(people["specialist"])
    response = client.post(f"{BASE}/records/{record.id}/contract", data=_terms(belgorod, **change))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page, form_errors(page)
    assert "Помогать с жильём" in page  # nothing typed is lost
    assert _count(SupportContract) == 0
    db.session.expire_all()
    assert db.session.get(GraduateRecord, record.id).status == RecordStatus.identified


def test_a_minor_needs_a_representative(client, services, people, regions):
    belgorod = regions["belgorod"]
    record = make_record(belgorod, services["city"], years=16)
    client.login_as(people["specialist"])
    response = client.post(f"{BASE}/records/{record.id}/contract", data=_terms(belgorod))
    assert response.status_code == 422 and 'id="representative-error"' in response.get_data(as_text=True)
    response = client.post(f"{BASE}/records/{record.id}/contract",
                           data=_terms(belgorod, representative="Петрова Анна Ивановна, опекун"))
    assert response.status_code == 302


def test_the_graduate_withdraws_consent_and_staff_see_only_what_the_law_keeps(client, services, people, regions):
    belgorod = regions["belgorod"]
    graduate = make_user("katya@example.org", {belgorod: ["graduate"]})
    record = make_record(belgorod, services["city"], "Котова", "Екатерина", "", user=graduate,
                         address="ул. Щорса, 5", phone="+7 905 111", status=RecordStatus.contacted)
    db.session.add(RecordNote(record_id=record.id, text="Беседа о работе"))
    db.session.commit()
    staff = client.login_as(people["specialist"])
    assert staff.post(f"{BASE}/records/{record.id}/contract", data=_terms(belgorod)).status_code == 302
    page = staff.get(f"{BASE}/records/{record.id}").get_data(as_text=True)
    assert "ул. Щорса, 5" in page and "Беседа о работе" in page

    own = client.application.test_client().login_as(graduate)
    assert own.post(f"{BASE}/mine/withdraw", data={}).status_code == 302
    db.session.expire_all()
    found = db.session.get(GraduateRecord, record.id)
    assert found.status == RecordStatus.declined and found.restricted_at is not None
    assert found.assessment_due_on is None
    assert db.session.execute(db.select(SupportContract.status)).scalar_one() == ContractStatus.withdrawn
    page = staff.get(f"{BASE}/records/{record.id}").get_data(as_text=True)
    assert "Котова Екатерина" in page and found.birth_date.strftime("%Y") in page
    assert "ул. Щорса, 5" not in page and "+7 905 111" not in page and "Беседа о работе" not in page
    assert staff.post(f"{BASE}/records/{record.id}/notes", data={"text": "ещё"}).status_code == 302
    assert _count(RecordNote) == 1  # no more notes on a restricted record


def test_a_minor_cannot_withdraw_alone_but_staff_record_it(client, services, people, regions):
    belgorod = regions["belgorod"]
    graduate = make_user("young@example.org", {belgorod: ["graduate"]})
    record = make_record(belgorod, services["city"], user=graduate, years=16)
    own = client.login_as(graduate)
    own.post(f"{BASE}/mine/withdraw", data={})
    db.session.expire_all()
    assert db.session.get(GraduateRecord, record.id).restricted_at is None
    staff = client.application.test_client().login_as(people["specialist"])
    assert staff.post(f"{BASE}/records/{record.id}/withdraw", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(GraduateRecord, record.id).status == RecordStatus.declined


def test_two_specialists_sign_for_one_graduate_at_once_and_one_contract_is_made(app, app_context, services, people,
                                                                                 regions):
    belgorod = regions["belgorod"]
    record = make_record(belgorod, services["city"], specialist=people["specialist"])
    second = make_user("second@belgorod.test", {belgorod: ["specialist"]})
    from plugins.casework.models import ServiceStaff

    db.session.add(ServiceStaff(service_id=services["city"].id, user_id=second.id))
    db.session.commit()
    record_id, people_ids = record.id, [people["specialist"].id, second.id]
    day = today(belgorod)

    def sign(user_id, start):
        from portal.kit import Refusal, Region, User

        region = db.session.get(Region, belgorod.id)
        found, by = db.session.get(GraduateRecord, record_id), db.session.get(User, user_id)
        db.session.commit()
        start()
        try:
            contracts.sign(region, found, contracts.Terms(day, date(day.year + 1, 1, 1), day), by, day)
        except Refusal as refusal:
            db.session.rollback()
            return f"refused: {refusal}"
        db.session.commit()
        return "signed"

    outcomes = at_once(app, people_ids, sign)
    assert sorted(outcomes)[1] == "signed" and sorted(outcomes)[0].startswith("refused"), outcomes
    assert _count(SupportContract) == 1
