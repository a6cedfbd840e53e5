"""The audit log: one helper, called from one place per action."""
from __future__ import annotations

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.app.extensions import db
from portal.models import AuditEvent

# Labels for the filter of the audit page; plugins add theirs through a hook.
ACTION_LABELS = {
    "login": _l("Signed in"),
    "login.failed": _l("Failed sign-in"),
    "logout": _l("Signed out"),
    "session.expired": _l("Session expired"),
    "session.ended": _l("Signed out on one device"),
    "sessions.ended": _l("Sessions ended"),
    "registration": _l("Registered"),
    "membership.approved": _l("Registration approved"),
    "membership.rejected": _l("Registration rejected"),
    "role.granted": _l("Role granted"),
    "role.removed": _l("Role removed"),
    "plugin.enabled": _l("Service turned on"),
    "plugin.disabled": _l("Service turned off"),
    "access.denied": _l("Access denied"),
    "region.created": _l("Region created"),
    "region.updated": _l("Region changed"),
    "password.changed": _l("Password changed"),
    "email.changed": _l("E-mail changed"),
    "profile.changed": _l("Profile changed"),
    "person.exported": _l("Personal data exported"),
    "person.erased": _l("Personal data erased"),
    "institution.created": _l("Institution added"),
    "institution.changed": _l("Institution changed"),
    "institution.staff_named": _l("Specialist named to an institution"),
    "institution.staff_removed": _l("Specialist no longer named to an institution"),
    "registration.existing": _l("Registration with an address that has an account"),
    "password.reset_requested": _l("Password reset link asked for"),
    "password.reset": _l("New password set by a link or code"),
    "password.code_issued": _l("One-time reset code issued"),
    "password.code_failed": _l("Wrong reset code"),
    "email.change_requested": _l("E-mail change asked for"),
    "email.confirmation_sent": _l("Confirmation link sent again"),
    "email.confirmed": _l("E-mail confirmed"),
    "consent.text_changed": _l("Consent text changed"),
    "people.searched": _l("People searched"),
}


def record(action: str, target: str = "", region=None, details: dict | None = None,
           actor=None, subject=None, commit: bool = False) -> AuditEvent:
    """Write one audit event; joins the caller's transaction unless ``commit``."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    event = AuditEvent(
        action=action,
        target=target[:200],
        region_id=region.id if region is not None else None,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor.email if actor is not None else "",
        subject_id=subject.id if subject is not None else None,
        address=(request.remote_addr or "") if has_request_context() else "",
        details=details or {},
    )
    db.session.add(event)
    if commit:
        db.session.commit()
    return event
