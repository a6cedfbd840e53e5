"""A request that only read ends with COMMIT on PostgreSQL (its statements stay prepared); any other with ROLLBACK."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select, text, update

from portal.app.extensions import db
from portal.models import Region


@pytest.fixture
def ends(app):
    """How each transaction of the test ended, in order: "commit" or "rollback"."""
    if app.config["PORTAL_DATABASE_KIND"] != "postgresql":
        pytest.skip("psycopg's prepared statements; SQLite is left as it was")
    seen: list[str] = []
    listeners = [("commit", lambda _conn: seen.append("commit")), ("rollback", lambda _conn: seen.append("rollback"))]
    for name, listener in listeners:
        event.listen(db.engine, name, listener)
    yield seen
    for name, listener in listeners:
        event.remove(db.engine, name, listener)


def _in_own_context(app, work) -> None:
    """``work`` in an app context of its own, ended (torn down) as a request's is."""
    with app.app_context():
        work()


def _region_name(app, code: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Region.name).where(Region.code == code))


def test_a_page_that_only_reads_ends_with_commit_and_its_statements_are_prepared(app, client, people, ends):
    client.login_as(people["coordinator"])
    for _ in range(7):  # psycopg prepares a statement at its sixth run on a connection
        assert client.get("/belgorod/contacts").status_code == 200
    assert ends and set(ends) == {"commit"}

    prepared = []

    def count_prepared():
        connection = db.session.connection()
        prepared.append(connection.connection.driver_connection.prepare_threshold)
        prepared.append(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))

    for _ in range(15):  # the pool's connections in turn: at least the last one served the page often enough
        _in_own_context(app, count_prepared)
    assert prepared[0] == 5 and max(prepared[1::2]) >= 1


def test_a_write_left_uncommitted_is_rolled_back(app, regions, ends):
    name = _region_name(app, "belgorod")
    _in_own_context(app, lambda: db.session.execute(update(Region).where(Region.code == "belgorod")
                                                    .values(name="Written, never committed")))
    assert ends[-1] == "rollback" and _region_name(app, "belgorod") == name


def test_a_change_left_in_the_session_is_not_flushed_by_the_commit(app, regions, ends):
    name = _region_name(app, "belgorod")

    def change_unflushed():
        region = db.session.scalar(select(Region).where(Region.code == "belgorod"))
        region.name = "Changed in memory"

    _in_own_context(app, change_unflushed)
    assert ends[-1] == "rollback" and _region_name(app, "belgorod") == name


def test_a_statement_that_failed_ends_with_rollback_not_an_error(app, regions, ends):
    def fail_and_go_on():
        with pytest.raises(Exception):
            db.session.execute(text("SELECT 1 / 0"))

    _in_own_context(app, fail_and_go_on)  # the teardown neither raises nor commits
    assert ends[-1] == "rollback"
    assert _region_name(app, "belgorod") == regions["belgorod"].name
