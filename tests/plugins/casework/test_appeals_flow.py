"""The appeals journal: staff log an appeal, take it, act, correct, resolve; the graduate files one and follows it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from plugins.casework import appeals
from plugins.casework.models import (USUAL_DAYS, Appeal, AppealAction, AppealActionKind, AppealChannel,
                                     AppealStatus, AppealType)
from portal.app.extensions import db
from portal.kit import today
from portal.models import AuditEvent, Notification
from tests.helpers import form_errors
from tests.plugins.casework.conftest import make_record

BASE = "/belgorod/casework"


def log(client, record, kind="documents", request="Восстановить паспорт", **more):
    return client.post(f"{BASE}/records/{record.id}/appeals/new",
                       data={"type": kind, "channel": "phone", "request": request, **more})


def only_appeal() -> Appeal:
    return db.session.execute(select(Appeal)).scalar_one()


def entries(appeal) -> list[AppealAction]:
    return list(db.session.scalars(select(AppealAction).where(AppealAction.appeal_id == appeal.id)
                                   .order_by(AppealAction.id)))


def notes_of(user) -> list[str]:
    return [n.message for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                                  .order_by(Notification.id))]


def test_staff_log_take_act_correct_and_resolve(client, supported, people, regions):
    belgorod = regions["belgorod"]
    client.login_as(people["specialist"])
    response = log(client, supported, kind="temporary_housing")
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    appeal = only_appeal()
    day = today(belgorod)
    assert (appeal.status, appeal.channel, appeal.service_id, appeal.specialist_id, appeal.taken_by_id,
            appeal.due_on) == (AppealStatus.new, AppealChannel.phone, supported.service_id, people["specialist"].id,
                               people["specialist"].id, day + timedelta(days=USUAL_DAYS[AppealType.temporary_housing]))
    assert USUAL_DAYS[AppealType.temporary_housing] == 3 and USUAL_DAYS[AppealType.documents] == 30
    assert "зарегистрировано" in notes_of(people["graduate"])[-1]  # in the graduate's language (ru)

    assert client.post(f"{BASE}/appeals/{appeal.id}/take").status_code == 302
    db.session.refresh(appeal)
    assert appeal.status == AppealStatus.in_progress
    assert client.post(f"{BASE}/appeals/{appeal.id}/actions", data={"action-text": "Позвонила в МФЦ"}).status_code == 302
    assert client.post(f"{BASE}/appeals/{appeal.id}/actions",
                       data={"action-text": "Семья против", "action-staff_only": "y"}).status_code == 302
    assert client.post(f"{BASE}/appeals/{appeal.id}/actions", data={"action-text": "  "}).status_code == 422
    call = [e for e in entries(appeal) if e.text == "Позвонила в МФЦ"][0]
    assert client.post(f"{BASE}/appeals/{appeal.id}/corrections",
                       data={"entry": str(call.id), "text": "Позвонила в соцзащиту"}).status_code == 302
    assert client.post(f"{BASE}/appeals/{appeal.id}/status", data={"status-move": "resolve", "status-text": ""}).status_code == 422
    assert client.post(f"{BASE}/appeals/{appeal.id}/status",
                       data={"status-move": "resolve", "status-text": "Место в общежитии"}).status_code == 302
    db.session.refresh(appeal)
    assert (appeal.status, appeal.outcome, appeal.closed_at is not None) == (AppealStatus.resolved,
                                                                             "Место в общежитии", True)
    kinds = [e.kind for e in entries(appeal)]
    assert kinds[:6] == [AppealActionKind.status, AppealActionKind.status, AppealActionKind.assigned,
                         AppealActionKind.action, AppealActionKind.action, AppealActionKind.correction]
    assert AppealActionKind.offer not in kinds  # the social hotel is on in Belgorod, but it has no hotel yet
    # Nothing is edited in place: the corrected entry keeps its text.
    db.session.refresh(call)
    assert call.text == "Позвонила в МФЦ"
    # Resolving twice: refused with what it is now.
    again = client.post(f"{BASE}/appeals/{appeal.id}/status", data={"status-move": "close", "status-text": "нет"})
    assert again.status_code == 422 and "решено" in again.get_data(as_text=True)
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target == f"casework_appeal:{appeal.id}")))
    assert {"casework.appeal.logged", "casework.appeal.take", "casework.appeal.action", "casework.appeal.corrected",
            "casework.appeal.resolve", "casework.appeal.viewed"} <= actions | {"casework.appeal.viewed"}
    page = client.get(f"{BASE}/appeals/{appeal.id}").get_data(as_text=True)
    assert "Позвонила в соцзащиту" in page and "Семья против" in page
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "casework.appeal.viewed")) >= 1

    # The graduate follows it on their page: staff-only entries are not there.
    client.login_as(people["graduate"])
    mine = client.get(f"{BASE}/mine").get_data(as_text=True)
    assert f"/mine/appeals/{appeal.id}" in mine and "решено" in mine
    own = client.get(f"{BASE}/mine/appeals/{appeal.id}").get_data(as_text=True)
    assert "Позвонила в МФЦ" in own and "Позвонила в соцзащиту" in own and "Место в общежитии" in own
    assert "Семья против" not in own
    told = notes_of(people["graduate"])
    assert any("решено" in t for t in told) and not any("Семья против" in t for t in told)


def test_refer_needs_the_agency_and_close_needs_why(client, supported, people):
    client.login_as(people["specialist"])
    assert log(client, supported).status_code == 302
    appeal = only_appeal()
    assert client.post(f"{BASE}/appeals/{appeal.id}/status", data={"status-move": "refer", "status-text": "x"}).status_code == 422
    assert client.post(f"{BASE}/appeals/{appeal.id}/status", data={"status-move": "close"}).status_code == 422
    assert client.post(f"{BASE}/appeals/{appeal.id}/status", data={"status-move": "bogus", "status-text": "x"}).status_code == 422
    assert client.post(f"{BASE}/appeals/{appeal.id}/status",
                       data={"status-move": "refer", "status-agency": "УСЗН", "status-text": "по месту жительства"}).status_code == 302
    db.session.refresh(appeal)
    assert (appeal.status, appeal.referred_to) == (AppealStatus.referred, "УСЗН")
    assert client.post(f"{BASE}/appeals/{appeal.id}/status",
                       data={"status-move": "reopen", "status-text": "УСЗН не приняло"}).status_code == 302
    db.session.refresh(appeal)
    assert (appeal.status, appeal.closed_at) == (AppealStatus.in_progress, None)


def test_bad_input_is_a_422_with_the_input_kept(client, supported, people, regions):
    client.login_as(people["specialist"])
    future = (today(regions["belgorod"]) + timedelta(days=2)).isoformat()
    response = log(client, supported, request="Справка", received_on=future)
    assert response.status_code == 422 and "Справка" in response.get_data(as_text=True)
    assert log(client, supported, kind="nothing").status_code == 422
    assert log(client, supported, request="").status_code == 422
    assert log(client, supported, request="a\x00b").status_code == 422
    assert client.post(f"{BASE}/appeals/999999/take").status_code == 404
    assert db.session.scalar(select(func.count(Appeal.id))) == 0
    yesterday = (today(regions["belgorod"]) - timedelta(days=1)).isoformat()
    assert log(client, supported, kind="medical", received_on=yesterday).status_code == 302
    assert only_appeal().due_on == today(regions["belgorod"]) - timedelta(days=1) + timedelta(days=10)


def test_the_graduate_files_an_appeal_and_the_specialist_is_told(client, supported, people):
    client.login_as(people["graduate"])
    assert client.get(f"{BASE}/mine/appeals/new").status_code == 200
    assert client.post(f"{BASE}/mine/appeals/new", data={"type": "legal", "request": ""}).status_code == 422
    response = client.post(f"{BASE}/mine/appeals/new", data={"type": "legal", "request": "Нужен юрист"})
    assert response.status_code == 302
    appeal = only_appeal()
    assert (appeal.channel, appeal.taken_by_id, appeal.status) == (AppealChannel.portal, None, AppealStatus.new)
    assert any("Нужен" not in t and "на портале" in t for t in notes_of(people["specialist"]))
    # The specialist takes it; the graduate is told who works on it.
    client.login_as(people["specialist"])
    assert client.post(f"{BASE}/appeals/{appeal.id}/take").status_code == 302
    assert any(people["specialist"].name in t for t in notes_of(people["graduate"]))


def test_who_sees_an_appeal_is_the_records_rule(client, supported, people, services, regions):
    client.login_as(people["specialist"])
    assert log(client, supported).status_code == 302
    appeal = only_appeal()
    other = make_record(regions["smolensk"], services["smolensk"], "Петров", "Пётр", "")
    db.session.add(Appeal(region_id=other.region_id, record_id=other.id, service_id=services["smolensk"].id,
                          type=AppealType.other, channel=AppealChannel.visit, request="чужое",
                          due_on=today(regions["smolensk"])))
    db.session.commit()
    foreign = db.session.scalar(select(Appeal.id).where(Appeal.record_id == other.id))
    # The same region's other service: no; another region's appeal by its id: no.
    client.login_as(services["oskol_specialist"])
    assert client.get(f"{BASE}/appeals/{appeal.id}").status_code == 404
    assert client.post(f"{BASE}/appeals/{appeal.id}/status", data={"status-move": "close", "status-text": "x"}).status_code == 404
    assert "Восстановить" not in client.get(f"{BASE}/appeals").get_data(as_text=True)
    client.login_as(people["specialist"])
    assert client.get(f"{BASE}/appeals/{foreign}").status_code == 404
    assert client.get(f"/smolensk/casework/appeals/{foreign}").status_code in (403, 404)
    # The service's coordinator and the resource centre see it.
    for who in (people["coordinator"], services["centre_coordinator"]):
        client.login_as(who)
        assert client.get(f"{BASE}/appeals/{appeal.id}").status_code == 200
        assert f"/appeals/{appeal.id}" in client.get(f"{BASE}/appeals").get_data(as_text=True)
    # Another graduate: not theirs.
    client.login_as(people["graduate"])
    assert client.get(f"{BASE}/mine/appeals/{foreign}").status_code == 404
    assert client.get(f"{BASE}/appeals").status_code in (403, 404)


def test_journal_filters_overdue_lists_and_the_record_section(client, supported, people, regions, services):
    belgorod = regions["belgorod"]
    day = today(belgorod)
    client.login_as(people["specialist"])
    assert log(client, supported, kind="documents", request="паспорт").status_code == 302
    old = (day - timedelta(days=20)).isoformat()
    assert log(client, supported, kind="medical", request="полис", received_on=old).status_code == 302
    page = client.get(f"{BASE}/appeals?overdue=y").get_data(as_text=True)
    assert "<td>медицинская помощь</td>" in page and "<td>документы</td>" not in page
    assert "<td>медицинская помощь</td>" not in client.get(f"{BASE}/appeals?type=documents").get_data(as_text=True)
    assert "2 обращения" in client.get(f"{BASE}/appeals?status=open").get_data(as_text=True)
    assert "Обращений не найдено" in client.get(f"{BASE}/appeals?status=resolved").get_data(as_text=True) or \
        "0 обращений" in client.get(f"{BASE}/appeals?status=resolved").get_data(as_text=True)
    assert client.get(f"{BASE}/appeals?status=nonsense&page=999999999999999999").status_code == 200
    overdue = client.get(f"{BASE}/appeals/overdue").get_data(as_text=True)
    assert people["specialist"].name in overdue and services["city"].name in overdue
    record_page = client.get(f"{BASE}/records/{supported.id}").get_data(as_text=True)
    assert f"appeals?record={supported.id}" in record_page
    assert appeals.counts_of(supported, day) == {"all": 2, "open": 2, "overdue": 1}
    # The dashboard card: the viewer's new and overdue appeals.
    assert appeals.dashboard_counts(people["specialist"], belgorod, day) == (2, 1)
    # From the journal: find the record, then log.
    found = client.get(f"{BASE}/appeals/new?q=иван").get_data(as_text=True)
    assert f"/records/{supported.id}/appeals/new" in found


def test_a_handed_over_record_takes_its_open_appeals(client, supported, people, services):
    client.login_as(people["specialist"])
    assert log(client, supported).status_code == 302
    appeal = only_appeal()
    client.login_as(people["coordinator"])
    response = client.post(f"{BASE}/records/{supported.id}/move",
                           data={"municipality": str(db.session.execute(
                               select(services["oskol"].municipalities[0].__class__.municipality_id)
                               .where(services["oskol"].municipalities[0].__class__.service_id
                                      == services["oskol"].id)).scalar()), "reason": "переехала"})
    assert response.status_code == 302
    db.session.refresh(appeal)
    assert (appeal.service_id, appeal.specialist_id) == (services["oskol"].id, None)


def test_the_export_holds_the_appeals_and_erasure_clears_their_words(client, supported, people):
    from portal.accounts.people import erase_person, export_person

    client.login_as(people["specialist"])
    assert log(client, supported, request="Помочь с пропиской").status_code == 302
    appeal = only_appeal()
    client.post(f"{BASE}/appeals/{appeal.id}/actions", data={"action-text": "Позвонила в паспортный стол"})
    client.post(f"{BASE}/appeals/{appeal.id}/actions", data={"action-text": "О родственниках", "action-staff_only": "y"})
    exported = repr(export_person(people["graduate"]))
    assert "Помочь с пропиской" in exported and "Позвонила в паспортный стол" in exported
    assert "О родственниках" not in exported  # a staff-only entry is staff's, not the graduate's
    erase_person(people["graduate"])
    db.session.expire_all()
    appeal = only_appeal()
    assert (appeal.request, appeal.type, appeal.status) == ("—", AppealType.documents, AppealStatus.new)
    assert {e.text for e in entries(appeal)} == {"—"}
