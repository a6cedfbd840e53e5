"""Every main page in-process on the country data: p50 / p95, bytes and queries, next to a bare route (issue 17).

    PORTAL_ENV=development DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/country \\
        portal db upgrade && portal demo --scale country          # once: 85 regions, 100,000 graduates
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/country python bench/pages.py [--runs 40]
    ... python bench/pages.py --only board --runs 100               # the pages whose path or who holds "board"

Serves the portal with production settings (PORTAL_ENV=production, CSRF and rate limits off) through the
Flask test client in this process, on the database ``portal demo --scale country`` (or ``--scale region``)
filled. Signs in through the login form as the big region's (Belgorod's: 10,000 graduates, 2,000 mentors)
people of each role, the demo's and a crowd graduate's and mentor's with a year of stays, clubs and a
mentorship, and Smolensk's for the plugins Belgorod does not run (festivals; training apartments there too).
Each page is asked twice to warm, then ``--runs`` times: wall time p50 / p95 / max, the Python process's
CPU, the SQL statements (min-max over the runs), and the response's size. In the same run, before and after
the pages: a bare route added to the same app (no template, no database: the floor of Flask and the portal's
request hooks for a visitor) and, signed in, the notifications page (the fixed cost of a signed-in request:
session, person, region, navigation, layout). Target: p95 <= 100 ms on every page with the country's data,
and the same queries on the demo (tests/portal/test_pages_at_scale.py). The machine is shared: the load
average is printed, compare pages with the baselines of the same run.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import event, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import create_app  # noqa: E402
from portal.accounts.crowd import crowd_email  # noqa: E402
from portal.accounts.demo import DEFAULT_PASSWORD  # noqa: E402
from portal.app.extensions import db  # noqa: E402
from portal.models import AuditEvent, Region, User  # noqa: E402

TARGET_MS = 100
BIG, OTHER = "belgorod", "smolensk"
CROWD_GRADUATE = crowd_email("graduate", 0, BIG)  # paired with a mentor, hotel stays, a club (plugins' crowds)
CROWD_MENTOR = crowd_email("mentor", 0, BIG)
HTMX = {"HX-Request": "true", "HX-Target": "suggestions"}


def pages(waiting_graduate: int) -> list[tuple[str | None, str, dict]]:
    """(who signs in, path, headers): each role's dashboard, the core's pages and each plugin's list pages."""
    b, s = f"/{BIG}", f"/{OTHER}"
    demo = lambda role, region=BIG: f"{role}@{region}.demo"  # noqa: E731
    rows = [(None, "/"),
            *[(demo(role), f"{b}/") for role in ("graduate", "mentor", "volunteer", "specialist", "coordinator",
                                                  "region_admin")],
            (CROWD_GRADUATE, f"{b}/"), (CROWD_MENTOR, f"{b}/"),
            # social hotel
            (demo("graduate"), f"{b}/social_hotel/"), (CROWD_GRADUATE, f"{b}/social_hotel/"),
            (demo("coordinator"), f"{b}/social_hotel/"), (demo("coordinator"), f"{b}/social_hotel/chart"),
            (demo("coordinator"), f"{b}/social_hotel/stats"),
            # graduate clubs
            (demo("graduate"), f"{b}/graduate_clubs/"), (CROWD_GRADUATE, f"{b}/graduate_clubs/"),
            (CROWD_GRADUATE, f"{b}/graduate_clubs/my"), (demo("specialist"), f"{b}/graduate_clubs/"),
            (demo("volunteer"), f"{b}/graduate_clubs/volunteering"), (demo("coordinator"), f"{b}/graduate_clubs/stats"),
            # mentorship
            (demo("mentor"), f"{b}/mentorship/"), (CROWD_MENTOR, f"{b}/mentorship/"),
            (CROWD_GRADUATE, f"{b}/mentorship/"), (demo("coordinator"), f"{b}/mentorship/board"),
            (demo("coordinator"), f"{b}/mentorship/board?page=20"),
            (demo("coordinator"), f"{b}/mentorship/board/mentors"),
            (demo("coordinator"), f"{b}/mentorship/mentorships"),
            # case work
            (demo("specialist"), f"{b}/casework/records"),
            (demo("coordinator"), f"{b}/casework/records"), (demo("coordinator"), f"{b}/casework/records/ageing-out"),
            (demo("coordinator"), f"{b}/casework/appeals"), (demo("coordinator"), f"{b}/casework/appeals/overdue"),
            (demo("coordinator"), f"{b}/casework/assessments/due"), (demo("coordinator"), f"{b}/casework/consilia"),
            (demo("coordinator"), f"{b}/casework/services"), (demo("coordinator"), f"{b}/casework/monitoring"),
            # training apartments, volunteer festivals (Smolensk runs both)
            (demo("specialist", OTHER), f"{s}/training_apartments/"),
            (demo("specialist", OTHER), f"{s}/training_apartments/monitoring"),
            (demo("volunteer", OTHER), f"{s}/volunteer_festivals/"),
            (demo("specialist", OTHER), f"{s}/volunteer_festivals/"),
            (demo("volunteer", OTHER), f"{s}/volunteer_festivals/my"),
            (demo("specialist", OTHER), f"{s}/volunteer_festivals/figures"),
            # the core's region pages
            (demo("region_admin"), f"{b}/admin/audit"), (demo("region_admin"), f"{b}/admin/audit?page=20"),
            (demo("region_admin"), f"{b}/admin/members"), (demo("coordinator"), f"{b}/members/pending"),
            (demo("region_admin"), f"{b}/institutions")]
    found = [(who, path, {}) for who, path in rows]
    board = (demo("coordinator"), f"{b}/mentorship/board/graduates/{waiting_graduate}", HTMX)
    found.insert(next(n for n, row in enumerate(found) if row[1].endswith("/board/mentors")), board)
    return found


class Counter:
    def __init__(self, engine):
        self.engine, self.n = engine, 0

    def __enter__(self):
        self.n = 0
        event.listen(self.engine, "before_cursor_execute", self._add)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._add)

    def _add(self, *args):
        self.n += 1


def measure(engine, client, path: str, headers: dict, runs: int) -> dict:
    for _ in range(2):
        client.get(path, headers=headers)
    times, cpu, queries, sizes, statuses = [], [], [], [], set()
    for _ in range(runs):
        with Counter(engine) as counted:
            started, used = time.perf_counter(), time.process_time()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
        statuses.add(response.status_code)
        queries.append(counted.n)
        sizes.append(len(response.data))
    ordered = sorted(times)
    return {"p50": statistics.median(times), "p95": ordered[max(0, round(len(ordered) * 0.95) - 1)],
            "max": ordered[-1], "cpu": statistics.median(cpu), "queries": (min(queries), max(queries)),
            "kib": statistics.median(sizes) / 1024, "statuses": statuses}


def line(who: str, path: str, found: dict, target: bool = True) -> str:
    low, high = found["queries"]
    queries = f"{low}" if low == high else f"{low}-{high}"
    verdict = ""
    if target:
        verdict = "OK" if found["p95"] <= TARGET_MS else "MISSES"
    if found["statuses"] != {200}:
        verdict += f" status {sorted(found['statuses'])}"
    return (f"{who:<34}{path:<46}{found['p50']:>7.1f}{found['p95']:>8.1f}{found['max']:>8.1f}{found['cpu']:>7.1f}"
            f"{queries:>8}{found['kib']:>8.1f}  {verdict}")


def waiting_graduate() -> int:
    """A crowd graduate of the big region who waits for a mentor (the board's first, as a coordinator opens it)."""
    from plugins.mentorship import pairs

    region = db.session.scalar(select(Region).where(Region.code == BIG))
    return db.session.scalars(pairs.waiting_query(region, None, None).limit(1)).one().user_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", default="", help="measure only the pages whose path or person holds this")
    parser.add_argument("--password", default=DEFAULT_PASSWORD)
    options = parser.parse_args()
    if not options.database_url.startswith("postgresql"):
        sys.exit("give --database-url (or DATABASE_URL) of a PostgreSQL database `portal demo --scale` filled")
    for name in ("PORTAL_REDIS_URL", "PORTAL_SMTP_HOST"):
        os.environ.pop(name, None)
    app = create_app({"PORTAL_ENV": "production", "SECRET_KEY": "bench-pages", "DATABASE_URL": options.database_url,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    app.add_url_rule("/_bench/bare", "bench_bare", lambda: "ok")
    with app.app_context():
        engine = db.engine
        figures = {"graduates": "SELECT count(*) FROM membership WHERE role = 'graduate'",
                   "mentors": "SELECT count(*) FROM membership WHERE role = 'mentor'",
                   "regions": "SELECT count(*) FROM region"}
        sizes = {name: db.session.scalar(text(sql)) for name, sql in figures.items()}
        sizes["audit events"] = db.session.scalar(select(func.count()).select_from(AuditEvent))
        big = db.session.scalar(select(Region).where(Region.code == BIG))
        sizes["big region's graduates"] = db.session.scalar(text(
            "SELECT count(*) FROM membership WHERE role = 'graduate' AND region_id = :r"), {"r": big.id})
        server = db.session.scalar(text("SHOW server_version"))
        waiting = waiting_graduate()
        if not db.session.scalar(select(User.id).where(User.email == CROWD_GRADUATE)):
            sys.exit("no crowd in Belgorod: run `portal demo --scale country` (or region) on this database first")
        db.session.remove()
    wanted = [row for row in pages(waiting) if options.only in row[1] or options.only in (row[0] or "")]
    clients = {}
    for who in dict.fromkeys(who for who, _path, _h in wanted):
        client = clients[who] = app.test_client()
        if who:
            response = client.post("/login", data={"email": who, "password": options.password})
            assert response.status_code in (302, 303), (who, response.status_code)
    if not clients.get(None):
        clients[None] = app.test_client()
    signed = next((who for who in clients if who and who.endswith(f"@{BIG}.demo")), None)
    if signed is None:
        signed = f"coordinator@{BIG}.demo"
        clients[signed] = app.test_client()
        clients[signed].post("/login", data={"email": signed, "password": options.password})
    load_before = os.getloadavg()
    began = datetime.now(timezone.utc)
    bases = [("bare route", None, "/_bench/bare"), ("signed-in notifications", signed, "/notifications")]
    baseline = [measure(engine, clients[who], path, {}, options.runs) for _name, who, path in bases]
    results = [(who, path, measure(engine, clients[who], path, headers, options.runs)) for who, path, headers in wanted]
    baseline += [measure(engine, clients[who], path, {}, options.runs) for _name, who, path in bases]
    load_after = os.getloadavg()
    print(f"{began:%Y-%m-%d %H:%M} UTC: pages in-process (Flask test client, production settings), PostgreSQL "
          f"{server}, {options.runs} runs each; load average {load_before[0]:.1f} → {load_after[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print("data: " + ", ".join(f"{count:,} {name}" for name, count in sizes.items()))
    print(f"{'who':<34}{'page':<46}{'p50':>7}{'p95':>8}{'max':>8}{'cpu':>7}{'queries':>8}{'KiB':>8}  (ms)")
    for n, (name, who, path) in enumerate(bases):
        print(line(f"baseline: {name}", path, baseline[n], target=False))
        print(line("  again after the pages", path, baseline[n + len(bases)], target=False))
    for who, path, found in results:
        print(line(who or "visitor", path, found))
    missing = [(who, path) for who, path, found in results if found["p95"] > TARGET_MS]
    print(f"{len(results) - len(missing)} of {len(results)} pages at p95 <= {TARGET_MS} ms"
          + (f"; missing: {', '.join(path for _who, path in missing)}" if missing else ""))


if __name__ == "__main__":
    main()
