"""The quarterly assessment: all nine areas, prefilled from the last one, the change per area, the next due date."""
from __future__ import annotations

from datetime import timedelta

from plugins.casework import due
from plugins.casework.models import Assessment, AssessmentArea, GraduateRecord
from portal.app.extensions import db
from portal.kit import today
from portal.models import AuditEvent
from tests.helpers import form_errors

BASE = "/belgorod/casework"


def scores(**chosen) -> dict:
    """Form data: every area good unless named (``housing="problem"``)."""
    data = {}
    for area in AssessmentArea:
        data[f"{area.value}_score"] = chosen.get(area.value, "good")
        data[f"{area.value}_reason"] = f"причина: {area.value}"
        data[f"{area.value}_goal"] = f"цель: {area.value}"
    return data


def test_a_specialist_fills_an_assessment_and_the_next_falls_due(client, supported, people, regions):
    belgorod = regions["belgorod"]
    client.login_as(people["specialist"])
    page = client.get(f"{BASE}/records/{supported.id}/assessments/new")
    assert page.status_code == 200
    day = today(belgorod)
    response = client.post(f"{BASE}/records/{supported.id}/assessments/new",
                           data={"assessed_on": day.isoformat(), **scores(housing="critical", income="problem")})
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    found = db.session.execute(db.select(Assessment)).scalar_one()
    assert len(found.areas) == 9
    db.session.expire_all()
    record = db.session.get(GraduateRecord, supported.id)
    contract_start = day - timedelta(days=100)
    quarter = due.quarter_start(contract_start, day)
    assert found.quarter_start == quarter
    assert record.assessment_due_on == due.due_after(contract_start, quarter)
    shown = client.get(f"{BASE}/assessments/{found.id}").get_data(as_text=True)
    assert 'class="score score-critical"' in shown and "причина: housing" in shown
    assert db.session.execute(db.select(AuditEvent).filter_by(action="casework.assessment.created")).scalar_one()


def test_a_new_assessment_starts_from_the_last_and_shows_the_change(client, supported, people, regions):
    belgorod = regions["belgorod"]
    client.login_as(people["specialist"])
    start = today(belgorod) - timedelta(days=100)
    first = start + timedelta(days=5)
    response = client.post(f"{BASE}/records/{supported.id}/assessments/new",
                           data={"assessed_on": first.isoformat(), **scores(housing="critical", income="problem")})
    assert response.status_code == 302
    page = client.get(f"{BASE}/records/{supported.id}/assessments/new").get_data(as_text=True)
    assert 'value="critical" selected' in page or 'selected value="critical"' in page
    assert "причина: housing" in page  # prefilled
    response = client.post(f"{BASE}/records/{supported.id}/assessments/new",
                           data={"assessed_on": today(belgorod).isoformat(),
                                 **scores(housing="problem", income="critical")})
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    latest = db.session.execute(db.select(Assessment).order_by(Assessment.id.desc())).scalars().first()
    assert latest.previous_id is not None
    shown = client.get(f"{BASE}/assessments/{latest.id}").get_data(as_text=True)
    assert shown.count('class="change better"') == 1 and shown.count('class="change worse"') == 1
    assert shown.count('class="change same"') == 7


def test_an_area_missing_is_refused_and_nothing_typed_is_lost(client, supported, people, regions):
    client.login_as(people["specialist"])
    data = {"assessed_on": today(regions["belgorod"]).isoformat(), **scores()}
    data["army_service_score"] = ""
    data["housing_reason"] = "снимает комнату у знакомых"
    response = client.post(f"{BASE}/records/{supported.id}/assessments/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "снимает комнату у знакомых" in page
    assert any("оценку" in e for e in form_errors(page)), form_errors(page)
    assert db.session.execute(db.select(Assessment)).first() is None


def test_dates_in_the_future_before_the_contract_and_junk_are_refused(client, supported, people, regions):
    client.login_as(people["specialist"])
    day = today(regions["belgorod"])
    url = f"{BASE}/records/{supported.id}/assessments/new"
    for when, words in ((day + timedelta(days=1), "будущ"), (day - timedelta(days=200), "договора"),
                        ("31.02.2026", "дата"), ("0001-01-01", "год")):
        response = client.post(url, data={"assessed_on": str(when), **scores()})
        assert response.status_code == 422, when
        assert any(words in e for e in form_errors(response.get_data(as_text=True))), \
            (when, form_errors(response.get_data(as_text=True)))
    junk = {"assessed_on": day.isoformat(), **scores(), "housing_score": "terrible"}
    assert client.post(url, data=junk).status_code == 422
    nul = {"assessed_on": day.isoformat(), **scores(), "housing_reason": "a\x00b"}
    assert client.post(url, data=nul).status_code == 422
    assert db.session.execute(db.select(Assessment)).first() is None


def test_a_quarter_has_one_assessment(client, supported, people, regions):
    client.login_as(people["specialist"])
    day = today(regions["belgorod"])
    url = f"{BASE}/records/{supported.id}/assessments/new"
    assert client.post(url, data={"assessed_on": day.isoformat(), **scores()}).status_code == 302
    response = client.post(url, data={"assessed_on": (day - timedelta(days=1)).isoformat(), **scores()})
    assert response.status_code == 422
    assert any("квартал" in e for e in form_errors(response.get_data(as_text=True)))
    assert db.session.execute(db.select(db.func.count(Assessment.id))).scalar() == 1


def test_no_assessment_without_a_contract_in_force(client, services, people, regions):
    from tests.plugins.casework.conftest import make_record

    record = make_record(regions["belgorod"], services["city"], specialist=people["specialist"])
    client.login_as(people["specialist"])
    response = client.post(f"{BASE}/records/{record.id}/assessments/new",
                           data={"assessed_on": today(regions["belgorod"]).isoformat(), **scores()})
    assert response.status_code == 422
    assert "договор" in response.get_data(as_text=True)
