"""Sign-in, registration and the person's own account."""
from __future__ import annotations

import json
import secrets

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import confirm_login, current_user, fresh_login_required, login_user
from sqlalchemy import select

from portal.accounts.passwords import check_password, hash_password
from portal.accounts.people import export_person
from portal.accounts.sessions import end_session, end_sessions, short_sessions
from portal.app.extensions import db, limiter
from portal.models import Membership, MembershipStatus, Municipality, Role, User
from portal.models._time import utcnow
from portal.pages.auth.forms import (EMAIL_IN_USE, EMAIL_TAKEN, EmailChangeForm, LoginForm, PasswordChangeForm,
                                     ProfileForm, ReauthenticateForm, RegistrationForm)
from portal.services import audit
from portal.services.notifications import notify
from portal.services.refusals import Refusal, refuse_duplicates
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


def _region_municipalities(region) -> list[tuple[int, str]]:
    choices = [(m.id, m.name) for m in region.municipalities]
    return choices or [(0, _("— not set —"))]


@bp.route("/<region_code>/register", methods=["GET", "POST"])
@access.public
def register():
    region = g.region
    form = RegistrationForm()
    form.municipality.choices = _region_municipalities(region)
    if request.method == "GET":
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        role = Role(form.role.data)
        user = User(
            email=form.email.data.strip().lower(),
            name=form.name.data.strip(),
            password_hash=hash_password(form.password.data),
            municipality_id=form.municipality.data or None,
            locale=form.language.data,
            session_token=secrets.token_hex(16),
        )
        user.memberships.append(Membership(region=region, role=role, status=MembershipStatus.pending))
        status = MembershipStatus.pending
        try:
            with refuse_duplicates(EMAIL_TAKEN, "email"):  # the same form sent twice at once
                db.session.add(user)
                db.session.flush()
        except Refusal as refusal:
            refusal.show_on(form)
            return render_template("auth/register.html", form=form, region=region), 422
        audit.record("registration", target=f"user:{user.id}", region=region,
                     details={"role": role.value}, actor=user)
        if status == MembershipStatus.pending:
            _tell_coordinators(region, user)
        db.session.commit()
        if status == MembershipStatus.pending:
            flash(_("Thank you! A coordinator will review your registration; "
                    "we will let you know. You can sign in meanwhile."), "success")
        else:
            flash(_("Welcome! You can sign in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form, region=region)


def _tell_coordinators(region, newcomer: User) -> None:
    coordinators = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.region_id == region.id,
            Membership.role == Role.coordinator,
            Membership.status == MembershipStatus.active,
        )
    ).all()
    link = url_for("regions.pending", region_code=region.code)
    for coordinator in coordinators:
        notify(coordinator, _l("%(name)s registered and waits for approval."), link=link,
               name=newcomer.name)


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
    if form.validate_on_submit():
        user.name = form.name.data.strip()
        user.contact = (form.contact.data or "").strip()
        user.municipality_id = form.municipality.data or None
        user.locale = form.language.data
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
        old = current_user.email
        try:
            with refuse_duplicates(EMAIL_IN_USE, "email"):
                current_user.email = form.email.data.strip().lower()
                db.session.flush()
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form)
            return render_template("auth/email.html", form=form), 422
        _end_other_sessions(current_user, "email_changed")
        audit.record("email.changed", target=f"user:{current_user.id}", details={"from": old})
        db.session.commit()
        flash(_("Your e-mail is changed."), "success")
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
