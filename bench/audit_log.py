"""Audit log benchmark: a region admin's audit page over a country's log (1,000,000 events).

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python bench/audit_log.py [EVENTS]

Builds 85 regions' events with server-side generate_series (SQLite: a smaller log in a temporary
folder), then prints p50/p95 of the page (first page, a filtered page, page 50), its queries, and
next to it the same run's baseline: the exact count(*) the page made before the count was capped.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import and_, event, func, or_, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.hotel import build_app, person  # noqa: E402
from portal.app.extensions import db  # noqa: E402
from portal.models import AuditEvent, Membership, Region, User  # noqa: E402
from tests.helpers import PortalClient  # noqa: E402  (signs in without the form)

REGIONS = 85
ACTIONS = ["login", "logout", "social_hotel.stay.viewed", "mentorship.board.viewed", "casework.record.viewed",
           "graduate_clubs.event.viewed", "member.approved", "password.changed", "access.denied",
           "social_hotel.stay.confirm", "mentorship.pair.approved", "casework.assessment.saved"]


def build(app, events: int) -> Region:
    with app.app_context():
        regions = [Region(code=f"r{i:02d}", name=f"Регион {i}") for i in range(REGIONS)]
        db.session.add_all(regions)
        db.session.flush()
        admin = person("admin@r00.bench", regions[0], "region_admin")
        db.session.commit()
        started = time.perf_counter()
        actions = ", ".join(f"'{a}'" for a in ACTIONS)
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"""
                INSERT INTO audit_event (at, actor_id, actor_label, subject_id, action, target, region_id, address, details)
                SELECT timestamp '2024-01-01' + (n * interval '1 minute'),
                       CASE WHEN n % 50 = 0 THEN :admin END, 'someone@bench', NULL,
                       (ARRAY[{actions}])[1 + n % {len(ACTIONS)}], 'record:' || n,
                       CASE WHEN n % 40 = 0 THEN NULL ELSE (SELECT min(id) FROM region) + n % {REGIONS} END,
                       '127.0.0.1', '{{}}'::json
                FROM generate_series(1, :events) AS n"""), {"admin": admin.id, "events": events})
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE audit_event"))  # the steady state autovacuum keeps
        else:
            rows = [{"at": f"2024-01-01 00:00:{n % 60:02d}", "actor_id": admin.id if n % 50 == 0 else None,
                     "actor_label": "someone@bench", "action": ACTIONS[n % len(ACTIONS)], "target": f"record:{n}",
                     "region_id": None if n % 40 == 0 else regions[n % REGIONS].id, "address": "127.0.0.1",
                     "details": {}} for n in range(events)]
            db.session.execute(AuditEvent.__table__.insert(), rows)
        db.session.commit()
        print(f"built {events:,} audit events in {time.perf_counter() - started:.1f} s "
              f"({db.engine.dialect.name}, {date.today().isoformat()})")
        return admin.id, regions[0].id


def measure(client, path: str, rounds: int) -> tuple[float, float, int]:
    counted = []
    timings = []
    for _ in range(rounds):
        queries = [0]

        def count(*_args, **_kw):
            queries[0] += 1

        with client.application.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, (path, response.status_code)
        counted.append(queries[0])
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], max(counted)


def exact_count(app, region_id: int, rounds: int) -> tuple[float, float]:
    """The baseline: the exact count(*) over the page's filter, as the page counted before."""
    with app.app_context():
        members = select(Membership.user_id).where(Membership.region_id == region_id)
        where = or_(AuditEvent.region_id == region_id,
                    and_(AuditEvent.region_id.is_(None),
                         or_(AuditEvent.actor_id.in_(members), AuditEvent.subject_id.in_(members))))
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            db.session.scalar(select(func.count()).select_from(AuditEvent).where(where))
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else (1_000_000 if os.environ.get("DATABASE_URL") else 100_000)
    rounds = 20
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder)
        admin_id, region_id = build(app, events)
        app.test_client_class = PortalClient
        client = app.test_client()
        with app.app_context():
            client.login_as(db.session.get(User, admin_id))
        base_p50, base_p95 = exact_count(app, region_id, rounds)
        print(f"baseline: exact count(*) of the region's log: p50 {base_p50:.1f} ms, p95 {base_p95:.1f} ms")
        for label, path in [("first page", "/r00/admin/audit"), ("one action", "/r00/admin/audit?action=login"),
                            ("page 50", "/r00/admin/audit?page=50")]:
            p50, p95, queries = measure(client, path, rounds)
            print(f"audit log, {label:11}: p50 {p50:6.1f} ms, p95 {p95:6.1f} ms, {queries} queries, "
                  f"p95 / exact count {p95 / base_p95:.2f}")


if __name__ == "__main__":
    main()
