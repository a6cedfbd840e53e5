"""Opening an invitation: the link in the mail gives its role to the account of that address."""
from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user

from portal.accounts import invitations
from portal.accounts.passwords import hash_password
from portal.app.extensions import db
from portal.models import User
from portal.models._time import utcnow
from portal.pages.invitations.forms import NewAccountForm
from portal.services.labels import role_label
from portal.services.refusals import Refusal
from portal.web import access
from portal.web.forms import ConfirmForm
from portal.web.security import start_session

bp = Blueprint("invitations", __name__)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access.public
def accept(token: str):
    invitation = invitations.open_invitation(token)
    if invitation is None:
        return render_template("invitations/unusable.html"), 404
    owner = User.by_email(invitation.email)
    if current_user.is_authenticated and current_user.email != invitation.email:
        return render_template("invitations/accept.html", invitation=invitation, state="other_account"), 403
    if owner is not None and not current_user.is_authenticated:
        return render_template("invitations/accept.html", invitation=invitation, state="sign_in",
                               login_url=url_for("auth.login", next=request.path))
    if owner is not None:
        form = ConfirmForm()
        if form.validate_on_submit():
            if not _accepted(invitation, owner):
                return render_template("invitations/unusable.html"), 404
            return _welcome(invitation)
        return render_template("invitations/accept.html", invitation=invitation, state="confirm", form=form)
    form = NewAccountForm()
    if request.method == "GET":
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        user = User(email=invitation.email, name=form.name.data.strip(),
                    password_hash=hash_password(form.password.data), locale=form.language.data,
                    session_token=secrets.token_hex(16),
                    email_confirmed_at=utcnow())  # the link came to this address: it is theirs
        db.session.add(user)
        db.session.flush()
        if not _accepted(invitation, user):
            return render_template("invitations/unusable.html"), 404
        session.clear()  # a new session at every sign-in
        login_user(user, fresh=True)  # opens the server-side session row
        start_session(user)
        db.session.commit()
        return _welcome(invitation)
    status = 422 if form.errors else 200
    return render_template("invitations/accept.html", invitation=invitation, state="new_account", form=form), status


def _accepted(invitation, user) -> bool:
    """Accepted and committed; False when the same link was used a moment ago."""
    try:
        invitations.accept(invitation, user)
    except Refusal:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def _welcome(invitation):
    flash(_("Welcome! You are now %(role)s in %(region)s.", role=role_label(invitation.role),
            region=invitation.region.name), "success")
    return redirect(url_for("regions.dashboard", region_code=invitation.region.code))
