"""Every dashboard card's numbers in one statement: each plugin says what it counts as SQL, asked all at once.

A dashboard shows a card per plugin, most with a number or two (requests waiting, overdue assessments).
Counted card by card they were a statement each, 17 on a coordinator's dashboard; the numbers are
scalar subqueries of one SELECT now, so a dashboard's round trips do not grow with the plugins on.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

from sqlalchemy import Select, select
from sqlalchemy.exc import SQLAlchemyError

from portal.app.extensions import db

logger = logging.getLogger("portal.plugins")

#: Whose numbers the core's own cards are filed under (no plugin is called so: names are entry points).
CORE = "portal"


def _scalar(expression: Any):
    return expression.scalar_subquery() if isinstance(expression, Select) else expression


def _counted(asked: list[tuple[str, str, Any]]) -> list[int]:
    values = db.session.execute(select(*[_scalar(expression).label(f"count_{number}")
                                         for number, (_owner, _name, expression) in enumerate(asked)])).one()
    return [int(value or 0) for value in values]


def count_all(host, plugins: Iterable[str], region, user, own: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{owner: {name: number}} for the core's ``own`` numbers (under ``CORE``) and every plugin's.

    A plugin whose expressions the database refuses is counted on its own and, if it fails again, left
    with no numbers (its cards then fail and are left out, logged, as any failing card is).
    """
    asked = [(CORE, name, expression) for name, expression in own.items()]
    for plugin, figures in host.each("portal_dashboard_counts", only=plugins, tolerant=True, region=region,
                                     user=user):
        asked += [(plugin, name, expression) for name, expression in (figures or {}).items()]
    counts: dict[str, dict[str, int]] = {}
    if not asked:
        return counts
    try:
        values = _counted(asked)
    except SQLAlchemyError:
        db.session.rollback()
        values = []
        for owner in dict.fromkeys(owner for owner, _name, _expression in asked):
            mine = [entry for entry in asked if entry[0] == owner]
            try:
                values += _counted(mine)
            except SQLAlchemyError:
                db.session.rollback()
                logger.exception("the dashboard's counts of %s failed; its cards are left out", owner)
                asked = [entry for entry in asked if entry[0] != owner]
    for (owner, name, _expression), value in zip(asked, values):
        counts.setdefault(owner, {})[name] = value
    return counts
