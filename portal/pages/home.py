"""Pages of the core that belong to no region: home, language, notifications."""
from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.app.extensions import db, htmx
from portal.models import Notification, Region
from portal.services.notifications import mark_read
from portal.web import access
from portal.web.forms import ConfirmForm, LanguageForm
from portal.web.i18n import set_language_cookie
from portal.web.security import safe_next

bp = Blueprint("home", __name__)


@bp.route("/")
@access.public
def index():
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    mine = current_user.regions() if current_user.is_authenticated else []
    # Any membership, even one waiting for approval: registering again there is not what the person wants.
    joined = {m.region_id for m in current_user.memberships} if current_user.is_authenticated else set()
    return render_template("home.html", regions=regions, my_regions=mine, joined=joined)


@bp.route("/language", methods=["POST"])
@access.public
def set_language():
    form = LanguageForm()
    target = safe_next(form.next.data, url_for("home.index"))
    if not form.validate_on_submit():
        return redirect(target)
    language = form.language.data
    if current_user.is_authenticated:
        current_user.locale = language
        db.session.commit()
    return set_language_cookie(make_response(redirect(target)), language)


@bp.route("/notifications")
@access.authenticated
def notifications():
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(100)
    ).all()
    return render_template("notifications.html", notifications=items, form=ConfirmForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@access.authenticated
def read_notification(notification_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        mark_read(current_user, notification_id)
        db.session.commit()
    note = db.session.get(Notification, notification_id)
    if htmx and note is not None and note.user_id == current_user.id:
        return render_template("partials/notification.html", note=note, form=ConfirmForm())
    target = note.link if note is not None and note.user_id == current_user.id and note.link else None
    return redirect(safe_next(target, url_for("home.notifications")))


@bp.route("/notifications/read-all", methods=["POST"])
@access.authenticated
def read_all_notifications():
    if ConfirmForm().validate_on_submit():
        mark_read(current_user)
        db.session.commit()
    return redirect(url_for("home.notifications"))
