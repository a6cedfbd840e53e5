"""Rows written by the thousand (the demo at a country's scale): one statement per batch, not one per row."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import insert

from portal.app.extensions import db

BATCH = 5_000


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def bulk_insert(model, rows: Iterable[dict], returning: bool = False, batch: int = BATCH) -> list[int]:
    """Insert ``rows`` (dicts of column values; the columns' defaults fill the rest) into ``model``'s table.

    With ``returning`` the new ids come back in the rows' order (for the rows that point at them);
    otherwise nothing is returned and the driver sends each batch at once. Joins the caller's transaction.
    """
    table = model.__table__
    ids: list[int] = []
    for chunk in _batches(rows, batch):
        if returning:
            ids.extend(db.session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk).scalars())
        else:
            db.session.execute(insert(table), chunk)
    return ids
