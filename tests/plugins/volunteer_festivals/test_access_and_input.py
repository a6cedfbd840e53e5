"""Access per festival, shift and group (a role in the region is not enough, nor another region's ids), and bad
input: a clear message in the person's language, what was typed kept, never a 500."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from plugins.volunteer_festivals import festivals as rules
from plugins.volunteer_festivals import shifts
from plugins.volunteer_festivals.models import Festival, FestivalShift, VolunteerRole
from portal.app.extensions import db
from tests.helpers import form_errors, make_user
from tests.plugins.volunteer_festivals.conftest import volunteer

BELGOROD = "/belgorod/volunteer_festivals"
SMOLENSK = "/smolensk/volunteer_festivals"


def _errors(response) -> str:
    return " ".join(form_errors(response.get_data(as_text=True)))


def test_a_volunteer_who_does_not_run_the_festival_changes_nothing(client, regions, festival, role, shift):
    ann = volunteer(regions, "ann")
    taken = shifts.take(shift, ann, regions["belgorod"])
    db.session.commit()
    client.login_as(make_user("stranger@belgorod.test", {regions["belgorod"]: ["volunteer"]}))
    posts = {
        f"/{festival.id}/venues": {"name": "Чужая"}, f"/{festival.id}/roles": {"name": "Чужая роль"},
        f"/{festival.id}/registration/closed": {}, f"/{festival.id}/programme/publish": {},
        f"/shifts/{shift.id}/check-in/{taken.id}": {"came": "1"}, f"/shifts/{shift.id}/code": {"code": taken.check_code},
        f"/shifts/{shift.id}/assign": {"volunteer": str(ann.id)}, f"/{festival.id}/hours": {},
        f"/{festival.id}/results": {}, f"/{festival.id}/edit": {"title": "Чужой"},
    }
    for path, data in posts.items():
        assert client.post(BELGOROD + path, data=data).status_code == 403, path
    for path in (f"/{festival.id}/manage", f"/{festival.id}/plan", f"/{festival.id}/groups", f"/{festival.id}/jury"):
        assert client.get(BELGOROD + path).status_code == 403, path
    db.session.expire_all()
    assert festival.status.value == "open" and not festival.programme_published and taken.checked_in_at is None
    assert db.session.scalar(select(func.count(VolunteerRole.id))) == 1


def test_another_regions_ids_are_not_found(client, regions, people, festival, shift):
    smolensk = regions["smolensk"]
    coordinator = make_user("coord@smolensk.test", {smolensk: ["coordinator", "volunteer"]})
    client.login_as(coordinator)
    for path in (f"/{festival.id}", f"/{festival.id}/manage", f"/shifts/{shift.id}", f"/{festival.id}/shifts"):
        assert client.get(SMOLENSK + path).status_code == 404, path
    assert client.post(f"{SMOLENSK}/shifts/{shift.id}/take").status_code == 404
    assert shifts.assignment_of(shift, coordinator) is None


def test_an_organizer_cannot_assign_someone_who_is_not_a_volunteer(client, regions, people, shift):
    client.login_as(people["specialist"])
    answer = client.post(f"{BELGOROD}/shifts/{shift.id}/assign", data={"volunteer": str(people["graduate"].id)})
    assert answer.status_code == 302
    assert shifts.assignment_of(shift, people["graduate"]) is None
    for odd in ("abc", "99999999999999999999", "-1", ""):
        assert client.post(f"{BELGOROD}/shifts/{shift.id}/assign", data={"volunteer": odd}).status_code == 302


@pytest.mark.parametrize("changes, message", [
    ({"first_day": "0001-01-01"}, "Укажите год от 2000 до 2100."),
    ({"last_day": "2027-05-01"}, "Последний день не может быть раньше первого."),
    ({"last_day": "2027-07-20"}, "Фестиваль длится не больше 31 дней."),
    ({"first_day": "завтра"}, "Это не дата; укажите её так: 2026-12-25."),
])
def test_festival_dates_that_do_not_fit(client, people, regions, changes, message):
    client.login_as(people["specialist"])
    answer = client.post(f"{BELGOROD}/new", data={"title": "Фестиваль", "first_day": "2027-05-15",
                                                   "last_day": "2027-05-16", **changes})
    assert answer.status_code == 422 and message in _errors(answer)
    assert 'value="Фестиваль"' in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Festival.id))) == 0


def test_shift_and_role_forms_say_what_is_wrong(client, people, festival, role):
    client.login_as(people["specialist"])
    day = festival.first_day.isoformat()
    url = f"{BELGOROD}/{festival.id}/shifts/new"
    base = {"role": str(role.id), "starts_at": f"{day}T10:00", "ends_at": f"{day}T12:00", "capacity": "3"}
    for places in ("0", "501", "три"):
        answer = client.post(url, data={**base, "capacity": places})
        assert answer.status_code == 422 and "Число людей — от 1 до 500." in _errors(answer)
    assert "Окончание должно быть позже начала." in _errors(client.post(url, data={**base, "ends_at": f"{day}T09:00"}))
    assert "Выберите одну из ролей фестиваля." in _errors(client.post(url, data={**base, "role": "987654"}))
    other = rules.add_festival(festival.region, "Другой", festival.first_day, festival.last_day)
    foreign = shifts.add_role(other, "Чужая роль")
    db.session.commit()
    assert "Выберите одну из ролей фестиваля." in _errors(client.post(url, data={**base, "role": str(foreign.id)}))
    assert db.session.scalar(select(func.count(FestivalShift.id))) == 0
    answer = client.post(f"{BELGOROD}/{festival.id}/roles", data={"name": "Гид", "min_age": "5"})
    assert answer.status_code == 422 and "Укажите возраст от 10 до 99" in _errors(answer)
    answer = client.post(f"{BELGOROD}/{festival.id}/nominations", data={"name": "Н", "criteria": "Идея: много"})
    assert answer.status_code == 422 and "Баллы пишите после двоеточия числом" in _errors(answer)


def test_a_nul_and_a_bad_code_are_answered(client, people, regions, festival, shift):
    client.login_as(people["specialist"])
    answer = client.post(f"{BELGOROD}/{festival.id}/venues", data={"name": "a\x00b"})
    assert answer.status_code == 422 and "символ" in _errors(answer)  # the kit's Form, next to the field
    shift.starts_at = shifts.utcnow() + timedelta(minutes=30)
    db.session.commit()
    answer = client.post(f"{BELGOROD}/shifts/{shift.id}/code", data={"code": "000000"}, follow_redirects=True)
    assert "Ни у кого в этой смене нет кода 000000." in answer.get_data(as_text=True)
    ann = volunteer(regions, "ann")
    client.login_as(ann)
    answer = client.post(f"{BELGOROD}/profile", data={"interests": "фото", "birth_date": "1800-01-01"})
    assert answer.status_code == 422 and 'value="фото"' in answer.get_data(as_text=True)
    answer = client.post(f"{BELGOROD}/profile", data={"interests": "фото", "free": ["sat:morning", "moon:night"]})
    assert answer.status_code in (302, 422)
    profile = shifts.profile_of(ann, regions["belgorod"])
    assert "moon:night" not in (profile.free or [])
