"""Who sees a pupil's record: the institution's specialists, the region's coordinators and the pupil; nobody else."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from plugins.training_apartments import programme
from plugins.training_apartments.models import Practice, Pupil, SelfRating, Stay, StayStatus
from portal.app.extensions import db
from portal.kit import today
from portal.models import AuditEvent, InstitutionStaff, User
from tests.helpers import make_user
from tests.plugins.training_apartments.conftest import make_institution, stay_now

BELGOROD = "/belgorod/training_apartments"
SMOLENSK = "/smolensk/training_apartments"


@pytest.fixture
def stay(apartment, pupil):
    return stay_now(apartment, pupil)


def _gets(home, apartment, pupil, stay):
    return [f"/pupils/{pupil.id}", f"/stays/{stay.id}", f"/stays/{stay.id}/close", f"/apartments/{apartment.id}",
            f"/apartments/{apartment.id}/stays/new", f"/institutions/{home.id}/pupils",
            f"/institutions/{home.id}/apartments/new"]


def _posts(home, apartment, pupil, stay, region):
    level = programme.levels(region)[1]
    skill = programme.areas(region)[0].skills[0]
    day = today(region).isoformat()
    return {
        f"/stays/{stay.id}/practice": {"day": day, "skill": str(skill.id), "level": str(level.id), "note": "чужое"},
        f"/stays/{stay.id}/budget": {"day": day, "kind": "spent", "amount": "100", "what": "чужое"},
        f"/stays/{stay.id}/cancel": {},
        f"/pupils/{pupil.id}": {"name": "Чужая правка", "birth_date": "2010-01-01"},
        f"/pupils/{pupil.id}/account": {"email": "graduate@belgorod.test"},
        f"/institutions/{home.id}/pupils": {"name": "Чужой", "birth_date": "2010-01-01"},
        f"/apartments/{apartment.id}": {"name": "Чужая", "places": "5"},
    }


def _unchanged(stay, pupil):
    db.session.expire_all()
    assert db.session.get(Stay, stay.id).status == StayStatus.planned
    assert db.session.get(Pupil, pupil.id).name == "Кирилл Зайцев" and db.session.get(Pupil, pupil.id).user_id is None
    assert db.session.scalar(select(func.count(Practice.id))) == 0
    assert db.session.scalar(select(func.count(Pupil.id))) == 1


def test_a_specialist_of_another_institution_finds_nothing(app, regions, home, other_home, apartment, pupil, stay):
    stranger = db.session.get(User, db.session.scalar(select(InstitutionStaff.user_id).where(
        InstitutionStaff.institution_id == other_home.id)))
    client = app.test_client().login_as(stranger)
    for path in _gets(home, apartment, pupil, stay):
        assert client.get(BELGOROD + path).status_code == 404, path
    for path, data in _posts(home, apartment, pupil, stay, regions["belgorod"]).items():
        assert client.post(BELGOROD + path, data=data).status_code == 404, path
        assert client.post(BELGOROD + path, data=data, headers={"HX-Request": "true"}).status_code == 404, path
    _unchanged(stay, pupil)
    page = client.get(f"{BELGOROD}/").get_data(as_text=True)
    assert other_home.name in page and home.name not in page
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == stranger.id,
                                                          AuditEvent.action.like("training_apartments.%"))).all()


def test_a_specialist_whose_role_ended_no_longer_runs_the_institution(app, people, regions, home, pupil):
    from portal.models import Membership, Role

    client = app.test_client().login_as(people["specialist"])
    assert client.get(f"{BELGOROD}/pupils/{pupil.id}").status_code == 200
    db.session.execute(db.delete(Membership).where(Membership.user_id == people["specialist"].id,
                                                  Membership.role == Role.specialist))
    make_user("keeps@belgorod.test")
    db.session.commit()
    db.session.expire_all()
    assert client.get(f"{BELGOROD}/pupils/{pupil.id}").status_code == 403  # no longer a member with a role here


def test_the_coordinator_sees_every_institution_of_the_region(app, people, regions, home, other_home, pupil, stay):
    client = app.test_client().login_as(people["coordinator"])
    assert client.get(f"{BELGOROD}/pupils/{pupil.id}").status_code == 200
    assert client.get(f"{BELGOROD}/stays/{stay.id}").status_code == 200
    page = client.get(f"{BELGOROD}/").get_data(as_text=True)
    assert home.name in page and other_home.name in page
    line = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "training_apartments.pupil.viewed")).one()
    assert line.actor_id == people["coordinator"].id and line.details["pupils"] == [pupil.id]
    assert line.target == f"pupil:{pupil.id}"


@pytest.mark.parametrize("role", ["specialist", "coordinator", "pupil"])
def test_smolensk_people_do_not_find_belgorod_records(app, regions, home, apartment, pupil, stay, role):
    person = make_user(f"{role}@smolensk.test", {regions["smolensk"]: [role]})
    if role == "specialist":  # named to a Smolensk institution of their own
        make_institution(regions["smolensk"], "Вяземский детский дом", person)
    client = app.test_client().login_as(person)
    for path in _gets(home, apartment, pupil, stay):
        assert client.get(SMOLENSK + path).status_code in (403, 404), path
        assert client.get(BELGOROD + path).status_code == 403, path  # not a member there at all
    for path, data in _posts(home, apartment, pupil, stay, regions["belgorod"]).items():
        assert client.post(SMOLENSK + path, data=data).status_code in (403, 404), path
    assert client.post(f"{SMOLENSK}/my/{pupil.id}/ratings", data={"skill": "1", "level": "1"}).status_code in (403, 404)
    _unchanged(stay, pupil)


def test_a_pupil_sees_their_own_record_and_not_anothers(app, regions, home, apartment, pupil, stay):
    belgorod = regions["belgorod"]
    mine = make_user("me@belgorod.test", {belgorod: ["pupil"]}, name="Алина Павлова")
    other_pupil = Pupil(institution_id=home.id, name="Алина Павлова", birth_date=pupil.birth_date, user_id=mine.id)
    db.session.add(other_pupil)
    db.session.commit()
    client = app.test_client().login_as(mine)
    page = client.get(f"{BELGOROD}/my").get_data(as_text=True)
    assert "Кирилл Зайцев" not in page and "Квартира «Гармония»" not in page
    skill, level = programme.areas(belgorod)[0].skills[0], programme.levels(belgorod)[1]
    answer = client.post(f"{BELGOROD}/my/{pupil.id}/ratings", data={"skill": str(skill.id), "level": str(level.id)})
    assert answer.status_code == 404  # another pupil's record does not exist, as far as this one knows
    for path in _gets(home, apartment, pupil, stay):
        assert client.get(BELGOROD + path).status_code == 403, path  # staff pages
    assert db.session.scalar(select(func.count(SelfRating.id))) == 0


def test_staff_reads_of_pupils_are_audited_also_when_a_form_is_refused(app, people, regions, pupil, stay):
    client = app.test_client().login_as(people["specialist"])
    answer = client.post(f"{BELGOROD}/stays/{stay.id}/practice", headers={"HX-Request": "true"},
                         data={"day": "", "skill": "0", "level": "0"})
    assert answer.status_code == 422 and "<html" not in answer.get_data(as_text=True)
    lines = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "training_apartments.stay.viewed")).all()
    assert len(lines) == 1 and lines[0].details["pupils"] == [pupil.id]
    client.get(f"{BELGOROD}/institutions/{pupil.institution_id}/pupils")
    listed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "training_apartments.pupils.viewed")).one()
    assert listed.details["pupils"] == [pupil.id]
