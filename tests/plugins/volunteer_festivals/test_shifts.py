"""Shifts: take, the waiting list promoted in order and told, clashes refused, restricted shifts and ages,
drops with a real confirmation step, and the suggestions a volunteer sees with their reasons."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from plugins.volunteer_festivals import shifts
from plugins.volunteer_festivals.models import AssignmentStatus, ShiftAssignment
from portal.app.extensions import db
from portal.kit import Refusal
from portal.models import AuditEvent, MembershipStatus, Notification
from tests.helpers import make_user
from tests.plugins.volunteer_festivals.conftest import add_shift, volunteer

BASE = "/belgorod/volunteer_festivals"


def test_the_waiting_list_moves_in_order_and_is_told(regions, shift):
    belgorod = regions["belgorod"]
    ann, bob, cat, dan = (volunteer(regions, n) for n in ("ann", "bob", "cat", "dan"))
    assert shifts.take(shift, ann, belgorod).status == AssignmentStatus.taken
    assert shifts.take(shift, bob, belgorod).status == AssignmentStatus.taken
    with pytest.raises(Refusal, match="full|заняты"):
        shifts.take(shift, cat, belgorod)
    waiting_cat = shifts.take(shift, cat, belgorod, wait=True)
    waiting_dan = shifts.take(shift, dan, belgorod, wait=True)
    db.session.commit()
    assert (shifts.waiting_position(waiting_cat), shifts.waiting_position(waiting_dan)) == (1, 2)
    promoted = shifts.drop(shifts.assignment_of(shift, ann), belgorod)
    assert [a.volunteer_id for a in promoted] == [cat.id]
    db.session.commit()
    assert shifts.assignment_of(shift, cat).status == AssignmentStatus.taken
    assert shifts.waiting_position(waiting_dan) == 1
    assert shifts.place_counts([shift])[shift.id] == (2, 1)


def test_a_drop_asks_first_and_the_next_in_line_is_notified(client, regions, shift):
    ann, bob, cat = (volunteer(regions, n) for n in ("ann", "bob", "cat"))
    for person in (ann, bob):
        shifts.take(shift, person, regions["belgorod"])
    shifts.take(shift, cat, regions["belgorod"], wait=True)
    db.session.commit()
    client.login_as(ann)
    asked = client.get(f"{BASE}/shifts/{shift.id}/drop")
    assert asked.status_code == 200 and "Да, отказаться от смены" in asked.get_data(as_text=True)
    assert shifts.assignment_of(shift, ann).status == AssignmentStatus.taken  # asking changes nothing
    done = client.post(f"{BASE}/shifts/{shift.id}/drop", data={"submit": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert shifts.assignment_of(shift, ann).status == AssignmentStatus.dropped
    assert shifts.assignment_of(shift, cat).status == AssignmentStatus.taken
    told = db.session.scalars(select(Notification).where(Notification.user_id == cat.id)).all()
    assert len(told) == 1 and "Фотограф" in told[0].message
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"volunteer_festivals.shift.dropped", "volunteer_festivals.shift.promoted"} <= actions


def test_nobody_is_in_two_shifts_at_once_even_waiting(regions, role, shift):
    belgorod = regions["belgorod"]
    ann = volunteer(regions, "ann")
    overlapping = add_shift(role, 11)  # 11-14 against 9-12
    touching = add_shift(role, 12)  # 12-15: starts when the first ends
    shifts.take(shift, ann, belgorod)
    with pytest.raises(Refusal, match="Фотограф"):
        shifts.take(overlapping, ann, belgorod)
    assert shifts.take(touching, ann, belgorod).status == AssignmentStatus.taken
    db.session.commit()
    # A place in a waiting list is a commitment too: a promotion can never make a clash.
    full = add_shift(role, 16, capacity=1)
    later = add_shift(role, 17)
    bob = volunteer(regions, "bob")
    shifts.take(full, bob, belgorod)
    shifts.take(full, ann, belgorod, wait=True)
    with pytest.raises(Refusal):
        shifts.take(later, ann, belgorod)


def test_restricted_shifts_and_minimum_age(regions, people, role):
    belgorod = regions["belgorod"]
    desk = add_shift(role, 9, restricted=True)
    ann = volunteer(regions, "ann")
    with pytest.raises(Refusal, match="сами|themselves"):
        shifts.take(desk, ann, belgorod)
    assert shifts.take(desk, ann, belgorod, by=people["specialist"]).status == AssignmentStatus.taken
    young = volunteer(regions, "young", born=date.today() - timedelta(days=365 * 14))
    unknown = volunteer(regions, "unknown", born=None)
    photo = add_shift(role, 15)
    with pytest.raises(Refusal, match="16"):
        shifts.take(photo, young, belgorod)
    with pytest.raises(Refusal, match="дату рождения|date of birth"):
        shifts.take(photo, unknown, belgorod)


def test_taking_in_the_browser_way_with_and_without_htmx(client, regions, shift):
    ann = volunteer(regions, "ann")
    client.login_as(ann)
    partial = client.post(f"{BASE}/shifts/{shift.id}/take", headers={"HX-Request": "true"})
    page = partial.get_data(as_text=True)
    assert partial.status_code == 200 and "Вы в смене" in page and "<html" not in page
    code = shifts.assignment_of(shift, ann).check_code
    assert code in page  # the code the desk will type
    again = client.post(f"{BASE}/shifts/{shift.id}/take")
    assert again.status_code == 302  # no JS: back to the shift, with the refusal as a message
    assert "уже" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_volunteer_sees_suggested_shifts_with_reasons(client, regions, role, shift):
    evening = add_shift(role, 17)
    ann = volunteer(regions, "ann", interests=["фотография", "театр"], skills=["фотосъёмка"],
                    free=[f"{shifts.WEEKDAYS[role.festival.first_day.weekday()]}:evening"])
    client.login_as(ann)
    page = client.get(f"{BASE}/{role.festival_id}/shifts").get_data(as_text=True)
    assert "Предложено вам" in page
    assert "вам нравится фотография" in page and "вы свободны" in page and "вечером" in page
    assert page.index(f"suggested-{evening.id}") < page.index(f"suggested-{shift.id}")  # free then: first
    client.post(f"{BASE}/shifts/{evening.id}/take")
    page = client.get(f"{BASE}/{role.festival_id}/shifts").get_data(as_text=True)
    assert f"suggested-{evening.id}" not in page  # taken: no longer suggested


def test_organizers_see_who_fits_an_unfilled_shift_and_assign(client, regions, people, role, shift):
    ann = volunteer(regions, "ann")
    volunteer(regions, "bob", interests=["кулинария"], skills=[])
    client.login_as(people["specialist"])
    page = client.get(f"{BASE}/shifts/{shift.id}").get_data(as_text=True)
    assert "Лучше всего подходят" in page and page.index("Ann") < page.index("Bob")
    assert "нравится: фотография" in page
    client.post(f"{BASE}/shifts/{shift.id}/assign", data={"volunteer": str(ann.id)})
    assert shifts.assignment_of(shift, ann).status == AssignmentStatus.taken
    plan = client.get(f"{BASE}/{role.festival_id}/plan")
    assert plan.status_code == 200 and "Bob" in plan.get_data(as_text=True)


def test_pending_volunteers_see_no_shifts_and_nothing_naming_a_graduate(client, regions, festival, shift):
    pending = make_user("new@belgorod.test", {regions["belgorod"]: ["volunteer"]}, status=MembershipStatus.pending)
    client.login_as(pending)
    for path in (f"/{festival.id}/shifts", f"/shifts/{shift.id}", f"/{festival.id}", "/", "/my", "/profile"):
        assert client.get(BASE + path).status_code == 403, path
    assert client.post(f"{BASE}/shifts/{shift.id}/take").status_code == 403
    assert db.session.scalar(select(ShiftAssignment.id)) is None
