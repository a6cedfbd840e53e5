"""The core's institutions: region admins and coordinators keep them and name specialists to them."""
from __future__ import annotations

from sqlalchemy import select

from portal.app.extensions import db
from portal.kit import grant_role, institutions_of, is_staff_of, region_institutions
from portal.models import AuditEvent, Institution, InstitutionStaff, Membership, MembershipStatus, Role
from tests.helpers import make_user


def _actions() -> set[str]:
    return {a for (a,) in db.session.execute(select(AuditEvent.action))}


def test_region_admins_keep_institutions_and_name_their_specialists(app, people, regions):
    belgorod = regions["belgorod"]
    admin = app.test_client().login_as(people["region_admin"])
    assert "Организации" in admin.get("/belgorod/").get_data(as_text=True)  # in the menu
    answer = admin.post("/belgorod/institutions/new", data={"name": "Детский дом «Радуга»", "kind": "children_home",
                                                             "municipality": "0", "address": "", "contact": ""})
    assert answer.status_code == 302
    found = db.session.scalar(select(Institution).where(Institution.name == "Детский дом «Радуга»"))
    again = admin.post("/belgorod/institutions/new", data={"name": "Детский дом «Радуга»", "kind": "children_home",
                                                            "municipality": "0"})
    assert again.status_code == 422 and "уже есть организация с таким названием" in again.get_data(as_text=True)
    answer = admin.post(f"/belgorod/institutions/{found.id}/staff", data={"user": str(people["specialist"].id)})
    assert answer.status_code == 302
    assert institutions_of(people["specialist"], belgorod) == [found] and is_staff_of(people["specialist"], found)
    answer = admin.post(f"/belgorod/institutions/{found.id}/staff", data={"user": str(people["graduate"].id)})
    assert answer.status_code == 422  # only specialists of the region
    coordinator = app.test_client().login_as(people["coordinator"])
    answer = coordinator.post(f"/belgorod/institutions/{found.id}", data={
        "name": "Детский дом «Радуга»", "kind": "boarding_school", "municipality": str(belgorod.municipalities[0].id),
        "address": "ул. Мира, 1", "contact": "+7"})
    assert answer.status_code == 302
    page = coordinator.get("/belgorod/institutions").get_data(as_text=True)
    assert "Школа-интернат" in page and belgorod.municipalities[0].name in page
    answer = coordinator.post(f"/belgorod/institutions/{found.id}/staff/{people['specialist'].id}/remove")
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Institution, found.id).kind.value == "boarding_school"
    assert institutions_of(people["specialist"], belgorod) == [] and region_institutions(belgorod) == [found]
    assert {"institution.created", "institution.changed", "institution.staff_named",
            "institution.staff_removed"} <= _actions()


def test_others_neither_see_nor_change_institutions(app, people, regions):
    found = Institution(region_id=regions["belgorod"].id, name="Детский дом «Радуга»")
    db.session.add(found)
    db.session.commit()
    specialist = app.test_client().login_as(people["specialist"])
    assert specialist.get("/belgorod/institutions").status_code == 403
    assert specialist.post(f"/belgorod/institutions/{found.id}", data={"name": "Чужое"}).status_code == 403
    other = app.test_client().login_as(people["other_region_admin"])
    assert other.get(f"/smolensk/institutions/{found.id}").status_code == 404
    assert other.post(f"/smolensk/institutions/{found.id}/staff", data={"user": "1"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Institution, found.id).name == "Детский дом «Радуга»"


def test_a_specialist_named_to_an_institution_of_another_region_is_not_its_staff(app, people, regions):
    smolensk = Institution(region_id=regions["smolensk"].id, name="Вяземский детский дом")
    db.session.add(smolensk)
    db.session.flush()
    smolensk.staff.append(InstitutionStaff(user_id=people["specialist"].id))
    db.session.commit()
    assert not is_staff_of(people["specialist"], smolensk)  # a specialist of Belgorod only
    assert institutions_of(people["specialist"], regions["smolensk"]) == []


def test_grant_role_makes_an_active_membership_once_and_audits_it(app_context, people, regions):
    belgorod = regions["belgorod"]
    person = make_user("young@belgorod.test")
    grant_role(person, belgorod, Role.pupil, by=people["specialist"])
    grant_role(person, belgorod, "pupil", by=people["specialist"])
    db.session.commit()
    rows = db.session.scalars(select(Membership).where(Membership.user_id == person.id)).all()
    assert [(m.role, m.status) for m in rows] == [(Role.pupil, MembershipStatus.active)]
    assert person.has_role(belgorod, "pupil")
    lines = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "role.granted")).all()
    assert len(lines) == 1 and lines[0].details == {"role": "pupil"} and lines[0].subject_id == person.id
    assert lines[0].actor_id == people["specialist"].id
