"""The e-mails that let a person into an account, written in the person's language.

Each goes through the outbox (sent after commit). A reset link or a notice goes only to a
confirmed address (``mail_person``); the confirmation link is the one mail sent to an address
not yet confirmed.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.models import TokenPurpose, User
from portal.services import account_tokens
from portal.services.notifications import absolute, mail_person
from portal.services.outbox import queue_mail


def send_reset_link(user: User) -> None:
    secret = account_tokens.issue(user, TokenPurpose.password_reset)
    link = absolute(url_for("auth.reset_password", token=secret))
    with force_locale(user.locale or "ru"):
        subject = _("Portal: setting a new password")
        body = _("Someone (we hope you) asked to set a new password for your account on the portal. "
                 "Follow this link within an hour to choose one; it works once:\n\n%(link)s\n\n"
                 "If it was not you, do nothing: your password stays as it is.", link=link)
    mail_person(user, subject, body)


def send_confirmation(user: User, email: str, region=None) -> None:
    """A link that confirms ``email`` as the person's address (at registration, or the new one of a change)."""
    secret = account_tokens.issue(user, TokenPurpose.email_confirmation, email=email, region=region)
    link = absolute(url_for("auth.confirm_email", token=secret))
    with force_locale(user.locale or "ru"):
        subject = _("Portal: confirm your e-mail address")
        body = _("Please confirm that this address is yours: follow the link within seven days.\n\n%(link)s\n\n"
                 "Until then the portal sends nothing else here. If you did not give this address on the portal, "
                 "do nothing.", link=link)
    queue_mail(email, subject, body)


def send_registration_notice(owner: User, region) -> None:
    """Someone registered with an address that has an account: its owner hears of it, the page tells nothing."""
    with force_locale(owner.locale or "ru"):
        subject = _("Portal: a registration with your address")
        body = _("Someone (perhaps you) tried to register in %(region)s with this e-mail address, which already "
                 "has an account. If it was you, sign in: %(login)s\nForgot the password? Set a new one: "
                 "%(forgot)s\nIf it was not you, do nothing: nothing has changed.", region=region.name,
                 login=absolute(url_for("auth.login")), forgot=absolute(url_for("auth.forgot_password")))
    mail_person(owner, subject, body)
