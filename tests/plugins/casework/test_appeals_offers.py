"""A resolved housing appeal offers the social hotel through the kit's hook, only where the region runs it."""
from __future__ import annotations

from html import unescape

from sqlalchemy import select

from plugins.casework.models import Appeal, AppealAction, AppealActionKind
from plugins.social_hotel import stays as hotel_rules
from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.kit import help_offers

BASE = "/belgorod/casework"


def _resolved(client, record, people, kind="temporary_housing") -> Appeal:
    client.login_as(people["specialist"])
    assert client.post(f"{BASE}/records/{record.id}/appeals/new",
                       data={"type": kind, "channel": "visit", "request": "Негде жить"}).status_code == 302
    appeal = db.session.execute(select(Appeal).order_by(Appeal.id.desc())).scalars().first()
    assert client.post(f"{BASE}/appeals/{appeal.id}/status",
                       data={"status-move": "resolve", "status-text": "Нашли вариант"}).status_code == 302
    return appeal


def test_the_hotel_is_offered_on_a_resolved_housing_appeal(client, supported, people, regions):
    hotel_rules.add_hotel(regions["belgorod"], "Социальная гостиница", "Белгород")
    db.session.commit()
    appeal = _resolved(client, supported, people)
    staff_page = client.get(f"{BASE}/appeals/{appeal.id}").get_data(as_text=True)
    assert "/belgorod/social_hotel/request?reason=" in staff_page
    offered = db.session.scalars(select(AppealAction.text).where(AppealAction.appeal_id == appeal.id,
                                                                 AppealAction.kind == AppealActionKind.offer)).all()
    assert offered == ["Проживание в социальной гостинице"]  # staff see in the timeline that it was offered

    client.login_as(people["graduate"])
    own = unescape(client.get(f"{BASE}/mine/appeals/{appeal.id}").get_data(as_text=True))
    link = own.split('href="/belgorod/social_hotel/request?')[1].split('"')[0]
    form = client.get(f"/belgorod/social_hotel/request?{link}").get_data(as_text=True)
    assert "Мне нужно временное место для проживания." in unescape(form)  # the stay request is prefilled


def test_no_offer_where_the_hotel_is_off_or_for_other_types(client, supported, people, regions):
    belgorod = regions["belgorod"]
    hotel_rules.add_hotel(belgorod, "Социальная гостиница", "Белгород")
    db.session.commit()
    documents = _resolved(client, supported, people, kind="documents")
    client.login_as(people["graduate"])
    assert "social_hotel/request" not in client.get(f"{BASE}/mine/appeals/{documents.id}").get_data(as_text=True)

    plugin_host().set_enabled(belgorod, "social_hotel", False)
    db.session.commit()
    housing = _resolved(client, supported, people, kind="utility_debts")
    client.login_as(people["graduate"])
    assert "social_hotel/request" not in client.get(f"{BASE}/mine/appeals/{housing.id}").get_data(as_text=True)
    assert db.session.scalars(select(AppealAction.id).where(AppealAction.kind == AppealActionKind.offer)).all() == []
    with client.application.test_request_context():
        assert help_offers(belgorod, people["graduate"], "utility_debts") == []
        plugin_host().set_enabled(belgorod, "social_hotel", True)
        assert [str(o.label) for o in help_offers(belgorod, people["graduate"], "utility_debts")] == [
            "Проживание в социальной гостинице"]
        assert help_offers(belgorod, people["graduate"], "nothing") == []
