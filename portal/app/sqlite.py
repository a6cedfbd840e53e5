"""SQLite, the embedded default, made to behave like PostgreSQL where it matters."""
from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


def _lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # ILIKE becomes lower() LIKE lower(): SQLite's own lower() knows only ASCII, so
    # a search for "новиков" would miss "Новиков".
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    # Foreign keys (and their ON DELETE rules) are enforced, as on PostgreSQL.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A writer waits for another's transaction to end (as a PostgreSQL row lock makes it wait), up to
    # 30 s, instead of failing with "database is locked" after Python's default 5 s on a busy machine.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
