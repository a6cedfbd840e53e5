"""Who reads which assessment: the record's staff and the graduate (without staff's reasons); nobody else."""
from __future__ import annotations

from datetime import timedelta

from plugins.casework import assessments
from plugins.casework.models import AreaScore, Assessment, AssessmentArea, GraduateRecord, Score
from portal.app.extensions import db
from portal.kit import today
from portal.models import AuditEvent
from tests.helpers import make_user
from tests.plugins.casework.conftest import make_supported

BASE = "/belgorod/casework"


def add_assessment(record, day, difficult=(), critical=()) -> Assessment:
    found = Assessment(record_id=record.id, quarter_start=day, assessed_on=day)
    found.areas = [AreaScore(area=a, score=Score.critical if a.value in critical else
                             Score.problem if a.value in difficult else Score.good,
                             reason=f"служебная причина {a.value}", goal=f"цель {a.value}") for a in AssessmentArea]
    db.session.add(found)
    db.session.commit()
    return found


def test_staff_of_another_service_or_region_get_404(app, supported, services, people, regions):
    found = add_assessment(supported, today(regions["belgorod"]))
    smolensk_record = make_supported(regions["smolensk"], services["smolensk"], "Смирнова", "Ольга", "",
                                     specialist=services["smolensk_specialist"])
    smolensk_found = add_assessment(smolensk_record, today(regions["smolensk"]))
    oskol = app.test_client().login_as(services["oskol_specialist"])
    for url in (f"{BASE}/assessments/{found.id}", f"{BASE}/records/{supported.id}/assessments",
                f"{BASE}/records/{supported.id}/assessments/new", f"{BASE}/records/{supported.id}/plan",
                f"{BASE}/records/{supported.id}/plan/from-assessment"):
        assert oskol.get(url).status_code == 404, url
    assert oskol.post(f"{BASE}/records/{supported.id}/assessments/new", data={}).status_code == 404
    specialist = app.test_client().login_as(people["specialist"])
    assert specialist.get(f"{BASE}/assessments/{smolensk_found.id}").status_code == 404
    assert specialist.get(f"{BASE}/records/{smolensk_record.id}/assessments").status_code == 404
    smolensk = app.test_client().login_as(services["smolensk_specialist"])
    assert smolensk.get(f"/smolensk/casework/assessments/{found.id}").status_code == 404
    assert smolensk.get(f"/smolensk/casework/assessments/{smolensk_found.id}").status_code == 200
    # Their own service's coordinator and the resource centre read it; each read is audited.
    for user in (people["coordinator"], services["centre_coordinator"]):
        assert app.test_client().login_as(user).get(f"{BASE}/assessments/{found.id}").status_code == 200
    lines = db.session.execute(db.select(AuditEvent).filter_by(action="casework.assessment.viewed",
                                                               target=f"casework_record:{supported.id}")).scalars()
    assert {line.actor_id for line in lines} == {people["coordinator"].id, services["centre_coordinator"].id}


def test_the_graduate_reads_their_own_without_staffs_reasons(app, supported, services, people, regions):
    found = add_assessment(supported, today(regions["belgorod"]), difficult=("housing",))
    other_record = make_supported(regions["belgorod"], services["city"], "Петров", "Иван", "",
                                  user=make_user("petrov@belgorod.test", {regions["belgorod"]: ["graduate"]}))
    other = add_assessment(other_record, today(regions["belgorod"]))
    graduate = app.test_client().login_as(people["graduate"])
    page = graduate.get(f"{BASE}/assessments/{found.id}").get_data(as_text=True)
    assert "цель housing" in page and "служебная причина" not in page
    assert graduate.get(f"{BASE}/assessments/{other.id}").status_code == 404
    mine = graduate.get(f"{BASE}/mine/plan").get_data(as_text=True)
    assert "жильё" in mine.lower() and "служебная причина" not in mine
    staff = app.test_client().login_as(people["specialist"]).get(f"{BASE}/assessments/{found.id}")
    assert "служебная причина housing" in staff.get_data(as_text=True)


def test_a_withdrawn_consent_hides_assessments_from_staff(app, supported, people, regions):
    from portal.kit import utcnow

    found = add_assessment(supported, today(regions["belgorod"]))
    record = db.session.get(GraduateRecord, supported.id)
    record.restricted_at = utcnow()
    db.session.commit()
    staff = app.test_client().login_as(people["specialist"])
    assert staff.get(f"{BASE}/assessments/{found.id}").status_code == 404
    assert staff.get(f"{BASE}/records/{supported.id}/assessments/new").status_code == 404
    with app.test_request_context():
        assert assessments.support_needs(people["graduate"], regions["belgorod"]) == []


def test_support_needs_follow_the_latest_assessment(app, supported, people, regions):
    from portal.kit import graduate_needs

    day = today(regions["belgorod"])
    add_assessment(supported, day - timedelta(days=95), difficult=("education",))
    add_assessment(supported, day, difficult=("housing", "behaviour"), critical=("income", "children"))
    with app.test_request_context():
        assert assessments.support_needs(people["graduate"], regions["belgorod"]) == ["finances", "housing",
                                                                                     "parenting"]
        assert {"finances", "housing", "parenting"} <= set(graduate_needs(people["graduate"], regions["belgorod"]))
        assert "education" not in graduate_needs(people["graduate"], regions["belgorod"])
        assert assessments.support_needs(people["graduate"], regions["smolensk"]) == []
        assert assessments.support_needs(people["mentor"], regions["belgorod"]) == []
