"""Case work's dashboard cards beyond the registry's: overdue plan tasks and assessments, level changes to approve."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from plugins.casework import appeals, assessments, levels, plans, scope
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
                          _l("Assessments due"), count=tasks + overdue)]


def appeal_cards(region, user) -> list[DashboardCard]:
    """New appeals the person sees, and the overdue ones they work on."""
    from portal.kit import today

    if not user.has_role(region, *STAFF):
        return []
    new, overdue = appeals.dashboard_counts(user, region, today(region))
    return [DashboardCard(_l("Appeals"), _l("New appeals: %(new)d; your overdue appeals: %(overdue)d")
                          % {"new": new, "overdue": overdue},
                          url_for("casework.appeals", region_code=region.code), _l("The appeals journal"),
                          count=new + overdue)]


def approval_cards(region, user) -> list[DashboardCard]:
    """A service coordinator (or the resource centre's) sees how many level changes wait for them."""
    if not user.has_role(region, "coordinator") or not scope.reach(user, region).coordinates:
        return []
    count = levels.count_waiting(user, region)
    return [DashboardCard(_l("Support levels"), _l("Level changes awaiting your approval: %(count)d")
                          % {"count": count},
                          url_for("casework.level_changes", region_code=region.code), _l("Decide"), count=count)]


def monitoring_cards(region, user) -> list[DashboardCard]:
    """The monitoring's figures: the region's for the resource centre and the region admin, a service's for
    its coordinator (no query beyond the reach already worked out)."""
    reach = scope.reach(user, region)
    if not (user.has_role(region, "region_admin") or reach.whole_region or
            (user.has_role(region, "coordinator") and reach.coordinates)):
        return []
    return [DashboardCard(_l("Monitoring"), _l("Difficulties per area, support levels, appeals and the rating of "
                                               "services, for a quarter or a year."),
                          url_for("casework.monitoring", region_code=region.code), _l("Monitoring"))]
