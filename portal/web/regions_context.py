"""Every URL under /<region_code>/ knows its region; links keep it."""
from __future__ import annotations

from flask import Flask, abort, current_app, g, session
from sqlalchemy import and_, select

from portal.accounts import sessions
from portal.app.extensions import db
from portal.app.plugins import remember_enabled
from portal.models import Region, RegionPlugin


def _pull_region(endpoint, values):
    """The URL's region, with the plugins it has on in the same query (every region page asks for both);
    for a signed-in person, their session too (portal/accounts/sessions.py: resume_with_region)."""
    if values and "region_code" in values:
        code = values.pop("region_code")
        claimed = session.get("_user_id")
        if claimed and "_login_user" not in g:
            found = sessions.resume_with_region(claimed, code)
            if found is not None:
                if found[0] is None:
                    abort(404)
                g.region = found[0]
                remember_enabled(g.region.id, found[1])
                return
        rows = db.session.execute(
            select(Region, RegionPlugin.plugin)
            .outerjoin(RegionPlugin, and_(RegionPlugin.region_id == Region.id, RegionPlugin.enabled.is_(True)))
            .where(Region.code == code)).all()
        if not rows:
            abort(404)
        g.region = rows[0][0]
        remember_enabled(g.region.id, (plugin for _region, plugin in rows if plugin is not None))


def _fill_region(endpoint, values):
    if "region_code" in values:
        return
    region = g.get("region")
    if region is not None and current_app.url_map.is_endpoint_expecting(endpoint, "region_code"):
        values["region_code"] = region.code


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_pull_region)
    app.url_defaults(_fill_region)
