"""Portal: a Flask core that hosts the plugins a region runs."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

__all__ = ["create_app"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    from portal.app import config as settings
    from portal.app import sqlite  # noqa: F401  (SQLite behaves like PostgreSQL)
    from portal.app import read_only, wiring
    from portal.app.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
    from portal.web import errors, i18n, layout, regions_context, security, static_files
    from portal.web.ids import IdConverter

    instance_path = Path((config or {}).get("INSTANCE_PATH") or PROJECT_ROOT / "instance")
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter
    app.config.update(settings.load(instance_path, config))

    if app.config["PORTAL_PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db.init_app(app)
    read_only.init_app(app)
    host = wiring.load_plugins(app)
    wiring.install_region_switch(app)  # before CSRF: a plugin that is off is not there, whatever the method
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        timezone_selector=i18n.select_timezone,
        default_translation_directories=";".join(wiring.translation_directories(host)),
    )
    babel.domain_instance = i18n.RequestDomain()
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)

    from portal.accounts import loader  # noqa: F401  (registers the user loader)

    security.init_app(app)
    regions_context.init_app(app)
    layout.init_app(app)
    errors.init_app(app)
    wiring.register_core_blueprints(app)
    wiring.register_plugin_blueprints(app, host)
    wiring.register_cli(app, host)
    static_files.init_app(app)
    return app
