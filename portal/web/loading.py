"""Loading one record of the URL's region, with the object-level check of who may see it.

Every plugin used to write its own "get this id, 404 unless it is in this region"; one call
does it now, and the rule of who may see the object travels with the call.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import abort, g

from portal.app.extensions import db
from portal.web.access import deny

NOT_FOUND = 404
FORBIDDEN = 403


def _region_id(row, via: str | Callable[[Any], int]) -> int | None:
    if callable(via):
        return via(row)
    value = row
    for name in via.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def region_object(model, object_id, *, via: str | Callable[[Any], int] = "region_id",
                  allowed: Callable[[Any], bool] | None = None, refuse: int = NOT_FOUND, region=None):
    """The ``model`` row with ``object_id`` if it belongs to the region and this person may see it.

    :param via: how the row reaches its region: an attribute path (``"hotel.region_id"``) or a function.
    :param allowed: the object-level check, e.g. "their own stay" or "a club they organize".
    :param refuse: what a person who fails ``allowed`` gets: 404 (the object does not exist, as far as
        they know: the default) or 403 (they know it exists; the denial is audited).
    :return: the row; otherwise the request ends with 404 (or 403).
    """
    region = region if region is not None else g.get("region")
    row = db.session.get(model, object_id) if isinstance(object_id, int) else None
    if row is None or region is None or _region_id(row, via) != region.id:
        abort(404)
    if allowed is not None and not allowed(row):
        if refuse == FORBIDDEN:
            deny()
        abort(404)
    return row
