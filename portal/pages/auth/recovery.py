"""Getting back into an account: a reset link by e-mail, or a one-time code from a coordinator.

Whether an address has an account is never told: the request for a link gets the same answer and
the same page either way. A link or code works once, is stored only as its SHA-256, and using it
sets a new password, ends every other session of the person and signs them in.
"""
from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import login_user

from portal.accounts.passwords import hash_password
from portal.accounts.sessions import end_sessions
from portal.app.extensions import db
from portal.models import Region, TokenPurpose, User
from portal.models._time import utcnow
from portal.pages.auth.forms import ForgotPasswordForm, NewPasswordForm, ResetCodeForm
from portal.pages.auth.limits import count_attempt, limit_attempts
from portal.pages.auth.mails import send_reset_link
from portal.pages.auth.views import bp, landing_page
from portal.services import account_tokens, audit
from portal.web import access
from portal.web.security import start_session


def sign_in(user: User) -> None:
    """A person who proved to be themself (a reset, a confirmation link): signed in as by the sign-in page."""
    session.clear()
    login_user(user, remember=False, fresh=True)
    start_session(user)
    user.last_login_at = utcnow()


def set_new_password(user: User, password: str) -> None:
    """The new password; every other session, remember-me cookie, reset link and code of the person ends."""
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_hex(16)
    end_sessions(user, reason="password_reset")  # their rows end too, and the list says why
    account_tokens.revoke(user, TokenPurpose.password_reset, TokenPurpose.reset_code)


@bp.route("/password/forgot", methods=["GET", "POST"])
@access.public
@limit_attempts("password-forgot")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        count_attempt()
        email = form.email.data.strip().lower()
        user = User.by_email(email)
        if user is not None and user.is_active and user.email_confirmed_at is not None:
            send_reset_link(user)
            audit.record("password.reset_requested", target=f"user:{user.id}", subject=user)
        else:
            audit.record("password.reset_requested", target=email[:200], subject=user,
                         details={"sent": False})
        db.session.commit()
        return redirect(url_for("auth.forgot_password_sent"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/forgot/sent")
@access.public
def forgot_password_sent():
    return render_template("auth/forgot_password_sent.html")


def _valid_user(token) -> User | None:
    user = token.user if token is not None else None
    return user if user is not None and user.is_active else None


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@access.public
@limit_attempts("password-reset", per_account=False)
def reset_password(token: str):
    found = account_tokens.find(token, TokenPurpose.password_reset)
    user = _valid_user(found)
    if user is None:
        count_attempt()
        return render_template("auth/reset_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        if not account_tokens.use(found):  # the same link sent from a second tab a moment ago
            db.session.rollback()
            count_attempt()
            return render_template("auth/reset_invalid.html"), 404
        set_new_password(user, form.password.data)
        sign_in(user)
        audit.record("password.reset", target=f"user:{user.id}", actor=user, subject=user,
                     details={"by": "link"})
        db.session.commit()
        flash(_("Your new password is set and you are signed in."), "success")
        return redirect(landing_page(user))
    return render_template("auth/reset_password.html", form=form, token=token)


@bp.route("/password/code", methods=["GET", "POST"])
@access.public
@limit_attempts("password-code")
def reset_with_code():
    form = ResetCodeForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = User.by_email(email)
        found = account_tokens.find(account_tokens.normalize_code(form.code.data), TokenPurpose.reset_code,
                                    user=user) if user is not None and user.is_active else None
        if found is not None and account_tokens.use(found):
            set_new_password(user, form.password.data)
            sign_in(user)
            audit.record("password.reset", target=f"user:{user.id}", actor=user, subject=user,
                         region=db.session.get(Region, found.region_id) if found.region_id else None,
                         details={"by": "code"})
            db.session.commit()
            flash(_("Your new password is set and you are signed in."), "success")
            return redirect(landing_page(user))
        db.session.rollback()
        count_attempt()
        audit.record("password.code_failed", target=email[:200], subject=user, commit=True)
        form.code.errors.append(_("The e-mail or the code is wrong, or the code has expired. "
                                  "Ask your coordinator for a new code."))
    return render_template("auth/reset_code.html", form=form)
