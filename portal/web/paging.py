"""Pages of long lists: Flask-SQLAlchemy's paginate with a page number the database can use.

``?page=99999999999999999999`` would make an OFFSET no database holds (SQLite: "int too large";
PostgreSQL: "bigint out of range"); such a page is simply past the end, so it is empty.
"""
from __future__ import annotations

from flask import request

from portal.app.extensions import db
from portal.web.ids import MAX_ID


def paginate(query, per_page: int):
    """The page the address asks for (1 when unreadable), bounded, never an error."""
    page = request.args.get("page", 1, type=int) or 1
    page = min(max(page, 1), MAX_ID // per_page)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
