"""The consilium sets levels; the service's coordinator approves or rejects each change, with history."""
from __future__ import annotations

from datetime import timedelta

from plugins.casework.models import (Consilium, ConsiliumDecision, GraduateRecord, LevelChange, LevelChangeStatus,
                                     SupportLevel)
from portal.app.extensions import db
from portal.kit import today
from portal.models import AuditEvent
from tests.helpers import form_errors
from tests.plugins.casework.conftest import make_supported

BASE = "/belgorod/casework"


def hold_consilium(client, service, attendees, day) -> Consilium:
    response = client.post(f"{BASE}/consilia/new", data={"consilium-service": service.id,
                                                         "consilium-held_on": day.isoformat(),
                                                         "consilium-attendees": [u.id for u in attendees],
                                                         "consilium-notes": "квартальный"})
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    return db.session.execute(db.select(Consilium).order_by(Consilium.id.desc())).scalars().first()


def decide(client, consilium, record, level, text="продолжить сопровождение"):
    return client.post(f"{BASE}/consilia/{consilium.id}/decisions",
                       data={"decision-record": record.id, "decision-decision": text, "decision-level": level})


def test_a_consilium_proposes_a_level_and_the_coordinator_approves(client, app, supported, services, people, regions):
    day = today(regions["belgorod"])
    client.login_as(people["specialist"])
    found = hold_consilium(client, services["city"], [people["specialist"], people["coordinator"]], day)
    page = client.get(f"{BASE}/consilia/{found.id}").get_data(as_text=True)
    assert supported.full_name in page
    response = decide(client, found, supported, "intensive")
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    change = db.session.execute(db.select(LevelChange)).scalar_one()
    assert (change.status, change.from_level, change.to_level) == (LevelChangeStatus.pending, None,
                                                                   SupportLevel.intensive)
    # The specialist cannot approve; the coordinator of another service does not even see it.
    assert client.post(f"{BASE}/levels/{change.id}/approve", data={}).status_code == 403
    other = app.test_client().login_as(services["oskol_coordinator"])
    assert other.post(f"{BASE}/levels/{change.id}/approve", data={}).status_code == 404
    assert supported.full_name not in other.get(f"{BASE}/levels").get_data(as_text=True)

    coordinator = app.test_client().login_as(people["coordinator"])
    assert supported.full_name in coordinator.get(f"{BASE}/levels").get_data(as_text=True)
    response = coordinator.post(f"{BASE}/levels/{change.id}/approve", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(GraduateRecord, supported.id).level == SupportLevel.intensive
    assert db.session.get(LevelChange, change.id).decided_by_id == people["coordinator"].id
    assert db.session.execute(db.select(AuditEvent).filter_by(action="casework.level.approve")).scalar_one()
    history = client.get(f"{BASE}/records/{supported.id}/assessments").get_data(as_text=True)
    assert "История уровня" in history and "интенсивный" in history.lower()


def test_a_rejection_needs_a_reason_and_keeps_the_history(client, app, supported, services, people, regions):
    client.login_as(people["specialist"])
    found = hold_consilium(client, services["city"], [people["specialist"]], today(regions["belgorod"]))
    decide(client, found, supported, "supporting")
    change = db.session.execute(db.select(LevelChange)).scalar_one()
    coordinator = app.test_client().login_as(services["centre_coordinator"])  # the resource centre decides too
    response = coordinator.post(f"{BASE}/levels/{change.id}/reject", data={"reject-reason": "  "})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LevelChange, change.id).status == LevelChangeStatus.pending
    response = coordinator.post(f"{BASE}/levels/{change.id}/reject", data={"reject-reason": "рано снижать"},
                                headers={"HX-Request": "true"})
    assert response.status_code == 200 and "рано снижать" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LevelChange, change.id).status == LevelChangeStatus.rejected
    assert db.session.get(GraduateRecord, supported.id).level is None
    page = client.get(f"{BASE}/records/{supported.id}/assessments").get_data(as_text=True)
    assert "рано снижать" in page and "отклонено" in page.lower()


def test_a_second_change_waits_for_the_first(client, app, supported, services, people, regions):
    """While a change awaits the coordinator, another consilium's different level is refused (nothing lost)."""
    day = today(regions["belgorod"])
    client.login_as(people["specialist"])
    first = hold_consilium(client, services["city"], [people["specialist"]], day - timedelta(days=1))
    assert decide(client, first, supported, "intensive").status_code == 302
    second = hold_consilium(client, services["city"], [people["specialist"]], day)
    response = decide(client, second, supported, "monitoring", "снизить уровень")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "ждёт решения координатора" in " ".join(form_errors(page)) and "снизить уровень" in page
    assert db.session.execute(db.select(db.func.count(LevelChange.id))).scalar() == 1
    # The same level as the current one (none yet: a level is always a change at first) is a decision alone.
    record = db.session.get(GraduateRecord, supported.id)
    record.level = SupportLevel.intensive
    db.session.commit()
    assert decide(client, second, supported, "intensive", "оставить").status_code == 302
    assert db.session.execute(db.select(db.func.count(ConsiliumDecision.id))).scalar() == 2
    assert db.session.execute(db.select(db.func.count(LevelChange.id))).scalar() == 1


def test_bad_consilium_input_is_refused(client, supported, services, people, regions):
    day = today(regions["belgorod"])
    client.login_as(people["specialist"])
    url = f"{BASE}/consilia/new"
    base = {"consilium-service": services["city"].id, "consilium-held_on": day.isoformat(),
            "consilium-attendees": [people["specialist"].id]}
    cases = [({"consilium-held_on": (day + timedelta(days=3)).isoformat()}, "будущем"),
             ({"consilium-attendees": []}, "присутствовал"),
             ({"consilium-attendees": [services["oskol_specialist"].id]}, "сотрудники"),
             ({"consilium-service": services["oskol"].id}, "своих служб"),
             ({"consilium-held_on": "вчера"}, "дата")]
    for change, words in cases:
        response = client.post(url, data={**base, **change})
        assert response.status_code == 422, change
        assert any(words in e for e in form_errors(response.get_data(as_text=True))), \
            (change, form_errors(response.get_data(as_text=True)))
    assert db.session.execute(db.select(Consilium)).first() is None
    found = hold_consilium(client, services["city"], [people["specialist"]], day)
    oskol = make_supported(regions["belgorod"], services["oskol"], "Петров", "Иван", "Олегович")
    from tests.plugins.casework.conftest import make_record

    not_supported = make_record(regions["belgorod"], services["city"], "Сидоров", "Павел", "")
    for record_id, level in ((oskol.id, "intensive"), (supported.id, "extreme"), ("abc", "intensive"),
                             (not_supported.id, "intensive")):
        response = client.post(f"{BASE}/consilia/{found.id}/decisions",
                               data={"decision-record": record_id, "decision-decision": "x",
                                     "decision-level": level})
        assert response.status_code == 422, (record_id, level)
    assert decide(client, found, supported, "intensive").status_code == 302
    assert decide(client, found, supported, "intensive").status_code == 422  # discussed once per consilium


def test_another_service_and_another_region_do_not_see_a_consilium(app, client, supported, services, people,
                                                                   regions):
    client.login_as(people["specialist"])
    found = hold_consilium(client, services["city"], [people["specialist"]], today(regions["belgorod"]))
    oskol = app.test_client().login_as(services["oskol_specialist"])
    assert oskol.get(f"{BASE}/consilia/{found.id}").status_code == 404
    assert oskol.post(f"{BASE}/consilia/{found.id}/decisions", data={}).status_code == 404
    smolensk = app.test_client().login_as(services["smolensk_specialist"])
    assert smolensk.get(f"/smolensk/casework/consilia/{found.id}").status_code == 404
    centre = app.test_client().login_as(services["centre_coordinator"])
    assert centre.get(f"{BASE}/consilia/{found.id}").status_code == 200
