"""Where the core wires what plugins return: blueprints, CLI, migrations, catalogues."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Flask, abort, g, request

from portal.app.extensions import migrate
from portal.app.plugins import PluginHost, plugin_host

CORE_TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


class PluginContractError(RuntimeError):
    """A plugin broke the contract in portal/hookspecs.py; the message says how."""


def load_plugins(app: Flask) -> PluginHost:
    host = PluginHost(
        load_entry_points=app.config["PORTAL_LOAD_ENTRY_POINTS"],
        extra=app.config["PORTAL_EXTRA_PLUGINS"],
    )
    app.extensions["portal_plugins"] = host
    return host


def translation_directories(host: PluginHost) -> list[str]:
    folders = [str(CORE_TRANSLATIONS)]
    folders += [folder for _name, folder in host.each("portal_translations_folder")]
    return folders


def migration_directories(host: PluginHost) -> list[str]:
    return [folder for _name, folder in host.each("portal_migrations_folder")]


def register_core_blueprints(app: Flask) -> None:
    from portal.pages.admin import consent as _admin_consent  # noqa: F401  (its routes join the admin blueprint)
    from portal.pages.admin.views import bp as admin_bp
    from portal.pages.auth import confirmation as _confirmation  # noqa: F401  (routes on the auth blueprint)
    from portal.pages.auth import recovery as _recovery  # noqa: F401
    from portal.pages.auth import registration as _registration  # noqa: F401
    from portal.pages.auth.sessions import bp as sessions_bp
    from portal.pages.auth.views import bp as auth_bp
    from portal.pages.home import bp as home_bp
    from portal.pages.institutions.views import bp as institutions_bp
    from portal.pages.invitations.views import bp as invitations_bp
    from portal.pages.notices.views import bp as notices_bp
    from portal.pages.people.views import bp as people_bp
    from portal.pages.regions import reset_codes as _reset_codes  # noqa: F401  (routes on the regions blueprint)
    from portal.pages.regions.views import bp as regions_bp

    blueprints = (home_bp, auth_bp, sessions_bp, regions_bp, admin_bp, institutions_bp, invitations_bp, people_bp,
                  notices_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    _check_policies(app, tuple(blueprint.name for blueprint in blueprints))


def install_region_switch(app: Flask) -> None:
    """The one region switch, ahead of every other check (CSRF included): a plugin that is off answers 404.

    Called before the extensions add their own checks, so a POST to a switched-off plugin gets
    the same 404 as a GET, not a "form expired" answer that would reveal the plugin is there.
    """

    @app.before_request
    def region_switch():
        host = plugin_host()
        name = request.blueprint
        if name is None or name not in host.names():
            return None
        region = g.get("region")
        if region is None or name not in host.enabled_in(region):
            abort(404)
        return None


def register_plugin_blueprints(app: Flask, host: PluginHost) -> None:
    for name, blueprint in host.each("portal_blueprint"):
        if not isinstance(blueprint, Blueprint) or blueprint.name != name:
            raise PluginContractError(
                f"plugin {name!r}: portal_blueprint must return a Blueprint named {name!r}"
            )
        app.register_blueprint(blueprint, url_prefix=f"/<region_code>/{name}")
        _check_policies(app, (name,))


def _check_policies(app: Flask, blueprint_names) -> None:
    for endpoint, view in app.view_functions.items():
        if endpoint.split(".", 1)[0] in blueprint_names and not hasattr(view, "access_policy"):
            raise PluginContractError(
                f"view {endpoint!r} declares no access policy; decorate it with one from portal.web.access"
            )


def register_cli(app: Flask, host: PluginHost) -> None:
    from portal.app.cli import core_commands

    for command in core_commands():
        app.cli.add_command(command)
    for _name, commands in host.each("portal_cli_commands"):
        for command in commands:
            app.cli.add_command(command)


@migrate.configure
def _add_plugin_branches(alembic_config):
    """Each plugin's Alembic branch lives in its own folder; Alembic reads them all."""
    folders = [str(Path(alembic_config.get_main_option("script_location")) / "versions")]
    folders += migration_directories(plugin_host())
    alembic_config.set_main_option("path_separator", "os")
    alembic_config.set_main_option("version_locations", os.pathsep.join(folders))
    return alembic_config
