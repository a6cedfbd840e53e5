"""The kit's help offers: only plugins on in the region are asked, and only HelpOffer answers are kept."""
from __future__ import annotations

from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.kit import HelpOffer, help_offers


def test_offers_come_from_the_plugins_on_in_the_region(app_context, regions, people):
    belgorod, smolensk = regions["belgorod"], regions["smolensk"]
    with app_context.test_request_context():
        found = help_offers(belgorod, people["graduate"], "housing")
        assert HelpOffer("Write a note", "/belgorod/sample/") in found
        assert all(isinstance(offer, HelpOffer) for offer in found)
        assert help_offers(belgorod, people["graduate"], "no-such-need") == []
        assert help_offers(belgorod, None, "housing") == []
        plugin_host().set_enabled(belgorod, "sample", False)
        db.session.commit()
        assert HelpOffer("Write a note", "/belgorod/sample/") not in help_offers(belgorod, people["graduate"],
                                                                                "housing")
        assert HelpOffer("Write a note", "/smolensk/sample/") in help_offers(smolensk, people["graduate"], "housing")
