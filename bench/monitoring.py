"""Monitoring benchmark: the case-work monitoring pages over a country's data on PostgreSQL.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/portal_monitoring_bench python bench/casework.py
    DATABASE_URL=... python bench/monitoring.py [--requests 40] [--appeals 1000000]

Reuses the registry bench/casework.py built (100,000 records, 50,000 under support, 400,000 assessments with
3,600,000 area scores, level changes), applies the migrations of this branch, and adds appeals when there
are none (1,000,000 over two years, generate_series). Then, signed in as the resource centre's coordinator
and as the site admin, it requests the region's monitoring (the latest complete quarter, and a year), a
service's, the rating and the country's view, and prints each page's median and p95 and its queries, next
to a baseline measured in the same run (the registry imports page: every staff request's fixed costs), with
the load average. Target: p95 <= 300 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import casework as registry_bench  # noqa: E402  (bench/casework.py: the build, the timer, the printing)

from portal.app.extensions import db  # noqa: E402
from portal.models import Region, User  # noqa: E402

TARGET_MS = 300
APPEALS = """
INSERT INTO casework_appeal (region_id, record_id, service_id, specialist_id, type, channel, status, request,
    received_at, due_on, taken_by_id, closed_at, outcome, referred_to, updated_at)
SELECT r.region_id, r.id, r.service_id, r.specialist_id, t.type, 'phone',
       CASE WHEN (k * 37 + r.id) % 100 < 68 THEN 'resolved' WHEN (k * 37 + r.id) % 100 < 75 THEN 'referred'
            WHEN (k * 37 + r.id) % 100 < 80 THEN 'closed' WHEN (k * 37 + r.id) % 100 < 90 THEN 'in_progress'
            ELSE 'new' END,
       'Просьба о помощи', now() - make_interval(days => (k * 7 + r.id) % 730, hours => k % 24),
       (now() - make_interval(days => (k * 7 + r.id) % 730))::date + 15, r.specialist_id,
       CASE WHEN (k * 37 + r.id) % 100 < 80 THEN now() - make_interval(days => (k * 7 + r.id) % 730)
            + make_interval(days => (k * 13 + r.id) % 40, hours => k % 7) END, '', '', now()
FROM casework_record r
JOIN generate_series(1, :per_record) AS k ON true
JOIN LATERAL (SELECT (ARRAY['medical','social_payments','documents','rights','employment','permanent_housing',
      'utility_debts','temporary_housing','education','psychological','legal','material','other'])
      [1 + (k * 5 + r.id) % 13] AS type) t ON true
WHERE r.status = 'under_support' AND r.region_id = :region
"""


def add_appeals(region_id: int, wanted: int) -> None:
    have = db.session.scalar(text("SELECT count(*) FROM casework_appeal"))
    if have:
        print(f"appeals: {have:,} already there", flush=True)
        return
    supported = db.session.scalar(text("SELECT count(*) FROM casework_record WHERE status = 'under_support'"))
    per_record = max(1, round(wanted / max(1, supported)))
    with db.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        count = conn.execute(text(APPEALS), {"region": region_id, "per_record": per_record}).rowcount
    registry_bench.count_totals()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE casework_appeal"))
    print(f"appeals: {count:,} added", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--appeals", type=int, default=1_000_000)
    options = parser.parse_args()
    registry_bench.TARGET_MS = TARGET_MS
    with tempfile.TemporaryDirectory() as folder:
        app = registry_bench.build_app(folder, reuse=True)
        print(f"{date.today().isoformat()}: case work monitoring benchmark", flush=True)
        with app.app_context():
            region = db.session.scalar(db.select(Region).where(Region.code == "bench"))
            if region is None:
                sys.exit("run bench/casework.py first: it builds the registry this measures")
            add_appeals(region.id, options.appeals)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            sizes = {name: db.session.scalar(text(f"SELECT count(*) FROM {table}")) for name, table in (
                ("records", "casework_record"), ("assessments", "casework_assessment"),
                ("area scores", "casework_area_score"), ("appeals", "casework_appeal"))}
            print("data: " + ", ".join(f"{n:,} {name}" for name, n in sizes.items()), flush=True)
            services = list(db.session.scalars(text(
                "SELECT id FROM casework_service WHERE region_id = :r AND NOT is_resource_centre"), {"r": region.id}))
            admin = db.session.scalar(db.select(User).where(User.email == "admin@bench.example"))
            if admin is None:
                admin = registry_bench.person("admin@bench.example", region, "coordinator")
                admin.memberships.clear()
                admin.is_site_admin = True
                db.session.commit()
            code = region.code
        chance = random.Random(16)
        with app.test_request_context():
            from flask import url_for

            from plugins.casework.monitoring import periods
            from portal.kit import today

            with app.app_context():
                day = today(db.session.get(Region, region.id))
            quarter = periods.latest_complete_quarter(day).key
            year = str(day.year - 1)
            n = options.requests
            urls = {
                "baseline": [url_for("casework.imports", region_code=code)] * n,
                "region, quarter": [url_for("casework.monitoring", region_code=code, period=quarter)] * n,
                "region, year": [url_for("casework.monitoring", region_code=code, period=year)] * n,
                "service, quarter": [url_for("casework.service_monitoring", region_code=code,
                                             service_id=chance.choice(services), period=quarter) for _ in range(n)],
                "rating, quarter": [url_for("casework.monitoring_rating", region_code=code, period=quarter)] * n,
                "country, quarter": [url_for("casework.country_monitoring", region_code=code, period=quarter)] * n,
            }
        centre = app.test_client()
        assert centre.post("/login", data={"email": "centre@bench.example",
                                           "password": registry_bench.PASSWORD}).status_code in (302, 303)
        country = app.test_client()
        assert country.post("/login", data={"email": "admin@bench.example",
                                            "password": registry_bench.PASSWORD}).status_code in (302, 303)
        found = {}
        for name, pages in urls.items():
            client = country if name.startswith("country") else centre
            found[name] = registry_bench.measure(app, client, pages)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        baseline = found.pop("baseline")
        print(registry_bench.line("baseline: registry imports page", baseline, target=False))
        for name, figures in found.items():
            print(registry_bench.line(f"monitoring: {name}", figures, baseline))


if __name__ == "__main__":
    main()
