"""Pages under gunicorn, driven by wrk: requests per second next to a bare Flask route in the same run.

    apt-get install wrk; pip install gunicorn        # (the production extra has gunicorn)
    python bench/web.py                              # SQLite in a temporary folder
    python bench/web.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_web_bench
    ... bench/web.py --tree /tmp/portal-before       # an older checkout served too: before / after, same run
    ... bench/web.py --scale region                  # the demo at scale (portal demo --scale; PostgreSQL)
    ... bench/web.py --rounds 3                      # every page three times: median ratios (a shared machine)

Fills a fresh database with the demo data (every plugin's), serves the portal with gunicorn (2 sync workers,
production settings) and, under the same gunicorn settings, a bare Flask route (bench/bare_app.py) and the portal's
floors (bench/floor_app.py: a signed-in region request that answers "ok", and one with the layout and nothing on
it: what every such page pays before its own work). The database is ANALYZEd after the load, as autovacuum would
have it. Signs in as each role as a browser does (CSRF token, cookies), then drives each main page with wrk (2
threads, 4 connections, ``--seconds`` each, the signing-in browser's User-Agent: the session is bound to it, and a
session refused answers a 302 that wrk would count as served, so each page must also answer 200 before and after
its run) and prints per page: requests/s, its ratio to the bare route's, latency p50 / p95 / p99 (wrk's) and the
queries per request (counted in-process with the test client on the same database). The bare route is measured
before and after the pages: the machine is shared, quote the ratios. On these machines the same page's ratio swings
by a third between runs minutes apart: ``--rounds N`` drives everything N times, each round's ratios to its own bare
route, and prints the median with every round's. Target: every main page ≥ 0.15× the bare route
(issue 17). With ``--tree`` another checkout (say the commit before a change, ``git archive`` into a folder,
catalogues compiled) is served on the same database with the same settings and each page is driven on both, one
after the other, so the two ratios share the machine's load.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.races import PASSWORD, ROOT, Client, NoRedirect, free_port, prepare, serve  # noqa: E402

REGION = "belgorod"
TARGET = 0.15
# (who, path): the main pages each role opens first; None is a visitor who is not signed in.
PAGES = [
    (None, "/"),
    ("graduate", f"/{REGION}/"),
    ("graduate", f"/{REGION}/social_hotel/"),
    ("graduate", f"/{REGION}/graduate_clubs/"),
    ("mentor", f"/{REGION}/mentorship/"),
    ("volunteer@smolensk", "/smolensk/volunteer_festivals/"),  # Belgorod does not run festivals
    ("coordinator", f"/{REGION}/"),
    ("coordinator", f"/{REGION}/mentorship/board"),
    ("coordinator", f"/{REGION}/social_hotel/chart"),
    ("specialist", f"/{REGION}/casework/records"),
    ("specialist", f"/{REGION}/casework/assessments/due"),
    ("region_admin", f"/{REGION}/admin/audit"),
    ("region_admin", f"/{REGION}/admin/members"),
]
#: Whose session drives the floor: a signed-in region page with the layout and nothing on it (bench/floor_app.py).
FLOOR_WHO = "coordinator"
FLOORS = [("bench-session", "the session resumed, 'ok'"), ("bench-floor", "the layout with nothing on it")]
SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.timeout
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f\\n", summary.requests, errors,
           latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
  io.write(string.format("RATE %.1f\\n", summary.requests / (summary.duration / 1e6)))
end
"""


#: wrk speaks as the browser that signed in: Flask-Login's "strong" session protection binds a session to the
#: client's address and User-Agent, and refuses (ends) it when another one brings its cookie.
USER_AGENT = "Python-urllib/%d.%d" % sys.version_info[:2]


def status_of(url: str, cookie: str) -> int:
    """The page's status for this cookie, as wrk will send it (no redirect followed)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    try:
        with urllib.request.build_opener(NoRedirect()).open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def drive(url: str, cookie: str, seconds: int, script: str) -> dict:
    """wrk on one page; the page must answer 200 before and after (a refused session answers 302 to the
    sign-in page, which wrk would count as served)."""
    before = status_of(url, cookie)
    command = ["wrk", "-t2", "-c4", f"-d{seconds}s", "-s", script, "-H", f"User-Agent: {USER_AGENT}", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = next(line.split() for line in out.splitlines() if line.startswith("RESULT"))
    rate = next(float(line.split()[1]) for line in out.splitlines() if line.startswith("RATE"))
    after = status_of(url, cookie)
    return {"requests": int(result[1]), "errors": int(result[2]), "p50": float(result[3]),
            "p95": float(result[4]), "p99": float(result[5]), "rate": rate,
            "status": before if before != 200 else after}


def email_of(who: str) -> str:
    """The demo account: "coordinator" is Belgorod's, "volunteer@smolensk" Smolensk's."""
    role, _, region = who.partition("@")
    return f"{role}@{region or REGION}.demo"


def cookie_of(client: Client) -> str:
    jar = next(h for h in client.opener.handlers if hasattr(h, "cookiejar")).cookiejar
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def queries_per_page(env: dict) -> dict:
    """Each page's SQL statements, counted in-process (the test client, signed in as each role)."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "PORTAL_ENV")})
    from portal import create_app
    from portal.app.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        engine = db.engine
    counts, clients = {}, {}
    for who, path in PAGES:
        if who not in clients:
            clients[who] = app.test_client()
            if who:
                clients[who].post("/login", data={"email": email_of(who), "password": PASSWORD})
        client = clients[who]
        client.get(path)  # warm
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        response = client.get(path)
        event.remove(engine, "before_cursor_execute", count)
        counts[(who, path)] = (len(statements), response.status_code, len(response.data))
    return counts


def drive_round(bare_port: int, floor_port: int, bases: dict, cookies: dict, seconds: int, script: str) -> dict:
    """The bare route, the floors, every page (on each tree, one after the other), the bare route again: each
    page's ratio is taken to the bare route of its own round, so a machine that slows down between rounds moves
    the bare route with it."""
    bare = [drive(f"http://127.0.0.1:{bare_port}/", "", seconds, script)]
    floors = {page: drive(f"http://127.0.0.1:{floor_port}/{REGION}/{page}", cookies[("now", FLOOR_WHO)], seconds,
                          script) for page, _what in FLOORS}
    pages = {(tree, who, path): drive(bases[tree] + path, cookies[(tree, who)], seconds, script)
             for who, path in PAGES for tree in reversed(list(bases))}
    bare.append(drive(f"http://127.0.0.1:{bare_port}/", "", seconds, script))
    return {"bare": bare, "bare_rate": statistics.mean(run["rate"] for run in bare), "runs": {**floors, **pages}}


def median_of(rounds: list[dict], key) -> tuple[float, dict, list[float]]:
    """The median ratio to the bare route over the rounds, the run that gave it (its req/s and latencies are
    printed) and every round's ratio."""
    ratios = [found["runs"][key]["rate"] / found["bare_rate"] for found in rounds]
    ranked = sorted(range(len(rounds)), key=lambda number: ratios[number])
    middle = ranked[(len(ranked) - 1) // 2]
    return statistics.median(ratios), rounds[middle]["runs"][key], ratios


def failed(rounds: list[dict], key) -> str:
    """Any round's errors or status other than 200, said once."""
    for found in rounds:
        run = found["runs"][key]
        if run["errors"] or run["status"] != 200:
            return f" ({run['errors']} errors, status {run['status']})"
    return ""


def report(rounds: list[dict], counts: dict, options, database_url: str) -> None:
    engine_name = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(f"{date.today().isoformat()}: pages under gunicorn (2 workers, {engine_name}, {options.scale} data), "
          f"wrk 2 threads × 4 connections × {options.seconds} s, {len(rounds)} round(s); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bare = ", ".join(f"{run['rate']:,.0f}" for found in rounds for run in found["bare"])
    print(f"bare Flask route, before and after each round: {bare} req/s (p50 {rounds[0]['bare'][0]['p50']:.1f} ms)")
    spread = len(rounds) > 1
    if spread:
        print("× bare is the median of the rounds' ratios (each to its own round's bare route), every round's "
              "in brackets; req/s and latencies are the median round's")
    print(f"{'who':<19}{'page':<36}{'req/s':>8}{'× bare':>8}{'p50':>8}{'p95':>8}{'p99':>8}"
          f"{'queries':>9}{'KiB':>6}")
    if options.tree:
        print(f"each page twice: first the other tree ({options.tree}, its ratio in the last column), then this one")
    print(f"floors (bench/floor_app.py, {FLOOR_WHO}): what a signed-in region page pays before its own work")

    def each(ratios: list[float]) -> str:
        return " [" + " ".join(f"{ratio:.3f}" for ratio in ratios) + "]" if spread else ""

    for page, what in FLOORS:
        ratio, run, ratios = median_of(rounds, page)
        print(f"{'floor':<19}{what:<36}{run['rate']:>8,.0f}{ratio:>8.3f}{run['p50']:>7.1f}"
              f"{run['p95']:>8.1f}{run['p99']:>8.1f}{'':>15}{each(ratios)}{failed(rounds, page)}")
    for who, path in PAGES:
        ratio, run, ratios = median_of(rounds, ("now", who, path))
        queries, status, size = counts[(who, path)]
        trouble = failed(rounds, ("now", who, path)) or ("" if status == 200 else f" (status {status})")
        verdict = ("OK" if ratio >= TARGET and not trouble else "MISSES") + trouble + each(ratios)
        if options.tree:
            before, _run, before_ratios = median_of(rounds, ("tree", who, path))
            verdict += f"  before {before:.3f}{each(before_ratios)}{failed(rounds, ('tree', who, path))}"
        print(f"{who or 'visitor':<19}{path:<36}{run['rate']:>8,.0f}{ratio:>8.3f}{run['p50']:>7.1f}"
              f"{run['p95']:>8.1f}{run['p99']:>8.1f}{queries:>9}{size / 1024:>6.0f}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=None, help="another checkout to serve and drive too")
    parser.add_argument("--scale", choices=["demo", "region", "country"], default="demo")
    parser.add_argument("--rounds", type=int, default=1,
                        help="drive every page this many times, the bare route around each round; medians printed")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    with tempfile.TemporaryDirectory() as folder, tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(SCRIPT)
        script.flush()
        database_url = options.database_url or f"sqlite:///{folder}/web.sqlite3"
        env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=database_url, SECRET_KEY="bench-web",
                   PORTAL_ENV="production", PORTAL_RATELIMIT_STORAGE_URI="memory://")
        for name in ("PORTAL_SMTP_HOST", "PORTAL_REDIS_URL"):
            env.pop(name, None)
        prepare(ROOT, env, database_url)
        if options.scale != "demo":
            subprocess.run([sys.executable, "-m", "portal.app.cli", "demo", "--scale", options.scale, "--password",
                            PASSWORD], cwd=ROOT, env=dict(env, PORTAL_ENV="development"), check=True,
                           stdout=subprocess.DEVNULL)
        counts = queries_per_page(env)
        portal_port, bare_port, other_port, floor_port = free_port(), free_port(), free_port(), free_port()
        servers = [serve(ROOT, env, portal_port, workers=2), serve(ROOT, env, bare_port, workers=2,
                                                                   app="bench.bare_app:app"),
                   serve(ROOT, env, floor_port, workers=2, app="bench.floor_app:app")]
        if options.tree:
            servers.append(serve(options.tree, dict(env, PYTHONPATH=str(options.tree)), other_port, workers=2))
        try:
            bases = {"now": f"http://127.0.0.1:{portal_port}"}
            if options.tree:
                bases["tree"] = f"http://127.0.0.1:{other_port}"
            cookies = {(tree, None): "" for tree in bases}
            for tree, base in bases.items():
                for who in {who for who, _ in PAGES if who}:
                    cookies[(tree, who)] = cookie_of(Client(base).sign_in(email_of(who)))
            rounds = [drive_round(bare_port, floor_port, bases, cookies, options.seconds, script.name)
                      for _ in range(options.rounds)]
        finally:
            for server in servers:
                os.killpg(server.pid, 15)
                server.wait()
    report(rounds, counts, options, database_url)


if __name__ == "__main__":
    main()
