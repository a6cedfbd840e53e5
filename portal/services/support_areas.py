"""The one vocabulary of support areas shared by plugins and matching."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

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


def graduates_needs(graduate_ids, region) -> dict[int, list[str]]:
    """:func:`graduate_needs` of many graduates: each plugin answers for all of them in a few queries.

    A plugin that answers only ``portal_support_needs`` is asked graduate by graduate, so none is missed.
    """
    from portal.app.extensions import db
    from portal.models import User

    ids = sorted(set(graduate_ids))
    if not ids:
        return {}
    host = plugin_host()
    enabled = set(host.enabled_in(region))
    needs: dict[int, set[str]] = {i: set() for i in ids}
    for _name, answer in host.each("portal_support_needs_of", only=enabled, graduate_ids=ids, region=region):
        for user_id, areas in answer.items():
            if user_id in needs:
                needs[user_id].update(a for a in areas if a in SUPPORT_AREAS)
    answering = {impl.plugin_name for impl in host.manager.hook.portal_support_needs_of.get_hookimpls()}
    one_by_one = {impl.plugin_name for impl in host.manager.hook.portal_support_needs.get_hookimpls()}
    older = (one_by_one & enabled) - answering
    if older:
        for user in db.session.scalars(select(User).where(User.id.in_(ids))):
            for _name, areas in host.each("portal_support_needs", only=older, graduate=user, region=region):
                needs[user.id].update(a for a in areas if a in SUPPORT_AREAS)
    return {i: [code for code in SUPPORT_AREAS if code in areas] for i, areas in needs.items()}
