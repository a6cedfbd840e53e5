"""A region's own pages: the dashboard and the coordinator's approvals."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.app.extensions import db, htmx
from portal.app.plugin_types import DashboardCard
from portal.app.plugins import plugin_host
from portal.models import Membership, MembershipStatus, Role
from portal.models._time import utcnow
from portal.pages.regions.counts import CORE, count_all
from portal.pages.regions.forms import ApproveForm, RejectForm
from portal.pages.regions.representative import needs_representative, record_representative, representative_missing
from portal.services import audit
from portal.services.memberships import MEMBERSHIPS, VETTED_ROLES
from portal.services.notifications import notify
from portal.services.refusals import Refusal
from portal.web import access
from portal.web.http import redirect_to
from portal.web.paging import paginate

bp = Blueprint("regions", __name__, url_prefix="/<region_code>")
bp.add_app_template_global(needs_representative, "needs_representative")

#: A registration is decided once: the row is held and its status read again, so of two coordinators
#: deciding at once the second is told it is decided (audited by _record_decision, as before).
DECISIONS = MEMBERSHIPS


@bp.route("/")
@access.members(pending_ok=True)
def dashboard():
    region = g.region
    mine = [m for m in current_user.memberships if m.region_id == region.id]
    cards = []
    held = current_user.active_roles(region)
    host = plugin_host()
    if held:
        own = {}
        if Role.coordinator.value in held:
            own["registrations"] = select(func.count()).select_from(Membership).where(
                Membership.region_id == region.id, Membership.status == MembershipStatus.pending)
        plugins = host.enabled_in(region)
        counts = count_all(host, plugins, region, current_user, own)
        if "registrations" in counts.get(CORE, {}):
            waiting = counts[CORE]["registrations"]
            cards.append(DashboardCard(_("Registrations"), _("Waiting for your approval: %(num)d", num=waiting),
                                       url_for("regions.pending"), _("Decide"), count=waiting))
        for _name, answer in host.each("portal_dashboard_cards", only=plugins, tolerant=True,
                                       per_plugin={"counts": counts}, region=region, user=current_user):
            cards.extend(answer)
    cards.sort(key=lambda card: not card.count)  # what waits for the reader first; otherwise the hooks' order
    served = host.roles_served(region)
    services = {m.role.value: host.services_of_role(m.role.value) for m in mine if m.role.value not in served}
    idle = {role: ", ".join(titles) for role, titles in services.items() if titles}
    return render_template("regions/dashboard.html", region=region, memberships=mine, cards=cards, idle=idle)


#: Registrations per page: a region's open day can bring hundreds at once.
PENDING_PAGE_SIZE = 20


def _pending_query(region):
    return (
        select(Membership)
        .where(Membership.region_id == region.id, Membership.status == MembershipStatus.pending)
        .options(selectinload(Membership.user))
        .order_by(Membership.created_at, Membership.id)
    )


def _decision_forms(membership, submitted: bool = False):
    """Each row has its own prefixed forms, so ids stay unique and errors stay on their row."""
    approve, reject = f"approve{membership.id}", f"reject{membership.id}"
    if submitted:
        return ApproveForm(prefix=approve), RejectForm(prefix=reject)
    return ApproveForm(prefix=approve, formdata=None), RejectForm(prefix=reject, formdata=None)


def _rows(memberships, submitted_for=None, forms=None):
    return [
        (m, *(forms if forms is not None and m.id == submitted_for else _decision_forms(m)))
        for m in memberships
    ]


@bp.route("/members/pending")
@access.members(Role.coordinator)
def pending():
    page = paginate(_pending_query(g.region), per_page=PENDING_PAGE_SIZE)
    template = "regions/partials/pending_list.html" if htmx and htmx.target == "pending" else "regions/pending.html"
    return render_template(template, rows=_rows(page.items), page=page)


def _pending_membership(membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.region_id != g.region.id:
        abort(404)
    return membership


def _render_with_errors(membership, forms):
    """The row alone for htmx, the whole list otherwise; the input is kept."""
    if htmx:
        m, approve_form, reject_form = membership, *forms
        return render_template("regions/partials/pending_row.html", m=m, approve_form=approve_form,
                               reject_form=reject_form), 422
    page = paginate(_pending_query(g.region), per_page=PENDING_PAGE_SIZE)
    rows = _rows(page.items, membership.id, forms)
    if not any(m.id == membership.id for m, *_forms in rows):  # on a later page: shown first, with its errors
        rows.insert(0, (membership, *forms))
    return render_template("regions/pending.html", rows=rows, page=page), 422


@bp.route("/members/<int:membership_id>/approve", methods=["POST"])
@access.members(Role.coordinator)
def approve(membership_id: int):
    membership = _pending_membership(membership_id)
    if membership.status != MembershipStatus.pending:
        return _already_decided()
    forms = _decision_forms(membership, submitted=True)
    form = forms[0]
    if not form.validate_on_submit():
        return _render_with_errors(membership, forms)
    if membership.role in VETTED_ROLES and not form.documents_checked.data:
        form.documents_checked.errors.append(
            _("A mentor can only be approved after their documents have been checked.")
            if membership.role == Role.mentor else
            _("A volunteer can only be approved after their documents have been checked: they will work "
              "where graduates are."))
        return _render_with_errors(membership, forms)
    if representative_missing(membership, form):
        return _render_with_errors(membership, forms)
    if not _decide(membership, "approved"):
        return _already_decided()
    _record_decision(membership, form.note.data,
                     documents_checked=bool(form.documents_checked.data), **record_representative(membership, form))
    if membership.role in VETTED_ROLES:
        membership.documents_checked_at = membership.decided_at
    notify(membership.user, _l("Your registration in %(region)s is approved. Welcome!"),
           link=url_for("regions.dashboard"), region=g.region.name)
    db.session.commit()
    return _decided(membership, _("%(name)s is approved.", name=membership.user.name))


@bp.route("/members/<int:membership_id>/reject", methods=["POST"])
@access.members(Role.coordinator)
def reject(membership_id: int):
    membership = _pending_membership(membership_id)
    if membership.status != MembershipStatus.pending:
        return _already_decided()
    forms = _decision_forms(membership, submitted=True)
    form = forms[1]
    if not form.validate_on_submit():
        return _render_with_errors(membership, forms)
    if not _decide(membership, "rejected"):
        return _already_decided()
    _record_decision(membership, form.reason.data)
    notify(membership.user, _l("Your registration in %(region)s is declined: %(reason)s"),
           region=g.region.name, reason=membership.decision_reason)
    db.session.commit()
    return _decided(membership, _("%(name)s is rejected.", name=membership.user.name))


def _decide(membership, move: str) -> bool:
    """The guarded change of status; False when someone decided a moment ago."""
    try:
        DECISIONS.apply(membership, move, record=False)
    except Refusal:
        db.session.rollback()
        return False
    return True


def _record_decision(membership, reason: str | None, **details) -> None:
    """Who decided and when, and the decision's line in the audit log."""
    membership.decided_by_id = current_user.id
    membership.decided_at = utcnow()
    membership.decision_reason = (reason or "").strip()
    action = "membership.approved" if membership.status == MembershipStatus.active else "membership.rejected"
    audit.record(action, target=f"user:{membership.user_id}", region=g.region, subject=membership.user,
                 details={"role": membership.role.value, "reason": membership.decision_reason, **details})


def _already_decided():
    flash(_("This registration has already been decided."), "info")
    return redirect_to(url_for("regions.pending"))


def _decided(membership, message: str):
    if htmx:
        return render_template("regions/partials/decided_row.html", m=membership, message=message)
    flash(message, "success")
    return redirect(url_for("regions.pending"))
