"""Holding rows for the rest of a transaction, the same way on SQLite and PostgreSQL.

Two people changing the same thing at once (the places of an event, the mentees of a mentor)
must queue up: the second must see what the first committed before it counts and decides.
"""
from __future__ import annotations

from sqlalchemy import inspect, update

from portal.app.extensions import db


def hold(*rows) -> None:
    """Takes each row until the transaction ends, then reads it again as the database has it now.

    An UPDATE that changes nothing (the primary key set to itself) holds the row on PostgreSQL
    and takes SQLite's write lock; a second transaction doing the same waits for the first to
    commit. The refresh then gives what that one committed, not what was loaded before.

    :raises portal.services.refusals.Gone: a row was deleted meanwhile (someone else removed it).
    """
    for row in rows:
        mapper = inspect(row).mapper
        table = mapper.local_table
        key = mapper.primary_key[0]
        # Columns with an ``onupdate`` (updated_at) are set to themselves too: holding is not changing.
        kept = {column: column for column in table.columns if column.onupdate is not None}
        held = db.session.execute(update(table).where(key == getattr(row, key.key)).values({key: key, **kept})
                                  .execution_options(synchronize_session=False))
        if held.rowcount == 0:
            from portal.services.refusals import Gone  # here: refusals needs open_transaction from this module

            raise Gone()
    for row in rows:
        db.session.refresh(row)


def open_transaction() -> None:
    """Makes sure the session's connection is inside a transaction before a savepoint is taken.

    Python's sqlite3 driver begins a transaction only before a write; a SAVEPOINT taken with
    none open becomes the transaction itself, and releasing it commits at once, so a later
    rollback would no longer undo what was written under it. PostgreSQL always has one open.
    The SQLite transaction begins IMMEDIATE, taking the write lock now: one that read first and
    then waited to write would deadlock with another doing the same ("database is locked").
    """
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")
