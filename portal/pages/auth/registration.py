"""Registration in a region: never tells whether an address already has an account.

Whatever was typed, a valid form gets the same answer: "check your mail" and what happens next
for the role. A new address gets an account (waiting for the coordinator, volunteers included),
the consent to the region's text and a link that confirms the address and signs the person in;
an address that has an account gets nothing new, and its owner a notice by mail. Sign-in works
at once with the password chosen (a graduate's address may never be read).
"""
from __future__ import annotations

import secrets

from flask import g, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.passwords import hash_password
from portal.app.extensions import db
from portal.app.plugins import plugin_host
from portal.models import Membership, MembershipStatus, Role, User
from portal.pages.auth.forms import RegistrationForm
from portal.pages.auth.limits import count_attempt, limit_attempts
from portal.pages.auth.mails import send_confirmation, send_registration_notice
from portal.pages.auth.views import bp
from portal.services import audit, consent
from portal.services.notifications import notify
from portal.services.refusals import Refusal, refuse_duplicates
from portal.web import access

REGISTERED = "portal_registered"


def _region_municipalities(region) -> list[tuple[int, str]]:
    choices = [(m.id, m.name) for m in region.municipalities]
    return choices or [(0, _("— not set —"))]


@bp.route("/<region_code>/register", methods=["GET", "POST"])
@access.public
@limit_attempts("registration")
def register():
    region = g.region
    form = RegistrationForm()
    form.municipality.choices = _region_municipalities(region)
    served = plugin_host().roles_served(region)  # no "mentor" where mentorship is off
    form.role.choices = [(value, label) for value, label in form.role.choices
                         if value == Role.graduate.value or value in served]
    version, consent_text = consent.current_text(region)
    if not form.is_submitted():
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        count_attempt()
        role = Role(form.role.data)
        email = form.email.data.strip().lower()
        password_hash = hash_password(form.password.data)  # for a taken address too: the answer takes as long
        user = _new_account(form, region, role, email, password_hash) if User.by_email(email) is None else None
        if user is not None:
            consent.record_own(user, region, version, str(get_locale()))
            audit.record("registration", target=f"user:{user.id}", region=region,
                         details={"role": role.value, "consent_version": version}, actor=user, subject=user)
            _tell_coordinators(region, user)
            send_confirmation(user, user.email, region=region)
        elif (owner := User.by_email(email)) is not None:
            audit.record("registration.existing", target=f"user:{owner.id}", region=region, subject=owner,
                         details={"role": role.value})
            send_registration_notice(owner, region)
        db.session.commit()
        minor = role == Role.graduate and consent.born_a_minor(form.birth_date.data, region)
        session[REGISTERED] = {"region": region.code, "role": role.value, "minor": minor}
        return redirect(url_for("auth.registered", region_code=region.code))
    return render_template("auth/register.html", form=form, region=region, consent_text=consent_text)


def _new_account(form, region, role: Role, email: str, password_hash: str) -> User | None:
    """The account, waiting for the coordinator; None when the same address was registered a moment ago."""
    user = User(
        email=email,
        name=form.name.data.strip(),
        password_hash=password_hash,
        municipality_id=form.municipality.data or None,
        locale=form.language.data,
        session_token=secrets.token_hex(16),
        birth_date=form.birth_date.data if role == Role.graduate else None,
    )
    user.memberships.append(Membership(region=region, role=role, status=MembershipStatus.pending))
    try:
        with refuse_duplicates(_l("An account with this e-mail already exists."), "email"):
            db.session.add(user)
            db.session.flush()
    except Refusal:  # the same form sent twice at once: the second is a taken address
        return None
    return user


@bp.route("/<region_code>/register/sent")
@access.public
def registered():
    """The one answer to every registration: check your mail, and what happens next."""
    shown = session.get(REGISTERED) or {}
    if shown.get("region") != g.region.code:
        shown = {}
    return render_template("auth/registered.html", region=g.region, role=shown.get("role"),
                           minor=bool(shown.get("minor")))


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
