"""At approval, a graduate under 18 needs their legal representative's consent recorded (152-FZ, art. 9)."""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from portal.services import consent


def needs_representative(membership) -> bool:
    """For the pending row: ask for the representative's consent only where it is missing."""
    return consent.needs_representative(membership.user, membership.region, membership.role)


def representative_missing(membership, form) -> bool:
    """True (with the message by its field) when a minor is approved without the consent recorded."""
    if not consent.needs_representative(membership.user, g.region, membership.role):
        return False
    if form.representative_consent.data and (form.representative.data or "").strip():
        return False
    form.representative_consent.errors.append(
        _("A graduate under 18 can only be approved once their legal representative's consent is recorded: "
          "tick it and write who gave it."))
    return True


def record_representative(membership, form) -> dict:
    """The consent, when one was asked for; what the approval's audit line keeps of it."""
    if not consent.needs_representative(membership.user, g.region, membership.role):
        return {}
    given = consent.record_representative(membership.user, g.region, form.representative.data,
                                          current_user._get_current_object())
    return {"representative_consent_version": given.version}
