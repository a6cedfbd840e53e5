"""A coordinator's one-time reset code for a person of the region who has no e-mail they can read.

Graduates often change phones and addresses; the code is handed over in person. It is shown once,
works once for 24 hours, is stored only as its hash, and is audited. A coordinator issues codes
only to people of their own region who hold no staff role anywhere: a staff account is never
opened by a colleague.
"""
from __future__ import annotations

from flask import abort, g, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms import StringField, SubmitField
from wtforms.validators import Length

from portal.app.extensions import db
from portal.models import Membership, MembershipStatus, Role, TokenPurpose, User
from portal.pages.regions.views import bp
from portal.services import account_tokens, audit
from portal.web import access
from portal.web.forms import ConfirmForm, Form
from portal.web.http import require_fresh_login
from portal.web.loading import region_object
from portal.web.reads import render_audited

SHOWN = 20


class PersonSearchForm(Form):
    """Posted, so the name or e-mail searched for stays out of the server's access log."""

    q = StringField(_l("Name or e-mail"), validators=[Length(max=200)])
    submit = SubmitField(_l("Find"))


def _staff_ids():
    return select(Membership.user_id).where(Membership.role.in_(Role.staff()))


def _members_of(region):
    return select(Membership.user_id).where(Membership.region_id == region.id,
                                            Membership.status != MembershipStatus.rejected)


def may_get_code(user: User, region) -> bool:
    """A member of ``region`` (not rejected) who is no staff anywhere and no site admin."""
    return (not user.is_site_admin
            and any(m.region_id == region.id and m.status != MembershipStatus.rejected for m in user.memberships)
            and not any(m.role in Role.staff() for m in user.memberships))


@bp.route("/members/reset-codes", methods=["GET", "POST"])
@access.members(Role.coordinator)
def reset_codes():
    form = PersonSearchForm()
    found: list[User] = []
    searched = form.validate_on_submit() and bool((form.q.data or "").strip())
    if searched:
        pattern = f"%{form.q.data.strip()}%"
        found = db.session.scalars(
            select(User).where(User.id.in_(_members_of(g.region)), User.id.not_in(_staff_ids()),
                               User.is_site_admin.is_(False), or_(User.name.ilike(pattern), User.email.ilike(pattern)))
            .order_by(User.name, User.id).limit(SHOWN)).all()
    page, status = render_audited("regions/reset_codes.html", action="people.searched", target="reset-codes",
                                  names=found, audit_if=searched, form=form, found=found, searched=searched,
                                  issue_form=ConfirmForm(formdata=None))
    return page, status


@bp.route("/members/<int:user_id>/reset-code", methods=["POST"])
@access.members(Role.coordinator)
def issue_reset_code(user_id: int):
    person = region_object(User, user_id, via=lambda u: g.region.id if may_get_code(u, g.region) else None)
    refresh = require_fresh_login(url_for("regions.reset_codes"))
    if refresh is not None:
        return refresh
    if not ConfirmForm().validate_on_submit():
        abort(400)
    code = account_tokens.issue(person, TokenPurpose.reset_code, region=g.region, issued_by=current_user)
    audit.record("password.code_issued", target=f"user:{person.id}", region=g.region, subject=person)
    db.session.commit()
    return render_template("regions/reset_code.html", person=person, code=account_tokens.format_code(code))
