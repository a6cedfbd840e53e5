"""Help other services of a region offer for a graduate's need: one plugin asks, the others answer by a hook."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.app.plugin_types import HelpOffer
from portal.app.plugins import plugin_host

#: The needs a plugin may ask offers for (the codes ``portal_help_offers`` receives).
HELP_NEEDS = {
    "temporary_housing": _l("Temporary housing"),
    "housing": _l("Housing"),
    "utility_debts": _l("Debts for utilities"),
}


def help_offers(region, graduate, need: str) -> list[HelpOffer]:
    """Offers of the plugins on in ``region`` for ``need`` (a plugin that is off offers nothing; one that fails
    is logged and left out, so the asking page still renders)."""
    if need not in HELP_NEEDS or graduate is None:
        return []
    host = plugin_host()
    offers: list[HelpOffer] = []
    for _name, answer in host.each("portal_help_offers", only=host.enabled_in(region), tolerant=True,
                                   region=region, graduate=graduate, need=need):
        offers.extend(offer for offer in answer if isinstance(offer, HelpOffer))
    return offers
