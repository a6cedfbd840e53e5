"""Sign-in and the person's own account (registration: registration.py; getting back in: recovery.py)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import confirm_login, current_user, fresh_login_required, login_user
from sqlalchemy import select

from portal.accounts.passwords import check_password, hash_password
from portal.accounts.people import export_person
from portal.accounts.sessions import end_session, end_sessions, short_sessions
from portal.app.extensions import db, limiter
from portal.models import Municipality, User
from portal.models._time import utcnow
from portal.pages.auth.forms import EmailChangeForm, LoginForm, PasswordChangeForm, ProfileForm, ReauthenticateForm
from portal.pages.auth.mails import send_confirmation
from portal.services import audit
from portal.web import access
from portal.web.forms import ConfirmForm
from portal.web.security import safe_next, sign_out, start_session

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["PORTAL_LOGIN_FAILURE_LIMIT"]


def _account_key() -> str:
    """The account being guessed: the e-mail typed, or the signed-in person's at reauthentication."""
    email = current_user.email if current_user.is_authenticated else (request.form.get("email") or "")
    return "account:" + email.strip().lower()


def _failed(response) -> bool:
    return bool(g.get("login_failed"))


def limit_failed_logins(view):
    """Five failures a minute per account and per address, then 429 (Flask-Limiter)."""
    view = limiter.limit(_login_limit, key_func=_account_key, methods=["POST"],
                         deduct_when=_failed, scope="login-account")(view)
    return limiter.limit(_login_limit, key_func=get_remote_address, methods=["POST"],
                         deduct_when=_failed, scope="login-address")(view)


def landing_page(user: User) -> str:
    regions = user.regions()
    if len(regions) == 1:
        return url_for("regions.dashboard", region_code=regions[0].code)
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limit_failed_logins
def login():
    if current_user.is_authenticated:
        return redirect(landing_page(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if check_password(user, form.password.data) and user.is_active:
            session.clear()  # a new session at every login; login_user opens its server-side row
            login_user(user, remember=bool(form.remember.data) and not short_sessions(user), fresh=True)
            start_session(user)
            user.last_login_at = utcnow()
            audit.record("login", target=f"user:{user.id}", actor=user, subject=user)
            db.session.commit()
            return redirect(safe_next(form.next.data, landing_page(user)))
        g.login_failed = True
        audit.record("login.failed", target=form.email.data.strip().lower(), subject=user, commit=True)
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access.authenticated
def logout():
    if ConfirmForm().validate_on_submit():
        audit.record("logout", target=f"user:{current_user.id}")
        end_session(current_user.current_session, "signed_out")  # its cookies, and any copy, open nothing
        db.session.commit()
        sign_out()
        flash(_("You have signed out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/reauthenticate", methods=["GET", "POST"])
@access.authenticated
@limit_failed_logins
def reauthenticate():
    form = ReauthenticateForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        if check_password(current_user, form.password.data):
            confirm_login()
            start_session(current_user)
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("auth.profile")))
        g.login_failed = True
        audit.record("login.failed", target=current_user.email, subject=current_user, commit=True)
        form.password.errors.append(_("Wrong password."))
    return render_template("auth/reauthenticate.html", form=form)


def _municipality_choices(user: User) -> list[tuple[int, str]]:
    region_ids = [r.id for r in user.regions()]
    rows = db.session.scalars(
        select(Municipality).where(Municipality.region_id.in_(region_ids)).order_by(Municipality.name)
    ).all() if region_ids else []
    return [(0, _("— not set —"))] + [(m.id, m.name) for m in rows]


@bp.route("/profile", methods=["GET", "POST"])
@access.authenticated
def profile():
    user = current_user
    form = ProfileForm(obj=user) if request.method == "GET" else ProfileForm()
    form.municipality.choices = _municipality_choices(user)
    if request.method == "GET":
        form.municipality.data = user.municipality_id or 0
        form.language.data = user.locale
        form.gender.data = user.gender or ""
    if form.validate_on_submit():
        user.name = form.name.data.strip()
        user.contact = (form.contact.data or "").strip()
        user.municipality_id = form.municipality.data or None
        user.locale = form.language.data
        user.gender = form.gender.data or None
        audit.record("profile.changed", target=f"user:{user.id}")
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)


def _end_other_sessions(user: User, reason: str) -> None:
    """Ends every other session and remember-me cookie of this person; keeps this one."""
    end_sessions(user, keep=user.current_session, reason=reason)


@bp.route("/profile/password", methods=["GET", "POST"])
@access.authenticated
@fresh_login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not check_password(current_user, form.current.data):
            form.current.errors.append(_("Wrong password."))
        else:
            current_user.password_hash = hash_password(form.password.data)
            _end_other_sessions(current_user, "password_changed")
            audit.record("password.changed", target=f"user:{current_user.id}")
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/password.html", form=form)


@bp.route("/profile/email", methods=["GET", "POST"])
@access.authenticated
@fresh_login_required
def change_email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        # The old address stays in use until the new one is confirmed by the link sent there.
        new = form.email.data.strip().lower()
        send_confirmation(current_user, new)
        audit.record("email.change_requested", target=f"user:{current_user.id}", details={"to": new})
        db.session.commit()
        flash(_("We sent a link to %(email)s. Your address changes when you follow it; until then we write "
                "to the one you have.", email=new), "info")
        return redirect(url_for("auth.profile"))
    return render_template("auth/email.html", form=form)


@bp.route("/profile/export")
@access.authenticated
def export():
    data = export_person(current_user)
    audit.record("person.exported", target=f"user:{current_user.id}")
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=portal-my-data.json",
    })
