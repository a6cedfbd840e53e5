"""A request that only read ends its transaction with COMMIT on PostgreSQL, so its statements stay prepared.

psycopg prepares a statement once a connection has run it five times, and then PostgreSQL no longer plans it
at every run (planning the session's statement cost it more than running it). But psycopg forgets every
prepared statement at each ROLLBACK, and Flask-SQLAlchemy ends every request with one: nothing was ever
prepared. For a transaction that ran nothing but SELECTs, COMMIT and ROLLBACK are the same to the server; a
request that wrote anything, left changes in the session, or met a database error still ends by ROLLBACK.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from portal.app.extensions import db

#: Set on the connection's info when its transaction ran anything but a SELECT (or a statement failed).
WROTE = "portal_wrote"


def _reads_only(statement: str) -> bool:
    return statement.lstrip()[:6].upper() == "SELECT"


def _begin(connection) -> None:
    connection.info[WROTE] = False


def _statement(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    if not _reads_only(statement):
        connection.info[WROTE] = True


def _error(context) -> None:
    try:
        context.connection.info[WROTE] = True
    except Exception:  # no connection, or one already invalidated: the teardown cannot commit on it either
        pass


def _end_read_only(error: BaseException | None) -> None:
    """Runs before Flask-SQLAlchemy's own teardown (teardowns run last registered first), which then
    finds no transaction to roll back."""
    session = db.session()
    if error is not None or not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    connection = session.connection()
    if connection.info.get(WROTE, True):
        return
    session.expire_on_commit = False  # the session is thrown away next: expiring what the page loaded is wasted
    try:
        session.commit()
    except Exception:  # e.g. the connection went away: Flask-SQLAlchemy's teardown, next, rolls back as before
        pass


def init_app(app: Flask) -> None:
    """After ``db.init_app``: the engine is there. Nothing changes on SQLite."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _statement)
    event.listen(engine, "handle_error", _error)
    app.teardown_appcontext(_end_read_only)
