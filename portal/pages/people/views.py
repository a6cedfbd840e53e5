"""A member of the region as coordinators and region admins see them: suspend, reinstate, end a role."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.sessions import end_sessions
from portal.app.extensions import db, htmx
from portal.models import Membership, Role, User
from portal.pages.people.forms import ReasonForm
from portal.services import memberships
from portal.services.labels import role_label
from portal.services.refusals import Refusal
from portal.web import access
from portal.web.forms import ConfirmForm
from portal.web.reads import render_audited

bp = Blueprint("people", __name__, url_prefix="/<region_code>/people")

RUN_BY = (Role.coordinator, Role.region_admin)
MOVES = {"suspend": "suspended", "reinstate": "reinstated", "end": "ended"}
MOVES_WITH_REASON = {"suspend", "end"}


def _member(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not any(m.region_id == g.region.id for m in user.memberships):
        abort(404)
    return user


def _roles(user: User) -> list[Membership]:
    return [m for m in user.memberships if m.region_id == g.region.id]


def _page(user: User, forms: dict | None = None, status: int = 200, message: str = ""):
    forms = forms or {}
    template = "people/partials/roles.html" if htmx and htmx.target == "roles" else "people/person.html"
    return render_audited(template, action="member.viewed", target=f"user:{user.id}", subject=user, status=status,
                          person=user, roles=_roles(user), forms=forms, confirm_form=ConfirmForm(),
                          people_roles=memberships.PEOPLE_ROLES, memberships=memberships.MEMBERSHIPS,
                          message=message)


@bp.route("/<int:user_id>")
@access.members(*RUN_BY)
def person(user_id: int):
    return _page(_member(user_id))


@bp.route("/<int:user_id>/roles/<role>/<action>", methods=["POST"])
@access.members(*RUN_BY)
def change_role(user_id: int, role: str, action: str):
    user = _member(user_id)
    membership = next((m for m in _roles(user) if m.role.value == role), None)
    if membership is None or action not in MOVES or membership.role not in memberships.PEOPLE_ROLES:
        abort(404)
    form = ReasonForm(prefix=f"{action}-{role}") if action in MOVES_WITH_REASON else ConfirmForm()
    if not form.validate_on_submit():
        return _page(user, {f"{action}-{role}": form}, status=422)
    reason = form.reason.data if action in MOVES_WITH_REASON else ""
    try:
        memberships.change(membership, MOVES[action], by=current_user._get_current_object(), reason=reason)
        if action == "suspend":  # a suspended person is signed out: every session, remember-me included
            end_sessions(user, reason="suspended", region=g.region)
    except Refusal as refusal:
        db.session.rollback()
        flash(str(refusal.message), "error")
        return redirect(url_for("people.person", user_id=user.id))
    db.session.commit()
    done = {"suspend": _("%(name)s: the role %(role)s is suspended."),
            "reinstate": _("%(name)s: the role %(role)s is active again."),
            "end": _("%(name)s: the role %(role)s has ended.")}[action]
    done = done % {"name": user.name, "role": role_label(membership.role)}
    if htmx:
        return _page(user, message=done)
    flash(done, "success")
    return redirect(url_for("people.person", user_id=user.id))
