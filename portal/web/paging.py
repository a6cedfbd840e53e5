"""Pages of long lists: Flask-SQLAlchemy's paginate with a page number the database can use.

``?page=99999999999999999999`` would make an OFFSET no database holds (SQLite: "int too large";
PostgreSQL: "bigint out of range"); such a page is simply past the end, so it is empty.

A list that can hold millions of rows (the audit log) counts at most ``count_cap`` of them: an exact
``count(*)`` over a whole country's rows costs more than the page itself, and nobody pages through
ten thousand lines; the pager then says "of more than N" and still goes on with "Next".
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask import request
from sqlalchemy import func, literal_column, select

from portal.app.extensions import db
from portal.web.ids import MAX_ID


def _page_number(per_page: int) -> int:
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_ID // per_page)


@dataclass
class CappedPage:
    """The shape of Flask-SQLAlchemy's Pagination that templates use, with a count that stops at a cap."""

    items: list
    page: int
    per_page: int
    total: int  # exact when not ``total_capped``, else the cap
    total_capped: bool
    has_next: bool

    @property
    def pages(self) -> int:
        counted = max(math.ceil(self.total / self.per_page), 1)
        return max(counted, self.page + (1 if self.has_next else 0))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def paginate(query, per_page: int, count_cap: int | None = None, count=None):
    """The page the address asks for (1 when unreadable), bounded, never an error.

    ``count``: a statement counting the same rows more cheaply than a count over ``query`` (say from an index
    of a table the query only filters by), used in its place."""
    page = _page_number(per_page)
    if count is not None:
        rows = list(db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)))
        return CappedPage(items=rows[:per_page], page=page, per_page=per_page, total=db.session.scalar(count) or 0,
                          total_capped=False, has_next=len(rows) > per_page)
    if count_cap is None:
        return db.paginate(query, page=page, per_page=per_page, error_out=False)
    rows = list(db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)))
    capped = query.order_by(None).with_only_columns(literal_column("1"), maintain_column_froms=True)
    counted = db.session.scalar(select(func.count()).select_from(capped.limit(count_cap + 1).subquery()))
    return CappedPage(items=rows[:per_page], page=page, per_page=per_page, total=min(counted, count_cap),
                      total_capped=counted > count_cap, has_next=len(rows) > per_page)
