"""The pages of case work, one module per part; each module adds its routes to :data:`bp`
and names its audit actions in ``ACTIONS``."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("casework", __name__, template_folder="../templates")

from plugins.casework.views import home, imports, services  # noqa: E402  (the modules add their routes to bp)

MODULES = (home, services, imports)


def audit_actions() -> dict:
    actions: dict = {}
    for module in MODULES:
        actions.update(module.ACTIONS)
    return actions
