"""Naming people to roles: a role for an existing account at once, an invitation for an address without one.

A region is run from the day its first region admin is named; the site admin names them here,
and so do ``portal grant-role`` and plugins (through the kit) that invite people to their roles.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.app.extensions import db
from portal.models import Invitation, Membership, Region, Role, User
from portal.models._time import utcnow
from portal.services import audit
from portal.services.account_tokens import digest
from portal.services.labels import role_label
from portal.services.notifications import absolute, notify
from portal.services.outbox import queue_mail
from portal.services.refusals import Refusal
from portal.services.roles import grant_role

INVITATION_LIFETIME = timedelta(days=7)


def invite(email: str, region: Region, role: Role | str, *, by: User | None = None) -> tuple[User | None, str]:
    """Give ``role`` in ``region`` to whoever owns ``email``: at once when the account exists
    (they are told), else by an invitation mailed to the address.

    Returns (the account that got the role, or None) and the invitation's link ("" when the role
    was granted), which the caller shows when no mail can be sent. The caller commits.
    """
    email = email.strip().lower()
    role = Role(role)
    user = User.by_email(email)
    if user is not None:
        grant_role(user, region, role, by=by)
        notify(user, _l("You now have the role %(role)s in %(region)s."), link=url_for("regions.dashboard", region_code=region.code),
               role=_role_name(role, user.locale), region=region.name)
        return user, ""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(email=email, region=region, role=role, token_hash=digest(token),
                            invited_by_id=by.id if by is not None else None,
                            expires_at=utcnow() + INVITATION_LIFETIME)
    db.session.add(invitation)
    db.session.flush()
    link = absolute(url_for("invitations.accept", token=token))
    with force_locale(region.default_locale or "ru"):
        subject = _("Portal: an invitation to %(region)s", region=region.name)
        body = _("You are invited to take the role %(role)s in %(region)s. Open this link within 7 days "
                 "to accept it: %(link)s", role=_role_name(role, region.default_locale), region=region.name,
                 link=link)
    queue_mail(email, subject, body)
    audit.record("invitation.sent", target=f"invitation:{invitation.id}", region=region, actor=by,
                 details={"role": role.value})
    return None, link


def _role_name(role: Role, locale: str | None) -> str:
    with force_locale(locale or "ru"):
        return role_label(role)


def open_invitation(token: str) -> Invitation | None:
    """The invitation behind a link, while it can still be accepted."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == digest(token or "")))
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < utcnow():
        return None
    return invitation


def accept(invitation: Invitation, user: User) -> Membership:
    """Used once: the row is updated only while nobody accepted it (two clicks at once grant one role)."""
    taken = db.session.execute(
        Invitation.__table__.update()
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
    ).rowcount
    if not taken:
        raise Refusal(_("This invitation has already been used."))
    membership = grant_role(user, invitation.region, invitation.role, by=invitation.invited_by)
    audit.record("invitation.accepted", target=f"invitation:{invitation.id}", region=invitation.region,
                 actor=user, subject=user, details={"role": invitation.role.value})
    return membership
