"""Racing staff over HTTP: two confirmations of one request, and a confirmation racing a cancellation.

Starts the portal under gunicorn with 4 workers on a fresh database with the demo data, then,
as real clients do (sign-in, CSRF tokens, cookies):

- 20 stay requests, each confirmed by two staff at the same moment onto two different beds;
- 20 confirmed by a specialist while the graduate cancels them at the same moment.

It prints how many requests were confirmed twice, how many beds are held by no stay, and how
many requests ended otherwise than the people were told (both may succeed one after the other:
confirmed, then cancelled); every figure is 0 when state changes hold their rows. ``--tree`` runs another checkout of Portal (an older commit, for a baseline
measured in the same run).

    pip install gunicorn                                    # (the production extra has it)
    python bench/races.py                                   # SQLite in a temporary folder
    python bench/races.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-races-2026"
REGION = "belgorod"
PAIRS = 20


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One person's browser: cookies, the CSRF token of the last form, no automatic redirects."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")

    def token(self, path: str) -> tuple[str, str]:
        status, page, _ = self.request(path)
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page)
        if status != 200 or not found:
            raise RuntimeError(f"no form at {path}: {status}")
        return found.group(1), page

    def sign_in(self, email: str) -> "Client":
        token, _ = self.token("/login")
        status, _, _ = self.request("/login", {"csrf_token": token, "email": email, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"could not sign in as {email}: {status}")
        return self

    def flash(self, path: str) -> str:
        """The category of the message the person was shown after a redirect: success, error or info."""
        _, page, _ = self.request(path)
        found = re.search(r'<p class="flash (\w+)">', page)
        return found.group(1) if found else ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli_module(tree: Path) -> str:
    return "portal.app.cli" if (tree / "portal" / "app" / "cli.py").exists() else "portal.cli"


def prepare(tree: Path, env: dict, database_url: str) -> None:
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    loading = dict(env, PORTAL_ENV="development")  # the demo's known password belongs to development
    for command in (["db", "upgrade"], ["demo", "--password", PASSWORD]):
        subprocess.run([sys.executable, "-m", cli_module(tree), *command], cwd=tree, env=loading, check=True,
                       stdout=subprocess.DEVNULL)
    if engine.dialect.name == "postgresql":
        # The planner's figures, as autovacuum keeps them within a minute or so of a load: without them a page
        # that was just filled is planned as if its tables were empty (the coordinator's dashboard 18 ms -> 9).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
        engine.dispose()


def serve(tree: Path, env: dict, port: int, workers: int = 4, app: str = "portal:create_app()") -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                               "--timeout", "120", app], cwd=tree, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def at_once(*calls) -> list:
    """Each call in its own thread, released together; their answers in order."""
    start = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, call):
        start.wait()
        answers[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def ask_for_stays(graduate: Client, count: int) -> None:
    first = date.today() + timedelta(days=400)  # far from the demo's stays: every bed is free
    for n in range(count):
        token, page = graduate.token(f"/{REGION}/social_hotel/request")
        hotel = re.search(r'<option[^>]*value="(\d+)"', page.split('name="hotel"', 1)[1]).group(1)
        arrival = first + timedelta(days=3 * n)
        status, _, _ = graduate.request(f"/{REGION}/social_hotel/request", {
            "csrf_token": token, "hotel": hotel, "arrival": arrival.isoformat(),
            "departure": (arrival + timedelta(days=2)).isoformat(), "reason": "bench"})
        if status != 302:
            raise RuntimeError(f"request {n}: {status}")


def beds_of(staff: Client, stay_id: int) -> tuple[str, list[str]]:
    token, page = staff.token(f"/{REGION}/social_hotel/stays/{stay_id}")
    select = page.split('name="bed"', 1)[1].split("</select>", 1)[0]
    return token, re.findall(r'value="(\d+)"', select)


def measure(tree: Path, database_url: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), DATABASE_URL=database_url, SECRET_KEY="bench-races",
               PORTAL_ENV="production", PORTAL_RATELIMIT_STORAGE_URI="memory://")
    env.pop("PORTAL_SMTP_HOST", None)
    prepare(tree, env, database_url)
    port = free_port()
    server = serve(tree, env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        graduate = Client(base).sign_in(f"graduate@{REGION}.demo")
        specialist = Client(base).sign_in(f"specialist@{REGION}.demo")
        coordinator = Client(base).sign_in(f"coordinator@{REGION}.demo")
        engine = create_engine(database_url)
        with engine.connect() as conn:
            before = set(conn.scalars(text("select id from social_hotel_stay")))
        ask_for_stays(graduate, 2 * PAIRS)
        with engine.connect() as conn:
            stays = sorted(set(conn.scalars(text("select id from social_hotel_stay"))) - before)
        double, racing = stays[:PAIRS], stays[PAIRS:]
        told = {}
        for stay_id in double:
            first_token, beds = beds_of(specialist, stay_id)
            second_token, _ = beds_of(coordinator, stay_id)
            path = f"/{REGION}/social_hotel/stays/{stay_id}/act/confirm"
            told[stay_id] = at_once(
                lambda: specialist.request(path, {"csrf_token": first_token, "bed": beds[0]})[0],
                lambda: coordinator.request(path, {"csrf_token": second_token, "bed": beds[1]})[0])
        cancel_told = {}
        for stay_id in racing:
            token, beds = beds_of(specialist, stay_id)
            graduate_token, _ = graduate.token(f"/{REGION}/social_hotel/")
            confirmed, _cancel = at_once(
                lambda: specialist.request(f"/{REGION}/social_hotel/stays/{stay_id}/act/confirm",
                                           {"csrf_token": token, "bed": beds[0]})[0],
                lambda: graduate.request(f"/{REGION}/social_hotel/stays/{stay_id}/cancel",
                                         {"csrf_token": graduate_token})[0])
            cancel_told[stay_id] = (confirmed, graduate.flash(f"/{REGION}/social_hotel/"))
        with engine.connect() as conn:
            status = dict(conn.execute(text("select id, status from social_hotel_stay")).all())
            orphans = conn.scalar(text(
                "select count(*) from reservation_claim c join reservation_resource r on r.id = c.resource_id "
                "where r.owner = 'social_hotel' and c.status = 'held' "
                "and c.id not in (select claim_id from social_hotel_stay where claim_id is not null)"))
            held_by_cancelled = conn.scalar(text(
                "select count(*) from social_hotel_stay s join reservation_claim c on c.id = s.claim_id "
                "where c.status = 'held' and s.status in ('cancelled', 'rejected', 'no_show')"))
        engine.dispose()
        twice = sum(1 for answers in told.values() if answers.count(302) == 2)
        wrong = 0
        for stay_id, (staff_answer, graduate_flash) in cancel_told.items():
            final = status[stay_id]
            staff_says_confirmed = staff_answer == 302
            graduate_says_cancelled = graduate_flash == "success"
            if os.environ.get("RACES_VERBOSE"):
                print(f"    stay {stay_id}: staff {staff_answer}, graduate {graduate_flash or '-'}, ended {final}")
            # Both may succeed, one after the other (confirmed, then cancelled); what must never be is a
            # graduate told "cancelled" whose stay is not, staff told "confirmed" of a stay that never was,
            # or nobody getting what they asked for.
            if graduate_says_cancelled and final != "cancelled" \
                    or staff_says_confirmed and final not in ("confirmed", "cancelled") \
                    or not staff_says_confirmed and not graduate_says_cancelled:
                wrong += 1
        return {"confirmed twice": twice, "beds held by no stay": orphans,
                "cancelled stays holding a bed": held_by_cancelled, "told otherwise than it ended": wrong}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--tree", action="append", default=None,
                        help="a checkout of Portal to measure (repeat to compare; default: this one)")
    args = parser.parse_args()
    trees = [Path(t).resolve() for t in (args.tree or [str(ROOT)])]
    print(f"{date.today().isoformat()}: gunicorn -w 4, {PAIRS} requests confirmed twice at once, "
          f"{PAIRS} confirmed while cancelled")
    for tree in trees:
        with tempfile.TemporaryDirectory() as folder:
            url = args.database_url or f"sqlite:///{folder}/races.sqlite3"
            started = time.perf_counter()
            figures = measure(tree, url)
            commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True).stdout.strip()
            print(f"  {tree.name} ({commit}, {url.split(':', 1)[0].split('+')[0]}): "
                  + ", ".join(f"{name} {value} of {PAIRS}" if name != "beds held by no stay" else f"{name} {value}"
                              for name, value in figures.items())
                  + f" ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
