"""Case work (сопровождение): the region's graduate registry and the daily work of its support services.

Support services and their staff; a graduate's record (социальная карта) with its status, the support
contract and consent, the quarterly life-situation assessment, the consilium that sets support levels
(approved by the service's coordinator), the individual plan. Who sees what is in :mod:`.scope`.
The latest assessment's difficulties reach other services through ``portal_support_needs``.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.kit import DashboardCard, NavItem, PluginInfo, Role, hookimpl, package_folders

portal_migrations_folder, portal_translations_folder = package_folders(__file__)
STAFF = ("specialist", "coordinator")


@hookimpl
def portal_plugin_info():
    return PluginInfo(
        title=_l("Case work"),
        description=_l("The graduate registry of the region's support services: records, support contracts, "
                       "quarterly assessments, consilia and support levels, individual plans."),
    )


@hookimpl
def portal_blueprint():
    from plugins.casework.views import bp

    return bp


@hookimpl
def portal_navigation(region, user):
    return [
        NavItem(_l("Graduates"), "casework.index", roles=STAFF),
        NavItem(_l("Appeals"), "casework.appeals", roles=STAFF),
        NavItem(_l("Support services"), "casework.services", roles=("region_admin", "coordinator")),
        NavItem(_l("Monitoring"), "casework.monitoring", roles=("region_admin", "coordinator")),
        *_my_support(region, user),
    ]


def _my_support(region, user):
    """"My support" only for a graduate whose record is linked (most graduates on the portal have none)."""
    from plugins.casework import registry

    if getattr(user, "is_authenticated", False) and user.has_role(region, Role.graduate) \
            and registry.record_of(user, region) is not None:
        return [NavItem(_l("My support"), "casework.mine", roles=("graduate",))]
    return []


@hookimpl
def portal_dashboard_counts(region, user):
    from plugins.casework import cards

    if user.has_role(region, *STAFF):
        return cards.staff_counts(region, user)
    return {}


@hookimpl
def portal_dashboard_cards(region, user, counts):
    from flask import url_for

    from plugins.casework import cards, registry

    if user.has_role(region, *STAFF):
        return cards.staff_cards(region, user, counts)
    if user.has_role(region, "region_admin"):
        return cards.monitoring_cards(region, user)
    if user.has_role(region, Role.graduate) and registry.record_of(user, region) is not None:
        return [DashboardCard(_l("My support"), _l("Your record, your contract and what your specialist wrote "
                                                   "for you."),
                              url_for("casework.mine", region_code=region.code), _l("My support"))]
    return []


@hookimpl
def portal_cli_commands():
    from plugins.casework.cli import casework

    return [casework]


@hookimpl
def portal_export_person(user):
    from plugins.casework import registry

    return registry.export(user)


@hookimpl
def portal_erase_person(user):
    from plugins.casework import registry

    registry.erase(user)


@hookimpl
def portal_audit_actions():
    from plugins.casework.views import audit_actions

    return audit_actions()


# --- demo data (registry import, demo and benchmark part) ---

@hookimpl
def portal_demo_data(region, people, password):
    from plugins.casework.demo import load

    load(region, people, password)


@hookimpl
def portal_demo_crowd(region, crowd):
    from plugins.casework.crowd import load

    return load(region, crowd)


# --- assessments (issue 15, part B): what the service knows reaches mentorship -----------------------------

@hookimpl
def portal_support_needs(graduate, region):
    from plugins.casework.assessments import support_needs

    return support_needs(graduate, region)


@hookimpl
def portal_support_needs_of(graduate_ids, region):
    from plugins.casework.assessments import support_needs_of

    return support_needs_of(graduate_ids, region)


@hookimpl
def portal_in_use(region):
    from flask_babel import ngettext
    from sqlalchemy import func, select

    from plugins.casework.models import Appeal, GraduateRecord, RecordStatus
    from portal.kit import db

    supported = db.session.scalar(select(func.count()).select_from(GraduateRecord).where(
        GraduateRecord.region_id == region.id, GraduateRecord.status == RecordStatus.under_support,
        GraduateRecord.merged_into_id.is_(None)))
    open_appeals = db.session.scalar(select(func.count()).select_from(Appeal).where(
        Appeal.region_id == region.id, Appeal.closed_at.is_(None)))
    lines = []
    if supported:
        lines.append(ngettext("%(num)d graduate under support", "%(num)d graduates under support", supported))
    if open_appeals:
        lines.append(ngettext("%(num)d appeal not resolved yet", "%(num)d appeals not resolved yet", open_appeals))
    return lines
