"""The festival from the organizers' side and the groups': programme, nominations, registration, groups and
their members, check-in by tap and by code, hours approved in bulk, jury and results, certificates, figures."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from plugins.volunteer_festivals import festivals as rules
from plugins.volunteer_festivals import figures, jury, shifts
from plugins.volunteer_festivals.models import (AssignmentStatus, Festival, FestivalGroup, FestivalStatus,
                                                GroupStatus, ProgrammeItem, ResultsStatus)
from portal.app.extensions import db
from portal.kit import Institution, Refusal
from portal.models import AuditEvent, Notification
from tests.helpers import make_user
from tests.plugins.volunteer_festivals.conftest import add_shift, volunteer

BASE = "/belgorod/volunteer_festivals"


def test_organizers_set_up_a_festival_through_the_pages(client, regions, people):
    client.login_as(people["specialist"])
    made = client.post(f"{BASE}/new", data={"title": "Кто, если не мы?!", "first_day": "2027-05-15",
                                            "last_day": "2027-05-16", "organizers": [str(people["volunteer"].id)]})
    assert made.status_code == 302
    found = db.session.scalar(select(Festival))
    assert [o.user_id for o in found.organizers] == [people["volunteer"].id]
    client.post(f"{BASE}/{found.id}/venues", data={"name": "Дворец молодёжи", "address": "ул. Кирова, 29"})
    db.session.refresh(found)
    venue = found.venues[0]
    added = client.post(f"{BASE}/{found.id}/programme", data={"title": "Открытие", "starts_at": "2027-05-15T10:00",
                                                              "ends_at": "2027-05-15T11:00", "venue": str(venue.id)})
    assert added.status_code == 302
    item = db.session.scalar(select(ProgrammeItem))
    assert item.venue_id == venue.id and item.starts_at.hour == 7  # Moscow time 10:00 is 07:00 UTC
    client.post(f"{BASE}/{found.id}/nominations", data={"name": "Социальный проект",
                                                        "criteria": "Значимость: 10\nКоманда: 5\nИдея"})
    db.session.refresh(found)
    assert [(c.name, c.max_points) for c in found.nominations[0].criteria] == [
        ("Значимость", 10), ("Команда", 5), ("Идея", 10)]
    # Until it is published only the organizers see the programme; a volunteer who is not one cannot run it.
    other = make_user("other@belgorod.test", {regions["belgorod"]: ["volunteer"]})
    client.login_as(other)
    assert "Открытие" not in client.get(f"{BASE}/{found.id}").get_data(as_text=True)
    assert client.get(f"{BASE}/{found.id}/manage").status_code == 403
    client.login_as(people["volunteer"])  # the volunteer organizer runs it too
    assert client.get(f"{BASE}/{found.id}/manage").status_code == 200
    assert client.post(f"{BASE}/{found.id}/programme/publish").status_code == 302
    client.login_as(other)
    assert "Открытие" in client.get(f"{BASE}/{found.id}").get_data(as_text=True)


def test_groups_register_when_open_and_organizers_accept(client, regions, people, festival):
    home = Institution(region_id=regions["belgorod"].id, name="Белгородский детский дом")
    db.session.add(home)
    db.session.commit()
    leader = people["graduate"]
    client.login_as(leader)
    nomination = festival.nominations[0]
    sent = client.post(f"{BASE}/{festival.id}/groups/new", data={
        "name": "Радужные", "institution": str(home.id), "project_title": "Двор для всех",
        "nomination": str(nomination.id)})
    assert sent.status_code == 302
    group = db.session.scalar(select(FestivalGroup))
    assert group.behind == "Белгородский детский дом" and group.status == GroupStatus.applied
    neither = client.post(f"{BASE}/{festival.id}/groups/new", data={
        "name": "Без всех", "institution": "0", "organisation": " ", "project_title": "П",
        "nomination": str(nomination.id)})
    assert neither.status_code == 422 and "введите название организации" in neither.get_data(as_text=True)
    typed = client.post(f"{BASE}/{festival.id}/groups/new", data={
        "name": "Искра", "institution": "0", "organisation": "Педагогический колледж", "project_title": "Игротека",
        "nomination": str(nomination.id)})
    assert typed.status_code == 302
    # Members: a person with an account, and a minor by name only.
    pupil = make_user("pupil@belgorod.test", {regions["belgorod"]: ["pupil"]}, name="Вика Пупкина")
    client.post(f"{BASE}/groups/{group.id}/members", data={"email": pupil.email})
    client.post(f"{BASE}/groups/{group.id}/members", data={"name": "Петя, 12 лет"})
    db.session.refresh(group)
    assert [(m.name, m.minor) for m in group.members] == [(leader.name, False), ("Вика Пупкина", False),
                                                          ("Петя, 12 лет", True)]
    page = client.get(f"{BASE}/groups/{group.id}")
    assert "Вика Пупкина" in page.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "volunteer_festivals.people.viewed"))
    # Someone else of the region does not see the members.
    client.login_as(make_user("v2@belgorod.test", {regions["belgorod"]: ["volunteer"]}))
    assert client.get(f"{BASE}/groups/{group.id}").status_code == 403
    # Organizers accept; the leader is told.
    client.login_as(people["specialist"])
    client.post(f"{BASE}/groups/{group.id}/accepted")
    db.session.refresh(group)
    assert group.status == GroupStatus.accepted
    assert db.session.scalar(select(Notification).where(Notification.user_id == leader.id))
    # Closed registration takes no group.
    rules.FESTIVAL_LIFE.apply(festival, "closed", region=regions["belgorod"])
    db.session.commit()
    with pytest.raises(Refusal):
        rules.register_group(festival, leader, "Поздние", "П", nomination.id, organisation="НКО")


def test_check_in_by_tap_and_by_code_then_hours_in_bulk(client, regions, people, role):
    now_shift = add_shift(role, 9)
    ann, bob = volunteer(regions, "ann"), volunteer(regions, "bob")
    a = shifts.take(now_shift, ann, regions["belgorod"])
    b = shifts.take(now_shift, bob, regions["belgorod"])
    db.session.commit()
    client.login_as(people["specialist"])
    early = client.post(f"{BASE}/shifts/{now_shift.id}/check-in/{a.id}", data={"came": "1"},
                        headers={"HX-Request": "true"})
    assert early.status_code == 422 and "за два часа" in early.get_data(as_text=True)
    # The shift comes: move it to now.
    now_shift.starts_at = shifts.utcnow() - timedelta(minutes=5)
    now_shift.ends_at = now_shift.starts_at + timedelta(hours=3)
    db.session.commit()
    tap = client.post(f"{BASE}/shifts/{now_shift.id}/check-in/{a.id}", data={"came": "1"},
                      headers={"HX-Request": "true"})
    assert tap.status_code == 200 and "Пришёл" in tap.get_data(as_text=True) and "<html" not in tap.get_data(True)
    wrong = client.post(f"{BASE}/shifts/{now_shift.id}/code", data={"code": "12345x"})
    assert wrong.status_code == 302
    client.post(f"{BASE}/shifts/{now_shift.id}/code", data={"code": b.check_code})
    db.session.expire_all()
    assert a.checked_in_at and b.checked_in_at
    page = client.get(f"{BASE}/{role.festival_id}/hours").get_data(as_text=True)
    assert "Ann" in page and "Bob" in page
    client.post(f"{BASE}/{role.festival_id}/hours", data={"assignments": [str(a.id), str(b.id)]})
    db.session.expire_all()
    assert a.approved_at and b.approved_at
    assert shifts.approved_hours(ann, role.festival) == 3.0
    client.login_as(ann)
    mine = client.get(f"{BASE}/my").get_data(as_text=True)
    assert "Кто, если не мы?!" in mine and "3.0" in mine


def test_certificates_are_pdfs_with_the_name_in_cyrillic(client, regions, people, role):
    shift = add_shift(role, 9)
    ann = volunteer(regions, "anna", born=date(2001, 1, 1))
    ann.name = "Анна Сергеевна Ёлкина"
    assignment = shifts.take(shift, ann, regions["belgorod"])
    db.session.commit()
    client.login_as(ann)
    none_yet = client.get(f"{BASE}/{role.festival_id}/certificate.pdf")
    assert none_yet.status_code == 302  # no approved hours yet
    shifts.check_in(assignment, True, now=shift.starts_at)
    shifts.approve_hours(role.festival, [assignment.id])
    db.session.commit()
    pdf = client.get(f"{BASE}/{role.festival_id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Анна Сергеевна Ёлкина" in text and "Кто, если не мы?!" in text and "Сертификат" in text
    client.post("/language", data={"language": "en", "next": "/"})
    english = PdfReader(io.BytesIO(client.get(f"{BASE}/{role.festival_id}/certificate.pdf").data))
    assert "Анна Сергеевна Ёлкина" in english.pages[0].extract_text()
    assert "Certificate" in english.pages[0].extract_text()


def test_jury_scores_results_are_computed_and_published(client, regions, people, festival):
    nomination = festival.nominations[0]
    a = rules.register_group(festival, people["graduate"], "Альфа", "Проект А", nomination.id, organisation="НКО")
    b = rules.register_group(festival, people["graduate"], "Бета", "Проект Б", nomination.id, organisation="НКО")
    c = rules.register_group(festival, people["graduate"], "Гамма", "Проект В", nomination.id, organisation="НКО")
    for group in (a, b, c):
        rules.GROUP_LIFE.apply(group, "accepted", region=regions["belgorod"])
    rules.set_people(festival, rules.FestivalJuror, [people["mentor"].id, people["coordinator"].id], rules.JUROR_ROLES)
    db.session.commit()
    first, second = nomination.criteria
    client.login_as(people["mentor"])
    assert client.get(f"{BASE}/{festival.id}/jury").status_code == 200
    too_many = client.post(f"{BASE}/groups/{a.id}/score", data={f"c{first.id}": "11", f"c{second.id}": "1"})
    assert too_many.status_code == 422 and "От 0 до 10 баллов" in too_many.get_data(as_text=True)
    for group, points in ((a, (9, 5)), (b, (7, 3)), (c, (9, 5))):
        client.post(f"{BASE}/groups/{group.id}/score", data={f"c{first.id}": str(points[0]),
                                                             f"c{second.id}": str(points[1])})
    jury.score(a, people["coordinator"], {first.id: 10, second.id: 5})
    jury.score(c, people["coordinator"], {first.id: 6, second.id: 2})
    db.session.commit()
    [(_n, found)] = jury.results(festival)
    # The mean of each juror's total: Альфа (14 + 15) / 2, Гамма (14 + 8) / 2, Бета 10 from one juror.
    assert [(r.group.name, r.total, r.jurors, r.place) for r in found] == [
        ("Альфа", 14.5, 2, 1), ("Гамма", 11.0, 2, 2), ("Бета", 10.0, 1, 3)]
    # Not a juror: refused.
    client.login_as(people["volunteer"])
    assert client.get(f"{BASE}/{festival.id}/jury").status_code == 403
    client.login_as(people["specialist"])
    client.post(f"{BASE}/{festival.id}/results")
    db.session.refresh(festival)
    assert festival.results == ResultsStatus.published
    page = client.get(f"{BASE}/{festival.id}").get_data(as_text=True)
    assert "Победители" in page and page.index("Альфа") < page.index("Гамма")
    pdf = client.get(f"{BASE}/groups/{a.id}/certificate.pdf")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Альфа" in text and "1 место" in text and "Социальный проект" in text
    with pytest.raises(Refusal):
        jury.score(b, people["mentor"], {first.id: 10, second.id: 5})
    db.session.rollback()


def test_figures_by_institution_and_year_with_csv(client, regions, people, role, festival):
    home = Institution(region_id=regions["belgorod"].id, name="Детский дом «Радуга»")
    db.session.add(home)
    db.session.flush()
    group = rules.register_group(festival, people["graduate"], "Радужные", "П", festival.nominations[0].id,
                                 institution_id=home.id)
    rules.GROUP_LIFE.apply(group, "accepted", region=regions["belgorod"])
    ann, bob = volunteer(regions, "ann"), volunteer(regions, "bob")
    rules.add_member(group, "", ann)
    shift = add_shift(role, 9)
    for person in (ann, bob):
        done = shifts.take(shift, person, regions["belgorod"])
        shifts.check_in(done, True, now=shift.starts_at)
    shifts.approve_hours(festival, [a.id for a in shifts.to_approve(festival)])
    db.session.commit()
    year = festival.first_day.year
    rows = figures.figures(regions["belgorod"], year, year)
    assert [(r["behind"], r["groups"], r["members"], r["volunteers"], r["hours"]) for r in rows] == [
        ("Детский дом «Радуга»", 1, 2, 1, 3.0), (None, 0, 0, 1, 3.0)]
    client.login_as(people["coordinator"])
    page = client.get(f"{BASE}/figures?from={year}&to={year}")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    csv = client.get(f"{BASE}/figures.csv?from={year}&to={year}").get_data(as_text=True)
    assert "Детский дом «Радуга»" in csv and "Добровольцы вне групп" in csv


def test_a_persons_data_is_exported_and_erased(app, regions, people, shift):
    from portal.app.plugins import plugin_host

    ann, bob = volunteer(regions, "ann"), volunteer(regions, "bob")
    cat = volunteer(regions, "cat")
    shifts.take(shift, ann, regions["belgorod"])
    shifts.take(shift, bob, regions["belgorod"])
    shifts.take(shift, cat, regions["belgorod"], wait=True)
    db.session.commit()
    exported = plugin_host().hook.portal_export_person(user=ann)
    mine = next(part for part in exported if "shifts" in part)
    assert mine["shifts"][0]["role"] == "Фотограф"
    plugin_host().hook.portal_erase_person(user=ann)
    db.session.commit()
    assert shifts.assignment_of(shift, cat).status == AssignmentStatus.taken
    assert shifts.profile_of(ann, regions["belgorod"]) is None


def test_the_demo_festival_in_smolensk(app_context, demo):
    from portal.models import Region

    smolensk = db.session.scalar(select(Region).where(Region.code == "smolensk"))
    found = rules.region_festivals(smolensk)
    assert [f.title for f in found] == ["Кто, если не мы?!"] * 2
    coming, past = found
    assert coming.status == FestivalStatus.open and past.results == ResultsStatus.published
    grid = [(s.capacity, shifts.place_counts([s])[s.id][0]) for s in shifts.festival_shifts(coming)]
    assert 0 < sum(t for _c, t in grid) < sum(c for c, _t in grid)  # about half filled
    assert figures.figures(smolensk, past.first_day.year, past.first_day.year)[0]["hours"] > 0
    assert any(r.place == 1 for _n, found_ in jury.results(past) for r in found_)
