"""Volunteer festivals (фестивали добровольческих групп): programme, groups, shifts, hours, jury, certificates."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.kit import PluginInfo, hookimpl, package_folders

portal_migrations_folder, portal_translations_folder = package_folders(__file__)


@hookimpl
def portal_plugin_info():
    return PluginInfo(
        title=_l("Volunteer festivals"),
        description=_l("Festivals of volunteer groups: programme, groups and their projects, volunteer shifts "
                       "with suggested matches, check-in and hours, jury, certificates."),
        demo_regions=("smolensk",),
    )


@hookimpl
def portal_blueprint():
    from plugins.volunteer_festivals.views import bp

    return bp
