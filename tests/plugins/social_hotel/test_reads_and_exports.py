"""Every page that shows graduates' stays leaves an audit line; the figures' CSV opens safely."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

from sqlalchemy import select

from plugins.social_hotel import stays as rules
from portal.app.extensions import db
from portal.models import AuditEvent
from tests.helpers import make_user
from tests.plugins.social_hotel.conftest import BASE, bed_ids, confirm, requested


def _lines(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_the_staff_start_page_is_audited_with_the_graduates_listed(app, people, regions, hotel, soon):
    other = make_user("other@belgorod.test", {regions["belgorod"]: ["graduate"]})
    stays = [requested(hotel, people["graduate"], soon, 3), requested(hotel, other, soon, 2)]
    staff = app.test_client().login_as(people["specialist"])
    page = staff.get(f"{BASE}/").get_data(as_text=True)
    assert people["graduate"].name in page and "Other" in page
    [line] = _lines("social_hotel.requests.viewed")
    assert line.actor_id == people["specialist"].id and line.region_id == regions["belgorod"].id
    assert line.details["graduates"] == sorted(s.graduate_id for s in stays)


def test_the_chart_names_the_graduates_it_shows(app, people, regions, hotel, soon):
    other = make_user("other@belgorod.test", {regions["belgorod"]: ["graduate"]})
    shown = requested(hotel, people["graduate"], soon, 3)
    confirm(app, people["specialist"], shown, bed_ids(hotel)[0])
    waiting = requested(hotel, other, soon + timedelta(days=1), 2)
    staff = app.test_client().login_as(people["specialist"])
    assert staff.get(f"{BASE}/chart?start={soon.isoformat()}").status_code == 200
    [line] = _lines("social_hotel.chart.viewed")
    assert line.details["graduates"] == sorted({shown.graduate_id, waiting.graduate_id})


def test_the_stay_page_is_audited_on_every_render(app, people, regions, hotel, soon):
    """The first render, the re-render after a form error, and the re-render after a refusal."""
    other = make_user("other@belgorod.test", {regions["belgorod"]: ["graduate"]})
    first_bed = bed_ids(hotel)[0]
    confirm(app, people["specialist"], requested(hotel, other, soon, 3), first_bed)
    stay = requested(hotel, people["graduate"], soon, 3)
    staff = app.test_client().login_as(people["specialist"])
    assert staff.get(f"{BASE}/stays/{stay.id}").status_code == 200
    assert staff.post(f"{BASE}/stays/{stay.id}/act/reject", data={"reason": ""}).status_code == 422
    assert staff.post(f"{BASE}/stays/{stay.id}/act/confirm", data={"bed": first_bed}).status_code == 422
    lines = _lines("social_hotel.stay.viewed")
    assert [(line.target, line.subject_id) for line in lines] == [(f"stay:{stay.id}", people["graduate"].id)] * 3


def test_a_hotel_name_never_starts_a_formula_in_the_csv(app, people, regions, soon):
    rules.add_hotel(regions["belgorod"], '=HYPERLINK("http://evil.example","x")')
    db.session.commit()
    response = app.test_client().login_as(people["coordinator"]).get(f"{BASE}/stats.csv?year={soon.year}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert response.mimetype == "text/csv" and len(rows) == 13
    assert {row[0] for row in rows[1:]} == {'\'=HYPERLINK("http://evil.example","x")'}


def test_the_figures_page_and_its_csv_use_the_same_status_labels(app, people, hotel, soon):
    coordinator = app.test_client().login_as(people["coordinator"])
    page = html.unescape(coordinator.get(f"{BASE}/stats?year={soon.year}").get_data(as_text=True))
    response = coordinator.get(f"{BASE}/stats.csv?year={soon.year}")
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    shown = re.findall(r'<th scope="col">(.*?)</th>', page.split("<thead>", 1)[1].split("</thead>", 1)[0])
    assert header[1:] == shown and "подтверждена" in header  # the CSV has the hotel first
