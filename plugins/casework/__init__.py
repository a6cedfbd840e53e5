"""Case work (сопровождение): the region's graduate registry and the daily work of its support services.

Support services and their staff; a graduate's record (социальная карта) with its status, the support
contract and consent, the quarterly life-situation assessment, the consilium that sets support levels
(approved by the service's coordinator), the individual plan. Who sees what is in :mod:`.scope`.
The latest assessment's difficulties reach other services through ``portal_support_needs``.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.kit import NavItem, PluginInfo, hookimpl, package_folders

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
        NavItem(_l("Support services"), "casework.services", roles=("region_admin", "coordinator")),
    ]


@hookimpl
def portal_audit_actions():
    from plugins.casework.views import audit_actions

    return audit_actions()


# --- demo data (registry import, demo and benchmark part) ---

@hookimpl
def portal_demo_data(region, people, password):
    from plugins.casework.demo import load

    load(region, people, password)
