"""The journal, an appeal's page, the overdue lists and the graduate's appeals make as many queries at 10 rows as
at many (every row's record, service and specialist come with the page's one query)."""
from __future__ import annotations

from datetime import timedelta

from plugins.casework.models import Appeal, AppealAction, AppealActionKind, AppealChannel, AppealStatus, AppealType
from portal.app.extensions import db
from portal.kit import today, utcnow
from tests.helpers import make_user, page_queries
from tests.plugins.casework.conftest import make_record

BASE = "/belgorod/casework"
TYPES = list(AppealType)


def add_appeals(regions, services, people, count, start, supported):
    """``count`` appeals on records of the city service (each with a specialist of its own for every other one,
    and overdue), three entries each; and as many entries again on the supported graduate's first appeal."""
    belgorod = regions["belgorod"]
    day = today(belgorod)
    first = db.session.execute(db.select(Appeal).where(Appeal.record_id == supported.id)).scalars().first()
    for number in range(start, start + count):
        specialist = people["specialist"] if number % 2 else make_user(f"as{number}@belgorod.test",
                                                                       {belgorod: ["specialist"]})
        record = make_record(belgorod, services["city"], f"Фамилия{number}", "Имя", "", specialist=specialist)
        appeal = Appeal(region_id=belgorod.id, record_id=record.id, service_id=services["city"].id,
                        specialist_id=specialist.id, type=TYPES[number % len(TYPES)], channel=AppealChannel.phone,
                        status=AppealStatus.in_progress, request="просьба", received_at=utcnow(),
                        due_on=day - timedelta(days=1), taken_by_id=specialist.id)
        db.session.add(appeal)
        db.session.flush()
        for kind in (AppealActionKind.status, AppealActionKind.action, AppealActionKind.assigned):
            db.session.add(AppealAction(appeal_id=appeal.id, kind=kind, by_id=specialist.id, text="запись"))
        for _ in range(2):
            db.session.add(AppealAction(appeal_id=first.id, kind=AppealActionKind.action, by_id=specialist.id,
                                        text="звонок"))
    db.session.commit()


def test_appeal_pages_query_counts_do_not_grow_with_the_rows(app, client, supported, services, people, regions):
    client.login_as(people["graduate"])
    assert client.post(f"{BASE}/mine/appeals/new", data={"type": "permanent_housing",
                                                        "request": "жильё"}).status_code == 302
    first = db.session.execute(db.select(Appeal)).scalar_one()
    pages = {
        "journal": (people["specialist"], f"{BASE}/appeals"),
        "journal filtered": (people["specialist"], f"{BASE}/appeals?status=open&overdue=y&service="
                                                   f"{services['city'].id}"),
        "journal, the centre": (services["centre_coordinator"], f"{BASE}/appeals?type=documents"),
        "appeal": (people["specialist"], f"{BASE}/appeals/{first.id}"),
        "overdue": (people["coordinator"], f"{BASE}/appeals/overdue"),
        "mine": (people["graduate"], f"{BASE}/mine"),
        "mine appeal": (people["graduate"], f"{BASE}/mine/appeals/{first.id}"),
        "record": (people["specialist"], f"{BASE}/records/{supported.id}"),
    }

    def counts():
        found = {}
        for name, (who, url) in pages.items():
            client.login_as(who)
            page_queries(app, client, url)  # warm: the session's first page loads the person
            found[name] = page_queries(app, client, url)
        return found

    add_appeals(regions, services, people, 10, 0, supported)
    few = counts()
    add_appeals(regions, services, people, 40, 10, supported)
    many = counts()
    assert many == few
