"""Confirming an e-mail address: at registration, and the new one of a change (the old stays until then).

The link opens a page with a button: a mail scanner that follows links confirms nothing. Confirming
signs the person in; a registration then shows what happens next, a change the profile.
"""
from __future__ import annotations

import secrets

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.app.extensions import db
from portal.models import Region, TokenPurpose, User
from portal.models._time import utcnow
from portal.pages.auth.limits import count_attempt, limit_attempts
from portal.pages.auth.mails import send_confirmation
from portal.pages.auth.recovery import sign_in
from portal.pages.auth.views import bp
from portal.services import account_tokens, audit, consent
from portal.services.refusals import Refusal, refuse_duplicates
from portal.web import access
from portal.web.forms import ConfirmForm


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@access.public
@limit_attempts("email-confirm", per_account=False)
def confirm_email(token: str):
    found = account_tokens.find(token, TokenPurpose.email_confirmation)
    user = found.user if found is not None else None
    if user is None or not user.is_active:
        count_attempt()
        return render_template("auth/confirm_invalid.html"), 404
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("auth/confirm_email.html", form=form, email=found.email)
    if not account_tokens.use(found):
        db.session.rollback()
        return render_template("auth/confirm_invalid.html"), 404
    old = user.email
    try:
        with refuse_duplicates(_("An account with this e-mail already exists."), "email"):
            user.email = found.email
            user.email_confirmed_at = utcnow()
            db.session.flush()
    except Refusal as refusal:  # another account took the address meanwhile
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("auth.login"))
    if old != user.email:
        user.session_token = secrets.token_hex(16)  # a new address ends the other sessions, as before
        audit.record("email.changed", target=f"user:{user.id}", actor=user, subject=user, details={"from": old})
    audit.record("email.confirmed", target=f"user:{user.id}", actor=user, subject=user)
    account_tokens.revoke(user, TokenPurpose.email_confirmation)
    region = db.session.get(Region, found.region_id) if found.region_id else None
    sign_in(user)
    db.session.commit()
    flash(_("Your e-mail address is confirmed."), "success")
    if region is not None and any(m.region_id == region.id for m in user.memberships):
        return redirect(url_for("auth.welcome", region_code=region.code))
    return redirect(url_for("auth.profile"))


@bp.route("/profile/email/confirmation", methods=["POST"])
@access.authenticated
@limit_attempts("email-resend", per_account=False)
def resend_confirmation():
    """A new link for a person whose address is not confirmed yet (the first one lost or expired)."""
    if ConfirmForm().validate_on_submit() and current_user.email_confirmed_at is None:
        count_attempt()
        user = db.session.get(User, current_user.id)
        send_confirmation(user, user.email)
        audit.record("email.confirmation_sent", target=f"user:{user.id}", subject=user)
        db.session.commit()
        flash(_("We sent a new link to %(email)s.", email=user.email), "info")
    return redirect(url_for("auth.profile"))


@bp.route("/<region_code>/welcome")
@access.members(pending_ok=True)
def welcome():
    """What happens next for each of the person's roles in the region (who approves, what to bring, how long)."""
    region = g.region
    mine = [m for m in current_user.memberships if m.region_id == region.id]
    minor = consent.is_minor(current_user, region)
    return render_template("auth/welcome.html", region=region, memberships=mine, minor=minor,
                           representative_needed=minor and not consent.has_representative_consent(current_user,
                                                                                                   region))
