"""Support services: set up by the region admin; who sees which records follows from them."""
from __future__ import annotations

from flask import g

from plugins.casework import scope
from plugins.casework.models import ServiceStaff, SupportService
from portal.app.extensions import db
from tests.helpers import form_errors, make_user
from tests.plugins.casework.conftest import make_record, municipality

SERVICES = "/belgorod/casework/services"


def test_a_region_admin_sets_up_a_service_and_its_staff(client, regions, people):
    belgorod = regions["belgorod"]
    client.login_as(people["region_admin"])
    oskol = municipality(belgorod, "Старый Оскол")
    response = client.post(f"{SERVICES}/new", data={"name": "Служба Старого Оскола", "municipalities": [oskol.id],
                                                    "address": "ул. Ленина, 1"})
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    service = db.session.execute(db.select(SupportService)).scalar_one()
    assert [link.municipality_id for link in service.municipalities] == [oskol.id]

    response = client.post(f"{SERVICES}/{service.id}/staff", data={"staff-person": people["coordinator"].id,
                                                                    "staff-is_coordinator": "y"})
    assert response.status_code == 302
    member = db.session.execute(db.select(ServiceStaff)).scalar_one()
    assert (member.user_id, member.is_coordinator) == (people["coordinator"].id, True)
    page = client.get(f"{SERVICES}/{service.id}").get_data(as_text=True)
    assert people["coordinator"].name in page and "Старый Оскол" in page

    response = client.post(f"{SERVICES}/{service.id}/staff/{member.id}/remove", data={})
    assert response.status_code == 302
    assert db.session.execute(db.select(ServiceStaff)).first() is None


def test_a_municipality_has_one_service_and_staff_hold_a_staff_role(client, services, people, regions):
    client.login_as(people["region_admin"])
    city = municipality(regions["belgorod"], "Белгород")
    response = client.post(f"{SERVICES}/new", data={"name": "Вторая служба", "municipalities": [city.id]})
    assert response.status_code == 422
    assert "«Служба сопровождения г. Белгорода»" in " ".join(form_errors(response.get_data(as_text=True)))
    assert db.session.execute(db.select(SupportService).filter_by(name="Вторая служба")).first() is None

    response = client.post(f"{SERVICES}/new", data={"name": "Служба сопровождения г. Белгорода"})
    assert response.status_code == 422  # the same name twice in a region

    oskol = services["oskol"]
    response = client.post(f"{SERVICES}/{oskol.id}/staff", data={"staff-person": people["mentor"].id})
    assert response.status_code == 422
    assert "специалиста или координатора" in " ".join(form_errors(response.get_data(as_text=True)))
    response = client.post(f"{SERVICES}/{oskol.id}/staff", data={"staff-person": people["specialist"].id,
                                                                  "staff-is_coordinator": "y"})
    assert response.status_code == 422  # a specialist cannot coordinate


def test_coordinators_see_services_but_do_not_change_them(client, services, people):
    client.login_as(people["coordinator"])
    page = client.get(SERVICES).get_data(as_text=True)
    assert "Служба сопровождения Старого Оскола" in page and "Новая служба" not in page
    assert client.post(f"{SERVICES}/new", data={"name": "Моя служба"}).status_code == 403


def test_another_regions_service_is_not_found(client, services, people):
    client.login_as(people["region_admin"])
    assert client.get(f"{SERVICES}/{services['smolensk'].id}").status_code == 404
    assert client.post(f"{SERVICES}/{services['smolensk'].id}/edit", data={"name": "x"}).status_code == 404


def test_reach_follows_the_services(app_context, services, people, regions):
    belgorod = regions["belgorod"]
    city_record = make_record(belgorod, services["city"])
    oskol_record = make_record(belgorod, services["oskol"], "Петров", "Иван", "Олегович")
    assigned = make_record(belgorod, services["oskol"], "Сидоров", "Павел", "", specialist=people["specialist"])
    smolensk_record = make_record(regions["smolensk"], services["smolensk"], "Смирнова", "Ольга", "")

    def seen(user, region=belgorod):
        g.pop("casework_reach", None)
        return {r.id for r in db.session.scalars(scope.visible_records(user, region))}

    assert seen(people["specialist"]) == {city_record.id, assigned.id}
    assert seen(services["oskol_specialist"]) == {oskol_record.id, assigned.id}
    assert seen(people["coordinator"]) == {city_record.id}
    assert seen(services["centre_coordinator"]) == {city_record.id, oskol_record.id, assigned.id}
    assert seen(services["smolensk_specialist"], regions["smolensk"]) == {smolensk_record.id}
    assert seen(services["smolensk_specialist"]) == set()  # no role in Belgorod
    for outsider in ("graduate", "mentor", "volunteer", "region_admin"):
        assert seen(people[outsider]) == set()
    g.pop("casework_reach", None)
    reach = scope.reach(people["coordinator"], belgorod)
    assert reach.coordinates_service(services["city"].id) and not reach.coordinates_service(services["oskol"].id)
    # A specialist who is a service's "coordinator" by the flag but holds no coordinator role coordinates nothing.
    lone = make_user("lone@belgorod.test", {belgorod: ["specialist"]})
    db.session.add(ServiceStaff(service_id=services["centre"].id, user_id=lone.id, is_coordinator=True))
    db.session.commit()
    g.pop("casework_reach", None)
    assert not scope.reach(lone, belgorod).whole_region
