"""The pages of case work, one module per part; each module adds its routes to :data:`bp`
and names its audit actions in ``ACTIONS``."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("casework", __name__, template_folder="../templates")

from plugins.casework.views import (appeals, assessments, consilium, contracts,  # noqa: E402  (the modules add routes)
                                    home, imports, monitoring, plans, records, services)

MODULES = (home, services, records, contracts, imports, assessments, consilium, plans, appeals, monitoring)


def audit_actions() -> dict:
    actions: dict = {}
    for module in MODULES:
        actions.update(module.ACTIONS)
    return actions
