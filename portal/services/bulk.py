"""Rows written by the thousand (the demo at a country's scale): one statement per batch, not one per row.

On PostgreSQL the rows go in by ``COPY … FROM STDIN`` on the session's connection (its transaction), the new
ids taken from the table's sequence first; elsewhere (SQLite), and for a table whose columns' defaults are SQL
expressions, one multi-row ``INSERT`` per batch. Either way the columns' Python defaults fill what a row leaves
out, the columns' types convert the values as an ``INSERT`` would, and no ORM events fire (as for a Core insert).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from itertools import islice

from sqlalchemy import insert, text

from portal.app.extensions import db

BATCH = 5_000
COPY_BATCH = 50_000


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def bulk_insert(model, rows: Iterable[dict], returning: bool = False, batch: int = BATCH) -> list[int]:
    """Insert ``rows`` (dicts of column values; the columns' defaults fill the rest) into ``model``'s table.

    With ``returning`` the new ids come back in the rows' order (for the rows that point at them);
    otherwise nothing is returned. Joins the caller's transaction.
    """
    table = model.__table__
    ids: list[int] = []
    copying = db.session.get_bind().dialect.name == "postgresql" and _copyable(table)
    for chunk in _batches(rows, max(batch, COPY_BATCH) if copying else batch):
        if copying and _same_keys(chunk) and not (returning and ("id" in chunk[0] or "id" not in table.c)):
            ids.extend(_copy(table, chunk, returning))
        elif returning:
            ids.extend(db.session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk).scalars())
        else:
            db.session.execute(insert(table), chunk)
    return ids


def _copyable(table) -> bool:
    """COPY fills defaults only from Python values or the server's own: a SQL-expression default needs INSERT."""
    return all(column.default is None or column.default.is_scalar or column.default.is_callable
               for column in table.columns)


def _same_keys(chunk: list[dict]) -> bool:
    keys = chunk[0].keys()
    return all(row.keys() == keys for row in chunk)


def _naive_utc(value):
    """The portal stores naive UTC (``portal.models._time``); an aware value is turned into it as the server would
    (its sessions run in UTC) — COPY's text form would drop the offset instead."""
    if value is not None and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _copy(table, chunk: list[dict], returning: bool) -> list[int]:
    connection = db.session.connection()
    dialect = connection.dialect
    given = list(chunk[0])
    columns = [table.c[key] for key in given]
    ids: list[int] = []
    if returning:
        ids = sorted(connection.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": len(chunk)}).scalars())
        columns.append(table.c.id)
    defaults = [column for column in table.columns
                if column.key not in given and column.default is not None and column is not table.c.get("id")]
    columns += defaults
    converters = [_converter(column, dialect) for column in columns]
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for n, row in enumerate(chunk):
                values = [row[key] for key in given]
                if returning:
                    values.append(ids[n])
                values += [column.default.arg if column.default.is_scalar else column.default.arg(None)
                           for column in defaults]
                copy.write_row([convert(value) for value, convert in zip(values, converters)])
    finally:
        cursor.close()
    return ids


def _converter(column, dialect):
    """A column's value as its type's bind processing makes it for an INSERT (enums by name, JSON wrapped)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    try:
        stamps = column.type.python_type is datetime
    except NotImplementedError:
        stamps = False
    if stamps:
        return (lambda value: process(_naive_utc(value))) if process else _naive_utc
    return process or (lambda value: value)
