"""The person's own sessions: where they are signed in, and signing out there or everywhere."""
from __future__ import annotations

import ua_parser
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.sessions import end_session, end_sessions, live_sessions, own_live_session
from portal.app.extensions import db, htmx
from portal.services import audit
from portal.web import access
from portal.web.forms import ConfirmForm
from portal.web.http import redirect_to
from portal.web.security import sign_out

bp = Blueprint("sessions", __name__)


def _named(part, *fields: str) -> str:
    """"Chrome 131" from a parsed part; nothing for the parser's "Other"."""
    if part is None or not part.family or part.family == "Other":
        return ""
    return " ".join(str(value) for value in (part.family, *(getattr(part, f) for f in fields)) if value)


def device_summary(user_agent: str) -> str:
    """A User-Agent as a person reads it ("Chrome 131 on Windows 10, Apple iPhone"), by ua-parser's rules.

    ua-parser's default parser keeps its own cache of parsed strings.
    """
    parsed = ua_parser.parse(user_agent or "")
    browser = _named(parsed.user_agent, "major")
    system = _named(parsed.os, "major")
    device = ""
    if parsed.device is not None and parsed.device.family not in ("Other", "Spider") and parsed.device.model:
        device = " ".join(dict.fromkeys(v for v in (parsed.device.brand, parsed.device.model) if v))
    if browser and system:
        text = _("%(browser)s on %(system)s", browser=browser, system=system)
    else:
        text = browser or system
    if device and device not in text:
        text = f"{text}, {device}" if text else device
    return text or _("Unknown device")


def _list_page(ended: bool = False):
    user = current_user._get_current_object()
    rows = live_sessions(user)
    current = user.current_session.id if user.current_session is not None else None
    template = "auth/partials/sessions_list.html" if htmx else "auth/sessions.html"
    return render_template(template, rows=rows, current_id=current, device_summary=device_summary,
                           form=ConfirmForm(), ended=ended)


@bp.route("/profile/sessions")
@access.authenticated
def index():
    return _list_page()


@bp.route("/profile/sessions/<int:session_id>/end", methods=["POST"])
@access.authenticated
def end(session_id: int):
    user = current_user._get_current_object()
    record = own_live_session(user, session_id)
    if record is None:
        abort(404)  # unknown, ended, or another person's: the same answer
    if not ConfirmForm().validate_on_submit():
        return redirect_to(url_for("sessions.index"))
    this_one = record.id == user.current_session.id
    end_session(record, "signed_out" if this_one else "ended_by_person")
    audit.record("session.ended", target=f"user:{user.id}", subject=user,
                 details={"session": record.id, "this_device": this_one})
    db.session.commit()
    if this_one:
        sign_out()
        flash(_("You have signed out."), "info")
        return redirect_to(url_for("home.index"))
    if htmx:
        return _list_page(ended=True)
    flash(_("That session is ended: its device is signed out."), "success")
    return redirect(url_for("sessions.index"))


@bp.route("/profile/sessions/end-all", methods=["POST"])
@access.authenticated
def end_all():
    if not ConfirmForm().validate_on_submit():
        return redirect_to(url_for("sessions.index"))
    end_sessions(current_user._get_current_object(), reason="everywhere")
    db.session.commit()
    sign_out()
    flash(_("You have signed out everywhere. Please sign in again on this device."), "info")
    return redirect_to(url_for("home.index"))  # as signing out does
