"""The database goes away while the portal serves: a friendly page meanwhile, and service again after."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from portal.app.extensions import db
from tests.conftest import TEST_SETTINGS
from tests.helpers import PortalClient


def test_requests_fail_cleanly_while_the_database_does_not_answer(tmp_path):
    """No database at the address (PostgreSQL stopped): 503 with words, never a trace, in the person's language."""
    from portal import create_app

    down = create_app(dict(TEST_SETTINGS, DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/portal",
                           INSTANCE_PATH=str(tmp_path)))
    down.test_client_class = PortalClient
    client = down.test_client()
    for path in ("/", "/belgorod/", "/belgorod/contacts"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 503, (path, page[:300])
        assert response.headers["Retry-After"] == "30"
        assert "не отвечает" in page and "Traceback" not in page and "psycopg" not in page
    assert client.get("/login").status_code == 200  # a page that needs no database still opens
    response = client.post("/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 503 and "Traceback" not in response.get_data(as_text=True)
    response = client.post("/login", data={"email": "a@b.c", "password": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 503 and "<html" not in response.get_data(as_text=True)
    client.set_cookie("portal_lang", "en")
    assert "not answering" in client.get("/").get_data(as_text=True)


def test_the_portal_serves_again_after_a_database_restart(app, people):
    """A restart drops every connection of the pool; the next request gets a fresh one (pool_pre_ping)."""
    if app.config["PORTAL_DATABASE_KIND"] != "postgresql":
        pytest.skip("a PostgreSQL restart; SQLite has no server")
    client = app.test_client()
    client.login_as(people["coordinator"])
    assert client.get("/belgorod/").status_code == 200
    db.session.commit()
    with db.engine.connect() as conn:  # what a restart does to the portal's connections
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    db.session.remove()
    for _ in range(3):
        assert client.get("/belgorod/").status_code == 200
