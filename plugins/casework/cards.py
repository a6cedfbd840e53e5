"""The specialist's dashboard card of case work: overdue plan tasks and overdue assessments.

The lead wires :func:`assessment_cards` into the plugin's one ``portal_dashboard_cards`` hook.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from plugins.casework import assessments, plans
from portal.kit import DashboardCard

STAFF = ("specialist", "coordinator")


def assessment_cards(region, user) -> list[DashboardCard]:
    if not user.has_role(region, *STAFF):
        return []
    tasks = plans.count_overdue_tasks(user, region)
    overdue = assessments.count_overdue(user, region, mine=True)
    return [DashboardCard(_l("My graduates"),
                          _l("Overdue plan tasks: %(tasks)d; overdue assessments: %(assessments)d")
                          % {"tasks": tasks, "assessments": overdue},
                          url_for("casework.due_assessments", region_code=region.code, list="mine"),
                          _l("Assessments due"))]
