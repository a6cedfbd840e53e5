"""The registry's flows: a record created past the duplicates step, edited, moved, linked, noted, merged, aged out."""
from __future__ import annotations

from datetime import date

from plugins.casework import registry
from plugins.casework.models import (GraduateRecord, RecordHandover, RecordNote, RecordStatus, StatusChange,
                                     SupportContract)
from portal.app.extensions import db
from portal.kit import today
from tests.helpers import form_errors, make_user
from tests.plugins.casework.conftest import born_aged, make_record, municipality

BASE = "/belgorod/casework"


def _record_data(region, **more):
    data = {"last_name": "Иванова", "first_name": "Анастасия", "middle_name": "Сергеевна",
            "birth_date": born_aged(region, 19).isoformat(), "gender": "female", "legal_status": "orphan",
            "municipality": municipality(region, "Белгород").id, "phone": "+7 900 000-00-00",
            "address": "ул. Губкина, 19"}
    data.update(more)
    return data


def test_a_specialist_creates_a_record_for_their_service(client, services, people, regions):
    belgorod = regions["belgorod"]
    client.login_as(people["specialist"])
    response = client.post(f"{BASE}/records/new", data=_record_data(belgorod))
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    record = db.session.execute(db.select(GraduateRecord)).scalar_one()
    assert record.service_id == services["city"].id  # the municipality's service
    assert record.specialist_id == people["specialist"].id
    assert record.name_key == "иванова анастасия сергеевна"
    assert record.status == RecordStatus.identified
    assert db.session.execute(db.select(StatusChange.to_status)).scalar_one() == RecordStatus.identified
    page = client.get(f"{BASE}/records/{record.id}").get_data(as_text=True)
    assert "Иванова Анастасия Сергеевна" in page and "ул. Губкина, 19" in page


def test_possible_duplicates_are_shown_before_a_record_is_created(client, services, people, regions):
    belgorod = regions["belgorod"]
    birth = born_aged(belgorod, 19)
    existing = make_record(belgorod, services["city"], "Иванова", "Анастасия", "Сергеевна", birth_date=birth)
    client.login_as(people["specialist"])
    data = _record_data(belgorod, last_name="ИВАНОВА", first_name="Настя", middle_name="", birth_date=birth.isoformat())
    response = client.post(f"{BASE}/records/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Иванова Анастасия Сергеевна" in page
    assert 'value="Настя"' in page  # nothing typed is lost
    assert db.session.execute(db.select(db.func.count()).select_from(GraduateRecord)).scalar() == 1

    response = client.post(f"{BASE}/records/new", data={**data, "different_person": "y"})
    assert response.status_code == 302
    assert db.session.execute(db.select(db.func.count()).select_from(GraduateRecord)).scalar() == 2
    assert existing.id in {r.id for r in registry.possible_duplicates(belgorod, "Иванова", "Настя", birth)}


def test_duplicates_follow_name_forms_and_typos_but_not_other_people(app_context, services, regions):
    belgorod = regions["belgorod"]
    birth = date(2006, 3, 14)
    record = make_record(belgorod, services["city"], "Семёнов", "Александр", "", birth_date=birth)
    found = lambda last, first, day=birth: [r.id for r in registry.possible_duplicates(belgorod, last, first, day)]
    assert found("Семенов", "Саша") == [record.id]  # ё/е, a diminutive
    assert found("семенов", "АЛЕКСАНДР") == [record.id]
    assert found("Семенова", "Александр") == [record.id]  # one letter off
    assert found("Семенов", "Алексадр") == [record.id]  # a typo in the first name
    assert found("Петров", "Александр") == []
    assert found("Семенов", "Дмитрий") == []
    assert found("Семенов", "Александр", date(2006, 3, 15)) == []


def test_bad_input_is_refused_with_a_clear_message_and_nothing_lost(client, services, people, regions):
    belgorod = regions["belgorod"]
    client.login_as(people["specialist"])
    day = today(belgorod)
    cases = [
        ({"birth_date": date(day.year + 1, 1, 1).isoformat()}, "будущем"),
        ({"birth_date": born_aged(belgorod, 8).isoformat()}, "от 14 до 23"),
        ({"birth_date": born_aged(belgorod, 30).isoformat()}, "23"),
        ({"left_care_on": "1990-01-01"}, "раньше даты рождения"),
        ({"birth_date": "31.02.2007"}, "2026-12-25"),
        ({"last_name": "Ива\x00нова"}, ""),
        ({"municipality": "99999999999999"}, ""),
    ]
    for change, words in cases:
        response = client.post(f"{BASE}/records/new", data=_record_data(belgorod, **change))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert words in " ".join(form_errors(page)), (change, form_errors(page))
        assert "ул. Губкина, 19" in page  # what was typed stays
    assert db.session.execute(db.select(GraduateRecord)).first() is None


def test_a_record_is_edited_moved_linked_and_noted(client, services, people, regions):
    belgorod = regions["belgorod"]
    record = make_record(belgorod, services["city"], town="Белгород", specialist=people["specialist"])
    client.login_as(people["specialist"])
    response = client.post(f"{BASE}/records/{record.id}/edit",
                           data=_record_data(belgorod, first_name="Анастасия", middle_name="Ивановна",
                                             birth_date=record.birth_date.isoformat(),
                                             specialist=people["specialist"].id))
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(GraduateRecord, record.id).name_key == "иванова анастасия ивановна"

    response = client.post(f"{BASE}/records/{record.id}/notes", data={"text": "Позвонить в понедельник"})
    assert response.status_code == 302
    response = client.post(f"{BASE}/records/{record.id}/notes", data={"text": "Удачи на экзамене!",
                                                                       "for_graduate": "y"})
    assert response.status_code == 302
    assert db.session.execute(db.select(db.func.count()).select_from(RecordNote)).scalar() == 2

    graduate = make_user("anna@example.org", {belgorod: ["graduate"]})
    response = client.post(f"{BASE}/records/{record.id}/link", data={"email": "Anna@Example.org"})
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    response = client.post(f"{BASE}/records/{record.id}/link", data={"email": make_user("mentor@example.org", {belgorod: ["mentor"]}).email})
    assert response.status_code == 422

    own = client.application.test_client().login_as(graduate)
    mine = own.get(f"{BASE}/mine").get_data(as_text=True)
    assert "Удачи на экзамене!" in mine and "Позвонить в понедельник" not in mine

    oskol = municipality(belgorod, "Старый Оскол")
    response = client.post(f"{BASE}/records/{record.id}/move", data={"municipality": oskol.id, "reason": "Переехала"})
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(GraduateRecord, record.id)
    assert moved.service_id == services["oskol"].id and moved.specialist_id is None
    handover = db.session.execute(db.select(RecordHandover)).scalar_one()
    assert (handover.from_service_id, handover.to_service_id) == (services["city"].id, services["oskol"].id)
    assert client.get(f"{BASE}/records/{record.id}").status_code == 404  # handed over: no longer theirs
    oskol_staff = client.application.test_client().login_as(services["oskol_specialist"])
    page = oskol_staff.get(f"{BASE}/records/{record.id}").get_data(as_text=True)
    assert "Служба сопровождения г. Белгорода" in page and "Переехала" in page


def test_a_coordinator_merges_two_records_of_one_graduate(client, services, people, regions):
    belgorod = regions["belgorod"]
    birth = born_aged(belgorod, 20)
    keep = make_record(belgorod, services["city"], "Котова", "Екатерина", "", birth_date=birth)
    gone = make_record(belgorod, services["city"], "Котова", "Катя", "", birth_date=birth, phone="+7 911")
    db.session.add(RecordNote(record_id=gone.id, text="Записка", for_graduate=False))
    db.session.add(SupportContract(record_id=gone.id, starts_on=birth.replace(year=birth.year + 19),
                                   ends_on=birth.replace(year=birth.year + 21),
                                   consent_on=birth.replace(year=birth.year + 19)))
    db.session.commit()
    client.login_as(people["specialist"])
    assert client.post(f"{BASE}/records/{keep.id}/merge", data={"other": gone.id}).status_code == 403
    client.login_as(people["coordinator"])
    response = client.post(f"{BASE}/records/{keep.id}/merge", data={"other": gone.id})
    assert response.status_code == 200 and "Котова Катя" in response.get_data(as_text=True)  # asks first
    response = client.post(f"{BASE}/records/{keep.id}/merge", data={"other": gone.id, "confirmed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(GraduateRecord, gone.id).merged_into_id == keep.id
    assert db.session.get(GraduateRecord, keep.id).phone == "+7 911"
    assert {n.record_id for n in db.session.scalars(db.select(RecordNote))} == {keep.id}
    assert {c.record_id for c in db.session.scalars(db.select(SupportContract))} == {keep.id}
    assert client.get(f"{BASE}/records/{gone.id}").status_code == 302  # to the record kept
    response = client.post(f"{BASE}/records/{keep.id}/merge", data={"other": "junk"})
    assert response.status_code == 422


def test_aging_out_lists_and_moves_those_of_23(app, client, services, people, regions):
    belgorod = regions["belgorod"]
    day = today(belgorod)
    first, last = registry.quarter_of(day)
    make_record(belgorod, services["city"], "Орлов", "Павел", "",
                birth_date=date(last.year - 23, last.month, last.day))
    over = make_record(belgorod, services["city"], "Ершов", "Иван", "", birth_date=born_aged(belgorod, 23, 3),
                       status=RecordStatus.under_support)
    db.session.add(SupportContract(record_id=over.id, starts_on=date(day.year - 2, 1, 1), ends_on=date(day.year + 1, 1, 1),
                                   consent_on=date(day.year - 2, 1, 1)))
    young = make_record(belgorod, services["city"], "Юный", "Олег", "", years=19)
    db.session.commit()
    client.login_as(people["specialist"])
    page = client.get(f"{BASE}/records/ageing-out").get_data(as_text=True)
    assert "Орлов Павел" in page and "Юный Олег" not in page

    runner = app.test_cli_runner()
    result = runner.invoke(args=["casework", "age-out"])
    assert result.exit_code == 0, result.output
    assert "aged out: 1" in result.output
    db.session.expire_all()
    assert db.session.get(GraduateRecord, over.id).status == RecordStatus.aged_out
    assert db.session.scalars(db.select(SupportContract.status)).one().value == "ended"
    assert db.session.get(GraduateRecord, young.id).status == RecordStatus.identified
    assert "aged out: 0" in runner.invoke(args=["casework", "age-out"]).output  # idempotent


def test_the_registry_is_searched_and_filtered(client, services, people, regions):
    belgorod = regions["belgorod"]
    make_record(belgorod, services["city"], "Ёлкина", "Дарья", "Петровна", town="Белгород")
    make_record(belgorod, services["city"], "Петров", "Иван", "", status=RecordStatus.contacted)
    make_record(belgorod, services["oskol"], "Дарьева", "Ольга", "")
    client.login_as(people["specialist"])
    shown = lambda query: client.get(f"{BASE}/records?{query}").get_data(as_text=True)
    assert "Ёлкина Дарья" in shown("q=елкина") and "Петров Иван" not in shown("q=елкина")
    assert "Ёлкина Дарья" in shown("q=дар+ЁЛК")  # any word order, prefixes, ё
    assert "Дарьева" not in shown("q=дар")  # another service's record
    assert "Петров Иван" in shown("status=contacted") and "Ёлкина" not in shown("status=contacted")
    assert "Петров Иван" not in shown(f"municipality={municipality(belgorod, 'Белгород').id}")
    assert client.get(f"{BASE}/records?q=%00&page=99999999999999999999&service=junk&status=x").status_code == 200
    partial = client.get(f"{BASE}/records?q=петр", headers={"HX-Request": "true", "HX-Target": "registry-results"})
    assert "<html" not in partial.get_data(as_text=True) and "Петров Иван" in partial.get_data(as_text=True)


def test_a_graduate_without_an_account_is_invited_and_an_account_of_another_role_is_refused(client, services, people,
                                                                                           regions):
    from portal.models import Invitation

    belgorod = regions["belgorod"]
    record = make_record(belgorod, services["city"])
    client.login_as(people["specialist"])
    response = client.post(f"{BASE}/records/{record.id}/link", data={"email": "new-graduate@example.org"})
    assert response.status_code == 422 and "приглашение" in " ".join(form_errors(response.get_data(as_text=True)))
    response = client.post(f"{BASE}/records/{record.id}/link", data={"email": "new-graduate@example.org",
                                                                      "invite": "y"})
    assert response.status_code == 302
    assert db.session.execute(db.select(Invitation.email)).scalar_one() == "new-graduate@example.org"
    mentor = make_user("a-mentor@example.org", {belgorod: ["mentor"]})
    response = client.post(f"{BASE}/records/{record.id}/link", data={"email": mentor.email, "invite": "y"})
    assert response.status_code == 422 and not mentor.has_role(belgorod, "graduate")
    db.session.expire_all()
    assert db.session.get(GraduateRecord, record.id).user_id is None


def test_status_moves_are_offered_and_guarded(client, services, people, regions):
    belgorod = regions["belgorod"]
    record = make_record(belgorod, services["city"])
    client.login_as(people["specialist"])
    assert client.post(f"{BASE}/records/{record.id}/status", data={"move": "contact"}).status_code == 302
    assert client.post(f"{BASE}/records/{record.id}/status", data={"move": "contact"}).status_code == 302  # refused
    assert client.post(f"{BASE}/records/{record.id}/status", data={"move": "age_out"}).status_code == 302  # not offered
    db.session.expire_all()
    assert db.session.get(GraduateRecord, record.id).status == RecordStatus.contacted
    assert client.post(f"{BASE}/records/{record.id}/status", data={"move": "left_region"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(GraduateRecord, record.id).status == RecordStatus.left_region
    page = client.get(f"{BASE}/records/{record.id}").get_data(as_text=True)
    history = page[page.index('id="history"'):]
    assert history.count("<li>") == 2 and "выбыл из региона" in history  # contacted, then left (made by a fixture)
    assert "Вернулся в регион" in page  # the move back is offered
