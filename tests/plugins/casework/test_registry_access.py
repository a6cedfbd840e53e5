"""Who reaches which record: by service, by region, the graduate their own; mentors and volunteers nothing."""
from __future__ import annotations

from datetime import date

from plugins.casework import registry
from plugins.casework.models import GraduateRecord, SupportContract
from portal.app.extensions import db
from tests.helpers import at_once, make_user, page_queries
from tests.plugins.casework.conftest import make_record

BASE = "/belgorod/casework"


def test_records_are_reached_by_service_and_region_only(app, services, people, regions):
    belgorod, smolensk = regions["belgorod"], regions["smolensk"]
    city = make_record(belgorod, services["city"], "Городская", "Анна", "")
    oskol = make_record(belgorod, services["oskol"], "Оскольская", "Мария", "")
    far = make_record(smolensk, services["smolensk"], "Смоленская", "Ольга", "")
    contract = SupportContract(record_id=city.id, starts_on=date(2025, 1, 1), ends_on=date(2027, 1, 1),
                               consent_on=date(2025, 1, 1))
    db.session.add(contract)
    db.session.commit()
    oskol_staff = app.test_client().login_as(services["oskol_specialist"])
    for path in (f"/records/{city.id}", f"/records/{city.id}/edit"):
        assert oskol_staff.get(BASE + path).status_code == 404, path
    for path in (f"/records/{city.id}/contract", f"/records/{city.id}/notes", f"/records/{city.id}/move",
                 f"/records/{city.id}/link", f"/records/{city.id}/withdraw", f"/contracts/{contract.id}/end"):
        assert oskol_staff.post(BASE + path, data={}).status_code == 404, path
    assert oskol_staff.get(f"{BASE}/records/{oskol.id}").status_code == 200
    listing = oskol_staff.get(f"{BASE}/records").get_data(as_text=True)
    assert "Оскольская" in listing and "Городская" not in listing

    smolensk_staff = app.test_client().login_as(services["smolensk_specialist"])
    assert smolensk_staff.get(f"/smolensk/casework/records/{city.id}").status_code == 404
    assert smolensk_staff.get(f"/smolensk/casework/records/{far.id}").status_code == 200
    assert app.test_client().login_as(people["specialist"]).get(f"{BASE}/records/{far.id}").status_code == 404

    centre = app.test_client().login_as(services["centre_coordinator"])
    for found in (city, oskol):
        assert centre.get(f"{BASE}/records/{found.id}").status_code == 200
    oskol_coordinator = app.test_client().login_as(services["oskol_coordinator"])
    assert oskol_coordinator.post(f"{BASE}/records/{city.id}/merge", data={"other": oskol.id}).status_code == 404
    response = oskol_coordinator.post(f"{BASE}/records/{oskol.id}/merge", data={"other": city.id})
    assert response.status_code == 422  # a record they cannot see is no record


def test_a_graduate_sees_only_their_own_and_mentors_nothing(app, services, people, regions):
    belgorod = regions["belgorod"]
    graduate = make_user("own@example.org", {belgorod: ["graduate"]})
    own = make_record(belgorod, services["city"], "Своя", "Вера", "", user=graduate)
    other = make_record(belgorod, services["city"], "Чужая", "Нина", "")
    client = app.test_client().login_as(graduate)
    page = client.get(f"{BASE}/mine").get_data(as_text=True)
    assert "Своя Вера" in page and "Чужая" not in page
    for path in (f"/records/{own.id}", f"/records/{other.id}", "/records"):
        assert client.get(BASE + path).status_code == 403, path
    unlinked = app.test_client().login_as(people["graduate"])
    assert "Своя Вера" not in unlinked.get(f"{BASE}/mine").get_data(as_text=True)
    for role in ("mentor", "volunteer"):
        visitor = app.test_client().login_as(people[role])
        for path in ("/records", f"/records/{own.id}", "/mine", "/records/ageing-out"):
            assert visitor.get(BASE + path).status_code == 403, (role, path)


def test_junk_ids_are_not_found(app, services, people):
    client = app.test_client().login_as(people["specialist"])
    for path in ("/records/0", "/records/99999999", "/contracts/123456/end"):
        response = client.post(BASE + path, data={}) if path.endswith("end") else client.get(BASE + path)
        assert response.status_code == 404, path
    assert client.get(f"{BASE}/records/abc").status_code == 404


def test_the_list_makes_the_same_number_of_queries_at_10_and_at_1000_records(app, services, people, regions):
    belgorod = regions["belgorod"]
    specialists = [people["specialist"]] + [make_user(f"s{n}@belgorod.test", {belgorod: ["specialist"]})
                                            for n in range(3)]
    from plugins.casework.models import Gender, LegalStatus, RecordStatus, SupportLevel, name_key

    def add(count, start):
        rows = []
        for n in range(start, start + count):
            last, first = f"Фамилия{n:04d}", "Имя"
            rows.append(dict(region_id=belgorod.id, last_name=last, first_name=first, middle_name="",
                             name_key=name_key(last, first), birth_date=date(2005, 1 + n % 12, 1 + n % 28),
                             gender=Gender.female, legal_status=LegalStatus.orphan, service_id=services["city"].id,
                             specialist_id=specialists[n % 4].id, status=RecordStatus.under_support,
                             level=SupportLevel.supporting, assessment_due_on=date(2020, 1, 1),
                             municipality_id=belgorod.municipalities[n % 2].id, user_id=None))
        db.session.execute(GraduateRecord.__table__.insert(), rows)
        db.session.commit()

    add(10, 0)
    client = app.test_client().login_as(people["specialist"])
    urls = (f"{BASE}/records", f"{BASE}/records?q=фамилия&overdue=y&level=supporting&status=under_support",
            f"{BASE}/records?page=3", f"{BASE}/records/ageing-out", "/belgorod/")
    for url in urls:
        client.get(url)
    few = {url: page_queries(app, client, url) for url in urls}
    add(990, 10)
    assert {url: page_queries(app, client, url) for url in urls} == few


def test_two_coordinators_merge_the_same_pair_at_once_and_it_is_merged_once(app, app_context, services, people,
                                                                          regions):
    belgorod = regions["belgorod"]
    birth = date(2005, 5, 5)
    keep = make_record(belgorod, services["city"], "Лисова", "Дарья", "", birth_date=birth)
    gone = make_record(belgorod, services["city"], "Лисова", "Даша", "", birth_date=birth)
    pairs = [(keep.id, gone.id, people["coordinator"].id), (gone.id, keep.id, services["centre_coordinator"].id)]

    def merge(pair, start):
        from portal.kit import Refusal, Region, User

        keep_id, gone_id, user_id = pair
        region = db.session.get(Region, belgorod.id)
        kept, merged = db.session.get(GraduateRecord, keep_id), db.session.get(GraduateRecord, gone_id)
        by = db.session.get(User, user_id)
        db.session.commit()
        start()
        try:
            registry.merge(region, kept, merged, by)
        except Refusal as refusal:
            db.session.rollback()
            return f"refused: {refusal}"
        db.session.commit()
        return "merged"

    outcomes = at_once(app, pairs, merge)
    assert sorted(outcomes)[0] == "merged" and sorted(outcomes)[1].startswith("refused"), outcomes
    db.session.expire_all()
    merged = [r for r in db.session.scalars(db.select(GraduateRecord)) if r.merged_into_id]
    assert len(merged) == 1


def test_the_record_page_makes_the_same_number_of_queries_with_more_history(app, services, people, regions):
    from plugins.casework.models import RecordHandover, RecordNote, StatusChange

    belgorod = regions["belgorod"]
    record = make_record(belgorod, services["city"], specialist=people["specialist"])
    client = app.test_client().login_as(people["specialist"])
    url = f"{BASE}/records/{record.id}"

    def more(count):
        for n in range(count):
            author = make_user(f"author{record.id}-{n}-{count}@belgorod.test", {belgorod: ["specialist"]})
            db.session.add(RecordNote(record_id=record.id, author_id=author.id, text=f"Заметка {n}"))
            db.session.add(RecordHandover(record_id=record.id, from_service_id=services["oskol"].id,
                                          to_service_id=services["city"].id, by_id=author.id))
            db.session.add(StatusChange(record_id=record.id, to_status=record.status, by_id=author.id))
            make_record(belgorod, services["city"], "Иванова", "Настя", "", birth_date=record.birth_date)
        db.session.commit()

    more(1)
    client.get(url)
    few = page_queries(app, client, url)
    more(6)
    assert page_queries(app, client, url) == few
