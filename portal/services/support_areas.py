"""The one vocabulary of support areas shared by plugins and matching."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.app.plugins import plugin_host

SUPPORT_AREAS = {
    "legal": _l("Legal status"),
    "education": _l("Education"),
    "housing": _l("Housing"),
    "finances": _l("Income and finances"),
    "employment": _l("Employment"),
    "health": _l("Health"),
    "parenting": _l("Parenting"),
    "army": _l("Army service"),
    "everyday_skills": _l("Everyday skills"),
    "leisure": _l("Leisure"),
}


def graduate_needs(graduate, region) -> list[str]:
    """Areas where the graduate needs help, merged from every plugin on in the region."""
    host = plugin_host()
    needs: set[str] = set()
    for _name, areas in host.each(
        "portal_support_needs", only=host.enabled_in(region), graduate=graduate, region=region
    ):
        needs.update(a for a in areas if a in SUPPORT_AREAS)
    return [code for code in SUPPORT_AREAS if code in needs]
