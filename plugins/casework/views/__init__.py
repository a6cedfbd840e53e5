"""The pages of case work, one module per part; each module adds its routes to :data:`bp`
and names its audit actions in ``ACTIONS``."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("casework", __name__, template_folder="../templates")

from plugins.casework.views import (assessments, consilium, contracts, home, imports,  # noqa: E402  (they add
                                    plans, records, services)  # their routes to bp)

MODULES = (home, services, records, contracts, assessments, consilium, plans, imports)


def audit_actions() -> dict:
    actions: dict = {}
    for module in MODULES:
        actions.update(module.ACTIONS)
    return actions
