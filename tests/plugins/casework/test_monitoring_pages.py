"""The monitoring pages: who opens which (real ids of another service and another region), the period picker,
the charts with their tables, the downloads read back, the workbook job, the country's view, query counts."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from plugins.casework.models import AreaScore, Assessment, AssessmentArea, Score
from plugins.casework.monitoring import periods
from portal.app.extensions import db
from portal.kit import today
from tests.plugins.casework.conftest import make_supported

BASE = "/belgorod/casework/monitoring"


def _assessed(record, day, difficult=("housing",)):
    found = Assessment(record_id=record.id, quarter_start=day, assessed_on=day)
    found.areas = [AreaScore(area=a, score=Score.problem if a.value in difficult else Score.good)
                   for a in AssessmentArea]
    db.session.add(found)
    db.session.commit()


def _graduates(regions, services, people, count=3):
    belgorod = regions["belgorod"]
    period = periods.latest_complete_quarter(today(belgorod))
    for number in range(count):
        record = make_supported(belgorod, services["city" if number % 2 == 0 else "oskol"], f"Выпускница{number}",
                                specialist=people["specialist"], starts_on=period.first - timedelta(days=200))
        _assessed(record, period.first + timedelta(days=3))
    smolensk = make_supported(regions["smolensk"], services["smolensk"], "Смолянка",
                              starts_on=period.first - timedelta(days=200))
    _assessed(smolensk, period.first + timedelta(days=3))
    return period


def test_who_opens_which_monitoring(app, regions, services, people):
    _graduates(regions, services, people)
    city, oskol, smolensk = services["city"], services["oskol"], services["smolensk"]
    coordinator = app.test_client().login_as(people["coordinator"])  # coordinates the city's service
    response = coordinator.get(BASE)
    assert response.status_code == 302 and response.location.endswith(f"{BASE}/services/{city.id}")
    assert coordinator.get(f"{BASE}/services/{city.id}").status_code == 200
    assert coordinator.get(f"{BASE}/services/{oskol.id}").status_code == 404  # another service
    assert coordinator.get(f"{BASE}/services/{smolensk.id}").status_code == 404  # another region's, here
    assert coordinator.get(f"/smolensk/casework/monitoring/services/{smolensk.id}").status_code == 403
    assert coordinator.get(f"{BASE}/rating").status_code == 404
    assert coordinator.get(f"{BASE}/figures/difficulties.csv").status_code == 404
    assert coordinator.get(f"{BASE}/services/{oskol.id}/figures/difficulties.csv").status_code == 404
    assert coordinator.get(f"{BASE}/country").status_code == 403
    oskol_staff = app.test_client().login_as(services["oskol_specialist"])
    assert oskol_staff.get(f"{BASE}/services/{oskol.id}").status_code == 200
    assert oskol_staff.get(f"{BASE}/services/{city.id}").status_code == 404
    assert oskol_staff.get(f"{BASE}/services/{services['centre'].id}").status_code == 404
    for user in (services["centre_coordinator"], people["region_admin"]):
        staff = app.test_client().login_as(user)
        for url in (BASE, f"{BASE}/rating", f"{BASE}/services/{city.id}", f"{BASE}/services/{oskol.id}"):
            assert staff.get(url).status_code == 200, url
        assert staff.get(f"{BASE}/services/{smolensk.id}").status_code == 404
    other = app.test_client().login_as(people["other_region_admin"])
    assert other.get(BASE).status_code == 403


def test_the_region_page_in_both_languages_with_charts_tables_and_a_period(app, regions, services, people):
    period = _graduates(regions, services, people)
    user = services["centre_coordinator"]
    client = app.test_client().login_as(user)
    page = client.get(BASE).get_data(as_text=True)
    assert "Мониторинг" in page and "Выявлено трудностей по сферам" in page and "Определение" in page
    assert page.count('role="img"') >= 6 and "<table" in page and "Выпускница" not in page
    assert f"<option selected value=\"{period.key}\">" in page
    user.locale = "en"
    db.session.commit()
    client = app.test_client().login_as(user)
    page = client.get(BASE, query_string={"period": str(period.first.year)}).get_data(as_text=True)
    assert "Difficulties found per area" in page and f"year {period.first.year}" in page
    bad = client.get(BASE, query_string={"period": "2026-Q9"})
    assert bad.status_code == 422 and "Choose a quarter or a year from the list." in bad.get_data(as_text=True)
    assert client.get(f"{BASE}/figures/difficulties.csv", query_string={"period": "nonsense"}).status_code == 422


def test_downloads_keep_russian_text_and_neutralise_formulas(app, regions, services, people):
    period = _graduates(regions, services, people)
    services["oskol"].name = "=Служба «Оскол»"
    db.session.commit()
    client = app.test_client().login_as(services["centre_coordinator"])
    response = client.get(f"{BASE}/figures/difficulties.csv", query_string={"period": period.key})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Сфера", "Трудностей"]
    assert ["жильё", "3"] in rows
    response = client.get(f"{BASE}/figures/overdue.xlsx", query_string={"period": period.key})
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Служба", "Под сопровождением", "Оценка просрочена"]
    assert ["'=Служба «Оскол»", 1, 1] in values  # its first assessment's date is long past
    rating = client.get(f"{BASE}/figures/rating.xlsx", query_string={"period": period.key})
    assert load_workbook(io.BytesIO(rating.data)).active["A1"].value == "Служба"


def test_the_workbook_is_made_in_the_background_once(app, regions, services, people):
    from plugins.casework.monitoring.exports import MonitoringExport

    _graduates(regions, services, people)
    client = app.test_client().login_as(services["centre_coordinator"])
    response = client.post(f"{BASE}/workbook")
    assert response.status_code == 302
    job = db.session.execute(db.select(MonitoringExport)).scalar_one()
    assert job.status.value == "done" and job.steps_done == job.steps_total == 3  # the region, two services
    page = client.get(response.location).get_data(as_text=True)
    assert "Скачать" in page
    book = load_workbook(io.BytesIO(client.get(f"{BASE}/workbooks/{job.id}/file").data))
    sheet = book[book.sheetnames[0]]
    scopes = {row[0].value for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert {"Белгородская область", services["city"].name, services["oskol"].name} <= scopes
    partial = client.get(f"{BASE}/workbooks/{job.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert partial.lstrip().startswith('<div id="export-progress"')
    # A second person asking while it is being made gets the same job.
    from plugins.casework.monitoring import exports
    job.status = exports.ExportStatus.running
    db.session.commit()
    again, new = exports.start(regions["belgorod"], people["region_admin"], exports.ExportKind.region,
                               periods.parse(job.period_key), job.locale)
    assert again.id == job.id and not new
    coordinator = app.test_client().login_as(people["coordinator"])
    assert coordinator.get(f"{BASE}/workbooks/{job.id}").status_code == 404
    assert coordinator.post(f"{BASE}/workbook").status_code == 404


def test_the_country_view_shows_regions_side_by_side_without_people(app, regions, services, people):
    period = _graduates(regions, services, people)
    admin = app.test_client().login_as(people["site_admin"])
    page = admin.get(f"{BASE}/country", query_string={"period": period.key}).get_data(as_text=True)
    assert "Белгородская область" in page and "Смоленская область" in page
    assert "Выпускница" not in page and "Смолянка" not in page
    assert "&lt; 5" in page  # three graduates in Belgorod, one in Smolensk: small counts hidden
    response = admin.post(f"{BASE}/country/workbook", query_string={"period": period.key})
    assert response.status_code == 302
    assert admin.get(response.location).status_code == 200
