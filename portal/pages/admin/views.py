"""Region admins: services on and off, staff roles, the audit log. Site admins: regions."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import (Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from portal.accounts import invitations
from portal.app.extensions import db, htmx
from portal.app.plugins import plugin_host
from portal.models import AuditEvent, Invitation, Membership, MembershipStatus, Municipality, Region, Role, User
from portal.models._time import utcnow
from portal.pages.admin.forms import AuditFilterForm, GrantRoleForm, MemberSearchForm, PluginSwitchForm, RegionForm
from portal.pages.invitations.forms import InvitePersonForm
from portal.services import audit, region_time
from portal.services.audit import ACTION_LABELS
from portal.services.labels import role_label
from portal.services.mail import mail_configured
from portal.services.refusals import Refusal, refuse_duplicates
from portal.web import access
from portal.web.access import roles_held
from portal.web.forms import ConfirmForm
from portal.web.http import redirect_to, require_fresh_login
from portal.web.layout import region_navigation
from portal.web.paging import paginate

bp = Blueprint("admin", __name__)

MEMBERS_PAGE_SIZE = 50


# --- services (plugins) ---------------------------------------------------

def _plugin_rows(region):
    host = plugin_host()
    enabled = host.enabled_in(region)
    return [{"name": name, "info": host.info(name), "enabled": name in enabled} for name in host.names()]


@bp.route("/<region_code>/admin/plugins")
@access.members(Role.region_admin)
def plugins():
    return render_template("admin/plugins.html", rows=_plugin_rows(g.region), form=PluginSwitchForm())


@bp.route("/<region_code>/admin/plugins/<plugin_name>", methods=["POST"])
@access.members(Role.region_admin)
def switch_plugin(plugin_name: str):
    host = plugin_host()
    if plugin_name not in host.names():
        abort(404)
    form = PluginSwitchForm()
    if not form.validate_on_submit():
        abort(400)
    enabled = form.enabled.data == "1"
    in_use = [] if enabled or form.confirmed.data == "1" else _in_use(plugin_name)
    if in_use:
        row = {"name": plugin_name, "info": host.info(plugin_name), "enabled": True, "in_use": in_use}
        if htmx:
            return render_template("admin/partials/plugin_row.html", row=row, form=PluginSwitchForm())
        return render_template("admin/plugin_off.html", row=row, form=PluginSwitchForm())
    host.set_enabled(g.region, plugin_name, enabled)
    audit.record("plugin.enabled" if enabled else "plugin.disabled", target=f"plugin:{plugin_name}",
                 region=g.region)
    db.session.commit()
    if htmx:
        row = {"name": plugin_name, "info": host.info(plugin_name), "enabled": enabled}
        return render_template("admin/partials/plugin_row.html", row=row, form=PluginSwitchForm(),
                               navigation=region_navigation(g.region), oob_navigation=True)
    title = host.info(plugin_name).title
    flash(_("%(title)s is on.", title=title) if enabled else _("%(title)s is off.", title=title), "success")
    return redirect(url_for("admin.plugins"))


def _in_use(plugin_name: str) -> list[str]:
    """What the plugin holds in the region now (its own answer to ``portal_in_use``), asked before it goes off."""
    return [line for _name, lines in plugin_host().each("portal_in_use", only=[plugin_name], tolerant=True,
                                                         region=g.region) for line in lines]


# --- members and staff roles ---------------------------------------------

def _region_member(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not any(m.region_id == g.region.id for m in user.memberships):
        abort(404)
    return user


def _kept_search(name: str) -> str:
    """Searches for people are posted and kept in the session, never put in an address (and the
    server's access log with it): "/admin/members?q=<e-mail>" named the person being looked for."""
    return f"{name}:{g.region.id}"


@bp.route("/<region_code>/admin/members", methods=["GET", "POST"])
@access.members(Role.region_admin, Role.coordinator)
def members():
    key = _kept_search("members_search")
    status = 200
    kept = session.get(key) if isinstance(session.get(key), dict) else {}
    if request.method == "POST":
        search = MemberSearchForm()
        if search.validate_on_submit():
            session[key] = {"q": (search.q.data or "").strip(), "role": search.role.data or "",
                            "status": search.status.data or ""}
            if not htmx:
                return redirect(url_for("admin.members"))
        else:
            status = 422
    else:
        search = MemberSearchForm(formdata=None, **kept)
    query = select(User).options(selectinload(User.memberships)).order_by(User.name, User.id)
    held = select(Membership.user_id).where(Membership.region_id == g.region.id)
    if status == 200 and search.role.data:
        held = held.where(Membership.role == Role(search.role.data))
    if status == 200 and search.status.data:
        held = held.where(Membership.status == MembershipStatus(search.status.data))
    query = query.where(User.id.in_(held))
    # Without a search the members are counted from the region's memberships alone (every one has its account).
    count = None
    if not (status == 200 and search.q.data):
        members_held = held.subquery()
        count = select(func.count(func.distinct(members_held.c.user_id)))
    if status == 200 and search.q.data:
        pattern = f"%{search.q.data.strip()}%"
        query = query.where(or_(User.name.ilike(pattern), User.email.ilike(pattern)))
    page = paginate(query, per_page=MEMBERS_PAGE_SIZE, count=count)
    template = "admin/partials/members_table.html" if htmx and htmx.target == "members" else "admin/members.html"
    return render_template(template, page=page, search=search, **_member_controls()), status


def _member_controls() -> dict:
    """Region admins grant and remove staff roles; coordinators see the list to reach a person."""
    return {"grant_form": GrantRoleForm(), "remove_form": ConfirmForm(), "staff_roles": Role.staff(),
            "can_grant": bool(roles_held(current_user, g.region) & {Role.region_admin.value}),
            # Translated once for the page rather than at every row.
            "role_names": {role: role_label(role) for role in Role}}


def _member_row(user: User):
    if htmx:
        return render_template("admin/partials/member_row.html", user=user, **_member_controls())
    return redirect(url_for("admin.members"))


@bp.route("/<region_code>/admin/members/<int:user_id>/roles", methods=["POST"])
@access.members(Role.region_admin)
def grant_role(user_id: int):
    user = _region_member(user_id)
    refresh = require_fresh_login(url_for("admin.members"))
    if refresh is not None:
        return refresh
    form = GrantRoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a staff role."), "error")
        return redirect_to(url_for("admin.members"))
    role = Role(form.role.data)
    existing = next((m for m in user.memberships if m.region_id == g.region.id and m.role == role), None)
    if existing is None:
        user.memberships.append(Membership(region=g.region, role=role, status=MembershipStatus.active,
                                           decided_by_id=current_user.id))
    else:
        existing.status = MembershipStatus.active
    audit.record("role.granted", target=f"user:{user.id}", region=g.region, subject=user,
                 details={"role": role.value})
    db.session.commit()
    flash(_("%(name)s is now: %(role)s.", name=user.name, role=dict(form.role.choices)[role.value]), "success")
    return _member_row(user)


@bp.route("/<region_code>/admin/members/<int:user_id>/roles/<role>/remove", methods=["GET", "POST"])
@access.members(Role.region_admin)
def remove_role(user_id: int, role: str):
    """Asks first (GET: a page, or the row with the question when htmx asks), removes on POST."""
    user = _region_member(user_id)
    if role not in {r.value for r in Role.staff()}:
        abort(404)
    refresh = require_fresh_login(url_for("admin.members"))
    if refresh is not None:
        return refresh
    membership = next((m for m in user.memberships if m.region_id == g.region.id and m.role.value == role), None)
    if request.method == "GET":
        if membership is None:
            return redirect_to(url_for("admin.members"))
        if htmx:
            return render_template("admin/partials/member_row.html", user=user, confirm_role=role,
                                   **_member_controls())
        return render_template("admin/remove_role.html", user=user, role=Role(role), form=ConfirmForm())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id and role == Role.region_admin.value:
        flash(_("You cannot remove your own region admin role; ask another region admin."), "error")
        return redirect_to(url_for("admin.members"))
    if membership is not None:
        user.memberships.remove(membership)
        audit.record("role.removed", target=f"user:{user.id}", region=g.region, subject=user,
                     details={"role": role})
        db.session.commit()
        flash(_("%(name)s no longer has the role %(role)s.", name=user.name, role=role_label(Role(role))), "success")
    return _member_row(user)


# --- audit log ------------------------------------------------------------

#: The audit log counts its lines up to this many (20 pages): an exact count of a country's log costs more than the page.
AUDIT_COUNT_CAP = 1_000


def _actions_present(region_id: int) -> list[str]:
    """The actions a region's log holds, each found by one probe of the (region, action) index: the next action
    after the last one found (a loose index scan), not a DISTINCT over every line of the region."""
    first = select(func.min(AuditEvent.action).label("action")).where(AuditEvent.region_id == region_id)
    found = first.cte("found", recursive=True)
    following = (select(func.min(AuditEvent.action)).where(AuditEvent.region_id == region_id,
                                                           AuditEvent.action > found.c.action)
                 .scalar_subquery())
    found = found.union_all(select(following).where(found.c.action.is_not(None)))
    return [action for action in db.session.scalars(select(found.c.action)) if action is not None]


#: Most action choices an app keeps translated (one entry per language and set of actions present in a log).
ACTION_CHOICES_KEPT = 64


def _action_choices() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The actions' labels in the page's language and the filter's choices, sorted by label.

    They depend only on the language and on which actions the region's log holds (the labels are the core's and
    the plugins' fixed ones), so the app keeps them translated and sorted per (language, actions present)
    instead of translating and sorting some 200 labels at every page. Nothing about people is kept."""
    present = frozenset(_actions_present(g.region.id))
    kept = current_app.extensions.setdefault("portal_audit_action_choices", {})
    key = (str(get_locale()), present)
    found = kept.get(key)
    if found is None:
        labels = dict(ACTION_LABELS)
        for _name, answer in plugin_host().each("portal_audit_actions"):
            labels.update(answer)
        translated = {code: str(label) for code, label in labels.items()}
        # Actions of the same label in the order of their codes (a set's order changes from process to process).
        codes = sorted(present | set(translated), key=lambda c: (translated.get(c, c), c))
        found = (translated, [("", _("All actions"))] + [(c, translated.get(c, c)) for c in codes])
        if len(kept) >= ACTION_CHOICES_KEPT:
            kept.clear()
        kept[key] = found
    return found


def _region_day_start(day, region) -> datetime:
    """Midnight of a day in the region's time zone, as naive UTC like the stored times."""
    return region_time.to_utc(datetime.combine(day, time.min), region)


@bp.route("/<region_code>/admin/audit", methods=["GET", "POST"])
@access.members(Role.region_admin)
def audit_log():
    """The filter is posted; the person looked for is kept in the session, the rest (an action,
    dates: nobody's name) goes in the address, so a filtered page can be bookmarked and paged."""
    region = g.region
    key = _kept_search("audit_person")
    status = 200
    if request.method == "POST":
        form = AuditFilterForm()
        labels, form.action.choices = _action_choices()
        valid = form.validate_on_submit()
        if valid:
            session[key] = (form.person.data or "").strip()
            address = url_for("admin.audit_log", **_audit_args(form))
            if not htmx:
                return redirect(address)
        else:
            status = 422
    else:
        form = AuditFilterForm(request.args, meta={"csrf": False})
        labels, form.action.choices = _action_choices()
        valid = form.validate()
        form.person.data = session.get(key, "")
    members = select(Membership.user_id).where(Membership.region_id == region.id)
    query = select(AuditEvent).where(or_(
        AuditEvent.region_id == region.id,
        and_(AuditEvent.region_id.is_(None),
             or_(AuditEvent.actor_id.in_(members), AuditEvent.subject_id.in_(members))),
    ))
    if valid:
        if form.person.data:
            pattern = f"%{form.person.data.strip()}%"
            people = select(User.id).where(or_(User.name.ilike(pattern), User.email.ilike(pattern)))
            query = query.where(or_(AuditEvent.actor_label.ilike(pattern), AuditEvent.actor_id.in_(people)))
        if form.action.data:
            query = query.where(AuditEvent.action == form.action.data)
        if form.date_from.data:
            query = query.where(AuditEvent.at >= _region_day_start(form.date_from.data, region))
        if form.date_to.data:
            end = _region_day_start(form.date_to.data + timedelta(days=1), region)
            query = query.where(AuditEvent.at < end)
    query = query.options(selectinload(AuditEvent.actor)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    page = paginate(query, per_page=current_app.config["PORTAL_AUDIT_PAGE_SIZE"], count_cap=AUDIT_COUNT_CAP)
    template = "admin/partials/audit_table.html" if htmx and htmx.target == "audit-results" else "admin/audit.html"
    response = make_response(render_template(template, form=form, page=page, labels=labels,
                                             named=_named_in(page.items, region), role_label=role_label,
                                             args=_audit_args(form) if valid else {}), status)
    if request.method == "POST" and valid:
        response.headers["HX-Push-Url"] = url_for("admin.audit_log", **_audit_args(form))
    return response


def _named_in(events, region) -> dict[str, tuple[str, str | None]]:
    """What the page's events are about, by name: "user:166" → (the person's name, their page), "plugin:x" → its
    title. One query for the people; only the region's own people are named, others stay as stored."""
    wanted = {int(e.target[5:]) for e in events if e.target.startswith("user:") and e.target[5:].isdigit()}
    wanted |= {e.subject_id for e in events if e.subject_id}
    named: dict[str, tuple[str, str | None]] = {}
    if wanted:
        members = select(Membership.user_id).where(Membership.region_id == region.id)
        for user_id, name in db.session.execute(select(User.id, User.name).where(User.id.in_(wanted),
                                                                                 User.id.in_(members))):
            named[f"user:{user_id}"] = (name, url_for("people.person", user_id=user_id))
    host = plugin_host()
    for e in events:
        if e.target.startswith("plugin:") and e.target[7:] in host.names():
            named[e.target] = (str(host.info(e.target[7:]).title), None)
    return named


def _audit_args(form: AuditFilterForm) -> dict:
    """The filter's part that names nobody, for the address and the pager."""
    found = {"action": form.action.data or "",
             "date_from": form.date_from.data.isoformat() if form.date_from.data else "",
             "date_to": form.date_to.data.isoformat() if form.date_to.data else ""}
    return {name: value for name, value in found.items() if value}


# --- regions (site admins) -----------------------------------------------

def _reserved_codes() -> set[str]:
    """First path segments the core uses; a region code must not hide them."""
    return {
        rule.rule.strip("/").split("/", 1)[0]
        for rule in current_app.url_map.iter_rules()
        if not rule.rule.startswith("/<")
    } - {""}


def _save_region(form: RegionForm, region: Region | None) -> Region | None:
    code = form.code.data.strip()
    if code in _reserved_codes():
        form.code.errors.append(_("This code is reserved; choose another."))
        return None
    clash = db.session.scalar(select(Region).where(Region.code == code))
    if clash is not None and clash is not region:
        form.code.errors.append(_("A region with this code already exists."))
        return None
    creating = region is None
    if creating:
        region = Region()
        db.session.add(region)
    region.code = code
    region.name = form.name.data.strip()
    region.timezone = form.timezone.data
    region.default_locale = form.default_locale.data
    try:
        with refuse_duplicates(_l("This region was just saved by someone else, or the form was sent twice. "
                                  "Reload the page and check it."), "code"):
            db.session.flush()
            known = {m.name for m in region.municipalities}
            region.municipalities.extend(Municipality(name=name) for name in form.municipality_names()
                                         if name not in known)
            db.session.flush()
    except Refusal as refusal:
        db.session.rollback()
        refusal.show_on(form)
        return None
    audit.record("region.created" if creating else "region.updated", target=f"region:{code}", region=region)
    db.session.commit()
    return region


@bp.route("/admin/regions")
@access.site_admin
def regions():
    counts = dict(db.session.execute(
        select(Membership.region_id, func.count(func.distinct(Membership.user_id))).group_by(Membership.region_id)
    ).all())
    rows = db.session.scalars(select(Region).order_by(Region.name)).all()
    return render_template("admin/regions.html", regions=rows, counts=counts)


@bp.route("/admin/regions/new", methods=["GET", "POST"])
@access.site_admin
def new_region():
    form = RegionForm()
    region = _save_region(form, None) if form.validate_on_submit() else None
    if region is not None:
        flash(_("The region is created. Name its first region admin: nobody can run it until then."), "success")
        return redirect(url_for("admin.region_admins", code=region.code))
    return render_template("admin/region_form.html", form=form, region=None), 422 if form.errors else 200


@bp.route("/admin/regions/<code>/edit", methods=["GET", "POST"])
@access.site_admin
def edit_region(code: str):
    region = db.session.scalar(select(Region).where(Region.code == code))
    if region is None:
        abort(404)
    if request.method == "GET":
        form = RegionForm(obj=region, municipalities="\n".join(m.name for m in region.municipalities))
    else:
        form = RegionForm(current_zone=region.timezone)
    if form.validate_on_submit() and _save_region(form, region) is not None:
        flash(_("The region is saved."), "success")
        return redirect(url_for("admin.regions"))
    return render_template("admin/region_form.html", form=form, region=region), 422 if form.errors else 200


def _region_admins(region) -> list[User]:
    return db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.region_id == region.id, Membership.role == Role.region_admin,
               Membership.status == MembershipStatus.active)
        .order_by(User.name)
    ).all()


@bp.route("/admin/regions/<code>/admins", methods=["GET", "POST"])
@access.site_admin
def region_admins(code: str):
    """Who runs a region: an existing account gets the role at once, another address an invitation."""
    region = db.session.scalar(select(Region).where(Region.code == code))
    if region is None:
        abort(404)
    form = InvitePersonForm()
    link = ""
    if form.validate_on_submit():
        refresh = require_fresh_login(request.path)
        if refresh is not None:
            return refresh
        user, link = invitations.invite(form.email.data, region, Role.region_admin, by=current_user)
        db.session.commit()
        if user is not None:
            flash(_("%(name)s is now region admin of %(region)s.", name=user.name, region=region.name), "success")
            return redirect(url_for("admin.region_admins", code=code))
        if mail_configured():
            flash(_("An invitation is sent to %(email)s; it is valid for 7 days.", email=form.email.data), "success")
            return redirect(url_for("admin.region_admins", code=code))
        form = InvitePersonForm(formdata=None)
    invited = db.session.scalars(
        select(Invitation).where(Invitation.region_id == region.id, Invitation.accepted_at.is_(None),
                                 Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at.desc())
    ).all()
    status = 422 if form.errors else 200
    return render_template("admin/region_admins.html", region=region, admins=_region_admins(region), form=form,
                           invited=invited, link=link), status
