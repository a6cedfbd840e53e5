"""Test helpers: people in regions, signing in, and CSRF tokens for the test client."""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone

from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from itsdangerous import URLSafeTimedSerializer

from portal.accounts.passwords import hash_password
from portal.accounts.sessions import open_session
from portal.app.extensions import db
from portal.models import Membership, MembershipStatus, Municipality, Region, Role, User

PASSWORD = "correct horse battery"


class PortalClient(FlaskClient):
    """Adds a valid CSRF token to every POST unless ``csrf=False``, as a browser form would."""

    def open(self, *args, **kwargs):
        """Each request gets its own app context, as in production: `g` and the database
        session do not leak from the test (or from an earlier request) into the request."""
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        raw = secrets.token_hex(20)
        with self.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", raw)
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            data = dict(kwargs.pop("data", None) or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)

    def login_as(self, user: User, fresh: bool = True) -> PortalClient:
        """Signs in without the form (fast); tests of the form itself use it for real."""
        now = datetime.now(timezone.utc).timestamp()
        with self.application.test_request_context(environ_base=self.environ_base):
            identifier = _create_identifier()
        with self.application.app_context():  # the server-side session row, as a real sign-in opens it
            person = db.session.merge(user)
            record = open_session(person, user_agent="Werkzeug test client", address="127.0.0.1")
            session_id, self.user_session_id = person.get_id(), record.id
            db.session.commit()
            db.session.remove()
        with self.session_transaction() as sess:
            sess["_user_id"] = session_id
            sess["_fresh"] = fresh
            sess["_id"] = identifier
            sess["login_at"] = now
            sess["seen_at"] = now
            if fresh:
                sess["fresh_at"] = now
        return self


def make_region(code: str, name: str | None = None, municipalities=("Центр",)) -> Region:
    region = Region(code=code, name=name or code.title(), timezone="Europe/Moscow")
    region.municipalities = [Municipality(name=m) for m in municipalities]
    db.session.add(region)
    db.session.commit()
    return region


def make_user(email: str, roles: dict | None = None, *, status=MembershipStatus.active,
              site_admin: bool = False, name: str | None = None, locale: str = "ru") -> User:
    user = User(email=email, name=name or email.split("@")[0].title(), password_hash=hash_password(PASSWORD),
                session_token=secrets.token_hex(16), is_site_admin=site_admin, locale=locale,
                email_confirmed_at=datetime.now(timezone.utc).replace(tzinfo=None))
    for region, role_names in (roles or {}).items():
        for role in role_names:
            user.memberships.append(Membership(region=region, role=Role(role), status=status))
    db.session.add(user)
    db.session.commit()
    return user


def set_cookie_value(response, name: str) -> str:
    """The value a response sets for cookie ``name``; "" when none, or when it deletes the cookie.

    Only the attributes tell a deletion: the value itself is random (a remember-me cookie ends in
    a SHA-512 hex digest, which contains "1970" about once in 400 cookies).
    """
    for header in response.headers.getlist("Set-Cookie"):
        pair, *attributes = [part.strip() for part in header.split(";")]
        key, _, value = pair.partition("=")
        if key != name:
            continue
        attrs = {a.partition("=")[0].lower(): a.partition("=")[2] for a in attributes}
        if attrs.get("max-age") == "0" or "1970" in attrs.get("expires", "") or not value:
            continue
        return value
    return ""


def form_errors(html: str) -> list[str]:
    return re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)


def at_once(app, items, work) -> list[str]:
    """Runs ``work(item, start)`` in one thread per item and returns their outcomes.

    ``work`` loads what it needs (and commits, to give the connection back), calls ``start()``,
    where every thread waits for the others, then acts and returns its outcome: this is how
    many people pressing the same button at the same moment look to the database. Each thread
    has its own request context and session; anything ``work`` raises is the outcome
    ``"error: …"``, after a rollback.
    """
    import threading

    outcomes: list[str] = []
    start = threading.Barrier(len(items), timeout=60)  # a thread that failed before start() breaks it, never hangs

    def run(item):
        with app.test_request_context():
            try:
                outcomes.append(work(item, start.wait))
            except Exception as error:  # anything the work did not expect is a failure
                db.session.rollback()
                outcomes.append(f"error: {error!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return outcomes


def page_queries(app, client, url: str) -> int:
    """The SQL statements one GET of ``url`` makes (it must answer 200): what the query-count tests compare."""
    from sqlalchemy import event

    count = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args, **kwargs: count.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
        assert response.status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(count)


def killed_at(app, point: str, what: str, tmp_path, **args) -> None:
    """Runs ``tests.fault_worker`` (a real process on the test's database) until it reaches the pause point
    ``point`` (its writes flushed, its transaction open), then kills it with SIGKILL and reaps it.

    Waits for the point's signal file, not for a time: the deadline only ends a test whose child broke.
    """
    import json
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    db.session.commit()
    db.session.remove()  # nothing of this process holds a lock or a transaction meanwhile
    signal_file = Path(tmp_path) / f"paused-{point}"
    signal_file.unlink(missing_ok=True)
    env = dict(os.environ, PORTAL_PAUSE_AT=point, PORTAL_PAUSE_SIGNAL=str(signal_file), PORTAL_ENV="testing")
    url = db.engine.url.render_as_string(hide_password=False)
    child = subprocess.Popen([sys.executable, "-m", "tests.fault_worker", url, app.instance_path, what,
                              json.dumps(args)], env=env, cwd=Path(__file__).resolve().parent.parent,
                             stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not signal_file.exists():
        if child.poll() is not None:
            raise AssertionError(f"the worker ended before {point}: {child.stderr.read().decode()[-3000:]}")
        if time.monotonic() > deadline:
            child.kill()
            raise AssertionError(f"the worker never reached {point}")
        time.sleep(0.02)
    assert int(signal_file.read_text()) == child.pid
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL
    child.stderr.close()
