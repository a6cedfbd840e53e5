"""Every URL under /<region_code>/ knows its region; links keep it."""
from __future__ import annotations

from flask import Flask, abort, current_app, g
from sqlalchemy import select

from portal.app.extensions import db
from portal.models import Region


def _pull_region(endpoint, values):
    if values and "region_code" in values:
        code = values.pop("region_code")
        region = db.session.scalar(select(Region).where(Region.code == code))
        if region is None:
            abort(404)
        g.region = region


def _fill_region(endpoint, values):
    if "region_code" in values:
        return
    region = g.get("region")
    if region is not None and current_app.url_map.is_endpoint_expecting(endpoint, "region_code"):
        values["region_code"] = region.code


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_pull_region)
    app.url_defaults(_fill_region)
