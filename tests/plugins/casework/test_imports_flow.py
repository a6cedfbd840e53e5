"""The registry import: a file is read, its rows checked on a preview, nothing written until confirmed,
then all rows or none (2,300 rows in CSV and in XLSX), who may import and see an import."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from plugins.casework import imports as rules
from plugins.casework.imports import ImportStatus, RegistryImport
from plugins.casework.models import Gender, GraduateRecord, LegalStatus
from portal.app.extensions import db
from tests.helpers import at_once, make_user, page_queries
from tests.plugins.casework.conftest import make_record

BASE = "/belgorod/casework"
HEADER = ["ФИО", "Дата рождения", "Пол", "Статус", "Район", "Адрес", "Телефон"]
LAST = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Лебедев", "Козлов", "Новиков", "Морозов"]
FIRST = ["Алексей", "Дмитрий", "Иван", "Максим", "Никита", "Артём", "Кирилл", "Егор", "Роман", "Глеб"]
MIDDLE = ["Сергеевич", "Андреевич", "Олегович", "Игоревич", "Павлович"]


def rows(count: int, towns=("Белгород", "г. Старый Оскол")) -> list[list[str]]:
    """``count`` distinct graduates (no two share a name and a birth date)."""
    found = []
    for number in range(count):
        born = date(2003, 1, 1) + timedelta(days=number)
        name = f"{LAST[number % 10]} {FIRST[number // 10 % 10]} {MIDDLE[number // 100 % 5]}"
        status = "сирота" if number % 3 == 0 else "оставшийся без попечения родителей"
        found.append([name, born.strftime("%d.%m.%Y"), "м", status, towns[number % len(towns)],
                      f"ул. Ленина, {number}", f"+7 900 {number:07d}"])
    return found


def csv_bytes(table, delimiter=";", encoding="utf-8-sig") -> bytes:
    lines = [delimiter.join(HEADER)] + [delimiter.join(row) for row in table]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(table) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in table:
        born = date(int(row[1][6:]), int(row[1][3:5]), int(row[1][:2]))
        sheet.append([row[0], born, *row[2:]])  # a real date cell, as Excel keeps it
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, filename="registry.csv", service=0):
    return client.post(f"{BASE}/imports/new", data={"file": (io.BytesIO(content), filename), "service": service},
                       content_type="multipart/form-data")


def last_job() -> RegistryImport:
    db.session.expire_all()
    return db.session.scalars(select(RegistryImport).order_by(RegistryImport.id.desc())).first()


def count_records() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(GraduateRecord))


def signed_in(app, user):
    """A client of ``user`` reading English pages (the Russian wording is the catalogue's, checked elsewhere)."""
    user.locale = "en"
    db.session.commit()
    return app.test_client().login_as(user)


@pytest.fixture
def centre(app, services):
    return signed_in(app, services["centre_coordinator"])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_2300_rows_are_previewed_then_imported_in_one_job(app, services, centre, kind):
    table = rows(2300)
    content = csv_bytes(table) if kind == "csv" else xlsx_bytes(table)
    response = upload(centre, content, f"registry.{kind}")
    assert response.status_code == 302
    job = last_job()
    assert job.columns == ["full_name", "birth_date", "gender", "legal_status", "municipality", "address", "phone"]
    page = centre.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)
    assert "Ready to import: 2300; with problems: 0; likely duplicates: 0." in page
    assert count_records() == 0  # the preview writes nothing
    response = centre.post(f"{BASE}/imports/{job.id}/confirm", data={})
    assert response.status_code == 302
    job = last_job()
    assert job.status == ImportStatus.done and job.created_records == 2300 and job.content == b""
    assert count_records() == 2300
    first = db.session.scalars(select(GraduateRecord).where(GraduateRecord.last_name == "Иванов")
                               .order_by(GraduateRecord.id)).first()
    assert (first.first_name, first.middle_name, first.birth_date) == ("Алексей", "Сергеевич", date(2003, 1, 1))
    assert first.gender == Gender.male and first.legal_status == LegalStatus.orphan
    assert first.service_id == services["city"].id and first.phone == "+7 900 0000000"
    in_oskol = db.session.scalar(select(func.count()).where(GraduateRecord.service_id == services["oskol"].id))
    assert in_oskol == 1150
    done = centre.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)
    assert "2300 records are added to the registry." in done
    # The monitoring counts them (written in bulk, past the session's events).
    from tests.plugins.casework.test_monitoring_tallies import assert_kept_equals_a_recount

    kept = assert_kept_equals_a_recount()
    assert sum(v[0] for (kind, key), v in kept.items() if kind == "record" and key[2] == "identified") == 2300


def test_rows_with_problems_are_listed_and_nothing_is_written(app, services, centre, regions):
    make_record(regions["belgorod"], services["city"], "Петров", "Иван", "Олегович",
                birth_date=date(2004, 5, 6))
    table = rows(30)
    table[1][1] = "32.13.2005"  # line 3
    table[2][0] = ""  # line 4: no name
    table[3][4] = "Москва"  # line 5
    table[4][1] = (date.today() + timedelta(days=400)).strftime("%d.%m.%Y")  # line 6
    table[5] = ["Петров Иван Олегович", "2004-05-06", "м", "сирота", "Белгород", "", ""]  # an existing record
    table[6] = list(table[0])  # line 8: the same as line 2
    table[7][2] = "?"  # line 9
    response = upload(centre, csv_bytes(table, delimiter=",", encoding="cp1251"), "выгрузка.csv")
    job = last_job()
    page = centre.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)
    assert "with problems: 5; likely duplicates: 2." in page
    for expected in ("Unreadable birth date «32.13.2005»", "No last name or first name.",
                     "Unknown municipality «Москва».", "is in the future", "Unknown gender «?»",
                     "Likely the same graduate as in line 2", "Likely the same graduate as the record of "
                     "Петров Иван Олегович"):
        assert expected in page, expected
    assert "Import the rows" not in page
    response = centre.post(f"{BASE}/imports/{job.id}/confirm", data={})
    assert response.status_code == 302
    assert last_job().status == ImportStatus.uploaded
    assert count_records() == 1
    assert "Some rows still have problems" in centre.get(response.headers["Location"]).get_data(as_text=True)


def test_a_failure_in_the_middle_leaves_nothing(app, services, centre, monkeypatch):
    upload(centre, csv_bytes(rows(2300)))
    job = last_job()
    real, calls = rules.write_rows, []

    def breaks_on_the_third_chunk(region, job, chunk, stamp):
        calls.append(len(chunk))
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        real(region, job, chunk, stamp)

    monkeypatch.setattr(rules, "write_rows", breaks_on_the_third_chunk)
    centre.post(f"{BASE}/imports/{job.id}/confirm", data={})
    job = last_job()
    assert calls == [500, 500, 500]
    assert job.status == ImportStatus.failed and job.error == "failed:1002"
    assert count_records() == 0  # the two chunks written before are rolled back with the rest
    page = centre.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)
    assert "The import stopped at line 1002 and wrote nothing." in page


def test_mapping_is_guessed_from_russian_and_english_headers_and_can_be_corrected(app, services, centre):
    assert rules.guess_mapping(["Фамилия", "Имя", "Отчество", "Дата рождения выпускника", "Правовой статус",
                                "Муниципалитет", "Учреждение", "Телефон (моб.)", "Примечание"]) == [
        "last_name", "first_name", "middle_name", "birth_date", "legal_status", "municipality", "institution",
        "phone", ""]
    assert rules.guess_mapping(["Last name", "First name", "Date of birth", "Sex", "District", "E-mail"]) == [
        "last_name", "first_name", "birth_date", "gender", "municipality", "email"]
    content = "Выпускник\tРодился\tПол\tМестность\nСидорова Мария Ивановна\t31/12/2005\tж\tБелгород\n"
    upload(centre, content.encode("utf-8"), "list.txt")
    job = last_job()
    page = centre.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)
    assert "Choose the column with the birth date." in page
    response = centre.post(f"{BASE}/imports/{job.id}/mapping", data={
        "column_0": "full_name", "column_1": "birth_date", "column_2": "gender", "column_3": "municipality"})
    assert response.status_code == 302
    page = centre.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)
    assert "Ready to import: 1; with problems: 0" in page
    twice = centre.post(f"{BASE}/imports/{job.id}/mapping", data={
        "column_0": "full_name", "column_1": "birth_date", "column_2": "birth_date", "column_3": ""})
    assert twice.status_code == 302
    assert "is chosen for two columns" in centre.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)


def test_dates_in_every_usual_form():
    for value in ("31.12.2005", "2005-12-31", "31/12/2005", "31.12.2005 0:00:00", 38717, "38717"):
        assert rules.parse_date(value) == date(2005, 12, 31), value
    assert rules.parse_date("12/31/2005") is None and rules.parse_date("вчера") is None
    assert rules.parse_gender("", "Петровна") == Gender.female and rules.parse_gender("Ж", "") == Gender.female
    assert rules.place_key("Шебекинский городской округ") == rules.place_key("Шебекинский район")


@pytest.mark.parametrize("content, filename, message", [
    (b"%PDF-1.4 \x00\x01\x02 binary", "scan.pdf", "This is not a table Portal can read."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "This is an old Excel file (XLS)."),
    (b"PK\x03\x04 broken zip", "broken.xlsx", "This is not a table Portal can read."),
    ("ФИО;Дата рождения\n".encode(), "empty.csv", "The file has no rows to import."),
    (b"a" * (5 * 1024 * 1024 + 1), "huge.csv", "The file is larger than 5 MB."),
])
def test_a_wrong_file_gets_a_clear_message(app, services, centre, content, filename, message):
    response = upload(centre, content, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert last_job() is None


def test_a_service_coordinator_imports_only_into_their_service(app, services, people, regions):
    city = signed_in(app, people["coordinator"])
    page = city.get(f"{BASE}/imports").get_data(as_text=True)
    assert "Служба сопровождения г. Белгорода" in page and "Старого Оскола" not in page
    assert upload(city, csv_bytes(rows(4)), service=services["oskol"].id).status_code == 422
    upload(city, csv_bytes(rows(4)))
    job = last_job()
    page = city.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)
    assert "Старый Оскол is served by «Служба сопровождения Старого Оскола», which you do not coordinate." in page
    upload(city, csv_bytes(rows(4)), service=services["city"].id)  # all to their own service
    mine = last_job()
    city.post(f"{BASE}/imports/{mine.id}/confirm", data={})
    assert last_job().status == ImportStatus.done
    db.session.expire_all()
    assert set(db.session.scalars(select(GraduateRecord.service_id))) == {services["city"].id}


def test_another_regions_or_services_import_is_not_found(app, services, people, regions, centre):
    upload(centre, csv_bytes(rows(3)))
    job = last_job()
    smolensk_coordinator = make_user("coordinator@smolensk.test", {regions["smolensk"]: ["coordinator"]})
    other_region = app.test_client().login_as(smolensk_coordinator)
    oskol = app.test_client().login_as(services["oskol_coordinator"])
    for client in (other_region, oskol):
        for method, path in (("get", f"/imports/{job.id}"), ("post", f"/imports/{job.id}/confirm"),
                             ("post", f"/imports/{job.id}/mapping"), ("post", f"/imports/{job.id}/discard")):
            prefix = "/smolensk/casework" if client is other_region else BASE
            assert getattr(client, method)(prefix + path).status_code == 404, (method, path)
            if client is other_region:
                assert getattr(client, method)(BASE + path).status_code == 403
    assert "registry.csv" not in oskol.get(f"{BASE}/imports").get_data(as_text=True)
    assert last_job().status == ImportStatus.uploaded
    plain = app.test_client().login_as(people["specialist"])
    assert plain.get(f"{BASE}/imports").status_code == 403


def test_a_coordinator_of_no_service_cannot_import(app, services, regions):
    loose = make_user("loose@belgorod.test", {regions["belgorod"]: ["coordinator"]})
    client = signed_in(app, loose)
    page = client.get(f"{BASE}/imports").get_data(as_text=True)
    assert "Only a coordinator of a support service or of the resource centre imports records." in page
    response = upload(client, csv_bytes(rows(2)))
    assert response.status_code == 302 and last_job() is None


def test_discard_deletes_the_file(app, services, centre):
    upload(centre, csv_bytes(rows(3)))
    job = last_job()
    centre.post(f"{BASE}/imports/{job.id}/discard", data={"discard-csrf_token": centre.csrf_token()},
                csrf=False)
    job = last_job()
    assert job.status == ImportStatus.discarded and job.content == b""
    assert centre.post(f"{BASE}/imports/{job.id}/confirm", data={}).status_code == 302
    assert last_job().status == ImportStatus.discarded and count_records() == 0


def test_two_confirmations_at_once_import_once(app, services, centre):
    upload(centre, csv_bytes(rows(5)))
    job_id, coordinator_id = last_job().id, services["centre_coordinator"].id

    def work(_item, start):
        from plugins.casework import scope
        from portal.models import User

        job = db.session.get(RegistryImport, job_id)
        reach = scope._reach(db.session.get(User, coordinator_id), rules.job_region(job))
        db.session.commit()
        start()
        try:
            rules.confirm(job, reach, False)
        except rules.Refusal as refusal:
            db.session.rollback()
            return str(refusal)
        db.session.commit()
        return "queued"

    outcomes = at_once(app, [1, 2], work)
    assert sorted(outcomes) == sorted(["Эта загрузка уже подтверждена или отменена.", "queued"])


def test_import_pages_make_the_same_number_of_queries_at_10_and_1000_rows(app, services, centre, regions):
    upload(centre, csv_bytes(rows(10)))
    few = last_job()
    centre.get(f"{BASE}/imports/{few.id}")
    at_ten = page_queries(app, centre, f"{BASE}/imports/{few.id}")
    list_at_one = page_queries(app, centre, f"{BASE}/imports")
    for number in range(40):  # records the rows may duplicate
        make_record(regions["belgorod"], services["city"], "Иванов", "Алексей", f"Отчество{number}")
    upload(centre, csv_bytes(rows(1000)))
    many = last_job()
    for _ in range(5):
        upload(centre, csv_bytes(rows(3)))
    assert page_queries(app, centre, f"{BASE}/imports/{many.id}") == at_ten
    assert page_queries(app, centre, f"{BASE}/imports") == list_at_one
    centre.post(f"{BASE}/imports/{many.id}/confirm", data={})
    done = page_queries(app, centre, f"{BASE}/imports/{many.id}")
    centre.post(f"{BASE}/imports/{few.id}/confirm", data={})
    assert page_queries(app, centre, f"{BASE}/imports/{few.id}") == done


def test_the_progress_part_answers_htmx_polls(app, services, centre):
    upload(centre, csv_bytes(rows(3)))
    job = last_job()
    job.status, job.total_rows, job.done_rows = ImportStatus.running, 3000, 1000
    db.session.commit()
    part = centre.get(f"{BASE}/imports/{job.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert part.lstrip().startswith("<div id=\"import-progress\"") and 'hx-trigger="every 2s"' in part
    assert "1000 of 3000 rows written" in part
    page = centre.get(f"{BASE}/imports/{job.id}").get_data(as_text=True)
    assert "<h1>" in page and re.search(r'<progress max="3000" value="1000"', page)
