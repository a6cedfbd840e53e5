"""Case work's dashboard cards: the numbers each counts (asked as SQL, all at once, by the core) and the cards.

Beyond the registry's own card: overdue plan tasks and assessments, appeals, level changes to approve, the
monitoring.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from plugins.casework import appeals, assessments, levels, plans, registry, scope
from portal.kit import DashboardCard, today

STAFF = ("specialist", "coordinator")


def _approves(region, user) -> bool:
    """A service coordinator (or the resource centre's) decides level changes."""
    return user.has_role(region, "coordinator") and bool(scope.reach(user, region).coordinates)


def staff_counts(region, user) -> dict:
    """Every number of the staff's cards, as SQL: ``portal_dashboard_counts``."""
    day = today(region)
    counts = {**registry.dashboard_count_queries(user, region, day),
              "tasks": plans.overdue_tasks_count_query(user, region),
              "assessments": assessments.overdue_count_query(user, region, mine=True),
              **appeals.dashboard_count_queries(user, region, day)}
    if _approves(region, user):
        counts["levels"] = levels.waiting_count_query(user, region)
    return counts


def staff_cards(region, user, counts: dict) -> list[DashboardCard]:
    return [DashboardCard(_l("Graduates' records"),
                          _l("Your records: %(mine)d. Ageing out this quarter: %(ageing)d.")
                          % {"mine": counts["mine"], "ageing": counts["ageing"]},
                          url_for("casework.records", region_code=region.code), _l("The registry")),
            *assessment_cards(region, counts), *appeal_cards(region, counts), *approval_cards(region, counts),
            *monitoring_cards(region, user)]


def assessment_cards(region, counts: dict) -> list[DashboardCard]:
    tasks, overdue = counts["tasks"], counts["assessments"]
    return [DashboardCard(_l("My graduates"),
                          _l("Overdue plan tasks: %(tasks)d; overdue assessments: %(assessments)d")
                          % {"tasks": tasks, "assessments": overdue},
                          url_for("casework.due_assessments", region_code=region.code, list="mine"),
                          _l("Assessments due"), count=tasks + overdue)]


def appeal_cards(region, counts: dict) -> list[DashboardCard]:
    """New appeals the person sees, and the overdue ones they work on."""
    new, overdue = counts["new"], counts["overdue"]
    return [DashboardCard(_l("Appeals"), _l("New appeals: %(new)d; your overdue appeals: %(overdue)d")
                          % {"new": new, "overdue": overdue},
                          url_for("casework.appeals", region_code=region.code), _l("The appeals journal"),
                          count=new + overdue)]


def approval_cards(region, counts: dict) -> list[DashboardCard]:
    """How many level changes wait for the person (counted only for those who decide them)."""
    if "levels" not in counts:
        return []
    count = counts["levels"]
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
