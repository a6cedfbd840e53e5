"""Where case work starts: staff go to the registry, a region admin to the services, a graduate to their page."""
from __future__ import annotations

from flask import g, redirect, url_for
from flask_login import current_user

from plugins.casework.views import bp
from portal.kit import members

ACTIONS: dict = {}


@bp.route("/")
@members("specialist", "coordinator", "region_admin")
def index():
    if current_user.has_role(g.region, "specialist", "coordinator"):
        return redirect(url_for("casework.records"))
    return redirect(url_for("casework.services"))
